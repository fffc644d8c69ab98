/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a while loop has no bound HLS can see. expected rule: loop */
#include <stdint.h>

uint32_t skip_zeros(const uint8_t *p, uint32_t len);

uint32_t skip_zeros(const uint8_t *p, uint32_t len)
{
	uint32_t i = 0u;

	while (i < len && p[i] == 0u)
		i++;
	return i;
}
