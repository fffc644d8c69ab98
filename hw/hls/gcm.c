/* SPDX-License-Identifier: Apache-2.0 */
/* AES-GCM seal and open (SP 800-38D, 96-bit nonce) with GHASH over Shoup's 4-bit tables. */
#include <stdint.h>

#include "aes.h"
#include "gcm.h"
#include "vrfsec_hls.h"

#define GCM_BLOCK 16u
#define GCM_NONCE 12u
/* The header promises 16 bytes of AAD (ESP uses 8 or 12). Two blocks are accepted so that the
 * 20-byte AAD of the McGrew-Viega vectors runs through this same code. */
#define GCM_AAD_MAX 32u
#define GCM_DATA_BLOCKS (VRFSEC_MAX_FRAME / GCM_BLOCK)
/* GCM reflects the bits of a block: x^0 is the top bit of byte 0, so multiplying by x is a right
 * shift, and x^128 = 1 + x + x^2 + x^7 folds back in as 0xe1 at the top. */
#define GCM_R 0xe100000000000000ull

/* Multiplying by x^4 pushes four bits past x^127; entry n is what those bits (n, bit 0 the
 * highest power) fold back to, as the top 16 bits of the high word. */
static const uint16_t rem4[16] = {
	0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0,
	0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0,
};

static inline uint64_t ld64(const uint8_t *p)
{
	return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) | ((uint64_t)p[2] << 40) |
	       ((uint64_t)p[3] << 32) | ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
	       ((uint64_t)p[6] << 8) | p[7];
}

static inline void st64(uint8_t *p, uint64_t v)
{
	uint32_t i;

	for (i = 0; i < 8u; i++) {
#pragma HLS UNROLL
		p[i] = (uint8_t)(v >> (56u - 8u * i));
	}
}

int vrfsec_gcm_key_setup(struct vrfsec_gcm_key *k, const uint8_t *key, uint32_t key_len)
{
	uint8_t h[GCM_BLOCK];
	uint64_t vh, vl;
	uint32_t i;
	int rc;

	rc = vrfsec_aes_expand(&k->aes, key, key_len);
	if (rc != VRFSEC_OK)
		return rc;
	for (i = 0; i < GCM_BLOCK; i++)
		h[i] = 0;
	vrfsec_aes_encrypt(&k->aes, h, h);
	vh = ld64(h);
	vl = ld64(h + 8);

	/* Table index n is a nibble of the block read as an integer, so its bit 3 is the nibble's
	 * x^0 coefficient: entry 8 is H, and each lower power of two is one more factor of x. */
	k->htab_hi[0] = 0;
	k->htab_lo[0] = 0;
	for (i = 0; i < 4u; i++) {
		uint64_t carry = vl & 1u;

		k->htab_hi[8u >> i] = vh;
		k->htab_lo[8u >> i] = vl;
		vl = (vl >> 1) | (vh << 63);
		vh = (vh >> 1) ^ (GCM_R & (0u - carry));
	}
	/* The rest by linearity; both parts of n are smaller than n, so already filled. */
	for (i = 1; i < 16u; i++) {
		uint32_t low = i & (0u - i);

		if (low == i)
			continue;
		k->htab_hi[i] = k->htab_hi[low] ^ k->htab_hi[i ^ low];
		k->htab_lo[i] = k->htab_lo[low] ^ k->htab_lo[i ^ low];
	}
	return VRFSEC_OK;
}

/* y = y * H. Horner's rule over the 32 nibbles of y, starting from the highest power of x, which
 * is the low nibble of the last byte: the integer's lowest nibble. */
static void mul_h(const struct vrfsec_gcm_key *k, uint64_t y[2])
{
	uint64_t zh = 0, zl = 0;
	uint32_t i;

	for (i = 0; i < 2u * GCM_BLOCK; i++) {
#pragma HLS UNROLL
		uint32_t n = (uint32_t)(y[1u - i / 16u] >> (4u * (i % 16u))) & 0xfu;
		uint32_t r = (uint32_t)zl & 0xfu;

		zl = (zl >> 4) | (zh << 60);
		zh = (zh >> 4) ^ ((uint64_t)rem4[r] << 48);
		zh ^= k->htab_hi[n];
		zl ^= k->htab_lo[n];
	}
	y[0] = zh;
	y[1] = zl;
}

/* Absorb len bytes, the last block zero-padded (AAD and ciphertext are padded separately). */
static void ghash_run(const struct vrfsec_gcm_key *k, uint64_t y[2], const uint8_t *p,
		      uint32_t len)
{
	uint32_t i, j;

	/* Each block's product feeds the next, so this loop cannot start a block per cycle; the
	 * RTL core uses powers of H for that. */
	for (i = 0; i < GCM_DATA_BLOCKS; i++) {
#pragma HLS PIPELINE
		const uint8_t *b;
		uint8_t pad[GCM_BLOCK];
		uint32_t n;

		if (GCM_BLOCK * i >= len)
			break;
		b = p + GCM_BLOCK * i;
		n = len - GCM_BLOCK * i;
		if (n < GCM_BLOCK) {
			for (j = 0; j < GCM_BLOCK; j++) {
#pragma HLS UNROLL
				pad[j] = j < n ? b[j] : 0u;
			}
			b = pad;
		}
		y[0] ^= ld64(b);
		y[1] ^= ld64(b + 8);
		mul_h(k, y);
	}
}

/* J0 = nonce || 1 for a 96-bit nonce; its encryption masks the tag. */
static void j0_init(const struct vrfsec_gcm_key *k, const uint8_t nonce[GCM_NONCE],
		    uint8_t cb[GCM_BLOCK], uint8_t ek0[GCM_BLOCK])
{
	uint32_t i;

	for (i = 0; i < GCM_NONCE; i++) {
#pragma HLS UNROLL
		cb[i] = nonce[i];
	}
	cb[12] = 0;
	cb[13] = 0;
	cb[14] = 0;
	cb[15] = 1;
	vrfsec_aes_encrypt(&k->aes, cb, ek0);
}

/* Counter mode from J0 + 1. Frames are far shorter than 2^32 blocks, so the counter never wraps. */
static void ctr_xor(const struct vrfsec_gcm_key *k, uint8_t cb[GCM_BLOCK], const uint8_t *in,
		    uint8_t *out, uint32_t len)
{
	uint8_t ks[GCM_BLOCK];
	uint32_t i, j;

	for (i = 0; i < GCM_DATA_BLOCKS; i++) {
#pragma HLS PIPELINE II = 1
		uint32_t ctr = i + 2u;
		uint32_t base = GCM_BLOCK * i;

		if (base >= len)
			break;
		cb[12] = (uint8_t)(ctr >> 24);
		cb[13] = (uint8_t)(ctr >> 16);
		cb[14] = (uint8_t)(ctr >> 8);
		cb[15] = (uint8_t)ctr;
		vrfsec_aes_encrypt(&k->aes, cb, ks);
		/* Byte j is read before it is written, which is all in-place operation needs. */
		for (j = 0; j < GCM_BLOCK; j++) {
#pragma HLS UNROLL
			if (base + j >= len)
				break;
			out[base + j] = in[base + j] ^ ks[j];
		}
	}
}

/* S = GHASH(A, C, lengths); tag = E(K, J0) ^ S. */
static void tag_finish(const struct vrfsec_gcm_key *k, uint64_t y[2], uint32_t aad_len,
		       uint32_t len, const uint8_t ek0[GCM_BLOCK], uint8_t tag[GCM_BLOCK])
{
	uint32_t i;

	y[0] ^= (uint64_t)aad_len * 8u;
	y[1] ^= (uint64_t)len * 8u;
	mul_h(k, y);
	st64(tag, y[0]);
	st64(tag + 8, y[1]);
	for (i = 0; i < GCM_BLOCK; i++) {
#pragma HLS UNROLL
		tag[i] ^= ek0[i];
	}
}

void vrfsec_gcm_seal(const struct vrfsec_gcm_key *k, const uint8_t nonce[12], const uint8_t *aad,
		     uint32_t aad_len, const uint8_t *in, uint8_t *out, uint32_t len, uint8_t tag[16])
{
	uint8_t cb[GCM_BLOCK], ek0[GCM_BLOCK];
	uint64_t y[2] = { 0, 0 };

	if (len > VRFSEC_MAX_FRAME || aad_len > GCM_AAD_MAX) {
		uint32_t i;

		/* Outside what the hardware can hold. There is no error return, so encrypt nothing
		 * and leave a tag that a peer will not accept (it is also not a tag of this data). */
		for (i = 0; i < GCM_BLOCK; i++)
			tag[i] = 0;
		return;
	}
	j0_init(k, nonce, cb, ek0);
	ctr_xor(k, cb, in, out, len);
	ghash_run(k, y, aad, aad_len);
	ghash_run(k, y, out, len);
	tag_finish(k, y, aad_len, len, ek0, tag);
}

int vrfsec_gcm_open(const struct vrfsec_gcm_key *k, const uint8_t nonce[12], const uint8_t *aad,
		    uint32_t aad_len, const uint8_t *in, uint8_t *out, uint32_t len,
		    const uint8_t tag[16])
{
	uint8_t cb[GCM_BLOCK], ek0[GCM_BLOCK], calc[GCM_BLOCK];
	uint64_t y[2] = { 0, 0 };
	uint32_t i;
	uint8_t diff = 0;

	if (len > VRFSEC_MAX_FRAME || aad_len > GCM_AAD_MAX)
		return 0;
	j0_init(k, nonce, cb, ek0);
	ghash_run(k, y, aad, aad_len);
	ghash_run(k, y, in, len);
	tag_finish(k, y, aad_len, len, ek0, calc);
	/* No early exit: the time taken must not say how many tag bytes were right. */
	for (i = 0; i < GCM_BLOCK; i++) {
#pragma HLS UNROLL
		diff |= (uint8_t)(calc[i] ^ tag[i]);
	}
	if (diff != 0u)
		return 0;
	/* Only authenticated ciphertext is ever turned into plaintext. */
	ctr_xor(k, cb, in, out, len);
	return 1;
}
