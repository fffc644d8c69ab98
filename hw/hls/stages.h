/* SPDX-License-Identifier: Apache-2.0 */
/* Internal interfaces between the pipeline stages (not for users of the kernels). */
#ifndef VRFSEC_STAGES_H
#define VRFSEC_STAGES_H

#include "vrfsec_tables.h"

#define ETH_HLEN 14u
#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_IPV6 0x86ddu
#define ETHERTYPE_VLAN 0x8100u
#define ETHERTYPE_MPLS 0x8847u
#define IPPROTO_IPIP 4u
#define IPPROTO_IPV6 41u
#define IPPROTO_UDP 17u
#define IPPROTO_ESP 50u
#define IPPROTO_NONE 59u

/* Finish a packet: where it goes and the counter that says why. */
static inline uint32_t pkt_exit(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t port,
				uint32_t reason)
{
	p->out_port = (uint8_t)port;
	p->reason = (uint8_t)reason;
	p->stage = VRFSEC_STAGE_NONE;
	t->cnt[reason]++;
	if (port == VRFSEC_PORT_HOST)
		t->cnt[VRFSEC_CNT_TO_HOST]++;
	if (port == VRFSEC_PORT_DROP && p->vrf < VRFSEC_MAX_VRF)
		t->vrf_cnt[p->vrf].drops++;
	return VRFSEC_ST_DONE;
}

/* Public port ingress: outer IP, UDP/IKE/NAT-T demux, SA lookup, replay check, decrypt op. */
uint32_t esp_decap_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p);
/* After the open: ICV verdict, window update, trailer, inner-source check, then forwarding. */
uint32_t esp_decap_post(struct vrfsec_tables *t, struct vrfsec_pkt *p);

/* Encapsulate the IP packet at ip_off (ip_len bytes) into outbound SA sa and prepare the seal. */
uint32_t esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa, uint32_t ip_off,
		   uint32_t ip_len);
/* After the seal: counters and the public port. */
uint32_t esp_encap_post(struct vrfsec_tables *t, struct vrfsec_pkt *p);

/* Core port ingress: MPLS stack, VPN label to VRF, pop, then forwarding. */
uint32_t mpls_core_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p);
/* Prepend Ethernet + label stack of next hop nh in front of the IP packet at ip_off. */
uint32_t mpls_push(struct vrfsec_tables *t, struct vrfsec_pkt *p, const struct vrfsec_nh *nh,
		   uint32_t ip_off, uint32_t ip_len, uint8_t ttl, uint8_t dscp);

/* Forward the IP packet at ip_off inside VRF vrf. label_ttl != 0: TTL of the popped VPN label
 * (uniform model). */
uint32_t vrf_forward(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint16_t vrf, uint32_t ip_off,
		     uint8_t label_ttl);
/* Inside port ingress: 802.1Q VLAN to VRF, then forwarding. */
uint32_t vlan_inside_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p);

#endif
