// SPDX-License-Identifier: Apache-2.0
// Label stack push towards the core (hw/hls/mpls.c mpls_push): Ethernet header of the next hop,
// 1..3 labels with the VRF's DSCP -> TC map and the uniform / pipe TTL, counters, core port.
`default_nettype none

// Args: A_NH (next-hop index), A_IP_OFF, A_IP_LEN, A_TTL, A_DSCP; meta.vrf selects the TC map
// and the counters. Reads the next hop (5 words) and the TC byte, then writes the Ethernet
// header (one 16-byte access, copy_words' overrun included) and the labels (one access).
// Standard stage ports (hw/rtl/PIPELINE.md); lk_req and mw_req stay 0.
module mpls_push (
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
output reg  [3:0]          tail_stage;
output reg  [`ARGS_W-1:0]  tail_args;
output wire [`META_W-1:0]  meta_out;
output reg  [2:0]          exit_port;
output reg  [7:0]          exit_reason;
output reg                 hp_rd;
output reg                 hp_wr;
output reg  [11:0]         hp_addr;
output reg  [127:0]        hp_wdata;
output reg  [15:0]         hp_wbe;
input  wire [127:0]        hp_rdata;
output reg                 mr_req;
output reg  [31:0]         mr_addr;
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



localparam [3:0] S_IDLE = 4'd0, S_NH0 = 4'd1, S_NH1 = 4'd2, S_NH2 = 4'd3, S_NH3 = 4'd4,
		 S_NH4 = 4'd5, S_TC = 4'd6, S_LBL = 4'd7, S_TXB = 4'd8, S_DONE = 4'd9;
localparam [7:0] P_CORE = `PORT_CORE;

assign mw_req = 1'b0;
assign mw_addr = 32'd0;
assign mw_data = 64'd0;
assign mw_be = 8'd0;
assign lk_req = 1'b0;
assign lk_sa = 32'd0;

reg  [3:0]          state_reg, state_next;
reg  [`META_W-1:0]  meta_reg, meta_next;
reg  [31:0]         nh_reg, nh_next;
reg  [15:0]         ipoff_reg, ipoff_next;
reg  [15:0]         iplen_reg, iplen_next;
reg  [7:0]          ttl_reg, ttl_next;
reg  [5:0]          dscp_reg, dscp_next;     // dscp & 63
reg  [7:0]          n_reg, n_next;           // nh->n_labels
reg  [7:0]          lttl_reg, lttl_next;     // label TTL
reg  [19:0]         lab0_reg, lab0_next;     // label values: bits above 19 shift out
reg  [19:0]         lab1_reg, lab1_next;
reg  [19:0]         lab2_reg, lab2_next;
reg  [63:0]         eth_reg, eth_next;
reg  [63:0]         md_reg;
reg                 md_ok_reg;

wire [63:0] m_data = mr_valid ? mr_data : md_reg;
wire        m_ok = mr_valid || md_ok_reg;

assign meta_out = meta_reg;

wire [15:0] vrf = meta_reg[`M_VRF];
wire [7:0]  a_dscp = args[`A_DSCP];
wire [31:0] nh_ent = L_T_NH + nh_reg * L_NH_SIZE;
wire [31:0] tc_ent = L_T_VRF + {16'd0, vrf} * L_VRF_SIZE + L_VRF_TC_MAP + {26'd0, dscp_reg};
wire [31:0] vcnt = L_T_VRF_CNT + {16'd0, vrf} * L_VRF_CNT_SIZE;
// off = ip_off - 4 n - 14 and len = 14 + 4 n + ip_len, kept to the 16 bits p->off / p->len hold
wire [15:0] push_off = ipoff_reg - {6'd0, n_reg, 2'd0} - 16'd14;
wire [15:0] push_len = 16'd14 + {6'd0, n_reg, 2'd0} + iplen_reg;
wire [7:0]  tc = m_data[8 * tc_ent[2:0] +: 8];

// One label stack entry, mpls.c:74-75 (tc << 9 may reach into the label bits, as in C).
function [31:0] lse(input [19:0] label, input [7:0] tcv, input bos, input [7:0] ttl);
	lse = {label, 12'd0} | {15'd0, tcv, 9'd0} | {23'd0, bos, 8'd0} | {24'd0, ttl};
endfunction

function [31:0] bswap32(input [31:0] v);
	bswap32 = {v[7:0], v[15:8], v[23:16], v[31:24]};
endfunction

always @* begin
	state_next = state_reg;
	meta_next = meta_reg;
	nh_next = nh_reg;
	ipoff_next = ipoff_reg;
	iplen_next = iplen_reg;
	ttl_next = ttl_reg;
	dscp_next = dscp_reg;
	n_next = n_reg;
	lttl_next = lttl_reg;
	lab0_next = lab0_reg;
	lab1_next = lab1_reg;
	lab2_next = lab2_reg;
	eth_next = eth_reg;
	done = 1'b0;
	result = `RES_EXIT;
	tail_stage = `STG_NONE;
	tail_args = {`ARGS_W{1'b0}};
	exit_port = P_CORE[2:0];
	exit_reason = CNT_TX_CORE[7:0];
	hp_rd = 1'b0;
	hp_wr = 1'b0;
	hp_addr = 12'd0;
	hp_wdata = 128'd0;
	hp_wbe = 16'd0;
	mr_req = 1'b0;
	mr_addr = 32'd0;
	st_req = 1'b0;
	st_addr = 32'd0;
	st_val = 64'd0;

	case (state_reg)
	S_IDLE: begin
		if (start) begin
			meta_next = meta_in;
			nh_next = args[`A_NH];
			ipoff_next = args[`A_IP_OFF];
			iplen_next = args[`A_IP_LEN];
			ttl_next = args[`A_TTL];
			dscp_next = a_dscp[5:0];
			state_next = S_NH0;
		end
	end
	S_NH0: begin
		// nh->kind .. sa
		mr_req = 1'b1;
		mr_addr = nh_ent;
		state_next = S_NH1;
	end
	S_NH1: begin
		// mpls.c:62,65: n = nh->n_labels; lttl = uniform ? ttl : pipe_ttl ? pipe_ttl : 255
		if (m_ok) begin
			n_next = m_data[15:8];
			lttl_next = m_data[23:16] == 8'd0 ? ttl_reg :
				    m_data[31:24] != 8'd0 ? m_data[31:24] : 8'd255;
			mr_req = 1'b1;
			mr_addr = nh_ent + 32'd8;
			state_next = S_NH2;
		end
	end
	S_NH2: begin
		// vlan, mtu, label[0]
		if (m_ok) begin
			lab0_next = m_data[51:32];
			mr_req = 1'b1;
			mr_addr = nh_ent + 32'd16;
			state_next = S_NH3;
		end
	end
	S_NH3: begin
		// label[1], label[2]
		if (m_ok) begin
			lab1_next = m_data[19:0];
			lab2_next = m_data[51:32];
			mr_req = 1'b1;
			mr_addr = nh_ent + L_NH_ETH;
			state_next = S_NH4;
		end
	end
	S_NH4: begin
		// eth[0..7]
		if (m_ok) begin
			eth_next = m_data;
			mr_req = 1'b1;
			mr_addr = nh_ent + L_NH_ETH + 32'd8;
			state_next = S_TC;
		end
	end
	S_TC: begin
		// mpls.c:69-70: copy_words(buf + off, nh->eth, 12) writes eth[0..13] and pad[0..1];
		// then the ethertype; then ask for tc_map[dscp & 63] (:64)
		if (m_ok) begin
			hp_wr = 1'b1;
			hp_addr = push_off[11:0];
			hp_wdata[63:0] = eth_reg;
			hp_wdata[95:64] = m_data[31:0];
			hp_wdata[111:96] = 16'h4788;
			hp_wdata[127:112] = m_data[63:48];
			hp_wbe = 16'hffff;
			mr_req = 1'b1;
			mr_addr = {tc_ent[31:3], 3'd0};
			state_next = S_LBL;
		end
	end
	S_LBL: begin
		// mpls.c:71-79: the labels, p->off, p->len, tx_packets++
		if (m_ok) begin
			hp_wr = 1'b1;
			hp_addr = push_off[11:0] + 12'd14;
			hp_wdata[31:0] = bswap32(lse(lab0_reg, tc, n_reg == 8'd1, lttl_reg));
			hp_wdata[63:32] = bswap32(lse(lab1_reg, tc, n_reg == 8'd2, lttl_reg));
			hp_wdata[95:64] = bswap32(lse(lab2_reg, tc, n_reg == 8'd3, lttl_reg));
			hp_wbe = {4'd0, {4{n_reg >= 8'd3}}, {4{n_reg >= 8'd2}}, {4{n_reg >= 8'd1}}};
			meta_next[`M_OFF] = push_off;
			meta_next[`M_LEN] = push_len;
			st_req = 1'b1;
			st_addr = vcnt + L_VRF_CNT_TX_PACKETS;
			st_val = 64'd1;
			state_next = S_TXB;
		end
	end
	S_TXB: begin
		// mpls.c:80: tx_bytes += p->len
		st_req = 1'b1;
		st_addr = vcnt + L_VRF_CNT_TX_BYTES;
		st_val = {48'd0, meta_reg[`M_LEN]};
		state_next = S_DONE;
	end
	default: begin
		// S_DONE, mpls.c:81: exit to the core port
		done = 1'b1;
		state_next = S_IDLE;
	end
	endcase
end

always @(posedge clk) begin
	state_reg <= state_next;
	meta_reg <= meta_next;
	nh_reg <= nh_next;
	ipoff_reg <= ipoff_next;
	iplen_reg <= iplen_next;
	ttl_reg <= ttl_next;
	dscp_reg <= dscp_next;
	n_reg <= n_next;
	lttl_reg <= lttl_next;
	lab0_reg <= lab0_next;
	lab1_reg <= lab1_next;
	lab2_reg <= lab2_next;
	eth_reg <= eth_next;
	if (mr_valid)
		md_reg <= mr_data;
	md_ok_reg <= mr_req ? 1'b0 : m_ok;
	if (rst) begin
		state_reg <= S_IDLE;
		md_ok_reg <= 1'b0;
	end
end

// Inputs and argument fields this stage does not use.
wire unused_ok = &{1'b0, lk_busy, hp_rdata, args[`A_VRF], args[`A_LABEL_TTL], args[`A_SA],
		   a_dscp[7:6]};

endmodule
