# mpls_core_rx testbench: hw/hls/mpls.c with its tail call vrf_forward renamed to the testbench's
# recording stub, and the table setup code.
TB_OBJ_mpls_core_rx := $(RTL_BUILD)/tb/mpls_core_rx/mpls.o \
	$(addprefix $(RTL_BUILD)/hls/,vrf_fib.o vrf_fib_build.o tables.o)
RTL_TB_LIBS_mpls_core_rx := $(addprefix $(CURDIR)/,$(TB_OBJ_mpls_core_rx))
rtl-tb-mpls_core_rx: $(TB_OBJ_mpls_core_rx)
$(RTL_BUILD)/tb/mpls_core_rx/mpls.o: hw/hls/mpls.c $(wildcard hw/hls/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -O2 -Ihw/hls -Dvrf_forward=tbref_vrf_forward -c $< -o $@
