/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: for (;;) with a break is still an unbounded loop. expected rule: loop */
#include <stdint.h>

uint32_t find_end(const uint8_t *p);

uint32_t find_end(const uint8_t *p)
{
	uint32_t i = 0u;

	for (;;) {
		if (p[i] == 0u)
			break;
		i++;
	}
	return i;
}
