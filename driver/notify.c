/* SPDX-License-Identifier: Apache-2.0 */
/* The notify object: an eventfd the card signals when it posts completions, events or punts. */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "drv.h"

/* The rings the host waits for; the others are host -> card. */
static const uint32_t c2h[] = { VRFSEC_ABI_RING_CPL, VRFSEC_ABI_RING_EVENT, VRFSEC_ABI_RING_PUNT };

#define IRQ_REG(dev, id) \
	((dev)->off_rings + VRFSEC_ABI_RINGS_RING0 + (id) * VRFSEC_ABI_RING_STRIDE + \
	 (uint32_t)offsetof(struct vrfsec_abi_ring_regs, irq))

void drv_notify_rings(struct vrfsec_dev *dev)
{
	uint32_t on = dev->notify_fd >= 0 ? 1u : 0u;

	if (dev->lost)
		return;
	for (unsigned i = 0; i < sizeof(c2h) / sizeof(c2h[0]); i++)
		drv_wr(dev, IRQ_REG(dev, c2h[i]), on);
}

int vrfsec_notify_enable(struct vrfsec_dev *dev)
{
	int fd, rc;

	if (dev->notify_fd >= 0)
		return dev->notify_fd;
	if (dev->lost)
		return drv_err(dev, -ENODEV, "device lost");
	if (!dev->be.ops->notify)
		return drv_err(dev, -ENOTSUP, "the %s backend cannot signal: poll", dev->be.ops->name);
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return drv_err(dev, -errno, "eventfd: %s", vrfsec_strerror(-errno));
	rc = dev->be.ops->notify(dev->be.ctx, fd, dev->cfg.timeout_ms, dev->msg, sizeof(dev->msg));
	if (rc) {
		close(fd);
		return rc;
	}
	dev->notify_fd = fd;
	/* Rings enabled later get their irq bit in vrfsec_enable. */
	if (dev->enabled)
		drv_notify_rings(dev);
	return fd;
}

void vrfsec_notify_disable(struct vrfsec_dev *dev)
{
	if (!dev || dev->notify_fd < 0)
		return;
	close(dev->notify_fd);
	dev->notify_fd = -1;
	if (dev->enabled)
		drv_notify_rings(dev);
	if (!dev->lost)
		dev->be.ops->notify(dev->be.ctx, -1, dev->cfg.timeout_ms, dev->msg, sizeof(dev->msg));
}

int vrfsec_notify_ack(struct vrfsec_dev *dev)
{
	uint64_t n;

	if (dev->notify_fd < 0)
		return drv_err(dev, -EBADF, "notification is not enabled");
	if (read(dev->notify_fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return errno == EAGAIN ? 0 : drv_err(dev, -errno, "eventfd read failed");
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

void drv_notify_destroy(struct vrfsec_dev *dev)
{
	vrfsec_notify_disable(dev);
}
