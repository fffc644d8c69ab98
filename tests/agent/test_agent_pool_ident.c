/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the agent's address pools (per VRF) and identity wildcard matching. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ident.h"
#include "pool.h"

static void pool_v4(void **state)
{
	struct pools ps = { 0 };
	struct prefix r;
	struct ipaddr a, want;
	struct pool *p;
	char s[ADDR_STRLEN];

	(void)state;
	assert_int_equal(prefix_parse("10.1.0.0/30", &r), 0);
	p = pools_get(&ps, 1, &r);
	assert_non_null(p);
	assert_ptr_equal(pools_get(&ps, 1, &r), p); /* one pool per (vrf, range) */
	assert_int_equal(p->count, 2);              /* .0 and .3 are not handed out */
	assert_int_equal(pool_lease(p, NULL, &a), 0);
	assert_string_equal(addr_str(&a, s, sizeof(s)), "10.1.0.1");
	assert_int_equal(pool_lease(p, NULL, &a), 0);
	assert_string_equal(addr_str(&a, s, sizeof(s)), "10.1.0.2");
	assert_int_equal(pool_lease(p, NULL, &a), -ENOSPC);
	assert_int_equal(pool_release(p, &a), 0);
	assert_int_equal(pool_release(p, &a), -ENOENT);
	assert_int_equal(pool_lease(p, NULL, &a), 0);
	assert_string_equal(addr_str(&a, s, sizeof(s)), "10.1.0.2");
	addr_parse("10.1.0.1", &want);
	assert_int_equal(pool_lease(p, &want, &a), -EADDRINUSE);
	addr_parse("10.1.0.3", &want);
	assert_int_equal(pool_lease(p, &want, &a), -EINVAL); /* broadcast */
	addr_parse("10.2.0.1", &want);
	assert_int_equal(pool_lease(p, &want, &a), -EINVAL);
	pools_free(&ps);
}

static void pool_same_range_two_vrfs(void **state)
{
	struct pools ps = { 0 };
	struct prefix r;
	struct ipaddr a, b, want;
	struct pool *red, *green;
	char s[ADDR_STRLEN];

	(void)state;
	prefix_parse("10.1.0.0/24", &r);
	red = pools_get(&ps, 1, &r);
	green = pools_get(&ps, 2, &r);
	assert_ptr_not_equal(red, green);
	assert_int_equal(pool_lease(red, NULL, &a), 0);
	assert_int_equal(pool_lease(green, NULL, &b), 0);
	assert_true(addr_eq(&a, &b)); /* the same address, leased once in each VRF */
	addr_parse("10.1.0.77", &want);
	assert_int_equal(pool_lease(green, &want, &b), 0);
	assert_string_equal(addr_str(&b, s, sizeof(s)), "10.1.0.77");
	assert_false(pool_leased(red, &want));
	assert_true(pool_leased(green, &want));
	assert_ptr_equal(pools_find(&ps, 2, &r), green);
	prefix_parse("10.1.0.0/25", &r);
	assert_null(pools_find(&ps, 2, &r));
	pools_free(&ps);
}

static void pool_v6(void **state)
{
	struct pools ps = { 0 };
	struct prefix r;
	struct ipaddr a;
	struct pool *p;
	char s[ADDR_STRLEN];
	unsigned n = 0;

	(void)state;
	assert_int_equal(prefix_parse("fd00:1::ff00/120", &r), 0);
	p = pools_get(&ps, 1, &r);
	assert_int_equal(pool_lease(p, NULL, &a), 0);
	assert_string_equal(addr_str(&a, s, sizeof(s)), "fd00:1::ff01");
	while (pool_lease(p, NULL, &a) == 0)
		n++;
	assert_int_equal(n, 254); /* 255 usable (the anycast ::ff00 is not), one leased above */
	assert_string_equal(addr_str(&a, s, sizeof(s)), "fd00:1::ffff");
	pools_free(&ps);
}

/* A pool of the card's tunnel capacity: every address once, in order, then full. */
static void pool_large(void **state)
{
	struct pools ps = { 0 };
	struct prefix r;
	struct ipaddr a;
	struct pool *p;
	char s[ADDR_STRLEN];
	unsigned n = 0;

	(void)state;
	assert_int_equal(prefix_parse("10.64.0.0/15", &r), 0);
	p = pools_get(&ps, 1, &r);
	assert_non_null(p);
	assert_int_equal(p->count, 131070);
	while (pool_lease(p, NULL, &a) == 0) {
		n++;
		if (n == 1)
			assert_string_equal(addr_str(&a, s, sizeof(s)), "10.64.0.1");
		if (n == 65536)
			assert_string_equal(addr_str(&a, s, sizeof(s)), "10.65.0.0");
	}
	assert_int_equal(n, 131070);
	assert_int_equal(p->used, 131070);
	addr_parse("10.65.255.254", &a);
	assert_true(pool_leased(p, &a));
	assert_int_equal(pool_release(p, &a), 0);
	assert_int_equal(pool_lease(p, NULL, &a), 0);
	assert_string_equal(addr_str(&a, s, sizeof(s)), "10.65.255.254");
	pools_free(&ps);
}

static int score(const char *pat, const char *id)
{
	struct ident_pat p;
	struct ident i;
	char err[128];

	assert_int_equal(ident_pat_parse(pat, &p, err, sizeof(err)), 0);
	assert_int_equal(ident_parse(id, &i), 0);
	return ident_match(&p, &i);
}

static void ident_wildcards(void **state)
{
	struct ident i;
	char b[IDENT_MAX + 8];

	(void)state;
	/* matching, case-insensitive */
	assert_true(score("fqdn:*.example.com", "vpn1.Example.COM") > 0);
	assert_true(score("fqdn:*.example.com", "example.com") < 0);
	assert_true(score("fqdn:vpn*.example.com", "vpn-7.example.com") > 0);
	assert_true(score("email:*@red.example", "alice@red.example") > 0);
	assert_true(score("email:*@red.example", "alice@red.example.evil") < 0);
	assert_true(score("fqdn:*.example.com", "alice@example.com") < 0); /* other type */
	assert_true(score("ip:198.51.100.0/24", "198.51.100.9") > 0);
	assert_true(score("ip:198.51.100.0/24", "198.51.101.9") < 0);
	assert_true(score("ip:2001:db8::/32", "ip:2001:db8:1::5") > 0);
	assert_true(score("dn:C=DE, O=Red, CN=*", "dn:c=de,o=red,cn=Alice") > 0);
	assert_true(score("dn:C=DE, O=Red, CN=*", "dn:C=DE, O=Blue, CN=Alice") < 0);
	assert_true(score("dn:/C=DE/O=Red/CN=*", "C=DE, O=Red, CN=bob") > 0);
	assert_int_equal(score("%any", "anything.example"), 0);
	/* most specific wins */
	assert_true(score("email:alice@red.example", "alice@red.example") >
		    score("email:*@red.example", "alice@red.example"));
	assert_true(score("email:*@red.example", "alice@red.example") >
		    score("email:*@*.example", "alice@red.example"));
	assert_true(score("email:*@*.example", "alice@red.example") > score("%any", "alice@red.example"));
	assert_true(score("ip:198.51.100.0/28", "198.51.100.9") > score("ip:198.51.100.0/24", "198.51.100.9"));
	assert_true(score("ip:198.51.100.9", "198.51.100.9") > score("ip:198.51.100.0/28", "198.51.100.9"));
	/* guessing the type without a prefix, and printing */
	assert_int_equal(ident_parse("gw.example.net", &i), 0);
	assert_string_equal(ident_str(&i, b, sizeof(b)), "fqdn:gw.example.net");
	assert_int_equal(ident_parse("Bob@Example.net", &i), 0);
	assert_string_equal(ident_str(&i, b, sizeof(b)), "email:bob@example.net");
	assert_int_equal(ident_parse("O=Acme , CN = Bob", &i), 0);
	assert_string_equal(ident_str(&i, b, sizeof(b)), "dn:o=acme,cn=bob");
	assert_int_equal(ident_parse("192.0.2.1", &i), 0);
	assert_int_equal(i.type, IDENT_IP);
	assert_int_not_equal(ident_parse("fqdn:*.example.com", &i), 0); /* a peer is never a pattern */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pool_v4),
		cmocka_unit_test(pool_same_range_two_vrfs),
		cmocka_unit_test(pool_v6),
		cmocka_unit_test(pool_large),
		cmocka_unit_test(ident_wildcards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
