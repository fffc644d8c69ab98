/* SPDX-License-Identifier: Apache-2.0 */
/* IKEv2 crypto on OpenSSL 3 EVP: PRF/prf+, key derivation, DH groups 19/20/31, AES-GCM, AUTH. */
#ifndef VRFSEC_IKE_CRYPTO_H
#define VRFSEC_IKE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum { IKE_PRF_MAX = 64, IKE_ENC_MAX = 36, IKE_GCM_IV = 8, IKE_GCM_ICV = 16, IKE_GCM_SALT = 4 };

struct ike_iov {
	const uint8_t *p;
	size_t n;
};

/* Output size of a PRF (its preferred key size too), 0 when unsupported. */
size_t ike_prf_size(uint16_t prf);
/* out = prf(key, v[0] | v[1] | ...); 0 or -errno. */
int ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const struct ike_iov *v, unsigned n,
	    uint8_t *out);
/* prf+ (RFC 7296 2.13): out (outlen <= 255 * prf size) = T1 | T2 | ... */
int ike_prfplus(uint16_t prf, const uint8_t *key, size_t klen, const struct ike_iov *seed,
		unsigned n, uint8_t *out, size_t outlen);

/* The seven IKE SA keys. enc_len = AES key + 4-byte salt; SK_ai/SK_ar are empty with AEAD. */
struct ike_keys {
	uint8_t sk_d[IKE_PRF_MAX], sk_pi[IKE_PRF_MAX], sk_pr[IKE_PRF_MAX];
	uint8_t sk_ei[IKE_ENC_MAX], sk_er[IKE_ENC_MAX];
	uint16_t prf, prf_len, enc_len;
};
/* SKEYSEED = prf(Ni | Nr, g^ir) (2.14). */
int ike_skeyseed(uint16_t prf, const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		 const uint8_t *gir, size_t glen, uint8_t *out);
/* SKEYSEED = prf_old(SK_d(old), g^ir(new) | Ni | Nr) (2.18). */
int ike_skeyseed_rekey(uint16_t prf_old, const uint8_t *sk_d, size_t dlen, const uint8_t *gir,
		       size_t glen, const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		       uint8_t *out);
/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
int ike_derive_keys(uint16_t prf, const uint8_t *skeyseed, const uint8_t *ni, size_t nilen,
		    const uint8_t *nr, size_t nrlen, uint64_t spi_i, uint64_t spi_r, size_t enc_len,
		    struct ike_keys *k);
/* KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (2.17); gir may be NULL. */
int ike_child_keymat(uint16_t prf, const uint8_t *sk_d, size_t dlen, const uint8_t *gir,
		     size_t glen, const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		     uint8_t *out, size_t outlen);
/* PSK AUTH (2.15): prf(prf(PSK, "Key Pad for IKEv2"), msg | nonce | prf(SK_p, ID')), where
 * id_body is the ID payload body (type, 3 reserved bytes, data). out gets prf size bytes. */
int ike_psk_auth(uint16_t prf, const uint8_t *psk, size_t psklen, const uint8_t *msg, size_t mlen,
		 const uint8_t *nonce, size_t nlen, const uint8_t *sk_p, size_t splen,
		 const uint8_t *id_body, size_t idlen, uint8_t *out);

/* Diffie-Hellman: KE data is x|y for ECP (RFC 5903), the u-coordinate for X25519 (RFC 8031). */
struct ike_dh;
size_t ike_dh_pub_len(uint16_t group);
int ike_dh_create(uint16_t group, struct ike_dh **out);
/* Known-answer tests: a fixed private key (big-endian scalar for ECP, raw 32 bytes X25519). */
int ike_dh_create_priv(uint16_t group, const uint8_t *priv, size_t len, struct ike_dh **out);
uint16_t ike_dh_group(const struct ike_dh *dh);
/* Our public value; length or -errno. */
int ike_dh_pub(const struct ike_dh *dh, uint8_t *out, size_t cap);
/* g^ir from the peer's KE data (x only for ECP); length or -EBADMSG for an invalid point. */
int ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t plen, uint8_t *out, size_t cap);
void ike_dh_free(struct ike_dh *dh);

/* AES-GCM with a 16-byte ICV; klen 16 or 32; nonce = salt(4) | iv(8). 0 or -errno. */
int ike_gcm_seal(const uint8_t *key, size_t klen, const uint8_t *nonce, const uint8_t *aad,
		 size_t aadlen, const uint8_t *pt, size_t len, uint8_t *ct, uint8_t *tag);
int ike_gcm_open(const uint8_t *key, size_t klen, const uint8_t *nonce, const uint8_t *aad,
		 size_t aadlen, const uint8_t *ct, size_t len, const uint8_t *tag, uint8_t *pt);

/* NAT detection hash SHA1(SPIi | SPIr | IP | port) (2.23) of addr; 0 or -errno. */
int ike_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct sockaddr *addr, uint8_t out[20]);
/* SHA-256 of the concatenation. */
int ike_sha256(const struct ike_iov *v, unsigned n, uint8_t out[32]);
int ike_random(void *p, size_t n);
void ike_wipe(void *p, size_t n);

#endif
