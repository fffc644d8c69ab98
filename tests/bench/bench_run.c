/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-bench timing: the clock (warm-up, median of segments) and the engine over a ring. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* One burst of packet buffers, reused for every burst like a NIC's small RX buffer pool. */
static _Alignas(64) struct vrfsec_pkt pk[VRFSEC_BURST_MAX];

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_clock_init(struct bench_clock *k, const struct bench_opts *o, double seconds)
{
	memset(k, 0, sizeof(*k));
	k->seg_s = seconds / BENCH_SEGMENTS;
	k->warm_end = bench_now() + o->warm_s;
	k->min_passes = o->min_passes;
}

int bench_clock_timing(struct bench_clock *k)
{
	/* The first pass always warms up: page tables, caches, branch predictors. */
	if (!k->timing && k->passes > 0 && bench_now() >= k->warm_end)
		k->timing = 1;
	k->passes++;
	return k->timing;
}

int bench_clock_add(struct bench_clock *k, double secs, uint64_t packets, uint64_t bytes)
{
	k->t += secs;
	k->pk += packets;
	k->bytes += bytes;
	k->timed_passes++;
	if (k->t >= k->seg_s && k->nseg < BENCH_SEGMENTS) {
		k->mpps[k->nseg] = (double)k->pk / k->t / 1e6;
		/* gbps: bits of the inner IP packets (IP header included; no Ethernet, MPLS, ESP or
		 * outer headers) per second. */
		k->gbps[k->nseg] = (double)k->bytes * 8.0 / k->t / 1e9;
		k->nseg++;
		k->t = 0;
		k->pk = k->bytes = 0;
	}
	return k->nseg >= BENCH_SEGMENTS && k->timed_passes >= k->min_passes;
}

void bench_clock_result(const struct bench_clock *k, struct bench_rate *out)
{
	uint32_t i, j, below, median = 0;

	/* The median segment: a neighbour's burst of activity on a shared host moves one segment,
	 * not the result. */
	for (i = 0; i < k->nseg; i++) {
		below = 0;
		for (j = 0; j < k->nseg; j++)
			below += k->mpps[j] < k->mpps[i] || (k->mpps[j] == k->mpps[i] && j < i);
		if (below == k->nseg / 2u)
			median = i;
	}
	out->mpps = k->nseg ? k->mpps[median] : 0;
	out->gbps = k->nseg ? k->gbps[median] : 0;
}

/* Did every packet of burst b leave where it should, from the SA it should, at the length it
 * should? Adds the number that did not to *bad and reports the first of the case. */
static void verify(const struct bench_world *w, const struct bench_ring *r, uint32_t b,
		   uint64_t *bad)
{
	uint8_t want_port = r->dir == BENCH_OUT ? VRFSEC_PORT_PUBLIC : VRFSEC_PORT_CORE;
	uint32_t i;

	for (i = 0; i < VRFSEC_BURST_MAX; i++) {
		const struct vrfsec_pkt *p = &pk[i];
		uint32_t j = b * VRFSEC_BURST_MAX + i;
		uint32_t sa = r->dir == BENCH_OUT ? p->sa_out - BENCH_MAX_SA : p->sa_in;

		if (p->out_port == want_port && sa == r->sa[j] && p->len == r->want_len[j])
			continue;
		if ((*bad)++ == 0)
			fprintf(stderr,
				"bench error: %s dir=%s size=%u SA %u: packet left on port %u "
				"(want %u), len %u (want %u), SA %u, reason %s\n",
				vrfsec_engine_name(w->tb.kind), r->dir == BENCH_OUT ? "out" : "in",
				r->inner[j], r->sa[j], p->out_port, want_port, p->len,
				r->want_len[j], sa, vrfsec_counter_name(p->reason));
	}
}

int bench_engine(struct bench_world *w, struct bench_ring *r, const struct bench_opts *o,
		 struct bench_rate *out)
{
	uint8_t in_port = r->dir == BENCH_OUT ? VRFSEC_PORT_CORE : VRFSEC_PORT_PUBLIC;
	/* A ring that holds every SA equally often is replayed (after a replay reset); with more
	 * SAs than ring slots, each pass is refilled for the next BENCH_RING SAs instead. */
	int refill = w->nsa > BENCH_RING || BENCH_RING % w->nsa != 0;
	struct vrfsec_pkt *pp[VRFSEC_BURST_MAX];
	struct bench_clock clk;
	uint64_t bad = 0;
	uint32_t b, i;
	int done = 0;

	for (i = 0; i < VRFSEC_BURST_MAX; i++)
		pp[i] = &pk[i];
	bench_clock_init(&clk, o, o->engine_s);
	while (!done) {
		int timing = bench_clock_timing(&clk);
		double secs = 0;

		/* Outside the timed region: make the ring's packets acceptable again. */
		if (clk.passes > 1 && refill) {
			if (bench_ring_fill(w, r, r->base + BENCH_RING) != 0)
				return -1;
		} else if (!refill && r->dir == BENCH_IN) {
			bench_replay_reset(w);
		}
		for (b = 0; b < BENCH_BURSTS; b++) {
			double t0 = bench_now(), t1;

			/* Timed: the frame load (the DMA into the card) and the engine run. */
			for (i = 0; i < VRFSEC_BURST_MAX; i++) {
				uint32_t j = b * VRFSEC_BURST_MAX + i;

				pkt_load(&pk[i], in_port, r->mem + r->off[j], r->len[j]);
			}
			vrfsec_engine_run(w->tb.e, pp, VRFSEC_BURST_MAX);
			t1 = bench_now();
			verify(w, r, b, &bad);
			secs += t1 - t0;
		}
		if (bad) {
			/* a rate that includes drops would flatter the engine */
			fprintf(stderr, "bench error: %llu packets dropped or misrouted\n",
				(unsigned long long)bad);
			return -1;
		}
		if (timing)
			done = bench_clock_add(&clk, secs, BENCH_RING, r->inner_bytes);
	}
	bench_clock_result(&clk, out);
	return 0;
}
