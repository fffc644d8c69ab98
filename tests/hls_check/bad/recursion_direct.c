/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a function that calls itself. expected rule: recursion */
#include <stdint.h>

uint32_t depth(uint32_t n);

uint32_t depth(uint32_t n)
{
	if (n == 0u)
		return 0u;
	return 1u + depth(n - 1u);
}
