/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a stack array sized at run time. expected rule: vla */
#include <stdint.h>

#define SLOTS 16u

uint32_t sum_first(const uint8_t *p, uint32_t len);

uint32_t sum_first(const uint8_t *p, uint32_t len)
{
	uint32_t fixed[SLOTS];
	uint8_t copy[len + 1u];
	uint32_t i, s = 0u;

	(void)fixed;
	for (i = 0u; i < SLOTS; i++) {
		if (i >= len)
			break;
		copy[i] = p[i];
		s += copy[i];
	}
	return s;
}
