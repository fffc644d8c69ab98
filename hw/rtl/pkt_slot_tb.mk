# pkt_slot testbench: the slot with its access points (pkt_slot_rot), built and run at both slot
# widths, each with its own model directory: 128 bits with 16-byte ports, 512 bits with a 64-byte
# port a (ingest/egress) and a 16-byte port b (units and lanes).
rtl-tb-pkt_slot: $(RTL_HLS_OBJ)
	@mkdir -p $(RTL_BUILD)
	@for c in 128:16:16 512:64:16; do \
		w=$${c%%:*}; na=$${c#*:}; na=$${na%%:*}; nb=$${c##*:}; \
		verilator --cc --exe --build -O2 -j 0 -Wall --top-module pkt_slot_rot -GDATA_WIDTH=$$w \
			-GA_BYTES=$$na -GB_BYTES=$$nb --Mdir $(RTL_BUILD)/pkt_slot_$$w \
			-CFLAGS "-O2 -DTB_DW=$$w -DTB_NA=$$na -DTB_NBP=$$nb -I$(CURDIR)/$(RTL_DIR)" \
			-I$(CURDIR)/$(RTL_DIR) -I$(CURDIR)/$(RTL_DIR)/gen $(RTL_SRC) \
			$(CURDIR)/$(RTL_DIR)/pkt_slot_tb.cpp > $(RTL_BUILD)/pkt_slot_$$w.build.log 2>&1 \
			|| { cat $(RTL_BUILD)/pkt_slot_$$w.build.log; exit 1; }; \
		$(RTL_BUILD)/pkt_slot_$$w/Vpkt_slot_rot || exit 1; \
	done
