/* SPDX-License-Identifier: Apache-2.0 */
/* A violation silenced by a waiver with a reason: accepted, and counted in the summary. */
#include "good.h"

uint32_t first_set(uint32_t x);

uint32_t first_set(uint32_t x)
{
	uint32_t i = 0u;

	while ((x & 1u) == 0u && i < 32u) { /* hls-check: allow loop -- at most 32 rounds */
		x >>= 1;
		i++;
	}
	return i;
}
