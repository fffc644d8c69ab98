/* SPDX-License-Identifier: Apache-2.0 */
/* Test "scale": 100,000 SAs and 1,000,000 routes in batches, then proof that they are there:
 * re-adds refused, deletes found, and sampled traffic leaving where the plan says. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scale_check.h"
#include "trafgen.h"

#define S_CORE 1024u /* MPLS frames into sampled routes */
#define S_IN 512u    /* ESP frames through sampled inbound SAs */
#define S_OUT 512u   /* packets injected into sampled outbound SAs */
#define S_READD 256u /* SAs re-added, routes deleted and re-added */
#define TAG_BASE 0x5ca10000u

/* An address in vrf that a /32 route (want32) or a /24 route of the plan covers. */
static void pick_host(const struct plan *pl, struct trafgen_rng *rng, uint16_t vrf, bool want32,
		      uint8_t a[4])
{
	uint32_t first24 = (pl->n32 + 255u) / 256u; /* blocks past every /32 route */
	uint32_t g, r;

	if (want32 && pl->n32 >= 256u * PLAN_VRFS) {
		r = trafgen_below(rng, pl->n32 - 256u * PLAN_VRFS);
		g = ((r / 256u) & ~(PLAN_VRFS - 1u)) | (vrf - 1u);
		r = g * 256u + r % 256u;
		plan_route_host(pl, pl->n24 + r, a);
		return;
	}
	g = first24 + trafgen_below(rng, PLAN_BLOCKS - first24 - PLAN_VRFS);
	g = (g & ~(PLAN_VRFS - 1u)) | (vrf - 1u);
	plan_route_host(pl, g, a);
}

/* What a forwarded sample must look like when it leaves: its route's next hop, the inner packet
 * after the TTL step, and for core-bound ones the whole frame. */
static void expect_forward(struct scale_run *sr, struct scale_exp *e, uint16_t vrf,
			   const uint8_t *ip, uint32_t len)
{
	const struct plan *pl = &sr->pl;
	struct vrfsec_nh_cfg nh;

	e->vrf = vrf;
	e->nh = plan_lookup(pl, vrf, ip + 16, NULL);
	memcpy(e->inner, ip, len);
	e->inner_len = len;
	ip_ttl_dec(e->inner);
	plan_nh(pl, e->nh, &nh);
	if (nh.kind == VRFSEC_NEXTHOP_SA) {
		e->sa_out = nh.sa;
	} else {
		e->sa_out = VRFSEC_ABI_NONE;
		/* uniform TTL: the labels carry the packet's TTL after the decrement */
		e->frame_len = pkt_mpls(e->frame, nh.dmac, nh.smac, nh.label, nh.n_labels,
					e->inner[8], e->inner, e->inner_len);
	}
}

static bool sa_picked(const struct scale_run *sr, uint32_t i)
{
	for (uint32_t k = 0; k < sr->n_exp; k++)
		if (sr->exp[k].src == SRC_PUBLIC && sr->exp[k].sa_in == i)
			return true;
	return false;
}

/* Frames for the two pcap inputs and the injected packets, decided before the card starts:
 * pcap ports read their input file once the data path is on. */
static int build_traffic(struct ct *c, struct scale_run *sr)
{
	const struct plan *pl = &sr->pl;
	struct frames in_pub = { 0 }, in_core = { 0 };
	struct trafgen_rng rng;
	uint8_t frame[2048], ip[256], src[4];
	char err[256], path[PATH_MAX];
	int rc = 0;

	trafgen_rng_seed(&rng, c->seed ^ 0x7363616c65ull);
	for (uint32_t j = 0; j < S_CORE; j++) {
		struct scale_exp *e = &sr->exp[sr->n_exp];
		uint16_t vrf = (uint16_t)(1u + trafgen_below(&rng, PLAN_VRFS));
		uint32_t label = PLAN_VPN_LABEL + vrf, len, flen;
		uint8_t dst[4];

		pick_host(pl, &rng, vrf, j % 2u == 0, dst);
		memcpy(src, (uint8_t[4]){ 172, 16, (uint8_t)vrf, 1 }, 4);
		e->tag = TAG_BASE + sr->n_exp;
		e->src = SRC_CORE;
		len = pkt_icmp4(ip, src, dst, 64, e->tag, 32 + j % 64u);
		flen = pkt_mpls(frame, plan_card_mac, plan_core_mac, &label, 1, 64, ip, len);
		frames_add(&in_core, frame, flen);
		expect_forward(sr, e, vrf, ip, len);
		sr->n_exp++;
	}
	/* distinct inbound SAs: at most a quarter of them, so the draw ends quickly */
	for (uint32_t j = 0; j < S_IN && j < pl->n_sa / 4u; j++) {
		struct scale_exp *e = &sr->exp[sr->n_exp];
		struct vrfsec_sa_cfg sa;
		struct esp_key k;
		struct esp_build b;
		uint32_t i, len, flen;
		uint8_t dst[4];

		do
			i = 2u * trafgen_below(&rng, pl->n_sa / 2u);
		while (sa_picked(sr, i));
		plan_sa(pl, i, &sa);
		plan_key(pl, i, &k);
		pick_host(pl, &rng, sa.vrf, j % 2u == 1, dst);
		memcpy(src, (uint8_t[4]){ 172, 16, (uint8_t)sa.vrf, 2 }, 4);
		e->tag = TAG_BASE + sr->n_exp;
		e->src = SRC_PUBLIC;
		e->sa_in = i;
		len = pkt_icmp4(ip, src, dst, 64, e->tag, 16 + j % 200u);
		memset(&b, 0, sizeof(b));
		b.k = &k;
		b.spi = sa.spi;
		b.seq = 1;
		b.iv = trafgen_rand(&rng);
		memcpy(b.src, sa.src, 4);
		memcpy(b.dst, sa.dst, 4);
		if (sa.udp) {
			b.udp_sport = 4500;
			b.udp_dport = 4500;
		}
		memcpy(b.dmac, plan_card_mac, 6);
		memcpy(b.smac, plan_peer_mac, 6);
		b.inner = ip;
		b.inner_len = len;
		flen = esp_build_v4(frame, sizeof(frame), &b);
		if (!flen)
			return ct_fail(c, "cannot build an ESP frame");
		frames_add(&in_pub, frame, flen);
		expect_forward(sr, e, sa.vrf, ip, len);
		sr->n_exp++;
	}
	for (uint32_t j = 0; j < S_OUT; j++) {
		struct scale_exp *e = &sr->exp[sr->n_exp];

		e->tag = TAG_BASE + sr->n_exp;
		e->src = SRC_INJECT;
		e->sa_out = 2u * trafgen_below(&rng, pl->n_out) + 1u;
		e->inner_len = pkt_icmp4(e->inner, (uint8_t[4]){ 172, 16, 0, 9 },
					 (uint8_t[4]){ 10, 99, 0, 1 }, 64, e->tag, 48);
		sr->n_exp++;
	}
	if (frames_write_pcap(ct_path(c, path, sizeof(path), "scale-public-in.pcap"), &in_pub, err,
			      sizeof(err)) ||
	    frames_write_pcap(ct_path(c, path, sizeof(path), "scale-core-in.pcap"), &in_core, err,
			      sizeof(err)))
		rc = ct_fail(c, "%s", err);
	frames_free(&in_pub);
	frames_free(&in_core);
	return rc;
}

/* Blocking batches: the driver waits for room, so the loop only queues. Returns the rate. */
static int install(struct ct *c, struct vrfsec_dev *dev, const char *what, uint32_t n,
		   int (*queue)(struct vrfsec_batch *b, const void *cfgs, uint32_t i),
		   const void *cfgs, double *rate)
{
	struct vrfsec_batch *b;
	struct vrfsec_batch_stats st;
	double t0 = ct_now(), dt;
	int rc;

	rc = vrfsec_batch_create(dev, NULL, &b);
	if (rc)
		return ct_fail(c, "batch: %s", vrfsec_strerror(rc));
	for (uint32_t i = 0; i < n && rc == 0; i++)
		rc = queue(b, cfgs, i);
	if (rc == 0)
		rc = vrfsec_batch_wait(b, ct_ms(c, 60000));
	dt = ct_now() - t0;
	vrfsec_batch_stats_get(b, &st);
	vrfsec_batch_destroy(b);
	if (rc)
		return ct_fail(c, "%s: %s (%s); first error %s at entry %" PRIu64, what,
			       vrfsec_strerror(rc), vrfsec_errmsg(dev),
			       vrfsec_detail_name(st.first_error.detail),
			       st.first_error.first_seq + st.first_error.failed);
	if (st.queued != n || st.applied != n || st.failed != 0 || st.completed != st.commands)
		return ct_fail(c, "%s: queued %" PRIu64 " applied %" PRIu64 " failed %" PRIu64
			       " of %u (commands %" PRIu64 ", completions %" PRIu64 ")", what,
			       st.queued, st.applied, st.failed, n, st.commands, st.completed);
	*rate = n / dt;
	ct_log(c, "%s: %u in %.3f s (%.0f/s, %" PRIu64 " commands)", what, n, dt, *rate,
	       st.commands);
	return 0;
}

static int q_sa(struct vrfsec_batch *b, const void *cfgs, uint32_t i)
{
	return vrfsec_batch_sa_add(b, &((const struct vrfsec_sa_cfg *)cfgs)[i]);
}

static int q_route(struct vrfsec_batch *b, const void *cfgs, uint32_t i)
{
	return vrfsec_batch_route_add(b, &((const struct vrfsec_route_cfg *)cfgs)[i]);
}

static int q_nh(struct vrfsec_batch *b, const void *cfgs, uint32_t i)
{
	struct vrfsec_nh_cfg nh;

	plan_nh(cfgs, i + 1u, &nh);
	return vrfsec_batch_nh_set(b, &nh);
}

static int install_all(struct ct *c, struct scale_run *sr, struct vrfsec_dev *dev)
{
	const struct plan *pl = &sr->pl;
	uint32_t n_routes = pl->n24 + pl->n32;
	struct vrfsec_sa_cfg *sas = calloc(pl->n_sa, sizeof(*sas));
	struct vrfsec_route_cfg *routes = calloc(n_routes, sizeof(*routes));
	double nh_rate;
	int rc = -1;

	if (!sas || !routes) {
		ct_fail(c, "out of memory");
		goto out;
	}
	for (uint16_t v = 1; v <= PLAN_VRFS; v++) {
		struct vrfsec_vrf_cfg vc = { .vrf = v };
		struct vrfsec_label_cfg lc = { .label = PLAN_VPN_LABEL + v, .vrf = v };

		if ((rc = vrfsec_vrf_set_sync(dev, &vc)) || (rc = vrfsec_label_map_sync(dev, &lc))) {
			ct_fail(c, "VRF %u setup: %s (%s)", v, vrfsec_strerror(rc), vrfsec_errmsg(dev));
			goto out;
		}
	}
	/* the parameters exist before the clock starts: the rates are the ring's */
	for (uint32_t i = 0; i < pl->n_sa; i++)
		plan_sa(pl, i, &sas[i]);
	for (uint32_t r = 0; r < n_routes; r++)
		plan_route(pl, r, &routes[r]);
	rc = install(c, dev, "sa_add", pl->n_sa, q_sa, sas, &sr->sa_rate);
	if (rc == 0)
		rc = install(c, dev, "nh_set", plan_n_nh(pl), q_nh, pl, &nh_rate);
	if (rc == 0)
		rc = install(c, dev, "route_add", n_routes, q_route, routes, &sr->route_rate);
out:
	if (sas)
		explicit_bzero(sas, pl->n_sa * sizeof(*sas)); /* keys */
	free(sas);
	free(routes);
	return rc;
}

/* Presence without traffic: a re-added SA is refused as existing, an inbound SA's SPI is taken,
 * and a route can be deleted once (then not again) and put back. */
static int presence(struct ct *c, struct scale_run *sr, struct vrfsec_dev *dev)
{
	const struct plan *pl = &sr->pl;
	const struct vrfsec_result *res;
	struct vrfsec_sa_cfg sa;
	struct vrfsec_route_cfg rt;
	uint32_t i, k;
	int rc;

	for (k = 0; k < S_READD; k++) {
		i = (uint32_t)(mix64(pl->seed + k) % pl->n_sa);
		plan_sa(pl, i, &sa);
		sa.key[0] ^= 1; /* a different key must not get in either */
		rc = vrfsec_sa_add_sync(dev, &sa);
		res = vrfsec_last_result(dev);
		if (rc != -EEXIST || res->detail != VRFSEC_ABI_ERR_SA_EXISTS)
			return ct_fail(c, "re-adding SA %u: %s/%s, want EEXIST/SA_EXISTS", i,
				       vrfsec_strerror(rc), vrfsec_detail_name(res->detail));
	}
	/* the SPI and destination of inbound SA 0 at a free slot: the SPI hash must hold it */
	plan_sa(pl, 0, &sa);
	sa.idx = pl->n_sa;
	rc = vrfsec_sa_add_sync(dev, &sa);
	res = vrfsec_last_result(dev);
	if (rc != -EEXIST || res->detail != VRFSEC_ABI_ERR_DUP_SPI)
		return ct_fail(c, "SPI of SA 0 again at slot %u: %s/%s, want EEXIST/DUP_SPI", sa.idx,
			       vrfsec_strerror(rc), vrfsec_detail_name(res->detail));
	/* the routes the first traffic samples match: the traffic then shows the re-add worked */
	for (k = 0; k < S_READD; k++) {
		const struct scale_exp *e = &sr->exp[k];

		plan_lookup(pl, e->vrf, e->inner + 16, &rt);
		if ((rc = vrfsec_route_del_sync(dev, &rt)) != 0)
			return ct_fail(c, "deleting installed route %u.%u.%u.%u/%u in VRF %u: %s",
				       rt.addr[0], rt.addr[1], rt.addr[2], rt.addr[3], rt.plen, rt.vrf,
				       vrfsec_strerror(rc));
		rc = vrfsec_route_del_sync(dev, &rt);
		res = vrfsec_last_result(dev);
		if (rc != -ENOENT || res->detail != VRFSEC_ABI_ERR_NO_ROUTE)
			return ct_fail(c, "deleting a deleted route: %s/%s, want ENOENT/NO_ROUTE",
				       vrfsec_strerror(rc), vrfsec_detail_name(res->detail));
		if ((rc = vrfsec_route_add_sync(dev, &rt)) != 0)
			return ct_fail(c, "re-adding a route: %s", vrfsec_strerror(rc));
	}
	return 0;
}

int test_scale(struct ct *c)
{
	struct scale_run *sr = calloc(1, sizeof(*sr));
	struct vrfsec_dev *dev = NULL;
	char pin[PATH_MAX + 32], pout[PATH_MAX + 32], cin[PATH_MAX + 32], cout[PATH_MAX + 32];
	char path[PATH_MAX];
	const char *args[8];
	int rc = -1;

	if (!sr)
		return ct_fail(c, "out of memory");
	plan_init(&sr->pl, c->seed, c->n_sa, c->n_routes);
	if (build_traffic(c, sr))
		goto out;
	snprintf(pin, sizeof(pin), "public=pcap:%s,", ct_path(c, path, sizeof(path),
							       "scale-public-in.pcap"));
	snprintf(pout, sizeof(pout), "%s", ct_path(c, path, sizeof(path), "scale-public-out.pcap"));
	strncat(pin, pout, sizeof(pin) - strlen(pin) - 1);
	snprintf(cin, sizeof(cin), "core=pcap:%s,", ct_path(c, path, sizeof(path),
							    "scale-core-in.pcap"));
	snprintf(cout, sizeof(cout), "%s", ct_path(c, path, sizeof(path), "scale-core-out.pcap"));
	strncat(cin, cout, sizeof(cin) - strlen(cin) - 1);
	args[0] = "--port";
	args[1] = pin;
	args[2] = "--port";
	args[3] = cin;
	args[4] = NULL;
	if (c->scale.pid)
		sim_stop(&c->scale);
	c->scale_ready = false;
	if (sim_start(c, &c->scale, "scale", args) || sim_open(c, &c->scale, NULL, &dev))
		goto out;
	if (install_all(c, sr, dev) || presence(c, sr, dev))
		goto out;
	c->scale_ready = true;
	if (scale_traffic(c, sr, dev, pout, cout))
		goto out;
	ct_note(c, "%u SAs at %.0f/s, %u routes at %.0f/s; %u sampled packets as planned",
		sr->pl.n_sa, sr->sa_rate, sr->pl.n24 + sr->pl.n32, sr->route_rate, sr->n_exp);
	rc = 0;
out:
	vrfsec_close(dev); /* the card stays up for the ring tests */
	free(sr);
	return rc;
}
