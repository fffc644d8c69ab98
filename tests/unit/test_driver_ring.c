/* SPDX-License-Identifier: Apache-2.0 */
/* Driver unit tests: ring indices across the u32 and slot wrap, completions matched by tag in any
 * order, phase checks, punt and inject rings, over the scripted card. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "driver_fake.h"

/* Card indices start just below 2^32 and the rings hold 8 descriptors: 100 commands cross both
 * the slot wrap (12 times) and the u32 wrap. */
static void wrap(void **state)
{
	struct fake *f = *state;
	struct vrfsec_open_cfg cfg = { .cmd_ring_log2 = 3, .staging_slots = 2 };
	struct vrfsec_dev *dev;
	uint32_t start = 0xfffffff0u;

	fake_wr(f, RING_REG(0, head), start);
	fake_wr(f, RING_REG(0, tail), start);
	fake_wr(f, RING_REG(1, head), start);
	fake_wr(f, RING_REG(1, tail), start);
	f->cpl_head = start;
	assert_int_equal(fake_open(f, &dev, &cfg), 0);
	for (uint32_t i = 0; i < 100; i++) {
		struct vrfsec_route_cfg r = fake_route(i);

		assert_int_equal(vrfsec_route_add_sync(dev, &r), 0);
	}
	assert_int_equal(f->n_cmds, 100);
	assert_int_equal(fake_rd(f, RING_REG(0, head)), start + 100u);
	assert_int_equal(fake_rd(f, RING_REG(1, tail)), start + 100u);
	assert_true(fake_rd(f, RING_REG(1, tail)) < 100u); /* wrapped */
	/* every command carried its own entry */
	for (uint32_t i = 0; i < 100; i++) {
		const struct vrfsec_abi_route_entry *e;

		assert_int_equal(f->cmds[i].d.opcode, VRFSEC_ABI_OP_ROUTE_ADD);
		assert_int_equal(f->cmds[i].d.count, 1);
		assert_int_equal(f->cmds[i].d.stride, sizeof(*e));
	}
	vrfsec_close(dev);
}

struct seen {
	struct vrfsec_result res[64];
	unsigned n;
};

static void record(void *arg, const struct vrfsec_result *res)
{
	struct seen *s = arg;

	s->res[s->n++] = *res;
}

/* Eight commands complete in reverse order, one of them failing: each result reaches the right
 * command (first_seq), and the batch reports the failure. */
static void out_of_order(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;
	struct vrfsec_batch *b;
	struct vrfsec_batch_stats st;
	struct seen s = { .n = 0 };
	struct vrfsec_batch_cfg bc = { .fn = record, .arg = &s };

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	assert_int_equal(vrfsec_batch_create(dev, &bc, &b), 0);
	f->hold = true;
	f->fail_cmd = 2;
	f->fail_entry = 1;
	f->fail_status = EEXIST;
	f->fail_detail = VRFSEC_ABI_ERR_SA_EXISTS;
	/* command k: k + 1 entries, so each command's first_seq is distinct */
	for (uint32_t k = 0, i = 0; k < 8; k++) {
		for (uint32_t j = 0; j <= k; j++, i++) {
			struct vrfsec_route_cfg r = fake_route(i);

			assert_int_equal(vrfsec_batch_route_add(b, &r), 0);
		}
		assert_int_equal(vrfsec_batch_submit(b), 0);
	}
	fake_step(f);
	assert_int_equal(f->n_cmds, 8);
	for (int k = 7; k >= 0; k--)
		fake_complete(f, (unsigned)k);
	assert_int_equal(vrfsec_batch_wait(b, 1000), -EEXIST);
	assert_int_equal(s.n, 8);
	for (unsigned n = 0; n < 8; n++) {
		uint32_t k = 7 - n; /* reverse order */

		assert_int_equal(s.res[n].first_seq, k * (k + 1) / 2);
		assert_int_equal(s.res[n].count, k + 1);
		if (k == 2) {
			assert_int_equal(s.res[n].status, -EEXIST);
			assert_int_equal(s.res[n].detail, VRFSEC_ABI_ERR_SA_EXISTS);
			assert_int_equal(s.res[n].failed, 1);
			assert_int_equal(s.res[n].done, 2);
		} else {
			assert_int_equal(s.res[n].status, 0);
			assert_int_equal(s.res[n].done, k + 1);
		}
	}
	vrfsec_batch_stats_get(b, &st);
	assert_int_equal(st.queued, 36);
	assert_int_equal(st.commands, 8);
	assert_int_equal(st.applied, 35);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.first_error.first_seq, 3);
	/* a second wait starts clean */
	assert_int_equal(vrfsec_batch_wait(b, 1000), 0);
	vrfsec_batch_destroy(b);
	vrfsec_close(dev);
}

/* A completion whose tag matches nothing (stale, forged) is ignored. */
static void stray_completion(void **state)
{
	struct fake *f = *state;
	struct vrfsec_abi_cmd_desc bogus = { .tag = 0xdead0001u, .opcode = 4, .count = 1 };
	struct vrfsec_route_cfg r = fake_route(1);
	struct vrfsec_dev *dev;

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	fake_post_cpl(f, &bogus, 1, VRFSEC_ABI_NONE, 0, 0);
	assert_int_equal(vrfsec_route_add_sync(dev, &r), 0);
	assert_int_equal(vrfsec_poll(dev, 16), 0);
	vrfsec_close(dev);
}

static void bad_phase(void **state)
{
	struct fake *f = *state;
	struct vrfsec_route_cfg r = fake_route(1);
	struct vrfsec_dev *dev;

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	f->bad_phase = true;
	assert_int_equal(vrfsec_route_add_sync(dev, &r), -EIO);
	assert_non_null(strstr(vrfsec_errmsg(dev), "phase"));
	vrfsec_close(dev);
}

static void inject(void **state)
{
	struct fake *f = *state;
	struct vrfsec_open_cfg cfg = { .inject_ring_log2 = 2 };
	uint8_t frame[100];
	struct vrfsec_inject pkt = { .frame = frame, .len = sizeof(frame), .port = 1,
				     .sa = VRFSEC_ABI_NONE };
	struct vrfsec_dev *dev;
	uint64_t base;

	assert_int_equal(fake_open(f, &dev, &cfg), 0);
	for (int i = 0; i < 4; i++) {
		frame[0] = (uint8_t)i;
		assert_int_equal(vrfsec_inject_send(dev, &pkt), 0);
	}
	/* the ring holds 4: the fifth waits until the card takes some */
	assert_int_equal(vrfsec_inject_send(dev, &pkt), -EAGAIN);
	base = (uint64_t)fake_rd(f, RING_REG(5, base_hi)) << 32 | fake_rd(f, RING_REG(5, base_lo));
	for (int i = 0; i < 4; i++) {
		const struct vrfsec_abi_inject_desc *d = fake_ptr(f, base + (uint64_t)i * 32u, 32);
		const uint8_t *data = fake_ptr(f, d->addr, d->len);

		assert_int_equal(d->len, 100);
		assert_int_equal(d->port, 1);
		assert_int_equal(d->sa, VRFSEC_ABI_NONE);
		assert_int_equal(data[0], i);
	}
	fake_wr(f, RING_REG(5, tail), fake_rd(f, RING_REG(5, tail)) + 2u);
	assert_int_equal(vrfsec_inject_send(dev, &pkt), 0);
	pkt.len = 70000;
	assert_int_equal(vrfsec_inject_send(dev, &pkt), -EMSGSIZE);
	vrfsec_close(dev);
}

/* The card takes a punt buffer, writes a frame and a descriptor; the driver copies it out and
 * hands the buffer back. A descriptor naming foreign memory is refused. */
static void punt(void **state)
{
	struct fake *f = *state;
	struct vrfsec_open_cfg cfg = { .punt_ring_log2 = 2 };
	uint8_t buf[64];
	struct vrfsec_punt p = { .buf = buf, .cap = sizeof(buf) };
	struct vrfsec_abi_punt_desc d = { 0 };
	struct vrfsec_abi_buf_desc bd;
	uint64_t pb_base, pr_base;
	struct vrfsec_dev *dev;

	assert_int_equal(fake_open(f, &dev, &cfg), 0);
	assert_int_equal(vrfsec_punt_recv(dev, &p), 0);
	assert_int_equal(fake_rd(f, RING_REG(3, head)) - fake_rd(f, RING_REG(3, tail)), 4);
	pb_base = (uint64_t)fake_rd(f, RING_REG(3, base_hi)) << 32 | fake_rd(f, RING_REG(3, base_lo));
	pr_base = (uint64_t)fake_rd(f, RING_REG(4, base_hi)) << 32 | fake_rd(f, RING_REG(4, base_lo));
	memcpy(&bd, fake_ptr(f, pb_base, 16), 16);
	memset(fake_ptr(f, bd.addr, 100), 0x5a, 100);
	fake_wr(f, RING_REG(3, tail), fake_rd(f, RING_REG(3, tail)) + 1u);
	d.addr = bd.addr;
	d.len = 100;
	d.port = 0;
	d.reason = 9;
	d.vrf = 0xffff;
	d.sa = VRFSEC_ABI_NONE;
	d.phase = 1;
	memcpy(fake_ptr(f, pr_base, 32), &d, 32);
	fake_wr(f, RING_REG(4, head), fake_rd(f, RING_REG(4, head)) + 1u);
	assert_int_equal(vrfsec_punt_recv(dev, &p), 1);
	assert_int_equal(p.frame_len, 100);
	assert_int_equal(p.len, 64); /* truncated to the caller's buffer */
	assert_int_equal(buf[63], 0x5a);
	assert_int_equal(p.reason, 9);
	assert_string_equal(vrfsec_counter_str(p.reason), "ike");
	/* buffer given back: 4 outstanding again */
	assert_int_equal(fake_rd(f, RING_REG(3, head)) - fake_rd(f, RING_REG(3, tail)), 4);
	/* a descriptor pointing outside the punt buffers */
	d.addr = FAKE_IOVA + FAKE_MEM - 4096;
	d.phase = 1;
	memcpy(fake_ptr(f, pr_base + 32, 32), &d, 32);
	fake_wr(f, RING_REG(4, head), fake_rd(f, RING_REG(4, head)) + 1u);
	assert_int_equal(vrfsec_punt_recv(dev, &p), -EIO);
	vrfsec_close(dev);
}

static void events(void **state)
{
	struct fake *f = *state;
	struct vrfsec_abi_event_desc d = { .type = VRFSEC_ABI_EVENT_SA_SOFT, .vrf = 3, .sa = 17,
					   .value = 1000, .spi = 0xabcd, .phase = 1 };
	struct vrfsec_event ev[4];
	struct vrfsec_dev *dev;
	uint64_t base;

	assert_int_equal(fake_open(f, &dev, NULL), 0);
	assert_int_equal(vrfsec_event_read(dev, ev, 4), 0);
	base = (uint64_t)fake_rd(f, RING_REG(2, base_hi)) << 32 | fake_rd(f, RING_REG(2, base_lo));
	memcpy(fake_ptr(f, base, 32), &d, 32);
	fake_wr(f, RING_REG(2, head), fake_rd(f, RING_REG(2, head)) + 1u);
	assert_int_equal(vrfsec_event_read(dev, ev, 4), 1);
	assert_int_equal(ev[0].type, VRFSEC_ABI_EVENT_SA_SOFT);
	assert_int_equal(ev[0].sa, 17);
	assert_int_equal(ev[0].spi, 0xabcd);
	assert_string_equal(vrfsec_event_name(ev[0].type), "sa_soft");
	assert_int_equal(fake_rd(f, RING_REG(2, tail)), fake_rd(f, RING_REG(2, head)));
	vrfsec_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(wrap, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(out_of_order, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(stray_completion, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(bad_phase, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(inject, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(punt, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(events, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
