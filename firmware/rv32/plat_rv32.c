/* SPDX-License-Identifier: Apache-2.0 */
/* The firmware's platform on the RISC-V soft core: DMA engine and key port through MMIO. */
#include "fw.h"
#include "rv32_map.h"

static uint32_t mmio_rd(uint32_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static void mmio_wr(uint32_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

/* Wait until the unit at base is idle; 0, or -1 on fault or timeout. */
static int wait_idle(uint32_t status_addr, uint32_t busy, uint32_t fault)
{
	uint32_t i;
	uint32_t s = busy;

	for (i = 0; i < RV32_SPIN_MAX; i++) {
		s = mmio_rd(status_addr);
		if (!(s & busy))
			break;
	}
	return (s & (busy | fault)) ? -1 : 0;
}

static int dma(uint64_t iova, uint32_t local, uint32_t len, uint32_t dir)
{
	mmio_wr(RV32_DMA + RV32_DMA_HOST_LO, (uint32_t)iova);
	mmio_wr(RV32_DMA + RV32_DMA_HOST_HI, (uint32_t)(iova >> 32));
	mmio_wr(RV32_DMA + RV32_DMA_LOCAL, local);
	mmio_wr(RV32_DMA + RV32_DMA_LEN, len);
	/* Descriptor bytes written by the core must reach memory before the engine reads them. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	mmio_wr(RV32_DMA + RV32_DMA_CTRL, RV32_DMA_START | dir);
	return wait_idle(RV32_DMA + RV32_DMA_STATUS, RV32_DMA_BUSY, RV32_DMA_FAULT) ? -14 : 0;
}

int fw_plat_dma_read(void *ctx, uint64_t iova, void *dst, uint32_t len)
{
	(void)ctx;
	return dma(iova, (uint32_t)(uintptr_t)dst, len, 0);
}

int fw_plat_dma_write(void *ctx, uint64_t iova, const void *src, uint32_t len)
{
	(void)ctx;
	return dma(iova, (uint32_t)(uintptr_t)src, len, RV32_DMA_TO_HOST);
}

int fw_plat_key_install(void *ctx, uint32_t sa, const uint8_t *key, uint32_t key_len)
{
	uint32_t i;

	(void)ctx;
	if (key_len != 16u && key_len != 24u && key_len != 32u)
		return -22;
	mmio_wr(RV32_KEY + RV32_KEY_SA, sa);
	mmio_wr(RV32_KEY + RV32_KEY_LEN, key_len);
	for (i = 0; i < 8u; i++) {
		if (4u * i >= key_len)
			break;
		mmio_wr(RV32_KEY + RV32_KEY_DATA + 4u * i,
			(uint32_t)key[4u * i] | (uint32_t)key[4u * i + 1u] << 8 |
				(uint32_t)key[4u * i + 2u] << 16 | (uint32_t)key[4u * i + 3u] << 24);
	}
	mmio_wr(RV32_KEY + RV32_KEY_CMD, RV32_KEY_INSTALL);
	return wait_idle(RV32_KEY + RV32_KEY_STATUS, 0x1u, 0x2u) ? -5 : 0;
}

void fw_plat_key_wipe(void *ctx, uint32_t sa)
{
	(void)ctx;
	mmio_wr(RV32_KEY + RV32_KEY_SA, sa);
	mmio_wr(RV32_KEY + RV32_KEY_CMD, RV32_KEY_WIPE);
	(void)wait_idle(RV32_KEY + RV32_KEY_STATUS, 0x1u, 0x2u);
}
