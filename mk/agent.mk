# vrfsecd, the host agent (host/agent), the `vrfsec` CLI's agent commands (host/cli), and the
# agent's tests (tests/agent): unit tests as build/tests/test_agent_* (run by the unit-test steps
# of make check, also under ASan and valgrind) and the integration test in tools/check.d/60-agent.sh.
AGENT_SRC := $(filter-out host/agent/main.c,$(wildcard host/agent/*.c))
AGENT_OBJ := $(AGENT_SRC:%.c=$(BUILD)/obj/%.o)
AGENT_LIB := $(BUILD)/lib/libvrfsec_agent.a
AGENT_LDLIBS := -lconfig -ljansson
AGENT_TEST_SRC := $(wildcard tests/agent/test_*.c)
AGENT_TEST_BINS := $(AGENT_TEST_SRC:tests/agent/%.c=$(BUILD)/tests/%)
AGENT_HELPER_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out $(AGENT_TEST_SRC),$(wildcard tests/agent/*.c)))
CLI_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard host/cli/*.c))

PROGS += vrfsecd:host/agent
# The first rule of the included files is make's default goal: `all`, not the object below.
all: $(AGENT_TEST_BINS)
# The IKE library (mk/ike.mk, included after this file: its archive named directly); every global
# symbol in it is ike_* (make ike-symcheck), so it links as it is.
AGENT_IKE_LIB := $(BUILD)/lib/libvrfsec_ike.a
PLIBS_vrfsecd := $(DRV_LIB) $(AGENT_IKE_LIB)
PLDLIBS_vrfsecd := -lpci $(AGENT_LDLIBS)
PLDLIBS_vrfsec += -ljansson

# headers of these folders are not in the generic object rule's prerequisites
$(AGENT_OBJ) $(BUILD)/obj/host/agent/main.o $(AGENT_HELPER_OBJ) \
	$(AGENT_TEST_SRC:%.c=$(BUILD)/obj/%.o): $(wildcard host/agent/*.h tests/agent/*.h host/ike/ike.h)
$(CLI_OBJ): $(wildcard host/cli/*.h)
$(BUILD)/obj/tests/agent/%.o: CFLAGS += -Ihost/agent

$(AGENT_LIB): $(AGENT_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(AGENT_TEST_BINS): $(BUILD)/tests/%: $(BUILD)/obj/tests/agent/%.o $(AGENT_HELPER_OBJ) $(AGENT_LIB) \
		$(AGENT_IKE_LIB) $(DRV_LIB) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) -lcmocka $(LDLIBS) $(if $(DRV_SRC),-lpci)

.PHONY: agent-test
agent-test: $(BUILD)/bin/vrfsecd $(BUILD)/bin/vrfsec $(BUILD)/bin/vrfsec-sim
	tests/agent/agent_test.sh

# The data-path demo without IKE (vrfsec-demo, pcaps, tshark); `make demo` is the aggregator demo.
.PHONY: demo-datapath
demo-datapath: deps all
	@tools/demo-datapath.sh
