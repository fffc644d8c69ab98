// SPDX-License-Identifier: Apache-2.0
// One access point to the packet slots (pkt_slot): turns a run of BYTES bytes at any offset into
// bank rows, enables and pre-rotated write data, and the raw bank bytes of the selected slot back
// into the run. One per accessing unit and port, after the slot-select multiplexers, so the
// rotators exist once per accessor rather than once per slot.
`default_nettype none

// Accessor side, as a slot port of BYTES bytes: rd and/or wr with addr (byte offset of access byte
// 0). Write: byte i of wdata goes to buf[addr + i] where wbe[i] is set. Read: rdata = buf[addr ..
// addr+BYTES-1] in the cycle after rd, held until the next rd as long as s_q holds (the caller keeps
// the same slot on s_q); bytes past VRFSEC_BUF_SIZE read as 0 and are never written.
// Slot side (pkt_slot port): s_row, s_nxt and s_we go to the slot with rd; the slot's bank b takes
// byte b % BYTES of s_wdata (the caller repeats s_wdata across the DATA_WIDTH/8 banks, which costs
// no logic); s_q is the slot's raw bank output (bank b in byte b).
module pkt_port #(
	parameter DATA_WIDTH = 128, // slot width (pkt_slot DATA_WIDTH): DATA_WIDTH/8 banks
	parameter BYTES = 16        // bytes per access: power of two, 2 .. DATA_WIDTH/8
) (
	input  wire                             clk,
	input  wire                             rd,
	input  wire                             wr,
	input  wire [11:0]                      addr,
	input  wire [8*BYTES-1:0]               wdata,
	input  wire [BYTES-1:0]                 wbe,
	output wire [8*BYTES-1:0]               rdata,
	output wire [11-$clog2(DATA_WIDTH/8):0] s_row,
	output wire [DATA_WIDTH/8-1:0]          s_nxt,
	output wire [DATA_WIDTH/8-1:0]          s_we,
	output wire [8*BYTES-1:0]               s_wdata,
	input  wire [DATA_WIDTH-1:0]            s_q
);

`include "vrfsec_layout.vh"

localparam NB = DATA_WIDTH / 8;                    // banks
localparam NB_W = $clog2(NB);
localparam BY_W = $clog2(BYTES);
localparam RA_W = 12 - NB_W + 1;                   // row of any 12-bit offset, plus a carry
localparam [31:0] DEPTH = (L_BUF_SIZE + NB - 1) / NB; // rows per bank
localparam [RA_W-1:0] DEPTH_R = DEPTH[RA_W-1:0];

generate
	if (DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin : g_bad_width
		pkt_port_bad_DATA_WIDTH u_stop ();
	end
	if (BYTES < 2 || BYTES > NB || (BYTES & (BYTES - 1)) != 0) begin : g_bad_bytes
		pkt_port_bad_BYTES u_stop ();
	end
endgenerate

// Bank b holds access byte (b - addr) mod NB, at row addr / NB, or one row further for the banks
// before addr % NB (the borrow of b - addr % NB). DEPTH * NB == L_BUF_SIZE for the supported
// widths, so "row exists" is "byte exists".
wire [NB_W-1:0] sh = addr[NB_W-1:0];
wire [RA_W-1:0] row0 = {1'b0, addr[11:NB_W]};
wire [NB-1:0]   in_buf, in_win;
wire [BYTES-1:0] wbe_rot;

assign s_row = addr[11:NB_W];

pkt_rot #(.BYTES(BYTES), .UNIT(8), .LEFT(1)) u_wrot (
	.d(wdata), .sh(addr[BY_W-1:0]), .q(s_wdata)
);
pkt_rot #(.BYTES(BYTES), .UNIT(1), .LEFT(1)) u_erot (
	.d(wbe), .sh(addr[BY_W-1:0]), .q(wbe_rot)
);

genvar b;
generate
	for (b = 0; b < NB; b = b + 1) begin : g_bank
		localparam [NB_W-1:0] BI = b;
		wire [NB_W:0]   dif = {1'b0, BI} - {1'b0, sh};   // [NB_W]: bank before addr % NB
		wire [RA_W-1:0] row = row0 + {{(RA_W - 1){1'b0}}, dif[NB_W]};
		assign s_nxt[b] = dif[NB_W];
		assign in_buf[b] = row < DEPTH_R;
		// the bank takes one of the BYTES access bytes (every bank when BYTES == NB)
		assign in_win[b] = {{(32 - NB_W){1'b0}}, dif[NB_W-1:0]} < BYTES;
		// wbe_rot repeats like s_wdata: its bit b % BYTES is the enable of this bank's byte
		assign s_we[b] = wr && in_buf[b] && in_win[b] && wbe_rot[b % BYTES];
	end
endgenerate

// ---- read: mask, fold and rotate back the raw bank bytes of the cycle after rd ----
reg  [NB_W-1:0]      sh_q;
reg  [NB-1:0]        in_q;
wire [DATA_WIDTH-1:0] z;          // bank bytes, 0 outside the buffer
wire [8*BYTES-1:0]   f;           // f byte k: the bank of the run whose index % BYTES == k

always @(posedge clk)
	if (rd) begin
		sh_q <= sh;
		in_q <= in_buf;
	end

generate
	for (b = 0; b < NB; b = b + 1) begin : g_mask
		assign z[8 * b +: 8] = in_q[b] ? s_q[8 * b +: 8] : 8'h00;
	end
	if (BYTES == NB) begin : g_full
		assign f = z;
	end else begin : g_fold
		// The run covers banks sh .. sh+BYTES-1 (mod NB): bank-group (sh / BYTES) from byte
		// sh % BYTES up, group sh / BYTES + 1 below it.
		localparam GW = NB_W - BY_W;
		wire [GW-1:0]   grp = sh_q[NB_W-1:BY_W];
		wire [BY_W-1:0] r = sh_q[BY_W-1:0];
		genvar k;
		for (k = 0; k < BYTES; k = k + 1) begin : g_k
			localparam [BY_W-1:0] KI = k;
			wire [BY_W:0] kd = {1'b0, KI} - {1'b0, r};   // [BY_W]: k < r
			wire [GW-1:0] g = kd[BY_W] ? grp + 1'b1 : grp;
			assign f[8 * k +: 8] = z[8 * (BYTES * g + k) +: 8];
		end
	end
endgenerate

pkt_rot #(.BYTES(BYTES), .UNIT(8), .LEFT(0)) u_rrot (
	.d(f), .sh(sh_q[BY_W-1:0]), .q(rdata)
);

endmodule

`default_nettype wire
