# SPDX-License-Identifier: Apache-2.0
# vrfsec build: `make` builds everything, `make check` runs every test, `make demo` runs the aggregator with strongSwan clients (`make demo-datapath`: the data path alone).

BUILD ?= build
SAN ?= 0
CC ?= gcc

WARN := -Wall -Wextra -Werror -Wno-unknown-pragmas -Wvla -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT ?= -O2 -g
CFLAGS := -std=c11 $(OPT) $(WARN) -D_GNU_SOURCE -march=x86-64-v2 -Ihw/hls -Ihw/abi/gen -Isim/engine -Isim \
	-Ifirmware -Idriver/include -Itests/common
LDLIBS := -lIPSec_MB -lcrypto -lpcap
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

HLS_SRC := $(wildcard hw/hls/*.c)
FW_SRC := $(wildcard firmware/*.c)
DRV_SRC := $(wildcard driver/*.c)
ENGINE_SRC := $(wildcard sim/engine/*.c)
COMMON_SRC := $(wildcard tests/common/*.c)
HLS_OBJ := $(HLS_SRC:%.c=$(BUILD)/obj/%.o)
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/obj/%.o)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
FW_OBJ := $(FW_SRC:%.c=$(BUILD)/obj/%.o)
DRV_OBJ := $(DRV_SRC:%.c=$(BUILD)/obj/%.o)
FW_LIB := $(if $(FW_SRC),$(BUILD)/lib/libvrfsec_fw.a)
DRV_LIB := $(if $(DRV_SRC),$(BUILD)/lib/libvrfsec.a)
LIBS := $(BUILD)/lib/libvrfsec_common.a $(BUILD)/lib/libvrfsec_engine.a $(BUILD)/lib/libvrfsec_hls.a

# program name : source folder (every .c in the folder); per-program extra archives and libraries
# in PLIBS_<name> and PLDLIBS_<name>
PROGS := vrfsec-vectors:tests/vectors vrfsec-diff:tests/diff vrfsec-bench:tests/bench \
	vrfsec-demo:sim/demo vrfsec-sim:sim/card vrfsec-card:host/card vrfsec:host/cli \
	vrfsec-cardtest:tests/card
PLIBS_vrfsec-sim := $(FW_LIB)
PLDLIBS_vrfsec-sim := -lxdp -lbpf
PLIBS_vrfsec-card := $(DRV_LIB)
PLDLIBS_vrfsec-card := -lpci
PLIBS_vrfsec := $(DRV_LIB)
PLDLIBS_vrfsec := -lpci
PLIBS_vrfsec-cardtest := $(DRV_LIB) $(FW_LIB)
PLDLIBS_vrfsec-cardtest := -lpci
PLIBS_vrfsec-bench := $(DRV_LIB)
PLDLIBS_vrfsec-bench := $(if $(DRV_SRC),-lpci)
# Parts of the build kept in their own files (mk/*.mk): they may add to PROGS, PLIBS_*, PLDLIBS_*
# and define their own targets.
-include $(sort $(wildcard mk/*.mk))
prog_name = $(word 1,$(subst :, ,$1))
prog_dir = $(word 2,$(subst :, ,$1))
PROG_BINS := $(foreach p,$(PROGS),$(if $(wildcard $(call prog_dir,$p)/*.c),$(BUILD)/bin/$(call prog_name,$p)))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# keep objects of pattern rules (unit test objects are intermediates otherwise)
.SECONDARY:

.PHONY: all deps check demo bench clean fmt lint hls-check abi install
PREFIX ?= /usr/local
VERSION := 0.1.0
all: $(PROG_BINS) $(UNIT_BINS)

deps:
	@tools/deps.sh

$(BUILD)/obj/hw/hls/%.o: hw/hls/%.c $(wildcard hw/hls/*.h hw/hls/*.def)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unknown-pragmas -c $< -o $@

$(BUILD)/obj/%.o: %.c $(wildcard hw/hls/*.h hw/hls/*.def hw/abi/gen/*.h sim/*.h sim/engine/*.h \
		firmware/*.h driver/*.h driver/include/*.h sim/card/*.h host/card/*.h tests/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/lib/libvrfsec_hls.a: $(HLS_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/lib/libvrfsec_engine.a: $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^ $(if $^,,/dev/null)
$(BUILD)/lib/libvrfsec_fw.a: $(FW_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/lib/libvrfsec.a: $(DRV_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/lib/libvrfsec_common.a: $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

define prog_rule
$(BUILD)/bin/$(call prog_name,$1): $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(call prog_dir,$1)/*.c)) $(PLIBS_$(call prog_name,$1)) $(LIBS)
	@mkdir -p $$(dir $$@)
	$(CC) $(LDFLAGS) -o $$@ $$^ $(PLDLIBS_$(call prog_name,$1)) $(LDLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$p)))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(DRV_LIB) $(FW_LIB) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(if $(DRV_SRC),-lpci) -lcmocka

abi:
	python3 tools/abigen.py

# The card-memory map the RTL stages address (hw/rtl/gen/vrfsec_layout.vh), from the C tables.
.PHONY: layout layout-check
$(BUILD)/bin/layoutgen: tools/layoutgen.c $(wildcard hw/hls/*.h hw/hls/*.def)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -Ihw/hls $< -o $@
layout: $(BUILD)/bin/layoutgen
	$(BUILD)/bin/layoutgen > hw/rtl/gen/vrfsec_layout.vh
layout-check: $(BUILD)/bin/layoutgen
	@$(BUILD)/bin/layoutgen | cmp -s - hw/rtl/gen/vrfsec_layout.vh \
		|| { echo "hw/rtl/gen/vrfsec_layout.vh is stale: run make layout"; exit 1; }
	@echo "layout: hw/rtl/gen/vrfsec_layout.vh up to date"

# The driver library with its headers and pkg-config file, and the card tools.
install: all
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/vrfsec \
		$(DESTDIR)$(PREFIX)/bin
	install -m 644 $(BUILD)/lib/libvrfsec.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 driver/include/vrfsec.h hw/abi/gen/vrfsec_abi.h $(DESTDIR)$(PREFIX)/include/vrfsec/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' driver/vrfsec.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/vrfsec.pc
	install -m 755 $(BUILD)/bin/vrfsec-sim $(BUILD)/bin/vrfsec-card $(BUILD)/bin/vrfsec \
		$(DESTDIR)$(PREFIX)/bin/

hls-check:
	python3 tools/hls_check.py hw/hls

# The firmware for the card's RISC-V soft core: firmware/*.c, its platform in firmware/rv32/ and
# the table setup code it calls; the size line must stay under the 64 KiB text budget.
.PHONY: firmware-rv32
RV32_CC := riscv64-unknown-elf-gcc
RV32_ELF := $(BUILD)/firmware-rv32/vrfsec-fw.elf
RV32_CFLAGS := -std=c11 -march=rv32imc -mabi=ilp32 -Os -ffreestanding -ffunction-sections \
	-fdata-sections --specs=picolibc.specs --crt0=minimal $(WARN) -Ihw/hls -Ihw/abi/gen -Ifirmware
RV32_SRC := $(FW_SRC) $(wildcard firmware/rv32/*.c) \
	$(addprefix hw/hls/,tables.c sa_compile.c sa_lookup.c vrf_fib_build.c)
firmware-rv32:
	@mkdir -p $(dir $(RV32_ELF))
	$(RV32_CC) $(RV32_CFLAGS) -Wl,--gc-sections -o $(RV32_ELF) $(RV32_SRC)
	@riscv64-unknown-elf-size $(RV32_ELF) | awk 'NR == 2 { \
		print "firmware rv32 text=" $$1 " data=" $$2 " bss=" $$3; \
		if ($$1 > 65536) { print "firmware rv32: text over the 64 KiB budget"; exit 1 } }'

check: deps
	@tools/check.sh

demo: deps all
	@tools/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/bin/vrfsec-bench

fmt:
	clang-format -i $$(git ls-files '*.c' '*.h')

lint:
	cppcheck --quiet --error-exitcode=1 --std=c11 -Ihw/hls --suppress=missingIncludeSystem hw/hls sim tests

clean:
	rm -rf build build-san

# RTL (hw/rtl): Verilator lint of every module, the module testbenches against the C kernels, and
# Yosys synthesis for UltraScale+ with one resource line per module.
.PHONY: rtl-lint rtl-test synth
RTL_DIR := hw/rtl
RTL_BUILD := $(BUILD)/rtl
RTL_SRC := $(wildcard $(RTL_DIR)/*.v $(RTL_DIR)/gen/*.v)
RTL_MODULES := $(notdir $(basename $(RTL_SRC)))
RTL_TBS := $(patsubst $(RTL_DIR)/%_tb.cpp,%,$(wildcard $(RTL_DIR)/*_tb.cpp))
RTL_HLS_OBJ := $(RTL_BUILD)/hls/aes.o $(RTL_BUILD)/hls/gcm.o
rtl-lint:
	@for f in $(RTL_SRC); do \
		verilator --lint-only -Wall -y $(RTL_DIR) -I$(RTL_DIR)/gen --top-module $$(basename $$f .v) $$f || exit 1; \
	done; echo "rtl-lint: $(words $(RTL_SRC)) modules clean"
# the table layout and sizes are in the headers: a changed header rebuilds every C object
$(RTL_BUILD)/hls/%.o: hw/hls/%.c $(wildcard hw/hls/*.h hw/hls/*.def)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -O2 -Ihw/hls -c $< -o $@
# A testbench NAME_tb.cpp may come with NAME_tb.mk: extra objects in RTL_TB_LIBS_NAME (made
# prerequisites of rtl-tb-NAME there), e.g. a C stage compiled with its tail calls renamed.
-include $(wildcard $(RTL_DIR)/*_tb.mk)
rtl-test: $(addprefix rtl-tb-,$(RTL_TBS))
rtl-tb-%: $(RTL_HLS_OBJ)
	@mkdir -p $(RTL_BUILD)
	@verilator --cc --exe --build -O2 -j 0 -Wall --top-module $* --Mdir $(RTL_BUILD)/$* \
		-CFLAGS "-O2 -I$(CURDIR)/hw/hls -I$(CURDIR)/$(RTL_DIR)" -I$(CURDIR)/$(RTL_DIR) -I$(CURDIR)/$(RTL_DIR)/gen \
		-LDFLAGS "$(addprefix $(CURDIR)/,$(RTL_HLS_OBJ)) $(RTL_TB_LIBS_$*)" \
		$(RTL_SRC) $(CURDIR)/$(RTL_DIR)/$*_tb.cpp > $(RTL_BUILD)/$*.build.log 2>&1 \
		|| { cat $(RTL_BUILD)/$*.build.log; exit 1; }
	$(RTL_BUILD)/$*/V$*
synth:
	@$(RTL_DIR)/synth.sh $(RTL_BUILD)/synth $(RTL_MODULES)
