# vrfsec_pipeline smoke test: the RTL with every header stage against the C model on a trafgen
# scenario, built at DATA_WIDTH 128 / LANES 1 and 512 / LANES 4 (KEY_SLOTS = VRFSEC_MAX_SA, as the
# scenario's SA indices go up to it). Links the C model, the setup code and tests/common.
TB_LIBS_vrfsec_pipeline := $(addprefix $(BUILD)/lib/,libvrfsec_common.a libvrfsec_engine.a \
	libvrfsec_hls.a)
rtl-tb-vrfsec_pipeline: $(RTL_HLS_OBJ) $(TB_LIBS_vrfsec_pipeline)
	@mkdir -p $(RTL_BUILD)
	@for c in 128:1 512:4; do \
		w=$${c%:*}; l=$${c#*:}; \
		verilator --cc --exe --build -O2 -j 0 -Wall --top-module vrfsec_pipeline \
			-GDATA_WIDTH=$$w -GLANES=$$l -GKEY_SLOTS=262144 \
			--Mdir $(RTL_BUILD)/vrfsec_pipeline_$$w \
			-CFLAGS "-O2 -DTB_DW=$$w -DTB_LANES=$$l -I$(CURDIR)/hw/hls -I$(CURDIR)/$(RTL_DIR) \
				-I$(CURDIR)/tests/common -I$(CURDIR)/sim/engine -I$(CURDIR)/sim \
				-I$(CURDIR)/hw/abi/gen" \
			-I$(CURDIR)/$(RTL_DIR) -I$(CURDIR)/$(RTL_DIR)/gen \
			-LDFLAGS "$(addprefix $(CURDIR)/,$(TB_LIBS_vrfsec_pipeline)) $(LDLIBS)" \
			$(RTL_SRC) $(CURDIR)/$(RTL_DIR)/vrfsec_pipeline_tb.cpp \
			> $(RTL_BUILD)/vrfsec_pipeline_$$w.build.log 2>&1 \
			|| { cat $(RTL_BUILD)/vrfsec_pipeline_$$w.build.log; exit 1; }; \
		$(RTL_BUILD)/vrfsec_pipeline_$$w/Vvrfsec_pipeline || exit 1; \
	done
