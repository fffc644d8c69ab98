// SPDX-License-Identifier: Apache-2.0
// A packet slot with an access point on each port (pkt_slot + two pkt_port): a buffer that takes a
// run of bytes at any offset per port and access, as the pipeline's units see a slot. The
// pipeline shares its access points among the slots; this module is the unit of the end-to-end
// testbench (pkt_slot_tb).
`default_nettype none

// Each port: rd and/or wr with addr (byte offset of access byte 0), A_BYTES or B_BYTES bytes wide.
// Write: byte i of wdata goes to buf[addr + i] where wbe[i] is set, at the clock edge. Read: rdata
// = buf[addr ..] in the cycle after rd (held until the next rd); bytes past VRFSEC_BUF_SIZE read as
// 0 and are never written. rd and wr together on one port read the old bytes. When the two ports
// touch the same byte in one cycle, a write by one and a read by the other returns either value,
// and so do two writes.
module pkt_slot_rot #(
	parameter DATA_WIDTH = 128,          // slot width: DATA_WIDTH/8 banks (128, 256 or 512)
	parameter A_BYTES = DATA_WIDTH / 8,  // bytes per access of port a: power of two, <= banks
	parameter B_BYTES = 16               // bytes per access of port b: power of two, <= banks
) (
	input  wire                 clk,
	input  wire                 a_rd,
	input  wire                 a_wr,
	input  wire [11:0]          a_addr,
	input  wire [8*A_BYTES-1:0] a_wdata,
	input  wire [A_BYTES-1:0]   a_wbe,
	output wire [8*A_BYTES-1:0] a_rdata,
	input  wire                 b_rd,
	input  wire                 b_wr,
	input  wire [11:0]          b_addr,
	input  wire [8*B_BYTES-1:0] b_wdata,
	input  wire [B_BYTES-1:0]   b_wbe,
	output wire [8*B_BYTES-1:0] b_rdata
);

localparam NB = DATA_WIDTH / 8;
localparam ROW_W = 12 - $clog2(NB);

wire [ROW_W-1:0]      a_row, b_row;
wire [NB-1:0]         a_nxt, b_nxt, a_we, b_we;
wire [8*A_BYTES-1:0]  a_sw;
wire [8*B_BYTES-1:0]  b_sw;
wire [DATA_WIDTH-1:0] a_q, b_q;

pkt_port #(.DATA_WIDTH(DATA_WIDTH), .BYTES(A_BYTES)) u_pa (
	.clk(clk), .rd(a_rd), .wr(a_wr), .addr(a_addr), .wdata(a_wdata), .wbe(a_wbe),
	.rdata(a_rdata), .s_row(a_row), .s_nxt(a_nxt), .s_we(a_we), .s_wdata(a_sw), .s_q(a_q)
);
pkt_port #(.DATA_WIDTH(DATA_WIDTH), .BYTES(B_BYTES)) u_pb (
	.clk(clk), .rd(b_rd), .wr(b_wr), .addr(b_addr), .wdata(b_wdata), .wbe(b_wbe),
	.rdata(b_rdata), .s_row(b_row), .s_nxt(b_nxt), .s_we(b_we), .s_wdata(b_sw), .s_q(b_q)
);
pkt_slot #(.DATA_WIDTH(DATA_WIDTH)) u_slot (
	.clk(clk),
	.a_rd(a_rd), .a_row(a_row), .a_nxt(a_nxt), .a_we(a_we), .a_wdata({(NB / A_BYTES){a_sw}}),
	.a_q(a_q),
	.b_rd(b_rd), .b_row(b_row), .b_nxt(b_nxt), .b_we(b_we), .b_wdata({(NB / B_BYTES){b_sw}}),
	.b_q(b_q)
);

endmodule

`default_nettype wire
