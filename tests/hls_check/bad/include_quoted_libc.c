/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: "string.h" is not a project header beside this file (quotes fall back to libc). expected rule: include */
#include <stdint.h>
#include "string.h"

uint32_t eleven(void);

uint32_t eleven(void)
{
	return 11u;
}
