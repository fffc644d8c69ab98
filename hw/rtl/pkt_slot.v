// SPDX-License-Identifier: Apache-2.0
// One packet slot's buffer (struct vrfsec_pkt.buf, VRFSEC_BUF_SIZE bytes) as DATA_WIDTH/8
// byte-wide banks: bank b holds the bytes whose offset % (DATA_WIDTH/8) == b, row offset /
// (DATA_WIDTH/8). Two independent ports that take bank rows and enables and give raw bank bytes:
// the byte rotation of an access sits once per accessing unit (pkt_port), not in every slot.
`default_nettype none

// Each port: bank b reads and/or writes row (row + nxt[b]) (mod 2^ROW_W): a run of bytes that
// starts at offset addr takes row = addr / NB and nxt[b] = (b < addr % NB). Write: bank b takes
// byte b of wdata where we[b] is set, at the clock edge. Read: q byte b = bank b's byte in the cycle
// after rd (held until the next rd); rd and wr together read the old bytes. Rows past the buffer
// do not exist: the caller never enables a write there and ignores what such a read gives. When
// the two ports touch the same byte in one cycle, a write by one and a read by the other returns
// either value, and so do two writes (the users of a slot never do either).
module pkt_slot #(
	parameter DATA_WIDTH = 128 // bits per access: 128, 256 or 512
) (
	input  wire                               clk,
	input  wire                               a_rd,
	input  wire [11-$clog2(DATA_WIDTH/8):0]   a_row,
	input  wire [DATA_WIDTH/8-1:0]            a_nxt,
	input  wire [DATA_WIDTH/8-1:0]            a_we,
	input  wire [DATA_WIDTH-1:0]              a_wdata,
	output wire [DATA_WIDTH-1:0]              a_q,
	input  wire                               b_rd,
	input  wire [11-$clog2(DATA_WIDTH/8):0]   b_row,
	input  wire [DATA_WIDTH/8-1:0]            b_nxt,
	input  wire [DATA_WIDTH/8-1:0]            b_we,
	input  wire [DATA_WIDTH-1:0]              b_wdata,
	output wire [DATA_WIDTH-1:0]              b_q
);

`include "vrfsec_layout.vh"

localparam NB = DATA_WIDTH / 8;                    // banks = bytes per access
localparam NB_W = $clog2(NB);
localparam ROW_W = 12 - NB_W;                      // rows of a 12-bit offset
localparam [31:0] DEPTH = (L_BUF_SIZE + NB - 1) / NB; // rows per bank

generate
	if (DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin : g_bad_width
		pkt_slot_bad_DATA_WIDTH u_stop ();
	end
	// The row of a 12-bit offset must address every row of a bank, and no more than twice them.
	if (DEPTH > (1 << ROW_W) || 2 * DEPTH <= (1 << ROW_W)) begin : g_bad_depth
		pkt_slot_bad_DEPTH u_stop ();
	end
endgenerate

wire [ROW_W-1:0] a_row1 = a_row + 1'b1;
wire [ROW_W-1:0] b_row1 = b_row + 1'b1;

genvar b;
generate
	for (b = 0; b < NB; b = b + 1) begin : g_bank
		pkt_slot_bank #(.DEPTH(DEPTH)) u_bank (
			.clk(clk),
			.a_re(a_rd), .a_we(a_we[b]), .a_addr(a_nxt[b] ? a_row1 : a_row),
			.a_din(a_wdata[8 * b +: 8]), .a_dout(a_q[8 * b +: 8]),
			.b_re(b_rd), .b_we(b_we[b]), .b_addr(b_nxt[b] ? b_row1 : b_row),
			.b_din(b_wdata[8 * b +: 8]), .b_dout(b_q[8 * b +: 8])
		);
	end
endgenerate

endmodule

`default_nettype wire
