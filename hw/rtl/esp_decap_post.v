// SPDX-License-Identifier: Apache-2.0
// Inbound ESP after the open (hw/hls/esp_decap.c esp_decap_post with wipe, drop_sa,
// transport_rebuild, ecn_decap, inner_src_allowed, and replay.c replay_update): ICV verdict,
// window update, padding / pad length / next header, dummy packets, RFC 6040 decapsulation, the
// inner-source traffic selectors, per-SA counters, then the tail call vrf_forward(sa->vrf, ip_off,
// 0). Every refusal after the open clears the data region (the plaintext) with 16-byte writes.
//
// Input is what esp_decap_rx prepared and the GCM lane completed (meta.op, sa_in, seq, l3_off).
`default_nettype none

module esp_decap_post (
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
output reg                 mw_req;
output reg  [31:0]         mw_addr;
output reg  [63:0]         mw_data;
output reg  [7:0]          mw_be;
output reg                 st_req;
output reg  [31:0]         st_addr;
output reg  [63:0]         st_val;
output wire                lk_req;
output wire [31:0]         lk_sa;
input  wire                lk_busy;

localparam [2:0] EP_DROP = 3'd4;
localparam [7:0] R_REPLAY = CNT_REPLAY[7:0], R_TOO_OLD = CNT_TOO_OLD[7:0],
	R_ICV_FAIL = CNT_ICV_FAIL[7:0], R_BAD_PAD = CNT_BAD_PAD[7:0],
	R_BAD_NEXT_HDR = CNT_BAD_NEXT_HDR[7:0], R_ESP_DUMMY = CNT_ESP_DUMMY[7:0],
	R_INNER_SRC = CNT_INNER_SRC[7:0], R_ECN_DROP = CNT_ECN_DROP[7:0];

localparam [4:0]
	S_IDLE = 5'd0,    // wait for start
	S_SA = 5'd1,      // sa->mode, vrf, win, seq (three reads)
	S_CHK = 5'd2,     // replay_update: replay_check up to the bitmap read
	S_CHK2 = 5'd3,    // replay_check: bitmap bit
	S_UPD = 5'd4,     // replay_update: which update
	S_CLR = 5'd5,     // replay_update: clear the words the window moves into
	S_WSEQ = 5'd6,    // replay_update: sa->seq = seq
	S_SETRD = 5'd7,   // replay_update: read the word of seq ...
	S_SETWR = 5'd8,   // ... and set its bit
	S_TRAIL = 5'd9,   // pad_len, next_header
	S_TRAIL2 = 5'd10, // pad_len + 2 > data_len
	S_PAD = 5'd11,    // padding bytes 1, 2, 3 ...
	S_NH = 5'd12,     // dummy packet, mode
	S_TUN = 5'd13,    // tunnel: inner header and outer header reads
	S_TUN2 = 5'd14,   // tunnel: next header / version / length, ecn_decap
	S_ECNW = 5'd15,   // ecn_decap: writes
	S_TR = 5'd16,     // transport_rebuild: old header reads
	S_TR2 = 5'd17,    // transport_rebuild: new header, checksum
	S_TRW = 5'd18,    // transport_rebuild: header writes
	S_TS = 5'd19,     // inner_src_allowed: selector reads, inner source read
	S_TSM = 5'd20,    // inner_src_allowed: match
	S_OK = 5'd21,     // p->len, counters, tail call
	S_WIPE = 5'd22,   // wipe(p)
	S_DROPSA = 5'd23, // drop_sa: sa_cnt[sa_in].drops++
	S_FIN = 5'd24,    // done
	S_MWAIT = 5'd25;  // memory read in flight, then back to m_ret

reg [4:0]   state;
reg [`META_W-1:0] meta_reg;
reg [4:0]   m_ret;
reg [63:0]  mdata;
reg [4:0]   cnt;
reg [7:0]   sa_mode;
reg [15:0]  sa_vrf, sa_win;
reg [63:0]  sa_seq;
reg [8:0]   ncl;         // replay words still to clear
reg [7:0]   cw;          // next ring word to clear
reg [7:0]   pad_len, nh;
reg [15:0]  payload_len, ip_off;
reg [127:0] ipc;         // buf[payload_off ..], the inner header (tunnel)
reg [7:0]   outer0, outer1;
reg [7:0]   ip0;         // first byte of the header at ip_off
reg [511:0] hdr;         // old, then new transport header
reg [5:0]   hlen;
reg [7:0]   ecn_b1;
reg [15:0]  ecn_csum;
reg [575:0] ts_reg;      // sa->ts[0..3], 72 bytes
reg [127:0] srcc;        // buf[ip_off+8 .. ip_off+23]
reg [11:0]  wi;          // wipe position
reg [7:0]   fin_reason;
reg         fin_sa;      // drop_sa (else pkt_exit alone)
reg         wr_pend;     // transport header write in progress

wire [15:0] m_off = meta_reg[`M_OFF];
wire [15:0] l3_off = meta_reg[`M_L3_OFF];
wire [31:0] sa_in = meta_reg[`M_SA_IN];
wire [63:0] seq = meta_reg[`M_SEQ];
wire [15:0] data_off = meta_reg[`M_OP_DATA_OFF];
wire [15:0] data_len = meta_reg[`M_OP_DATA_LEN];
wire [15:0] tag_off = meta_reg[`M_OP_TAG_OFF];

wire [31:0] sa_base = L_T_SA + sa_in * L_SA_SIZE;
wire [31:0] rp_base = L_T_REPLAY + sa_in * L_REPLAY_ROW_SIZE;
wire [31:0] cnt_base = L_T_SA_CNT + sa_in * L_SA_CNT_SIZE;

// ---- replay_update (C: replay.c) ----
wire [59:0] first_w = {1'b0, sa_seq[63:5]} + 60'd1;
wire [59:0] last_w = {1'b0, seq[63:5]};
wire [59:0] n_w = last_w >= first_w ? last_w - first_w + 60'd1 : 60'd0;
wire [31:0] rp_val = seq[5] ? mdata[63:32] : mdata[31:0];
wire [31:0] bit_mask = 32'd1 << seq[4:0];

// ---- padding (C: the pad loop) ----
wire [4:0]  n_chunks = {1'b0, pad_len[7:4]} + {4'd0, pad_len[3:0] != 4'd0};
wire [4:0]  chunk = cnt - 5'd1;
reg         pad_bad;
integer     pj;
always @* begin
	pad_bad = 1'b0;
	for (pj = 0; pj < 16; pj = pj + 1)
		if ({chunk[3:0], pj[3:0]} < pad_len &&
		    hp_rdata[8 * pj +: 8] != {chunk[3:0], pj[3:0]} + 8'd1)
			pad_bad = 1'b1;
end

// ---- tunnel: next header and ecn_decap ----
wire [7:0]  ip_b0 = ipc[7:0], ip_b1 = ipc[15:8];
wire [15:0] ip_csum = {ipc[87:80], ipc[95:88]};
wire        nh_ok = (nh == 8'd4 && payload_len >= 16'd20 && ip_b0[7:4] == 4'd4) ||
		    (nh == 8'd41 && payload_len >= 16'd40 && ip_b0[7:4] == 4'd6);
wire [1:0]  outer_ecn = outer0[7:4] == 4'd4 ? outer1[1:0] : outer1[5:4];
wire [7:0]  b1_v4 = ip_b1 | 8'h03;
// C: csum_update(rd16(ip + 10), old_w, rd16(ip)) (RFC 1624)
wire [17:0] cu_sum = {2'd0, ~ip_csum} + {2'd0, ~{ip_b0, ip_b1}} + {2'd0, ip_b0, b1_v4};
wire [16:0] cu_f1 = {1'b0, cu_sum[15:0]} + {15'd0, cu_sum[17:16]};
wire [15:0] cu_f2 = cu_f1[15:0] + {15'd0, cu_f1[16]};

// ---- transport_rebuild ----
wire [7:0]  old0 = hdr[7:0];
wire [5:0]  tr_hlen = old0[7:4] == 4'd4 ? {old0[3:0], 2'b00} : 6'd40;
wire [15:0] tr_tot = payload_len + {10'd0, tr_hlen};
reg  [20:0] tr_sum;
integer     ti;
always @* begin
	tr_sum = 21'd0;
	for (ti = 0; ti < 30; ti = ti + 1)
		if (2 * ti < {26'd0, hlen})
			tr_sum = tr_sum + {5'd0, hdr[16 * ti +: 8], hdr[16 * ti + 8 +: 8]};
end
wire [16:0] tr_f1 = {1'b0, tr_sum[15:0]} + {12'd0, tr_sum[20:16]};
wire [15:0] tr_f2 = tr_f1[15:0] + {15'd0, tr_f1[16]};

// ---- inner_src_allowed / prefix_match ----
wire        in_v4 = ip0[7:4] == 4'd4;
wire [127:0] src = in_v4 ? {96'd0, srcc[63:32]} : srcc;
reg  [3:0]  ts_hit;
integer     si, sb;
always @* begin
	for (si = 0; si < 4; si = si + 1) begin
		ts_hit[si] = ts_reg[144 * si +: 8] == (in_v4 ? 8'd4 : 8'd6);
		for (sb = 0; sb < 128; sb = sb + 1)
			if (sb < {24'd0, ts_reg[144 * si + 8 +: 8]} && sb < (in_v4 ? 32 : 128) &&
			    src[8 * (sb / 8) + 7 - sb % 8] != ts_reg[144 * si + 16 + 8 * (sb / 8) + 7 - sb % 8])
				ts_hit[si] = 1'b0;
	end
end

wire        ts_none = cnt == 5'd1 && ts_reg[7:0] == 8'd0; // C: sa->ts[0].af == 0

// ---- ports ----
assign meta_out = meta_reg;
assign lk_req = 1'b0;
assign lk_sa = 32'd0;

// wipe: buf[data_off + i] = 0 for i < min(data_len, VRFSEC_MAX_FRAME)
wire [15:0] wipe_len = data_len > 16'd2048 ? 16'd2048 : data_len;
reg  [15:0] wipe_be;
integer     wj;
always @* begin
	for (wj = 0; wj < 16; wj = wj + 1)
		wipe_be[wj] = {4'd0, wi} + wj[15:0] < wipe_len;
end
reg  [15:0] trw_be;
integer     tj;
always @* begin
	for (tj = 0; tj < 16; tj = tj + 1)
		trw_be[tj] = {cnt[1:0], tj[3:0]} < hlen;
end

always @* begin
	hp_rd = 1'b0;
	hp_wr = 1'b0;
	hp_addr = 12'd0;
	hp_wdata = 128'd0;
	hp_wbe = 16'd0;
	mr_req = 1'b0;
	mr_addr = 32'd0;
	mw_req = 1'b0;
	mw_addr = 32'd0;
	mw_data = 64'd0;
	mw_be = 8'd0;
	st_req = 1'b0;
	st_addr = 32'd0;
	st_val = 64'd0;
	case (state)
	S_SA: begin
		mr_req = 1'b1;
		mr_addr = sa_base + (cnt == 5'd0 ? 32'd0 : cnt == 5'd1 ? 32'd8 : L_SA_SEQ);
	end
	S_CHK, S_SETRD: begin
		mr_req = state == S_SETRD || !(seq == 64'd0 || sa_win == 16'd0 || seq > sa_seq ||
					     sa_seq - seq >= {48'd0, sa_win});
		mr_addr = rp_base + {21'd0, seq[12:6], 3'd0};
	end
	S_CLR: begin
		mw_req = ncl != 9'd0;
		mw_addr = rp_base + {21'd0, cw[7:1], 3'd0};
		mw_be = !cw[0] && ncl >= 9'd2 ? 8'hff : cw[0] ? 8'hf0 : 8'h0f;
	end
	S_WSEQ: begin
		mw_req = 1'b1;
		mw_addr = sa_base + L_SA_SEQ;
		mw_data = seq;
		mw_be = 8'hff;
	end
	S_SETWR: begin
		mw_req = 1'b1;
		mw_addr = rp_base + {21'd0, seq[12:6], 3'd0};
		mw_data = {rp_val | bit_mask, rp_val | bit_mask};
		mw_be = seq[5] ? 8'hf0 : 8'h0f;
	end
	S_TRAIL: begin
		hp_rd = 1'b1;
		hp_addr = tag_off[11:0] - 12'd2;
	end
	S_PAD: begin
		hp_rd = cnt < n_chunks;
		hp_addr = data_off[11:0] + payload_len[11:0] + {3'd0, cnt, 4'd0};
	end
	S_TUN: begin
		hp_rd = cnt < 5'd2;
		hp_addr = cnt == 5'd0 ? data_off[11:0] : l3_off[11:0];
	end
	S_ECNW: begin
		hp_wr = 1'b1;
		hp_addr = ip_off[11:0];
		hp_wdata = {32'd0, ecn_csum[7:0], ecn_csum[15:8], 64'd0, ecn_b1, 8'd0};
		hp_wbe = ip_b0[7:4] == 4'd4 ? 16'h0c02 : 16'h0002;
	end
	S_TR: begin
		hp_rd = cnt < 5'd4;
		hp_addr = l3_off[11:0] + {6'd0, cnt[1:0], 4'd0};
	end
	S_TRW: begin
		hp_wr = 1'b1;
		hp_addr = ip_off[11:0] + {6'd0, cnt[1:0], 4'd0};
		hp_wdata = hdr[128 * cnt[1:0] +: 128];
		hp_wbe = trw_be;
	end
	S_TS: begin
		mr_req = cnt <= 5'd8 && !ts_none;
		mr_addr = sa_base + L_SA_TS + {25'd0, cnt[3:0], 3'd0};
		hp_rd = cnt == 5'd9;
		hp_addr = ip_off[11:0] + 12'd8;
	end
	S_OK: begin
		st_req = 1'b1;
		st_addr = cnt == 5'd0 ? L_T_CNT + 8 * CNT_DECRYPT_OK :
			  cnt == 5'd1 ? cnt_base + L_SA_CNT_PACKETS : cnt_base + L_SA_CNT_BYTES;
		st_val = cnt == 5'd2 ? {48'd0, payload_len} : 64'd1;
	end
	S_WIPE: begin
		hp_wr = {4'd0, wi} < wipe_len;
		hp_addr = data_off[11:0] + wi;
		hp_wbe = wipe_be;
	end
	S_DROPSA: begin
		st_req = 1'b1;
		st_addr = cnt_base + L_SA_CNT_DROPS;
		st_val = 64'd1;
	end
	default: ;
	endcase
end

wire _unused_ok = &{1'b0, args, lk_busy, n_w[59:9] == 51'd0, ipc[127:96], ipc[79:16], outer0[3:0],
	outer1[7:6], outer1[3:2], ip0[3:0], l3_off[15:12], tag_off[15:12], chunk[4]};

// refuse: wipe the data region, then drop_sa (sa = 1) or pkt_exit alone
task refuse;
	input [7:0] reason;
	input       sa;
	begin
		fin_reason <= reason;
		fin_sa <= sa;
		wi <= 12'd0;
		state <= S_WIPE;
	end
endtask

task mwait;
	input [4:0] ret;
	begin
		m_ret <= ret;
		state <= S_MWAIT;
	end
endtask

always @(posedge clk) begin
	done <= 1'b0;
	case (state)
	S_IDLE:
		if (start) begin
			meta_reg <= meta_in;
			cnt <= 5'd0;
			// C: if (!p->op.tag_ok) { wipe(p); return drop_sa(t, p, ICV_FAIL); }
			if (meta_in[`M_OP_TAG_OK] == 8'd0) begin
				fin_reason <= R_ICV_FAIL;
				fin_sa <= 1'b1;
				wi <= 12'd0;
				state <= S_WIPE;
			end else begin
				state <= S_SA;
			end
		end
	S_SA:
		// C: sa = &t->sa[p->sa_in]: mode, vrf, win, seq
		mwait(S_SA);
	S_MWAIT:
		if (mr_valid) begin
			mdata <= mr_data;
			state <= m_ret;
			if (m_ret == S_SA) begin
				cnt <= cnt + 5'd1;
				case (cnt)
				5'd0: sa_mode <= mr_data[23:16];
				5'd1: begin
					sa_vrf <= mr_data[47:32];
					sa_win <= mr_data[63:48];
				end
				default: begin
					sa_seq <= mr_data;
					state <= S_CHK;
				end
				endcase
			end
			if (m_ret == S_TS) begin
				ts_reg[64 * cnt +: 64] <= mr_data;
				cnt <= cnt + 5'd1;
			end
		end
	S_CHK: begin
		// C: replay_update -> replay_check (sa->seq as post finds it)
		if (seq == 64'd0 || (sa_win != 16'd0 && seq <= sa_seq && sa_seq - seq >= {48'd0, sa_win}))
			refuse(R_TOO_OLD, 1'b1);
		else if (sa_win == 16'd0 || seq > sa_seq)
			state <= S_UPD;
		else
			mwait(S_CHK2);
	end
	S_CHK2:
		if ((rp_val & bit_mask) != 32'd0)
			refuse(R_REPLAY, 1'b1);
		else
			state <= S_UPD;
	S_UPD: begin
		// C: replay_update after the check
		cw <= first_w[7:0];
		ncl <= n_w >= 60'd256 ? 9'd256 : n_w[8:0];
		if (sa_win == 16'd0)
			state <= seq > sa_seq ? S_WSEQ : S_TRAIL;
		else if (seq > sa_seq)
			state <= S_CLR;
		else
			state <= S_SETRD;
	end
	S_CLR:
		// C: t->replay[idx][(first + i) & mask] = 0 for i < n, two words a write when aligned
		if (ncl == 9'd0) begin
			state <= S_WSEQ;
		end else if (!cw[0] && ncl >= 9'd2) begin
			cw <= cw + 8'd2;
			ncl <= ncl - 9'd2;
		end else begin
			cw <= cw + 8'd1;
			ncl <= ncl - 9'd1;
		end
	S_WSEQ:
		// C: sa->seq = seq
		state <= sa_win == 16'd0 ? S_TRAIL : S_SETRD;
	S_SETRD:
		mwait(S_SETWR);
	S_SETWR:
		// C: t->replay[idx][word] |= 1u << (seq & 31)
		state <= S_TRAIL;
	S_TRAIL:
		state <= S_TRAIL2;
	S_TRAIL2: begin
		// C: pad_len = buf[tag_off - 2]; next_header = buf[tag_off - 1]; pad_len + 2 > data_len
		pad_len <= hp_rdata[7:0];
		nh <= hp_rdata[15:8];
		payload_len <= data_len - {8'd0, hp_rdata[7:0]} - 16'd2;
		cnt <= 5'd0;
		if ({8'd0, hp_rdata[7:0]} + 16'd2 > data_len)
			refuse(R_BAD_PAD, 1'b1);
		else
			state <= S_PAD;
	end
	S_PAD: begin
		// C: buf[payload_off + payload_len + i] == i + 1 for i < pad_len, 16 a read
		cnt <= cnt + 5'd1;
		if (cnt != 5'd0 && pad_bad)
			refuse(R_BAD_PAD, 1'b1);
		else if (cnt == n_chunks)
			state <= S_NH;
	end
	S_NH: begin
		// C: next_header == IPPROTO_NONE: dummy; then tunnel or transport
		cnt <= 5'd0;
		if (nh == 8'd59)
			refuse(R_ESP_DUMMY, 1'b0);
		else if (sa_mode == 8'd0)
			state <= S_TUN;
		else
			state <= S_TR;
	end
	S_TUN: begin
		// C: ip = buf + payload_off; outer = buf + l3_off
		cnt <= cnt + 5'd1;
		if (cnt == 5'd1)
			ipc <= hp_rdata;
		if (cnt == 5'd2) begin
			outer0 <= hp_rdata[7:0];
			outer1 <= hp_rdata[15:8];
			state <= S_TUN2;
		end
	end
	S_TUN2: begin
		// C: next header / version / length check, then ecn_decap
		ip_off <= data_off;
		ip0 <= ip_b0;
		ecn_b1 <= ip_b0[7:4] == 4'd4 ? b1_v4 : ip_b1 | 8'h30;
		ecn_csum <= ~cu_f2;
		cnt <= 5'd0;
		if (!nh_ok)
			refuse(R_BAD_NEXT_HDR, 1'b1);
		else if (outer_ecn != 2'd3)
			state <= S_TS;
		else if (ip_b0[7:4] == 4'd4 ? ip_b1[1:0] == 2'd0 : ip_b1[5:4] == 2'd0)
			refuse(R_ECN_DROP, 1'b1);
		else
			state <= S_ECNW;
	end
	S_ECNW:
		// C: ip[1] |= 3 and the checksum update (IPv4), or ip[1] |= 0x30 (IPv6)
		state <= S_TS;
	S_TR: begin
		// C transport_rebuild: old = buf + l3_off (hlen bytes, read before any write)
		cnt <= cnt + 5'd1;
		case (cnt)
		5'd1: hdr[127:0] <= hp_rdata;
		5'd2: hdr[255:128] <= hp_rdata;
		5'd3: hdr[383:256] <= hp_rdata;
		5'd4: hdr[511:384] <= hp_rdata;
		default: ;
		endcase
		if (cnt == 5'd4) begin
			wr_pend <= 1'b0;
			state <= S_TR2;
		end
	end
	S_TR2: begin
		// C: copy_hdr_back, then the length, protocol (and checksum) of the moved header
		if (!wr_pend) begin
			hlen <= tr_hlen;
			ip_off <= data_off - {10'd0, tr_hlen};
			ip0 <= old0;
			if (old0[7:4] == 4'd4) begin
				hdr[23:16] <= tr_tot[15:8];
				hdr[31:24] <= tr_tot[7:0];
				hdr[79:72] <= nh;
				hdr[95:80] <= 16'd0;
			end else begin
				hdr[39:32] <= payload_len[15:8];
				hdr[47:40] <= payload_len[7:0];
				hdr[55:48] <= nh;
			end
			payload_len <= tr_tot;
			wr_pend <= 1'b1;
		end else begin
			if (ip0[7:4] == 4'd4)
				hdr[95:80] <= {~tr_f2[7:0], ~tr_f2[15:8]};
			cnt <= 5'd0;
			state <= S_TRW;
		end
	end
	S_TRW: begin
		cnt <= cnt + 5'd1;
		if (cnt == 5'd3) begin
			cnt <= 5'd0;
			state <= S_TS;
		end
	end
	S_TS: begin
		// C inner_src_allowed: sa->ts[0..3] (9 reads; ts[0].af == 0 ends it), src at ip + 8
		if (ts_none) begin
			cnt <= 5'd0;
			state <= S_OK;
		end else if (cnt <= 5'd8) begin
			mwait(S_TS);
		end else if (cnt == 5'd9) begin
			cnt <= 5'd10;
		end else begin
			srcc <= hp_rdata;
			state <= S_TSM;
		end
	end
	S_TSM: begin
		cnt <= 5'd0;
		if (ts_hit == 4'd0)
			refuse(R_INNER_SRC, 1'b1);
		else
			state <= S_OK;
	end
	S_OK: begin
		// C: p->len; cnt[DECRYPT_OK]++; sa_cnt packets++, bytes += payload_len; vrf_forward
		meta_reg[`M_LEN] <= ip_off + payload_len - m_off;
		cnt <= cnt + 5'd1;
		if (cnt == 5'd2) begin
			done <= 1'b1;
			result <= `RES_TAIL;
			tail_stage <= `STG_VRF_FORWARD;
			tail_args <= {`ARGS_W{1'b0}};
			tail_args[`A_VRF] <= sa_vrf;
			tail_args[`A_IP_OFF] <= ip_off;
			tail_args[`A_LABEL_TTL] <= 8'd0;
			state <= S_IDLE;
		end
	end
	S_WIPE: begin
		// C: wipe(p)
		wi <= wi + 12'd16;
		if ({4'd0, wi} + 16'd16 >= wipe_len) begin
			cnt <= 5'd0;
			state <= fin_sa ? S_DROPSA : S_FIN;
		end
	end
	S_DROPSA:
		// C: drop_sa: t->sa_cnt[p->sa_in].drops++
		state <= S_FIN;
	S_FIN: begin
		// C: pkt_exit(t, p, DROP, reason) (done by the unit)
		done <= 1'b1;
		result <= `RES_EXIT;
		tail_stage <= `STG_NONE;
		exit_port <= EP_DROP;
		exit_reason <= fin_reason;
		state <= S_IDLE;
	end
	default:
		state <= S_IDLE;
	endcase
	if (rst) begin
		state <= S_IDLE;
		done <= 1'b0;
	end
end

endmodule
