/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a parameter array whose size is another parameter. expected rule: vla */
#include <stdint.h>

uint8_t last_byte(uint32_t n, const uint8_t buf[n]);

uint8_t last_byte(uint32_t n, const uint8_t buf[n])
{
	return n == 0u ? 0u : buf[n - 1u];
}
