/* SPDX-License-Identifier: Apache-2.0 */
/* The random streams of the cosimulation, on a traffic-generator scenario (several VRFs, clients
 * in tunnel and transport mode, IPv4 and IPv6 outer, with and without UDP encapsulation, ESN on
 * and off, 128 SAs) programmed identically into both cards:
 *   in   public ESP -> core MPLS, frames of 40..9000 bytes
 *   out  core MPLS -> public ESP, frames of 40..9000 bytes
 *   mix  the generator's mix of every packet kind, --errors percent broken (bad ICV, replays,
 *        truncations, unknown SPI, no route, TTL 1, ...)
 * The C model runs each packet to completion as it is made (vrfsec_pipeline on tb[0]'s tables
 * with the expanded keys); the RTL takes the same packets as one back-to-back stream, drained
 * every CHUNK packets, on tb[1]'s tables. Frames over VRFSEC_MAX_FRAME reach the RTL whole and
 * the C model with their true length (only the first 2048 bytes in its buffer): both must drop
 * them MALFORMED. Each stream runs with its own table-memory latency, the mix with m_tready
 * back-pressure too. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cosim.h"
#include "pipeline.h"
#include "trafgen_impl.h"

#define CHUNK 256u
#define BIG_MAX 9000u

struct slot {
	struct vrfsec_pkt c;   /* the C model's packet after the pipeline */
	uint8_t in[BIG_MAX];   /* the frame as sent */
	uint32_t in_len;
	uint8_t in_port;
};

static struct slot slots[CHUNK];
static struct trafgen_pkt tp;

/* Sizes: 10 % 40..127, 75 % 128..2048, 15 % 2049..9000 (dropped as too long). */
static uint32_t pick_size(struct trafgen_rng *r)
{
	uint32_t roll = trafgen_below(r, 100);

	if (roll < 10)
		return 40u + trafgen_below(r, 88);
	if (roll < 85)
		return 128u + trafgen_below(r, VRFSEC_MAX_FRAME - 127u);
	return VRFSEC_MAX_FRAME + 1u + trafgen_below(r, BIG_MAX - VRFSEC_MAX_FRAME);
}

/* A frame of exactly size bytes from a generated one: cut it (a truncation) or extend it with
 * random bytes (past 2048: too long; below: bytes after the IP packet). */
static void fit(struct trafgen_rng *r, struct slot *s, uint32_t size)
{
	if (s->in_len > size && s->in_len <= size + 8u)
		return; /* the ESP padding made it a few bytes longer: keep it whole */
	if (size > s->in_len)
		tg_rand_bytes(r, s->in + s->in_len, size - s->in_len);
	s->in_len = size;
}

static uint8_t good_ttl(struct trafgen_rng *r)
{
	return (uint8_t)(2u + trafgen_below(r, 254));
}

/* Public ESP from a client towards the core, inner packet sized for a frame of about size. */
static int gen_in(struct tg_gen *g, struct slot *s, uint32_t size)
{
	uint8_t ip[VRFSEC_MAX_FRAME], af, src[16], dst[16];
	int ci = tg_pick_client(g, -1, 0, -1);
	struct trafgen_client *c;
	struct tg_esp_opts o;
	uint32_t len, ovh, hl;

	if (ci < 0)
		return -1;
	c = &g->sc->client[ci];
	if (c->transport) {
		af = c->outer_af;
		memcpy(src, c->outer, 16);
		memcpy(dst, c->in.dst, 16);
	} else {
		af = trafgen_below(g->r, 2) ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
		if (tg_pick_dst(g, c->vrf, TG_RT_CORE, &af, dst))
			return -1;
		memcpy(src, af == VRFSEC_AF_IPV4 ? c->inner4 : c->inner6, 16);
	}
	hl = af == VRFSEC_AF_IPV4 ? 20u : 40u;
	/* Ethernet, outer IP, UDP, ESP header and IV, pad length and next header, ICV */
	ovh = 14u + (c->outer_af == VRFSEC_AF_IPV4 ? 20u : 40u) + (c->udp ? 8u : 0u) + 16u + 2u + 16u;
	if (c->transport)
		ovh -= hl; /* the inner header is the outer one */
	len = size > ovh + hl ? size - ovh : hl;
	if (len > 1940u)
		len = 1940u;
	if (len < hl)
		len = hl;
	tg_build_ip(g, ip, af, src, dst, len, good_ttl(g->r));
	memset(&o, 0, sizeof(o));
	o.next_header = -1;
	o.seq = tg_next_seq(g, c);
	tg_client_send(g, c, ip, len, &o);
	s->in_len = g->p->len;
	memcpy(s->in, g->p->frame, s->in_len);
	s->in_port = VRFSEC_PORT_PUBLIC;
	fit(g->r, s, size);
	return 0;
}

/* Core MPLS towards a client, sized for a frame of about size. */
static int gen_out(struct tg_gen *g, struct slot *s, uint32_t size)
{
	uint8_t ip[VRFSEC_MAX_FRAME], af, src[16], dst[16], lttl;
	int di = tg_pick_client(g, -1, PC_ALIVE, -1);
	const struct trafgen_client *d;
	uint32_t len, hl;

	if (di < 0)
		return -1;
	d = &g->sc->client[di];
	tg_client_addr(g, d, &af, dst);
	tg_rand_bytes(g->r, src, 16);
	hl = af == VRFSEC_AF_IPV4 ? 20u : 40u;
	len = size > 18u + hl ? size - 18u : hl;
	if (len > 2000u)
		len = 2000u;
	tg_build_ip(g, ip, af, src, dst, len, good_ttl(g->r));
	tg_core_frame(g, d->vrf, ip, len, &lttl);
	s->in_len = g->p->len;
	memcpy(s->in, g->p->frame, s->in_len);
	s->in_port = VRFSEC_PORT_CORE;
	fit(g->r, s, size);
	return 0;
}

enum stream_kind { S_IN, S_OUT, S_MIX };

/* Make packet k of a stream into s; host_port / sa_out for host injects. */
static void make(struct trafgen_scenario *sc, enum stream_kind kind, struct slot *s,
		 uint8_t *out_port, uint32_t *sa_out)
{
	struct tg_gen g = { .sc = sc, .r = &sc->rng, .p = &tp, .label_ttl = -1, .nulls = -1,
			    .vlan = -1 };
	unsigned attempt;

	*out_port = VRFSEC_PORT_DROP; /* as pkt_load leaves it */
	*sa_out = VRFSEC_NONE;
	trafgen_burst_begin(sc); /* one packet at a time */
	if (kind == S_MIX) {
		trafgen_next(sc, &tp);
		memcpy(s->in, tp.frame, tp.len);
		s->in_len = tp.len;
		/* in_port is 3 bits on the RTL's port; 4..7 take the same stage_rx path as the
		 * generator's 4..255 (MALFORMED), so both sides get 4 + (port & 3) */
		s->in_port = tp.in_port > 7u ? (uint8_t)(4u + (tp.in_port & 3u)) : tp.in_port;
		*sa_out = tp.sa_out;
		if (tp.in_port == VRFSEC_PORT_HOST && tp.sa_out == VRFSEC_NONE)
			*out_port = tp.host_port;
		return;
	}
	for (attempt = 0; attempt < 16; attempt++) {
		uint32_t size = pick_size(&sc->rng);

		memset(&tp, 0, offsetof(struct trafgen_pkt, exp));
		if ((kind == S_IN ? gen_in(&g, s, size) : gen_out(&g, s, size)) == 0)
			return;
	}
	/* never seen: the scenario always has clients; a runt keeps the stream going */
	memset(s->in, 0, 60);
	s->in_len = 60;
	s->in_port = kind == S_IN ? VRFSEC_PORT_PUBLIC : VRFSEC_PORT_CORE;
}

static const char *const names[] = { "in", "out", "mix" };

static int run_stream(struct cosim *cs, struct trafgen_scenario *sc, enum stream_kind kind,
		      uint64_t n, unsigned mem_lat, unsigned bp_pct)
{
	static struct rtl_out o;
	struct testbed *tc = &cs->tb[0];
	uint64_t done = 0, before = cs->cnt.differ, drops = 0, c0 = rtl_model_cycles(cs->m);
	uint64_t sent_bytes = 0, exits[VRFSEC_CNT_MAX] = { 0 };
	unsigned r, shown;

	rtl_model_set_mem_latency(cs->m, mem_lat);
	rtl_model_set_backpressure(cs->m, bp_pct, cs->o->seed ^ kind);
	while (done < n) {
		uint32_t k = (uint32_t)(n - done < CHUNK ? n - done : CHUNK), i;

		if (kind == S_MIX) /* bursts of every length, single packets too */
			k = 1u + trafgen_below(&sc->rng, k);
		for (i = 0; i < k; i++) {
			struct slot *s = &slots[i];
			struct vrfsec_pkt *p = &s->c;
			struct rtl_in in;
			uint8_t out_port;
			uint32_t sa_out;

			make(sc, kind, s, &out_port, &sa_out);
			/* the C model: a zeroed packet as pkt_load / trafgen_load leave it */
			memset(p, 0, offsetof(struct vrfsec_pkt, buf));
			memset(p->buf, 0xa5, sizeof(p->buf));
			p->off = VRFSEC_HEADROOM;
			p->len = (uint16_t)s->in_len;
			p->in_port = s->in_port;
			p->out_port = out_port;
			p->sa_out = sa_out;
			memcpy(p->buf + p->off, s->in,
			       s->in_len < VRFSEC_MAX_FRAME ? s->in_len : VRFSEC_MAX_FRAME);
			vrfsec_pipeline(tc->t, tc->e->cm_keys, p);
			/* the RTL: the same frame, whole */
			memset(&in, 0, sizeof(in));
			in.frame = s->in;
			in.avail = in.len = s->in_len;
			in.tag = (uint16_t)(cs->tag + i);
			in.in_port = s->in_port;
			in.out_port = out_port;
			in.sa_out = sa_out;
			rtl_model_push(cs->m, &in);
			sent_bytes += s->in_len;
		}
		rtl_model_drain(cs->m, 50000000ull);
		for (i = 0; i < k; i++) {
			const struct slot *s = &slots[i];

			if (!rtl_model_pop(cs->m, &o)) {
				printf("  DIFF %s packet %" PRIu64 ": the RTL sent no exit record (%" PRIu64
				       " of %u missing)\n",
				       names[kind], done + i, (uint64_t)(k - i), k);
				cs->cnt.packets += k - i;
				cs->cnt.differ += k - i;
				break;
			}
			if (o.tag != (uint16_t)(cs->tag + i))
				printf("  note: exit record tag %u, expected %u\n", o.tag,
				       (uint16_t)(cs->tag + i));
			drops += s->c.out_port == VRFSEC_PORT_DROP;
			if (s->c.reason < VRFSEC_CNT_MAX)
				exits[s->c.reason]++;
			cosim_check(cs, names[kind], done + i, &s->c, &o, s->in, s->in_len, s->in_port);
		}
		while (rtl_model_pop(cs->m, &o)) {
			printf("  DIFF %s: a stray exit record (tag %u)\n", names[kind], o.tag);
			cs->cnt.differ++;
		}
		cs->tag = (uint16_t)(cs->tag + k);
		done += k;
	}
	printf("stream %-3s: %" PRIu64 " packets (%" PRIu64 " bytes, %" PRIu64 " dropped by both), "
	       "%" PRIu64 " differ; memory latency %u, m_tready low %u%%, %" PRIu64 " cycles\n",
	       names[kind], n, sent_bytes, drops, cs->cnt.differ - before, mem_lat, bp_pct,
	       rtl_model_cycles(cs->m) - c0);
	printf("  exits:");
	for (r = 0, shown = 0; r < VRFSEC_CNT_MAX; r++)
		if (exits[r])
			printf("%s %s %" PRIu64, shown++ ? "," : "", vrfsec_counter_name(r), exits[r]);
	printf("\n");
	return 0;
}

int cosim_streams(struct cosim *cs)
{
	static struct trafgen_scenario sc;
	struct trafgen_config cfg;
	const struct rtl_errors *er;
	unsigned tdiff;
	int k, rc;

	/* fresh tables on both cards: the vector cases leave their SAs behind */
	for (k = 0; k < 2; k++) {
		memset(cs->tb[k].t, 0, sizeof(*cs->tb[k].t));
		vrfsec_tables_init(cs->tb[k].t);
	}
	trafgen_config_default(&cfg);
	cfg.n_vrf = TRAFGEN_MAX_VRF;
	cfg.error_pct = cs->o->error_pct;
	rc = trafgen_scenario_init(&sc, cs->o->seed, &cfg);
	for (k = 0; k < 2 && rc == 0; k++)
		rc = trafgen_program(&sc, &cs->tb[k]);
	if (rc) {
		printf("streams: scenario setup failed (%d)\n", rc);
		return -1;
	}
	tdiff = cosim_tables_cmp(cs->tb[0].t, cs->tb[1].t, "after setup", 3);
	if (tdiff) {
		printf("streams: the two cards differ before any packet\n");
		return -1;
	}
	printf("streams: scenario seed %" PRIu64 ": %u VRFs, %u clients (%u SAs), %u routes\n",
	       cs->o->seed, sc.n_vrf, sc.n_clients, 2u * sc.n_clients, sc.n_routes);
	run_stream(cs, &sc, S_IN, cs->o->packets, 2, 0);
	run_stream(cs, &sc, S_OUT, cs->o->packets, 5, 0);
	run_stream(cs, &sc, S_MIX, cs->o->mix, 1, 20);
	tdiff = cosim_tables_cmp(cs->tb[0].t, cs->tb[1].t, "after the streams", 10);
	cs->cnt.tables_differ += tdiff;
	er = rtl_model_errors(cs->m);
	if (er->bad_addr || er->second_read || er->stray_frame) {
		printf("streams: RTL port-rule violations: %" PRIu64 " bad addresses, %" PRIu64
		       " reads while one was pending, %" PRIu64 " frames without exit record\n",
		       er->bad_addr, er->second_read, er->stray_frame);
		cs->cnt.tables_differ++;
	}
	return 0;
}
