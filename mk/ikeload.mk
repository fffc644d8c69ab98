# vrfsec-ikeload (tests/ikeload): IKEv2 setups per second against charon and our responder, and
# the memory a held tunnel costs; `make bench-ike` runs it all (IKELOAD_* variables below).
PROGS += vrfsec-ikeload:tests/ikeload
PLIBS_vrfsec-ikeload := $(IKE_LIB)

.PHONY: bench-ike
# seconds per target and group, concurrent setups, held tunnels for the memory line
IKELOAD_SECS ?= 10
IKELOAD_CONC ?= 32
IKELOAD_TUNNELS ?= 100000
bench-ike: deps
	@$(MAKE) --no-print-directory all
	@IKELOAD_SECS=$(IKELOAD_SECS) IKELOAD_CONC=$(IKELOAD_CONC) IKELOAD_TUNNELS=$(IKELOAD_TUNNELS) \
		tests/ikeload/bench_ike.sh
