/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: the C library is not available to HLS kernels. expected rule: include */
#include <stdint.h>
#include <stdio.h>

uint32_t ten(void);

uint32_t ten(void)
{
	return 10u;
}
