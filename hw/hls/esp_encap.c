/* SPDX-License-Identifier: Apache-2.0 */
/* ESP outbound (RFC 4303, RFC 4106, RFC 3948): header template, sequence, IV, trailer, seal op. */
#include "bytes.h"
#include "stages.h"

#define ESP_OVERHEAD (VRFSEC_ESP_HDR_LEN + VRFSEC_IV_LEN)

/* Outer DSCP/ECN byte from the inner packet and the SA's policy. */
static uint8_t outer_tos(const struct vrfsec_sa *sa, uint8_t inner_tos)
{
	uint8_t dscp = (sa->flags & VRFSEC_SAF_DSCP_COPY) ? inner_tos : sa->tos;
	uint8_t ecn = (sa->flags & VRFSEC_SAF_ECN_COPY) ? inner_tos : sa->tos;

	return (uint8_t)((dscp & 0xfcu) | (ecn & 3u));
}

static void fill_outer(struct vrfsec_sa *sa, uint8_t *ip, uint32_t outer_len, uint8_t inner_tos,
		       int inner_df)
{
	uint8_t tos = outer_tos(sa, inner_tos);

	if (sa->outer_af == VRFSEC_AF_IPV4) {
		uint16_t frag = 0;

		if (sa->df_mode == VRFSEC_DF_SET || (sa->df_mode == VRFSEC_DF_COPY && inner_df))
			frag = 0x4000u;
		ip[1] = tos;
		wr16(ip + 2, (uint16_t)outer_len);
		wr16(ip + 4, sa->ipv4_id);
		wr16(ip + 6, frag);
		wr16(ip + 10, csum_fold(sa->ip4_csum_base + tos + outer_len + sa->ipv4_id + frag));
		sa->ipv4_id++;
	} else {
		wr32(ip, 0x60000000u | ((uint32_t)tos << 20) | sa->flow_label);
		wr16(ip + 4, (uint16_t)(outer_len - 40u));
	}
}

uint32_t esp_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa_idx,
		   uint32_t ip_off, uint32_t ip_len)
{
	struct vrfsec_sa *sa;
	struct vrfsec_crypto_op *op = &p->op;
	const uint8_t *in = p->buf + ip_off;
	uint32_t v4 = (in[0] >> 4) == 4u;
	uint32_t hlen = v4 ? (in[0] & 15u) * 4u : 40u;
	uint32_t udp_len = 0, payload_off, payload_len, pad_len, ct_len, esp_off, frame_off, outer_len;
	uint32_t i, l3;
	uint8_t next_header, inner_tos;
	int inner_df;
	uint64_t seq, iv;

	if (sa_idx >= VRFSEC_MAX_SA || !t->sa[sa_idx].valid || t->sa[sa_idx].dir != VRFSEC_SA_DIR_OUT)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_NO_SA);
	sa = &t->sa[sa_idx];
	p->sa_out = sa_idx;
	inner_tos = v4 ? in[1] : (uint8_t)(((in[0] & 15u) << 4) | (in[1] >> 4));
	inner_df = v4 ? (rd16(in + 6) & 0x4000u) != 0 : 1;

	if (sa->mode == VRFSEC_MODE_TUNNEL) {
		payload_off = ip_off;
		payload_len = ip_len;
		next_header = v4 ? IPPROTO_IPIP : IPPROTO_IPV6;
	} else {
		payload_off = ip_off + hlen;
		payload_len = ip_len - hlen;
		next_header = v4 ? in[9] : in[6];
	}
	pad_len = ((4u - ((payload_len + 2u) & 3u)) & 3u) + sa->pad_extra;
	ct_len = payload_len + pad_len + 2u;
	if (sa->flags & VRFSEC_SAF_UDP)
		udp_len = 8u + ESP_OVERHEAD + ct_len + VRFSEC_ICV_LEN;
	if (sa->mode == VRFSEC_MODE_TUNNEL)
		outer_len = (sa->outer_af == VRFSEC_AF_IPV4 ? 20u : 40u) + (udp_len ? udp_len :
							ESP_OVERHEAD + ct_len + VRFSEC_ICV_LEN);
	else
		outer_len = hlen + (udp_len ? udp_len : ESP_OVERHEAD + ct_len + VRFSEC_ICV_LEN);

	if (outer_len > sa->mtu || payload_off + ct_len + VRFSEC_ICV_LEN > VRFSEC_BUF_SIZE) {
		t->sa_cnt[sa_idx].drops++;
		return pkt_exit(t, p, VRFSEC_PORT_HOST, VRFSEC_CNT_MTU_EXCEEDED);
	}
	seq = sa->seq + 1u;
	if ((!(sa->flags & VRFSEC_SAF_ESN) && seq > 0xffffffffu) || seq == 0) {
		t->sa_cnt[sa_idx].drops++;
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_SEQ_EXHAUSTED);
	}
	sa->seq = seq;
	iv = sa->iv;
	sa->iv++;

	/* Trailer: padding 1, 2, 3, ..., pad length, next header. */
	for (i = 0; i < 255u; i++) {
		if (i >= pad_len)
			break;
		p->buf[payload_off + payload_len + i] = (uint8_t)(i + 1u);
	}
	p->buf[payload_off + payload_len + pad_len] = (uint8_t)pad_len;
	p->buf[payload_off + payload_len + pad_len + 1u] = next_header;

	esp_off = payload_off - ESP_OVERHEAD;
	if (sa->mode == VRFSEC_MODE_TUNNEL) {
		frame_off = esp_off + 4u - sa->tmpl_len;
		/* whole words: the overrun lands on sequence number and IV, written below */
		copy_words(p->buf + frame_off, sa->tmpl, sa->tmpl_len);
		l3 = frame_off + ETH_HLEN;
	} else {
		/* Keep the packet's own IP header; template gives Ethernet, UDP and SPI. */
		uint32_t tail = sa->tmpl_len - ETH_HLEN; /* [UDP] + SPI */

		l3 = esp_off + 4u - tail - hlen;
		frame_off = l3 - ETH_HLEN;
		copy_hdr(p->buf + l3, in, hlen);
		copy_hdr(p->buf + frame_off, sa->tmpl, ETH_HLEN);
		copy_hdr(p->buf + l3 + hlen, sa->tmpl + ETH_HLEN, tail);
		if (v4) {
			p->buf[l3 + 9u] = udp_len ? IPPROTO_UDP : IPPROTO_ESP;
			wr16(p->buf + l3 + 2u, (uint16_t)outer_len);
			wr16(p->buf + l3 + 10u, 0);
			wr16(p->buf + l3 + 10u, csum_fold(csum_ip4(p->buf + l3, hlen)));
		} else {
			p->buf[l3 + 6u] = udp_len ? IPPROTO_UDP : IPPROTO_ESP;
			wr16(p->buf + l3 + 4u, (uint16_t)(outer_len - 40u));
		}
	}
	if (sa->mode == VRFSEC_MODE_TUNNEL)
		fill_outer(sa, p->buf + l3, outer_len, inner_tos, inner_df);
	if (udp_len)
		wr16(p->buf + esp_off - 4u, (uint16_t)udp_len);
	wr32(p->buf + esp_off + 4u, (uint32_t)seq);
	wr64(p->buf + esp_off + 8u, iv);

	op->sa = sa_idx;
	op->encrypt = 1;
	op->tag_ok = 0;
	wr32(op->nonce, rd32(sa->salt));
	wr64(op->nonce + 4, iv);
	wr32(op->aad, sa->spi);
	if (sa->flags & VRFSEC_SAF_ESN) {
		wr32(op->aad + 4, (uint32_t)(seq >> 32));
		wr32(op->aad + 8, (uint32_t)seq);
		op->aad_len = 12;
	} else {
		wr32(op->aad + 4, (uint32_t)seq);
		op->aad_len = 8;
	}
	op->data_off = (uint16_t)payload_off;
	op->data_len = (uint16_t)ct_len;
	op->tag_off = (uint16_t)(payload_off + ct_len);
	p->seq = seq;
	p->l3_off = (uint16_t)l3;
	p->off = (uint16_t)frame_off;
	p->len = (uint16_t)(ETH_HLEN + outer_len);
	p->stage = VRFSEC_STAGE_ENCRYPT;
	t->sa_cnt[sa_idx].packets++;
	t->sa_cnt[sa_idx].bytes += ip_len;
	return VRFSEC_ST_CRYPTO;
}

uint32_t esp_encap_post(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	if (!p->op.tag_ok)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED); /* engine refused the job */
	t->cnt[VRFSEC_CNT_ENCRYPT_OK]++;
	if (p->vrf < VRFSEC_MAX_VRF) {
		t->vrf_cnt[p->vrf].tx_packets++;
		t->vrf_cnt[p->vrf].tx_bytes += p->len;
	}
	return pkt_exit(t, p, VRFSEC_PORT_PUBLIC, VRFSEC_CNT_TX_PUBLIC);
}
