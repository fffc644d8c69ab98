/* SPDX-License-Identifier: Apache-2.0 */
/* Address pools: a bitmap over the range; IPv4 leaves out the network and broadcast addresses,
 * IPv6 the subnet-router anycast address. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct pool *pools_find(const struct pools *ps, uint16_t vrf, const struct prefix *range)
{
	for (unsigned i = 0; i < ps->n; i++)
		if (ps->v[i]->vrf == vrf && prefix_eq(&ps->v[i]->range, range))
			return ps->v[i];
	return NULL;
}

struct pool *pools_get(struct pools *ps, uint16_t vrf, const struct prefix *range)
{
	struct pool *p = pools_find(ps, vrf, range);
	unsigned host_bits = 8 * addr_len(range->addr.af) - range->plen;
	uint64_t size;

	if (p)
		return p;
	if (host_bits < 2 || host_bits > 24)
		return NULL; /* the configuration allows 2..CFG_POOL_MAX_BITS host bits */
	size = 1ull << host_bits;
	if (ps->n == ps->cap) {
		unsigned cap = ps->cap ? 2 * ps->cap : 8;
		struct pool **v = realloc(ps->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		ps->v = v;
		ps->cap = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->bits = calloc((size_t)(size + 7) / 8, 1))) {
		free(p);
		return NULL;
	}
	p->vrf = vrf;
	p->range = *range;
	p->first = 1;
	p->count = (uint32_t)(range->addr.af == 4 ? size - 2 : size - 1);
	ps->v[ps->n++] = p;
	return p;
}

void pools_free(struct pools *ps)
{
	for (unsigned i = 0; i < ps->n; i++) {
		free(ps->v[i]->bits);
		free(ps->v[i]);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

/* Offset of a in the range (the low 32 bits: ranges are at most 24 host bits). */
static uint32_t offset_of(const struct pool *p, const struct ipaddr *a)
{
	unsigned l = addr_len(a->af);

	return ((uint32_t)a->a[l - 4] << 24 | (uint32_t)a->a[l - 3] << 16 | (uint32_t)a->a[l - 2] << 8 |
		a->a[l - 1]) -
	       ((uint32_t)p->range.addr.a[l - 4] << 24 | (uint32_t)p->range.addr.a[l - 3] << 16 |
		(uint32_t)p->range.addr.a[l - 2] << 8 | p->range.addr.a[l - 1]);
}

static void addr_at(const struct pool *p, uint32_t off, struct ipaddr *a)
{
	unsigned l = addr_len(p->range.addr.af);
	uint32_t base = (uint32_t)p->range.addr.a[l - 4] << 24 | (uint32_t)p->range.addr.a[l - 3] << 16 |
			(uint32_t)p->range.addr.a[l - 2] << 8 | p->range.addr.a[l - 1];
	uint32_t v = base + off;

	*a = p->range.addr;
	a->a[l - 4] = (uint8_t)(v >> 24);
	a->a[l - 3] = (uint8_t)(v >> 16);
	a->a[l - 2] = (uint8_t)(v >> 8);
	a->a[l - 1] = (uint8_t)v;
}

static bool taken(const struct pool *p, uint32_t off)
{
	return p->bits[off / 8] & (1u << (off % 8));
}

static int in_pool(const struct pool *p, const struct ipaddr *a, uint32_t *off)
{
	if (!prefix_contains(&p->range, a))
		return -EINVAL;
	*off = offset_of(p, a);
	return *off >= p->first && *off < p->first + p->count ? 0 : -EINVAL;
}

int pool_lease(struct pool *p, const struct ipaddr *want, struct ipaddr *got)
{
	uint32_t off;

	if (want && want->af) {
		if (in_pool(p, want, &off) != 0)
			return -EINVAL;
		if (taken(p, off))
			return -EADDRINUSE;
	} else {
		if (p->used >= p->count)
			return -ENOSPC;
		off = p->first + p->next % p->count;
		while (taken(p, off))
			off = off + 1 < p->first + p->count ? off + 1 : p->first;
		p->next = off - p->first + 1;
	}
	p->bits[off / 8] |= (uint8_t)(1u << (off % 8));
	p->used++;
	addr_at(p, off, got);
	return 0;
}

int pool_release(struct pool *p, const struct ipaddr *a)
{
	uint32_t off;

	if (in_pool(p, a, &off) != 0 || !taken(p, off))
		return -ENOENT;
	p->bits[off / 8] &= (uint8_t)~(1u << (off % 8));
	p->used--;
	return 0;
}

int pool_leased(const struct pool *p, const struct ipaddr *a)
{
	uint32_t off;

	return in_pool(p, a, &off) == 0 && taken(p, off);
}
