/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the session layer (the IKE seam) against the recording card double: what
 * child_up programs, rollback, route conflicts, make-before-break rekey, card events to the
 * hooks, NAT mapping moves, teardown, key wiping; the asynchronous path: nothing reported
 * before the card answered, routes only after the SAs, refusals undone, flush order; the peer's
 * rekey switching on its DELETE (or a timer), colliding rekeys leaving the survivor the routes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "card_mock.h"
#include "log.h"
#include "session.h"
#include "testutil.h"

static const char conf[] =
	"global = { card = \"sim:t\"; public = { address = [ \"203.0.113.1\" ]; mac = \"02:00:00:00:00:01\"; };\n"
	"  core = { mac = \"02:00:00:00:00:02\"; }; rekey_grace = 500; };\n"
	"vrfs = ( { name = \"red\"; id = 3; vpn_label = 1001; } );\n"
	"profiles = (\n"
	"  { name = \"ra\"; vrf = \"red\"; match = \"email:*@red.example\";\n"
	"    auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); };\n"
	"    pools = \"10.1.0.0/24\"; dpd = { interval = 20; timeout = 60; };\n"
	"    lifetime = { soft = { packets = 1000L; }; hard = { packets = 2000L; }; }; },\n"
	"  { name = \"s2s\"; vrf = \"red\"; match = \"fqdn:branch.red.example\";\n"
	"    auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); };\n"
	"    local_ts = \"10.100.0.0/16\"; remote_ts = \"10.50.0.0/24\"; } );\n";

static const uint8_t GW_MAC[6] = { 0x02, 0x99, 0, 0, 0, 0x01 };

struct fx {
	struct card card;
	struct card_mock mock;
	struct rib rib;
	struct pools pools;
	struct config *cfg;
	struct sess_mgr m;
	bool unresolved;
	unsigned rekeys, expired, dpd, clearing, installed, install_failed;
	int last_status;
	uint32_t last_installed;
	enum rekey_reason last_why;
};

static int resolve(void *arg, const struct ipaddr *peer, uint8_t mac[6])
{
	struct fx *f = arg;

	(void)peer;
	if (f->unresolved)
		return -EAGAIN;
	memcpy(mac, GW_MAC, 6);
	return 0;
}

static void h_rekey(void *arg, struct session *s, uint32_t child, enum rekey_reason why)
{
	struct fx *f = arg;

	(void)s;
	(void)child;
	f->rekeys++;
	f->last_why = why;
}
static void h_expired(void *arg, struct session *s, uint32_t child)
{
	(void)s;
	(void)child;
	((struct fx *)arg)->expired++;
}
static void h_dpd(void *arg, struct session *s)
{
	(void)s;
	((struct fx *)arg)->dpd++;
}
static void h_clear(void *arg, struct session *s)
{
	(void)s;
	((struct fx *)arg)->clearing++;
}

static void h_installed(void *arg, struct session *s, uint32_t child, int status)
{
	struct fx *f = arg;

	(void)s;
	if (status)
		f->install_failed++;
	else
		f->installed++;
	f->last_status = status;
	f->last_installed = child;
}

/* Flush and answer until nothing is left: what the agent's loop does over a few passes. */
static void settle(struct fx *f)
{
	assert_int_equal(card_settle(&f->card, 0), 0);
}

static int setup(void **state)
{
	static struct fx f;
	struct session_hooks h = { &f, h_rekey, h_expired, h_dpd, h_clear, h_installed };
	char path[64], err[CFG_ERR];

	memset(&f, 0, sizeof(f));
	log_setup(false, LOG_LVL_ERR); /* the session log lines are not under test */
	card_mock_init(&f.card, &f.mock);
	if (conf_load_text(conf, &f.cfg, path, sizeof(path), err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		return -1;
	}
	sess_mgr_init(&f.m, &f.card, &f.rib, &f.pools, f.cfg, resolve, &f);
	sess_mgr_set_hooks(&f.m, &h);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sess_mgr_fini(&f->m);
	rib_free(&f->rib);
	pools_free(&f->pools);
	config_unref(f->cfg);
	card_fini(&f->card);
	return 0;
}

static struct session *ra_session(struct fx *f, const char *peer, uint16_t port)
{
	struct session_params sp = { 0 };
	struct session *s;
	struct ipaddr vip;

	sp.profile = "ra";
	assert_int_equal(ident_parse("alice@red.example", &sp.peer_id), 0);
	assert_int_equal(addr_parse(peer, &sp.peer), 0);
	sp.peer_port = port;
	sp.udp_encap = true;
	assert_int_equal(session_create(&f->m, &sp, &s), 0);
	assert_int_equal(session_lease_vip(s, 4, NULL, &vip), 0);
	return s;
}

static void keys(struct child_params *p, uint32_t spi_in, uint32_t spi_out)
{
	memset(p, 0, sizeof(*p));
	p->spi_in = spi_in;
	p->spi_out = spi_out;
	p->in.key_len = p->out.key_len = 16;
	memset(p->in.key, 0xaa, 16);
	memset(p->out.key, 0xbb, 16);
	memset(p->in.salt, 0xcc, 4);
	memset(p->out.salt, 0xdd, 4);
	p->esn = true;
}

static bool wiped(const struct child_params *p)
{
	static const struct sa_keys zero;

	return !memcmp(&p->in, &zero, sizeof(zero)) && !memcmp(&p->out, &zero, sizeof(zero));
}

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

/* The peer started the rekey: the new pair goes in and is reported (the answer may leave), but
 * the routes stay on the old outbound SA until the peer deletes the old pair; then it drains. */
static void peer_rekey_switches_on_its_delete(void **state)
{
	struct fx *f = *state;
	struct session *s = ra_session(f, "198.51.100.7", 40001);
	struct child_params p;
	struct child *old, *nu;
	uint32_t id, id2, nh;

	session_tick(&f->m, 1000);
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	settle(f);
	nh = mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh;
	keys(&p, 0x1100, 0x2100);
	p.hold_routes = true;
	assert_int_equal(child_rekey(s, id, &p, &id2), 0);
	settle(f);
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
	struct child_params p;
	uint32_t id, id2, nh;

	session_tick(&f->m, 1000);
	keys(&p, 0x1000, 0x2000);
	assert_int_equal(child_up(s, &p, &id), 0);
	settle(f);
	nh = mock_route_find(&f->mock, 3, "10.1.0.1/32")->nh;
	keys(&p, 0x1100, 0x2100);
	p.hold_routes = true;
	assert_int_equal(child_rekey(s, id, &p, &id2), 0);
	settle(f);
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
		cmocka_unit_test_setup_teardown(peer_rekey_switches_on_its_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(peer_rekey_switches_without_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(collision_keeps_the_survivor, setup, teardown),
		cmocka_unit_test_setup_teardown(collision_drops_the_redundant, setup, teardown),
		cmocka_unit_test_setup_teardown(peer_rekey_of_an_installing_pair, setup, teardown),
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
