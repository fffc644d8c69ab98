/* SPDX-License-Identifier: Apache-2.0 */
/* The platform under the firmware in the simulator: DMA into the shared host memory and key
 * install / wipe in the engine's key store. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "engine_impl.h"
#include "sim.h"

/* Host address range [iova, iova + len) as a pointer into the .mem mapping, or NULL when any byte
 * of it lies outside: that is a DMA fault, as on a card behind an IOMMU. */
uint8_t *sim_dma_ptr(struct sim_plat *pl, uint64_t iova, uint32_t len)
{
	uint64_t off;

	if (!pl->mem || iova < VRFSEC_SIM_IOVA_BASE)
		goto fault;
	off = iova - VRFSEC_SIM_IOVA_BASE;
	if (off > pl->mem_size || len > pl->mem_size - off)
		goto fault;
	return pl->mem + off;
fault:
	pl->dma_faults++;
	return NULL;
}

int fw_plat_dma_read(void *ctx, uint64_t iova, void *dst, uint32_t len)
{
	const uint8_t *src = sim_dma_ptr(ctx, iova, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int fw_plat_dma_write(void *ctx, uint64_t iova, const void *src, uint32_t len)
{
	uint8_t *dst = sim_dma_ptr(ctx, iova, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

/* The card around the platform: the key port's work shows in the simulator's heartbeat, as a
 * long run of installs on the rtl engine is progress, not a hang. */
static struct sim *sim_of(void *ctx)
{
	return (struct sim *)(void *)((uint8_t *)ctx - offsetof(struct sim, plat));
}

/* Keys go straight into the engine's per-SA store (the same place vrfsec_engine_sa_add puts
 * them); the firmware compiles the SA into the tables itself, so the engine's combined call
 * does not fit. A slot that already holds a key is wiped first: the cpu engine counts live keys
 * to decide whether prefetching pays. */
int fw_plat_key_install(void *ctx, uint32_t sa, const uint8_t *key, uint32_t key_len)
{
	struct vrfsec_engine *e = ((struct sim_plat *)ctx)->e;
	int rc;

	if (sa >= VRFSEC_MAX_SA || (key_len != 16 && key_len != 24 && key_len != 32))
		return -EINVAL;
	if (e->key_len[sa])
		fw_plat_key_wipe(ctx, sa);
	rc = vrfsec_engine_key_set(e, sa, key, key_len);
	sim_heartbeat(sim_of(ctx));
	return rc;
}

void fw_plat_key_wipe(void *ctx, uint32_t sa)
{
	struct vrfsec_engine *e = ((struct sim_plat *)ctx)->e;

	if (sa >= VRFSEC_MAX_SA || !e->key_len[sa])
		return;
	vrfsec_engine_key_clear(e, sa);
	sim_heartbeat(sim_of(ctx));
}
