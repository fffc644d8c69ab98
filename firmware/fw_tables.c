/* SPDX-License-Identifier: Apache-2.0 */
/* Route, next-hop, label, VRF and port commands, and the counter snapshot by DMA. */
#include "fw_impl.h"

#define MTU_MIN 576u
#define MTU_MAX (VRFSEC_MAX_FRAME - 14u)
#define VLAN_MAX 4094u
#define LABEL_MIN 16u /* 0..15 are reserved labels */
#define VRF_REMOVE 0xffffu
#define TC_MAX 7u

_Static_assert(sizeof(((struct vrfsec_abi_nh_entry *)0)->label) / 4u == VRFSEC_MAX_LABELS,
	       "label stack depth");
_Static_assert(sizeof(((struct vrfsec_abi_nh_entry *)0)->eth) == 12u, "dmac + smac");
_Static_assert(sizeof(((struct vrfsec_abi_vrf_entry *)0)->tc_map) == 64u, "DSCP -> TC map");

static struct fw_res result(uint16_t detail, uint16_t err, uint16_t vrf)
{
	struct fw_res r = { detail, detail == VRFSEC_ABI_ERR_NONE ? 0 : err, vrf, VRFSEC_ABI_NONE,
			    0 };

	return r;
}

static struct fw_res ok(uint16_t vrf)
{
	return result(VRFSEC_ABI_ERR_NONE, 0, vrf);
}

static struct fw_res bad(uint16_t vrf)
{
	return result(VRFSEC_ABI_ERR_BAD_PARAM, FW_EINVAL, vrf);
}

/* Shared checks of ROUTE_ADD and ROUTE_DEL. */
static struct fw_res route_check(const uint8_t *e)
{
	uint16_t vrf = le16(e + OFF(route_entry, vrf));
	uint8_t af = e[OFF(route_entry, af)];
	uint8_t plen = e[OFF(route_entry, plen)];

	if (vrf >= VRFSEC_MAX_VRF)
		return result(VRFSEC_ABI_ERR_BAD_VRF, FW_EINVAL, vrf);
	if (af != VRFSEC_AF_IPV4 && af != VRFSEC_AF_IPV6)
		return bad(vrf);
	if (plen > (af == VRFSEC_AF_IPV6 ? 128u : 32u))
		return bad(vrf);
	return ok(vrf);
}

struct fw_res fw_route_add(struct fw *fw, const uint8_t *e)
{
	struct fw_res r = route_check(e);
	uint32_t nh = le32(e + OFF(route_entry, nh));
	int rc;

	if (r.detail != VRFSEC_ABI_ERR_NONE)
		return r;
	if (nh == 0 || nh >= VRFSEC_MAX_NH)
		return bad(r.vrf);
	/* vrfsec_fib_add checks the node pool before it writes, so a full FIB is left as it was. */
	rc = vrfsec_route_add(fw->t, r.vrf, e[OFF(route_entry, af)], e + OFF(route_entry, addr),
			      e[OFF(route_entry, plen)], nh);
	if (rc == VRFSEC_ENOSPC)
		return result(VRFSEC_ABI_ERR_TABLE_FULL, FW_ENOSPC, r.vrf);
	if (rc != 0)
		return bad(r.vrf);
	return r;
}

struct fw_res fw_route_del(struct fw *fw, const uint8_t *e)
{
	struct fw_res r = route_check(e);
	int rc;

	if (r.detail != VRFSEC_ABI_ERR_NONE)
		return r;
	rc = vrfsec_route_del(fw->t, r.vrf, e[OFF(route_entry, af)], e + OFF(route_entry, addr),
			      e[OFF(route_entry, plen)]);
	if (rc == VRFSEC_ENOENT)
		return result(VRFSEC_ABI_ERR_NO_ROUTE, FW_ENOENT, r.vrf);
	if (rc != 0)
		return bad(r.vrf);
	return r;
}

struct fw_res fw_nh_set(struct fw *fw, const uint8_t *e)
{
	struct vrfsec_nh nh;
	uint32_t idx = le32(e + OFF(nh_entry, idx));
	uint32_t k;

	fw_zero(&nh, sizeof(nh));
	nh.kind = e[OFF(nh_entry, kind)];
	nh.n_labels = e[OFF(nh_entry, n_labels)];
	nh.ttl_mode = e[OFF(nh_entry, ttl_mode)];
	nh.pipe_ttl = e[OFF(nh_entry, pipe_ttl)];
	nh.sa = le32(e + OFF(nh_entry, sa));
	nh.vlan = le16(e + OFF(nh_entry, vlan));
	nh.mtu = le16(e + OFF(nh_entry, mtu));
	for (k = 0; k < VRFSEC_MAX_LABELS; k++)
		nh.label[k] = le32(e + OFF(nh_entry, label) + 4u * k);
	/* The ABI carries destination and source MAC; the data path fills the EtherType. */
	fw_copy(nh.eth, e + OFF(nh_entry, eth), 12u);
	if (idx == 0 || idx >= VRFSEC_MAX_NH || nh.ttl_mode > VRFSEC_TTL_PIPE)
		return bad(0);
	if (nh.mtu != 0 && (nh.mtu < MTU_MIN || nh.mtu > MTU_MAX))
		return bad(0);
	/* vrfsec_nh_set validates everything before its single write. */
	if (vrfsec_nh_set(fw->t, idx, &nh) != 0)
		return bad(0);
	return ok(0);
}

struct fw_res fw_label_map(struct fw *fw, const uint8_t *e)
{
	uint32_t label = le32(e + OFF(label_entry, label));
	uint16_t vrf = le16(e + OFF(label_entry, vrf));

	if (label < LABEL_MIN || label >= VRFSEC_LABEL_SPACE)
		return bad(vrf);
	if (vrf != VRF_REMOVE && vrf >= VRFSEC_MAX_VRF)
		return result(VRFSEC_ABI_ERR_BAD_VRF, FW_EINVAL, vrf);
	if (vrfsec_label_map(fw->t, label, vrf) != 0)
		return bad(vrf);
	return ok(vrf);
}

struct fw_res fw_vrf_set(struct fw *fw, const uint8_t *e)
{
	struct vrfsec_tables *t = fw->t;
	struct vrfsec_vrf_params p;
	uint16_t vrf = le16(e + OFF(vrf_entry, vrf));
	uint16_t owner;
	uint32_t k;

	fw_zero(&p, sizeof(p));
	p.ttl_mode = e[OFF(vrf_entry, ttl_mode)];
	p.tc_map_set = e[OFF(vrf_entry, tc_map_set)];
	p.vlan = le16(e + OFF(vrf_entry, vlan));
	fw_copy(p.tc_map, e + OFF(vrf_entry, tc_map), sizeof(p.tc_map));
	if (vrf >= VRFSEC_MAX_VRF)
		return result(VRFSEC_ABI_ERR_BAD_VRF, FW_EINVAL, vrf);
	if (p.ttl_mode > VRFSEC_TTL_PIPE || p.tc_map_set > 1u || p.vlan > VLAN_MAX)
		return bad(vrf);
	for (k = 0; k < sizeof(p.tc_map); k++)
		if (p.tc_map_set && p.tc_map[k] > TC_MAX)
			return bad(vrf);
	/* vrfsec_vrf_set drops the VRF's old VLAN before it notices the new one is taken; check
	 * here so a refused entry leaves the VLAN map alone. */
	owner = p.vlan != 0 ? t->vlan_vrf[p.vlan] : 0;
	if (owner != 0 && owner != vrf + 1u)
		return result(VRFSEC_ABI_ERR_BAD_PARAM, FW_EEXIST, vrf);
	if (vrfsec_vrf_set(t, vrf, &p) != 0)
		return bad(vrf);
	return ok(vrf);
}

struct fw_res fw_port_set(struct fw *fw, const uint8_t *e)
{
	struct vrfsec_port_cfg *pc = &fw->t->port;
	uint16_t natt = le16(e + OFF(port_entry, natt_port));
	uint16_t ike = le16(e + OFF(port_entry, ike_port));
	uint16_t core_mtu = le16(e + OFF(port_entry, core_mtu));
	uint16_t inside_mtu = le16(e + OFF(port_entry, inside_mtu));

	/* Equal ports would make IKE and ESP-in-UDP indistinguishable on the public port. */
	if (natt == 0 || ike == 0 || natt == ike)
		return bad(0);
	if (core_mtu < MTU_MIN || core_mtu > MTU_MAX || inside_mtu < MTU_MIN ||
	    inside_mtu > MTU_MAX)
		return bad(0);
	pc->natt_port = natt;
	pc->ike_port = ike;
	pc->core_mtu = core_mtu;
	pc->inside_mtu = inside_mtu;
	fw_copy(pc->public_mac, e + OFF(port_entry, public_mac), sizeof(pc->public_mac));
	fw_copy(pc->core_mac, e + OFF(port_entry, core_mac), sizeof(pc->core_mac));
	fw_copy(pc->inside_mac, e + OFF(port_entry, inside_mac), sizeof(pc->inside_mac));
	fw_ports_regs(fw);
	return ok(0);
}

/* Counter snapshot: values are serialised little-endian into the chunk buffer and written to
 * host memory a chunk at a time. */
struct stream {
	uint64_t at;
	uint32_t fill;
	int err;
};

static void flush(struct fw *fw, struct stream *s)
{
	if (s->fill != 0 && !s->err && fw_dma_write(fw, s->at, fw->chunk, s->fill) != 0)
		s->err = 1;
	s->at += s->fill;
	s->fill = 0;
}

static void emit64(struct fw *fw, struct stream *s, uint64_t v)
{
	if (s->fill + 8u > FW_CHUNK_BYTES)
		flush(fw, s);
	put64(fw->chunk + s->fill, v);
	s->fill += 8u;
}

struct fw_res fw_counters(struct fw *fw, uint64_t addr, uint32_t n_sa, uint32_t tag)
{
	const struct vrfsec_tables *t = fw->t;
	struct stream s = { addr, sizeof(struct vrfsec_abi_counters_hdr), 0 };
	uint32_t i;

	if (n_sa > VRFSEC_MAX_SA)
		return bad(0);
	fw_zero(fw->chunk, sizeof(struct vrfsec_abi_counters_hdr));
	put32(fw->chunk + OFF(counters_hdr, n_global), VRFSEC_CNT_MAX);
	put32(fw->chunk + OFF(counters_hdr, n_vrf), VRFSEC_MAX_VRF);
	put32(fw->chunk + OFF(counters_hdr, n_sa), n_sa);
	put32(fw->chunk + OFF(counters_hdr, tag), tag);
	put64(fw->chunk + OFF(counters_hdr, time_ns), fw->now_ns);
	for (i = 0; i < VRFSEC_CNT_MAX; i++)
		emit64(fw, &s, t->cnt[i]);
	for (i = 0; i < VRFSEC_MAX_VRF; i++) {
		const struct vrfsec_vrf_counters *v = &t->vrf_cnt[i];

		emit64(fw, &s, v->rx_packets);
		emit64(fw, &s, v->rx_bytes);
		emit64(fw, &s, v->tx_packets);
		emit64(fw, &s, v->tx_bytes);
		emit64(fw, &s, v->drops);
	}
	for (i = 0; i < VRFSEC_MAX_SA; i++) {
		const struct vrfsec_sa_counters *c = &t->sa_cnt[i];

		if (i >= n_sa)
			break;
		emit64(fw, &s, c->packets);
		emit64(fw, &s, c->bytes);
		emit64(fw, &s, c->drops);
	}
	flush(fw, &s);
	if (s.err)
		return result(VRFSEC_ABI_ERR_DMA, FW_EFAULT, 0);
	return ok(0);
}

_Static_assert(sizeof(struct vrfsec_abi_vrf_counters) == 5u * 8u, "vrf record");
_Static_assert(sizeof(struct vrfsec_abi_sa_counters) == 3u * 8u, "SA record");
