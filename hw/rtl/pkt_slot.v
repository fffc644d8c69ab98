// SPDX-License-Identifier: Apache-2.0
// One packet slot's buffer (struct vrfsec_pkt.buf, VRFSEC_BUF_SIZE bytes) as DATA_WIDTH/8
// byte-wide banks: bank b holds the bytes whose offset % (DATA_WIDTH/8) == b, so any run of up to
// DATA_WIDTH/8 consecutive bytes at any offset is one access. Two independent ports.
`default_nettype none

// Each port: rd and/or wr with addr (byte offset of access byte 0). Write: byte i of wdata goes to
// buf[addr + i] where wbe[i] is set, at the clock edge. Read: rdata = buf[addr .. addr+NB-1] in
// the cycle after rd (held until the next rd); bytes past VRFSEC_BUF_SIZE read as 0 and are never
// written. rd and wr together on one port read the old bytes. When the two ports touch the same byte
// in one cycle, a write by one and a read by the other returns either value, and so do two writes
// (the users of a slot never do either). The stage header port (16 bytes) is the low 16 bytes and
// wbe bits of a port.
module pkt_slot #(
	parameter DATA_WIDTH = 128 // bits per access: 128, 256 or 512
) (
	input  wire                    clk,
	input  wire                    a_rd,
	input  wire                    a_wr,
	input  wire [11:0]             a_addr,
	input  wire [DATA_WIDTH-1:0]   a_wdata,
	input  wire [DATA_WIDTH/8-1:0] a_wbe,
	output wire [DATA_WIDTH-1:0]   a_rdata,
	input  wire                    b_rd,
	input  wire                    b_wr,
	input  wire [11:0]             b_addr,
	input  wire [DATA_WIDTH-1:0]   b_wdata,
	input  wire [DATA_WIDTH/8-1:0] b_wbe,
	output wire [DATA_WIDTH-1:0]   b_rdata
);

`include "vrfsec_layout.vh"

localparam NB = DATA_WIDTH / 8;                    // banks = bytes per access
localparam NB_W = $clog2(NB);
localparam [31:0] DEPTH = (L_BUF_SIZE + NB - 1) / NB; // rows per bank
localparam ROW_W = $clog2(DEPTH);
localparam RA_W = 12 - NB_W + 1;                     // row of any 12-bit address, plus a carry

generate
	if (DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin : g_bad_width
		pkt_slot_bad_DATA_WIDTH u_stop ();
	end
endgenerate

localparam [RA_W-1:0] DEPTH_R = DEPTH[RA_W-1:0];

// Rotate the access onto the banks: bank b takes access byte (b - addr) mod NB, at row
// addr / NB, or one row further for the banks before addr % NB (the borrow of b - addr % NB).
wire [NB_W-1:0]     a_sh = a_addr[NB_W-1:0];
wire [NB_W-1:0]     b_sh = b_addr[NB_W-1:0];
wire [RA_W-1:0]     a_row0 = {1'b0, a_addr[11:NB_W]};
wire [RA_W-1:0]     b_row0 = {1'b0, b_addr[11:NB_W]};

wire [DATA_WIDTH-1:0] a_q, b_q;      // bank outputs, bank b in byte b
reg  [NB-1:0]       a_in_reg, b_in_reg; // bank's byte of the last read lies inside the buffer
reg  [NB_W-1:0]     a_sh_reg, b_sh_reg;
wire [NB-1:0]       a_in, b_in;
wire [DATA_WIDTH-1:0] a_rd_w, b_rd_w;

genvar b;
generate
	for (b = 0; b < NB; b = b + 1) begin : g_bank
		localparam [NB_W-1:0] BI = b;
		wire [NB_W:0]   a_d = {1'b0, BI} - {1'b0, a_sh};  // [NB_W]: bank before addr % NB
		wire [NB_W:0]   b_d = {1'b0, BI} - {1'b0, b_sh};
		wire [NB_W-1:0] a_i = a_d[NB_W-1:0];              // access byte this bank takes
		wire [NB_W-1:0] b_i = b_d[NB_W-1:0];
		wire [RA_W-1:0] a_row = a_row0 + {{(RA_W - 1){1'b0}}, a_d[NB_W]};
		wire [RA_W-1:0] b_row = b_row0 + {{(RA_W - 1){1'b0}}, b_d[NB_W]};
		wire            a_we = a_wr && a_wbe[a_i] && a_in[b];
		wire            b_we = b_wr && b_wbe[b_i] && b_in[b];
		wire [NB_W-1:0] a_src = BI + a_sh_reg;             // bank feeding access byte b
		wire [NB_W-1:0] b_src = BI + b_sh_reg;

		// DEPTH * NB == L_BUF_SIZE for the supported widths, so "row exists" is "byte exists".
		assign a_in[b] = a_row < DEPTH_R;
		assign b_in[b] = b_row < DEPTH_R;
		pkt_slot_bank #(.DEPTH(DEPTH)) u_bank (
			.clk(clk),
			.a_re(a_rd), .a_we(a_we), .a_addr(a_row[ROW_W-1:0]),
			.a_din(a_wdata[8 * a_i +: 8]), .a_dout(a_q[8 * b +: 8]),
			.b_re(b_rd), .b_we(b_we), .b_addr(b_row[ROW_W-1:0]),
			.b_din(b_wdata[8 * b_i +: 8]), .b_dout(b_q[8 * b +: 8])
		);
		// Rotate back, zero outside the buffer.
		assign a_rd_w[8 * b +: 8] = a_in_reg[a_src] ? a_q[8 * a_src +: 8] : 8'h00;
		assign b_rd_w[8 * b +: 8] = b_in_reg[b_src] ? b_q[8 * b_src +: 8] : 8'h00;
	end
endgenerate

always @(posedge clk) begin
	if (a_rd) begin
		a_in_reg <= a_in;
		a_sh_reg <= a_sh;
	end
	if (b_rd) begin
		b_in_reg <= b_in;
		b_sh_reg <= b_sh;
	end
end

assign a_rdata = a_rd_w;
assign b_rdata = b_rd_w;

endmodule

`default_nettype wire
