/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the session layer (the IKE seam) against the recording card double: what
 * child_up programs, rollback, route conflicts, make-before-break rekey, card events to the
 * hooks, NAT mapping moves, teardown, key wiping; the asynchronous path: nothing reported
 * before the card answered, routes only after the SAs, refusals undone, flush order (the peer's
 * rekeys and colliding rekeys: test_agent_rekey.c). */
#include "session_fx.h"

static void child_up_programs_the_card(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	const struct vrfsec_route_cfg *r;
	struct child *c;
	uint32_t id;

	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	assert_true(wiped(&p));
	c = session_child(s, id);
	assert_non_null(c);
	assert_int_equal(c->state, CHILD_INSTALLING);
	assert_int_equal(mock_sa_count(&f->mock), 0); /* staged, not flushed */
	assert_int_equal(f->installed, 0);
	settle(f);
	assert_int_equal(c->state, CHILD_INSTALLED);
	assert_int_equal(f->installed, 1);
	assert_int_equal(f->last_installed, id);
	assert_int_equal(mock_sa_count(&f->mock), 2);
	/* inbound: the profile's VRF, the virtual IP as the only allowed source, NAT-T ports */
	assert_true(f->mock.sa_key_nonzero[c->sa_in]);
	assert_int_equal(f->mock.sa[c->sa_in].dir, VRFSEC_SA_IN);
	assert_int_equal(f->mock.sa[c->sa_in].spi, 0x1000);
	assert_int_equal(f->mock.sa[c->sa_in].vrf, 3);
	assert_int_equal(f->mock.sa[c->sa_in].n_ts, 1);
	assert_int_equal(f->mock.sa[c->sa_in].ts[0].plen, 32);
	assert_memory_equal(f->mock.sa[c->sa_in].ts[0].addr, s->vip[0].a, 4);
	assert_int_equal(f->mock.sa[c->sa_in].idle_s, 20);
	assert_int_equal(f->mock.sa[c->sa_in].soft.packets, 1000);
	assert_true(f->mock.sa[c->sa_in].esn);
	/* outbound: towards the NAT mapping, our public MAC to the resolved next hop */
	assert_int_equal(f->mock.sa[c->sa_out].dir, VRFSEC_SA_OUT);
	assert_int_equal(f->mock.sa[c->sa_out].spi, 0x2000);
	assert_true(f->mock.sa[c->sa_out].udp);
	assert_int_equal(f->mock.sa[c->sa_out].udp_sport, 4500);
	assert_int_equal(f->mock.sa[c->sa_out].udp_dport, 40001);
	assert_int_equal(f->mock.sa[c->sa_out].dst[3], 7);
	assert_int_equal(f->mock.sa[c->sa_out].src[3], 1);
	assert_memory_equal(f->mock.sa[c->sa_out].dmac, GW_MAC, 6);
	assert_int_equal(f->mock.sa[c->sa_out].hard.packets, 2000);
	/* the route: virtual IP /32 in VRF 3 via a next hop that is the outbound SA */
	r = mock_route_find(&f->mock, 3, "10.1.0.1/32");
	assert_non_null(r);
	assert_int_equal(f->mock.nh[r->nh].kind, VRFSEC_NEXTHOP_SA);
	assert_int_equal(f->mock.nh[r->nh].sa, c->sa_out);
	/* teardown takes everything, the lease too */
	session_down(s);
	settle(f);
	assert_int_equal(mock_sa_count(&f->mock), 0);
	assert_int_equal(mock_route_count(&f->mock), 0);
	assert_int_equal(f->rib.n, 0);
	assert_int_equal(f->pools.v[0]->used, 0);
	assert_int_equal(f->card.sa.used, 0);
	assert_int_equal(f->card.nh.used, 0);
}

static void failure_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	uint32_t id;

	keys(&p, 0x1000, 0x2000);
	f->mock.fail_sa_add_at = 2; /* the outbound SA fails */
	assert_int_equal(child_up(s, &p, &id), 0);
	assert_true(wiped(&p));
	settle(f);
	assert_int_equal(f->install_failed, 1);
	assert_int_equal(f->last_status, -ENOSPC);
	assert_int_equal(f->last_installed, id);
	assert_null(session_child(s, id));
	assert_int_equal(mock_sa_count(&f->mock), 0);
	assert_int_equal(mock_route_count(&f->mock), 0);
	assert_int_equal(f->card.sa.used, 0);
	assert_int_equal(f->card.nh.used, 0);
	f->mock.fail_sa_add_at = 0;
	/* next hop not resolved yet: nothing programmed, keys wiped, retry later */
	f->unresolved = true;
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), -EHOSTUNREACH);
	assert_true(wiped(&p));
	assert_int_equal(mock_sa_count(&f->mock), 0);
	session_down(s);
}

static void route_conflict_refused(void **state)
{
	struct fx *f = *state;
	struct session_params sp = { 0 };
	struct session *a, *b;
	struct child_params p;
	uint32_t id;

	sp.profile = "s2s";
	ident_parse("branch.red.example", &sp.peer_id);
	addr_parse("198.51.100.20", &sp.peer);
	sp.peer_port = 500;
	assert_int_equal(session_create(&f->m, &sp, &a), 0);
	assert_int_equal(session_create(&f->m, &sp, &b), 0);
	keys(&p, 0x1000, 0x2000);
	p.n_remote = 1;
	prefix_parse("10.50.0.0/24", &p.remote[0]);
	assert_int_equal(child_up(a, &p, &id), 0);
	settle(f);
	assert_false(f->mock.sa[session_child(a, id)->sa_out].udp);
	keys(&p, 0x1001, 0x2001);
	p.n_remote = 1;
	prefix_parse("10.50.0.0/24", &p.remote[0]);
	assert_int_equal(child_up(b, &p, &id), -EEXIST);
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_int_equal(mock_route_count(&f->mock), 1);
	session_down(b);
	session_down(a);
	settle(f);
	assert_int_equal(mock_route_count(&f->mock), 0);
}

static void rekey_make_before_break(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	const struct vrfsec_route_cfg *r;
	struct child *old, *nu;
	uint32_t id, id2, nh;

	session_tick(&f->m, 1000);
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	settle(f);
	nh = mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh;
	keys(&p, 0x1100, 0x2100);
	f->mock.hold = true;
	assert_int_equal(child_rekey(s, id, &p, &id2), 0);
	assert_true(wiped(&p));
	/* make before break: the new SAs are in before the next hop moves */
	card_flush(&f->card);
	assert_int_equal(mock_sa_count(&f->mock), 4);
	assert_int_equal(f->mock.nh[nh].sa, session_child(s, id)->sa_out);
	assert_int_equal(session_child(s, id)->state, CHILD_INSTALLED);
	mock_release(&f->mock);
	card_process(&f->card);
	card_flush(&f->card); /* the switch */
	assert_int_equal(f->mock.nh[nh].sa, session_child(s, id2)->sa_out);
	assert_int_equal(f->installed, 1);
	f->mock.hold = false;
	settle(f);
	assert_int_equal(f->installed, 2);
	old = session_child(s, id);
	nu = session_child(s, id2);
	assert_int_equal(old->state, CHILD_DRAINING);
	assert_int_equal(nu->state, CHILD_INSTALLED);
	assert_int_equal(mock_sa_count(&f->mock), 4); /* both pairs during the grace period */
	r = mock_route_find(&f->mock, 3, "10.1.0.1/32");
	assert_int_equal(r->nh, nh);                        /* the route stayed ... */
	assert_int_equal(f->mock.nh[nh].sa, nu->sa_out);    /* ... its next hop switched */
	session_tick(&f->m, 1400);
	assert_int_equal(mock_sa_count(&f->mock), 4);
	session_tick(&f->m, 1600); /* rekey_grace = 500 ms */
	settle(f);
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_null(session_child(s, id));
	assert_true(f->mock.sa_used[nu->sa_in] && f->mock.sa_used[nu->sa_out]);
	assert_non_null(mock_route_find(&f->mock, 3, "10.1.0.1/32"));
	session_down(s);
}

static void card_events_reach_the_hooks(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct vrfsec_event ev = { 0 };
	struct child_params p;
	struct child *c;
	uint32_t id;

	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	settle(f);
	c = session_child(s, id);
	ev.type = VRFSEC_ABI_EVENT_SA_SOFT;
	ev.sa = c->sa_out;
	session_card_event(&f->m, &ev);
	session_card_event(&f->m, &ev); /* asked once per SA */
	assert_int_equal(f->rekeys, 1);
	assert_int_equal(f->last_why, REKEY_SOFT_LIFETIME);
	ev.type = VRFSEC_ABI_EVENT_SA_IDLE;
	ev.sa = c->sa_in;
	session_card_event(&f->m, &ev);
	assert_int_equal(f->dpd, 1);
	ev.type = VRFSEC_ABI_EVENT_SA_HARD; /* the card removed the inbound SA itself */
	session_card_event(&f->m, &ev);
	settle(f);
	assert_int_equal(f->expired, 1);
	assert_null(session_child(s, id));
	assert_int_equal(mock_sa_count(&f->mock), 1); /* the mock does not expire: only sa_out was deleted */
	assert_int_equal(mock_route_count(&f->mock), 0);
	assert_int_equal(f->card.sa.used, 0);
	assert_int_equal(session_clear(&f->m, s->id), 0);
	assert_int_equal(f->clearing, 1);
	assert_int_equal(session_clear(&f->m, 999), -ENOENT);
}

static void peer_moves(void **state)
{
	static const uint8_t NAT2_MAC[6] = { 0x02, 0x77, 0, 0, 0, 0x02 };
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	struct ipaddr a;
	struct child *c;
	uint32_t id;

	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	settle(f);
	c = session_child(s, id);
	addr_parse("198.51.100.7", &a);
	assert_int_equal(session_peer_moved(s, &a, 40777, NULL), 0); /* port only: in place */
	assert_int_equal(f->mock.n_sa_update, 2);
	assert_int_equal(f->mock.sa[c->sa_out].udp_dport, 40777);
	assert_int_equal(f->mock.sa[c->sa_in].udp_sport, 40777);
	assert_memory_equal(f->mock.sa[c->sa_out].dmac, GW_MAC, 6);
	assert_int_equal(f->rekeys, 0);
	/* a new address behind another router whose MAC is not resolved yet: moved in place to
	 * the MAC of the frame that authenticated the move, no rekey, same SPIs */
	addr_parse("198.51.100.99", &a);
	f->unresolved = true;
	assert_int_equal(session_peer_moved(s, &a, 41000, NAT2_MAC), 0);
	assert_int_equal(f->mock.n_sa_update, 4);
	assert_int_equal(f->rekeys, 0);
	assert_int_equal(f->mock.sa[c->sa_out].dst[3], 99);
	assert_int_equal(f->mock.sa[c->sa_out].src[3], 1);
	assert_int_equal(f->mock.sa[c->sa_out].udp_dport, 41000);
	assert_memory_equal(f->mock.sa[c->sa_out].dmac, NAT2_MAC, 6);
	assert_int_equal(f->mock.sa[c->sa_in].src[3], 99);
	assert_int_equal(f->mock.sa[c->sa_in].udp_sport, 41000);
	assert_int_equal(f->mock.sa[c->sa_out].spi, 0x2000);
	assert_int_equal(f->m.stats.peer_moves, 2);
	assert_ptr_equal(session_child(s, id), c);
	assert_int_equal(session_peer_moved(s, &a, 41000, NAT2_MAC), 0); /* no change: nothing */
	assert_int_equal(f->mock.n_sa_update, 4);
	/* a card that cannot move the SA: rekey, and the new pair goes to the new address */
	f->mock.fail_sa_update = true;
	addr_parse("198.51.100.98", &a);
	assert_int_not_equal(session_peer_moved(s, &a, 41000, NAT2_MAC), 0);
	assert_int_equal(f->rekeys, 1);
	assert_int_equal(f->last_why, REKEY_PEER_MOVED);
	f->unresolved = false;
	keys(&p, 0x1100, 0x2100);
	assert_int_equal(child_rekey(s, id, &p, &id), 0);
	settle(f);
	assert_int_equal(f->mock.sa[session_child(s, id)->sa_out].dst[3], 98);
	session_down(s);
}

/* The asynchronous path step by step: SAs first, routes after the card took them, the outcome
 * only once the card answered the routes too. */
static void install_waits_for_the_card(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	struct child *c;
	uint32_t id;

	f->mock.hold = true;
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	c = session_child(s, id);
	card_flush(&f->card);
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_int_equal(mock_route_count(&f->mock), 0); /* no route before the SAs answered */
	assert_int_equal(card_process(&f->card), 0);
	assert_int_equal(f->installed, 0);
	mock_release(&f->mock);
	assert_int_equal(card_process(&f->card), 1);
	assert_int_equal(f->installed, 0);
	assert_int_equal(c->state, CHILD_INSTALLING);
	card_flush(&f->card);
	assert_int_equal(mock_route_count(&f->mock), 1);
	assert_int_equal(f->installed, 0); /* routes sent, not answered */
	mock_release(&f->mock);
	card_process(&f->card);
	assert_int_equal(f->installed, 1);
	assert_int_equal(c->state, CHILD_INSTALLED);
	assert_int_equal(f->mock.n_ops, 4);
	assert_int_equal(f->mock.ops[0], CARD_SA_ADD);
	assert_int_equal(f->mock.ops[1], CARD_SA_ADD);
	assert_int_equal(f->mock.ops[2], CARD_NH_SET);
	assert_int_equal(f->mock.ops[3], CARD_ROUTE_ADD);
	assert_int_equal(f->m.stats.up, 1);
	f->mock.hold = false;
	session_down(s);
	settle(f);
}

static void refused_route_undoes_the_child(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	uint32_t id;

	keys(&p, 0x1000, 0x2000);
	f->mock.fail_op = CARD_ROUTE_ADD;
	f->mock.fail_op_rc = -ENOSPC;
	assert_int_equal(child_up(s, &p, &id), 0);
	settle(f);
	assert_int_equal(f->install_failed, 1);
	assert_int_equal(f->last_status, -ENOSPC);
	assert_null(session_child(s, id));
	assert_int_equal(mock_sa_count(&f->mock), 0);
	assert_int_equal(mock_route_count(&f->mock), 0);
	assert_int_equal(f->rib.n, 0);
	assert_int_equal(f->card.sa.used, 0);
	assert_int_equal(f->card.nh.used, 0);
	assert_int_equal(f->m.stats.install_failed, 1);
	assert_int_equal(f->m.stats.up, 0);
	session_down(s);
}

static void refused_switch_keeps_the_old_pair(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	struct child *old;
	uint32_t id, id2, nh;

	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	settle(f);
	old = session_child(s, id);
	nh = old->nh;
	keys(&p, 0x1100, 0x2100);
	f->mock.fail_op = CARD_NH_SET;
	assert_int_equal(child_rekey(s, id, &p, &id2), 0);
	settle(f);
	assert_int_equal(f->install_failed, 1);
	assert_int_equal(f->last_installed, id2);
	assert_null(session_child(s, id2));
	assert_int_equal(old->state, CHILD_INSTALLED);
	assert_int_equal(old->nh, nh);
	assert_int_equal(old->n_routes, 1);
	assert_int_equal(f->mock.nh[nh].sa, old->sa_out);
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_true(f->mock.sa_used[old->sa_in] && f->mock.sa_used[old->sa_out]);
	assert_int_equal(mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh, nh);
	assert_int_equal(f->rib.n, 1);
	session_tick(&f->m, 100000); /* nothing drains */
	assert_non_null(session_child(s, id));
	session_down(s);
	settle(f);
	assert_int_equal(mock_sa_count(&f->mock), 0);
	assert_int_equal(f->card.nh.used, 0);
}

static void removed_before_the_answer(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	uint32_t id;

	f->mock.hold = true;
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	card_flush(&f->card);
	assert_int_equal(child_down(s, id), 0);
	f->mock.hold = false;
	settle(f);
	assert_int_equal(f->installed + f->install_failed, 0); /* nobody to tell */
	assert_int_equal(mock_sa_count(&f->mock), 0);
	assert_int_equal(mock_route_count(&f->mock), 0);
	assert_int_equal(f->card.sa.used, 0);
	assert_int_equal(f->card.nh.used, 0);
	session_down(s);
}

/* One flush: teardown first (routes, next hops, SAs), then setup, so slots and prefixes freed in
 * a pass can be reused in it. */
static void flush_orders_teardown_first(void **state)
{
	struct fx *f = *state;
	struct session *a = ra_session(f, "198.51.100.7", 40001), *b;
	struct child_params p;
	uint32_t id;

	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(a, &p, &id), 0);
	settle(f);
	f->mock.n_ops = f->mock.n_submits = 0;
	b = ra_session(f, "198.51.100.8", 40002);
	keys(&p, 0x1001, 0x2001);
	assert_int_equal(child_up(b, &p, &id), 0);
	session_down(a);
	assert_int_equal(card_flush(&f->card), 6);
	assert_int_equal(f->mock.n_ops, 6);
	assert_int_equal(f->mock.ops[0], CARD_ROUTE_DEL);
	assert_int_equal(f->mock.ops[1], CARD_NH_SET);
	assert_int_equal(f->mock.ops[2], CARD_SA_DEL);
	assert_int_equal(f->mock.ops[3], CARD_SA_DEL);
	assert_int_equal(f->mock.ops[4], CARD_SA_ADD);
	assert_int_equal(f->mock.ops[5], CARD_SA_ADD);
	assert_int_equal(f->mock.n_submits, 1); /* one batch */
	settle(f);
	assert_int_equal(f->installed, 2);
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_int_equal(mock_route_count(&f->mock), 1);
	session_down(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(child_up_programs_the_card, setup, teardown),
		cmocka_unit_test_setup_teardown(failure_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(route_conflict_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(rekey_make_before_break, setup, teardown),
		cmocka_unit_test_setup_teardown(card_events_reach_the_hooks, setup, teardown),
		cmocka_unit_test_setup_teardown(peer_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(install_waits_for_the_card, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_route_undoes_the_child, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_switch_keeps_the_old_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(removed_before_the_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(flush_orders_teardown_first, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
