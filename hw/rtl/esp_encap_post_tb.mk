# esp_encap_post testbench: hw/hls/esp_encap.c (esp_encap_post calls no other stage).
TB_OBJ_esp_encap_post := $(RTL_BUILD)/hls/esp_encap.o
RTL_TB_LIBS_esp_encap_post := $(addprefix $(CURDIR)/,$(TB_OBJ_esp_encap_post))
rtl-tb-esp_encap_post: $(TB_OBJ_esp_encap_post)
