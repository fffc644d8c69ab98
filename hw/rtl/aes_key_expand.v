// SPDX-License-Identifier: Apache-2.0
// AES key expansion (FIPS 197 5.2), one schedule word per cycle, run once when an SA is installed:
// writes round keys 0..Nr of the slot into the cipher's key memories (44/52/60 cycles).
`default_nettype none

module aes_key_expand #(
	parameter NUM_SA = 16 // SA slots; a power of two, at least 2
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      start,      // accepted when !busy
	input  wire [255:0]              key,        // key byte 0 in [255:248]; 128/192-bit keys left-aligned
	input  wire [1:0]                key_len_code, // 0: AES-128, 1: AES-192, 2: AES-256 (3: start ignored)
	input  wire [$clog2(NUM_SA)-1:0] sa,
	output wire                      busy,
	output reg                       done,       // one cycle, after the last round key is written
	output reg                       kw_en,
	output reg  [3:0]                kw_round,
	output reg  [$clog2(NUM_SA)-1:0] kw_sa,
	output reg  [127:0]              kw_data,
	output reg  [1:0]                kw_nr_code
);

localparam SA_W = $clog2(NUM_SA);

generate
	if (NUM_SA < 2 || (NUM_SA & (NUM_SA - 1)) != 0) begin : g_bad_num_sa
		aes_key_expand_bad_NUM_SA u_stop ();
	end
endgenerate

reg          busy_reg;
reg  [5:0]   i_reg;      // word index being produced
reg  [3:0]   nk_reg;     // key words: 4, 6 or 8
reg  [2:0]   cnt_reg;    // i % Nk (Nk - 1 is 3, 5 or 7 in three bits)
reg  [7:0]   rcon_reg;   // x^(i / Nk - 1)
reg  [1:0]   code_reg;
reg  [SA_W-1:0] sa_reg;
reg  [255:0] key_reg;    // key words, shifted left as they are used
reg  [255:0] win_reg;    // w[i-1] in [31:0] ... w[i-8] in [255:224]
reg  [95:0]  rkbuf_reg;  // the first three words of the round key being assembled

wire [31:0] prev = win_reg[31:0];
wire [31:0] back = (nk_reg == 4'd4) ? win_reg[127:96] : (nk_reg == 4'd6) ? win_reg[191:160] : win_reg[255:224];
wire        rot = (cnt_reg == 3'd0);
wire [31:0] sub_in = rot ? {prev[23:0], prev[31:24]} : prev;
wire [31:0] sub_out;
wire [5:0]  total = {nk_reg, 2'b00} + 6'd28; // 4 * (Nk + 7)
wire [31:0] w;

genvar k;
generate
	for (k = 0; k < 4; k = k + 1) begin : g_sub
		aes_sbox u_sbox (.in_byte(sub_in[31 - 8 * k -: 8]), .out_byte(sub_out[31 - 8 * k -: 8]));
	end
endgenerate

assign w = (i_reg < {2'b00, nk_reg}) ? key_reg[255:224] :
	   rot ? back ^ sub_out ^ {rcon_reg, 24'h0} :
	   (nk_reg == 4'd8 && cnt_reg == 3'd4) ? back ^ sub_out : back ^ prev;
assign busy = busy_reg;

always @(posedge clk) begin
	kw_en <= 1'b0;
	done <= 1'b0;
	if (!busy_reg) begin
		if (start && key_len_code != 2'd3) begin
			busy_reg <= 1'b1;
			i_reg <= 6'd0;
			nk_reg <= 4'd4 + {1'b0, key_len_code, 1'b0};
			cnt_reg <= 3'd0;
			rcon_reg <= 8'h01;
			code_reg <= key_len_code;
			sa_reg <= sa;
			key_reg <= key;
		end
	end else begin
		win_reg <= {win_reg[223:0], w};
		key_reg <= {key_reg[223:0], 32'h0};
		rkbuf_reg <= {rkbuf_reg[63:0], w};
		i_reg <= i_reg + 6'd1;
		cnt_reg <= (cnt_reg == nk_reg[2:0] - 3'd1) ? 3'd0 : cnt_reg + 3'd1;
		if (rot && i_reg >= {2'b00, nk_reg})
			rcon_reg <= {rcon_reg[6:0], 1'b0} ^ (rcon_reg[7] ? 8'h1b : 8'h00);
		if (i_reg[1:0] == 2'd3) begin
			kw_en <= 1'b1;
			kw_round <= i_reg[5:2];
			kw_sa <= sa_reg;
			kw_data <= {rkbuf_reg, w};
			kw_nr_code <= code_reg;
		end
		if (i_reg == total - 6'd1) begin
			busy_reg <= 1'b0;
			done <= 1'b1;
		end
	end
	if (rst) begin
		busy_reg <= 1'b0;
		kw_en <= 1'b0;
		done <= 1'b0;
	end
end

endmodule

`default_nettype wire
