/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware unit tests: ring wrap, back-pressure, long commands, the key budget, table reset
 * steps, ring restart, lifetime events. */
#include "fw_fake.h"

static void test_ring_wrap(void **state)
{
	struct vrfsec_abi_route_entry r;
	struct vrfsec_abi_cpl_desc c;
	uint32_t posted = 0, seen = 0, guard;

	(void)state;
	rings(3, 3, 3); /* 8 descriptors each: 5000 commands go round 625 times */
	for (guard = 0; guard < 100000 && seen < 5000; guard++) {
		while (posted < 5000 && cmd_head - rd(RR(VRFSEC_ABI_RING_CMD, tail)) < 8) {
			r = route4(2, 0x0a000000 + posted, 32, 1 + posted);
			/* Each command's parameters get their own place: the ring holds 8 at once. */
			memcpy(P.mem + PARAM_OFF + posted * RT_SZ, &r, RT_SZ);
			post_at(posted % 3 ? VRFSEC_ABI_OP_ROUTE_ADD : VRFSEC_ABI_OP_NOP, 0,
				IOVA(PARAM_OFF + posted * RT_SZ), 1, RT_SZ);
			posted++;
		}
		poll1();
		while (cpl_get(&c)) {
			assert_int_equal(c.tag, 0x7000u + seen);
			assert_int_equal(c.status, 0);
			assert_int_equal(c.done, seen % 3 ? 1 : 0);
			seen++;
		}
	}
	assert_int_equal(seen, 5000);
	assert_int_equal(t->fib.routes, 5000 - 1667);
	assert_int_equal(lookup4(2, 0x0a000000 + 4999), 5000);
	assert_int_equal(lookup4(2, 0x0a000000 + 4998), 0); /* a NOP */
}

static void test_backpressure(void **state)
{
	struct vrfsec_abi_route_entry r;
	struct vrfsec_abi_cpl_desc c;
	uint32_t i, seen = 0;

	(void)state;
	rings(4, 2, 3); /* 16 commands, room for 4 completions */
	for (i = 0; i < 16; i++) {
		r = route4(2, 0x0a000000 + i, 32, 1 + i);
		memcpy(P.mem + PARAM_OFF + i * RT_SZ, &r, RT_SZ);
		post_at(VRFSEC_ABI_OP_ROUTE_ADD, 0, IOVA(PARAM_OFF + i * RT_SZ), 1, RT_SZ);
	}
	for (i = 0; i < 5; i++)
		poll1();
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_CPL, head)), 4);
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_CMD, tail)), 4);
	assert_int_equal(t->fib.routes, 4); /* the rest wait, unapplied, in the CMD ring */
	assert_int_equal(poll1(), 0);
	for (i = 0; i < 50 && seen < 16; i++) {
		if (cpl_get(&c)) {
			assert_int_equal(c.tag, 0x7000u + seen);
			assert_int_equal(c.done, 1);
			seen++;
		}
		poll1();
	}
	assert_int_equal(seen, 16);
	assert_int_equal(t->fib.routes, 16);
	assert_int_equal(F->stats.cmds, 16);
}

static void test_long_command_and_dma_edge(void **state)
{
	struct vrfsec_abi_route_entry r;
	struct vrfsec_abi_cpl_desc c;
	uint32_t i, n = 20000, off = MEM_SIZE - 3 * RT_SZ;

	(void)state;
	for (i = 0; i < n; i++) {
		r = route4(6, 0x14000000 + i, 32, 1 + i);
		memcpy(P.mem + PARAM_OFF + i * RT_SZ, &r, RT_SZ);
	}
	post_at(VRFSEC_ABI_OP_ROUTE_ADD, 0, IOVA(PARAM_OFF), n, RT_SZ);
	assert_int_equal(poll1(), FW_POLL_ENTRIES); /* a bounded step */
	assert_false(cpl_get(&c));
	assert_int_equal(t->fib.routes, FW_POLL_ENTRIES);
	poll1();
	poll1();
	assert_true(cpl_get(&c));
	assert_int_equal(c.done, n);
	assert_int_equal(c.failed, VRFSEC_ABI_NONE);
	assert_int_equal(lookup4(6, 0x14000000 + n - 1), n);

	/* Three entries fit before the end of host memory: those apply, the rest are DMA faults. */
	for (i = 0; i < 3; i++) {
		r = route4(7, 0x1e000000 + i, 32, 1);
		memcpy(P.mem + off + i * RT_SZ, &r, RT_SZ);
	}
	c = cmd_at(VRFSEC_ABI_OP_ROUTE_ADD, 0, IOVA(off), 10, RT_SZ);
	assert_int_equal(c.done, 3);
	assert_int_equal(c.failed, 3);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_DMA);
	assert_int_equal(c.status, 14);
	assert_int_equal(lookup4(7, 0x1e000002), 1);
}

/* SA adds and deletes go through the key port: FW_POLL_KEYS of them per poll, however large the
 * command, and the heartbeat moves between those polls. */
static void test_key_budget(void **state)
{
	struct vrfsec_abi_sa_entry e;
	struct vrfsec_abi_sa_del_entry d;
	struct vrfsec_abi_cpl_desc c;
	uint32_t hb = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_HEARTBEAT;
	uint32_t i, n = 2 * FW_POLL_KEYS + 10, hb0, polls;

	(void)state;
	for (i = 0; i < n; i++) {
		e = sa_in(i, 0x1000u + i, 7);
		memcpy(P.mem + PARAM_OFF + i * SA_SZ, &e, SA_SZ);
	}
	post_at(VRFSEC_ABI_OP_SA_ADD, 0, IOVA(PARAM_OFF), n, SA_SZ);
	assert_int_equal(poll1(), FW_POLL_KEYS);
	assert_int_equal(P.installs, FW_POLL_KEYS);
	assert_true(t->sa[FW_POLL_KEYS - 1].valid);
	assert_false(t->sa[FW_POLL_KEYS].valid);
	assert_false(cpl_get(&c));
	hb0 = rd(hb);
	for (polls = 0; polls < 10 && !cpl_get(&c); polls++) {
		now += FW_HEARTBEAT_NS;
		fw_poll(F, now);
	}
	assert_int_equal(polls, 2); /* the rest in two more, one completion at the end */
	assert_int_equal(c.done, n);
	assert_int_equal(P.installs, n);
	assert_true(rd(hb) - hb0 >= 2);

	/* deletes wipe keys: the same budget */
	for (i = 0; i < n; i++) {
		d.idx = i;
		d.rsvd = 0;
		memcpy(P.mem + PARAM_OFF + i * sizeof(d), &d, sizeof(d));
	}
	post_at(VRFSEC_ABI_OP_SA_DEL, 0, IOVA(PARAM_OFF), n, sizeof(d));
	assert_int_equal(poll1(), FW_POLL_KEYS);
	assert_int_equal(P.wipes, FW_POLL_KEYS);
	poll1();
	poll1();
	assert_true(cpl_get(&c));
	assert_int_equal(c.done, n);
	assert_int_equal(P.wipes, n);
	assert_false(t->sa[n - 1].valid);
}

/* A table reset removes SAs FW_POLL_KEYS per poll; a command posted meanwhile waits for its end
 * and is applied to the empty tables. */
static void test_reset_steps(void **state)
{
	struct vrfsec_abi_sa_entry e;
	struct vrfsec_abi_route_entry r = route4(1, 0x0a000000, 8, 5);
	struct vrfsec_abi_cpl_desc c;
	uint32_t ctl = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_CONTROL;
	uint32_t i, n = FW_POLL_KEYS + 5, polls;

	(void)state;
	for (i = 0; i < n; i++) {
		e = sa_in(3 * i, 0x2000u + i, 7); /* spread over the slots */
		memcpy(P.mem + PARAM_OFF + i * SA_SZ, &e, SA_SZ);
	}
	c = cmd_at(VRFSEC_ABI_OP_SA_ADD, 0, IOVA(PARAM_OFF), n, SA_SZ);
	assert_int_equal(c.done, n);
	P.wipes = 0;
	wr(ctl, 0x3);
	memcpy(P.mem + PARAM_OFF + 0x10000u, &r, RT_SZ);
	post_at(VRFSEC_ABI_OP_ROUTE_ADD, 0, IOVA(PARAM_OFF + 0x10000u), 1, RT_SZ);
	assert_true(poll1() > 0);
	assert_int_equal(P.wipes, FW_POLL_KEYS);
	assert_int_equal(rd(ctl), 0x3); /* not done yet */
	assert_false(cpl_get(&c));      /* and the command waits */
	for (polls = 0; polls < 5 && rd(ctl) != 0x1; polls++)
		poll1();
	assert_int_equal(polls, 1);
	assert_int_equal(P.wipes, n);
	assert_int_equal(F->stats.resets, 1);
	for (i = 0; i < n; i++)
		assert_false(t->sa[3 * i].valid);
	for (polls = 0; polls < 5 && !cpl_get(&c); polls++)
		poll1();
	assert_int_equal(c.done, 1);
	assert_int_equal(lookup4(1, 0x0a000001), 5);
	assert_int_equal(t->fib.routes, 1);
}

/* A new driver re-bases the rings of a running card (fresh zeroed descriptor memory; the
 * harness keeps the same place for it) and takes the card's indices over. */
static void rebase(void)
{
	wr(RR(VRFSEC_ABI_RING_CMD, log2_size), 0);
	wr(RR(VRFSEC_ABI_RING_CPL, log2_size), 0);
	memset(P.mem + CMD_OFF, 0, 64 * 32);
	memset(P.mem + CPL_OFF, 0, 64 * 32);
	cmd_head = rd(RR(VRFSEC_ABI_RING_CMD, tail));
	wr(RR(VRFSEC_ABI_RING_CMD, head), cmd_head);
	cpl_tail = rd(RR(VRFSEC_ABI_RING_CPL, head));
	wr(RR(VRFSEC_ABI_RING_CPL, tail), cpl_tail);
	ring_cfg(VRFSEC_ABI_RING_CMD, CMD_OFF, 6);
	ring_cfg(VRFSEC_ABI_RING_CPL, CPL_OFF, 6);
}

static void test_ring_rebase(void **state)
{
	struct vrfsec_abi_route_entry r;
	struct vrfsec_abi_cpl_desc c;
	uint32_t i, n = FW_POLL_ENTRIES + 100;

	(void)state;
	/* 70 commands: the next completion is on the second pass, phase 0, as zeroed memory. */
	for (i = 0; i < 70; i++)
		assert_int_equal(cmd_at(VRFSEC_ABI_OP_NOP, 0, 0, 0, 0).status, 0);
	for (i = 0; i < n; i++) {
		r = route4(8, 0x28000000 + i, 32, 1);
		memcpy(P.mem + PARAM_OFF + i * RT_SZ, &r, RT_SZ);
	}
	post_at(VRFSEC_ABI_OP_ROUTE_ADD, 0, IOVA(PARAM_OFF), n, RT_SZ);
	poll1(); /* half applied when its driver goes away */
	assert_true(F->cmd.active);

	/* Re-based between two polls: the half-done command left the ring with its slot. */
	rebase();
	poll1();
	assert_false(F->cmd.active);
	assert_int_equal(F->stats.cmds_withdrawn, 1);
	assert_int_equal(t->fib.routes, FW_POLL_ENTRIES); /* applied entries stay, no more */
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_CMD, tail)), 70);
	assert_false(cpl_get(&c)); /* no completion for it */
	r = route4(8, 0x32000000, 8, 3);
	ok1(VRFSEC_ABI_OP_ROUTE_ADD, &r, RT_SZ);
	assert_int_equal(lookup4(8, 0x32000001), 3);
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_CMD, tail)), 71);

	/* Disabled while a command is in flight, noticed by the firmware before the re-base. */
	post_at(VRFSEC_ABI_OP_ROUTE_ADD, 0, IOVA(PARAM_OFF), n, RT_SZ);
	poll1();
	wr(RR(VRFSEC_ABI_RING_CMD, log2_size), 0);
	poll1();
	assert_false(F->cmd.active);
	rebase();
	ok1(VRFSEC_ABI_OP_ROUTE_ADD, &r, RT_SZ); /* a replace */

	/* A host head that fell behind the card's tail is taken as the truth. */
	cmd_head = 50;
	wr(RR(VRFSEC_ABI_RING_CMD, head), cmd_head);
	poll1();
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_CMD, tail)), 50);
	ok1(VRFSEC_ABI_OP_ROUTE_ADD, &r, RT_SZ);
}

/* Ring bases outside host memory: the ring waits, nothing is applied twice or lost. */
static void test_descriptor_faults(void **state)
{
	struct vrfsec_abi_route_entry r = route4(9, 0x0a000000, 8, 4);
	struct vrfsec_abi_cpl_desc c;
	uint32_t i;

	(void)state;
	memcpy(P.mem + PARAM_OFF, &r, RT_SZ);
	wr(RR(VRFSEC_ABI_RING_CMD, base_hi), 0);
	post_at(VRFSEC_ABI_OP_ROUTE_ADD, 0, IOVA(PARAM_OFF), 1, RT_SZ);
	poll1();
	assert_true(F->stats.desc_faults > 0);
	assert_int_equal(t->fib.routes, 0);
	rings(6, 6, 6);
	wr(RR(VRFSEC_ABI_RING_CPL, base_hi), 0);
	for (i = 0; i < 3; i++)
		poll1();
	assert_int_equal(t->fib.routes, 1); /* applied once, its completion waits */
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_CMD, tail)), 0);
	rings(6, 6, 6);
	poll1();
	assert_true(cpl_get(&c));
	assert_int_equal(c.tag, 0x7000);
	assert_int_equal(c.done, 1);
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_CMD, tail)), 1);
	assert_int_equal(F->stats.entries, 1);
}

static void expect_event(uint16_t type, uint32_t sa, uint64_t value)
{
	struct vrfsec_abi_event_desc e;

	assert_true(ev_get(&e));
	assert_int_equal(e.type, type);
	assert_int_equal(e.sa, sa);
	assert_int_equal(e.value, value);
	if (sa != VRFSEC_ABI_NONE) {
		assert_int_equal(e.vrf, 1);
		assert_int_equal(e.spi, 0x900 + sa);
	}
	assert_true(e.time_ns > 0 && e.time_ns <= now);
}

static void add_life(struct vrfsec_abi_sa_entry e)
{
	e.spi = 0x900 + e.idx;
	ok1(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ);
}

static void test_events(void **state)
{
	struct vrfsec_abi_sa_entry e;
	struct vrfsec_abi_event_desc ev;

	(void)state;
	e = sa_out(30, 0);
	e.soft_bytes = 1000;
	e.hard_bytes = 5000;
	add_life(e);
	e = sa_in(31, 0, 31);
	e.soft_packets = 10;
	e.hard_packets = 20;
	add_life(e);
	e = sa_out(32, 0);
	e.soft_s = 10;
	e.hard_s = 20;
	add_life(e);
	add_life(sa_out(33, 0));
	e = sa_out(34, 0);
	e.esn = 1;
	add_life(e);
	e = sa_in(35, 0, 35);
	e.idle_s = 5;
	add_life(e);
	sweep();
	assert_false(ev_get(&ev));

	t->sa_cnt[30].bytes = 1500;
	t->sa_cnt[31].packets = 10;
	t->sa_cnt[35].packets = 1;
	sweep();
	expect_event(VRFSEC_ABI_EVENT_SA_SOFT, 30, 1500);
	expect_event(VRFSEC_ABI_EVENT_SA_SOFT, 31, 10);
	sweep();
	assert_false(ev_get(&ev)); /* once */
	t->sa_cnt[30].bytes = 6000;
	t->sa_cnt[31].packets = 25;
	sweep();
	expect_event(VRFSEC_ABI_EVENT_SA_HARD, 30, 6000);
	expect_event(VRFSEC_ABI_EVENT_SA_HARD, 31, 25);
	assert_false(t->sa[30].valid || t->sa[31].valid);
	assert_int_equal(P.key_len[30], 0);
	assert_int_equal(P.wipes, 2);

	now += 11 * SEC;
	sweep();
	expect_event(VRFSEC_ABI_EVENT_SA_SOFT, 32, 11);
	expect_event(VRFSEC_ABI_EVENT_SA_IDLE, 35, 11);
	sweep();
	assert_false(ev_get(&ev)); /* idle once per idle period */
	t->sa_cnt[35].packets++;
	sweep();
	now += 10 * SEC;
	sweep();
	expect_event(VRFSEC_ABI_EVENT_SA_HARD, 32, 21);
	expect_event(VRFSEC_ABI_EVENT_SA_IDLE, 35, 10);

	t->sa[33].seq = 0xffffffffull - 0x10000;
	t->sa[34].seq = 0xffffffffull; /* ESN: far from the end */
	sweep();
	assert_false(ev_get(&ev));
	t->sa[33].seq = 0xffffffffull - 0xffff;
	t->sa[34].seq = ~0ull - 0xffff;
	sweep();
	expect_event(VRFSEC_ABI_EVENT_SEQ_NEAR, 33, 0xffffffffull - 0xffff);
	expect_event(VRFSEC_ABI_EVENT_SEQ_NEAR, 34, ~0ull - 0xffff);
	sweep();
	assert_false(ev_get(&ev));
	assert_int_equal(F->stats.events_dropped, 0);
}

static void test_event_ring_full(void **state)
{
	struct vrfsec_abi_sa_entry e;
	struct vrfsec_abi_event_desc ev;
	uint32_t i;

	(void)state;
	rings(6, 6, 1); /* two events fit */
	for (i = 0; i < 3; i++) {
		e = sa_out(40 + i, 0);
		e.soft_packets = 1;
		e.hard_packets = 100;
		add_life(e);
		t->sa_cnt[40 + i].packets = 1;
	}
	sweep();
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_EVENT, head)), 2);
	/* Soft events wait for room; the hard limit is enforced even when nobody can be told. */
	t->sa_cnt[40].packets = 100;
	sweep();
	assert_false(t->sa[40].valid);
	assert_int_equal(F->stats.events_dropped, 1);
	expect_event(VRFSEC_ABI_EVENT_SA_SOFT, 40, 1);
	expect_event(VRFSEC_ABI_EVENT_SA_SOFT, 41, 1);
	sweep();
	expect_event(VRFSEC_ABI_EVENT_SA_SOFT, 42, 1);
	assert_false(ev_get(&ev));

	/* A command that hits a full table says so on the EVENT ring, once per command. */
	for (i = 0; i < 8; i++) {
		e = sa_in(50 + i, 0x4444, (uint8_t)(50 + i));
		ok1(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ);
	}
	e = sa_in(60, 0x4444, 60);
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_TABLE_FULL, 28);
	assert_true(ev_get(&ev));
	assert_int_equal(ev.type, VRFSEC_ABI_EVENT_TABLE_FULL);
	assert_int_equal(ev.sa, 60);
	assert_int_equal(ev.spi, 0x4444);
	assert_int_equal(ev.value, VRFSEC_ABI_OP_SA_ADD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ring_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backpressure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_command_and_dma_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_rebase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_descriptor_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_ring_full, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
