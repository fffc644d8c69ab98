/* SPDX-License-Identifier: Apache-2.0 */
/* AES-GCM algorithm cases: the C kernel and ipsec-mb (the two engines' AES-GCM), and OpenSSL. */
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <openssl/evp.h>

#include "gcm.h"
#include "vectors.h"

int vec_is_gcm(const struct vec_case *c)
{
	const char *alg = vec_get(c, "alg");

	return alg && strstr(alg, "GCM") && !vec_get(c, "spi") && vec_get(c, "tag") &&
	       vec_get(c, "iv") && vec_get(c, "key");
}

static int imb_gcm(IMB_MGR *m, int enc, const uint8_t *key, long kl, const uint8_t *iv,
		   const uint8_t *aad, long al, const uint8_t *in, uint8_t *out, long n, uint8_t *tag)
{
	struct gcm_key_data kd __attribute__((aligned(64)));
	struct gcm_context_data ctx;

	if (kl == 16) {
		IMB_AES128_GCM_PRE(m, key, &kd);
		if (enc)
			IMB_AES128_GCM_ENC(m, &kd, &ctx, out, in, (uint64_t)n, iv, aad, (uint64_t)al, tag, 16);
		else
			IMB_AES128_GCM_DEC(m, &kd, &ctx, out, in, (uint64_t)n, iv, aad, (uint64_t)al, tag, 16);
	} else if (kl == 24) {
		IMB_AES192_GCM_PRE(m, key, &kd);
		if (enc)
			IMB_AES192_GCM_ENC(m, &kd, &ctx, out, in, (uint64_t)n, iv, aad, (uint64_t)al, tag, 16);
		else
			IMB_AES192_GCM_DEC(m, &kd, &ctx, out, in, (uint64_t)n, iv, aad, (uint64_t)al, tag, 16);
	} else {
		IMB_AES256_GCM_PRE(m, key, &kd);
		if (enc)
			IMB_AES256_GCM_ENC(m, &kd, &ctx, out, in, (uint64_t)n, iv, aad, (uint64_t)al, tag, 16);
		else
			IMB_AES256_GCM_DEC(m, &kd, &ctx, out, in, (uint64_t)n, iv, aad, (uint64_t)al, tag, 16);
	}
	return 0;
}

static int ossl_gcm(const uint8_t *key, long kl, const uint8_t *iv, const uint8_t *aad, long al,
		    const uint8_t *in, uint8_t *out, long n, uint8_t *tag)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	const EVP_CIPHER *ci = kl == 16 ? EVP_aes_128_gcm() : kl == 24 ? EVP_aes_192_gcm() :
									   EVP_aes_256_gcm();
	int l, ok;

	ok = x && EVP_EncryptInit_ex(x, ci, NULL, key, iv) == 1 &&
	     (al == 0 || EVP_EncryptUpdate(x, NULL, &l, aad, (int)al) == 1) &&
	     (n == 0 || EVP_EncryptUpdate(x, out, &l, in, (int)n) == 1) &&
	     EVP_EncryptFinal_ex(x, out + n, &l) == 1 &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

void vec_run_gcm(const struct vec_case *c, struct vec_result *r)
{
	static IMB_MGR *m;
	uint8_t *key = NULL, *iv = NULL, *aad = NULL, *pt = NULL, *ct = NULL, *tag = NULL;
	long kl, ivl, al, pl, cl, tl;
	uint8_t out[4096], tagout[16], back[4096];
	struct vrfsec_gcm_key gk;

	kl = vec_hex(c, "key", &key);
	ivl = vec_hex(c, "iv", &iv);
	al = vec_get(c, "aad") ? vec_hex(c, "aad", &aad) : 0;
	pl = vec_hex(c, "plaintext", &pt);
	cl = vec_hex(c, "ciphertext", &ct);
	tl = vec_hex(c, "tag", &tag);
	if (ivl >= 0 && ivl != 12) {
		r->verdict = -1;
		snprintf(r->why, sizeof(r->why), "%ld-byte GCM IV: ESP uses only 96-bit nonces", ivl);
		goto out;
	}
	if ((kl != 16 && kl != 24 && kl != 32) || al < 0 || pl < 0 || cl != pl || tl != 16 ||
	    pl > (long)sizeof(out) - 16 || al > 64) {
		vr_fail(r, "malformed GCM case");
		goto out;
	}
	if (!m) {
		m = alloc_mb_mgr(0);
		if (!m) {
			vr_fail(r, "ipsec-mb manager");
			goto out;
		}
		init_mb_mgr_auto(m, NULL);
	}
	/* C kernel */
	vrfsec_gcm_key_setup(&gk, key, (uint32_t)kl);
	vrfsec_gcm_seal(&gk, iv, aad, (uint32_t)al, pt, out, (uint32_t)pl, tagout);
	r->checks++;
	if (memcmp(out, ct, (size_t)pl) || memcmp(tagout, tag, 16)) {
		vr_fail(r, "cmodel seal differs");
		goto out;
	}
	r->checks++;
	if (vrfsec_gcm_open(&gk, iv, aad, (uint32_t)al, ct, back, (uint32_t)pl, tag) != 1 ||
	    memcmp(back, pt, (size_t)pl)) {
		vr_fail(r, "cmodel open failed");
		goto out;
	}
	tagout[0] ^= 1;
	r->checks++;
	if (vrfsec_gcm_open(&gk, iv, aad, (uint32_t)al, ct, back, (uint32_t)pl, tagout) != 0) {
		vr_fail(r, "cmodel open accepted a wrong tag");
		goto out;
	}
	/* ipsec-mb */
	imb_gcm(m, 1, key, kl, iv, aad, al, pt, out, pl, tagout);
	r->checks++;
	if (memcmp(out, ct, (size_t)pl) || memcmp(tagout, tag, 16)) {
		vr_fail(r, "ipsec-mb seal differs");
		goto out;
	}
	imb_gcm(m, 0, key, kl, iv, aad, al, ct, back, pl, tagout);
	r->checks++;
	if (memcmp(back, pt, (size_t)pl) || memcmp(tagout, tag, 16)) {
		vr_fail(r, "ipsec-mb open differs");
		goto out;
	}
	/* OpenSSL, the independent reference */
	r->checks++;
	if (ossl_gcm(key, kl, iv, aad, al, pt, out, pl, tagout) != 0 || memcmp(out, ct, (size_t)pl) ||
	    memcmp(tagout, tag, 16)) {
		vr_fail(r, "OpenSSL disagrees with the vector");
		goto out;
	}
out:
	explicit_bzero(&gk, sizeof(gk));
	free(key);
	free(iv);
	free(aad);
	free(pt);
	free(ct);
	free(tag);
}
