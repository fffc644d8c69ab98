# vlan_inside_rx testbench: hw/hls/vrf_fwd.c defines vrf_forward and tail-calls it from
# vlan_inside_rx, so a -D rename would rename both. A copy in the build tree has only the tail call
# (`return vrf_forward(`) renamed to the testbench's recording stub; the recipe fails when the
# source no longer has exactly one such call.
TB_OBJ_vlan_inside_rx := $(RTL_BUILD)/tb/vlan_inside_rx/vrf_fwd.o \
	$(addprefix $(RTL_BUILD)/hls/,vrf_fib.o vrf_fib_build.o tables.o)
RTL_TB_LIBS_vlan_inside_rx := $(addprefix $(CURDIR)/,$(TB_OBJ_vlan_inside_rx))
rtl-tb-vlan_inside_rx: $(TB_OBJ_vlan_inside_rx)
$(RTL_BUILD)/tb/vlan_inside_rx/vrf_fwd.o: hw/hls/vrf_fwd.c $(wildcard hw/hls/*.h)
	@mkdir -p $(dir $@)
	test "$$(grep -c 'return vrf_forward(' $<)" = 1
	{ echo '#include "stages.h"'; \
	  echo 'uint32_t tbref_vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf, uint32_t ip_off, uint8_t label_ttl);'; \
	  echo '#line 1 "$<"'; \
	  sed 's/return vrf_forward(/return tbref_vrf_forward(/' $<; } > $(@:.o=.c)
	$(CC) -std=c99 -O2 -Ihw/hls -Desp_encap=tbref_unused_esp_encap \
		-Dmpls_push=tbref_unused_mpls_push -c $(@:.o=.c) -o $@
