# stage_rx testbench: hw/hls/pipeline.c with the stages vrfsec_stage_rx tail-calls renamed to the
# testbench's recording stubs (and those of vrfsec_stage_post, which it never runs), plus the
# table setup code that compiles the SAs.
TB_OBJ_stage_rx := $(RTL_BUILD)/tb/stage_rx/pipeline.o \
	$(addprefix $(RTL_BUILD)/hls/,sa_compile.o sa_lookup.o tables.o vrf_fib_build.o)
RTL_TB_LIBS_stage_rx := $(addprefix $(CURDIR)/,$(TB_OBJ_stage_rx))
rtl-tb-stage_rx: $(TB_OBJ_stage_rx)
$(RTL_BUILD)/tb/stage_rx/pipeline.o: hw/hls/pipeline.c $(wildcard hw/hls/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -O2 -Ihw/hls -Desp_decap_rx=tbref_esp_decap_rx \
		-Dmpls_core_rx=tbref_mpls_core_rx -Dvlan_inside_rx=tbref_vlan_inside_rx \
		-Desp_encap=tbref_esp_encap -Dvrf_forward=tbref_vrf_forward \
		-Desp_decap_post=tbref_esp_decap_post -Desp_encap_post=tbref_esp_encap_post \
		-c $< -o $@
