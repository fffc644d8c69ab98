// SPDX-License-Identifier: Apache-2.0
/* IKEv2 Diffie-Hellman: ECP groups 19/20 (RFC 5903 x|y) on OpenSSL's EC_GROUP/EC_POINT, X25519
 * group 31 (RFC 8031) on EVP_PKEY. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "ike.h"
#include "ike_crypto.h"

/* ECP keys are a scalar and a point on a group built once per process: OpenSSL 3's EVP path
 * rebuilds the curve from its name (and revalidates it) on every key and every derive, which
 * cost more than the point multiplications themselves. X25519 stays on EVP_PKEY. */
struct ike_dh {
	uint16_t group;
	EVP_PKEY *key;  /* X25519 */
	BIGNUM *d;      /* ECP: private scalar */
	EC_POINT *q;    /* ECP: public point d*G */
};

static EC_GROUP *groups[2]; /* P-256, P-384: read-only once made */
static pthread_once_t groups_once = PTHREAD_ONCE_INIT;

static void groups_make(void)
{
	groups[0] = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	groups[1] = EC_GROUP_new_by_curve_name(NID_secp384r1);
}

/* At exit: the groups are the process's, not a context's. */
static void __attribute__((destructor)) groups_free(void)
{
	EC_GROUP_free(groups[0]);
	EC_GROUP_free(groups[1]);
	groups[0] = groups[1] = NULL;
}

static const EC_GROUP *ec_group(uint16_t g)
{
	pthread_once(&groups_once, groups_make);
	return g == IKE_DH_ECP256 ? groups[0] : g == IKE_DH_ECP384 ? groups[1] : NULL;
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

/* d given (1 <= d < n) or random; q = d*G. */
static int ec_key(struct ike_dh *dh, const uint8_t *priv, size_t len)
{
	const EC_GROUP *g = ec_group(dh->group);
	const BIGNUM *n = g ? EC_GROUP_get0_order(g) : NULL;

	if (!n)
		return -EIO;
	dh->d = BN_secure_new();
	dh->q = EC_POINT_new(g);
	if (!dh->d || !dh->q)
		return -ENOMEM;
	if (priv) {
		if (!BN_bin2bn(priv, (int)len, dh->d) || BN_is_zero(dh->d) || BN_cmp(dh->d, n) >= 0)
			return -EINVAL;
	} else {
		do {
			if (BN_priv_rand_range(dh->d, n) != 1)
				return -EIO;
		} while (BN_is_zero(dh->d));
	}
	return EC_POINT_mul(g, dh->q, dh->d, NULL, NULL, NULL) == 1 ? 0 : -EIO;
}

static int dh_new(uint16_t group, const uint8_t *priv, size_t len, struct ike_dh **out)
{
	struct ike_dh *dh;
	int rc = 0;

	if (!ike_dh_pub_len(group))
		return -ENOTSUP;
	dh = calloc(1, sizeof(*dh));
	if (!dh)
		return -ENOMEM;
	dh->group = group;
	if (group == IKE_DH_X25519) {
		if (priv)
			dh->key = len == 32 ? EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32) : NULL;
		else
			dh->key = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
		if (!dh->key)
			rc = priv ? -EINVAL : -EIO;
	} else {
		rc = ec_key(dh, priv, len);
	}
	if (rc) {
		ike_dh_free(dh);
		return rc;
	}
	*out = dh;
	return 0;
}

int ike_dh_create(uint16_t group, struct ike_dh **out)
{
	return dh_new(group, NULL, 0, out);
}

int ike_dh_create_priv(uint16_t group, const uint8_t *priv, size_t len, struct ike_dh **out)
{
	int rc = dh_new(group, priv, len, out);

	return rc == -EIO ? -EINVAL : rc;
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
	size_t l = EC_POINT_point2oct(ec_group(dh->group), dh->q, POINT_CONVERSION_UNCOMPRESSED, pt,
				      sizeof(pt), NULL);
	if (l != n + 1 || pt[0] != 4)
		return -EIO;
	memcpy(out, pt + 1, n);
	return (int)n;
}

/* RFC 5903 7: the shared secret is the x coordinate of d * peer. The peer's point must be on
 * the curve (oct2point and the explicit check) and the product not the point at infinity (the
 * curves have cofactor 1, so no small subgroup to fall into). */
static int ec_shared(struct ike_dh *dh, const uint8_t *peer, size_t plen, uint8_t *out, size_t cap)
{
	const EC_GROUP *g = ec_group(dh->group);
	EC_POINT *p = EC_POINT_new(g), *z = EC_POINT_new(g);
	BN_CTX *bc = BN_CTX_new();
	BIGNUM *x = BN_new();
	uint8_t pt[1 + 2 * 66];
	size_t fl = plen / 2;
	int rc = -EBADMSG;

	pt[0] = 4;
	memcpy(pt + 1, peer, plen);
	if (!p || !z || !bc || !x) {
		rc = -ENOMEM;
	} else if (cap >= fl && EC_POINT_oct2point(g, p, pt, plen + 1, bc) == 1 &&
		   EC_POINT_is_on_curve(g, p, bc) == 1 && !EC_POINT_is_at_infinity(g, p) &&
		   EC_POINT_mul(g, z, NULL, p, dh->d, bc) == 1 && !EC_POINT_is_at_infinity(g, z) &&
		   EC_POINT_get_affine_coordinates(g, z, x, NULL, bc) == 1 &&
		   BN_bn2binpad(x, out, (int)fl) == (int)fl) {
		rc = (int)fl;
	}
	BN_clear_free(x);
	BN_CTX_free(bc);
	EC_POINT_clear_free(z);
	EC_POINT_free(p);
	return rc;
}

int ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t plen, uint8_t *out, size_t cap)
{
	size_t n = ike_dh_pub_len(dh->group);
	if (plen != n)
		return -EBADMSG;
	if (dh->group != IKE_DH_X25519)
		return ec_shared(dh, peer, plen, out, cap);
	EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, plen);
	if (!pk)
		return -EBADMSG;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	size_t sl = cap;
	int rc = -EBADMSG;
	/* no peer key check: every 32-byte string is an X25519 public key (RFC 7748 5), and the
	 * low-order points it would not catch anyway give the all-zero result refused below */
	if (c && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer_ex(c, pk, 0) == 1 &&
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
	BN_clear_free(dh->d);
	EC_POINT_clear_free(dh->q);
	free(dh);
}
