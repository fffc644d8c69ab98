// SPDX-License-Identifier: Apache-2.0
// A stage unit of the pipeline (hw/rtl/PIPELINE.md): runs one packet through the header stages from
// its entry stage to RES_CRYPTO or an exit, following tail calls and applying pkt_exit
// (hw/hls/stages.h) on RES_EXIT. The rx unit (POST = 0) runs vrfsec_stage_rx, the post unit
// (POST = 1) vrfsec_stage_post (hw/hls/pipeline.c).
`default_nettype none
// Macros only (include-guarded): needed before the port list.
`include "stage_if.vh"

// start (when ready) with meta_in; done pulses once with meta_out and crypto: 1 = the stage chain
// ended with RES_CRYPTO (meta_out.op prepared), 0 = the packet is finished (out_port, reason and
// stage = NONE set, its exit counters added). crypto_ok = 0 turns a RES_CRYPTO into
// pkt_exit(DROP, MALFORMED), as vrfsec_pipeline() does after the second crypto round.
// The stages of the unit share one set of header-port, memory and interlock ports; only the
// running stage drives them (selected by the unit's stage register), and only it sees mr_valid
// and lk_busy. A stage is started one cycle after the previous one's done (tail call) or after the
// unit's start. pkt_exit's additions use the st port after the last stage is done: cnt[reason],
// then cnt[TO_HOST] for the host port, then vrf_cnt[vrf].drops for a drop with vrf < MAX_VRF, one
// per cycle. A tail call to a stage the unit does not have (no C path does that) ends the packet as
// pkt_exit(DROP, MALFORMED).
module stage_unit #(
	parameter POST = 0 // 0: rx unit (stage_rx and what it tails to), 1: post unit
) (
	input  wire                clk,
	input  wire                rst,
	input  wire                start,
	output wire                ready,
	input  wire [`META_W-1:0]  meta_in,
	input  wire                crypto_ok,
	output reg                 done,
	output reg                 crypto,
	output wire [`META_W-1:0]  meta_out,
	// the running stage's ports (PIPELINE.md, "Stage interface")
	output wire                hp_rd,
	output wire                hp_wr,
	output wire [11:0]         hp_addr,
	output wire [127:0]        hp_wdata,
	output wire [15:0]         hp_wbe,
	input  wire [127:0]        hp_rdata,
	output wire                mr_req,
	output wire [31:0]         mr_addr,
	input  wire                mr_valid,
	input  wire [63:0]         mr_data,
	output wire                mw_req,
	output wire [31:0]         mw_addr,
	output wire [63:0]         mw_data,
	output wire [7:0]          mw_be,
	output wire                st_req,
	output wire [31:0]         st_addr,
	output wire [63:0]         st_val,
	output wire                lk_req,
	output wire [31:0]         lk_sa,
	input  wire                lk_busy
);

`include "vrfsec_layout.vh"

generate
	if (POST != 0 && POST != 1) begin : g_bad_post
		stage_unit_bad_POST u_stop ();
	end
endgenerate

localparam NS = 10; // stage ids 0..9 (0 = none)
localparam [2:0] U_IDLE = 3'd0, U_RUN = 3'd1, U_EXIT = 3'd2, U_CNT_HOST = 3'd3, U_CNT_VRF = 3'd4;
localparam [7:0] R_MALFORMED = CNT_MALFORMED[7:0];
localparam [2:0] P_HOST = 3'd3, P_DROP = 3'd4;

reg  [2:0]          state_reg;
reg  [3:0]          cur_reg;       // running stage (STG_*)
reg                 go_reg;        // start pulse for cur_reg
reg  [`ARGS_W-1:0]  args_reg;
reg  [`META_W-1:0]  meta_reg;
reg                 cok_reg;
reg  [2:0]          xport_reg;     // pkt_exit arguments
reg  [7:0]          xreason_reg;

// Outputs of the stage modules, stage id k in slice k (slice 0 unused).
wire [NS-1:0]           s_done, s_hp_rd, s_hp_wr, s_mr_req, s_mw_req, s_st_req, s_lk_req;
wire [2*NS-1:0]         s_result;
wire [4*NS-1:0]         s_tail;
wire [`ARGS_W*NS-1:0]   s_targs;
wire [`META_W*NS-1:0]   s_meta;
wire [3*NS-1:0]         s_eport;
wire [8*NS-1:0]         s_ereason;
wire [12*NS-1:0]        s_hp_addr;
wire [128*NS-1:0]       s_hp_wdata;
wire [16*NS-1:0]        s_hp_wbe;
wire [32*NS-1:0]        s_mr_addr, s_mw_addr, s_st_addr, s_lk_sa;
wire [64*NS-1:0]        s_mw_data, s_st_val;
wire [8*NS-1:0]         s_mw_be;

assign s_done[0] = 1'b0;
assign s_result[1:0] = 2'd0;
assign s_tail[3:0] = 4'd0;
assign s_targs[`ARGS_W-1:0] = {`ARGS_W{1'b0}};
assign s_meta[`META_W-1:0] = {`META_W{1'b0}};
assign s_eport[2:0] = 3'd0;
assign s_ereason[7:0] = 8'd0;
assign s_hp_rd[0] = 1'b0;
assign s_hp_wr[0] = 1'b0;
assign s_hp_addr[11:0] = 12'd0;
assign s_hp_wdata[127:0] = 128'd0;
assign s_hp_wbe[15:0] = 16'd0;
assign s_mr_req[0] = 1'b0;
assign s_mr_addr[31:0] = 32'd0;
assign s_mw_req[0] = 1'b0;
assign s_mw_addr[31:0] = 32'd0;
assign s_mw_data[63:0] = 64'd0;
assign s_mw_be[7:0] = 8'd0;
assign s_st_req[0] = 1'b0;
assign s_st_addr[31:0] = 32'd0;
assign s_st_val[63:0] = 64'd0;
assign s_lk_req[0] = 1'b0;
assign s_lk_sa[31:0] = 32'd0;

generate
	if (POST == 0) begin : g_stage_rx
		stage_rx u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd1), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[1]), .result(s_result[2 * 1 +: 2]),
			.tail_stage(s_tail[4 * 1 +: 4]), .tail_args(s_targs[`ARGS_W * 1 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 1 +: `META_W]), .exit_port(s_eport[3 * 1 +: 3]),
			.exit_reason(s_ereason[8 * 1 +: 8]),
			.hp_rd(s_hp_rd[1]), .hp_wr(s_hp_wr[1]), .hp_addr(s_hp_addr[12 * 1 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 1 +: 128]), .hp_wbe(s_hp_wbe[16 * 1 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[1]), .mr_addr(s_mr_addr[32 * 1 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd1), .mr_data(mr_data),
			.mw_req(s_mw_req[1]), .mw_addr(s_mw_addr[32 * 1 +: 32]),
			.mw_data(s_mw_data[64 * 1 +: 64]), .mw_be(s_mw_be[8 * 1 +: 8]),
			.st_req(s_st_req[1]), .st_addr(s_st_addr[32 * 1 +: 32]),
			.st_val(s_st_val[64 * 1 +: 64]),
			.lk_req(s_lk_req[1]), .lk_sa(s_lk_sa[32 * 1 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd1)
		);
	end else begin : g_no_stage_rx
		assign s_done[1] = 1'b0;
		assign s_result[2 * 1 +: 2] = 2'd0;
		assign s_tail[4 * 1 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 1 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 1 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 1 +: 3] = 3'd0;
		assign s_ereason[8 * 1 +: 8] = 8'd0;
		assign s_hp_rd[1] = 1'b0;
		assign s_hp_wr[1] = 1'b0;
		assign s_hp_addr[12 * 1 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 1 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 1 +: 16] = 16'd0;
		assign s_mr_req[1] = 1'b0;
		assign s_mr_addr[32 * 1 +: 32] = 32'd0;
		assign s_mw_req[1] = 1'b0;
		assign s_mw_addr[32 * 1 +: 32] = 32'd0;
		assign s_mw_data[64 * 1 +: 64] = 64'd0;
		assign s_mw_be[8 * 1 +: 8] = 8'd0;
		assign s_st_req[1] = 1'b0;
		assign s_st_addr[32 * 1 +: 32] = 32'd0;
		assign s_st_val[64 * 1 +: 64] = 64'd0;
		assign s_lk_req[1] = 1'b0;
		assign s_lk_sa[32 * 1 +: 32] = 32'd0;
	end
	if (POST == 0) begin : g_esp_decap_rx
		esp_decap_rx u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd2), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[2]), .result(s_result[2 * 2 +: 2]),
			.tail_stage(s_tail[4 * 2 +: 4]), .tail_args(s_targs[`ARGS_W * 2 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 2 +: `META_W]), .exit_port(s_eport[3 * 2 +: 3]),
			.exit_reason(s_ereason[8 * 2 +: 8]),
			.hp_rd(s_hp_rd[2]), .hp_wr(s_hp_wr[2]), .hp_addr(s_hp_addr[12 * 2 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 2 +: 128]), .hp_wbe(s_hp_wbe[16 * 2 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[2]), .mr_addr(s_mr_addr[32 * 2 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd2), .mr_data(mr_data),
			.mw_req(s_mw_req[2]), .mw_addr(s_mw_addr[32 * 2 +: 32]),
			.mw_data(s_mw_data[64 * 2 +: 64]), .mw_be(s_mw_be[8 * 2 +: 8]),
			.st_req(s_st_req[2]), .st_addr(s_st_addr[32 * 2 +: 32]),
			.st_val(s_st_val[64 * 2 +: 64]),
			.lk_req(s_lk_req[2]), .lk_sa(s_lk_sa[32 * 2 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd2)
		);
	end else begin : g_no_esp_decap_rx
		assign s_done[2] = 1'b0;
		assign s_result[2 * 2 +: 2] = 2'd0;
		assign s_tail[4 * 2 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 2 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 2 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 2 +: 3] = 3'd0;
		assign s_ereason[8 * 2 +: 8] = 8'd0;
		assign s_hp_rd[2] = 1'b0;
		assign s_hp_wr[2] = 1'b0;
		assign s_hp_addr[12 * 2 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 2 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 2 +: 16] = 16'd0;
		assign s_mr_req[2] = 1'b0;
		assign s_mr_addr[32 * 2 +: 32] = 32'd0;
		assign s_mw_req[2] = 1'b0;
		assign s_mw_addr[32 * 2 +: 32] = 32'd0;
		assign s_mw_data[64 * 2 +: 64] = 64'd0;
		assign s_mw_be[8 * 2 +: 8] = 8'd0;
		assign s_st_req[2] = 1'b0;
		assign s_st_addr[32 * 2 +: 32] = 32'd0;
		assign s_st_val[64 * 2 +: 64] = 64'd0;
		assign s_lk_req[2] = 1'b0;
		assign s_lk_sa[32 * 2 +: 32] = 32'd0;
	end
	if (POST == 1) begin : g_esp_decap_post
		esp_decap_post u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd3), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[3]), .result(s_result[2 * 3 +: 2]),
			.tail_stage(s_tail[4 * 3 +: 4]), .tail_args(s_targs[`ARGS_W * 3 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 3 +: `META_W]), .exit_port(s_eport[3 * 3 +: 3]),
			.exit_reason(s_ereason[8 * 3 +: 8]),
			.hp_rd(s_hp_rd[3]), .hp_wr(s_hp_wr[3]), .hp_addr(s_hp_addr[12 * 3 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 3 +: 128]), .hp_wbe(s_hp_wbe[16 * 3 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[3]), .mr_addr(s_mr_addr[32 * 3 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd3), .mr_data(mr_data),
			.mw_req(s_mw_req[3]), .mw_addr(s_mw_addr[32 * 3 +: 32]),
			.mw_data(s_mw_data[64 * 3 +: 64]), .mw_be(s_mw_be[8 * 3 +: 8]),
			.st_req(s_st_req[3]), .st_addr(s_st_addr[32 * 3 +: 32]),
			.st_val(s_st_val[64 * 3 +: 64]),
			.lk_req(s_lk_req[3]), .lk_sa(s_lk_sa[32 * 3 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd3)
		);
	end else begin : g_no_esp_decap_post
		assign s_done[3] = 1'b0;
		assign s_result[2 * 3 +: 2] = 2'd0;
		assign s_tail[4 * 3 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 3 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 3 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 3 +: 3] = 3'd0;
		assign s_ereason[8 * 3 +: 8] = 8'd0;
		assign s_hp_rd[3] = 1'b0;
		assign s_hp_wr[3] = 1'b0;
		assign s_hp_addr[12 * 3 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 3 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 3 +: 16] = 16'd0;
		assign s_mr_req[3] = 1'b0;
		assign s_mr_addr[32 * 3 +: 32] = 32'd0;
		assign s_mw_req[3] = 1'b0;
		assign s_mw_addr[32 * 3 +: 32] = 32'd0;
		assign s_mw_data[64 * 3 +: 64] = 64'd0;
		assign s_mw_be[8 * 3 +: 8] = 8'd0;
		assign s_st_req[3] = 1'b0;
		assign s_st_addr[32 * 3 +: 32] = 32'd0;
		assign s_st_val[64 * 3 +: 64] = 64'd0;
		assign s_lk_req[3] = 1'b0;
		assign s_lk_sa[32 * 3 +: 32] = 32'd0;
	end
	if (1) begin : g_esp_encap
		esp_encap u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd4), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[4]), .result(s_result[2 * 4 +: 2]),
			.tail_stage(s_tail[4 * 4 +: 4]), .tail_args(s_targs[`ARGS_W * 4 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 4 +: `META_W]), .exit_port(s_eport[3 * 4 +: 3]),
			.exit_reason(s_ereason[8 * 4 +: 8]),
			.hp_rd(s_hp_rd[4]), .hp_wr(s_hp_wr[4]), .hp_addr(s_hp_addr[12 * 4 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 4 +: 128]), .hp_wbe(s_hp_wbe[16 * 4 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[4]), .mr_addr(s_mr_addr[32 * 4 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd4), .mr_data(mr_data),
			.mw_req(s_mw_req[4]), .mw_addr(s_mw_addr[32 * 4 +: 32]),
			.mw_data(s_mw_data[64 * 4 +: 64]), .mw_be(s_mw_be[8 * 4 +: 8]),
			.st_req(s_st_req[4]), .st_addr(s_st_addr[32 * 4 +: 32]),
			.st_val(s_st_val[64 * 4 +: 64]),
			.lk_req(s_lk_req[4]), .lk_sa(s_lk_sa[32 * 4 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd4)
		);
	end else begin : g_no_esp_encap
		assign s_done[4] = 1'b0;
		assign s_result[2 * 4 +: 2] = 2'd0;
		assign s_tail[4 * 4 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 4 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 4 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 4 +: 3] = 3'd0;
		assign s_ereason[8 * 4 +: 8] = 8'd0;
		assign s_hp_rd[4] = 1'b0;
		assign s_hp_wr[4] = 1'b0;
		assign s_hp_addr[12 * 4 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 4 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 4 +: 16] = 16'd0;
		assign s_mr_req[4] = 1'b0;
		assign s_mr_addr[32 * 4 +: 32] = 32'd0;
		assign s_mw_req[4] = 1'b0;
		assign s_mw_addr[32 * 4 +: 32] = 32'd0;
		assign s_mw_data[64 * 4 +: 64] = 64'd0;
		assign s_mw_be[8 * 4 +: 8] = 8'd0;
		assign s_st_req[4] = 1'b0;
		assign s_st_addr[32 * 4 +: 32] = 32'd0;
		assign s_st_val[64 * 4 +: 64] = 64'd0;
		assign s_lk_req[4] = 1'b0;
		assign s_lk_sa[32 * 4 +: 32] = 32'd0;
	end
	if (POST == 1) begin : g_esp_encap_post
		esp_encap_post u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd5), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[5]), .result(s_result[2 * 5 +: 2]),
			.tail_stage(s_tail[4 * 5 +: 4]), .tail_args(s_targs[`ARGS_W * 5 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 5 +: `META_W]), .exit_port(s_eport[3 * 5 +: 3]),
			.exit_reason(s_ereason[8 * 5 +: 8]),
			.hp_rd(s_hp_rd[5]), .hp_wr(s_hp_wr[5]), .hp_addr(s_hp_addr[12 * 5 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 5 +: 128]), .hp_wbe(s_hp_wbe[16 * 5 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[5]), .mr_addr(s_mr_addr[32 * 5 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd5), .mr_data(mr_data),
			.mw_req(s_mw_req[5]), .mw_addr(s_mw_addr[32 * 5 +: 32]),
			.mw_data(s_mw_data[64 * 5 +: 64]), .mw_be(s_mw_be[8 * 5 +: 8]),
			.st_req(s_st_req[5]), .st_addr(s_st_addr[32 * 5 +: 32]),
			.st_val(s_st_val[64 * 5 +: 64]),
			.lk_req(s_lk_req[5]), .lk_sa(s_lk_sa[32 * 5 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd5)
		);
	end else begin : g_no_esp_encap_post
		assign s_done[5] = 1'b0;
		assign s_result[2 * 5 +: 2] = 2'd0;
		assign s_tail[4 * 5 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 5 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 5 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 5 +: 3] = 3'd0;
		assign s_ereason[8 * 5 +: 8] = 8'd0;
		assign s_hp_rd[5] = 1'b0;
		assign s_hp_wr[5] = 1'b0;
		assign s_hp_addr[12 * 5 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 5 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 5 +: 16] = 16'd0;
		assign s_mr_req[5] = 1'b0;
		assign s_mr_addr[32 * 5 +: 32] = 32'd0;
		assign s_mw_req[5] = 1'b0;
		assign s_mw_addr[32 * 5 +: 32] = 32'd0;
		assign s_mw_data[64 * 5 +: 64] = 64'd0;
		assign s_mw_be[8 * 5 +: 8] = 8'd0;
		assign s_st_req[5] = 1'b0;
		assign s_st_addr[32 * 5 +: 32] = 32'd0;
		assign s_st_val[64 * 5 +: 64] = 64'd0;
		assign s_lk_req[5] = 1'b0;
		assign s_lk_sa[32 * 5 +: 32] = 32'd0;
	end
	if (POST == 0) begin : g_mpls_core_rx
		mpls_core_rx u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd6), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[6]), .result(s_result[2 * 6 +: 2]),
			.tail_stage(s_tail[4 * 6 +: 4]), .tail_args(s_targs[`ARGS_W * 6 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 6 +: `META_W]), .exit_port(s_eport[3 * 6 +: 3]),
			.exit_reason(s_ereason[8 * 6 +: 8]),
			.hp_rd(s_hp_rd[6]), .hp_wr(s_hp_wr[6]), .hp_addr(s_hp_addr[12 * 6 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 6 +: 128]), .hp_wbe(s_hp_wbe[16 * 6 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[6]), .mr_addr(s_mr_addr[32 * 6 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd6), .mr_data(mr_data),
			.mw_req(s_mw_req[6]), .mw_addr(s_mw_addr[32 * 6 +: 32]),
			.mw_data(s_mw_data[64 * 6 +: 64]), .mw_be(s_mw_be[8 * 6 +: 8]),
			.st_req(s_st_req[6]), .st_addr(s_st_addr[32 * 6 +: 32]),
			.st_val(s_st_val[64 * 6 +: 64]),
			.lk_req(s_lk_req[6]), .lk_sa(s_lk_sa[32 * 6 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd6)
		);
	end else begin : g_no_mpls_core_rx
		assign s_done[6] = 1'b0;
		assign s_result[2 * 6 +: 2] = 2'd0;
		assign s_tail[4 * 6 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 6 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 6 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 6 +: 3] = 3'd0;
		assign s_ereason[8 * 6 +: 8] = 8'd0;
		assign s_hp_rd[6] = 1'b0;
		assign s_hp_wr[6] = 1'b0;
		assign s_hp_addr[12 * 6 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 6 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 6 +: 16] = 16'd0;
		assign s_mr_req[6] = 1'b0;
		assign s_mr_addr[32 * 6 +: 32] = 32'd0;
		assign s_mw_req[6] = 1'b0;
		assign s_mw_addr[32 * 6 +: 32] = 32'd0;
		assign s_mw_data[64 * 6 +: 64] = 64'd0;
		assign s_mw_be[8 * 6 +: 8] = 8'd0;
		assign s_st_req[6] = 1'b0;
		assign s_st_addr[32 * 6 +: 32] = 32'd0;
		assign s_st_val[64 * 6 +: 64] = 64'd0;
		assign s_lk_req[6] = 1'b0;
		assign s_lk_sa[32 * 6 +: 32] = 32'd0;
	end
	if (POST == 0) begin : g_vlan_inside_rx
		vlan_inside_rx u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd7), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[7]), .result(s_result[2 * 7 +: 2]),
			.tail_stage(s_tail[4 * 7 +: 4]), .tail_args(s_targs[`ARGS_W * 7 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 7 +: `META_W]), .exit_port(s_eport[3 * 7 +: 3]),
			.exit_reason(s_ereason[8 * 7 +: 8]),
			.hp_rd(s_hp_rd[7]), .hp_wr(s_hp_wr[7]), .hp_addr(s_hp_addr[12 * 7 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 7 +: 128]), .hp_wbe(s_hp_wbe[16 * 7 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[7]), .mr_addr(s_mr_addr[32 * 7 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd7), .mr_data(mr_data),
			.mw_req(s_mw_req[7]), .mw_addr(s_mw_addr[32 * 7 +: 32]),
			.mw_data(s_mw_data[64 * 7 +: 64]), .mw_be(s_mw_be[8 * 7 +: 8]),
			.st_req(s_st_req[7]), .st_addr(s_st_addr[32 * 7 +: 32]),
			.st_val(s_st_val[64 * 7 +: 64]),
			.lk_req(s_lk_req[7]), .lk_sa(s_lk_sa[32 * 7 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd7)
		);
	end else begin : g_no_vlan_inside_rx
		assign s_done[7] = 1'b0;
		assign s_result[2 * 7 +: 2] = 2'd0;
		assign s_tail[4 * 7 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 7 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 7 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 7 +: 3] = 3'd0;
		assign s_ereason[8 * 7 +: 8] = 8'd0;
		assign s_hp_rd[7] = 1'b0;
		assign s_hp_wr[7] = 1'b0;
		assign s_hp_addr[12 * 7 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 7 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 7 +: 16] = 16'd0;
		assign s_mr_req[7] = 1'b0;
		assign s_mr_addr[32 * 7 +: 32] = 32'd0;
		assign s_mw_req[7] = 1'b0;
		assign s_mw_addr[32 * 7 +: 32] = 32'd0;
		assign s_mw_data[64 * 7 +: 64] = 64'd0;
		assign s_mw_be[8 * 7 +: 8] = 8'd0;
		assign s_st_req[7] = 1'b0;
		assign s_st_addr[32 * 7 +: 32] = 32'd0;
		assign s_st_val[64 * 7 +: 64] = 64'd0;
		assign s_lk_req[7] = 1'b0;
		assign s_lk_sa[32 * 7 +: 32] = 32'd0;
	end
	if (1) begin : g_vrf_forward
		vrf_forward u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd8), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[8]), .result(s_result[2 * 8 +: 2]),
			.tail_stage(s_tail[4 * 8 +: 4]), .tail_args(s_targs[`ARGS_W * 8 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 8 +: `META_W]), .exit_port(s_eport[3 * 8 +: 3]),
			.exit_reason(s_ereason[8 * 8 +: 8]),
			.hp_rd(s_hp_rd[8]), .hp_wr(s_hp_wr[8]), .hp_addr(s_hp_addr[12 * 8 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 8 +: 128]), .hp_wbe(s_hp_wbe[16 * 8 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[8]), .mr_addr(s_mr_addr[32 * 8 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd8), .mr_data(mr_data),
			.mw_req(s_mw_req[8]), .mw_addr(s_mw_addr[32 * 8 +: 32]),
			.mw_data(s_mw_data[64 * 8 +: 64]), .mw_be(s_mw_be[8 * 8 +: 8]),
			.st_req(s_st_req[8]), .st_addr(s_st_addr[32 * 8 +: 32]),
			.st_val(s_st_val[64 * 8 +: 64]),
			.lk_req(s_lk_req[8]), .lk_sa(s_lk_sa[32 * 8 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd8)
		);
	end else begin : g_no_vrf_forward
		assign s_done[8] = 1'b0;
		assign s_result[2 * 8 +: 2] = 2'd0;
		assign s_tail[4 * 8 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 8 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 8 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 8 +: 3] = 3'd0;
		assign s_ereason[8 * 8 +: 8] = 8'd0;
		assign s_hp_rd[8] = 1'b0;
		assign s_hp_wr[8] = 1'b0;
		assign s_hp_addr[12 * 8 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 8 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 8 +: 16] = 16'd0;
		assign s_mr_req[8] = 1'b0;
		assign s_mr_addr[32 * 8 +: 32] = 32'd0;
		assign s_mw_req[8] = 1'b0;
		assign s_mw_addr[32 * 8 +: 32] = 32'd0;
		assign s_mw_data[64 * 8 +: 64] = 64'd0;
		assign s_mw_be[8 * 8 +: 8] = 8'd0;
		assign s_st_req[8] = 1'b0;
		assign s_st_addr[32 * 8 +: 32] = 32'd0;
		assign s_st_val[64 * 8 +: 64] = 64'd0;
		assign s_lk_req[8] = 1'b0;
		assign s_lk_sa[32 * 8 +: 32] = 32'd0;
	end
	if (1) begin : g_mpls_push
		mpls_push u_stage (
			.clk(clk), .rst(rst), .start(go_reg && cur_reg == 4'd9), .args(args_reg),
			.meta_in(meta_reg), .done(s_done[9]), .result(s_result[2 * 9 +: 2]),
			.tail_stage(s_tail[4 * 9 +: 4]), .tail_args(s_targs[`ARGS_W * 9 +: `ARGS_W]),
			.meta_out(s_meta[`META_W * 9 +: `META_W]), .exit_port(s_eport[3 * 9 +: 3]),
			.exit_reason(s_ereason[8 * 9 +: 8]),
			.hp_rd(s_hp_rd[9]), .hp_wr(s_hp_wr[9]), .hp_addr(s_hp_addr[12 * 9 +: 12]),
			.hp_wdata(s_hp_wdata[128 * 9 +: 128]), .hp_wbe(s_hp_wbe[16 * 9 +: 16]),
			.hp_rdata(hp_rdata),
			.mr_req(s_mr_req[9]), .mr_addr(s_mr_addr[32 * 9 +: 32]),
			.mr_valid(mr_valid && cur_reg == 4'd9), .mr_data(mr_data),
			.mw_req(s_mw_req[9]), .mw_addr(s_mw_addr[32 * 9 +: 32]),
			.mw_data(s_mw_data[64 * 9 +: 64]), .mw_be(s_mw_be[8 * 9 +: 8]),
			.st_req(s_st_req[9]), .st_addr(s_st_addr[32 * 9 +: 32]),
			.st_val(s_st_val[64 * 9 +: 64]),
			.lk_req(s_lk_req[9]), .lk_sa(s_lk_sa[32 * 9 +: 32]),
			.lk_busy(lk_busy && cur_reg == 4'd9)
		);
	end else begin : g_no_mpls_push
		assign s_done[9] = 1'b0;
		assign s_result[2 * 9 +: 2] = 2'd0;
		assign s_tail[4 * 9 +: 4] = 4'd0;
		assign s_targs[`ARGS_W * 9 +: `ARGS_W] = {`ARGS_W{1'b0}};
		assign s_meta[`META_W * 9 +: `META_W] = {`META_W{1'b0}};
		assign s_eport[3 * 9 +: 3] = 3'd0;
		assign s_ereason[8 * 9 +: 8] = 8'd0;
		assign s_hp_rd[9] = 1'b0;
		assign s_hp_wr[9] = 1'b0;
		assign s_hp_addr[12 * 9 +: 12] = 12'd0;
		assign s_hp_wdata[128 * 9 +: 128] = 128'd0;
		assign s_hp_wbe[16 * 9 +: 16] = 16'd0;
		assign s_mr_req[9] = 1'b0;
		assign s_mr_addr[32 * 9 +: 32] = 32'd0;
		assign s_mw_req[9] = 1'b0;
		assign s_mw_addr[32 * 9 +: 32] = 32'd0;
		assign s_mw_data[64 * 9 +: 64] = 64'd0;
		assign s_mw_be[8 * 9 +: 8] = 8'd0;
		assign s_st_req[9] = 1'b0;
		assign s_st_addr[32 * 9 +: 32] = 32'd0;
		assign s_st_val[64 * 9 +: 64] = 64'd0;
		assign s_lk_req[9] = 1'b0;
		assign s_lk_sa[32 * 9 +: 32] = 32'd0;
	end
endgenerate

// Stage ids of this unit (a tail call elsewhere is a stage bug: exit MALFORMED).
function has_stage(input [3:0] id);
	begin
		case (id)
		`STG_STAGE_RX, `STG_ESP_DECAP_RX, `STG_MPLS_CORE_RX, `STG_VLAN_INSIDE_RX:
			has_stage = POST == 0;
		`STG_ESP_DECAP_POST, `STG_ESP_ENCAP_POST:
			has_stage = POST == 1;
		`STG_ESP_ENCAP, `STG_VRF_FORWARD, `STG_MPLS_PUSH:
			has_stage = 1'b1;
		default:
			has_stage = 1'b0;
		endcase
	end
endfunction

wire                c_done = s_done[cur_reg];
wire [1:0]          c_result = s_result[2 * cur_reg +: 2];
wire [3:0]          c_tail = s_tail[4 * cur_reg +: 4];
wire [`META_W-1:0]  c_meta = s_meta[`META_W * cur_reg +: `META_W];
wire [7:0]          in_stage = meta_in[`M_STAGE];
wire [15:0]         m_vrf = meta_reg[`M_VRF];
wire                running = state_reg == U_RUN;

assign ready = state_reg == U_IDLE && !done;
assign meta_out = meta_reg;

always @(posedge clk) begin
	go_reg <= 1'b0;
	done <= 1'b0;
	case (state_reg)
	U_IDLE: if (start) begin
		// vrfsec_stage_rx / vrfsec_stage_post: the entry stage, or post's own MALFORMED exit.
		meta_reg <= meta_in;
		cok_reg <= crypto_ok;
		args_reg <= {`ARGS_W{1'b0}};
		if (POST == 0) begin
			cur_reg <= `STG_STAGE_RX;
			go_reg <= 1'b1;
			state_reg <= U_RUN;
		end else if (in_stage == `STAGE_DECRYPT) begin
			cur_reg <= `STG_ESP_DECAP_POST;
			go_reg <= 1'b1;
			state_reg <= U_RUN;
		end else if (in_stage == `STAGE_ENCRYPT) begin
			cur_reg <= `STG_ESP_ENCAP_POST;
			go_reg <= 1'b1;
			state_reg <= U_RUN;
		end else begin
			cur_reg <= `STG_NONE;
			xport_reg <= P_DROP;
			xreason_reg <= R_MALFORMED;
			state_reg <= U_EXIT;
		end
	end
	U_RUN: if (c_done) begin
		meta_reg <= c_meta;
		if (c_result == `RES_TAIL && has_stage(c_tail)) begin
			// A C tail call: the next stage takes the metadata as this one left it.
			cur_reg <= c_tail;
			args_reg <= s_targs[`ARGS_W * cur_reg +: `ARGS_W];
			go_reg <= 1'b1;
		end else if (c_result == `RES_CRYPTO && cok_reg) begin
			done <= 1'b1;
			crypto <= 1'b1;
			cur_reg <= `STG_NONE;
			state_reg <= U_IDLE;
		end else begin
			// RES_EXIT, a third crypto round (vrfsec_pipeline: MALFORMED) or a bad tail.
			cur_reg <= `STG_NONE;
			xport_reg <= c_result == `RES_EXIT ? s_eport[3 * cur_reg +: 3] : P_DROP;
			xreason_reg <= c_result == `RES_EXIT ? s_ereason[8 * cur_reg +: 8] : R_MALFORMED;
			state_reg <= U_EXIT;
		end
	end
	U_EXIT: begin
		// pkt_exit: out_port, reason, stage; t->cnt[reason]++ (on st below).
		meta_reg[`M_OUT_PORT] <= {5'd0, xport_reg};
		meta_reg[`M_REASON] <= xreason_reg;
		meta_reg[`M_STAGE] <= `STAGE_NONE;
		if (xport_reg == P_HOST)
			state_reg <= U_CNT_HOST;
		else if (xport_reg == P_DROP && m_vrf < L_MAX_VRF[15:0])
			state_reg <= U_CNT_VRF;
		else begin
			done <= 1'b1;
			crypto <= 1'b0;
			state_reg <= U_IDLE;
		end
	end
	U_CNT_HOST: begin
		// t->cnt[VRFSEC_CNT_TO_HOST]++
		done <= 1'b1;
		crypto <= 1'b0;
		state_reg <= U_IDLE;
	end
	default: begin
		// t->vrf_cnt[p->vrf].drops++
		done <= 1'b1;
		crypto <= 1'b0;
		state_reg <= U_IDLE;
	end
	endcase
	if (rst) begin
		state_reg <= U_IDLE;
		cur_reg <= `STG_NONE;
		go_reg <= 1'b0;
		done <= 1'b0;
	end
end

// The unit's own additions (pkt_exit) while no stage runs.
reg         u_st_req;
reg  [31:0] u_st_addr;
always @(*) begin
	u_st_req = 1'b1;
	case (state_reg)
	U_EXIT:     u_st_addr = L_T_CNT + {21'd0, xreason_reg, 3'd0};
	U_CNT_HOST: u_st_addr = L_T_CNT + 8 * CNT_TO_HOST;
	U_CNT_VRF:  u_st_addr = L_T_VRF_CNT + {16'd0, m_vrf} * L_VRF_CNT_SIZE + L_VRF_CNT_DROPS;
	default: begin
		u_st_req = 1'b0;
		u_st_addr = 32'd0;
	end
	endcase
end

assign hp_rd = running && s_hp_rd[cur_reg];
assign hp_wr = running && s_hp_wr[cur_reg];
assign hp_addr = s_hp_addr[12 * cur_reg +: 12];
assign hp_wdata = s_hp_wdata[128 * cur_reg +: 128];
assign hp_wbe = s_hp_wbe[16 * cur_reg +: 16];
assign mr_req = running && s_mr_req[cur_reg];
assign mr_addr = s_mr_addr[32 * cur_reg +: 32];
assign mw_req = running && s_mw_req[cur_reg];
assign mw_addr = s_mw_addr[32 * cur_reg +: 32];
assign mw_data = s_mw_data[64 * cur_reg +: 64];
assign mw_be = s_mw_be[8 * cur_reg +: 8];
assign st_req = running ? s_st_req[cur_reg] : u_st_req;
assign st_addr = running ? s_st_addr[32 * cur_reg +: 32] : u_st_addr;
assign st_val = running ? s_st_val[64 * cur_reg +: 64] : 64'd1;
assign lk_req = running && s_lk_req[cur_reg];
assign lk_sa = s_lk_sa[32 * cur_reg +: 32];

endmodule

`default_nettype wire
