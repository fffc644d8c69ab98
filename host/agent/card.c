/* SPDX-License-Identifier: Apache-2.0 */
/* The card seam's real implementation (libvrfsec: synchronous calls, and one batch for the
 * asynchronous path), slot allocators, the RIB. */
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
	c->sa_owner = calloc((size_t)max_sa + 1, sizeof(*c->sa_owner));
	if (!c->sa_owner || idalloc_init(&c->sa, 1, max_sa) || idalloc_init(&c->nh, 1, max_nh)) {
		card_fini(c);
		return -ENOMEM;
	}
	return 0;
}

void card_fini(struct card *c)
{
	free(c->sa_owner);
	c->sa_owner = NULL;
	card_queue_fini(c);
	idalloc_fini(&c->sa);
	idalloc_fini(&c->nh);
}

uint32_t card_sa_alloc(struct card *c)
{
	return idalloc_get(&c->sa);
}

void card_sa_free(struct card *c, uint32_t idx)
{
	card_sa_own(c, idx, NULL);
	idalloc_put(&c->sa, idx);
}

void card_sa_own(struct card *c, uint32_t idx, void *owner)
{
	if (c->sa_owner && idx <= c->max_sa)
		c->sa_owner[idx] = owner;
}

void *card_sa_owner(const struct card *c, uint32_t idx)
{
	return c->sa_owner && idx <= c->max_sa ? c->sa_owner[idx] : NULL;
}

uint32_t card_nh_alloc(struct card *c)
{
	return idalloc_get(&c->nh);
}

void card_nh_free(struct card *c, uint32_t idx)
{
	idalloc_put(&c->nh, idx);
}

/* ---- libvrfsec: ctx is the struct card ------------------------------------------------------ */

static int d_sa_add(void *ctx, const struct vrfsec_sa_cfg *sa)
{
	return vrfsec_sa_add_sync(((struct card *)ctx)->dev, sa);
}
static int d_sa_update(void *ctx, const struct vrfsec_sa_cfg *sa)
{
	return vrfsec_sa_update_sync(((struct card *)ctx)->dev, sa);
}
static int d_sa_del(void *ctx, uint32_t idx)
{
	return vrfsec_sa_del_sync(((struct card *)ctx)->dev, idx);
}
static int d_route_add(void *ctx, const struct vrfsec_route_cfg *r)
{
	return vrfsec_route_add_sync(((struct card *)ctx)->dev, r);
}
static int d_route_del(void *ctx, const struct vrfsec_route_cfg *r)
{
	return vrfsec_route_del_sync(((struct card *)ctx)->dev, r);
}
static int d_nh_set(void *ctx, const struct vrfsec_nh_cfg *nh)
{
	return vrfsec_nh_set_sync(((struct card *)ctx)->dev, nh);
}
static int d_label_map(void *ctx, const struct vrfsec_label_cfg *l)
{
	return vrfsec_label_map_sync(((struct card *)ctx)->dev, l);
}
static int d_vrf_set(void *ctx, const struct vrfsec_vrf_cfg *v)
{
	return vrfsec_vrf_set_sync(((struct card *)ctx)->dev, v);
}
static int d_port_set(void *ctx, const struct vrfsec_port_settings *p)
{
	return vrfsec_port_set_sync(((struct card *)ctx)->dev, p);
}
static int d_inject(void *ctx, const struct vrfsec_inject *p)
{
	return vrfsec_inject_send(((struct card *)ctx)->dev, p);
}
static const char *d_errmsg(void *ctx)
{
	struct vrfsec_dev *dev = ((struct card *)ctx)->dev;
	const struct vrfsec_result *r = vrfsec_last_result(dev);
	const char *m = vrfsec_errmsg(dev);

	if (m && m[0])
		return m;
	return r && r->status ? vrfsec_detail_str(r->detail) : "";
}

static int d_queue(void *ctx, const struct card_cmd *cmd)
{
	struct vrfsec_batch *b = ((struct card *)ctx)->batch;

	switch (cmd->op) {
	case CARD_SA_ADD:
		return vrfsec_batch_sa_add(b, &cmd->u.sa);
	case CARD_SA_UPDATE:
		return vrfsec_batch_sa_update(b, &cmd->u.sa);
	case CARD_SA_DEL:
		return vrfsec_batch_sa_del(b, cmd->u.idx);
	case CARD_ROUTE_ADD:
		return vrfsec_batch_route_add(b, &cmd->u.route);
	case CARD_ROUTE_DEL:
		return vrfsec_batch_route_del(b, &cmd->u.route);
	case CARD_NH_SET:
		return vrfsec_batch_nh_set(b, &cmd->u.nh);
	default:
		return -EINVAL;
	}
}

static int d_submit(void *ctx)
{
	return vrfsec_batch_submit(((struct card *)ctx)->batch);
}

static int d_wait(void *ctx, unsigned timeout_ms)
{
	int rc = vrfsec_batch_wait(((struct card *)ctx)->batch, timeout_ms);

	/* a command's failure went to its job; only a card that does not answer is ours */
	return rc == -ETIMEDOUT || rc == -ENODEV ? rc : 0;
}

/* One command of the batch answered. The card reports the first failing entry of a command and
 * how many it applied: the entries before it applied, it failed, the ones after it applied when
 * it was the only failure, else which of them failed is unknown and all of them count as failed
 * (their jobs undo them; undoing what did apply is harmless). */
static void d_result(void *arg, const struct vrfsec_result *res)
{
	struct card *c = arg;
	bool one = res->count - res->done <= 1;

	for (uint32_t k = 0; k < res->count; k++) {
		int st = 0;

		if (res->status && (res->failed == VRFSEC_ABI_NONE || k == res->failed ||
				    (k > res->failed && !one)))
			st = res->status;
		card_done(c, res->first_seq + k, st);
	}
}

static const struct card_ops drv_ops = {
	.queue = d_queue,
	.submit = d_submit,
	.wait = d_wait,
	.sa_add = d_sa_add,
	.sa_update = d_sa_update,
	.sa_del = d_sa_del,
	.route_add = d_route_add,
	.route_del = d_route_del,
	.nh_set = d_nh_set,
	.label_map = d_label_map,
	.vrf_set = d_vrf_set,
	.port_set = d_port_set,
	.inject = d_inject,
	.errmsg = d_errmsg,
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
	rc = card_init(c, &drv_ops, c, info.max_sa, info.max_nh, info.max_vrf);
	if (rc == 0) {
		struct vrfsec_batch_cfg bc = { .fn = d_result, .arg = c };

		rc = vrfsec_batch_create(dev, &bc, &c->batch);
		if (rc) {
			snprintf(err, n, "%s: batch: %s", spec, vrfsec_errmsg(dev));
			card_fini(c);
		}
	}
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
	if (c->dev && card_settle(c, 0) != 0)
		log_warn("card: commands still unanswered at close");
	vrfsec_batch_destroy(c->batch);
	c->batch = NULL;
	card_fini(c);
	vrfsec_close(c->dev);
	c->dev = NULL;
}

/* ---- RIB ------------------------------------------------------------------------------------ */

static uint32_t rib_hash(uint16_t vrf, const struct prefix *p)
{
	uint32_t h = 2166136261u ^ vrf;

	h = (h ^ p->addr.af) * 16777619u;
	h = (h ^ p->plen) * 16777619u;
	for (unsigned i = 0; i < 16; i++)
		h = (h ^ p->addr.a[i]) * 16777619u;
	return h ^ (h >> 15);
}

static uint32_t *chain_head(const struct rib *r, const struct rib_entry *e)
{
	return &r->bucket[rib_hash(e->vrf, &e->dst) & (r->nbucket - 1)];
}

static struct rib_entry *find(const struct rib *r, uint16_t vrf, const struct prefix *dst)
{
	if (!r->nbucket)
		return NULL;
	for (uint32_t k = r->bucket[rib_hash(vrf, dst) & (r->nbucket - 1)]; k; k = r->v[k - 1].hnext)
		if (r->v[k - 1].vrf == vrf && prefix_eq(&r->v[k - 1].dst, dst))
			return &r->v[k - 1];
	return NULL;
}

/* Entry i into its chain. */
static void link_entry(struct rib *r, uint32_t i)
{
	uint32_t *head = chain_head(r, &r->v[i]);

	r->v[i].hnext = *head;
	*head = i + 1;
}

/* Entry i out of its chain. */
static void unlink_entry(struct rib *r, uint32_t i)
{
	uint32_t *k = chain_head(r, &r->v[i]);

	while (*k && *k != i + 1)
		k = &r->v[*k - 1].hnext;
	if (*k)
		*k = r->v[i].hnext;
}

/* Twice the buckets once there are more entries than buckets. */
static int grow_index(struct rib *r)
{
	unsigned nb = r->nbucket ? 2 * r->nbucket : 256;
	uint32_t *b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	free(r->bucket);
	r->bucket = b;
	r->nbucket = nb;
	for (uint32_t i = 0; i < r->n; i++)
		link_entry(r, i);
	return 0;
}

/* Remove entry e: the last entry moves into its place. */
static void remove_entry(struct rib *r, struct rib_entry *e)
{
	uint32_t i = (uint32_t)(e - r->v), last = r->n - 1;

	unlink_entry(r, i);
	if (i != last) {
		unlink_entry(r, last);
		r->v[i] = r->v[last];
		link_entry(r, i);
	}
	r->n--;
}

/* Entry e replaces old in place (same VRF and prefix: the chain stays). */
static void replace_entry(struct rib_entry *old, const struct rib_entry *e)
{
	uint32_t hnext = old->hnext;

	*old = *e;
	old->hnext = hnext;
}

static struct rib_entry *append(struct rib *r, const struct rib_entry *e)
{
	if (r->n == r->cap) {
		unsigned cap = r->cap ? 2 * r->cap : 64;
		struct rib_entry *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	if (r->n >= r->nbucket && grow_index(r))
		return NULL;
	r->v[r->n] = *e;
	link_entry(r, r->n);
	return &r->v[r->n++];
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
		replace_entry(old, e);
		return 0;
	}
	if (!append(r, e)) {
		c->ops->route_del(c->ctx, &rc);
		return -ENOMEM;
	}
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
	remove_entry(r, e);
	return err == -ENOENT ? 0 : err;
}

static int stage_route(struct card *c, uint8_t op, uint16_t vrf, const struct prefix *dst,
		       uint32_t nh, struct card_job *job)
{
	struct card_cmd cmd = { .op = op, .job = job };

	to_cfg(&cmd.u.route, vrf, dst, nh);
	return card_q(c, &cmd);
}

int rib_add_q(struct rib *r, struct card *c, const struct rib_entry *e, struct card_job *job)
{
	struct rib_entry *old = find(r, e->vrf, &e->dst);

	if (old && (old->kind != e->kind || old->owner != e->owner))
		return -EEXIST;
	if (old)
		replace_entry(old, e);
	else if (!append(r, e))
		return -ENOMEM;
	return stage_route(c, CARD_ROUTE_ADD, e->vrf, &e->dst, e->nh, job);
}

int rib_set_nh_q(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst, uint32_t nh,
		 const char *via, struct card_job *job)
{
	struct rib_entry *e = find(r, vrf, dst);
	bool same;

	if (!e)
		return -ENOENT;
	same = e->nh == nh;
	e->nh = nh;
	snprintf(e->via, sizeof(e->via), "%s", via);
	return same ? 0 : stage_route(c, CARD_ROUTE_ADD, vrf, dst, nh, job); /* ROUTE_ADD replaces */
}

int rib_del_q(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst)
{
	struct rib_entry *e = find(r, vrf, dst);
	int rc;

	if (!e)
		return -ENOENT;
	rc = stage_route(c, CARD_ROUTE_DEL, vrf, dst, e->nh, NULL);
	remove_entry(r, e);
	return rc;
}

void rib_free(struct rib *r)
{
	free(r->v);
	free(r->bucket);
	memset(r, 0, sizeof(*r));
}
