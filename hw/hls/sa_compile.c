/* SPDX-License-Identifier: Apache-2.0 */
/* SA setup: checks parameters and compiles an SA into a header template and per-SA state. */
#include "bytes.h"
#include "sa_hash.h"
#include "tables_setup.h"

#define ETH_LEN 14u

static uint32_t addr_len(uint8_t af)
{
	return af == VRFSEC_AF_IPV6 ? 16u : 4u;
}

static int check_params(const struct vrfsec_sa_params *p)
{
	uint32_t i;

	if (p->dir != VRFSEC_SA_DIR_IN && p->dir != VRFSEC_SA_DIR_OUT)
		return VRFSEC_EINVAL;
	if (p->mode > VRFSEC_MODE_TRANSPORT || p->esn > 1u || p->udp > 1u)
		return VRFSEC_EINVAL;
	if (p->outer_af != VRFSEC_AF_IPV4 && p->outer_af != VRFSEC_AF_IPV6)
		return VRFSEC_EINVAL;
	if (p->spi == 0 || p->vrf >= VRFSEC_MAX_VRF || p->win > VRFSEC_REPLAY_MAX)
		return VRFSEC_EINVAL;
	if (p->df_mode > VRFSEC_DF_CLEAR || (p->pad_extra & 3u) != 0 || p->pad_extra > 252u)
		return VRFSEC_EINVAL;
	if (p->udp && (p->udp_sport == 0 || p->udp_dport == 0))
		return VRFSEC_EINVAL;
	if (p->n_ts > VRFSEC_MAX_TS || p->flow_label > 0xfffffu)
		return VRFSEC_EINVAL;
	if (p->mtu != 0 && (p->mtu < 576u || p->mtu > VRFSEC_MAX_FRAME - ETH_LEN))
		return VRFSEC_EINVAL;
	if (!p->esn && p->seq > 0xffffffffu)
		return VRFSEC_EINVAL;
	for (i = 0; i < VRFSEC_MAX_TS; i++) {
		if (i >= p->n_ts)
			break;
		if (p->ts[i].af != VRFSEC_AF_IPV4 && p->ts[i].af != VRFSEC_AF_IPV6)
			return VRFSEC_EINVAL;
		if (p->ts[i].plen > 8u * addr_len(p->ts[i].af))
			return VRFSEC_EINVAL;
	}
	return VRFSEC_OK;
}

/* Outbound template: Ethernet, outer IP (tunnel mode only), UDP (when encapsulating), SPI.
 * Per packet only lengths, identification, DSCP/ECN/DF copies and the checksum change. */
static void build_template(struct vrfsec_sa *sa, const struct vrfsec_sa_params *p)
{
	uint8_t *h = sa->tmpl;
	uint32_t o = ETH_LEN;
	uint32_t i;
	uint8_t proto = p->udp ? 17u : 50u;

	copy_hdr(h, p->dmac, 6);
	copy_hdr(h + 6, p->smac, 6);
	wr16(h + 12, p->outer_af == VRFSEC_AF_IPV6 ? 0x86ddu : 0x0800u);
	sa->l3_tmpl_off = (uint8_t)ETH_LEN;
	if (p->mode == VRFSEC_MODE_TUNNEL) {
		if (p->outer_af == VRFSEC_AF_IPV4) {
			h[o] = 0x45;
			h[o + 1u] = p->tos;
			wr16(h + o + 2u, 0);
			wr16(h + o + 4u, 0);
			wr16(h + o + 6u, p->df_mode == VRFSEC_DF_SET ? 0x4000u : 0u);
			h[o + 8u] = sa->ttl;
			h[o + 9u] = proto;
			wr16(h + o + 10u, 0);
			copy_hdr(h + o + 12u, p->src, 4);
			copy_hdr(h + o + 16u, p->dst, 4);
			/* version/IHL, TTL/protocol and the addresses: the packet adds TOS, length,
			 * identification and flags, so the checksum needs no reads of the header */
			sa->ip4_csum_base = 0x4500u + rd16(h + o + 8u) + rd16(h + o + 12u) +
					    rd16(h + o + 14u) + rd16(h + o + 16u) + rd16(h + o + 18u);
			o += 20u;
		} else {
			wr32(h + o, 0x60000000u | ((uint32_t)p->tos << 20) | p->flow_label);
			wr16(h + o + 4u, 0);
			h[o + 6u] = proto;
			h[o + 7u] = sa->ttl;
			copy_hdr(h + o + 8u, p->src, 16);
			copy_hdr(h + o + 24u, p->dst, 16);
			o += 40u;
		}
	}
	sa->udp_tmpl_off = 0;
	if (p->udp) {
		sa->udp_tmpl_off = (uint8_t)o;
		wr16(h + o, p->udp_sport);
		wr16(h + o + 2u, p->udp_dport);
		wr32(h + o + 4u, 0); /* length per packet; checksum zero (RFC 3948 2.1) */
		o += 8u;
	}
	wr32(h + o, p->spi);
	o += 4u;
	sa->tmpl_len = (uint8_t)o;
	for (i = o; i < VRFSEC_TMPL_MAX; i++)
		h[i] = 0;
}

int vrfsec_sa_compile(struct vrfsec_tables *t, uint32_t idx, const struct vrfsec_sa_params *p)
{
	struct vrfsec_sa *sa;
	uint32_t i;
	int rc;

	if (idx >= VRFSEC_MAX_SA)
		return VRFSEC_EINVAL;
	rc = check_params(p);
	if (rc != VRFSEC_OK)
		return rc;
	sa = &t->sa[idx];
	if (sa->valid)
		return VRFSEC_EEXIST;
	if (p->dir == VRFSEC_SA_DIR_IN && vrfsec_spi_lookup(t, p->spi, p->outer_af, p->dst) !=
						      VRFSEC_NONE)
		return VRFSEC_EEXIST;

	sa->dir = p->dir;
	sa->mode = p->mode;
	sa->flags = (uint8_t)((p->esn ? VRFSEC_SAF_ESN : 0u) | (p->udp ? VRFSEC_SAF_UDP : 0u) |
			      (p->outer_af == VRFSEC_AF_IPV6 ? VRFSEC_SAF_OUTER_V6 : 0u) |
			      (p->dscp_copy ? VRFSEC_SAF_DSCP_COPY : 0u) |
			      (p->ecn_copy ? VRFSEC_SAF_ECN_COPY : 0u));
	sa->df_mode = p->df_mode;
	sa->ttl = p->ttl ? p->ttl : 64u;
	sa->tos = p->tos;
	sa->pad_extra = p->pad_extra;
	sa->spi = p->spi;
	sa->vrf = p->vrf;
	sa->win = p->no_replay ? 0u : (p->win ? p->win : (uint16_t)VRFSEC_REPLAY_DEFAULT);
	sa->mtu = p->mtu ? p->mtu : 1500u;
	sa->ipv4_id = p->ipv4_id;
	sa->seq = p->seq;
	sa->iv = p->iv;
	copy_hdr(sa->salt, p->salt, 4);
	sa->outer_af = p->outer_af;
	copy_hdr(sa->src, p->src, 16);
	copy_hdr(sa->dst, p->dst, 16);
	sa->flow_label = p->flow_label;
	for (i = 0; i < VRFSEC_MAX_TS; i++) {
		if (i < p->n_ts)
			sa->ts[i] = p->ts[i];
		else
			sa->ts[i].af = 0;
	}
	for (i = 0; i < VRFSEC_REPLAY_WORDS; i++)
		t->replay[idx][i] = 0;
	t->sa_cnt[idx].packets = 0;
	t->sa_cnt[idx].bytes = 0;
	t->sa_cnt[idx].drops = 0;
	if (p->dir == VRFSEC_SA_DIR_OUT) {
		build_template(sa, p);
	} else {
		rc = spi_hash_insert(t, p->spi, idx);
		if (rc != VRFSEC_OK) {
			t->cnt[VRFSEC_CNT_TABLE_FULL]++;
			return rc;
		}
	}
	sa->valid = 1;
	return VRFSEC_OK;
}

int vrfsec_sa_outer_get(const struct vrfsec_tables *t, uint32_t idx, struct vrfsec_sa_outer *o)
{
	const struct vrfsec_sa *sa;
	uint32_t o4;

	if (idx >= VRFSEC_MAX_SA || !t->sa[idx].valid)
		return VRFSEC_ENOENT;
	sa = &t->sa[idx];
	copy_hdr(o->src, sa->src, 16);
	copy_hdr(o->dst, sa->dst, 16);
	/* MACs and ports live only in the template; an inbound SA has none (zeros). */
	copy_hdr(o->dmac, sa->tmpl, 6);
	copy_hdr(o->smac, sa->tmpl + 6, 6);
	o->udp_sport = 0;
	o->udp_dport = 0;
	if (sa->dir == VRFSEC_SA_DIR_OUT && sa->udp_tmpl_off != 0) {
		o4 = sa->udp_tmpl_off;
		o->udp_sport = rd16(sa->tmpl + o4);
		o->udp_dport = rd16(sa->tmpl + o4 + 2u);
	}
	return VRFSEC_OK;
}

/* The template is rebuilt from what the SA keeps (family, mode, encapsulation, TOS, DF, TTL, flow
 * label, SPI) and the new outer fields, by the same builder as at compile time: lengths and offsets
 * cannot change, since family, mode and encapsulation stay. Per-packet state (sequence number, IV,
 * IPv4 identification, replay window, counters) is not touched. */
int vrfsec_sa_move(struct vrfsec_tables *t, uint32_t idx, const struct vrfsec_sa_outer *o)
{
	struct vrfsec_sa_params p = { 0 };
	struct vrfsec_sa *sa;
	uint32_t other;

	if (idx >= VRFSEC_MAX_SA || !t->sa[idx].valid)
		return VRFSEC_ENOENT;
	sa = &t->sa[idx];
	if ((sa->flags & VRFSEC_SAF_UDP) && sa->dir == VRFSEC_SA_DIR_OUT &&
	    (o->udp_sport == 0 || o->udp_dport == 0))
		return VRFSEC_EINVAL;
	if (sa->dir == VRFSEC_SA_DIR_IN) {
		/* The SPI hash places an SA by SPI alone; the destination is compared in the SA
		 * entry. So a new destination needs no re-insert, only no twin already there. */
		other = vrfsec_spi_lookup(t, sa->spi, sa->outer_af, o->dst);
		if (other != VRFSEC_NONE && other != idx)
			return VRFSEC_EEXIST;
		copy_hdr(sa->src, o->src, 16);
		copy_hdr(sa->dst, o->dst, 16);
		return VRFSEC_OK;
	}
	p.dir = sa->dir;
	p.mode = sa->mode;
	p.udp = (sa->flags & VRFSEC_SAF_UDP) ? 1u : 0u;
	p.outer_af = sa->outer_af;
	p.tos = sa->tos;
	p.df_mode = sa->df_mode;
	p.flow_label = sa->flow_label;
	p.spi = sa->spi;
	copy_hdr(p.src, o->src, 16);
	copy_hdr(p.dst, o->dst, 16);
	p.udp_sport = o->udp_sport;
	p.udp_dport = o->udp_dport;
	copy_hdr(p.smac, o->smac, 6);
	copy_hdr(p.dmac, o->dmac, 6);
	build_template(sa, &p);
	copy_hdr(sa->src, o->src, 16);
	copy_hdr(sa->dst, o->dst, 16);
	return VRFSEC_OK;
}

int vrfsec_sa_remove(struct vrfsec_tables *t, uint32_t idx)
{
	struct vrfsec_sa *sa;

	if (idx >= VRFSEC_MAX_SA || !t->sa[idx].valid)
		return VRFSEC_ENOENT;
	sa = &t->sa[idx];
	if (sa->dir == VRFSEC_SA_DIR_IN)
		spi_hash_remove(t, sa->spi, idx);
	sa->valid = 0;
	sa->salt[0] = sa->salt[1] = sa->salt[2] = sa->salt[3] = 0;
	return VRFSEC_OK;
}
