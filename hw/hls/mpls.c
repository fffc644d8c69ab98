/* SPDX-License-Identifier: Apache-2.0 */
/* MPLS (RFC 3032): core-port label stack parse and VPN label pop, label stack push. */
#include "bytes.h"
#include "stages.h"

#define MPLS_MAX_PARSE 8u       /* labels walked before the stack counts as malformed */
#define LABEL_IPV4_NULL 0u
#define LABEL_IPV6_NULL 2u

uint32_t mpls_core_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	uint32_t cur = p->off + ETH_HLEN;
	uint32_t end = p->off + p->len;
	uint32_t i, e, label, vrf1;
	uint32_t top_ttl = 0;
	uint16_t et;

	if (p->len < ETH_HLEN)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	et = rd16(p->buf + p->off + 12);
	if (et == ETHERTYPE_IPV4 || et == ETHERTYPE_IPV6)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_LOCAL);
	if (et != ETHERTYPE_MPLS)
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_NON_IP);
	/* Explicit-null labels (a transport LSP ending here without PHP) are popped; the next label
	 * must be a VPN label at the bottom of the stack. */
	for (i = 0; i < MPLS_MAX_PARSE; i++) {
		if (cur + 4u > end)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		e = rd32(p->buf + cur);
		label = e >> 12;
		cur += 4u;
		/* Only the top entry's TTL counts (RFC 3032 2.4.3); uniform pops carry it down. */
		if (i == 0)
			top_ttl = e & 0xffu;
		if (label == LABEL_IPV4_NULL || label == LABEL_IPV6_NULL) {
			if (e & 0x100u) /* plain IP of the global table: the host's business */
				return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_LOCAL);
			continue;
		}
		if (label < 16u)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		vrf1 = t->label_vrf[label];
		if (vrf1 == 0)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_LABEL);
		if (!(e & 0x100u) || cur >= end)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		if (top_ttl <= 1u) {
			p->vrf = (uint16_t)(vrf1 - 1u);
			return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_TTL_EXPIRED);
		}
		return vrf_forward(t, p, (uint16_t)(vrf1 - 1u), cur,
				   t->vrf[vrf1 - 1u].ttl_mode == VRFSEC_TTL_UNIFORM ?
					   (uint8_t)top_ttl : 0u);
	}
	return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
}

uint32_t mpls_push(struct vrfsec_tables *t, struct vrfsec_pkt *p, const struct vrfsec_nh *nh,
		   uint32_t ip_off, uint32_t ip_len, uint8_t ttl, uint8_t dscp)
{
	uint32_t n = nh->n_labels;
	uint32_t off = ip_off - 4u * n - ETH_HLEN;
	uint32_t tc = t->vrf[p->vrf].tc_map[dscp & 63u];
	uint32_t lttl = nh->ttl_mode == VRFSEC_TTL_UNIFORM ? ttl : (nh->pipe_ttl ? nh->pipe_ttl : 255u);
	uint32_t i;

	/* whole words: the overrun lands on ethertype and first label, written below */
	copy_words(p->buf + off, nh->eth, 12);
	wr16(p->buf + off + 12u, ETHERTYPE_MPLS);
	for (i = 0; i < VRFSEC_MAX_LABELS; i++) {
		if (i >= n)
			break;
		wr32(p->buf + off + ETH_HLEN + 4u * i,
		     (nh->label[i] << 12) | (tc << 9) | (i + 1u == n ? 0x100u : 0u) | lttl);
	}
	p->off = (uint16_t)off;
	p->len = (uint16_t)(ETH_HLEN + 4u * n + ip_len);
	t->vrf_cnt[p->vrf].tx_packets++;
	t->vrf_cnt[p->vrf].tx_bytes += p->len;
	return pkt_exit(t, p, VRFSEC_PORT_CORE, VRFSEC_CNT_TX_CORE);
}
