/* SPDX-License-Identifier: Apache-2.0 */
/* The metadata bus of the RTL pipeline (hw/rtl/stage_if.vh, M_* fields) to and from the fields of
 * struct vrfsec_pkt, on 32-bit words as Verilator holds wide signals (word 0 = bits 31:0). */
#include <string.h>

#include "rtl_model.h"

static void put(uint32_t *w, unsigned lsb, unsigned width, uint64_t v)
{
	unsigned i;

	for (i = 0; i < width; i++) {
		unsigned b = lsb + i;

		if ((v >> i) & 1u)
			w[b / 32] |= 1u << (b % 32);
		else
			w[b / 32] &= ~(1u << (b % 32));
	}
}

static uint64_t get(const uint32_t *w, unsigned lsb, unsigned width)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < width; i++) {
		unsigned b = lsb + i;

		v |= (uint64_t)((w[b / 32] >> (b % 32)) & 1u) << i;
	}
	return v;
}

void rtl_meta_pack(uint32_t *w, const struct vrfsec_pkt *p)
{
	unsigned i;

	memset(w, 0, RTL_META_WORDS * 4u);
	put(w, 0, 16, p->off);
	put(w, 16, 16, p->len);
	put(w, 32, 8, p->in_port);
	put(w, 40, 8, p->out_port);
	put(w, 48, 8, p->stage);
	put(w, 56, 8, p->reason);
	put(w, 64, 16, p->vrf);
	put(w, 80, 16, p->l3_off);
	put(w, 96, 32, p->sa_in);
	put(w, 128, 32, p->sa_out);
	put(w, 160, 64, p->seq);
	put(w, 224, 32, p->op.sa);
	put(w, 256, 8, p->op.encrypt);
	put(w, 264, 8, p->op.aad_len);
	put(w, 272, 8, p->op.tag_ok);
	for (i = 0; i < 12; i++)
		put(w, 280 + 8 * i, 8, p->op.nonce[i]);
	for (i = 0; i < 12; i++)
		put(w, 376 + 8 * i, 8, p->op.aad[i]);
	put(w, 472, 16, p->op.data_off);
	put(w, 488, 16, p->op.data_len);
	put(w, 504, 16, p->op.tag_off);
}

void rtl_meta_unpack(struct vrfsec_pkt *p, const uint32_t *w)
{
	unsigned i;

	p->off = (uint16_t)get(w, 0, 16);
	p->len = (uint16_t)get(w, 16, 16);
	p->in_port = (uint8_t)get(w, 32, 8);
	p->out_port = (uint8_t)get(w, 40, 8);
	p->stage = (uint8_t)get(w, 48, 8);
	p->reason = (uint8_t)get(w, 56, 8);
	p->vrf = (uint16_t)get(w, 64, 16);
	p->l3_off = (uint16_t)get(w, 80, 16);
	p->sa_in = (uint32_t)get(w, 96, 32);
	p->sa_out = (uint32_t)get(w, 128, 32);
	p->seq = get(w, 160, 64);
	p->op.sa = (uint32_t)get(w, 224, 32);
	p->op.encrypt = (uint8_t)get(w, 256, 8);
	p->op.aad_len = (uint8_t)get(w, 264, 8);
	p->op.tag_ok = (uint8_t)get(w, 272, 8);
	for (i = 0; i < 12; i++)
		p->op.nonce[i] = (uint8_t)get(w, 280 + 8 * i, 8);
	for (i = 0; i < 12; i++)
		p->op.aad[i] = (uint8_t)get(w, 376 + 8 * i, 8);
	p->op.data_off = (uint16_t)get(w, 472, 16);
	p->op.data_len = (uint16_t)get(w, 488, 16);
	p->op.tag_off = (uint16_t)get(w, 504, 16);
}
