/* SPDX-License-Identifier: Apache-2.0 */
/* IKE crypto against the public vectors (tests/vectors/data): HMAC PRFs, SKEYSEED, prf+, CHILD
 * KEYMAT, rekey, PSK AUTH, ECP 19/20 and X25519 DH, AES-GCM; plus SK-style GCM tamper checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "ike_crypto.h"
#include "vecfile.h"

#define VDIR "tests/vectors/data/"

struct hexv {
	uint8_t *p;
	long n;
};

static struct hexv hx(const struct vec_case *c, const char *k)
{
	struct hexv v;
	v.n = vec_hex(c, k, &v.p);
	return v;
}

static void hfree(struct hexv *v)
{
	free(v->p);
	v->p = NULL;
}

static uint16_t prf_of(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "HMAC-SHA1"))
		return IKE_PRF_HMAC_SHA1;
	if (!strcmp(s, "HMAC-SHA-256") || !strcmp(s, "HMAC-SHA256"))
		return IKE_PRF_HMAC_SHA2_256;
	if (!strcmp(s, "HMAC-SHA384"))
		return IKE_PRF_HMAC_SHA2_384;
	if (!strcmp(s, "HMAC-SHA512"))
		return IKE_PRF_HMAC_SHA2_512;
	return 0;
}

static void load(struct vec_file *f, const char *name)
{
	assert_int_equal(vec_file_load(f, name), 0);
	assert_true(f->n > 0);
}

static void test_hmac_vectors(void **state)
{
	(void)state;
	struct vec_file f;
	unsigned done = 0;
	load(&f, VDIR "hmac.txt");
	for (size_t i = 0; i < f.n; i++) {
		const struct vec_case *c = &f.cases[i];
		uint16_t prf = prf_of(vec_get(c, "alg"));
		struct hexv k = hx(c, "key"), d = hx(c, "data"), m = hx(c, "mac");
		uint8_t out[64];
		assert_true(prf && k.n >= 0 && d.n >= 0 && m.n > 0);
		struct ike_iov v = { d.p, (size_t)d.n };
		assert_int_equal(ike_prf(prf, k.p, (size_t)k.n, &v, 1, out), 0);
		assert_memory_equal(out, m.p, (size_t)m.n); /* some are printed truncated */
		done++;
		hfree(&k), hfree(&d), hfree(&m);
	}
	vec_file_free(&f);
	assert_int_equal(done, 40);
}

static void test_kdf_vectors(void **state)
{
	(void)state;
	struct vec_file f;
	unsigned done = 0;
	uint8_t out[512];
	load(&f, VDIR "ikev2_kdf.txt");
	for (size_t i = 0; i < f.n; i++) {
		const struct vec_case *c = &f.cases[i];
		uint16_t prf = prf_of(vec_get(c, "prf"));
		size_t pl = ike_prf_size(prf);
		struct hexv ni = hx(c, "ni"), nr = hx(c, "nr"), gir = hx(c, "g_ir"), seed = hx(c, "skeyseed"),
			    dkm = hx(c, "dkm"), skd = hx(c, "sk_d"), km = hx(c, "keymat"),
			    girn = hx(c, "g_ir_new"), skdo = hx(c, "sk_d_old"), auth = hx(c, "auth"),
			    spii = hx(c, "spi_i"), spir = hx(c, "spi_r");
		assert_true(pl > 0);
		if (auth.n > 0) { /* PSK AUTH, initiator side (2.15) */
			struct hexv msg = hx(c, "ike_sa_init_request"), idb = hx(c, "idi_payload_body"),
				    skpi = hx(c, "sk_pi");
			const char *psk = vec_get(c, "psk_ascii");
			assert_non_null(psk);
			assert_int_equal(ike_psk_auth(prf, (const uint8_t *)psk, strlen(psk), msg.p, (size_t)msg.n,
						      nr.p, (size_t)nr.n, skpi.p, (size_t)skpi.n, idb.p,
						      (size_t)idb.n, out), 0);
			assert_memory_equal(out, auth.p, pl);
			hfree(&msg), hfree(&idb), hfree(&skpi);
			done++;
		} else if (skdo.n > 0) { /* IKE rekey SKEYSEED (2.18) */
			assert_int_equal(ike_skeyseed_rekey(prf, skdo.p, (size_t)skdo.n, girn.p, (size_t)girn.n,
							    ni.p, (size_t)ni.n, nr.p, (size_t)nr.n, out), 0);
			assert_memory_equal(out, seed.p, pl);
			done++;
		} else if (km.n > 0) { /* CHILD KEYMAT (2.17), with and without PFS */
			assert_int_equal(ike_child_keymat(prf, skd.p, (size_t)skd.n, girn.n > 0 ? girn.p : NULL,
							  girn.n > 0 ? (size_t)girn.n : 0, ni.p, (size_t)ni.n,
							  nr.p, (size_t)nr.n, out, (size_t)km.n), 0);
			assert_memory_equal(out, km.p, (size_t)km.n);
			done++;
		} else if (dkm.n > 0) { /* prf+ for the IKE SA keys */
			uint8_t spis[16];
			memcpy(spis, spii.p, 8);
			memcpy(spis + 8, spir.p, 8);
			struct ike_iov s[3] = { { ni.p, (size_t)ni.n }, { nr.p, (size_t)nr.n }, { spis, 16 } };
			assert_int_equal(ike_prfplus(prf, seed.p, (size_t)seed.n, s, 3, out, (size_t)dkm.n), 0);
			assert_memory_equal(out, dkm.p, (size_t)dkm.n);
			done++;
		} else if (gir.n > 0 && seed.n > 0) { /* SKEYSEED, and the split when given */
			assert_int_equal(ike_skeyseed(prf, ni.p, (size_t)ni.n, nr.p, (size_t)nr.n, gir.p,
						      (size_t)gir.n, out), 0);
			assert_memory_equal(out, seed.p, pl);
			done++;
			struct hexv skdx = hx(c, "skd"), skei = hx(c, "skei"), skpr = hx(c, "skpr");
			if (skdx.n > 0) { /* SHA1 case with HMAC integrity keys: split by hand */
				size_t el = (size_t)skei.n, total = 5 * pl + 2 * el;
				uint8_t spis[16], km2[512];
				memcpy(spis, spii.p, 8);
				memcpy(spis + 8, spir.p, 8);
				struct ike_iov s[3] = { { ni.p, (size_t)ni.n }, { nr.p, (size_t)nr.n }, { spis, 16 } };
				assert_int_equal(ike_prfplus(prf, out, pl, s, 3, km2, total), 0);
				assert_memory_equal(km2, skdx.p, pl);
				assert_memory_equal(km2 + 3 * pl, skei.p, el);
				assert_memory_equal(km2 + 4 * pl + 2 * el, skpr.p, pl);
				done++;
			}
			hfree(&skdx), hfree(&skei), hfree(&skpr);
		}
		hfree(&ni), hfree(&nr), hfree(&gir), hfree(&seed), hfree(&dkm), hfree(&skd), hfree(&km);
		hfree(&girn), hfree(&skdo), hfree(&auth), hfree(&spii), hfree(&spir);
	}
	vec_file_free(&f);
	assert_int_equal(done, 8);
}

/* Our split: SK_d | SK_ei | SK_er | SK_pi | SK_pr (AEAD: no SK_a) straight from the DKM vector. */
static void test_derive_split(void **state)
{
	(void)state;
	struct vec_file f;
	load(&f, VDIR "ikev2_kdf.txt");
	const struct vec_case *c = &f.cases[1];
	struct hexv ni = hx(c, "ni"), nr = hx(c, "nr"), seed = hx(c, "skeyseed"), dkm = hx(c, "dkm"),
		    spii = hx(c, "spi_i"), spir = hx(c, "spi_r");
	assert_true(dkm.n >= 32 * 3 + 36 * 2);
	struct ike_keys k;
	uint64_t si = 0, sr = 0;
	for (int i = 0; i < 8; i++)
		si = si << 8 | spii.p[i], sr = sr << 8 | spir.p[i];
	assert_int_equal(ike_derive_keys(IKE_PRF_HMAC_SHA2_256, seed.p, ni.p, (size_t)ni.n, nr.p, (size_t)nr.n,
					 si, sr, 36, &k), 0);
	assert_memory_equal(k.sk_d, dkm.p, 32);
	assert_memory_equal(k.sk_ei, dkm.p + 32, 36);
	assert_memory_equal(k.sk_er, dkm.p + 68, 36);
	assert_memory_equal(k.sk_pi, dkm.p + 104, 32);
	assert_memory_equal(k.sk_pr, dkm.p + 136, 32);
	hfree(&ni), hfree(&nr), hfree(&seed), hfree(&dkm), hfree(&spii), hfree(&spir);
	vec_file_free(&f);
}

static void dh_pair(uint16_t g, struct hexv *pi, struct hexv *pr, struct hexv *ki, struct hexv *kr,
		    struct hexv *sh)
{
	struct ike_dh *a, *b;
	uint8_t pub[128], s1[128], s2[128];
	assert_int_equal(ike_dh_create_priv(g, pi->p, (size_t)pi->n, &a), 0);
	assert_int_equal(ike_dh_create_priv(g, pr->p, (size_t)pr->n, &b), 0);
	assert_int_equal(ike_dh_pub(a, pub, sizeof(pub)), ki->n);
	assert_memory_equal(pub, ki->p, (size_t)ki->n);
	assert_int_equal(ike_dh_pub(b, pub, sizeof(pub)), kr->n);
	assert_memory_equal(pub, kr->p, (size_t)kr->n);
	assert_int_equal(ike_dh_shared(a, kr->p, (size_t)kr->n, s1, sizeof(s1)), sh->n);
	assert_int_equal(ike_dh_shared(b, ki->p, (size_t)ki->n, s2, sizeof(s2)), sh->n);
	assert_memory_equal(s1, sh->p, (size_t)sh->n);
	assert_memory_equal(s2, sh->p, (size_t)sh->n);
	/* a point off the curve / wrong length is refused */
	uint8_t bad[128];
	memcpy(bad, kr->p, (size_t)kr->n);
	bad[kr->n - 1] ^= 1;
	if (g != IKE_DH_X25519)
		assert_true(ike_dh_shared(a, bad, (size_t)kr->n, s1, sizeof(s1)) < 0);
	assert_true(ike_dh_shared(a, kr->p, (size_t)kr->n - 1, s1, sizeof(s1)) < 0);
	ike_dh_free(a);
	ike_dh_free(b);
}

static void test_ecdh_vectors(void **state)
{
	(void)state;
	struct vec_file f;
	unsigned done = 0;
	load(&f, VDIR "ecdh.txt");
	for (size_t i = 0; i < f.n; i++) {
		const struct vec_case *c = &f.cases[i];
		const char *name = vec_get(c, "name");
		uint16_t g = strstr(name, "P-256") ? IKE_DH_ECP256 : strstr(name, "P-384") ? IKE_DH_ECP384 : 0;
		if (!g)
			continue; /* group 21 is not offered */
		struct hexv pi = hx(c, "i"), pr = hx(c, "r"), ki = hx(c, "ke_payload_i"),
			    kr = hx(c, "ke_payload_r"), sh = hx(c, "shared_secret");
		dh_pair(g, &pi, &pr, &ki, &kr, &sh);
		hfree(&pi), hfree(&pr), hfree(&ki), hfree(&kr), hfree(&sh);
		done++;
	}
	vec_file_free(&f);
	assert_int_equal(done, 2);
}

static void test_x25519_vectors(void **state)
{
	(void)state;
	struct vec_file f;
	unsigned done = 0;
	load(&f, VDIR "x25519.txt");
	for (size_t i = 0; i < f.n; i++) {
		const struct vec_case *c = &f.cases[i];
		struct hexv sc = hx(c, "scalar"), ui = hx(c, "u_in"), uo = hx(c, "u_out"), pi = hx(c, "priv_i");
		if (sc.n == 32) { /* scalar multiplication */
			struct ike_dh *d;
			uint8_t o[32];
			assert_int_equal(ike_dh_create_priv(IKE_DH_X25519, sc.p, 32, &d), 0);
			assert_int_equal(ike_dh_shared(d, ui.p, 32, o, sizeof(o)), 32);
			assert_memory_equal(o, uo.p, 32);
			ike_dh_free(d);
			done++;
		} else if (pi.n == 32) {
			struct hexv pr = hx(c, "priv_r"), ki = hx(c, "pub_i"), kr = hx(c, "pub_r"), sh = hx(c, "shared");
			dh_pair(IKE_DH_X25519, &pi, &pr, &ki, &kr, &sh);
			hfree(&pr), hfree(&ki), hfree(&kr), hfree(&sh);
			done++;
		} else if (vec_get(c, "iterations")) {
			int ok = 0;
			uint64_t it = vec_u64(c, "iterations", 0, &ok);
			struct hexv k0 = hx(c, "start_k"), ko = hx(c, "k_out");
			uint8_t k[32], u[32], r[32];
			memcpy(k, k0.p, 32);
			memcpy(u, k0.p, 32);
			for (uint64_t n = 0; n < it; n++) {
				struct ike_dh *d;
				assert_int_equal(ike_dh_create_priv(IKE_DH_X25519, k, 32, &d), 0);
				assert_int_equal(ike_dh_shared(d, u, 32, r, sizeof(r)), 32);
				ike_dh_free(d);
				memcpy(u, k, 32);
				memcpy(k, r, 32);
			}
			assert_memory_equal(k, ko.p, 32);
			hfree(&k0), hfree(&ko);
			done++;
		}
		hfree(&sc), hfree(&ui), hfree(&uo), hfree(&pi);
	}
	vec_file_free(&f);
	assert_int_equal(done, 6);
	/* a low-order point gives an all-zero secret: refused (RFC 8031 2) */
	struct ike_dh *d;
	uint8_t zero[32] = { 0 }, o[32];
	assert_int_equal(ike_dh_create(IKE_DH_X25519, &d), 0);
	assert_true(ike_dh_shared(d, zero, 32, o, sizeof(o)) < 0);
	ike_dh_free(d);
}

static void test_gcm_vectors(void **state)
{
	(void)state;
	struct vec_file f;
	unsigned done = 0;
	load(&f, VDIR "gcm.txt");
	for (size_t i = 0; i < f.n; i++) {
		const struct vec_case *c = &f.cases[i];
		struct hexv k = hx(c, "key"), iv = hx(c, "iv"), a = hx(c, "aad"), p = hx(c, "plaintext"),
			    ct = hx(c, "ciphertext"), t = hx(c, "tag");
		if (iv.n == 12 && (k.n == 16 || k.n == 32) && t.n == 16) {
			uint8_t o[128], tag[16], back[128];
			assert_true(p.n <= (long)sizeof(o));
			assert_int_equal(ike_gcm_seal(k.p, (size_t)k.n, iv.p, a.p, (size_t)a.n, p.p, (size_t)p.n, o, tag), 0);
			assert_memory_equal(o, ct.p, (size_t)ct.n);
			assert_memory_equal(tag, t.p, 16);
			assert_int_equal(ike_gcm_open(k.p, (size_t)k.n, iv.p, a.p, (size_t)a.n, o, (size_t)p.n, tag, back), 0);
			assert_memory_equal(back, p.p, (size_t)p.n);
			tag[0] ^= 1;
			assert_int_not_equal(ike_gcm_open(k.p, (size_t)k.n, iv.p, a.p, (size_t)a.n, o, (size_t)p.n, tag, back), 0);
			done++;
		}
		hfree(&k), hfree(&iv), hfree(&a), hfree(&p), hfree(&ct), hfree(&t);
	}
	vec_file_free(&f);
	assert_true(done >= 8);
}

/* Random DH agreement for all three groups (fresh keys both sides). */
static void test_dh_agree(void **state)
{
	(void)state;
	const uint16_t g[3] = { IKE_DH_ECP256, IKE_DH_ECP384, IKE_DH_X25519 };
	for (int i = 0; i < 3; i++) {
		struct ike_dh *a, *b;
		uint8_t pa[128], pb[128], s1[128], s2[128];
		assert_int_equal(ike_dh_create(g[i], &a), 0);
		assert_int_equal(ike_dh_create(g[i], &b), 0);
		int la = ike_dh_pub(a, pa, sizeof(pa)), lb = ike_dh_pub(b, pb, sizeof(pb));
		assert_int_equal(la, (int)ike_dh_pub_len(g[i]));
		int n1 = ike_dh_shared(a, pb, (size_t)lb, s1, sizeof(s1));
		int n2 = ike_dh_shared(b, pa, (size_t)la, s2, sizeof(s2));
		assert_true(n1 > 0 && n1 == n2);
		assert_memory_equal(s1, s2, (size_t)n1);
		ike_dh_free(a);
		ike_dh_free(b);
	}
	struct ike_dh *x;
	assert_int_equal(ike_dh_create(14, &x), -ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_vectors),
		cmocka_unit_test(test_kdf_vectors),
		cmocka_unit_test(test_derive_split),
		cmocka_unit_test(test_ecdh_vectors),
		cmocka_unit_test(test_x25519_vectors),
		cmocka_unit_test(test_gcm_vectors),
		cmocka_unit_test(test_dh_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
