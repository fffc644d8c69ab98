/* SPDX-License-Identifier: Apache-2.0 */
/* The card's side of the packet rings: PUNT_BUF + PUNT (card -> host) and INJECT (host -> card),
 * and the walk over the register-block chain that finds them. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "sim.h"

/* Descriptors are little-endian and copied as the generated structs: fine on this host only. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "descriptors are copied as-is");

#define CHAIN_MAX 32u

int sim_blocks_find(struct sim *s)
{
	uint32_t off = 0, i;

	s->control_off = s->rings_off = VRFSEC_ABI_NONE;
	for (i = 0; i < CHAIN_MAX; i++) {
		uint32_t type = reg_rd(s, off + offsetof(struct vrfsec_abi_block_hdr, type));
		uint32_t next = reg_rd(s, off + offsetof(struct vrfsec_abi_block_hdr, next));

		if (type == VRFSEC_ABI_BLOCK_CONTROL)
			s->control_off = off;
		else if (type == VRFSEC_ABI_BLOCK_RINGS)
			s->rings_off = off;
		/* a chain only moves forward, so a bad next cannot loop */
		if (next == 0 || next <= off || next >= VRFSEC_ABI_BAR_SIZE || (next & 3u))
			break;
		off = next;
	}
	if (s->control_off == VRFSEC_ABI_NONE || s->rings_off == VRFSEC_ABI_NONE ||
	    s->rings_off + VRFSEC_ABI_RINGS_RING0 + VRFSEC_ABI_RING_COUNT * VRFSEC_ABI_RING_STRIDE >
		    VRFSEC_ABI_BAR_SIZE)
		return -ENODEV;
	return 0;
}

/* One ring as the host has set it up, read at one moment. */
struct ring {
	uint32_t regs; /* BAR offset of its ring_regs */
	uint64_t base;
	uint32_t log2, size, head, tail;
	uint32_t desc_size;
};

#define RING_REG(g, field) ((g)->regs + (uint32_t)offsetof(struct vrfsec_abi_ring_regs, field))

/* False when the ring is disabled (log2_size 0) or nonsense. head and tail are read with acquire
 * ordering: for a host -> card ring, the descriptors before a doorbell are visible after it. */
static bool ring_load(const struct sim *s, uint32_t r, uint32_t desc_size, struct ring *g)
{
	g->regs = s->rings_off + VRFSEC_ABI_RINGS_RING0 + r * VRFSEC_ABI_RING_STRIDE;
	g->log2 = reg_rd(s, RING_REG(g, log2_size));
	if (g->log2 == 0 || g->log2 > FW_RING_LOG2_MAX) /* the firmware's limit, for every ring */
		return false;
	g->size = 1u << g->log2;
	g->base = (uint64_t)reg_rd(s, RING_REG(g, base_hi)) << 32 | reg_rd(s, RING_REG(g, base_lo));
	g->head = reg_rd(s, RING_REG(g, head));
	g->tail = reg_rd(s, RING_REG(g, tail));
	g->desc_size = desc_size;
	return true;
}

static uint64_t slot(const struct ring *g, uint32_t idx)
{
	return g->base + (uint64_t)(idx & (g->size - 1u)) * g->desc_size;
}

bool sim_ring_empty(const struct sim *s, uint32_t ring)
{
	struct ring g;

	return !ring_load(s, ring, 0, &g) || g.head == g.tail;
}

/* A punted frame costs one PUNT_BUF buffer (frame at its start) and one PUNT descriptor, which is
 * written whole with its phase byte last (release), then published by the head store. The phase
 * of the pass that starts at index 0 is 1, then 0, 1, ...: the host's zeroed ring never looks
 * filled. */
void sim_punt(struct sim *s, const struct vrfsec_pkt *p)
{
	struct vrfsec_abi_buf_desc b;
	struct vrfsec_abi_punt_desc d;
	struct ring pb, pr;
	uint8_t *dst;

	if (!ring_load(s, VRFSEC_ABI_RING_PUNT_BUF, sizeof(b), &pb) || pb.head == pb.tail) {
		s->st.punt_no_buf++;
		return;
	}
	if (!ring_load(s, VRFSEC_ABI_RING_PUNT, sizeof(d), &pr) || pr.head - pr.tail >= pr.size) {
		s->st.punt_ring_full++;
		return;
	}
	if (fw_plat_dma_read(&s->plat, slot(&pb, pb.tail), &b, sizeof(b)) != 0) {
		/* an unreadable buffer descriptor is useless: consume it and move on */
		s->st.punt_dma_err++;
		reg_wr(s, RING_REG(&pb, tail), pb.tail + 1u);
		return;
	}
	if (b.len < p->len) {
		/* keep the buffer: the next, smaller frame can use it */
		s->st.punt_buf_small++;
		return;
	}
	reg_wr(s, RING_REG(&pb, tail), pb.tail + 1u);
	if (fw_plat_dma_write(&s->plat, b.addr, p->buf + p->off, p->len) != 0) {
		s->st.punt_dma_err++;
		return;
	}
	memset(&d, 0, sizeof(d));
	d.addr = b.addr;
	d.len = p->len;
	d.port = p->in_port;
	d.reason = p->reason;
	d.vrf = p->vrf;
	d.sa = p->sa_in;
	dst = sim_dma_ptr(&s->plat, slot(&pr, pr.head), sizeof(d));
	if (!dst) {
		s->st.punt_dma_err++;
		return;
	}
	memcpy(dst, &d, offsetof(struct vrfsec_abi_punt_desc, phase));
	__atomic_store_n(dst + offsetof(struct vrfsec_abi_punt_desc, phase),
			 (uint8_t)(((pr.head >> pr.log2) & 1u) ^ 1u), __ATOMIC_RELEASE);
	reg_wr(s, RING_REG(&pr, head), pr.head + 1u);
	s->st.punt_ok++;
}

/* Injected frames are copied into packet buffers before the tail moves, so the host may reuse
 * its buffers as soon as it sees the new tail. A bad descriptor is consumed and counted. */
uint32_t sim_inject_rx(struct sim *s, struct vrfsec_pkt **pkts, uint32_t max)
{
	struct vrfsec_abi_inject_desc d;
	struct ring g;
	uint32_t avail, n = 0, tail;

	if (!ring_load(s, VRFSEC_ABI_RING_INJECT, sizeof(d), &g) || g.head == g.tail)
		return 0;
	avail = g.head - g.tail;
	if (avail > g.size) /* the host overran its own ring: take what a ring can hold */
		avail = g.size;
	for (tail = g.tail; avail > 0 && n < max; avail--, tail++) {
		struct vrfsec_pkt *p = pkts[n];

		if (fw_plat_dma_read(&s->plat, slot(&g, tail), &d, sizeof(d)) != 0 || d.len == 0 ||
		    d.len > VRFSEC_MAX_FRAME ||
		    fw_plat_dma_read(&s->plat, d.addr, p->buf + VRFSEC_HEADROOM, d.len) != 0) {
			s->st.inject_bad++;
			continue;
		}
		sim_pkt_arrived(p, VRFSEC_PORT_HOST, d.len);
		/* the pipeline seals into sa_out, forwards in a VRF, or sends the frame unchanged out of
		 * out_port */
		p->sa_out = d.sa;
		p->out_port = d.sa == VRFSEC_NONE ? d.port : (uint8_t)VRFSEC_PORT_DROP;
		if (d.sa == VRFSEC_NONE && (d.flags & VRFSEC_ABI_INJECT_VRF)) {
			/* forward in a VRF: the pipeline reads out_port HOST as that request */
			p->out_port = VRFSEC_PORT_HOST;
			p->vrf = d.vrf;
		} else if (d.sa == VRFSEC_NONE && d.port >= VRFSEC_PORT_HOST) {
			p->out_port = VRFSEC_PORT_DROP; /* not a port a frame can leave on */
		}
		s->st.inject_ok++;
		n++;
	}
	reg_wr(s, RING_REG(&g, tail), tail);
	return n;
}
