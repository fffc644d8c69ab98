/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: compiler builtins do not exist in Vitis HLS C. expected rule: extension */
#include <stdint.h>

uint32_t swap32(uint32_t x);

uint32_t swap32(uint32_t x)
{
	return __builtin_bswap32(x);
}
