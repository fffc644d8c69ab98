// SPDX-License-Identifier: Apache-2.0
// Carry-less product of two W-bit polynomials by one Karatsuba step: three W/2-bit schoolbook
// products instead of four (bit i = coefficient of x^i).
`default_nettype none

module gcm_clmul_kara #(
	parameter W = 64 // operand width in bits; even, 4..128
) (
	input  wire [W-1:0]   a,
	input  wire [W-1:0]   b,
	output wire [2*W-2:0] p
);

localparam HW = W / 2;

generate
	if (W < 4 || W > 128 || W % 2 != 0) begin : g_bad_w
		gcm_clmul_kara_bad_W u_stop ();
	end
endgenerate

wire [2*HW-2:0] lo, hi, mid;

gcm_clmul #(.W(HW)) u_lo (.a(a[HW-1:0]), .b(b[HW-1:0]), .p(lo));
gcm_clmul #(.W(HW)) u_hi (.a(a[W-1:HW]), .b(b[W-1:HW]), .p(hi));
gcm_clmul #(.W(HW)) u_mid (.a(a[HW-1:0] ^ a[W-1:HW]), .b(b[HW-1:0] ^ b[W-1:HW]), .p(mid));

// (a1 x^h + a0)(b1 x^h + b0) = a1b1 x^2h + ((a0+a1)(b0+b1) + a0b0 + a1b1) x^h + a0b0
assign p = {{(W){1'b0}}, lo} ^ {{(HW){1'b0}}, mid ^ lo ^ hi, {(HW){1'b0}}} ^ {hi, {(W){1'b0}}};

endmodule

`default_nettype wire
