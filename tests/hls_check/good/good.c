/* SPDX-License-Identifier: Apache-2.0 */
/* Tricky-but-legal HLS C that hls_check must accept (self-test input, compiled with -Wvla -Werror). */
#include "good.h"

/* Words in comments do not count: while (1) { goto x; } do malloc(64) free(p) for (;;)
 * int (*fp)(void); __builtin_trap(); asm("nop"); #include <stdio.h> */
// a C99 line comment about a while loop and recursion: fold16 -> fold16

static const char banner[] = "no malloc( here, no while (1) either, nor (*fp)(x) or ({ })";
static const char quote = '"';
static const char brace = '{';

uint16_t fold16(uint32_t x)
{
	uint32_t i;

	/* counting down to a constant */
	for (i = 2u; i > 0u; i--)
		x = (x & 0xffffu) + (x >> 16);
	return (uint16_t)x;
}

uint32_t table_sum(const struct table *t)
{
	uint32_t i, s = 0u;

	for (i = 0u; i < ENTRIES; i++) {
#pragma HLS PIPELINE II = 1
		if (!t->e[i].used)
			continue;
		s += t->e[i].key + t->e[i].free;
	}
	for (i = 0u; i < sizeof(t->bits) / sizeof(t->bits[0]); i++)
		s ^= t->bits[i];
	for (i = 0u; i <= (N + 1u) - 1u; i++)
		s += t->e[0].tag[i];
	return s;
}

uint32_t scan(const uint8_t *p, uint32_t len, const struct table *t)
{
#pragma HLS INTERFACE m_axi port = p offset = slave bundle = gmem
	uint8_t window[VRFSEC_MAX_FRAME / 16u];
	uint32_t acc[SLOTS] = { [0] = 1u, [SLOTS - 1] = 2u };
	uint8_t scratch[sizeof(struct entry)];
	uint8_t pair[2][N];
	static const uint8_t steps[] = { 1u, 2u, 4u };
	const uint8_t *cur = p, *end = p + len;
	uint32_t i, j, new = 0u;

	(void)banner;
	_Static_assert(sizeof(window) == 128u, "window size");
	for (i = 0u; i < VRFSEC_MAX_FRAME / 16u; i++) {
#pragma HLS UNROLL factor = 4
		if (cur + i >= end)
			break;
		window[i] = cur[i];
		new += window[i];
	}
	for (i = 0u; i < (N + 1u); i++) {
		if (i < N)
			pair[i & 1u][i] = (uint8_t)i;
	}
	for (j = 0u; sizeof scratch > j; j++)
		scratch[j] = (uint8_t)(j == 0u ? quote : brace);
	for (j = 0; j < sizeof(steps); j++)
		acc[j] = steps[j] + scratch[j] + pair[0][j];
	(*(uint32_t *)&acc[SLOTS - 1]) ^= (uint32_t)(len > 0u);
	return FOLD(new + acc[0] + acc[SLOTS - 1] + table_sum(t));
}

void table_clear(struct table *t)
{
	uint32_t i;

	for (i = 0u; i < ENTRIES; i++)
		CLEAR_ENTRY(&t->e[i]);
}
