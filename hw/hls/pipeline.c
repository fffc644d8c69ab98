/* SPDX-License-Identifier: Apache-2.0 */
/* Pipeline top: ingress dispatch per port, post-crypto dispatch, and the C-model top function. */
#include "pipeline.h"

#include "stages.h"

static uint32_t inject_encap(struct vrfsec_tables *t, struct vrfsec_pkt *p, uint32_t sa)
{
	const uint8_t *ip = p->buf + p->off;
	uint32_t ip_len;

	if (p->len >= 20u && (ip[0] >> 4) == 4u)
		ip_len = ((uint32_t)ip[2] << 8) | ip[3];
	else if (p->len >= 40u && (ip[0] >> 4) == 6u)
		ip_len = 40u + (((uint32_t)ip[4] << 8) | ip[5]);
	else
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	if (ip_len > p->len || ip_len < 20u || ((ip[0] >> 4) == 4u && ip_len < (ip[0] & 15u) * 4u))
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	if (sa < VRFSEC_MAX_SA && t->sa[sa].valid)
		p->vrf = t->sa[sa].vrf;
	return esp_encap(t, p, sa, p->off, ip_len);
}

uint32_t vrfsec_stage_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	uint32_t inject_sa = p->in_port == VRFSEC_PORT_HOST ? p->sa_out : VRFSEC_NONE;
	uint16_t inject_vrf = p->vrf;

	p->stage = VRFSEC_STAGE_NONE;
	p->vrf = 0xffffu;
	p->sa_in = VRFSEC_NONE;
	p->sa_out = VRFSEC_NONE;
	p->op.data_len = 0;
	if (p->in_port > VRFSEC_PORT_HOST)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	if (p->off < VRFSEC_HEADROOM || p->len > VRFSEC_MAX_FRAME ||
	    (uint32_t)p->off + p->len > VRFSEC_HEADROOM + VRFSEC_MAX_FRAME)
		return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
	if (p->in_port == VRFSEC_PORT_PUBLIC) {
		t->cnt[VRFSEC_CNT_RX_PUBLIC]++;
		return esp_decap_rx(t, p);
	}
	if (p->in_port == VRFSEC_PORT_CORE) {
		t->cnt[VRFSEC_CNT_RX_CORE]++;
		return mpls_core_rx(t, p);
	}
	if (p->in_port == VRFSEC_PORT_INSIDE) {
		t->cnt[VRFSEC_CNT_RX_INSIDE]++;
		return vlan_inside_rx(t, p);
	}
	/* Host inject: an IP packet at p->off to seal into outbound SA p->sa_out (host-originated
	 * traffic into a tunnel: ICMP errors, transport-mode traffic), or a whole frame that
	 * leaves unchanged on the port the host chose in p->out_port ... */
	if (inject_sa != VRFSEC_NONE)
		return inject_encap(t, p, inject_sa);
	/* ... or an IP packet to forward in VRF p->vrf as if a tunnel had delivered it (out_port
	 * HOST marks it: a host frame never goes back to the host). */
	if (p->out_port == VRFSEC_PORT_HOST) {
		if (inject_vrf >= VRFSEC_MAX_VRF)
			return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
		return vrf_forward(t, p, inject_vrf, p->off, 0);
	}
	if (p->out_port == VRFSEC_PORT_PUBLIC)
		return pkt_exit(t, p, VRFSEC_PORT_PUBLIC, VRFSEC_CNT_TX_PUBLIC);
	if (p->out_port == VRFSEC_PORT_CORE)
		return pkt_exit(t, p, VRFSEC_PORT_CORE, VRFSEC_CNT_TX_CORE);
	if (p->out_port == VRFSEC_PORT_INSIDE)
		return pkt_exit(t, p, VRFSEC_PORT_INSIDE, VRFSEC_CNT_TX_INSIDE);
	return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
}

uint32_t vrfsec_stage_post(struct vrfsec_tables *t, struct vrfsec_pkt *p)
{
	if (p->stage == VRFSEC_STAGE_DECRYPT)
		return esp_decap_post(t, p);
	if (p->stage == VRFSEC_STAGE_ENCRYPT)
		return esp_encap_post(t, p);
	return pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
}

void vrfsec_crypto_exec(const struct vrfsec_gcm_key *keys, struct vrfsec_pkt *p)
{
	struct vrfsec_crypto_op *op = &p->op;
	uint8_t *data = p->buf + op->data_off;

	if (op->encrypt) {
		vrfsec_gcm_seal(&keys[op->sa], op->nonce, op->aad, op->aad_len, data, data,
				op->data_len, p->buf + op->tag_off);
		op->tag_ok = 1;
	} else {
		op->tag_ok = (uint8_t)vrfsec_gcm_open(&keys[op->sa], op->nonce, op->aad, op->aad_len,
						      data, data, op->data_len,
						      p->buf + op->tag_off);
	}
}

void vrfsec_pipeline(struct vrfsec_tables *t, const struct vrfsec_gcm_key *keys,
		     struct vrfsec_pkt *p)
{
	uint32_t st = vrfsec_stage_rx(t, p);
	uint32_t round;

	/* At most two crypto rounds: open from a client, seal towards another client. */
	for (round = 0; round < 2u; round++) {
		if (st != VRFSEC_ST_CRYPTO)
			break;
		vrfsec_crypto_exec(keys, p);
		st = vrfsec_stage_post(t, p);
	}
	if (st == VRFSEC_ST_CRYPTO)
		pkt_exit(t, p, VRFSEC_PORT_DROP, VRFSEC_CNT_MALFORMED);
}
