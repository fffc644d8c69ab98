/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware unit tests of SA_UPDATE moving an SA: outer addresses, ports, MACs, refusals. */
#include "fw_fake.h"


static uint16_t csum16(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0, i;

	for (i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)s;
}

/* The outbound template moves; sequence number, IV and IPv4 ID stay; the checksum base fits. */
static void test_update_moves_outbound(void **state)
{
	struct vrfsec_abi_sa_entry e = sa_out(5, 0x5005), u;
	const uint8_t src[4] = { 203, 0, 113, 1 }, dst[4] = { 100, 64, 7, 9 };
	const uint8_t smac[6] = { 2, 0, 0, 0, 0, 0xaa }, dmac[6] = { 2, 0, 0, 0, 0, 0xbb };
	struct vrfsec_sa *sa = &t->sa[5];
	uint8_t hdr[20];
	uint8_t key_before[32];

	(void)state;
	e.seq = 41;
	e.iv = 0x1234;
	e.ipv4_id = 77;
	ok1(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ);
	memcpy(key_before, P.key[5], 32);
	/* what packets did meanwhile */
	sa->seq = 1000;
	sa->iv = 0x99999;
	sa->ipv4_id = 555;
	t->sa_cnt[5].packets = 12;

	u = e;
	memset(u.key, 0, sizeof(u.key)); /* an update carries no key and changes none */
	u.key_len = 0;
	memcpy(u.src, src, 4);
	memcpy(u.dst, dst, 4);
	memcpy(u.smac, smac, 6);
	memcpy(u.dmac, dmac, 6);
	u.udp_sport = 4500;
	u.udp_dport = 31337;
	u.update = VRFSEC_ABI_SA_UPD_ADDR | VRFSEC_ABI_SA_UPD_ETH;
	ok1(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ);

	assert_int_equal(sa->seq, 1000);
	assert_true(sa->iv == 0x99999);
	assert_int_equal(sa->ipv4_id, 555);
	assert_int_equal(t->sa_cnt[5].packets, 12);
	assert_memory_equal(P.key[5], key_before, 32);
	assert_int_equal(sa->tmpl_len, 14 + 20 + 8 + 4);
	assert_memory_equal(sa->tmpl, dmac, 6);
	assert_memory_equal(sa->tmpl + 6, smac, 6);
	assert_memory_equal(sa->tmpl + 14 + 12, src, 4);
	assert_memory_equal(sa->tmpl + 14 + 16, dst, 4);
	assert_memory_equal(sa->src, src, 4);
	assert_memory_equal(sa->dst, dst, 4);
	assert_int_equal(sa->tmpl[42 - 8] << 8 | sa->tmpl[43 - 8], 4500);
	assert_int_equal(sa->tmpl[44 - 8] << 8 | sa->tmpl[45 - 8], 31337);
	assert_int_equal(sa->tmpl[42] << 24 | sa->tmpl[43] << 16 | sa->tmpl[44] << 8 | sa->tmpl[45],
			 0x5005);
	/* The checksum base is the sum of the unchanging words: with TOS, length, ID and flags
	 * zero, folding it must equal the template header's own sum. */
	memcpy(hdr, sa->tmpl + 14, 20);
	assert_int_equal(csum16(hdr, 20), (uint16_t)((sa->ip4_csum_base & 0xffffu) +
						       (sa->ip4_csum_base >> 16)));
}

/* Without flags an update leaves addresses and MACs alone (ports, MTU, lifetimes as before). */
static void test_update_without_flags(void **state)
{
	struct vrfsec_abi_sa_entry e = sa_out(6, 0x6006), u;
	uint8_t tmpl[VRFSEC_TMPL_MAX];

	(void)state;
	ok1(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ);
	memcpy(tmpl, t->sa[6].tmpl, sizeof(tmpl));
	u = e;
	memset(u.src, 0, 16);
	memset(u.dst, 0, 16);
	memset(u.smac, 0, 6);
	memset(u.dmac, 0, 6);
	u.udp_dport = 4501;
	ok1(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ);
	tmpl[14 + 20 + 2] = 4501 >> 8;
	tmpl[14 + 20 + 3] = 4501 & 0xff;
	assert_memory_equal(t->sa[6].tmpl, tmpl, sizeof(tmpl));
}

/* Inbound: the destination is the lookup's key. The SA moves there with its replay window. */
static void test_update_moves_inbound(void **state)
{
	struct vrfsec_abi_sa_entry e = sa_in(7, 0x7007, 1), twin = sa_in(8, 0x7007, 2), u;
	const uint8_t old_dst[4] = { 192, 0, 2, 1 }, new_dst[4] = { 192, 0, 2, 3 };
	const uint8_t twin_dst[4] = { 192, 0, 2, 2 };

	(void)state;
	ok1(VRFSEC_ABI_OP_SA_ADD, &e, SA_SZ);
	ok1(VRFSEC_ABI_OP_SA_ADD, &twin, SA_SZ);
	t->sa[7].seq = 300;
	t->replay[7][0] = 0xdeadbeef;
	u = e;
	memcpy(u.dst, new_dst, 4);
	u.update = VRFSEC_ABI_SA_UPD_ADDR;
	ok1(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ);
	assert_int_equal(vrfsec_spi_lookup(t, 0x7007, 4, new_dst), 7);
	assert_int_equal(vrfsec_spi_lookup(t, 0x7007, 4, old_dst), VRFSEC_NONE);
	assert_int_equal(vrfsec_spi_lookup(t, 0x7007, 4, twin_dst), 8);
	assert_int_equal(t->sa[7].seq, 300);
	assert_int_equal(t->replay[7][0], 0xdeadbeef);
	/* onto the twin's destination: the pair (SPI, dst) would be ambiguous */
	memcpy(u.dst, twin_dst, 4);
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_DUP_SPI, 17);
	/* the same destination again is no conflict with itself */
	memcpy(u.dst, new_dst, 4);
	ok1(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ);
}

/* Every refusal changes nothing. */
static void test_update_refusals(void **state)
{
	struct vrfsec_abi_sa_entry o = sa_out(9, 0x9009), i = sa_in(10, 0xa00a, 4), u;

	(void)state;
	ok1(VRFSEC_ABI_OP_SA_ADD, &o, SA_SZ);
	ok1(VRFSEC_ABI_OP_SA_ADD, &i, SA_SZ);
	/* unknown flag bits */
	u = o;
	u.update = 0x4;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	/* another family: the template's length and the lookup's key width would change */
	u = o;
	u.update = VRFSEC_ABI_SA_UPD_ADDR;
	u.outer_af = 6;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	u = i;
	u.update = VRFSEC_ABI_SA_UPD_ADDR;
	u.outer_af = 6;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	/* MACs of an inbound SA: it sends nothing */
	u = i;
	u.update = VRFSEC_ABI_SA_UPD_ETH;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	/* a UDP SA moved to port 0 */
	u = o;
	u.update = VRFSEC_ABI_SA_UPD_ADDR;
	u.udp_dport = 0;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	/* a move that is a rekey: another SPI */
	u = o;
	u.update = VRFSEC_ABI_SA_UPD_ADDR;
	u.spi = 0x9999;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	/* an empty slot */
	u = o;
	u.idx = 11;
	u.update = VRFSEC_ABI_SA_UPD_ADDR;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_UNKNOWN_SA, 2);
}

/* Outbound transport mode has no outer header of its own: an address move is refused. */
static void test_update_transport_refused(void **state)
{
	struct vrfsec_abi_sa_entry o = sa_out(12, 0xc00c), u;

	(void)state;
	o.mode = VRFSEC_MODE_TRANSPORT;
	ok1(VRFSEC_ABI_OP_SA_ADD, &o, SA_SZ);
	u = o;
	u.update = VRFSEC_ABI_SA_UPD_ADDR;
	u.dst[3] = 99;
	refused(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ, VRFSEC_ABI_ERR_BAD_PARAM, 22);
	u.update = VRFSEC_ABI_SA_UPD_ETH;
	u.dmac[5] = 0x42;
	ok1(VRFSEC_ABI_OP_SA_UPDATE, &u, SA_SZ);
	assert_int_equal(t->sa[12].tmpl[5], 0x42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_update_moves_outbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_without_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_moves_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_transport_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
