/* SPDX-License-Identifier: Apache-2.0 */
/* Register access and the card->host side of the rings: room, phase, publish order, events. */
#include "fw_impl.h"

#define RING_BASE_LO OFF(ring_regs, base_lo)
#define RING_BASE_HI OFF(ring_regs, base_hi)
#define RING_LOG2 OFF(ring_regs, log2_size)
#define RING_HEAD OFF(ring_regs, head)
#define RING_TAIL OFF(ring_regs, tail)

/* Registers are shared with a host that runs concurrently: 32-bit accesses that are never torn,
 * acquire on load and release on store so descriptors written before a doorbell are seen. */
uint32_t fw_reg_read(const struct fw *fw, uint32_t off)
{
	const volatile uint32_t *r = (const volatile uint32_t *)(fw->bar + off);

	return __atomic_load_n(r, __ATOMIC_ACQUIRE);
}

void fw_reg_write(struct fw *fw, uint32_t off, uint32_t v)
{
	volatile uint32_t *r = (volatile uint32_t *)(fw->bar + off);

	__atomic_store_n(r, v, __ATOMIC_RELEASE);
}

uint32_t fw_ring_reg(uint32_t ring, uint32_t field_off)
{
	return VRFSEC_ABI_RINGS_DEFAULT_OFFSET + VRFSEC_ABI_RINGS_RING0 +
	       ring * VRFSEC_ABI_RING_STRIDE + field_off;
}

int fw_ring_geo(const struct fw *fw, uint32_t ring, struct fw_ring_geo *g)
{
	uint32_t log2 = fw_reg_read(fw, fw_ring_reg(ring, RING_LOG2));

	if (log2 == 0 || log2 > FW_RING_LOG2_MAX)
		return 0;
	g->log2 = log2;
	g->size = 1u << log2;
	g->base = (uint64_t)fw_reg_read(fw, fw_ring_reg(ring, RING_BASE_HI)) << 32 |
		  fw_reg_read(fw, fw_ring_reg(ring, RING_BASE_LO));
	return 1;
}

int fw_ring_room(const struct fw *fw, uint32_t ring, uint32_t head)
{
	struct fw_ring_geo g;
	uint32_t tail;

	if (!fw_ring_geo(fw, ring, &g))
		return 0;
	tail = fw_reg_read(fw, fw_ring_reg(ring, RING_TAIL));
	/* Free-running indices: the difference is the fill level even across the u32 wrap. */
	return head - tail < g.size;
}

int fw_ring_post(struct fw *fw, uint32_t ring, uint32_t *head, uint8_t *desc)
{
	struct fw_ring_geo g;
	uint64_t addr;
	uint32_t tail;

	if (!fw_ring_geo(fw, ring, &g))
		return -1;
	tail = fw_reg_read(fw, fw_ring_reg(ring, RING_TAIL));
	if (*head - tail >= g.size)
		return -1;
	addr = g.base + (uint64_t)(*head & (g.size - 1u)) * FW_DESC_SIZE;
	/* Starts at 1 on the first pass, so a zeroed ring reads as empty to a host polling memory. */
	desc[FW_DESC_SIZE - 1u] = (uint8_t)(((*head >> g.log2) & 1u) ^ 1u);
	if (fw_dma_write(fw, addr, desc, FW_DESC_SIZE - 1u) != 0) {
		fw->stats.desc_faults++;
		return -2;
	}
	/* The phase byte goes last: a host that sees it sees the whole descriptor. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (fw_dma_write(fw, addr + FW_DESC_SIZE - 1u, desc + FW_DESC_SIZE - 1u, 1) != 0) {
		fw->stats.desc_faults++;
		return -2;
	}
	*head += 1u;
	fw_reg_write(fw, fw_ring_reg(ring, RING_HEAD), *head);
	return 0;
}

int fw_event_post_raw(struct fw *fw, uint32_t type, uint16_t vrf, uint32_t sa, uint32_t spi,
		      uint64_t value)
{
	uint8_t d[FW_DESC_SIZE];

	fw_zero(d, sizeof(d));
	put16(d + OFF(event_desc, type), (uint16_t)type);
	put16(d + OFF(event_desc, vrf), vrf);
	put32(d + OFF(event_desc, sa), sa);
	put64(d + OFF(event_desc, value), value);
	put64(d + OFF(event_desc, time_ns), fw->now_ns);
	put32(d + OFF(event_desc, spi), spi);
	if (fw_ring_post(fw, VRFSEC_ABI_RING_EVENT, &fw->ev_head, d) != 0)
		return -1;
	fw->stats.events++;
	return 0;
}

int fw_event_post(struct fw *fw, uint32_t type, uint32_t sa, uint64_t value)
{
	const struct vrfsec_sa *s = &fw->t->sa[sa];

	return fw_event_post_raw(fw, type, s->vrf, sa, s->spi, value);
}
