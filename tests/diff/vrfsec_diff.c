/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-diff: the same random traffic through the cmodel and cpu engines, compared packet by
 * packet and state by state, and checked against the generator's independent prediction. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diff.h"

struct opts {
	uint64_t packets;
	uint64_t seed;
	uint32_t burst; /* 0: random 1 .. VRFSEC_BURST_MAX */
	uint32_t show;  /* problems printed in detail */
	uint32_t idle_sas; /* inbound SAs that see no traffic */
	struct trafgen_config cfg;
};

/* Idle SAs take free slots from IDLE_SA_BASE up, with SPIs and a destination the scenario's
 * traffic never carries. */
#define IDLE_SA_BASE 100000u
#define IDLE_SA_MAX 20000u

static void usage(FILE *to)
{
	fprintf(to, "usage: vrfsec-diff [--packets N] [--seed S] [--burst B] [--vrfs N]\n"
		    "                   [--errors PCT] [--show N] [--idle-sas N]\n"
		    "  --packets N  packets to run (default 100000)\n"
		    "  --seed S     scenario and traffic seed (default 1)\n"
		    "  --burst B    burst size 1..%u (default: random per burst)\n"
		    "  --vrfs N     VRFs in the scenario, 1..%u (default 4)\n"
		    "  --errors PCT share of broken packets (default 15)\n"
		    "  --show N     problems shown in detail (default 5)\n"
		    "  --idle-sas N inbound SAs without traffic, in both engines (default 1100: with\n"
		    "               more than 1024 keys the cpu engine prefetches table state)\n",
		VRFSEC_BURST_MAX, TRAFGEN_MAX_VRF);
}

static int num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->packets = 100000;
	o->seed = 1;
	o->show = 5;
	o->idle_sas = 1100;
	trafgen_config_default(&o->cfg);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t x;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--packets") && !num(v, UINT64_MAX, &x))
			o->packets = x;
		else if (!strcmp(a, "--seed") && !num(v, UINT64_MAX, &x))
			o->seed = x;
		else if (!strcmp(a, "--burst") && !num(v, VRFSEC_BURST_MAX, &x) && x > 0)
			o->burst = (uint32_t)x;
		else if (!strcmp(a, "--vrfs") && !num(v, TRAFGEN_MAX_VRF, &x) && x > 0)
			o->cfg.n_vrf = (uint32_t)x;
		else if (!strcmp(a, "--errors") && !num(v, 100, &x))
			o->cfg.error_pct = (uint32_t)x;
		else if (!strcmp(a, "--show") && !num(v, 1000000, &x))
			o->show = (uint32_t)x;
		else if (!strcmp(a, "--idle-sas") && !num(v, IDLE_SA_MAX, &x))
			o->idle_sas = (uint32_t)x;
		else
			return -1;
	}
	return 0;
}

/* Each engine gets its own buffers, filled with a different pattern before the frame is loaded:
 * an engine that reads a byte it did not write or receive shows up as a difference. */
static void prep(struct vrfsec_pkt *p, uint8_t poison)
{
	memset(p, 0, offsetof(struct vrfsec_pkt, buf));
	memset(p->buf, poison, sizeof(p->buf));
}

static int same(const struct vrfsec_pkt *a, const struct vrfsec_pkt *b, char *why, size_t n)
{
	uint32_t i;

	if ((uint32_t)a->off + a->len > sizeof(a->buf) || (uint32_t)b->off + b->len > sizeof(b->buf))
		snprintf(why, n, "frame outside the buffer: cmodel off %u len %u, cpu off %u len %u",
			 a->off, a->len, b->off, b->len);
	else if (a->out_port != b->out_port || a->reason != b->reason)
		snprintf(why, n, "exit: cmodel port %u %s, cpu port %u %s", a->out_port,
			 vrfsec_counter_name(a->reason), b->out_port, vrfsec_counter_name(b->reason));
	else if (a->off != b->off || a->len != b->len)
		snprintf(why, n, "frame: cmodel off %u len %u, cpu off %u len %u", a->off, a->len,
			 b->off, b->len);
	else if (a->vrf != b->vrf || a->sa_in != b->sa_in || a->sa_out != b->sa_out ||
		 a->seq != b->seq)
		snprintf(why, n, "metadata: vrf %u/%u sa_in %u/%u sa_out %u/%u seq %" PRIu64 "/%" PRIu64,
			 a->vrf, b->vrf, a->sa_in, b->sa_in, a->sa_out, b->sa_out, a->seq, b->seq);
	else {
		for (i = 0; i < a->len; i++)
			if (a->buf[a->off + i] != b->buf[b->off + i])
				break;
		if (i == a->len)
			return 1;
		snprintf(why, n, "byte %u of %u: cmodel %02x, cpu %02x", i, a->len, a->buf[a->off + i],
			 b->buf[b->off + i]);
	}
	return 0;
}

static void hexdump(const char *tag, const uint8_t *b, uint32_t len)
{
	uint32_t i, n = len < 96u ? len : 96u;

	printf("    %s (%u bytes):", tag, len);
	for (i = 0; i < n; i++)
		printf("%s%02x", i % 32u ? "" : "\n      ", b[i]);
	printf("%s\n", n < len ? " ..." : "");
}

static void show(uint64_t no, const struct trafgen_pkt *tp, const char *what, const char *why)
{
	printf("  packet %" PRIu64 " (%s, in port %u, %u bytes): %s: %s\n", no,
	       trafgen_kind_name(tp->kind), tp->in_port, tp->len, what, why);
	hexdump("input", tp->frame, tp->len);
}

struct run {
	struct opts o;
	struct trafgen_scenario *sc;
	struct trafgen_pkt *tp;
	struct vrfsec_pkt *pk[2];
	struct testbed tb[2];
	struct diff_stats st;
	uint32_t shown;
};

/* Installed identically in both engines; their counters and state must stay identical (zero). */
static int idle_sas(struct testbed *tb, uint32_t n)
{
	struct vrfsec_sa_params p;
	uint8_t key[16];
	uint32_t i, idx = IDLE_SA_BASE;
	int rc;

	memset(&p, 0, sizeof(p));
	p.dir = VRFSEC_SA_DIR_IN;
	p.outer_af = VRFSEC_AF_IPV4;
	p.dst[0] = 198;
	p.dst[1] = 18;
	p.dst[2] = 255;
	p.dst[3] = 250;
	for (i = 0; i < n; i++) {
		memset(key, (int)(i & 0xff), sizeof(key));
		key[0] = (uint8_t)(i >> 8);
		p.spi = 0xfe000000u + i;
		p.salt[0] = (uint8_t)i;
		while (tb->t->sa[idx].valid) /* the scenario's slots are random */
			idx++;
		rc = vrfsec_engine_sa_add(tb->e, idx++, &p, key, sizeof(key));
		if (rc)
			return rc;
	}
	return 0;
}

static int setup(struct run *r)
{
	int rc, k;

	r->sc = calloc(1, sizeof(*r->sc));
	r->tp = calloc(VRFSEC_BURST_MAX, sizeof(*r->tp));
	r->pk[0] = calloc(VRFSEC_BURST_MAX, sizeof(struct vrfsec_pkt));
	r->pk[1] = calloc(VRFSEC_BURST_MAX, sizeof(struct vrfsec_pkt));
	if (!r->sc || !r->tp || !r->pk[0] || !r->pk[1])
		return -ENOMEM;
	rc = trafgen_scenario_init(r->sc, r->o.seed, &r->o.cfg);
	if (rc)
		return rc;
	for (k = 0; k < 2; k++) {
		rc = testbed_open(&r->tb[k], k ? VRFSEC_ENGINE_CPU : VRFSEC_ENGINE_CMODEL);
		if (rc)
			return rc;
		rc = trafgen_program(r->sc, &r->tb[k]);
		if (rc == 0)
			rc = idle_sas(&r->tb[k], r->o.idle_sas);
		if (rc) {
			fprintf(stderr, "vrfsec-diff: programming %s failed (%d)\n",
				vrfsec_engine_name(r->tb[k].kind), rc);
			return rc;
		}
	}
	return 0;
}

static void teardown(struct run *r)
{
	int k;

	for (k = 0; k < 2; k++)
		if (r->tb[k].t)
			testbed_close(&r->tb[k]);
	free(r->pk[0]);
	free(r->pk[1]);
	free(r->tp);
	free(r->sc);
}

static void run_burst(struct run *r, uint32_t n)
{
	struct vrfsec_pkt *ptr[2][VRFSEC_BURST_MAX];
	char why[256];
	uint32_t i, k;

	trafgen_burst_begin(r->sc);
	for (i = 0; i < n; i++) {
		trafgen_next(r->sc, &r->tp[i]);
		for (k = 0; k < 2; k++) {
			ptr[k][i] = &r->pk[k][i];
			prep(ptr[k][i], k ? 0x5a : 0xa5);
			trafgen_load(&r->tp[i], ptr[k][i]);
		}
	}
	for (k = 0; k < 2; k++)
		vrfsec_engine_run(r->tb[k].e, ptr[k], n);
	for (i = 0; i < n; i++) {
		const struct trafgen_pkt *tp = &r->tp[i];
		uint64_t no = r->st.packets + 1u;
		int verdict;

		if (same(ptr[0][i], ptr[1][i], why, sizeof(why))) {
			r->st.identical++;
		} else {
			r->st.differ++;
			if (r->shown++ < r->o.show) {
				show(no, tp, "engines differ", why);
				for (k = 0; k < 2; k++)
					if ((uint32_t)ptr[k][i]->off + ptr[k][i]->len <= VRFSEC_BUF_SIZE)
						hexdump(k ? "cpu" : "cmodel", ptr[k][i]->buf + ptr[k][i]->off,
							ptr[k][i]->len);
			}
		}
		verdict = trafgen_verify(r->sc, tp, ptr[1][i], why, sizeof(why));
		if (verdict < 0 && r->shown++ < r->o.show) {
			show(no, tp, "not as predicted", why);
			if ((uint32_t)ptr[1][i]->off + ptr[1][i]->len <= VRFSEC_BUF_SIZE)
				hexdump("output", ptr[1][i]->buf + ptr[1][i]->off, ptr[1][i]->len);
		}
		diff_count(&r->st, tp, ptr[1][i], verdict);
	}
}

int main(int argc, char **argv)
{
	static struct run r;
	struct trafgen_rng burst_rng;
	struct timespec t0, t1;
	unsigned state, counters, missing, insane;
	double secs;
	int rc, failed;

	if (parse(argc, argv, &r.o)) {
		usage(stderr);
		return 2;
	}
	rc = setup(&r);
	if (rc) {
		fprintf(stderr, "vrfsec-diff: setup failed: %s\n", strerror(rc < 0 ? -rc : rc));
		teardown(&r);
		return 1;
	}
	printf("vrfsec-diff: seed %" PRIu64 ", %u VRFs, %u clients (%u SAs), %u routes, %u next hops,"
	       " bursts %s\n",
	       r.o.seed, r.sc->n_vrf, r.sc->n_clients, 2u * r.sc->n_clients, r.sc->n_routes,
	       r.sc->n_nh, r.o.burst ? "fixed" : "1..64 at random");
	trafgen_rng_seed(&burst_rng, r.o.seed ^ 0xb0b5ull);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r.st.packets < r.o.packets) {
		uint64_t left = r.o.packets - r.st.packets;
		uint32_t n = r.o.burst ? r.o.burst : 1u + trafgen_below(&burst_rng, VRFSEC_BURST_MAX);

		run_burst(&r, left < n ? (uint32_t)left : n);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	diff_print_exits(&r.st, &r.tb[0], r.sc);
	missing = diff_coverage(&r.st);
	insane = diff_sanity(&r.st);
	state = diff_state(r.tb, r.sc);
	counters = diff_counters_agree(&r.tb[0], &r.st);
	printf("\nchecks:\n");
	printf("  packets differing between engines     %" PRIu64 "\n", r.st.differ);
	printf("  card state differences (counters/SAs) %u\n", state);
	printf("  outputs verified against prediction   %" PRIu64 " (ESP opened with OpenSSL)\n",
	       r.st.verified);
	printf("  outputs not as predicted              %" PRIu64 "\n", r.st.mispredicted);
	printf("  outputs not predicted (random bytes)  %" PRIu64 "\n", r.st.unpredicted);
	printf("  counters disagreeing with packets     %u\n", counters);
	printf("  kinds/features never generated        %u\n", missing);
	printf("  good kinds mostly not delivered       %u\n", insane);
	printf("  time                                  %.2f s (%.0f packets/s, both engines)\n", secs,
	       secs > 0 ? (double)r.st.packets / secs : 0.0);
	failed = r.st.differ || state || r.st.mispredicted || counters || missing || insane;
	printf("vrfsec-diff: %" PRIu64 " packets, %" PRIu64 " identical, %" PRIu64 " differ%s\n",
	       r.st.packets, r.st.identical, r.st.differ, failed ? " -- FAIL (see checks)" : "");
	teardown(&r);
	return failed ? 1 : 0;
}
