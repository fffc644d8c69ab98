/* SPDX-License-Identifier: Apache-2.0 */
/* Counter snapshots: the card DMAs counters_hdr + every counter into a host buffer (OP_COUNTERS). */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"
#include "vrfsec_hls.h" /* the internal counter enum, to check the public ids against */

/* Names and meanings from the one counter list, in snapshot order. */
static const char *const counter_names[] = {
#define X(e, name, help) name,
#include "counters.def"
#undef X
};
static const char *const counter_help[] = {
#define X(e, name, help) help,
#include "counters.def"
#undef X
};
/* The public ids (vrfsec.h) are the list's: a counter added without its constant, or a constant
 * that drifted, stops the build here. */
#define X(e, name, help) _Static_assert(VRFSEC_ABI_CNT_##e == VRFSEC_CNT_##e, "VRFSEC_ABI_CNT_" #e);
#include "counters.def"
#undef X
_Static_assert(VRFSEC_ABI_CNT_COUNT == VRFSEC_CNT_MAX && VRFSEC_ABI_CNT_COUNT == VRFSEC_ABI_N_COUNTERS,
	       "public counter count");

/* Sized by the list itself: a card with more counters than this build knows still reports them,
 * just without names (make check keeps the ABI header and the list in step). */
#define N_NAMES (sizeof(counter_names) / sizeof(counter_names[0]))

const char *vrfsec_counter_str(unsigned id)
{
	return id < N_NAMES ? counter_names[id] : NULL;
}

const char *vrfsec_counter_desc(unsigned id)
{
	return id < N_NAMES ? counter_help[id] : NULL;
}

/* Bytes of a snapshot with these record counts. */
static size_t snap_bytes(uint32_t n_global, uint32_t n_vrf, uint32_t n_sa)
{
	return sizeof(struct vrfsec_abi_counters_hdr) + (size_t)n_global * 8u +
	       (size_t)n_vrf * sizeof(struct vrfsec_abi_vrf_counters) +
	       (size_t)n_sa * sizeof(struct vrfsec_abi_sa_counters);
}

/* The buffer is sized from the COUNTERS block once and kept: a snapshot that timed out may
 * still be written by the card, so the buffer must not go back to the allocator meanwhile. */
static int snap_buffer(struct vrfsec_dev *dev)
{
	size_t need = snap_bytes(dev->info.n_global, dev->info.n_vrf, dev->info.n_sa);
	int rc;

	if (dev->snap.va)
		return 0;
	if (dev->info.n_global > 4096 || dev->info.n_vrf > (1u << 20) || dev->info.n_sa > (1u << 24))
		return drv_err(dev, -EPROTO, "COUNTERS block reports absurd sizes (%u global, %u VRF, "
			       "%u SA)", dev->info.n_global, dev->info.n_vrf, dev->info.n_sa);
	rc = dev->be.ops->dma_alloc(dev->be.ctx, need, 4096, &dev->snap);
	if (rc) {
		dev->snap.va = NULL;
		return drv_err(dev, rc, "no DMA memory for a %zu-byte counter snapshot", need);
	}
	return 0;
}

static bool snap_idle(struct vrfsec_dev *dev, void *arg)
{
	(void)arg;
	return !dev->snap_busy || dev->lost;
}

static bool waiter_done(struct vrfsec_dev *dev, void *arg)
{
	return ((struct drv_waiter *)arg)->done || dev->lost;
}

static int copy_out(struct vrfsec_dev *dev, uint32_t tag, struct vrfsec_snapshot **out)
{
	const uint8_t *buf = dev->snap.va;
	struct vrfsec_abi_counters_hdr h;
	struct vrfsec_snapshot *s;
	const uint8_t *p;
	size_t bytes;

	memcpy(&h, buf, sizeof(h));
	h.n_global = le32toh(h.n_global);
	h.n_vrf = le32toh(h.n_vrf);
	h.n_sa = le32toh(h.n_sa);
	if (le32toh(h.tag) != tag || h.n_global > dev->info.n_global || h.n_vrf > dev->info.n_vrf ||
	    h.n_sa > dev->info.n_sa)
		return drv_err(dev, -EIO, "counter snapshot header does not fit the request (tag 0x%x "
			       "for 0x%x; %u/%u/%u records)", le32toh(h.tag), tag, h.n_global, h.n_vrf,
			       h.n_sa);
	/* one allocation: header struct, then the three arrays */
	bytes = sizeof(*s) + (size_t)h.n_global * 8u + (size_t)h.n_vrf * sizeof(*s->vrf) +
		(size_t)h.n_sa * sizeof(*s->sa);
	s = calloc(1, bytes);
	if (!s)
		return drv_err(dev, -ENOMEM, "out of memory for a snapshot");
	s->time_ns = le64toh(h.time_ns);
	s->n_global = h.n_global;
	s->n_vrf = h.n_vrf;
	s->n_sa = h.n_sa;
	s->global = (uint64_t *)(s + 1);
	s->vrf = (struct vrfsec_snap_vrf *)(s->global + h.n_global);
	s->sa = (struct vrfsec_snap_sa *)(s->vrf + h.n_vrf);
	p = buf + sizeof(h);
	for (uint32_t i = 0; i < h.n_global; i++, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		s->global[i] = le64toh(v);
	}
	for (uint32_t i = 0; i < h.n_vrf; i++, p += sizeof(struct vrfsec_abi_vrf_counters)) {
		struct vrfsec_abi_vrf_counters v;

		memcpy(&v, p, sizeof(v));
		s->vrf[i] = (struct vrfsec_snap_vrf){ le64toh(v.rx_packets), le64toh(v.rx_bytes),
						      le64toh(v.tx_packets), le64toh(v.tx_bytes),
						      le64toh(v.drops) };
	}
	for (uint32_t i = 0; i < h.n_sa; i++, p += sizeof(struct vrfsec_abi_sa_counters)) {
		struct vrfsec_abi_sa_counters v;

		memcpy(&v, p, sizeof(v));
		s->sa[i] = (struct vrfsec_snap_sa){ le64toh(v.packets), le64toh(v.bytes),
						    le64toh(v.drops) };
	}
	*out = s;
	return 0;
}

int vrfsec_snapshot_read(struct vrfsec_dev *dev, struct vrfsec_snapshot **out)
{
	struct drv_waiter w = { 0 };
	struct drv_cmd c = { 0 };
	uint32_t tag;
	int rc;

	*out = NULL;
	if ((rc = drv_no_callback(dev)) != 0)
		return rc;
	if (dev->lost)
		return -ENODEV;
	rc = snap_buffer(dev);
	if (rc == 0 && dev->snap_busy)
		rc = drv_wait(dev, snap_idle, NULL, dev->cfg.timeout_ms);
	if (rc)
		return rc;
	if (dev->lost)
		return -ENODEV;
	memset(dev->snap.va, 0, sizeof(struct vrfsec_abi_counters_hdr));
	c.opcode = VRFSEC_ABI_OP_COUNTERS;
	c.param_iova = dev->snap.iova;
	/* count is the number of SA records wanted; the buffer holds every one the card has */
	c.count = dev->info.n_sa;
	c.stride = sizeof(struct vrfsec_abi_sa_counters);
	c.slot = DRV_NONE;
	c.waiter = &w;
	rc = drv_cmd_post(dev, &c, true, &tag);
	if (rc)
		return rc;
	dev->snap_busy = true;
	rc = drv_wait(dev, waiter_done, &w, dev->cfg.timeout_ms);
	if (rc == 0 && !w.done)
		rc = -ENODEV;
	if (rc) {
		/* the card may still write the buffer: it stays busy until the completion */
		drv_cmd_forget(dev, tag);
		return rc;
	}
	dev->snap_busy = false;
	if (w.res.status)
		return drv_err(dev, w.res.status, "counter snapshot: %s",
			       vrfsec_detail_str(w.res.detail));
	return copy_out(dev, tag, out);
}

void vrfsec_snapshot_free(struct vrfsec_snapshot *snap)
{
	free(snap);
}

void drv_counters_destroy(struct vrfsec_dev *dev)
{
	if (dev->snap.va)
		dev->be.ops->dma_free(dev->be.ctx, &dev->snap);
	dev->snap.va = NULL;
}
