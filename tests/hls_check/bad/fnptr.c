/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a function pointer in a dispatch table. expected rule: function-pointer */
#include <stdint.h>

struct stage {
	uint32_t (*run)(uint32_t x);
};

uint32_t dispatch(const struct stage *s, uint32_t x);

uint32_t dispatch(const struct stage *s, uint32_t x)
{
	return s->run(x);
}
