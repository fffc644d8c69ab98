/* SPDX-License-Identifier: Apache-2.0 */
/* Unit test of the AES-GCM kernel (hw/hls/gcm.c, aes.c): spec vectors, OpenSSL, tampering. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aes.h"
#include "gcm.h"
#include "vrfsec_hls.h"

#define SEED 0x76726673656331ull /* fixed: a failure must reproduce */
#define RANDOM_CASES 2000u
#define TAMPER_CASES 40u
#define TAMPER_FLIPS 10u /* per case: 400 single-bit flips in all */
#define MAX_AAD 16u

static uint64_t rng_state;

/* splitmix64: small, and the same stream on every platform */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rnd_fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2, i;
	unsigned int v;

	assert_true(strlen(s) % 2 == 0 && n <= cap);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Cases 1-4, 7-10, 13-16 of McGrew & Viega, "The Galois/Counter Mode of Operation" (the ones
 * with a 96-bit IV), as in /work/shared/vectors/gcm.txt (via the nettle testsuite). */
struct mv_case {
	int num;
	const char *key, *iv, *aad, *pt, *ct, *tag;
};

#define MV_IV "cafebabefacedbaddecaf888"
#define MV_AAD20 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define MV_PT60                                                                                    \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"                         \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define MV_PT64 MV_PT60 "1aafd255"

static const struct mv_case mv_cases[] = {
	{ 1,
	  "00000000000000000000000000000000",
	  "000000000000000000000000",
	  "",
	  "",
	  "",
	  "58e2fccefa7e3061367f1d57a4e7455a",
	},
	{ 2,
	  "00000000000000000000000000000000",
	  "000000000000000000000000",
	  "",
	  "00000000000000000000000000000000",
	  "0388dace60b6a392f328c2b971b2fe78",
	  "ab6e47d42cec13bdf53a67b21257bddf",
	},
	{ 3,
	  "feffe9928665731c6d6a8f9467308308",
	  MV_IV,
	  "",
	  MV_PT64,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4",
	},
	{ 4,
	  "feffe9928665731c6d6a8f9467308308",
	  MV_IV,
	  MV_AAD20,
	  MV_PT60,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47",
	},
	{ 7,
	  "000000000000000000000000000000000000000000000000",
	  "000000000000000000000000",
	  "",
	  "",
	  "",
	  "cd33b28ac773f74ba00ed1f312572435",
	},
	{ 8,
	  "000000000000000000000000000000000000000000000000",
	  "000000000000000000000000",
	  "",
	  "00000000000000000000000000000000",
	  "98e7247c07f0fe411c267e4384b0f600",
	  "2ff58d80033927ab8ef4d4587514f0fb",
	},
	{ 9,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c",
	  MV_IV,
	  "",
	  MV_PT64,
	  "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
	  "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256",
	  "9924a7c8587336bfb118024db8674a14",
	},
	{ 10,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c",
	  MV_IV,
	  MV_AAD20,
	  MV_PT60,
	  "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c"
	  "7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
	  "2519498e80f1478f37ba55bd6d27618c",
	},
	{ 13,
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000",
	  "",
	  "",
	  "",
	  "530f8afbc74536b9a963b4f1c4cb738b",
	},
	{ 14,
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000",
	  "",
	  "00000000000000000000000000000000",
	  "cea7403d4d606b6e074ec5d3baf39d18",
	  "d0d1c8a799996bf0265b98b5d48ab919",
	},
	{ 15,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  MV_IV,
	  "",
	  MV_PT64,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c",
	},
	{ 16,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  MV_IV,
	  MV_AAD20,
	  MV_PT60,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b",
	},
};

/* Seal out of place and in place, then open in place; a failure names the spec's case number. */
static void test_mv_vectors(void **state)
{
	uint8_t key[32], iv[12], aad[32], pt[64], ct[64], tag[16], buf[64], got[16];
	struct vrfsec_gcm_key k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(mv_cases) / sizeof(mv_cases[0]); i++) {
		const struct mv_case *c = &mv_cases[i];
		size_t klen = unhex(c->key, key, sizeof(key));
		size_t alen = unhex(c->aad, aad, sizeof(aad));
		size_t len = unhex(c->pt, pt, sizeof(pt));
		int pass = 1;

		assert_int_equal(unhex(c->iv, iv, sizeof(iv)), 12);
		assert_int_equal(unhex(c->ct, ct, sizeof(ct)), len);
		unhex(c->tag, tag, sizeof(tag));
		assert_int_equal(vrfsec_gcm_key_setup(&k, key, (uint32_t)klen), VRFSEC_OK);

		memset(buf, 0, sizeof(buf));
		vrfsec_gcm_seal(&k, iv, aad, (uint32_t)alen, pt, buf, (uint32_t)len, got);
		pass &= memcmp(buf, ct, len) == 0 && memcmp(got, tag, 16) == 0;
		memcpy(buf, pt, len);
		vrfsec_gcm_seal(&k, iv, aad, (uint32_t)alen, buf, buf, (uint32_t)len, got);
		pass &= memcmp(buf, ct, len) == 0 && memcmp(got, tag, 16) == 0;
		pass &= vrfsec_gcm_open(&k, iv, aad, (uint32_t)alen, buf, buf, (uint32_t)len, tag);
		pass &= memcmp(buf, pt, len) == 0;
		if (!pass)
			fail_msg("McGrew-Viega test case %d", c->num);
	}
}

/* FIPS 197 appendix C: the cipher alone, each key size, in place and not. */
static void test_aes_fips197(void **state)
{
	static const char *const want[3] = { "69c4e0d86a7b0430d8cdb78070b4c55a",
					     "dda97ca4864cdfe06eaf70a0ec0d7191",
					     "8ea2b7ca516745bfeafc49904b496089" };
	uint8_t key[32], pt[16], exp[16], ct[16];
	struct vrfsec_aes_key k;
	size_t i;

	(void)state;
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	unhex("00112233445566778899aabbccddeeff", pt, sizeof(pt));
	for (i = 0; i < 3; i++) {
		assert_int_equal(vrfsec_aes_expand(&k, key, (uint32_t)(16 + 8 * i)), VRFSEC_OK);
		assert_int_equal(k.rounds, 10 + 2 * i);
		unhex(want[i], exp, sizeof(exp));
		vrfsec_aes_encrypt(&k, pt, ct);
		assert_memory_equal(ct, exp, 16);
		memcpy(ct, pt, 16);
		vrfsec_aes_encrypt(&k, ct, ct);
		assert_memory_equal(ct, exp, 16);
	}
}

static void ossl_seal(const uint8_t *key, size_t klen, const uint8_t *iv, const uint8_t *aad,
		      size_t alen, const uint8_t *pt, uint8_t *ct, size_t len, uint8_t tag[16])
{
	const EVP_CIPHER *c = klen == 16 ? EVP_aes_128_gcm() :
			      klen == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	assert_non_null(ctx);
	ok = EVP_EncryptInit_ex(ctx, c, NULL, key, iv) == 1; /* the default IV is 12 bytes */
	if (ok && alen > 0)
		ok = EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)alen) == 1;
	if (ok && len > 0)
		ok = EVP_EncryptUpdate(ctx, ct, &n, pt, (int)len) == 1 && (size_t)n == len;
	if (ok) {
		uint8_t fin[16];

		ok = EVP_EncryptFinal_ex(ctx, fin, &n) == 1 && n == 0;
	}
	if (ok)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	assert_true(ok);
}

/* Buffers of exactly len bytes, so that ASan and valgrind see any access past the end. */
static uint8_t *xmalloc(size_t n)
{
	uint8_t *p = malloc(n > 0 ? n : 1);

	assert_non_null(p);
	return p;
}

static void test_random_vs_openssl(void **state)
{
	static const size_t aad_lens[4] = { 0, 8, 12, 16 };
	static const size_t edge[] = { 0, 1, 15, 16, 17, 31, 32, 33, 2047, 2048 };
	uint8_t key[32], iv[12], aad[MAX_AAD], tag[16], want_tag[16];
	struct vrfsec_gcm_key k;
	size_t i;

	(void)state;
	rng_state = SEED;
	for (i = 0; i < RANDOM_CASES; i++) {
		uint8_t *pt, *ct, *want, *out;
		int seal_inplace = (int)(rnd() & 1), open_inplace = (int)(rnd() & 1);
		size_t klen = 16 + 8 * (size_t)(rnd() % 3);
		size_t alen = aad_lens[rnd() % 4];
		size_t len = i < sizeof(edge) / sizeof(edge[0]) ? edge[i] : (size_t)(rnd() % 2049);

		rnd_fill(key, klen);
		rnd_fill(iv, sizeof(iv));
		rnd_fill(aad, alen);
		pt = xmalloc(len);
		ct = xmalloc(len);
		want = xmalloc(len);
		rnd_fill(pt, len);
		ossl_seal(key, klen, iv, aad, alen, pt, want, len, want_tag);

		assert_int_equal(vrfsec_gcm_key_setup(&k, key, (uint32_t)klen), VRFSEC_OK);
		if (seal_inplace) {
			memcpy(ct, pt, len);
			vrfsec_gcm_seal(&k, iv, aad, (uint32_t)alen, ct, ct, (uint32_t)len, tag);
		} else {
			uint8_t *in = xmalloc(len);

			memcpy(in, pt, len);
			vrfsec_gcm_seal(&k, iv, aad, (uint32_t)alen, in, ct, (uint32_t)len, tag);
			assert_memory_equal(in, pt, len); /* the source is only read */
			free(in);
		}
		assert_memory_equal(ct, want, len);
		assert_memory_equal(tag, want_tag, 16);

		out = open_inplace ? ct : xmalloc(len);
		assert_int_equal(vrfsec_gcm_open(&k, iv, aad, (uint32_t)alen, ct, out,
						 (uint32_t)len, tag), 1);
		assert_memory_equal(out, pt, len);
		if (!open_inplace)
			free(out);
		free(pt);
		free(ct);
		free(want);
	}
}

/* One flipped bit anywhere in AAD, ciphertext or tag must fail open and leave out as it was. */
static void test_tamper(void **state)
{
	uint8_t key[32], iv[12], aad[MAX_AAD], tag[16], pt[VRFSEC_MAX_FRAME], ct[VRFSEC_MAX_FRAME];
	uint8_t out[VRFSEC_MAX_FRAME], keep[VRFSEC_MAX_FRAME];
	struct vrfsec_gcm_key k;
	size_t i, f;

	(void)state;
	rng_state = SEED ^ 0x7461u;
	for (i = 0; i < TAMPER_CASES; i++) {
		size_t klen = 16 + 8 * (size_t)(rnd() % 3);
		size_t alen = 8 + 4 * (size_t)(rnd() % 3);
		size_t len = 1 + (size_t)(rnd() % VRFSEC_MAX_FRAME);

		rnd_fill(key, klen);
		rnd_fill(iv, sizeof(iv));
		rnd_fill(aad, alen);
		rnd_fill(pt, len);
		assert_int_equal(vrfsec_gcm_key_setup(&k, key, (uint32_t)klen), VRFSEC_OK);
		vrfsec_gcm_seal(&k, iv, aad, (uint32_t)alen, pt, ct, (uint32_t)len, tag);

		for (f = 0; f < TAMPER_FLIPS; f++) {
			uint64_t where = rnd() % 3, bit = rnd();
			uint8_t *p = where == 0 ? aad : where == 1 ? ct : tag;
			size_t plen = where == 0 ? alen : where == 1 ? len : 16;
			size_t pos = (size_t)(bit >> 3) % plen;
			uint8_t mask = (uint8_t)(1u << (bit & 7));
			int inplace = (int)(rnd() & 1);

			p[pos] ^= mask;
			if (inplace) {
				memcpy(keep, ct, len);
				assert_int_equal(vrfsec_gcm_open(&k, iv, aad, (uint32_t)alen, ct, ct,
								 (uint32_t)len, tag), 0);
				assert_memory_equal(ct, keep, len);
			} else {
				memset(out, 0xa5, len);
				memset(keep, 0xa5, len);
				assert_int_equal(vrfsec_gcm_open(&k, iv, aad, (uint32_t)alen, ct, out,
								 (uint32_t)len, tag), 0);
				assert_memory_equal(out, keep, len);
			}
			p[pos] ^= mask;
		}
		/* and the untampered packet still opens */
		assert_int_equal(vrfsec_gcm_open(&k, iv, aad, (uint32_t)alen, ct, out,
						 (uint32_t)len, tag), 1);
		assert_memory_equal(out, pt, len);
	}
}

static void test_bad_key_len(void **state)
{
	static const uint32_t bad[] = { 0, 1, 8, 15, 17, 20, 23, 25, 31, 33, 48, 64 };
	uint8_t key[64] = { 0 };
	struct vrfsec_gcm_key k, before;
	size_t i;

	(void)state;
	memset(&k, 0x5a, sizeof(k));
	memcpy(&before, &k, sizeof(k));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vrfsec_gcm_key_setup(&k, key, bad[i]), VRFSEC_EINVAL);
		assert_int_equal(vrfsec_aes_expand(&k.aes, key, bad[i]), VRFSEC_EINVAL);
		assert_memory_equal(&k, &before, sizeof(k)); /* a rejected key changes nothing */
	}
	assert_int_equal(vrfsec_gcm_key_setup(&k, NULL, 0), VRFSEC_EINVAL);
}

/* Lengths the hardware cannot hold: open refuses, seal writes no data and a zero tag. */
static void test_limits(void **state)
{
	static uint8_t buf[VRFSEC_MAX_FRAME + 16], keep[VRFSEC_MAX_FRAME + 16];
	uint8_t key[16] = { 0 }, iv[12] = { 0 }, aad[40] = { 0 }, tag[16];
	struct vrfsec_gcm_key k;
	size_t i;

	(void)state;
	assert_int_equal(vrfsec_gcm_key_setup(&k, key, sizeof(key)), VRFSEC_OK);
	memset(buf, 0x3c, sizeof(buf));
	memcpy(keep, buf, sizeof(buf));
	memset(tag, 0xff, sizeof(tag));
	vrfsec_gcm_seal(&k, iv, aad, 0, buf, buf, VRFSEC_MAX_FRAME + 1, tag);
	assert_memory_equal(buf, keep, sizeof(buf));
	for (i = 0; i < 16; i++)
		assert_int_equal(tag[i], 0);
	assert_int_equal(vrfsec_gcm_open(&k, iv, aad, 0, buf, buf, VRFSEC_MAX_FRAME + 1, tag), 0);
	vrfsec_gcm_seal(&k, iv, aad, sizeof(aad), buf, buf, 16, tag);
	assert_memory_equal(buf, keep, sizeof(buf));
	/* refused even with a tag that is right for the long AAD */
	ossl_seal(key, sizeof(key), iv, aad, sizeof(aad), keep, buf, 16, tag);
	memcpy(keep, buf, sizeof(buf));
	assert_int_equal(vrfsec_gcm_open(&k, iv, aad, sizeof(aad), buf, buf, 16, tag), 0);
	assert_memory_equal(buf, keep, sizeof(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aes_fips197),
		cmocka_unit_test(test_mv_vectors),
		cmocka_unit_test(test_random_vs_openssl),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_bad_key_len),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
