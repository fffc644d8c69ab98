// SPDX-License-Identifier: Apache-2.0
/* The context's indexes: a chained hash on 64-bit keys (IKE SAs by our SPI, half-open responder SAs
 * by the initiator's SPI, CHILD SAs by inbound SPI) and the shared, reference-counted profiles. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ike_int.h"

enum { HTAB_MIN = 64 };

static size_t slot(const struct ike_htab *t, uint64_t key)
{
	/* SPIs are random, but a peer chooses half of them: mix before masking */
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 29)) & t->mask;
}

/* Double the bucket array; on allocation failure the chains just grow longer. */
static void grow(struct ike_htab *t)
{
	size_t nb = t->b ? 2 * (t->mask + 1) : HTAB_MIN;
	struct ike_hnode **b = calloc(nb, sizeof(*b));
	if (!b)
		return;
	struct ike_htab n = { b, nb - 1, t->n };
	for (size_t i = 0; t->b && i <= t->mask; i++)
		for (struct ike_hnode *e = t->b[i], *nx; e; e = nx) {
			nx = e->next;
			size_t s = slot(&n, e->key);
			e->next = b[s];
			b[s] = e;
		}
	free(t->b);
	*t = n;
}

int ike_htab_init(struct ike_htab *t)
{
	memset(t, 0, sizeof(*t));
	grow(t);
	return t->b ? 0 : -ENOMEM;
}

void ike_htab_add(struct ike_htab *t, struct ike_hnode *e, uint64_t key)
{
	if (t->n >= t->mask + 1)
		grow(t);
	e->key = key;
	e->in = 1;
	size_t s = slot(t, key);
	e->next = t->b[s];
	t->b[s] = e;
	t->n++;
}

void ike_htab_del(struct ike_htab *t, struct ike_hnode *e)
{
	if (!e->in)
		return;
	for (struct ike_hnode **pp = &t->b[slot(t, e->key)]; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			t->n--;
			break;
		}
	e->in = 0;
	e->next = NULL;
}

struct ike_hnode *ike_htab_first(const struct ike_htab *t, uint64_t key)
{
	if (!t->b)
		return NULL;
	for (struct ike_hnode *e = t->b[slot(t, key)]; e; e = e->next)
		if (e->key == key)
			return e;
	return NULL;
}

struct ike_hnode *ike_htab_next(const struct ike_hnode *e)
{
	for (struct ike_hnode *n = e->next; n; n = n->next)
		if (n->key == e->key)
			return n;
	return NULL;
}

void ike_htab_free(struct ike_htab *t)
{
	free(t->b);
	memset(t, 0, sizeof(*t));
}

/* Profiles: SAs made from equal profiles (the agent's user pointer aside) share one copy, so a
 * profile (about 1.1 KiB with its PSK, identities and selectors) is not kept once per tunnel. */
struct prof_rec {
	struct ike_hnode h;
	unsigned refs;
	struct ike_profile p;
};

static uint64_t prof_hash(const struct ike_profile *p)
{
	const uint8_t *b = (const uint8_t *)p;
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (size_t i = 0; i < sizeof(*p); i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

const struct ike_profile *ike_prof_get(struct ike_ctx *ctx, const struct ike_profile *p)
{
	struct prof_rec *r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->p = *p;
	r->p.user = NULL;
	uint64_t key = prof_hash(&r->p);
	for (struct ike_hnode *e = ike_htab_first(&ctx->profs, key); e; e = ike_htab_next(e)) {
		struct prof_rec *o = (struct prof_rec *)e;
		if (memcmp(&o->p, &r->p, sizeof(r->p)) == 0) {
			ike_wipe(r, sizeof(*r));
			free(r);
			o->refs++;
			return &o->p;
		}
	}
	r->refs = 1;
	ike_creds_ref(r->p.creds); /* the library's reference while an SA uses the profile */
	ike_htab_add(&ctx->profs, &r->h, key);
	return &r->p;
}

void ike_prof_put(struct ike_ctx *ctx, const struct ike_profile *p)
{
	if (!p || p == &ike_no_profile)
		return;
	struct prof_rec *r = (struct prof_rec *)((uint8_t *)(uintptr_t)p - offsetof(struct prof_rec, p));
	if (--r->refs)
		return;
	ike_htab_del(&ctx->profs, &r->h);
	ike_creds_unref(r->p.creds);
	ike_wipe(r, sizeof(*r)); /* PSK */
	free(r);
}

const struct ike_profile ike_no_profile;
