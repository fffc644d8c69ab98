/* SPDX-License-Identifier: Apache-2.0 */
/* The session-layer tests' fixture (test_agent_session.c, test_agent_rekey.c): a configuration
 * with one VRF and two profiles, the recording card double, the hooks counting what the session
 * layer reports, and helpers for a remote-access session and CHILD SA keys. */
#ifndef VRFSEC_TEST_SESSION_FX_H
#define VRFSEC_TEST_SESSION_FX_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

static inline int resolve(void *arg, const struct ipaddr *peer, uint8_t mac[6])
{
	struct fx *f = arg;

	(void)peer;
	if (f->unresolved)
		return -EAGAIN;
	memcpy(mac, GW_MAC, 6);
	return 0;
}

static inline void h_rekey(void *arg, struct session *s, uint32_t child, enum rekey_reason why)
{
	struct fx *f = arg;

	(void)s;
	(void)child;
	f->rekeys++;
	f->last_why = why;
}
static inline void h_expired(void *arg, struct session *s, uint32_t child)
{
	(void)s;
	(void)child;
	((struct fx *)arg)->expired++;
}
static inline void h_dpd(void *arg, struct session *s)
{
	(void)s;
	((struct fx *)arg)->dpd++;
}
static inline void h_clear(void *arg, struct session *s)
{
	(void)s;
	((struct fx *)arg)->clearing++;
}

static inline void h_installed(void *arg, struct session *s, uint32_t child, int status)
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
static inline void settle(struct fx *f)
{
	assert_int_equal(card_settle(&f->card, 0), 0);
}

static inline int setup(void **state)
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

static inline int teardown(void **state)
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

static inline void keys(struct child_params *p, uint32_t spi_in, uint32_t spi_out)
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

static inline bool wiped(const struct child_params *p)
{
	static const struct sa_keys zero;

	return !memcmp(&p->in, &zero, sizeof(zero)) && !memcmp(&p->out, &zero, sizeof(zero));
}

#endif
