// SPDX-License-Identifier: Apache-2.0
// One pipelined AES encryption round from T-table lookups: state in, the round's result one
// enabled cycle later; a full round, the last round (no MixColumns) or a pass-through.
`default_nettype none

// Block byte k (FIPS 197 in[k], state s[k % 4][k / 4]) is bits 127-8k:120-8k. The lookups of
// state_in and round_key (from a registered key memory) arrive together, so state_out is the
// XOR of four lookups and the key after the registers.
module aes_round #(
	parameter CAN_LAST = 1, // 1: this stage may be the last round (Nr = its number)
	parameter CAN_PASS = 1  // 1: this stage may come after the last round (pass-through)
) (
	input  wire         clk,
	input  wire         ce,
	input  wire [127:0] state_in,
	input  wire [1:0]   mode_in,   // 0: full round, 1: last round, 2/3: pass
	input  wire [127:0] round_key, // aligned with state_out
	output reg  [127:0] state_out
);

generate
	if ((CAN_LAST != 0 && CAN_LAST != 1) || (CAN_PASS != 0 && CAN_PASS != 1)) begin : g_bad
		aes_round_bad_CAN_LAST_or_CAN_PASS u_stop ();
	end
endgenerate

wire [31:0]  t [0:15];     // t[k] = T[state_in byte k], registered
reg  [1:0]   mode_reg;
reg  [127:0] pass_reg;

genvar k;
generate
	for (k = 0; k < 16; k = k + 2) begin : g_lookup
		aes_ttable u_t (
			.clk(clk), .ce(ce), .addr_a(state_in[127 - 8 * k -: 8]),
			.addr_b(state_in[119 - 8 * k -: 8]), .t_a(t[k]), .t_b(t[k + 1])
		);
	end
	if (CAN_PASS) begin : g_pass
		always @(posedge clk)
			if (ce)
				pass_reg <= state_in;
	end else begin : g_no_pass
		always @* pass_reg = 128'h0;
	end
endgenerate

always @(posedge clk)
	if (ce)
		mode_reg <= mode_in;

// Column c takes row i from byte i + 4((c + i) % 4) (ShiftRows); row i's lookup is rotated
// right by 8i, so T serves all four rows of MixColumns.
integer c, i;
reg [31:0] col, sb;
reg [31:0] v;
always @* begin
	for (c = 0; c < 4; c = c + 1) begin
		col = 32'h0;
		sb = 32'h0;
		for (i = 0; i < 4; i = i + 1) begin
			v = t[i + 4 * ((c + i) % 4)];
			col = col ^ ((v >> (8 * i)) | (v << (32 - 8 * i)));
			sb[31 - 8 * i -: 8] = v[23:16];
		end
		if (CAN_PASS && mode_reg[1])
			state_out[127 - 32 * c -: 32] = pass_reg[127 - 32 * c -: 32];
		else if (CAN_LAST && mode_reg == 2'd1)
			state_out[127 - 32 * c -: 32] = sb ^ round_key[127 - 32 * c -: 32];
		else
			state_out[127 - 32 * c -: 32] = col ^ round_key[127 - 32 * c -: 32];
	end
end

endmodule

`default_nettype wire
