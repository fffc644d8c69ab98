/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a -> b -> a through two functions. expected rule: recursion */
#include <stdint.h>

uint32_t walk_a(uint32_t n);
uint32_t walk_b(uint32_t n);

uint32_t walk_a(uint32_t n)
{
	return n == 0u ? 0u : walk_b(n - 1u);
}

uint32_t walk_b(uint32_t n)
{
	return n == 0u ? 1u : walk_a(n - 1u);
}
