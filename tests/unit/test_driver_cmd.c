/* SPDX-License-Identifier: Apache-2.0 */
/* Driver unit tests: back-pressure without loss, device loss within lost_ms, timeouts, key
 * wiping, callback rules and counter snapshots, over the scripted card. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "driver_fake.h"

static uint32_t route_no(const struct vrfsec_abi_route_entry *e)
{
	return (uint32_t)e->addr[1] << 16 | (uint32_t)e->addr[2] << 8 | e->addr[3];
}

/* The card checks every entry as it takes the command: 0, 1, 2, ... nothing twice or missing. */
static void check_order(struct fake *f, const struct vrfsec_abi_cmd_desc *d)
{
	uint32_t *next = f->user;

	for (uint32_t k = 0; k < d->count; k++) {
		const struct vrfsec_abi_route_entry *e =
			fake_ptr(f, d->param_addr + (uint64_t)k * d->stride, sizeof(*e));

		if (route_no(e) == *next)
			(*next)++;
		else
			*next = 0xdead0000u; /* fails the final check */
	}
}

/* Non-blocking: with the card holding everything, queueing stops with -EAGAIN once staging and
 * ring are full; after the card drains, the rest goes in; the card sees every entry once, in
 * order. */
static void backpressure_nonblocking(void **state)
{
	struct fake *f = *state;
	struct vrfsec_open_cfg cfg = { .cmd_ring_log2 = 3, .staging_slots = 4,
				       .staging_slot_size = 256 };
	struct vrfsec_batch_cfg bc = { .flags = VRFSEC_BATCH_NONBLOCK };
	struct vrfsec_batch *b;
	struct vrfsec_dev *dev;
	struct vrfsec_batch_stats st;
	uint32_t i = 0, next = 0;
	int rc;

	f->on_cmd = check_order;
	f->user = &next;
	assert_int_equal(fake_open(f, &dev, &cfg), 0);
	assert_int_equal(vrfsec_batch_create(dev, &bc, &b), 0);
	f->hold = true;
	/* 256-byte blocks hold 8 routes; 4 blocks in flight */
	for (;; i++) {
		struct vrfsec_route_cfg r = fake_route(i);

		rc = vrfsec_batch_route_add(b, &r);
		if (rc)
			break;
	}
	assert_int_equal(rc, -EAGAIN);
	assert_int_equal(i, 4 * 8); /* 4 blocks of 8 */
	fake_step(f);
	assert_int_equal(f->n_cmds, 4);
	f->hold = false;
	/* the rejected entry was not queued: retry it and go on to 1000 */
	for (; i < 1000; i++) {
		struct vrfsec_route_cfg r = fake_route(i);

		while ((rc = vrfsec_batch_route_add(b, &r)) == -EAGAIN) {
			fake_step(f);
			assert_true(vrfsec_poll(dev, 64) >= 0);
		}
		assert_int_equal(rc, 0);
	}
	assert_int_equal(vrfsec_batch_wait(b, 1000), 0);
	vrfsec_batch_stats_get(b, &st);
	assert_int_equal(st.queued, 1000);
	assert_int_equal(st.applied, 1000);
	assert_int_equal(f->entries_seen, 1000);
	assert_int_equal(next, 1000);
	vrfsec_batch_destroy(b);
	vrfsec_close(dev);
}

/* Blocking: a slow card (one command per step) and a tiny ring; every add returns 0. */
static void backpressure_blocking(void **state)
{
	struct fake *f = *state;
	struct vrfsec_open_cfg cfg = { .cmd_ring_log2 = 2, .staging_slots = 2,
				       .staging_slot_size = 256 };
	struct vrfsec_batch *b;
	struct vrfsec_dev *dev;
	struct vrfsec_batch_stats st;

	f->per_step = 1;
	assert_int_equal(fake_open(f, &dev, &cfg), 0);
	assert_int_equal(vrfsec_batch_create(dev, NULL, &b), 0);
	for (uint32_t i = 0; i < 5000; i++) {
		struct vrfsec_route_cfg r = fake_route(i);

		assert_int_equal(vrfsec_batch_route_add(b, &r), 0);
	}
	assert_int_equal(vrfsec_batch_wait(b, 1000), 0);
	vrfsec_batch_stats_get(b, &st);
	assert_int_equal(st.applied, 5000);
	assert_int_equal(f->entries_seen, 5000);
	assert_int_equal(st.commands, 5000 / 8);
	vrfsec_batch_destroy(b);
	vrfsec_close(dev);
}

static void record_status(void *arg, const struct vrfsec_result *res)
{
	*(int *)arg = res->status;
}

/* The heartbeat stops while a sync call waits: -ENODEV after lost_ms of card time, and pending
 * batch commands complete with -ENODEV. */
static void lost_heartbeat(void **state)
{
	struct fake *f = *state;
	struct vrfsec_route_cfg r = fake_route(1);
	int batch_status = 0;
	struct vrfsec_batch_cfg bc = { .fn = record_status, .arg = &batch_status };
	struct vrfsec_batch *b;
	struct vrfsec_dev *dev;
	uint64_t t0;

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	assert_int_equal(vrfsec_batch_create(dev, &bc, &b), 0);
	f->hold = true;
	assert_int_equal(vrfsec_batch_route_add(b, &r), 0);
	assert_int_equal(vrfsec_batch_submit(b), 0);
	f->hb_stall = true;
	t0 = f->now;
	assert_int_equal(vrfsec_route_add_sync(dev, &r), -ENODEV);
	assert_true(f->now - t0 >= 1000000000ull);
	assert_true(f->now - t0 <= 1010000000ull);
	assert_non_null(strstr(vrfsec_errmsg(dev), "heartbeat"));
	assert_int_equal(batch_status, -ENODEV);
	/* from now on everything says so at once */
	t0 = f->now;
	assert_int_equal(vrfsec_route_add_sync(dev, &r), -ENODEV);
	assert_int_equal(vrfsec_batch_route_add(b, &r), -ENODEV);
	assert_int_equal(vrfsec_poll(dev, 8), -ENODEV);
	assert_int_equal(f->now, t0);
	vrfsec_close(dev);
}

static void lost_fault(void **state)
{
	struct fake *f = *state;
	struct vrfsec_route_cfg r = fake_route(1);
	struct vrfsec_dev *dev;

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	f->hold = true;
	fake_wr(f, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_STATUS, 3);
	assert_int_equal(vrfsec_route_add_sync(dev, &r), -ENODEV);
	assert_non_null(strstr(vrfsec_errmsg(dev), "fault"));
	vrfsec_close(dev);
}

/* The lost device is also noticed by a plain poller. */
static void lost_while_polling(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;
	int rc = 0;

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	f->hb_stall = true;
	for (int i = 0; i < 2000 && rc == 0; i++) {
		rc = vrfsec_poll(dev, 8);
		f->now += 1000000u;
	}
	assert_int_equal(rc, -ENODEV);
	vrfsec_close(dev);
}

/* A live card that never answers: -ETIMEDOUT; its late answer is absorbed and the slot comes
 * back. */
static void timeout(void **state)
{
	struct fake *f = *state;
	struct vrfsec_open_cfg cfg = { .timeout_ms = 50, .staging_slots = 1 };
	struct vrfsec_route_cfg r = fake_route(1);
	struct vrfsec_dev *dev;

	assert_int_equal(fake_open(f, &dev, &cfg), 0);
	f->hold = true;
	assert_int_equal(vrfsec_route_add_sync(dev, &r), -ETIMEDOUT);
	fake_complete(f, 0);
	f->hold = false;
	assert_int_equal(vrfsec_route_add_sync(dev, &r), 0);
	vrfsec_close(dev);
}

static bool has_key(const uint8_t *mem, size_t len, const uint8_t *key)
{
	for (size_t i = 0; i + 32 <= len; i++)
		if (mem[i] == key[0] && memcmp(mem + i, key, 32) == 0)
			return true;
	return false;
}

/* The key is in the parameter block while the card holds the command, and gone once it has
 * completed. */
static void key_wiped(void **state)
{
	struct fake *f = *state;
	struct vrfsec_sa_cfg sa = { .idx = 5, .dir = VRFSEC_SA_IN, .spi = 0x1000, .outer_af = 4,
				    .key_len = 32 };
	struct vrfsec_batch *b;
	struct vrfsec_dev *dev;

	for (int i = 0; i < 32; i++)
		sa.key[i] = (uint8_t)(0xa0 + i);
	assert_int_equal(fake_open(f, &dev, NULL), 0);
	assert_int_equal(vrfsec_batch_create(dev, NULL, &b), 0);
	f->hold = true;
	assert_int_equal(vrfsec_batch_sa_add(b, &sa), 0);
	assert_int_equal(vrfsec_batch_submit(b), 0);
	fake_step(f);
	assert_int_equal(f->cmds[0].d.opcode, VRFSEC_ABI_OP_SA_ADD);
	{
		const struct vrfsec_abi_sa_entry *e = fake_ptr(f, f->cmds[0].d.param_addr, 256);

		assert_int_equal(e->idx, 5);
		assert_int_equal(e->spi, 0x1000);
		assert_int_equal(e->key_len, 32);
		assert_memory_equal(e->key, sa.key, 32);
	}
	f->hold = false;
	assert_int_equal(vrfsec_batch_wait(b, 1000), 0);
	assert_false(has_key(f->mem, FAKE_MEM, sa.key));
	/* the sync form too */
	assert_int_equal(vrfsec_sa_add_sync(dev, &sa), 0);
	assert_false(has_key(f->mem, FAKE_MEM, sa.key));
	/* and queued-but-never-sent entries at close */
	f->hold = true;
	assert_int_equal(vrfsec_batch_sa_add(b, &sa), 0);
	assert_true(has_key(f->mem, FAKE_MEM, sa.key));
	vrfsec_close(dev);
	assert_false(has_key(f->mem, FAKE_MEM, sa.key));
}

/* SA update entries carry the update bits; everything else is encoded as for an add. */
static void sa_update_entry(void **state)
{
	struct fake *f = *state;
	struct vrfsec_sa_cfg sa = { .idx = 6, .dir = VRFSEC_SA_OUT, .spi = 0x2000, .outer_af = 4,
				    .udp = true, .udp_sport = 4500, .udp_dport = 1234,
				    .src = { 192, 0, 2, 1 }, .dst = { 198, 51, 100, 9 },
				    .smac = { 2, 0, 0, 0, 0, 1 }, .dmac = { 2, 0, 0, 0, 0, 2 },
				    .update = VRFSEC_SA_UPD_ADDR | VRFSEC_SA_UPD_ETH };
	struct vrfsec_batch *b;
	struct vrfsec_dev *dev;

	assert_int_equal(sizeof(struct vrfsec_abi_sa_entry), 264);
	assert_int_equal(fake_open(f, &dev, NULL), 0);
	assert_int_equal(vrfsec_batch_create(dev, NULL, &b), 0);
	f->hold = true;
	assert_int_equal(vrfsec_batch_sa_update(b, &sa), 0);
	assert_int_equal(vrfsec_batch_sa_update(b, &sa), 0);
	assert_int_equal(vrfsec_batch_submit(b), 0);
	fake_step(f);
	assert_int_equal(f->cmds[0].d.opcode, VRFSEC_ABI_OP_SA_UPDATE);
	assert_int_equal(f->cmds[0].d.count, 2);
	assert_int_equal(f->cmds[0].d.stride, 264);
	{
		const struct vrfsec_abi_sa_entry *e = fake_ptr(f, f->cmds[0].d.param_addr, 528);

		assert_int_equal(e[1].idx, 6);
		assert_int_equal(e[1].update, VRFSEC_ABI_SA_UPD_ADDR | VRFSEC_ABI_SA_UPD_ETH);
		assert_int_equal(e[1].udp_dport, 1234);
		assert_memory_equal(e[1].dst, sa.dst, 16);
		assert_memory_equal(e[1].smac, sa.smac, 6);
	}
	f->hold = false;
	assert_int_equal(vrfsec_batch_wait(b, 1000), 0);
	vrfsec_close(dev);
}

/* Notification: -ENOTSUP without a backend that signals; with one, the card -> host rings get
 * their irq bit, the fd is the one handed over, ack resets it, disable undoes it all. */
static void notify(void **state)
{
	struct fake *f = *state;
	static const uint32_t c2h[] = { VRFSEC_ABI_RING_CPL, VRFSEC_ABI_RING_EVENT,
					VRFSEC_ABI_RING_PUNT };
	struct vrfsec_dev *dev;
	uint64_t one = 1;
	int fd;

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	assert_int_equal(vrfsec_notify_enable(dev), -ENOTSUP);
	assert_int_equal(vrfsec_notify_ack(dev), -EBADF);
	vrfsec_close(dev);

	assert_int_equal(fake_open_notify(f, &dev), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fake_rd(f, RING_REG(c2h[i], irq)), 0);
	fd = vrfsec_notify_enable(dev);
	assert_true(fd >= 0);
	assert_int_equal(fake_notify_efd, fd);
	assert_int_equal(vrfsec_notify_enable(dev), fd); /* idempotent */
	assert_int_equal(fake_notify_calls, 1);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fake_rd(f, RING_REG(c2h[i], irq)), 1);
	assert_int_equal(fake_rd(f, RING_REG(VRFSEC_ABI_RING_CMD, irq)), 0);
	assert_int_equal(vrfsec_notify_ack(dev), 0);
	assert_int_equal(write(fd, &one, sizeof(one)), 8);
	assert_int_equal(write(fd, &one, sizeof(one)), 8);
	assert_int_equal(vrfsec_notify_ack(dev), 2);
	assert_int_equal(vrfsec_notify_ack(dev), 0);
	/* re-enabling the rings keeps the bits */
	vrfsec_disable(dev);
	assert_int_equal(vrfsec_enable(dev), 0);
	assert_int_equal(fake_rd(f, RING_REG(VRFSEC_ABI_RING_PUNT, irq)), 1);
	vrfsec_notify_disable(dev);
	assert_int_equal(fake_notify_efd, -1);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fake_rd(f, RING_REG(c2h[i], irq)), 0);
	assert_int_equal(vrfsec_notify_ack(dev), -EBADF);
	vrfsec_close(dev);
}

struct cb_ctx {
	struct vrfsec_dev *dev;
	int rc_sync, rc_poll;
};

static void reenter(void *arg, const struct vrfsec_result *res)
{
	struct cb_ctx *c = arg;
	struct vrfsec_route_cfg r = fake_route(9);

	(void)res;
	c->rc_sync = vrfsec_route_add_sync(c->dev, &r);
	c->rc_poll = vrfsec_poll(c->dev, 1);
}

static void callback_rules(void **state)
{
	struct fake *f = *state;
	struct cb_ctx c = { 0 };
	struct vrfsec_batch_cfg bc = { .fn = reenter, .arg = &c };
	struct vrfsec_route_cfg r = fake_route(1);
	struct vrfsec_batch *b;

	assert_int_equal(fake_open(f, &c.dev, NULL), 0);
	assert_int_equal(vrfsec_batch_create(c.dev, &bc, &b), 0);
	assert_int_equal(vrfsec_batch_route_add(b, &r), 0);
	assert_int_equal(vrfsec_batch_wait(b, 1000), 0);
	assert_int_equal(c.rc_sync, -EDEADLK);
	assert_int_equal(c.rc_poll, -EDEADLK);
	vrfsec_close(c.dev); /* frees the batch too */
}

static void snapshot(void **state)
{
	struct fake *f = *state;
	struct vrfsec_snapshot *s;
	struct vrfsec_dev *dev;

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	assert_int_equal(vrfsec_snapshot_read(dev, &s), 0);
	assert_int_equal(f->cmds[0].d.opcode, VRFSEC_ABI_OP_COUNTERS);
	assert_int_equal(f->cmds[0].d.count, 3); /* every SA record the card has */
	assert_int_equal(s->n_global, 4);
	assert_int_equal(s->global[3], 103);
	assert_int_equal(s->n_vrf, 2);
	assert_int_equal(s->vrf[1].rx_packets, 11);
	assert_int_equal(s->n_sa, 3);
	assert_int_equal(s->sa[2].packets, 1002);
	assert_int_equal(s->time_ns, 42);
	vrfsec_snapshot_free(s);
	vrfsec_close(dev);
}

static void not_enabled(void **state)
{
	struct fake *f = *state;
	struct vrfsec_open_cfg cfg = { .flags = VRFSEC_OPEN_NO_ENABLE };
	struct vrfsec_route_cfg r = fake_route(1);
	struct vrfsec_dev *dev;

	assert_int_equal(fake_open(f, &dev, &cfg), 0);
	assert_int_equal(vrfsec_route_add_sync(dev, &r), -ENOTCONN);
	assert_int_equal(vrfsec_enable(dev), 0);
	assert_int_equal(vrfsec_route_add_sync(dev, &r), 0);
	vrfsec_disable(dev);
	assert_int_equal(fake_rd(f, RING_REG(0, log2_size)), 0);
	assert_int_equal(vrfsec_enable(dev), 0);
	assert_int_equal(vrfsec_route_add_sync(dev, &r), 0);
	vrfsec_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(backpressure_nonblocking, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(backpressure_blocking, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(lost_heartbeat, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(lost_fault, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(lost_while_polling, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(timeout, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(key_wiped, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(callback_rules, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(snapshot, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(not_enabled, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(sa_update_entry, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(notify, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
