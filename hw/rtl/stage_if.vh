// SPDX-License-Identifier: Apache-2.0
// The interface every header stage of the RTL pipeline shares (see hw/rtl/PIPELINE.md): the
// packet metadata bus (struct vrfsec_pkt without its buffer), the call-argument bus, result codes
// and stage ids. Multi-byte arrays (nonce, aad) hold byte i at bits [8i+7:8i] of their field.
`ifndef VRFSEC_STAGE_IF_VH
`define VRFSEC_STAGE_IF_VH

// Packet metadata, META_W bits.
`define META_W 520
`define M_OFF         15:0
`define M_LEN         31:16
`define M_IN_PORT     39:32
`define M_OUT_PORT    47:40
`define M_STAGE       55:48
`define M_REASON      63:56
`define M_VRF         79:64
`define M_L3_OFF      95:80
`define M_SA_IN       127:96
`define M_SA_OUT      159:128
`define M_SEQ         223:160
`define M_OP_SA       255:224
`define M_OP_ENCRYPT  263:256
`define M_OP_AAD_LEN  271:264
`define M_OP_TAG_OK   279:272
`define M_OP_NONCE    375:280
`define M_OP_AAD      471:376
`define M_OP_DATA_OFF 487:472
`define M_OP_DATA_LEN 503:488
`define M_OP_TAG_OFF  519:504

// Call arguments, ARGS_W bits: the union of what the stages take (each uses its own fields).
`define ARGS_W 136
`define A_VRF         15:0    // vrf_forward
`define A_IP_OFF      31:16   // vrf_forward, esp_encap, mpls_push
`define A_IP_LEN      47:32   // esp_encap, mpls_push
`define A_LABEL_TTL   55:48   // vrf_forward
`define A_TTL         63:56   // mpls_push
`define A_DSCP        71:64   // mpls_push
`define A_SA          103:72  // esp_encap
`define A_NH          135:104 // mpls_push: next-hop index

// Results (with done).
`define RES_EXIT   2'd0 // finished: exit_port / exit_reason say where and why (pkt_exit)
`define RES_CRYPTO 2'd1 // meta_out.op is prepared; run the crypto, then the post stage
`define RES_TAIL   2'd2 // continue in stage tail_stage with tail_args (a C tail call)

// Stage ids (tail_stage).
`define STG_NONE           4'd0
`define STG_STAGE_RX       4'd1
`define STG_ESP_DECAP_RX   4'd2
`define STG_ESP_DECAP_POST 4'd3
`define STG_ESP_ENCAP      4'd4
`define STG_ESP_ENCAP_POST 4'd5
`define STG_MPLS_CORE_RX   4'd6
`define STG_VLAN_INSIDE_RX 4'd7
`define STG_VRF_FORWARD    4'd8
`define STG_MPLS_PUSH      4'd9

// Ports and pipeline constants (hw/hls/vrfsec_hls.h).
`define PORT_PUBLIC 8'd0
`define PORT_CORE   8'd1
`define PORT_INSIDE 8'd2
`define PORT_HOST   8'd3
`define PORT_DROP   8'd4
`define STAGE_NONE    8'd0
`define STAGE_DECRYPT 8'd1
`define STAGE_ENCRYPT 8'd2
`define NONE32 32'hffffffff

`endif
