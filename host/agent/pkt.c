/* SPDX-License-Identifier: Apache-2.0 */
/* Building and parsing the public link's control frames: ARP, ND, UDP. */
#include <string.h>

#include "pkt.h"

uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += rd16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t pad(uint8_t *f, uint32_t len)
{
	if (len < 60) {
		memset(f + len, 0, 60 - len);
		len = 60;
	}
	return len;
}

static void eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	wr16(f + 12, type);
}

uint32_t pkt_arp(uint8_t *f, uint16_t op, const uint8_t eth_dst[6], const uint8_t sha[6],
		 const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
	uint8_t *a = f + ETH_HDR;

	eth(f, eth_dst, sha, ETHERTYPE_ARP);
	wr16(a, 1);
	wr16(a + 2, ETHERTYPE_IP4);
	a[4] = 6;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, spa, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa, 4);
	return pad(f, ETH_HDR + 28);
}

/* IPv6 header + ICMPv6 body (already written at f + 54) with its checksum. */
static uint32_t icmp6(uint8_t *f, const struct ipaddr *src, const struct ipaddr *dst, uint32_t len)
{
	uint8_t *ip = f + ETH_HDR, *ic = ip + 40;
	uint32_t sum;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	wr16(ip + 4, (uint16_t)len);
	ip[6] = 58;
	ip[7] = 255; /* ND requires hop limit 255 */
	memcpy(ip + 8, src->a, 16);
	memcpy(ip + 24, dst->a, 16);
	wr16(ic + 2, 0);
	sum = csum_add(0, ip + 8, 32);
	sum += len + 58;
	sum = csum_add(sum, ic, len);
	wr16(ic + 2, csum_fold(sum));
	return pad(f, ETH_HDR + 40 + len);
}

uint32_t pkt_ns(uint8_t *f, const uint8_t smac[6], const struct ipaddr *src,
		const struct ipaddr *target)
{
	uint8_t dmac[6] = { 0x33, 0x33, 0xff, target->a[13], target->a[14], target->a[15] };
	struct ipaddr grp = { 6, { 0xff, 0x02, [11] = 0x01, [12] = 0xff } };
	uint8_t *ic = f + ETH_HDR + 40;

	memcpy(grp.a + 13, target->a + 13, 3);
	eth(f, dmac, smac, ETHERTYPE_IP6);
	memset(ic, 0, 32);
	ic[0] = 135;
	memcpy(ic + 8, target->a, 16);
	ic[24] = 1; /* source link-layer address option */
	ic[25] = 1;
	memcpy(ic + 26, smac, 6);
	return icmp6(f, src, &grp, 32);
}

uint32_t pkt_na(uint8_t *f, const uint8_t smac[6], const uint8_t dmac[6], const struct ipaddr *target,
		const struct ipaddr *dst)
{
	uint8_t *ic = f + ETH_HDR + 40;

	eth(f, dmac, smac, ETHERTYPE_IP6);
	memset(ic, 0, 32);
	ic[0] = 136;
	ic[4] = 0x60; /* solicited, override */
	memcpy(ic + 8, target->a, 16);
	ic[24] = 2; /* target link-layer address option */
	ic[25] = 1;
	memcpy(ic + 26, smac, 6);
	return icmp6(f, target, dst, 32);
}

uint32_t pkt_udp(uint8_t *f, const uint8_t smac[6], const struct ipaddr *src, const struct ipaddr *dst,
		 uint16_t sport, uint16_t dport, bool marker, const uint8_t *payload, uint32_t len)
{
	static const uint8_t zero[6];
	uint32_t ulen = 8 + (marker ? 4 : 0) + len;
	uint32_t iph = src->af == 6 ? 40 : 20;
	uint8_t *ip = f + ETH_HDR, *u = ip + iph;
	uint32_t sum;

	if (ETH_HDR + iph + ulen > FRAME_MAX || ulen > 0xffff - 40)
		return 0;
	eth(f, zero, smac, src->af == 6 ? ETHERTYPE_IP6 : ETHERTYPE_IP4);
	memset(ip, 0, iph);
	if (src->af == 6) {
		ip[0] = 0x60;
		wr16(ip + 4, (uint16_t)ulen);
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, src->a, 16);
		memcpy(ip + 24, dst->a, 16);
	} else {
		ip[0] = 0x45;
		wr16(ip + 2, (uint16_t)(20 + ulen));
		ip[6] = 0x40; /* DF: IKE fragments itself (RFC 7383) */
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, src->a, 4);
		memcpy(ip + 16, dst->a, 4);
		wr16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	}
	wr16(u, sport);
	wr16(u + 2, dport);
	wr16(u + 4, (uint16_t)ulen);
	wr16(u + 6, 0);
	if (marker)
		memset(u + 8, 0, 4);
	memcpy(u + 8 + (marker ? 4 : 0), payload, len);
	sum = csum_add(0, src->a, addr_len(src->af));
	sum = csum_add(sum, dst->a, addr_len(dst->af));
	sum += 17 + ulen;
	sum = csum_add(sum, u, ulen);
	sum = csum_fold(sum);
	wr16(u + 6, sum ? (uint16_t)sum : 0xffff);
	return pad(f, ETH_HDR + iph + ulen);
}

int pkt_ip_parse(const uint8_t *f, uint32_t len, struct ip_view *v)
{
	const uint8_t *ip = f + ETH_HDR;
	uint16_t type;

	memset(v, 0, sizeof(*v));
	if (len < ETH_HDR + 20)
		return -1;
	type = rd16(f + 12);
	if (type == ETHERTYPE_IP4) {
		uint32_t ihl = (ip[0] & 15u) * 4u, tot = rd16(ip + 2);

		if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || ETH_HDR + tot > len)
			return -1;
		if (rd16(ip + 6) & 0x3fff)
			return -1; /* a fragment */
		v->src.af = v->dst.af = 4;
		memcpy(v->src.a, ip + 12, 4);
		memcpy(v->dst.a, ip + 16, 4);
		v->proto = ip[9];
		v->hop_limit = ip[8];
		v->l4 = ip + ihl;
		v->l4_len = tot - ihl;
		return 0;
	}
	if (type == ETHERTYPE_IP6) {
		uint32_t pl;

		if (len < ETH_HDR + 40 || (ip[0] >> 4) != 6)
			return -1;
		pl = rd16(ip + 4);
		if (ETH_HDR + 40 + pl > len)
			return -1;
		v->src.af = v->dst.af = 6;
		memcpy(v->src.a, ip + 8, 16);
		memcpy(v->dst.a, ip + 24, 16);
		v->proto = ip[6];
		v->hop_limit = ip[7];
		v->l4 = ip + 40;
		v->l4_len = pl;
		return 0;
	}
	return -1;
}
