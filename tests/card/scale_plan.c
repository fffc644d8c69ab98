/* SPDX-License-Identifier: Apache-2.0 */
/* The scale test's tables as pure functions of (seed, index): nothing to store, everything to
 * recompute when checking what came out of the card. */
#include <string.h>

#include "scale_plan.h"

const uint8_t plan_pub_addr[4] = { 203, 0, 113, 1 };
const uint8_t plan_card_mac[6] = { 0x02, 0x76, 0x73, 0x00, 0x00, 0x01 };
const uint8_t plan_peer_mac[6] = { 0x02, 0x76, 0x73, 0x00, 0x00, 0x02 };
const uint8_t plan_core_mac[6] = { 0x02, 0x76, 0x73, 0x00, 0x00, 0x03 };

enum { STREAM_KEY = 1, STREAM_SALT, STREAM_KLEN, STREAM_NH };

void plan_init(struct plan *pl, uint64_t seed, uint32_t n_sa, uint32_t n_routes)
{
	memset(pl, 0, sizeof(*pl));
	pl->seed = seed;
	pl->n_sa = n_sa;
	pl->n_out = n_sa / 2;
	pl->n24 = PLAN_BLOCKS;
	pl->n32 = n_routes > PLAN_BLOCKS ? n_routes - PLAN_BLOCKS : 0;
	pl->nh_mpls = pl->n_out;
}

uint32_t plan_spi(uint32_t i)
{
	/* odd multiplications and xor-shifts are bijections of 32-bit words, and 0 maps to 0 only */
	uint32_t x = i + 1u;

	x *= 0x9e3779b1u;
	x ^= x >> 15;
	x *= 0x85ebca77u;
	x ^= x >> 13;
	return x;
}

void plan_peer(uint32_t i, uint8_t *af, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (i % 16u == 7u) {
		static const uint8_t pfx[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01 };

		*af = 6;
		memcpy(addr, pfx, sizeof(pfx));
		addr[12] = (uint8_t)(i >> 24);
		addr[13] = (uint8_t)(i >> 16);
		addr[14] = (uint8_t)(i >> 8);
		addr[15] = (uint8_t)i;
		return;
	}
	*af = 4;
	addr[0] = 100;
	addr[1] = (uint8_t)(64u + (i >> 16));
	addr[2] = (uint8_t)(i >> 8);
	addr[3] = (uint8_t)i;
}

void plan_key(const struct plan *pl, uint32_t i, struct esp_key *k)
{
	uint8_t kl;

	memset(k, 0, sizeof(*k));
	rand_bytes(pl->seed, STREAM_KLEN, i, &kl, 1);
	k->key_len = (uint8_t)(16u + 8u * (kl % 3u));
	rand_bytes(pl->seed, STREAM_KEY, i, k->key, k->key_len);
	rand_bytes(pl->seed, STREAM_SALT, i, k->salt, 4);
}

void plan_sa(const struct plan *pl, uint32_t i, struct vrfsec_sa_cfg *sa)
{
	static const uint8_t pub6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct esp_key k;
	uint8_t af, peer[16];

	memset(sa, 0, sizeof(*sa));
	plan_key(pl, i, &k);
	plan_peer(i, &af, peer);
	sa->idx = i;
	sa->dir = (i & 1u) ? VRFSEC_SA_OUT : VRFSEC_SA_IN;
	sa->mode = VRFSEC_SA_TUNNEL;
	sa->spi = plan_spi(i);
	sa->vrf = (uint16_t)(1u + (i / 2u) % PLAN_VRFS);
	sa->outer_af = af;
	if (sa->dir == VRFSEC_SA_IN) {
		memcpy(sa->src, peer, 16);
		if (af == 4)
			memcpy(sa->dst, plan_pub_addr, 4);
		else
			memcpy(sa->dst, pub6, 16);
		sa->udp = i % 8u == 2u;
	} else {
		memcpy(sa->dst, peer, 16);
		if (af == 4)
			memcpy(sa->src, plan_pub_addr, 4);
		else
			memcpy(sa->src, pub6, 16);
		sa->udp = i % 8u == 3u;
		sa->iv = (uint64_t)i << 32;
		memcpy(sa->smac, plan_card_mac, 6);
		memcpy(sa->dmac, plan_peer_mac, 6);
		sa->dmac[4] = (uint8_t)(i >> 8);
		sa->dmac[5] = (uint8_t)i;
	}
	if (sa->udp) {
		sa->udp_sport = 4500;
		sa->udp_dport = (uint16_t)(sa->dir == VRFSEC_SA_OUT ? 30000u + i % 1000u : 4500u);
	}
	sa->key_len = k.key_len;
	memcpy(sa->key, k.key, sizeof(sa->key));
	memcpy(sa->salt, k.salt, 4);
}

uint32_t plan_n_nh(const struct plan *pl)
{
	return pl->n_out + PLAN_VRFS;
}

void plan_nh(const struct plan *pl, uint32_t idx, struct vrfsec_nh_cfg *nh)
{
	memset(nh, 0, sizeof(*nh));
	nh->idx = idx;
	if (idx <= pl->n_out) {
		nh->kind = VRFSEC_NEXTHOP_SA;
		nh->sa = 2u * (idx - 1u) + 1u;
		return;
	}
	nh->kind = VRFSEC_NEXTHOP_MPLS;
	nh->n_labels = 2;
	nh->label[0] = PLAN_CORE_LABEL + (idx - pl->nh_mpls);
	nh->label[1] = PLAN_CORE_LABEL + 1000u + (idx - pl->nh_mpls);
	memcpy(nh->dmac, plan_core_mac, 6);
	memcpy(nh->smac, plan_card_mac, 6);
}

/* One route in eight goes to the core, the rest into a tunnel. */
static uint32_t route_nh(const struct plan *pl, uint32_t plen, uint32_t idx, uint32_t vrf)
{
	uint64_t h = mix64(pl->seed ^ mix64((uint64_t)plen << 40 | idx));

	if (h % 8u == 0)
		return pl->nh_mpls + vrf;
	return 1u + (uint32_t)((h >> 8) % pl->n_out);
}

static void block_addr(uint32_t g, uint16_t *vrf, uint8_t a[4])
{
	*vrf = (uint16_t)(1u + g % PLAN_VRFS);
	a[0] = 10;
	a[1] = (uint8_t)(16u + (g / PLAN_VRFS) % 4u);
	a[2] = (uint8_t)(g / (PLAN_VRFS * 4u));
	a[3] = 0;
}

void plan_route(const struct plan *pl, uint32_t r, struct vrfsec_route_cfg *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->af = 4;
	if (r < pl->n24) {
		block_addr(r, &rt->vrf, rt->addr);
		rt->plen = 24;
		rt->nh = route_nh(pl, 24, r, rt->vrf);
		return;
	}
	r -= pl->n24;
	block_addr(r / 256u, &rt->vrf, rt->addr);
	rt->addr[3] = (uint8_t)(r % 256u);
	rt->plen = 32;
	rt->nh = route_nh(pl, 32, r, rt->vrf);
}

uint32_t plan_lookup(const struct plan *pl, uint16_t vrf, const uint8_t a[4],
		     struct vrfsec_route_cfg *rt)
{
	uint32_t k, x, g, r;
	struct vrfsec_route_cfg tmp;

	if (!rt)
		rt = &tmp;
	memset(rt, 0, sizeof(*rt));
	if (a[0] != 10 || a[1] < 16 || a[1] > 19 || vrf < 1 || vrf > PLAN_VRFS)
		return 0;
	k = a[1] - 16u;
	x = a[2];
	g = x * (PLAN_VRFS * 4u) + k * PLAN_VRFS + (vrf - 1u);
	r = g * 256u + a[3];
	plan_route(pl, r < pl->n32 ? pl->n24 + r : g, rt);
	return rt->nh;
}

void plan_route_host(const struct plan *pl, uint32_t r, uint8_t addr[4])
{
	struct vrfsec_route_cfg rt;

	plan_route(pl, r, &rt);
	memcpy(addr, rt.addr, 4);
	/* a /24 route is only the longest match where no /32 route sits: blocks past the /32s
	 * have none, and within a partly filled block the hosts past the last one */
	if (rt.plen == 24)
		addr[3] = 255;
}
