// SPDX-License-Identifier: Apache-2.0
// AES-GCM for one packet stream (SP 800-38D, 96-bit nonce, 16-byte tag): counter mode, GHASH and
// tag at one 128-bit block per cycle, with per-SA key schedules and H prepared at SA install.
`default_nettype none

// Packet in (s_axis): ceil(aad_len / 16) AAD beats, ceil(data_len / 16) payload beats, then one
// tag beat (decrypt: the received tag; encrypt: ignored). The sideband (s_axis_sa .. decrypt) is
// sampled with the first beat; lengths, not tlast, frame the packet. Bytes past a length in the
// last AAD or payload beat are ignored. Byte 0 of a beat is tdata[7:0] (AXI order), likewise for
// the nonce (byte 0 in [7:0]) and key_data.
//
// Packet out (m_axis): the payload beats with the cipher/plaintext (tkeep marks the bytes), then
// one tag beat, tlast = 1, tuser = {tag_ok, is_tag}: the computed tag and, for decrypt, whether it
// matched the received one (encrypt: tag_ok = 1). Decrypted plaintext leaves before tag_ok is
// known: the store-and-verify buffer that never forwards a byte of a failing packet is the ESP
// stage's job (issue 4), not this core's.
//
// SA install (key_*): expands the key into slot key_sa (aes_key_expand, 44..60 cycles), then
// sends a zero block through the cipher and stores H = E(K, 0) for the slot. Packets are held off
// meanwhile. A slot must not be re-keyed while its packets are in flight: install into a free slot
// and switch SA index (make before break).
//
// Timing: everything advances together on ce = !m_axis_tvalid || m_axis_tready (so s_axis_tready
// follows m_axis_tready combinationally); one beat per cycle in, the result of a beat on m_axis 18
// cycles after it was accepted (input register, 16 cipher cycles, GHASH/XOR stage, output register).
// GHASH is a one-cycle Horner loop over a Karatsuba multiplier (gcm_ghash), which keeps up with the
// cipher without interleaving; AAD and tag beats take a slot, so an n-block payload with one AAD
// block takes n + 2 cycles.
module gcm_core #(
	parameter NUM_SA = 16,    // SA slots (key schedules and H held); a power of two, at least 2
	parameter LEN_W = 12,     // payload length bits (2048-byte frames need 12); 5..28
	parameter AAD_LEN_W = 6   // AAD length bits (ESP: 8 or 12 bytes); 5..28
) (
	input  wire                      clk,
	input  wire                      rst,
	// SA install
	input  wire                      key_valid,
	output wire                      key_ready,
	input  wire [$clog2(NUM_SA)-1:0] key_sa,
	input  wire [255:0]              key_data,     // 16, 24 or 32 key bytes from byte 0
	input  wire [1:0]                key_len_code, // 0: 128, 1: 192, 2: 256 bits; 3: dropped
	// packets in
	input  wire                      s_axis_tvalid,
	output wire                      s_axis_tready,
	input  wire [127:0]              s_axis_tdata,
	input  wire [$clog2(NUM_SA)-1:0] s_axis_sa,
	input  wire [95:0]               s_axis_nonce,
	input  wire [AAD_LEN_W-1:0]      s_axis_aad_len,
	input  wire [LEN_W-1:0]          s_axis_data_len,
	input  wire                      s_axis_decrypt,
	// packets out
	output reg                       m_axis_tvalid,
	input  wire                      m_axis_tready,
	output wire [127:0]              m_axis_tdata,
	output reg  [15:0]               m_axis_tkeep,
	output reg                       m_axis_tlast,
	output reg  [1:0]                m_axis_tuser  // {tag_ok, is_tag}
);

localparam SA_W = $clog2(NUM_SA);
localparam DELAY = 15; // side information waits for the cipher: 16 stages minus the E register
localparam [1:0] T_AAD = 2'd0, T_DATA = 2'd1, T_TAG = 2'd2, T_HKEY = 2'd3;
localparam [1:0] S_IDLE = 2'd0, S_EXPAND = 2'd1, S_HINJ = 2'd2, S_HWAIT = 2'd3;
// type, nbytes, data, decrypt, aad_len, data_len, sa, first
localparam SIDE_W = 2 + 5 + 128 + 1 + AAD_LEN_W + LEN_W + SA_W + 1;

generate
	if (NUM_SA < 2 || (NUM_SA & (NUM_SA - 1)) != 0) begin : g_bad_num_sa
		gcm_core_bad_NUM_SA u_stop ();
	end
	if (LEN_W < 5 || LEN_W > 28) begin : g_bad_len_w
		gcm_core_bad_LEN_W u_stop ();
	end
	if (AAD_LEN_W < 5 || AAD_LEN_W > 28) begin : g_bad_aad_len_w
		gcm_core_bad_AAD_LEN_W u_stop ();
	end
endgenerate

// Byte order: AXI byte k (bits 8k+7:8k) <-> GCM/AES byte k (bits 127-8k:120-8k).
wire [127:0] in_data;
wire [95:0]  in_nonce;
wire [255:0] in_key;
reg  [127:0] out_data_reg;
genvar k;
generate
	for (k = 0; k < 16; k = k + 1) begin : g_swap16
		assign in_data[127 - 8 * k -: 8] = s_axis_tdata[8 * k +: 8];
		assign m_axis_tdata[8 * k +: 8] = out_data_reg[127 - 8 * k -: 8];
	end
	for (k = 0; k < 12; k = k + 1) begin : g_swap12
		assign in_nonce[95 - 8 * k -: 8] = s_axis_nonce[8 * k +: 8];
	end
	for (k = 0; k < 32; k = k + 1) begin : g_swap32
		assign in_key[255 - 8 * k -: 8] = key_data[8 * k +: 8];
	end
endgenerate

wire ce = !m_axis_tvalid || m_axis_tready;

// ---- SA install ----
reg  [1:0]      inst_reg;
reg  [SA_W-1:0] inst_sa_reg;
wire            ex_busy, ex_done, kw_en;
wire [3:0]      kw_round;
wire [SA_W-1:0] kw_sa;
wire [127:0]    kw_data;
wire [1:0]      kw_nr_code;
reg             pk_reg;       // inside a packet on s_axis
reg             h_done;

assign key_ready = inst_reg == S_IDLE && !pk_reg && !ex_busy;
wire key_take = key_valid && key_ready;
wire inject_h = inst_reg == S_HINJ && ce;

aes_key_expand #(.NUM_SA(NUM_SA)) u_expand (
	.clk(clk), .rst(rst), .start(key_take), .key(in_key), .key_len_code(key_len_code),
	.sa(key_sa), .busy(ex_busy), .done(ex_done), .kw_en(kw_en), .kw_round(kw_round),
	.kw_sa(kw_sa), .kw_data(kw_data), .kw_nr_code(kw_nr_code)
);

always @(posedge clk) begin
	case (inst_reg)
	S_IDLE:   if (key_take && key_len_code != 2'd3) begin
			inst_reg <= S_EXPAND;
			inst_sa_reg <= key_sa;
		  end
	S_EXPAND: if (ex_done) inst_reg <= S_HINJ;
	S_HINJ:   if (ce) inst_reg <= S_HWAIT;
	default:  if (h_done) inst_reg <= S_IDLE;
	endcase
	if (rst)
		inst_reg <= S_IDLE;
end

// ---- input stage: classify the beat, build the counter block ----
reg  [AAD_LEN_W-1:0] aad_rem_reg;
reg  [LEN_W-1:0]     data_rem_reg;
reg  [31:0]          ctr_reg;
reg  [SA_W-1:0]      sa_reg;
reg  [95:0]          nonce_reg;
reg                  dec_reg;
reg  [AAD_LEN_W-1:0] aadl_reg;
reg  [LEN_W-1:0]     datal_reg;

assign s_axis_tready = ce && inst_reg == S_IDLE && !(key_valid && !pk_reg);
wire take = s_axis_tvalid && s_axis_tready;

wire [AAD_LEN_W-1:0] e_aad_rem  = pk_reg ? aad_rem_reg : s_axis_aad_len;
wire [LEN_W-1:0]     e_data_rem = pk_reg ? data_rem_reg : s_axis_data_len;
wire [31:0]          e_ctr      = pk_reg ? ctr_reg : 32'd2;
wire [SA_W-1:0]      e_sa       = pk_reg ? sa_reg : s_axis_sa;
wire [95:0]          e_nonce    = pk_reg ? nonce_reg : in_nonce;
wire                 e_dec      = pk_reg ? dec_reg : s_axis_decrypt;
wire [AAD_LEN_W-1:0] e_aadl     = pk_reg ? aadl_reg : s_axis_aad_len;
wire [LEN_W-1:0]     e_datal    = pk_reg ? datal_reg : s_axis_data_len;

wire       is_aad  = e_aad_rem != {AAD_LEN_W{1'b0}};
wire       is_data = !is_aad && e_data_rem != {LEN_W{1'b0}};
wire       aad_big = e_aad_rem >= 16;
wire       data_big = e_data_rem >= 16;
wire [4:0] nb = is_aad ? (aad_big ? 5'd16 : e_aad_rem[4:0]) :
		is_data ? (data_big ? 5'd16 : e_data_rem[4:0]) : 5'd16;

reg               v_i;
reg [127:0]       blk_i;      // counter block (or zero for H)
reg [SIDE_W-1:0]  side_i;

always @(posedge clk) begin
	if (take) begin
		pk_reg <= is_aad || is_data;
		aad_rem_reg <= is_aad ? e_aad_rem - {{(AAD_LEN_W - 5){1'b0}}, nb} : e_aad_rem;
		data_rem_reg <= is_data ? e_data_rem - {{(LEN_W - 5){1'b0}}, nb} : e_data_rem;
		ctr_reg <= is_data ? e_ctr + 32'd1 : e_ctr;
		sa_reg <= e_sa;
		nonce_reg <= e_nonce;
		dec_reg <= e_dec;
		aadl_reg <= e_aadl;
		datal_reg <= e_datal;
	end
	if (ce) begin
		v_i <= take || inject_h;
		if (inject_h) begin
			blk_i <= 128'h0;
			side_i <= {T_HKEY, 5'd16, 128'h0, 1'b0, {AAD_LEN_W{1'b0}}, {LEN_W{1'b0}},
				   inst_sa_reg, 1'b0};
		end else begin
			blk_i <= {e_nonce, is_data ? e_ctr : 32'd1};
			side_i <= {is_aad ? T_AAD : is_data ? T_DATA : T_TAG, nb, in_data, e_dec, e_aadl,
				   e_datal, e_sa, !pk_reg};
		end
	end
	if (rst) begin
		pk_reg <= 1'b0;
		v_i <= 1'b0;
	end
end

// ---- cipher and the side information travelling beside it ----
wire [127:0] ks;
aes_cipher_core #(.NUM_SA(NUM_SA)) u_cipher (
	.clk(clk), .rst(rst), .ce(ce), .in_block(blk_i), .in_sa(side_i[SA_W:1]), .out_block(ks),
	.kw_en(kw_en), .kw_round(kw_round), .kw_sa(kw_sa), .kw_data(kw_data), .kw_nr_code(kw_nr_code)
);

reg              v_d    [0:DELAY-1];
reg [SIDE_W-1:0] side_d [0:DELAY-1];
reg              v_e;
reg [SIDE_W-1:0] side_e;
integer i;
always @(posedge clk) begin
	if (ce) begin
		v_d[0] <= v_i;
		side_d[0] <= side_i;
		for (i = 1; i < DELAY; i = i + 1) begin
			v_d[i] <= v_d[i - 1];
			side_d[i] <= side_d[i - 1];
		end
		v_e <= v_d[DELAY - 1];
		side_e <= side_d[DELAY - 1];
	end
	if (rst) begin
		for (i = 0; i < DELAY; i = i + 1)
			v_d[i] <= 1'b0;
		v_e <= 1'b0;
	end
end

// ---- E stage: keystream XOR, GHASH, tag ----
wire [1:0]           type_e  = side_e[SIDE_W-1 -: 2];
wire [4:0]           nb_e    = side_e[SIDE_W-3 -: 5];
wire [127:0]         data_e  = side_e[SIDE_W-8 -: 128];
wire                 dec_e   = side_e[SIDE_W-136];
wire [AAD_LEN_W-1:0] aadl_e  = side_e[LEN_W + SA_W + 1 +: AAD_LEN_W];
wire [LEN_W-1:0]     datal_e = side_e[SA_W + 1 +: LEN_W];
wire [SA_W-1:0]      sa_e    = side_e[1 +: SA_W];
wire                 first_e = side_e[0];
wire [127:0]         h_e;

aes_key_mem #(.DEPTH(NUM_SA), .WIDTH(128)) u_hmem (
	.clk(clk), .wr_en(ce && v_e && type_e == T_HKEY), .wr_addr(sa_e), .wr_data(ks),
	.rd_en(ce), .rd_addr(side_d[DELAY - 1][1 +: SA_W]), .rd_data(h_e)
);

wire [127:0] mask_e;
wire [15:0]  keep_e;
generate
	for (k = 0; k < 16; k = k + 1) begin : g_mask
		assign mask_e[127 - 8 * k -: 8] = (k < nb_e) ? 8'hff : 8'h00;
		assign keep_e[k] = k < nb_e;
	end
endgenerate

wire [127:0] x_e = (data_e ^ ks) & mask_e;
wire [127:0] lenblk_e = {{(61 - AAD_LEN_W){1'b0}}, aadl_e, 3'b000, {(61 - LEN_W){1'b0}}, datal_e, 3'b000};
wire [127:0] g_in = type_e == T_TAG ? lenblk_e :
		    (type_e == T_AAD || dec_e) ? data_e & mask_e : x_e;
wire [127:0] y_next;
wire [127:0] tag_e = y_next ^ ks;

gcm_ghash u_ghash (
	.clk(clk), .rst(rst), .absorb(ce && v_e && type_e != T_HKEY), .first(first_e),
	.in_block(g_in), .h(h_e), .y_next(y_next)
);

always @(posedge clk) begin
	h_done <= ce && v_e && type_e == T_HKEY;
	if (ce) begin
		m_axis_tvalid <= v_e && (type_e == T_DATA || type_e == T_TAG);
		out_data_reg <= type_e == T_TAG ? tag_e : x_e;
		m_axis_tkeep <= keep_e;
		m_axis_tlast <= type_e == T_TAG;
		m_axis_tuser <= {type_e == T_TAG && (!dec_e || tag_e == data_e), type_e == T_TAG};
	end
	if (rst) begin
		m_axis_tvalid <= 1'b0;
		h_done <= 1'b0;
	end
end

endmodule

`default_nettype wire
