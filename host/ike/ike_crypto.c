// SPDX-License-Identifier: Apache-2.0
/* IKEv2 PRF, prf+, key derivation, PSK AUTH, AES-GCM and hashes on OpenSSL 3 EVP. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike.h"
#include "ike_crypto.h"

static const char *prf_digest(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA1: return "SHA1";
	case IKE_PRF_HMAC_SHA2_256: return "SHA256";
	case IKE_PRF_HMAC_SHA2_384: return "SHA384";
	case IKE_PRF_HMAC_SHA2_512: return "SHA512";
	default: return NULL;
	}
}

size_t ike_prf_size(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA1: return 20;
	case IKE_PRF_HMAC_SHA2_256: return 32;
	case IKE_PRF_HMAC_SHA2_384: return 48;
	case IKE_PRF_HMAC_SHA2_512: return 64;
	default: return 0;
	}
}

void ike_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

int ike_random(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -EIO;
}

/* One HMAC context per digest, made once, copied per call: fetching the MAC and the digest by
 * name on every PRF call (a dozen per IKE SA) cost more than the hashing. */
static EVP_MAC_CTX *prf_tmpl[4]; /* SHA1, SHA256, SHA384, SHA512; read-only once made */
static pthread_once_t prf_once = PTHREAD_ONCE_INIT;

static void prf_make(void)
{
	static const uint16_t ids[4] = { IKE_PRF_HMAC_SHA1, IKE_PRF_HMAC_SHA2_256, IKE_PRF_HMAC_SHA2_384,
					 IKE_PRF_HMAC_SHA2_512 };
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);

	for (unsigned i = 0; mac && i < 4; i++) {
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)prf_digest(ids[i]), 0),
			OSSL_PARAM_construct_end(),
		};

		prf_tmpl[i] = EVP_MAC_CTX_new(mac);
		if (prf_tmpl[i] && EVP_MAC_CTX_set_params(prf_tmpl[i], params) != 1) {
			EVP_MAC_CTX_free(prf_tmpl[i]);
			prf_tmpl[i] = NULL;
		}
	}
	EVP_MAC_free(mac); /* the contexts hold their own reference */
}

static void __attribute__((destructor)) prf_free(void)
{
	for (unsigned i = 0; i < 4; i++) {
		EVP_MAC_CTX_free(prf_tmpl[i]);
		prf_tmpl[i] = NULL;
	}
}

int ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const struct ike_iov *v, unsigned n,
	    uint8_t *out)
{
	int k = prf == IKE_PRF_HMAC_SHA1 ? 0 : prf == IKE_PRF_HMAC_SHA2_256 ? 1
		: prf == IKE_PRF_HMAC_SHA2_384 ? 2 : prf == IKE_PRF_HMAC_SHA2_512 ? 3 : -1;
	if (k < 0)
		return -ENOTSUP;
	pthread_once(&prf_once, prf_make);
	EVP_MAC_CTX *c = prf_tmpl[k] ? EVP_MAC_CTX_dup(prf_tmpl[k]) : NULL;
	int rc = -EIO;
	/* HMAC accepts an empty key; OpenSSL wants a non-NULL pointer for it */
	static const uint8_t nokey[1];
	if (c && EVP_MAC_init(c, klen ? key : nokey, klen, NULL) == 1) {
		unsigned i;
		for (i = 0; i < n; i++)
			if (v[i].n && EVP_MAC_update(c, v[i].p, v[i].n) != 1)
				break;
		size_t olen = 0;
		if (i == n && EVP_MAC_final(c, out, &olen, IKE_PRF_MAX) == 1)
			rc = 0;
	}
	EVP_MAC_CTX_free(c);
	return rc;
}

int ike_prfplus(uint16_t prf, const uint8_t *key, size_t klen, const struct ike_iov *seed,
		unsigned n, uint8_t *out, size_t outlen)
{
	size_t hl = ike_prf_size(prf);
	if (!hl)
		return -ENOTSUP;
	if (outlen > 255 * hl || n > 6)
		return -EINVAL;
	uint8_t t[IKE_PRF_MAX];
	size_t done = 0;
	for (unsigned i = 1; done < outlen; i++) {
		uint8_t ctr = (uint8_t)i;
		struct ike_iov v[8];
		unsigned k = 0;
		if (i > 1)
			v[k++] = (struct ike_iov){ t, hl };
		for (unsigned j = 0; j < n; j++)
			v[k++] = seed[j];
		v[k++] = (struct ike_iov){ &ctr, 1 };
		int rc = ike_prf(prf, key, klen, v, k, t);
		if (rc) {
			ike_wipe(t, sizeof(t));
			return rc;
		}
		size_t take = outlen - done < hl ? outlen - done : hl;
		memcpy(out + done, t, take);
		done += take;
	}
	ike_wipe(t, sizeof(t));
	return 0;
}

/*
 * Nonces are the PRF key here. RFC 7296 2.14: with HMAC the whole Ni | Nr is the key; no
 * truncation applies (that rule is for PRFs with fixed key sizes, e.g. AES-XCBC).
 */
int ike_skeyseed(uint16_t prf, const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		 const uint8_t *gir, size_t glen, uint8_t *out)
{
	uint8_t k[512];
	if (nilen + nrlen > sizeof(k))
		return -EINVAL;
	memcpy(k, ni, nilen);
	memcpy(k + nilen, nr, nrlen);
	struct ike_iov v = { gir, glen };
	int rc = ike_prf(prf, k, nilen + nrlen, &v, 1, out);
	ike_wipe(k, sizeof(k));
	return rc;
}

int ike_skeyseed_rekey(uint16_t prf_old, const uint8_t *sk_d, size_t dlen, const uint8_t *gir,
		       size_t glen, const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		       uint8_t *out)
{
	struct ike_iov v[3] = { { gir, glen }, { ni, nilen }, { nr, nrlen } };
	return ike_prf(prf_old, sk_d, dlen, v, 3, out);
}

int ike_derive_keys(uint16_t prf, const uint8_t *skeyseed, const uint8_t *ni, size_t nilen,
		    const uint8_t *nr, size_t nrlen, uint64_t spi_i, uint64_t spi_r, size_t enc_len,
		    struct ike_keys *k)
{
	size_t pl = ike_prf_size(prf);
	if (!pl || enc_len > IKE_ENC_MAX)
		return -ENOTSUP;
	uint8_t spis[16];
	for (int i = 0; i < 8; i++) {
		spis[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		spis[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	uint8_t km[3 * IKE_PRF_MAX + 2 * IKE_ENC_MAX];
	size_t total = 3 * pl + 2 * enc_len;
	struct ike_iov seed[3] = { { ni, nilen }, { nr, nrlen }, { spis, 16 } };
	int rc = ike_prfplus(prf, skeyseed, pl, seed, 3, km, total);
	if (rc == 0) {
		/* SK_d | SK_ai | SK_ar (empty: AEAD) | SK_ei | SK_er | SK_pi | SK_pr */
		size_t o = 0;
		memcpy(k->sk_d, km + o, pl), o += pl;
		memcpy(k->sk_ei, km + o, enc_len), o += enc_len;
		memcpy(k->sk_er, km + o, enc_len), o += enc_len;
		memcpy(k->sk_pi, km + o, pl), o += pl;
		memcpy(k->sk_pr, km + o, pl);
		k->prf = prf;
		k->prf_len = (uint16_t)pl;
		k->enc_len = (uint16_t)enc_len;
	}
	ike_wipe(km, sizeof(km));
	return rc;
}

int ike_child_keymat(uint16_t prf, const uint8_t *sk_d, size_t dlen, const uint8_t *gir,
		     size_t glen, const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		     uint8_t *out, size_t outlen)
{
	struct ike_iov seed[3];
	unsigned n = 0;
	if (gir)
		seed[n++] = (struct ike_iov){ gir, glen };
	seed[n++] = (struct ike_iov){ ni, nilen };
	seed[n++] = (struct ike_iov){ nr, nrlen };
	return ike_prfplus(prf, sk_d, dlen, seed, n, out, outlen);
}

int ike_psk_auth(uint16_t prf, const uint8_t *psk, size_t psklen, const uint8_t *msg, size_t mlen,
		 const uint8_t *nonce, size_t nlen, const uint8_t *sk_p, size_t splen,
		 const uint8_t *id_body, size_t idlen, uint8_t *out)
{
	static const char pad[] = "Key Pad for IKEv2";
	uint8_t kp[IKE_PRF_MAX], macid[IKE_PRF_MAX];
	struct ike_iov v = { (const uint8_t *)pad, sizeof(pad) - 1 };
	int rc = ike_prf(prf, psk, psklen, &v, 1, kp);
	if (rc == 0) {
		v = (struct ike_iov){ id_body, idlen };
		rc = ike_prf(prf, sk_p, splen, &v, 1, macid);
	}
	if (rc == 0) {
		struct ike_iov o[3] = { { msg, mlen }, { nonce, nlen }, { macid, ike_prf_size(prf) } };
		rc = ike_prf(prf, kp, ike_prf_size(prf), o, 3, out);
	}
	ike_wipe(kp, sizeof(kp));
	ike_wipe(macid, sizeof(macid));
	return rc;
}

static const EVP_CIPHER *gcm_cipher(size_t klen)
{
	return klen == 16 ? EVP_aes_128_gcm() : klen == 32 ? EVP_aes_256_gcm() : NULL;
}

int ike_gcm_seal(const uint8_t *key, size_t klen, const uint8_t *nonce, const uint8_t *aad,
		 size_t aadlen, const uint8_t *pt, size_t len, uint8_t *ct, uint8_t *tag)
{
	const EVP_CIPHER *ci = gcm_cipher(klen);
	if (!ci || len > INT32_MAX || aadlen > INT32_MAX)
		return -EINVAL;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int ol = 0, rc = -EIO;
	if (c && EVP_EncryptInit_ex(c, ci, NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	    EVP_EncryptInit_ex(c, NULL, NULL, key, nonce) == 1 &&
	    (aadlen == 0 || EVP_EncryptUpdate(c, NULL, &ol, aad, (int)aadlen) == 1) &&
	    (len == 0 || EVP_EncryptUpdate(c, ct, &ol, pt, (int)len) == 1) &&
	    EVP_EncryptFinal_ex(c, ct + (len ? ol : 0), &ol) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1)
		rc = 0;
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int ike_gcm_open(const uint8_t *key, size_t klen, const uint8_t *nonce, const uint8_t *aad,
		 size_t aadlen, const uint8_t *ct, size_t len, const uint8_t *tag, uint8_t *pt)
{
	const EVP_CIPHER *ci = gcm_cipher(klen);
	if (!ci || len > INT32_MAX || aadlen > INT32_MAX)
		return -EINVAL;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int ol = 0, rc = -EBADMSG;
	uint8_t t[16];
	memcpy(t, tag, 16);
	if (c && EVP_DecryptInit_ex(c, ci, NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	    EVP_DecryptInit_ex(c, NULL, NULL, key, nonce) == 1 &&
	    (aadlen == 0 || EVP_DecryptUpdate(c, NULL, &ol, aad, (int)aadlen) == 1) &&
	    (len == 0 || EVP_DecryptUpdate(c, pt, &ol, ct, (int)len) == 1) &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, t) == 1 &&
	    EVP_DecryptFinal_ex(c, pt + (len ? ol : 0), &ol) == 1)
		rc = 0;
	EVP_CIPHER_CTX_free(c);
	if (rc)
		ike_wipe(pt, len); /* no unauthenticated plaintext left behind */
	return rc;
}

static int digest(const char *name, const struct ike_iov *v, unsigned n, uint8_t *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int rc = -EIO;
	if (c && EVP_DigestInit_ex(c, name[3] == '1' ? EVP_sha1() : EVP_sha256(), NULL) == 1) {
		unsigned i;
		for (i = 0; i < n; i++)
			if (EVP_DigestUpdate(c, v[i].p, v[i].n) != 1)
				break;
		if (i == n && EVP_DigestFinal_ex(c, out, NULL) == 1)
			rc = 0;
	}
	EVP_MD_CTX_free(c);
	return rc;
}

int ike_sha256(const struct ike_iov *v, unsigned n, uint8_t out[32])
{
	return digest("SHA256", v, n, out);
}

int ike_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct sockaddr *addr, uint8_t out[20])
{
	uint8_t spis[16], port[2];
	for (int i = 0; i < 8; i++) {
		spis[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		spis[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	struct ike_iov v[3] = { { spis, 16 }, { NULL, 0 }, { port, 2 } };
	if (addr->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)addr;
		v[1] = (struct ike_iov){ (const uint8_t *)&s->sin_addr, 4 };
		memcpy(port, &s->sin_port, 2);
	} else if (addr->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)addr;
		v[1] = (struct ike_iov){ (const uint8_t *)&s->sin6_addr, 16 };
		memcpy(port, &s->sin6_port, 2);
	} else {
		return -EAFNOSUPPORT;
	}
	return digest("SHA1", v, 3, out);
}
