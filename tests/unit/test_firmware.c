/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware unit tests: register blocks, every command and error detail, counters, keys, reset. */
#include "fw_fake.h"

static void test_block_chain(void **state)
{
	static const uint32_t type[] = { 1, 2, 3, 4, 5, 6 };
	uint32_t off = 0, i;

	(void)state;
	for (i = 0; i < 6; i++) {
		assert_true(off + 16 <= VRFSEC_ABI_BAR_SIZE);
		assert_int_equal(rd(off), type[i]);
		assert_int_equal(rd(off + 4), 1);
		assert_true(rd(off + 12) >= 0x40);
		if (i == 5)
			assert_int_equal(rd(off + 8), 0);
		else
			assert_true(rd(off + 8) >= off + rd(off + 12)); /* no overlap */
		off = rd(off + 8);
	}
	assert_int_equal(rd(VRFSEC_ABI_ID_MAGIC), VRFSEC_ABI_MAGIC);
	assert_int_equal(rd(VRFSEC_ABI_ID_ABI_VERSION), VRFSEC_ABI_VERSION);
	assert_int_equal(rd(VRFSEC_ABI_ID_CARD_KIND), VRFSEC_ABI_CARD_SIM);
	assert_int_equal(rd(VRFSEC_ABI_ID_FW_VERSION), FW_VERSION);
	assert_int_equal(rd(VRFSEC_ABI_ID_CAPS), 3);
	assert_int_equal(rd(VRFSEC_ABI_ID_PORTS), 3);
	off = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET;
	assert_int_equal(rd(off + VRFSEC_ABI_CONTROL_STATUS), VRFSEC_SIM_STATUS_READY);
	assert_int_equal(rd(off + VRFSEC_ABI_CONTROL_ENGINE), 1);
	assert_int_equal(rd(off + VRFSEC_ABI_CONTROL_HOST_MEM_SIZE), MEM_SIZE);
	assert_int_equal(rd(off + VRFSEC_ABI_CONTROL_HEARTBEAT), 0);
	off = VRFSEC_ABI_TABLES_DEFAULT_OFFSET;
	assert_int_equal(rd(off + VRFSEC_ABI_TABLES_MAX_SA), VRFSEC_MAX_SA);
	assert_int_equal(rd(off + VRFSEC_ABI_TABLES_MAX_VRF), VRFSEC_MAX_VRF);
	assert_int_equal(rd(off + VRFSEC_ABI_TABLES_FIB_ROUTES), VRFSEC_FIB_ROUTES);
	assert_int_equal(rd(off + VRFSEC_ABI_TABLES_MAX_FRAME), VRFSEC_MAX_FRAME);
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_CMD, desc_size)), 32);
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_PUNT_BUF, desc_size)), 16);
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_INJECT, desc_size)), 32);
	assert_int_equal(rd(RR(VRFSEC_ABI_RING_INJECT, head)), 0);
	off = VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET;
	assert_int_equal(rd(off + VRFSEC_ABI_COUNTERS_N_GLOBAL), VRFSEC_CNT_MAX);
	assert_int_equal(rd(off + VRFSEC_ABI_COUNTERS_N_SA), VRFSEC_MAX_SA);
	off = VRFSEC_ABI_PORTS_DEFAULT_OFFSET;
	assert_int_equal(rd(off + VRFSEC_ABI_PORTS_NATT_PORT), 4500);
	assert_int_equal(rd(off + VRFSEC_ABI_PORTS_IKE_PORT), 500);
	assert_int_equal(rd(0x3fc), 0); /* past the last block: cleared */
	/* Heartbeat: once per 100 ms of card time, not per poll. */
	fw_poll(F, now);
	assert_int_equal(rd(VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_HEARTBEAT), 1);
	fw_poll(F, now + 50 * MS);
	assert_int_equal(rd(VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_HEARTBEAT), 1);
	fw_poll(F, now + 100 * MS);
	assert_int_equal(rd(VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_HEARTBEAT), 2);
	assert_int_equal(fw_poll(F, now + 101 * MS), 0); /* idle */
}

static void test_sa_add_update_del(void **state)
{
	struct vrfsec_abi_sa_entry in = sa_in(3, 0x1234, 1), out = sa_out(5, 0x5678);
	const uint8_t dst[4] = { 192, 0, 2, 1 };
	struct vrfsec_abi_sa_entry u;
	struct vrfsec_abi_sa_del_entry d = { 3, 0 };
	uint8_t k[32];
	uint32_t o;

	(void)state;
	ok1(VRFSEC_ABI_OP_SA_ADD, &in, SA_SZ);
	ok1(VRFSEC_ABI_OP_SA_ADD, &out, SA_SZ);
	assert_int_equal(vrfsec_spi_lookup(t, 0x1234, 4, dst), 3);
	assert_true(t->sa[5].valid && t->sa[5].dir == VRFSEC_SA_DIR_OUT && t->sa[5].mtu == 1400);
	assert_memory_equal(t->sa[3].salt, "SALT", 4);
	key_of(3, k);
	assert_int_equal(P.key_len[3], 16);
	assert_memory_equal(P.key[3], k, 16);
	key_of(5, k);
	assert_int_equal(P.key_len[5], 32);
	assert_memory_equal(P.key[5], k, 32);
	assert_int_equal(P.installs, 2);

	/* Update: MTU, ports, lifetimes; sequence number, SPI and key stay. */
	t->sa[5].seq = 77;
	u = out;
	memset(u.key, 0, sizeof(u.key));
	u.spi = 0;
	u.mtu = 1300;
	u.udp_sport = 1234;
	u.udp_dport = 4501;
	u.soft_bytes = 1;
	ok1(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ);
	o = t->sa[5].udp_tmpl_off;
	assert_true(o != 0);
	assert_int_equal(t->sa[5].mtu, 1300);
	assert_int_equal(t->sa[5].tmpl[o] << 8 | t->sa[5].tmpl[o + 1], 1234);
	assert_int_equal(t->sa[5].tmpl[o + 2] << 8 | t->sa[5].tmpl[o + 3], 4501);
	assert_int_equal(t->sa[5].seq, 77);
	assert_int_equal(t->sa[5].spi, 0x5678);
	assert_int_equal(F->life[5].soft_bytes, 1);
	assert_int_equal(P.installs, 2);
	assert_memory_equal(P.key[5], k, 32);

	ok1(VRFSEC_ABI_OP_SA_DEL, &d, sizeof(d));
	assert_false(t->sa[3].valid);
	assert_int_equal(vrfsec_spi_lookup(t, 0x1234, 4, dst), VRFSEC_NONE);
	assert_int_equal(P.key_len[3], 0);
	assert_int_equal(P.wipes, 1);
	assert_int_equal(F->life[3].flags, 0);
	/* The slot and the SPI can be used again. */
	ok1(VRFSEC_ABI_OP_SA_ADD, &in, SA_SZ);
}

static void test_errors_change_nothing(void **state)
{
	struct vrfsec_abi_sa_entry e;
	struct vrfsec_abi_sa_del_entry d = { 40, 0 };
	struct vrfsec_abi_route_entry r;
	struct vrfsec_abi_cpl_desc c;
	uint64_t before;
	uint8_t i;

	(void)state;
	ok1(VRFSEC_ABI_OP_SA_ADD, (e = sa_in(1, 0x100, 1), &e), SA_SZ);
	ok1(VRFSEC_ABI_OP_SA_ADD, (e = sa_out(2, 0x200), &e), SA_SZ);
	e = sa_in(3, 0x300, 1);
	e.key_len = 20;
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_BAD_KEY_LEN, 22);
	e = sa_in(3, 0x300, 1);
	e.vrf = VRFSEC_MAX_VRF;
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_BAD_VRF, 22);
	e = sa_in(3, 0, 1);
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	e = sa_in(VRFSEC_MAX_SA, 0x300, 1);
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	e = sa_in(2, 0x300, 1);
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_SA_EXISTS, 17);
	e = sa_in(3, 0x100, 1);
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_DUP_SPI, 17);
	P.fail_install = -12;
	e = sa_in(3, 0x300, 1);
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 12);
	refused(VRFSEC_ABI_OP_SA_DEL, &d, sizeof(d), VRFSEC_ABI_ERR_UNKNOWN_SA, 2);
	e = sa_out(40, 0x200);
	refused(VRFSEC_ABI_OP_SA_UPDATE, &e, SA_SZ, VRFSEC_ABI_ERR_UNKNOWN_SA, 2);
	e = sa_out(2, 0x201); /* another SPI */
	refused(VRFSEC_ABI_OP_SA_UPDATE, &e, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	e = sa_out(2, 0x200);
	e.udp = 0; /* encapsulation cannot change in place */
	refused(VRFSEC_ABI_OP_SA_UPDATE, &e, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	e.udp = 1;
	e.mtu = 100;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &e, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);

	/* SPI hash full: one SPI towards eight destinations fills both of its buckets. */
	for (i = 0; i < 8; i++)
		ok1(VRFSEC_ABI_OP_SA_ADD, (e = sa_in(10u + i, 0x777, (uint8_t)(10 + i)), &e), SA_SZ);
	e = sa_in(20, 0x777, 20);
	refused(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ, VRFSEC_ABI_ERR_TABLE_FULL, 28);
	assert_int_equal(t->cnt[VRFSEC_CNT_TABLE_FULL], 1);

	r = route4(VRFSEC_MAX_VRF, 0x0a000000, 8, 1);
	refused(VRFSEC_ABI_OP_ROUTE_ADD, &r, RT_SZ, VRFSEC_ABI_ERR_BAD_VRF, 22);
	r = route4(1, 0x0a000000, 33, 1);
	refused(VRFSEC_ABI_OP_ROUTE_ADD, &r, RT_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	r = route4(1, 0x0a000000, 8, 0);
	refused(VRFSEC_ABI_OP_ROUTE_ADD, &r, RT_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	r = route4(1, 0x0a000000, 8, 1);
	refused(VRFSEC_ABI_OP_ROUTE_DEL, &r, RT_SZ, VRFSEC_ABI_ERR_NO_ROUTE, 2);
	refused(99, &r, RT_SZ, VRFSEC_ABI_ERR_BAD_OPCODE, 22);
	/* A stride shorter than the entry is a malformed command. */
	refused(VRFSEC_ABI_OP_ROUTE_ADD, &r, 16, VRFSEC_ABI_ERR_BAD_PARAM, 22);

	/* Parameter block outside host memory. */
	before = snap();
	c = cmd_at(VRFSEC_ABI_OP_SA_ADD, 0, IOVA(MEM_SIZE), 1, SA_SZ);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_DMA);
	assert_int_equal(c.status, 14);
	c = cmd_at(VRFSEC_ABI_OP_ROUTE_ADD, 0, 0x1000, 1, RT_SZ);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_DMA);
	assert_true(snap() == before);
}

static void test_stop_or_continue(void **state)
{
	struct vrfsec_abi_sa_entry e[5];
	struct vrfsec_abi_cpl_desc c;
	uint32_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		e[i] = sa_out(10 + i, 0x100 + i);
	e[2].key_len = 20;
	c = cmd(VRFSEC_ABI_OP_SA_ADD, 1, e, 5, SA_SZ);
	assert_int_equal(c.done, 2);
	assert_int_equal(c.failed, 2);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_BAD_KEY_LEN);
	assert_int_equal(c.status, 22);
	assert_true(t->sa[10].valid && t->sa[11].valid);
	assert_false(t->sa[12].valid || t->sa[13].valid || t->sa[14].valid);

	for (i = 0; i < 5; i++)
		e[i].idx = 20 + i;
	c = cmd(VRFSEC_ABI_OP_SA_ADD, 0, e, 5, SA_SZ);
	assert_int_equal(c.done, 4);
	assert_int_equal(c.failed, 2);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_BAD_KEY_LEN);
	assert_true(t->sa[20].valid && t->sa[21].valid && t->sa[23].valid && t->sa[24].valid);
	assert_false(t->sa[22].valid);
	assert_int_equal(P.installs, 6);
	/* A larger stride than the entry size is honoured. */
	for (i = 0; i < 3; i++) {
		struct vrfsec_abi_sa_entry x = sa_out(30 + i, 0x300 + i);

		memcpy(P.mem + PARAM_OFF + i * 300u, &x, SA_SZ);
	}
	c = cmd_at(VRFSEC_ABI_OP_SA_ADD, 0, IOVA(PARAM_OFF), 3, 300);
	assert_int_equal(c.done, 3);
	assert_true(t->sa[32].valid && t->sa[32].spi == 0x302);
}

static void test_routes_and_fib_full(void **state)
{
	static struct vrfsec_abi_route_entry r[2400];
	struct vrfsec_abi_cpl_desc c;
	struct vrfsec_abi_route_entry one;
	uint64_t before;
	uint32_t i, k;

	(void)state;
	one = route4(1, 0x0a000000, 8, 7);
	ok1(VRFSEC_ABI_OP_ROUTE_ADD, &one, RT_SZ);
	assert_int_equal(lookup4(1, 0x0a010203), 7);
	assert_int_equal(lookup4(2, 0x0a010203), 0);
	ok1(VRFSEC_ABI_OP_ROUTE_DEL, &one, RT_SZ);
	assert_int_equal(lookup4(1, 0x0a010203), 0);

	/* IPv6 host routes spread over the trie use ~15 nodes each until the pool runs out. */
	memset(r, 0, sizeof(r));
	for (i = 0; i < 2400; i++) {
		r[i].vrf = 3;
		r[i].af = 6;
		r[i].plen = 128;
		r[i].nh = 100 + i;
		r[i].addr[0] = (uint8_t)i;
		r[i].addr[1] = (uint8_t)(i >> 8);
		r[i].addr[15] = 1;
	}
	c = cmd(VRFSEC_ABI_OP_ROUTE_ADD, 1, r, 2400, RT_SZ);
	k = c.failed;
	assert_true(k > 1900 && k < 2400);
	assert_int_equal(c.done, k);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_TABLE_FULL);
	assert_int_equal(c.status, 28);
	before = snap();
	refused(VRFSEC_ABI_OP_ROUTE_ADD, &r[k], RT_SZ, VRFSEC_ABI_ERR_TABLE_FULL, 28);
	assert_true(snap() == before);
	assert_int_equal(vrfsec_fib_lookup(&t->fib, 3, 6, r[k - 1].addr), 100 + k - 1);
	assert_int_equal(vrfsec_fib_lookup(&t->fib, 3, 6, r[k].addr), 0);
	/* A route that needs no new node still goes in. */
	ok1(VRFSEC_ABI_OP_ROUTE_ADD, (one = route4(4, 0x0b000000, 8, 9), &one), RT_SZ);
	assert_int_equal(lookup4(4, 0x0b000001), 9);
}

static void test_nh_label_vrf_port(void **state)
{
	struct vrfsec_abi_nh_entry nh;
	struct vrfsec_abi_label_entry l = { 1000, 5, 0 };
	struct vrfsec_abi_vrf_entry v;
	struct vrfsec_abi_port_entry p;

	(void)state;
	memset(&nh, 0, sizeof(nh));
	nh.idx = 12;
	nh.kind = VRFSEC_NH_MPLS;
	nh.n_labels = 2;
	nh.label[0] = 3000;
	nh.label[1] = 4000;
	nh.eth[0] = 0x02;
	ok1(VRFSEC_ABI_OP_NH_SET, &nh, sizeof(nh));
	assert_int_equal(t->nh[12].kind, VRFSEC_NH_MPLS);
	assert_int_equal(t->nh[12].label[1], 4000);
	assert_int_equal(t->nh[12].eth[0], 0x02);
	nh.label[1] = 1u << 20;
	refused(VRFSEC_ABI_OP_NH_SET, &nh, sizeof(nh), VRFSEC_ABI_ERR_BAD_PARAM, 22);
	nh.idx = 0;
	refused(VRFSEC_ABI_OP_NH_SET, &nh, sizeof(nh), VRFSEC_ABI_ERR_BAD_PARAM, 22);

	ok1(VRFSEC_ABI_OP_LABEL_MAP, &l, sizeof(l));
	assert_int_equal(t->label_vrf[1000], 6);
	l.vrf = VRFSEC_MAX_VRF;
	refused(VRFSEC_ABI_OP_LABEL_MAP, &l, sizeof(l), VRFSEC_ABI_ERR_BAD_VRF, 22);
	l.label = 3;
	refused(VRFSEC_ABI_OP_LABEL_MAP, &l, sizeof(l), VRFSEC_ABI_ERR_BAD_PARAM, 22);
	l.label = 1000;
	l.vrf = 0xffff;
	ok1(VRFSEC_ABI_OP_LABEL_MAP, &l, sizeof(l));
	assert_int_equal(t->label_vrf[1000], 0);

	memset(&v, 0, sizeof(v));
	v.vrf = 5;
	v.vlan = 105;
	v.ttl_mode = 1;
	ok1(VRFSEC_ABI_OP_VRF_SET, &v, sizeof(v));
	assert_true(t->vrf[5].valid && t->vrf[5].vlan == 105 && t->vlan_vrf[105] == 6);
	assert_int_equal(t->vrf[5].tc_map[63], 7);
	v.vrf = 6; /* VLAN 105 belongs to VRF 5 */
	refused(VRFSEC_ABI_OP_VRF_SET, &v, sizeof(v), VRFSEC_ABI_ERR_BAD_PARAM, 17);
	v.vrf = VRFSEC_MAX_VRF;
	refused(VRFSEC_ABI_OP_VRF_SET, &v, sizeof(v), VRFSEC_ABI_ERR_BAD_VRF, 22);

	memset(&p, 0, sizeof(p));
	p.natt_port = 4600;
	p.ike_port = 600;
	p.core_mtu = 1600;
	p.inside_mtu = 1400;
	p.core_mac[5] = 0x42;
	ok1(VRFSEC_ABI_OP_PORT_SET, &p, sizeof(p));
	assert_int_equal(t->port.natt_port, 4600);
	assert_int_equal(t->port.core_mac[5], 0x42);
	assert_int_equal(rd(VRFSEC_ABI_PORTS_DEFAULT_OFFSET + VRFSEC_ABI_PORTS_NATT_PORT), 4600);
	assert_int_equal(rd(VRFSEC_ABI_PORTS_DEFAULT_OFFSET + VRFSEC_ABI_PORTS_CORE_MTU), 1600);
	p.ike_port = 4600;
	refused(VRFSEC_ABI_OP_PORT_SET, &p, sizeof(p), VRFSEC_ABI_ERR_BAD_PARAM, 22);
}

static void test_counters(void **state)
{
	struct vrfsec_abi_counters_hdr h;
	struct vrfsec_abi_cpl_desc c;
	const uint8_t *p = P.mem + SNAP_OFF;
	uint64_t v;
	size_t vrf_at = sizeof(h) + 8u * VRFSEC_CNT_MAX;
	size_t sa_at = vrf_at + 40u * VRFSEC_MAX_VRF;
	uint32_t i;

	(void)state;
	for (i = 0; i < VRFSEC_CNT_MAX; i++)
		t->cnt[i] = 1000 + i;
	t->vrf_cnt[3].tx_bytes = 77;
	t->sa_cnt[2].drops = 9;
	t->sa_cnt[4].packets = 5; /* beyond the 4 records asked for */
	memset(P.mem + SNAP_OFF, 0xee, sa_at + 5 * 24);
	c = cmd_at(VRFSEC_ABI_OP_COUNTERS, 0, IOVA(SNAP_OFF), 4, 0);
	assert_int_equal(c.status, 0);
	assert_int_equal(c.done, 4);
	memcpy(&h, p, sizeof(h));
	assert_int_equal(h.n_global, VRFSEC_CNT_MAX);
	assert_int_equal(h.n_vrf, VRFSEC_MAX_VRF);
	assert_int_equal(h.n_sa, 4);
	assert_int_equal(h.tag, c.tag);
	assert_int_equal(h.time_ns, now);
	for (i = 0; i < VRFSEC_CNT_MAX; i++) {
		memcpy(&v, p + sizeof(h) + 8 * i, 8);
		assert_int_equal(v, 1000 + i);
	}
	memcpy(&v, p + vrf_at + 3 * 40 + 24, 8);
	assert_int_equal(v, 77);
	memcpy(&v, p + sa_at + 2 * 24 + 16, 8);
	assert_int_equal(v, 9);
	assert_int_equal(p[sa_at + 4 * 24], 0xee); /* nothing past the records asked for */
	c = cmd_at(VRFSEC_ABI_OP_COUNTERS, 0, IOVA(MEM_SIZE - 64), 0, 0);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_DMA);
	c = cmd_at(VRFSEC_ABI_OP_COUNTERS, 0, IOVA(SNAP_OFF), VRFSEC_MAX_SA + 1, 0);
	assert_int_equal(c.detail, VRFSEC_ABI_ERR_BAD_PARAM);
	c = cmd_at(VRFSEC_ABI_OP_NOP, 0, 0, 0, 0);
	assert_int_equal(c.status, 0);
}

static void test_keys_not_readable(void **state)
{
	struct vrfsec_abi_sa_entry e = sa_in(7, 0x77, 7), u;
	struct vrfsec_abi_sa_del_entry d = { 7, 0 };
	struct vrfsec_abi_cpl_desc c;
	uint8_t k[32];

	(void)state;
	key_of(7, k);
	ok1(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ);
	assert_null(memmem(F, sizeof(*F), k, 8)); /* the DMA staging buffer was wiped */
	u = e; /* an update carrying the key must not keep it anywhere either */
	ok1(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ);
	assert_null(memmem(F, sizeof(*F), k, 8));
	c = cmd_at(VRFSEC_ABI_OP_COUNTERS, 0, IOVA(SNAP_OFF), 16, 0);
	assert_int_equal(c.status, 0);
	memset(P.mem + PARAM_OFF, 0, SA_SZ); /* the host's own copy */
	assert_null(memmem(P.mem, MEM_SIZE, k, 8));
	assert_null(memmem(bar, sizeof(bar), k, 8));
	assert_null(memmem(F, sizeof(*F), k, 8));
	assert_null(memmem(t->sa, 64 * sizeof(t->sa[0]), k, 8));
	assert_memory_equal(P.key[7], k, 16); /* only the crypto core has it */
	ok1(VRFSEC_ABI_OP_SA_DEL, &d, sizeof(d));
	assert_int_equal(P.wipes, 1);
	assert_null(memmem(P.key, 64 * sizeof(P.key[0]), k, 8));
}

static void test_reset(void **state)
{
	struct vrfsec_abi_sa_entry e = sa_in(3, 0x33, 3);
	struct vrfsec_abi_route_entry r = route4(1, 0x0a000000, 8, 5);
	struct vrfsec_abi_label_entry l = { 500, 1, 0 };
	uint32_t ctl = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_CONTROL;

	(void)state;
	ok1(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ);
	ok1(VRFSEC_ABI_OP_SA_ADD, (e = sa_out(4, 0x44), &e), SA_SZ);
	ok1(VRFSEC_ABI_OP_ROUTE_ADD, &r, RT_SZ);
	ok1(VRFSEC_ABI_OP_LABEL_MAP, &l, sizeof(l));
	t->cnt[0] = 5;
	wr(ctl, 0x3);
	assert_true(poll1() > 0);
	assert_int_equal(rd(ctl), 0x1); /* reset done, data path still enabled */
	assert_false(t->sa[3].valid || t->sa[4].valid);
	assert_int_equal(P.wipes, 2);
	assert_int_equal(lookup4(1, 0x0a000001), 0);
	assert_int_equal(t->fib.routes, 0);
	assert_int_equal(t->label_vrf[500], 0);
	assert_int_equal(t->cnt[0], 0);
	assert_int_equal(t->port.natt_port, 4500);
	e = sa_in(3, 0x33, 3);
	ok1(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_block_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sa_add_update_del, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_or_continue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routes_and_fib_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nh_label_vrf_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_not_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
