/* SPDX-License-Identifier: Apache-2.0 */
/* Byte access helpers for the kernels: big-endian loads/stores, bounded copies, checksums. */
#ifndef VRFSEC_BYTES_H
#define VRFSEC_BYTES_H

#include <stdint.h>

#include "vrfsec_hls.h"

#define VRFSEC_COPY_MAX 128u /* longest header copy the framing does */

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(((uint16_t)p[0] << 8) | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)(v >> 32));
	wr32(p + 4, (uint32_t)v);
}

static inline uint64_t ld64le(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

/* Eight explicit stores: gcc merges them into one, where a loop stays a loop. */
static inline void st64le(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	p[4] = (uint8_t)(v >> 32);
	p[5] = (uint8_t)(v >> 40);
	p[6] = (uint8_t)(v >> 48);
	p[7] = (uint8_t)(v >> 56);
}

/* Header copy in 8-byte words: writes n rounded up to a multiple of 8 (n <= VRFSEC_COPY_MAX).
 * Only for destinations whose following bytes the caller writes afterwards. */
static inline void copy_words(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < VRFSEC_COPY_MAX / 8u; i++) {
#pragma HLS PIPELINE II = 1
		if (8u * i >= n)
			break;
		st64le(dst + 8u * i, ld64le(src + 8u * i));
	}
}

/* Header-sized copy; n <= VRFSEC_COPY_MAX. Regions must not overlap unless dst < src. */
static inline void copy_hdr(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < VRFSEC_COPY_MAX; i++) {
#pragma HLS PIPELINE II = 1
		if (i >= n)
			break;
		dst[i] = src[i];
	}
}

/* Same, for a destination behind the source (headers that move towards the tail). */
static inline void copy_hdr_back(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < VRFSEC_COPY_MAX; i++) {
		if (i >= n)
			break;
		dst[n - 1u - i] = src[n - 1u - i];
	}
}

/* Unfolded one's complement sum of an IPv4 header of hlen bytes (20..60): the fixed part
 * unrolled, options only when present. */
static inline uint32_t csum_ip4(const uint8_t *p, uint32_t hlen)
{
	/* One's complement addition is associative over 32-bit words too: five words, then fold. */
	uint64_t sum = (uint64_t)rd32(p) + rd32(p + 4) + rd32(p + 8) + rd32(p + 12) + rd32(p + 16);
	uint32_t i;

	for (i = 5u; i < 15u; i++) {
		if (4u * i >= hlen)
			break;
		sum += rd32(p + 4u * i);
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	return (uint32_t)((sum & 0xffffu) + (sum >> 16));
}

/* RFC 1624 incremental update: 16-bit word old_w of a header became new_w. */
static inline uint16_t csum_update(uint16_t csum, uint16_t old_w, uint16_t new_w)
{
	uint32_t sum = (uint16_t)~csum + (uint32_t)(uint16_t)~old_w + new_w;

	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Does addr (af 4 or 6) fall inside prefix/plen? */
static inline int prefix_match(const uint8_t *addr, const uint8_t *prefix, uint32_t plen,
			       uint32_t alen)
{
	uint32_t i;

	for (i = 0; i < 16u; i++) {
		uint32_t bits;
		uint8_t mask;

		if (i >= alen || 8u * i >= plen)
			break;
		bits = plen - 8u * i;
		mask = bits >= 8u ? 0xffu : (uint8_t)(0xffu << (8u - bits));
		if ((addr[i] & mask) != (prefix[i] & mask))
			return 0;
	}
	return 1;
}

#endif
