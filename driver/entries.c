/* SPDX-License-Identifier: Apache-2.0 */
/* Parameter structs to table entries: the little-endian layouts of the card ABI, written in place
 * into a parameter block the card reads by DMA. */
#include <endian.h>
#include <string.h>

#include "drv.h"

void drv_fill_sa(void *entry, const void *cfg)
{
	const struct vrfsec_sa_cfg *s = cfg;
	struct vrfsec_abi_sa_entry *e = entry;
	unsigned n_ts = s->n_ts < VRFSEC_SA_MAX_TS ? s->n_ts : VRFSEC_SA_MAX_TS;

	memset(e, 0, sizeof(*e));
	e->idx = htole32(s->idx);
	e->dir = s->dir;
	e->mode = s->mode;
	e->esn = s->esn;
	e->udp = s->udp;
	e->spi = htole32(s->spi);
	e->vrf = htole16(s->vrf);
	e->win = htole16(s->win);
	e->no_replay = s->no_replay;
	e->outer_af = s->outer_af;
	e->ttl = s->ttl;
	e->tos = s->tos;
	e->dscp_copy = s->dscp_copy;
	e->ecn_copy = s->ecn_copy;
	e->df_mode = s->df_mode;
	e->pad_extra = s->pad_extra;
	memcpy(e->salt, s->salt, sizeof(e->salt));
	memcpy(e->src, s->src, sizeof(e->src));
	memcpy(e->dst, s->dst, sizeof(e->dst));
	e->flow_label = htole32(s->flow_label);
	e->ipv4_id = htole16(s->ipv4_id);
	e->udp_sport = htole16(s->udp_sport);
	e->udp_dport = htole16(s->udp_dport);
	e->mtu = htole16(s->mtu);
	e->seq = htole64(s->seq);
	e->iv = htole64(s->iv);
	memcpy(e->smac, s->smac, sizeof(e->smac));
	memcpy(e->dmac, s->dmac, sizeof(e->dmac));
	/* n_ts as given, so the card refuses a count beyond its selectors; only the copy is capped */
	e->n_ts = s->n_ts;
	for (unsigned i = 0; i < n_ts; i++) {
		uint8_t *t = &e->ts[i * 20u];

		t[0] = s->ts[i].af;
		t[1] = s->ts[i].plen;
		memcpy(t + 4, s->ts[i].addr, 16);
	}
	e->key_len = s->key_len;
	memcpy(e->key, s->key, s->key_len < sizeof(e->key) ? s->key_len : sizeof(e->key));
	e->idle_s = htole16(s->idle_s);
	e->soft_bytes = htole64(s->soft.bytes);
	e->hard_bytes = htole64(s->hard.bytes);
	e->soft_packets = htole64(s->soft.packets);
	e->hard_packets = htole64(s->hard.packets);
	e->soft_s = htole32(s->soft.seconds);
	e->hard_s = htole32(s->hard.seconds);
	e->update = htole32(s->update);
}

void drv_fill_sa_del(void *entry, const void *cfg)
{
	struct vrfsec_abi_sa_del_entry *e = entry;

	e->idx = htole32(*(const uint32_t *)cfg);
	e->rsvd = 0;
}

void drv_fill_route(void *entry, const void *cfg)
{
	const struct vrfsec_route_cfg *r = cfg;
	struct vrfsec_abi_route_entry *e = entry;

	memset(e, 0, sizeof(*e));
	e->vrf = htole16(r->vrf);
	e->af = r->af;
	e->plen = r->plen;
	e->nh = htole32(r->nh);
	memcpy(e->addr, r->addr, sizeof(e->addr));
}

void drv_fill_nh(void *entry, const void *cfg)
{
	const struct vrfsec_nh_cfg *n = cfg;
	struct vrfsec_abi_nh_entry *e = entry;

	memset(e, 0, sizeof(*e));
	e->idx = htole32(n->idx);
	e->kind = n->kind;
	e->n_labels = n->n_labels;
	e->ttl_mode = n->ttl_mode;
	e->pipe_ttl = n->pipe_ttl;
	e->sa = htole32(n->sa);
	e->vlan = htole16(n->vlan);
	e->mtu = htole16(n->mtu);
	for (unsigned i = 0; i < VRFSEC_NEXTHOP_MAX_LABELS; i++)
		e->label[i] = htole32(n->label[i]);
	memcpy(e->eth, n->dmac, 6);
	memcpy(e->eth + 6, n->smac, 6);
}

void drv_fill_label(void *entry, const void *cfg)
{
	const struct vrfsec_label_cfg *l = cfg;
	struct vrfsec_abi_label_entry *e = entry;

	e->label = htole32(l->label);
	e->vrf = htole16(l->vrf);
	e->rsvd = 0;
}

void drv_fill_vrf(void *entry, const void *cfg)
{
	const struct vrfsec_vrf_cfg *v = cfg;
	struct vrfsec_abi_vrf_entry *e = entry;

	memset(e, 0, sizeof(*e));
	e->vrf = htole16(v->vrf);
	e->ttl_mode = v->ttl_mode;
	e->tc_map_set = v->tc_map_set;
	e->vlan = htole16(v->vlan);
	memcpy(e->tc_map, v->tc_map, sizeof(e->tc_map));
}

void drv_fill_port(void *entry, const void *cfg)
{
	const struct vrfsec_port_settings *p = cfg;
	struct vrfsec_abi_port_entry *e = entry;

	memset(e, 0, sizeof(*e));
	e->natt_port = htole16(p->natt_port);
	e->ike_port = htole16(p->ike_port);
	e->core_mtu = htole16(p->core_mtu);
	e->inside_mtu = htole16(p->inside_mtu);
	memcpy(e->public_mac, p->public_mac, 6);
	memcpy(e->core_mac, p->core_mac, 6);
	memcpy(e->inside_mac, p->inside_mac, 6);
}

/* ---- synchronous forms: one entry each */

int vrfsec_sa_add_sync(struct vrfsec_dev *dev, const struct vrfsec_sa_cfg *sa)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_SA_ADD, sizeof(struct vrfsec_abi_sa_entry), true,
			    drv_fill_sa, sa);
}

int vrfsec_sa_update_sync(struct vrfsec_dev *dev, const struct vrfsec_sa_cfg *sa)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_SA_UPDATE, sizeof(struct vrfsec_abi_sa_entry), true,
			    drv_fill_sa, sa);
}

int vrfsec_sa_del_sync(struct vrfsec_dev *dev, uint32_t idx)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_SA_DEL, sizeof(struct vrfsec_abi_sa_del_entry), false,
			    drv_fill_sa_del, &idx);
}

int vrfsec_route_add_sync(struct vrfsec_dev *dev, const struct vrfsec_route_cfg *route)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_ROUTE_ADD, sizeof(struct vrfsec_abi_route_entry),
			    false, drv_fill_route, route);
}

int vrfsec_route_del_sync(struct vrfsec_dev *dev, const struct vrfsec_route_cfg *route)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_ROUTE_DEL, sizeof(struct vrfsec_abi_route_entry),
			    false, drv_fill_route, route);
}

int vrfsec_nh_set_sync(struct vrfsec_dev *dev, const struct vrfsec_nh_cfg *nh)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_NH_SET, sizeof(struct vrfsec_abi_nh_entry), false,
			    drv_fill_nh, nh);
}

int vrfsec_label_map_sync(struct vrfsec_dev *dev, const struct vrfsec_label_cfg *label)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_LABEL_MAP, sizeof(struct vrfsec_abi_label_entry),
			    false, drv_fill_label, label);
}

int vrfsec_vrf_set_sync(struct vrfsec_dev *dev, const struct vrfsec_vrf_cfg *vrf)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_VRF_SET, sizeof(struct vrfsec_abi_vrf_entry), false,
			    drv_fill_vrf, vrf);
}

int vrfsec_port_set_sync(struct vrfsec_dev *dev, const struct vrfsec_port_settings *port)
{
	return drv_cmd_sync(dev, VRFSEC_ABI_OP_PORT_SET, sizeof(struct vrfsec_abi_port_entry), false,
			    drv_fill_port, port);
}
