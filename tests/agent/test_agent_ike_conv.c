/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the conversions between the agent's and the IKE library's types: prefixes and
 * traffic selectors both ways (every length, ranges that are no prefix), identities. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/x509.h>

#include "ike_conv.h"

/* prefix -> TS -> prefix gives the prefix back, for every length of both families */
static void ts_prefix_round_trip(void **state)
{
	static const char *const bases[] = { "192.168.50.0/24", "10.100.0.0/16", "203.0.113.77/32",
					     "0.0.0.0/0", "fd00:100::/48", "2001:db8::1/128" };
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	(void)state;
	for (unsigned i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		struct prefix p, q;
		struct ike_ts t;

		assert_int_equal(prefix_parse(bases[i], &p), 0);
		for (int len = p.addr.af == 4 ? 32 : 128; len >= 0; len--) {
			struct prefix r = p;

			r.plen = (uint8_t)len;
			for (unsigned k = 0; k < 16; k++) { /* host bits zero */
				unsigned bits = len > (int)k * 8 ? (unsigned)len - k * 8 : 0;

				r.addr.a[k] &= bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
			}
			conv_prefix_to_ts(&r, &t);
			assert_int_equal(t.type, r.addr.af == 4 ? IKE_TS_IPV4 : IKE_TS_IPV6);
			assert_int_equal(t.port_lo, 0);
			assert_int_equal(t.port_hi, 0xffff);
			assert_int_equal(conv_ts_to_prefix(&t, &q), 0);
			prefix_str(&r, a, sizeof(a));
			prefix_str(&q, b, sizeof(b));
			assert_string_equal(a, b);
		}
	}
}

/* ranges the card's selectors cannot express are refused, not widened or narrowed */
static void ts_not_a_prefix(void **state)
{
	struct ike_ts t = { .type = IKE_TS_IPV4, .port_hi = 0xffff };
	struct prefix p;

	(void)state;
	memcpy(t.start, (const uint8_t[]){ 192, 168, 50, 1 }, 4); /* .1 - .255 */
	memcpy(t.end, (const uint8_t[]){ 192, 168, 50, 255 }, 4);
	assert_int_equal(conv_ts_to_prefix(&t, &p), -ERANGE);
	memcpy(t.start, (const uint8_t[]){ 192, 168, 50, 0 }, 4); /* .0 - .254 */
	memcpy(t.end, (const uint8_t[]){ 192, 168, 50, 254 }, 4);
	assert_int_equal(conv_ts_to_prefix(&t, &p), -ERANGE);
	memcpy(t.start, (const uint8_t[]){ 10, 0, 0, 0 }, 4); /* 10.0.0.0 - 10.2.255.255 */
	memcpy(t.end, (const uint8_t[]){ 10, 2, 255, 255 }, 4);
	assert_int_equal(conv_ts_to_prefix(&t, &p), -ERANGE);
	memcpy(t.end, (const uint8_t[]){ 10, 3, 255, 255 }, 4); /* 10.0.0.0/14 */
	assert_int_equal(conv_ts_to_prefix(&t, &p), 0);
	assert_int_equal(p.plen, 14);
}

static void identities(void **state)
{
	struct ike_id in = { .type = IKE_ID_FQDN }, back;
	struct ident id;
	char s[IDENT_MAX + 8];

	(void)state;
	in.len = (uint16_t)strlen("site1.red.example");
	memcpy(in.data, "site1.red.example", in.len);
	assert_int_equal(conv_ident_from_ike(&in, &id), 0);
	assert_string_equal(ident_str(&id, s, sizeof(s)), "fqdn:site1.red.example");
	conv_ident_to_ike(&id, &back);
	assert_int_equal(back.type, IKE_ID_FQDN);
	assert_int_equal(back.len, in.len);
	assert_memory_equal(back.data, in.data, in.len);
	in.data[3] = ' '; /* no blanks or control characters in names profiles match */
	assert_int_equal(conv_ident_from_ike(&in, &id), -EINVAL);
	in.type = IKE_ID_KEY_ID;
	assert_int_equal(conv_ident_from_ike(&in, &id), -EINVAL);
}

/* A DER DN (ID_DER_ASN1_DN) becomes the DN identity profiles match; a value holding a separator
 * is refused (its text form would read as two RDNs). */
static void dn_identities(void **state)
{
	struct ike_id in = { .type = IKE_ID_DER_ASN1_DN };
	struct ident id;
	char s[IDENT_MAX + 8];
	X509_NAME *nm = X509_NAME_new();
	unsigned char *der = NULL;
	int n;

	(void)state;
	assert_non_null(nm);
	X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC, (const unsigned char *)"CH", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC, (const unsigned char *)"vrfsec Test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"Alice", -1, -1, 0);
	n = i2d_X509_NAME(nm, &der);
	assert_true(n > 0 && n <= IKE_MAX_ID);
	in.len = (uint16_t)n;
	memcpy(in.data, der, (size_t)n);
	OPENSSL_free(der);
	der = NULL;
	assert_int_equal(conv_ident_from_ike(&in, &id), 0);
	assert_int_equal(id.type, IDENT_DN);
	assert_string_equal(ident_str(&id, s, sizeof(s)), "dn:c=ch,o=vrfsec test,cn=alice");
	in.len--; /* truncated DER */
	assert_int_equal(conv_ident_from_ike(&in, &id), -EINVAL);
	X509_NAME_add_entry_by_txt(nm, "OU", MBSTRING_ASC, (const unsigned char *)"a, CN=b", -1, -1, 0);
	n = i2d_X509_NAME(nm, &der);
	in.len = (uint16_t)n;
	memcpy(in.data, der, (size_t)n);
	OPENSSL_free(der);
	assert_int_equal(conv_ident_from_ike(&in, &id), -EINVAL);
	X509_NAME_free(nm);
}

static void sockaddrs(void **state)
{
	struct sockaddr_storage ss;
	struct ipaddr a, b;

	(void)state;
	assert_int_equal(addr_parse("203.0.113.12", &a), 0);
	conv_to_sockaddr(&a, 40852, &ss);
	assert_int_equal(conv_from_sockaddr((const struct sockaddr *)&ss, &b), 40852);
	assert_true(addr_eq(&a, &b));
	assert_int_equal(addr_parse("2001:db8::7", &a), 0);
	conv_to_sockaddr(&a, 4500, &ss);
	assert_int_equal(conv_from_sockaddr((const struct sockaddr *)&ss, &b), 4500);
	assert_true(addr_eq(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ts_prefix_round_trip),
		cmocka_unit_test(ts_not_a_prefix),
		cmocka_unit_test(identities),
		cmocka_unit_test(dn_identities),
		cmocka_unit_test(sockaddrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
