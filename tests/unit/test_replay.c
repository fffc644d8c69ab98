/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the anti-replay window and ESN inference against a plain reference model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine_impl.h"
#include "replay.h"
#include "tables_setup.h"

static struct vrfsec_tables *t;

static int setup(void **state)
{
	(void)state;
	t = vrfsec_map_zeroed(sizeof(*t));
	if (!t)
		return -1;
	vrfsec_tables_init(t);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vrfsec_unmap(t, sizeof(*t));
	return 0;
}

static void add_in(uint32_t idx, uint16_t win, int esn, uint64_t top)
{
	struct vrfsec_sa_params p = { 0 };

	vrfsec_sa_remove(t, idx);
	p.dir = VRFSEC_SA_DIR_IN;
	p.spi = 0x1000 + idx;
	p.outer_af = VRFSEC_AF_IPV4;
	p.win = win;
	p.esn = (uint8_t)esn;
	p.seq = top;
	p.dst[0] = 10;
	assert_int_equal(vrfsec_sa_compile(t, idx, &p), 0);
}

/* Reference: a set of accepted numbers and the highest; window semantics of RFC 4303 3.4.3. */
struct ref {
	uint64_t top;
	uint64_t w;
	uint8_t *seen; /* indexed by seq - base */
	uint64_t base;
};

static unsigned ref_accept(struct ref *r, uint64_t seq, int commit)
{
	if (seq == 0)
		return VRFSEC_CNT_TOO_OLD;
	if (seq <= r->top) {
		if (r->top - seq >= r->w)
			return VRFSEC_CNT_TOO_OLD;
		if (r->seen[seq - r->base])
			return VRFSEC_CNT_REPLAY;
	}
	if (commit) {
		r->seen[seq - r->base] = 1;
		if (seq > r->top)
			r->top = seq;
	}
	return 0;
}

static void random_walk(uint16_t win, uint64_t start)
{
	struct ref r = { .top = start, .w = win, .base = start };
	const unsigned span = 3 * 4096 + 20000;
	uint64_t x = 12345 + win;
	unsigned i;

	r.seen = calloc(span + 1, 1);
	assert_non_null(r.seen);
	add_in(1, win, 1, start);
	for (i = 0; i < 40000; i++) {
		uint64_t seq;
		unsigned want, got;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		/* mostly in or just ahead of the window, sometimes far behind or far ahead */
		switch ((x >> 60) & 7) {
		case 0:
			seq = r.top + 1 + ((x >> 20) % 64);
			break;
		case 1:
			seq = r.top > 2 * r.w ? r.top - r.w - ((x >> 20) % 100) : r.top + 1;
			break;
		default:
			seq = r.top + 1 - ((x >> 20) % (r.w + 8)) + 4;
			break;
		}
		if (seq <= start || seq - start > span)
			continue;
		want = ref_accept(&r, seq, 0);
		got = replay_check(t, 1, seq);
		assert_int_equal(got, want);
		if (want == 0) {
			assert_int_equal(replay_update(t, 1, seq), 0);
			ref_accept(&r, seq, 1);
		}
		assert_true(t->sa[1].seq == r.top);
	}
	free(r.seen);
}

static void test_window_sizes(void **state)
{
	(void)state;
	random_walk(64, 0);
	random_walk(1024, 0);
	random_walk(4096, 0);
	random_walk(100, 0xfffff000ull); /* across the 2^32 boundary, ESN */
}

static void test_update_rechecks(void **state)
{
	(void)state;
	add_in(2, 0, 0, 0);
	/* two packets of one burst with the same number both pass the pre-check ... */
	assert_int_equal(replay_check(t, 2, 7), 0);
	assert_int_equal(replay_check(t, 2, 7), 0);
	/* ... and only the first survives the update after the ICV */
	assert_int_equal(replay_update(t, 2, 7), 0);
	assert_int_equal(replay_update(t, 2, 7), VRFSEC_CNT_REPLAY);
	assert_int_equal(t->sa[2].win, VRFSEC_REPLAY_DEFAULT);
}

static void test_long_jump_clears_ring(void **state)
{
	(void)state;
	add_in(3, 4096, 0, 0);
	for (uint64_t s = 1; s <= 5000; s++)
		assert_int_equal(replay_update(t, 3, s), 0);
	/* a jump longer than the ring must not leave stale bits that look like replays */
	assert_int_equal(replay_update(t, 3, 5000 + 3 * 8192 + 17), 0);
	for (uint64_t s = 5000 + 3 * 8192 + 17 - 4095; s < 5000 + 3 * 8192 + 17; s++)
		assert_int_equal(replay_check(t, 3, s), 0);
	assert_int_equal(replay_check(t, 3, 5000 + 3 * 8192 + 17 - 4096), VRFSEC_CNT_TOO_OLD);
}

static void test_esn_inference(void **state)
{
	(void)state;
	/* RFC 4303 A2.2, window inside one subspace */
	add_in(4, 1024, 1, 0x00000005fffffff0ull);
	assert_true(replay_infer(&t->sa[4], 0xfffffff8u) == 0x00000005fffffff8ull);
	assert_true(replay_infer(&t->sa[4], 0x00000003u) == 0x0000000600000003ull);
	assert_true(replay_infer(&t->sa[4], 0xfffffc00u) == 0x00000005fffffc00ull);
	/* window straddling the boundary */
	add_in(4 + 1, 1024, 1, 0x0000000600000010ull);
	assert_true(replay_infer(&t->sa[5], 0xffffff00u) == 0x00000005ffffff00ull);
	assert_true(replay_infer(&t->sa[5], 0x00000020u) == 0x0000000600000020ull);
	/* nothing below subspace 0 */
	add_in(6, 1024, 1, 3);
	assert_true(replay_infer(&t->sa[6], 0xfffffffeu) == 0);
	assert_int_equal(replay_check(t, 6, 0), VRFSEC_CNT_TOO_OLD);
	/* without ESN the low bits are the number */
	add_in(7, 1024, 0, 0xfffffff0ull);
	assert_true(replay_infer(&t->sa[7], 3) == 3);
}

static void test_replay_off(void **state)
{
	struct vrfsec_sa_params p = { 0 };

	(void)state;
	p.dir = VRFSEC_SA_DIR_IN;
	p.spi = 0x2000;
	p.outer_af = VRFSEC_AF_IPV4;
	p.no_replay = 1;
	assert_int_equal(vrfsec_sa_compile(t, 8, &p), 0);
	assert_int_equal(replay_update(t, 8, 10), 0);
	assert_int_equal(replay_update(t, 8, 10), 0);
	assert_int_equal(replay_update(t, 8, 1), 0);
	assert_int_equal(replay_check(t, 8, 0), VRFSEC_CNT_TOO_OLD);
	p.win = 4097;
	p.no_replay = 0;
	p.spi = 0x2001;
	assert_int_equal(vrfsec_sa_compile(t, 9, &p), VRFSEC_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_sizes),
		cmocka_unit_test(test_update_rechecks),
		cmocka_unit_test(test_long_jump_clears_ring),
		cmocka_unit_test(test_esn_inference),
		cmocka_unit_test(test_replay_off),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
