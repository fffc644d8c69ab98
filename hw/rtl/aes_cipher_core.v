// SPDX-License-Identifier: Apache-2.0
// Fully pipelined AES-128/192/256 encryption: one block per enabled cycle, 14 round stages, each
// with its own round-key memory read by the block's SA slot, so every block may use another key.
`default_nettype none

// Stage r (1..14) is a full round while r < Nr, the last round at r == Nr, a pass-through after,
// so all key sizes have the same latency and blocks stay in order. Round keys and Nr are written
// by aes_key_expand when an SA is installed (kw_*), never per packet.
module aes_cipher_core #(
	parameter NUM_SA = 16 // SA slots (key schedules held); a power of two, at least 2
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      ce,        // advance the whole pipeline
	input  wire [127:0]              in_block,
	input  wire [$clog2(NUM_SA)-1:0] in_sa,
	output wire [127:0]              out_block, // E(K[in_sa], in_block), 16 enabled cycles later
	                                             // (input register, AddRoundKey 0, 14 rounds);
	                                             // one XOR after the last round's registers
	// key schedule write port (from aes_key_expand)
	input  wire                      kw_en,
	input  wire [3:0]                kw_round,  // 0..14
	input  wire [$clog2(NUM_SA)-1:0] kw_sa,
	input  wire [127:0]              kw_data,
	input  wire [1:0]                kw_nr_code // with round 0: Nr = 10 + 2 * code
);

localparam SA_W = $clog2(NUM_SA);
localparam STAGES = 14;

generate
	if (NUM_SA < 2 || (NUM_SA & (NUM_SA - 1)) != 0) begin : g_bad_num_sa
		aes_cipher_core_bad_NUM_SA u_stop ();
	end
endgenerate

reg  [127:0]    blk_a;                 // registered input
reg  [SA_W-1:0] sa_a;
reg  [127:0]    st0_reg;               // after AddRoundKey 0
wire [127:0]    st     [0:STAGES];     // st[0] = st0_reg; st[r]: after round r
reg  [SA_W-1:0] sa_reg [0:STAGES];     // SA slot aligned with st[r]
reg  [1:0]      nr_reg [0:STAGES];     // Nr code aligned with st[r]
wire [127:0]    rk_q   [0:STAGES];     // round key r, registered beside round r's lookups
wire [1:0]      nr_q;

// Round 0 memory also holds the Nr code of the slot.
aes_key_mem #(.DEPTH(NUM_SA), .WIDTH(130)) u_mem0 (
	.clk(clk), .wr_en(kw_en && kw_round == 4'd0), .wr_addr(kw_sa), .wr_data({kw_nr_code, kw_data}),
	.rd_en(ce), .rd_addr(in_sa), .rd_data({nr_q, rk_q[0]})
);

assign st[0] = st0_reg;

genvar r;
generate
	for (r = 1; r <= STAGES; r = r + 1) begin : g_round
		localparam [3:0] RN = r;
		wire [3:0] nr = 4'd10 + {1'b0, nr_reg[r - 1], 1'b0};
		// Rounds below 10 are full rounds for every key size: a constant mode there lets
		// synthesis drop the last-round and pass-through paths.
		wire [1:0] mode = (r < 10 || RN < nr) ? 2'd0 : (RN == nr) ? 2'd1 : 2'd2;

		aes_key_mem #(.DEPTH(NUM_SA), .WIDTH(128)) u_mem (
			.clk(clk), .wr_en(kw_en && kw_round == RN), .wr_addr(kw_sa), .wr_data(kw_data),
			.rd_en(ce), .rd_addr(sa_reg[r - 1]), .rd_data(rk_q[r])
		);
		aes_round #(.CAN_LAST(r >= 10 && r % 2 == 0), .CAN_PASS(r > 10)) u_round (
			.clk(clk), .ce(ce), .state_in(st[r - 1]), .mode_in(mode), .round_key(rk_q[r]),
			.state_out(st[r])
		);
	end
endgenerate

integer i;
always @(posedge clk) begin
	if (ce) begin
		blk_a <= in_block;
		sa_a <= in_sa;
		st0_reg <= blk_a ^ rk_q[0];
		sa_reg[0] <= sa_a;
		nr_reg[0] <= nr_q;
		for (i = 1; i <= STAGES; i = i + 1) begin
			sa_reg[i] <= sa_reg[i - 1];
			nr_reg[i] <= nr_reg[i - 1];
		end
	end
	if (rst) begin
		sa_a <= {SA_W{1'b0}};
		for (i = 0; i <= STAGES; i = i + 1)
			sa_reg[i] <= {SA_W{1'b0}};
	end
end

assign out_block = st[STAGES];

endmodule

`default_nettype wire
