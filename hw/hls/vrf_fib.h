/* SPDX-License-Identifier: Apache-2.0 */
/* Per-VRF IPv4/IPv6 longest-prefix match: a fixed-stride (8-bit) multibit trie in a fixed node pool. */
#ifndef VRFSEC_VRF_FIB_H
#define VRFSEC_VRF_FIB_H

#include <stdint.h>

#define VRFSEC_FIB_NODES 32768u     /* trie nodes of 256 entries; the first 2 * VRFSEC_FIB_VRFS are roots */
#define VRFSEC_FIB_VRFS 1024u       /* must equal VRFSEC_MAX_VRF */
#define VRFSEC_FIB_ROUTES 2097152u  /* route shadow (exact prefixes), for delete and replace */
#define VRFSEC_FIB_ROUTE_WAYS 8u    /* slots per shadow bucket */

/* A trie entry, 64 bits: bits 0..23 child node (0 = none), 24..47 next hop (0 = none),
 * 48..55 length of the prefix that set the next hop. */
typedef uint64_t vrfsec_fib_entry;

struct vrfsec_fib_route {
	uint8_t addr[16]; /* prefix, host bits zero */
	uint16_t vrf;
	uint8_t af;       /* 0 = free slot, 4 or 6 */
	uint8_t plen;
	uint32_t nh;
};

struct vrfsec_fib {
	vrfsec_fib_entry node[VRFSEC_FIB_NODES][256];
	uint32_t node_next_free; /* bump allocator above the roots */
	uint32_t node_free_list; /* freed nodes, linked through entry 0 */
	uint32_t nodes_used;
	uint32_t routes;
	struct vrfsec_fib_route route[VRFSEC_FIB_ROUTES];
};

/* Per packet: longest match of addr (4 or 16 bytes, network order) in vrf; next hop or 0. */
uint32_t vrfsec_fib_lookup(const struct vrfsec_fib *fib, uint16_t vrf, uint8_t af,
			   const uint8_t *addr);

/* Setup: empty every VRF. */
void vrfsec_fib_init(struct vrfsec_fib *fib);
/* Setup: add or replace prefix/plen -> nh (0 < nh < 2^24). 0, VRFSEC_EINVAL or VRFSEC_ENOSPC. */
int vrfsec_fib_add(struct vrfsec_fib *fib, uint16_t vrf, uint8_t af, const uint8_t *addr,
		   uint8_t plen, uint32_t nh);
/* Setup: remove prefix/plen; the covering route, if any, takes its place. 0, VRFSEC_EINVAL or
 * VRFSEC_ENOENT. */
int vrfsec_fib_del(struct vrfsec_fib *fib, uint16_t vrf, uint8_t af, const uint8_t *addr,
		   uint8_t plen);

#endif
