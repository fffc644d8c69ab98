// SPDX-License-Identifier: Apache-2.0
// GHASH accumulator (SP 800-38D 6.4): Y = (Y ^ X) * H for one block per enabled cycle.
`default_nettype none

// The loop is one multiply deep: Y_reg -> XOR -> multiplier -> Y_reg, so a block is absorbed every
// cycle without interleaving, and the multiplier (gcm_gf_mult, two Karatsuba levels) has no
// pipeline registers. That is the timing-critical path of the lane; if it does not close at the
// target clock, the next step is the aggregated form (blocks i mod D multiplied by H^D, the last D
// by H^D..H^1, prepared per SA at install) with a D-stage multiplier. H is supplied per block (the
// packet's SA slot), so back-to-back packets of different SAs need no bubble. y_next is also an
// output: the tag is taken from it in the cycle the length block is absorbed.
module gcm_ghash (
	input  wire         clk,
	input  wire         rst,
	input  wire         absorb,  // take in_block this cycle
	input  wire         first,   // in_block starts a new hash (Y = 0 before it)
	input  wire [127:0] in_block,
	input  wire [127:0] h,
	output wire [127:0] y_next   // (Y ^ in_block) * H, Y = 0 when first
);

reg [127:0] y_reg;

gcm_gf_mult u_mult (.a((first ? 128'h0 : y_reg) ^ in_block), .b(h), .p(y_next));

always @(posedge clk) begin
	if (absorb)
		y_reg <= y_next;
	if (rst)
		y_reg <= 128'h0;
end

endmodule

`default_nettype wire
