# vrfsec_top testbench: the whole C model (vrfsec_pipeline and the table setup) as the reference.
TB_OBJ_vrfsec_top := $(addprefix $(RTL_BUILD)/hls/,pipeline.o esp_decap.o esp_encap.o mpls.o \
	vrf_fwd.o vrf_fib.o vrf_fib_build.o tables.o sa_compile.o sa_lookup.o replay.o)
RTL_TB_LIBS_vrfsec_top := $(addprefix $(CURDIR)/,$(TB_OBJ_vrfsec_top))
rtl-tb-vrfsec_top: $(TB_OBJ_vrfsec_top)
