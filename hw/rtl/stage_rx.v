// SPDX-License-Identifier: Apache-2.0
// Ingress dispatch (hw/hls/pipeline.c vrfsec_stage_rx with the static inject_encap): metadata
// resets, frame checks, rx counters, the tail call for the arrival port, and the host-inject forms.
`default_nettype none

// One call (no args): resets stage / vrf / sa_in / sa_out / op.data_len, checks in_port and the
// frame bounds, counts rx_public / rx_core / rx_inside and tail-calls esp_decap_rx / mpls_core_rx /
// vlan_inside_rx (no args). A host frame is sealed into SA meta_in.sa_out (inject_encap: reads 16
// header bytes for the IP length, then the SA's valid and vrf words; tail esp_encap with sa,
// ip_off = off, ip_len), forwarded in VRF meta_in.vrf (tail vrf_forward with vrf, ip_off = off,
// label_ttl = 0) when out_port is HOST, or leaves on out_port. Malformed frames exit to DROP.
// Standard stage ports (hw/rtl/PIPELINE.md); hp_wr, mw_req and lk_req stay 0.
module stage_rx (
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
output reg                 st_req;
output reg  [31:0]         st_addr;
output wire [63:0]         st_val;
output wire                lk_req;
output wire [31:0]         lk_sa;
input  wire                lk_busy;

localparam [2:0] S_IDLE = 3'd0, S_DISP = 3'd1, S_INJ = 3'd2, S_SA0 = 3'd3, S_SA1 = 3'd4;
localparam [7:0] PORT_PUBLIC8 = `PORT_PUBLIC, PORT_CORE8 = `PORT_CORE,
		 PORT_INSIDE8 = `PORT_INSIDE, PORT_DROP8 = `PORT_DROP;
localparam [2:0] P_PUBLIC = PORT_PUBLIC8[2:0], P_CORE = PORT_CORE8[2:0],
		 P_INSIDE = PORT_INSIDE8[2:0], P_DROP = PORT_DROP8[2:0];
localparam [4:0] W_VALID = L_SA_VALID[7:3], W_VRF = L_SA_VRF[7:3];
localparam [2:0] B_VALID = L_SA_VALID[2:0], B_VRF = L_SA_VRF[2:0];

generate
	if (B_VRF > 3'd6) begin : g_bad_layout
		stage_rx_bad_sa_layout u_stop ();
	end
endgenerate

assign hp_wr = 1'b0;
assign hp_wdata = 128'd0;
assign hp_wbe = 16'd0;
assign mw_req = 1'b0;
assign mw_addr = 32'd0;
assign mw_data = 64'd0;
assign mw_be = 8'd0;
assign st_val = 64'd1;
assign lk_req = 1'b0;
assign lk_sa = 32'd0;

reg  [2:0]          state_reg, state_next;
reg  [`META_W-1:0]  meta_reg, meta_next;
reg  [31:0]         isa_reg, isa_next;      // inject_sa
reg  [15:0]         ivrf_reg, ivrf_next;    // inject_vrf
reg  [15:0]         iplen_reg, iplen_next;
reg  [1:0]          res_next;
reg  [3:0]          tstg_next;
reg  [`ARGS_W-1:0]  targs_next;
reg  [2:0]          xport_next;
reg  [7:0]          xreason_next;
reg                 done_next;

assign meta_out = meta_reg;

wire unused_ok = &{1'b0, args, hp_rdata[127:48], hp_rdata[15:8], mr_data, lk_busy, 1'b0};

wire [7:0]  in_port = meta_reg[`M_IN_PORT];
wire [7:0]  out_port = meta_reg[`M_OUT_PORT];
wire [15:0] off = meta_reg[`M_OFF];
wire [15:0] len = meta_reg[`M_LEN];
wire [31:0] sab = L_T_SA + isa_reg * L_SA_SIZE;
// inject_encap: the IP header at off
wire [3:0]  ver = hp_rdata[7:4];
wire [31:0] ihl4 = {26'd0, hp_rdata[3:0], 2'b00};
wire        is4 = len >= 16'd20 && ver == 4'd4;
wire        is6 = len >= 16'd40 && ver == 4'd6;
wire [31:0] ip_len = is4 ? {16'd0, hp_rdata[23:16], hp_rdata[31:24]} :
		    32'd40 + {16'd0, hp_rdata[39:32], hp_rdata[47:40]};

task finish_exit(input [2:0] port, input [7:0] reason);
	begin
		done_next = 1'b1;
		res_next = `RES_EXIT;
		xport_next = port;
		xreason_next = reason;
		state_next = S_IDLE;
	end
endtask

task finish_tail(input [3:0] stg, input [`ARGS_W-1:0] a);
	begin
		done_next = 1'b1;
		res_next = `RES_TAIL;
		tstg_next = stg;
		targs_next = a;
		state_next = S_IDLE;
	end
endtask

task count(input [28:0] id);
	begin
		st_req = 1'b1;
		st_addr = L_T_CNT + {id, 3'b000};
	end
endtask

function [`ARGS_W-1:0] encap_args(input [31:0] sa, input [15:0] ipo, input [15:0] ipl);
	begin
		encap_args = {`ARGS_W{1'b0}};
		encap_args[`A_SA] = sa;
		encap_args[`A_IP_OFF] = ipo;
		encap_args[`A_IP_LEN] = ipl;
	end
endfunction

function [`ARGS_W-1:0] fwd_args(input [15:0] vrf, input [15:0] ipo);
	begin
		fwd_args = {`ARGS_W{1'b0}};
		fwd_args[`A_VRF] = vrf;
		fwd_args[`A_IP_OFF] = ipo;
	end
endfunction

always @* begin
	state_next = state_reg;
	meta_next = meta_reg;
	isa_next = isa_reg;
	ivrf_next = ivrf_reg;
	iplen_next = iplen_reg;
	res_next = result;
	tstg_next = tail_stage;
	targs_next = tail_args;
	xport_next = exit_port;
	xreason_next = exit_reason;
	done_next = 1'b0;
	hp_rd = 1'b0;
	hp_addr = 12'd0;
	mr_req = 1'b0;
	mr_addr = 32'd0;
	st_req = 1'b0;
	st_addr = 32'd0;

	case (state_reg)
	// inject_sa, inject_vrf; p->stage, vrf, sa_in, sa_out, op.data_len
	S_IDLE: if (start) begin
		isa_next = meta_in[`M_IN_PORT] == `PORT_HOST ? meta_in[`M_SA_OUT] : `NONE32;
		ivrf_next = meta_in[`M_VRF];
		meta_next = meta_in;
		meta_next[`M_STAGE] = `STAGE_NONE;
		meta_next[`M_VRF] = 16'hffff;
		meta_next[`M_SA_IN] = `NONE32;
		meta_next[`M_SA_OUT] = `NONE32;
		meta_next[`M_OP_DATA_LEN] = 16'd0;
		tstg_next = `STG_NONE;
		targs_next = {`ARGS_W{1'b0}};
		state_next = S_DISP;
	end
	// in_port and frame checks, per-port dispatch, host inject forms
	S_DISP: if (in_port > `PORT_HOST) begin
		finish_exit(P_DROP, CNT_MALFORMED[7:0]);
	end else if (off < L_HEADROOM[15:0] || len > L_MAX_FRAME[15:0] ||
		     {1'b0, off} + {1'b0, len} > L_HEADROOM[16:0] + L_MAX_FRAME[16:0]) begin
		finish_exit(P_DROP, CNT_MALFORMED[7:0]);
	end else if (in_port == `PORT_PUBLIC) begin
		count(CNT_RX_PUBLIC[28:0]);
		finish_tail(`STG_ESP_DECAP_RX, {`ARGS_W{1'b0}});
	end else if (in_port == `PORT_CORE) begin
		count(CNT_RX_CORE[28:0]);
		finish_tail(`STG_MPLS_CORE_RX, {`ARGS_W{1'b0}});
	end else if (in_port == `PORT_INSIDE) begin
		count(CNT_RX_INSIDE[28:0]);
		finish_tail(`STG_VLAN_INSIDE_RX, {`ARGS_W{1'b0}});
	end else if (isa_reg != `NONE32) begin
		hp_rd = 1'b1;
		hp_addr = off[11:0];
		state_next = S_INJ;
	end else if (out_port == `PORT_HOST) begin
		if (ivrf_reg >= L_MAX_VRF[15:0])
			finish_exit(P_DROP, CNT_MALFORMED[7:0]);
		else
			finish_tail(`STG_VRF_FORWARD, fwd_args(ivrf_reg, off));
	end else if (out_port == `PORT_PUBLIC) begin
		finish_exit(P_PUBLIC, CNT_TX_PUBLIC[7:0]);
	end else if (out_port == `PORT_CORE) begin
		finish_exit(P_CORE, CNT_TX_CORE[7:0]);
	end else if (out_port == `PORT_INSIDE) begin
		finish_exit(P_INSIDE, CNT_TX_INSIDE[7:0]);
	end else begin
		finish_exit(P_DROP, CNT_MALFORMED[7:0]);
	end
	// inject_encap: IP length and its checks; sa < MAX_SA: read t->sa[sa].valid
	S_INJ: if (!is4 && !is6) begin
		finish_exit(P_DROP, CNT_MALFORMED[7:0]);
	end else if (ip_len > {16'd0, len} || ip_len < 32'd20 || (ver == 4'd4 && ip_len < ihl4)) begin
		finish_exit(P_DROP, CNT_MALFORMED[7:0]);
	end else begin
		iplen_next = ip_len[15:0];
		if (isa_reg < L_MAX_SA) begin
			mr_req = 1'b1;
			mr_addr = sab + {24'd0, W_VALID, 3'b000};
			state_next = S_SA0;
		end else begin
			finish_tail(`STG_ESP_ENCAP, encap_args(isa_reg, off, ip_len[15:0]));
		end
	end
	// valid: read t->sa[sa].vrf; else esp_encap with p->vrf left at 0xffff
	S_SA0: if (mr_valid) begin
		if (mr_data[8 * B_VALID +: 8] != 8'd0) begin
			mr_req = 1'b1;
			mr_addr = sab + {24'd0, W_VRF, 3'b000};
			state_next = S_SA1;
		end else begin
			finish_tail(`STG_ESP_ENCAP, encap_args(isa_reg, off, iplen_reg));
		end
	end
	// p->vrf = t->sa[sa].vrf; esp_encap(t, p, sa, p->off, ip_len)
	S_SA1: if (mr_valid) begin
		meta_next[`M_VRF] = mr_data[8 * B_VRF +: 16];
		finish_tail(`STG_ESP_ENCAP, encap_args(isa_reg, off, iplen_reg));
	end
	default: state_next = S_IDLE;
	endcase
end

always @(posedge clk) begin
	state_reg <= state_next;
	meta_reg <= meta_next;
	isa_reg <= isa_next;
	ivrf_reg <= ivrf_next;
	iplen_reg <= iplen_next;
	done <= done_next;
	result <= res_next;
	tail_stage <= tstg_next;
	tail_args <= targs_next;
	exit_port <= xport_next;
	exit_reason <= xreason_next;
	if (rst) begin
		state_reg <= S_IDLE;
		done <= 1'b0;
	end
end

endmodule

`default_nettype wire
