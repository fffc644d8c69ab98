# vrf_forward testbench: hw/hls/vrf_fwd.c with its tail calls (esp_encap, mpls_push) renamed to
# the testbench's recording stubs, the real trie lookup and the table setup code.
TB_OBJ_vrf_forward := $(RTL_BUILD)/tb/vrf_forward/vrf_fwd.o \
	$(addprefix $(RTL_BUILD)/hls/,vrf_fib.o vrf_fib_build.o tables.o)
RTL_TB_LIBS_vrf_forward := $(addprefix $(CURDIR)/,$(TB_OBJ_vrf_forward))
rtl-tb-vrf_forward: $(TB_OBJ_vrf_forward)
$(RTL_BUILD)/tb/vrf_forward/vrf_fwd.o: hw/hls/vrf_fwd.c $(wildcard hw/hls/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -O2 -Ihw/hls -Desp_encap=tbref_esp_encap -Dmpls_push=tbref_mpls_push \
		-c $< -o $@
