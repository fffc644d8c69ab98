/* SPDX-License-Identifier: Apache-2.0 */
/* The cmodel mirror: every change the card accepts goes into an in-process testbed too, and the
 * testbed runs the same frames in the order the simulator reads them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardtest.h"

int mirror_open(struct mirror *m, struct vrfsec_dev *dev)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->dev = dev;
	rc = testbed_open(&m->tb, VRFSEC_ENGINE_CMODEL);
	m->tb_open = rc == 0;
	return rc;
}

void mirror_close(struct mirror *m)
{
	if (m->tb_open)
		testbed_close(&m->tb);
	m->tb_open = false;
}

/* Field by field from the public parameter struct: the card gets the same values through the
 * driver's entry encoding and the firmware's decoding, so a slip in either shows as a
 * difference in the frames. */
void sa_params_from_cfg(const struct vrfsec_sa_cfg *c, struct vrfsec_sa_params *p)
{
	memset(p, 0, sizeof(*p));
	p->dir = c->dir;
	p->mode = c->mode;
	p->esn = c->esn;
	p->udp = c->udp;
	p->spi = c->spi;
	p->vrf = c->vrf;
	p->win = c->win;
	p->no_replay = c->no_replay;
	p->outer_af = c->outer_af;
	p->ttl = c->ttl;
	p->tos = c->tos;
	p->dscp_copy = c->dscp_copy;
	p->ecn_copy = c->ecn_copy;
	p->df_mode = c->df_mode;
	p->pad_extra = c->pad_extra;
	memcpy(p->salt, c->salt, 4);
	memcpy(p->src, c->src, 16);
	memcpy(p->dst, c->dst, 16);
	p->flow_label = c->flow_label;
	p->ipv4_id = c->ipv4_id;
	p->udp_sport = c->udp_sport;
	p->udp_dport = c->udp_dport;
	p->mtu = c->mtu;
	p->seq = c->seq;
	p->iv = c->iv;
	memcpy(p->smac, c->smac, 6);
	memcpy(p->dmac, c->dmac, 6);
	p->n_ts = c->n_ts;
	for (unsigned k = 0; k < VRFSEC_MAX_TS && k < c->n_ts; k++) {
		p->ts[k].af = c->ts[k].af;
		p->ts[k].plen = c->ts[k].plen;
		memcpy(p->ts[k].addr, c->ts[k].addr, 16);
	}
}

static int agree(int card_rc, int tb_rc)
{
	if (card_rc != 0)
		return card_rc;
	return tb_rc == 0 ? 0 : -EPROTO;
}

int mirror_sa_add(struct mirror *m, const struct vrfsec_sa_cfg *sa)
{
	struct vrfsec_sa_params p;
	int rc = vrfsec_sa_add_sync(m->dev, sa);

	if (rc)
		return rc;
	sa_params_from_cfg(sa, &p);
	return agree(rc, vrfsec_engine_sa_add(m->tb.e, sa->idx, &p, sa->key, sa->key_len));
}

int mirror_sa_del(struct mirror *m, uint32_t idx)
{
	int rc = vrfsec_sa_del_sync(m->dev, idx);

	return rc ? rc : agree(rc, vrfsec_engine_sa_del(m->tb.e, idx));
}

int mirror_route_add(struct mirror *m, const struct vrfsec_route_cfg *r)
{
	int rc = vrfsec_route_add_sync(m->dev, r);

	return rc ? rc : agree(rc, vrfsec_route_add(m->tb.t, r->vrf, r->af, r->addr, r->plen, r->nh));
}

int mirror_route_del(struct mirror *m, const struct vrfsec_route_cfg *r)
{
	int rc = vrfsec_route_del_sync(m->dev, r);

	return rc ? rc : agree(rc, vrfsec_route_del(m->tb.t, r->vrf, r->af, r->addr, r->plen));
}

int mirror_nh_set(struct mirror *m, const struct vrfsec_nh_cfg *c)
{
	struct vrfsec_nh nh;
	int rc = vrfsec_nh_set_sync(m->dev, c);

	if (rc)
		return rc;
	memset(&nh, 0, sizeof(nh));
	nh.kind = c->kind;
	nh.n_labels = c->n_labels;
	nh.ttl_mode = c->ttl_mode;
	nh.pipe_ttl = c->pipe_ttl;
	nh.sa = c->sa;
	nh.vlan = c->vlan;
	nh.mtu = c->mtu;
	memcpy(nh.label, c->label, sizeof(nh.label));
	memcpy(nh.eth, c->dmac, 6);
	memcpy(nh.eth + 6, c->smac, 6);
	return agree(rc, vrfsec_nh_set(m->tb.t, c->idx, &nh));
}

int mirror_label_map(struct mirror *m, const struct vrfsec_label_cfg *l)
{
	int rc = vrfsec_label_map_sync(m->dev, l);

	return rc ? rc : agree(rc, vrfsec_label_map(m->tb.t, l->label, l->vrf));
}

int mirror_vrf_set(struct mirror *m, const struct vrfsec_vrf_cfg *v)
{
	struct vrfsec_vrf_params p;
	int rc = vrfsec_vrf_set_sync(m->dev, v);

	if (rc)
		return rc;
	memset(&p, 0, sizeof(p));
	p.ttl_mode = v->ttl_mode;
	p.vlan = v->vlan;
	p.tc_map_set = v->tc_map_set;
	memcpy(p.tc_map, v->tc_map, sizeof(p.tc_map));
	return agree(rc, vrfsec_vrf_set(m->tb.t, v->vrf, &p));
}

int mirror_port_set(struct mirror *m, const struct vrfsec_port_settings *s)
{
	struct vrfsec_port_cfg *pc = &m->tb.t->port;
	int rc = vrfsec_port_set_sync(m->dev, s);

	if (rc)
		return rc;
	pc->natt_port = s->natt_port;
	pc->ike_port = s->ike_port;
	pc->core_mtu = s->core_mtu;
	pc->inside_mtu = s->inside_mtu;
	memcpy(pc->public_mac, s->public_mac, 6);
	memcpy(pc->core_mac, s->core_mac, 6);
	memcpy(pc->inside_mac, s->inside_mac, 6);
	return 0;
}

void run_out_free(struct run_out *o)
{
	for (unsigned i = 0; i < 3; i++)
		frames_free(&o->port[i]);
	frames_free(&o->punt);
}

/* Where the simulator would send each finished packet (sim/card/main.c run_burst, sim_punt). */
static void collect(struct vrfsec_pkt **pp, uint32_t n, struct run_out *out)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct vrfsec_pkt *p = pp[i];

		if (p->out_port < 3) {
			frames_add(&out->port[p->out_port], p->buf + p->off, p->len);
		} else if (p->out_port == VRFSEC_PORT_HOST) {
			struct frame *f;

			frames_add(&out->punt, p->buf + p->off, p->len);
			f = &out->punt.v[out->punt.n - 1];
			f->port = p->in_port;
			f->reason = p->reason;
			f->vrf = p->vrf;
			f->sa = p->sa_in;
		}
	}
}

static struct vrfsec_pkt *burst_bufs(struct vrfsec_pkt **pp)
{
	struct vrfsec_pkt *bufs = calloc(VRFSEC_BURST_MAX, sizeof(*bufs));

	if (!bufs) {
		fprintf(stderr, "vrfsec-cardtest: out of memory\n");
		exit(2);
	}
	for (uint32_t i = 0; i < VRFSEC_BURST_MAX; i++)
		pp[i] = &bufs[i];
	return bufs;
}

void mirror_run_ports(struct mirror *m, const struct frames in[3], struct run_out *out)
{
	struct vrfsec_pkt *pp[VRFSEC_BURST_MAX];
	struct vrfsec_pkt *bufs = burst_bufs(pp);
	uint32_t next[3] = { 0, 0, 0 };
	bool more = true;

	while (more) {
		more = false;
		for (uint8_t port = 0; port < 3; port++) {
			uint32_t n = 0;

			while (n < VRFSEC_BURST_MAX && next[port] < in[port].n) {
				const struct frame *f = &in[port].v[next[port]++];

				pkt_load(pp[n++], port, f->data, f->len);
			}
			if (n) {
				vrfsec_engine_run(m->tb.e, pp, n);
				collect(pp, n, out);
			}
			more |= next[port] < in[port].n;
		}
	}
	free(bufs);
}

void mirror_run_inject(struct mirror *m, const void *ip, uint32_t len, uint32_t sa,
		       struct run_out *out)
{
	struct vrfsec_pkt *pp[VRFSEC_BURST_MAX];
	struct vrfsec_pkt *bufs = burst_bufs(pp);

	/* as sim_inject_rx delivers it: in_port HOST, the SA to seal into */
	pkt_load(pp[0], VRFSEC_PORT_HOST, ip, len);
	pp[0]->sa_out = sa;
	vrfsec_engine_run(m->tb.e, pp, 1);
	collect(pp, 1, out);
	free(bufs);
}
