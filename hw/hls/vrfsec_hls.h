/* SPDX-License-Identifier: Apache-2.0 */
/* Common constants, packet buffer, crypto operation and counter ids of the vrfsec data path. */
#ifndef VRFSEC_HLS_H
#define VRFSEC_HLS_H

#include <stdint.h>

/* Sizes. Every table is a fixed array so that it maps onto BRAM/URAM/HBM. */
#define VRFSEC_MAX_FRAME 2048u   /* largest frame on any port, Ethernet header included */
#define VRFSEC_HEADROOM 128u     /* room in front of a frame for pushed headers */
#define VRFSEC_TAILROOM 64u      /* room behind a frame for ESP trailer and ICV */
#define VRFSEC_BUF_SIZE (VRFSEC_HEADROOM + VRFSEC_MAX_FRAME + VRFSEC_TAILROOM)
#define VRFSEC_MAX_SA 262144u    /* SA table entries (both directions): 100,000 tunnels and rekeys */
/* Inbound SPI hash: 2^VRFSEC_SPI_BUCKET_BITS buckets of VRFSEC_SPI_WAYS slots, two slots per SA,
 * so the two-choice hash is at most half full even with every SA inbound. */
#define VRFSEC_SPI_BUCKET_BITS 17u
#define VRFSEC_SPI_BUCKETS (1u << VRFSEC_SPI_BUCKET_BITS)
#define VRFSEC_SPI_WAYS 4u
#define VRFSEC_MAX_VRF 1024u
#define VRFSEC_MAX_NH 262144u    /* next-hop table entries; 0 means "no next hop" */
#define VRFSEC_LABEL_SPACE (1u << 20)
#define VRFSEC_VLAN_SPACE 4096u
#define VRFSEC_REPLAY_MAX 4096u  /* largest anti-replay window, bits */
#define VRFSEC_REPLAY_DEFAULT 1024u
/* The replay bitmap is a ring twice the largest window, so that whole words can be cleared lazily
 * as the window moves (RFC 6479) and the ring index is a mask. */
#define VRFSEC_REPLAY_WORDS (2u * VRFSEC_REPLAY_MAX / 32u)
#define VRFSEC_MAX_TS 4u         /* allowed inner-source prefixes per inbound SA */
#define VRFSEC_MAX_LABELS 3u
#define VRFSEC_ICV_LEN 16u
#define VRFSEC_IV_LEN 8u
#define VRFSEC_ESP_HDR_LEN 8u    /* SPI + sequence number */
#define VRFSEC_TMPL_MAX 80u      /* Ethernet + IPv6 + UDP + SPI = 14 + 40 + 8 + 4, rounded */

/* Error codes of setup functions (negative returns). The host maps them onto errno. */
#define VRFSEC_OK 0
#define VRFSEC_EINVAL (-22)
#define VRFSEC_ENOENT (-2)
#define VRFSEC_ENOSPC (-28) /* table full */
#define VRFSEC_EEXIST (-17)

/* Ports of the card. */
#define VRFSEC_PORT_PUBLIC 0u /* IKE and ESP towards customers */
#define VRFSEC_PORT_CORE 1u   /* MPLS towards the provider core */
#define VRFSEC_PORT_INSIDE 2u /* 802.1Q, one VLAN per VRF (two-box handoff) */
#define VRFSEC_PORT_HOST 3u   /* punt / inject */
#define VRFSEC_PORT_DROP 4u   /* not a port: the packet was dropped */

/* Address families as stored in tables. */
#define VRFSEC_AF_IPV4 4u
#define VRFSEC_AF_IPV6 6u

/* Counter ids, from the one list. */
enum vrfsec_counter {
#define X(id, name, help) VRFSEC_CNT_##id,
#include "counters.def"
#undef X
	VRFSEC_CNT_MAX
};

/* Pipeline status between stages. */
#define VRFSEC_ST_DONE 0u   /* pkt->out_port says where it goes */
#define VRFSEC_ST_CRYPTO 1u /* run pkt->op, then call the post stage */

/* Stage of a packet that waits for crypto. */
#define VRFSEC_STAGE_NONE 0u
#define VRFSEC_STAGE_DECRYPT 1u /* inbound ESP open in flight */
#define VRFSEC_STAGE_ENCRYPT 2u /* outbound ESP seal in flight */

/* One AES-GCM operation, prepared by the framing stages and executed by an engine
 * (the C kernel, ipsec-mb, or the RTL core). Offsets are into pkt->buf. */
struct vrfsec_crypto_op {
	uint32_t sa;        /* SA index: selects the expanded key */
	uint8_t encrypt;    /* 1 = seal (tag written at tag_off), 0 = open (tag checked) */
	uint8_t aad_len;    /* 8, or 12 with ESN */
	uint8_t tag_ok;     /* open: set by the engine, 1 when the ICV matched */
	uint8_t pad0;
	uint8_t nonce[12];  /* salt || IV */
	uint8_t aad[12];    /* SPI || seq, or SPI || seq-high || seq-low */
	uint16_t data_off;  /* first byte of plaintext / ciphertext */
	uint16_t data_len;
	uint16_t tag_off;   /* ICV position */
	uint16_t pad1;
};

/* A packet and its metadata. The frame occupies buf[off .. off+len). */
struct vrfsec_pkt {
	uint16_t off;
	uint16_t len;
	uint8_t in_port;    /* VRFSEC_PORT_* it arrived on */
	uint8_t out_port;   /* VRFSEC_PORT_* or VRFSEC_PORT_DROP, valid when done */
	uint8_t stage;      /* VRFSEC_STAGE_* */
	uint8_t reason;     /* last counter that described the packet's fate (enum vrfsec_counter) */
	uint16_t vrf;       /* VRF of the packet once known; set by the host on inject with out_port
	                     * VRFSEC_PORT_HOST to forward an IP packet in that VRF */
	uint16_t l3_off;    /* working offsets kept between stages */
	uint32_t sa_in;     /* inbound SA that decrypted it, or VRFSEC_NONE */
	uint32_t sa_out;    /* outbound SA that encrypts it, or VRFSEC_NONE; set by the host on
	                     * inject (in_port HOST) to seal an IP packet into that SA */
	uint64_t seq;       /* full sequence number of the ESP packet (in or out) */
	struct vrfsec_crypto_op op;
	uint8_t buf[VRFSEC_BUF_SIZE];
};

#define VRFSEC_NONE 0xffffffffu

_Static_assert(sizeof(struct vrfsec_crypto_op) == 40, "crypto op layout");

#endif
