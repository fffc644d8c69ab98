/* SPDX-License-Identifier: Apache-2.0 */
/* Setup of port defaults, next hops, VRFs and the label / VLAN maps. */
#include "tables_setup.h"

void vrfsec_tables_init(struct vrfsec_tables *t)
{
	t->port.natt_port = 4500;
	t->port.ike_port = 500;
	t->port.core_mtu = 1500;
	t->port.inside_mtu = 1500;
	vrfsec_fib_init(&t->fib);
}

int vrfsec_nh_set(struct vrfsec_tables *t, uint32_t idx, const struct vrfsec_nh *nh)
{
	uint32_t i;

	if (idx == 0 || idx >= VRFSEC_MAX_NH || nh->kind > VRFSEC_NH_DROP)
		return VRFSEC_EINVAL;
	if (nh->kind == VRFSEC_NH_MPLS) {
		if (nh->n_labels == 0 || nh->n_labels > VRFSEC_MAX_LABELS)
			return VRFSEC_EINVAL;
		for (i = 0; i < VRFSEC_MAX_LABELS; i++)
			if (i < nh->n_labels && nh->label[i] >= (1u << 20))
				return VRFSEC_EINVAL;
	}
	if (nh->kind == VRFSEC_NH_SA && nh->sa >= VRFSEC_MAX_SA)
		return VRFSEC_EINVAL;
	if (nh->kind == VRFSEC_NH_VLAN && (nh->vlan == 0 || nh->vlan >= 4095u))
		return VRFSEC_EINVAL;
	t->nh[idx] = *nh;
	return VRFSEC_OK;
}

int vrfsec_vrf_set(struct vrfsec_tables *t, uint16_t vrf, const struct vrfsec_vrf_params *p)
{
	struct vrfsec_vrf *v;
	uint32_t i;

	if (vrf >= VRFSEC_MAX_VRF || p->ttl_mode > VRFSEC_TTL_PIPE || p->vlan >= 4095u)
		return VRFSEC_EINVAL;
	v = &t->vrf[vrf];
	/* check before changing anything: a refused call leaves the VRF as it was */
	if (p->vlan != 0 && t->vlan_vrf[p->vlan] != 0 && t->vlan_vrf[p->vlan] != vrf + 1u)
		return VRFSEC_EEXIST;
	if (v->vlan != 0 && t->vlan_vrf[v->vlan] == vrf + 1u)
		t->vlan_vrf[v->vlan] = 0;
	v->valid = 1;
	v->ttl_mode = p->ttl_mode;
	v->vlan = p->vlan;
	for (i = 0; i < 64u; i++)
		v->tc_map[i] = p->tc_map_set ? (uint8_t)(p->tc_map[i] & 7u) : (uint8_t)(i >> 3);
	if (p->vlan != 0)
		t->vlan_vrf[p->vlan] = (uint16_t)(vrf + 1u);
	return VRFSEC_OK;
}

int vrfsec_label_map(struct vrfsec_tables *t, uint32_t label, uint16_t vrf)
{
	if (label < 16u || label >= VRFSEC_LABEL_SPACE)
		return VRFSEC_EINVAL;
	if (vrf == 0xffffu) {
		t->label_vrf[label] = 0;
		return VRFSEC_OK;
	}
	if (vrf >= VRFSEC_MAX_VRF)
		return VRFSEC_EINVAL;
	t->label_vrf[label] = (uint16_t)(vrf + 1u);
	return VRFSEC_OK;
}

int vrfsec_route_add(struct vrfsec_tables *t, uint16_t vrf, uint8_t af, const uint8_t *addr,
		     uint8_t plen, uint32_t nh)
{
	int rc;

	if (vrf >= VRFSEC_MAX_VRF || nh == 0 || nh >= VRFSEC_MAX_NH)
		return VRFSEC_EINVAL;
	rc = vrfsec_fib_add(&t->fib, vrf, af, addr, plen, nh);
	if (rc == VRFSEC_ENOSPC)
		t->cnt[VRFSEC_CNT_TABLE_FULL]++;
	return rc;
}

int vrfsec_route_del(struct vrfsec_tables *t, uint16_t vrf, uint8_t af, const uint8_t *addr,
		     uint8_t plen)
{
	return vrfsec_fib_del(&t->fib, vrf, af, addr, plen);
}
