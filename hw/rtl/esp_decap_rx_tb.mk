# esp_decap_rx testbench: hw/hls/esp_decap.c with its tail call (vrf_forward) renamed to the
# testbench's recording stub, the real SA lookup, replay window and table setup code.
TB_OBJ_esp_decap_rx := $(RTL_BUILD)/tb/esp_decap/esp_decap.o \
	$(addprefix $(RTL_BUILD)/hls/,sa_lookup.o replay.o sa_compile.o tables.o vrf_fib_build.o)
RTL_TB_LIBS_esp_decap_rx := $(addprefix $(CURDIR)/,$(TB_OBJ_esp_decap_rx))
rtl-tb-esp_decap_rx: $(TB_OBJ_esp_decap_rx)
$(RTL_BUILD)/tb/esp_decap/esp_decap.o: hw/hls/esp_decap.c $(wildcard hw/hls/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -O2 -Ihw/hls -Dvrf_forward=tbref_vrf_forward -c $< -o $@
