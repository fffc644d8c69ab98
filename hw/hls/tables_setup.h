/* SPDX-License-Identifier: Apache-2.0 */
/* Setup side of the tables: compile SAs, next hops, VRFs, label and VLAN maps. Not per packet. */
#ifndef VRFSEC_TABLES_SETUP_H
#define VRFSEC_TABLES_SETUP_H

#include "vrfsec_tables.h"

struct vrfsec_sa_params {
	uint8_t dir;          /* VRFSEC_SA_DIR_IN / _OUT */
	uint8_t mode;         /* VRFSEC_MODE_TUNNEL / _TRANSPORT */
	uint8_t esn;          /* 1: 64-bit sequence numbers */
	uint8_t udp;          /* 1: RFC 3948 UDP encapsulation with udp_sport/udp_dport */
	uint32_t spi;
	uint16_t vrf;
	uint16_t win;         /* inbound replay window, bits; 0 = default (1024); max 4096 */
	uint8_t no_replay;    /* inbound: 1 disables the replay check */
	uint8_t outer_af;     /* VRFSEC_AF_IPV4 / _IPV6 */
	uint8_t ttl;          /* outer TTL / hop limit, 0 = 64 */
	uint8_t tos;          /* outer DSCP/ECN byte when not copied */
	uint8_t dscp_copy;    /* 1: copy inner DSCP into the outer header */
	uint8_t ecn_copy;     /* 1: copy inner ECN (RFC 6040 normal mode) */
	uint8_t df_mode;      /* VRFSEC_DF_COPY / _SET / _CLEAR */
	uint8_t pad_extra;    /* extra ESP padding, multiple of 4, <= 252 */
	uint8_t salt[4];
	uint8_t src[16];      /* outer addresses (4 or 16 bytes used) */
	uint8_t dst[16];
	uint32_t flow_label;  /* IPv6 outer flow label */
	uint16_t ipv4_id;     /* first outer IPv4 identification */
	uint16_t udp_sport;
	uint16_t udp_dport;
	uint16_t mtu;         /* outbound: largest outer IP packet, 0 = 1500 */
	uint64_t seq;         /* outbound: last sequence number used (first packet gets seq + 1);
	                       * inbound: highest already seen (0 for a new SA) */
	uint64_t iv;          /* outbound: first explicit IV */
	uint8_t smac[6];      /* outbound: Ethernet source and destination on the public port */
	uint8_t dmac[6];
	uint8_t n_ts;         /* inbound: allowed inner-source prefixes; 0 = any */
	struct vrfsec_ts ts[VRFSEC_MAX_TS];
};

/* Set port defaults (NAT-T 4500, IKE 500, MTU 1500) and empty FIBs in zeroed tables (the memory
 * comes zeroed from the allocator, as a card's tables come cleared from reset). */
void vrfsec_tables_init(struct vrfsec_tables *t);

/* Compile an SA (without its key) into slot idx and, for inbound SAs, into the SPI hash.
 * 0, VRFSEC_EINVAL, VRFSEC_EEXIST (slot in use) or VRFSEC_ENOSPC (SPI hash full). */
int vrfsec_sa_compile(struct vrfsec_tables *t, uint32_t idx, const struct vrfsec_sa_params *p);
/* The outer header of an installed SA, as an update that moves it reads and rewrites it. */
struct vrfsec_sa_outer {
	uint8_t src[16];      /* outer addresses in the SA's family (4 or 16 bytes used) */
	uint8_t dst[16];      /* inbound: ours, the SPI lookup's second key */
	uint16_t udp_sport;   /* outbound UDP-encapsulated SAs; 0 otherwise */
	uint16_t udp_dport;
	uint8_t smac[6];      /* outbound: Ethernet source and destination */
	uint8_t dmac[6];
};

/* Read the outer fields of SA idx. 0 or VRFSEC_ENOENT. */
int vrfsec_sa_outer_get(const struct vrfsec_tables *t, uint32_t idx, struct vrfsec_sa_outer *o);
/* Move SA idx to new outer fields in place, keeping key, sequence number, IV, IPv4
 * identification, replay window and counters. Outbound: the template and the IPv4 checksum base
 * are rebuilt (family, mode and encapsulation stay, so its length does). Inbound: src and dst are
 * replaced; dst is the lookup key, so VRFSEC_EEXIST when another inbound SA has this SPI at the
 * new dst. 0, VRFSEC_ENOENT, VRFSEC_EINVAL (UDP SA with a zero port), VRFSEC_EEXIST. Not atomic
 * for a pipeline that reads the SA meanwhile: the caller owns the table write. */
int vrfsec_sa_move(struct vrfsec_tables *t, uint32_t idx, const struct vrfsec_sa_outer *o);
/* Remove SA idx from the tables and the SPI hash. 0 or VRFSEC_ENOENT. */
int vrfsec_sa_remove(struct vrfsec_tables *t, uint32_t idx);
/* Find an inbound SA (per packet too): SA index or VRFSEC_NONE. */
uint32_t vrfsec_spi_lookup(const struct vrfsec_tables *t, uint32_t spi, uint8_t af,
			   const uint8_t *dst);

/* Next hop idx (1 .. VRFSEC_MAX_NH-1). Labels are validated (< 2^20). 0 or VRFSEC_EINVAL. */
int vrfsec_nh_set(struct vrfsec_tables *t, uint32_t idx, const struct vrfsec_nh *nh);

struct vrfsec_vrf_params {
	uint8_t ttl_mode;   /* VRFSEC_TTL_UNIFORM / _PIPE on label pop */
	uint16_t vlan;      /* inside VLAN (1..4094) or 0 */
	uint8_t tc_map_set; /* 1: use tc_map, else TC = DSCP >> 3 */
	uint8_t tc_map[64];
};
int vrfsec_vrf_set(struct vrfsec_tables *t, uint16_t vrf, const struct vrfsec_vrf_params *p);
/* Map a VPN label (16 .. 2^20-1) to a VRF; vrf VRFSEC_NONE & 0xffff removes it. */
int vrfsec_label_map(struct vrfsec_tables *t, uint32_t label, uint16_t vrf);

/* Route prefix/plen of vrf to next hop nh (1 .. VRFSEC_MAX_NH-1), replacing an equal prefix.
 * 0, VRFSEC_EINVAL or VRFSEC_ENOSPC (counted as table_full). */
int vrfsec_route_add(struct vrfsec_tables *t, uint16_t vrf, uint8_t af, const uint8_t *addr,
		     uint8_t plen, uint32_t nh);
/* Remove a route; the covering route takes over. 0, VRFSEC_EINVAL or VRFSEC_ENOENT. */
int vrfsec_route_del(struct vrfsec_tables *t, uint16_t vrf, uint8_t af, const uint8_t *addr,
		     uint8_t plen);

#endif
