/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a do/while loop in code (only a macro's do { } while (0) is allowed). expected rule: loop */
#include <stdint.h>

uint32_t count_labels(const uint8_t *p);

uint32_t count_labels(const uint8_t *p)
{
	uint32_t n = 0u;

	do {
		n++;
	} while ((p[4u * n - 2u] & 1u) == 0u);
	return n;
}
