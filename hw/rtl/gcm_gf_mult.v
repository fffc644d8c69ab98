// SPDX-License-Identifier: Apache-2.0
// Multiplication in GF(2^128) with the GCM bit order (SP 800-38D 6.3), combinational.
`default_nettype none

// Bit 127 of a vector is the coefficient of x^0 (the top bit of block byte 0), so multiplying by x
// is a right shift, and x^128 = 1 + x + x^2 + x^7 folds back as 8'he1 at the top.
module gcm_gf_mult (
	input  wire [127:0] a,
	input  wire [127:0] b,
	output wire [127:0] p
);

// Carry-less product by two Karatsuba levels (nine 32x32 schoolbook products: 9216 AND terms
// instead of 16384), then reduction. The product is taken of the vectors as they are: reversing
// both operands reverses their carry-less product, so q bit m is the coefficient of x^(254 - m)
// and no bit needs reordering (which a simulator would do one bit at a time).
wire [63:0]  a0 = a[63:0], a1 = a[127:64], b0 = b[63:0], b1 = b[127:64];
wire [126:0] lo, hi, mid;

gcm_clmul_kara #(.W(64)) u_lo (.a(a0), .b(b0), .p(lo));
gcm_clmul_kara #(.W(64)) u_hi (.a(a1), .b(b1), .p(hi));
gcm_clmul_kara #(.W(64)) u_mid (.a(a0 ^ a1), .b(b0 ^ b1), .p(mid));

wire [254:0] q = {128'h0, lo} ^ {64'h0, mid ^ lo ^ hi, 64'h0} ^ {hi, 128'h0};

// q[254:127] are x^127..x^0, already in place. q[126:0] are x^254..x^128: as t (bit v is
// x^(133 - v) of q[126:0] / x^128) they are multiplied by 1 + x + x^2 + x^7 (right shifts), which
// reaches x^133; its bits x^133..x^128 (t[5:0]) fold once more, as u, and stay below x^13.
wire [133:0] l = {q[126:0], 7'h0};
wire [133:0] t = l ^ (l >> 1) ^ (l >> 2) ^ (l >> 7);
wire [127:0] u = {t[5:0], 122'h0};

assign p = q[254:127] ^ t[133:6] ^ u ^ (u >> 1) ^ (u >> 2) ^ (u >> 7);

endmodule

`default_nettype wire
