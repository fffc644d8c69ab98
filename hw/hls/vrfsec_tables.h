/* SPDX-License-Identifier: Apache-2.0 */
/* The card's tables as the kernels see them: compiled SAs, SPI hash, next hops, VRFs, labels,
 * counters. Setup code (sa_compile.c, vrf_fib_build.c, tables.c) fills them; the per-packet
 * stages only read them, apart from sequence numbers, replay windows and counters. */
#ifndef VRFSEC_TABLES_H
#define VRFSEC_TABLES_H

#include "vrf_fib.h"
#include "vrfsec_hls.h"

#define VRFSEC_SA_DIR_IN 1u
#define VRFSEC_SA_DIR_OUT 2u

#define VRFSEC_MODE_TUNNEL 0u
#define VRFSEC_MODE_TRANSPORT 1u

/* SA flags */
#define VRFSEC_SAF_ESN 0x01u
#define VRFSEC_SAF_UDP 0x02u       /* RFC 3948 UDP encapsulation */
#define VRFSEC_SAF_OUTER_V6 0x04u
#define VRFSEC_SAF_DSCP_COPY 0x08u /* outbound: copy inner DSCP, else set tmpl value */
#define VRFSEC_SAF_ECN_COPY 0x10u  /* outbound: copy inner ECN (RFC 6040 normal mode) */

/* Outbound DF handling (IPv4 outer) */
#define VRFSEC_DF_COPY 0u
#define VRFSEC_DF_SET 1u
#define VRFSEC_DF_CLEAR 2u

struct vrfsec_ts {
	uint8_t af;   /* 0 = unused slot */
	uint8_t plen;
	uint8_t addr[16];
};

/* One compiled SA. Everything a packet needs is precomputed here at setup. */
struct vrfsec_sa {
	uint8_t valid;
	uint8_t dir;
	uint8_t mode;
	uint8_t flags;
	uint8_t df_mode;
	uint8_t ttl;         /* outer TTL / hop limit */
	uint8_t tos;         /* outer DSCP/ECN byte when not copied */
	uint8_t pad_extra;   /* extra padding bytes beyond 4-byte alignment, multiple of 4 */
	uint32_t spi;        /* host order */
	uint16_t vrf;        /* inbound: VRF of the decrypted traffic; outbound: informational */
	uint16_t win;        /* inbound: replay window size in bits, 0 = replay check off */
	uint16_t mtu;        /* outbound: largest outer IP packet */
	uint16_t ipv4_id;    /* outbound: next outer IPv4 identification */
	uint64_t seq;        /* outbound: last sent; inbound: highest accepted */
	uint64_t iv;         /* outbound: next explicit IV (a counter, never repeats per key) */
	uint8_t salt[4];
	uint8_t outer_af;    /* inbound lookup / outbound build */
	uint8_t tmpl_len;    /* bytes of tmpl: Ethernet + outer IP + [UDP] + SPI */
	uint8_t l3_tmpl_off; /* offset of outer IP header in tmpl (14) */
	uint8_t udp_tmpl_off;/* offset of UDP header in tmpl, 0 without UDP */
	uint8_t src[16];     /* outer source address (ours for outbound) */
	uint8_t dst[16];     /* outer destination (inbound: ours, used in SPI lookup) */
	uint32_t flow_label; /* IPv6 outer flow label */
	uint32_t ip4_csum_base; /* outbound IPv4: sum of the template header words that never change */
	uint8_t tmpl[VRFSEC_TMPL_MAX];
	struct vrfsec_ts ts[VRFSEC_MAX_TS];
};

struct vrfsec_spi_bucket {
	uint32_t spi[VRFSEC_SPI_WAYS];
	uint32_t sa[VRFSEC_SPI_WAYS]; /* SA index + 1; 0 = empty slot */
};

/* Next-hop kinds */
#define VRFSEC_NH_NONE 0u
#define VRFSEC_NH_MPLS 1u
#define VRFSEC_NH_SA 2u
#define VRFSEC_NH_VLAN 3u
#define VRFSEC_NH_HOST 4u
#define VRFSEC_NH_DROP 5u

/* TTL models, RFC 3443 */
#define VRFSEC_TTL_UNIFORM 0u
#define VRFSEC_TTL_PIPE 1u

struct vrfsec_nh {
	uint8_t kind;
	uint8_t n_labels;
	uint8_t ttl_mode;
	uint8_t pipe_ttl;   /* label TTL in pipe mode */
	uint32_t sa;        /* VRFSEC_NH_SA: outbound SA index */
	uint16_t vlan;      /* VRFSEC_NH_VLAN */
	uint16_t mtu;       /* egress IP MTU, 0 = port default */
	uint32_t label[VRFSEC_MAX_LABELS]; /* label values, outermost first */
	uint8_t eth[14];    /* Ethernet header template: dmac, smac, (ethertype filled per packet) */
	uint8_t pad[2];
};

struct vrfsec_vrf {
	uint8_t valid;
	uint8_t ttl_mode;   /* core-side pop: uniform copies label TTL into IP TTL */
	uint16_t vlan;      /* inside-port VLAN of this VRF, 0 = none */
	uint8_t tc_map[64]; /* DSCP -> MPLS TC */
};

struct vrfsec_sa_counters {
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops;
};

struct vrfsec_vrf_counters {
	uint64_t rx_packets; /* entered the VRF (decrypted, popped or untagged) */
	uint64_t rx_bytes;
	uint64_t tx_packets; /* left the VRF towards a port */
	uint64_t tx_bytes;
	uint64_t drops;
};

/* Port configuration */
struct vrfsec_port_cfg {
	uint16_t natt_port;   /* UDP port for ESP-in-UDP (4500) */
	uint16_t ike_port;    /* UDP port of IKE (500) */
	uint16_t core_mtu;    /* IP MTU behind the label stack on the core port */
	uint16_t inside_mtu;
	uint8_t public_mac[6];
	uint8_t core_mac[6];
	uint8_t inside_mac[6];
	uint8_t pad[2];
};

/* All state of one card. Big: allocate it (zeroed) once; untouched pages cost nothing. */
struct vrfsec_tables {
	struct vrfsec_port_cfg port;
	struct vrfsec_sa sa[VRFSEC_MAX_SA];
	struct vrfsec_spi_bucket spi_hash[VRFSEC_SPI_BUCKETS];
	uint32_t replay[VRFSEC_MAX_SA][VRFSEC_REPLAY_WORDS];
	struct vrfsec_nh nh[VRFSEC_MAX_NH];
	struct vrfsec_vrf vrf[VRFSEC_MAX_VRF];
	uint16_t label_vrf[VRFSEC_LABEL_SPACE]; /* VPN label -> VRF + 1, 0 = unmapped */
	uint16_t vlan_vrf[VRFSEC_VLAN_SPACE];   /* inside VLAN -> VRF + 1 */
	struct vrfsec_fib fib;
	uint64_t cnt[VRFSEC_CNT_MAX];
	struct vrfsec_sa_counters sa_cnt[VRFSEC_MAX_SA];
	struct vrfsec_vrf_counters vrf_cnt[VRFSEC_MAX_VRF];
};

#endif
