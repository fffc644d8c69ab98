/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the per-VRF LPM FIB: fixed cases, limits, and a differential run against a scan. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrf_fib.h"
#include "vrfsec_hls.h"

#define V4 VRFSEC_AF_IPV4
#define V6 VRFSEC_AF_IPV6

static struct vrfsec_fib *fib_new(void)
{
	/* ~80 MB; calloc keeps untouched pages free. */
	struct vrfsec_fib *fib = calloc(1, sizeof(*fib));

	assert_non_null(fib);
	vrfsec_fib_init(fib);
	return fib;
}

/* Address literal to bytes; af follows from the text. */
static const uint8_t *ip(const char *s)
{
	static uint8_t buf[8][16];
	static unsigned int next;
	uint8_t *b = buf[next++ % 8];

	memset(b, 0, 16);
	assert_int_equal(inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, b), 1);
	return b;
}

/* Run a script of space-separated steps in one VRF: "+10.0.0.0/8=2" adds (expecting success),
 * "-10.0.0.0/8" deletes, "-10.0.0.0/8!" expects ENOENT, "10.1.2.3=5" expects that lookup. */
static void run(struct vrfsec_fib *fib, uint16_t vrf, const char *script)
{
	char buf[1024];
	char *save = NULL;
	char *tok;

	assert_true(strlen(script) < sizeof(buf));
	strcpy(buf, script);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char step[64];
		char op = tok[0] == '+' || tok[0] == '-' ? tok[0] : '=';
		char *a = op == '=' ? tok : tok + 1;
		char *slash = strchr(a, '/');
		char *eq = strchr(a, '=');
		uint8_t af = strchr(a, ':') ? V6 : V4;
		uint32_t val = eq ? (uint32_t)strtoul(eq + 1, NULL, 10) : 0;
		uint8_t plen = slash ? (uint8_t)strtoul(slash + 1, NULL, 10) : 0;
		int want = strchr(a, '!') ? VRFSEC_ENOENT : 0;
		long got;

		snprintf(step, sizeof(step), "%s", tok);
		if (slash)
			*slash = 0;
		if (eq)
			*eq = 0;
		if (op == '+')
			got = vrfsec_fib_add(fib, vrf, af, ip(a), plen, val);
		else if (op == '-')
			got = vrfsec_fib_del(fib, vrf, af, ip(a), plen);
		else
			got = (long)vrfsec_fib_lookup(fib, vrf, af, ip(a));
		if (op == '=' ? got != (long)val : got != want)
			fail_msg("vrf %u step %s: got %ld", vrf, step, got);
	}
}

static void test_v4_exact(void **state)
{
	struct vrfsec_fib *fib = fib_new();

	(void)state;
	run(fib, 0, "10.1.2.3=0 +0.0.0.0/0=1 +10.0.0.0/8=2 +10.1.0.0/16=3 +10.1.2.0/24=4"
		    " +10.1.2.3/32=5 10.1.2.3=5 10.1.2.4=4 10.1.3.1=3 10.2.0.0=2 11.0.0.0=1"
		    " 255.255.255.255=1");
	/* Lengths that do not end on a byte: /1, /12, /21, /27. */
	run(fib, 0, "+172.16.0.0/12=6 +192.168.8.0/21=7 +192.168.8.32/27=8 +128.0.0.0/1=9"
		    " 172.16.0.0=6 172.31.255.255=6 172.32.0.0=9 172.15.255.255=9"
		    " 192.168.15.255=7 192.168.16.0=9 192.168.7.255=9 192.168.8.31=7"
		    " 192.168.8.32=8 192.168.8.63=8 192.168.8.64=7 127.255.255.255=1");
	/* Host bits are masked off: this replaces 10.1.2.0/24, and the delete names it too. */
	run(fib, 0, "+10.1.2.77/24=44 10.1.2.4=44");
	assert_int_equal(fib->routes, 9);
	run(fib, 0, "-10.1.2.99/24 10.1.2.4=3 10.1.2.3=5");
	/* The v6 side of the VRF is a different table. */
	run(fib, 0, "::=0");
	free(fib);
}

static void test_v6_exact(void **state)
{
	struct vrfsec_fib *fib = fib_new();

	(void)state;
	run(fib, 3, "+::/0=1 +2001:db8::/32=2 +2001:db8::/61=3 +2001:db8::/65=4"
		    " +2001:db8::1/128=5 +2001:db8::/127=6 fe80::1=1 2001:db9::=1"
		    " 2001:db8:ffff::=2 2001:db8:0:7:ffff::=3 2001:db8:0:8::=2"
		    " 2001:db8::7fff:ffff:ffff:ffff=4 2001:db8::8000:0:0:0=3 2001:db8::1=5"
		    " 2001:db8::=6 2001:db8::2=4 1.2.3.4=0");
	run(fib, 3, "-::/0 fe80::1=0 2001:db8::2=4 -2001:db8::/127 2001:db8::=4 2001:db8::1=5");
	free(fib);
}

static void test_vrf_isolation(void **state)
{
	struct vrfsec_fib *fib = fib_new();

	(void)state;
	run(fib, 0, "+10.0.0.0/8=1 +2001:db8::/48=3");
	run(fib, 1023, "+10.0.0.0/8=2 +2001:db8::/48=4");
	run(fib, 0, "10.9.9.9=1 2001:db8::9=3");
	run(fib, 1023, "10.9.9.9=2 2001:db8::9=4");
	run(fib, 5, "10.9.9.9=0 2001:db8::9=0");
	/* Out-of-range VRFs and families from packet metadata find nothing. */
	run(fib, 1024, "10.9.9.9=0");
	run(fib, 0xffff, "10.9.9.9=0");
	assert_int_equal(vrfsec_fib_lookup(fib, 0, 5, ip("10.9.9.9")), 0);
	run(fib, 0, "-10.0.0.0/8 10.9.9.9=0 -10.0.0.0/8!");
	run(fib, 1023, "10.9.9.9=2");
	free(fib);
}

static void test_delete_restores_cover(void **state)
{
	struct vrfsec_fib *fib = fib_new();

	(void)state;
	/* /17, /20 and /24 share level 2, /16 sits above, /0 and /3 share level 0. */
	run(fib, 9, "+0.0.0.0/0=5 +0.0.0.0/3=6 +10.1.0.0/16=4 +10.1.0.0/17=1 +10.1.0.0/20=2"
		    " +10.1.0.0/24=3 10.1.0.9=3 -10.1.0.0/23! -10.1.0.0/20 10.1.0.9=3 10.1.1.9=1"
		    " -10.1.0.0/20! -10.1.0.0/24 10.1.0.9=1 -10.1.0.0/17 10.1.0.9=4"
		    " -10.1.0.0/16 10.1.0.9=6 -0.0.0.0/3 10.1.0.9=5 -0.0.0.0/0 10.1.0.9=0"
		    " -0.0.0.0/0!");
	run(fib, 8, "-10.1.0.0/16!");
	/* Same shape in v6 across the /64 level boundary. */
	run(fib, 9, "+2001:db8::/57=1 +2001:db8::/63=2 +2001:db8::/64=3 +2001:db8::/66=4"
		    " 2001:db8::1=4 -2001:db8::/64 2001:db8::1=4 2001:db8::8000:0:0:0=2"
		    " -2001:db8::/63 2001:db8::8000:0:0:0=1 2001:db8::1=4 -2001:db8::/66"
		    " 2001:db8::1=1 -2001:db8::/57 2001:db8::1=0");
	assert_int_equal(fib->routes, 0);
	assert_int_equal(fib->nodes_used, 0);
	free(fib);
}

static void test_invalid_args(void **state)
{
	struct vrfsec_fib *fib = fib_new();
	const uint8_t *a = ip("2001:db8::");

	(void)state;
	assert_int_equal(vrfsec_fib_add(fib, 0, V4, a, 33, 1), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_add(fib, 0, V6, a, 129, 1), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_add(fib, 0, 0, a, 8, 1), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_add(fib, 0, 5, a, 8, 1), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_add(fib, VRFSEC_FIB_VRFS, V4, a, 8, 1), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_add(fib, 0, V4, a, 8, 0), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_add(fib, 0, V4, a, 8, 1u << 24), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_add(fib, 0, V4, NULL, 8, 1), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_del(fib, 0, V4, a, 33), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_del(fib, VRFSEC_FIB_VRFS, V4, a, 8), VRFSEC_EINVAL);
	assert_int_equal(vrfsec_fib_del(fib, 0, 7, a, 8), VRFSEC_EINVAL);
	assert_int_equal(fib->routes, 0);
	assert_int_equal(vrfsec_fib_lookup(fib, 0, V4, a), 0);
	assert_int_equal(vrfsec_fib_add(fib, 0, V4, a, 32, (1u << 24) - 1u), 0);
	assert_int_equal(vrfsec_fib_add(fib, 0, V6, a, 128, 1), 0);
	assert_int_equal(vrfsec_fib_lookup(fib, 0, V4, a), (1u << 24) - 1u);
	free(fib);
}

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: fixed seed per test, so failures replay. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void rnd_bytes(uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

static void test_pool_exhaustion(void **state)
{
	struct vrfsec_fib *fib = fib_new();
	static uint8_t addr[VRFSEC_FIB_NODES][16];
	uint8_t extra[16];
	uint32_t used = 0;
	uint32_t n;
	uint32_t i;
	int rc = 0;

	(void)state;
	rng_state = 0x5eed0001;
	run(fib, 7, "+::/0=77");
	for (n = 0; n < VRFSEC_FIB_NODES; n++) {
		rnd_bytes(addr[n], 16);
		used = fib->nodes_used;
		rc = vrfsec_fib_add(fib, 7, V6, addr[n], 128, n + 1u);
		if (rc != 0)
			break;
	}
	assert_int_equal(rc, VRFSEC_ENOSPC);
	assert_true(n > 1000);
	/* The failed add left nothing behind. */
	assert_int_equal(fib->nodes_used, used);
	assert_int_equal(fib->routes, n + 1u);
	assert_int_equal(vrfsec_fib_lookup(fib, 7, V6, addr[n]), 77);
	assert_int_equal(vrfsec_fib_del(fib, 7, V6, addr[n], 128), VRFSEC_ENOENT);
	for (i = 0; i < n; i++)
		assert_int_equal(vrfsec_fib_lookup(fib, 7, V6, addr[i]), i + 1u);
	/* Routes that need no new node still go in. */
	assert_int_equal(vrfsec_fib_add(fib, 7, V6, addr[0], 128, 999), 0);
	assert_int_equal(vrfsec_fib_lookup(fib, 7, V6, addr[0]), 999);
	run(fib, 7, "+10.0.0.0/8=5 10.1.1.1=5");
	memcpy(extra, addr[1], 16);
	extra[15] ^= 1;
	assert_int_equal(vrfsec_fib_add(fib, 7, V6, extra, 128, 1000), 0);
	assert_int_equal(vrfsec_fib_lookup(fib, 7, V6, extra), 1000);
	assert_int_equal(vrfsec_fib_del(fib, 7, V6, extra, 128), 0);

	/* Deleting every /128 returns every node; the freed nodes are used again. */
	for (i = 0; i < n; i++)
		assert_int_equal(vrfsec_fib_del(fib, 7, V6, addr[i], 128), 0);
	assert_int_equal(fib->nodes_used, 0);
	assert_int_equal(vrfsec_fib_add(fib, 7, V6, addr[n], 128, 3), 0);
	assert_int_equal(vrfsec_fib_lookup(fib, 7, V6, addr[n]), 3);
	assert_int_equal(vrfsec_fib_lookup(fib, 7, V6, addr[0]), 77);
	free(fib);
}

/* Route i of the shadow-filling test: 2048 per VRF, 1024 per family, in few trie nodes:
 * 256 /8s, 512 /16s under 10 and 11, 256 /24s under 10.0 (3 nodes per VRF and family). */
static uint32_t fill_route(uint32_t i, uint16_t *vrf, uint8_t *af, uint8_t *a)
{
	uint32_t j = i & 1023u;

	*vrf = (uint16_t)(i >> 11);
	*af = (i & 1024u) ? V6 : V4;
	a[0] = a[1] = a[2] = 0;
	if (j < 256u) {
		a[0] = (uint8_t)j;
		return 8;
	}
	if (j < 768u) {
		a[0] = j < 512u ? 10 : 11;
		a[1] = (uint8_t)j;
		return 16;
	}
	a[0] = 10;
	a[2] = (uint8_t)j;
	return 24;
}

static void test_shadow_full(void **state)
{
	struct vrfsec_fib *fib = fib_new();
	uint32_t n = 0;
	uint32_t i, plen;
	uint8_t a[16] = { 0 }, af;
	uint16_t vrf;
	int rc = 0;

	(void)state;
	_Static_assert(VRFSEC_FIB_ROUTES <= 2048u * VRFSEC_FIB_VRFS, "enough distinct routes");
	for (i = 0; i < VRFSEC_FIB_ROUTES; i++) {
		plen = fill_route(i, &vrf, &af, a);
		rc = vrfsec_fib_add(fib, vrf, af, a, (uint8_t)plen, i + 1u);
		if (rc != 0)
			break;
		n++;
	}
	assert_int_equal(rc, VRFSEC_ENOSPC);
	print_message("shadow filled %u of %u\n", n, VRFSEC_FIB_ROUTES);
	assert_true(n > VRFSEC_FIB_ROUTES / 10u * 9u);
	assert_true(n >= 1000000u); /* the card's promise: a million routes */
	assert_int_equal(fib->routes, n);
	assert_true(fib->nodes_used <= 3u * 2u * VRFSEC_FIB_VRFS);
	for (i = 0; i < n; i++) {
		uint32_t j = i & 1023u;

		plen = fill_route(i, &vrf, &af, a);
		/* 10/8 and 11/8 lie under the /16s, 10.0/16 under the /24s: longer routes win */
		if (j == 10u || j == 11u || j == 256u)
			continue;
		assert_int_equal(vrfsec_fib_lookup(fib, vrf, af, a), i + 1u);
	}
	memset(a, 0, sizeof(a));
	a[0] = 200;
	assert_int_equal(vrfsec_fib_add(fib, 0, V4, a, 8, 12345), 0); /* replacing needs no slot */
	assert_int_equal(vrfsec_fib_del(fib, 0, V4, a, 8), 0);
	assert_int_equal(vrfsec_fib_add(fib, 0, V4, a, 8, 54321), 0);
	assert_int_equal(vrfsec_fib_lookup(fib, 0, V4, a), 54321);
	free(fib);
}

/* The reference: every live route in a flat list, longest match by scanning all of them. */
#define REF_MAX 16384u
#define N_BASE 6u

struct ref_route {
	uint16_t vrf;
	uint8_t af;
	uint8_t plen;
	uint8_t addr[16];
	uint32_t nh;
};

static struct ref_route ref[REF_MAX];
static uint32_t n_ref;
static const uint16_t vrfs[] = { 0, 1, 2, 1023 };
static uint8_t base[N_BASE][16];

static int covers(const uint8_t *p, uint32_t plen, const uint8_t *a)
{
	uint32_t full = plen / 8u;
	uint32_t rest = plen % 8u;

	if (memcmp(p, a, full) != 0)
		return 0;
	return rest == 0 || ((p[full] ^ a[full]) & (0xff00u >> rest) & 0xffu) == 0;
}

static void mask(uint8_t *a, uint32_t plen)
{
	uint32_t i;

	for (i = plen / 8u; i < 16u; i++)
		a[i] &= i == plen / 8u ? (uint8_t)(0xff00u >> (plen % 8u)) : 0;
}

static uint32_t ref_lookup(uint16_t vrf, uint8_t af, const uint8_t *a)
{
	uint32_t best = 0;
	int best_len = -1;
	uint32_t i;

	for (i = 0; i < n_ref; i++) {
		const struct ref_route *r = &ref[i];

		if (r->vrf == vrf && r->af == af && (int)r->plen > best_len &&
		    covers(r->addr, r->plen, a)) {
			best = r->nh;
			best_len = r->plen;
		}
	}
	return best;
}

static uint32_t ref_find(const struct ref_route *k)
{
	uint32_t i;

	for (i = 0; i < n_ref; i++)
		if (ref[i].vrf == k->vrf && ref[i].af == k->af && ref[i].plen == k->plen &&
		    memcmp(ref[i].addr, k->addr, 16) == 0)
			return i;
	return n_ref;
}

/* Clustered around a few bases so that prefixes nest and share trie nodes. */
static void rnd_prefix(struct ref_route *r, uint8_t raw[16])
{
	uint32_t alen;
	uint32_t from;
	uint32_t i;

	r->vrf = vrfs[rnd() % 4u];
	r->af = (rnd() & 1u) ? V6 : V4;
	alen = r->af == V6 ? 16u : 4u;
	r->plen = (uint8_t)(rnd() % (8u * alen + 1u));
	if (r->af == V6 && (rnd() & 1u))
		r->plen = (uint8_t)(rnd() % 3u + 20u); /* dense around a level boundary */
	memcpy(raw, base[rnd() % N_BASE], 16);
	from = rnd() % (8u * alen + 1u);
	for (i = from; i < 8u * alen; i++)
		if (rnd() & 1u)
			raw[i / 8u] ^= (uint8_t)(0x80u >> (i % 8u));
	memset(raw + alen, 0, 16u - alen);
	memcpy(r->addr, raw, 16);
	mask(r->addr, r->plen);
	r->nh = rnd() % 0xffffffu + 1u;
}

static void check_lookups(const struct vrfsec_fib *fib, uint32_t count)
{
	struct ref_route r;
	uint8_t a[16];
	uint32_t i;
	uint32_t b;

	for (i = 0; i < count; i++) {
		if (n_ref > 0 && rnd() % 4u != 0) {
			/* Inside a live prefix, with the host bits random. */
			r = ref[rnd() % n_ref];
			memcpy(a, r.addr, 16);
			for (b = r.plen; b < (r.af == V6 ? 128u : 32u); b++)
				if (rnd() & 1u)
					a[b / 8u] ^= (uint8_t)(0x80u >> (b % 8u));
		} else {
			rnd_prefix(&r, a);
		}
		assert_int_equal(vrfsec_fib_lookup(fib, r.vrf, r.af, a),
				 ref_lookup(r.vrf, r.af, a));
	}
}

static void test_random_differential(void **state)
{
	struct vrfsec_fib *fib = fib_new();
	const char *env = getenv("VRF_FIB_TEST_BATCHES");
	uint32_t batches = env ? (uint32_t)strtoul(env, NULL, 10) : 100u;
	struct ref_route r;
	uint8_t raw[16];
	uint32_t bt;
	uint32_t op;
	uint32_t i;

	(void)state;
	rng_state = 0x5eed0002;
	n_ref = 0;
	for (i = 0; i < N_BASE; i++)
		rnd_bytes(base[i], 16);
	for (bt = 0; bt < batches; bt++) {
		for (op = 0; op < 300u; op++) {
			uint32_t kind = rnd() % 100u;

			if (kind < 15u && n_ref > 0) { /* replace */
				i = rnd() % n_ref;
				ref[i].nh = rnd() % 0xffffffu + 1u;
				assert_int_equal(vrfsec_fib_add(fib, ref[i].vrf, ref[i].af,
								ref[i].addr, ref[i].plen, ref[i].nh),
						 0);
			} else if (kind < 40u && n_ref > 0) { /* delete, naming it with host bits */
				i = rnd() % n_ref;
				memcpy(raw, ref[i].addr, 16);
				raw[15] |= ref[i].plen < 128u && ref[i].af == V6 ? 1u : 0u;
				assert_int_equal(vrfsec_fib_del(fib, ref[i].vrf, ref[i].af, raw,
								ref[i].plen),
						 0);
				ref[i] = ref[--n_ref];
			} else if (kind < 45u) { /* delete, mostly of an absent route */
				rnd_prefix(&r, raw);
				i = ref_find(&r);
				assert_int_equal(vrfsec_fib_del(fib, r.vrf, r.af, raw, r.plen),
						 i < n_ref ? 0 : VRFSEC_ENOENT);
				if (i < n_ref)
					ref[i] = ref[--n_ref];
			} else { /* add, a replace when it exists */
				rnd_prefix(&r, raw);
				assert_int_equal(vrfsec_fib_add(fib, r.vrf, r.af, raw, r.plen, r.nh), 0);
				i = ref_find(&r);
				if (i == n_ref && n_ref < REF_MAX)
					n_ref++;
				ref[i] = r;
			}
		}
		assert_int_equal(fib->routes, n_ref);
		check_lookups(fib, 2000);
	}
	/* Empty it again in random order: every node must come back. */
	for (bt = 0; n_ref > 0; bt++) {
		i = rnd() % n_ref;
		assert_int_equal(vrfsec_fib_del(fib, ref[i].vrf, ref[i].af, ref[i].addr, ref[i].plen), 0);
		ref[i] = ref[--n_ref];
		if (bt % 256u == 0)
			check_lookups(fib, 500);
	}
	check_lookups(fib, 200);
	assert_int_equal(fib->routes, 0);
	assert_int_equal(fib->nodes_used, 0);
	free(fib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_exact),
		cmocka_unit_test(test_v6_exact),
		cmocka_unit_test(test_vrf_isolation),
		cmocka_unit_test(test_delete_restores_cover),
		cmocka_unit_test(test_invalid_args),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_shadow_full),
		cmocka_unit_test(test_random_differential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
