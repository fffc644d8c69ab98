/* SPDX-License-Identifier: Apache-2.0 */
/* Forwarding inside a VRF: TTL, longest-prefix match, and the next hop's encapsulation. */
#include "bytes.h"
#include "stages.h"

static uint32_t vlan_push(struct vrfsec_tables *t, struct vrfsec_pkt *p, const struct vrfsec_nh *nh,
			  uint32_t ip_off, uint32_t ip_len, uint8_t dscp, int v4)
{
	uint32_t off = ip_off - ETH_HLEN - 4u;
	uint32_t pcp = t->vrf[p->vrf].tc_map[dscp & 63u];

	copy_words(p->buf + off, nh->eth, 12); /* overrun: ethertype and tag, written below */
	wr16(p->buf + off + 12u, ETHERTYPE_VLAN);
	wr16(p->buf + off + 14u, (uint16_t)((pcp << 13) | nh->vlan));
	wr16(p->buf + off + 16u, v4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
	p->off = (uint16_t)off;
	p->len = (uint16_t)(ETH_HLEN + 4u + ip_len);
	t->vrf_cnt[p->vrf].tx_packets++;
	t->vrf_cnt[p->vrf].tx_bytes += p->len;
	return pkt_exit(t, p, VRFSEC_PORT_INSIDE, VRFSEC_CNT_TX_INSIDE);
}

uint32_t vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf, uint32_t ip_off,
		     uint8_t label_ttl)
{
	uint8_t *ip = p->buf + ip_off;
	uint32_t avail = p->off + p->len - ip_off;
	uint32_t v4, hlen, ip_len, nh_idx, mtu;
	uint8_t ttl, dscp;
	const struct vrfsec_nh *nh;

	p->vrf = vrf;
	if (!t->vrf[vrf].valid)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_ROUTE);
	if (avail < 20u)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	v4 = (ip[0] >> 4) == 4u;
	if (v4) {
		hlen = (ip[0] & 15u) * 4u;
		ip_len = rd16(ip + 2);
		/* RFC 1812 5.2.2: a router checks the header checksum before it touches TTL */
		if (hlen < 20u || ip_len < hlen || ip_len > avail ||
		    csum_fold(csum_ip4(ip, hlen)) != 0)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		ttl = ip[8];
		dscp = ip[1] >> 2;
	} else if ((ip[0] >> 4) == 6u && avail >= 40u) {
		ip_len = 40u + rd16(ip + 4);
		if (ip_len > avail)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		ttl = ip[7];
		dscp = (uint8_t)(((ip[0] & 15u) << 2) | (ip[1] >> 6));
	} else {
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	}
	/* Trailing Ethernet or TFC padding is not part of the packet. */
	p->len = (uint16_t)(ip_off + ip_len - p->off);
	t->vrf_cnt[vrf].rx_packets++;
	t->vrf_cnt[vrf].rx_bytes += ip_len;

	if (label_ttl != 0 && label_ttl < ttl)
		ttl = label_ttl; /* RFC 3443 uniform model: the label TTL is the packet's TTL */
	if (ttl <= 1u)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_TTL_EXPIRED);
	if (v4) {
		uint16_t old_w = rd16(ip + 8);

		ip[8] = (uint8_t)(ttl - 1u);
		wr16(ip + 10, csum_update(rd16(ip + 10), old_w, rd16(ip + 8)));
		ttl--;
	} else {
		ttl--;
		ip[7] = ttl;
	}

	nh_idx = vrfsec_fib_lookup(&t->fib, vrf, v4 ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6,
				   v4 ? ip + 16 : ip + 24);
	if (nh_idx == 0 || nh_idx >= VRFSEC_MAX_NH)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_ROUTE);
	nh = &t->nh[nh_idx];
	if (nh->kind == VRFSEC_NH_SA)
		return esp_encap(t, p, nh->sa, ip_off, ip_len);
	if (nh->kind == VRFSEC_NH_MPLS || nh->kind == VRFSEC_NH_VLAN) {
		mtu = nh->mtu ? nh->mtu :
				(nh->kind == VRFSEC_NH_MPLS ? t->port.core_mtu : t->port.inside_mtu);
		if (ip_len > mtu)
			return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_MTU_EXCEEDED);
		if (nh->kind == VRFSEC_NH_MPLS)
			return mpls_push(t, p, nh, ip_off, ip_len, ttl, dscp);
		return vlan_push(t, p, nh, ip_off, ip_len, dscp, (int)v4);
	}
	if (nh->kind == VRFSEC_NH_HOST)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_NH_HOST);
	if (nh->kind == VRFSEC_NH_DROP)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_NH_DROP);
	return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_ROUTE);
}

uint32_t vlan_inside_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	uint32_t vlan, vrf1, et;

	if (p->len < ETH_HLEN + 4u)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	if (rd16(p->buf + p->off + 12u) != ETHERTYPE_VLAN)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_NON_IP);
	vlan = rd16(p->buf + p->off + 14u) & 0xfffu;
	et = rd16(p->buf + p->off + 16u);
	vrf1 = t->vlan_vrf[vlan];
	if (vrf1 == 0)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_VLAN);
	if (et != ETHERTYPE_IPV4 && et != ETHERTYPE_IPV6)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_NON_IP);
	return vrf_forward(t, p, (uint16_t)(vrf1 - 1u), p->off + ETH_HLEN + 4u, 0);
}
