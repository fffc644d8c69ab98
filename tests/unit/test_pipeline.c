/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the pipeline's per-feature behaviour: outer header policy, MPLS, VLAN, TTL,
 * MTU, selectors, exceptions; a second card plays the peer that seals or opens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sa_hash.h"
#include "testbed.h"

static struct testbed gw, peer;
static struct vrfsec_pkt *pk;
static const uint8_t KEY[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t GW[4] = { 203, 0, 113, 1 };
static const uint8_t CL[4] = { 198, 51, 100, 7 };
static const uint8_t CLIN[4] = { 10, 1, 0, 7 };
static const uint8_t HQ[4] = { 10, 100, 0, 1 };
static const uint8_t MAC_A[6] = { 2, 0, 0, 0, 0, 0xa };
static const uint8_t MAC_B[6] = { 2, 0, 0, 0, 0, 0xb };

enum { SA_IN = 1, SA_OUT = 2, NH_SA = 1, NH_CORE = 2, NH_VLAN = 3, NH_HOST = 4, NH_DROP = 5 };

static void sa_pair(struct vrfsec_sa_params *in, struct vrfsec_sa_params *out)
{
	memset(in, 0, sizeof(*in));
	in->dir = VRFSEC_SA_DIR_IN;
	in->outer_af = VRFSEC_AF_IPV4;
	in->spi = 0xa0a0a0a0;
	in->vrf = 1;
	memcpy(in->salt, "salt", 4);
	memcpy(in->dst, GW, 4);
	memcpy(in->src, CL, 4);
	in->n_ts = 1;
	in->ts[0].af = VRFSEC_AF_IPV4;
	in->ts[0].plen = 32;
	memcpy(in->ts[0].addr, CLIN, 4);
	*out = *in;
	out->dir = VRFSEC_SA_DIR_OUT;
	out->spi = 0xb0b0b0b0;
	out->n_ts = 0;
	memcpy(out->src, GW, 4);
	memcpy(out->dst, CL, 4);
	memcpy(out->smac, MAC_A, 6);
	memcpy(out->dmac, MAC_B, 6);
}

/* Gateway SAs as given; the peer gets the mirror images (its outbound = our inbound). */
static void install(const struct vrfsec_sa_params *in, const struct vrfsec_sa_params *out)
{
	struct vrfsec_sa_params pin = *out, pout = *in;

	vrfsec_engine_sa_del(gw.e, SA_IN);
	vrfsec_engine_sa_del(gw.e, SA_OUT);
	vrfsec_engine_sa_del(peer.e, SA_IN);
	vrfsec_engine_sa_del(peer.e, SA_OUT);
	assert_int_equal(vrfsec_engine_sa_add(gw.e, SA_IN, in, KEY, 16), 0);
	assert_int_equal(vrfsec_engine_sa_add(gw.e, SA_OUT, out, KEY, 16), 0);
	pin.dir = VRFSEC_SA_DIR_IN;
	pin.n_ts = 0;
	pout.dir = VRFSEC_SA_DIR_OUT;
	memcpy(pout.smac, MAC_B, 6);
	memcpy(pout.dmac, MAC_A, 6);
	memcpy(pout.src, in->src, 16);
	memcpy(pout.dst, in->dst, 16);
	assert_int_equal(vrfsec_engine_sa_add(peer.e, SA_IN, &pin, KEY, 16), 0);
	assert_int_equal(vrfsec_engine_sa_add(peer.e, SA_OUT, &pout, KEY, 16), 0);
}

/* The default pair: no test-specific outer policy. */
static void install_default(void)
{
	struct vrfsec_sa_params in, out;

	sa_pair(&in, &out);
	install(&in, &out);
}

static unsigned ip4(uint8_t *ip, const uint8_t *src, const uint8_t *dst, unsigned payload,
		    uint8_t tos, uint8_t ttl, int df)
{
	unsigned i;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = tos;
	ip[2] = (uint8_t)((20 + payload) >> 8);
	ip[3] = (uint8_t)(20 + payload);
	ip[6] = df ? 0x40 : 0;
	ip[8] = ttl;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	ipv4_fix_csum(ip);
	for (i = 0; i < payload; i++)
		ip[20 + i] = (uint8_t)(0x30 + i);
	return 20 + payload;
}

/* The peer seals an inner packet; returns the frame length in f. */
static unsigned peer_seal(uint8_t *f, const uint8_t *ip, unsigned len)
{
	pkt_load(pk, VRFSEC_PORT_HOST, ip, len);
	pk->sa_out = SA_OUT;
	assert_int_equal(testbed_run1(&peer, pk), VRFSEC_PORT_PUBLIC);
	memcpy(f, pkt_data(pk), pk->len);
	return pk->len;
}

static unsigned core_frame(uint8_t *f, uint32_t label, uint8_t lttl, const uint8_t *ip,
			   unsigned len)
{
	eth_hdr(f, MAC_A, MAC_B, 0x8847);
	f[14] = (uint8_t)(label >> 12);
	f[15] = (uint8_t)(label >> 4);
	f[16] = (uint8_t)(label << 4 | 1);
	f[17] = lttl;
	memcpy(f + 18, ip, len);
	return 18 + len;
}

static unsigned run(uint8_t port, const uint8_t *f, unsigned len)
{
	pkt_load(pk, port, f, len);
	return testbed_run1(&gw, pk);
}

static int setup(void **state)
{
	struct vrfsec_vrf_params vp = { 0 };
	struct vrfsec_nh nh = { 0 };
	static const uint8_t zero[4];
	unsigned i;

	(void)state;
	pk = calloc(1, sizeof(*pk));
	if (!pk || testbed_open(&gw, VRFSEC_ENGINE_CMODEL) || testbed_open(&peer, VRFSEC_ENGINE_CPU))
		return -1;
	vp.vlan = 42;
	vp.tc_map_set = 1;
	for (i = 0; i < 64; i++)
		vp.tc_map[i] = (uint8_t)(i == 46 ? 5 : 1);
	if (vrfsec_vrf_set(gw.t, 1, &vp) || vrfsec_label_map(gw.t, 3001, 1))
		return -1;
	nh.kind = VRFSEC_NH_SA;
	nh.sa = SA_OUT;
	vrfsec_nh_set(gw.t, NH_SA, &nh);
	memset(&nh, 0, sizeof(nh));
	nh.kind = VRFSEC_NH_MPLS;
	nh.n_labels = 3;
	nh.label[0] = 16;
	nh.label[1] = 17;
	nh.label[2] = 3001;
	memcpy(nh.eth, MAC_B, 6);
	memcpy(nh.eth + 6, MAC_A, 6);
	vrfsec_nh_set(gw.t, NH_CORE, &nh);
	nh.kind = VRFSEC_NH_VLAN;
	nh.vlan = 42;
	vrfsec_nh_set(gw.t, NH_VLAN, &nh);
	memset(&nh, 0, sizeof(nh));
	nh.kind = VRFSEC_NH_HOST;
	vrfsec_nh_set(gw.t, NH_HOST, &nh);
	nh.kind = VRFSEC_NH_DROP;
	vrfsec_nh_set(gw.t, NH_DROP, &nh);
	if (vrfsec_route_add(gw.t, 1, VRFSEC_AF_IPV4, CLIN, 32, NH_SA) ||
	    vrfsec_route_add(gw.t, 1, VRFSEC_AF_IPV4, HQ, 16, NH_CORE) ||
	    vrfsec_route_add(gw.t, 1, VRFSEC_AF_IPV4, (const uint8_t[]){ 10, 200, 0, 0 }, 16,
			     NH_VLAN) ||
	    vrfsec_route_add(gw.t, 1, VRFSEC_AF_IPV4, (const uint8_t[]){ 10, 201, 0, 0 }, 16,
			     NH_HOST) ||
	    vrfsec_route_add(gw.t, 1, VRFSEC_AF_IPV4, (const uint8_t[]){ 10, 202, 0, 0 }, 16,
			     NH_DROP))
		return -1;
	(void)zero;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	testbed_close(&gw);
	testbed_close(&peer);
	free(pk);
	return 0;
}

static void test_outer_header_policy(void **state)
{
	struct vrfsec_sa_params in, out;
	uint8_t ip[256], f[512];
	unsigned n, k;

	(void)state;
	for (k = 0; k < 3; k++) {
		sa_pair(&in, &out);
		out.dscp_copy = k == 0;
		out.ecn_copy = k != 2;
		out.tos = 0xb9; /* DSCP 46, ECN 01 */
		out.df_mode = (uint8_t)k; /* copy, set, clear */
		out.ttl = 17;
		out.ipv4_id = 0xfffe;
		install(&in, &out);
		n = ip4(ip, HQ, CLIN, 40, 0x2a, 64, 1); /* DSCP 10, ECN 10 */
		n = core_frame(f, 3001, 64, ip, n);
		for (unsigned rep = 0; rep < 3; rep++) {
			const uint8_t *o;

			assert_int_equal(run(VRFSEC_PORT_CORE, f, n), VRFSEC_PORT_PUBLIC);
			o = pkt_data(pk) + 14;
			assert_int_equal(o[1] & 0xfc, k == 0 ? 0x28 : 0xb8);
			assert_int_equal(o[1] & 3, k != 2 ? 2 : 1);
			assert_int_equal(o[6] & 0x40, k == 2 ? 0 : 0x40);
			assert_int_equal(o[8], 17);
			assert_int_equal(o[4] << 8 | o[5], (0xfffe + rep) & 0xffff);
			assert_int_equal(o[9], 50);
			ipv4_fix_csum((uint8_t *)o); /* recomputing must not change it */
			assert_memory_equal(o, pkt_data(pk) + 14, 20);
		}
	}
	/* and what the gateway sent, the peer opens back to the inner packet (TTL one lower) */
	memcpy(f, pkt_data(pk), pk->len);
	pkt_load(pk, VRFSEC_PORT_PUBLIC, f, pk->len);
	peer.t->port.natt_port = 4500;
	testbed_run1(&peer, pk);
	assert_int_equal(pk->reason, VRFSEC_CNT_NO_ROUTE); /* the peer has no VRF: but it decrypted */
	assert_int_equal(peer.t->cnt[VRFSEC_CNT_DECRYPT_OK], 1);
}

static void test_ipv6_outer(void **state)
{
	struct vrfsec_sa_params in, out;
	uint8_t ip[256], f[512];
	unsigned n;
	const uint8_t *o;

	(void)state;
	sa_pair(&in, &out);
	in.outer_af = out.outer_af = VRFSEC_AF_IPV6;
	memset(in.dst, 0x20, 16);
	memset(out.src, 0x20, 16);
	memset(in.src, 0x30, 16);
	memset(out.dst, 0x30, 16);
	out.flow_label = 0x12345;
	out.tos = 0x48;
	out.ttl = 99;
	out.udp = in.udp = 1;
	out.udp_sport = in.udp_dport = 4500;
	out.udp_dport = in.udp_sport = 7501;
	install(&in, &out);
	n = ip4(ip, HQ, CLIN, 33, 0, 64, 0);
	n = core_frame(f, 3001, 64, ip, n);
	assert_int_equal(run(VRFSEC_PORT_CORE, f, n), VRFSEC_PORT_PUBLIC);
	o = pkt_data(pk);
	assert_int_equal(o[12] << 8 | o[13], 0x86dd);
	o += 14;
	assert_int_equal((o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]), 0x60000000 | 0x48 << 20 | 0x12345);
	assert_int_equal(o[6], 17);
	assert_int_equal(o[7], 99);
	assert_int_equal(o[4] << 8 | o[5], pk->len - 14 - 40);
	assert_int_equal(o[40] << 8 | o[41], 4500);
	assert_int_equal(o[42] << 8 | o[43], 7501);
	assert_int_equal(o[44] << 8 | o[45], pk->len - 14 - 40);
	assert_int_equal(o[46] << 8 | o[47], 0); /* zero UDP checksum, RFC 3948 */
	assert_int_equal((pk->len - 14 - 40 - 8 - 16 - 16) % 4, 0);
}

static void test_decrypt_to_mpls_and_vlan(void **state)
{
	struct vrfsec_sa_params in, out;
	uint8_t ip[256], f[512];
	unsigned n;
	const uint8_t *o;

	(void)state;
	sa_pair(&in, &out);
	install(&in, &out);
	/* client -> HQ: three labels, TC from the VRF's DSCP map (EF -> 5), uniform TTL */
	n = ip4(ip, CLIN, HQ, 60, 46 << 2, 30, 0);
	n = peer_seal(f, ip, n);
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_CORE);
	o = pkt_data(pk);
	assert_int_equal(o[12] << 8 | o[13], 0x8847);
	assert_int_equal((o[14] << 12 | o[15] << 4 | o[16] >> 4), 16);
	assert_int_equal((o[18] << 12 | o[19] << 4 | o[20] >> 4), 17);
	assert_int_equal((o[22] << 12 | o[23] << 4 | o[24] >> 4), 3001);
	assert_int_equal(o[16] & 1, 0);
	assert_int_equal(o[24] & 1, 1);
	assert_int_equal(o[16] >> 1 & 7, 5);
	assert_int_equal(o[17], 29);
	assert_int_equal(o[25], 29);
	assert_int_equal(o[26 + 8], 29); /* IP TTL decremented */
	assert_int_equal(pk->len, 14 + 12 + 80);
	/* pipe model on this next hop: label TTL from the next hop, IP TTL only decremented */
	gw.t->nh[NH_CORE].ttl_mode = VRFSEC_TTL_PIPE;
	gw.t->nh[NH_CORE].pipe_ttl = 200;
	n = ip4(ip, CLIN, HQ, 60, 0, 30, 0);
	n = peer_seal(f, ip, n);
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_CORE);
	assert_int_equal(pkt_data(pk)[25], 200);
	assert_int_equal(pkt_data(pk)[26 + 8], 29);
	gw.t->nh[NH_CORE].ttl_mode = VRFSEC_TTL_UNIFORM;
	/* client -> inside VLAN 42, PCP from the DSCP map */
	n = ip4(ip, CLIN, (const uint8_t[]){ 10, 200, 1, 1 }, 10, 0, 64, 0);
	n = peer_seal(f, ip, n);
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_INSIDE);
	o = pkt_data(pk);
	assert_int_equal(o[12] << 8 | o[13], 0x8100);
	assert_int_equal((o[14] << 8 | o[15]) & 0xfff, 42);
	assert_int_equal(o[14] >> 5, 1);
	assert_int_equal(o[16] << 8 | o[17], 0x0800);
	/* host and drop routes, no route */
	n = peer_seal(f, ip, ip4(ip, CLIN, (const uint8_t[]){ 10, 201, 1, 1 }, 10, 0, 64, 0));
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_NH_HOST);
	n = peer_seal(f, ip, ip4(ip, CLIN, (const uint8_t[]){ 10, 202, 1, 1 }, 10, 0, 64, 0));
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_NH_DROP);
	n = peer_seal(f, ip, ip4(ip, CLIN, (const uint8_t[]){ 172, 16, 0, 1 }, 10, 0, 64, 0));
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_NO_ROUTE);
	/* TTL 1 after decryption: to the host for the ICMP error */
	n = peer_seal(f, ip, ip4(ip, CLIN, HQ, 10, 0, 1, 0));
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_TTL_EXPIRED);
	/* inside VLAN 42 -> client: VLAN to VRF, then ESP out */
	n = ip4(ip, (const uint8_t[]){ 10, 200, 1, 1 }, CLIN, 10, 0, 64, 0);
	eth_hdr(f, MAC_A, MAC_B, 0x8100);
	f[14] = 0;
	f[15] = 42;
	f[16] = 0x08;
	f[17] = 0;
	memcpy(f + 18, ip, n);
	assert_int_equal(run(VRFSEC_PORT_INSIDE, f, 18 + n), VRFSEC_PORT_PUBLIC);
	f[15] = 43;
	assert_int_equal(run(VRFSEC_PORT_INSIDE, f, 18 + n), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_NO_VLAN);
}

static void test_selectors_and_wipe(void **state)
{
	uint8_t ip[256], f[512];
	unsigned n;

	(void)state;
	install_default();
	/* a source outside the SA's selector: dropped, and the plaintext gone from the buffer */
	n = ip4(ip, (const uint8_t[]){ 10, 1, 0, 8 }, HQ, 64, 0, 64, 0);
	memcpy(ip + 20, "SECRET-PLAINTEXT-MUST-NOT-LEAK!!", 32);
	n = peer_seal(f, ip, n);
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_INNER_SRC);
	assert_null(memmem(pk->buf, sizeof(pk->buf), "SECRET-PLAINTEXT", 16));
	assert_int_equal(gw.t->sa_cnt[SA_IN].drops, 1);
}

static void test_mtu_and_exhaustion(void **state)
{
	struct vrfsec_sa_params in, out;
	uint8_t ip[1600], f[1700];
	unsigned n;

	(void)state;
	sa_pair(&in, &out);
	out.mtu = 600;
	install(&in, &out);
	n = core_frame(f, 3001, 64, ip, ip4(ip, HQ, CLIN, 560, 0, 64, 1));
	assert_int_equal(run(VRFSEC_PORT_CORE, f, n), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_MTU_EXCEEDED);
	n = core_frame(f, 3001, 64, ip, ip4(ip, HQ, CLIN, 520, 0, 64, 1));
	assert_int_equal(run(VRFSEC_PORT_CORE, f, n), VRFSEC_PORT_PUBLIC);
	assert_true(pk->len - 14 <= 600);
	/* core side MTU */
	gw.t->port.core_mtu = 100;
	n = peer_seal(f, ip, ip4(ip, CLIN, HQ, 200, 0, 64, 1));
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_MTU_EXCEEDED);
	gw.t->port.core_mtu = 1500;
	/* sequence number space: ESN lets it pass 2^32, without ESN it stops */
	out.mtu = 0;
	out.seq = 0xffffffffull;
	out.esn = in.esn = 1;
	install(&in, &out);
	n = core_frame(f, 3001, 64, ip, ip4(ip, HQ, CLIN, 20, 0, 64, 1));
	assert_int_equal(run(VRFSEC_PORT_CORE, f, n), VRFSEC_PORT_PUBLIC);
	assert_true(gw.t->sa[SA_OUT].seq == 0x100000000ull);
	out.esn = in.esn = 0;
	install(&in, &out);
	assert_int_equal(run(VRFSEC_PORT_CORE, f, n), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_SEQ_EXHAUSTED);
}

static void test_core_labels(void **state)
{
	uint8_t ip[256], f[512];
	unsigned n;

	(void)state;
	install_default();
	n = ip4(ip, HQ, CLIN, 20, 0, 64, 0);
	assert_int_equal(run(VRFSEC_PORT_CORE, f, core_frame(f, 4000, 64, ip, n)), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_NO_LABEL);
	assert_int_equal(run(VRFSEC_PORT_CORE, f, core_frame(f, 3001, 1, ip, n)), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_TTL_EXPIRED);
	/* uniform pop: label TTL 9 becomes the IP TTL, then forwarding takes one */
	assert_int_equal(run(VRFSEC_PORT_CORE, f, core_frame(f, 3001, 9, ip, n)), VRFSEC_PORT_PUBLIC);
	memcpy(f, pkt_data(pk), pk->len);
	pkt_load(pk, VRFSEC_PORT_PUBLIC, f, pk->len);
	testbed_run1(&peer, pk);
	assert_int_equal(peer.t->cnt[VRFSEC_CNT_DECRYPT_OK], 2);
	/* explicit null above the VPN label is popped; a VPN label not at the bottom is refused */
	{
		uint8_t g[512];

		memcpy(g, f, 14);
		g[12] = 0x88;
		g[13] = 0x47;
		g[14] = 0;
		g[15] = 0;
		g[16] = 0;
		g[17] = 64;
		n = core_frame(f, 3001, 64, ip, n);
		memcpy(g + 18, f + 14, n - 14);
		assert_int_equal(run(VRFSEC_PORT_CORE, g, n + 4), VRFSEC_PORT_PUBLIC);
		f[16] &= 0xfe;
		assert_int_equal(run(VRFSEC_PORT_CORE, f, n), VRFSEC_PORT_DROP);
		assert_int_equal(pk->reason, VRFSEC_CNT_MALFORMED);
	}
}

static void test_rfc_checks(void **state)
{
	uint8_t ip[256], f[512], g[512];
	unsigned n, m;

	(void)state;
	install_default();
	/* RFC 3032: the top entry's TTL counts; an explicit null with TTL 1 expires the packet */
	n = ip4(ip, HQ, CLIN, 20, 0, 64, 0);
	m = core_frame(f, 3001, 64, ip, n);
	memcpy(g, f, 14);
	g[14] = 0;
	g[15] = 0;
	g[16] = 0;
	g[17] = 1;
	memcpy(g + 18, f + 14, m - 14);
	assert_int_equal(run(VRFSEC_PORT_CORE, g, m + 4), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_TTL_EXPIRED);
	/* RFC 1812: a bad inner header checksum is dropped, not repaired */
	f[18 + 10] ^= 0x55;
	assert_int_equal(run(VRFSEC_PORT_CORE, f, m), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_MALFORMED);
	/* RFC 6040: outer CE marks an ECT inner packet CE, and drops a Not-ECT one */
	for (unsigned ect = 0; ect < 2; ect++) {
		n = ip4(ip, CLIN, HQ, 30, ect ? 0x02 : 0x00, 64, 0);
		n = peer_seal(f, ip, n);
		f[14 + 1] |= 3; /* CE on the outer header, as a congested router would */
		ipv4_fix_csum(f + 14);
		if (ect) {
			assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_CORE);
			assert_int_equal(pkt_data(pk)[26 + 1] & 3, 3);
			memcpy(g, pkt_data(pk) + 26, 20);
			ipv4_fix_csum(g);
			assert_memory_equal(g, pkt_data(pk) + 26, 20);
		} else {
			assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, n), VRFSEC_PORT_DROP);
			assert_int_equal(pk->reason, VRFSEC_CNT_ECN_DROP);
		}
	}
}

static void test_inject_into_vrf(void **state)
{
	uint8_t ip[256];
	unsigned n;

	(void)state;
	install_default();
	/* a host-made packet forwarded in VRF 1 as if a tunnel had delivered it: labels pushed */
	n = ip4(ip, CLIN, HQ, 40, 0, 64, 0);
	pkt_load(pk, VRFSEC_PORT_HOST, ip, n);
	pk->out_port = VRFSEC_PORT_HOST;
	pk->vrf = 1;
	assert_int_equal(testbed_run1(&gw, pk), VRFSEC_PORT_CORE);
	assert_int_equal((pkt_data(pk)[22] << 12 | pkt_data(pk)[23] << 4 | pkt_data(pk)[24] >> 4),
			 3001);
	assert_int_equal(pkt_data(pk)[26 + 8], 63);
	/* ... and towards a client: sealed into its SA */
	n = ip4(ip, HQ, CLIN, 40, 0, 64, 0);
	pkt_load(pk, VRFSEC_PORT_HOST, ip, n);
	pk->out_port = VRFSEC_PORT_HOST;
	pk->vrf = 1;
	assert_int_equal(testbed_run1(&gw, pk), VRFSEC_PORT_PUBLIC);
	/* a VRF beyond the table is refused */
	pkt_load(pk, VRFSEC_PORT_HOST, ip, n);
	pk->out_port = VRFSEC_PORT_HOST;
	pk->vrf = VRFSEC_MAX_VRF;
	assert_int_equal(testbed_run1(&gw, pk), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_MALFORMED);
}

static void test_vrf_vlan_refusal(void **state)
{
	struct vrfsec_vrf_params a = { 0 }, b = { 0 };

	(void)state;
	a.vlan = 100;
	b.vlan = 200;
	assert_int_equal(vrfsec_vrf_set(gw.t, 5, &a), 0);
	assert_int_equal(vrfsec_vrf_set(gw.t, 6, &b), 0);
	a.vlan = 200; /* taken by VRF 6: refused, and VRF 5 keeps VLAN 100 */
	assert_int_equal(vrfsec_vrf_set(gw.t, 5, &a), VRFSEC_EEXIST);
	assert_int_equal(gw.t->vlan_vrf[100], 5 + 1);
	assert_int_equal(gw.t->vlan_vrf[200], 6 + 1);
	assert_int_equal(gw.t->vrf[5].vlan, 100);
}

static void test_public_exceptions(void **state)
{
	uint8_t f[256];
	unsigned n;

	(void)state;
	eth_hdr(f, MAC_A, MAC_B, 0x0806);
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, 42), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_NON_IP);
	eth_hdr(f, MAC_A, MAC_B, 0x0800);
	n = ip4(f + 14, CL, GW, 8 + 1, 0, 64, 0);
	f[14 + 9] = 17;
	ipv4_fix_csum(f + 14);
	f[34] = 0x11;
	f[35] = 0x94; /* 4500 */
	f[36] = 0x11;
	f[37] = 0x94;
	f[38] = 0;
	f[39] = 9;
	f[42] = 0xff;
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, 14 + n), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_NATT_KEEPALIVE);
	f[36] = 0x01;
	f[37] = 0xf4; /* 500 */
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, 14 + n), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_IKE);
	f[14 + 6] = 0x20; /* more fragments */
	ipv4_fix_csum(f + 14);
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, 14 + n), VRFSEC_PORT_HOST);
	assert_int_equal(pk->reason, VRFSEC_CNT_FRAGMENT);
	f[14 + 10] ^= 1; /* bad header checksum */
	assert_int_equal(run(VRFSEC_PORT_PUBLIC, f, 14 + n), VRFSEC_PORT_DROP);
	assert_int_equal(pk->reason, VRFSEC_CNT_MALFORMED);
}

static void test_spi_table_full(void **state)
{
	struct vrfsec_sa_params p;
	unsigned i, full = 0;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.dir = VRFSEC_SA_DIR_IN;
	p.outer_af = VRFSEC_AF_IPV4;
	/* both candidate buckets of an SPI occupied: the insert is refused and counted */
	{
		struct vrfsec_spi_bucket save[2];
		uint32_t spi = 0x12345678u, w, k;
		uint64_t before = gw.t->cnt[VRFSEC_CNT_TABLE_FULL];

		for (w = 0; w < 2; w++) {
			save[w] = gw.t->spi_hash[spi_bucket(spi, w)];
			for (k = 0; k < VRFSEC_SPI_WAYS; k++) {
				gw.t->spi_hash[spi_bucket(spi, w)].spi[k] = 0xdead0000u + k;
				gw.t->spi_hash[spi_bucket(spi, w)].sa[k] = 500 + k + 1;
			}
		}
		p.spi = spi;
		memcpy(p.dst, GW, 4);
		assert_int_equal(vrfsec_sa_compile(gw.t, 99, &p), VRFSEC_ENOSPC);
		assert_int_equal(gw.t->cnt[VRFSEC_CNT_TABLE_FULL], before + 1);
		assert_int_equal(gw.t->sa[99].valid, 0);
		for (w = 0; w < 2; w++)
			gw.t->spi_hash[spi_bucket(spi, w)] = save[w];
	}
	/* same SPI and destination twice is refused as existing; capacity of 65,536 SAs is real */
	p.spi = 0x9999;
	assert_int_equal(vrfsec_sa_compile(gw.t, 100, &p), 0);
	assert_int_equal(vrfsec_sa_compile(gw.t, 101, &p), VRFSEC_EEXIST);
	for (i = 0; i < 65536; i++) {
		p.spi = 0x100000u + i * 7919u;
		if (vrfsec_sa_compile(gw.t, 1000 + i, &p) != 0)
			full++;
	}
	assert_int_equal(full, 0);
	for (i = 0; i < 65536; i++)
		assert_int_equal(vrfsec_spi_lookup(gw.t, 0x100000u + i * 7919u, VRFSEC_AF_IPV4, GW),
				 1000 + i);
	for (i = 0; i < 65536; i++)
		assert_int_equal(vrfsec_sa_remove(gw.t, 1000 + i), 0);
	assert_int_equal(vrfsec_sa_remove(gw.t, 100), 0);
	assert_int_equal(vrfsec_spi_lookup(gw.t, 0x9999, VRFSEC_AF_IPV4, GW), VRFSEC_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outer_header_policy), cmocka_unit_test(test_ipv6_outer),
		cmocka_unit_test(test_decrypt_to_mpls_and_vlan), cmocka_unit_test(test_selectors_and_wipe),
		cmocka_unit_test(test_mtu_and_exhaustion),   cmocka_unit_test(test_core_labels),
		cmocka_unit_test(test_public_exceptions),    cmocka_unit_test(test_spi_table_full),
		cmocka_unit_test(test_rfc_checks),           cmocka_unit_test(test_vrf_vlan_refusal),
		cmocka_unit_test(test_inject_into_vrf),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
