/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic generator scenario: VRFs with overlapping customer space, clients with varied SAs,
 * next hops, routes, labels and VLANs, built from a seed and programmed into a testbed. */
#include "trafgen.h"

#include <errno.h>
#include <string.h>

#include "trafgen_impl.h"

static const char *const kind_names[] = {
#define X(id, name, err) name,
	TRAFGEN_KINDS(X)
#undef X
};

static const uint8_t kind_err[] = {
#define X(id, name, err) err,
	TRAFGEN_KINDS(X)
#undef X
};

static const char *const feature_names[] = {
#define X(id, name) name,
	TRAFGEN_FEATURES(X)
#undef X
};

_Static_assert(TGF_MAX <= 64, "features fit a 64-bit mask");

const char *trafgen_kind_name(unsigned kind)
{
	return kind < TG_KIND_MAX ? kind_names[kind] : "?";
}

int trafgen_kind_is_error(unsigned kind)
{
	return kind < TG_KIND_MAX && kind_err[kind];
}

const char *trafgen_feature_name(unsigned feature)
{
	return feature < TGF_MAX ? feature_names[feature] : "?";
}

void trafgen_rng_seed(struct trafgen_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t trafgen_rand(struct trafgen_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t trafgen_below(struct trafgen_rng *r, uint32_t n)
{
	return n ? (uint32_t)(trafgen_rand(r) % n) : 0u;
}

void tg_rand_bytes(struct trafgen_rng *r, uint8_t *b, uint32_t n)
{
	uint32_t i;
	uint64_t v = 0;

	for (i = 0; i < n; i++) {
		if ((i & 7u) == 0)
			v = trafgen_rand(r);
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

int tg_prefix_match(const uint8_t *a, const uint8_t *prefix, uint32_t plen)
{
	uint32_t i;

	for (i = 0; i < plen / 8u; i++)
		if (a[i] != prefix[i])
			return 0;
	if (plen & 7u) {
		uint8_t m = (uint8_t)(0xffu << (8u - (plen & 7u)));

		if ((a[i] & m) != (prefix[i] & m))
			return 0;
	}
	return 1;
}

void tg_rand_in(struct trafgen_rng *r, uint8_t af, const uint8_t *prefix, uint32_t plen,
		uint8_t *out)
{
	uint32_t n = tg_alen(af), i;

	tg_rand_bytes(r, out, n);
	for (i = 0; i < n; i++) {
		uint32_t bits = plen > 8u * i ? plen - 8u * i : 0u;
		uint8_t m = bits >= 8u ? 0xffu : (uint8_t)(0xffu << (8u - bits));

		out[i] = (uint8_t)((prefix[i] & m) | (out[i] & ~m));
	}
	/* Keep host parts away from all-zero / all-ones so that no address looks special. */
	if (plen < 8u * n - 1u && (out[n - 1] == 0 || out[n - 1] == 0xff))
		out[n - 1] = (uint8_t)((out[n - 1] & ~1u) | 1u) ^ 2u;
}

/* The one longest-prefix match the expectations use: a plain scan, nothing like the card's trie. */
const struct trafgen_route *tg_lpm(const struct trafgen_scenario *sc, uint16_t vi, uint8_t af,
				   const uint8_t *addr)
{
	const struct trafgen_route *best = NULL;
	uint32_t i;

	for (i = 0; i < sc->n_routes; i++) {
		const struct trafgen_route *rt = &sc->route[i];

		if (rt->vrf != vi || rt->af != af || !tg_prefix_match(addr, rt->addr, rt->plen))
			continue;
		if (!best || rt->plen > best->plen)
			best = rt;
	}
	return best;
}

void trafgen_config_default(struct trafgen_config *cfg)
{
	cfg->n_vrf = 4;
	cfg->clients_per_vrf = 0;
	cfg->error_pct = 15;
}

void trafgen_burst_begin(struct trafgen_scenario *sc)
{
	sc->epoch++;
}

void trafgen_load(const struct trafgen_pkt *tp, struct vrfsec_pkt *p)
{
	pkt_load(p, tp->in_port, tp->frame, tp->len);
	p->sa_out = tp->sa_out;
	if (tp->in_port == VRFSEC_PORT_HOST && tp->sa_out == VRFSEC_NONE)
		p->out_port = tp->host_port;
}

/* ---- scenario construction ---- */

struct build {
	struct trafgen_scenario *sc;
	struct trafgen_rng r;
	uint32_t used_sa[2u * TRAFGEN_MAX_CLIENTS + 1u];
	uint32_t n_used_sa;
	uint32_t rot;
	uint8_t inner4[TRAFGEN_MAX_CLIENTS][4];
	uint8_t inner6[TRAFGEN_MAX_CLIENTS][16];
};

static int u32_in(const uint32_t *a, uint32_t n, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (a[i] == v)
			return 1;
	return 0;
}

static uint32_t new_sa_index(struct build *b)
{
	uint32_t idx;

	do
		idx = trafgen_below(&b->r, VRFSEC_MAX_SA);
	while (u32_in(b->used_sa, b->n_used_sa, idx));
	b->used_sa[b->n_used_sa++] = idx;
	return idx;
}

static int spi_used(const struct trafgen_scenario *sc, uint32_t spi)
{
	uint32_t i;

	for (i = 0; i < sc->n_clients; i++)
		if (sc->client[i].in.spi == spi || sc->client[i].out.spi == spi)
			return 1;
	return 0;
}

static uint32_t new_spi(struct build *b)
{
	uint32_t spi;

	do
		spi = (uint32_t)trafgen_rand(&b->r);
	while (spi < 256u || spi_used(b->sc, spi)); /* 1..255 are reserved (RFC 4303 2.1) */
	return spi;
}

static uint32_t new_nh(struct build *b, uint8_t kind)
{
	struct trafgen_scenario *sc = b->sc;
	struct vrfsec_nh *nh = &sc->nh[++sc->n_nh];

	memset(nh, 0, sizeof(*nh));
	nh->kind = kind;
	return sc->n_nh;
}

static void add_route(struct build *b, uint16_t vi, uint8_t af, const uint8_t *addr, uint8_t plen,
		      uint32_t nh, uint8_t role)
{
	struct trafgen_scenario *sc = b->sc;
	struct trafgen_route *rt;
	uint32_t i, n = tg_alen(af);

	/* Same prefix twice in a VRF: the later route replaces the earlier, as on the card. */
	for (i = 0; i < sc->n_routes; i++) {
		rt = &sc->route[i];
		if (rt->vrf == vi && rt->af == af && rt->plen == plen &&
		    tg_prefix_match(addr, rt->addr, plen) && tg_prefix_match(rt->addr, addr, plen)) {
			rt->nh = nh;
			rt->role = role;
			return;
		}
	}
	rt = &sc->route[sc->n_routes++];
	memset(rt, 0, sizeof(*rt));
	rt->vrf = vi;
	rt->af = af;
	rt->plen = plen;
	rt->nh = nh;
	rt->role = role;
	for (i = 0; i < n; i++) {
		uint32_t bits = plen > 8u * i ? plen - 8u * i : 0u;

		rt->addr[i] = (uint8_t)(addr[i] & (bits >= 8u ? 0xffu : (uint8_t)(0xffu << (8u - bits))));
	}
}

static void eth_pair(struct build *b, struct vrfsec_nh *nh, const uint8_t *smac)
{
	tg_rand_bytes(&b->r, nh->eth, 6);
	nh->eth[0] = (uint8_t)((nh->eth[0] & 0xfeu) | 0x02u); /* unicast, locally administered */
	memcpy(nh->eth + 6, smac, 6);
}

static uint32_t mpls_nh(struct build *b)
{
	uint32_t idx = new_nh(b, VRFSEC_NH_MPLS), i;
	struct vrfsec_nh *nh = &b->sc->nh[idx];

	nh->n_labels = (uint8_t)(1u + idx % VRFSEC_MAX_LABELS); /* every stack depth in any VRF */
	for (i = 0; i < nh->n_labels; i++)
		nh->label[i] = 16u + trafgen_below(&b->r, (1u << 20) - 16u);
	nh->ttl_mode = (uint8_t)trafgen_below(&b->r, 2);
	nh->pipe_ttl = trafgen_below(&b->r, 3) ? (uint8_t)(1u + trafgen_below(&b->r, 255)) : 0u;
	nh->mtu = trafgen_below(&b->r, 4) ? 0u : (uint16_t)(1280u + trafgen_below(&b->r, 221));
	eth_pair(b, nh, b->sc->mac_core);
	return idx;
}

/* Address spaces (every VRF uses the same ones: the customers' plans overlap). */
static const uint8_t CORE4_A[4] = { 172, 16, 0, 0 };   /* /12 */
static const uint8_t CORE4_B[4] = { 100, 64, 0, 0 };   /* /10 */
static const uint8_t CORE6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x10 }; /* /36 */
static const uint8_t VLAN4[4] = { 192, 168, 0, 0 };    /* /16 */
static const uint8_t VLAN6[16] = { 0xfd, 0x10 };       /* /16 */
static const uint8_t SPECIAL4[3][4] = { { 10, 1, 0, 0 }, { 10, 2, 0, 0 }, { 10, 3, 0, 0 } };
static const uint8_t SPECIAL4_LEN[3] = { 24, 16, 24 };
static const uint8_t SPECIAL6[3][16] = { { 0xfd, 0x01 }, { 0xfd, 0x02 }, { 0xfd, 0x03 } };

static void core_routes(struct build *b, uint16_t vi)
{
	uint32_t n = 3u + trafgen_below(&b->r, 4), i;
	uint8_t a[16];

	for (i = 0; i < n; i++) {
		uint32_t nh = mpls_nh(b);
		uint8_t af = trafgen_below(&b->r, 10) < 6 ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
		uint8_t plen;
		const struct trafgen_route *prev = b->sc->n_routes ? &b->sc->route[b->sc->n_routes - 1] :
								      NULL;

		if (prev && prev->role == TG_RT_CORE && prev->vrf == vi &&
		    prev->plen < 8u * tg_alen(prev->af) && trafgen_below(&b->r, 3) == 0) {
			/* A more specific route inside the previous one: longest match must win. */
			af = prev->af;
			plen = (uint8_t)(prev->plen + 1u +
					 trafgen_below(&b->r, 8u * tg_alen(af) - prev->plen));
			tg_rand_in(&b->r, af, prev->addr, prev->plen, a);
		} else if (af == VRFSEC_AF_IPV4) {
			int first = trafgen_below(&b->r, 2) == 0;

			plen = (uint8_t)((first ? 12u : 10u) + trafgen_below(&b->r, first ? 21u : 23u));
			tg_rand_in(&b->r, af, first ? CORE4_A : CORE4_B, first ? 12u : 10u, a);
		} else {
			plen = (uint8_t)(36u + trafgen_below(&b->r, 93));
			tg_rand_in(&b->r, af, CORE6, 36, a);
		}
		add_route(b, vi, af, a, plen, nh, TG_RT_CORE);
	}
}

static uint32_t vlan_routes(struct build *b, uint16_t vi)
{
	uint32_t n = 1u + trafgen_below(&b->r, 2), i, nh = 0;
	uint8_t a[16];

	for (i = 0; i < n; i++) {
		struct vrfsec_nh *h;

		nh = new_nh(b, VRFSEC_NH_VLAN);
		h = &b->sc->nh[nh];
		h->vlan = (uint16_t)(1u + trafgen_below(&b->r, 4094));
		h->mtu = trafgen_below(&b->r, 3) ? 0u : (uint16_t)(1280u + trafgen_below(&b->r, 221));
		eth_pair(b, h, b->sc->mac_inside);
		tg_rand_in(&b->r, VRFSEC_AF_IPV4, VLAN4, 16, a);
		add_route(b, vi, VRFSEC_AF_IPV4, a, (uint8_t)(16u + trafgen_below(&b->r, 17)), nh,
			  TG_RT_VLAN);
		tg_rand_in(&b->r, VRFSEC_AF_IPV6, VLAN6, 16, a);
		add_route(b, vi, VRFSEC_AF_IPV6, a, (uint8_t)(16u + trafgen_below(&b->r, 113)), nh,
			  TG_RT_VLAN);
	}
	return nh;
}

static void client_init(struct build *b, uint16_t vi, uint32_t k)
{
	struct trafgen_scenario *sc = b->sc;
	uint32_t n = sc->n_clients + b->rot; /* SA kinds go round-robin from a random offset, so
					       * that every scenario of 10+ clients has them all */
	struct trafgen_client *c = &sc->client[sc->n_clients];
	struct vrfsec_sa_params *in = &c->in, *out = &c->out;
	struct trafgen_rng *r = &b->r;
	static const uint16_t small_win[] = { 32, 64, 96, 128, 256, 512 };
	static const uint8_t key_lens[] = { 16, 24, 32 };
	uint32_t w = n % 5u, i;

	memset(c, 0, sizeof(*c));
	c->vrf = vi;
	c->transport = n % 4u == 1u;
	c->outer_af = (n / 4u) % 2u ? VRFSEC_AF_IPV6 : VRFSEC_AF_IPV4;
	c->udp = (uint8_t)((n + n / 8u) % 2u);
	c->esn = n % 3u == 0 || trafgen_below(r, 5) == 0;
	c->key_len = key_lens[(n / 3u) % 3u];
	c->pub = c->outer_af == VRFSEC_AF_IPV4 ? (uint8_t)trafgen_below(r, 2) : 0u;
	c->nat_port = trafgen_below(r, 2) ? (uint16_t)TG_NATT_PORT :
					   (uint16_t)(1024u + trafgen_below(r, 64512));
	tg_rand_bytes(r, c->mac, 6);
	c->mac[0] = (uint8_t)((c->mac[0] & 0xfeu) | 0x02u);
	/* Public addresses must be unique per client; the retry loop below guarantees it. */
	for (;;) {
		int clash = 0;

		if (c->outer_af == VRFSEC_AF_IPV4) {
			static const uint8_t net[4] = { 198, 18, 0, 0 };

			tg_rand_in(r, VRFSEC_AF_IPV4, net, 15, c->outer);
		} else {
			static const uint8_t net[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xc0, 0x00 };

			tg_rand_in(r, VRFSEC_AF_IPV6, net, 48, c->outer);
		}
		for (i = 0; i < sc->n_clients; i++)
			clash |= memcmp(sc->client[i].outer, c->outer, 16) == 0;
		if (!clash)
			break;
	}
	memcpy(c->inner4, b->inner4[k], 4);
	memcpy(c->inner6, b->inner6[k], 16);
	tg_rand_bytes(r, c->key_in, sizeof(c->key_in));
	tg_rand_bytes(r, c->key_out, sizeof(c->key_out));
	c->sa_in = new_sa_index(b);
	c->sa_out = new_sa_index(b);

	in->dir = VRFSEC_SA_DIR_IN;
	in->mode = c->transport ? VRFSEC_MODE_TRANSPORT : VRFSEC_MODE_TUNNEL;
	in->esn = c->esn;
	in->udp = c->udp;
	in->spi = new_spi(b);
	in->vrf = sc->vrf[vi].id;
	if (w == 0)
		in->no_replay = 1;
	else if (w == 1)
		in->win = 0;
	else if (w == 2)
		in->win = VRFSEC_REPLAY_MAX;
	else if (w == 3)
		in->win = small_win[trafgen_below(r, 6)];
	else
		in->win = (uint16_t)(1024u + trafgen_below(r, 3072));
	in->outer_af = c->outer_af;
	tg_rand_bytes(r, in->salt, 4);
	memcpy(in->src, c->outer, 16);
	memcpy(in->dst, c->outer_af == VRFSEC_AF_IPV4 ? sc->pub4[c->pub] : sc->pub6,
	       tg_alen(c->outer_af));
	in->udp_sport = c->nat_port;
	in->udp_dport = TG_NATT_PORT;
	if (c->transport) {
		in->n_ts = 1;
		in->ts[0].af = c->outer_af;
		in->ts[0].plen = (uint8_t)(8u * tg_alen(c->outer_af));
		memcpy(in->ts[0].addr, c->outer, 16);
	} else if (n % 7u != 3u) {
		in->n_ts = 2;
		in->ts[0].af = VRFSEC_AF_IPV4;
		in->ts[0].plen = 32;
		memcpy(in->ts[0].addr, c->inner4, 4);
		in->ts[1].af = VRFSEC_AF_IPV6;
		in->ts[1].plen = 128;
		memcpy(in->ts[1].addr, c->inner6, 16);
	}
	/* Starting points: fresh SAs, SAs in mid life, ESN SAs about to cross 2^32 or past it. */
	if (!c->esn)
		in->seq = trafgen_below(r, 5) == 0 ? 0u : 5000u + trafgen_below(r, 1u << 24);
	else if (trafgen_below(r, 10) < 4)
		in->seq = 0xffffffffull - trafgen_below(r, 150);
	else if (trafgen_below(r, 2))
		in->seq = ((uint64_t)(1u + trafgen_below(r, 100)) << 32) | (uint32_t)trafgen_rand(r);
	else
		in->seq = trafgen_below(r, 1u << 20);

	*out = *in;
	out->dir = VRFSEC_SA_DIR_OUT;
	out->spi = new_spi(b);
	out->no_replay = 0;
	out->win = 0;
	out->n_ts = 0;
	memset(out->ts, 0, sizeof(out->ts));
	tg_rand_bytes(r, out->salt, 4);
	memcpy(out->src, in->dst, 16);
	memcpy(out->dst, c->outer, 16);
	out->udp_sport = TG_NATT_PORT;
	out->udp_dport = c->nat_port;
	out->ttl = trafgen_below(r, 2) ? 0u : (uint8_t)(1u + trafgen_below(r, 255));
	out->tos = (uint8_t)trafgen_rand(r);
	out->dscp_copy = (uint8_t)trafgen_below(r, 2);
	out->ecn_copy = (uint8_t)trafgen_below(r, 2);
	out->df_mode = (uint8_t)trafgen_below(r, 3);
	out->pad_extra = trafgen_below(r, 4) ? 0u : (uint8_t)(4u * trafgen_below(r, 9));
	out->flow_label = (uint32_t)trafgen_rand(r) & 0xfffffu;
	out->ipv4_id = (uint16_t)trafgen_rand(r);
	out->mtu = trafgen_below(r, 2) ? 0u : (uint16_t)(576u + trafgen_below(r, 925));
	if (!c->esn)
		out->seq = trafgen_below(r, 1u << 20);
	else if (trafgen_below(r, 2))
		out->seq = 0xffffffffull - trafgen_below(r, 100);
	else
		out->seq = ((uint64_t)trafgen_below(r, 4) << 32) | trafgen_below(r, 1u << 20);
	out->iv = trafgen_rand(r);
	memcpy(out->smac, sc->mac_public, 6);
	memcpy(out->dmac, c->mac, 6);

	c->tx_next = in->seq + 1u;
	c->tx_iv = trafgen_rand(r);
	c->win.top = in->seq;
	c->out_top = out->seq;
	sc->n_clients++;
}

/* The last client of the first VRF can no longer be sent to: its outbound sequence numbers are
 * used up (no ESN), so everything routed to it must be dropped as seq_exhausted. */
static void make_dead(struct trafgen_client *c)
{
	c->dead = 1;
	c->out.esn = 0;
	c->out.seq = 0xffffffffull;
	c->out_top = c->out.seq;
}

/* Two IPv4 clients on different public addresses use the same inbound SPI: lookup is by SPI and
 * destination together. Two IPv4 clients are moved onto different addresses if need be. */
static void share_spi(struct trafgen_scenario *sc)
{
	struct trafgen_client *a = NULL, *b = NULL;
	uint32_t i;

	for (i = 0; i < sc->n_clients; i++) {
		struct trafgen_client *c = &sc->client[i];

		if (c->outer_af != VRFSEC_AF_IPV4)
			continue;
		if (!a)
			a = c;
		else if (!b || c->pub != a->pub)
			b = c;
	}
	if (!b)
		return;
	b->pub = (uint8_t)!a->pub;
	memcpy(b->in.dst, sc->pub4[b->pub], 4);
	memcpy(b->out.src, sc->pub4[b->pub], 4);
	b->in.spi = a->in.spi;
	a->shared_spi = b->shared_spi = 1;
}

static void vrf_routes(struct build *b, uint16_t vi)
{
	struct trafgen_scenario *sc = b->sc;
	struct trafgen_vrf *v = &sc->vrf[vi];
	uint32_t i, nh_host, nh_drop, nh_dead, nh_vlan, nh_pub, k;
	static const uint8_t zero[16];

	for (i = v->first_client; i < v->first_client + v->n_clients; i++) {
		struct trafgen_client *c = &sc->client[i];
		uint32_t nh = new_nh(b, VRFSEC_NH_SA);

		sc->nh[nh].sa = c->sa_out;
		if (c->transport) {
			add_route(b, vi, c->outer_af, c->outer, (uint8_t)(8u * tg_alen(c->outer_af)),
				  nh, TG_RT_CLIENT);
		} else {
			add_route(b, vi, VRFSEC_AF_IPV4, c->inner4, 32, nh, TG_RT_CLIENT);
			add_route(b, vi, VRFSEC_AF_IPV6, c->inner6, 128, nh, TG_RT_CLIENT);
		}
	}
	core_routes(b, vi);
	if (vi == 0) /* one VRF has a default route towards the core (IPv4 only) */
		add_route(b, vi, VRFSEC_AF_IPV4, zero, 0, mpls_nh(b), TG_RT_DEFAULT);
	nh_vlan = vlan_routes(b, vi);
	nh_host = new_nh(b, VRFSEC_NH_HOST);
	nh_drop = new_nh(b, VRFSEC_NH_DROP);
	nh_dead = new_nh(b, VRFSEC_NH_SA);
	sc->nh[nh_dead].sa = sc->dead_sa;
	for (k = 0; k < 3; k++) {
		uint32_t nh = k == 0 ? nh_host : k == 1 ? nh_drop : nh_dead;
		uint8_t role = k == 0 ? TG_RT_HOST : k == 1 ? TG_RT_DROP : TG_RT_DEAD;

		add_route(b, vi, VRFSEC_AF_IPV4, SPECIAL4[k], SPECIAL4_LEN[k], nh, role);
		add_route(b, vi, VRFSEC_AF_IPV6, SPECIAL6[k], 32, nh, role);
	}
	/* The card's own public addresses, where transport-mode traffic is addressed. */
	k = trafgen_below(&b->r, 3);
	nh_pub = k == 0 ? nh_host : k == 1 ? nh_vlan : 0u;
	if (!nh_pub) {
		for (i = 0; i < sc->n_routes; i++)
			if (sc->route[i].vrf == vi && sc->route[i].role == TG_RT_CORE)
				nh_pub = sc->route[i].nh;
	}
	add_route(b, vi, VRFSEC_AF_IPV4, sc->pub4[0], 32, nh_pub, TG_RT_PUBLIC);
	add_route(b, vi, VRFSEC_AF_IPV4, sc->pub4[1], 32, nh_pub, TG_RT_PUBLIC);
	add_route(b, vi, VRFSEC_AF_IPV6, sc->pub6, 128, nh_pub, TG_RT_PUBLIC);
}

static uint32_t new_label(struct build *b)
{
	struct trafgen_scenario *sc = b->sc;
	uint32_t l, i, clash;

	do {
		l = 16u + trafgen_below(&b->r, (1u << 20) - 16u);
		clash = l == sc->unconf_label;
		for (i = 0; i < sc->n_vrf; i++)
			clash |= l == sc->vrf[i].label[0] || l == sc->vrf[i].label[1];
	} while (clash);
	return l;
}

static void fixed_addresses(struct trafgen_scenario *sc)
{
	static const uint8_t pub4[2][4] = { { 203, 0, 113, 1 }, { 203, 0, 113, 2 } };
	static const uint8_t pub6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	memcpy(sc->pub4, pub4, sizeof(pub4));
	memcpy(sc->pub6, pub6, 16);
	memcpy(sc->mac_public, "\x02\x00\x5e\x00\x00\x01", 6);
	memcpy(sc->mac_core, "\x02\x00\x5e\x00\x00\x02", 6);
	memcpy(sc->mac_inside, "\x02\x00\x5e\x00\x00\x03", 6);
	memcpy(sc->mac_peer, "\x02\x00\x5e\x00\x00\xfe", 6);
}

/* Inner addresses by client number, the same in every VRF. */
static void inner_plan(struct build *b)
{
	uint32_t k, j;

	for (k = 0; k < TRAFGEN_MAX_CLIENTS; k++) {
		int clash;

		do {
			static const uint8_t n4[4] = { 10, 0, 0, 0 };
			static const uint8_t n6[16] = { 0xfd };

			tg_rand_in(&b->r, VRFSEC_AF_IPV4, n4, 16, b->inner4[k]);
			tg_rand_in(&b->r, VRFSEC_AF_IPV6, n6, 48, b->inner6[k]);
			clash = 0;
			for (j = 0; j < k; j++)
				clash |= memcmp(b->inner4[j], b->inner4[k], 4) == 0;
		} while (clash);
	}
}

int trafgen_scenario_init(struct trafgen_scenario *sc, uint64_t seed,
			  const struct trafgen_config *cfg)
{
	struct build b;
	uint32_t per, vi, i;

	if (cfg->n_vrf < 1u || cfg->n_vrf > TRAFGEN_MAX_VRF || cfg->error_pct > 100u)
		return -EINVAL;
	per = cfg->clients_per_vrf ? cfg->clients_per_vrf : 8u;
	if (per * cfg->n_vrf > TRAFGEN_MAX_CLIENTS - 1u)
		return -EINVAL;
	memset(sc, 0, sizeof(*sc));
	memset(&b, 0, sizeof(b));
	b.sc = sc;
	sc->cfg = *cfg;
	sc->seed = seed;
	sc->epoch = 1;
	trafgen_rng_seed(&b.r, seed);
	trafgen_rng_seed(&sc->rng, seed ^ 0x72616667656e21ull);
	fixed_addresses(sc);
	inner_plan(&b);
	b.rot = trafgen_below(&b.r, 420); /* 420: a multiple of every round-robin period */
	sc->dead_sa = new_sa_index(&b);
	sc->n_vrf = cfg->n_vrf;
	sc->unconf_label = 16u + trafgen_below(&b.r, (1u << 20) - 16u);
	for (vi = 0; vi < sc->n_vrf; vi++) {
		struct trafgen_vrf *v = &sc->vrf[vi];
		uint32_t clash;

		do { /* VRF ids and inside VLANs are distinct; the last id is the unconfigured one */
			v->id = (uint16_t)trafgen_below(&b.r, VRFSEC_MAX_VRF);
			v->vlan = (uint16_t)(1u + trafgen_below(&b.r, 4094));
			clash = 0;
			for (i = 0; i < vi; i++)
				clash |= sc->vrf[i].id == v->id || sc->vrf[i].vlan == v->vlan;
		} while (clash);
		v->params.ttl_mode = (uint8_t)trafgen_below(&b.r, 2);
		v->params.vlan = v->vlan;
		v->params.tc_map_set = (uint8_t)trafgen_below(&b.r, 2);
		for (i = 0; i < 64; i++)
			v->params.tc_map[i] = (uint8_t)trafgen_below(&b.r, 8);
		v->n_label = 1u + trafgen_below(&b.r, 2);
		for (i = 0; i < v->n_label; i++)
			v->label[i] = new_label(&b);
	}
	do {
		sc->unconf_vrf = (uint16_t)trafgen_below(&b.r, VRFSEC_MAX_VRF);
		for (i = 0; i < sc->n_vrf && sc->vrf[i].id != sc->unconf_vrf; i++)
			;
	} while (i < sc->n_vrf);
	for (vi = 0; vi < sc->n_vrf; vi++) {
		struct trafgen_vrf *v = &sc->vrf[vi];
		uint32_t n = cfg->clients_per_vrf ? cfg->clients_per_vrf : 4u + trafgen_below(&b.r, 5);

		v->first_client = sc->n_clients;
		v->n_clients = n;
		for (i = 0; i < n; i++)
			client_init(&b, (uint16_t)vi, i);
	}
	if (sc->vrf[0].n_clients >= 2u)
		make_dead(&sc->client[sc->vrf[0].n_clients - 1u]);
	share_spi(sc);
	for (vi = 0; vi < sc->n_vrf; vi++)
		vrf_routes(&b, (uint16_t)vi);
	return 0;
}

int trafgen_program(const struct trafgen_scenario *sc, struct testbed *tb)
{
	uint32_t i;
	int rc = 0;

	for (i = 0; i < sc->n_vrf && !rc; i++) {
		uint32_t k;

		rc = vrfsec_vrf_set(tb->t, sc->vrf[i].id, &sc->vrf[i].params);
		for (k = 0; k < sc->vrf[i].n_label && !rc; k++)
			rc = vrfsec_label_map(tb->t, sc->vrf[i].label[k], sc->vrf[i].id);
	}
	if (!rc)
		rc = vrfsec_label_map(tb->t, sc->unconf_label, sc->unconf_vrf);
	for (i = 1; i <= sc->n_nh && !rc; i++)
		rc = vrfsec_nh_set(tb->t, i, &sc->nh[i]);
	for (i = 0; i < sc->n_routes && !rc; i++) {
		const struct trafgen_route *rt = &sc->route[i];

		rc = vrfsec_fib_add(&tb->t->fib, sc->vrf[rt->vrf].id, rt->af, rt->addr, rt->plen,
				    rt->nh);
	}
	for (i = 0; i < sc->n_clients && !rc; i++) {
		const struct trafgen_client *c = &sc->client[i];

		rc = vrfsec_engine_sa_add(tb->e, c->sa_in, &c->in, c->key_in, c->key_len);
		if (!rc)
			rc = vrfsec_engine_sa_add(tb->e, c->sa_out, &c->out, c->key_out, c->key_len);
	}
	return rc;
}
