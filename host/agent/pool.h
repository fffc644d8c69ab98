/* SPDX-License-Identifier: Apache-2.0 */
/* Virtual IP address pools, one per (VRF, range): the same range in two VRFs is two pools. */
#ifndef VRFSECD_POOL_H
#define VRFSECD_POOL_H

#include <stdint.h>

#include "addr.h"

struct pool {
	uint16_t vrf;
	struct prefix range;
	uint32_t first, count; /* offsets handed out: first .. first + count - 1 */
	uint32_t used;
	uint32_t next;         /* where the next search starts (round robin, so a released
	                        * address is not handed out again at once) */
	uint8_t *bits;
};

struct pools {
	struct pool **v;
	unsigned n, cap;
};

/* The pool of range in vrf, made on first use. NULL on allocation failure. */
struct pool *pools_get(struct pools *ps, uint16_t vrf, const struct prefix *range);
/* The pool without making it, NULL when there is none. */
struct pool *pools_find(const struct pools *ps, uint16_t vrf, const struct prefix *range);
void pools_free(struct pools *ps);

/* Lease want (when not NULL and free) or the next free address. 0, -ENOSPC (pool full),
 * -EADDRINUSE or -EINVAL (want is taken or outside the pool; nothing leased). */
int pool_lease(struct pool *p, const struct ipaddr *want, struct ipaddr *got);
/* 0 or -ENOENT (not leased from this pool). */
int pool_release(struct pool *p, const struct ipaddr *a);
int pool_leased(const struct pool *p, const struct ipaddr *a);

#endif
