// SPDX-License-Identifier: Apache-2.0
// Carry-less (GF(2)[x]) schoolbook product of two W-bit polynomials, bit i = coefficient of x^i.
`default_nettype none

// keep_hierarchy: ABC maps this AND/XOR array well on its own; flattened into the Karatsuba
// pre- and post-additions it is restructured into about twice the LUTs.
(* keep_hierarchy *)
module gcm_clmul #(
	parameter W = 32 // operand width in bits; 2..128
) (
	input  wire [W-1:0]   a,
	input  wire [W-1:0]   b,
	output reg  [2*W-2:0] p
);

generate
	if (W < 2 || W > 128) begin : g_bad_w
		gcm_clmul_bad_W u_stop ();
	end
endgenerate

// One shifted copy of a per bit of b: the same AND/XOR array as a bit-by-bit loop, but W
// word-wide operations for a simulator instead of W * W single-bit ones.
integer j;
always @* begin
	p = {(2 * W - 1){1'b0}};
	for (j = 0; j < W; j = j + 1)
		p = p ^ ({{(W - 1){1'b0}}, a & {W{b[j]}}} << j);
end

endmodule

`default_nettype wire
