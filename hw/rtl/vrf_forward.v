// SPDX-License-Identifier: Apache-2.0
// Forwarding inside a VRF (hw/hls/vrf_fwd.c vrf_forward, with vrfsec_fib_lookup of
// hw/hls/vrf_fib.c and the static vlan_push): header checks, TTL, longest-prefix match, next hop.
`default_nettype none

// One call: reads 64 header bytes at ip_off (4 header-port reads) while the VRF entry is fetched,
// checks and counts, writes the TTL (and the IPv4 checksum), walks the trie (one table read per
// level: 4 for IPv4, up to 16 for IPv6), then reads the next hop and ends with a tail call
// (esp_encap / mpls_push) or an exit, pushing the 802.1Q header itself for a VLAN next hop.
// Standard stage ports (hw/rtl/PIPELINE.md); lk_req and mw_req stay 0.
module vrf_forward (
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


localparam [3:0] S_IDLE = 4'd0, S_HDR = 4'd1, S_CHECK = 4'd2, S_RX = 4'd3, S_TTL = 4'd4,
		 S_FIB = 4'd5, S_NH0 = 4'd6, S_NH1 = 4'd7, S_PORT = 4'd8, S_TC = 4'd9,
		 S_ETH0 = 4'd10, S_ETH1 = 4'd11, S_VL2 = 4'd12, S_VL3 = 4'd13, S_DONE = 4'd14;
localparam [7:0] NH_MPLS = 8'd1, NH_SA = 8'd2, NH_VLAN = 8'd3, NH_HOST = 8'd4, NH_DROP = 8'd5;
localparam [31:0] FIB_BASE = L_T_FIB + L_FIB_NODE;
localparam [7:0] P_INSIDE = `PORT_INSIDE, P_HOST = `PORT_HOST, P_DROP = `PORT_DROP;

assign mw_req = 1'b0;
assign mw_addr = 32'd0;
assign mw_data = 64'd0;
assign mw_be = 8'd0;
assign lk_req = 1'b0;
assign lk_sa = 32'd0;

// ---- state ----
reg  [3:0]          state_reg, state_next;
reg  [`META_W-1:0]  meta_reg, meta_next;
reg  [15:0]         vrf_reg, vrf_next;
reg  [15:0]         ipoff_reg, ipoff_next;
reg  [7:0]          lttl_reg, lttl_next;
reg  [1:0]          hcnt_reg, hcnt_next;       // header chunk being read
reg                 v4_reg, v4_next;
reg  [31:0]         iplen_reg, iplen_next;
reg  [7:0]          ttl_reg, ttl_next;         // IP TTL / hop limit as read
reg  [5:0]          dscp_reg, dscp_next;
reg  [3:0]          lvl_reg, lvl_next;         // trie level k
reg  [23:0]         nh_reg, nh_next;           // next hop found so far
reg  [7:0]          kind_reg, kind_next;
reg  [15:0]         vlan_reg, vlan_next;
reg  [2:0]          pcp_reg, pcp_next;   // tc_map[dscp]: bits above 2 shift out of the tag
reg  [63:0]         eth_reg, eth_next;
reg  [1:0]          res_reg, res_next;
reg  [3:0]          tstg_reg, tstg_next;
reg  [`ARGS_W-1:0]  targs_reg, targs_next;
reg  [2:0]          xport_reg, xport_next;
reg  [7:0]          xreason_reg, xreason_next;
// header capture: data of a read shows in the next cycle
reg  [511:0]        hdr_reg;
reg                 cap_reg;
reg  [1:0]          cap_idx_reg;
// memory read data, held until the next request
reg  [63:0]         md_reg;
reg                 md_ok_reg;

wire [63:0] m_data = mr_valid ? mr_data : md_reg;
wire        m_ok = mr_valid || md_ok_reg;

assign meta_out = meta_reg;

// The header as far as read, including a chunk arriving this cycle.
reg [511:0] hdr;
always @* begin
	hdr = hdr_reg;
	if (cap_reg)
		hdr[128 * cap_idx_reg +: 128] = hp_rdata;
end

function [7:0] hb(input [511:0] h, input integer i);
	hb = h[8 * i +: 8];
endfunction

function [7:0] byte_at(input [63:0] w, input [2:0] i);
	byte_at = w[8 * i +: 8];
endfunction

// RFC 1071 sum of the first hlen bytes (hlen even), folded to 16 bits (0 only for all zeros).
function [15:0] hdr_sum(input [511:0] h, input [5:0] hlen);
	integer i;
	reg [21:0] s;
	reg [16:0] f;
	begin
		s = 22'd0;
		for (i = 0; i < 30; i = i + 1)
			if (2 * i < hlen)
				s = s + {6'd0, h[16 * i +: 8], h[16 * i + 8 +: 8]};
		f = {1'b0, s[15:0]} + {11'd0, s[21:16]};
		f = {1'b0, f[15:0]} + {16'd0, f[16]};
		hdr_sum = f[15:0];
	end
endfunction

// csum_update of bytes.h (RFC 1624).
function [15:0] csum_upd(input [15:0] csum, input [15:0] old_w, input [15:0] new_w);
	reg [17:0] s;
	begin
		s = {2'd0, ~csum} + {2'd0, ~old_w} + {2'd0, new_w};
		s = {2'd0, s[15:0]} + {16'd0, s[17:16]};
		s = {2'd0, s[15:0]} + {16'd0, s[17:16]};
		csum_upd = ~s[15:0];
	end
endfunction

// ---- derived values ----
wire [31:0] vrf_ent = L_T_VRF + {16'd0, vrf_reg} * L_VRF_SIZE;
wire [31:0] vcnt = L_T_VRF_CNT + {16'd0, vrf_reg} * L_VRF_CNT_SIZE;
wire [31:0] avail = {16'd0, meta_reg[`M_OFF]} + {16'd0, meta_reg[`M_LEN]} - {16'd0, ipoff_reg};
wire [3:0]  ver = hdr[7:4];
wire [5:0]  hlen = {hdr[3:0], 2'b00};
wire [31:0] len4 = {16'd0, hb(hdr, 2), hb(hdr, 3)};
wire [31:0] len6 = 32'd40 + {16'd0, hb(hdr, 4), hb(hdr, 5)};
wire        bad4 = hlen < 6'd20 || len4 < {26'd0, hlen} || len4 > avail ||
		   hdr_sum(hdr, hlen) != 16'hffff;
wire [7:0]  ttl_eff = lttl_reg != 8'd0 && lttl_reg < ttl_reg ? lttl_reg : ttl_reg;
wire [7:0]  ttl_dec = ttl_eff - 8'd1;
wire [15:0] csum_new = csum_upd({hb(hdr, 10), hb(hdr, 11)}, {hb(hdr, 8), hb(hdr, 9)},
				{ttl_dec, hb(hdr, 9)});
// trie: node 1 + 2 vrf + v6 is the root; entry = node[node][addr[k]]
wire [20:0] root = 21'd1 + {4'd0, vrf_reg, 1'b0} + {20'd0, !v4_reg};
wire [23:0] e_child = m_data[23:0];
wire [23:0] e_nh = m_data[47:24];
wire [23:0] nh_walk = e_nh != 24'd0 ? e_nh : nh_reg;
wire        walk_end = e_child == 24'd0 || lvl_reg == (v4_reg ? 4'd3 : 4'd15);
wire [31:0] nh_ent = L_T_NH + {8'd0, nh_next} * L_NH_SIZE;
wire [31:0] nh_ent_r = L_T_NH + {8'd0, nh_reg} * L_NH_SIZE;
wire [31:0] tc_ent = vrf_ent + L_VRF_TC_MAP + {26'd0, dscp_reg};
wire [15:0] mtu_nh = m_data[31:16];
wire [15:0] mtu_port = kind_reg == NH_MPLS ? m_data[47:32] : m_data[63:48];
wire [15:0] vl_off = ipoff_reg - 16'd18;
wire [15:0] tag = {pcp_reg[2:0], 13'd0} | vlan_reg;
wire [15:0] vl_len = 16'd18 + iplen_reg[15:0];

// node * 2048 wraps at 32 bits like the byte address of fib.node[node] (node < 32768 in practice).
function [31:0] fib_addr(input [20:0] node, input [7:0] b);
	fib_addr = FIB_BASE + {node, 11'd0} + {21'd0, b, 3'd0};
endfunction

always @* begin
	state_next = state_reg;
	meta_next = meta_reg;
	vrf_next = vrf_reg;
	ipoff_next = ipoff_reg;
	lttl_next = lttl_reg;
	hcnt_next = hcnt_reg;
	v4_next = v4_reg;
	iplen_next = iplen_reg;
	ttl_next = ttl_reg;
	dscp_next = dscp_reg;
	lvl_next = lvl_reg;
	nh_next = nh_reg;
	kind_next = kind_reg;
	vlan_next = vlan_reg;
	pcp_next = pcp_reg;
	eth_next = eth_reg;
	res_next = res_reg;
	tstg_next = tstg_reg;
	targs_next = targs_reg;
	xport_next = xport_reg;
	xreason_next = xreason_reg;
	done = 1'b0;
	result = res_reg;
	tail_stage = tstg_reg;
	tail_args = targs_reg;
	exit_port = xport_reg;
	exit_reason = xreason_reg;
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
		// vrf_fwd.c:32 p->vrf = vrf
		if (start) begin
			meta_next = meta_in;
			meta_next[`M_VRF] = args[`A_VRF];
			vrf_next = args[`A_VRF];
			ipoff_next = args[`A_IP_OFF];
			lttl_next = args[`A_LABEL_TTL];
			hcnt_next = 2'd0;
			res_next = `RES_EXIT;
			tstg_next = `STG_NONE;
			targs_next = {`ARGS_W{1'b0}};
			state_next = S_HDR;
		end
	end
	S_HDR: begin
		// ip[0 .. 63] in four reads; the first cycle also asks for t->vrf[vrf].valid (:33)
		hp_rd = 1'b1;
		hp_addr = ipoff_reg[11:0] + {6'd0, hcnt_reg, 4'd0};
		if (hcnt_reg == 2'd0) begin
			mr_req = 1'b1;
			mr_addr = {vrf_ent[31:3], 3'd0};
		end
		hcnt_next = hcnt_reg + 2'd1;
		if (hcnt_reg == 2'd3)
			state_next = S_CHECK;
	end
	S_CHECK: begin
		// vrf_fwd.c:33-57: VRF valid, avail, IPv4 checks with the checksum / IPv6 length,
		// TTL and DSCP, p->len without trailing padding
		if (m_ok) begin
			v4_next = ver == 4'd4;
			iplen_next = ver == 4'd4 ? len4 : len6;
			ttl_next = ver == 4'd4 ? hb(hdr, 8) : hb(hdr, 7);
			dscp_next = ver == 4'd4 ? hdr[15:10] : {hdr[3:0], hdr[15:14]};
			state_next = S_DONE;
			if (byte_at(m_data, vrf_ent[2:0]) == 8'd0) begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_NO_ROUTE[7:0];
			end else if (avail < 32'd20 || (ver == 4'd4 && bad4) ||
				     (ver != 4'd4 && !(ver == 4'd6 && avail >= 32'd40)) ||
				     (ver == 4'd6 && len6 > avail)) begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_MALFORMED[7:0];
			end else begin
				meta_next[`M_LEN] = ipoff_reg + (ver == 4'd4 ? len4[15:0] : len6[15:0]) -
						    meta_reg[`M_OFF];
				state_next = S_RX;
			end
		end
	end
	S_RX: begin
		// vrf_fwd.c:58 rx_packets++
		st_req = 1'b1;
		st_addr = vcnt + L_VRF_CNT_RX_PACKETS;
		st_val = 64'd1;
		state_next = S_TTL;
	end
	S_TTL: begin
		// vrf_fwd.c:59 rx_bytes += ip_len; :61-74 label TTL, expiry, TTL / hop limit written;
		// vrf_fib.c:23-30 first trie read (root of the VRF), or no route for vrf >= 1024
		st_req = 1'b1;
		st_addr = vcnt + L_VRF_CNT_RX_BYTES;
		st_val = {32'd0, iplen_reg};
		lvl_next = 4'd0;
		nh_next = 24'd0;
		if (ttl_eff <= 8'd1) begin
			xport_next = P_HOST[2:0];
			xreason_next = CNT_TTL_EXPIRED[7:0];
			state_next = S_DONE;
		end else begin
			hp_wr = 1'b1;
			ttl_next = ttl_dec;
			if (v4_reg) begin
				hp_addr = ipoff_reg[11:0] + 12'd8;
				hp_wdata[7:0] = ttl_dec;
				hp_wdata[23:16] = csum_new[15:8];
				hp_wdata[31:24] = csum_new[7:0];
				hp_wbe = 16'h000d;
			end else begin
				hp_addr = ipoff_reg[11:0] + 12'd7;
				hp_wdata[7:0] = ttl_dec;
				hp_wbe = 16'h0001;
			end
			if (vrf_reg >= L_FIB_VRFS[15:0]) begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_NO_ROUTE[7:0];
				state_next = S_DONE;
			end else begin
				mr_req = 1'b1;
				mr_addr = fib_addr(root, v4_reg ? hb(hdr, 16) : hb(hdr, 24));
				state_next = S_FIB;
			end
		end
	end
	S_FIB: begin
		// vrf_fib.c:36-47: keep the deepest next hop, follow the child; then vrf_fwd.c:78-80
		if (m_ok) begin
			nh_next = nh_walk;
			lvl_next = lvl_reg + 4'd1;
			if (!walk_end) begin
				mr_req = 1'b1;
				mr_addr = fib_addr(e_child[20:0], v4_reg ? hb(hdr, 17 + {28'd0, lvl_reg}) :
								     hb(hdr, 25 + {28'd0, lvl_reg}));
			end else if (nh_walk == 24'd0 || {8'd0, nh_walk} >= L_MAX_NH) begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_NO_ROUTE[7:0];
				state_next = S_DONE;
			end else begin
				mr_req = 1'b1;
				mr_addr = nh_ent;
				state_next = S_NH0;
			end
		end
	end
	S_NH0: begin
		// vrf_fwd.c:81-96 by nh->kind
		if (m_ok) begin
			kind_next = m_data[7:0];
			state_next = S_DONE;
			if (m_data[7:0] == NH_SA) begin
				res_next = `RES_TAIL;
				tstg_next = `STG_ESP_ENCAP;
				targs_next[`A_SA] = m_data[63:32];
				targs_next[`A_IP_OFF] = ipoff_reg;
				targs_next[`A_IP_LEN] = iplen_reg[15:0];
			end else if (m_data[7:0] == NH_MPLS || m_data[7:0] == NH_VLAN) begin
				mr_req = 1'b1;
				mr_addr = nh_ent_r + 32'd8;
				state_next = S_NH1;
			end else if (m_data[7:0] == NH_HOST) begin
				xport_next = P_HOST[2:0];
				xreason_next = CNT_NH_HOST[7:0];
			end else if (m_data[7:0] == NH_DROP) begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_NH_DROP[7:0];
			end else begin
				xport_next = P_DROP[2:0];
				xreason_next = CNT_NO_ROUTE[7:0];
			end
		end
	end
	S_NH1, S_PORT: begin
		// vrf_fwd.c:84-90: nh->mtu, else the port's; MTU check; mpls_push or vlan_push
		if (m_ok) begin
			if (state_reg == S_NH1)
				vlan_next = m_data[15:0];
			if (state_reg == S_NH1 && mtu_nh == 16'd0) begin
				mr_req = 1'b1;
				mr_addr = L_T_PORT;
				state_next = S_PORT;
			end else if (iplen_reg > {16'd0, state_reg == S_NH1 ? mtu_nh : mtu_port}) begin
				xport_next = P_HOST[2:0];
				xreason_next = CNT_MTU_EXCEEDED[7:0];
				state_next = S_DONE;
			end else if (kind_reg == NH_MPLS) begin
				res_next = `RES_TAIL;
				tstg_next = `STG_MPLS_PUSH;
				targs_next[`A_NH] = {8'd0, nh_reg};
				targs_next[`A_IP_OFF] = ipoff_reg;
				targs_next[`A_IP_LEN] = iplen_reg[15:0];
				targs_next[`A_TTL] = ttl_reg;
				targs_next[`A_DSCP] = {2'd0, dscp_reg};
				state_next = S_DONE;
			end else begin
				// vlan_push, vrf_fwd.c:9: pcp = tc_map[dscp & 63]
				mr_req = 1'b1;
				mr_addr = {tc_ent[31:3], 3'd0};
				state_next = S_TC;
			end
		end
	end
	S_TC: begin
		if (m_ok) begin
			pcp_next = m_data[8 * tc_ent[2:0] +: 3];
			mr_req = 1'b1;
			mr_addr = nh_ent_r + L_NH_ETH;
			state_next = S_ETH0;
		end
	end
	S_ETH0: begin
		if (m_ok) begin
			eth_next = m_data;
			mr_req = 1'b1;
			mr_addr = nh_ent_r + L_NH_ETH + 32'd8;
			state_next = S_ETH1;
		end
	end
	S_ETH1: begin
		// vrf_fwd.c:11-14: MACs, 0x8100, tag (copy_words' overrun is overwritten there)
		if (m_ok) begin
			hp_wr = 1'b1;
			hp_addr = vl_off[11:0];
			hp_wdata[63:0] = eth_reg;
			hp_wdata[95:64] = m_data[31:0];
			hp_wdata[127:96] = {tag[7:0], tag[15:8], 8'h00, 8'h81};
			hp_wbe = 16'hffff;
			state_next = S_VL2;
		end
	end
	S_VL2: begin
		// vrf_fwd.c:15-18: ethertype, off, len, tx_packets++
		hp_wr = 1'b1;
		hp_addr = vl_off[11:0] + 12'd16;
		hp_wdata[15:0] = v4_reg ? 16'h0008 : 16'hdd86;
		hp_wbe = 16'h0003;
		meta_next[`M_OFF] = vl_off;
		meta_next[`M_LEN] = vl_len;
		st_req = 1'b1;
		st_addr = vcnt + L_VRF_CNT_TX_PACKETS;
		st_val = 64'd1;
		state_next = S_VL3;
	end
	S_VL3: begin
		// vrf_fwd.c:19-20: tx_bytes += p->len; exit to the inside port
		st_req = 1'b1;
		st_addr = vcnt + L_VRF_CNT_TX_BYTES;
		st_val = {48'd0, meta_reg[`M_LEN]};
		xport_next = P_INSIDE[2:0];
		xreason_next = CNT_TX_INSIDE[7:0];
		state_next = S_DONE;
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
	vrf_reg <= vrf_next;
	ipoff_reg <= ipoff_next;
	lttl_reg <= lttl_next;
	hcnt_reg <= hcnt_next;
	v4_reg <= v4_next;
	iplen_reg <= iplen_next;
	ttl_reg <= ttl_next;
	dscp_reg <= dscp_next;
	lvl_reg <= lvl_next;
	nh_reg <= nh_next;
	kind_reg <= kind_next;
	vlan_reg <= vlan_next;
	pcp_reg <= pcp_next;
	eth_reg <= eth_next;
	res_reg <= res_next;
	tstg_reg <= tstg_next;
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

// Inputs and argument fields this stage does not use.
wire unused_ok = &{1'b0, lk_busy, args[`A_IP_LEN], args[`A_TTL], args[`A_DSCP], args[`A_SA],
		   args[`A_NH]};

endmodule
