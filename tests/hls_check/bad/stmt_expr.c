/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a GNU statement expression ({ ... }) in a macro. expected rule: extension */
#include <stdint.h>

#define MAX_U32(a, b) ({ uint32_t a_ = (a), b_ = (b); a_ > b_ ? a_ : b_; })

uint32_t larger(uint32_t a, uint32_t b);

uint32_t larger(uint32_t a, uint32_t b)
{
	return MAX_U32(a, b);
}
