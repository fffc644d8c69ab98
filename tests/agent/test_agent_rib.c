/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the agent's RIB and SA-slot owners: the hash index finds every route after
 * thousands of adds, replaces and deletes in several VRFs (entries move when others are
 * removed), and agrees with a plain scan; slot owners follow alloc/own/free. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "card.h"

#define N_ROUTES 5000u

static unsigned n_add, n_del;

static int r_add(void *ctx, const struct vrfsec_route_cfg *r)
{
	(void)ctx, (void)r;
	n_add++;
	return 0;
}

static int r_del(void *ctx, const struct vrfsec_route_cfg *r)
{
	(void)ctx, (void)r;
	n_del++;
	return 0;
}

static const struct card_ops ops = { .route_add = r_add, .route_del = r_del };

static void pfx(struct prefix *p, unsigned i, bool v6)
{
	memset(p, 0, sizeof(*p));
	p->addr.af = v6 ? 6 : 4;
	if (v6) {
		p->addr.a[0] = 0x20, p->addr.a[1] = 0x01, p->addr.a[2] = 0x0d, p->addr.a[3] = 0xb8;
		p->addr.a[14] = (uint8_t)(i >> 8), p->addr.a[15] = (uint8_t)i;
		p->plen = 128;
	} else {
		p->addr.a[0] = 10, p->addr.a[1] = (uint8_t)(i >> 16);
		p->addr.a[2] = (uint8_t)(i >> 8), p->addr.a[3] = (uint8_t)i;
		p->plen = 32;
	}
}

/* The entry for (vrf, p) by walking the array: what the index must agree with. */
static const struct rib_entry *scan(const struct rib *r, uint16_t vrf, const struct prefix *p)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->v[i].vrf == vrf && prefix_eq(&r->v[i].dst, p))
			return &r->v[i];
	return NULL;
}

static void rib_index_follows_changes(void **state)
{
	struct card c;
	struct rib r;
	struct rib_entry e;
	struct prefix p;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&c, 0, sizeof(c)); /* card_init's contract: a zeroed card */
	assert_int_equal(card_init(&c, &ops, NULL, 64, 64, 16), 0);
	/* the same addresses in VRFs 1 and 2, IPv4 and IPv6: each a route of its own */
	for (unsigned i = 0; i < N_ROUTES; i++) {
		memset(&e, 0, sizeof(e));
		e.vrf = (uint16_t)(1 + i % 2);
		pfx(&e.dst, i / 2, i % 3 == 0);
		e.nh = i + 1;
		e.kind = RIB_RRI;
		e.owner = i + 1;
		assert_int_equal(rib_add(&r, &c, &e), 0);
	}
	assert_int_equal(r.n, N_ROUTES);
	/* another owner cannot take an address; the same owner replaces its route in place */
	e.owner = 999999;
	assert_int_equal(rib_add(&r, &c, &e), -EEXIST);
	e.owner = N_ROUTES;
	e.nh = 77;
	assert_int_equal(rib_add(&r, &c, &e), 0);
	assert_int_equal(r.n, N_ROUTES);
	assert_int_equal(rib_find(&r, e.vrf, &e.dst)->nh, 77);
	/* every third route goes; the last entries move into the holes */
	for (unsigned i = 0; i < N_ROUTES; i += 3) {
		pfx(&p, i / 2, i % 3 == 0);
		assert_int_equal(rib_del(&r, &c, (uint16_t)(1 + i % 2), &p), 0);
		assert_int_equal(rib_del(&r, &c, (uint16_t)(1 + i % 2), &p), -ENOENT);
	}
	for (unsigned i = 0; i < N_ROUTES; i++) {
		uint16_t vrf = (uint16_t)(1 + i % 2);
		const struct rib_entry *f;

		pfx(&p, i / 2, i % 3 == 0);
		f = rib_find(&r, vrf, &p);
		assert_ptr_equal(f, scan(&r, vrf, &p));
		if (i % 3 == 0) {
			assert_null(f);
		} else {
			assert_non_null(f);
			assert_int_equal(f->owner, i + 1);
		}
		/* a VRF the route is not in */
		assert_null(rib_find(&r, 3, &p));
	}
	assert_int_equal(rib_set_nh(&r, &c, 2, &r.v[0].dst, 5, "x"), r.v[0].vrf == 2 ? 0 : -ENOENT);
	rib_free(&r);
	card_fini(&c);
}

static void sa_owner_follows_slots(void **state)
{
	struct card c;
	int tag[3];
	uint32_t a, b;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(card_init(&c, &ops, NULL, 8, 8, 4), 0);
	a = card_sa_alloc(&c);
	b = card_sa_alloc(&c);
	assert_null(card_sa_owner(&c, a));
	card_sa_own(&c, a, &tag[0]);
	card_sa_own(&c, b, &tag[1]);
	assert_ptr_equal(card_sa_owner(&c, a), &tag[0]);
	assert_ptr_equal(card_sa_owner(&c, b), &tag[1]);
	card_sa_free(&c, a);
	assert_null(card_sa_owner(&c, a));
	assert_ptr_equal(card_sa_owner(&c, b), &tag[1]);
	/* out of range: nothing, never a stray write */
	card_sa_own(&c, 9, &tag[2]);
	assert_null(card_sa_owner(&c, 9));
	assert_null(card_sa_owner(&c, 0xffffffffu));
	card_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rib_index_follows_changes),
		cmocka_unit_test(sa_owner_follows_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
