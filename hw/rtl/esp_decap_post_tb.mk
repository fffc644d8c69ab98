# esp_decap_post testbench: the same renamed hw/hls/esp_decap.c as esp_decap_rx (its rule is in
# esp_decap_rx_tb.mk; the C esp_decap_rx prepares each packet), the C GCM for the open in between,
# the real replay window and the table setup code.
TB_OBJ_esp_decap_post := $(RTL_BUILD)/tb/esp_decap/esp_decap.o \
	$(addprefix $(RTL_BUILD)/hls/,sa_lookup.o replay.o sa_compile.o tables.o vrf_fib_build.o)
RTL_TB_LIBS_esp_decap_post := $(addprefix $(CURDIR)/,$(TB_OBJ_esp_decap_post))
rtl-tb-esp_decap_post: $(TB_OBJ_esp_decap_post)
