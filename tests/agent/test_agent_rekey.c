/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the session layer's rekeys that the peer starts or that collide with ours, against
 * the recording card double: the routes stay on the old outbound SA until the peer deletes the old
 * pair (or PEER_REKEY_HOLD_MS passed); colliding rekeys (RFC 7296 2.8.1) leave the routes on a
 * surviving pair; the peer's rekey of a pair still installing goes in beside it. */
#include "session_fx.h"

/* A child up at t = 1000 ms, then the peer's rekey of it (the routes held on the old pair):
 * *id the old child, *id2 the new one, *nh the next hop of 10.1.0.1/32. */
static void peer_rekey(struct fx *f, struct session *s, uint32_t *id, uint32_t *id2, uint32_t *nh)
{
	struct child_params p;

	session_tick(&f->m, 1000);
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, id), 0);
	settle(f);
	*nh = mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh;
	keys(&p, 0x1100, 0x2100);
	p.hold_routes = true;
	assert_int_equal(child_rekey(s, *id, &p, id2), 0);
	settle(f);
}

/* The peer started the rekey: the new pair goes in and is reported (the answer may leave), but
 * the routes stay on the old outbound SA until the peer deletes the old pair; then it drains. */
static void peer_rekey_switches_on_its_delete(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child *old, *nu;
	uint32_t id, id2, nh;

	peer_rekey(f, s, &id, &id2, &nh);
	old = session_child(s, id);
	nu = session_child(s, id2);
	assert_int_equal(f->installed, 2);
	assert_int_equal(f->last_installed, id2);
	assert_int_equal(nu->state, CHILD_INSTALLED);
	assert_int_equal(old->state, CHILD_INSTALLED);
	assert_int_equal(mock_sa_count(&f->mock), 4);
	assert_true(f->mock.sa_used[nu->sa_in] && f->mock.sa_used[nu->sa_out]);
	assert_int_equal(f->mock.nh[nh].sa, old->sa_out); /* still the old outbound SA */
	assert_int_equal(f->m.stats.rekeys, 0);
	session_tick(&f->m, 1000 + PEER_REKEY_HOLD_MS - 1);
	settle(f);
	assert_int_equal(f->mock.nh[nh].sa, old->sa_out);
	/* the peer's DELETE of the old pair: the routes move, the old pair drains */
	assert_int_equal(child_down(s, id), 0);
	settle(f);
	assert_int_equal(f->mock.nh[nh].sa, nu->sa_out);
	assert_int_equal(mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh, nh);
	assert_int_equal(old->state, CHILD_DRAINING);
	assert_int_equal(mock_sa_count(&f->mock), 4);
	assert_int_equal(f->m.stats.rekeys, 1);
	assert_int_equal(f->installed, 2); /* reported once */
	session_tick(&f->m, 1000 + PEER_REKEY_HOLD_MS + 600); /* rekey_grace = 500 ms */
	settle(f);
	assert_null(session_child(s, id));
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_int_equal(f->mock.nh[nh].sa, nu->sa_out);
	assert_non_null(mock_route_find(&f->mock, 3, "10.1.0.1/32"));
	session_down(s);
	settle(f);
	assert_int_equal(mock_sa_count(&f->mock), 0);
	assert_int_equal(mock_route_count(&f->mock), 0);
}

/* No DELETE from the peer: the routes move after PEER_REKEY_HOLD_MS anyway. */
static void peer_rekey_switches_without_delete(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	uint32_t id, id2, nh;

	peer_rekey(f, s, &id, &id2, &nh);
	assert_int_equal(f->mock.nh[nh].sa, session_child(s, id)->sa_out);
	session_tick(&f->m, 1000 + PEER_REKEY_HOLD_MS);
	settle(f);
	assert_int_equal(f->mock.nh[nh].sa, session_child(s, id2)->sa_out);
	assert_int_equal(session_child(s, id)->state, CHILD_DRAINING);
	assert_int_equal(f->m.stats.rekeys, 1);
	session_tick(&f->m, 1000 + PEER_REKEY_HOLD_MS + 600);
	settle(f);
	assert_null(session_child(s, id));
	assert_int_equal(mock_sa_count(&f->mock), 2);
	session_down(s);
}

/* RFC 7296 2.8.1: the peer's rekey and ours of the same pair cross. The second one completes
 * on a pair already draining: it goes in beside. Whichever of the two is deleted as redundant,
 * the routes stay, on the survivor. */
static void colliding_rekeys(struct fx *f, bool delete_carrier)
{
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	struct child *ours, *theirs, *left;
	uint32_t id, id_ours, id_theirs, nh;

	session_tick(&f->m, 1000);
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	settle(f);
	nh = mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh;
	/* our rekey's response first: the routes switch to it, the old pair drains */
	keys(&p, 0x1100, 0x2100);
	assert_int_equal(child_rekey(s, id, &p, &id_ours), 0);
	settle(f);
	ours = session_child(s, id_ours);
	assert_int_equal(f->mock.nh[nh].sa, ours->sa_out);
	assert_int_equal(session_child(s, id)->state, CHILD_DRAINING);
	/* then the peer's rekey of the same (draining) pair */
	keys(&p, 0x1200, 0x2200);
	p.hold_routes = true;
	assert_int_equal(child_rekey(s, id, &p, &id_theirs), 0);
	settle(f);
	theirs = session_child(s, id_theirs);
	assert_int_equal(f->last_installed, id_theirs);
	assert_int_equal(f->last_status, 0);
	assert_int_equal(theirs->state, CHILD_INSTALLED);
	assert_int_equal(f->mock.nh[nh].sa, ours->sa_out);
	assert_int_equal(mock_sa_count(&f->mock), 6);
	session_tick(&f->m, 1000 + PEER_REKEY_HOLD_MS); /* the old pair carries nothing: no move */
	settle(f);
	assert_int_equal(f->mock.nh[nh].sa, ours->sa_out);
	if (delete_carrier) {
		/* ours was redundant: its DELETE moves the routes to the peer's pair */
		assert_int_equal(child_down(s, id_ours), 0);
		settle(f);
		left = theirs;
	} else {
		assert_int_equal(child_down(s, id_theirs), 0);
		settle(f);
		left = ours;
	}
	assert_int_equal(f->mock.nh[nh].sa, left->sa_out);
	assert_int_equal(mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh, nh);
	session_tick(&f->m, 1000 + PEER_REKEY_HOLD_MS + 600);
	settle(f);
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_true(f->mock.sa_used[left->sa_in] && f->mock.sa_used[left->sa_out]);
	assert_int_equal(f->mock.nh[nh].sa, left->sa_out);
	assert_non_null(mock_route_find(&f->mock, 3, "10.1.0.1/32"));
	assert_int_equal(f->install_failed, 0);
	session_down(s);
	settle(f);
	assert_int_equal(mock_route_count(&f->mock), 0);
}

static void collision_keeps_the_survivor(void **state)
{
	colliding_rekeys(*state, true);
}

static void collision_drops_the_redundant(void **state)
{
	colliding_rekeys(*state, false);
}

/* The peer rekeys a pair whose card work is still in flight (it has the pair since it answered
 * our rekey, the card has not answered our switch yet): the new pair goes in beside, and the old
 * one hands the routes over when the peer deletes it, instead of two pairs fighting over them. */
static void peer_rekey_of_an_installing_pair(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	struct child *old, *nu;
	uint32_t id, id2, nh;

	session_tick(&f->m, 1000);
	f->mock.hold = true;
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	card_flush(&f->card);
	assert_int_equal(session_child(s, id)->state, CHILD_INSTALLING);
	keys(&p, 0x1100, 0x2100);
	p.hold_routes = true;
	assert_int_equal(child_rekey(s, id, &p, &id2), 0);
	f->mock.hold = false;
	mock_release(&f->mock);
	settle(f);
	old = session_child(s, id);
	nu = session_child(s, id2);
	assert_int_equal(old->state, CHILD_INSTALLED);
	assert_int_equal(nu->state, CHILD_INSTALLED);
	assert_int_equal(f->installed, 2);
	nh = mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh;
	assert_int_equal(f->mock.nh[nh].sa, old->sa_out);
	assert_int_equal(child_down(s, id), 0);
	settle(f);
	assert_non_null(mock_route_find(&f->mock, 3, "10.1.0.1/32"));
	assert_int_equal(mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh, nh);
	assert_int_equal(f->mock.nh[nh].sa, nu->sa_out);
	session_tick(&f->m, 1600);
	settle(f);
	assert_null(session_child(s, id));
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_int_equal(f->mock.nh[nh].sa, nu->sa_out);
	session_down(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(peer_rekey_switches_on_its_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(peer_rekey_switches_without_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(collision_keeps_the_survivor, setup, teardown),
		cmocka_unit_test_setup_teardown(collision_drops_the_redundant, setup, teardown),
		cmocka_unit_test_setup_teardown(peer_rekey_of_an_installing_pair, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
