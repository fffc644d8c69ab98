// SPDX-License-Identifier: Apache-2.0
// Core port ingress (hw/hls/mpls.c mpls_core_rx): label stack walk, explicit nulls popped, the
// VPN label mapped to its VRF, the top entry's TTL, then forwarding in that VRF.
`default_nettype none

// Reads buf[off+12 .. off+59] (the ethertype and the 8 stack entries the C loop may look at) in
// three header-port accesses, walks one entry per cycle, reads t->label_vrf[label] and
// t->vrf[vrf].ttl_mode, and ends with RES_TAIL STG_VRF_FORWARD (A_VRF, A_IP_OFF, A_LABEL_TTL as
// the C call passes them) or an exit. Standard stage ports (hw/rtl/PIPELINE.md); writes nothing.
module mpls_core_rx (
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
output wire                hp_wr;
output reg  [11:0]         hp_addr;
output wire [127:0]        hp_wdata;
output wire [15:0]         hp_wbe;
input  wire [127:0]        hp_rdata;
output reg                 mr_req;
output reg  [31:0]         mr_addr;
input  wire                mr_valid;
input  wire [63:0]         mr_data;
output wire                mw_req;
output wire [31:0]         mw_addr;
output wire [63:0]         mw_data;
output wire [7:0]          mw_be;
output wire                st_req;
output wire [31:0]         st_addr;
output wire [63:0]         st_val;
output wire                lk_req;
output wire [31:0]         lk_sa;
input  wire                lk_busy;



localparam [2:0] S_IDLE = 3'd0, S_HDR = 3'd1, S_ETH = 3'd2, S_LBL = 3'd3, S_LV = 3'd4,
		 S_TM = 3'd5, S_DONE = 3'd6;
localparam [7:0] P_HOST = `PORT_HOST, P_DROP = `PORT_DROP;
localparam MPLS_MAX_PARSE = 8;

assign hp_wr = 1'b0;
assign hp_wdata = 128'd0;
assign hp_wbe = 16'd0;
assign mw_req = 1'b0;
assign mw_addr = 32'd0;
assign mw_data = 64'd0;
assign mw_be = 8'd0;
assign st_req = 1'b0;
assign st_addr = 32'd0;
assign st_val = 64'd0;
assign lk_req = 1'b0;
assign lk_sa = 32'd0;

reg  [2:0]          state_reg, state_next;
reg  [`META_W-1:0]  meta_reg, meta_next;
reg  [1:0]          hcnt_reg, hcnt_next;
reg  [2:0]          i_reg, i_next;          // loop index i of the C walk
reg  [7:0]          top_reg, top_next;      // top_ttl
reg                 bos_reg, bos_next;      // S bit of the VPN label entry
reg  [31:0]         cur_reg, cur_next;      // cur after that entry
reg  [15:0]         vrf_reg, vrf_next;      // vrf1 - 1
reg  [2:0]          mb_reg, mb_next;        // byte of the table entry in the word read
reg  [1:0]          res_reg, res_next;
reg  [`ARGS_W-1:0]  targs_reg, targs_next;
reg  [2:0]          xport_reg, xport_next;
reg  [7:0]          xreason_reg, xreason_next;
reg  [383:0]        hdr_reg;                // buf[off + 12 + j] in byte j
reg                 cap_reg;
reg  [1:0]          cap_idx_reg;
reg  [63:0]         md_reg;
reg                 md_ok_reg;

wire [63:0] m_data = mr_valid ? mr_data : md_reg;
wire        m_ok = mr_valid || md_ok_reg;

assign meta_out = meta_reg;

reg [383:0] hdr;
always @* begin
	hdr = hdr_reg;
	if (cap_reg)
		hdr[128 * cap_idx_reg +: 128] = hp_rdata;
end

wire [15:0] off = meta_reg[`M_OFF];
wire [15:0] len = meta_reg[`M_LEN];
wire [31:0] end_pos = {16'd0, off} + {16'd0, len};
wire [15:0] et = {hdr[7:0], hdr[15:8]};
// stack entry i: buf[cur .. cur+3] with cur = off + 14 + 4 i
wire [31:0] cur = {16'd0, off} + 32'd14 + {27'd0, i_reg, 2'd0};
wire [31:0] e = {hdr[16 + 32 * i_reg +: 8], hdr[24 + 32 * i_reg +: 8],
		 hdr[32 + 32 * i_reg +: 8], hdr[40 + 32 * i_reg +: 8]};
wire [19:0] label = e[31:12];
wire [7:0]  top = i_reg == 3'd0 ? e[7:0] : top_reg;
wire [31:0] lv_ent = L_T_LABEL_VRF + {11'd0, label, 1'b0};
wire [15:0] vrf1 = m_data[8 * mb_reg +: 16];
wire [15:0] vrf_new = vrf1 - 16'd1;
wire [31:0] tm_ent_new = L_T_VRF + {16'd0, vrf_new} * L_VRF_SIZE + L_VRF_TTL_MODE;

always @* begin
	state_next = state_reg;
	meta_next = meta_reg;
	hcnt_next = hcnt_reg;
	i_next = i_reg;
	top_next = top_reg;
	bos_next = bos_reg;
	cur_next = cur_reg;
	vrf_next = vrf_reg;
	mb_next = mb_reg;
	res_next = res_reg;
	targs_next = targs_reg;
	xport_next = xport_reg;
	xreason_next = xreason_reg;
	done = 1'b0;
	result = res_reg;
	tail_stage = res_reg == `RES_TAIL ? `STG_VRF_FORWARD : `STG_NONE;
	tail_args = targs_reg;
	exit_port = xport_reg;
	exit_reason = xreason_reg;
	hp_rd = 1'b0;
	hp_addr = 12'd0;
	mr_req = 1'b0;
	mr_addr = 32'd0;

	case (state_reg)
	S_IDLE: begin
		if (start) begin
			meta_next = meta_in;
			hcnt_next = 2'd0;
			res_next = `RES_EXIT;
			targs_next = {`ARGS_W{1'b0}};
			state_next = S_HDR;
		end
	end
	S_HDR: begin
		// buf[off + 12 ..] in three reads
		hp_rd = 1'b1;
		hp_addr = off[11:0] + 12'd12 + {6'd0, hcnt_reg, 4'd0};
		hcnt_next = hcnt_reg + 2'd1;
		if (hcnt_reg == 2'd2)
			state_next = S_ETH;
	end
	S_ETH: begin
		// mpls.c:18-24: length, ethertype
		i_next = 3'd0;
		state_next = S_LBL;
		if (len < 16'd14) begin
			xport_next = P_DROP[2:0];
			xreason_next = CNT_MALFORMED[7:0];
			state_next = S_DONE;
		end else if (et == 16'h0800 || et == 16'h86dd) begin
			xport_next = P_HOST[2:0];
			xreason_next = CNT_LOCAL[7:0];
			state_next = S_DONE;
		end else if (et != 16'h8847) begin
			xport_next = P_HOST[2:0];
			xreason_next = CNT_NON_IP[7:0];
			state_next = S_DONE;
		end
	end
	S_LBL: begin
		// mpls.c:27-43: one stack entry per cycle; explicit nulls continue the loop
		top_next = top;
		bos_next = e[8];
		cur_next = cur + 32'd4;
		i_next = i_reg + 3'd1;
		if (cur + 32'd4 > end_pos) begin
			xport_next = P_DROP[2:0];
			xreason_next = CNT_MALFORMED[7:0];
			state_next = S_DONE;
		end else if (label == 20'd0 || label == 20'd2) begin
			if (e[8]) begin
				xport_next = P_HOST[2:0];
				xreason_next = CNT_LOCAL[7:0];
				state_next = S_DONE;
			end else if (i_reg == MPLS_MAX_PARSE[2:0] - 3'd1) begin
				// mpls.c:56: the loop ran out
				xport_next = P_DROP[2:0];
				xreason_next = CNT_MALFORMED[7:0];
				state_next = S_DONE;
			end
		end else if (label < 20'd16) begin
			xport_next = P_DROP[2:0];
			xreason_next = CNT_MALFORMED[7:0];
			state_next = S_DONE;
		end else begin
			mr_req = 1'b1;
			mr_addr = {lv_ent[31:3], 3'd0};
			mb_next = lv_ent[2:0];
			state_next = S_LV;
		end
	end
	S_LV: begin
		// mpls.c:43-51: vrf1 = t->label_vrf[label], S bit, room for a packet, top TTL
		if (m_ok) begin
			vrf_next = vrf_new;
			state_next = S_DONE;
			if (vrf1 == 16'd0) begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_NO_LABEL[7:0];
			end else if (!bos_reg || cur_reg >= end_pos) begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_MALFORMED[7:0];
			end else if (top_reg <= 8'd1) begin
				meta_next[`M_VRF] = vrf_new;
				xport_next = P_HOST[2:0];
				xreason_next = CNT_TTL_EXPIRED[7:0];
			end else begin
				mr_req = 1'b1;
				mr_addr = {tm_ent_new[31:3], 3'd0};
				mb_next = tm_ent_new[2:0];
				state_next = S_TM;
			end
		end
	end
	S_TM: begin
		// mpls.c:52-54: t->vrf[vrf1 - 1].ttl_mode, then the tail call
		if (m_ok) begin
			res_next = `RES_TAIL;
			targs_next[`A_VRF] = vrf_reg;
			targs_next[`A_IP_OFF] = cur_reg[15:0];
			targs_next[`A_LABEL_TTL] = m_data[8 * mb_reg +: 8] == 8'd0 ? top_reg : 8'd0;
			state_next = S_DONE;
		end
	end
	default: begin
		// S_DONE
		done = 1'b1;
		state_next = S_IDLE;
	end
	endcase
end

always @(posedge clk) begin
	state_reg <= state_next;
	meta_reg <= meta_next;
	hcnt_reg <= hcnt_next;
	i_reg <= i_next;
	top_reg <= top_next;
	bos_reg <= bos_next;
	cur_reg <= cur_next;
	vrf_reg <= vrf_next;
	mb_reg <= mb_next;
	res_reg <= res_next;
	targs_reg <= targs_next;
	xport_reg <= xport_next;
	xreason_reg <= xreason_next;
	hdr_reg <= hdr;
	cap_reg <= hp_rd;
	cap_idx_reg <= hcnt_reg;
	if (mr_valid)
		md_reg <= mr_data;
	md_ok_reg <= mr_req ? 1'b0 : m_ok;
	if (rst) begin
		state_reg <= S_IDLE;
		cap_reg <= 1'b0;
		md_ok_reg <= 1'b0;
	end
end

// Inputs this stage does not use, and the TC bits of a stack entry.
wire unused_ok = &{1'b0, lk_busy, args, e[11:9]};

endmodule
