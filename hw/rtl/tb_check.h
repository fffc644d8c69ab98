// SPDX-License-Identifier: Apache-2.0
// The bookkeeping every header-stage testbench does around one case: the C function runs once,
// the RTL module once per memory latency (1, 2, 5 cycles) from the same counters, the counters
// must come out equal; cycle statistics per latency, exit reasons and tail calls seen, pass/fail
// tallies and the closing report. The case logic (what to call, what to compare) stays in each
// testbench.
#ifndef VRFSEC_RTL_TB_CHECK_H
#define VRFSEC_RTL_TB_CHECK_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_stage.h"

#define TB_NLAT 3u
static const unsigned TB_LATS[TB_NLAT] = { 1, 2, 5 };

struct tb_bench {
	const char *name;
	struct vrfsec_tables *t;
	uint64_t cyc_min[TB_NLAT], cyc_max[TB_NLAT], cyc_sum[TB_NLAT];
	unsigned n_runs[TB_NLAT], passed, failed, seen_tail;
	unsigned seen_reason[VRFSEC_CNT_MAX];
	uint64_t snap_cnt[VRFSEC_CNT_MAX], c_cnt[VRFSEC_CNT_MAX];
	struct vrfsec_vrf_counters snap_vc[VRFSEC_MAX_VRF], c_vc[VRFSEC_MAX_VRF];
};

static inline void tb_bench_init(struct tb_bench *b, const char *name, struct vrfsec_tables *t)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->t = t;
	for (unsigned i = 0; i < TB_NLAT; i++)
		b->cyc_min[i] = ~0ull;
}

// Before the C call: remember the counters every run of this case starts from.
static inline void tb_case_begin(struct tb_bench *b)
{
	memcpy(b->snap_cnt, b->t->cnt, sizeof(b->snap_cnt));
	memcpy(b->snap_vc, b->t->vrf_cnt, sizeof(b->snap_vc));
}

// After the C call: its counters are what every RTL run must produce. tail: the C function
// ended in a tail call (else reason is its exit reason).
static inline void tb_case_c_done(struct tb_bench *b, int tail, unsigned reason)
{
	if (tail)
		b->seen_tail++;
	else if (reason < VRFSEC_CNT_MAX)
		b->seen_reason[reason]++;
	memcpy(b->c_cnt, b->t->cnt, sizeof(b->c_cnt));
	memcpy(b->c_vc, b->t->vrf_cnt, sizeof(b->c_vc));
}

// Before RTL run li: the counters as they were before the C call.
static inline void tb_run_begin(struct tb_bench *b)
{
	memcpy(b->t->cnt, b->snap_cnt, sizeof(b->snap_cnt));
	memcpy(b->t->vrf_cnt, b->snap_vc, sizeof(b->snap_vc));
}

// After RTL run li: its cycle count goes into the statistics; 1 when the counters equal the C
// call's (else it says so under tag).
static inline int tb_run_end(struct tb_bench *b, unsigned li, uint64_t cycles, const char *tag)
{
	int ok = !memcmp(b->c_cnt, b->t->cnt, sizeof(b->c_cnt)) &&
		 !memcmp(b->c_vc, b->t->vrf_cnt, sizeof(b->c_vc));

	if (!ok)
		printf("%s lat %u: counters differ\n", tag, TB_LATS[li]);
	b->cyc_sum[li] += cycles;
	b->cyc_min[li] = cycles < b->cyc_min[li] ? cycles : b->cyc_min[li];
	b->cyc_max[li] = cycles > b->cyc_max[li] ? cycles : b->cyc_max[li];
	b->n_runs[li]++;
	return ok;
}

// After the case: the tables continue from the C call's counters; more than 20 failed cases end
// the testbench.
static inline void tb_case_end(struct tb_bench *b, int ok)
{
	memcpy(b->t->cnt, b->c_cnt, sizeof(b->c_cnt));
	memcpy(b->t->vrf_cnt, b->c_vc, sizeof(b->c_vc));
	if (ok) {
		b->passed++;
	} else if (++b->failed > 20) {
		printf("%s: too many failed cases\n", b->name);
		exit(1);
	}
}

// A hash of every table byte up to the VRF counters except the global and per-SA counters: the
// stages under test may only count.
static inline uint64_t tb_ro_hash(const struct vrfsec_tables *t)
{
	const uint64_t *w = (const uint64_t *)t;
	size_t a = offsetof(struct vrfsec_tables, cnt) / 8;
	size_t b = offsetof(struct vrfsec_tables, sa_cnt) / 8;
	size_t c = offsetof(struct vrfsec_tables, vrf_cnt) / 8;
	uint64_t h = 0;

	for (size_t i = 0; i < c; i++)
		if (i < a || i >= b)
			h = (h ^ w[i]) * 0x100000001b3ull + i;
	return h;
}

// A failure found outside the per-case checks.
static inline void tb_fail(struct tb_bench *b, const char *what)
{
	printf("%s: %s\n", b->name, what);
	b->failed++;
}

// Each of the n exit reasons in want must have been taken (and the tail call, when want_tail).
static inline void tb_require_seen(struct tb_bench *b, const unsigned *want, unsigned n,
				   int want_tail)
{
	for (unsigned i = 0; i < n; i++)
		if (!b->seen_reason[want[i]]) {
			printf("%s: exit reason %u never taken\n", b->name, want[i]);
			b->failed++;
		}
	if (want_tail && !b->seen_tail)
		tb_fail(b, "the tail call never taken");
}

// The closing lines: cycles per memory latency and the verdict; returns the exit status.
static inline int tb_report(const struct tb_bench *b)
{
	for (unsigned li = 0; li < TB_NLAT; li++)
		printf("%s: memory latency %u: cycles min/mean/max %llu/%.1f/%llu\n", b->name,
		       TB_LATS[li], (unsigned long long)(b->n_runs[li] ? b->cyc_min[li] : 0),
		       b->n_runs[li] ? (double)b->cyc_sum[li] / b->n_runs[li] : 0.0,
		       (unsigned long long)b->cyc_max[li]);
	printf("%s: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n", b->name, b->passed,
	       b->failed, (unsigned long long)(b->n_runs[0] ? b->cyc_min[0] : 0),
	       b->n_runs[0] ? (double)b->cyc_sum[0] / b->n_runs[0] : 0.0,
	       (unsigned long long)b->cyc_max[0]);
	return b->failed ? 1 : 0;
}

#endif
