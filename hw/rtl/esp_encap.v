// SPDX-License-Identifier: Apache-2.0
// ESP outbound (hw/hls/esp_encap.c esp_encap, RFC 4303 / 4106 / 3948): SA checks, MTU, sequence
// number and IV, trailer, header template, outer header fields, and the seal operation in meta.op.
`default_nettype none

// One call (args: sa, ip_off, ip_len): reads the first 16 bytes of the inner header while the SA
// words it needs are fetched back to back (valid .. tmpl_len, then flow_label / ip4_csum_base),
// checks SA, MTU and sequence number, writes the trailer in 16-byte runs, then the header: tunnel
// mode streams the template words into the headroom as they arrive (copy_words), transport mode
// moves the packet's IP header forward in 16-byte runs and writes Ethernet and [UDP +] SPI from the
// template, fixes length / protocol and (IPv4) reads the header back for its checksum. Ends with
// the outer fields, UDP length, sequence number and IV, and RES_CRYPTO; or RES_EXIT for no SA,
// MTU exceeded (to host) and sequence number exhaustion. SA state (seq, iv, ipv4_id) is written
// through the memory write port, per-SA counters through the stat port.
// Transport-mode templates longer than 30 bytes (Ethernet + at most 16 bytes of [UDP +] SPI) are
// not supported; sa_compile makes 18 or 26.
// Standard stage ports (hw/rtl/PIPELINE.md); lk_req stays 0, tail_stage / tail_args are 0.
module esp_encap (
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

localparam [4:0] S_IDLE = 5'd0, S_HDR = 5'd1, S_A = 5'd2, S_CHK1 = 5'd3, S_CHK2 = 5'd4,
		 S_CHK3 = 5'd5, S_CHK4 = 5'd6, S_TRL = 5'd7, S_CPR = 5'd8, S_CPW = 5'd9,
		 S_TMREQ = 5'd10, S_TM = 5'd11, S_ETH = 5'd12, S_TAIL = 5'd13, S_IPF = 5'd14,
		 S_CS = 5'd15, S_CSW = 5'd16, S_OUT = 5'd17, S_UDP = 5'd18, S_SEQ = 5'd19;

// SA words (8-byte index into struct vrfsec_sa) and byte positions of the fields read.
localparam [4:0] W_VALID = L_SA_VALID[7:3], W_DIR = L_SA_DIR[7:3], W_MODE = L_SA_MODE[7:3],
		 W_FLAGS = L_SA_FLAGS[7:3], W_DFM = L_SA_DF_MODE[7:3], W_TOS = L_SA_TOS[7:3],
		 W_PADX = L_SA_PAD_EXTRA[7:3], W_SPI = L_SA_SPI[7:3], W_MTU = L_SA_MTU[7:3],
		 W_ID = L_SA_IPV4_ID[7:3], W_SEQ = L_SA_SEQ[7:3], W_IV = L_SA_IV[7:3],
		 W_SALT = L_SA_SALT[7:3], W_AF = L_SA_OUTER_AF[7:3], W_TLEN = L_SA_TMPL_LEN[7:3],
		 W_FL = L_SA_FLOW_LABEL[7:3], W_CB = L_SA_IP4_CSUM_BASE[7:3],
		 W_TMPL = L_SA_TMPL[7:3];
localparam [2:0] B_VALID = L_SA_VALID[2:0], B_DIR = L_SA_DIR[2:0], B_MODE = L_SA_MODE[2:0],
		 B_FLAGS = L_SA_FLAGS[2:0], B_DFM = L_SA_DF_MODE[2:0], B_TOS = L_SA_TOS[2:0],
		 B_PADX = L_SA_PAD_EXTRA[2:0], B_SPI = L_SA_SPI[2:0], B_MTU = L_SA_MTU[2:0],
		 B_ID = L_SA_IPV4_ID[2:0], B_SALT = L_SA_SALT[2:0], B_AF = L_SA_OUTER_AF[2:0],
		 B_TLEN = L_SA_TMPL_LEN[2:0], B_FL = L_SA_FLOW_LABEL[2:0],
		 B_CB = L_SA_IP4_CSUM_BASE[2:0];
// The first read phase fetches words 0 .. W_ALAST, then W_FL.
localparam [4:0] W_ALAST = W_TLEN;

// The layout this module reads must keep every field inside one 8-byte word, the fields of the
// first phase in words 0 .. W_ALAST, flow label and checksum base in one later word, and the
// template 8-byte aligned.
generate
	if (L_SA_SIZE % 8 != 0 || L_SA_TMPL % 8 != 0 || L_SA_SIZE > 256 || W_FL != W_CB ||
	    W_FL <= W_ALAST || B_SPI > 4 || B_MTU > 6 || B_ID > 6 || B_SALT > 4 || B_FL > 4 ||
	    B_CB > 4 || L_SA_SEQ % 8 != 0 || L_SA_IV % 8 != 0 || W_VALID > W_ALAST ||
	    W_DIR > W_ALAST || W_MODE > W_ALAST || W_FLAGS > W_ALAST || W_DFM > W_ALAST ||
	    W_TOS > W_ALAST || W_PADX > W_ALAST || W_SPI > W_ALAST || W_MTU > W_ALAST ||
	    W_ID > W_ALAST || W_SEQ > W_ALAST || W_IV > W_ALAST || W_SALT > W_ALAST ||
	    W_AF > W_ALAST || {27'd0, W_TMPL} + 32'd15 > 32'd31) begin : g_bad_layout
		esp_encap_bad_sa_layout u_stop ();
	end
endgenerate

localparam [7:0] SAF_ESN = 8'h01, SAF_UDP = 8'h02, SAF_DSCP_COPY = 8'h08, SAF_ECN_COPY = 8'h10;
localparam [7:0] DIR_OUT = 8'd2, AF_IPV4 = 8'd4, DF_COPY = 8'd0, DF_SET = 8'd1;
localparam [7:0] PORT_HOST8 = `PORT_HOST, PORT_DROP8 = `PORT_DROP;
localparam [2:0] P_HOST = PORT_HOST8[2:0], P_DROP = PORT_DROP8[2:0];

assign tail_stage = `STG_NONE;
assign tail_args = {`ARGS_W{1'b0}};
assign lk_req = 1'b0;
assign lk_sa = 32'd0;

// ---- state ----
reg  [4:0]          state_reg, state_next;
reg  [`META_W-1:0]  meta_reg, meta_next;
reg  [31:0]         sa_reg, sa_next;           // SA index (args.sa)
reg  [31:0]         sab_reg, sab_next;         // its byte address
reg  [15:0]         ipoff_reg, ipoff_next;
reg  [15:0]         iplen_reg, iplen_next;
reg                 cap_reg, cap_next;         // the inner header read answers this cycle
reg  [7:0]          in0_reg, in0_next, in1_reg, in1_next, in6_reg, in6_next, in9_reg, in9_next;
reg  [4:0]          widx_reg, widx_next;       // SA word read outstanding
// SA fields
reg  [7:0]          valid_reg, valid_next, dir_reg, dir_next, mode_reg, mode_next;
reg  [7:0]          flags_reg, flags_next, dfm_reg, dfm_next, tos_reg, tos_next;
reg  [7:0]          padx_reg, padx_next, af_reg, af_next, tlen_reg, tlen_next;
reg  [31:0]         spi_reg, spi_next, salt_reg, salt_next, fl_reg, fl_next, cb_reg, cb_next;
reg  [15:0]         mtu_reg, mtu_next, id_reg, id_next;
reg  [63:0]         seq_reg, seq_next, iv_reg, iv_next;
// derived (uint32_t arithmetic of the C code)
reg  [31:0]         poff_reg, poff_next;       // payload_off
reg  [31:0]         plen_reg, plen_next;       // payload_len
reg  [7:0]          nh_reg, nh_next;           // next_header
reg  [63:0]         nseq_reg, nseq_next;       // sa->seq + 1
reg  [8:0]          padl_reg, padl_next;       // pad_len
reg  [31:0]         ctl_reg, ctl_next;         // ct_len
reg  [31:0]         espo_reg, espo_next;       // esp_off
reg  [31:0]         udpl_reg, udpl_next;       // udp_len
reg  [31:0]         olen_reg, olen_next;       // outer_len
reg                 bufbad_reg, bufbad_next;   // payload_off + ct_len + ICV > VRFSEC_BUF_SIZE
reg  [31:0]         fo_reg, fo_next;           // frame_off
reg  [31:0]         l3_reg, l3_next;
reg  [31:0]         trl_reg, trl_next;         // first trailer byte
reg  [7:0]          tosx_reg, tosx_next;       // outer_tos()
reg  [15:0]         frag_reg, frag_next;
reg  [15:0]         ocs_reg, ocs_next;         // outer IPv4 checksum
reg  [4:0]          ntw_reg, ntw_next;         // template words to read
reg  [4:0]          k_reg, k_next;             // run / word counter
reg  [255:0]        tw_reg, tw_next;           // template words 0..3 (transport)
reg  [21:0]         acc_reg, acc_next;         // transport IPv4 checksum sum
// results
reg  [1:0]          res_next;
reg  [2:0]          xport_next;
reg  [7:0]          xreason_next;
reg                 done_next;

assign meta_out = meta_reg;

wire unused_ok = &{1'b0, args[`A_VRF], args[`A_LABEL_TTL], args[`A_TTL], args[`A_DSCP],
		   args[`A_NH], lk_busy, 1'b0};

function [15:0] bs16(input [15:0] v); // big-endian bytes: byte 0 in bits 7:0
	bs16 = {v[7:0], v[15:8]};
endfunction

function [31:0] bs32(input [31:0] v);
	bs32 = {v[7:0], v[15:8], v[23:16], v[31:24]};
endfunction

function [63:0] bs64(input [63:0] v);
	bs64 = {bs32(v[31:0]), bs32(v[63:32])};
endfunction

// csum_fold of bytes.h
function [15:0] fold(input [31:0] s);
	reg [16:0] f;
	begin
		f = {1'b0, s[15:0]} + {1'b0, s[31:16]};
		f = {1'b0, f[15:0]} + {16'd0, f[16]};
		fold = ~f[15:0];
	end
endfunction

// ---- derived values ----
wire        tun = mode_reg == 8'd0;                      // VRFSEC_MODE_TUNNEL
wire        v4 = in0_reg[7:4] == 4'd4;
wire [31:0] hlen = v4 ? {26'd0, in0_reg[3:0], 2'b00} : 32'd40;
wire [7:0]  inner_tos = v4 ? in1_reg : {in0_reg[3:0], in1_reg[7:4]};
wire        inner_df = v4 ? in6_reg[6] : 1'b1;
wire [7:0]  tos_d = (flags_reg & SAF_DSCP_COPY) != 8'd0 ? inner_tos : tos_reg;
wire [7:0]  tos_e = (flags_reg & SAF_ECN_COPY) != 8'd0 ? inner_tos : tos_reg;
wire        esn = (flags_reg & SAF_ESN) != 8'd0;
wire [1:0]  pad_al = 2'd0 - (plen_reg[1:0] + 2'd2);     // (4 - ((payload_len + 2) & 3)) & 3
wire [31:0] esp_part = udpl_reg != 32'd0 ? udpl_reg : 32'd32 + ctl_reg;
wire [31:0] tail = {24'd0, tlen_reg} - 32'd14;           // transport: [UDP] + SPI
wire [31:0] l3_tr = espo_reg + 32'd4 - tail - hlen;
wire [31:0] fo_tu = espo_reg + 32'd4 - {24'd0, tlen_reg};
wire [5:0]  tw_tu = tlen_reg[7:3] + {5'd0, tlen_reg[2:0] != 3'd0};
wire [7:0]  tlen_tr = tlen_reg > 8'd14 ? tlen_reg : 8'd14;
wire [5:0]  tw_tr = tlen_tr[7:3] + {5'd0, tlen_tr[2:0] != 3'd0};
wire        seq_bad = (!esn && nseq_reg[63:32] != 32'd0) || nseq_reg == 64'd0;
wire [7:0]  proto = udpl_reg != 32'd0 ? 8'd17 : 8'd50;
wire [31:0] cs_len = hlen > 32'd20 ? hlen : 32'd20;      // csum_ip4 reads at least 20 bytes
wire [2:0]  ncs = cs_len <= 32'd32 ? 3'd2 : cs_len <= 32'd48 ? 3'd3 : 3'd4;
wire [31:0] seq_lo = nseq_reg[31:0];
wire [31:0] sa_cnt = L_T_SA_CNT + sa_reg * L_SA_CNT_SIZE;
wire [15:0] csum_tr = fold({10'd0, acc_reg});
wire [31:0] v6w0 = 32'h60000000 | {4'd0, tosx_reg, 20'd0} | fl_reg;
wire [15:0] olen40 = olen_reg[15:0] - 16'd40;

function [31:0] sa_word(input [31:0] base, input [4:0] w);
	sa_word = base + {24'd0, w, 3'b000};
endfunction

// Trailer run k: bytes j = 16k + i are 1, 2, 3, ... below pad_len (the C loop stops at 255),
// then pad_len, then next_header.
reg [127:0] trl_data;
reg [15:0]  trl_be;
integer i;
always @* begin
	for (i = 0; i < 16; i = i + 1) begin : g_trl
		reg [9:0] j;
		j = {1'b0, k_reg, 4'd0} + i[9:0];
		trl_be[i] = (j < {1'b0, padl_reg} && j < 10'd255) || j == {1'b0, padl_reg} ||
			    j == {1'b0, padl_reg} + 10'd1;
		trl_data[8 * i +: 8] = j < {1'b0, padl_reg} ? j[7:0] + 8'd1 :
				       j == {1'b0, padl_reg} ? padl_reg[7:0] : nh_reg;
	end
end

// Header copy run k: bytes below hlen; checksum read-back of run k - 1: 16-bit words below cs_len.
reg [15:0] cp_be;
reg [21:0] cs_add;
always @* begin
	cs_add = 22'd0;
	for (i = 0; i < 16; i = i + 1) begin : g_cp
		reg [31:0] j;
		j = {27'd0, k_reg} * 32'd16 + i;
		cp_be[i] = j < hlen;
	end
	for (i = 0; i < 8; i = i + 1) begin : g_cs
		reg [31:0] j;
		j = ({27'd0, k_reg} - 32'd1) * 32'd16 + 2 * i;
		if (j < cs_len)
			cs_add = cs_add + {6'd0, hp_rdata[16 * i +: 8], hp_rdata[16 * i + 8 +: 8]};
	end
end

// Transport tail: template bytes 14 .. 14 + tail - 1 (at most 16).
reg [15:0] tail_be;
always @* begin
	for (i = 0; i < 16; i = i + 1)
		tail_be[i] = i < tail;
end

task finish(input [1:0] res, input [2:0] port, input [7:0] reason);
	begin
		done_next = 1'b1;
		res_next = res;
		xport_next = port;
		xreason_next = reason;
		state_next = S_IDLE;
	end
endtask

always @* begin
	state_next = state_reg;
	meta_next = meta_reg;
	sa_next = sa_reg;
	sab_next = sab_reg;
	ipoff_next = ipoff_reg;
	iplen_next = iplen_reg;
	cap_next = 1'b0;
	in0_next = in0_reg;
	in1_next = in1_reg;
	in6_next = in6_reg;
	in9_next = in9_reg;
	widx_next = widx_reg;
	valid_next = valid_reg;
	dir_next = dir_reg;
	mode_next = mode_reg;
	flags_next = flags_reg;
	dfm_next = dfm_reg;
	tos_next = tos_reg;
	padx_next = padx_reg;
	af_next = af_reg;
	tlen_next = tlen_reg;
	spi_next = spi_reg;
	salt_next = salt_reg;
	fl_next = fl_reg;
	cb_next = cb_reg;
	mtu_next = mtu_reg;
	id_next = id_reg;
	seq_next = seq_reg;
	iv_next = iv_reg;
	poff_next = poff_reg;
	plen_next = plen_reg;
	nh_next = nh_reg;
	nseq_next = nseq_reg;
	padl_next = padl_reg;
	ctl_next = ctl_reg;
	espo_next = espo_reg;
	udpl_next = udpl_reg;
	olen_next = olen_reg;
	bufbad_next = bufbad_reg;
	fo_next = fo_reg;
	l3_next = l3_reg;
	trl_next = trl_reg;
	tosx_next = tosx_reg;
	frag_next = frag_reg;
	ocs_next = ocs_reg;
	ntw_next = ntw_reg;
	k_next = k_reg;
	tw_next = tw_reg;
	acc_next = acc_reg;
	res_next = result;
	xport_next = exit_port;
	xreason_next = exit_reason;
	done_next = 1'b0;
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

	if (cap_reg) begin
		in0_next = hp_rdata[7:0];
		in1_next = hp_rdata[15:8];
		in6_next = hp_rdata[55:48];
		in9_next = hp_rdata[79:72];
	end

	case (state_reg)
	S_IDLE: if (start) begin
		meta_next = meta_in;
		sa_next = args[`A_SA];
		sab_next = L_T_SA + args[`A_SA] * L_SA_SIZE;
		ipoff_next = args[`A_IP_OFF];
		iplen_next = args[`A_IP_LEN];
		state_next = S_HDR;
	end
	// in = buf + ip_off; sa_idx >= VRFSEC_MAX_SA -> no_sa; start reading t->sa[sa_idx]
	S_HDR: if (sa_reg >= L_MAX_SA) begin
		finish(`RES_EXIT, P_DROP, CNT_NO_SA[7:0]);
	end else begin
		hp_rd = 1'b1;
		hp_addr = ipoff_reg[11:0];
		cap_next = 1'b1;
		mr_req = 1'b1;
		mr_addr = sa_word(sab_reg, 5'd0);
		widx_next = 5'd0;
		state_next = S_A;
	end
	// SA words 0 .. W_ALAST and W_FL, one request as the last answers
	S_A: if (mr_valid) begin
		if (widx_reg == W_VALID) valid_next = mr_data[8 * B_VALID +: 8];
		if (widx_reg == W_DIR) dir_next = mr_data[8 * B_DIR +: 8];
		if (widx_reg == W_MODE) mode_next = mr_data[8 * B_MODE +: 8];
		if (widx_reg == W_FLAGS) flags_next = mr_data[8 * B_FLAGS +: 8];
		if (widx_reg == W_DFM) dfm_next = mr_data[8 * B_DFM +: 8];
		if (widx_reg == W_TOS) tos_next = mr_data[8 * B_TOS +: 8];
		if (widx_reg == W_PADX) padx_next = mr_data[8 * B_PADX +: 8];
		if (widx_reg == W_SPI) spi_next = mr_data[8 * B_SPI +: 32];
		if (widx_reg == W_MTU) mtu_next = mr_data[8 * B_MTU +: 16];
		if (widx_reg == W_ID) id_next = mr_data[8 * B_ID +: 16];
		if (widx_reg == W_SEQ) seq_next = mr_data;
		if (widx_reg == W_IV) iv_next = mr_data;
		if (widx_reg == W_SALT) salt_next = mr_data[8 * B_SALT +: 32];
		if (widx_reg == W_AF) af_next = mr_data[8 * B_AF +: 8];
		if (widx_reg == W_TLEN) tlen_next = mr_data[8 * B_TLEN +: 8];
		if (widx_reg == W_FL) fl_next = mr_data[8 * B_FL +: 32];
		if (widx_reg == W_CB) cb_next = mr_data[8 * B_CB +: 32];
		if (widx_reg == W_FL) begin
			state_next = S_CHK1;
		end else begin
			widx_next = widx_reg == W_ALAST ? W_FL : widx_reg + 5'd1;
			mr_req = 1'b1;
			mr_addr = sa_word(sab_reg, widx_next);
		end
	end
	// !valid || dir != OUT -> no_sa; p->sa_out; payload_off / payload_len / next_header
	S_CHK1: if (valid_reg == 8'd0 || dir_reg != DIR_OUT) begin
		finish(`RES_EXIT, P_DROP, CNT_NO_SA[7:0]);
	end else begin
		meta_next[`M_SA_OUT] = sa_reg;
		poff_next = {16'd0, ipoff_reg} + (tun ? 32'd0 : hlen);
		plen_next = {16'd0, iplen_reg} - (tun ? 32'd0 : hlen);
		nh_next = tun ? (v4 ? 8'd4 : 8'd41) : (v4 ? in9_reg : in6_reg);
		nseq_next = seq_reg + 64'd1;
		state_next = S_CHK2;
	end
	// pad_len, ct_len, esp_off, trailer position, udp_len
	S_CHK2: begin
		padl_next = {7'd0, pad_al} + {1'b0, padx_reg};
		ctl_next = plen_reg + {30'd0, pad_al} + {24'd0, padx_reg} + 32'd2;
		espo_next = poff_reg - 32'd16;
		trl_next = poff_reg + plen_reg;
		tosx_next = (tos_d & 8'hfc) | (tos_e & 8'h03);
		frag_next = dfm_reg == DF_SET || (dfm_reg == DF_COPY && inner_df) ? 16'h4000 : 16'd0;
		state_next = S_CHK3;
	end
	S_CHK3: begin
		udpl_next = (flags_reg & SAF_UDP) != 8'd0 ? ctl_reg + 32'd40 : 32'd0;
		bufbad_next = poff_reg + ctl_reg + 32'd16 > L_BUF_SIZE;
		fo_next = tun ? fo_tu : l3_tr - 32'd14;
		l3_next = tun ? fo_tu + 32'd14 : l3_tr;
		ntw_next = tun ? (tw_tu > 6'd16 ? 5'd16 : tw_tu[4:0]) :
				 (tw_tr > 6'd4 ? 5'd4 : tw_tr[4:0]);
		state_next = S_CHK4;
	end
	// outer_len; MTU and buffer -> mtu_exceeded; seq -> seq_exhausted; sa->seq = seq
	S_CHK4: begin
		olen_next = (tun ? (af_reg == AF_IPV4 ? 32'd20 : 32'd40) : hlen) + esp_part;
		ocs_next = fold(cb_reg + {24'd0, tosx_reg} + olen_next + {16'd0, id_reg} +
				{16'd0, frag_reg});
		if (olen_next > {16'd0, mtu_reg} || bufbad_reg) begin
			st_req = 1'b1;
			st_addr = sa_cnt + L_SA_CNT_DROPS;
			st_val = 64'd1;
			finish(`RES_EXIT, P_HOST, CNT_MTU_EXCEEDED[7:0]);
		end else if (seq_bad) begin
			st_req = 1'b1;
			st_addr = sa_cnt + L_SA_CNT_DROPS;
			st_val = 64'd1;
			finish(`RES_EXIT, P_DROP, CNT_SEQ_EXHAUSTED[7:0]);
		end else begin
			mw_req = 1'b1;
			mw_addr = sa_word(sab_reg, W_SEQ);
			mw_data = nseq_reg;
			mw_be = 8'hff;
			k_next = 5'd0;
			state_next = S_TRL;
		end
	end
	// sa->iv++; trailer loop; (sa_cnt packets, counted here rather than at the end)
	S_TRL: begin
		if (k_reg == 5'd0) begin
			mw_req = 1'b1;
			mw_addr = sa_word(sab_reg, W_IV);
			mw_data = iv_reg + 64'd1;
			mw_be = 8'hff;
			st_req = 1'b1;
			st_addr = sa_cnt + L_SA_CNT_PACKETS;
			st_val = 64'd1;
		end
		hp_wr = 1'b1;
		hp_addr = trl_reg[11:0] + {3'd0, k_reg, 4'd0};
		hp_wdata = trl_data;
		hp_wbe = trl_be;
		k_next = k_reg + 5'd1;
		if ({1'b0, k_reg, 4'd0} + 10'd16 >= {1'b0, padl_reg} + 10'd2) begin
			k_next = 5'd0;
			if (tun)
				state_next = ntw_reg != 5'd0 ? S_TMREQ : S_OUT;
			else
				state_next = hlen != 32'd0 ? S_CPR : S_TMREQ;
		end
	end
	// transport: copy_hdr(buf + l3, in, hlen), 16 bytes per read / write pair
	S_CPR: begin
		hp_rd = 1'b1;
		hp_addr = ipoff_reg[11:0] + {3'd0, k_reg, 4'd0};
		state_next = S_CPW;
	end
	S_CPW: begin
		hp_wr = 1'b1;
		hp_addr = l3_reg[11:0] + {3'd0, k_reg, 4'd0};
		hp_wdata = hp_rdata;
		hp_wbe = cp_be;
		k_next = k_reg + 5'd1;
		state_next = S_CPR;
		if ({27'd0, k_reg} * 32'd16 + 32'd16 >= hlen) begin
			k_next = 5'd0;
			state_next = S_TMREQ;
		end
	end
	// template words: tunnel copy_words(buf + frame_off, tmpl, tmpl_len) as they arrive
	S_TMREQ: begin
		mr_req = 1'b1;
		mr_addr = sa_word(sab_reg, W_TMPL + k_reg);
		state_next = S_TM;
	end
	S_TM: if (mr_valid) begin
		if (tun) begin
			hp_wr = 1'b1;
			hp_addr = fo_reg[11:0] + {4'd0, k_reg, 3'd0};
			hp_wdata = {64'd0, mr_data};
			hp_wbe = 16'h00ff;
		end
		if (k_reg < 5'd4)
			tw_next[64 * k_reg[1:0] +: 64] = mr_data;
		if (k_reg + 5'd1 < ntw_reg) begin
			k_next = k_reg + 5'd1;
			mr_req = 1'b1;
			mr_addr = sa_word(sab_reg, W_TMPL + k_next);
		end else begin
			k_next = 5'd0;
			state_next = tun ? S_OUT : S_ETH;
		end
	end
	// transport: copy_hdr(buf + frame_off, tmpl, ETH_HLEN)
	S_ETH: begin
		hp_wr = 1'b1;
		hp_addr = fo_reg[11:0];
		hp_wdata = {16'd0, tw_reg[111:0]};
		hp_wbe = 16'h3fff;
		state_next = S_TAIL;
	end
	// transport: copy_hdr(buf + l3 + hlen, tmpl + ETH_HLEN, tail)
	S_TAIL: begin
		hp_wr = 1'b1;
		hp_addr = l3_reg[11:0] + hlen[11:0];
		hp_wdata = tw_reg[239:112];
		hp_wbe = tail_be;
		state_next = S_IPF;
	end
	// transport: protocol / next header and length of the packet's own IP header
	S_IPF: begin
		hp_wr = 1'b1;
		hp_addr = l3_reg[11:0];
		if (v4) begin
			hp_wdata[16 +: 16] = bs16(olen_reg[15:0]);
			hp_wdata[72 +: 8] = proto;
			hp_wbe = 16'h0e0c;
			k_next = 5'd0;
			acc_next = 22'd0;
			state_next = S_CS;
		end else begin
			hp_wdata[32 +: 16] = bs16(olen40);
			hp_wdata[48 +: 8] = proto;
			hp_wbe = 16'h0070;
			state_next = udpl_reg != 32'd0 ? S_UDP : S_SEQ;
		end
	end
	// transport IPv4: csum_ip4(buf + l3, hlen) over the header as written, reads pipelined
	S_CS: begin
		if ({2'd0, k_reg} < {4'd0, ncs}) begin
			hp_rd = 1'b1;
			hp_addr = l3_reg[11:0] + {3'd0, k_reg, 4'd0};
		end
		if (k_reg != 5'd0)
			acc_next = acc_reg + cs_add;
		k_next = k_reg + 5'd1;
		if (k_reg == {2'd0, ncs})
			state_next = S_CSW;
	end
	S_CSW: begin
		hp_wr = 1'b1;
		hp_addr = l3_reg[11:0] + 12'd10;
		hp_wdata[15:0] = bs16(csum_tr);
		hp_wbe = 16'h0003;
		state_next = udpl_reg != 32'd0 ? S_UDP : S_SEQ;
	end
	// tunnel: fill_outer()
	S_OUT: begin
		hp_wr = 1'b1;
		hp_addr = l3_reg[11:0];
		if (af_reg == AF_IPV4) begin
			hp_wdata[8 +: 8] = tosx_reg;
			hp_wdata[16 +: 16] = bs16(olen_reg[15:0]);
			hp_wdata[32 +: 16] = bs16(id_reg);
			hp_wdata[48 +: 16] = bs16(frag_reg);
			hp_wdata[80 +: 16] = bs16(ocs_reg);
			hp_wbe = 16'h0cfe;
			mw_req = 1'b1;
			mw_addr = sa_word(sab_reg, W_ID);
			mw_data[8 * B_ID +: 16] = id_reg + 16'd1;
			mw_be[B_ID +: 2] = 2'b11;
		end else begin
			hp_wdata[31:0] = bs32(v6w0);
			hp_wdata[32 +: 16] = bs16(olen40);
			hp_wbe = 16'h003f;
		end
		state_next = udpl_reg != 32'd0 ? S_UDP : S_SEQ;
	end
	// wr16(buf + esp_off - 4, udp_len)
	S_UDP: begin
		hp_wr = 1'b1;
		hp_addr = espo_reg[11:0] - 12'd4;
		hp_wdata[15:0] = bs16(udpl_reg[15:0]);
		hp_wbe = 16'h0003;
		state_next = S_SEQ;
	end
	// sequence number and IV; the op and the packet metadata; sa_cnt bytes
	S_SEQ: begin
		hp_wr = 1'b1;
		hp_addr = espo_reg[11:0] + 12'd4;
		hp_wdata[31:0] = bs32(seq_lo);
		hp_wdata[32 +: 64] = bs64(iv_reg);
		hp_wbe = 16'h0fff;
		st_req = 1'b1;
		st_addr = sa_cnt + L_SA_CNT_BYTES;
		st_val = {48'd0, iplen_reg};
		meta_next[`M_OP_SA] = sa_reg;
		meta_next[`M_OP_ENCRYPT] = 8'd1;
		meta_next[`M_OP_TAG_OK] = 8'd0;
		meta_next[`M_OP_NONCE] = {bs64(iv_reg), salt_reg};
		meta_next[376 +: 32] = bs32(spi_reg);
		if (esn) begin
			meta_next[408 +: 32] = bs32(nseq_reg[63:32]);
			meta_next[440 +: 32] = bs32(seq_lo);
			meta_next[`M_OP_AAD_LEN] = 8'd12;
		end else begin
			meta_next[408 +: 32] = bs32(seq_lo);
			meta_next[`M_OP_AAD_LEN] = 8'd8;
		end
		meta_next[`M_OP_DATA_OFF] = poff_reg[15:0];
		meta_next[`M_OP_DATA_LEN] = ctl_reg[15:0];
		meta_next[`M_OP_TAG_OFF] = poff_reg[15:0] + ctl_reg[15:0];
		meta_next[`M_SEQ] = nseq_reg;
		meta_next[`M_L3_OFF] = l3_reg[15:0];
		meta_next[`M_OFF] = fo_reg[15:0];
		meta_next[`M_LEN] = olen_reg[15:0] + 16'd14;
		meta_next[`M_STAGE] = `STAGE_ENCRYPT;
		finish(`RES_CRYPTO, 3'd0, 8'd0);
	end
	default: state_next = S_IDLE;
	endcase
end

always @(posedge clk) begin
	state_reg <= state_next;
	meta_reg <= meta_next;
	sa_reg <= sa_next;
	sab_reg <= sab_next;
	ipoff_reg <= ipoff_next;
	iplen_reg <= iplen_next;
	cap_reg <= cap_next;
	in0_reg <= in0_next;
	in1_reg <= in1_next;
	in6_reg <= in6_next;
	in9_reg <= in9_next;
	widx_reg <= widx_next;
	valid_reg <= valid_next;
	dir_reg <= dir_next;
	mode_reg <= mode_next;
	flags_reg <= flags_next;
	dfm_reg <= dfm_next;
	tos_reg <= tos_next;
	padx_reg <= padx_next;
	af_reg <= af_next;
	tlen_reg <= tlen_next;
	spi_reg <= spi_next;
	salt_reg <= salt_next;
	fl_reg <= fl_next;
	cb_reg <= cb_next;
	mtu_reg <= mtu_next;
	id_reg <= id_next;
	seq_reg <= seq_next;
	iv_reg <= iv_next;
	poff_reg <= poff_next;
	plen_reg <= plen_next;
	nh_reg <= nh_next;
	nseq_reg <= nseq_next;
	padl_reg <= padl_next;
	ctl_reg <= ctl_next;
	espo_reg <= espo_next;
	udpl_reg <= udpl_next;
	olen_reg <= olen_next;
	bufbad_reg <= bufbad_next;
	fo_reg <= fo_next;
	l3_reg <= l3_next;
	trl_reg <= trl_next;
	tosx_reg <= tosx_next;
	frag_reg <= frag_next;
	ocs_reg <= ocs_next;
	ntw_reg <= ntw_next;
	k_reg <= k_next;
	tw_reg <= tw_next;
	acc_reg <= acc_next;
	done <= done_next;
	result <= res_next;
	exit_port <= xport_next;
	exit_reason <= xreason_next;
	if (rst) begin
		state_reg <= S_IDLE;
		cap_reg <= 1'b0;
		done <= 1'b0;
	end
end

endmodule

`default_nettype wire
