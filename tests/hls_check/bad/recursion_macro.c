/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: the cycle parse -> NEXT_HDR(...) -> parse hides behind a macro. expected rule: recursion */
#include <stdint.h>

#define NEXT_HDR(p, n) parse((p) + 1, (n) - 1u)

uint32_t parse(const uint8_t *p, uint32_t n);

uint32_t parse(const uint8_t *p, uint32_t n)
{
	if (n == 0u || p[0] == 0u)
		return 0u;
	return NEXT_HDR(p, n);
}
