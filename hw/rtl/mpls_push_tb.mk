# mpls_push testbench: hw/hls/mpls.c (its other function's tail call to vrf_forward renamed to an
# unused stub) and the table setup code.
TB_OBJ_mpls_push := $(RTL_BUILD)/tb/mpls_push/mpls.o \
	$(addprefix $(RTL_BUILD)/hls/,vrf_fib.o vrf_fib_build.o tables.o)
RTL_TB_LIBS_mpls_push := $(addprefix $(CURDIR)/,$(TB_OBJ_mpls_push))
rtl-tb-mpls_push: $(TB_OBJ_mpls_push)
$(RTL_BUILD)/tb/mpls_push/mpls.o: hw/hls/mpls.c $(wildcard hw/hls/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -O2 -Ihw/hls -Dvrf_forward=tbref_vrf_forward -c $< -o $@
