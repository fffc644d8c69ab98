/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: goto (it can also build a loop). expected rule: goto */
#include <stdint.h>

uint32_t check_len(uint32_t len);

uint32_t check_len(uint32_t len)
{
	if (len < 20u)
		goto bad;
	return 1u;
bad:
	return 0u;
}
