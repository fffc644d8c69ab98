/* SPDX-License-Identifier: Apache-2.0 */
/* The IKE library at scale: 20,000 IKE SAs (one CHILD SA each) between two instances in one
 * process, every one then found by SPI (O(1) lookups); prints setups/s and the heap bytes per
 * established tunnel on each side (mallinfo2; information only, no timing verdict). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <limits.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/valgrind.h>

#include "ike.h"
#include "ike_testpair.h"

#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#else
#define ASAN 0
#endif

enum { MAXQ = 8, PKT = 1536, N_FULL = 20000 };

struct side {
	int id;
	struct ike_ctx *ctx;
	unsigned ike_up, child_up, child_down, ike_down;
};

static struct side A, B;
static uint64_t *spis;

static int on_send(void *user, const struct ike_dgram *d)
{
	struct side *s = user;
	itp_queue(s->id, d);
	return 0;
}

static void profile(struct ike_profile *p, const char *me, const char *peer)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "scale");
	ike_id_parse(me, &p->local_id);
	ike_id_parse(peer, &p->remote_id);
	p->psk_len = 24;
	memcpy(p->psk, "scale-psk-0123456789abcd", 24);
	p->ike[p->n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_X25519 };
	p->esp[p->n_esp++] = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, 128, 0, 0 };
	ike_ts_prefix("10.1.0.0/16", &p->local_ts[0]);
	ike_ts_prefix("10.2.0.0/16", &p->remote_ts[0]);
	p->n_local_ts = p->n_remote_ts = 1;
}

static int get_profile(void *user, const struct ike_id *peer, const struct ike_id *hint,
		       const struct sockaddr *l, const struct sockaddr *r, struct ike_profile *out)
{
	(void)user, (void)peer, (void)hint, (void)l, (void)r;
	profile(out, "b.test", "a.test");
	struct ike_ts t = out->local_ts[0];
	out->local_ts[0] = out->remote_ts[0];
	out->remote_ts[0] = t;
	return 0;
}

static void child_up(void *user, const struct ike_child_info *c)
{
	(void)c;
	((struct side *)user)->child_up++;
}

static void child_down(void *user, const struct ike_child_info *c, enum ike_down_reason why)
{
	(void)c, (void)why;
	((struct side *)user)->child_down++;
}

static void ike_up(void *user, uint64_t spi, uint64_t old, const struct ike_id *peer, void *pu)
{
	(void)spi, (void)old, (void)peer, (void)pu;
	((struct side *)user)->ike_up++;
}

static void ike_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	(void)spi, (void)why;
	((struct side *)user)->ike_down++;
}

static void mkside(struct side *s, int id)
{
	struct ike_config cfg;
	memset(s, 0, sizeof(*s));
	s->id = id;
	memset(&cfg, 0, sizeof(cfg));
	cfg.cb = (struct ike_callbacks){ .user = s, .send = on_send, .get_profile = get_profile,
					 .child_up = child_up, .child_down = child_down,
					 .ike_up = ike_up, .ike_down = ike_down };
	cfg.ike[cfg.n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_X25519 };
	assert_int_equal(ike_ctx_create(&cfg, &s->ctx), 0);
}

static void pump(uint64_t now)
{
	itp_pump(INT_MAX, now);
}

static size_t heap(void)
{
	return mallinfo2().uordblks;
}

static double secs(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void test_20000_tunnels(void **st)
{
	(void)st;
	unsigned n = RUNNING_ON_VALGRIND ? 300 : ASAN ? 2000 : N_FULL;
	spis = calloc(n, sizeof(*spis));
	assert_non_null(spis);
	mkside(&A, 0);
	mkside(&B, 1);
	struct ike_profile p;
	profile(&p, "a.test", "b.test");
	/* warm up OpenSSL's lazily allocated tables, then measure from here */
	struct sockaddr_in l = { .sin_family = AF_INET, .sin_port = htons(500) };
	struct sockaddr_in r = { .sin_family = AF_INET, .sin_port = htons(500) };
	uint64_t warm;
	inet_pton(AF_INET, "192.0.2.1", &l.sin_addr);
	inet_pton(AF_INET, "198.18.0.1", &r.sin_addr);
	assert_int_equal(ike_initiate(A.ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, 0, &warm), 0);
	pump(0);
	assert_int_equal(ike_ctx_sa_count(A.ctx), 1);
	size_t h0 = heap();
	double t0 = secs();
	for (unsigned i = 0; i < n; i++) {
		/* every tunnel from its own peer address, as behind an aggregator */
		uint32_t a = 0xc6120002u + i; /* 198.18.0.2 ... */
		r.sin_addr.s_addr = htonl(a);
		assert_int_equal(ike_initiate(A.ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, 0, &spis[i]), 0);
		pump(0);
	}
	double dt = secs() - t0;
	size_t h1 = heap();
	assert_int_equal(A.ike_up, n + 1);
	assert_int_equal(B.ike_up, n + 1);
	assert_int_equal(A.child_up, n + 1);
	assert_int_equal(B.child_up, n + 1);
	assert_int_equal(ike_ctx_sa_count(A.ctx), n + 1);
	assert_int_equal(ike_ctx_sa_count(B.ctx), n + 1);
	/* every SA is found by its SPI */
	double t1 = secs();
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(ike_sa_established(A.ctx, spis[i]), 1);
	double dl = secs() - t1;
	printf("ike scale: %u IKE SAs + %u CHILD SAs set up in %.2f s: %.0f setups/s (both sides in one "
	       "thread); %u lookups in %.1f ms\n", n, n, dt, n / dt, n, dl * 1e3);
	/* the initiator's share: what destroying its context gives back */
	ike_ctx_destroy(A.ctx);
	A.ctx = NULL;
	size_t h2 = heap();
	if (!RUNNING_ON_VALGRIND && !ASAN) {
		double both = (double)(h1 - h0) / n, ini = (double)(h1 - h2) / n;
		printf("ike memory per established IKE SA with one CHILD SA (malloc'd, mallinfo2): "
		       "initiator %.0f B, responder %.0f B\n", ini, both - ini);
	}
	ike_ctx_destroy(B.ctx);
	free(spis);
	itp.nq = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_20000_tunnels),
	};
	itp_init(&A.ctx, &B.ctx, MAXQ, PKT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
