// SPDX-License-Identifier: Apache-2.0
// Inbound ESP, public port side (hw/hls/esp_decap.c esp_decap_rx with udp_demux, sa_lookup.c
// vrfsec_spi_lookup and replay.c replay_infer / replay_check): outer IPv4/IPv6 parse, UDP / IKE /
// NAT-T demux, SA lookup by SPI and outer destination, interlock, ESN inference, replay check, and
// the open operation in meta.op. Ends RES_CRYPTO or RES_EXIT (hw/rtl/PIPELINE.md).
//
// Inputs are what vrfsec_stage_rx passes on: off >= 128, len <= 2048, off + len <= 2176.
`default_nettype none

module esp_decap_rx (
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
output reg  [63:0]         st_val;
output reg                 lk_req;
output wire [31:0]         lk_sa;
input  wire                lk_busy;

localparam [2:0] EP_HOST = 3'd3, EP_DROP = 3'd4;
localparam [7:0] R_IKE = CNT_IKE[7:0], R_NATT_KEEPALIVE = CNT_NATT_KEEPALIVE[7:0],
	R_NON_IP = CNT_NON_IP[7:0], R_LOCAL = CNT_LOCAL[7:0], R_FRAGMENT = CNT_FRAGMENT[7:0],
	R_NO_SA = CNT_NO_SA[7:0], R_REPLAY = CNT_REPLAY[7:0], R_TOO_OLD = CNT_TOO_OLD[7:0],
	R_MALFORMED = CNT_MALFORMED[7:0];
// ESP_MIN_LEN: SPI, sequence number, IV, pad length and next header, ICV
localparam [15:0] ESP_MIN_LEN = 16'd34;

localparam [4:0]
	S_IDLE = 5'd0,   // wait for start
	S_LEN = 5'd1,    // p->len < ETH_HLEN; start the header reads and the port read
	S_HDR = 5'd2,    // ethertype and outer IP header (buf[off+12 .. off+75]), 4 reads
	S_IP = 5'd3,     // IPv4 / IPv6 checks, proto, dst, l4
	S_L4 = 5'd4,     // UDP header and ESP header reads
	S_DEMUX = 5'd5,  // udp_demux, ESP_MIN_LEN, SPI 0
	S_BKT = 5'd6,    // bucket spi_bucket(spi, w): four 8-byte reads
	S_WAY = 5'd7,    // lookup: way k of the bucket
	S_AF = 5'd8,     // lookup: t->sa[idx].outer_af == af
	S_DST0 = 5'd9,   // lookup: dst bytes 0..7
	S_DST1 = 5'd10,  // lookup: dst bytes 8..15 (IPv6)
	S_LK0 = 5'd11,   // interlock: raise lk_req
	S_LK1 = 5'd12,   // interlock: wait for lk_busy == 0
	S_SA0 = 5'd13,   // SA flags, vrf, win, seq reads
	S_INF = 5'd14,   // replay_infer and replay_check up to the bitmap read
	S_RPW = 5'd15,   // replay_check: bitmap bit
	S_DROPSA = 5'd16, // drop_sa: sa_cnt[idx].drops++
	S_OP = 5'd17,    // the open operation
	S_FIN = 5'd18,   // done once no read is outstanding
	S_MREQ = 5'd19,  // memory read of m_addr_reg ...
	S_MWAIT = 5'd20; // ... into mdata_reg, then back to m_ret_reg

reg [4:0]   state;
reg [`META_W-1:0] meta_reg;
reg [511:0] hdr_reg;     // byte j = buf[off + 12 + j]: ethertype, then IP bytes 0..61
reg [127:0] u_reg;       // buf[l4 .. l4+15]
reg [127:0] e8_reg;      // buf[l4+8 .. l4+23]
reg [127:0] esp_reg;     // buf[esp_off .. esp_off+15]
reg [2:0]   cnt;
reg [15:0]  natt_port, ike_port;
reg         port_pend;
reg         af6;
reg [15:0]  l3, l4, l4_len, esp_off, esp_len;
reg [7:0]   proto;
reg [127:0] dst;         // outer destination, byte i in [8i+7:8i]
reg         w_sel;
reg [1:0]   k;
reg [127:0] bkt_spi, bkt_sa;
reg [31:0]  idx;
reg [31:0]  salt;
reg [31:0]  m_addr_reg;
reg [4:0]   m_ret;
reg [1:0]   m_cnt;
reg [63:0]  mdata;
reg [7:0]   sa_flags;
reg [15:0]  sa_vrf, sa_win;
reg [63:0]  sa_seq;
reg [1:0]   fin_res;
reg [2:0]   fin_port;
reg [7:0]   fin_reason;

wire [15:0] m_off = meta_reg[`M_OFF];
wire [15:0] m_len = meta_reg[`M_LEN];

// ---- outer IP (C: esp_decap_rx up to l4) ----
function [7:0] hb;
	input [511:0] h;
	input integer j;
	hb = h[8 * j +: 8];
endfunction
wire [15:0] et = {hb(hdr_reg, 0), hb(hdr_reg, 1)};
wire [7:0]  ip0 = hb(hdr_reg, 2);
wire [15:0] avail = m_len - 16'd14;
wire [5:0]  hlen4 = {ip0[3:0], 2'b00};
wire [15:0] ip_len4 = {hb(hdr_reg, 4), hb(hdr_reg, 5)};
wire [15:0] frag4 = {hb(hdr_reg, 8), hb(hdr_reg, 9)} & 16'h3fff;
wire [16:0] ip_len6 = 17'd40 + {1'b0, hb(hdr_reg, 6), hb(hdr_reg, 7)};
reg  [20:0] csum_sum;
integer     ci;
always @* begin
	csum_sum = 21'd0;
	for (ci = 0; ci < 30; ci = ci + 1)
		if (2 * ci < {26'd0, hlen4})
			csum_sum = csum_sum + {5'd0, hb(hdr_reg, 2 + 2 * ci), hb(hdr_reg, 3 + 2 * ci)};
end
wire [16:0] csum_f1 = {1'b0, csum_sum[15:0]} + {12'd0, csum_sum[20:16]};
wire [15:0] csum_f2 = csum_f1[15:0] + {15'd0, csum_f1[16]};
wire        csum_ok = csum_f2 == 16'hffff;
reg  [127:0] dst_ip;
integer     di;
always @* begin
	dst_ip = 128'd0;
	for (di = 0; di < 16; di = di + 1)
		dst_ip[8 * di +: 8] = et == 16'h0800 ? (di < 4 ? hb(hdr_reg, 18 + di) : 8'd0)
						      : hb(hdr_reg, 26 + di);
end

// ---- UDP demux (C: udp_demux) ----
wire [15:0] ulen = {u_reg[39:32], u_reg[47:40]};
wire [15:0] dport = {u_reg[23:16], u_reg[31:24]};
wire [15:0] unat = ulen - 16'd8;
wire        is_udp = proto == 8'd17;
wire [127:0] esp_bytes = is_udp ? e8_reg : u_reg;
wire [15:0] d_esp_off = is_udp ? l4 + 16'd8 : l4;
wire [15:0] d_esp_len = is_udp ? unat : l4_len;
wire [31:0] spi = {esp_reg[7:0], esp_reg[15:8], esp_reg[23:16], esp_reg[31:24]};
wire [31:0] seq_lo = {esp_reg[39:32], esp_reg[47:40], esp_reg[55:48], esp_reg[63:56]};
wire [31:0] d_spi = {esp_bytes[7:0], esp_bytes[15:8], esp_bytes[23:16], esp_bytes[31:24]};

// ---- SPI hash (C: sa_hash.h spi_bucket: the top L_SPI_BUCKET_BITS bits) ----
wire [31:0] h0 = spi * 32'h9e3779b1;
wire [31:0] h1 = (spi ^ 32'h5bd1e995) * 32'h85ebca6b;
wire [31:0] bucket = (w_sel ? h1 : h0) >> (32'd32 - L_SPI_BUCKET_BITS);
wire [31:0] bkt_addr = L_T_SPI_HASH + bucket * L_SPI_BUCKET_SIZE;
wire [31:0] way_spi = bkt_spi[32 * k +: 32];
wire [31:0] way_sa = bkt_sa[32 * k +: 32];
wire [31:0] sa_base = L_T_SA + idx * L_SA_SIZE;

// ---- replay_infer / replay_check (C: replay.c) ----
wire [31:0] tl = sa_seq[31:0];
wire [31:0] th = sa_seq[63:32];
wire [31:0] iw = sa_win != 16'd0 ? {16'd0, sa_win} : 32'd1024;
wire [31:0] lo_edge = tl - iw + 32'd1;
reg  [63:0] inf_seq;
always @* begin
	if ((sa_flags & 8'h01) == 8'd0)
		inf_seq = {32'd0, seq_lo};
	else if (tl >= iw - 32'd1)
		inf_seq = {seq_lo >= lo_edge ? th : th + 32'd1, seq_lo};
	else if (seq_lo >= lo_edge)
		inf_seq = th == 32'd0 ? 64'd0 : {th - 32'd1, seq_lo};
	else
		inf_seq = {th, seq_lo};
end
wire [63:0] pseq = meta_reg[`M_SEQ];
wire [31:0] rp_val = pseq[5] ? mdata[63:32] : mdata[31:0];

// ---- ports ----
assign tail_stage = `STG_NONE;
assign tail_args = {`ARGS_W{1'b0}};
assign meta_out = meta_reg;
assign hp_wr = 1'b0;
assign hp_wdata = 128'd0;
assign hp_wbe = 16'd0;
assign mw_req = 1'b0;
assign mw_addr = 32'd0;
assign mw_data = 64'd0;
assign mw_be = 8'd0;
assign lk_sa = idx;

always @* begin
	hp_rd = 1'b0;
	hp_addr = 12'd0;
	mr_req = 1'b0;
	mr_addr = 32'd0;
	st_req = 1'b0;
	st_addr = 32'd0;
	st_val = 64'd0;
	lk_req = 1'b0;
	case (state)
	S_LEN: begin
		mr_req = m_len >= 16'd14;
		mr_addr = L_T_PORT;
	end
	S_HDR: begin
		hp_rd = cnt < 3'd4;
		hp_addr = m_off[11:0] + 12'd12 + {5'd0, cnt, 4'd0};
	end
	S_L4: begin
		hp_rd = cnt < 3'd2;
		hp_addr = l4[11:0] + (cnt == 3'd0 ? 12'd0 : 12'd8);
	end
	S_MREQ: begin
		mr_req = !port_pend;
		mr_addr = m_addr_reg;
	end
	S_LK0, S_LK1: lk_req = 1'b1;
	S_DROPSA: begin
		st_req = 1'b1;
		st_addr = L_T_SA_CNT + idx * L_SA_CNT_SIZE + L_SA_CNT_DROPS;
		st_val = 64'd1;
	end
	default: ;
	endcase
end

// ---- state machine ----
wire _unused_ok = &{1'b0, args, hdr_reg[511:496], u_reg[127:96], e8_reg[127:16], esp_reg[127:96],
	h0[15:0], h1[15:0], pseq[63:6] == 58'd0, iw[31:16] == 16'd0, sa_base[2:0], lo_edge == 32'd0};

task finish;
	input [1:0] res;
	input [2:0] port;
	input [7:0] reason;
	begin
		fin_res <= res;
		fin_port <= port;
		fin_reason <= reason;
		state <= S_FIN;
	end
endtask

// C: the next way of the bucket, the second bucket, or no SA
task next_way;
	begin
		if (k != 2'd3) begin
			k <= k + 2'd1;
			state <= S_WAY;
		end else if (!w_sel) begin
			w_sel <= 1'b1;
			cnt <= 3'd0;
			state <= S_BKT;
		end else begin
			finish(`RES_EXIT, EP_DROP, R_NO_SA);
		end
	end
endtask

task found;
	state <= S_LK0;
endtask

task mread;
	input [31:0] addr;
	input [4:0]  ret;
	begin
		m_addr_reg <= addr;
		m_ret <= ret;
		state <= S_MREQ;
	end
endtask

always @(posedge clk) begin
	done <= 1'b0;
	if (mr_valid && port_pend) begin
		natt_port <= mr_data[15:0];
		ike_port <= mr_data[31:16];
		port_pend <= 1'b0;
	end
	case (state)
	S_IDLE:
		if (start) begin
			meta_reg <= meta_in;
			state <= S_LEN;
		end
	S_LEN: begin
		// C: if (p->len < ETH_HLEN) drop malformed
		if (m_len < 16'd14) begin
			finish(`RES_EXIT, EP_DROP, R_MALFORMED);
		end else begin
			port_pend <= 1'b1;
			cnt <= 3'd0;
			state <= S_HDR;
		end
	end
	S_HDR: begin
		// C: et = rd16(buf + off + 12); ip = buf + l3 (reads only)
		case (cnt)
		3'd1: hdr_reg[127:0] <= hp_rdata;
		3'd2: hdr_reg[255:128] <= hp_rdata;
		3'd3: hdr_reg[383:256] <= hp_rdata;
		3'd4: hdr_reg[511:384] <= hp_rdata;
		default: ;
		endcase
		cnt <= cnt + 3'd1;
		if (cnt == 3'd4)
			state <= S_IP;
	end
	S_IP: begin
		// C: the IPv4 / IPv6 branches, non-IP, then l4 / l4_len and the protocol switch
		l3 <= m_off + 16'd14;
		dst <= dst_ip;
		cnt <= 3'd0;
		if (et == 16'h0800) begin
			af6 <= 1'b0;
			proto <= hb(hdr_reg, 11);
			l4 <= m_off + 16'd14 + {10'd0, hlen4};
			l4_len <= ip_len4 - {10'd0, hlen4};
			if (avail < 16'd20 || ip0[7:4] != 4'd4)
				finish(`RES_EXIT, EP_DROP, R_MALFORMED);
			else if (hlen4 < 6'd20 || ip_len4 < {10'd0, hlen4} || ip_len4 > avail || !csum_ok)
				finish(`RES_EXIT, EP_DROP, R_MALFORMED);
			else if (frag4 != 16'd0)
				finish(`RES_EXIT, EP_HOST, R_FRAGMENT);
			else if (hb(hdr_reg, 11) != 8'd17 && hb(hdr_reg, 11) != 8'd50)
				finish(`RES_EXIT, EP_HOST, R_LOCAL);
			else
				state <= S_L4;
		end else if (et == 16'h86dd) begin
			af6 <= 1'b1;
			proto <= hb(hdr_reg, 8);
			l4 <= m_off + 16'd54;
			l4_len <= ip_len6[15:0] - 16'd40;
			if (avail < 16'd40 || ip0[7:4] != 4'd6)
				finish(`RES_EXIT, EP_DROP, R_MALFORMED);
			else if (ip_len6 > {1'b0, avail})
				finish(`RES_EXIT, EP_DROP, R_MALFORMED);
			else if (hb(hdr_reg, 8) == 8'd44)
				finish(`RES_EXIT, EP_HOST, R_FRAGMENT);
			else if (hb(hdr_reg, 8) != 8'd17 && hb(hdr_reg, 8) != 8'd50)
				finish(`RES_EXIT, EP_HOST, R_LOCAL);
			else
				state <= S_L4;
		end else begin
			finish(`RES_EXIT, EP_HOST, R_NON_IP);
		end
	end
	S_L4: begin
		// C: u = buf + l4 (UDP header and marker), ESP header at l4 or l4 + 8 (reads only)
		if (cnt == 3'd1)
			u_reg <= hp_rdata;
		if (cnt == 3'd2) begin
			e8_reg <= hp_rdata;
			state <= S_DEMUX;
		end
		cnt <= cnt + 3'd1;
	end
	S_DEMUX: begin
		// C: udp_demux (when proto is UDP), then esp_len < ESP_MIN_LEN || SPI == 0
		esp_reg <= esp_bytes;
		esp_off <= d_esp_off;
		esp_len <= d_esp_len;
		w_sel <= 1'b0;
		if (is_udp && l4_len < 16'd8)
			finish(`RES_EXIT, EP_DROP, R_MALFORMED);
		else if (is_udp && (ulen < 16'd8 || ulen > l4_len))
			finish(`RES_EXIT, EP_DROP, R_MALFORMED);
		else if (is_udp && port_pend)
			state <= S_DEMUX; // the port configuration read is still out
		else if (is_udp && dport == ike_port)
			finish(`RES_EXIT, EP_HOST, R_IKE);
		else if (is_udp && dport != natt_port)
			finish(`RES_EXIT, EP_HOST, R_LOCAL);
		else if (is_udp && unat == 16'd1 && u_reg[71:64] == 8'hff)
			finish(`RES_EXIT, EP_HOST, R_NATT_KEEPALIVE);
		else if (is_udp && unat >= 16'd4 && u_reg[95:64] == 32'd0)
			finish(`RES_EXIT, EP_HOST, R_IKE);
		else if (d_esp_len < ESP_MIN_LEN || d_spi == 32'd0)
			finish(`RES_EXIT, EP_DROP, R_MALFORMED);
		else begin
			cnt <= 3'd0;
			state <= S_BKT;
		end
	end
	S_BKT: begin
		// C sa_lookup.c: b = &t->spi_hash[spi_bucket(spi, w)]: spi[0..3], sa[0..3]
		case (cnt)
		3'd1: bkt_spi[63:0] <= mdata;
		3'd2: bkt_spi[127:64] <= mdata;
		3'd3: bkt_sa[63:0] <= mdata;
		3'd4: bkt_sa[127:64] <= mdata;
		default: ;
		endcase
		if (cnt == 3'd4) begin
			k <= 2'd0;
			state <= S_WAY;
		end else begin
			cnt <= cnt + 3'd1;
			mread(bkt_addr + {27'd0, cnt[1:0], 3'd0}, S_BKT);
		end
	end
	S_WAY: begin
		// C: if (b->sa[k] == 0 || b->spi[k] != spi) continue; idx = b->sa[k] - 1
		if (way_sa == 32'd0 || way_spi != spi) begin
			next_way();
		end else begin
			idx <= way_sa - 32'd1;
			mread(L_T_SA + (way_sa - 32'd1) * L_SA_SIZE + L_SA_SALT, S_AF);
		end
	end
	S_AF: begin
		// C: t->sa[idx].outer_af == af (salt comes with it)
		salt <= mdata[31:0];
		if (mdata[39:32] == (af6 ? 8'd6 : 8'd4))
			mread(sa_base + L_SA_DST, S_DST0);
		else
			next_way();
	end
	S_DST0: begin
		// C: addr_eq(t->sa[idx].dst, dst, af), first word (all of IPv4)
		if (!af6 && mdata[31:0] == dst[31:0])
			found();
		else if (af6 && mdata == dst[63:0])
			mread(sa_base + L_SA_DST + 32'd8, S_DST1);
		else
			next_way();
	end
	S_DST1: begin
		if (mdata == dst[127:64])
			found();
		else
			next_way();
	end
	S_LK0:
		// interlock: lk_req with lk_sa = idx, one cycle before lk_busy counts
		state <= S_LK1;
	S_LK1:
		if (!lk_busy) begin
			m_cnt <= 2'd0;
			mread(sa_base, S_SA0);
		end
	S_SA0: begin
		// C: sa->flags, sa->vrf, sa->seq / win for replay_infer and replay_check
		case (m_cnt)
		2'd0: begin
			sa_flags <= mdata[31:24];
			m_cnt <= 2'd1;
			mread(sa_base + 32'd8, S_SA0);
		end
		2'd1: begin
			sa_vrf <= mdata[47:32];
			sa_win <= mdata[63:48];
			m_cnt <= 2'd2;
			mread(sa_base + L_SA_SEQ, S_SA0);
		end
		default: begin
			sa_seq <= mdata;
			state <= S_INF;
		end
		endcase
	end
	S_INF: begin
		// C: p->sa_in = idx; p->vrf = sa->vrf; p->seq = replay_infer(); replay_check() up to the
		// bitmap
		meta_reg[`M_SA_IN] <= idx;
		meta_reg[`M_VRF] <= sa_vrf;
		meta_reg[`M_SEQ] <= inf_seq;
		if (inf_seq == 64'd0) begin
			fin_reason <= R_TOO_OLD;
			state <= S_DROPSA;
		end else if (sa_win == 16'd0 || inf_seq > sa_seq) begin
			state <= S_OP;
		end else if (sa_seq - inf_seq >= {48'd0, sa_win}) begin
			fin_reason <= R_TOO_OLD;
			state <= S_DROPSA;
		end else begin
			mread(L_T_REPLAY + idx * L_REPLAY_ROW_SIZE + {21'd0, inf_seq[12:6], 3'd0}, S_RPW);
		end
	end
	S_RPW: begin
		// C: (t->replay[idx][word] >> bit) & 1 ? REPLAY : 0
		if (rp_val[pseq[4:0]]) begin
			fin_reason <= R_REPLAY;
			state <= S_DROPSA;
		end else begin
			state <= S_OP;
		end
	end
	S_DROPSA:
		// C: drop_sa: t->sa_cnt[idx].drops++, then pkt_exit(DROP, rc) (the unit)
		finish(`RES_EXIT, EP_DROP, fin_reason);
	S_OP: begin
		// C: op->sa .. op->tag_off, p->l3_off, p->stage = DECRYPT
		meta_reg[`M_OP_SA] <= idx;
		meta_reg[`M_OP_ENCRYPT] <= 8'd0;
		meta_reg[`M_OP_TAG_OK] <= 8'd0;
		meta_reg[`M_OP_NONCE] <= {esp_reg[127:64], salt};
		meta_reg[407:376] <= esp_reg[31:0];
		if (sa_flags[0]) begin
			meta_reg[439:408] <= {pseq[39:32], pseq[47:40], pseq[55:48], pseq[63:56]};
			meta_reg[471:440] <= esp_reg[63:32];
			meta_reg[`M_OP_AAD_LEN] <= 8'd12;
		end else begin
			meta_reg[439:408] <= esp_reg[63:32];
			meta_reg[`M_OP_AAD_LEN] <= 8'd8;
		end
		meta_reg[`M_OP_DATA_OFF] <= esp_off + 16'd16;
		meta_reg[`M_OP_DATA_LEN] <= esp_len - 16'd32;
		meta_reg[`M_OP_TAG_OFF] <= esp_off + esp_len - 16'd16;
		meta_reg[`M_L3_OFF] <= l3;
		meta_reg[`M_STAGE] <= `STAGE_DECRYPT;
		finish(`RES_CRYPTO, 3'd0, 8'd0);
	end
	S_FIN:
		if (!port_pend) begin
			done <= 1'b1;
			result <= fin_res;
			exit_port <= fin_port;
			exit_reason <= fin_reason;
			state <= S_IDLE;
		end
	S_MREQ:
		if (!port_pend)
			state <= S_MWAIT;
	S_MWAIT:
		if (mr_valid) begin
			mdata <= mr_data;
			state <= m_ret;
		end
	default:
		state <= S_IDLE;
	endcase
	if (rst) begin
		state <= S_IDLE;
		done <= 1'b0;
		port_pend <= 1'b0;
		m_ret <= S_IDLE;
	end
end

endmodule
