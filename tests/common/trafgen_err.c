/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic generator, broken packets: one generator per error kind, each predicting the exit
 * (port and counter) that RFC 4303 / 3948 / 3032 behaviour and the card's rules give. */
#include <string.h>

#include "trafgen_impl.h"

/* A client, its inner packet and the options of a good ESP packet with a fresh number. */
struct esp_ctx {
	struct trafgen_client *c;
	uint8_t ip[VRFSEC_MAX_FRAME];
	uint32_t len;
	struct tg_esp_opts o;
};

static int esp_prep(struct tg_gen *g, struct esp_ctx *x, unsigned pc, unsigned role, uint8_t ttl,
		    uint32_t min_len)
{
	int ci = tg_pick_client(g, -1, pc, -1);

	if (ci < 0)
		return -1;
	x->c = &g->sc->client[ci];
	x->len = tg_client_inner(g, x->c, x->c->transport ? TG_RT_ANY : role, x->ip, ttl, min_len);
	if (!x->len)
		return -1;
	memset(&x->o, 0, sizeof(x->o));
	x->o.next_header = -1;
	x->o.seq = x->c->tx_next++;
	return 0;
}

static uint8_t good_ttl(struct tg_gen *g)
{
	return (uint8_t)(2u + trafgen_below(g->r, 254));
}

static uint8_t rand_af(struct tg_gen *g)
{
	return trafgen_below(g->r, 2) ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
}

/* A packet in VRF vi towards role, entering from the core, the inside or (tunnel) a client. */
static int via_ingress(struct tg_gen *g, unsigned role, uint8_t ttl, uint32_t port)
{
	uint8_t ip[VRFSEC_MAX_FRAME], af = rand_af(g), src[16], dst[16], lttl = 0;
	int vi = tg_pick_vrf(g);
	uint32_t len;

	if (port == VRFSEC_PORT_PUBLIC) {
		struct esp_ctx x;

		if (esp_prep(g, &x, PC_TUNNEL, role, ttl, 0))
			return -1;
		tg_client_send(g, x.c, x.ip, x.len, &x.o);
		return 0;
	}
	if (tg_pick_dst(g, (uint16_t)vi, role, &af, dst))
		return -1;
	tg_rand_bytes(g->r, src, 16);
	len = tg_pick_len(g, af, tg_max_len(g, (uint16_t)vi, af, dst, 20));
	if (!len)
		return -1;
	tg_build_ip(g, ip, af, src, dst, len, ttl);
	if (port == VRFSEC_PORT_CORE)
		tg_core_frame(g, (uint16_t)vi, ip, len, &lttl);
	else
		tg_vlan_frame(g, (uint16_t)vi, ip, len);
	tg_forward(g, (uint16_t)vi, ip, len, lttl);
	return 0;
}

/* Ethernet + outer IP from somewhere on the Internet to the card's public address; returns the
 * layer-4 bytes (random) for the caller to shape. */
static uint8_t *public_ip(struct tg_gen *g, uint8_t af, uint8_t proto, uint32_t l4_len)
{
	static const uint8_t net4[4] = { 198, 18, 0, 0 };
	static const uint8_t net6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xc0 };
	struct trafgen_pkt *p = g->p;
	uint8_t *f = p->frame, *ip = f + 14;
	uint32_t hl = af == VRFSEC_AF_IPV4 ? 20u : 40u;

	eth_hdr(f, g->sc->mac_public, g->sc->mac_peer, af == VRFSEC_AF_IPV4 ? 0x0800 : 0x86dd);
	memset(ip, 0, hl);
	if (af == VRFSEC_AF_IPV4) {
		ip[0] = 0x45;
		tg_wr16(ip + 2, hl + l4_len);
		tg_wr16(ip + 4, (uint32_t)trafgen_rand(g->r));
		ip[8] = good_ttl(g);
		ip[9] = proto;
		tg_rand_in(g->r, af, net4, 15, ip + 12);
		memcpy(ip + 16, g->sc->pub4[trafgen_below(g->r, 2)], 4);
		ipv4_fix_csum(ip);
	} else {
		ip[0] = 0x60;
		tg_wr16(ip + 4, l4_len);
		ip[6] = proto;
		ip[7] = good_ttl(g);
		tg_rand_in(g->r, af, net6, 40, ip + 8);
		memcpy(ip + 24, g->sc->pub6, 16);
	}
	tg_rand_bytes(g->r, ip + hl, l4_len);
	p->len = 14u + hl + l4_len;
	if (p->len < 60u) { /* Ethernet minimum: padding behind the IP packet */
		memset(f + p->len, 0, 60u - p->len);
		p->len = 60u;
	}
	p->in_port = VRFSEC_PORT_PUBLIC;
	return ip + hl;
}

static uint8_t *public_udp(struct tg_gen *g, uint8_t af, uint32_t sport, uint32_t dport,
			   uint32_t n)
{
	uint8_t *u = public_ip(g, af, 17, 8u + n);

	tg_wr16(u, sport);
	tg_wr16(u + 2, dport);
	tg_wr16(u + 4, 8u + n);
	tg_wr16(u + 6, 0);
	return u + 8;
}

static int err_icv(struct tg_gen *g)
{
	struct esp_ctx x;
	uint32_t n, esp_len;

	if (esp_prep(g, &x, 0, TG_RT_ANY, good_ttl(g), 0))
		return -1;
	n = x.c->transport ? x.len - tg_ip_hlen(x.ip) : x.len;
	esp_len = 32u + n + ((4u - ((n + 2u) & 3u)) & 3u) + 2u;
	/* Either a flipped bit, or a packet cut short with its lengths made consistent. */
	if (trafgen_below(g->r, 10) < 3 && esp_len > 34u)
		x.o.chop = 1u + trafgen_below(g->r, esp_len - 34u < 16u ? esp_len - 34u : 16u);
	else
		x.o.corrupt = 1;
	tg_client_send(g, x.c, x.ip, x.len, &x.o);
	return 0;
}

static int err_trunc(struct tg_gen *g)
{
	uint32_t port = trafgen_below(g->r, 3);
	struct trafgen_pkt *p = g->p;

	g->no_pad = 1;
	if (port == 0) {
		struct esp_ctx x;

		if (esp_prep(g, &x, 0, TG_RT_ANY, good_ttl(g), 0))
			return -1;
		p->len = tg_client_frame(g, x.c, x.ip, x.len, &x.o, p->frame);
		p->in_port = VRFSEC_PORT_PUBLIC;
		p->features |= tg_feat_in(x.c);
		tg_note_skipped(x.c, x.o.seq);
	} else if (via_ingress(g, TG_RT_CORE, good_ttl(g),
			       port == 1 ? VRFSEC_PORT_CORE : VRFSEC_PORT_INSIDE)) {
		return -1;
	}
	/* Cut anywhere before the end of the IP packet: every parser must notice. */
	p->len = trafgen_below(g->r, p->len);
	tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	return 0;
}

static int err_short_esp(struct tg_gen *g)
{
	struct esp_ctx x;

	if (esp_prep(g, &x, 0, TG_RT_ANY, good_ttl(g), 0))
		return -1;
	x.o.short_esp = 8u + trafgen_below(g->r, 26);
	tg_client_send(g, x.c, x.ip, x.len, &x.o);
	return 0;
}

static int spi_known(const struct trafgen_scenario *sc, uint32_t spi)
{
	uint32_t i;

	for (i = 0; i < sc->n_clients; i++)
		if (sc->client[i].in.spi == spi)
			return 1;
	return 0;
}

static int err_no_sa(struct tg_gen *g)
{
	struct esp_ctx x;

	if (trafgen_below(g->r, 2)) {
		if (esp_prep(g, &x, 0, TG_RT_ANY, good_ttl(g), 0))
			return -1;
		do
			x.o.spi = (uint32_t)trafgen_rand(g->r);
		while (x.o.spi == 0 || spi_known(g->sc, x.o.spi));
	} else {
		/* Right SPI, other public address: the SA is bound to its destination. */
		if (esp_prep(g, &x, PC_UNSHARED, TG_RT_ANY, good_ttl(g), 0))
			return -1;
		x.o.pub_other = 1;
	}
	tg_client_send(g, x.c, x.ip, x.len, &x.o);
	return 0;
}

static int err_no_label(struct tg_gen *g)
{
	const struct trafgen_scenario *sc = g->sc;
	uint32_t i, clash;

	do {
		g->label = 16u + trafgen_below(g->r, (1u << 20) - 16u);
		clash = g->label == sc->unconf_label;
		for (i = 0; i < sc->n_vrf; i++)
			clash |= g->label == sc->vrf[i].label[0] || g->label == sc->vrf[i].label[1];
	} while (clash);
	if (via_ingress(g, TG_RT_CORE, good_ttl(g), VRFSEC_PORT_CORE))
		return -1;
	tg_expect(g->p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_LABEL);
	return 0;
}

static int err_no_vlan(struct tg_gen *g)
{
	const struct trafgen_scenario *sc = g->sc;
	uint32_t i, clash;

	do {
		uint32_t k = trafgen_below(g->r, 8);

		/* 0 (priority tag) and 4095 (reserved) are never mapped */
		g->vlan = k == 0 ? 0 : k == 1 ? 4095 : (int)(1u + trafgen_below(g->r, 4094));
		for (i = 0, clash = 0; i < sc->n_vrf; i++)
			clash |= (uint32_t)g->vlan == sc->vrf[i].vlan;
	} while (clash);
	if (via_ingress(g, TG_RT_CORE, good_ttl(g), VRFSEC_PORT_INSIDE))
		return -1;
	tg_expect(g->p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_VLAN);
	return 0;
}

static int err_ttl(struct tg_gen *g)
{
	uint8_t ttl = (uint8_t)trafgen_below(g->r, 2);

	switch (trafgen_below(g->r, 4)) {
	case 0:
		return via_ingress(g, TG_RT_CORE, ttl, VRFSEC_PORT_PUBLIC);
	case 1: /* the VPN label's TTL runs out before the packet enters the VRF */
		g->label_ttl = ttl;
		if (via_ingress(g, TG_RT_CORE, good_ttl(g), VRFSEC_PORT_CORE))
			return -1;
		tg_expect(g->p, VRFSEC_PORT_HOST, VRFSEC_CNT_TTL_EXPIRED);
		return 0;
	case 2:
		return via_ingress(g, TG_RT_CORE, ttl, VRFSEC_PORT_CORE);
	default:
		return via_ingress(g, TG_RT_CORE, ttl, VRFSEC_PORT_INSIDE);
	}
}

/* A packet just over the MTU of whatever the destination's route leaves by. */
static int over_mtu(struct tg_gen *g, uint16_t vi, uint8_t af, const uint8_t *dst, uint8_t *ip)
{
	uint32_t max = tg_max_len(g, vi, af, dst, af == VRFSEC_AF_IPV4 ? 20u : 40u), len;
	uint8_t src[16];

	if (max >= TG_INPUT_MAX)
		return 0;
	len = max + 1u; /* one byte over a third of the time: the off-by-one case */
	if (trafgen_below(g->r, 3))
		len += trafgen_below(g->r, TG_INPUT_MAX - max < 300u ? TG_INPUT_MAX - max : 300u);
	tg_rand_bytes(g->r, src, 16);
	return (int)tg_build_ip(g, ip, af, src, dst, len, good_ttl(g));
}

static int err_mtu(struct tg_gen *g)
{
	uint8_t ip[VRFSEC_MAX_FRAME], af = rand_af(g), dst[16], lttl = 0;
	uint32_t variant = trafgen_below(g->r, 4), len;
	int vi = tg_pick_vrf(g), di;

	if (variant == 1) {
		struct esp_ctx x;

		if (esp_prep(g, &x, PC_TUNNEL, TG_RT_CORE, good_ttl(g), 1))
			return -1;
		tg_client_send(g, x.c, x.ip, x.len, &x.o);
		return 0;
	}
	if (variant == 3) {
		if (tg_pick_dst(g, (uint16_t)vi, TG_RT_VLAN, &af, dst))
			return -1;
	} else {
		di = tg_pick_client(g, variant == 2 ? -1 : vi, PC_ALIVE, -1);
		if (di < 0)
			return -1;
		vi = g->sc->client[di].vrf;
		tg_client_addr(g, &g->sc->client[di], &af, dst);
		if (variant == 2) { /* host inject into the SA */
			struct trafgen_pkt *p = g->p;

			len = (uint32_t)over_mtu(g, (uint16_t)vi, af, dst, p->frame);
			if (!len)
				return -1;
			p->len = len;
			p->in_port = VRFSEC_PORT_HOST;
			p->sa_out = g->sc->client[di].sa_out;
			tg_expect(p, VRFSEC_PORT_HOST, VRFSEC_CNT_MTU_EXCEEDED);
			return 0;
		}
	}
	len = (uint32_t)over_mtu(g, (uint16_t)vi, af, dst, ip);
	if (!len)
		return -1;
	tg_core_frame(g, (uint16_t)vi, ip, len, &lttl);
	tg_forward(g, (uint16_t)vi, ip, len, lttl);
	return 0;
}

static int err_bad_pad(struct tg_gen *g)
{
	struct esp_ctx x;
	uint32_t n;

	if (esp_prep(g, &x, 0, TG_RT_ANY, good_ttl(g), 0))
		return -1;
	n = x.c->transport ? x.len - tg_ip_hlen(x.ip) : x.len;
	/* A pad length larger than the data only works as a test while the data is short. */
	x.o.bad_pad = n < 240u && trafgen_below(g->r, 2) ? 2 : 1;
	tg_client_send(g, x.c, x.ip, x.len, &x.o);
	return 0;
}

static int err_bad_nh(struct tg_gen *g)
{
	static const uint8_t wrong[] = { 6, 17, 0, 50, 255 };
	struct esp_ctx x;

	if (esp_prep(g, &x, PC_TUNNEL, TG_RT_CORE, good_ttl(g), 0))
		return -1;
	if (trafgen_below(g->r, 3) == 0) /* the other IP version */
		x.o.next_header = tg_ip_af(x.ip) == VRFSEC_AF_IPV4 ? 41 : 4;
	else
		x.o.next_header = wrong[trafgen_below(g->r, sizeof(wrong))];
	tg_client_send(g, x.c, x.ip, x.len, &x.o);
	return 0;
}

static int err_dummy(struct tg_gen *g)
{
	struct esp_ctx x;

	if (esp_prep(g, &x, 0, TG_RT_ANY, good_ttl(g), 0))
		return -1;
	x.o.next_header = 59;
	tg_client_send(g, x.c, x.ip, x.len, &x.o);
	return 0;
}

static int err_inner_src(struct tg_gen *g)
{
	uint8_t spoof[16];
	struct esp_ctx x;

	if (trafgen_below(g->r, 3) == 0) {
		/* Transport: the packet comes from another public address than the SA's. */
		static const uint8_t net4[4] = { 198, 18, 0, 0 };
		static const uint8_t net6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xc0 };

		if (esp_prep(g, &x, PC_TRANSPORT, TG_RT_ANY, good_ttl(g), 0))
			return -1;
		do
			tg_rand_in(g->r, x.c->outer_af, x.c->outer_af == VRFSEC_AF_IPV4 ? net4 : net6,
				   x.c->outer_af == VRFSEC_AF_IPV4 ? 15u : 48u, spoof);
		while (memcmp(spoof, x.c->outer, tg_alen(x.c->outer_af)) == 0);
		if (trafgen_below(g->r, 2)) { /* the nearest address: one bit off at the end */
			memcpy(spoof, x.c->outer, 16);
			spoof[tg_alen(x.c->outer_af) - 1u] ^= (uint8_t)(1u << trafgen_below(g->r, 8));
		}
		x.o.src = spoof;
	} else {
		/* Tunnel: a customer address that is not this client's, often a neighbour's. */
		static const uint8_t far4[4] = { 10, 9, 0, 0 }, far6[16] = { 0xfd, 0x09 };
		uint8_t af;
		int ni;

		if (esp_prep(g, &x, PC_TUNNEL | PC_TS, TG_RT_CORE, good_ttl(g), 0))
			return -1;
		af = tg_ip_af(x.ip);
		ni = tg_pick_client(g, x.c->vrf, PC_TUNNEL, (int)(x.c - g->sc->client));
		if (trafgen_below(g->r, 3) == 0) { /* its own address, one bit off at the end */
			memcpy(spoof, af == VRFSEC_AF_IPV4 ? x.c->inner4 : x.c->inner6, 16);
			spoof[tg_alen(af) - 1u] ^= (uint8_t)(1u << trafgen_below(g->r, 8));
		} else if (ni >= 0 && trafgen_below(g->r, 2))
			memcpy(spoof, af == VRFSEC_AF_IPV4 ? g->sc->client[ni].inner4 :
							     g->sc->client[ni].inner6, 16);
		else
			tg_rand_in(g->r, af, af == VRFSEC_AF_IPV4 ? far4 : far6,
				   af == VRFSEC_AF_IPV4 ? 16u : 32u, spoof);
		memcpy(x.ip + (af == VRFSEC_AF_IPV4 ? 12u : 8u), spoof, tg_alen(af));
		if (af == VRFSEC_AF_IPV4)
			ipv4_fix_csum(x.ip);
	}
	tg_client_send(g, x.c, x.ip, x.len, &x.o);
	return 0;
}

static int err_udp_control(struct tg_gen *g, unsigned kind)
{
	uint8_t af = rand_af(g), *d;
	uint32_t sport = trafgen_below(g->r, 2) ? TG_IKE_PORT : 1024u + trafgen_below(g->r, 60000);
	uint32_t n = 28u + trafgen_below(g->r, 300);

	if (kind == TG_E_IKE) {
		public_udp(g, af, sport, TG_IKE_PORT, n);
	} else if (kind == TG_E_NON_ESP) {
		d = public_udp(g, af, TG_NATT_PORT, TG_NATT_PORT, n);
		memset(d, 0, 4); /* RFC 3948 2.2: the non-ESP marker */
	} else {
		d = public_udp(g, af, sport, TG_NATT_PORT, 1);
		d[0] = 0xff; /* RFC 3948 2.3 */
	}
	tg_expect(g->p, VRFSEC_PORT_HOST,
		  kind == TG_E_KEEPALIVE ? VRFSEC_CNT_NATT_KEEPALIVE : VRFSEC_CNT_IKE);
	return 0;
}

static int err_frag(struct tg_gen *g)
{
	uint32_t n = 8u + trafgen_below(g->r, 400);

	if (trafgen_below(g->r, 10) < 7) {
		uint8_t *ip;

		public_ip(g, VRFSEC_AF_IPV4, trafgen_below(g->r, 2) ? 50u : 17u, n);
		ip = g->p->frame + 14;
		/* first fragment (MF) or a later one (offset) */
		tg_wr16(ip + 6, trafgen_below(g->r, 2) ? 0x2000u : 1u + trafgen_below(g->r, 0x1fff));
		ipv4_fix_csum(ip);
	} else {
		uint8_t *fh = public_ip(g, VRFSEC_AF_IPV6, 44, n);

		fh[0] = trafgen_below(g->r, 2) ? 50u : 17u;
	}
	tg_expect(g->p, VRFSEC_PORT_HOST, VRFSEC_CNT_FRAGMENT);
	return 0;
}

static int err_csum(struct tg_gen *g)
{
	uint8_t *ip;
	uint32_t c, x;

	public_ip(g, VRFSEC_AF_IPV4, trafgen_below(g->r, 2) ? 50u : 17u,
		  40u + trafgen_below(g->r, 400));
	ip = g->p->frame + 14;
	switch (trafgen_below(g->r, 5)) {
	case 0: /* header length below 20 */
		ip[0] = (uint8_t)(0x40u | trafgen_below(g->r, 5));
		break;
	case 1: /* IP version 6 behind ethertype IPv4 */
		ip[0] = 0x65;
		ipv4_fix_csum(ip);
		break;
	default:
		/* Changing the checksum by anything but the other zero (0 <-> 0xffff) breaks it. */
		c = tg_rd16(ip + 10);
		do
			x = c ^ (1u + trafgen_below(g->r, 0xffff));
		while ((c == 0 && x == 0xffffu) || (c == 0xffffu && x == 0));
		tg_wr16(ip + 10, x);
		break;
	}
	tg_expect(g->p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	return 0;
}

static int err_non_ip(struct tg_gen *g)
{
	static const uint16_t types[] = { 0x0806, 0x88cc, 0x88e5, 0x0842, 0x8848 };
	struct trafgen_pkt *p = g->p;
	uint32_t port = trafgen_below(g->r, 4);
	const uint8_t *mac = port == 0 ? g->sc->mac_public : port == 1 ? g->sc->mac_core :
									 g->sc->mac_inside;

	p->len = 60u + trafgen_below(g->r, 200);
	tg_rand_bytes(g->r, p->frame, p->len);
	eth_hdr(p->frame, mac, g->sc->mac_peer, types[trafgen_below(g->r, sizeof(types) / 2u)]);
	p->in_port = port == 0 ? VRFSEC_PORT_PUBLIC : port == 1 ? VRFSEC_PORT_CORE :
								 VRFSEC_PORT_INSIDE;
	if (port == 3) { /* tagged with a known VLAN, but not carrying IP */
		tg_wr16(p->frame + 12, 0x8100);
		tg_wr16(p->frame + 14, g->sc->vrf[tg_pick_vrf(g)].vlan);
		tg_wr16(p->frame + 16, types[trafgen_below(g->r, sizeof(types) / 2u)]);
	}
	tg_expect(p, VRFSEC_PORT_HOST, VRFSEC_CNT_NON_IP);
	return 0;
}

static int err_local(struct tg_gen *g)
{
	struct trafgen_pkt *p = g->p;
	uint8_t af = rand_af(g), ip[VRFSEC_MAX_FRAME], src[16], dst[16];
	uint32_t len, variant = trafgen_below(g->r, 4);

	if (variant == 0) { /* ICMP, TCP, GRE to the box */
		static const uint8_t protos[] = { 1, 6, 47, 58 };

		public_ip(g, af, protos[trafgen_below(g->r, 4)], 8u + trafgen_below(g->r, 200));
	} else if (variant == 1) { /* UDP, neither IKE nor NAT-T */
		static const uint16_t ports[] = { 53, 123, 1701, 4501, 499 };

		public_udp(g, af, 1024u + trafgen_below(g->r, 60000),
			   ports[trafgen_below(g->r, 5)], 8u + trafgen_below(g->r, 200));
	} else {
		/* Core port: plain IP, or IP under a bottom-of-stack explicit null: global table. */
		tg_rand_bytes(g->r, src, 16);
		tg_rand_bytes(g->r, dst, 16);
		len = tg_build_ip(g, ip, af, src, dst, tg_pick_len(g, af, 1500), good_ttl(g));
		eth_hdr(p->frame, g->sc->mac_core, g->sc->mac_peer,
			variant == 2 ? (af == VRFSEC_AF_IPV4 ? 0x0800 : 0x86dd) : 0x8847);
		p->len = 14;
		if (variant == 3) {
			tg_wr32(p->frame + 14, (af == VRFSEC_AF_IPV4 ? 0u : 2u) << 12 | 0x100u | 64u);
			p->len = 18;
		}
		memcpy(p->frame + p->len, ip, len);
		p->len += len;
		p->in_port = VRFSEC_PORT_CORE;
	}
	tg_expect(p, VRFSEC_PORT_HOST, VRFSEC_CNT_LOCAL);
	return 0;
}

static int err_replay(struct tg_gen *g)
{
	struct trafgen_scenario *sc = g->sc;
	uint32_t start = trafgen_below(g->r, sc->n_clients), i;
	struct esp_ctx x;

	for (i = 0; i < sc->n_clients; i++) {
		struct trafgen_client *c = &sc->client[(start + i) % sc->n_clients];
		uint64_t s = tg_recent_in_window(g, c);

		if (!s)
			continue;
		x.c = c;
		x.len = tg_client_inner(g, c, TG_RT_ANY, x.ip, good_ttl(g), 0);
		if (!x.len)
			return -1;
		memset(&x.o, 0, sizeof(x.o));
		x.o.next_header = -1;
		x.o.seq = s;
		tg_client_send(g, c, x.ip, x.len, &x.o);
		return 0;
	}
	return -1;
}

static int err_too_old(struct tg_gen *g)
{
	struct trafgen_scenario *sc = g->sc;
	uint32_t start = trafgen_below(g->r, sc->n_clients), i;
	struct esp_ctx x;

	for (i = 0; i < sc->n_clients; i++) {
		struct trafgen_client *c = &sc->client[(start + i) % sc->n_clients];
		uint32_t w = tg_window(c);
		uint64_t room;

		if (!w || c->win.top <= w + 1u)
			continue;
		room = c->win.top - w - 1u; /* how far below the window a number can go (>= 1) */
		x.c = c;
		x.len = tg_client_inner(g, c, TG_RT_ANY, x.ip, good_ttl(g), 0);
		if (!x.len)
			return -1;
		memset(&x.o, 0, sizeof(x.o));
		x.o.next_header = -1;
		/* Exactly one left of the window a third of the time: the off-by-one case. */
		x.o.seq = c->win.top - w;
		if (trafgen_below(g->r, 3))
			x.o.seq -= trafgen_below(g->r, room < 300u ? (uint32_t)room + 1u : 300u);
		tg_client_send(g, c, x.ip, x.len, &x.o);
		return 0;
	}
	return -1;
}

static int err_no_route(struct tg_gen *g)
{
	if (trafgen_below(g->r, 3) == 0) {
		/* A label mapped to a VRF that has no configuration: nothing is routed there. */
		g->label = g->sc->unconf_label;
		if (via_ingress(g, TG_RT_CORE, good_ttl(g), VRFSEC_PORT_CORE))
			return -1;
		tg_expect(g->p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_ROUTE);
		return 0;
	}
	return via_ingress(g, TG_RT_UNROUTED, good_ttl(g), trafgen_below(g->r, 3));
}

static int err_seq_exhausted(struct tg_gen *g)
{
	int di = tg_pick_client(g, -1, PC_DEAD, -1), ai;
	uint8_t ip[VRFSEC_MAX_FRAME], af, src[16], dst[16], lttl = 0;
	uint32_t len, port = trafgen_below(g->r, 4);
	const struct trafgen_client *d;
	struct trafgen_pkt *p = g->p;

	if (di < 0)
		return -1;
	d = &g->sc->client[di];
	tg_client_addr(g, d, &af, dst);
	len = tg_pick_len(g, af, tg_max_len(g, d->vrf, af, dst, af == VRFSEC_AF_IPV4 ? 20u : 40u));
	if (!len)
		return -1;
	tg_rand_bytes(g->r, src, 16);
	ai = port == 0 ? tg_pick_client(g, d->vrf, PC_TUNNEL, di) : -1;
	if (ai >= 0) {
		struct trafgen_client *a = &g->sc->client[ai];
		struct tg_esp_opts o;

		tg_build_ip(g, ip, af, af == VRFSEC_AF_IPV4 ? a->inner4 : a->inner6, dst, len,
			    good_ttl(g));
		memset(&o, 0, sizeof(o));
		o.next_header = -1;
		o.seq = a->tx_next++;
		tg_client_send(g, a, ip, len, &o);
	} else if (port == 1) {
		tg_build_ip(g, p->frame, af, src, dst, len, good_ttl(g));
		p->len = len;
		p->in_port = VRFSEC_PORT_HOST;
		p->sa_out = d->sa_out;
		tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_SEQ_EXHAUSTED);
	} else {
		tg_build_ip(g, ip, af, src, dst, len, good_ttl(g));
		if (port == 2)
			tg_vlan_frame(g, d->vrf, ip, len);
		else
			tg_core_frame(g, d->vrf, ip, len, &lttl);
		tg_forward(g, d->vrf, ip, len, lttl);
	}
	return 0;
}

static int err_mpls_bad(struct tg_gen *g)
{
	static const uint8_t reserved[] = { 1, 3, 4, 5, 6, 7, 8, 13, 14, 15 };

	switch (trafgen_below(g->r, 3)) {
	case 0:
		g->label = reserved[trafgen_below(g->r, sizeof(reserved))];
		break;
	case 1: /* the VPN label must be the bottom of the stack */
		g->label_s0 = 1;
		break;
	default: /* more explicit nulls than the parser walks */
		g->nulls = 8 + (int)trafgen_below(g->r, 3);
		break;
	}
	if (via_ingress(g, TG_RT_CORE, good_ttl(g), VRFSEC_PORT_CORE))
		return -1;
	tg_expect(g->p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	return 0;
}

static int err_inject_bad(struct tg_gen *g)
{
	struct trafgen_pkt *p = g->p;
	uint8_t af = rand_af(g), src[16], dst[16];
	uint32_t len = tg_pick_len(g, af, 1400), variant = trafgen_below(g->r, 6);
	const struct trafgen_client *c = &g->sc->client[trafgen_below(g->r, g->sc->n_clients)];

	tg_rand_bytes(g->r, src, 16);
	tg_rand_bytes(g->r, dst, 16);
	tg_build_ip(g, p->frame, af, src, dst, len, good_ttl(g));
	p->len = len;
	p->in_port = VRFSEC_PORT_HOST;
	p->sa_out = c->sa_out;
	tg_expect(p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	switch (variant) {
	case 0: /* an inbound SA cannot seal */
		p->sa_out = c->sa_in;
		p->exp_reason = VRFSEC_CNT_NO_SA;
		break;
	case 1:
		p->sa_out = g->sc->dead_sa;
		p->exp_reason = VRFSEC_CNT_NO_SA;
		break;
	case 2:
		p->sa_out = VRFSEC_MAX_SA + trafgen_below(g->r, 0x7fff0000u);
		p->exp_reason = VRFSEC_CNT_NO_SA;
		break;
	case 3: /* IP length beyond the buffer */
		if (af == VRFSEC_AF_IPV4) {
			tg_wr16(p->frame + 2, len + 1u + trafgen_below(g->r, 100));
			ipv4_fix_csum(p->frame);
		} else {
			tg_wr16(p->frame + 4, len - 40u + 1u + trafgen_below(g->r, 100));
		}
		break;
	case 4: /* not IPv4 or IPv6 */
		p->frame[0] = (uint8_t)((trafgen_below(g->r, 2) ? 0x50u : 0x00u) | (p->frame[0] & 15u));
		break;
	default: /* shorter than any IP header */
		p->len = 1u + trafgen_below(g->r, 19);
		break;
	}
	return 0;
}

static int err_garbage(struct tg_gen *g)
{
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x8847, 0x8100 };
	struct trafgen_pkt *p = g->p;
	uint32_t k = trafgen_below(g->r, 10);

	p->in_port = k == 0 ? (uint8_t)(4u + trafgen_below(g->r, 252)) : (uint8_t)trafgen_below(g->r, 4);
	p->len = trafgen_below(g->r, 10) == 0 ? trafgen_below(g->r, 14) : 14u + trafgen_below(g->r, 1500);
	tg_rand_bytes(g->r, p->frame, p->len);
	if (p->len >= 14u && trafgen_below(g->r, 2)) /* a real ethertype gets the parsers going */
		tg_wr16(p->frame + 12, types[trafgen_below(g->r, 4)]);
	if (p->in_port == VRFSEC_PORT_HOST) {
		uint32_t s = trafgen_below(g->r, 3);

		p->sa_out = s == 0 ? VRFSEC_NONE :
			    s == 1 ? g->sc->client[trafgen_below(g->r, g->sc->n_clients)].sa_out :
				     (uint32_t)trafgen_rand(g->r);
		p->host_port = (uint8_t)trafgen_below(g->r, 8);
	}
	p->exact = 0; /* compared between engines only */
	return 0;
}

int tg_gen_error(struct tg_gen *g, unsigned kind)
{
	switch (kind) {
	case TG_E_ICV:
		return err_icv(g);
	case TG_E_TRUNC:
		return err_trunc(g);
	case TG_E_SHORT_ESP:
		return err_short_esp(g);
	case TG_E_NO_SA:
		return err_no_sa(g);
	case TG_E_NO_LABEL:
		return err_no_label(g);
	case TG_E_NO_VLAN:
		return err_no_vlan(g);
	case TG_E_TTL:
		return err_ttl(g);
	case TG_E_MTU:
		return err_mtu(g);
	case TG_E_BAD_PAD:
		return err_bad_pad(g);
	case TG_E_BAD_NH:
		return err_bad_nh(g);
	case TG_E_DUMMY:
		return err_dummy(g);
	case TG_E_INNER_SRC:
		return err_inner_src(g);
	case TG_E_IKE:
	case TG_E_NON_ESP:
	case TG_E_KEEPALIVE:
		return err_udp_control(g, kind);
	case TG_E_FRAG:
		return err_frag(g);
	case TG_E_CSUM:
		return err_csum(g);
	case TG_E_NON_IP:
		return err_non_ip(g);
	case TG_E_LOCAL:
		return err_local(g);
	case TG_E_REPLAY:
		return err_replay(g);
	case TG_E_TOO_OLD:
		return err_too_old(g);
	case TG_E_NO_ROUTE:
		return err_no_route(g);
	case TG_E_NH_DROP:
		return via_ingress(g, TG_RT_DROP, good_ttl(g), trafgen_below(g->r, 3));
	case TG_E_DEAD_SA:
		return via_ingress(g, TG_RT_DEAD, good_ttl(g), trafgen_below(g->r, 3));
	case TG_E_SEQ_EXHAUSTED:
		return err_seq_exhausted(g);
	case TG_E_MPLS_BAD:
		return err_mpls_bad(g);
	case TG_E_INJECT_BAD:
		return err_inject_bad(g);
	default:
		return err_garbage(g);
	}
}
