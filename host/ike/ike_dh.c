// SPDX-License-Identifier: Apache-2.0
/* IKEv2 Diffie-Hellman on EVP_PKEY: ECP groups 19/20 (RFC 5903 x|y) and X25519 group 31 (RFC 8031). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "ike.h"
#include "ike_crypto.h"

struct ike_dh {
	uint16_t group;
	EVP_PKEY *key;
};

static const char *curve_name(uint16_t g)
{
	return g == IKE_DH_ECP256 ? "P-256" : g == IKE_DH_ECP384 ? "P-384" : NULL;
}

static int curve_nid(uint16_t g)
{
	return g == IKE_DH_ECP256 ? NID_X9_62_prime256v1 : NID_secp384r1;
}

size_t ike_dh_pub_len(uint16_t group)
{
	switch (group) {
	case IKE_DH_ECP256: return 64;
	case IKE_DH_ECP384: return 96;
	case IKE_DH_X25519: return 32;
	default: return 0;
	}
}

uint16_t ike_dh_group(const struct ike_dh *dh)
{
	return dh->group;
}

int ike_dh_create(uint16_t group, struct ike_dh **out)
{
	if (!ike_dh_pub_len(group))
		return -ENOTSUP;
	struct ike_dh *dh = calloc(1, sizeof(*dh));
	if (!dh)
		return -ENOMEM;
	dh->group = group;
	if (group == IKE_DH_X25519)
		dh->key = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	else
		dh->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve_name(group));
	if (!dh->key) {
		free(dh);
		return -EIO;
	}
	*out = dh;
	return 0;
}

/* EC key from parameters: group name, public point (04|x|y) and optionally the private scalar. */
static EVP_PKEY *ec_from(uint16_t group, const uint8_t *pt, size_t ptlen, const BIGNUM *priv)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *p = NULL;
	EVP_PKEY_CTX *c = NULL;
	EVP_PKEY *k = NULL;
	if (!b || !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, curve_name(group), 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pt, ptlen) ||
	    (priv && !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
		goto out;
	p = OSSL_PARAM_BLD_to_param(b);
	c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!p || !c || EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, &k, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, p) != 1)
		k = NULL;
out:
	EVP_PKEY_CTX_free(c);
	OSSL_PARAM_free(p);
	OSSL_PARAM_BLD_free(b);
	return k;
}

int ike_dh_create_priv(uint16_t group, const uint8_t *priv, size_t len, struct ike_dh **out)
{
	if (!ike_dh_pub_len(group))
		return -ENOTSUP;
	struct ike_dh *dh = calloc(1, sizeof(*dh));
	if (!dh)
		return -ENOMEM;
	dh->group = group;
	if (group == IKE_DH_X25519) {
		dh->key = len == 32 ? EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32) : NULL;
	} else {
		/* the public point is derived here: EVP fromdata in OpenSSL 3.0 does not */
		EC_GROUP *g = EC_GROUP_new_by_curve_name(curve_nid(group));
		EC_POINT *q = g ? EC_POINT_new(g) : NULL;
		BIGNUM *d = BN_bin2bn(priv, (int)len, NULL);
		uint8_t pt[1 + 2 * 66];
		size_t ptlen = 0;
		if (q && d && EC_POINT_mul(g, q, d, NULL, NULL, NULL) == 1)
			ptlen = EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, pt, sizeof(pt), NULL);
		if (ptlen)
			dh->key = ec_from(group, pt, ptlen, d);
		BN_clear_free(d);
		EC_POINT_free(q);
		EC_GROUP_free(g);
	}
	if (!dh->key) {
		free(dh);
		return -EINVAL;
	}
	*out = dh;
	return 0;
}

int ike_dh_pub(const struct ike_dh *dh, uint8_t *out, size_t cap)
{
	size_t n = ike_dh_pub_len(dh->group);
	if (cap < n)
		return -EMSGSIZE;
	if (dh->group == IKE_DH_X25519) {
		size_t l = n;
		return EVP_PKEY_get_raw_public_key(dh->key, out, &l) == 1 && l == n ? (int)n : -EIO;
	}
	uint8_t pt[1 + 2 * 66];
	size_t l = 0;
	if (EVP_PKEY_get_octet_string_param(dh->key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt),
					    &l) != 1 || l != n + 1 || pt[0] != 4)
		return -EIO;
	memcpy(out, pt + 1, n);
	return (int)n;
}

int ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t plen, uint8_t *out, size_t cap)
{
	size_t n = ike_dh_pub_len(dh->group);
	if (plen != n)
		return -EBADMSG;
	EVP_PKEY *pk;
	if (dh->group == IKE_DH_X25519) {
		pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, plen);
	} else {
		uint8_t pt[1 + 2 * 66];
		pt[0] = 4;
		memcpy(pt + 1, peer, plen);
		pk = ec_from(dh->group, pt, plen + 1, NULL); /* rejects points not on the curve */
	}
	if (!pk)
		return -EBADMSG;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	size_t sl = cap;
	int rc = -EBADMSG;
	if (c && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer_ex(c, pk, 1) == 1 &&
	    EVP_PKEY_derive(c, out, &sl) == 1)
		rc = (int)sl;
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(pk);
	if (rc > 0) {
		/* RFC 8031 2: an all-zero X25519 result means a low-order point */
		uint8_t acc = 0;
		for (int i = 0; i < rc; i++)
			acc |= out[i];
		if (!acc)
			rc = -EBADMSG;
	}
	return rc;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	free(dh);
}
