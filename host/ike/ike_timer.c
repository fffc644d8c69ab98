/* SPDX-License-Identifier: Apache-2.0 */
/* The context's timers: each live IKE SA filed in a binary min-heap under its earliest deadline
 * (retransmission, half-open and rekeyed-SA expiry, fragment reassembly, IKE and CHILD rekey, DPD,
 * queued tasks), so that asking for the next timer costs nothing and a tick visits only the SAs
 * that are due, however many SAs the context holds. Code that may move a deadline touches the SA;
 * the end of every API call (ike_ctx_end) re-files the touched ones. A tick at least RESYNC_MS
 * after the last full one visits every SA, which bounds what a missed touch could delay while
 * other timers run. */
#include <stdlib.h>

#include "ike_int.h"

#define RESYNC_MS 2000u

static uint64_t min64(uint64_t a, uint64_t b)
{
	return b && b < a ? b : a;
}

/* The SA's earliest deadline, UINT64_MAX for none (what ike_sa_tick below acts on). */
static uint64_t sa_due(const struct ike_sa *sa)
{
	uint64_t t = UINT64_MAX;

	if (sa->state == ST_DEAD)
		return t;
	if (sa->rq.kind)
		t = min64(t, sa->rq.next_tx);
	else if (sa->n_tasks && (sa->state == ST_ESTABLISHED || sa->state == ST_REKEYED))
		t = min64(t, sa->ctx->now ? sa->ctx->now : 1); /* a task can start: at once */
	t = min64(t, sa->expire_at);
	t = min64(t, ike_frag_deadline(sa));
	if (sa->state != ST_ESTABLISHED)
		return t;
	t = min64(t, sa->rekey_at);
	for (const struct ike_child *ch = sa->children; ch; ch = ch->next)
		if (ch->state == CH_INSTALLED)
			t = min64(t, ch->rekey_at);
	if (sa->prof->dpd_s && !sa->rq.kind)
		t = min64(t, sa->last_rx + 1000ull * sa->prof->dpd_s);
	return t;
}

/* ---- the heap (positions are heap_i - 1) ------------------------------------------------- */

static void put(struct ike_ctx *ctx, uint32_t i, struct ike_sa *sa)
{
	ctx->heap[i] = sa;
	sa->heap_i = i + 1;
}

static void up(struct ike_ctx *ctx, uint32_t i)
{
	struct ike_sa *sa = ctx->heap[i];

	while (i > 0) {
		uint32_t p = (i - 1) / 2;

		if (ctx->heap[p]->due <= sa->due)
			break;
		put(ctx, i, ctx->heap[p]);
		i = p;
	}
	put(ctx, i, sa);
}

static void down(struct ike_ctx *ctx, uint32_t i)
{
	struct ike_sa *sa = ctx->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= ctx->heap_n)
			break;
		if (c + 1 < ctx->heap_n && ctx->heap[c + 1]->due < ctx->heap[c]->due)
			c++;
		if (sa->due <= ctx->heap[c]->due)
			break;
		put(ctx, i, ctx->heap[c]);
		i = c;
	}
	put(ctx, i, sa);
}

static void heap_remove(struct ike_ctx *ctx, struct ike_sa *sa)
{
	uint32_t i = sa->heap_i - 1;
	struct ike_sa *last;

	if (!sa->heap_i)
		return;
	sa->heap_i = 0;
	last = ctx->heap[--ctx->heap_n];
	if (last == sa)
		return;
	put(ctx, i, last);
	if (i > 0 && ctx->heap[(i - 1) / 2]->due > last->due)
		up(ctx, i);
	else
		down(ctx, i);
}

static void file(struct ike_ctx *ctx, struct ike_sa *sa)
{
	if (sa->state == ST_DEAD) {
		heap_remove(ctx, sa);
		return;
	}
	sa->due = sa_due(sa);
	if (sa->heap_i) {
		up(ctx, sa->heap_i - 1);
		down(ctx, sa->heap_i - 1);
		return;
	}
	if (ctx->heap_n == ctx->heap_cap) {
		uint32_t cap = ctx->heap_cap ? 2 * ctx->heap_cap : 64;
		struct ike_sa **h = realloc(ctx->heap, cap * sizeof(*h));

		if (!h) {
			ctx->heap_fail = 1;
			return;
		}
		ctx->heap = h;
		ctx->heap_cap = cap;
	}
	put(ctx, ctx->heap_n, sa);
	up(ctx, ctx->heap_n++);
}

/* ---- touching and syncing ----------------------------------------------------------------- */

void ike_sa_touch(struct ike_sa *sa)
{
	struct ike_ctx *ctx = sa->ctx;

	if (sa->dirty)
		return;
	sa->dirty = 1;
	sa->dirty_next = ctx->dirty;
	ctx->dirty = sa;
}

void ike_timer_sync(struct ike_ctx *ctx)
{
	while (ctx->dirty) {
		struct ike_sa *sa = ctx->dirty;

		ctx->dirty = sa->dirty_next;
		sa->dirty = 0;
		sa->dirty_next = NULL;
		file(ctx, sa);
	}
}

void ike_timer_forget(struct ike_sa *sa)
{
	struct ike_ctx *ctx = sa->ctx;

	heap_remove(ctx, sa);
	if (sa->dirty)
		for (struct ike_sa **pp = &ctx->dirty; *pp; pp = &(*pp)->dirty_next)
			if (*pp == sa) {
				*pp = sa->dirty_next;
				break;
			}
	sa->dirty = 0;
}

void ike_timer_free(struct ike_ctx *ctx)
{
	free(ctx->heap);
	ctx->heap = NULL;
	ctx->heap_n = ctx->heap_cap = 0;
	ctx->dirty = NULL;
}

/* ---- the API ---------------------------------------------------------------------------------- */

/* Whatever of sa is due at now. */
static void sa_tick(struct ike_sa *sa, uint64_t now)
{
	struct ike_ctx *ctx = sa->ctx;

	ike_sa_touch(sa);
	if (sa->state == ST_DEAD)
		return;
	if (sa->rq.kind && now >= sa->rq.next_tx) {
		if (sa->rq.tries >= ctx->cfg.retransmit_tries) {
			ike_log(ctx, 1, "IKE SA %016llx: no answer after %u retransmissions",
				(unsigned long long)ike_sa_local_spi(sa), sa->rq.tries);
			if (sa->rq.kind == RQ_DPD && ctx->cfg.cb.dpd_result)
				ctx->cfg.cb.dpd_result(ctx->cfg.cb.user, ike_sa_local_spi(sa), 0);
			ike_sa_kill(sa, sa->state == ST_REKEYED ? IKE_DOWN_REKEYED : IKE_DOWN_TIMEOUT);
			return;
		}
		sa->rq.tries++;
		sa->rq.timeout *= 2;
		sa->rq.next_tx = now + sa->rq.timeout;
		ike_sa_send_raw(sa, sa->rq.pkt, sa->rq.len);
	}
	ike_frag_expire(sa, now);
	if (sa->expire_at && now >= sa->expire_at) {
		ike_sa_kill(sa, sa->state == ST_REKEYED ? IKE_DOWN_REKEYED : IKE_DOWN_TIMEOUT);
		return;
	}
	if (sa->state == ST_ESTABLISHED) {
		if (sa->rekey_at && now >= sa->rekey_at) {
			sa->rekey_at = 0;
			ike_sa_queue(sa, RQ_IKE_REKEY, 0);
		}
		for (struct ike_child *ch = sa->children; ch; ch = ch->next)
			if (ch->rekey_at && now >= ch->rekey_at && ch->state == CH_INSTALLED) {
				ch->rekey_at = 0;
				ike_sa_queue(sa, RQ_CHILD_REKEY, ch->spi_in);
			}
		if (sa->prof->dpd_s && !sa->rq.kind && !sa->n_tasks &&
		    now >= sa->last_rx + 1000ull * sa->prof->dpd_s)
			ike_sa_queue(sa, RQ_DPD, 0);
	}
	ike_sa_run_tasks(sa);
}

void ike_ctx_tick(struct ike_ctx *ctx, uint64_t now)
{
	ctx->now = now;
	ike_timer_sync(ctx);
	if (ctx->heap_fail || now >= ctx->resync_at) {
		/* every SA, as a safety net and when the heap could not grow */
		for (struct ike_sa *sa = ctx->sas; sa; sa = sa->next)
			sa_tick(sa, now);
		ctx->resync_at = now + RESYNC_MS;
	} else {
		/* only the due SAs; each leaves the heap until the sync at the end files it anew */
		while (ctx->heap_n && ctx->heap[0]->due <= now) {
			struct ike_sa *sa = ctx->heap[0];

			heap_remove(ctx, sa);
			sa_tick(sa, now);
		}
	}
	ike_ctx_end(ctx);
}

/* The safety net's full walk rides on ticks that happen anyway: it is no timer of its own. */
uint64_t ike_ctx_next_timer(const struct ike_ctx *ctx)
{
	if (ctx->heap_fail || ctx->dirty)
		return 0; /* SAs not filed yet (a const lookup touched them): tick files them */
	return ctx->heap_n ? ctx->heap[0]->due : UINT64_MAX;
}
