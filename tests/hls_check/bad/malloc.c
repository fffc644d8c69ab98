/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: heap allocation has no hardware equivalent. expected rule: dynamic-memory */
#include <stddef.h>

void *malloc(size_t n);
void free(void *p);

void scratch(size_t n)
{
	void *p = malloc(n);
	free(p);
}
