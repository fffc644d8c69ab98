// SPDX-License-Identifier: Apache-2.0
/* AUTH signatures: RFC 7427 digital signatures (RSA PKCS#1 v1.5 / PSS, ECDSA, Ed25519) and the
 * RFC 4754 ECDSA methods 9/10/11, on OpenSSL 3 EVP.
 *
 *  RFC 7427 AUTH data (method 14):
 *  | ASN.1 Length  |  AlgorithmIdentifier ASN.1 object (DER)  ~  |  Signature Value  ~
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "ike_pki.h"

const uint16_t ike_pki_hashes[4] = { IKE_HASH_SHA2_256, IKE_HASH_SHA2_384, IKE_HASH_SHA2_512,
				 IKE_HASH_IDENTITY };

unsigned ike_pki_hash_mask(const uint8_t *d, size_t len)
{
	unsigned m = 0;
	for (size_t i = 0; i + 1 < len; i += 2) {
		uint16_t h = ike_get16(d + i);
		if (h < 16)
			m |= 1u << h;
	}
	return m;
}

static const EVP_MD *hash_md(unsigned h)
{
	switch (h) {
	case IKE_HASH_SHA2_256: return EVP_sha256();
	case IKE_HASH_SHA2_384: return EVP_sha384();
	case IKE_HASH_SHA2_512: return EVP_sha512();
	default: return NULL;
	}
}

/* The hash an ECDSA curve pairs with (RFC 4754), as hash id; 0 for other curves. */
static unsigned ec_hash(const EVP_PKEY *k)
{
	switch (EVP_PKEY_get_bits(k)) {
	case 256: return IKE_HASH_SHA2_256;
	case 384: return IKE_HASH_SHA2_384;
	case 521: return IKE_HASH_SHA2_512;
	default: return 0;
	}
}

/* One-shot sign or verify (Ed25519 knows no streaming); PSS parameters when pss_md is set. */
static int digest_op(EVP_PKEY *key, int sign, const EVP_MD *md, const EVP_MD *pss_md, int saltlen,
		     const uint8_t *msg, size_t mlen, uint8_t *sig, size_t *siglen, uint8_t *aid,
		     size_t *aidlen)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	int ok = m != NULL;
	if (ok)
		ok = sign ? EVP_DigestSignInit(m, &pc, md, NULL, key) == 1
			  : EVP_DigestVerifyInit(m, &pc, md, NULL, key) == 1;
	if (ok && pss_md)
		ok = EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md(pc, pss_md) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, saltlen) == 1;
	if (ok && aid) {
		/* the provider encodes the AlgorithmIdentifier of exactly this operation */
		OSSL_PARAM pr[] = {
			OSSL_PARAM_construct_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, aid, *aidlen),
			OSSL_PARAM_construct_end(),
		};
		ok = EVP_PKEY_CTX_get_params(pc, pr) == 1 && OSSL_PARAM_modified(pr);
		*aidlen = ok ? pr[0].return_size : 0;
		ok = ok && *aidlen > 0 && *aidlen < 256;
	}
	if (ok)
		ok = sign ? EVP_DigestSign(m, sig, siglen, msg, mlen) == 1
			  : EVP_DigestVerify(m, sig, *siglen, msg, mlen) == 1;
	EVP_MD_CTX_free(m);
	ERR_clear_error();
	return ok ? 0 : -EACCES;
}

/* ECDSA DER (ECDSA-Sig-Value) <-> fixed r | s (RFC 4754). */
static int ecdsa_der_to_rs(const uint8_t *der, size_t len, size_t n, uint8_t *out)
{
	const uint8_t *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
	int ok = s && BN_bn2binpad(ECDSA_SIG_get0_r(s), out, (int)n) == (int)n &&
		 BN_bn2binpad(ECDSA_SIG_get0_s(s), out + n, (int)n) == (int)n;
	ECDSA_SIG_free(s);
	return ok ? 0 : -EIO;
}

static int ecdsa_rs_to_der(const uint8_t *rs, size_t len, uint8_t *out, size_t *olen)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, (int)(len / 2), NULL), *t = BN_bin2bn(rs + len / 2, (int)(len / 2), NULL);
	int ok = s && r && t && ECDSA_SIG_set0(s, r, t) == 1;
	if (!ok) {
		BN_free(r);
		BN_free(t);
	}
	uint8_t *p = out;
	int n = ok && i2d_ECDSA_SIG(s, NULL) <= (int)*olen ? i2d_ECDSA_SIG(s, &p) : -1;
	ECDSA_SIG_free(s);
	*olen = n > 0 ? (size_t)n : 0;
	return n > 0 ? 0 : -EBADMSG;
}

int ike_pki_sign(EVP_PKEY *key, unsigned peer_hashes, int rsa_pss, const uint8_t *octets, size_t olen,
	     uint8_t *method, uint8_t *out, size_t cap)
{
	int type = EVP_PKEY_get_base_id(key);
	unsigned h = 0;
	const EVP_MD *md = NULL;
	if (type == EVP_PKEY_ED25519) {
		if (!(peer_hashes & (1u << IKE_HASH_IDENTITY)))
			return -ENOTSUP; /* Ed25519 exists only in RFC 7427 form */
	} else {
		unsigned pref = type == EVP_PKEY_EC ? ec_hash(key) : IKE_HASH_SHA2_256;
		if (peer_hashes & (1u << pref))
			h = pref;
		for (unsigned i = IKE_HASH_SHA2_256; !h && i <= IKE_HASH_SHA2_512; i++)
			if (peer_hashes & (1u << i))
				h = i;
		if (!h && type == EVP_PKEY_EC && pref) {
			/* no RFC 7427 from the peer: RFC 4754 with the curve's hash */
			uint8_t der[160];
			size_t dl = sizeof(der), n = (size_t)(EVP_PKEY_get_bits(key) + 7) / 8;
			if (2 * n > cap || digest_op(key, 1, hash_md(pref), NULL, 0, octets, olen, der, &dl,
						     NULL, NULL) || ecdsa_der_to_rs(der, dl, n, out))
				return -EIO;
			*method = (uint8_t)(IKE_AUTH_ECDSA_256 + pref - IKE_HASH_SHA2_256);
			return (int)(2 * n);
		}
		if (!h || (type != EVP_PKEY_EC && type != EVP_PKEY_RSA && type != EVP_PKEY_RSA_PSS))
			return -ENOTSUP;
		md = hash_md(h);
	}
	int pss = type == EVP_PKEY_RSA_PSS || (type == EVP_PKEY_RSA && rsa_pss);
	if (cap < 2)
		return -EMSGSIZE;
	size_t aidlen = cap - 1 < 255 ? cap - 1 : 255, siglen;
	if (EVP_PKEY_get_size(key) <= 0)
		return -EIO;
	siglen = (size_t)EVP_PKEY_get_size(key);
	/* the AlgorithmIdentifier is only known once the operation is set up: sign into place */
	uint8_t aid[256];
	if (digest_op(key, 1, md, pss ? md : NULL, RSA_PSS_SALTLEN_DIGEST, octets, olen, NULL, &siglen,
		      aid, &aidlen))
		return -EIO;
	if (1 + aidlen + siglen > cap)
		return -EMSGSIZE;
	size_t aid2 = aidlen;
	if (digest_op(key, 1, md, pss ? md : NULL, RSA_PSS_SALTLEN_DIGEST, octets, olen,
		      out + 1 + aidlen, &siglen, NULL, NULL))
		return -EIO;
	out[0] = (uint8_t)aid2;
	memcpy(out + 1, aid, aid2);
	*method = IKE_AUTH_DIGITAL_SIG;
	return (int)(1 + aid2 + siglen);
}

/* RSASSA-PSS parameters of an AlgorithmIdentifier: hash, MGF1 hash and salt length. */
static int pss_params(const X509_ALGOR *alg, const EVP_MD **md, const EVP_MD **mgf, int *salt)
{
	const ASN1_STRING *seq = alg->parameter && alg->parameter->type == V_ASN1_SEQUENCE
					 ? alg->parameter->value.sequence : NULL;
	if (!seq)
		return -EBADMSG;
	const uint8_t *p = ASN1_STRING_get0_data(seq);
	RSA_PSS_PARAMS *pp = d2i_RSA_PSS_PARAMS(NULL, &p, ASN1_STRING_length(seq));
	X509_ALGOR *mh = NULL; /* the MGF1 hash: the parameter of maskGenAlgorithm */
	int rc = -EBADMSG;
	if (pp && pp->maskGenAlgorithm && OBJ_obj2nid(pp->maskGenAlgorithm->algorithm) == NID_mgf1 &&
	    pp->maskGenAlgorithm->parameter && pp->maskGenAlgorithm->parameter->type == V_ASN1_SEQUENCE) {
		const ASN1_STRING *ms = pp->maskGenAlgorithm->parameter->value.sequence;
		const uint8_t *q = ASN1_STRING_get0_data(ms);
		mh = d2i_X509_ALGOR(NULL, &q, ASN1_STRING_length(ms));
	}
	/* SHA-1 defaults (absent fields) are refused: RFC 8247 */
	if (pp && pp->hashAlgorithm && mh &&
	    (!pp->trailerField || ASN1_INTEGER_get(pp->trailerField) == 1)) {
		*md = EVP_get_digestbyobj(pp->hashAlgorithm->algorithm);
		*mgf = EVP_get_digestbyobj(mh->algorithm);
		*salt = pp->saltLength ? (int)ASN1_INTEGER_get(pp->saltLength) : 20;
		int okmd = *md && (EVP_MD_get_type(*md) == NID_sha256 || EVP_MD_get_type(*md) == NID_sha384 ||
				   EVP_MD_get_type(*md) == NID_sha512);
		rc = okmd && *mgf && *salt >= 0 ? 0 : -EBADMSG;
	}
	X509_ALGOR_free(mh);
	RSA_PSS_PARAMS_free(pp);
	return rc;
}

static int verify14(EVP_PKEY *pub, const uint8_t *data, size_t dlen, const uint8_t *octets,
		    size_t olen)
{
	if (dlen < 2 || (size_t)data[0] + 1 >= dlen)
		return -EACCES;
	const uint8_t *p = data + 1;
	X509_ALGOR *alg = d2i_X509_ALGOR(NULL, &p, data[0]);
	int type = EVP_PKEY_get_base_id(pub), rc = -EACCES;
	const EVP_MD *md = NULL, *mgf = NULL;
	int salt = 0, want = -1;
	if (!alg || p != data + 1 + data[0])
		goto out;
	switch (OBJ_obj2nid(alg->algorithm)) {
	case NID_sha256WithRSAEncryption: md = EVP_sha256(); want = EVP_PKEY_RSA; break;
	case NID_sha384WithRSAEncryption: md = EVP_sha384(); want = EVP_PKEY_RSA; break;
	case NID_sha512WithRSAEncryption: md = EVP_sha512(); want = EVP_PKEY_RSA; break;
	case NID_ecdsa_with_SHA256: md = EVP_sha256(); want = EVP_PKEY_EC; break;
	case NID_ecdsa_with_SHA384: md = EVP_sha384(); want = EVP_PKEY_EC; break;
	case NID_ecdsa_with_SHA512: md = EVP_sha512(); want = EVP_PKEY_EC; break;
	case NID_ED25519: want = EVP_PKEY_ED25519; break;
	case NID_rsassaPss:
		if (pss_params(alg, &md, &mgf, &salt) == 0)
			want = type == EVP_PKEY_RSA_PSS ? EVP_PKEY_RSA_PSS : EVP_PKEY_RSA;
		break;
	default: break;
	}
	if (want < 0 || type != want)
		goto out;
	size_t sl = dlen - 1 - data[0];
	rc = digest_op(pub, 0, md, mgf, salt, octets, olen, (uint8_t *)(uintptr_t)(p), &sl, NULL, NULL);
out:
	X509_ALGOR_free(alg);
	ERR_clear_error();
	return rc;
}

int ike_pki_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *data, size_t dlen,
	       const uint8_t *octets, size_t olen)
{
	if (method == IKE_AUTH_DIGITAL_SIG)
		return verify14(pub, data, dlen, octets, olen);
	if (method < IKE_AUTH_ECDSA_256 || method > IKE_AUTH_ECDSA_521 ||
	    EVP_PKEY_get_base_id(pub) != EVP_PKEY_EC)
		return -EACCES;
	unsigned h = IKE_HASH_SHA2_256 + (method - IKE_AUTH_ECDSA_256);
	size_t n = (size_t)(EVP_PKEY_get_bits(pub) + 7) / 8;
	uint8_t der[160];
	size_t dl = sizeof(der);
	if (ec_hash(pub) != h || dlen != 2 * n || ecdsa_rs_to_der(data, dlen, der, &dl))
		return -EACCES;
	return digest_op(pub, 0, hash_md(h), NULL, 0, octets, olen, der, &dl, NULL, NULL);
}
