/* SPDX-License-Identifier: Apache-2.0 */
/* The device object: open / enable / disable / close, identity, liveness and waiting. */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drv.h"

/* One line per backend: adding `xrt:` is one more file and one more line here. */
static const struct {
	const char *prefix;
	int (*open)(const char *arg, struct drv_backend *be, char *err, size_t errlen);
} backends[] = {
	{ "sim:", drv_sim_open },
	{ "pci:", drv_pci_open },
#ifdef VRFSEC_HAVE_XRT
	{ "xrt:", drv_xrt_open },
#endif
};

#define CTL(dev, reg) ((dev)->off_control + VRFSEC_ABI_CONTROL_##reg)

int drv_err(struct vrfsec_dev *dev, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->msg, sizeof(dev->msg), fmt, ap);
	va_end(ap);
	return rc;
}

uint32_t drv_rd(const struct vrfsec_dev *dev, uint32_t off)
{
	return dev->be.ops->read32(dev->be.ctx, off);
}

void drv_wr(const struct vrfsec_dev *dev, uint32_t off, uint32_t val)
{
	dev->be.ops->write32(dev->be.ctx, off, val);
}

uint64_t drv_now(const struct vrfsec_dev *dev)
{
	struct timespec ts;

	if (dev->be.ops->now_ns)
		return dev->be.ops->now_ns(dev->be.ctx);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Waiting on a card in another process (the simulator) on a small machine: spin briefly for
 * latency, then yield, then sleep so the card gets the CPU. */
static void relax(struct vrfsec_dev *dev, unsigned spins)
{
	if (dev->be.ops->relax) {
		dev->be.ops->relax(dev->be.ctx, spins);
	} else if (spins < 16) {
		__builtin_ia32_pause();
	} else if (spins < 256) {
		sched_yield();
	} else {
		struct timespec ts = { 0, 50000 };

		nanosleep(&ts, NULL);
	}
}

static void mark_lost(struct vrfsec_dev *dev)
{
	dev->lost = true;
	/* Nothing will ever complete: hand every waiter its answer and wipe the key blocks. */
	drv_cmd_abort(dev, -ENODEV);
}

int drv_alive(struct vrfsec_dev *dev, bool force)
{
	uint64_t now = drv_now(dev);
	uint32_t status, hb;
	int rc;

	if (dev->lost)
		return -ENODEV;
	if (!force && now - dev->last_check_ns < 1000000u)
		return 0;
	dev->last_check_ns = now;
	status = drv_rd(dev, CTL(dev, STATUS));
	hb = drv_rd(dev, CTL(dev, HEARTBEAT));
	if (status == 0xffffffffu && hb == 0xffffffffu) {
		rc = drv_err(dev, -ENODEV, "device lost: register reads return all ones (card "
			     "removed or reset)");
	} else if (status & 0x2u) {
		rc = drv_err(dev, -ENODEV, "device lost: the card reports a fault (STATUS 0x%x)",
			     status);
	} else if (hb != dev->hb_last) {
		dev->hb_last = hb;
		dev->hb_change_ns = now;
		rc = 0;
	} else if (now - dev->hb_change_ns >= (uint64_t)dev->cfg.lost_ms * 1000000u) {
		rc = drv_err(dev, -ENODEV, "device lost: heartbeat stood still for %llu ms",
			     (unsigned long long)((now - dev->hb_change_ns) / 1000000u));
	} else {
		rc = 0;
	}
	if (rc == 0 && dev->be.ops->alive && dev->be.ops->alive(dev->be.ctx) < 0)
		rc = drv_err(dev, -ENODEV, "device lost: the %s backend lost it (simulator gone?)",
			     dev->be.ops->name);
	if (rc)
		mark_lost(dev);
	return rc;
}

int drv_no_callback(struct vrfsec_dev *dev)
{
	if (dev->in_cb)
		return drv_err(dev, -EDEADLK, "called from inside a callback");
	return 0;
}

int drv_wait(struct vrfsec_dev *dev, bool (*done)(struct vrfsec_dev *dev, void *arg), void *arg,
	     unsigned timeout_ms)
{
	uint64_t deadline = drv_now(dev) + (uint64_t)timeout_ms * 1000000u;
	unsigned spins = 0;
	int n, rc;

	for (;;) {
		if (done(dev, arg))
			return 0;
		n = drv_cpl_process(dev, 256);
		if (n < 0)
			return n;
		if (dev->ev_fn)
			drv_event_process(dev, 64);
		if (n > 0) {
			spins = 0;
			continue;
		}
		if (dev->lost)
			return -ENODEV;
		rc = drv_alive(dev, false);
		if (rc)
			return rc;
		if (drv_now(dev) >= deadline)
			return drv_err(dev, -ETIMEDOUT, "card alive but no answer within %u ms",
				       timeout_ms);
		relax(dev, spins++);
	}
}

static void read_static_info(struct vrfsec_dev *dev)
{
	struct vrfsec_info *in = &dev->info;
	uint32_t t = dev->off_tables, c = dev->off_counters, id = dev->off_id;

	snprintf(in->spec, sizeof(in->spec), "%s", dev->spec);
	in->backend = dev->be.ops->name;
	in->abi_version = drv_rd(dev, id + VRFSEC_ABI_ID_ABI_VERSION);
	in->card_kind = drv_rd(dev, id + VRFSEC_ABI_ID_CARD_KIND);
	in->fw_version = drv_rd(dev, id + VRFSEC_ABI_ID_FW_VERSION);
	in->caps = drv_rd(dev, id + VRFSEC_ABI_ID_CAPS);
	in->n_ports = drv_rd(dev, id + VRFSEC_ABI_ID_PORTS);
	in->engine = drv_rd(dev, CTL(dev, ENGINE));
	in->host_mem_size = drv_rd(dev, CTL(dev, HOST_MEM_SIZE));
	in->max_sa = drv_rd(dev, t + VRFSEC_ABI_TABLES_MAX_SA);
	in->max_vrf = drv_rd(dev, t + VRFSEC_ABI_TABLES_MAX_VRF);
	in->max_nh = drv_rd(dev, t + VRFSEC_ABI_TABLES_MAX_NH);
	in->fib_nodes = drv_rd(dev, t + VRFSEC_ABI_TABLES_FIB_NODES);
	in->fib_routes = drv_rd(dev, t + VRFSEC_ABI_TABLES_FIB_ROUTES);
	in->replay_max = drv_rd(dev, t + VRFSEC_ABI_TABLES_REPLAY_MAX);
	in->label_space = drv_rd(dev, t + VRFSEC_ABI_TABLES_LABEL_SPACE);
	in->max_frame = drv_rd(dev, t + VRFSEC_ABI_TABLES_MAX_FRAME);
	in->n_global = drv_rd(dev, c + VRFSEC_ABI_COUNTERS_N_GLOBAL);
	in->n_vrf = drv_rd(dev, c + VRFSEC_ABI_COUNTERS_N_VRF);
	in->n_sa = drv_rd(dev, c + VRFSEC_ABI_COUNTERS_N_SA);
	in->has_ports = dev->off_ports != DRV_NONE;
}

int vrfsec_info_get(struct vrfsec_dev *dev, struct vrfsec_info *info)
{
	uint32_t p = dev->off_ports;

	*info = dev->info;
	if (dev->lost)
		return -ENODEV;
	/* run state and port settings change under us: read them now */
	info->status = drv_rd(dev, CTL(dev, STATUS));
	info->control = drv_rd(dev, CTL(dev, CONTROL));
	info->heartbeat = drv_rd(dev, CTL(dev, HEARTBEAT));
	if (p != DRV_NONE) {
		info->natt_port = drv_rd(dev, p + VRFSEC_ABI_PORTS_NATT_PORT);
		info->ike_port = drv_rd(dev, p + VRFSEC_ABI_PORTS_IKE_PORT);
		info->core_mtu = drv_rd(dev, p + VRFSEC_ABI_PORTS_CORE_MTU);
		info->inside_mtu = drv_rd(dev, p + VRFSEC_ABI_PORTS_INSIDE_MTU);
	}
	return 0;
}

const char *vrfsec_engine_str(uint32_t engine)
{
	static const char *const names[] = { "cmodel", "cpu", "rtl" };

	return engine < 3 ? names[engine] : "?";
}

int vrfsec_blocks_get(struct vrfsec_dev *dev, struct vrfsec_block *blocks, unsigned max)
{
	unsigned i;

	for (i = 0; i < dev->n_blocks && i < max; i++)
		blocks[i] = dev->blocks[i];
	return (int)dev->n_blocks;
}

int vrfsec_datapath_set(struct vrfsec_dev *dev, bool on)
{
	uint32_t v;
	int rc = drv_alive(dev, true);

	if (rc)
		return rc;
	v = drv_rd(dev, CTL(dev, CONTROL));
	v = on ? (v | 1u) : (v & ~1u);
	drv_wr(dev, CTL(dev, CONTROL), v & ~2u); /* never the table reset bit by accident */
	return 0;
}

static bool reset_done(struct vrfsec_dev *dev, void *arg)
{
	(void)arg;
	return dev->lost || !(drv_rd(dev, CTL(dev, CONTROL)) & 2u);
}

int vrfsec_reset_tables(struct vrfsec_dev *dev)
{
	int rc;

	if ((rc = drv_no_callback(dev)) != 0 || (rc = drv_alive(dev, true)) != 0)
		return rc;
	drv_wr(dev, CTL(dev, CONTROL), drv_rd(dev, CTL(dev, CONTROL)) | 2u);
	rc = drv_wait(dev, reset_done, NULL, dev->cfg.timeout_ms);
	return rc ? rc : dev->lost ? -ENODEV : 0;
}

const char *vrfsec_errmsg(const struct vrfsec_dev *dev)
{
	return dev ? dev->msg : "";
}

static void defaults(struct vrfsec_open_cfg *c, const struct vrfsec_open_cfg *in)
{
	if (in)
		*c = *in;
	else
		memset(c, 0, sizeof(*c));
	c->errbuf = NULL;
	c->errbuf_len = 0;
	if (!c->cmd_ring_log2)
		c->cmd_ring_log2 = 10;
	if (!c->event_ring_log2)
		c->event_ring_log2 = 9;
	if (!c->punt_ring_log2)
		c->punt_ring_log2 = 8;
	if (!c->inject_ring_log2)
		c->inject_ring_log2 = 8;
	if (!c->staging_slots)
		c->staging_slots = 64;
	if (!c->staging_slot_size)
		c->staging_slot_size = 64u << 10;
	if (!c->timeout_ms)
		c->timeout_ms = 5000;
	if (!c->lost_ms)
		c->lost_ms = 1000;
}

static int check_cfg(struct vrfsec_dev *dev)
{
	const struct vrfsec_open_cfg *c = &dev->cfg;

	if (c->cmd_ring_log2 > 16 || c->event_ring_log2 > 16 || c->punt_ring_log2 > 14 ||
	    c->inject_ring_log2 > 14 || c->cmd_ring_log2 < 2)
		return drv_err(dev, -EINVAL, "ring sizes: cmd 2^2..2^16, event 2^1..2^16, punt and "
			       "inject 2^1..2^14 descriptors");
	if (c->staging_slot_size % 256u || c->staging_slot_size > (16u << 20))
		return drv_err(dev, -EINVAL, "staging_slot_size must be a multiple of 256, at most "
			       "16 MiB");
	return 0;
}

/* A card is worth opening when it is ready, shows no fault and is alive: the backend may know at
 * once (the simulator's process lock); otherwise one heartbeat must be seen. */
static bool ready_or_lost(struct vrfsec_dev *dev, void *arg)
{
	uint32_t hb0 = *(uint32_t *)arg;

	if (drv_alive(dev, true) != 0)
		return true;
	return (drv_rd(dev, CTL(dev, STATUS)) & 1u) &&
	       (hb0 == DRV_NONE || drv_rd(dev, CTL(dev, HEARTBEAT)) != hb0);
}

static int first_check(struct vrfsec_dev *dev)
{
	int known = dev->be.ops->alive ? dev->be.ops->alive(dev->be.ctx) : 1;
	uint32_t hb0 = known == 0 ? DRV_NONE : drv_rd(dev, CTL(dev, HEARTBEAT));
	uint64_t deadline = drv_now(dev) + (uint64_t)dev->cfg.lost_ms * 1000000u;
	unsigned spins = 256; /* no hurry: sleep between looks */

	if (known < 0)
		return drv_err(dev, -ENODEV, "the card does not run (simulator gone, shared memory "
			       "stale)");
	dev->hb_last = drv_rd(dev, CTL(dev, HEARTBEAT));
	dev->hb_change_ns = dev->last_check_ns = drv_now(dev);
	while (!ready_or_lost(dev, &hb0)) {
		if (drv_now(dev) >= deadline)
			return drv_err(dev, -ENODEV, "the card is not ready (STATUS 0x%x) after %u ms",
				       drv_rd(dev, CTL(dev, STATUS)), dev->cfg.lost_ms);
		relax(dev, spins++);
	}
	if (dev->lost) {
		/* keep the reason, but say it happened at open */
		char why[DRV_MSG_LEN];

		snprintf(why, sizeof(why), "%s", dev->msg);
		return drv_err(dev, -ENODEV, "the card does not run: %s", why);
	}
	return 0;
}

int drv_open_backend(struct vrfsec_dev **devp, const char *spec, struct drv_backend *be,
		     const struct vrfsec_open_cfg *cfg)
{
	struct vrfsec_dev *dev = calloc(1, sizeof(*dev));
	int rc;

	*devp = NULL;
	if (!dev) {
		be->ops->close(be->ctx);
		return -ENOMEM;
	}
	dev->be = *be;
	dev->notify_fd = -1;
	snprintf(dev->spec, sizeof(dev->spec), "%s", spec);
	defaults(&dev->cfg, cfg);
	for (unsigned r = 0; r < VRFSEC_ABI_RING_COUNT; r++)
		dev->ring[r].dev = dev;
	rc = check_cfg(dev);
	if (rc == 0)
		rc = drv_blocks_walk(dev);
	if (rc == 0) {
		read_static_info(dev);
		rc = first_check(dev);
	}
	if (rc == 0 && !(dev->cfg.flags & VRFSEC_OPEN_NO_ENABLE))
		rc = vrfsec_enable(dev);
	if (rc) {
		if (cfg && cfg->errbuf && cfg->errbuf_len)
			snprintf(cfg->errbuf, cfg->errbuf_len, "%s: %s", spec,
				 dev->msg[0] ? dev->msg : vrfsec_strerror(rc));
		vrfsec_close(dev);
		return rc;
	}
	*devp = dev;
	return 0;
}

int vrfsec_open_ex(struct vrfsec_dev **devp, const char *spec, const struct vrfsec_open_cfg *cfg)
{
	char msg[DRV_MSG_LEN] = "";
	struct drv_backend be = { 0 };
	int rc = -EINVAL;

	*devp = NULL;
	for (size_t i = 0; spec && i < sizeof(backends) / sizeof(backends[0]); i++) {
		size_t n = strlen(backends[i].prefix);

		if (strncmp(spec, backends[i].prefix, n) != 0)
			continue;
		rc = backends[i].open(spec + n, &be, msg, sizeof(msg));
		if (rc == 0)
			return drv_open_backend(devp, spec, &be, cfg);
		break;
	}
	if (rc == -EINVAL && !msg[0])
		snprintf(msg, sizeof(msg), "unknown device '%s': use sim:NAME, pci:DOMAIN:BUS:DEV.FN "
			 "or pci:auto", spec ? spec : "(null)");
	if (cfg && cfg->errbuf && cfg->errbuf_len)
		snprintf(cfg->errbuf, cfg->errbuf_len, "%s", msg);
	return rc;
}

int vrfsec_open(struct vrfsec_dev **dev, const char *spec)
{
	return vrfsec_open_ex(dev, spec, NULL);
}

static const uint32_t ring_desc_size[VRFSEC_ABI_RING_COUNT] = {
	[VRFSEC_ABI_RING_CMD] = sizeof(struct vrfsec_abi_cmd_desc),
	[VRFSEC_ABI_RING_CPL] = sizeof(struct vrfsec_abi_cpl_desc),
	[VRFSEC_ABI_RING_EVENT] = sizeof(struct vrfsec_abi_event_desc),
	[VRFSEC_ABI_RING_PUNT_BUF] = sizeof(struct vrfsec_abi_buf_desc),
	[VRFSEC_ABI_RING_PUNT] = sizeof(struct vrfsec_abi_punt_desc),
	[VRFSEC_ABI_RING_INJECT] = sizeof(struct vrfsec_abi_inject_desc),
};

static uint32_t ring_log2(const struct vrfsec_dev *dev, uint32_t id)
{
	switch (id) {
	case VRFSEC_ABI_RING_CMD:
	case VRFSEC_ABI_RING_CPL: return dev->cfg.cmd_ring_log2;
	case VRFSEC_ABI_RING_EVENT: return dev->cfg.event_ring_log2;
	case VRFSEC_ABI_RING_PUNT_BUF:
	case VRFSEC_ABI_RING_PUNT: return dev->cfg.punt_ring_log2;
	default: return dev->cfg.inject_ring_log2;
	}
}

/* Card -> host rings first, so the card can answer the moment a command ring opens; the command
 * ring last. */
static const uint32_t enable_order[VRFSEC_ABI_RING_COUNT] = {
	VRFSEC_ABI_RING_CPL, VRFSEC_ABI_RING_EVENT, VRFSEC_ABI_RING_PUNT,
	VRFSEC_ABI_RING_PUNT_BUF, VRFSEC_ABI_RING_INJECT, VRFSEC_ABI_RING_CMD,
};

#define RREG(id, field) \
	(dev->off_rings + VRFSEC_ABI_RINGS_RING0 + (id) * VRFSEC_ABI_RING_STRIDE + \
	 (uint32_t)offsetof(struct vrfsec_abi_ring_regs, field))

/* A driver that died left its rings running: the card may still be applying a command whose
 * parameter block lies where this driver is about to allocate. Let the card finish (taking its
 * completions away so it never waits for room), then stop every ring. */
static bool cmd_idle(struct vrfsec_dev *dev, void *arg)
{
	(void)arg;
	drv_wr(dev, RREG(VRFSEC_ABI_RING_CPL, tail), drv_rd(dev, RREG(VRFSEC_ABI_RING_CPL, head)));
	return drv_rd(dev, RREG(VRFSEC_ABI_RING_CMD, tail)) ==
	       drv_rd(dev, RREG(VRFSEC_ABI_RING_CMD, head));
}

static int quiesce(struct vrfsec_dev *dev)
{
	int rc = 0;

	if (drv_rd(dev, RREG(VRFSEC_ABI_RING_CMD, log2_size)) != 0 &&
	    drv_rd(dev, RREG(VRFSEC_ABI_RING_CPL, log2_size)) != 0)
		rc = drv_wait(dev, cmd_idle, NULL, dev->cfg.timeout_ms);
	for (uint32_t id = 0; id < VRFSEC_ABI_RING_COUNT; id++)
		drv_wr(dev, RREG(id, log2_size), 0);
	if (rc == -ETIMEDOUT)
		rc = drv_err(dev, -EBUSY, "the card is still busy with an earlier driver's commands");
	return rc;
}

int vrfsec_enable(struct vrfsec_dev *dev)
{
	int rc;

	if (dev->enabled)
		return 0;
	if ((rc = drv_no_callback(dev)) != 0 || (rc = drv_alive(dev, true)) != 0)
		return rc;
	if (!dev->pend) {
		rc = dev->be.ops->claim ? dev->be.ops->claim(dev->be.ctx) : 0;
		if (rc)
			return drv_err(dev, rc, rc == -EBUSY ? "card in use by another process (one "
				       "driver at a time)" : "cannot claim the card");
		rc = quiesce(dev); /* before any DMA memory is touched */
		if (rc == 0)
			rc = drv_cmd_create(dev);
		for (uint32_t id = 0; rc == 0 && id < VRFSEC_ABI_RING_COUNT; id++)
			rc = drv_ring_create(dev, &dev->ring[id], id, ring_log2(dev, id),
					     ring_desc_size[id]);
		if (rc == 0)
			rc = drv_packets_create(dev);
		if (rc)
			return rc;
	}
	for (unsigned i = 0; i < VRFSEC_ABI_RING_COUNT; i++) {
		rc = drv_ring_enable(&dev->ring[enable_order[i]]);
		if (rc) {
			for (unsigned j = 0; j < VRFSEC_ABI_RING_COUNT; j++)
				drv_ring_disable(&dev->ring[j]);
			return rc;
		}
	}
	drv_packets_enable(dev);
	drv_notify_rings(dev);
	dev->enabled = true;
	return 0;
}

static bool drained(struct vrfsec_dev *dev, void *arg)
{
	(void)arg;
	return dev->n_inflight == 0;
}

void vrfsec_disable(struct vrfsec_dev *dev)
{
	if (!dev->enabled)
		return;
	/* Let the card finish what it took: it may still read those parameter blocks. */
	if (!dev->lost && !dev->in_cb && dev->n_inflight)
		drv_wait(dev, drained, NULL, dev->cfg.timeout_ms);
	drv_ring_disable(&dev->ring[VRFSEC_ABI_RING_CMD]);
	for (unsigned r = 0; r < VRFSEC_ABI_RING_COUNT; r++)
		drv_ring_disable(&dev->ring[r]);
	drv_cmd_abort(dev, -ECANCELED);
	dev->enabled = false;
}

void vrfsec_close(struct vrfsec_dev *dev)
{
	if (!dev)
		return;
	if (dev->enabled && !dev->lost)
		for (struct vrfsec_batch *b = dev->batches; b; b = b->next)
			vrfsec_batch_submit(b);
	vrfsec_disable(dev);
	drv_batches_destroy(dev);
	drv_counters_destroy(dev);
	drv_packets_destroy(dev);
	drv_notify_destroy(dev);
	for (unsigned r = 0; r < VRFSEC_ABI_RING_COUNT; r++)
		drv_ring_destroy(&dev->ring[r]);
	drv_cmd_destroy(dev);
	dev->be.ops->close(dev->be.ctx);
	free(dev);
}
