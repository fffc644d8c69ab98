/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the IKE glue over the recording card double, with the IKE library as the peer in
 * the same process: the IKE_AUTH response leaves only after the card answered the CHILD SA's
 * SAs and then its routes; a child the card refuses is answered, then deleted; the peer's CHILD
 * rekey moves the routes only after our answer (on its DELETE); colliding rekeys leave the routes
 * on a CHILD SA both sides still hold. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent.h"
#include "card_mock.h"
#include "ike.h"
#include "log.h"
#include "testutil.h"

static const char conf[] =
	"global = { card = \"sim:t\"; public = { address = [ \"203.0.113.1\" ]; mac = \"02:00:00:00:00:01\"; };\n"
	"  core = { mac = \"02:00:00:00:00:02\"; }; };\n"
	"vrfs = ( { name = \"red\"; id = 3; vpn_label = 1001; } );\n"
	"profiles = (\n"
	"  { name = \"s2s\"; vrf = \"red\"; match = [ \"email:*@red.example\" ];\n"
	"    auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); };\n"
	"    local_id = \"fqdn:vpn.red.example\";\n"
	"    local_ts = [ \"10.2.0.0/16\" ]; remote_ts = [ \"10.64.0.0/10\" ];\n"
	"    ike_proposals = [ \"aes128gcm16-prfsha256-ecp256\" ]; esp_proposals = [ \"aes128gcm16-noesn\" ]; } );\n";

static const uint8_t PEER_MAC[6] = { 0x02, 0x99, 0, 0, 0, 0x07 };

struct fx {
	struct agent a;
	struct card_mock mock;
	struct ike_ctx *peer;
	uint8_t out[4][4096]; /* what the peer sent, oldest first */
	size_t out_len[4];
	unsigned n_out;
	unsigned peer_sent, peer_child_up, peer_child_down;
	uint32_t peer_spi_in, peer_spi_out;
	uint32_t peer_alive[8]; /* the peer's CHILD SAs (its inbound SPI) */
	unsigned n_alive;
	unsigned fed;      /* card frames handed to the peer so far */
};

static int p_send(void *user, const struct ike_dgram *d)
{
	struct fx *f = user;

	assert_true(d->len <= sizeof(f->out[0]));
	assert_true(f->n_out < 4);
	memcpy(f->out[f->n_out], d->data, d->len);
	f->out_len[f->n_out++] = d->len;
	f->peer_sent++;
	return 0;
}

static void p_child_up(void *user, const struct ike_child_info *c)
{
	struct fx *f = user;

	f->peer_child_up++;
	f->peer_spi_in = c->spi_in;
	f->peer_spi_out = c->spi_out;
	assert_true(f->n_alive < 8);
	f->peer_alive[f->n_alive++] = c->spi_in;
}

static void p_child_down(void *user, const struct ike_child_info *c, enum ike_down_reason why)
{
	struct fx *f = user;

	(void)why;
	f->peer_child_down++;
	for (unsigned i = 0; i < f->n_alive; i++)
		if (f->peer_alive[i] == c->spi_in)
			f->peer_alive[i] = f->peer_alive[--f->n_alive];
}

static void ts4(uint32_t a, unsigned plen, struct ike_ts *t)
{
	uint32_t mask = plen ? 0xffffffffu << (32 - plen) : 0, lo = htonl(a & mask), hi = htonl(a | ~mask);

	memset(t, 0, sizeof(*t));
	t->type = IKE_TS_IPV4;
	t->port_hi = 0xffff;
	memcpy(t->start, &lo, 4);
	memcpy(t->end, &hi, 4);
}

static void sin4(struct sockaddr_in *s, const char *ip, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, ip, &s->sin_addr);
}

/* The peer's oldest datagram not delivered yet into the agent, as the punt path hands it over. */
static void to_agent(struct fx *f)
{
	struct agent_dgram d = { 0 };
	uint8_t msg[4096];

	assert_true(f->n_out > 0);
	memcpy(msg, f->out[0], f->out_len[0]);
	addr_parse("198.51.100.7", &d.src);
	addr_parse("203.0.113.1", &d.dst);
	d.sport = d.dport = 500;
	d.msg = msg;
	d.len = (uint32_t)f->out_len[0];
	memcpy(d.peer_mac, PEER_MAC, 6);
	f->n_out--;
	memmove(f->out[0], f->out[1], sizeof(f->out[0]) * f->n_out);
	memmove(f->out_len, f->out_len + 1, sizeof(f->out_len[0]) * f->n_out);
	f->a.ike_rx(f->a.ike_arg, &d);
}

/* Every frame the agent injected since the last call into the peer (Ethernet, IPv4, UDP 500). */
static unsigned to_peer(struct fx *f)
{
	unsigned n = 0;

	while (f->fed < f->mock.n_inject) {
		unsigned k = ++f->fed % 4;
		const uint8_t *fr = f->mock.frame[k];
		struct sockaddr_in l, r;
		struct ike_dgram d;

		assert_true(f->mock.frame_len[k] > 14 + 20 + 8);
		assert_int_equal(fr[12] << 8 | fr[13], 0x0800);
		assert_memory_equal(fr, PEER_MAC, 6);
		sin4(&l, "198.51.100.7", 500);
		sin4(&r, "203.0.113.1", 500);
		d = (struct ike_dgram){ (struct sockaddr *)&l, (struct sockaddr *)&r, fr + 42,
					f->mock.frame_len[k] - 42u, 0 };
		assert_int_equal(ike_ctx_input(f->peer, &d, agent_now_ms()), 0);
		n++;
	}
	return n;
}

static int setup(void **state)
{
	static struct fx f;
	struct ike_config c = { 0 };
	struct ipaddr peer;
	char path[64], err[CFG_ERR];

	memset(&f, 0, sizeof(f));
	log_setup(false, LOG_LVL_ERR);
	card_mock_init(&f.a.card, &f.mock);
	if (conf_load_text(conf, &f.a.cfg, path, sizeof(path), err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		return -1;
	}
	f.a.epfd = f.a.tfd = f.a.sfd = f.a.lfd = -1;
	sess_mgr_init(&f.a.sm, &f.a.card, &f.a.rib, &f.a.pools, f.a.cfg, neigh_resolve_peer, &f.a);
	addr_parse("198.51.100.7", &peer);
	neigh_learn(&f.a, &peer, PEER_MAC);
	if (ike_glue_start(&f.a, err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		return -1;
	}
	c.cb = (struct ike_callbacks){ .user = &f, .send = p_send, .child_up = p_child_up,
				       .child_down = p_child_down };
	c.port = 500;
	c.natt_port = 4500;
	c.ike[0] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256 };
	c.n_ike = 1;
	if (ike_ctx_create(&c, &f.peer) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ike_ctx_destroy(f->peer);
	ike_glue_stop(&f->a);
	sess_mgr_fini(&f->a.sm);
	card_settle(&f->a.card, 0);
	rib_free(&f->a.rib);
	pools_free(&f->a.pools);
	neigh_free(&f->a);
	config_unref(f->a.cfg);
	card_fini(&f->a.card);
	return 0;
}

/* IKE_SA_INIT both ways; the peer's IKE_AUTH request waits in f->out[0]. */
static void start(struct fx *f)
{
	static const char id[] = "u1@red.example", psk[] = "0123456789abcdef0123";
	struct ike_profile p = { 0 };
	struct sockaddr_in l, r;
	uint64_t spi = 0;

	snprintf(p.name, sizeof(p.name), "t");
	p.local_id.type = IKE_ID_RFC822;
	p.local_id.len = (uint16_t)strlen(id);
	memcpy(p.local_id.data, id, p.local_id.len);
	p.psk_len = (uint16_t)strlen(psk);
	memcpy(p.psk, psk, p.psk_len);
	p.ike[0] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256 };
	p.n_ike = 1;
	p.esp[0] = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, 128, 0, 0 };
	p.n_esp = 1;
	ts4(0x0a400005u, 32, &p.local_ts[0]);
	p.n_local_ts = 1;
	ts4(0x0a020000u, 16, &p.remote_ts[0]);
	p.n_remote_ts = 1;
	sin4(&l, "198.51.100.7", 500);
	sin4(&r, "203.0.113.1", 500);
	assert_int_equal(ike_initiate(f->peer, &p, (struct sockaddr *)&l, (struct sockaddr *)&r,
				      agent_now_ms(), &spi), 0);
	assert_int_equal(f->peer_sent, 1);
	to_agent(f);                      /* IKE_SA_INIT */
	assert_int_equal(to_peer(f), 1); /* its response goes at once: no card work */
	assert_int_equal(f->peer_sent, 2); /* IKE_AUTH */
}

static void auth_response_waits_for_the_card(void **state)
{
	struct fx *f = *state;
	unsigned inj;

	start(f);
	f->mock.hold = true;
	to_agent(f); /* IKE_AUTH: the glue stages the CHILD SA and holds the response */
	inj = f->mock.n_inject;
	card_process(&f->a.card);
	card_flush(&f->a.card);
	assert_int_equal(mock_sa_count(&f->mock), 2);
	assert_int_equal(mock_route_count(&f->mock), 0);
	assert_int_equal(f->mock.n_inject, inj);
	mock_release(&f->mock); /* the SAs answered: routes next, still no response */
	card_process(&f->a.card);
	card_flush(&f->a.card);
	assert_int_equal(mock_route_count(&f->mock), 1);
	assert_int_equal(f->mock.n_inject, inj);
	assert_int_equal(f->peer_child_up, 0);
	mock_release(&f->mock); /* the routes answered: the response goes */
	card_process(&f->a.card);
	assert_int_equal(f->mock.n_inject, inj + 1);
	assert_int_equal(to_peer(f), 1);
	assert_int_equal(f->peer_child_up, 1);
	/* what the card holds is what the peer negotiated, seen from our side */
	for (unsigned i = 0; i < MOCK_SA; i++)
		if (f->mock.sa_used[i])
			assert_int_equal(f->mock.sa[i].spi, f->mock.sa[i].dir == VRFSEC_SA_IN ? f->peer_spi_out
											       : f->peer_spi_in);
	assert_non_null(mock_route_find(&f->mock, 3, "10.64.0.5/32"));
	f->mock.hold = false;
}

static void refused_child_answered_then_deleted(void **state)
{
	struct fx *f = *state;

	start(f);
	f->mock.fail_op = CARD_ROUTE_ADD;
	to_agent(f);
	assert_int_equal(card_settle(&f->a.card, 0), 0);
	/* the response first: the peer has its CHILD SA ... */
	assert_int_equal(to_peer(f), 1);
	assert_int_equal(f->peer_child_up, 1);
	/* ... then the DELETE of it (the glue's queue runs from its tick) */
	ike_glue_tick(&f->a);
	assert_int_equal(to_peer(f), 1);
	assert_int_equal(f->peer_child_down, 1);
	assert_int_equal(mock_sa_count(&f->mock), 0);
	assert_int_equal(mock_route_count(&f->mock), 0);
	assert_int_equal(f->a.rib.n, 0);
}

/* Both ways until nothing is left: datagrams, the card's answers, the glue's queue. */
static void exchange(struct fx *f)
{
	for (unsigned round = 0; round < 16; round++) {
		unsigned n = 0;

		assert_int_equal(card_settle(&f->a.card, 0), 0);
		ike_glue_tick(&f->a);
		n += to_peer(f);
		while (f->n_out) {
			to_agent(f);
			n++;
		}
		if (!n)
			return;
	}
	fail_msg("the exchange did not settle");
}

/* The card SA the routes' next hop points at (outbound). */
static const struct vrfsec_sa_cfg *route_sa(struct fx *f)
{
	const struct vrfsec_route_cfg *r = mock_route_find(&f->mock, 3, "10.64.0.5/32");
	uint32_t sa;

	assert_non_null(r);
	sa = f->mock.nh[r->nh].sa;
	assert_true(sa < MOCK_SA && f->mock.sa_used[sa]);
	assert_int_equal(f->mock.sa[sa].dir, VRFSEC_SA_OUT);
	return &f->mock.sa[sa];
}

static void up(struct fx *f)
{
	start(f);
	to_agent(f);
	exchange(f);
	assert_int_equal(f->n_alive, 1);
	assert_int_equal(route_sa(f)->spi, f->peer_alive[0]);
}

/* The peer rekeys: our answer leaves while the routes still use the old outbound SA (the peer
 * installs the new inbound SA only when it reads the answer); its DELETE of the old pair moves
 * them. */
static void peer_rekey_switches_after_the_answer(void **state)
{
	struct fx *f = *state;
	uint32_t old_spi;

	up(f);
	old_spi = f->peer_alive[0];
	assert_int_equal(ike_sa_rekey_child(f->peer, old_spi, agent_now_ms()), 0);
	to_agent(f);
	assert_int_equal(card_settle(&f->a.card, 0), 0);
	assert_int_equal(route_sa(f)->spi, old_spi); /* the answer goes out: still the old SA */
	assert_int_equal(to_peer(f), 1);
	assert_int_equal(f->n_alive, 2);
	assert_int_equal(route_sa(f)->spi, old_spi);
	assert_int_equal(f->n_out, 1); /* the peer's DELETE of the old pair */
	to_agent(f);
	assert_int_equal(card_settle(&f->a.card, 0), 0);
	assert_int_not_equal(route_sa(f)->spi, old_spi);
	assert_int_equal(to_peer(f), 1); /* the answer to the DELETE */
	assert_int_equal(f->n_alive, 1);
	assert_int_not_equal(f->peer_alive[0], old_spi);
	assert_int_equal(route_sa(f)->spi, f->peer_alive[0]);
	exchange(f);
	assert_int_equal(route_sa(f)->spi, f->peer_alive[0]);
}

/* RFC 7296 2.8.1: the card's soft lifetime and the peer start a rekey of the same pair at once.
 * Whichever new pair the nonces make redundant, a CHILD SA both sides hold carries the routes
 * afterwards (several rounds: the nonces are random). */
static void colliding_rekeys_leave_a_child(void **state)
{
	struct fx *f = *state;

	up(f);
	for (unsigned round = 0; round < 6; round++) {
		struct vrfsec_event ev = { .type = VRFSEC_ABI_EVENT_SA_SOFT };
		const struct vrfsec_route_cfg *r = mock_route_find(&f->mock, 3, "10.64.0.5/32");
		uint32_t cur = f->peer_alive[0];

		assert_int_equal(f->n_alive, 1);
		assert_non_null(r);
		ev.sa = f->mock.nh[r->nh].sa;
		session_card_event(&f->a.sm, &ev);
		ike_glue_tick(&f->a); /* our CREATE_CHILD_SA request goes out (not read yet) */
		assert_int_equal(ike_sa_rekey_child(f->peer, cur, agent_now_ms()), 0);
		to_agent(f);          /* the peer's request crosses ours */
		exchange(f);
		assert_int_equal(f->n_alive, 1);
		assert_int_not_equal(f->peer_alive[0], cur);
		assert_int_equal(route_sa(f)->spi, f->peer_alive[0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(auth_response_waits_for_the_card, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_child_answered_then_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(peer_rekey_switches_after_the_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(colliding_rekeys_leave_a_child, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
