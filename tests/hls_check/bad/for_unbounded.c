/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: the loop bound is a run-time value. expected rule: loop */
#include <stdint.h>

uint32_t csum(const uint8_t *p, uint32_t n);

uint32_t csum(const uint8_t *p, uint32_t n)
{
	uint32_t i, s = 0u;

	for (i = 0u; i < n; i++)
		s += p[i];
	return s;
}
