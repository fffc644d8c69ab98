/* SPDX-License-Identifier: Apache-2.0 */
/* Entry point of the soft-core firmware: bring the card up, then poll forever. */
#include "fw.h"
#include "rv32_map.h"

_Static_assert(sizeof(struct vrfsec_tables) <= RV32_FW_STATE - RV32_TABLES, "tables fit DRAM");

#define ENGINE_RTL 2u
#define CAP_RTL 0x4u

static uint32_t rd(uint32_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

/* 64-bit time from two 32-bit halves: re-read when the high half moved in between. */
static uint64_t now_ns(void)
{
	uint32_t hi, lo, i;

	hi = rd(RV32_TIMER + RV32_TIMER_HI);
	lo = rd(RV32_TIMER + RV32_TIMER_LO);
	for (i = 0; i < 4u; i++) {
		uint32_t hi2 = rd(RV32_TIMER + RV32_TIMER_HI);

		if (hi2 == hi)
			break;
		hi = hi2;
		lo = rd(RV32_TIMER + RV32_TIMER_LO);
	}
	return (uint64_t)hi << 32 | lo;
}

int main(void)
{
	/* The state and the tables are in DRAM at fixed addresses, not in the core's memory. */
	struct fw *fw = (struct fw *)(uintptr_t)RV32_FW_STATE;
	struct vrfsec_tables *t = (struct vrfsec_tables *)(uintptr_t)RV32_TABLES;
	struct fw_config cfg = { 0, ENGINE_RTL, rd(RV32_DMA + RV32_DMA_WINDOW), FW_VERSION,
				 VRFSEC_ABI_CARD_FPGA, CAP_RTL };

	fw_init(fw, t, (volatile uint8_t *)(uintptr_t)RV32_BAR, &cfg);
	for (;;) /* hls-check: allow loop -- the firmware's main loop never ends */
		(void)fw_poll(fw, now_ns());
	return 0;
}
