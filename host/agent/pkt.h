/* SPDX-License-Identifier: Apache-2.0 */
/* Frames the agent builds and reads on the public link: ARP, IPv6 neighbour discovery, UDP
 * datagrams for IKE. Builders return the frame length (at least 60 bytes: padded). */
#ifndef VRFSECD_PKT_H
#define VRFSECD_PKT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

#define ETH_HDR 14u
#define ETHERTYPE_IP4 0x0800u
#define ETHERTYPE_ARP 0x0806u
#define ETHERTYPE_IP6 0x86ddu
#define FRAME_MAX 9216u

uint16_t rd16(const uint8_t *p);
void wr16(uint8_t *p, uint16_t v);
/* Internet checksum of a buffer, folded, starting from sum. */
uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t len);
uint16_t csum_fold(uint32_t sum);

/* ARP (RFC 826) for IPv4 over Ethernet: op 1 request (tha zero, to broadcast) or 2 reply. */
uint32_t pkt_arp(uint8_t *f, uint16_t op, const uint8_t eth_dst[6], const uint8_t sha[6],
		 const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4]);
/* Neighbour solicitation for target from src (RFC 4861 4.3), to the solicited-node group. */
uint32_t pkt_ns(uint8_t *f, const uint8_t smac[6], const struct ipaddr *src,
		const struct ipaddr *target);
/* Solicited neighbour advertisement (router flag clear, override set) for target. */
uint32_t pkt_na(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6], const struct ipaddr *target,
		const struct ipaddr *dst);
/* Ethernet/IP/UDP around payload; with marker the four zero bytes of the non-ESP marker
 * (RFC 3948) come first. The destination MAC is left zero for the caller. 0 when it does not
 * fit FRAME_MAX. */
uint32_t pkt_udp(uint8_t *f, const uint8_t smac[6], const struct ipaddr *src, const struct ipaddr *dst,
		 uint16_t sport, uint16_t dport, bool marker, const uint8_t *payload, uint32_t len);

/* A parsed IPv4/IPv6 frame: where the transport header starts and what it is. */
struct ip_view {
	struct ipaddr src, dst;
	uint8_t proto;        /* IPv6: the last next header seen (no extension headers walked) */
	const uint8_t *l4;
	uint32_t l4_len;
	uint8_t hop_limit;
};
/* 0 when f holds an unfragmented IPv4 or IPv6 packet with consistent lengths. */
int pkt_ip_parse(const uint8_t *f, uint32_t len, struct ip_view *v);

#endif
