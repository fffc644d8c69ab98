# pkt_slot testbench: built and run at both slot widths (DATA_WIDTH 128 and 512), each with its
# own model directory.
rtl-tb-pkt_slot: $(RTL_HLS_OBJ)
	@mkdir -p $(RTL_BUILD)
	@for w in 128 512; do \
		verilator --cc --exe --build -O2 -j 0 -Wall --top-module pkt_slot -GDATA_WIDTH=$$w \
			--Mdir $(RTL_BUILD)/pkt_slot_$$w -CFLAGS "-O2 -DTB_DW=$$w -I$(CURDIR)/$(RTL_DIR)" \
			-I$(CURDIR)/$(RTL_DIR) -I$(CURDIR)/$(RTL_DIR)/gen $(RTL_SRC) \
			$(CURDIR)/$(RTL_DIR)/pkt_slot_tb.cpp > $(RTL_BUILD)/pkt_slot_$$w.build.log 2>&1 \
			|| { cat $(RTL_BUILD)/pkt_slot_$$w.build.log; exit 1; }; \
		$(RTL_BUILD)/pkt_slot_$$w/Vpkt_slot || exit 1; \
	done
