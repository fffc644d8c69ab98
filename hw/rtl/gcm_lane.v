// SPDX-License-Identifier: Apache-2.0
// One GCM lane of the pipeline: runs the crypto operation of a slot (meta.op, as
// vrfsec_crypto_exec in hw/hls/pipeline.c does) through a gcm_core, reading the payload from the
// slot and writing the result back in place, at one 128-bit block per cycle.
`default_nettype none

// A packet starts with start (when start_ready) and the op fields; id names its slot and comes
// back on the slot ports and with done. Beats into the core: one AAD beat from op_aad, the payload
// read from the slot at data_off, data_off + 16, ... (unaligned), then the tag beat read at tag_off.
// Results: payload beats written back at the same offsets with byte enables; encrypt then writes
// the 16-byte tag at tag_off; decrypt writes nothing more. done comes with tag_ok: 1 for encrypt,
// the core's verdict for decrypt. Decrypt writes the plaintext whatever the verdict (gcm_core gives
// it out before the tag is known); esp_decap_post wipes the data region of a failing packet, so
// the slot ends up as in the C model, where open() leaves the ciphertext and post wipes it.
// Lengths C refuses (data_len > VRFSEC_MAX_FRAME, aad_len > 32): encrypt writes a zero tag and
// nothing else, tag_ok = 1; decrypt writes nothing, tag_ok = 0 (vrfsec_gcm_seal / _open). AAD is
// one beat of op_aad (12 bytes, zero beyond), so aad_len 13..32 (never prepared by a stage: ESP uses
// 8 or 12) is refused too, where C would authenticate the bytes behind op.aad.
//
// The next packet may start once the previous one's beats are all issued: up to DEPTH packets are in
// the core at once, each done in start order. Slot reads are issued one beat ahead through a
// 4-entry queue, so payload flows at one block per cycle while the core accepts it. The read and
// write ports never touch the same bytes of a packet at once (writes trail reads by the core's
// latency, and the tag follows the payload).
module gcm_lane #(
	parameter KEY_SLOTS = 16, // SA key slots of the core (gcm_core NUM_SA): power of two, >= 2
	parameter ID_W = 3,       // bits of the slot id carried with a packet; >= 1
	parameter DEPTH = 4       // packets in flight; power of two, >= 2
) (
	input  wire                         clk,
	input  wire                         rst,
	// SA key install (only taken while the lane is idle)
	input  wire                         key_valid,
	output wire                         key_ready,
	input  wire [$clog2(KEY_SLOTS)-1:0] key_sa,
	input  wire [255:0]                 key_data,
	input  wire [1:0]                   key_len_code,
	// packet start: the op fields of the slot's metadata (stage_if.vh M_OP_*)
	input  wire                         start,
	output wire                         start_ready,
	input  wire [ID_W-1:0]              start_id,
	input  wire [$clog2(KEY_SLOTS)-1:0] op_sa,
	input  wire                         op_encrypt,
	input  wire [7:0]                   op_aad_len,
	input  wire [95:0]                  op_nonce,
	input  wire [95:0]                  op_aad,
	input  wire [11:0]                  op_data_off, // buffer offsets: 12 bits address all of buf
	input  wire [15:0]                  op_data_len,
	input  wire [11:0]                  op_tag_off,
	// slot read port (pkt_slot: data in the cycle after rd, from the slot rd_id named then)
	output wire                         rd,
	output wire [ID_W-1:0]              rd_id,
	output wire [11:0]                  rd_addr,
	input  wire [127:0]                 rd_data,
	// slot write port
	output wire                         wr,
	output wire [ID_W-1:0]              wr_id,
	output wire [11:0]                  wr_addr,
	output wire [127:0]                 wr_data,
	output wire [15:0]                  wr_be,
	// packet finished: op.tag_ok for slot done_id
	output reg                          done,
	output reg  [ID_W-1:0]              done_id,
	output reg                          done_tag_ok,
	output wire                         idle
);

localparam SA_W = $clog2(KEY_SLOTS);
localparam DP_W = $clog2(DEPTH);
localparam [1:0] PH_AAD = 2'd0, PH_DATA = 2'd1, PH_TAG = 2'd2;
localparam Q_N = 4; // beat queue entries

generate
	if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin : g_bad_depth
		gcm_lane_bad_DEPTH u_stop ();
	end
	if (ID_W < 1) begin : g_bad_id_w
		gcm_lane_bad_ID_W u_stop ();
	end
endgenerate

// ---- input side: one beat issued per cycle, the slot read one cycle ahead of the queue ----
reg              in_busy;
reg  [1:0]       in_phase;
reg  [7:0]       in_left;      // payload beats still to issue
reg  [11:0]      in_addr;      // next payload read
reg  [11:0]      in_tag_off;
reg  [ID_W-1:0]  in_id;
reg              in_first;     // the next beat issued is the packet's first
reg              pend_first;   // the core has not yet taken the current packet's first beat
reg  [SA_W-1:0]  sb_sa;        // sideband, sampled by the core with the first beat
reg  [95:0]      sb_nonce;
reg  [95:0]      sb_aad;
reg  [5:0]       sb_aad_len;
reg  [11:0]      sb_data_len;
reg              sb_decrypt;

reg              p1_v, p1_aad, p1_first; // beat whose read is under way
reg  [127:0]     q_data [0:Q_N-1];
reg              q_first [0:Q_N-1];
reg  [1:0]       q_rd, q_wr;
reg  [2:0]       q_cnt;
reg  [DP_W:0]    d_cnt;        // packets started and not done

wire             c_tready;
wire             q_pop = q_cnt != 3'd0 && c_tready;
wire             issue = in_busy && ({2'b00, p1_v} + q_cnt) < Q_N;

// C refuses these lengths (gcm.c: len > VRFSEC_MAX_FRAME, aad_len > 32); see the header.
wire             st_bad = op_data_len > 16'd2048 || op_aad_len > 8'd16;
wire [7:0]       st_nblk = op_data_len[11:4] + {7'd0, op_data_len[3:0] != 4'd0};

assign start_ready = !in_busy && !pend_first && d_cnt != DEPTH[DP_W:0];
wire   take = start && start_ready;

assign rd = issue && in_phase != PH_AAD;
assign rd_id = in_id;
assign rd_addr = in_phase == PH_TAG ? in_tag_off : in_addr;

// Descriptor of each packet in flight, for the output side.
reg  [ID_W-1:0]  d_id [0:DEPTH-1];
reg              d_enc [0:DEPTH-1];
reg              d_bad [0:DEPTH-1];
reg  [11:0]      d_data_off [0:DEPTH-1];
reg  [11:0]      d_tag_off [0:DEPTH-1];
reg  [DP_W-1:0]  d_rd, d_wr;
wire             d_pop;

always @(posedge clk) begin
	if (take) begin
		in_busy <= 1'b1;
		in_phase <= st_bad ? PH_TAG : op_aad_len != 8'd0 ? PH_AAD :
			    op_data_len != 16'd0 ? PH_DATA : PH_TAG;
		in_left <= st_bad ? 8'd0 : st_nblk;
		in_addr <= op_data_off;
		in_tag_off <= op_tag_off;
		in_id <= start_id;
		in_first <= 1'b1;
		pend_first <= 1'b1;
		sb_sa <= op_sa;
		sb_nonce <= op_nonce;
		sb_aad <= op_aad;
		sb_aad_len <= st_bad ? 6'd0 : op_aad_len[5:0];
		sb_data_len <= st_bad ? 12'd0 : op_data_len[11:0];
		sb_decrypt <= !op_encrypt;
		d_id[d_wr] <= start_id;
		d_enc[d_wr] <= op_encrypt;
		d_bad[d_wr] <= st_bad;
		d_data_off[d_wr] <= op_data_off;
		d_tag_off[d_wr] <= op_tag_off;
		d_wr <= d_wr + 1'b1;
	end else if (issue) begin
		in_first <= 1'b0;
		case (in_phase)
		PH_AAD:  in_phase <= in_left != 8'd0 ? PH_DATA : PH_TAG;
		PH_DATA: begin
			in_addr <= in_addr + 12'd16;
			in_left <= in_left - 8'd1;
			if (in_left == 8'd1)
				in_phase <= PH_TAG;
		end
		default: in_busy <= 1'b0;
		endcase
	end
	p1_v <= issue;
	p1_aad <= in_phase == PH_AAD;
	p1_first <= in_first;
	if (p1_v) begin
		q_data[q_wr] <= p1_aad ? {32'd0, sb_aad} : rd_data;
		q_first[q_wr] <= p1_first;
		q_wr <= q_wr + 2'd1;
	end
	if (q_pop) begin
		q_rd <= q_rd + 2'd1;
		if (q_first[q_rd])
			pend_first <= 1'b0;
	end
	q_cnt <= q_cnt + {2'b00, p1_v} - {2'b00, q_pop};
	d_cnt <= d_cnt + {{DP_W{1'b0}}, take} - {{DP_W{1'b0}}, d_pop};
	if (d_pop)
		d_rd <= d_rd + 1'b1;
	if (rst) begin
		in_busy <= 1'b0;
		pend_first <= 1'b0;
		p1_v <= 1'b0;
		q_rd <= 2'd0;
		q_wr <= 2'd0;
		q_cnt <= 3'd0;
		d_cnt <= {(DP_W + 1){1'b0}};
		d_rd <= {DP_W{1'b0}};
		d_wr <= {DP_W{1'b0}};
	end
end

// ---- the core ----
assign idle = !in_busy && d_cnt == {(DP_W + 1){1'b0}};
wire        c_key_ready;
assign key_ready = c_key_ready && idle;
wire        c_mvalid, c_mlast;
wire [127:0] c_mdata;
wire [15:0] c_mkeep;
wire [1:0]  c_muser;

gcm_core #(.NUM_SA(KEY_SLOTS), .LEN_W(12), .AAD_LEN_W(6)) u_core (
	.clk(clk), .rst(rst),
	.key_valid(key_valid && idle), .key_ready(c_key_ready), .key_sa(key_sa),
	.key_data(key_data), .key_len_code(key_len_code),
	.s_axis_tvalid(q_cnt != 3'd0), .s_axis_tready(c_tready), .s_axis_tdata(q_data[q_rd]),
	.s_axis_sa(sb_sa), .s_axis_nonce(sb_nonce), .s_axis_aad_len(sb_aad_len),
	.s_axis_data_len(sb_data_len), .s_axis_decrypt(sb_decrypt),
	.m_axis_tvalid(c_mvalid), .m_axis_tready(1'b1), .m_axis_tdata(c_mdata),
	.m_axis_tkeep(c_mkeep), .m_axis_tlast(c_mlast), .m_axis_tuser(c_muser)
);

// ---- output side: payload beats back into the slot, then the tag ----
reg  [7:0]  out_k;             // payload beat of the head packet
wire        h_enc = d_enc[d_rd];
wire        h_bad = d_bad[d_rd];
wire        is_tag = c_muser[0];
assign d_pop = c_mvalid && is_tag;

assign wr = c_mvalid && (!is_tag || h_enc);
assign wr_id = d_id[d_rd];
assign wr_addr = is_tag ? d_tag_off[d_rd] : d_data_off[d_rd] + {out_k, 4'd0};
assign wr_data = is_tag && h_bad ? 128'd0 : c_mdata;
assign wr_be = is_tag ? 16'hffff : c_mkeep;

always @(posedge clk) begin
	done <= d_pop;
	if (d_pop) begin
		done_id <= d_id[d_rd];
		done_tag_ok <= h_enc || (!h_bad && c_muser[1]);
	end
	if (c_mvalid)
		out_k <= is_tag ? 8'd0 : out_k + 8'd1;
	if (rst) begin
		done <= 1'b0;
		out_k <= 8'd0;
	end
end

// c_mlast marks the same beat as is_tag.
wire unused_ok = c_mlast;

endmodule

`default_nettype wire
