// SPDX-License-Identifier: Apache-2.0
// Multiplication in GF(2^128) with the GCM bit order (SP 800-38D 6.3), combinational.
`default_nettype none

// Bit 127 of a vector is the coefficient of x^0 (the top bit of block byte 0), so multiplying by x
// is a right shift, and x^128 = 1 + x + x^2 + x^7 folds back as 8'he1 at the top.
module gcm_gf_mult (
	input  wire [127:0] a,
	input  wire [127:0] b,
	output reg  [127:0] p
);

// Carry-less product by two Karatsuba levels (nine 32x32 schoolbook products: 9216 AND terms
// instead of 16384), then reduction. Inside, bit i is the coefficient of x^i.
wire [127:0] ar, br;  // a and b in x^i order
wire [63:0]  a0 = ar[63:0], a1 = ar[127:64], b0 = br[63:0], b1 = br[127:64];
wire [126:0] lo, hi, mid;
genvar g;
generate
	for (g = 0; g < 128; g = g + 1) begin : g_rev
		assign ar[g] = a[127 - g];
		assign br[g] = b[127 - g];
	end
endgenerate

gcm_clmul_kara #(.W(64)) u_lo (.a(a0), .b(b0), .p(lo));
gcm_clmul_kara #(.W(64)) u_hi (.a(a1), .b(b1), .p(hi));
gcm_clmul_kara #(.W(64)) u_mid (.a(a0 ^ a1), .b(b0 ^ b1), .p(mid));

wire [254:0] prod = {128'h0, lo} ^ {64'h0, mid ^ lo ^ hi, 64'h0} ^ {hi, 128'h0};

reg [254:0] c;
integer i;
always @* begin
	c = prod;
	// x^k = x^(k-128) (1 + x + x^2 + x^7), from the top down so folded terms fold again.
	for (i = 254; i >= 128; i = i - 1) begin
		c[i - 128] = c[i - 128] ^ c[i];
		c[i - 127] = c[i - 127] ^ c[i];
		c[i - 126] = c[i - 126] ^ c[i];
		c[i - 121] = c[i - 121] ^ c[i];
	end
	for (i = 0; i < 128; i = i + 1)
		p[127 - i] = c[i];
end

endmodule

`default_nettype wire
