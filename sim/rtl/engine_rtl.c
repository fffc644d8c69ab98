/* SPDX-License-Identifier: Apache-2.0 */
/* The rtl engine: the Verilated pipeline as an engine of sim/engine. A burst goes in as one
 * back-to-back stream; the model runs until it is idle, and each packet's exit record and frame
 * are copied back into its struct vrfsec_pkt. The engine's tables are the model's table memory,
 * so firmware and driver run on it unchanged. Linked only into the programs that carry the
 * Verilated models (the weak hooks of engine_impl.h are NULL elsewhere). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine_impl.h"
#include "rtl/rtl_model.h"

/* Generous: the longest packet takes a few thousand cycles through a 128-bit pipeline. */
#define RTL_BURST_CYCLES 10000000ull

int rtl_create(struct vrfsec_engine *e)
{
	struct rtl_model *m = rtl_model_create(vrfsec_rtl_width, e->t, vrfsec_rtl_trace);

	if (!m) {
		fprintf(stderr, "rtl engine: no model of data width %u%s%s\n", vrfsec_rtl_width,
			vrfsec_rtl_trace ? " or cannot write " : "",
			vrfsec_rtl_trace ? vrfsec_rtl_trace : "");
		return -EINVAL;
	}
	e->rtl = m;
	return 0;
}

void rtl_destroy(struct vrfsec_engine *e)
{
	rtl_model_destroy(e->rtl);
	e->rtl = NULL;
}

int rtl_set_key(struct vrfsec_engine *e, uint32_t idx, const uint8_t *key, uint32_t key_len)
{
	return rtl_model_key(e->rtl, idx, key, key_len) ? -EIO : 0;
}

/* The key slot gets an all-zero key: the old key is gone from the model. */
void rtl_clear_key(struct vrfsec_engine *e, uint32_t idx)
{
	static const uint8_t zero[32];

	rtl_model_key(e->rtl, idx, zero, sizeof(zero));
}

/* The RTL port carries in_port in 3 bits and a frame at offset VRFSEC_HEADROOM: values it cannot
 * carry are mapped onto ones stage_rx treats the same way (in_port 4..7: MALFORMED). */
void rtl_run(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n)
{
	struct rtl_model *m = e->rtl;
	static struct rtl_out o;
	uint32_t i;

	for (i = 0; i < n; i++) {
		const struct vrfsec_pkt *p = pkts[i];
		struct rtl_in in;
		uint32_t room = p->off < VRFSEC_BUF_SIZE ? VRFSEC_BUF_SIZE - p->off : 0;

		memset(&in, 0, sizeof(in));
		in.frame = p->buf + (p->off < VRFSEC_BUF_SIZE ? p->off : 0);
		in.len = p->len;
		in.avail = p->len < room ? p->len : room;
		in.tag = (uint16_t)i;
		in.in_port = p->in_port > 7u ? (uint8_t)(4u + (p->in_port & 3u)) : p->in_port;
		in.out_port = p->out_port;
		in.sa_out = p->sa_out;
		in.vrf = p->vrf;
		rtl_model_push(m, &in);
	}
	rtl_model_drain(m, RTL_BURST_CYCLES);
	for (i = 0; i < n; i++) {
		struct vrfsec_pkt *p = pkts[i];
		uint8_t in_port = p->in_port;

		if (!rtl_model_pop(m, &o) || o.tag != i) {
			/* the model lost the packet: say so once per packet, count it as dropped */
			fprintf(stderr, "rtl engine: no exit record for packet %u of %u\n", i, n);
			p->out_port = VRFSEC_PORT_DROP;
			p->reason = VRFSEC_CNT_MALFORMED;
			continue;
		}
		rtl_meta_unpack(p, o.meta);
		p->in_port = in_port;
		if (o.has_frame && (uint32_t)p->off + o.len <= VRFSEC_BUF_SIZE)
			memcpy(p->buf + p->off, o.frame, o.len);
	}
	while (rtl_model_pop(m, &o)) /* records of nobody: a broken model */
		fprintf(stderr, "rtl engine: stray exit record tag %u\n", o.tag);
}
