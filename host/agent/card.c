/* SPDX-License-Identifier: Apache-2.0 */
/* The card seam's real implementation (libvrfsec synchronous calls), slot allocators, the RIB. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "log.h"

/* ---- slot allocators ----------------------------------------------------------------------- */

int idalloc_init(struct idalloc *a, uint32_t first, uint32_t n)
{
	memset(a, 0, sizeof(*a));
	a->first = first;
	a->n = n > first ? n - first : 0;
	a->bits = calloc(a->n / 8 + 1, 1);
	return a->bits ? 0 : -ENOMEM;
}

void idalloc_fini(struct idalloc *a)
{
	free(a->bits);
	a->bits = NULL;
}

uint32_t idalloc_get(struct idalloc *a)
{
	if (a->used >= a->n)
		return VRFSEC_ABI_NONE;
	/* round robin: a slot just freed is not reused at once, so a late event or completion
	 * about the old SA cannot be taken for the new one */
	for (uint32_t k = 0; k < a->n; k++) {
		uint32_t i = (a->next + k) % a->n;

		if (!(a->bits[i / 8] & (1u << (i % 8)))) {
			a->bits[i / 8] |= (uint8_t)(1u << (i % 8));
			a->used++;
			a->next = i + 1;
			return a->first + i;
		}
	}
	return VRFSEC_ABI_NONE;
}

void idalloc_put(struct idalloc *a, uint32_t id)
{
	uint32_t i = id - a->first;

	if (id < a->first || i >= a->n || !(a->bits[i / 8] & (1u << (i % 8))))
		return;
	a->bits[i / 8] &= (uint8_t)~(1u << (i % 8));
	a->used--;
}

int card_init(struct card *c, const struct card_ops *ops, void *ctx, uint32_t max_sa,
	      uint32_t max_nh, uint32_t max_vrf)
{
	c->ops = ops;
	c->ctx = ctx;
	c->max_sa = max_sa;
	c->max_nh = max_nh;
	c->max_vrf = max_vrf;
	if (idalloc_init(&c->sa, 1, max_sa) || idalloc_init(&c->nh, 1, max_nh)) {
		card_fini(c);
		return -ENOMEM;
	}
	return 0;
}

void card_fini(struct card *c)
{
	idalloc_fini(&c->sa);
	idalloc_fini(&c->nh);
}

uint32_t card_sa_alloc(struct card *c)
{
	return idalloc_get(&c->sa);
}

void card_sa_free(struct card *c, uint32_t idx)
{
	idalloc_put(&c->sa, idx);
}

uint32_t card_nh_alloc(struct card *c)
{
	return idalloc_get(&c->nh);
}

void card_nh_free(struct card *c, uint32_t idx)
{
	idalloc_put(&c->nh, idx);
}

/* ---- libvrfsec ----------------------------------------------------------------------------- */

static int d_sa_add(void *ctx, const struct vrfsec_sa_cfg *sa)
{
	return vrfsec_sa_add_sync(ctx, sa);
}
static int d_sa_update(void *ctx, const struct vrfsec_sa_cfg *sa)
{
	return vrfsec_sa_update_sync(ctx, sa);
}
static int d_sa_del(void *ctx, uint32_t idx)
{
	return vrfsec_sa_del_sync(ctx, idx);
}
static int d_route_add(void *ctx, const struct vrfsec_route_cfg *r)
{
	return vrfsec_route_add_sync(ctx, r);
}
static int d_route_del(void *ctx, const struct vrfsec_route_cfg *r)
{
	return vrfsec_route_del_sync(ctx, r);
}
static int d_nh_set(void *ctx, const struct vrfsec_nh_cfg *nh)
{
	return vrfsec_nh_set_sync(ctx, nh);
}
static int d_label_map(void *ctx, const struct vrfsec_label_cfg *l)
{
	return vrfsec_label_map_sync(ctx, l);
}
static int d_vrf_set(void *ctx, const struct vrfsec_vrf_cfg *v)
{
	return vrfsec_vrf_set_sync(ctx, v);
}
static int d_port_set(void *ctx, const struct vrfsec_port_settings *p)
{
	return vrfsec_port_set_sync(ctx, p);
}
static int d_inject(void *ctx, const struct vrfsec_inject *p)
{
	return vrfsec_inject_send(ctx, p);
}
static const char *d_errmsg(void *ctx)
{
	const struct vrfsec_result *r = vrfsec_last_result(ctx);
	const char *m = vrfsec_errmsg(ctx);

	if (m && m[0])
		return m;
	return r && r->status ? vrfsec_detail_str(r->detail) : "";
}

static const struct card_ops drv_ops = {
	d_sa_add,    d_sa_update, d_sa_del, d_route_add, d_route_del, d_nh_set,
	d_label_map, d_vrf_set,	  d_port_set, d_inject,	 d_errmsg,
};

int card_drv_open(struct card *c, const char *spec, char *err, size_t n)
{
	struct vrfsec_open_cfg cfg = { 0 };
	struct vrfsec_info info;
	struct vrfsec_dev *dev;
	int rc;

	memset(c, 0, sizeof(*c));
	cfg.errbuf = err;
	cfg.errbuf_len = n;
	rc = vrfsec_open_ex(&dev, spec, &cfg);
	if (rc)
		return rc;
	rc = vrfsec_info_get(dev, &info);
	if (rc == 0)
		rc = vrfsec_reset_tables(dev);
	if (rc) {
		snprintf(err, n, "%s: %s", spec, vrfsec_errmsg(dev));
		vrfsec_close(dev);
		return rc;
	}
	rc = card_init(c, &drv_ops, dev, info.max_sa, info.max_nh, info.max_vrf);
	if (rc) {
		vrfsec_close(dev);
		return rc;
	}
	c->dev = dev;
	log_info("card %s: %s engine, fw %u.%u, %u SAs, %u next hops, %u VRFs", spec,
		 vrfsec_engine_str(info.engine), info.fw_version >> 16, info.fw_version & 0xffff,
		 info.max_sa, info.max_nh, info.max_vrf);
	return 0;
}

void card_drv_close(struct card *c)
{
	card_fini(c);
	vrfsec_close(c->dev);
	c->dev = NULL;
}

/* ---- RIB ------------------------------------------------------------------------------------ */

static struct rib_entry *find(const struct rib *r, uint16_t vrf, const struct prefix *dst)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->v[i].vrf == vrf && prefix_eq(&r->v[i].dst, dst))
			return &r->v[i];
	return NULL;
}

const struct rib_entry *rib_find(const struct rib *r, uint16_t vrf, const struct prefix *dst)
{
	return find(r, vrf, dst);
}

static void to_cfg(struct vrfsec_route_cfg *rc, uint16_t vrf, const struct prefix *dst, uint32_t nh)
{
	memset(rc, 0, sizeof(*rc));
	rc->vrf = vrf;
	rc->af = dst->addr.af;
	rc->plen = dst->plen;
	memcpy(rc->addr, dst->addr.a, 16);
	rc->nh = nh;
}

int rib_add(struct rib *r, struct card *c, const struct rib_entry *e)
{
	struct vrfsec_route_cfg rc;
	struct rib_entry *old = find(r, e->vrf, &e->dst);
	int err;

	if (old && (old->kind != e->kind || old->owner != e->owner))
		return -EEXIST;
	to_cfg(&rc, e->vrf, &e->dst, e->nh);
	err = c->ops->route_add(c->ctx, &rc);
	if (err)
		return err;
	if (old) {
		*old = *e;
		return 0;
	}
	if (r->n == r->cap) {
		unsigned cap = r->cap ? 2 * r->cap : 64;
		struct rib_entry *v = realloc(r->v, cap * sizeof(*v));

		if (!v) {
			c->ops->route_del(c->ctx, &rc);
			return -ENOMEM;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *e;
	return 0;
}

int rib_set_nh(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst, uint32_t nh,
	       const char *via)
{
	struct rib_entry *e = find(r, vrf, dst);
	struct vrfsec_route_cfg rc;
	int err;

	if (!e)
		return -ENOENT;
	to_cfg(&rc, vrf, dst, nh);
	err = c->ops->route_add(c->ctx, &rc); /* ROUTE_ADD replaces */
	if (err)
		return err;
	e->nh = nh;
	snprintf(e->via, sizeof(e->via), "%s", via);
	return 0;
}

int rib_del(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst)
{
	struct rib_entry *e = find(r, vrf, dst);
	struct vrfsec_route_cfg rc;
	int err;

	if (!e)
		return -ENOENT;
	to_cfg(&rc, vrf, dst, e->nh);
	err = c->ops->route_del(c->ctx, &rc);
	*e = r->v[--r->n];
	return err == -ENOENT ? 0 : err;
}

void rib_free(struct rib *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
