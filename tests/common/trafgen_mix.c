/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic generator, the packet mix: one generator per good kind, the choice of kind, and
 * trafgen_next. */
#include <string.h>

#include "trafgen_impl.h"


static uint8_t good_ttl(struct tg_gen *g)
{
	return (uint8_t)(2u + trafgen_below(g->r, 254));
}

static void good_opts(struct tg_gen *g, struct trafgen_client *c, struct tg_esp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->next_header = -1;
	o->seq = tg_next_seq(g, c);
	if (!c->transport && trafgen_below(g->r, 10) == 0)
		o->tfc = 1u + trafgen_below(g->r, 16);
	if (trafgen_below(g->r, 10) == 0)
		o->pad_extra = 4u * (1u + trafgen_below(g->r, 4));
	if (trafgen_below(g->r, 20) == 0)
		o->eth_pad = 1u + trafgen_below(g->r, 24);
}

/* A source address for traffic entering from the core or the inside in VRF vi. */
static void some_src(struct tg_gen *g, uint16_t vi, unsigned role, uint8_t af, uint8_t *src)
{
	uint8_t a = af;

	if (tg_pick_dst(g, vi, role, &a, src) || a != af)
		tg_rand_bytes(g->r, src, 16);
}

static int gen_core_or_inside_to_client(struct tg_gen *g, int from_core)
{
	int vi = tg_pick_vrf(g), di = tg_pick_client(g, vi, PC_ALIVE, -1);
	uint8_t ip[VRFSEC_MAX_FRAME], af, src[16], dst[16], lttl = 0;
	uint32_t len;
	const struct trafgen_client *d;

	if (di < 0)
		return -1;
	d = &g->sc->client[di];
	tg_client_addr(g, d, &af, dst);
	some_src(g, (uint16_t)vi, from_core ? TG_RT_CORE : TG_RT_VLAN, af, src);
	len = tg_pick_len(g, af, tg_sa_max_len(d, af == VRFSEC_AF_IPV4 ? 20u : 40u));
	if (!len)
		return -1;
	tg_build_ip(g, ip, af, src, dst, len, good_ttl(g));
	if (from_core)
		tg_core_frame(g, (uint16_t)vi, ip, len, &lttl);
	else
		tg_vlan_frame(g, (uint16_t)vi, ip, len);
	tg_forward(g, (uint16_t)vi, ip, len, lttl);
	return 0;
}

static int gen_client_to(struct tg_gen *g, unsigned role)
{
	uint8_t ip[VRFSEC_MAX_FRAME];
	struct tg_esp_opts o;
	struct trafgen_client *c;
	uint32_t len = 0;
	int ci = -1;

	if (role != TG_RT_CLIENT && trafgen_below(g->r, 4) == 0) {
		/* Transport-mode clients reach whatever the card's public address routes to. */
		ci = tg_pick_client(g, -1, PC_TRANSPORT, -1);
		if (ci >= 0)
			len = tg_client_inner(g, &g->sc->client[ci], role, ip, good_ttl(g), 0);
	}
	if (!len) {
		ci = tg_pick_client(g, -1, PC_TUNNEL, -1);
		if (ci < 0)
			return -1;
		if (role == TG_RT_CLIENT) {
			const struct trafgen_client *a = &g->sc->client[ci], *d;
			int di = tg_pick_client(g, a->vrf, PC_ALIVE, ci);
			uint8_t af, dst[16];

			if (di < 0)
				return -1;
			d = &g->sc->client[di];
			tg_client_addr(g, d, &af, dst);
			len = tg_pick_len(g, af, tg_max_len(g, a->vrf, af, dst,
							   af == VRFSEC_AF_IPV4 ? 20u : 40u));
			if (!len)
				return -1;
			tg_build_ip(g, ip, af, af == VRFSEC_AF_IPV4 ? a->inner4 : a->inner6, dst, len,
				    good_ttl(g));
			g->p->features |= TGF(TWO_ROUND);
		} else {
			len = tg_client_inner(g, &g->sc->client[ci], role, ip, good_ttl(g), 0);
		}
	}
	if (!len)
		return -1;
	c = &g->sc->client[ci];
	good_opts(g, c, &o);
	tg_client_send(g, c, ip, len, &o);
	return 0;
}

static int gen_from_inside_or_core(struct tg_gen *g, int from_core, unsigned role)
{
	int vi = tg_pick_vrf(g);
	uint8_t ip[VRFSEC_MAX_FRAME], af = trafgen_below(g->r, 2) ? 4u : 6u, src[16], dst[16];
	uint8_t lttl = 0;
	uint32_t len;

	if (tg_pick_dst(g, (uint16_t)vi, role, &af, dst))
		return -1;
	some_src(g, (uint16_t)vi, from_core ? TG_RT_CORE : TG_RT_VLAN, af, src);
	len = tg_pick_len(g, af, tg_max_len(g, (uint16_t)vi, af, dst, 20));
	if (!len)
		return -1;
	tg_build_ip(g, ip, af, src, dst, len, good_ttl(g));
	if (from_core)
		tg_core_frame(g, (uint16_t)vi, ip, len, &lttl);
	else
		tg_vlan_frame(g, (uint16_t)vi, ip, len);
	tg_forward(g, (uint16_t)vi, ip, len, lttl);
	return 0;
}

static int gen_host_inject(struct tg_gen *g)
{
	static const uint8_t host4[4] = { 10, 1, 0, 0 }, host6[16] = { 0xfd, 0x01 };
	struct trafgen_pkt *p = g->p;
	int di = tg_pick_client(g, -1, PC_ALIVE, -1);
	const struct trafgen_client *d;
	uint8_t af, src[16], dst[16];
	uint32_t len, extra = 0;

	if (di < 0)
		return -1;
	d = &g->sc->client[di];
	tg_client_addr(g, d, &af, dst);
	if (d->transport) /* host traffic in transport mode comes from the card's address */
		memcpy(src, af == VRFSEC_AF_IPV4 ? d->out.src : g->sc->pub6, 16);
	else
		tg_rand_in(g->r, af, af == VRFSEC_AF_IPV4 ? host4 : host6,
			   af == VRFSEC_AF_IPV4 ? 24u : 32u, src);
	len = tg_pick_len(g, af, tg_sa_max_len(d, af == VRFSEC_AF_IPV4 ? 20u : 40u));
	if (!len)
		return -1;
	/* Injected packets are sealed as they are: no TTL check, no decrement. */
	tg_build_ip(g, p->frame, af, src, dst, len, (uint8_t)(1u + trafgen_below(g->r, 255)));
	if (trafgen_below(g->r, 10) == 0) {
		extra = 1u + trafgen_below(g->r, 16); /* bytes behind the IP length are not sealed */
		tg_rand_bytes(g->r, p->frame + len, extra);
		p->features |= TGF(ETH_PAD);
	}
	p->len = len + extra;
	p->in_port = VRFSEC_PORT_HOST;
	p->sa_out = d->sa_out;
	tg_expect(p, VRFSEC_PORT_PUBLIC, VRFSEC_CNT_TX_PUBLIC);
	p->out_kind = TG_OUT_ESP;
	p->dst_client = (uint16_t)di;
	memcpy(p->exp, p->frame, len);
	p->exp_len = len;
	p->features |= tg_feat_out(d);
	return 0;
}

static int gen_host_tx(struct tg_gen *g)
{
	static const uint8_t ports[3] = { VRFSEC_PORT_PUBLIC, VRFSEC_PORT_CORE, VRFSEC_PORT_INSIDE };
	static const uint8_t reasons[3] = { VRFSEC_CNT_TX_PUBLIC, VRFSEC_CNT_TX_CORE,
					    VRFSEC_CNT_TX_INSIDE };
	struct trafgen_pkt *p = g->p;
	uint32_t k = trafgen_below(g->r, 3);

	p->len = 60u + trafgen_below(g->r, 1455);
	tg_rand_bytes(g->r, p->frame, p->len);
	p->frame[0] &= 0xfeu;
	p->in_port = VRFSEC_PORT_HOST;
	p->host_port = ports[k];
	tg_expect(p, ports[k], reasons[k]);
	p->out_kind = TG_OUT_FRAME;
	memcpy(p->exp, p->frame, p->len);
	p->exp_len = p->len;
	return 0;
}

static int gen_kind(struct tg_gen *g, unsigned kind)
{
	switch (kind) {
	case TG_CORE_TO_CLIENT:
		return gen_core_or_inside_to_client(g, 1);
	case TG_INSIDE_TO_CLIENT:
		return gen_core_or_inside_to_client(g, 0);
	case TG_CLIENT_TO_CORE:
		return gen_client_to(g, TG_RT_CORE);
	case TG_CLIENT_TO_CLIENT:
		return gen_client_to(g, TG_RT_CLIENT);
	case TG_CLIENT_TO_INSIDE:
		return gen_client_to(g, TG_RT_VLAN);
	case TG_CLIENT_TO_HOST:
		return gen_client_to(g, TG_RT_HOST);
	case TG_INSIDE_TO_CORE:
		return gen_from_inside_or_core(g, 0, TG_RT_CORE);
	case TG_CORE_TO_INSIDE:
		return gen_from_inside_or_core(g, 1, TG_RT_VLAN);
	case TG_HOST_INJECT:
		return gen_host_inject(g);
	case TG_HOST_TX:
		return gen_host_tx(g);
	default:
		return tg_gen_error(g, kind);
	}
}

/* Shares of the good kinds, in percent of the good packets. */
static const uint8_t good_weight[TG_E_ICV] = { 24, 24, 14, 7, 4, 9, 5, 5, 6, 2 };

static unsigned pick_kind(struct trafgen_scenario *sc)
{
	uint32_t r, k;

	if (trafgen_below(&sc->rng, 100) < sc->cfg.error_pct)
		return TG_E_ICV + trafgen_below(&sc->rng, TG_KIND_MAX - TG_E_ICV);
	r = trafgen_below(&sc->rng, 100);
	for (k = 0; k < TG_E_ICV; k++) {
		if (r < good_weight[k])
			return k;
		r -= good_weight[k];
	}
	return TG_CORE_TO_CLIENT;
}

static void reset(struct tg_gen *g, struct trafgen_pkt *p, unsigned kind)
{
	g->no_pad = 0;
	g->label = 0;
	g->label_ttl = -1;
	g->label_s0 = 0;
	g->nulls = -1;
	g->vlan = -1;
	p->len = 0;
	p->in_port = VRFSEC_PORT_PUBLIC;
	p->host_port = VRFSEC_PORT_DROP;
	p->sa_out = VRFSEC_NONE;
	p->kind = (uint8_t)kind;
	p->features = 0;
	p->exact = 0;
	p->exp_port = VRFSEC_PORT_DROP;
	p->exp_reason = 0;
	p->out_kind = TG_OUT_NONE;
	p->dst_client = TG_NONE;
	p->exp_len = 0;
}

void trafgen_next(struct trafgen_scenario *sc, struct trafgen_pkt *p)
{
	struct tg_gen g = { .sc = sc, .r = &sc->rng, .p = p };
	unsigned kind = pick_kind(sc), attempt;

	/* A kind that cannot be made right now (no replayable number yet, ...) is retried, then
	 * replaced by the one kind every scenario can make. */
	for (attempt = 0; attempt < 8u; attempt++) {
		reset(&g, p, kind);
		if (gen_kind(&g, kind) == 0)
			return;
		kind = attempt < 4u ? kind : TG_CORE_TO_CLIENT;
	}
}
