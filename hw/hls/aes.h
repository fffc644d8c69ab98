/* SPDX-License-Identifier: Apache-2.0 */
/* AES-128/192/256 block cipher (FIPS 197), encryption direction only, for AES-GCM. */
#ifndef VRFSEC_AES_H
#define VRFSEC_AES_H

#include <stdint.h>

#define VRFSEC_AES_MAX_ROUNDS 14u

struct vrfsec_aes_key {
	uint8_t rk[(VRFSEC_AES_MAX_ROUNDS + 1u) * 16u]; /* round keys */
	uint8_t rounds;                                 /* 10, 12 or 14 */
};

/* Setup: expand a 16, 24 or 32 byte key. 0, or VRFSEC_EINVAL for another length. */
int vrfsec_aes_expand(struct vrfsec_aes_key *k, const uint8_t *key, uint32_t key_len);
/* Encrypt one 16-byte block (in and out may alias). */
void vrfsec_aes_encrypt(const struct vrfsec_aes_key *k, const uint8_t in[16], uint8_t out[16]);

#endif
