/* SPDX-License-Identifier: Apache-2.0 */
/* Per-packet longest-prefix match in the per-VRF 8-bit-stride trie (setup is in vrf_fib_build.c). */
#include <stdint.h>

#include "vrf_fib.h"
#include "vrfsec_hls.h"

#define CHILD_MASK 0xffffffu
#define NH_SHIFT 24u
#define LEVELS_MAX 16u /* IPv6: 128 bits / 8 */

uint32_t vrfsec_fib_lookup(const struct vrfsec_fib *fib, uint16_t vrf, uint8_t af,
			   const uint8_t *addr)
{
	/* One lookup per clock: the level loop unrolls into one stage per level. */
#pragma HLS PIPELINE II = 1
	uint32_t levels;
	uint32_t node;
	uint32_t nh = 0;
	uint32_t k;

	/* The VRF comes from packet metadata; an out-of-range one must not index past the roots. */
	if (vrf >= VRFSEC_FIB_VRFS)
		return 0;
	if (af == VRFSEC_AF_IPV4)
		levels = 4;
	else if (af == VRFSEC_AF_IPV6)
		levels = LEVELS_MAX;
	else
		return 0;
	node = 1u + 2u * vrf + (af == VRFSEC_AF_IPV6);

	/* An entry at level k only holds prefixes of length (8k, 8k+8], so a next hop found
	 * deeper is always the longer match: keep the last non-zero one on the path. */
	for (k = 0; k < LEVELS_MAX; k++) {
#pragma HLS UNROLL
		vrfsec_fib_entry e;
		uint32_t enh;

		if (k >= levels)
			break;
		e = fib->node[node][addr[k]];
		enh = (uint32_t)(e >> NH_SHIFT) & CHILD_MASK;
		nh = enh ? enh : nh;
		node = (uint32_t)e & CHILD_MASK;
		if (!node)
			break;
	}
	return nh;
}
