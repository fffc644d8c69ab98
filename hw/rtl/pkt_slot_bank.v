// SPDX-License-Identifier: Apache-2.0
// One byte-wide bank of a packet slot (pkt_slot): a true dual-port RAM, registered reads with
// enable, so that it maps onto one block RAM per bank.
`default_nettype none

module pkt_slot_bank #(
	parameter DEPTH = 140 // rows (bytes of this bank); at least 2
) (
	input  wire                     clk,
	input  wire                     a_re,   // read: a_dout = old byte at a_addr, next cycle
	input  wire                     a_we,   // write a_din at a_addr
	input  wire [$clog2(DEPTH)-1:0] a_addr,
	input  wire [7:0]               a_din,
	output reg  [7:0]               a_dout,
	input  wire                     b_re,
	input  wire                     b_we,
	input  wire [$clog2(DEPTH)-1:0] b_addr,
	input  wire [7:0]               b_din,
	output reg  [7:0]               b_dout
);

generate
	if (DEPTH < 2) begin : g_bad_depth
		pkt_slot_bank_bad_DEPTH u_stop ();
	end
endgenerate

(* ram_style = "block" *)
reg [7:0] mem [0:DEPTH-1];

// Read-first on each port; a read of a byte the other port writes in the same cycle returns
// either value, and two writes of one byte leave either (as block RAM does).
always @(posedge clk) begin
	if (a_re)
		a_dout <= mem[a_addr];
	if (a_we)
		mem[a_addr] <= a_din;
end

always @(posedge clk) begin
	if (b_re)
		b_dout <= mem[b_addr];
	if (b_we)
		mem[b_addr] <= b_din;
end

endmodule

`default_nettype wire
