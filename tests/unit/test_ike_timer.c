/* SPDX-License-Identifier: Apache-2.0 */
/* The IKE library's timer heap (host/ike/ike_timer.c), white box: thousands of SAs with random
 * deadlines of every kind, moved, killed and freed in random order; after every API call the
 * next timer equals the minimum over all live SAs computed the slow way, and a tick acts on
 * exactly the SAs that are due. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "ike_int.h"

#define N_SA 3000u

static unsigned n_down;
static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static int on_send(void *user, const struct ike_dgram *d)
{
	(void)user, (void)d;
	return 0;
}

static void on_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	(void)user, (void)spi, (void)why;
	n_down++;
}

/* The earliest expiry over every live SA, the slow way (the SAs here only expire). */
static uint64_t slow_min(const struct ike_ctx *ctx)
{
	uint64_t t = UINT64_MAX;

	for (const struct ike_sa *sa = ctx->sas; sa; sa = sa->next)
		if (sa->state != ST_DEAD && sa->expire_at && sa->expire_at < t)
			t = sa->expire_at;
	return t;
}

static void heap_follows_every_change(void **st)
{
	struct ike_config cfg;
	struct ike_ctx *ctx;
	struct ike_sa **v = calloc(N_SA, sizeof(*v));
	uint64_t now = 1000;

	(void)st;
	assert_non_null(v);
	memset(&cfg, 0, sizeof(cfg));
	cfg.cb = (struct ike_callbacks){ .send = on_send, .ike_down = on_down };
	cfg.ike[cfg.n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256,
						     IKE_DH_X25519 };
	assert_int_equal(ike_ctx_create(&cfg, &ctx), 0);
	ike_ctx_tick(ctx, now); /* the first tick is a full walk; the rest use the heap */
	for (unsigned i = 0; i < N_SA; i++) {
		v[i] = ike_sa_new(ctx, 0);
		assert_non_null(v[i]);
		v[i]->state = ST_INIT_DONE;
		v[i]->expire_at = rnd(4) ? now + 1 + rnd(100000) : 0; /* some never expire */
		v[i]->report_down = 1;
	}
	ike_ctx_end(ctx);
	assert_int_equal(ike_ctx_next_timer(ctx), slow_min(ctx));
	for (unsigned round = 0; round < 200; round++) {
		/* move some deadlines (earlier and later), kill a few */
		for (unsigned k = 0; k < 20; k++) {
			struct ike_sa *sa = v[rnd(N_SA)];

			if (!sa)
				continue;
			sa->expire_at = now + 1 + rnd(100000);
			ike_sa_touch(sa);
		}
		for (unsigned k = 0; k < 3; k++) {
			unsigned i = (unsigned)rnd(N_SA);

			if (v[i]) {
				ike_sa_kill(v[i], IKE_DOWN_DELETED_BY_US);
				v[i] = NULL;
			}
		}
		ike_ctx_end(ctx);
		assert_int_equal(ike_ctx_next_timer(ctx), slow_min(ctx));
		/* a tick at a random point: every SA due goes, no other */
		uint64_t at = now + rnd(1500);
		unsigned due = 0, before = n_down;

		for (unsigned i = 0; i < N_SA; i++)
			if (v[i] && v[i]->expire_at && v[i]->expire_at <= at) {
				due++;
				v[i] = NULL; /* the tick frees it */
			}
		if (ike_ctx_next_timer(ctx) <= at)
			ike_ctx_tick(ctx, at);
		assert_int_equal(n_down - before, due);
		now = at;
		assert_int_equal(ike_ctx_next_timer(ctx), slow_min(ctx));
	}
	ike_ctx_destroy(ctx);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(heap_follows_every_change) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
