// SPDX-License-Identifier: Apache-2.0
// One round key per SA slot: written when an SA is installed, read once per block (registered
// read with enable, so it maps to LUTRAM or block RAM).
`default_nettype none

module aes_key_mem #(
	parameter DEPTH = 16, // SA slots; a power of two, at least 2
	parameter WIDTH = 128 // bits per entry
) (
	input  wire                     clk,
	input  wire                     wr_en,
	input  wire [$clog2(DEPTH)-1:0] wr_addr,
	input  wire [WIDTH-1:0]         wr_data,
	input  wire                     rd_en,
	input  wire [$clog2(DEPTH)-1:0] rd_addr,
	output reg  [WIDTH-1:0]         rd_data
);

generate
	if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_bad_depth
		// No such module: elaboration stops here, in Verilator and in Yosys (hierarchy -check).
		aes_key_mem_bad_DEPTH u_stop ();
	end
endgenerate

// Block RAM even for few slots: key memories are wide and shallow, and LUTs are the scarce
// resource of a GCM lane.
(* ram_style = "block" *)
reg [WIDTH-1:0] mem [0:DEPTH-1];

always @(posedge clk) begin
	if (wr_en)
		mem[wr_addr] <= wr_data;
	if (rd_en)
		rd_data <= mem[rd_addr];
end

endmodule

`default_nettype wire
