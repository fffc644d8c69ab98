/* SPDX-License-Identifier: Apache-2.0 */
/* The card seam's test double. */
#include <errno.h>
#include <string.h>

#include "card_mock.h"

static int m_sa_add(void *ctx, const struct vrfsec_sa_cfg *sa)
{
	struct card_mock *m = ctx;
	static const uint8_t zero[32];

	if (m->fail_sa_add_at && ++m->n_sa_add == (unsigned)m->fail_sa_add_at)
		return -ENOSPC;
	if (!m->fail_sa_add_at)
		m->n_sa_add++;
	if (sa->idx >= MOCK_SA || m->sa_used[sa->idx])
		return -EEXIST;
	m->sa[sa->idx] = *sa;
	m->sa_key_nonzero[sa->idx] = memcmp(sa->key, zero, sa->key_len) != 0;
	memset(m->sa[sa->idx].key, 0, sizeof(sa->key));
	memset(m->sa[sa->idx].salt, 0, sizeof(sa->salt));
	m->sa_used[sa->idx] = true;
	return 0;
}

static int m_sa_update(void *ctx, const struct vrfsec_sa_cfg *sa)
{
	struct card_mock *m = ctx;

	struct vrfsec_sa_cfg *o;

	m->n_sa_update++;
	if (m->fail_sa_update)
		return -EINVAL;
	if (sa->idx >= MOCK_SA || !m->sa_used[sa->idx])
		return -ENOENT;
	o = &m->sa[sa->idx];
	/* as the card checks it: the same SA (SPI, encapsulation), known flags, the same family */
	if ((sa->spi && sa->spi != o->spi) || sa->udp != o->udp ||
	    (sa->update & ~(uint32_t)(VRFSEC_SA_UPD_ADDR | VRFSEC_SA_UPD_ETH)) ||
	    ((sa->update & VRFSEC_SA_UPD_ADDR) && sa->outer_af != o->outer_af) ||
	    ((sa->update & VRFSEC_SA_UPD_ETH) && o->dir != VRFSEC_SA_OUT))
		return -EINVAL;
	o->udp_sport = sa->udp_sport;
	o->udp_dport = sa->udp_dport;
	if (sa->update & VRFSEC_SA_UPD_ADDR) {
		memcpy(o->src, sa->src, 16);
		memcpy(o->dst, sa->dst, 16);
	}
	if (sa->update & VRFSEC_SA_UPD_ETH) {
		memcpy(o->smac, sa->smac, 6);
		memcpy(o->dmac, sa->dmac, 6);
	}
	return 0;
}

static int m_sa_del(void *ctx, uint32_t idx)
{
	struct card_mock *m = ctx;

	m->n_sa_del++;
	if (idx >= MOCK_SA || !m->sa_used[idx])
		return -ENOENT;
	m->sa_used[idx] = false;
	return 0;
}

static struct mock_route *rfind(struct card_mock *m, const struct vrfsec_route_cfg *r)
{
	for (unsigned i = 0; i < MOCK_ROUTES; i++)
		if (m->routes[i].used && m->routes[i].r.vrf == r->vrf && m->routes[i].r.plen == r->plen &&
		    m->routes[i].r.af == r->af && !memcmp(m->routes[i].r.addr, r->addr, 16))
			return &m->routes[i];
	return NULL;
}

static int m_route_add(void *ctx, const struct vrfsec_route_cfg *r)
{
	struct card_mock *m = ctx;
	struct mock_route *e = rfind(m, r);

	m->n_route_add++;
	for (unsigned i = 0; !e && i < MOCK_ROUTES; i++)
		if (!m->routes[i].used)
			e = &m->routes[i];
	if (!e)
		return -ENOSPC;
	e->used = true;
	e->r = *r;
	return 0;
}

static int m_route_del(void *ctx, const struct vrfsec_route_cfg *r)
{
	struct card_mock *m = ctx;
	struct mock_route *e = rfind(m, r);

	m->n_route_del++;
	if (!e)
		return -ENOENT;
	e->used = false;
	return 0;
}

static int m_nh_set(void *ctx, const struct vrfsec_nh_cfg *nh)
{
	struct card_mock *m = ctx;

	m->n_nh_set++;
	if (nh->idx >= MOCK_NH)
		return -EINVAL;
	m->nh[nh->idx] = *nh;
	return 0;
}

static int m_label(void *ctx, const struct vrfsec_label_cfg *l)
{
	struct card_mock *m = ctx;

	m->n_label++;
	if (m->n_labels < 16) {
		m->labels[m->n_labels] = l->label;
		m->label_vrf[m->n_labels++] = l->vrf;
	}
	return 0;
}

static int m_vrf(void *ctx, const struct vrfsec_vrf_cfg *v)
{
	(void)v;
	((struct card_mock *)ctx)->n_vrf++;
	return 0;
}

static int m_port(void *ctx, const struct vrfsec_port_settings *p)
{
	(void)ctx;
	(void)p;
	return 0;
}

static int m_inject(void *ctx, const struct vrfsec_inject *p)
{
	struct card_mock *m = ctx;
	unsigned k = ++m->n_inject % 4;

	m->frame_len[k] = p->len < sizeof(m->frame[k]) ? p->len : (uint32_t)sizeof(m->frame[k]);
	memcpy(m->frame[k], p->frame, m->frame_len[k]);
	return 0;
}

static const char *m_errmsg(void *ctx)
{
	(void)ctx;
	return "mock";
}

static int m_queue(void *ctx, const struct card_cmd *cmd)
{
	struct card_mock *m = ctx;
	int rc;

	if (m->n_ans == sizeof(m->ans) / sizeof(m->ans[0]))
		return -EAGAIN;
	switch (cmd->op) {
	case CARD_SA_ADD:
		rc = m_sa_add(m, &cmd->u.sa);
		break;
	case CARD_SA_UPDATE:
		rc = m_sa_update(m, &cmd->u.sa);
		break;
	case CARD_SA_DEL:
		rc = m_sa_del(m, cmd->u.idx);
		break;
	case CARD_ROUTE_ADD:
		rc = m_route_add(m, &cmd->u.route);
		break;
	case CARD_ROUTE_DEL:
		rc = m_route_del(m, &cmd->u.route);
		break;
	case CARD_NH_SET:
		rc = m_nh_set(m, &cmd->u.nh);
		break;
	default:
		return -EINVAL;
	}
	if (m->fail_op == cmd->op) {
		/* the card refuses it: undo what the call above applied */
		if (rc == 0 && cmd->op == CARD_SA_ADD)
			m->sa_used[cmd->u.sa.idx] = false;
		if (rc == 0 && cmd->op == CARD_ROUTE_ADD)
			m_route_del(m, &cmd->u.route);
		rc = m->fail_op_rc ? m->fail_op_rc : -EINVAL;
		m->fail_op = 0;
	}
	if (m->n_ops < sizeof(m->ops))
		m->ops[m->n_ops++] = cmd->op;
	m->ans[m->n_ans].seq = m->seq++;
	m->ans[m->n_ans++].rc = rc;
	return 0;
}

void mock_release(struct card_mock *m)
{
	for (unsigned i = 0; i < m->n_ans; i++)
		card_done(m->card, m->ans[i].seq, m->ans[i].rc);
	m->n_ans = 0;
}

static int m_submit(void *ctx)
{
	struct card_mock *m = ctx;

	m->n_submits++;
	if (!m->hold)
		mock_release(m);
	return 0;
}

static int m_wait(void *ctx, unsigned timeout_ms)
{
	(void)timeout_ms;
	mock_release(ctx);
	return 0;
}

static const struct card_ops mock_ops = {
	.queue = m_queue,	  .submit = m_submit,	.wait = m_wait,	      .sa_add = m_sa_add,
	.sa_update = m_sa_update, .sa_del = m_sa_del,	.route_add = m_route_add,
	.route_del = m_route_del, .nh_set = m_nh_set,	.label_map = m_label, .vrf_set = m_vrf,
	.port_set = m_port,	  .inject = m_inject,	.errmsg = m_errmsg,
};

void card_mock_init(struct card *c, struct card_mock *m)
{
	memset(m, 0, sizeof(*m));
	memset(c, 0, sizeof(*c));
	m->card = c;
	card_init(c, &mock_ops, m, MOCK_SA, MOCK_NH, 8);
}

unsigned mock_sa_count(const struct card_mock *m)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MOCK_SA; i++)
		n += m->sa_used[i];
	return n;
}

unsigned mock_route_count(const struct card_mock *m)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MOCK_ROUTES; i++)
		n += m->routes[i].used;
	return n;
}

const struct vrfsec_route_cfg *mock_route_find(const struct card_mock *m, uint16_t vrf, const char *prefix)
{
	struct vrfsec_route_cfg r = { 0 };
	struct prefix p;

	if (prefix_parse(prefix, &p) != 0)
		return NULL;
	r.vrf = vrf;
	r.af = p.addr.af;
	r.plen = p.plen;
	memcpy(r.addr, p.addr.a, 16);
	return rfind((struct card_mock *)m, &r) ? &rfind((struct card_mock *)m, &r)->r : NULL;
}
