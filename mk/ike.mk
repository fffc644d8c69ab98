# IKEv2 library (host/ike): libvrfsec_ike.a, its cmocka tests (tests/unit/test_ike_*.c link it),
# the strongSwan interop peer vrfsec-ike-peer (tests/ike) and a libFuzzer target (make ike-fuzz).
IKE_SRC := $(wildcard host/ike/*.c)
IKE_OBJ := $(IKE_SRC:%.c=$(BUILD)/obj/%.o)
IKE_LIB := $(BUILD)/lib/libvrfsec_ike.a
IKE_HDR := $(wildcard host/ike/*.h)
IKE_TEST_SRC := $(wildcard tests/unit/test_ike_*.c) tests/unit/ike_testpair.c $(wildcard tests/ike/*.c)
CFLAGS += -Ihost/ike

$(IKE_OBJ) $(IKE_TEST_SRC:%.c=$(BUILD)/obj/%.o): $(IKE_HDR)

$(IKE_LIB): $(IKE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# shorter stem than $(BUILD)/tests/%, so this rule wins for the IKE tests
# (objects first: the pair tests add the simulated network they share, tests/unit/ike_testpair.c)
$(BUILD)/tests/test_ike_%: $(BUILD)/obj/tests/unit/test_ike_%.o $(IKE_LIB) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter-out %.o,$^) $(LDLIBS) -lcmocka
$(addprefix $(BUILD)/tests/test_ike_,sm events cert scale): $(BUILD)/obj/tests/unit/ike_testpair.o

# Symbol hygiene: every global symbol of the archive is ike_* (tests/ike/symcheck.sh, run by make check)
.PHONY: ike-symcheck
ike-symcheck: $(IKE_LIB)
	tests/ike/symcheck.sh $(IKE_LIB)

PROGS += vrfsec-ike-peer:tests/ike
PLIBS_vrfsec-ike-peer := $(IKE_LIB)

# libFuzzer over the message parsers and the responder (clang): make ike-fuzz [FUZZ_SECS=60]
.PHONY: ike-fuzz
FUZZ_SECS ?= 60
$(BUILD)/fuzz/ike_fuzz: tests/ike/fuzz/ike_fuzz.c $(IKE_SRC) $(IKE_HDR)
	@mkdir -p $(dir $@)
	clang -std=c11 -g -O1 -D_GNU_SOURCE -Ihost/ike -fsanitize=fuzzer,address,undefined \
		-o $@ tests/ike/fuzz/ike_fuzz.c $(IKE_SRC) -lcrypto
ike-fuzz: $(BUILD)/fuzz/ike_fuzz
	@mkdir -p $(BUILD)/fuzz/corpus
	$(BUILD)/fuzz/ike_fuzz -max_total_time=$(FUZZ_SECS) -max_len=4096 $(BUILD)/fuzz/corpus
