// SPDX-License-Identifier: Apache-2.0
// The card's data path: per-port AXI-Stream packet ports around vrfsec_pipeline, and BAR 0 as an
// AXI-Lite register block generated from the card ABI (gen/vrfsec_regs.v).
`default_nettype none

// Ingress (s_pub_*, s_core_*, s_inside_*, s_host_*): one frame per tlast, byte 0 in tdata[7:0] of
// the first beat, tkeep contiguous from bit 0, every beat full except the last (what the pipeline
// takes). A round-robin arbiter passes whole frames into the pipeline's one stream, with tag = a
// running 16-bit frame counter and in_port = the port. s_host_tuser, sampled with the first beat,
// is the inject request as the host DMA engine decoded its inject_desc: [2:0] out_port, [34:3]
// sa_out, [50:35] vrf (struct vrfsec_pkt fields; see vrfsec_stage_rx). Network frames enter with
// out_port = PORT_DROP and sa_out = NONE, as the simulator's ports do (sim_pkt_arrived).
// While CONTROL bit 0 (enable) is clear, no new frame is taken into the pipeline: network ports
// discard frames that start meanwhile (tready high, nothing counted; a MAC cannot wait), the host
// port is held (its frames wait in the inject ring, as in the simulator). A frame already passing
// finishes.
//
// Egress (m_pub_*, m_core_*, m_inside_*, m_host_*): the pipeline's beats by tdest. The punt
// metadata of a host frame comes in the pipeline's exit record, which follows the frame's last
// beat; the last beat of every host frame is therefore held in one register until its record
// arrives, and leaves with m_host_tuser = {sa_in[31:0], vrf[15:0], reason[7:0], in_port[7:0]}
// (the punt_desc fields). m_host_tuser is valid on the tlast beat only, which is where a punt DMA
// writer needs it (it writes the descriptor after the frame). Host frames behind a held beat wait;
// the other ports do not. Exit records of other packets (and drops, which have no beats) are
// consumed and not passed on: counters live in table memory, updated by the pipeline.
//
// Faults (a pipeline beat with no port, an exit record whose tag is not the held frame's) set
// CONTROL.STATUS bit 1 (fault) on top of the firmware's status, until reset.
module vrfsec_top #(
	parameter DATA_WIDTH = 128,   // bits per beat of every packet port: 128 or 512
	parameter LANES = 1,          // AES-GCM lanes of the pipeline, 1..8
	parameter SLOTS = 8,          // packet slots of the pipeline, a power of two, >= 4
	parameter KEY_SLOTS = 131072  // SA key slots per lane (small, e.g. 1024, for synthesis)
) (
	input  wire                    clk,
	input  wire                    rst,

	// ---- ingress ----
	input  wire                    s_pub_tvalid,
	output wire                    s_pub_tready,
	input  wire [DATA_WIDTH-1:0]   s_pub_tdata,
	input  wire [DATA_WIDTH/8-1:0] s_pub_tkeep,
	input  wire                    s_pub_tlast,
	input  wire                    s_core_tvalid,
	output wire                    s_core_tready,
	input  wire [DATA_WIDTH-1:0]   s_core_tdata,
	input  wire [DATA_WIDTH/8-1:0] s_core_tkeep,
	input  wire                    s_core_tlast,
	input  wire                    s_inside_tvalid,
	output wire                    s_inside_tready,
	input  wire [DATA_WIDTH-1:0]   s_inside_tdata,
	input  wire [DATA_WIDTH/8-1:0] s_inside_tkeep,
	input  wire                    s_inside_tlast,
	input  wire                    s_host_tvalid,
	output wire                    s_host_tready,
	input  wire [DATA_WIDTH-1:0]   s_host_tdata,
	input  wire [DATA_WIDTH/8-1:0] s_host_tkeep,
	input  wire                    s_host_tlast,
	input  wire [50:0]             s_host_tuser,   // {vrf, sa_out, out_port} of the inject

	// ---- egress ----
	output wire                    m_pub_tvalid,
	input  wire                    m_pub_tready,
	output wire [DATA_WIDTH-1:0]   m_pub_tdata,
	output wire [DATA_WIDTH/8-1:0] m_pub_tkeep,
	output wire                    m_pub_tlast,
	output wire                    m_core_tvalid,
	input  wire                    m_core_tready,
	output wire [DATA_WIDTH-1:0]   m_core_tdata,
	output wire [DATA_WIDTH/8-1:0] m_core_tkeep,
	output wire                    m_core_tlast,
	output wire                    m_inside_tvalid,
	input  wire                    m_inside_tready,
	output wire [DATA_WIDTH-1:0]   m_inside_tdata,
	output wire [DATA_WIDTH/8-1:0] m_inside_tkeep,
	output wire                    m_inside_tlast,
	output wire                    m_host_tvalid,
	input  wire                    m_host_tready,
	output wire [DATA_WIDTH-1:0]   m_host_tdata,
	output wire [DATA_WIDTH/8-1:0] m_host_tkeep,
	output wire                    m_host_tlast,
	output wire [63:0]             m_host_tuser,   // {sa_in, vrf, reason, in_port} on tlast

	// ---- BAR 0 (AXI4-Lite, 32-bit) ----
	input  wire        s_axil_awvalid,
	output wire        s_axil_awready,
	input  wire [11:0] s_axil_awaddr,
	input  wire        s_axil_wvalid,
	output wire        s_axil_wready,
	input  wire [31:0] s_axil_wdata,
	input  wire [3:0]  s_axil_wstrb,
	output wire        s_axil_bvalid,
	input  wire        s_axil_bready,
	output wire [1:0]  s_axil_bresp,
	input  wire        s_axil_arvalid,
	output wire        s_axil_arready,
	input  wire [11:0] s_axil_araddr,
	output wire        s_axil_rvalid,
	input  wire        s_axil_rready,
	output wire [31:0] s_axil_rdata,
	output wire [1:0]  s_axil_rresp,
	// card side of the registers (firmware): writes of rw registers, the status it drives, and
	// what the host wrote (see gen/vrfsec_regs.v)
	input  wire        card_we,
	input  wire [11:2] card_addr,
	input  wire [31:0] card_wdata,
	input  wire [3:0]  card_wstrb,
	input  wire [31:0] id_fw_version,
	input  wire [31:0] control_status,
	input  wire [31:0] control_heartbeat,
	input  wire [31:0] control_host_mem_size,
	input  wire [31:0] ring_cmd_tail,
	input  wire [31:0] ring_cpl_head,
	input  wire [31:0] ring_event_head,
	input  wire [31:0] ring_punt_buf_tail,
	input  wire [31:0] ring_punt_head,
	input  wire [31:0] ring_inject_tail,
	input  wire [31:0] ports_natt_port,
	input  wire [31:0] ports_ike_port,
	input  wire [31:0] ports_core_mtu,
	input  wire [31:0] ports_inside_mtu,
	output wire [31:0] control_control,
	output wire [31:0] ring_cmd_base_lo,
	output wire [31:0] ring_cmd_base_hi,
	output wire [31:0] ring_cmd_log2_size,
	output wire [31:0] ring_cmd_head,
	output wire [31:0] ring_cmd_irq,
	output wire [31:0] ring_cpl_base_lo,
	output wire [31:0] ring_cpl_base_hi,
	output wire [31:0] ring_cpl_log2_size,
	output wire [31:0] ring_cpl_tail,
	output wire [31:0] ring_cpl_irq,
	output wire [31:0] ring_event_base_lo,
	output wire [31:0] ring_event_base_hi,
	output wire [31:0] ring_event_log2_size,
	output wire [31:0] ring_event_tail,
	output wire [31:0] ring_event_irq,
	output wire [31:0] ring_punt_buf_base_lo,
	output wire [31:0] ring_punt_buf_base_hi,
	output wire [31:0] ring_punt_buf_log2_size,
	output wire [31:0] ring_punt_buf_head,
	output wire [31:0] ring_punt_buf_irq,
	output wire [31:0] ring_punt_base_lo,
	output wire [31:0] ring_punt_base_hi,
	output wire [31:0] ring_punt_log2_size,
	output wire [31:0] ring_punt_tail,
	output wire [31:0] ring_punt_irq,
	output wire [31:0] ring_inject_base_lo,
	output wire [31:0] ring_inject_base_hi,
	output wire [31:0] ring_inject_log2_size,
	output wire [31:0] ring_inject_head,
	output wire [31:0] ring_inject_irq,

	// ---- table memory (card DRAM side), two ports as vrfsec_pipeline ----
	output wire        rx_mr_req,
	output wire [31:0] rx_mr_addr,
	input  wire        rx_mr_valid,
	input  wire [63:0] rx_mr_data,
	output wire        rx_mw_req,
	output wire [31:0] rx_mw_addr,
	output wire [63:0] rx_mw_data,
	output wire [7:0]  rx_mw_be,
	output wire        rx_st_req,
	output wire [31:0] rx_st_addr,
	output wire [63:0] rx_st_val,
	output wire        po_mr_req,
	output wire [31:0] po_mr_addr,
	input  wire        po_mr_valid,
	input  wire [63:0] po_mr_data,
	output wire        po_mw_req,
	output wire [31:0] po_mw_addr,
	output wire [63:0] po_mw_data,
	output wire [7:0]  po_mw_be,
	output wire        po_st_req,
	output wire [31:0] po_st_addr,
	output wire [63:0] po_st_val,

	// ---- SA key install (firmware key port), only while idle ----
	input  wire         key_valid,
	output wire         key_ready,
	input  wire [31:0]  key_sa,
	input  wire [255:0] key_data,
	input  wire [1:0]   key_len_code,
	output wire         idle
);

`include "stage_if.vh"

localparam DW = DATA_WIDTH;
localparam KW = DATA_WIDTH / 8;
localparam [1:0] P_PUB = 2'd0, P_CORE = 2'd1, P_INSIDE = 2'd2, P_HOST = 2'd3;
localparam [50:0] NET_META = {16'h0000, `NONE32, 3'd4}; // vrf 0, sa_out NONE, out_port DROP
localparam [1:0] H_EMPTY = 2'd0, H_WAIT = 2'd1, H_SEND = 2'd2;

generate
	if (DATA_WIDTH != 128 && DATA_WIDTH != 512) begin : g_bad_width
		vrfsec_top_bad_DATA_WIDTH u_stop ();
	end
endgenerate

// ---- registers ----
reg  fault_reg;
wire [31:0] status_out = control_status | {30'd0, fault_reg, 1'b0};
wire enable = control_control[0];

vrfsec_regs u_regs (
	.clk(clk), .rst(rst),
	.s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
	.s_axil_awaddr(s_axil_awaddr), .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready),
	.s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_bvalid(s_axil_bvalid),
	.s_axil_bready(s_axil_bready), .s_axil_bresp(s_axil_bresp),
	.s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
	.s_axil_araddr(s_axil_araddr), .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
	.s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
	.card_we(card_we), .card_addr(card_addr), .card_wdata(card_wdata), .card_wstrb(card_wstrb),
	.id_fw_version(id_fw_version), .control_status(status_out),
	.control_heartbeat(control_heartbeat), .control_host_mem_size(control_host_mem_size),
	.ring_cmd_tail(ring_cmd_tail), .ring_cpl_head(ring_cpl_head),
	.ring_event_head(ring_event_head), .ring_punt_buf_tail(ring_punt_buf_tail),
	.ring_punt_head(ring_punt_head), .ring_inject_tail(ring_inject_tail),
	.ports_natt_port(ports_natt_port), .ports_ike_port(ports_ike_port),
	.ports_core_mtu(ports_core_mtu), .ports_inside_mtu(ports_inside_mtu),
	.control_control(control_control),
	.ring_cmd_base_lo(ring_cmd_base_lo), .ring_cmd_base_hi(ring_cmd_base_hi),
	.ring_cmd_log2_size(ring_cmd_log2_size), .ring_cmd_head(ring_cmd_head),
	.ring_cmd_irq(ring_cmd_irq),
	.ring_cpl_base_lo(ring_cpl_base_lo), .ring_cpl_base_hi(ring_cpl_base_hi),
	.ring_cpl_log2_size(ring_cpl_log2_size), .ring_cpl_tail(ring_cpl_tail),
	.ring_cpl_irq(ring_cpl_irq),
	.ring_event_base_lo(ring_event_base_lo), .ring_event_base_hi(ring_event_base_hi),
	.ring_event_log2_size(ring_event_log2_size), .ring_event_tail(ring_event_tail),
	.ring_event_irq(ring_event_irq),
	.ring_punt_buf_base_lo(ring_punt_buf_base_lo), .ring_punt_buf_base_hi(ring_punt_buf_base_hi),
	.ring_punt_buf_log2_size(ring_punt_buf_log2_size), .ring_punt_buf_head(ring_punt_buf_head),
	.ring_punt_buf_irq(ring_punt_buf_irq),
	.ring_punt_base_lo(ring_punt_base_lo), .ring_punt_base_hi(ring_punt_base_hi),
	.ring_punt_log2_size(ring_punt_log2_size), .ring_punt_tail(ring_punt_tail),
	.ring_punt_irq(ring_punt_irq),
	.ring_inject_base_lo(ring_inject_base_lo), .ring_inject_base_hi(ring_inject_base_hi),
	.ring_inject_log2_size(ring_inject_log2_size), .ring_inject_head(ring_inject_head),
	.ring_inject_irq(ring_inject_irq)
);

// ---- ingress: frame round robin ----
wire [3:0]      in_valid = {s_host_tvalid, s_inside_tvalid, s_core_tvalid, s_pub_tvalid};
wire [3:0]      in_last = {s_host_tlast, s_inside_tlast, s_core_tlast, s_pub_tlast};
wire [4*DW-1:0] in_data = {s_host_tdata, s_inside_tdata, s_core_tdata, s_pub_tdata};
wire [4*KW-1:0] in_keep = {s_host_tkeep, s_inside_tkeep, s_core_tkeep, s_pub_tkeep};

reg        busy_reg;  // passing the frame of port cur_reg
reg  [1:0] cur_reg;
reg  [1:0] rr_reg;    // port granted last
reg  [3:0] disc_reg;  // discarding the rest of this port's frame
reg  [15:0] tag_reg;

wire [3:0] owned = busy_reg ? 4'b0001 << cur_reg : 4'b0000;
// A network port at a frame start while disabled discards; the host port never does.
wire [3:0] drop = disc_reg | (~owned & {1'b0, {3{!enable}}});
wire [3:0] req = in_valid & ~drop & {4{enable}};

reg [1:0] grant;
reg [1:0] cand;
integer i;
always @(*) begin
	grant = rr_reg;
	for (i = 4; i >= 1; i = i - 1) begin // the first requester after rr_reg wins
		cand = rr_reg + i[1:0];
		if (req[cand])
			grant = cand;
	end
end

wire [1:0] sel = busy_reg ? cur_reg : grant;
wire       sel_valid = busy_reg ? in_valid[cur_reg] : |req;
wire       p_s_tready;
wire       sel_last = in_last[sel];
wire       take = sel_valid && p_s_tready;
wire [50:0] sel_meta = sel == P_HOST ? s_host_tuser : NET_META;

assign s_pub_tready = drop[0] || (sel_valid && sel == P_PUB && p_s_tready);
assign s_core_tready = drop[1] || (sel_valid && sel == P_CORE && p_s_tready);
assign s_inside_tready = drop[2] || (sel_valid && sel == P_INSIDE && p_s_tready);
assign s_host_tready = sel_valid && sel == P_HOST && p_s_tready;

always @(posedge clk) begin
	if (take) begin
		busy_reg <= !sel_last;
		cur_reg <= sel;
		if (!busy_reg) begin // first beat of a frame
			rr_reg <= sel;
			tag_reg <= tag_reg + 16'd1;
		end
	end
	disc_reg <= (disc_reg & ~(in_valid & in_last)) | (drop & in_valid & ~in_last);
	if (rst) begin
		busy_reg <= 1'b0;
		cur_reg <= P_PUB;
		rr_reg <= P_HOST;
		disc_reg <= 4'd0;
		tag_reg <= 16'd0;
	end
end

// ---- the pipeline ----
wire            p_m_tvalid;
reg             p_m_tready;
wire [DW-1:0]   p_m_tdata;
wire [KW-1:0]   p_m_tkeep;
wire            p_m_tlast;
wire [2:0]      p_m_tdest;
wire [15:0]     p_m_tuser;
wire            x_valid;
wire            x_ready;
wire [`META_W-1:0] x_meta;
wire [15:0]     x_tag;

vrfsec_pipeline #(
	.DATA_WIDTH(DATA_WIDTH), .LANES(LANES), .SLOTS(SLOTS), .KEY_SLOTS(KEY_SLOTS)
) u_pipe (
	.clk(clk), .rst(rst),
	.s_tvalid(sel_valid), .s_tready(p_s_tready), .s_tdata(in_data[sel * DW +: DW]),
	.s_tkeep(in_keep[sel * KW +: KW]), .s_tlast(sel_last),
	.s_tuser({sel_meta, 1'b0, sel, tag_reg}),
	.m_tvalid(p_m_tvalid), .m_tready(p_m_tready), .m_tdata(p_m_tdata), .m_tkeep(p_m_tkeep),
	.m_tlast(p_m_tlast), .m_tdest(p_m_tdest), .m_tuser(p_m_tuser),
	.x_valid(x_valid), .x_ready(x_ready), .x_meta(x_meta), .x_tag(x_tag),
	.rx_mr_req(rx_mr_req), .rx_mr_addr(rx_mr_addr), .rx_mr_valid(rx_mr_valid),
	.rx_mr_data(rx_mr_data), .rx_mw_req(rx_mw_req), .rx_mw_addr(rx_mw_addr),
	.rx_mw_data(rx_mw_data), .rx_mw_be(rx_mw_be), .rx_st_req(rx_st_req),
	.rx_st_addr(rx_st_addr), .rx_st_val(rx_st_val),
	.po_mr_req(po_mr_req), .po_mr_addr(po_mr_addr), .po_mr_valid(po_mr_valid),
	.po_mr_data(po_mr_data), .po_mw_req(po_mw_req), .po_mw_addr(po_mw_addr),
	.po_mw_data(po_mw_data), .po_mw_be(po_mw_be), .po_st_req(po_st_req),
	.po_st_addr(po_st_addr), .po_st_val(po_st_val),
	.key_valid(key_valid), .key_ready(key_ready), .key_sa(key_sa), .key_data(key_data),
	.key_len_code(key_len_code), .idle(idle)
);

// ---- egress ----
reg  [1:0]    hold_reg;     // H_EMPTY, H_WAIT (last host beat held), H_SEND (with its metadata)
reg  [DW-1:0] hold_data;
reg  [KW-1:0] hold_keep;
reg  [15:0]   hold_tag;
reg  [63:0]   hold_user;

wire to_host = p_m_tvalid && p_m_tdest == {1'b0, P_HOST};
wire host_pass = to_host && hold_reg == H_EMPTY && !p_m_tlast;  // a host beat, not the last
wire host_hold = to_host && hold_reg == H_EMPTY && p_m_tlast;   // the last host beat: held
wire x_host = x_meta[`M_OUT_PORT] == `PORT_HOST && x_meta[`M_LEN] != 16'd0;
assign x_ready = !x_host || hold_reg == H_WAIT;

always @(*) begin
	case (p_m_tdest)
	{1'b0, P_PUB}:    p_m_tready = m_pub_tready;
	{1'b0, P_CORE}:   p_m_tready = m_core_tready;
	{1'b0, P_INSIDE}: p_m_tready = m_inside_tready;
	{1'b0, P_HOST}:   p_m_tready = hold_reg == H_EMPTY && (p_m_tlast || m_host_tready);
	default:          p_m_tready = 1'b1; // no such port: dropped, a fault
	endcase
end

assign m_pub_tvalid = p_m_tvalid && p_m_tdest == {1'b0, P_PUB};
assign m_core_tvalid = p_m_tvalid && p_m_tdest == {1'b0, P_CORE};
assign m_inside_tvalid = p_m_tvalid && p_m_tdest == {1'b0, P_INSIDE};
assign m_pub_tdata = p_m_tdata;
assign m_pub_tkeep = p_m_tkeep;
assign m_pub_tlast = p_m_tlast;
assign m_core_tdata = p_m_tdata;
assign m_core_tkeep = p_m_tkeep;
assign m_core_tlast = p_m_tlast;
assign m_inside_tdata = p_m_tdata;
assign m_inside_tkeep = p_m_tkeep;
assign m_inside_tlast = p_m_tlast;

assign m_host_tvalid = host_pass || hold_reg == H_SEND;
assign m_host_tdata = hold_reg == H_SEND ? hold_data : p_m_tdata;
assign m_host_tkeep = hold_reg == H_SEND ? hold_keep : p_m_tkeep;
assign m_host_tlast = hold_reg == H_SEND;
assign m_host_tuser = hold_reg == H_SEND ? hold_user : 64'd0;

always @(posedge clk) begin
	case (hold_reg)
	H_EMPTY: if (host_hold) begin
			hold_reg <= H_WAIT;
			hold_data <= p_m_tdata;
			hold_keep <= p_m_tkeep;
			hold_tag <= p_m_tuser;
		 end
	H_WAIT:  if (x_valid && x_host) begin
			hold_reg <= H_SEND;
			hold_user <= {x_meta[`M_SA_IN], x_meta[`M_VRF], x_meta[`M_REASON],
				      x_meta[`M_IN_PORT]};
		 end
	default: if (m_host_tready) hold_reg <= H_EMPTY;
	endcase
	if ((p_m_tvalid && p_m_tdest[2]) || (hold_reg == H_WAIT && x_valid && x_host &&
					     x_tag != hold_tag))
		fault_reg <= 1'b1;
	if (rst) begin
		hold_reg <= H_EMPTY;
		fault_reg <= 1'b0;
	end
end

// The exit record's other fields are the pipeline's business (cosimulation compares them).
wire unused_x_meta = ^{x_meta[`META_W-1:128], x_meta[95:80], x_meta[55:48], x_meta[31:0]};

endmodule

`default_nettype wire
