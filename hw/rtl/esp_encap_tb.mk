# esp_encap testbench: hw/hls/esp_encap.c as it is (it calls no other stage) and the table setup
# code that compiles the SAs.
TB_OBJ_esp_encap := $(addprefix $(RTL_BUILD)/hls/,esp_encap.o sa_compile.o sa_lookup.o tables.o \
	vrf_fib_build.o)
RTL_TB_LIBS_esp_encap := $(addprefix $(CURDIR)/,$(TB_OBJ_esp_encap))
rtl-tb-esp_encap: $(TB_OBJ_esp_encap)
