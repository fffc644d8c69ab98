/* SPDX-License-Identifier: Apache-2.0 */
/* DMA region allocator: first fit over one region's offsets, bookkeeping kept in host memory. */
#include <errno.h>
#include <stdlib.h>

#include "backend.h"

/* A free extent. The list lives in malloc'd memory, not inside the DMA region, so a card that
 * writes where it should not can corrupt data but never the allocator. */
struct drv_arena_free {
	size_t off, size;
	struct drv_arena_free *next;
};

int drv_arena_init(struct drv_arena *a, size_t size)
{
	a->size = size;
	a->free = calloc(1, sizeof(*a->free));
	if (!a->free)
		return -ENOMEM;
	a->free->off = 0;
	a->free->size = size;
	return 0;
}

int drv_arena_alloc(struct drv_arena *a, size_t size, size_t align, size_t *off)
{
	struct drv_arena_free **pp, *f;

	if (size == 0 || align == 0 || (align & (align - 1)))
		return -EINVAL;
	for (pp = &a->free; (f = *pp) != NULL; pp = &f->next) {
		size_t start = (f->off + align - 1) & ~(align - 1);
		size_t lead = start - f->off;

		if (lead > f->size || f->size - lead < size)
			continue;
		if (lead == 0) {
			f->off += size;
			f->size -= size;
			if (f->size == 0) {
				*pp = f->next;
				free(f);
			}
		} else if (f->size - lead == size) {
			f->size = lead; /* the aligned tail is taken whole: the lead stays free */
		} else {
			/* split: lead stays in f, the rest after the block goes into a new extent */
			struct drv_arena_free *rest = malloc(sizeof(*rest));

			if (!rest)
				return -ENOMEM;
			rest->off = start + size;
			rest->size = f->size - lead - size;
			rest->next = f->next;
			f->size = lead;
			f->next = rest;
		}
		*off = start;
		return 0;
	}
	return -ENOMEM;
}

void drv_arena_free(struct drv_arena *a, size_t off, size_t size)
{
	struct drv_arena_free **pp = &a->free, *prev = NULL, *f;

	while (*pp && (*pp)->off < off) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (prev && prev->off + prev->size == off) {
		prev->size += size;
		/* may now touch the next extent too */
		if (prev->next && prev->off + prev->size == prev->next->off) {
			f = prev->next;
			prev->size += f->size;
			prev->next = f->next;
			free(f);
		}
		return;
	}
	if (*pp && off + size == (*pp)->off) {
		(*pp)->off = off;
		(*pp)->size += size;
		return;
	}
	f = malloc(sizeof(*f));
	if (!f)
		return; /* the range stays used: a leak inside the region, never outside it */
	f->off = off;
	f->size = size;
	f->next = *pp;
	*pp = f;
}

void drv_arena_destroy(struct drv_arena *a)
{
	struct drv_arena_free *f = a->free;

	while (f) {
		struct drv_arena_free *n = f->next;

		free(f);
		f = n;
	}
	a->free = NULL;
}
