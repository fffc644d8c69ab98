// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the RTL testbenches: a seeded PRNG, hex parsing and packing bytes into
// Verilator's wide signals (32-bit words, word 0 holding bits 31:0).
#ifndef VRFSEC_RTL_TB_UTIL_H
#define VRFSEC_RTL_TB_UTIL_H

#include <stdint.h>
#include <string.h>

static uint64_t tb_rng_state = 0x9e3779b97f4a7c15ull;

static inline uint32_t tb_rand(void)
{
	tb_rng_state ^= tb_rng_state << 13;
	tb_rng_state ^= tb_rng_state >> 7;
	tb_rng_state ^= tb_rng_state << 17;
	return (uint32_t)(tb_rng_state >> 16);
}

static inline void tb_rand_bytes(uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)tb_rand();
}

// Hex string to bytes; returns the byte count, or -1 on a bad digit or overflow.
static inline int tb_hex(const char *s, uint8_t *out, uint32_t max)
{
	uint32_t n = 0;

	while (s[0] && s[0] != '\n' && s[0] != '\r' && s[0] != ' ') {
		unsigned v;

		if (!s[1] || n >= max || sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return (int)n;
}

// AXI byte order: byte k in bits 8k+7:8k.
static inline void tb_put_le(uint32_t *w, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < (n + 3) / 4; i++)
		w[i] = 0;
	for (uint32_t k = 0; k < n; k++)
		w[k / 4] |= (uint32_t)b[k] << (8 * (k % 4));
}

static inline void tb_get_le(const uint32_t *w, uint8_t *b, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		b[k] = (uint8_t)(w[k / 4] >> (8 * (k % 4)));
}

// Block order of the AES core: byte k of a 16-byte block in bits 127-8k:120-8k.
static inline void tb_put_be128(uint32_t *w, const uint8_t *b)
{
	for (uint32_t i = 0; i < 4; i++)
		w[i] = 0;
	for (uint32_t k = 0; k < 16; k++)
		w[(15 - k) / 4] |= (uint32_t)b[k] << (8 * ((15 - k) % 4));
}

static inline void tb_get_be128(const uint32_t *w, uint8_t *b)
{
	for (uint32_t k = 0; k < 16; k++)
		b[k] = (uint8_t)(w[(15 - k) / 4] >> (8 * ((15 - k) % 4)));
}

#endif
