# RTL simulation (sim/rtl): the Verilated pipeline behind vrfsec-sim --engine rtl, the cosimulation
# against the C kernels (make cosim) and the line-rate measurement (make linerate).
#
# Two Verilator builds of vrfsec_pipeline link into one program: Vpipe128 (DATA_WIDTH=128 LANES=1)
# and Vpipe512 (DATA_WIDTH=512 LANES=4), both with KEY_SLOTS=VRFSEC_MAX_SA (RTLSIM_WIDTHS=128 builds
# and links only the first, to iterate faster; the cosim then runs that one). They are built when
# RTL_ENGINE=1, the top exists and Verilator is installed, and not under SAN=1 (the build-san tree
# runs without the rtl engine: ASan/UBSan on Verilated C++ slows it tenfold and finds nothing in
# our C). RTL_SIM_TOP selects another top file (a stub while the RTL is written).
#
# RTL_ENGINE defaults to 0 while hw/rtl is being written, so that a plain `make` does not depend on
# Verilating an unfinished pipeline; cosim, cosim-short, cosim-build, linerate, cardtest-rtl and
# rtl-sim turn it on themselves (cardtest-rtl and rtl-sim relink vrfsec-sim in $(BUILD)/bin with
# the rtl engine; the cosim and linerate targets build only their own program, so that switching
# between them and a plain `make` relinks nothing). Make it 1 once the pipeline is stable to have
# --engine rtl in every build.

RTL_ENGINE ?= 0
RTL_SIM_TOP ?= hw/rtl/vrfsec_pipeline.v
RTLSIM_WIDTHS ?= 128 512
# another top builds elsewhere, so that switching back to hw/rtl cannot reuse its models
RTLSIM := $(BUILD)/rtl/sim$(if $(filter-out hw/rtl/vrfsec_pipeline.v,$(RTL_SIM_TOP)),-alt)
RTLSIM_VROOT := $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)
RTLSIM_ON := $(if $(and $(filter 1,$(RTL_ENGINE)),$(filter-out 1,$(SAN)),$(wildcard $(RTL_SIM_TOP)),$(RTLSIM_VROOT)),1)
RTLSIM_VSRC := $(wildcard hw/rtl/*.v hw/rtl/*.vh hw/rtl/gen/*.vh) $(RTL_SIM_TOP)
RTLSIM_W := $(sort $(filter 128 512,$(RTLSIM_WIDTHS)))
# verilator flags of the simulation builds; warnings are `make rtl-lint`'s business
RTLSIM_VFLAGS := --cc -O3 --trace-fst -Wno-fatal -Wno-lint -Wno-style --x-assign fast \
	--x-initial fast -y hw/rtl -Ihw/rtl -Ihw/rtl/gen --top-module vrfsec_pipeline
RTLSIM_DEFS := -DVM_COVERAGE=0 -DVM_SC=0 -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_TRACE_VCD=0
RTLSIM_CXXFLAGS := -std=gnu++17 -O2 -g -faligned-new -Wall -Wextra -Werror -Wno-unused-parameter \
	-D_Static_assert=static_assert $(foreach w,$(RTLSIM_W),-DRTLSIM_W$(w)) \
	$(RTLSIM_DEFS) -I$(RTLSIM_VROOT)/include -I$(RTLSIM_VROOT)/include/vltstd \
	$(foreach w,$(RTLSIM_W),-I$(RTLSIM)/pipe$(w)) -Isim/rtl -Ihw/hls
RTLSIM_VL_OBJ := $(addprefix $(RTLSIM)/vl/,verilated.o verilated_threads.o verilated_fst_c.o)
RTLSIM_MODEL_LIBS := $(foreach w,$(RTLSIM_W),$(RTLSIM)/pipe$(w)/Vpipe$(w)__ALL.a)
# what a program links to have the rtl engine and the model API
RTLSIM_OBJ := $(BUILD)/obj/sim/rtl/engine_rtl.o $(BUILD)/obj/sim/rtl/rtl_meta.o \
	$(RTLSIM)/rtl_model.o $(RTLSIM_MODEL_LIBS) $(RTLSIM_VL_OBJ)
RTLSIM_LDLIBS := -lstdc++ -lz -lpthread -latomic -lm
# how the models are made: Verilator's and the C++ build's flags (without the per-model ones)
RTLSIM_CXXMAKE := VM_PARALLEL_BUILDS=1 OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2 OPT=
# one key slot per SA index (hw/hls/vrfsec_hls.h)
RTLSIM_KEY_SLOTS := $(shell sed -n 's/^\#define VRFSEC_MAX_SA \([0-9]*\)u.*/\1/p' hw/hls/vrfsec_hls.h)

# A file per setting that rebuilds what depends on it when, and only when, its text changes: the
# models on their top and flags (not on every edit of this file), rtl_model.o on the widths linked.
# $(1): file, $(2): text. Rewritten at parse time when different.
rtlsim_stamp = $(shell mkdir -p $(dir $(1)); [ "$$(cat $(1) 2>/dev/null)" = "$(2)" ] || \
	echo "$(2)" > $(1))
# $(1): 128 or 512, $(2): lanes
rtlsim_flags = $(RTL_SIM_TOP) $(RTLSIM_VFLAGS) -GDATA_WIDTH=$(1) -GLANES=$(2) \
	-GKEY_SLOTS=$(RTLSIM_KEY_SLOTS) $(RTLSIM_CXXMAKE)
ifneq ($(MAKECMDGOALS),clean)
$(call rtlsim_stamp,$(RTLSIM)/pipe128.flags,$(call rtlsim_flags,128,1))
$(call rtlsim_stamp,$(RTLSIM)/pipe512.flags,$(call rtlsim_flags,512,4))
$(call rtlsim_stamp,$(RTLSIM)/widths.txt,$(RTL_SIM_TOP) $(RTLSIM_W))
endif

# $(1): 128 or 512, $(2): lanes. A model depends on the files Verilator read for it (its
# __ver.d, turned into pipeN.dep), so that edits to modules outside the pipeline (vrfsec_top and
# the register block) do not re-Verilate it; every hw/rtl source until it has been built once.
define rtlsim_model
$(RTLSIM)/pipe$(1)/Vpipe$(1)__ALL.a: $(if $(wildcard $(RTLSIM)/pipe$(1).dep),,$(RTLSIM_VSRC)) \
		$(RTL_SIM_TOP) $(RTLSIM)/pipe$(1).flags
	@mkdir -p $(RTLSIM)/pipe$(1)
	verilator $(RTLSIM_VFLAGS) --prefix Vpipe$(1) -GDATA_WIDTH=$(1) -GLANES=$(2) \
		-GKEY_SLOTS=$(RTLSIM_KEY_SLOTS) --Mdir $(RTLSIM)/pipe$(1) $(RTL_SIM_TOP) \
		> $(RTLSIM)/pipe$(1).verilate.log 2>&1 || { cat $(RTLSIM)/pipe$(1).verilate.log; exit 1; }
	@sed -n 's/^[^:]*: *//p' $(RTLSIM)/pipe$(1)/Vpipe$(1)__ver.d | tr ' ' '\n' | \
		grep -v -e '^$$$$' -e '^/' | sort -u > $(RTLSIM)/pipe$(1).dep.tmp && \
		{ printf '%s: %s\n' '$$@' "$$$$(tr '\n' ' ' < $(RTLSIM)/pipe$(1).dep.tmp)"; \
		  sed 's/$$$$/:/' $(RTLSIM)/pipe$(1).dep.tmp; } > $(RTLSIM)/pipe$(1).dep && \
		rm -f $(RTLSIM)/pipe$(1).dep.tmp
	+$(MAKE) --no-print-directory -C $(RTLSIM)/pipe$(1) -f Vpipe$(1).mk Vpipe$(1)__ALL.a \
		$(RTLSIM_CXXMAKE) > $(RTLSIM)/pipe$(1).cxx.log 2>&1 || \
		{ tail -n 40 $(RTLSIM)/pipe$(1).cxx.log; exit 1; }
endef
$(eval $(call rtlsim_model,128,1))
$(eval $(call rtlsim_model,512,4))
-include $(wildcard $(RTLSIM)/pipe128.dep $(RTLSIM)/pipe512.dep)

$(RTLSIM)/vl/%.o: $(RTLSIM_VROOT)/include/%.cpp
	@mkdir -p $(dir $@)
	g++ -std=gnu++17 -O2 -faligned-new -w $(RTLSIM_DEFS) -I$(RTLSIM_VROOT)/include \
		-I$(RTLSIM_VROOT)/include/vltstd -c $< -o $@

$(RTLSIM)/rtl_model.o: sim/rtl/rtl_model.cpp sim/rtl/rtl_model.h $(RTLSIM_MODEL_LIBS) \
		$(RTLSIM)/widths.txt
	@mkdir -p $(dir $@)
	g++ $(RTLSIM_CXXFLAGS) -c $< -o $@

$(BUILD)/obj/sim/rtl/%.o: sim/rtl/rtl_model.h
# the cosim runs the vector runner's case code (tests/vectors/vectors.h)
$(BUILD)/obj/sim/rtl/cosim/%.o: CFLAGS += -Itests/vectors
$(BUILD)/obj/sim/rtl/cosim/%.o $(BUILD)/obj/sim/rtl/linerate/%.o: sim/rtl/rtl_model.h

.PHONY: cosim cosim-short cosim-build linerate cardtest-rtl rtl-sim
# the shared vector files, and the project's own files that are not copies of them
COSIM_SHARED := $(wildcard ../shared/vectors/*.txt)
COSIM_VECTORS := $(COSIM_SHARED) $(filter-out $(addprefix tests/vectors/data/,$(notdir \
	$(COSIM_SHARED))),$(wildcard tests/vectors/data/*.txt))
LINERATE_CLOCK_MHZ ?= 322.265625
# cosim-short: bit flips and truncations per ESP vector case and kind (vrfsec-cosim --sample)
COSIM_SHORT_SAMPLE ?= 64

# vrfsec-sim is relinked whenever the rtl engine goes in or out (or changes top): an empty archive
# that is remade when the configuration changes (an archive, because the link takes every
# prerequisite). Checked only when vrfsec-sim is: a make that does not link it leaves it be.
RTLSIM_CFG := $(BUILD)/rtl/engine-cfg
RTLSIM_CFG_NOW := rtl=$(RTLSIM_ON) top=$(RTL_SIM_TOP) widths=$(RTLSIM_W)
$(RTLSIM_CFG).a: rtlsim-always
	@mkdir -p $(dir $@)
	@[ "$$(cat $(RTLSIM_CFG).txt 2>/dev/null)" = "$(RTLSIM_CFG_NOW)" ] && [ -f $@ ] || \
		{ echo "$(RTLSIM_CFG_NOW)" > $(RTLSIM_CFG).txt; rm -f $@; ar rcs $@; }
# never made: what depends on it is looked at on every run (phony, since .SECONDARY would skip it)
.PHONY: rtlsim-always
rtlsim-always:
PLIBS_vrfsec-sim += $(RTLSIM_CFG).a

ifeq ($(RTLSIM_ON),1)
PROGS += vrfsec-cosim:sim/rtl/cosim vrfsec-linerate:sim/rtl/linerate
PLIBS_vrfsec-sim += $(RTLSIM_OBJ)
PLDLIBS_vrfsec-sim += $(RTLSIM_LDLIBS)
# the cosim runs the data-path vector cases through the vector runner's own case code
PLIBS_vrfsec-cosim := $(RTLSIM_OBJ) $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out \
	%/vrfsec_vectors.c,$(wildcard tests/vectors/*.c)))
PLDLIBS_vrfsec-cosim := $(RTLSIM_LDLIBS)
PLIBS_vrfsec-linerate := $(RTLSIM_OBJ)
PLDLIBS_vrfsec-linerate := $(RTLSIM_LDLIBS)

rtl-sim: $(BUILD)/bin/vrfsec-cosim $(BUILD)/bin/vrfsec-linerate $(BUILD)/bin/vrfsec-sim
cosim-build: $(BUILD)/bin/vrfsec-cosim
# Full: every data-path vector with every bit flip and truncation, 10,000+ random packets per
# direction and parameter set, the mix of every packet kind with errors.
cosim: cosim-build
	$(BUILD)/bin/vrfsec-cosim --packets 10000 --mix 10000 $(COSIM_VECTORS)
# The make check form: every vector case, with a sample of its bit flips and truncations, and
# 1,000 packets per stream.
cosim-short: cosim-build
	$(BUILD)/bin/vrfsec-cosim --packets 1000 --mix 1000 --sample $(COSIM_SHORT_SAMPLE) \
		$(COSIM_VECTORS)
linerate: $(BUILD)/bin/vrfsec-linerate
	$(BUILD)/bin/vrfsec-linerate --clock-mhz $(LINERATE_CLOCK_MHZ)
# vrfsec-cardtest with every simulated card on the RTL (slow: the whole suite at simulation speed)
cardtest-rtl: all
	VRFSEC_SIM_ENGINE=rtl $(BUILD)/bin/vrfsec-cardtest $(CARDTEST_RTL_ARGS)
else ifneq ($(and $(filter-out 1,$(SAN)),$(wildcard $(RTL_SIM_TOP)),$(RTLSIM_VROOT)),)
cosim cosim-short cosim-build linerate cardtest-rtl rtl-sim:
	+$(MAKE) --no-print-directory RTL_ENGINE=1 $@
else
cosim cosim-short cosim-build linerate cardtest-rtl rtl-sim:
	@echo "$@: needs Verilator and $(RTL_SIM_TOP), and SAN=0"; exit 1
endif
