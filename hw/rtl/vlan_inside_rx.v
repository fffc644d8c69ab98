// SPDX-License-Identifier: Apache-2.0
// Inside port ingress (hw/hls/vrf_fwd.c vlan_inside_rx): 802.1Q tag, VLAN -> VRF, then forwarding
// in that VRF.
`default_nettype none

// One header-port read of buf[off+12 .. off+27] (TPID, TCI, ethertype), one table read of
// t->vlan_vrf[vlan]; ends with RES_TAIL STG_VRF_FORWARD (A_VRF = vrf1 - 1, A_IP_OFF = off + 18,
// A_LABEL_TTL = 0) or an exit. Standard stage ports (hw/rtl/PIPELINE.md); writes nothing.
module vlan_inside_rx (
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
output wire                done;
output wire [1:0]          result;
output wire [3:0]          tail_stage;
output wire [`ARGS_W-1:0]  tail_args;
output wire [`META_W-1:0]  meta_out;
output wire [2:0]          exit_port;
output wire [7:0]          exit_reason;
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



localparam [1:0] S_IDLE = 2'd0, S_HDR = 2'd1, S_CHK = 2'd2, S_VV = 2'd3;
localparam [7:0] P_HOST = `PORT_HOST, P_DROP = `PORT_DROP;

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
assign result = res_reg;
assign tail_stage = res_reg == `RES_TAIL ? `STG_VRF_FORWARD : `STG_NONE;
assign tail_args = targs_reg;
assign exit_port = xport_reg;
assign exit_reason = xreason_reg;

reg  [1:0]          state_reg, state_next;
reg  [`META_W-1:0]  meta_reg, meta_next;
reg                 ip_reg, ip_next;        // inner ethertype is IPv4 or IPv6
reg  [2:0]          mb_reg, mb_next;        // byte of vlan_vrf[vlan] in the word read
reg                 done_reg, done_next;
reg  [1:0]          res_reg, res_next;
reg  [`ARGS_W-1:0]  targs_reg, targs_next;
reg  [2:0]          xport_reg, xport_next;
reg  [7:0]          xreason_reg, xreason_next;

assign meta_out = meta_reg;
assign done = done_reg;

wire [15:0] off = meta_reg[`M_OFF];
wire [15:0] tpid = {hp_rdata[7:0], hp_rdata[15:8]};
wire [11:0] vlan = {hp_rdata[19:16], hp_rdata[31:24]};
wire [15:0] et = {hp_rdata[39:32], hp_rdata[47:40]};
wire [31:0] vv_ent = L_T_VLAN_VRF + {19'd0, vlan, 1'b0};
wire [15:0] vrf1 = mr_data[8 * mb_reg +: 16];

always @* begin
	state_next = state_reg;
	meta_next = meta_reg;
	ip_next = ip_reg;
	mb_next = mb_reg;
	done_next = 1'b0;
	res_next = res_reg;
	targs_next = targs_reg;
	xport_next = xport_reg;
	xreason_next = xreason_reg;
	hp_rd = 1'b0;
	hp_addr = 12'd0;
	mr_req = 1'b0;
	mr_addr = 32'd0;

	case (state_reg)
	S_IDLE: begin
		if (start) begin
			meta_next = meta_in;
			res_next = `RES_EXIT;
			targs_next = {`ARGS_W{1'b0}};
			state_next = S_HDR;
		end
	end
	S_HDR: begin
		hp_rd = 1'b1;
		hp_addr = off[11:0] + 12'd12;
		state_next = S_CHK;
	end
	S_CHK: begin
		// vrf_fwd.c:103-109: length, TPID, vlan_vrf[vlan]
		ip_next = et == 16'h0800 || et == 16'h86dd;
		if (meta_reg[`M_LEN] < 16'd18) begin
			xport_next = P_DROP[2:0];
			xreason_next = CNT_MALFORMED[7:0];
			done_next = 1'b1;
			state_next = S_IDLE;
		end else if (tpid != 16'h8100) begin
			xport_next = P_HOST[2:0];
			xreason_next = CNT_NON_IP[7:0];
			done_next = 1'b1;
			state_next = S_IDLE;
		end else begin
			mr_req = 1'b1;
			mr_addr = {vv_ent[31:3], 3'd0};
			mb_next = vv_ent[2:0];
			state_next = S_VV;
		end
	end
	default: begin
		// S_VV, vrf_fwd.c:110-114: no VRF, not IP, or the tail call
		if (mr_valid) begin
			done_next = 1'b1;
			state_next = S_IDLE;
			if (vrf1 == 16'd0) begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_NO_VLAN[7:0];
			end else if (!ip_reg) begin
				xport_next = P_HOST[2:0];
				xreason_next = CNT_NON_IP[7:0];
			end else begin
				res_next = `RES_TAIL;
				targs_next[`A_VRF] = vrf1 - 16'd1;
				targs_next[`A_IP_OFF] = off + 16'd18;
			end
		end
	end
	endcase
end

always @(posedge clk) begin
	state_reg <= state_next;
	meta_reg <= meta_next;
	ip_reg <= ip_next;
	mb_reg <= mb_next;
	done_reg <= done_next;
	res_reg <= res_next;
	targs_reg <= targs_next;
	xport_reg <= xport_next;
	xreason_reg <= xreason_next;
	if (rst) begin
		state_reg <= S_IDLE;
		done_reg <= 1'b0;
	end
end

// Inputs this stage does not use: the arguments, the PCP/DEI bits and the rest of the read.
wire unused_ok = &{1'b0, lk_busy, args, hp_rdata[127:48], hp_rdata[23:20]};

endmodule
