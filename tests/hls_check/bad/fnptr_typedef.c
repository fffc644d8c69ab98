/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a typedef of a function type, used through a pointer. expected rule: function-pointer */
#include <stdint.h>

typedef uint32_t stage_fn(uint32_t x);

uint32_t call_stage(stage_fn *f, uint32_t x);

uint32_t call_stage(stage_fn *f, uint32_t x)
{
	return f(x);
}
