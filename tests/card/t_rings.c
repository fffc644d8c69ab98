/* SPDX-License-Identifier: Apache-2.0 */
/* Tests "ring-wrap" and "back-pressure": tiny rings driven through many thousands of commands,
 * every completion matched to its command, nothing lost when the rings or buffers are full. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cardtest.h"

#define SMALL_LOG2 3u        /* 8 descriptors on CMD and CPL */
#define SMALL_SLOT 512u      /* one SA entry (264 bytes) per parameter block: one command per SA */
#define WRAP_SA_BASE 101000u /* SA slots above the scale plan's 100,000 */
#define WRAP_SAS 6000u
#define WRAP_ROUTES 8000u
#define WRAP_SYNC 1000u
#define WRAP_VRF 9u          /* a VRF the scale plan does not use */
#define BP_SA_BASE 107000u
#define BP_SAS 20000u
#define BP_INJECT_SA 127000u
#define BP_INJECTS 200u

/* Completions in the order the card posts them, each checked against the commands posted. */
struct cb_log {
	uint64_t next_seq;  /* batch sequence number the next completion must start at */
	uint64_t cmds, applied;
	bool bad;
	char why[200];
};

static void on_result(void *arg, const struct vrfsec_result *r)
{
	struct cb_log *l = arg;

	if (!l->bad && (r->first_seq != l->next_seq || r->status != 0 || r->done != r->count ||
			r->failed != VRFSEC_ABI_NONE)) {
		l->bad = true;
		snprintf(l->why, sizeof(l->why), "completion %" PRIu64 " (%s): first_seq %" PRIu64
			 " want %" PRIu64 ", %u/%u done, status %d", l->cmds, vrfsec_op_name(r->opcode),
			 r->first_seq, l->next_seq, r->done, r->count, r->status);
	}
	l->next_seq = r->first_seq + r->count;
	l->cmds++;
	l->applied += r->done;
}

/* The card's own ring indices, read from the BAR as a logic analyser would: they show how
 * often the rings went round. */
struct bar_view {
	const volatile uint8_t *bar;
	size_t size;
	uint32_t rings;
};

static int bar_map(struct ct *c, const struct sim_proc *s, struct vrfsec_dev *dev,
		   struct bar_view *v)
{
	struct vrfsec_block blk[32];
	char path[160];
	int n = vrfsec_blocks_get(dev, blk, 32), fd;

	v->rings = VRFSEC_ABI_NONE;
	for (int i = 0; i < n && i < 32; i++)
		if (blk[i].type == VRFSEC_ABI_BLOCK_RINGS)
			v->rings = blk[i].offset;
	snprintf(path, sizeof(path), "/dev/shm/vrfsec-%s.bar", s->name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || v->rings == VRFSEC_ABI_NONE) {
		if (fd >= 0)
			close(fd);
		return ct_fail(c, "cannot look at %s's ring registers", s->name);
	}
	v->size = VRFSEC_ABI_BAR_SIZE;
	v->bar = mmap(NULL, v->size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (v->bar == MAP_FAILED)
		return ct_fail(c, "cannot map %s", path);
	return 0;
}

static uint32_t ring_reg(const struct bar_view *v, uint32_t ring, size_t field)
{
	return __atomic_load_n((const volatile uint32_t *)(v->bar + v->rings + VRFSEC_ABI_RINGS_RING0 +
							   ring * VRFSEC_ABI_RING_STRIDE + field),
			       __ATOMIC_ACQUIRE);
}

static void bar_unmap(struct bar_view *v)
{
	if (v->bar && v->bar != MAP_FAILED)
		munmap((void *)(uintptr_t)v->bar, v->size);
	v->bar = NULL;
}

static void mk_sa(const struct ct *c, uint32_t idx, struct vrfsec_sa_cfg *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->idx = idx;
	sa->dir = (idx & 1u) ? VRFSEC_SA_OUT : VRFSEC_SA_IN;
	sa->spi = 0x40000000u + idx; /* above the scale plan's range of indices: no clash */
	sa->vrf = WRAP_VRF;
	sa->outer_af = 4;
	memcpy(sa->src, (uint8_t[4]){ 203, 0, 113, 1 }, 4);
	memcpy(sa->dst, (uint8_t[4]){ 198, 51, (uint8_t)(idx >> 8), (uint8_t)idx }, 4);
	if (sa->dir == VRFSEC_SA_IN)
		memcpy(sa->dst, (uint8_t[4]){ 203, 0, 113, 2 }, 4);
	sa->key_len = 16;
	rand_bytes(c->seed, 77, idx, sa->key, 16);
	rand_bytes(c->seed, 78, idx, sa->salt, 4);
}

static void mk_route(uint32_t k, struct vrfsec_route_cfg *r)
{
	memset(r, 0, sizeof(*r));
	r->vrf = WRAP_VRF;
	r->af = 4;
	r->plen = 32;
	memcpy(r->addr, (uint8_t[4]){ 10, 200, (uint8_t)(k >> 8), (uint8_t)k }, 4);
	r->nh = 1;
}

/* The card the three table tests share; started bare when the scale test did not run. */
static int scale_card(struct ct *c)
{
	if (c->scale.pid)
		return 0;
	return sim_start(c, &c->scale, "scale", NULL);
}

static int open_small(struct ct *c, struct vrfsec_dev **dev, uint8_t inject_log2)
{
	struct vrfsec_open_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cmd_ring_log2 = SMALL_LOG2;
	cfg.event_ring_log2 = 2;
	cfg.inject_ring_log2 = inject_log2;
	cfg.staging_slot_size = SMALL_SLOT;
	return scale_card(c) || sim_open(c, &c->scale, &cfg, dev) ? -1 : 0;
}

/* Queue one entry per command (submit after each) into a blocking batch. */
static int one_per_cmd(struct ct *c, struct vrfsec_batch *b, int rc, const char *what)
{
	if (rc == 0)
		rc = vrfsec_batch_submit(b);
	return rc ? ct_fail(c, "%s: %s", what, vrfsec_strerror(rc)) : 0;
}

int test_wrap(struct ct *c)
{
	struct vrfsec_batch_cfg bc = { on_result, NULL, 0 };
	struct vrfsec_batch_stats st;
	struct vrfsec_batch *b = NULL;
	struct vrfsec_dev *dev = NULL;
	struct vrfsec_sa_cfg sa;
	struct vrfsec_route_cfg rt;
	struct bar_view v = { 0 };
	struct cb_log log = { 0 };
	uint32_t cmd0, cpl0, cmd1, cpl1, i, total = 0;
	int rc = -1;

	if (open_small(c, &dev, 0) || bar_map(c, &c->scale, dev, &v))
		goto out;
	bc.arg = &log;
	cmd0 = ring_reg(&v, VRFSEC_ABI_RING_CMD, offsetof(struct vrfsec_abi_ring_regs, head));
	cpl0 = ring_reg(&v, VRFSEC_ABI_RING_CPL, offsetof(struct vrfsec_abi_ring_regs, head));
	if (vrfsec_batch_create(dev, &bc, &b) != 0) {
		ct_fail(c, "batch: %s", vrfsec_errmsg(dev));
		goto out;
	}
	/* SA adds: a 512-byte block holds one, so every SA is a command of its own */
	for (i = 0; i < WRAP_SAS; i++) {
		mk_sa(c, WRAP_SA_BASE + i, &sa);
		if (one_per_cmd(c, b, vrfsec_batch_sa_add(b, &sa), "SA add"))
			goto out;
	}
	/* routes: sixteen to a block, added then deleted */
	for (i = 0; i < 2 * WRAP_ROUTES; i++) {
		mk_route(i % WRAP_ROUTES, &rt);
		rc = i < WRAP_ROUTES ? vrfsec_batch_route_add(b, &rt) : vrfsec_batch_route_del(b, &rt);
		if (rc) {
			ct_fail(c, "route %s: %s", i < WRAP_ROUTES ? "add" : "del", vrfsec_strerror(rc));
			goto out;
		}
	}
	/* SA deletes, one per command again: each must find its SA */
	for (i = 0; i < WRAP_SAS; i++)
		if (one_per_cmd(c, b, vrfsec_batch_sa_del(b, WRAP_SA_BASE + i), "SA del"))
			goto out;
	if ((rc = vrfsec_batch_wait(b, ct_ms(c, 30000))) != 0) {
		ct_fail(c, "batch wait: %s (%s)", vrfsec_strerror(rc), vrfsec_errmsg(dev));
		goto out;
	}
	/* the synchronous forms on the same small ring, between the batch's commands */
	for (i = 0; i < WRAP_SYNC; i++) {
		mk_route(WRAP_ROUTES + i / 2u, &rt);
		rc = i % 2u == 0 ? vrfsec_route_add_sync(dev, &rt) : vrfsec_route_del_sync(dev, &rt);
		if (rc) {
			ct_fail(c, "sync route %u: %s", i, vrfsec_strerror(rc));
			goto out;
		}
	}
	vrfsec_batch_stats_get(b, &st);
	total = 2 * WRAP_SAS + 2 * WRAP_ROUTES;
	if (log.bad) {
		ct_fail(c, "%s", log.why);
		goto out;
	}
	if (st.queued != total || st.applied != total || log.applied != total ||
	    log.cmds != st.commands || st.completed != st.commands || log.next_seq != total) {
		ct_fail(c, "entries %u: queued %" PRIu64 ", applied %" PRIu64 " (callbacks %" PRIu64
			") in %" PRIu64 " commands, %" PRIu64 " completions, %" PRIu64 " callbacks",
			total, st.queued, st.applied, log.applied, st.commands, st.completed, log.cmds);
		goto out;
	}
	/* nothing of it left behind: the SA slots are free and the routes gone */
	for (i = 0; i < 16; i++) {
		mk_route(i * 500u, &rt);
		if ((rc = vrfsec_sa_del_sync(dev, WRAP_SA_BASE + i * 375u)) != -ENOENT ||
		    (rc = vrfsec_route_del_sync(dev, &rt)) != -ENOENT) {
			ct_fail(c, "after the churn an SA or route is still there (%s)",
				vrfsec_strerror(rc));
			goto out;
		}
	}
	cmd1 = ring_reg(&v, VRFSEC_ABI_RING_CMD, offsetof(struct vrfsec_abi_ring_regs, head));
	cpl1 = ring_reg(&v, VRFSEC_ABI_RING_CPL, offsetof(struct vrfsec_abi_ring_regs, head));
	if (cmd1 != ring_reg(&v, VRFSEC_ABI_RING_CMD, offsetof(struct vrfsec_abi_ring_regs, tail)) ||
	    cpl1 != ring_reg(&v, VRFSEC_ABI_RING_CPL, offsetof(struct vrfsec_abi_ring_regs, tail)) ||
	    cmd1 - cmd0 != cpl1 - cpl0) {
		ct_fail(c, "ring registers: CMD %u..%u, CPL %u..%u (tails %u, %u)", cmd0, cmd1, cpl0,
			cpl1, ring_reg(&v, 0, offsetof(struct vrfsec_abi_ring_regs, tail)),
			ring_reg(&v, 1, offsetof(struct vrfsec_abi_ring_regs, tail)));
		goto out;
	}
	ct_note(c, "%u commands through 8-slot rings (%u wraps of CMD and CPL), %" PRIu64
		" completions matched in order", cmd1 - cmd0, (cmd1 - cmd0) >> SMALL_LOG2,
		st.completed + WRAP_SYNC + 32);
	rc = 0;
out:
	vrfsec_batch_destroy(b);
	vrfsec_close(dev);
	bar_unmap(&v);
	return rc;
}

/* Non-blocking: queue until the driver says -EAGAIN, poll, retry the same entry. */
static int nonblocking_adds(struct ct *c, struct vrfsec_dev *dev, uint32_t *eagain)
{
	struct vrfsec_batch_cfg bc = { on_result, NULL, VRFSEC_BATCH_NONBLOCK };
	struct vrfsec_batch_stats st;
	struct vrfsec_batch *b;
	struct cb_log log = { 0 };
	struct vrfsec_sa_cfg sa;
	double deadline = ct_now() + ct_ms(c, 30000) / 1000.0;
	int rc;

	bc.arg = &log;
	if ((rc = vrfsec_batch_create(dev, &bc, &b)) != 0)
		return ct_fail(c, "batch: %s", vrfsec_strerror(rc));
	*eagain = 0;
	for (uint32_t i = 0; i < BP_SAS && rc == 0;) {
		bool refused = false;
		int n;

		mk_sa(c, BP_SA_BASE + i, &sa);
		while ((rc = vrfsec_batch_sa_add(b, &sa)) == -EAGAIN && ct_now() < deadline) {
			/* full: nothing was queued; completions make room, then the same entry
			 * again. An idle poll yields the CPU to the card, as an application would. */
			refused = true;
			n = vrfsec_poll(dev, 64);
			if (n < 0)
				break;
			if (n == 0)
				ct_sleep_us(20);
		}
		*eagain += refused;
		i += rc == 0;
	}
	if (rc == 0)
		rc = vrfsec_batch_wait(b, ct_ms(c, 30000));
	vrfsec_batch_stats_get(b, &st);
	vrfsec_batch_destroy(b);
	if (rc)
		return ct_fail(c, "non-blocking adds: %s", vrfsec_strerror(rc));
	if (log.bad)
		return ct_fail(c, "non-blocking adds: %s", log.why);
	if (st.queued != BP_SAS || st.applied != BP_SAS || log.applied != BP_SAS ||
	    log.next_seq != BP_SAS)
		return ct_fail(c, "non-blocking adds: %u sent, %" PRIu64 " queued, %" PRIu64
			       " applied", BP_SAS, st.queued, st.applied);
	if (*eagain == 0)
		return ct_fail(c, "the ring never filled: no -EAGAIN in %u commands", BP_SAS);
	return 0;
}

/* Blocking: the same slots deleted, one command each; every delete must find its SA. */
static int blocking_dels(struct ct *c, struct vrfsec_dev *dev)
{
	struct vrfsec_batch_cfg bc = { on_result, NULL, 0 };
	struct vrfsec_batch_stats st;
	struct vrfsec_batch *b;
	struct cb_log log = { 0 };
	int rc;

	bc.arg = &log;
	if ((rc = vrfsec_batch_create(dev, &bc, &b)) != 0)
		return ct_fail(c, "batch: %s", vrfsec_strerror(rc));
	for (uint32_t i = 0; i < BP_SAS && rc == 0; i++) {
		rc = vrfsec_batch_sa_del(b, BP_SA_BASE + i);
		if (rc == 0)
			rc = vrfsec_batch_submit(b);
	}
	if (rc == 0)
		rc = vrfsec_batch_wait(b, ct_ms(c, 30000));
	vrfsec_batch_stats_get(b, &st);
	vrfsec_batch_destroy(b);
	if (rc || log.bad)
		return ct_fail(c, "blocking deletes: %s %s", vrfsec_strerror(rc), log.why);
	if (st.applied != BP_SAS || st.commands != BP_SAS || log.cmds != BP_SAS)
		return ct_fail(c, "blocking deletes: %" PRIu64 " of %u applied in %" PRIu64
			       " commands", st.applied, BP_SAS, st.commands);
	return 0;
}

/* The INJECT ring: with the data path off the card takes nothing, so the ring fills; after
 * it is back on, every frame accepted earlier or retried later is sealed exactly once. */
static int inject_backpressure(struct ct *c, struct vrfsec_dev *dev, uint32_t *first_full)
{
	struct vrfsec_snapshot *s0 = NULL, *s1 = NULL;
	struct vrfsec_sa_cfg sa;
	uint8_t ip[128];
	uint32_t len, sent = 0, eagain = 0;
	double deadline;
	int rc;

	mk_sa(c, BP_INJECT_SA, &sa);
	sa.dir = VRFSEC_SA_OUT;
	vrfsec_sa_del_sync(dev, BP_INJECT_SA); /* a leftover of an earlier test in this card */
	if ((rc = vrfsec_sa_add_sync(dev, &sa)) != 0)
		return ct_fail(c, "inject SA: %s", vrfsec_strerror(rc));
	/* Data path off first, then a command round trip: the simulator reads the enable bit once
	 * per loop and serves INJECT before commands, so once this snapshot is back no loop that
	 * still saw the bit set can take an injected frame. */
	vrfsec_datapath_set(dev, false);
	if (snap_get(c, dev, &s0))
		return -1;
	len = pkt_icmp4(ip, (uint8_t[4]){ 10, 200, 0, 1 }, (uint8_t[4]){ 10, 200, 0, 2 }, 64, 1, 32);
	*first_full = 0;
	deadline = ct_now() + ct_ms(c, 10000) / 1000.0;
	while (sent < BP_INJECTS && ct_now() < deadline) {
		struct vrfsec_inject in = { .frame = ip, .len = len, .sa = BP_INJECT_SA };

		rc = vrfsec_inject_send(dev, &in);
		if (rc == 0) {
			sent++;
			continue;
		}
		if (rc != -EAGAIN)
			break;
		if (!*first_full) {
			*first_full = sent;
			vrfsec_datapath_set(dev, true); /* the card drains the ring from now on */
		}
		eagain++;
		if (vrfsec_poll(dev, 16) == 0)
			ct_sleep_us(20);
	}
	vrfsec_datapath_set(dev, true);
	if (sent != BP_INJECTS) {
		vrfsec_snapshot_free(s0);
		return ct_fail(c, "inject: %u of %u sent (%s)", sent, BP_INJECTS, vrfsec_strerror(rc));
	}
	rc = snap_wait_global(c, dev, "encrypt_ok", snap_global(s0, "encrypt_ok") + BP_INJECTS, 5000);
	if (rc == 0)
		rc = snap_get(c, dev, &s1);
	if (rc == 0 && (s1->sa[BP_INJECT_SA].packets - s0->sa[BP_INJECT_SA].packets != BP_INJECTS ||
			snap_global(s1, "encrypt_ok") - snap_global(s0, "encrypt_ok") != BP_INJECTS))
		rc = ct_fail(c, "inject: %u sent, SA counted %" PRIu64, BP_INJECTS,
			     s1->sa[BP_INJECT_SA].packets - s0->sa[BP_INJECT_SA].packets);
	if (rc == 0 && (*first_full != 8 || eagain == 0))
		rc = ct_fail(c, "inject ring of 8 took %u frames before -EAGAIN", *first_full);
	vrfsec_snapshot_free(s0);
	vrfsec_snapshot_free(s1);
	vrfsec_sa_del_sync(dev, BP_INJECT_SA);
	return rc;
}

int test_backpressure(struct ct *c)
{
	struct vrfsec_dev *dev = NULL;
	uint32_t eagain = 0, full = 0;
	int rc = -1;

	if (open_small(c, &dev, 3) == 0 && nonblocking_adds(c, dev, &eagain) == 0 &&
	    blocking_dels(c, dev) == 0 && inject_backpressure(c, dev, &full) == 0) {
		ct_note(c, "%u SAs non-blocking (%u met -EAGAIN and went in on a retry), all "
			"applied and all found by %u blocking deletes; inject ring full at %u, %u "
			"frames sealed once", BP_SAS, eagain, BP_SAS, full, BP_INJECTS);
		rc = 0;
	}
	vrfsec_close(dev);
	return rc;
}
