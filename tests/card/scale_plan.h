/* SPDX-License-Identifier: Apache-2.0 */
/* The scale test's tables as a function of (seed, index): SAs, next hops, routes, labels. */
#ifndef VRFSEC_CARDTEST_SCALE_PLAN_H
#define VRFSEC_CARDTEST_SCALE_PLAN_H

#include "cardtest.h"

/*
 * SA i: inbound when i is even, outbound when odd; VRF 1 + (i / 2) % 8; random key (16, 24 or
 * 32 bytes) and salt; SPIs from a bijection of i, so unique and spread like peers' choices.
 * Next hop k + 1 (k < n_out) seals into outbound SA 2k + 1; next hops n_out + v (v = 1..8)
 * push two labels towards the core.
 * Routes (VRFs overlap on purpose: the same prefixes in every VRF, different next hops):
 * block g (0..8191) is 10.(16 + (g / 8) % 4).(g / 32).0/24 in VRF 1 + g % 8; the /32 route r is
 * host r % 256 of block r / 256. n24 = 8192 /24 routes, n32 = n_routes - n24 /32 routes. The
 * FIB then needs about 8 + 32 + n32 / 256 trie nodes, well inside the pool of 32768.
 */
#define PLAN_VRFS 8u
#define PLAN_BLOCKS 8192u
#define PLAN_VPN_LABEL 1000u    /* VPN label of VRF v: 1000 + v */
#define PLAN_CORE_LABEL 16000u  /* labels pushed towards the core: 16000 + v, 17000 + v */

struct plan {
	uint64_t seed;
	uint32_t n_sa, n_out;  /* SAs; outbound ones (odd indices) */
	uint32_t n24, n32;     /* routes */
	uint32_t nh_mpls;      /* first MPLS next hop - 1: next hop nh_mpls + v */
};

extern const uint8_t plan_pub_addr[4]; /* the card's public address */
extern const uint8_t plan_card_mac[6], plan_peer_mac[6], plan_core_mac[6];

void plan_init(struct plan *pl, uint64_t seed, uint32_t n_sa, uint32_t n_routes);
void plan_sa(const struct plan *pl, uint32_t i, struct vrfsec_sa_cfg *sa);
void plan_key(const struct plan *pl, uint32_t i, struct esp_key *k);
uint32_t plan_spi(uint32_t i);
/* The outer address of SA i's peer (IPv4 or IPv6 as the SA is). */
void plan_peer(uint32_t i, uint8_t *af, uint8_t addr[16]);
void plan_nh(const struct plan *pl, uint32_t idx, struct vrfsec_nh_cfg *nh);
uint32_t plan_n_nh(const struct plan *pl);
/* Route r of all n24 + n32: the /24 routes first, then the /32 routes. */
void plan_route(const struct plan *pl, uint32_t r, struct vrfsec_route_cfg *rt);
/* The next hop the plan's longest match gives for addr in vrf, 0 when none; the matching route
 * in *rt when rt is not NULL. */
uint32_t plan_lookup(const struct plan *pl, uint16_t vrf, const uint8_t addr[4],
		     struct vrfsec_route_cfg *rt);
/* Address of a host that route r covers (and, for a /24, no /32 route does). */
void plan_route_host(const struct plan *pl, uint32_t r, uint8_t addr[4]);

#endif
