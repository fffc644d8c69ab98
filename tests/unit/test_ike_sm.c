/* SPDX-License-Identifier: Apache-2.0 */
/* Two instances of the IKE library in one process (initiator A, responder B) over a simulated
 * network: PSK with groups 19/20/31, rekeys, collisions, delete, DPD, retransmission, COOKIE,
 * INVALID_KE_PAYLOAD, NAT-T float, virtual IP. Keys of each CHILD SA must pair up. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "ike_testpair.h"

enum { MAXQ = 64, MAXCH = 16 };

struct child {
	struct ike_child_info ci;
};

struct side {
	int id;
	struct ike_ctx *ctx;
	struct child ch[MAXCH];
	int n_ch;
	int ike_up, ike_down, child_up, child_down, last_down_reason, last_child_down_reason;
	uint64_t spi, old_spi;
	int sent_init;   /* IKE_SA_INIT requests sent */
	int drop_next;   /* drop this many of our next datagrams */
	int drop_all;
	const char *psk;
	uint16_t groups[3];
	int vip_leases;
};

static struct side A, B;
static uint64_t now;

static int on_send(void *user, const struct ike_dgram *d)
{
	struct side *s = user;
	if (d->len > 28 && d->data[18] == 34 && !(d->data[19] & 0x20))
		s->sent_init++;
	if (s->drop_all)
		return 0;
	if (s->drop_next > 0) {
		s->drop_next--;
		return 0;
	}
	itp_queue(s->id, d);
	return 0;
}

static void fill_profile(struct ike_profile *p, const char *me, const char *peer, const char *psk,
			 const uint16_t *groups, uint16_t bits, uint16_t prf)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "p-%s", me);
	ike_id_parse(me, &p->local_id);
	ike_id_parse(peer, &p->remote_id);
	p->psk_len = (uint16_t)strlen(psk);
	memcpy(p->psk, psk, p->psk_len);
	for (int i = 0; i < 3 && groups[i]; i++)
		p->ike[p->n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, bits, prf, groups[i] };
	p->esp[p->n_esp++] = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, bits, 0, 0 };
	p->esp[p->n_esp++] = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, 128, 1, 0 };
}

static int get_profile(void *user, const struct ike_id *peer, const struct ike_id *hint,
		       const struct sockaddr *l, const struct sockaddr *r, struct ike_profile *out)
{
	struct side *s = user;
	(void)hint, (void)l, (void)r;
	char id[300];
	ike_id_str(peer, id, sizeof(id));
	if (strcmp(id, "a.test"))
		return -2;
	fill_profile(out, "b.test", "a.test", s->psk, s->groups, 256, IKE_PRF_HMAC_SHA2_256);
	ike_ts_prefix("10.2.0.0/16", &out->local_ts[0]);
	out->n_local_ts = 1;
	ike_ts_prefix("10.1.0.0/16", &out->remote_ts[0]);
	out->n_remote_ts = 1;
	out->give_vip = 1;
	out->remote_ts_dynamic = s->vip_leases >= 0 && s->vip_leases < 1000 ? 0 : 1;
	return 0;
}

static int vip_acquire(void *user, void *pu, const struct ike_id *peer, struct ike_vip *out)
{
	struct side *s = user;
	(void)pu, (void)peer;
	memset(out, 0, sizeof(*out));
	out->addr[0] = 10, out->addr[1] = 3, out->addr[3] = (uint8_t)(10 + s->vip_leases % 100);
	out->dns[0][0] = 10, out->dns[0][1] = 5, out->dns[0][3] = 53;
	out->n_dns = 1;
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
	s->ch[s->n_ch++].ci = *c;
	s->child_up++;
}

static void child_down(void *user, const struct ike_child_info *c, enum ike_down_reason why)
{
	struct side *s = user;
	for (int i = 0; i < s->n_ch; i++)
		if (s->ch[i].ci.spi_in == c->spi_in) {
			s->ch[i] = s->ch[--s->n_ch];
			break;
		}
	s->child_down++;
	s->last_child_down_reason = why;
}

static void ike_up(void *user, uint64_t spi, uint64_t old, const struct ike_id *peer, void *pu)
{
	struct side *s = user;
	(void)peer, (void)pu;
	s->ike_up++;
	s->spi = spi;
	s->old_spi = old;
}

static void ike_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	struct side *s = user;
	(void)spi;
	s->ike_down++;
	s->last_down_reason = why;
}

static void mkctx(struct side *s, int id, uint32_t cookie_threshold, int fake_nat, const uint16_t *groups)
{
	struct ike_config cfg;
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->psk = "test-psk-0123456789";
	memcpy(s->groups, groups, sizeof(s->groups));
	memset(&cfg, 0, sizeof(cfg));
	cfg.cb = (struct ike_callbacks){ .user = s, .send = on_send, .get_profile = get_profile,
					 .vip_acquire = vip_acquire, .vip_release = vip_release,
					 .child_up = child_up, .child_down = child_down,
					 .ike_up = ike_up, .ike_down = ike_down };
	for (int i = 0; i < 3 && groups[i]; i++)
		for (unsigned b = 128; b <= 256; b += 128)
			for (uint16_t prf = IKE_PRF_HMAC_SHA2_256; prf <= IKE_PRF_HMAC_SHA2_512; prf++)
				if (cfg.n_ike < IKE_MAX_PROPS)
					cfg.ike[cfg.n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16,
						(uint16_t)b, prf, groups[i] };
	cfg.cookie_threshold = cookie_threshold;
	cfg.fake_nat = (uint8_t)fake_nat;
	cfg.retransmit_ms = 500;
	assert_int_equal(ike_ctx_create(&cfg, &s->ctx), 0);
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

static void start(const uint16_t *ga, uint16_t bits, uint16_t prf, int want_vip)
{
	struct ike_profile p;
	struct sockaddr_in l, r;
	fill_profile(&p, "a.test", "b.test", A.psk, ga, bits, prf);
	ike_ts_prefix(want_vip ? "0.0.0.0/0" : "10.1.0.0/24", &p.local_ts[0]);
	p.n_local_ts = 1;
	ike_ts_prefix("10.2.0.0/24", &p.remote_ts[0]);
	p.n_remote_ts = 1;
	p.want_vip = (uint8_t)want_vip;
	itp_addr(&l, "192.0.2.1", 500);
	itp_addr(&r, "192.0.2.2", 500);
	assert_int_equal(ike_initiate(A.ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, now, &A.spi), 0);
}

/* Every CHILD SA of A has its mirror at B: SPIs crossed, keys and salts crossed. */
static void check_pairs(int expect)
{
	assert_int_equal(A.n_ch, expect);
	assert_int_equal(B.n_ch, expect);
	for (int i = 0; i < A.n_ch; i++) {
		const struct ike_child_info *a = &A.ch[i].ci, *b = NULL;
		for (int j = 0; j < B.n_ch; j++)
			if (B.ch[j].ci.spi_in == a->spi_out)
				b = &B.ch[j].ci;
		assert_non_null(b);
		assert_int_equal(b->spi_out, a->spi_in);
		assert_int_equal(a->key_bits, b->key_bits);
		assert_memory_equal(a->key_out, b->key_in, a->key_bits / 8);
		assert_memory_equal(a->key_in, b->key_out, a->key_bits / 8);
		assert_memory_equal(a->salt_out, b->salt_in, 4);
		assert_memory_equal(a->salt_in, b->salt_out, 4);
		assert_memory_not_equal(a->key_out, a->key_in, a->key_bits / 8);
	}
}

static const uint16_t G19[3] = { IKE_DH_ECP256 }, G20[3] = { IKE_DH_ECP384 }, G31[3] = { IKE_DH_X25519 };

static void basic(const uint16_t *g, uint16_t bits, uint16_t prf)
{
	mkctx(&A, 0, 0, 0, g);
	mkctx(&B, 1, 0, 0, g);
	start(g, bits, prf, 0);
	pump(100);
	assert_int_equal(A.ike_up, 1);
	assert_int_equal(B.ike_up, 1);
	assert_int_equal(ike_sa_established(A.ctx, A.spi), 1);
	check_pairs(1);
	assert_int_equal(A.ch[0].ci.key_bits, bits);
	assert_int_equal(A.ch[0].ci.udp_encap, 0);
	assert_int_equal(A.ch[0].ci.esn, bits == 128); /* B prefers 256 without ESN, then 128 with */
	assert_int_equal(B.ch[0].ci.esn, A.ch[0].ci.esn);
	/* B narrowed: 10.1.0.0/24 is inside its 10.1.0.0/16 */
	assert_int_equal(B.ch[0].ci.n_remote_ts, 1);
	assert_int_equal(B.ch[0].ci.remote_ts[0].end[2], 0);
	assert_int_equal(B.ch[0].ci.remote_ts[0].end[3], 255);
	itp_destroy();
}

static void test_group19(void **st) { (void)st; basic(G19, 128, IKE_PRF_HMAC_SHA2_256); }
static void test_group20(void **st) { (void)st; basic(G20, 256, IKE_PRF_HMAC_SHA2_384); }
static void test_group31(void **st) { (void)st; basic(G31, 256, IKE_PRF_HMAC_SHA2_512); }

static void up(const uint16_t *g)
{
	mkctx(&A, 0, 0, 0, g);
	mkctx(&B, 1, 0, 0, g);
	start(g, 256, IKE_PRF_HMAC_SHA2_256, 0);
	pump(100);
	check_pairs(1);
}

static void test_child_rekey(void **st)
{
	(void)st;
	up(G31);
	uint32_t old = A.ch[0].ci.spi_in;
	assert_int_equal(ike_sa_rekey_child(A.ctx, old, now), 0);
	pump(100);
	check_pairs(1);
	assert_int_equal(A.ch[0].ci.rekeys_spi_in, old);
	assert_int_equal(A.last_child_down_reason, IKE_DOWN_REKEYED);
	assert_int_equal(B.last_child_down_reason, IKE_DOWN_REKEYED);
	/* and from the responder's side */
	old = B.ch[0].ci.spi_in;
	assert_int_equal(ike_sa_rekey_child(B.ctx, old, now), 0);
	pump(100);
	check_pairs(1);
	assert_int_equal(B.ch[0].ci.rekeys_spi_in, old);
	assert_int_equal(A.child_up, 3);
	assert_int_equal(A.child_down, 2);
	itp_destroy();
}

static void test_child_rekey_collision(void **st)
{
	(void)st;
	up(G19);
	assert_int_equal(ike_sa_rekey_child(A.ctx, A.ch[0].ci.spi_in, now), 0);
	assert_int_equal(ike_sa_rekey_child(B.ctx, B.ch[0].ci.spi_in, now), 0);
	pump(100);
	/* both made a new SA; the redundant one and the old one are gone */
	check_pairs(1);
	assert_int_equal(A.child_up, 3);
	assert_int_equal(A.child_down, 2);
	assert_int_equal(B.child_down, 2);
	itp_destroy();
}

static void test_ike_rekey(void **st)
{
	(void)st;
	up(G20);
	uint64_t old = A.spi;
	assert_int_equal(ike_sa_rekey_ike(A.ctx, old, now), 0);
	pump(100);
	assert_int_equal(A.ike_up, 2);
	assert_int_equal(B.ike_up, 2);
	assert_int_equal(A.old_spi, old);
	assert_int_equal(A.ike_down, 1);
	assert_int_equal(A.last_down_reason, IKE_DOWN_REKEYED);
	assert_int_equal(B.ike_down, 1);
	assert_int_equal(A.child_down, 0); /* the CHILD SA moved to the new IKE SA */
	assert_int_equal(ike_ctx_sa_count(A.ctx), 1);
	assert_int_equal(ike_ctx_sa_count(B.ctx), 1);
	check_pairs(1);
	/* the new IKE SA works: rekey it from B, then a CHILD rekey on the newest one */
	assert_int_equal(ike_sa_rekey_ike(B.ctx, B.spi, now), 0);
	pump(100);
	assert_int_equal(A.ike_up, 3);
	assert_int_equal(ike_sa_rekey_child(A.ctx, A.ch[0].ci.spi_in, now), 0);
	pump(100);
	check_pairs(1);
	assert_int_equal(A.ch[0].ci.ike_spi, A.spi);
	itp_destroy();
}

static void test_delete_and_dpd(void **st)
{
	(void)st;
	up(G31);
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	assert_int_equal(pump(100), 2);
	assert_int_equal(ike_sa_delete_child(B.ctx, B.ch[0].ci.spi_in, now), 0);
	pump(100);
	check_pairs(0);
	assert_int_equal(A.last_child_down_reason, IKE_DOWN_DELETED_BY_PEER);
	assert_int_equal(B.last_child_down_reason, IKE_DOWN_DELETED_BY_US);
	assert_int_equal(ike_sa_delete(A.ctx, A.spi, now), 0);
	pump(100);
	assert_int_equal(A.last_down_reason, IKE_DOWN_DELETED_BY_US);
	assert_int_equal(B.last_down_reason, IKE_DOWN_DELETED_BY_PEER);
	assert_int_equal(ike_ctx_sa_count(A.ctx), 0);
	assert_int_equal(ike_ctx_sa_count(B.ctx), 0);
	itp_destroy();
}

static void test_delete_with_children(void **st)
{
	(void)st;
	up(G19);
	assert_int_equal(ike_sa_delete(B.ctx, B.spi, now), 0);
	pump(100);
	check_pairs(0);
	assert_int_equal(A.child_down, 1);
	assert_int_equal(B.child_down, 1);
	assert_int_equal(ike_ctx_sa_count(A.ctx) + ike_ctx_sa_count(B.ctx), 0);
	itp_destroy();
}

static void test_retransmit(void **st)
{
	(void)st;
	mkctx(&A, 0, 0, 0, G31);
	mkctx(&B, 1, 0, 0, G31);
	start(G31, 128, IKE_PRF_HMAC_SHA2_256, 0);
	pump(2);                 /* IKE_SA_INIT both ways; A sends IKE_AUTH */
	B.drop_next = 1;         /* B's IKE_AUTH answer is lost */
	pump(100);
	assert_int_equal(A.ike_up, 0);
	assert_int_equal(B.ike_up, 1);
	assert_true(ike_ctx_next_timer(A.ctx) <= now + 500);
	tick(500);               /* A retransmits; B answers from its cache */
	assert_int_equal(A.ike_up, 1);
	assert_int_equal(B.child_up, 1); /* not installed twice */
	check_pairs(1);
	/* a lost request: A's DPD is dropped once, retransmitted, answered */
	A.drop_next = 1;
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	pump(100);
	tick(500);
	assert_int_equal(ike_sa_established(A.ctx, A.spi), 1);
	/* a dead peer: every try lost, then the IKE SA and its CHILD SA go down */
	B.drop_all = 1;
	assert_int_equal(ike_sa_dpd(A.ctx, A.spi, now), 0);
	for (int i = 0; i < 10 && A.ike_down == 0; i++)
		tick(ike_ctx_next_timer(A.ctx) - now);
	assert_int_equal(A.ike_down, 1);
	assert_int_equal(A.last_down_reason, IKE_DOWN_TIMEOUT);
	assert_int_equal(A.n_ch, 0);
	itp_destroy();
}

static void test_invalid_ke(void **st)
{
	(void)st;
	const uint16_t ga[3] = { IKE_DH_X25519, IKE_DH_ECP384 };
	mkctx(&A, 0, 0, 0, ga);
	mkctx(&B, 1, 0, 0, G20); /* B only takes group 20: A guessed 31 */
	start(ga, 256, IKE_PRF_HMAC_SHA2_256, 0);
	pump(100);
	assert_int_equal(A.sent_init, 2);
	assert_int_equal(A.ike_up, 1);
	check_pairs(1);
	itp_destroy();
}

static void test_cookie(void **st)
{
	(void)st;
	mkctx(&A, 0, 0, 0, G19);
	mkctx(&B, 1, 1, 0, G19); /* COOKIE from the first half-open SA on */
	start(G19, 128, IKE_PRF_HMAC_SHA2_256, 0);
	pump(1);                 /* B holds one half-open SA */
	uint64_t first = A.spi;
	start(G19, 128, IKE_PRF_HMAC_SHA2_256, 0);
	pump(100);
	assert_int_equal(A.sent_init, 3); /* SA 1, SA 2, SA 2 again with the COOKIE */
	assert_int_equal(A.ike_up, 2);
	assert_int_equal(ike_sa_established(A.ctx, first), 1);
	check_pairs(2);
	itp_destroy();
}

static void test_nat_and_vip(void **st)
{
	(void)st;
	mkctx(&A, 0, 0, 1, G31); /* A claims to be behind a NAT */
	mkctx(&B, 1, 0, 0, G31);
	B.vip_leases = 1000;     /* dynamic remote TS: the lease */
	start(G31, 256, IKE_PRF_HMAC_SHA2_256, 1);
	pump(100);
	check_pairs(1);
	const struct ike_child_info *a = &A.ch[0].ci, *b = &B.ch[0].ci;
	assert_int_equal(a->udp_encap, 1);
	assert_int_equal(b->udp_encap, 1);
	assert_int_equal(ntohs(((const struct sockaddr_in *)&b->remote)->sin_port), 4500);
	assert_int_equal(ntohs(((const struct sockaddr_in *)&a->remote)->sin_port), 4500);
	assert_int_equal(a->has_vip, 1);
	assert_int_equal(a->vip.addr[0], 10);
	assert_int_equal(a->vip.addr[1], 3);
	assert_int_equal(a->vip.n_dns, 1);
	assert_memory_equal(b->remote_ts[0].start, a->vip.addr, 4);
	assert_memory_equal(b->remote_ts[0].end, a->vip.addr, 4);
	assert_memory_equal(a->local_ts[0].start, a->vip.addr, 4);
	assert_int_equal(ike_sa_delete(A.ctx, A.spi, now), 0);
	pump(100);
	assert_int_equal(B.vip_leases, 1000); /* released */
	itp_destroy();
}

static void test_wrong_psk(void **st)
{
	(void)st;
	mkctx(&A, 0, 0, 0, G19);
	mkctx(&B, 1, 0, 0, G19);
	B.psk = "another-psk";
	start(G19, 128, IKE_PRF_HMAC_SHA2_256, 0);
	pump(100);
	assert_int_equal(A.ike_up, 0);
	assert_int_equal(A.ike_down, 1);
	assert_int_equal(A.last_down_reason, IKE_DOWN_AUTH_FAILED);
	assert_int_equal(B.ike_up, 0);
	assert_int_equal(ike_ctx_sa_count(A.ctx) + ike_ctx_sa_count(B.ctx), 0);
	itp_destroy();
}

static void test_no_proposal(void **st)
{
	(void)st;
	mkctx(&A, 0, 0, 0, G19);
	mkctx(&B, 1, 0, 0, G20);
	start(G19, 128, IKE_PRF_HMAC_SHA2_256, 0);
	pump(100);
	assert_int_equal(A.ike_down, 1);
	assert_int_equal(A.last_down_reason, IKE_DOWN_NEGOTIATION);
	assert_int_equal(ike_ctx_sa_count(B.ctx), 0);
	itp_destroy();
}

static void test_timed_rekey(void **st)
{
	(void)st;
	mkctx(&A, 0, 0, 0, G31);
	mkctx(&B, 1, 0, 0, G31);
	struct ike_profile p;
	struct sockaddr_in l, r;
	fill_profile(&p, "a.test", "b.test", A.psk, G31, 128, IKE_PRF_HMAC_SHA2_256);
	ike_ts_prefix("10.1.0.0/24", &p.local_ts[0]);
	ike_ts_prefix("10.2.0.0/24", &p.remote_ts[0]);
	p.n_local_ts = p.n_remote_ts = 1;
	p.child_rekey_s = 60;
	p.ike_rekey_s = 100;
	p.dpd_s = 30;
	itp_addr(&l, "192.0.2.1", 500);
	itp_addr(&r, "192.0.2.2", 500);
	assert_int_equal(ike_initiate(A.ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, now, &A.spi), 0);
	pump(100);
	for (int i = 0; i < 12; i++)
		tick(10000);
	assert_true(A.child_up >= 2);
	assert_int_equal(A.ike_up, 2);
	check_pairs(1);
	itp_destroy();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group19),
		cmocka_unit_test(test_group20),
		cmocka_unit_test(test_group31),
		cmocka_unit_test(test_child_rekey),
		cmocka_unit_test(test_child_rekey_collision),
		cmocka_unit_test(test_ike_rekey),
		cmocka_unit_test(test_delete_and_dpd),
		cmocka_unit_test(test_delete_with_children),
		cmocka_unit_test(test_retransmit),
		cmocka_unit_test(test_invalid_ke),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_nat_and_vip),
		cmocka_unit_test(test_wrong_psk),
		cmocka_unit_test(test_no_proposal),
		cmocka_unit_test(test_timed_rekey),
	};
	itp_init(&A.ctx, &B.ctx, MAXQ, ITP_PKT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
