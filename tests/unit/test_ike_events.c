/* SPDX-License-Identifier: Apache-2.0 */
/* The IKE library's reports for the agent (issue #5), two instances in one process: peer_moved
 * (NAT rebinding, RFC 7296 2.23), dpd_result, ike_sa_drop, auth_failed, and IPv6 virtual IPs
 * (INTERNAL_IP6_ADDRESS / _DNS, TS narrowed to the /128). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "ike_testpair.h"

enum { MAXQ = 64, MAXCH = 8 };

struct side {
	int id;
	struct ike_ctx *ctx;
	struct ike_child_info ch[MAXCH];
	int n_ch;
	int sent, drop_all;
	int ike_up, ike_down, child_up, child_down, down_reason, child_down_reason;
	uint64_t spi;
	const char *psk;
	int bad_profile;          /* get_profile returns a profile without a PSK */
	int v6_callback;          /* vip_acquire_af instead of vip_acquire */
	int vip_leases;
	int moved;
	struct sockaddr_in moved_to;
	uint64_t moved_spi;
	int dpd_alive, dpd_dead;
	int auth_failed, auth_why;
	void *auth_user;
	int profile_user;         /* what get_profile hands out as user */
	uint16_t src_port;        /* rewrite the source port of what we send (a NAT rebinding) */
};

static struct side A, B;
static uint64_t now;

static int on_send(void *user, const struct ike_dgram *d)
{
	struct side *s = user;
	s->sent++;
	if (s->drop_all)
		return 0;
	struct itp_pkt *p = itp_queue(s->id, d);
	if (s->src_port)
		p->src.sin_port = htons(s->src_port);
	return 0;
}

static void profile(struct ike_profile *p, const char *me, const char *peer, const char *psk)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "p-%s", me);
	ike_id_parse(me, &p->local_id);
	ike_id_parse(peer, &p->remote_id);
	p->psk_len = (uint16_t)strlen(psk);
	memcpy(p->psk, psk, p->psk_len);
	p->ike[p->n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_X25519 };
	p->esp[p->n_esp++] = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, 128, 0, 0 };
}

static int get_profile(void *user, const struct ike_id *peer, const struct ike_id *hint,
		       const struct sockaddr *l, const struct sockaddr *r, struct ike_profile *out)
{
	struct side *s = user;
	(void)peer, (void)hint, (void)l, (void)r;
	profile(out, "b.test", "a.test", s->psk);
	if (s->bad_profile)
		out->psk_len = 0;
	out->user = &s->profile_user;
	ike_ts_prefix("10.2.0.0/16", &out->local_ts[0]);
	ike_ts_prefix("2001:db8:2::/48", &out->local_ts[1]);
	out->n_local_ts = 2;
	ike_ts_prefix("10.1.0.0/16", &out->remote_ts[0]);
	out->n_remote_ts = 1;
	out->give_vip = 1;
	out->remote_ts_dynamic = 1;
	return 0;
}

static int vip_acquire(void *user, void *pu, const struct ike_id *peer, struct ike_vip *out)
{
	struct side *s = user;
	(void)pu, (void)peer;
	memset(out, 0, sizeof(*out));
	inet_pton(AF_INET, "10.3.0.7", out->addr);
	out->n_dns = 0;
	s->vip_leases++;
	return 0;
}

static int vip_acquire_af(void *user, void *pu, const struct ike_id *peer, unsigned want,
			  struct ike_vip *out)
{
	struct side *s = user;
	(void)pu, (void)peer;
	memset(out, 0, sizeof(*out));
	if (want & IKE_VIP_WANT_V4)
		inet_pton(AF_INET, "10.3.0.8", out->addr);
	else
		out->no_addr4 = 1;
	if (want & IKE_VIP_WANT_V6) {
		inet_pton(AF_INET6, "2001:db8:3::8", out->addr6);
		out->has_addr6 = 1;
		inet_pton(AF_INET6, "2001:db8:5::53", out->dns6[0]);
		out->n_dns6 = 1;
	}
	s->vip_leases++;
	return 0;
}

static void vip_release(void *user, void *pu, const struct ike_vip *vip)
{
	struct side *s = user;
	(void)pu, (void)vip;
	s->vip_leases--;
}

static void child_up(void *user, const struct ike_child_info *c)
{
	struct side *s = user;
	assert_true(s->n_ch < MAXCH);
	s->ch[s->n_ch++] = *c;
	s->child_up++;
}

static void child_down(void *user, const struct ike_child_info *c, enum ike_down_reason why)
{
	struct side *s = user;
	for (int i = 0; i < s->n_ch; i++)
		if (s->ch[i].spi_in == c->spi_in) {
			s->ch[i] = s->ch[--s->n_ch];
			break;
		}
	s->child_down++;
	s->child_down_reason = why;
}

static void ike_up(void *user, uint64_t spi, uint64_t old, const struct ike_id *peer, void *pu)
{
	struct side *s = user;
	(void)old, (void)peer, (void)pu;
	s->ike_up++;
	s->spi = spi;
}

static void ike_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	struct side *s = user;
	(void)spi;
	s->ike_down++;
	s->down_reason = why;
}

static void peer_moved(void *user, uint64_t spi, const struct sockaddr *remote)
{
	struct side *s = user;
	s->moved++;
	s->moved_spi = spi;
	memcpy(&s->moved_to, remote, sizeof(s->moved_to));
}

static void dpd_result(void *user, uint64_t spi, int alive)
{
	struct side *s = user;
	assert_int_equal(spi, s->spi);
	if (alive)
		s->dpd_alive++;
	else
		s->dpd_dead++;
}

static void auth_failed(void *user, void *pu, const struct ike_id *peer, int why)
{
	struct side *s = user;
	assert_non_null(peer);
	s->auth_failed++;
	s->auth_why = why;
	s->auth_user = pu;
}

static void mkside(struct side *s, int id)
{
	struct ike_config cfg;
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->psk = "events-psk-0123456789";
	memset(&cfg, 0, sizeof(cfg));
	cfg.cb = (struct ike_callbacks){ .user = s, .send = on_send, .get_profile = get_profile,
					 .vip_acquire = vip_acquire, .vip_release = vip_release,
					 .child_up = child_up, .child_down = child_down,
					 .ike_up = ike_up, .ike_down = ike_down, .peer_moved = peer_moved,
					 .dpd_result = dpd_result, .auth_failed = auth_failed };
	cfg.ike[cfg.n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_X25519 };
	cfg.retransmit_ms = 500;
	cfg.retransmit_tries = 2;
	assert_int_equal(ike_ctx_create(&cfg, &s->ctx), 0);
}

static void mk(int v6_callback)
{
	mkside(&A, 0);
	mkside(&B, 1);
	B.v6_callback = v6_callback;
	if (v6_callback) { /* a context created with the IPv6-capable lease callback */
		ike_ctx_destroy(B.ctx);
		struct ike_config cfg;
		memset(&cfg, 0, sizeof(cfg));
		cfg.cb = (struct ike_callbacks){ .user = &B, .send = on_send, .get_profile = get_profile,
						 .vip_acquire_af = vip_acquire_af, .vip_release = vip_release,
						 .child_up = child_up, .child_down = child_down,
						 .ike_up = ike_up, .ike_down = ike_down };
		cfg.ike[cfg.n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256,
							      IKE_DH_X25519 };
		assert_int_equal(ike_ctx_create(&cfg, &B.ctx), 0);
	}
}

static int pump(int max)
{
	return itp_pump(max, now);
}

static void tick(uint64_t ms)
{
	now += ms;
	itp_tick(now, 1000);
}

/* A initiates to B; want: 1 IPv4 VIP, 2 IPv6 VIP, 3 both, 0 none. */
static void start(unsigned want, const char *expect_peer)
{
	struct ike_profile p;
	struct sockaddr_in l, r;
	profile(&p, "a.test", expect_peer, A.psk);
	/* B narrows our side to the lease, or without one to our address (remote_ts_dynamic) */
	ike_ts_prefix(want ? "0.0.0.0/0" : "192.0.2.1/32", &p.local_ts[0]);
	ike_ts_prefix("::/0", &p.local_ts[1]);
	p.n_local_ts = want ? 2 : 1;
	ike_ts_prefix("10.2.0.0/24", &p.remote_ts[0]);
	p.n_remote_ts = 1;
	p.want_vip = (uint8_t)(want & 1);
	p.want_vip6 = (uint8_t)(want >> 1 & 1);
	p.user = &A.profile_user;
	itp_addr(&l, "192.0.2.1", 500);
	itp_addr(&r, "192.0.2.2", 500);
	assert_int_equal(ike_initiate(A.ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, now, &A.spi), 0);
	pump(100);
}

static void test_peer_moved(void **st)
{
	(void)st;
	mk(0);
	start(0, "b.test");
	assert_int_equal(B.ike_up, 1);
	assert_int_equal(A.moved + B.moved, 0); /* setting up is no move */
	/* A's NAT mapping changes: B follows A's next authenticated request and answers there */
	A.src_port = 6000;
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	assert_int_equal(pump(1), 1);
	assert_int_equal(B.moved, 1);
	assert_int_equal(B.moved_spi, B.spi);
	assert_int_equal(ntohs(B.moved_to.sin_port), 6000);
	assert_int_equal(itp.nq, 1);
	assert_int_equal(ntohs(itp.q[0].dst.sin_port), 6000); /* the answer goes to the new mapping */
	pump(10);
	assert_int_equal(A.dpd_alive, 1);
	/* a forged copy from elsewhere (integrity fails) moves nothing */
	A.src_port = 7000;
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	assert_int_equal(itp.nq, 1);
	itp.q[0].data[itp.q[0].len - 1] ^= 1;
	pump(10);
	assert_int_equal(B.moved, 1);
	/* its retransmission (intact) is authenticated, moves B and is answered from the cache */
	tick(500);
	assert_int_equal(B.moved, 2);
	assert_int_equal(ntohs(B.moved_to.sin_port), 7000);
	assert_int_equal(A.dpd_alive, 2);
	/* B moves: A (not behind a NAT) follows B's authenticated response */
	B.src_port = 4600;
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	pump(10);
	assert_int_equal(A.moved, 1);
	assert_int_equal(A.moved_spi, A.spi);
	assert_int_equal(ntohs(A.moved_to.sin_port), 4600);
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	assert_int_equal(ntohs(itp.q[0].dst.sin_port), 4600);
	pump(10);
	assert_int_equal(A.moved, 1);
	/* the CHILD SAs reported afterwards carry the new addresses */
	B.src_port = 0;
	assert_int_equal(ike_sa_rekey_child(A.ctx, A.ch[0].spi_in, now), 0);
	pump(10);
	assert_int_equal(ntohs(((struct sockaddr_in *)&B.ch[B.n_ch - 1].remote)->sin_port), 7000);
	itp_destroy();
}

static void test_dpd_result(void **st)
{
	(void)st;
	mk(0);
	start(0, "b.test");
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	pump(10);
	assert_int_equal(A.dpd_alive, 1);
	assert_int_equal(A.dpd_dead, 0);
	/* other exchanges are no liveness checks */
	assert_int_equal(ike_sa_rekey_child(A.ctx, A.ch[0].spi_in, now), 0);
	pump(10);
	assert_int_equal(A.dpd_alive, 1);
	/* B is gone: the check is given up, then the IKE SA goes down */
	B.drop_all = 1;
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	for (int i = 0; i < 10 && !A.ike_down; i++)
		tick(ike_ctx_next_timer(A.ctx) - now);
	assert_int_equal(A.dpd_dead, 1);
	assert_int_equal(A.ike_down, 1);
	assert_int_equal(A.down_reason, IKE_DOWN_TIMEOUT);
	itp_destroy();
}

static void test_drop(void **st)
{
	(void)st;
	mk(0);
	start(1, "b.test");
	assert_int_equal(B.vip_leases, 1);
	int sent = A.sent;
	/* dropped with a DPD outstanding: nothing more goes out, not even a retransmission */
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	itp.nq = 0;
	assert_int_equal(ike_sa_drop(A.ctx, A.spi), 0);
	assert_int_equal(A.child_down, 1);
	assert_int_equal(A.child_down_reason, IKE_DOWN_TIMEOUT);
	assert_int_equal(A.ike_down, 1);
	assert_int_equal(A.down_reason, IKE_DOWN_TIMEOUT);
	assert_int_equal(A.dpd_alive + A.dpd_dead, 0);
	assert_int_equal(ike_ctx_sa_count(A.ctx), 0);
	assert_int_equal(ike_sa_drop(A.ctx, A.spi), -ENOENT);
	tick(60000);
	assert_int_equal(A.sent, sent + 1);
	assert_int_equal(ike_ctx_next_timer(A.ctx), UINT64_MAX);
	/* the responder's side: children down, the lease released, no DELETE sent */
	sent = B.sent;
	assert_int_equal(ike_sa_drop(B.ctx, B.spi), 0);
	assert_int_equal(B.child_down, 1);
	assert_int_equal(B.ike_down, 1);
	assert_int_equal(B.vip_leases, 0);
	assert_int_equal(B.sent, sent);
	assert_int_equal(ike_ctx_sa_count(B.ctx), 0);
	itp_destroy();
}

static void test_drop_half_open(void **st)
{
	(void)st;
	mk(0);
	struct ike_profile p;
	struct sockaddr_in l, r;
	profile(&p, "a.test", "b.test", A.psk);
	ike_ts_prefix("10.1.0.0/24", &p.local_ts[0]);
	ike_ts_prefix("10.2.0.0/24", &p.remote_ts[0]);
	p.n_local_ts = p.n_remote_ts = 1;
	itp_addr(&l, "192.0.2.1", 500);
	itp_addr(&r, "192.0.2.2", 500);
	assert_int_equal(ike_initiate(A.ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, now, &A.spi), 0);
	assert_int_equal(ike_sa_drop(A.ctx, A.spi), 0);
	assert_int_equal(A.ike_down, 1); /* initiated by us: reported */
	pump(1);                          /* B answers IKE_SA_INIT: A no longer knows the SA */
	assert_int_equal(ike_ctx_sa_count(B.ctx), 1);
	itp_destroy();
}

static void test_auth_failed(void **st)
{
	(void)st;
	/* wrong PSK: the responder reports with its profile's user pointer, the initiator learns it */
	mk(0);
	B.psk = "another-psk";
	start(0, "b.test");
	assert_int_equal(B.auth_failed, 1);
	assert_int_equal(B.auth_why, IKE_AUTHF_PSK);
	assert_ptr_equal(B.auth_user, &B.profile_user);
	assert_int_equal(B.ike_down, 0);
	assert_int_equal(A.auth_failed, 1);
	assert_int_equal(A.auth_why, IKE_AUTHF_PEER);
	assert_ptr_equal(A.auth_user, &A.profile_user);
	assert_int_equal(A.ike_down, 1);
	assert_int_equal(ike_ctx_sa_count(A.ctx) + ike_ctx_sa_count(B.ctx), 0);
	itp_destroy();
	/* the responder is not who the initiator expected */
	mk(0);
	start(0, "c.test");
	assert_int_equal(A.auth_failed, 1);
	assert_int_equal(A.auth_why, IKE_AUTHF_IDENTITY);
	assert_int_equal(B.auth_failed, 0);
	itp_destroy();
	/* a chosen profile that cannot be used */
	mk(0);
	B.bad_profile = 1;
	start(0, "b.test");
	assert_int_equal(B.auth_failed, 1);
	assert_int_equal(B.auth_why, IKE_AUTHF_LOCAL);
	assert_ptr_equal(B.auth_user, &B.profile_user);
	itp_destroy();
	/* success and other failures report nothing */
	mk(0);
	start(0, "b.test");
	assert_int_equal(A.auth_failed + B.auth_failed, 0);
	itp_destroy();
}

static const struct ike_ts *find_ts(const struct ike_ts *ts, int n, uint8_t type)
{
	for (int i = 0; i < n; i++)
		if (ts[i].type == type)
			return &ts[i];
	return NULL;
}

static void test_vip6(void **st)
{
	(void)st;
	uint8_t v6[16], dns6[16], v4[4];
	inet_pton(AF_INET6, "2001:db8:3::8", v6);
	inet_pton(AF_INET6, "2001:db8:5::53", dns6);
	inet_pton(AF_INET, "10.3.0.8", v4);
	/* IPv4 and IPv6 */
	mk(1);
	start(3, "b.test");
	assert_int_equal(A.n_ch, 1);
	assert_int_equal(B.n_ch, 1);
	const struct ike_child_info *a = &A.ch[0], *b = &B.ch[0];
	assert_int_equal(a->has_vip, 1);
	assert_int_equal(a->vip.no_addr4, 0);
	assert_memory_equal(a->vip.addr, v4, 4);
	assert_int_equal(a->vip.has_addr6, 1);
	assert_memory_equal(a->vip.addr6, v6, 16);
	assert_int_equal(a->vip.n_dns6, 1);
	assert_memory_equal(a->vip.dns6[0], dns6, 16);
	assert_int_equal(b->has_vip, 1);
	assert_memory_equal(b->vip.addr6, v6, 16);
	/* the responder narrowed the initiator's selectors to the /32 and the /128 */
	assert_int_equal(b->n_remote_ts, 2);
	const struct ike_ts *t6 = find_ts(b->remote_ts, b->n_remote_ts, IKE_TS_IPV6);
	const struct ike_ts *t4 = find_ts(b->remote_ts, b->n_remote_ts, IKE_TS_IPV4);
	assert_non_null(t6);
	assert_non_null(t4);
	assert_memory_equal(t6->start, v6, 16);
	assert_memory_equal(t6->end, v6, 16);
	assert_memory_equal(t4->start, v4, 4);
	assert_memory_equal(t4->end, v4, 4);
	t6 = find_ts(a->local_ts, a->n_local_ts, IKE_TS_IPV6);
	assert_non_null(t6);
	assert_memory_equal(t6->start, v6, 16);
	assert_int_equal(ike_sa_delete(A.ctx, A.spi, now), 0);
	pump(10);
	assert_int_equal(B.vip_leases, 0);
	itp_destroy();
	/* IPv6 only */
	mk(1);
	start(2, "b.test");
	assert_int_equal(A.n_ch, 1);
	assert_int_equal(A.ch[0].vip.no_addr4, 1);
	assert_int_equal(A.ch[0].vip.has_addr6, 1);
	assert_int_equal(B.ch[0].n_remote_ts, 1);
	assert_int_equal(B.ch[0].remote_ts[0].type, IKE_TS_IPV6);
	assert_memory_equal(B.ch[0].remote_ts[0].start, v6, 16);
	itp_destroy();
	/* a responder with only the IPv4 lease callback ignores the IPv6 request (as before) */
	mk(0);
	start(3, "b.test");
	assert_int_equal(A.n_ch, 1);
	assert_int_equal(A.ch[0].vip.has_addr6, 0);
	assert_int_equal(A.ch[0].vip.no_addr4, 0);
	assert_int_equal(B.vip_leases, 1);
	itp_destroy();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peer_moved),
		cmocka_unit_test(test_dpd_result),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_drop_half_open),
		cmocka_unit_test(test_auth_failed),
		cmocka_unit_test(test_vip6),
	};
	itp_init(&A.ctx, &B.ctx, MAXQ, ITP_PKT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
