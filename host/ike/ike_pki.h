/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates and signatures for IKE AUTH on OpenSSL (internal, not part of the API). */
#ifndef VRFSEC_IKE_PKI_H
#define VRFSEC_IKE_PKI_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike.h"
#include "ike_msg.h"

struct ike_creds {
	unsigned refs;
	X509 *cert;              /* ours, NULL for verify-only credentials */
	EVP_PKEY *key;
	STACK_OF(X509) *chain;   /* intermediates we send after our certificate */
	STACK_OF(X509) *anchors; /* trust anchors: the store's contents, named in CERTREQ */
	X509_STORE *store;
};

enum { PKI_MAX_PEER_CERTS = 8, PKI_KEYID_LEN = 20 };

/* CERTREQ data (RFC 7296 3.7): SHA-1 of each anchor's SubjectPublicKeyInfo; length (0: none). */
size_t ike_pki_certreq(const struct ike_creds *c, uint8_t *out, size_t cap);
/* DER of our certificate (i = 0) or of the i-th intermediate (i >= 1); malloc'd via OpenSSL
 * (OPENSSL_free), length or 0 when there is no such certificate. */
int ike_pki_cert_der(const struct ike_creds *c, unsigned i, uint8_t **der);
/* 1 when id is certified by x: ID_DER_ASN1_DN equals the subject, FQDN / RFC822 / IP address
 * in subjectAltName. */
int ike_pki_id_in_cert(X509 *x, const struct ike_id *id);
/* Verify the peer's certificates (certs[0] the end entity, the rest untrusted intermediates)
 * against c's trust anchors and bind id to it; on success *ee gets the end entity (to free).
 * 0 or -EACCES with a reason in why. */
int ike_pki_verify_peer(const struct ike_creds *c, const struct ike_cert_pl *certs, unsigned n,
		    const struct ike_id *id, X509 **ee, char *why, size_t cap);

/* Hash algorithms we announce in SIGNATURE_HASH_ALGORITHMS and accept in RFC 7427 AUTH. */
extern const uint16_t ike_pki_hashes[4];
/* Bit mask (bit n = hash id n) from a SIGNATURE_HASH_ALGORITHMS notify body. */
unsigned ike_pki_hash_mask(const uint8_t *d, size_t len);
/* Sign octets with key: RFC 7427 when the peer's hash mask allows, else the legacy ECDSA methods.
 * *method gets the AUTH method; returns the AUTH data length or -errno. */
int ike_pki_sign(EVP_PKEY *key, unsigned peer_hashes, int rsa_pss, const uint8_t *octets, size_t olen,
	     uint8_t *method, uint8_t *out, size_t cap);
/* Check AUTH data of method over octets with the peer's public key; 0 or -EACCES. */
int ike_pki_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *data, size_t dlen,
	       const uint8_t *octets, size_t olen);

#endif
