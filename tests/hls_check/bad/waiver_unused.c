/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: a waiver that waives nothing is stale. expected rule: waiver */
#include <stdint.h>

uint32_t twice(uint32_t x);

uint32_t twice(uint32_t x)
{
	return 2u * x; /* hls-check: allow loop -- left over from an old while loop */
}
