/* SPDX-License-Identifier: Apache-2.0 */
/* IKE message codec: every payload written and parsed back, every truncation refused, and a
 * seeded random-mutation fuzz of the parsers and of a responder (run under ASan by make check). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/valgrind.h>

#include "ike.h"
#include "ike_msg.h"

#define SEED 0x696b6576327631ull
#define FUZZ_ROUNDS 60000u    /* the ASan build runs these; valgrind (slow, same code) a tenth */

static uint64_t rs = SEED;
static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A message with every payload type the codec knows (plain: no SK). */
static size_t build_all(uint8_t *buf, size_t cap)
{
	struct ike_wr w;
	struct ike_hdr h = { .spi_i = 0x1122334455667788ull, .spi_r = 0x99aabbccddeeff00ull,
			     .exch = IKE_AUTH, .flags = IKE_FLAG_I, .msgid = 7 };
	struct ike_proposal p[2];
	memset(p, 0, sizeof(p));
	p[0] = (struct ike_proposal){ .num = 1, .proto = IKE_PROTO_ESP, .spi_size = 4, .spi = { 1, 2, 3, 4 }, .n_xf = 2 };
	p[0].xf[0] = (struct ike_xform){ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256 };
	p[0].xf[1] = (struct ike_xform){ IKE_XF_ESN, 0, 0 };
	p[1] = (struct ike_proposal){ .num = 2, .proto = IKE_PROTO_IKE, .spi_size = 8, .spi = { 9, 9, 9, 9, 9, 9, 9, 9 }, .n_xf = 3 };
	p[1].xf[0] = (struct ike_xform){ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 };
	p[1].xf[1] = (struct ike_xform){ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_384, 0 };
	p[1].xf[2] = (struct ike_xform){ IKE_XF_DH, IKE_DH_X25519, 0 };
	struct ike_id fq, v4, v6, mail, dn, kid;
	ike_id_parse("gw.example.net", &fq);
	ike_id_parse("192.0.2.7", &v4);
	ike_id_parse("2001:db8::1", &v6);
	ike_id_parse("user@example.net", &mail);
	ike_id_parse("keyid:0a0b0c", &kid);
	dn = (struct ike_id){ .type = IKE_ID_DER_ASN1_DN, .len = 3, .data = { 0x30, 0x01, 0x00 } };
	struct ike_ts ts[2];
	ike_ts_prefix("10.1.0.0/16", &ts[0]);
	ike_ts_prefix("2001:db8:1::/48", &ts[1]);
	ts[0].proto = 17, ts[0].port_lo = ts[0].port_hi = 4500;
	uint8_t ke[32], nonce[32], auth[32], cert[40], vid[16];
	memset(ke, 0xa5, sizeof(ke));
	memset(nonce, 0x5a, sizeof(nonce));
	memset(auth, 0x33, sizeof(auth));
	memset(cert, 0x44, sizeof(cert));
	memset(vid, 0x55, sizeof(vid));
	uint32_t spis[2] = { 0xc0de0001, 0xc0de0002 };
	uint8_t addr4[4] = { 10, 3, 0, 9 };
	struct ike_cp_attr cp[2] = { { IKE_CA_INTERNAL_IP4_ADDRESS, addr4, 4 }, { IKE_CA_INTERNAL_IP4_DNS, NULL, 0 } };
	ike_wr_init(&w, buf, cap);
	ike_wr_hdr(&w, &h);
	ike_wr_sa(&w, p, 2);
	ike_wr_ke(&w, IKE_DH_X25519, ke, sizeof(ke));
	ike_wr_nonce(&w, nonce, sizeof(nonce));
	ike_wr_id(&w, IKE_PT_IDI, &fq);
	ike_wr_id(&w, IKE_PT_IDR, &v4);
	ike_wr_id(&w, IKE_PT_IDR, &v6);
	ike_wr_id(&w, IKE_PT_IDR, &mail);
	ike_wr_id(&w, IKE_PT_IDR, &dn);
	ike_wr_id(&w, IKE_PT_IDR, &kid);
	ike_wr_cert(&w, IKE_PT_CERT, 4, cert, sizeof(cert));
	ike_wr_cert(&w, IKE_PT_CERTREQ, 4, cert, 20);
	ike_wr_auth(&w, IKE_AUTH_PSK, auth, sizeof(auth));
	ike_wr_notify(&w, IKE_PROTO_ESP, (const uint8_t *)"\xc0\xde\x00\x01", 4, IKE_N_REKEY_SA, NULL, 0);
	ike_wr_notify(&w, 0, NULL, 0, IKE_N_COOKIE, nonce, 20);
	ike_wr_delete(&w, IKE_PROTO_ESP, spis, 2);
	ike_wr_delete(&w, IKE_PROTO_IKE, NULL, 0);
	ike_wr_vendor(&w, vid, sizeof(vid));
	ike_wr_ts(&w, IKE_PT_TSI, ts, 2);
	ike_wr_ts(&w, IKE_PT_TSR, ts, 1);
	ike_wr_cp(&w, IKE_CFG_REQUEST, cp, 2);
	ike_wr_finish(&w);
	assert_int_equal(w.err, 0);
	return w.len;
}

/* Parse everything in a message; returns the number of payloads that parsed. */
static int parse_all(const uint8_t *b, size_t len)
{
	struct ike_hdr h;
	struct ike_chain c;
	uint8_t bad;
	int n = 0;
	if (ike_hdr_parse(b, len, &h) || ike_chain_parse(h.next, b + IKE_HDR_LEN, len - IKE_HDR_LEN, &c, &bad))
		return -1;
	for (unsigned i = 0; i < c.n; i++) {
		const struct ike_pl *p = &c.p[i];
		struct ike_sa_pl sa;
		struct ike_ke_pl ke;
		struct ike_id id;
		struct ike_auth_pl a;
		struct ike_notify_pl no;
		struct ike_delete_pl d;
		struct ike_ts_pl ts;
		struct ike_cp_pl cp;
		struct ike_cert_pl ce;
		int rc = 0;
		switch (p->type) {
		case IKE_PT_SA: rc = ike_sa_parse(p->body, p->len, &sa); break;
		case IKE_PT_KE: rc = ike_ke_parse(p->body, p->len, &ke); break;
		case IKE_PT_IDI:
		case IKE_PT_IDR: rc = ike_id_pl_parse(p->body, p->len, &id); break;
		case IKE_PT_AUTH: rc = ike_auth_parse(p->body, p->len, &a); break;
		case IKE_PT_NONCE: rc = ike_nonce_check(p->len); break;
		case IKE_PT_NOTIFY: rc = ike_notify_parse(p->body, p->len, &no); break;
		case IKE_PT_DELETE: rc = ike_delete_parse(p->body, p->len, &d); break;
		case IKE_PT_TSI:
		case IKE_PT_TSR: rc = ike_ts_parse(p->body, p->len, &ts); break;
		case IKE_PT_CP: rc = ike_cp_parse(p->body, p->len, &cp); break;
		case IKE_PT_CERT:
		case IKE_PT_CERTREQ: rc = ike_cert_parse(p->body, p->len, &ce); break;
		default: break;
		}
		n += rc == 0;
	}
	return n;
}

static void test_roundtrip(void **st)
{
	(void)st;
	uint8_t buf[2048];
	size_t len = build_all(buf, sizeof(buf));
	struct ike_hdr h;
	struct ike_chain c;
	assert_int_equal(ike_hdr_parse(buf, len, &h), 0);
	assert_int_equal(h.msgid, 7);
	assert_int_equal(h.exch, IKE_AUTH);
	assert_true(h.spi_i == 0x1122334455667788ull && h.spi_r == 0x99aabbccddeeff00ull);
	assert_int_equal(ike_chain_parse(h.next, buf + IKE_HDR_LEN, len - IKE_HDR_LEN, &c, NULL), 0);
	assert_int_equal(c.n, 20);
	assert_int_equal(parse_all(buf, len), 20);
	struct ike_sa_pl sa;
	assert_int_equal(ike_sa_parse(c.p[0].body, c.p[0].len, &sa), 0);
	assert_int_equal(sa.n, 2);
	assert_int_equal(sa.prop[0].xf[0].key_bits, 256);
	assert_int_equal(sa.prop[1].spi_size, 8);
	assert_int_equal(sa.prop[1].xf[2].id, IKE_DH_X25519);
	struct ike_id id;
	assert_int_equal(ike_id_pl_parse(c.p[4].body, c.p[4].len, &id), 0);
	assert_int_equal(id.type, IKE_ID_IPV4);
	assert_int_equal(ike_id_pl_parse(c.p[5].body, c.p[5].len, &id), 0);
	assert_int_equal(id.type, IKE_ID_IPV6);
	char s[300];
	ike_id_str(&id, s, sizeof(s));
	assert_string_equal(s, "2001:db8::1");
	assert_int_equal(ike_id_pl_parse(c.p[8].body, c.p[8].len, &id), 0);
	ike_id_str(&id, s, sizeof(s));
	assert_string_equal(s, "keyid:0a0b0c");
	struct ike_notify_pl n;
	assert_non_null(ike_chain_notify(&c, IKE_N_REKEY_SA, &n));
	assert_int_equal(n.spi_size, 4);
	assert_int_equal(ike_get32(n.spi), 0xc0de0001);
	struct ike_delete_pl d;
	const struct ike_pl *pd = ike_chain_find(&c, IKE_PT_DELETE);
	assert_int_equal(ike_delete_parse(pd->body, pd->len, &d), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.spi[1], 0xc0de0002);
	struct ike_ts_pl ts;
	const struct ike_pl *pt = ike_chain_find(&c, IKE_PT_TSI);
	assert_int_equal(ike_ts_parse(pt->body, pt->len, &ts), 0);
	assert_int_equal(ts.n, 2);
	assert_int_equal(ts.ts[0].port_lo, 4500);
	assert_int_equal(ts.ts[0].end[1], 1);
	assert_int_equal(ts.ts[0].end[2], 255);
	assert_int_equal(ts.ts[1].type, IKE_TS_IPV6);
	assert_int_equal(ts.ts[1].end[6], 0xff);
	struct ike_cp_pl cp;
	const struct ike_pl *pc = ike_chain_find(&c, IKE_PT_CP);
	assert_int_equal(ike_cp_parse(pc->body, pc->len, &cp), 0);
	assert_int_equal(cp.n, 2);
	assert_int_equal(cp.a[0].len, 4);
	assert_int_equal(cp.a[1].type, IKE_CA_INTERNAL_IP4_DNS);
}

static void test_truncations(void **st)
{
	(void)st;
	uint8_t buf[2048];
	size_t len = build_all(buf, sizeof(buf));
	for (size_t l = 0; l < len; l++) {
		uint8_t *cp = malloc(l ? l : 1); /* exact size: ASan sees any over-read */
		memcpy(cp, buf, l);
		assert_int_equal(parse_all(cp, l), -1);
		if (l >= IKE_HDR_LEN) {
			/* header length patched to match: the chain itself must be found short */
			ike_put32(cp + 24, (uint32_t)l);
			struct ike_hdr h;
			struct ike_chain c;
			assert_int_equal(ike_hdr_parse(cp, l, &h), 0);
			if (l > IKE_HDR_LEN)
				assert_int_not_equal(ike_chain_parse(h.next, cp + IKE_HDR_LEN, l - IKE_HDR_LEN, &c, NULL), 0);
		}
		free(cp);
	}
	/* every payload body, truncated, through its own parser */
	struct ike_hdr h;
	struct ike_chain c;
	ike_hdr_parse(buf, len, &h);
	ike_chain_parse(h.next, buf + IKE_HDR_LEN, len - IKE_HDR_LEN, &c, NULL);
	for (unsigned i = 0; i < c.n; i++)
		for (uint16_t l = 0; l < c.p[i].len; l++) {
			uint8_t *b = malloc(l ? l : 1);
			memcpy(b, c.p[i].body, l);
			struct ike_sa_pl sa;
			struct ike_ts_pl ts;
			struct ike_delete_pl d;
			struct ike_cp_pl cp;
			struct ike_id id;
			struct ike_notify_pl n;
			if (c.p[i].type == IKE_PT_SA)
				assert_int_not_equal(ike_sa_parse(b, l, &sa), 0);
			if (c.p[i].type == IKE_PT_TSI)
				assert_int_not_equal(ike_ts_parse(b, l, &ts), 0);
			if (c.p[i].type == IKE_PT_DELETE)
				assert_int_not_equal(ike_delete_parse(b, l, &d), 0);
			ike_cp_parse(b, l, &cp);
			ike_id_pl_parse(b, l, &id);
			ike_notify_parse(b, l, &n);
			free(b);
		}
	/* an unknown critical payload is named; an unknown non-critical one is skipped */
	uint8_t m[IKE_HDR_LEN + 8] = { 0 };
	m[16] = 200;
	m[17] = 0x20;
	ike_put32(m + 24, sizeof(m));
	m[IKE_HDR_LEN + 1] = 0x80;
	m[IKE_HDR_LEN + 3] = 8;
	uint8_t bad = 0;
	struct ike_chain c2;
	assert_int_equal(ike_chain_parse(200, m + IKE_HDR_LEN, 8, &c2, &bad), -ENOTSUP);
	assert_int_equal(bad, 200);
	m[IKE_HDR_LEN + 1] = 0;
	assert_int_equal(ike_chain_parse(200, m + IKE_HDR_LEN, 8, &c2, &bad), 0);
	m[17] = 0x10; /* IKEv1 */
	assert_int_equal(ike_hdr_parse(m, sizeof(m), &h), -ENOTSUP);
}

static struct ike_ctx *resp;
static int sends;
static int fuzz_send(void *u, const struct ike_dgram *d)
{
	(void)u, (void)d;
	sends++;
	return 0;
}

/* An IKE_SA_INIT request as a real initiator sends it. */
static size_t capture_init(uint8_t *out, size_t cap);
static uint8_t cap_buf[4096];
static size_t cap_len;
static int cap_send(void *u, const struct ike_dgram *d)
{
	(void)u;
	if (d->len <= sizeof(cap_buf)) {
		memcpy(cap_buf, d->data, d->len);
		cap_len = d->len;
	}
	return 0;
}

static size_t capture_init(uint8_t *out, size_t cap)
{
	struct ike_config cfg;
	struct ike_ctx *ctx;
	struct ike_profile p;
	memset(&cfg, 0, sizeof(cfg));
	cfg.cb.send = cap_send;
	assert_int_equal(ike_ctx_create(&cfg, &ctx), 0);
	memset(&p, 0, sizeof(p));
	ike_id_parse("a.test", &p.local_id);
	p.psk_len = 4;
	memcpy(p.psk, "abcd", 4);
	p.ike[0] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256 };
	p.ike[1] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_512, IKE_DH_X25519 };
	p.n_ike = 2;
	p.esp[0] = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, 128, 0, 0 };
	p.n_esp = 1;
	struct sockaddr_in l = { .sin_family = AF_INET, .sin_port = htons(500) }, r = l;
	l.sin_addr.s_addr = htonl(0xc0000201);
	r.sin_addr.s_addr = htonl(0xc0000202);
	assert_int_equal(ike_initiate(ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, 0, NULL), 0);
	ike_ctx_destroy(ctx);
	assert_true(cap_len > 0 && cap_len <= cap);
	memcpy(out, cap_buf, cap_len);
	return cap_len;
}

static void mutate(uint8_t *b, size_t *len, size_t cap)
{
	unsigned k = 1 + (unsigned)(rnd() % 4);
	for (unsigned i = 0; i < k; i++) {
		size_t pos = *len ? rnd() % *len : 0;
		switch (rnd() % 6) {
		case 0: if (*len) b[pos] ^= (uint8_t)(1u << (rnd() % 8)); break;
		case 1: if (*len) b[pos] = (uint8_t)rnd(); break;
		case 2: *len = *len ? rnd() % *len : 0; break;                 /* truncate */
		case 3: if (*len + 1 < cap) { memmove(b + pos + 1, b + pos, *len - pos); b[pos] = (uint8_t)rnd(); (*len)++; } break;
		case 4: if (*len > 1) { b[pos] = 0xff; b[(pos + 1) % *len] = 0xff; } break; /* big lengths */
		default: if (*len >= 2) { b[pos] = 0; b[(pos + 1) % *len] = (uint8_t)(rnd() % 8); } break; /* small */
		}
	}
}

static void test_fuzz(void **st)
{
	(void)st;
	uint8_t seeds[2][4096], b[4200];
	size_t slen[2];
	slen[0] = build_all(seeds[0], sizeof(seeds[0]));
	slen[1] = capture_init(seeds[1], sizeof(seeds[1]));
	struct ike_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.cb.send = fuzz_send;
	cfg.ike[0] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256 };
	cfg.n_ike = 1;
	cfg.cookie_threshold = 1000;
	assert_int_equal(ike_ctx_create(&cfg, &resp), 0);
	struct sockaddr_in l = { .sin_family = AF_INET, .sin_port = htons(500) }, r = l;
	l.sin_addr.s_addr = htonl(0xc0000202);
	r.sin_addr.s_addr = htonl(0xc0000201);
	unsigned accepted = 0, rounds = RUNNING_ON_VALGRIND ? FUZZ_ROUNDS / 10 : FUZZ_ROUNDS;
	for (unsigned i = 0; i < rounds; i++) {
		unsigned s = i & 1;
		size_t len = slen[s];
		memcpy(b, seeds[s], len);
		mutate(b, &len, sizeof(b));
		/* exact-size copy so ASan catches a read past the datagram */
		uint8_t *m = malloc(len ? len : 1);
		memcpy(m, b, len);
		parse_all(m, len);
		if (len >= IKE_HDR_LEN && (rnd() & 1))
			ike_put32(m + 24, (uint32_t)len); /* get past the length check more often */
		parse_all(m, len);
		struct ike_dgram d = { (struct sockaddr *)&l, (struct sockaddr *)&r, m, len, 0 };
		r.sin_port = htons((uint16_t)(1000 + i % 50000)); /* spread the half-open SAs */
		accepted += ike_ctx_input(resp, &d, i) == 0;
		free(m);
		if (i % 1000 == 999)
			ike_ctx_tick(resp, i + 60000); /* expire half-open SAs */
	}
	/* the unmutated request is answered */
	struct ike_dgram d = { (struct sockaddr *)&l, (struct sockaddr *)&r, seeds[1], slen[1], 0 };
	sends = 0;
	assert_int_equal(ike_ctx_input(resp, &d, rounds), 0);
	assert_int_equal(sends, 1);
	ike_ctx_destroy(resp);
	assert_true(accepted > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
