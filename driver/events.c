/* SPDX-License-Identifier: Apache-2.0 */
/* The event ring (lifetimes, sequence exhaustion, idle SAs, table full) and vrfsec_poll. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "drv.h"

static void decode(const struct vrfsec_abi_event_desc *d, struct vrfsec_event *ev)
{
	ev->type = le16toh(d->type);
	ev->vrf = le16toh(d->vrf);
	ev->sa = le32toh(d->sa);
	ev->spi = le32toh(d->spi);
	ev->value = le64toh(d->value);
	ev->time_ns = le64toh(d->time_ns);
}

int vrfsec_event_read(struct vrfsec_dev *dev, struct vrfsec_event *ev, unsigned max)
{
	struct drv_ring *r = &dev->ring[VRFSEC_ABI_RING_EVENT];
	unsigned n;
	int avail;

	if (dev->lost)
		return -ENODEV;
	if (!r->enabled)
		return 0;
	avail = drv_ring_avail(r);
	if (avail < 0)
		return avail;
	for (n = 0; n < (unsigned)avail && n < max; n++) {
		struct vrfsec_abi_event_desc d;

		memcpy(&d, drv_ring_slot(r, r->tail + n), sizeof(d));
		decode(&d, &ev[n]);
	}
	if (n)
		drv_ring_consume(r, n);
	if (n == 0)
		return drv_alive(dev, false);
	return (int)n;
}

int drv_event_process(struct vrfsec_dev *dev, unsigned budget)
{
	struct vrfsec_event ev[16];
	unsigned total = 0;

	while (dev->ev_fn && total < budget && !dev->lost) {
		unsigned want = budget - total < 16 ? budget - total : 16;
		int n = vrfsec_event_read(dev, ev, want);

		if (n <= 0)
			return n < 0 ? n : (int)total;
		dev->in_cb++;
		for (int i = 0; i < n; i++)
			dev->ev_fn(dev->ev_arg, &ev[i]);
		dev->in_cb--;
		total += (unsigned)n;
	}
	return (int)total;
}

void vrfsec_event_handler_set(struct vrfsec_dev *dev, vrfsec_event_fn fn, void *arg)
{
	dev->ev_fn = fn;
	dev->ev_arg = arg;
}

const char *vrfsec_event_name(unsigned type)
{
	switch (type) {
	case VRFSEC_ABI_EVENT_SA_SOFT: return "sa_soft";
	case VRFSEC_ABI_EVENT_SA_HARD: return "sa_hard";
	case VRFSEC_ABI_EVENT_SEQ_NEAR: return "seq_near";
	case VRFSEC_ABI_EVENT_SA_IDLE: return "sa_idle";
	case VRFSEC_ABI_EVENT_TABLE_FULL: return "table_full";
	default: return "unknown";
	}
}

int vrfsec_poll(struct vrfsec_dev *dev, unsigned budget)
{
	int n, e = 0;

	if (dev->lost)
		return -ENODEV;
	if (dev->in_cb)
		return drv_no_callback(dev);
	n = drv_cpl_process(dev, budget);
	if (n < 0)
		return n;
	if (dev->ev_fn && (unsigned)n < budget) {
		e = drv_event_process(dev, budget - (unsigned)n);
		if (e < 0)
			return e;
	}
	/* a quiet card may be a dead one: nothing else tells a poller */
	if (n + e == 0) {
		int rc = drv_alive(dev, false);

		if (rc)
			return rc;
	}
	return n + e;
}
