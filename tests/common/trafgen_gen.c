/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic generator, building blocks: inner packets, frames per port, destinations, and the
 * forwarding model that predicts exits and output frames. */
#include <string.h>

#include "trafgen_impl.h"

void tg_expect(struct trafgen_pkt *p, uint8_t port, uint8_t reason)
{
	p->exact = 1;
	p->exp_port = port;
	p->exp_reason = reason;
	p->out_kind = TG_OUT_NONE;
}

static uint64_t feat_sa(const struct vrfsec_sa_params *sa, uint8_t key_len)
{
	uint64_t f = 0;

	f |= sa->outer_af == VRFSEC_AF_IPV4 ? TGF(OUTER_V4) : TGF(OUTER_V6);
	f |= sa->udp ? TGF(UDP) : TGF(NO_UDP);
	f |= sa->esn ? TGF(ESN) : 0u;
	f |= sa->mode == VRFSEC_MODE_TRANSPORT ? TGF(TRANSPORT) : TGF(TUNNEL);
	f |= key_len == 16 ? TGF(AES128) : key_len == 24 ? TGF(AES192) : TGF(AES256);
	return f;
}

uint64_t tg_feat_in(const struct trafgen_client *c)
{
	uint64_t f = feat_sa(&c->in, c->key_len);

	if (c->in.no_replay)
		f |= TGF(NO_REPLAY);
	else if (c->in.win == 0)
		f |= TGF(WIN_DEFAULT);
	else if (c->in.win == VRFSEC_REPLAY_MAX)
		f |= TGF(WIN_4096);
	else if (c->in.win < VRFSEC_REPLAY_DEFAULT)
		f |= TGF(WIN_SMALL);
	f |= c->shared_spi ? TGF(SHARED_SPI) : 0u;
	f |= c->in.n_ts == 0 ? TGF(TS_ANY) : 0u;
	return f;
}

uint64_t tg_feat_out(const struct trafgen_client *d)
{
	uint64_t f = feat_sa(&d->out, d->key_len);

	f |= d->out.dscp_copy || d->out.ecn_copy ? TGF(DSCP_COPY) : 0u;
	if (d->out.esn && (d->out_top >> 32 || (uint32_t)d->out_top > 0xffffff00u))
		f |= TGF(ESN_HIGH);
	return f;
}

static int client_ok(const struct trafgen_client *c, unsigned fl)
{
	return !((fl & PC_TUNNEL && c->transport) || (fl & PC_TRANSPORT && !c->transport) ||
		 (fl & PC_ALIVE && c->dead) || (fl & PC_DEAD && !c->dead) ||
		 (fl & PC_TS && c->in.n_ts == 0) || (fl & PC_REPLAY && tg_window(c) == 0) ||
		 (fl & PC_OUTER_V4 && c->outer_af != VRFSEC_AF_IPV4) ||
		 (fl & PC_UNSHARED && c->shared_spi));
}

int tg_pick_client(struct tg_gen *g, int vi, unsigned flags, int exclude)
{
	uint32_t n = g->sc->n_clients, start = trafgen_below(g->r, n), i;

	for (i = 0; i < n; i++) {
		uint32_t k = (start + i) % n;
		const struct trafgen_client *c = &g->sc->client[k];

		if ((int)k != exclude && (vi < 0 || c->vrf == vi) && client_ok(c, flags))
			return (int)k;
	}
	return -1;
}

int tg_pick_vrf(struct tg_gen *g)
{
	return (int)trafgen_below(g->r, g->sc->n_vrf);
}

static const struct trafgen_client *client_by_sa_out(const struct trafgen_scenario *sc,
						     uint32_t sa)
{
	uint32_t i;

	for (i = 0; i < sc->n_clients; i++)
		if (sc->client[i].sa_out == sa)
			return &sc->client[i];
	return NULL;
}

uint32_t tg_build_ip(struct tg_gen *g, uint8_t *ip, uint8_t af, const uint8_t *src,
		     const uint8_t *dst, uint32_t len, uint8_t ttl)
{
	static const uint8_t proto4[] = { 17, 6, 1, 47, 132 };
	static const uint8_t proto6[] = { 17, 6, 58 };
	struct trafgen_rng *r = g->r;
	uint32_t hl = 40;

	if (af == VRFSEC_AF_IPV4) {
		hl = len >= 24u && trafgen_below(r, 10) == 0 ? 24u : 20u;
		ip[0] = (uint8_t)(0x40u | hl / 4u);
		ip[1] = (uint8_t)trafgen_rand(r);
		tg_wr16(ip + 2, len);
		tg_wr16(ip + 4, (uint32_t)trafgen_rand(r));
		tg_wr16(ip + 6, trafgen_below(r, 2) ? 0x4000u : 0u);
		ip[8] = ttl;
		ip[9] = proto4[trafgen_below(r, sizeof(proto4))];
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		if (hl == 24u) {
			static const uint8_t router_alert[4] = { 0x94, 0x04, 0, 0 };

			memcpy(ip + 20, router_alert, 4);
			g->p->features |= TGF(IPV4_OPTIONS);
		}
		g->p->features |= TGF(INNER_V4);
	} else {
		tg_wr32(ip, 0x60000000u | ((uint32_t)trafgen_rand(r) & 0x0fffffffu));
		tg_wr16(ip + 4, len - 40u);
		ip[6] = proto6[trafgen_below(r, sizeof(proto6))];
		ip[7] = ttl;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		g->p->features |= TGF(INNER_V6);
	}
	tg_rand_bytes(r, ip + hl, len - hl);
	if (af == VRFSEC_AF_IPV4)
		ipv4_fix_csum(ip);
	if (len <= 64u)
		g->p->features |= TGF(SIZE_SMALL);
	if (len >= 1400u)
		g->p->features |= TGF(SIZE_LARGE);
	return len;
}

uint32_t tg_pick_len(struct tg_gen *g, uint8_t af, uint32_t max)
{
	uint32_t min = af == VRFSEC_AF_IPV4 ? 20u : 40u, roll = trafgen_below(g->r, 100), lo, hi, len;

	if (max > TG_INPUT_MAX)
		max = TG_INPUT_MAX;
	if (max < min)
		return 0;
	if (roll < 4 && max < TG_INPUT_MAX)
		return max; /* exactly the egress MTU's worth */
	lo = roll < 25 ? min : roll < 65 ? 65u : 1001u;
	hi = roll < 25 ? 64u : roll < 65 ? 1000u : TG_INPUT_MAX;
	len = lo + trafgen_below(g->r, hi - lo + 1u);
	if (len > max || len < min)
		len = min + trafgen_below(g->r, max - min + 1u);
	return len;
}

int tg_pick_dst(struct tg_gen *g, uint16_t vi, unsigned role, uint8_t *af, uint8_t *dst)
{
	const struct trafgen_scenario *sc = g->sc;
	uint32_t i, n, k, pass;

	if (role == TG_RT_UNROUTED) {
		static const uint8_t un4[4] = { 192, 0, 2, 0 };
		static const uint8_t un6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xde, 0xad };

		for (pass = 0; pass < 2; pass++) {
			if (*af == VRFSEC_AF_IPV4)
				tg_rand_in(g->r, *af, un4, 24, dst);
			else
				tg_rand_in(g->r, *af, un6, 48, dst);
			if (!tg_lpm(sc, vi, *af, dst))
				return 0;
			*af = *af == VRFSEC_AF_IPV4 ? VRFSEC_AF_IPV6 : VRFSEC_AF_IPV4;
		}
		return -1;
	}
	if (role == TG_RT_CORE && trafgen_below(g->r, 6) == 0) {
		/* Where a default route exists, an address only it covers. */
		static const uint8_t un4[4] = { 192, 0, 2, 0 };
		const struct trafgen_route *rt;

		tg_rand_in(g->r, VRFSEC_AF_IPV4, un4, 24, dst);
		rt = tg_lpm(sc, vi, VRFSEC_AF_IPV4, dst);
		if (rt && rt->role == TG_RT_DEFAULT) {
			*af = VRFSEC_AF_IPV4;
			return 0;
		}
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0, n = 0; i < sc->n_routes; i++)
			n += sc->route[i].vrf == vi && sc->route[i].role == role &&
			     sc->route[i].af == *af;
		if (n) {
			k = trafgen_below(g->r, n);
			for (i = 0; i < sc->n_routes; i++) {
				const struct trafgen_route *rt = &sc->route[i];

				if (rt->vrf != vi || rt->role != role || rt->af != *af)
					continue;
				if (k-- == 0) {
					tg_rand_in(g->r, *af, rt->addr, rt->plen, dst);
					return 0;
				}
			}
		}
		*af = *af == VRFSEC_AF_IPV4 ? VRFSEC_AF_IPV6 : VRFSEC_AF_IPV4;
	}
	return -1;
}

uint32_t tg_client_addr(struct tg_gen *g, const struct trafgen_client *d, uint8_t *af,
			uint8_t *dst)
{
	if (d->transport) {
		*af = d->outer_af;
		memcpy(dst, d->outer, 16);
	} else {
		*af = trafgen_below(g->r, 2) ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
		memcpy(dst, *af == VRFSEC_AF_IPV4 ? d->inner4 : d->inner6, 16);
	}
	return 0;
}

uint32_t tg_sa_max_len(const struct trafgen_client *d, uint32_t hlen)
{
	uint32_t mtu = d->out.mtu ? d->out.mtu : 1500u, l = mtu < TG_INPUT_MAX ? mtu : TG_INPUT_MAX;

	while (l > hlen && tg_outer_len(d, l, hlen) > mtu)
		l--;
	return l;
}

uint32_t tg_max_len(struct tg_gen *g, uint16_t vi, uint8_t af, const uint8_t *dst, uint32_t hlen)
{
	const struct trafgen_route *rt = tg_lpm(g->sc, vi, af, dst);
	const struct vrfsec_nh *nh;
	const struct trafgen_client *d;
	uint32_t mtu;

	if (!rt)
		return TG_INPUT_MAX;
	nh = &g->sc->nh[rt->nh];
	if (nh->kind == VRFSEC_NH_SA) {
		d = client_by_sa_out(g->sc, nh->sa);
		return d ? tg_sa_max_len(d, hlen) : TG_INPUT_MAX;
	}
	if (nh->kind == VRFSEC_NH_MPLS || nh->kind == VRFSEC_NH_VLAN) {
		mtu = nh->mtu ? nh->mtu : 1500u;
		return mtu < TG_INPUT_MAX ? mtu : TG_INPUT_MAX;
	}
	return TG_INPUT_MAX;
}

static uint32_t eth_tail(struct tg_gen *g, uint8_t *f, uint32_t o)
{
	if (!g->no_pad && trafgen_below(g->r, 20) == 0) {
		uint32_t n = 1u + trafgen_below(g->r, 24);

		tg_rand_bytes(g->r, f + o, n);
		g->p->features |= TGF(ETH_PAD);
		return o + n;
	}
	return o;
}

uint32_t tg_core_frame(struct tg_gen *g, uint16_t vi, const uint8_t *ip, uint32_t len,
		       uint8_t *label_ttl)
{
	struct trafgen_scenario *sc = g->sc;
	uint8_t *f = g->p->frame;
	uint32_t o = 14, label, ttl, nulls, i;
	const struct trafgen_vrf *v = vi == TG_NONE ? NULL : &sc->vrf[vi];

	eth_hdr(f, sc->mac_core, sc->mac_peer, 0x8847);
	ttl = g->label_ttl >= 0 ? (uint32_t)g->label_ttl : 2u + trafgen_below(g->r, 254);
	nulls = g->nulls >= 0 ? (uint32_t)g->nulls : trafgen_below(g->r, 10) == 0;
	for (i = 0; i < nulls; i++) {
		/* IPv4 / IPv6 explicit null, as a transport LSP without PHP leaves it. Its TTL equals
		 * the VPN label's, so the prediction need not model which entry's TTL counts (the card
		 * takes the top one, RFC 3032; tests/unit/test_pipeline.c covers it). */
		label = trafgen_below(g->r, 2) ? 0u : 2u;
		tg_wr32(f + o, label << 12 | trafgen_below(g->r, 8) << 9 | ttl);
		o += 4;
		g->p->features |= TGF(EXPLICIT_NULL);
	}
	label = g->label ? g->label : v ? v->label[trafgen_below(g->r, v->n_label)] : sc->unconf_label;
	tg_wr32(f + o, label << 12 | trafgen_below(g->r, 8) << 9 | (g->label_s0 ? 0u : 0x100u) | ttl);
	o += 4;
	if (g->label_s0) {
		tg_wr32(f + o, (16u + trafgen_below(g->r, 1000)) << 12 | 0x100u | 64u);
		o += 4;
	}
	memcpy(f + o, ip, len);
	o = eth_tail(g, f, o + len);
	g->p->len = o;
	g->p->in_port = VRFSEC_PORT_CORE;
	*label_ttl = 0;
	if (v) {
		if (v->params.ttl_mode == VRFSEC_TTL_UNIFORM)
			*label_ttl = (uint8_t)ttl;
		g->p->features |= v->params.ttl_mode == VRFSEC_TTL_UNIFORM ? TGF(TTL_UNIFORM) :
									     TGF(TTL_PIPE);
	}
	return o;
}

uint32_t tg_vlan_frame(struct tg_gen *g, uint16_t vi, const uint8_t *ip, uint32_t len)
{
	struct trafgen_scenario *sc = g->sc;
	uint8_t *f = g->p->frame;
	uint32_t vlan = g->vlan >= 0 ? (uint32_t)g->vlan : sc->vrf[vi].vlan, o;

	eth_hdr(f, sc->mac_inside, sc->mac_peer, 0x8100);
	/* PCP and DEI are random: the VRF comes from the VLAN id alone. */
	tg_wr16(f + 14, trafgen_below(g->r, 8) << 13 | trafgen_below(g->r, 2) << 12 | vlan);
	tg_wr16(f + 16, tg_ip_af(ip) == VRFSEC_AF_IPV4 ? 0x0800u : 0x86ddu);
	memcpy(f + 18, ip, len);
	o = eth_tail(g, f, 18u + len);
	g->p->len = o;
	g->p->in_port = VRFSEC_PORT_INSIDE;
	return o;
}

static uint8_t ip_dscp(const uint8_t *ip)
{
	return tg_ip_af(ip) == VRFSEC_AF_IPV4 ? (uint8_t)(ip[1] >> 2) :
						(uint8_t)((ip[0] & 15u) << 2 | ip[1] >> 6);
}

/* Class of service on the wire (MPLS TC, 802.1Q PCP) from DSCP through the VRF's map. */
static uint32_t vrf_tc(const struct trafgen_vrf *v, uint8_t dscp)
{
	return v->params.tc_map_set ? v->params.tc_map[dscp & 63u] & 7u : (uint32_t)(dscp >> 3);
}

static void expect_l2(struct tg_gen *g, uint16_t vi, const struct vrfsec_nh *nh,
		      const uint8_t *ip, uint32_t len, uint8_t ttl)
{
	struct trafgen_pkt *p = g->p;
	uint8_t *e = p->exp;
	uint32_t tc = vrf_tc(&g->sc->vrf[vi], ip_dscp(ip)), o = 14, i;

	memcpy(e, nh->eth, 12);
	if (nh->kind == VRFSEC_NH_MPLS) {
		uint32_t lttl = nh->ttl_mode == VRFSEC_TTL_UNIFORM ? ttl :
								     (nh->pipe_ttl ? nh->pipe_ttl : 255u);

		tg_wr16(e + 12, 0x8847);
		for (i = 0; i < nh->n_labels; i++, o += 4)
			tg_wr32(e + o, nh->label[i] << 12 | tc << 9 |
					       (i + 1u == nh->n_labels ? 0x100u : 0u) | lttl);
		tg_expect(p, VRFSEC_PORT_CORE, VRFSEC_CNT_TX_CORE);
		p->features |= nh->n_labels == 1 ? TGF(LABELS_1) : nh->n_labels == 2 ? TGF(LABELS_2) :
										TGF(LABELS_3);
		p->features |= nh->ttl_mode == VRFSEC_TTL_UNIFORM ? TGF(TTL_UNIFORM) : TGF(TTL_PIPE);
	} else {
		tg_wr16(e + 12, 0x8100);
		tg_wr16(e + 14, tc << 13 | nh->vlan);
		tg_wr16(e + 16, tg_ip_af(ip) == VRFSEC_AF_IPV4 ? 0x0800u : 0x86ddu);
		o = 18;
		tg_expect(p, VRFSEC_PORT_INSIDE, VRFSEC_CNT_TX_INSIDE);
	}
	memcpy(e + o, ip, len);
	p->exp_len = o + len;
	p->out_kind = TG_OUT_FRAME;
}

void tg_forward(struct tg_gen *g, uint16_t vi, uint8_t *ip, uint32_t len, uint8_t label_ttl)
{
	struct trafgen_scenario *sc = g->sc;
	struct trafgen_pkt *p = g->p;
	uint8_t af = tg_ip_af(ip), ttl = af == VRFSEC_AF_IPV4 ? ip[8] : ip[7];
	const struct trafgen_route *rt;
	const struct vrfsec_nh *nh;
	const struct trafgen_client *d;
	uint32_t mtu;

	if (vi == TG_NONE) {
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_ROUTE);
		return;
	}
	/* RFC 3443 uniform model: the smaller of label TTL and IP TTL is the packet's TTL. */
	if (label_ttl && label_ttl < ttl)
		ttl = label_ttl;
	if (ttl <= 1u) {
		tg_expect(p, VRFSEC_PORT_HOST, VRFSEC_CNT_TTL_EXPIRED);
		return;
	}
	ttl--;
	if (af == VRFSEC_AF_IPV4) {
		ip[8] = ttl;
		ipv4_fix_csum(ip);
	} else {
		ip[7] = ttl;
	}
	rt = tg_lpm(sc, vi, af, af == VRFSEC_AF_IPV4 ? ip + 16 : ip + 24);
	if (!rt) {
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_ROUTE);
		return;
	}
	if (rt->role == TG_RT_DEFAULT)
		p->features |= TGF(DEFAULT_ROUTE);
	nh = &sc->nh[rt->nh];
	switch (nh->kind) {
	case VRFSEC_NH_SA:
		d = client_by_sa_out(sc, nh->sa);
		if (!d) {
			tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_SA);
		} else if (tg_outer_len(d, len, tg_ip_hlen(ip)) > (d->out.mtu ? d->out.mtu : 1500u)) {
			tg_expect(p, VRFSEC_PORT_HOST, VRFSEC_CNT_MTU_EXCEEDED);
		} else if (d->dead) {
			tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_SEQ_EXHAUSTED);
		} else {
			tg_expect(p, VRFSEC_PORT_PUBLIC, VRFSEC_CNT_TX_PUBLIC);
			p->out_kind = TG_OUT_ESP;
			p->dst_client = (uint16_t)(d - sc->client);
			memcpy(p->exp, ip, len);
			p->exp_len = len;
			p->features |= tg_feat_out(d);
		}
		return;
	case VRFSEC_NH_MPLS:
	case VRFSEC_NH_VLAN:
		mtu = nh->mtu ? nh->mtu : 1500u;
		if (len > mtu)
			tg_expect(p, VRFSEC_PORT_HOST, VRFSEC_CNT_MTU_EXCEEDED);
		else
			expect_l2(g, vi, nh, ip, len, ttl);
		return;
	case VRFSEC_NH_HOST:
		tg_expect(p, VRFSEC_PORT_HOST, VRFSEC_CNT_NH_HOST);
		return;
	case VRFSEC_NH_DROP:
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_NH_DROP);
		return;
	default:
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_ROUTE);
		return;
	}
}

static int ts_allows(const struct trafgen_client *c, const uint8_t *ip)
{
	uint8_t af = tg_ip_af(ip);
	const uint8_t *src = af == VRFSEC_AF_IPV4 ? ip + 12 : ip + 8;
	uint32_t i;

	if (c->in.n_ts == 0)
		return 1;
	for (i = 0; i < c->in.n_ts; i++)
		if (c->in.ts[i].af == af && tg_prefix_match(src, c->in.ts[i].addr, c->in.ts[i].plen))
			return 1;
	return 0;
}

void tg_client_send(struct tg_gen *g, struct trafgen_client *c, uint8_t *ip, uint32_t len,
		    const struct tg_esp_opts *o)
{
	struct trafgen_pkt *p = g->p;
	uint8_t af = tg_ip_af(ip), nh;
	unsigned rc;

	p->len = tg_client_frame(g, c, ip, len, o, p->frame);
	p->in_port = VRFSEC_PORT_PUBLIC;
	p->features |= tg_feat_in(c);
	p->features |= o->seq >> 32 ? TGF(ESN_HIGH) : 0u;
	p->features |= o->tfc ? TGF(TFC_PAD) : 0u;
	p->features |= o->pad_extra ? TGF(ESP_PAD_EXTRA) : 0u;
	if (o->short_esp) {
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		tg_note_skipped(c, o->seq);
		return;
	}
	if (o->spi || o->pub_other) {
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_SA);
		tg_note_skipped(c, o->seq);
		return;
	}
	rc = tg_model_esp(g->sc, c, o->seq, !o->corrupt && !o->chop);
	if (rc) {
		tg_expect(p, VRFSEC_PORT_DROP, (uint8_t)rc);
		if (rc == VRFSEC_CNT_ICV_FAIL && o->seq == c->tx_next - 1u)
			tg_note_skipped(c, o->seq); /* not taken: may still arrive intact */
		return;
	}
	/* Decrypted and the window moved; now the trailer and the inner packet decide. */
	if (c->transport)
		nh = af == VRFSEC_AF_IPV4 ? ip[9] : ip[6];
	else
		nh = af == VRFSEC_AF_IPV4 ? 4u : 41u;
	if (o->next_header >= 0)
		nh = (uint8_t)o->next_header;
	if (o->bad_pad) {
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_BAD_PAD);
		return;
	}
	if (nh == 59u) {
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_ESP_DUMMY);
		return;
	}
	if (!c->transport && nh != (af == VRFSEC_AF_IPV4 ? 4u : 41u)) {
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_BAD_NEXT_HDR);
		return;
	}
	if (c->transport && o->src)
		memcpy(ip + (af == VRFSEC_AF_IPV4 ? 12u : 8u), o->src, tg_alen(af));
	if (!ts_allows(c, ip)) {
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_INNER_SRC);
		return;
	}
	tg_forward(g, c->vrf, ip, len, 0);
}

/* Does the route of the card's public address in c's VRF lead where role wants? */
static int public_route_is(const struct tg_gen *g, const struct trafgen_client *c, unsigned role)
{
	const struct trafgen_route *rt = tg_lpm(g->sc, c->vrf, c->outer_af, c->in.dst);
	uint8_t kind = rt ? g->sc->nh[rt->nh].kind : VRFSEC_NH_NONE;

	return role == TG_RT_ANY || (role == TG_RT_CORE && kind == VRFSEC_NH_MPLS) ||
	       (role == TG_RT_VLAN && kind == VRFSEC_NH_VLAN) ||
	       (role == TG_RT_HOST && kind == VRFSEC_NH_HOST);
}

uint32_t tg_client_inner(struct tg_gen *g, const struct trafgen_client *c, unsigned role,
			 uint8_t *ip, uint8_t ttl, uint32_t min_len)
{
	uint8_t af, src[16], dst[16];
	uint32_t max, len;

	if (c->transport) {
		if (!public_route_is(g, c, role))
			return 0;
		af = c->outer_af;
		memcpy(src, c->outer, 16);
		memcpy(dst, c->in.dst, 16);
	} else {
		af = trafgen_below(g->r, 2) ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
		if (tg_pick_dst(g, c->vrf, role == TG_RT_ANY ? TG_RT_CORE : role, &af, dst))
			return 0;
		memcpy(src, af == VRFSEC_AF_IPV4 ? c->inner4 : c->inner6, 16);
	}
	max = tg_max_len(g, c->vrf, af, dst, af == VRFSEC_AF_IPV4 ? 20u : 40u);
	if (min_len) {
		/* Oversize on purpose: above the egress MTU, still within an input frame. */
		if (max >= TG_INPUT_MAX || min_len > TG_INPUT_MAX)
			return 0;
		len = max + 1u + (trafgen_below(g->r, 3) ? trafgen_below(g->r, TG_INPUT_MAX - max) : 0u);
		if (len < min_len)
			len = min_len;
	} else {
		len = tg_pick_len(g, af, max);
		if (!len)
			return 0;
	}
	return tg_build_ip(g, ip, af, src, dst, len, ttl);
}
