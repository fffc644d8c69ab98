/* SPDX-License-Identifier: Apache-2.0 */
/* AES-GCM (NIST SP 800-38D) with a 96-bit nonce and 16-byte tag, as ESP uses it (RFC 4106). */
#ifndef VRFSEC_GCM_H
#define VRFSEC_GCM_H

#include <stdint.h>

#include "aes.h"

struct vrfsec_gcm_key {
	struct vrfsec_aes_key aes;
	uint64_t htab_hi[16]; /* multiples of H for a 4-bit table GHASH */
	uint64_t htab_lo[16];
};

/* Setup: expand the AES key and precompute H = E(K, 0^128). 0 or VRFSEC_EINVAL. */
int vrfsec_gcm_key_setup(struct vrfsec_gcm_key *k, const uint8_t *key, uint32_t key_len);

/* Encrypt len bytes in place (or in -> out; they may alias) and write the 16-byte tag.
 * len and aad_len are bounded by VRFSEC_MAX_FRAME and 32 (ESP uses 8 or 12); beyond them nothing
 * is written to out and the tag is zero. */
void vrfsec_gcm_seal(const struct vrfsec_gcm_key *k, const uint8_t nonce[12], const uint8_t *aad,
		     uint32_t aad_len, const uint8_t *in, uint8_t *out, uint32_t len, uint8_t tag[16]);

/* Check the tag over the ciphertext first; only when it matches, decrypt (in -> out, may alias).
 * Returns 1 when the tag matched, 0 otherwise (out untouched). */
int vrfsec_gcm_open(const struct vrfsec_gcm_key *k, const uint8_t nonce[12], const uint8_t *aad,
		    uint32_t aad_len, const uint8_t *in, uint8_t *out, uint32_t len,
		    const uint8_t tag[16]);

#endif
