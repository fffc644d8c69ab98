// SPDX-License-Identifier: Apache-2.0
// After the seal (hw/hls/esp_encap.c esp_encap_post): engine verdict, encrypt_ok and the VRF's
// tx counters, then the public port.
`default_nettype none

// One call (no args): op.tag_ok == 0 -> exit DROP / malformed; else cnt[ENCRYPT_OK] += 1, for a
// VRF < VRFSEC_MAX_VRF vrf_cnt[vrf].tx_packets += 1 and tx_bytes += len (one stat add per cycle),
// exit PUBLIC / tx_public.
// Standard stage ports (hw/rtl/PIPELINE.md); only the stat port is used.
module esp_encap_post (
	clk, rst, start, args, meta_in, done, result, tail_stage, tail_args, meta_out, exit_port,
	exit_reason, hp_rd, hp_wr, hp_addr, hp_wdata, hp_wbe, hp_rdata, mr_req, mr_addr, mr_valid,
	mr_data, mw_req, mw_addr, mw_data, mw_be, st_req, st_addr, st_val, lk_req, lk_sa, lk_busy
);

`include "stage_if.vh"
`include "vrfsec_layout.vh"

input  wire                clk;
input  wire                rst;
input  wire                start;
input  wire [`ARGS_W-1:0]  args;
input  wire [`META_W-1:0]  meta_in;
output reg                 done;
output reg  [1:0]          result;
output wire [3:0]          tail_stage;
output wire [`ARGS_W-1:0]  tail_args;
output wire [`META_W-1:0]  meta_out;
output reg  [2:0]          exit_port;
output reg  [7:0]          exit_reason;
output wire                hp_rd;
output wire                hp_wr;
output wire [11:0]         hp_addr;
output wire [127:0]        hp_wdata;
output wire [15:0]         hp_wbe;
input  wire [127:0]        hp_rdata;
output wire                mr_req;
output wire [31:0]         mr_addr;
input  wire                mr_valid;
input  wire [63:0]         mr_data;
output wire                mw_req;
output wire [31:0]         mw_addr;
output wire [63:0]         mw_data;
output wire [7:0]          mw_be;
output reg                 st_req;
output reg  [31:0]         st_addr;
output reg  [63:0]         st_val;
output wire                lk_req;
output wire [31:0]         lk_sa;
input  wire                lk_busy;

localparam [1:0] S_IDLE = 2'd0, S_CHK = 2'd1, S_TXP = 2'd2, S_TXB = 2'd3;
localparam [7:0] PORT_PUBLIC8 = `PORT_PUBLIC, PORT_DROP8 = `PORT_DROP;

assign tail_stage = `STG_NONE;
assign tail_args = {`ARGS_W{1'b0}};
assign hp_rd = 1'b0;
assign hp_wr = 1'b0;
assign hp_addr = 12'd0;
assign hp_wdata = 128'd0;
assign hp_wbe = 16'd0;
assign mr_req = 1'b0;
assign mr_addr = 32'd0;
assign mw_req = 1'b0;
assign mw_addr = 32'd0;
assign mw_data = 64'd0;
assign mw_be = 8'd0;
assign lk_req = 1'b0;
assign lk_sa = 32'd0;

reg  [1:0]          state_reg;
reg  [`META_W-1:0]  meta_reg;

assign meta_out = meta_reg;

wire unused_ok = &{1'b0, args, hp_rdata, mr_valid, mr_data, lk_busy, 1'b0};

wire [15:0] vrf = meta_reg[`M_VRF];
wire [31:0] vcnt = L_T_VRF_CNT + {16'd0, vrf} * L_VRF_CNT_SIZE;

// The stat adds of the current state.
always @* begin
	st_req = 1'b0;
	st_addr = 32'd0;
	st_val = 64'd1;
	case (state_reg)
	S_CHK: if (meta_reg[`M_OP_TAG_OK] != 8'd0) begin
		st_req = 1'b1;
		st_addr = L_T_CNT + CNT_ENCRYPT_OK * 32'd8;
	end
	S_TXP: begin
		st_req = 1'b1;
		st_addr = vcnt + L_VRF_CNT_TX_PACKETS;
	end
	S_TXB: begin
		st_req = 1'b1;
		st_addr = vcnt + L_VRF_CNT_TX_BYTES;
		st_val = {48'd0, meta_reg[`M_LEN]};
	end
	default: ;
	endcase
end

always @(posedge clk) begin
	done <= 1'b0;
	case (state_reg)
	S_IDLE: if (start) begin
		meta_reg <= meta_in;
		state_reg <= S_CHK;
	end
	// !tag_ok -> malformed; cnt[ENCRYPT_OK]++; vrf < MAX_VRF: tx counters
	S_CHK: if (meta_reg[`M_OP_TAG_OK] == 8'd0) begin
		done <= 1'b1;
		result <= `RES_EXIT;
		exit_port <= PORT_DROP8[2:0];
		exit_reason <= CNT_MALFORMED[7:0];
		state_reg <= S_IDLE;
	end else if (vrf < L_MAX_VRF[15:0]) begin
		state_reg <= S_TXP;
	end else begin
		done <= 1'b1;
		result <= `RES_EXIT;
		exit_port <= PORT_PUBLIC8[2:0];
		exit_reason <= CNT_TX_PUBLIC[7:0];
		state_reg <= S_IDLE;
	end
	S_TXP: state_reg <= S_TXB;
	// pkt_exit(PUBLIC, TX_PUBLIC)
	default: begin
		done <= 1'b1;
		result <= `RES_EXIT;
		exit_port <= PORT_PUBLIC8[2:0];
		exit_reason <= CNT_TX_PUBLIC[7:0];
		state_reg <= S_IDLE;
	end
	endcase
	if (rst) begin
		state_reg <= S_IDLE;
		done <= 1'b0;
	end
end

endmodule

`default_nettype wire
