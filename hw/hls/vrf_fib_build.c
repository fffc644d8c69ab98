/* SPDX-License-Identifier: Apache-2.0 */
/* Setup side of the per-VRF FIB: init, add and delete on the trie and its exact-prefix shadow. */
#include <stddef.h>
#include <stdint.h>

#include "vrf_fib.h"
#include "vrfsec_hls.h"

#define CHILD_MASK 0xffffffull
#define NH_SHIFT 24u
#define NH_MASK (0xffffffull << NH_SHIFT)
#define DEPTH_SHIFT 48u
#define LEVELS_MAX 16u
#define ADDR_MAX 16u
#define NODE_FIRST (1u + 2u * VRFSEC_FIB_VRFS) /* node 0 means "no child", then the roots */
#define NODE_CAPACITY (VRFSEC_FIB_NODES - NODE_FIRST)
#define BUCKETS (VRFSEC_FIB_ROUTES / VRFSEC_FIB_ROUTE_WAYS)
#define SLOT_NONE VRFSEC_FIB_ROUTES

_Static_assert(VRFSEC_FIB_VRFS == VRFSEC_MAX_VRF, "one root pair per VRF");
_Static_assert(VRFSEC_FIB_NODES <= (1u << 24), "child index is 24 bits");
_Static_assert(NODE_FIRST < VRFSEC_FIB_NODES, "roots fit in the pool");
_Static_assert(VRFSEC_FIB_ROUTES % VRFSEC_FIB_ROUTE_WAYS == 0, "whole buckets");
_Static_assert((BUCKETS & (BUCKETS - 1u)) == 0, "bucket count is a power of two");
_Static_assert(sizeof(struct vrfsec_fib_route) == 24, "shadow slot layout");

static uint32_t root_of(uint16_t vrf, uint8_t af)
{
	return 1u + 2u * vrf + (af == VRFSEC_AF_IPV6);
}

/* Prefixes of length 0..8 live at level 0, (8k, 8k+8] at level k. */
static uint32_t level_of(uint32_t plen)
{
	return plen == 0 ? 0 : (plen - 1u) / 8u;
}

/* Fill key with the masked prefix; 0 when the arguments cannot name a route. */
static int make_key(struct vrfsec_fib_route *key, uint16_t vrf, uint8_t af, const uint8_t *addr,
		    uint8_t plen)
{
	uint32_t alen;
	uint32_t i;

	if (vrf >= VRFSEC_FIB_VRFS || addr == NULL)
		return 0;
	if (af == VRFSEC_AF_IPV4)
		alen = 4;
	else if (af == VRFSEC_AF_IPV6)
		alen = 16;
	else
		return 0;
	if (plen > 8u * alen)
		return 0;
	for (i = 0; i < ADDR_MAX; i++) {
#pragma HLS UNROLL
		uint32_t bits;

		if (i >= alen) {
			key->addr[i] = 0;
			continue;
		}
		bits = plen > 8u * i ? plen - 8u * i : 0;
		bits = bits > 8u ? 8u : bits;
		key->addr[i] = addr[i] & (uint8_t)(0xff00u >> bits);
	}
	key->vrf = vrf;
	key->af = af;
	key->plen = plen;
	key->nh = 0;
	return 1;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static uint64_t key_hash(const struct vrfsec_fib_route *key)
{
	uint64_t lo = 0;
	uint64_t hi = 0;
	uint32_t i;

	for (i = 0; i < 8u; i++) {
#pragma HLS UNROLL
		hi = hi << 8 | key->addr[i];
		lo = lo << 8 | key->addr[8u + i];
	}
	return mix64(hi ^ mix64(lo ^ ((uint64_t)key->vrf << 16 | (uint64_t)key->af << 8 |
				      key->plen)));
}

/* Two candidate buckets so the shadow fills far past what one bucket per key allows. */
static void key_buckets(const struct vrfsec_fib_route *key, uint32_t b[2])
{
	uint64_t h = key_hash(key);

	b[0] = (uint32_t)h & (BUCKETS - 1u);
	b[1] = (uint32_t)(h >> 32) & (BUCKETS - 1u);
	if (b[1] == b[0])
		b[1] = b[0] ^ 1u;
}

static int key_equal(const struct vrfsec_fib_route *a, const struct vrfsec_fib_route *b)
{
	uint32_t i;

	if (a->af != b->af || a->vrf != b->vrf || a->plen != b->plen)
		return 0;
	for (i = 0; i < ADDR_MAX; i++) {
#pragma HLS UNROLL
		if (a->addr[i] != b->addr[i])
			return 0;
	}
	return 1;
}

static uint32_t shadow_find(const struct vrfsec_fib *fib, const struct vrfsec_fib_route *key)
{
	uint32_t b[2];
	uint32_t c;
	uint32_t w;

	key_buckets(key, b);
	for (c = 0; c < 2u; c++) {
		for (w = 0; w < VRFSEC_FIB_ROUTE_WAYS; w++) {
#pragma HLS PIPELINE II = 1
			uint32_t s = b[c] * VRFSEC_FIB_ROUTE_WAYS + w;

			if (fib->route[s].af != 0 && key_equal(&fib->route[s], key))
				return s;
		}
	}
	return SLOT_NONE;
}

/* A free slot in the emptier of the two buckets, or SLOT_NONE when both are full. */
static uint32_t shadow_free_slot(const struct vrfsec_fib *fib, const struct vrfsec_fib_route *key)
{
	uint32_t b[2];
	uint32_t slot[2] = { SLOT_NONE, SLOT_NONE };
	uint32_t used[2] = { 0, 0 };
	uint32_t c;
	uint32_t w;

	key_buckets(key, b);
	for (c = 0; c < 2u; c++) {
		for (w = 0; w < VRFSEC_FIB_ROUTE_WAYS; w++) {
#pragma HLS PIPELINE II = 1
			uint32_t s = b[c] * VRFSEC_FIB_ROUTE_WAYS + w;

			if (fib->route[s].af != 0)
				used[c]++;
			else if (slot[c] == SLOT_NONE)
				slot[c] = s;
		}
	}
	return used[1] < used[0] ? slot[1] : slot[0];
}

/* Both buckets full: move one resident to a free slot of its other bucket (one cuckoo step,
 * which lifts the usable fill well above plain two-choice). The freed slot, or SLOT_NONE.
 * Lookups never read the shadow, so the move is invisible to them. */
static uint32_t shadow_make_room(struct vrfsec_fib *fib, const struct vrfsec_fib_route *key)
{
	uint32_t b[2];
	uint32_t c;
	uint32_t w;
	uint32_t v;

	key_buckets(key, b);
	for (c = 0; c < 2u; c++) {
		for (w = 0; w < VRFSEC_FIB_ROUTE_WAYS; w++) {
			uint32_t s = b[c] * VRFSEC_FIB_ROUTE_WAYS + w;
			uint32_t ob[2];
			uint32_t alt;

			key_buckets(&fib->route[s], ob);
			alt = ob[0] == b[c] ? ob[1] : ob[0];
			for (v = 0; v < VRFSEC_FIB_ROUTE_WAYS; v++) {
#pragma HLS PIPELINE II = 1
				uint32_t t = alt * VRFSEC_FIB_ROUTE_WAYS + v;

				if (fib->route[t].af == 0) {
					fib->route[t] = fib->route[s];
					fib->route[s].af = 0;
					return s;
				}
			}
		}
	}
	return SLOT_NONE;
}

static void node_clear(struct vrfsec_fib *fib, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < 256u; i++) {
#pragma HLS PIPELINE II = 1
		fib->node[n][i] = 0;
	}
}

static int node_empty(const struct vrfsec_fib *fib, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < 256u; i++) {
#pragma HLS PIPELINE II = 1
		if ((fib->node[n][i] & (CHILD_MASK | NH_MASK)) != 0)
			return 0;
	}
	return 1;
}

/* The caller has checked that a node is available. */
static uint32_t node_take(struct vrfsec_fib *fib)
{
	uint32_t n;

	if (fib->node_free_list != 0) {
		n = fib->node_free_list;
		fib->node_free_list = (uint32_t)(fib->node[n][0] & CHILD_MASK);
	} else {
		n = fib->node_next_free++;
	}
	/* Cleared here, not at init, so that init touches only the roots. */
	node_clear(fib, n);
	fib->nodes_used++;
	return n;
}

static void node_give(struct vrfsec_fib *fib, uint32_t n)
{
	fib->node[n][0] = fib->node_free_list;
	fib->node_free_list = n;
	fib->nodes_used--;
}

/* Follow key's address from the root down to at most `level`; path[0..return] exist. */
static uint32_t walk(const struct vrfsec_fib *fib, const struct vrfsec_fib_route *key,
		     uint32_t level, uint32_t path[LEVELS_MAX])
{
	uint32_t k;

	path[0] = root_of(key->vrf, key->af);
	for (k = 0; k < LEVELS_MAX - 1u; k++) {
		uint32_t child;

		if (k >= level)
			break;
		child = (uint32_t)(fib->node[path[k]][key->addr[k]] & CHILD_MASK);
		if (child == 0)
			break;
		path[k + 1u] = child;
	}
	return k;
}

/* Write (nh, depth) into the entries of key's range at its level whose depth is key's length
 * or, when adding, shorter: entries set by a longer prefix of the same level keep theirs. */
static void paint(struct vrfsec_fib *fib, uint32_t n, const struct vrfsec_fib_route *key,
		  uint32_t nh, uint32_t depth, int replace_shorter)
{
	uint32_t level = level_of(key->plen);
	uint32_t span = 1u << (8u * (level + 1u) - key->plen);
	uint32_t first = key->addr[level];
	uint64_t val = (uint64_t)nh << NH_SHIFT | (uint64_t)depth << DEPTH_SHIFT;
	uint32_t i;

	for (i = 0; i < 256u; i++) {
#pragma HLS PIPELINE II = 1
		uint64_t e;
		uint32_t d;

		if (i >= span)
			break;
		e = fib->node[n][first + i];
		d = (uint32_t)(e >> DEPTH_SHIFT) & 0xffu;
		if (replace_shorter ? d <= key->plen : d == key->plen)
			fib->node[n][first + i] = (e & CHILD_MASK) | val;
	}
}

void vrfsec_fib_init(struct vrfsec_fib *fib)
{
	uint32_t n;
	uint32_t s;

	for (n = 1; n < NODE_FIRST; n++)
		node_clear(fib, n);
	for (s = 0; s < VRFSEC_FIB_ROUTES; s++) {
#pragma HLS PIPELINE II = 1
		fib->route[s].af = 0;
	}
	fib->node_next_free = NODE_FIRST;
	fib->node_free_list = 0;
	fib->nodes_used = 0;
	fib->routes = 0;
}

int vrfsec_fib_add(struct vrfsec_fib *fib, uint16_t vrf, uint8_t af, const uint8_t *addr,
		   uint8_t plen, uint32_t nh)
{
	struct vrfsec_fib_route key;
	uint32_t path[LEVELS_MAX];
	uint32_t slot;
	uint32_t level;
	uint32_t have;
	uint32_t k;

	if (!make_key(&key, vrf, af, addr, plen) || nh == 0 || nh > CHILD_MASK)
		return VRFSEC_EINVAL;
	slot = shadow_find(fib, &key);
	if (slot == SLOT_NONE) {
		slot = shadow_free_slot(fib, &key);
		if (slot == SLOT_NONE)
			slot = shadow_make_room(fib, &key);
		if (slot == SLOT_NONE)
			return VRFSEC_ENOSPC;
	}
	level = level_of(plen);
	have = walk(fib, &key, level, path);
	/* Check the pool before touching anything, so a failed add leaves no trace. */
	if (level - have > NODE_CAPACITY - fib->nodes_used)
		return VRFSEC_ENOSPC;

	if (fib->route[slot].af == 0) {
		fib->route[slot] = key;
		fib->routes++;
	}
	fib->route[slot].nh = nh;
	/* A new node is linked only once cleared; empty nodes change no lookup result. */
	for (k = have; k < LEVELS_MAX - 1u; k++) {
		uint32_t n;

		if (k >= level)
			break;
		n = node_take(fib);
		fib->node[path[k]][key.addr[k]] |= n;
		path[k + 1u] = n;
	}
	paint(fib, path[level], &key, nh, plen, 1);
	return VRFSEC_OK;
}

int vrfsec_fib_del(struct vrfsec_fib *fib, uint16_t vrf, uint8_t af, const uint8_t *addr,
		   uint8_t plen)
{
	struct vrfsec_fib_route key;
	struct vrfsec_fib_route probe;
	uint32_t path[LEVELS_MAX];
	uint32_t slot;
	uint32_t level;
	uint32_t lowest;
	uint32_t rep_nh = 0;
	uint32_t rep_len = 0;
	uint32_t j;

	if (!make_key(&key, vrf, af, addr, plen))
		return VRFSEC_EINVAL;
	slot = shadow_find(fib, &key);
	if (slot == SLOT_NONE)
		return VRFSEC_ENOENT;
	fib->route[slot].af = 0;
	fib->routes--;

	level = level_of(plen);
	if (walk(fib, &key, level, path) != level)
		return VRFSEC_OK; /* unreachable while the shadow and the trie agree */

	/* Entries left by this prefix take the longest shorter route of the same level; routes
	 * of shallower levels are found by the lookup's path memory. Level 0 also holds /0. */
	lowest = level == 0 ? 0 : 8u * level + 1u;
	for (j = 0; j < 8u; j++) {
		uint32_t len;
		uint32_t s;

		if (plen < j + 1u || plen - 1u - j < lowest)
			break;
		len = plen - 1u - j;
		make_key(&probe, vrf, af, key.addr, (uint8_t)len);
		s = shadow_find(fib, &probe);
		if (s != SLOT_NONE) {
			rep_nh = fib->route[s].nh;
			rep_len = len;
			break;
		}
	}
	paint(fib, path[level], &key, rep_nh, rep_len, 0);

	/* Free the nodes this delete emptied, bottom-up; roots stay. */
	for (j = 0; j < LEVELS_MAX - 1u; j++) {
		uint32_t k = level - j;

		if (j >= level || !node_empty(fib, path[k]))
			break;
		fib->node[path[k - 1u]][key.addr[k - 1u]] &= ~CHILD_MASK;
		node_give(fib, path[k]);
	}
	return VRFSEC_OK;
}
