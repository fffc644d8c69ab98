/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a waiver without a reason does not count. expected rule: waiver; also rejected: loop */
#include <stdint.h>

uint32_t first_set(uint32_t x);

uint32_t first_set(uint32_t x)
{
	uint32_t i = 0u;

	while ((x & 1u) == 0u && i < 32u) { /* hls-check: allow loop */
		x >>= 1;
		i++;
	}
	return i;
}
