/* SPDX-License-Identifier: Apache-2.0 */
/* Packets: punt RX (PUNT_BUF + PUNT rings) and inject TX (INJECT ring), copied through DMA buffers. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "drv.h"

/*
 * Punt buffer i and inject buffer i are fixed slices of two DMA regions. A punt descriptor names
 * its buffer by address, which is checked against the region before the driver reads it. Inject
 * buffer i belongs to INJECT ring slot i, so a buffer is free again when the ring has room.
 * Frames are copied: punts are the slow path (IKE, exceptions), and copying keeps card memory
 * out of the caller's hands.
 */

static uint32_t buf_size(const struct vrfsec_dev *dev)
{
	uint32_t mf = dev->info.max_frame;

	/* a card that reports nothing sensible gets room for a jumbo frame */
	if (mf < 64 || mf > 65535)
		mf = 9216;
	return drv_align(mf, 64);
}

int drv_packets_create(struct vrfsec_dev *dev)
{
	const struct drv_ring *pb = &dev->ring[VRFSEC_ABI_RING_PUNT_BUF];
	const struct drv_ring *in = &dev->ring[VRFSEC_ABI_RING_INJECT];
	int rc;

	dev->buf_size = buf_size(dev);
	rc = dev->be.ops->dma_alloc(dev->be.ctx, (size_t)pb->size * dev->buf_size, 4096,
				    &dev->punt_bufs);
	if (rc) {
		dev->punt_bufs.va = NULL;
		return drv_err(dev, rc, "no DMA memory for %u punt buffers", pb->size);
	}
	rc = dev->be.ops->dma_alloc(dev->be.ctx, (size_t)in->size * dev->buf_size, 4096,
				    &dev->inject_bufs);
	if (rc) {
		dev->inject_bufs.va = NULL;
		return drv_err(dev, rc, "no DMA memory for %u inject buffers", in->size);
	}
	return 0;
}

static void post_buf(struct vrfsec_dev *dev, uint32_t i)
{
	struct drv_ring *pb = &dev->ring[VRFSEC_ABI_RING_PUNT_BUF];
	struct vrfsec_abi_buf_desc *d = drv_ring_slot(pb, pb->head);

	d->addr = htole64(dev->punt_bufs.iova + (uint64_t)i * dev->buf_size);
	d->len = htole32(dev->buf_size);
	d->rsvd = 0;
	pb->head++;
}

void drv_packets_enable(struct vrfsec_dev *dev)
{
	struct drv_ring *pb = &dev->ring[VRFSEC_ABI_RING_PUNT_BUF];

	for (uint32_t i = 0; i < pb->size; i++)
		post_buf(dev, i);
	drv_ring_produce(pb, 0);
}

void drv_packets_destroy(struct vrfsec_dev *dev)
{
	if (dev->punt_bufs.va) {
		explicit_bzero(dev->punt_bufs.va, dev->punt_bufs.size); /* IKE payloads */
		dev->be.ops->dma_free(dev->be.ctx, &dev->punt_bufs);
	}
	if (dev->inject_bufs.va) {
		explicit_bzero(dev->inject_bufs.va, dev->inject_bufs.size);
		dev->be.ops->dma_free(dev->be.ctx, &dev->inject_bufs);
	}
	dev->punt_bufs.va = dev->inject_bufs.va = NULL;
}

int vrfsec_punt_recv(struct vrfsec_dev *dev, struct vrfsec_punt *p)
{
	struct drv_ring *pr = &dev->ring[VRFSEC_ABI_RING_PUNT];
	struct drv_ring *pb = &dev->ring[VRFSEC_ABI_RING_PUNT_BUF];
	struct vrfsec_abi_punt_desc d;
	uint64_t addr, off;
	uint32_t i, len;
	int avail;

	if (dev->lost)
		return -ENODEV;
	if (!dev->enabled)
		return drv_err(dev, -ENOTCONN, "rings not enabled");
	avail = drv_ring_avail(pr);
	if (avail < 0)
		return avail;
	if (avail == 0)
		return drv_alive(dev, false);
	memcpy(&d, drv_ring_slot(pr, pr->tail), sizeof(d));
	drv_ring_consume(pr, 1);
	addr = le64toh(d.addr);
	len = le16toh(d.len);
	off = addr - dev->punt_bufs.iova;
	if (addr < dev->punt_bufs.iova || off >= dev->punt_bufs.size || off % dev->buf_size ||
	    len > dev->buf_size)
		return drv_err(dev, -EIO, "PUNT ring: descriptor names buffer 0x%llx len %u, not one "
			       "of ours", (unsigned long long)addr, len);
	i = (uint32_t)(off / dev->buf_size);
	p->frame_len = len;
	p->len = len < p->cap ? len : p->cap;
	if (p->len && p->buf)
		memcpy(p->buf, (uint8_t *)dev->punt_bufs.va + off, p->len);
	else
		p->len = 0;
	p->port = d.port;
	p->reason = d.reason;
	p->vrf = le16toh(d.vrf);
	p->sa = le32toh(d.sa);
	/* The card took this buffer off PUNT_BUF before it wrote the descriptor, so its slot there
	 * is free: give the buffer straight back. */
	post_buf(dev, i);
	drv_ring_produce(pb, 0);
	return 1;
}

int vrfsec_inject_send(struct vrfsec_dev *dev, const struct vrfsec_inject *pkt)
{
	struct drv_ring *r = &dev->ring[VRFSEC_ABI_RING_INJECT];
	struct vrfsec_abi_inject_desc *d;
	uint32_t slot;
	int space;

	if (dev->lost)
		return -ENODEV;
	if (!dev->enabled)
		return drv_err(dev, -ENOTCONN, "rings not enabled");
	if (!pkt->frame || pkt->len == 0 || pkt->len > dev->buf_size || pkt->len > 0xffffu)
		return drv_err(dev, -EMSGSIZE, "frame of %u bytes: the card takes 1..%u", pkt->len,
			       dev->buf_size < 0xffffu ? dev->buf_size : 0xffffu);
	space = drv_ring_space(r);
	if (space < 0)
		return space;
	if (space == 0) {
		int rc = drv_alive(dev, false);

		return rc ? rc : -EAGAIN;
	}
	slot = r->head & r->mask;
	memcpy((uint8_t *)dev->inject_bufs.va + (size_t)slot * dev->buf_size, pkt->frame, pkt->len);
	d = drv_ring_slot(r, r->head);
	memset(d, 0, sizeof(*d));
	d->addr = htole64(dev->inject_bufs.iova + (uint64_t)slot * dev->buf_size);
	d->len = htole16((uint16_t)pkt->len);
	d->port = pkt->port;
	d->sa = htole32(pkt->sa);
	if (pkt->to_vrf) {
		d->flags = VRFSEC_ABI_INJECT_VRF;
		d->vrf = htole16(pkt->vrf);
	}
	drv_ring_produce(r, 1);
	return 0;
}
