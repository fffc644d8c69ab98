// SPDX-License-Identifier: Apache-2.0
// Rotator of a packet-slot access point (pkt_port): rotates BYTES units (bytes, or byte enables)
// by sh, as a logarithmic shifter ($clog2(BYTES) stages of 2:1 multiplexers) rather than one
// BYTES:1 multiplexer per output unit.
`default_nettype none

// LEFT = 1: unit i of d goes to unit (i + sh) % BYTES of q (access bytes onto banks).
// LEFT = 0: unit i of q is unit (i + sh) % BYTES of d (banks back to access bytes).
module pkt_rot #(
	parameter BYTES = 16, // units rotated: power of two, >= 2
	parameter UNIT = 8,   // bits per unit: 8 for data, 1 for byte enables
	parameter LEFT = 1    // 1: rotate towards higher unit indices, 0: towards lower
) (
	input  wire [UNIT*BYTES-1:0]      d,
	input  wire [$clog2(BYTES)-1:0]   sh,
	output wire [UNIT*BYTES-1:0]      q
);

localparam W = UNIT * BYTES;
localparam SH_W = $clog2(BYTES);

generate
	if (BYTES < 2 || (BYTES & (BYTES - 1)) != 0) begin : g_bad_bytes
		pkt_rot_bad_BYTES u_stop ();
	end
endgenerate

// Stage k adds a rotation by 2^k units when sh[k] is set (the loop unrolls into SH_W stages).
reg [W-1:0] x;
integer k;
always @(*) begin
	x = d;
	for (k = 0; k < SH_W; k = k + 1)
		if (sh[k]) begin
			if (LEFT != 0)
				x = (x << (UNIT << k)) | (x >> (W - (UNIT << k)));
			else
				x = (x >> (UNIT << k)) | (x << (W - (UNIT << k)));
		end
end

assign q = x;

endmodule

`default_nettype wire
