// SPDX-License-Identifier: Apache-2.0
// The RTL data path (hw/rtl/PIPELINE.md): a ring of packet slots with ingest, the rx stage unit,
// LANES GCM lanes, the in-order post stage unit and in-order egress, giving per packet what the C
// model vrfsec_pipeline() (hw/hls/pipeline.c) gives when packets run one after the other.
`default_nettype none
// Macros only (include-guarded): needed before the port list.
`include "stage_if.vh"

// Ports and semantics: hw/rtl/PIPELINE.md, "vrfsec_pipeline".
//
// Slots go FREE -> INGEST -> RXQ -> RX -> (CQ -> CRYPTO -> PQ -> POST)* -> DONE -> EGRESS -> FREE.
// Four ring pointers (one wrap bit more than a slot index) keep the order: ingest (in), rx, post
// (po) and egress (eg), with eg <= po <= rx <= in. rx and post take the slot at their pointer;
// lanes take any slot in CQ, oldest first. Every unit owns port a of the slot it works on (a lane:
// its read side); port b is the lanes' write side. No bytes move between slots.
//
// The slots take bank rows and enables and give raw bank bytes; each accessor (ingest, the rx and
// post units, egress, each lane's read and write side) has one pkt_port that rotates its bytes onto
// the banks and back, after the slot-select multiplexers. Ingest writes whole rows (the frame starts
// at the headroom, a multiple of the slot width), so it needs no rotation.
//
// Interlock (PIPELINE.md, "Ordering of state"): a slot is "decrypt pending" from the end of its rx
// with meta.stage == DECRYPT until its first post is done. rx of a packet that did not arrive on
// the public port waits while any slot is decrypt pending; a stage's lk_req is answered busy while
// a decrypt-pending slot has meta.sa_in == lk_sa.
module vrfsec_pipeline #(
	parameter DATA_WIDTH = 128,  // 128 or 512: bits per beat of s_/m_ and of the slot port
	parameter LANES = 1,         // parallel gcm_lane engines, 1..8
	parameter SLOTS = 8,         // packet slots in the ring, power of two, >= 4
	parameter KEY_SLOTS = 131072 // SA key memories per lane (gcm_core NUM_SA), power of two
) (
	input  wire                    clk,
	input  wire                    rst,
	input  wire                    s_tvalid,
	output wire                    s_tready,
	input  wire [DATA_WIDTH-1:0]   s_tdata,
	input  wire [DATA_WIDTH/8-1:0] s_tkeep,
	input  wire                    s_tlast,
	input  wire [69:0]             s_tuser,
	output wire                    m_tvalid,
	input  wire                    m_tready,
	output wire [DATA_WIDTH-1:0]   m_tdata,
	output wire [DATA_WIDTH/8-1:0] m_tkeep,
	output wire                    m_tlast,
	output wire [2:0]              m_tdest,
	output wire [15:0]             m_tuser,
	output reg                     x_valid,
	input  wire                    x_ready,
	output wire [`META_W-1:0]      x_meta,
	output wire [15:0]             x_tag,
	output wire                    rx_mr_req,
	output wire [31:0]             rx_mr_addr,
	input  wire                    rx_mr_valid,
	input  wire [63:0]             rx_mr_data,
	output wire                    rx_mw_req,
	output wire [31:0]             rx_mw_addr,
	output wire [63:0]             rx_mw_data,
	output wire [7:0]              rx_mw_be,
	output wire                    rx_st_req,
	output wire [31:0]             rx_st_addr,
	output wire [63:0]             rx_st_val,
	output wire                    po_mr_req,
	output wire [31:0]             po_mr_addr,
	input  wire                    po_mr_valid,
	input  wire [63:0]             po_mr_data,
	output wire                    po_mw_req,
	output wire [31:0]             po_mw_addr,
	output wire [63:0]             po_mw_data,
	output wire [7:0]              po_mw_be,
	output wire                    po_st_req,
	output wire [31:0]             po_st_addr,
	output wire [63:0]             po_st_val,
	input  wire                    key_valid,
	output wire                    key_ready,
	input  wire [31:0]             key_sa,
	input  wire [255:0]            key_data,
	input  wire [1:0]              key_len_code,
	output wire                    idle
);

`include "vrfsec_layout.vh"

localparam NB = DATA_WIDTH / 8;
localparam NB_W = $clog2(NB);
localparam RW = 12 - NB_W;       // bank row of a 12-bit buffer offset (pkt_slot)
localparam NH = NB / 16;         // 16-byte header/lane accesses per slot row
localparam [31:0] NB32 = DATA_WIDTH / 8;
localparam SW = $clog2(SLOTS);
localparam PW = SW + 1;
localparam KW = $clog2(KEY_SLOTS);
localparam [3:0] F_FREE = 4'd0, F_ING = 4'd1, F_RXQ = 4'd2, F_RX = 4'd3, F_CQ = 4'd4,
		 F_CRY = 4'd5, F_PQ = 4'd6, F_POST = 4'd7, F_DONE = 4'd8, F_EG = 4'd9;
localparam [11:0] FRAME_OFF = L_HEADROOM[11:0];
localparam [12:0] FRAME_END = L_HEADROOM[12:0] + L_MAX_FRAME[12:0];

generate
	if (DATA_WIDTH != 128 && DATA_WIDTH != 512) begin : g_bad_width
		vrfsec_pipeline_bad_DATA_WIDTH u_stop ();
	end
	if (LANES < 1 || LANES > 8) begin : g_bad_lanes
		vrfsec_pipeline_bad_LANES u_stop ();
	end
	if (SLOTS < 4 || (SLOTS & (SLOTS - 1)) != 0) begin : g_bad_slots
		vrfsec_pipeline_bad_SLOTS u_stop ();
	end
	if (KEY_SLOTS < 2 || (KEY_SLOTS & (KEY_SLOTS - 1)) != 0) begin : g_bad_key_slots
		vrfsec_pipeline_bad_KEY_SLOTS u_stop ();
	end
	if (L_HEADROOM % NB != 0) begin : g_bad_headroom
		vrfsec_pipeline_bad_HEADROOM u_stop ();
	end
endgenerate

// ---- slot state ----
reg  [3:0]          st   [0:SLOTS-1];
reg  [`META_W-1:0]  meta [0:SLOTS-1];
reg  [15:0]         tagq [0:SLOTS-1];
reg  [SLOTS-1:0]    round2;      // a crypto round has been posted: a new RES_CRYPTO is the third
reg  [SLOTS-1:0]    decp;        // decrypt pending (interlock)
reg  [PW-1:0]       in_ptr, rx_ptr, po_ptr, eg_ptr;
wire [SW-1:0]       in_idx = in_ptr[SW-1:0];
wire [SW-1:0]       rx_idx = rx_ptr[SW-1:0];
wire [SW-1:0]       po_idx = po_ptr[SW-1:0];
wire [SW-1:0]       eg_idx = eg_ptr[SW-1:0];

// Slot ports (port a: the unit on the slot; port b: lane write side), in pkt_slot's bank form.
reg  [SLOTS-1:0]            a_rd;
reg  [RW*SLOTS-1:0]         a_row, b_row;
reg  [NB*SLOTS-1:0]         a_nxt, a_we, b_nxt, b_we;
reg  [DATA_WIDTH*SLOTS-1:0] a_wdata;
reg  [128*SLOTS-1:0]        b_wdata;     // repeated across the banks
wire [DATA_WIDTH*SLOTS-1:0] a_q;         // raw bank bytes

genvar g;
generate
	for (g = 0; g < SLOTS; g = g + 1) begin : g_slot
		wire [DATA_WIDTH-1:0] b_q_unused;
		pkt_slot #(.DATA_WIDTH(DATA_WIDTH)) u_slot (
			.clk(clk),
			.a_rd(a_rd[g]), .a_row(a_row[RW * g +: RW]), .a_nxt(a_nxt[NB * g +: NB]),
			.a_we(a_we[NB * g +: NB]), .a_wdata(a_wdata[DATA_WIDTH * g +: DATA_WIDTH]),
			.a_q(a_q[DATA_WIDTH * g +: DATA_WIDTH]),
			.b_rd(1'b0), .b_row(b_row[RW * g +: RW]), .b_nxt(b_nxt[NB * g +: NB]),
			.b_we(b_we[NB * g +: NB]), .b_wdata({NH{b_wdata[128 * g +: 128]}}),
			.b_q(b_q_unused)
		);
	end
endgenerate

// ---- ingest: frame bytes at buf[128 ..], the first VRFSEC_MAX_FRAME of them kept ----
reg                 ing_act;
reg  [12:0]         ing_off;     // buffer offset of the next beat
reg  [15:0]         ing_len;     // frame bytes so far (saturating)
reg  [69:0]         ing_user;
reg  [NB_W:0]       s_nbytes;
integer i;
always @(*) begin
	s_nbytes = {(NB_W + 1){1'b0}};
	for (i = 0; i < NB; i = i + 1)
		s_nbytes = s_nbytes + {{NB_W{1'b0}}, s_tkeep[i]};
end
assign s_tready = ing_act || st[in_idx] == F_FREE;
wire        s_take = s_tvalid && s_tready;
wire        ing_wr = s_take && ing_off < FRAME_END;
wire [69:0] cur_user = ing_act ? ing_user : s_tuser;
wire [16:0] len_sum = {1'b0, ing_len} + {{(16 - NB_W){1'b0}}, s_nbytes};
wire [15:0] len_next = len_sum[16] ? 16'hffff : len_sum[15:0];
reg  [`META_W-1:0] ing_meta;
always @(*) begin
	// A zeroed struct vrfsec_pkt with the fields the caller sets (pipeline_if).
	ing_meta = {`META_W{1'b0}};
	ing_meta[`M_OFF] = {4'd0, FRAME_OFF};
	ing_meta[`M_LEN] = len_next;
	ing_meta[`M_IN_PORT] = {5'd0, cur_user[18:16]};
	ing_meta[`M_OUT_PORT] = {5'd0, cur_user[21:19]};
	ing_meta[`M_SA_OUT] = cur_user[53:22];
	ing_meta[`M_VRF] = cur_user[69:54];
end

// ---- rx unit ----
reg  [SW-1:0]       rx_slot;
wire                rx_ready, rx_done, rx_crypto;
wire [`META_W-1:0]  rx_meta_out;
wire                rx_hp_rd, rx_hp_wr, rx_lk_req;
wire [11:0]         rx_hp_addr;
wire [127:0]        rx_hp_wdata;
wire [15:0]         rx_hp_wbe;
wire [127:0]        rx_hp_rdata, rx_sw;
wire [RW-1:0]       rx_row;
wire [NB-1:0]       rx_nxt, rx_we;
wire [31:0]         rx_lk_sa;
reg                 rx_lk_busy;
wire [`META_W-1:0]  rx_cand = meta[rx_idx];
wire                rx_hold = rx_cand[`M_IN_PORT] != `PORT_PUBLIC && decp != {SLOTS{1'b0}};
wire                rx_go = rx_ptr != in_ptr && st[rx_idx] == F_RXQ && rx_ready && !rx_hold;

stage_unit #(.POST(0)) u_rx (
	.clk(clk), .rst(rst), .start(rx_go), .ready(rx_ready), .meta_in(rx_cand), .crypto_ok(1'b1),
	.done(rx_done), .crypto(rx_crypto), .meta_out(rx_meta_out),
	.hp_rd(rx_hp_rd), .hp_wr(rx_hp_wr), .hp_addr(rx_hp_addr), .hp_wdata(rx_hp_wdata),
	.hp_wbe(rx_hp_wbe), .hp_rdata(rx_hp_rdata),
	.mr_req(rx_mr_req), .mr_addr(rx_mr_addr), .mr_valid(rx_mr_valid), .mr_data(rx_mr_data),
	.mw_req(rx_mw_req), .mw_addr(rx_mw_addr), .mw_data(rx_mw_data), .mw_be(rx_mw_be),
	.st_req(rx_st_req), .st_addr(rx_st_addr), .st_val(rx_st_val),
	.lk_req(rx_lk_req), .lk_sa(rx_lk_sa), .lk_busy(rx_lk_busy)
);

pkt_port #(.DATA_WIDTH(DATA_WIDTH), .BYTES(16)) u_rx_port (
	.clk(clk), .rd(rx_hp_rd), .wr(rx_hp_wr), .addr(rx_hp_addr), .wdata(rx_hp_wdata),
	.wbe(rx_hp_wbe), .rdata(rx_hp_rdata), .s_row(rx_row), .s_nxt(rx_nxt), .s_we(rx_we),
	.s_wdata(rx_sw), .s_q(a_q[DATA_WIDTH * rx_slot +: DATA_WIDTH])
);

always @(*) begin
	rx_lk_busy = 1'b0;
	for (i = 0; i < SLOTS; i = i + 1)
		if (decp[i] && meta[i][`M_SA_IN] == rx_lk_sa)
			rx_lk_busy = rx_lk_req;
end

// ---- post unit ----
reg  [SW-1:0]       po_slot;
wire                po_ready, po_done, po_crypto;
wire [`META_W-1:0]  po_meta_out;
wire                po_hp_rd, po_hp_wr, po_lk_req;
wire [11:0]         po_hp_addr;
wire [127:0]        po_hp_wdata;
wire [15:0]         po_hp_wbe;
wire [127:0]        po_hp_rdata, po_sw;
wire [RW-1:0]       po_row;
wire [NB-1:0]       po_nxt, po_we;
wire [31:0]         po_lk_sa;
wire                po_live = po_ptr != rx_ptr;
wire                po_go = po_live && st[po_idx] == F_PQ && po_ready;
wire                po_skip = po_live && st[po_idx] == F_DONE;

stage_unit #(.POST(1)) u_post (
	.clk(clk), .rst(rst), .start(po_go), .ready(po_ready), .meta_in(meta[po_idx]),
	.crypto_ok(!round2[po_idx]), .done(po_done), .crypto(po_crypto), .meta_out(po_meta_out),
	.hp_rd(po_hp_rd), .hp_wr(po_hp_wr), .hp_addr(po_hp_addr), .hp_wdata(po_hp_wdata),
	.hp_wbe(po_hp_wbe), .hp_rdata(po_hp_rdata),
	.mr_req(po_mr_req), .mr_addr(po_mr_addr), .mr_valid(po_mr_valid), .mr_data(po_mr_data),
	.mw_req(po_mw_req), .mw_addr(po_mw_addr), .mw_data(po_mw_data), .mw_be(po_mw_be),
	.st_req(po_st_req), .st_addr(po_st_addr), .st_val(po_st_val),
	.lk_req(po_lk_req), .lk_sa(po_lk_sa), .lk_busy(1'b0)
);

pkt_port #(.DATA_WIDTH(DATA_WIDTH), .BYTES(16)) u_po_port (
	.clk(clk), .rd(po_hp_rd), .wr(po_hp_wr), .addr(po_hp_addr), .wdata(po_hp_wdata),
	.wbe(po_hp_wbe), .rdata(po_hp_rdata), .s_row(po_row), .s_nxt(po_nxt), .s_we(po_we),
	.s_wdata(po_sw), .s_q(a_q[DATA_WIDTH * po_slot +: DATA_WIDTH])
);

// ---- GCM lanes: the oldest slot in CQ goes to the first free lane ----
reg  [SW-1:0]       cq_slot;
reg                 cq_any;
always @(*) begin
	cq_any = 1'b0;
	cq_slot = {SW{1'b0}};
	for (i = SLOTS - 1; i >= 0; i = i - 1)
		if (st[po_idx + i[SW-1:0]] == F_CQ) begin
			cq_any = 1'b1;
			cq_slot = po_idx + i[SW-1:0];
		end
end

wire [LANES-1:0]        ln_sready, ln_kready, ln_idle, ln_rd, ln_wr, ln_done, ln_tag_ok;
wire [SW*LANES-1:0]     ln_rd_id, ln_wr_id, ln_done_id;
reg  [SW*LANES-1:0]     ln_rd_id_q;
wire [12*LANES-1:0]     ln_rd_addr, ln_wr_addr;
wire [128*LANES-1:0]    ln_wr_data;
wire [16*LANES-1:0]     ln_wr_be;
wire [128*LANES-1:0]    ln_rd_data, ln_sw;
wire [RW*LANES-1:0]     lr_row, lw_row;
wire [NB*LANES-1:0]     lr_nxt, lw_nxt, lw_we;
reg  [LANES-1:0]        ln_start;
reg                     any_lane;
always @(*) begin
	ln_start = {LANES{1'b0}};
	any_lane = 1'b0;
	for (i = 0; i < LANES; i = i + 1)
		if (cq_any && ln_sready[i] && !any_lane) begin
			ln_start[i] = 1'b1;
			any_lane = 1'b1;
		end
end
wire [`META_W-1:0]  cq_meta = meta[cq_slot];
wire                keys_ok = idle && &ln_kready;
assign key_ready = keys_ok;

generate
	for (g = 0; g < LANES; g = g + 1) begin : g_lane
		gcm_lane #(.KEY_SLOTS(KEY_SLOTS), .ID_W(SW), .DEPTH(4)) u_lane (
			.clk(clk), .rst(rst),
			.key_valid(key_valid && keys_ok), .key_ready(ln_kready[g]), .key_sa(key_sa[KW-1:0]),
			.key_data(key_data), .key_len_code(key_len_code),
			.start(ln_start[g]), .start_ready(ln_sready[g]), .start_id(cq_slot),
			.op_sa(cq_meta[224 +: KW]), .op_encrypt(cq_meta[`M_OP_ENCRYPT] != 8'd0),
			.op_aad_len(cq_meta[`M_OP_AAD_LEN]), .op_nonce(cq_meta[`M_OP_NONCE]),
			.op_aad(cq_meta[`M_OP_AAD]), .op_data_off(cq_meta[472 +: 12]),
			.op_data_len(cq_meta[`M_OP_DATA_LEN]), .op_tag_off(cq_meta[504 +: 12]),
			.rd(ln_rd[g]), .rd_id(ln_rd_id[SW * g +: SW]), .rd_addr(ln_rd_addr[12 * g +: 12]),
			.rd_data(ln_rd_data[128 * g +: 128]),
			.wr(ln_wr[g]), .wr_id(ln_wr_id[SW * g +: SW]), .wr_addr(ln_wr_addr[12 * g +: 12]),
			.wr_data(ln_wr_data[128 * g +: 128]), .wr_be(ln_wr_be[16 * g +: 16]),
			.done(ln_done[g]), .done_id(ln_done_id[SW * g +: SW]), .done_tag_ok(ln_tag_ok[g]),
			.idle(ln_idle[g])
		);
		// the lane's read side (port a of its slots) and write side (port b)
		wire [NB-1:0]  lr_we_unused;
		wire [127:0]   lr_sw_unused, lw_rdata_unused;
		pkt_port #(.DATA_WIDTH(DATA_WIDTH), .BYTES(16)) u_rd_port (
			.clk(clk), .rd(ln_rd[g]), .wr(1'b0), .addr(ln_rd_addr[12 * g +: 12]),
			.wdata(128'd0), .wbe(16'd0), .rdata(ln_rd_data[128 * g +: 128]),
			.s_row(lr_row[RW * g +: RW]), .s_nxt(lr_nxt[NB * g +: NB]), .s_we(lr_we_unused),
			.s_wdata(lr_sw_unused), .s_q(a_q[DATA_WIDTH * ln_rd_id_q[SW * g +: SW] +: DATA_WIDTH])
		);
		pkt_port #(.DATA_WIDTH(DATA_WIDTH), .BYTES(16)) u_wr_port (
			.clk(clk), .rd(1'b0), .wr(ln_wr[g]), .addr(ln_wr_addr[12 * g +: 12]),
			.wdata(ln_wr_data[128 * g +: 128]), .wbe(ln_wr_be[16 * g +: 16]),
			.rdata(lw_rdata_unused), .s_row(lw_row[RW * g +: RW]), .s_nxt(lw_nxt[NB * g +: NB]),
			.s_we(lw_we[NB * g +: NB]), .s_wdata(ln_sw[128 * g +: 128]),
			.s_q({DATA_WIDTH{1'b0}})
		);
	end
endgenerate

always @(posedge clk)
	ln_rd_id_q <= ln_rd_id;

// ---- egress: buf[off .. off+len) in NB-byte beats, then the exit record ----
reg                 eg_act;      // streaming slot eg_slot
reg  [SW-1:0]       eg_slot;
reg  [11:0]         eg_addr;     // next read
reg  [15:0]         eg_left;     // bytes still to read
reg  [2:0]          eg_dest;
reg                 eg_p1_v, eg_p1_last;
reg  [NB_W:0]       eg_p1_n;
reg  [DATA_WIDTH-1:0] eq_data [0:3];
reg  [NB-1:0]       eq_keep [0:3];
reg                 eq_last [0:3];
reg  [1:0]          eq_rd, eq_wr;
reg  [2:0]          eq_cnt;
wire [`META_W-1:0]  eg_cand = meta[eg_idx];
wire                eg_go = !eg_act && !x_valid && eg_ptr != po_ptr && st[eg_idx] == F_DONE;
wire                eg_send = eg_cand[`M_OUT_PORT] != `PORT_DROP && eg_cand[`M_LEN] != 16'd0;
wire                eg_issue = eg_act && eg_left != 16'd0 && ({2'b00, eg_p1_v} + eq_cnt) < 3'd4;
wire                eg_last = eg_left <= NB32[15:0];
wire                m_fire = m_tvalid && m_tready;
wire [DATA_WIDTH-1:0] eg_rdata, eg_sw_unused;
wire [RW-1:0]       eg_row;
wire [NB-1:0]       eg_nxt, eg_we_unused;

pkt_port #(.DATA_WIDTH(DATA_WIDTH), .BYTES(NB)) u_eg_port (
	.clk(clk), .rd(eg_issue), .wr(1'b0), .addr(eg_addr), .wdata({DATA_WIDTH{1'b0}}),
	.wbe({NB{1'b0}}), .rdata(eg_rdata), .s_row(eg_row), .s_nxt(eg_nxt), .s_we(eg_we_unused),
	.s_wdata(eg_sw_unused), .s_q(a_q[DATA_WIDTH * eg_slot +: DATA_WIDTH])
);
reg  [NB-1:0]       eg_keep;
always @(*)
	for (i = 0; i < NB; i = i + 1)
		eg_keep[i] = i < eg_p1_n;

assign m_tvalid = eq_cnt != 3'd0;
assign m_tdata = eq_data[eq_rd];
assign m_tkeep = eq_keep[eq_rd];
assign m_tlast = eq_last[eq_rd];
assign m_tdest = eg_dest;
assign m_tuser = tagq[eg_slot];
assign x_meta = meta[eg_slot];
assign x_tag = tagq[eg_slot];

always @(posedge clk) begin
	if (eg_go) begin
		eg_slot <= eg_idx;
		eg_act <= eg_send;
		x_valid <= !eg_send;
		eg_addr <= eg_cand[11:0];
		eg_left <= eg_cand[`M_LEN];
		eg_dest <= eg_cand[42:40];
	end
	if (eg_issue) begin
		eg_addr <= eg_addr + NB[11:0];
		eg_left <= eg_last ? 16'd0 : eg_left - NB[15:0];
	end
	eg_p1_v <= eg_issue;
	eg_p1_last <= eg_last;
	eg_p1_n <= eg_last ? eg_left[NB_W:0] : NB[NB_W:0];
	if (eg_p1_v) begin
		eq_data[eq_wr] <= eg_rdata;
		eq_keep[eq_wr] <= eg_keep;
		eq_last[eq_wr] <= eg_p1_last;
		eq_wr <= eq_wr + 2'd1;
	end
	if (m_fire) begin
		eq_rd <= eq_rd + 2'd1;
		if (m_tlast) begin
			eg_act <= 1'b0;
			x_valid <= 1'b1;
		end
	end
	eq_cnt <= eq_cnt + {2'b00, eg_p1_v} - {2'b00, m_fire};
	if (rst) begin
		eg_act <= 1'b0;
		x_valid <= 1'b0;
		eg_p1_v <= 1'b0;
		eq_rd <= 2'd0;
		eq_wr <= 2'd0;
		eq_cnt <= 3'd0;
	end else if (x_valid && x_ready) begin
		x_valid <= 1'b0;
	end
end

// ---- slot state and metadata ----
wire x_fire = x_valid && x_ready;
integer s, l;
always @(posedge clk) begin
	if (s_take) begin
		ing_act <= !s_tlast;
		ing_off <= ing_off < FRAME_END ? ing_off + NB[12:0] : ing_off;
		ing_len <= len_next;
		if (!ing_act) begin
			ing_user <= s_tuser;
			st[in_idx] <= F_ING;
		end
		if (s_tlast) begin
			// The slot's metadata at ingest; the next frame starts at offset 128 again.
			meta[in_idx] <= ing_meta;
			tagq[in_idx] <= cur_user[15:0];
			st[in_idx] <= F_RXQ;
			in_ptr <= in_ptr + 1'b1;
			ing_off <= {1'b0, FRAME_OFF};
			ing_len <= 16'd0;
		end
	end
	if (rx_go) begin
		st[rx_idx] <= F_RX;
		rx_slot <= rx_idx;
		rx_ptr <= rx_ptr + 1'b1;
	end
	if (rx_done) begin
		meta[rx_slot] <= rx_meta_out;
		st[rx_slot] <= rx_crypto ? F_CQ : F_DONE;
		round2[rx_slot] <= 1'b0;
		decp[rx_slot] <= rx_crypto && rx_meta_out[`M_STAGE] == `STAGE_DECRYPT;
	end
	if (any_lane)
		st[cq_slot] <= F_CRY;
	for (l = 0; l < LANES; l = l + 1)
		if (ln_done[l]) begin
			st[ln_done_id[SW * l +: SW]] <= F_PQ;
			meta[ln_done_id[SW * l +: SW]][`M_OP_TAG_OK] <= {7'd0, ln_tag_ok[l]};
		end
	if (po_go) begin
		st[po_idx] <= F_POST;
		po_slot <= po_idx;
	end
	if (po_skip)
		po_ptr <= po_ptr + 1'b1;
	if (po_done) begin
		meta[po_slot] <= po_meta_out;
		decp[po_slot] <= 1'b0;
		if (po_crypto) begin
			// A second operation (decrypt, then seal into another SA): back to a lane, and
			// post runs again for this packet before the next one.
			st[po_slot] <= F_CQ;
			round2[po_slot] <= 1'b1;
		end else begin
			st[po_slot] <= F_DONE;
			po_ptr <= po_ptr + 1'b1;
		end
	end
	if (eg_go)
		st[eg_idx] <= F_EG;
	if (x_fire) begin
		st[eg_slot] <= F_FREE;
		eg_ptr <= eg_ptr + 1'b1;
	end
	if (rst) begin
		for (s = 0; s < SLOTS; s = s + 1)
			st[s] <= F_FREE;
		decp <= {SLOTS{1'b0}};
		in_ptr <= {PW{1'b0}};
		rx_ptr <= {PW{1'b0}};
		po_ptr <= {PW{1'b0}};
		eg_ptr <= {PW{1'b0}};
		ing_act <= 1'b0;
		ing_off <= {1'b0, FRAME_OFF};
		ing_len <= 16'd0;
	end
end

// ---- slot port multiplexers ----
always @(*) begin
	a_rd = {SLOTS{1'b0}};
	a_row = {RW * SLOTS{1'b0}};
	a_nxt = {NB * SLOTS{1'b0}};
	a_we = {NB * SLOTS{1'b0}};
	a_wdata = {DATA_WIDTH * SLOTS{1'b0}};
	b_row = {RW * SLOTS{1'b0}};
	b_nxt = {NB * SLOTS{1'b0}};
	b_we = {NB * SLOTS{1'b0}};
	b_wdata = {128 * SLOTS{1'b0}};
	for (s = 0; s < SLOTS; s = s + 1) begin
		case (st[s])
		F_FREE, F_ING: if (s[SW-1:0] == in_idx) begin
			// whole rows from the headroom on: row ing_off / NB in every bank
			a_row[RW * s +: RW] = ing_off[11:NB_W];
			a_we[NB * s +: NB] = ing_wr ? s_tkeep : {NB{1'b0}};
			a_wdata[DATA_WIDTH * s +: DATA_WIDTH] = s_tdata;
		end
		F_RX: begin
			a_rd[s] = rx_hp_rd;
			a_row[RW * s +: RW] = rx_row;
			a_nxt[NB * s +: NB] = rx_nxt;
			a_we[NB * s +: NB] = rx_we;
			a_wdata[DATA_WIDTH * s +: DATA_WIDTH] = {NH{rx_sw}};
		end
		F_POST: begin
			a_rd[s] = po_hp_rd;
			a_row[RW * s +: RW] = po_row;
			a_nxt[NB * s +: NB] = po_nxt;
			a_we[NB * s +: NB] = po_we;
			a_wdata[DATA_WIDTH * s +: DATA_WIDTH] = {NH{po_sw}};
		end
		F_EG: begin
			a_rd[s] = eg_issue;
			a_row[RW * s +: RW] = eg_row;
			a_nxt[NB * s +: NB] = eg_nxt;
		end
		F_CRY: begin
			for (l = 0; l < LANES; l = l + 1)
				if (ln_rd[l] && ln_rd_id[SW * l +: SW] == s[SW-1:0]) begin
					a_rd[s] = 1'b1;
					a_row[RW * s +: RW] = lr_row[RW * l +: RW];
					a_nxt[NB * s +: NB] = lr_nxt[NB * l +: NB];
				end
		end
		default: ;
		endcase
		for (l = 0; l < LANES; l = l + 1)
			if (ln_wr[l] && ln_wr_id[SW * l +: SW] == s[SW-1:0]) begin
				b_row[RW * s +: RW] = lw_row[RW * l +: RW];
				b_nxt[NB * s +: NB] = lw_nxt[NB * l +: NB];
				b_we[NB * s +: NB] = lw_we[NB * l +: NB];
				b_wdata[128 * s +: 128] = ln_sw[128 * l +: 128];
			end
	end
end

reg all_free;
always @(*) begin
	all_free = 1'b1;
	for (s = 0; s < SLOTS; s = s + 1)
		if (st[s] != F_FREE)
			all_free = 1'b0;
end
assign idle = all_free && !ing_act && &ln_idle;

// The post unit has no interlock request (esp_decap_rx runs in the rx unit only); key_sa above
// KEY_SLOTS and the metadata fields the lanes and egress do not need are left alone.
wire unused_ok = &{1'b0, po_lk_req, po_lk_sa, key_sa, cq_meta, eg_cand};

endmodule

`default_nettype wire
