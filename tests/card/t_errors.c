/* SPDX-License-Identifier: Apache-2.0 */
/* Test "errors-leave-tables": every kind of refused command, each checked on its completion,
 * on a counter snapshot before and after, on a probe command, and at the end by traffic that
 * must come out byte for byte as from a cmodel twin that never saw the refused commands. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "sa_hash.h"

static const char *const skip_full[] = { "table_full", NULL };

int e_refused(struct ct *c, struct vrfsec_dev *dev, const char *what, int rc, int want_rc,
	      uint16_t want_detail, struct vrfsec_snapshot *before, const char *const *skip)
{
	const struct vrfsec_result *r = vrfsec_last_result(dev);
	struct vrfsec_snapshot *after = NULL;
	char why[256];
	int ret = 0;

	if (rc != want_rc || r->detail != want_detail || r->done != 0 || r->failed != 0)
		ret = ct_fail(c, "%s: %s/%s (done %u, failed %u), want %s/%s", what,
			      vrfsec_strerror(rc), vrfsec_detail_name(r->detail), r->done, r->failed,
			      vrfsec_strerror(want_rc), vrfsec_detail_name(want_detail));
	else if (snap_get(c, dev, &after))
		ret = -1;
	else if (!snap_equal(before, after, skip, why, sizeof(why)))
		ret = ct_fail(c, "%s: refused, but the card changed: %s", what, why);
	vrfsec_snapshot_free(before);
	vrfsec_snapshot_free(after);
	return ret;
}

#define REFUSE(what, call, erc, edet, skip)                                                  \
	do {                                                                                 \
		struct vrfsec_snapshot *s0_;                                                 \
		if (snap_get(c, dev, &s0_) || e_refused(c, dev, what, (call), erc, edet, s0_, skip)) \
			return -1;                                                           \
		(*n_refused)++;                                                              \
	} while (0)

#define APPLY(what, call)                                                                    \
	do {                                                                                 \
		int rc_ = (call);                                                            \
		if (rc_)                                                                     \
			return ct_fail(c, "%s: %s (%s)", what, vrfsec_strerror(rc_),         \
				       vrfsec_errmsg(dev));                                  \
	} while (0)

static void route(struct vrfsec_route_cfg *r, uint16_t vrf, uint8_t a1, uint8_t a2, uint8_t plen,
		  uint32_t nh)
{
	memset(r, 0, sizeof(*r));
	r->vrf = vrf;
	r->af = 4;
	r->addr[0] = 10;
	r->addr[1] = a1;
	r->addr[2] = a2;
	r->plen = plen;
	r->nh = nh;
}

static int base(struct ct *c, struct mirror *m)
{
	struct vrfsec_dev *dev = m->dev;
	struct vrfsec_sa_cfg sa;
	struct vrfsec_route_cfg rt;
	struct vrfsec_nh_cfg nh;

	for (uint16_t v = 1; v <= 3; v++) {
		struct vrfsec_vrf_cfg vc = { .vrf = v, .vlan = (uint16_t)(v == 2 ? E_VLAN : 0) };
		struct vrfsec_label_cfg lc = { .label = E_LABEL(v), .vrf = v };

		APPLY("VRF", mirror_vrf_set(m, &vc));
		APPLY("label", mirror_label_map(m, &lc));
	}
	e_sa(c, E_A_IN, VRFSEC_SA_IN, E_SPI(E_A_IN), 1, &sa);
	APPLY("SA A in", mirror_sa_add(m, &sa));
	e_sa(c, E_A_OUT, VRFSEC_SA_OUT, E_SPI(E_A_OUT), 1, &sa);
	APPLY("SA A out", mirror_sa_add(m, &sa));
	e_sa(c, E_B_IN, VRFSEC_SA_IN, E_SPI(E_B_IN), 2, &sa);
	APPLY("SA B in", mirror_sa_add(m, &sa));
	e_sa(c, E_B_OUT, VRFSEC_SA_OUT, E_SPI(E_B_OUT), 2, &sa);
	APPLY("SA B out", mirror_sa_add(m, &sa));
	for (uint32_t i = 1; i <= 4; i++) {
		memset(&nh, 0, sizeof(nh));
		nh.idx = i;
		if (i <= 2) {
			nh.kind = VRFSEC_NEXTHOP_SA;
			nh.sa = i == 1 ? E_A_OUT : E_B_OUT;
		} else {
			nh.kind = VRFSEC_NEXTHOP_MPLS;
			nh.n_labels = 1;
			nh.label[0] = 3000u + i;
			memcpy(nh.dmac, (uint8_t[6]){ 2, 0, 0, 0, 0, 3 }, 6);
			memcpy(nh.smac, (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 6);
		}
		APPLY("next hop", mirror_nh_set(m, &nh));
	}
	route(&rt, 1, 1, 0, 16, 1);
	APPLY("route", mirror_route_add(m, &rt));
	route(&rt, 1, 9, 0, 16, 3);
	APPLY("route", mirror_route_add(m, &rt));
	route(&rt, 2, 2, 0, 16, 2);
	APPLY("route", mirror_route_add(m, &rt));
	route(&rt, 2, 9, 0, 16, 4);
	APPLY("route", mirror_route_add(m, &rt));
	return 0;
}

/* SA refusals: key length, VRF, duplicate SPI, slot in use, unknown slot, bad fields. */
static int sa_refusals(struct ct *c, struct mirror *m, unsigned *n_refused)
{
	struct vrfsec_dev *dev = m->dev;
	struct vrfsec_sa_cfg sa;

	e_sa(c, E_BADKEY, VRFSEC_SA_IN, E_SPI(E_BADKEY), 1, &sa);
	sa.key_len = 20;
	REFUSE("SA key length 20", mirror_sa_add(m, &sa), -EINVAL, VRFSEC_ABI_ERR_BAD_KEY_LEN, NULL);
	sa.key_len = 0;
	REFUSE("SA key length 0", mirror_sa_add(m, &sa), -EINVAL, VRFSEC_ABI_ERR_BAD_KEY_LEN, NULL);
	REFUSE("probe: slot of the bad-key SA is empty", mirror_sa_del(m, E_BADKEY), -ENOENT,
	       VRFSEC_ABI_ERR_UNKNOWN_SA, NULL);
	e_sa(c, E_BADVRF, VRFSEC_SA_OUT, E_SPI(E_BADVRF), 5000, &sa);
	REFUSE("SA in VRF 5000", mirror_sa_add(m, &sa), -EINVAL, VRFSEC_ABI_ERR_BAD_VRF, NULL);
	REFUSE("probe: slot of the bad-VRF SA is empty", mirror_sa_del(m, E_BADVRF), -ENOENT,
	       VRFSEC_ABI_ERR_UNKNOWN_SA, NULL);
	e_sa(c, E_DUP, VRFSEC_SA_IN, E_SPI(E_A_IN), 1, &sa);
	REFUSE("SA with SA A's SPI and destination", mirror_sa_add(m, &sa), -EEXIST,
	       VRFSEC_ABI_ERR_DUP_SPI, NULL);
	REFUSE("probe: slot of the duplicate is empty", mirror_sa_del(m, E_DUP), -ENOENT,
	       VRFSEC_ABI_ERR_UNKNOWN_SA, NULL);
	e_sa(c, E_A_OUT, VRFSEC_SA_OUT, 0x7777u, 2, &sa);
	sa.key[0] ^= 0xff; /* a new key must not get in over the old one */
	REFUSE("SA add over SA A out", mirror_sa_add(m, &sa), -EEXIST, VRFSEC_ABI_ERR_SA_EXISTS,
	       NULL);
	e_sa(c, E_A_IN, VRFSEC_SA_IN, E_SPI(E_A_IN) + 1u, 1, &sa);
	sa.key[0] ^= 0xff;
	REFUSE("SA add over SA A in", mirror_sa_add(m, &sa), -EEXIST, VRFSEC_ABI_ERR_SA_EXISTS,
	       NULL);
	REFUSE("SA del of an empty slot", mirror_sa_del(m, 40), -ENOENT, VRFSEC_ABI_ERR_UNKNOWN_SA,
	       NULL);
	e_sa(c, 40, VRFSEC_SA_OUT, E_SPI(40), 1, &sa);
	REFUSE("SA update of an empty slot", vrfsec_sa_update_sync(dev, &sa), -ENOENT,
	       VRFSEC_ABI_ERR_UNKNOWN_SA, NULL);
	e_sa(c, 33, VRFSEC_SA_IN, E_SPI(33), 1, &sa);
	sa.dir = 3;
	REFUSE("SA direction 3", mirror_sa_add(m, &sa), -EINVAL, VRFSEC_ABI_ERR_BAD_PARAM, NULL);
	e_sa(c, 33, VRFSEC_SA_IN, E_SPI(33), 1, &sa);
	sa.idx = VRFSEC_MAX_SA; /* the first slot past the table */
	REFUSE("SA slot beyond the table", mirror_sa_add(m, &sa), -EINVAL, VRFSEC_ABI_ERR_BAD_PARAM,
	       NULL);
	e_sa(c, 33, VRFSEC_SA_OUT, 0, 1, &sa);
	REFUSE("SA with SPI 0", mirror_sa_add(m, &sa), -EINVAL, VRFSEC_ABI_ERR_BAD_PARAM, NULL);
	e_sa(c, E_A_OUT, VRFSEC_SA_OUT, 0x9999u, 1, &sa);
	REFUSE("SA update with another SPI", vrfsec_sa_update_sync(dev, &sa), -EINVAL,
	       VRFSEC_ABI_ERR_BAD_PARAM, NULL);
	return 0;
}

/* Table refusals: VRF out of range, bad fields, the VLAN of another VRF, routes not there. */
static int table_refusals(struct ct *c, struct mirror *m, unsigned *n_refused)
{
	struct vrfsec_dev *dev = m->dev;
	struct vrfsec_route_cfg rt;
	struct vrfsec_nh_cfg nh;
	struct vrfsec_label_cfg lc = { .label = E_LABEL_REFUSED, .vrf = 5000 };
	struct vrfsec_vrf_cfg vc = { .vrf = 5000 };
	struct vrfsec_port_settings ps = { .natt_port = 500, .ike_port = 500, .core_mtu = 1500,
					   .inside_mtu = 1500 };

	route(&rt, 5000, 1, 0, 16, 1);
	REFUSE("route add in VRF 5000", mirror_route_add(m, &rt), -EINVAL, VRFSEC_ABI_ERR_BAD_VRF,
	       NULL);
	REFUSE("route del in VRF 5000", mirror_route_del(m, &rt), -EINVAL, VRFSEC_ABI_ERR_BAD_VRF,
	       NULL);
	REFUSE("label to VRF 5000", mirror_label_map(m, &lc), -EINVAL, VRFSEC_ABI_ERR_BAD_VRF, NULL);
	REFUSE("VRF 5000 settings", mirror_vrf_set(m, &vc), -EINVAL, VRFSEC_ABI_ERR_BAD_VRF, NULL);
	route(&rt, 1, 1, 0, 33, 1);
	REFUSE("route /33", mirror_route_add(m, &rt), -EINVAL, VRFSEC_ABI_ERR_BAD_PARAM, NULL);
	route(&rt, 1, 1, 0, 16, 0);
	REFUSE("route to next hop 0 over 10.1/16", mirror_route_add(m, &rt), -EINVAL,
	       VRFSEC_ABI_ERR_BAD_PARAM, NULL);
	memset(&nh, 0, sizeof(nh));
	nh.kind = VRFSEC_NEXTHOP_DROP;
	REFUSE("next hop 0", mirror_nh_set(m, &nh), -EINVAL, VRFSEC_ABI_ERR_BAD_PARAM, NULL);
	nh.idx = 1;
	nh.kind = VRFSEC_NEXTHOP_MPLS; /* no labels */
	REFUSE("MPLS next hop without labels over next hop 1", mirror_nh_set(m, &nh), -EINVAL,
	       VRFSEC_ABI_ERR_BAD_PARAM, NULL);
	lc.label = 5;
	lc.vrf = 1;
	REFUSE("reserved label 5", mirror_label_map(m, &lc), -EINVAL, VRFSEC_ABI_ERR_BAD_PARAM,
	       NULL);
	REFUSE("NAT-T port = IKE port", mirror_port_set(m, &ps), -EINVAL, VRFSEC_ABI_ERR_BAD_PARAM,
	       NULL);
	vc.vrf = 1;
	vc.vlan = E_VLAN;
	REFUSE("VRF 1 on VRF 2's VLAN", mirror_vrf_set(m, &vc), -EEXIST, VRFSEC_ABI_ERR_BAD_PARAM,
	       NULL);
	route(&rt, 1, 1, 0, 17, 0);
	REFUSE("route del 10.1.0.0/17 (only the /16 exists)", mirror_route_del(m, &rt), -ENOENT,
	       VRFSEC_ABI_ERR_NO_ROUTE, NULL);
	route(&rt, 7, 0, 0, 8, 0);
	REFUSE("route del in an empty VRF", mirror_route_del(m, &rt), -ENOENT,
	       VRFSEC_ABI_ERR_NO_ROUTE, NULL);
	return 0;
}

static int spi_full(struct ct *c, struct mirror *m, unsigned *n_refused)
{
	struct vrfsec_dev *dev = m->dev;
	struct vrfsec_sa_cfg sa;
	struct vrfsec_event ev[8];
	uint32_t b0 = spi_bucket(E_SPI_SHARED, 0), b1 = spi_bucket(E_SPI_SHARED, 1);
	static const uint32_t others[] = { E_SPI(E_A_IN), E_SPI(E_B_IN) };
	int n;

	/* the two buckets must be this test's alone, or they fill before the ninth SA */
	for (unsigned i = 0; i < 2; i++)
		if (spi_bucket(others[i], 0) == b0 || spi_bucket(others[i], 1) == b0 ||
		    spi_bucket(others[i], 0) == b1 || spi_bucket(others[i], 1) == b1 || b0 == b1)
			return ct_fail(c, "test setup: SPIs share hash buckets");
	for (uint32_t k = 0; k <= E_FULL - E_FULL0; k++) {
		e_sa(c, E_FULL0 + k, VRFSEC_SA_IN, E_SPI_SHARED, 1, &sa);
		sa.dst[3] = (uint8_t)(10u + k);
		if (E_FULL0 + k < E_FULL)
			APPLY("SA sharing an SPI", mirror_sa_add(m, &sa));
		else
			REFUSE("ninth SA on one SPI (both buckets full)", mirror_sa_add(m, &sa),
			       -ENOSPC, VRFSEC_ABI_ERR_TABLE_FULL, skip_full);
	}
	REFUSE("probe: slot of the refused ninth SA is empty", mirror_sa_del(m, E_FULL), -ENOENT,
	       VRFSEC_ABI_ERR_UNKNOWN_SA, NULL);
	n = vrfsec_event_read(dev, ev, 8);
	if (n != 1 || ev[0].type != VRFSEC_ABI_EVENT_TABLE_FULL || ev[0].sa != E_FULL ||
	    ev[0].value != VRFSEC_ABI_OP_SA_ADD || ev[0].spi != E_SPI_SHARED)
		return ct_fail(c, "SPI table full: %d events, first %s sa %u value %" PRIu64, n,
			       n > 0 ? vrfsec_event_name(ev[0].type) : "-", n > 0 ? ev[0].sa : 0,
			       n > 0 ? ev[0].value : 0);
	return 0;
}

struct first_fail {
	bool seen;
	uint64_t entry; /* batch entry of the first refused one */
	uint16_t detail;
};

static void on_fill(void *arg, const struct vrfsec_result *r)
{
	struct first_fail *f = arg;

	if (!f->seen && r->status) {
		f->seen = true;
		f->entry = r->first_seq + r->failed;
		f->detail = r->detail;
	}
}

static void fill_route(uint32_t k, struct vrfsec_route_cfg *rt)
{
	route(rt, 3, (uint8_t)(100u + k / 256u), (uint8_t)(k % 256u), 32, 3);
	rt->addr[3] = 1;
}

/* The FIB node pool: /32 routes in fresh /24s until it is empty. The cmodel twin gets the same
 * routes directly and must run out at the same route; the refused ones must leave nothing. */
static int fib_full(struct ct *c, struct mirror *m, uint32_t *n_fill)
{
	struct vrfsec_dev *dev = m->dev;
	struct first_fail ff = { 0 };
	struct vrfsec_batch_cfg bc = { on_fill, &ff, VRFSEC_BATCH_STOP_ON_ERROR };
	struct vrfsec_snapshot *s0 = NULL, *s1 = NULL;
	struct vrfsec_batch *b;
	struct vrfsec_route_cfg rt;
	struct vrfsec_event ev[8];
	char why[256];
	int rc, n;

	if (snap_get(c, dev, &s0))
		return -1;
	rc = vrfsec_batch_create(dev, &bc, &b);
	for (uint32_t k = 0; rc == 0 && k < E_FILL_MAX; k++) {
		fill_route(k, &rt);
		rc = vrfsec_batch_route_add(b, &rt);
	}
	if (rc == 0)
		rc = vrfsec_batch_wait(b, 30000);
	vrfsec_batch_destroy(b);
	if (rc != -ENOSPC || !ff.seen || ff.detail != VRFSEC_ABI_ERR_TABLE_FULL) {
		vrfsec_snapshot_free(s0);
		return ct_fail(c, "FIB fill: %s, first refusal %s", vrfsec_strerror(rc),
			       ff.seen ? vrfsec_detail_name(ff.detail) : "none");
	}
	*n_fill = (uint32_t)ff.entry;
	for (uint32_t k = 0; k < *n_fill; k++) {
		fill_route(k, &rt);
		if (vrfsec_route_add(m->tb.t, rt.vrf, 4, rt.addr, 32, rt.nh) != 0) {
			vrfsec_snapshot_free(s0);
			return ct_fail(c, "FIB fill: cmodel ran out at route %u, the card at %u", k,
				       *n_fill);
		}
	}
	fill_route(*n_fill, &rt);
	rc = vrfsec_route_add(m->tb.t, rt.vrf, 4, rt.addr, 32, rt.nh) == VRFSEC_ENOSPC ? 0 :
		ct_fail(c, "FIB fill: the card ran out at route %u, cmodel did not", *n_fill);
	if (rc == 0 && snap_get(c, dev, &s1) != 0)
		rc = -1;
	else if (rc == 0 && !snap_equal(s0, s1, skip_full, why, sizeof(why)))
		rc = ct_fail(c, "FIB fill changed counters: %s", why);
	vrfsec_snapshot_free(s0);
	vrfsec_snapshot_free(s1);
	if (rc)
		return -1;
	/* the refused route is not half there: deleting it finds nothing */
	if (vrfsec_route_del_sync(dev, &rt) != -ENOENT)
		return ct_fail(c, "FIB fill: the refused route %u can be deleted", *n_fill);
	n = vrfsec_event_read(dev, ev, 8);
	if (n < 1 || ev[0].type != VRFSEC_ABI_EVENT_TABLE_FULL ||
	    ev[0].value != VRFSEC_ABI_OP_ROUTE_ADD)
		return ct_fail(c, "FIB fill: no TABLE_FULL event for ROUTE_ADD (%d events)", n);
	return 0;
}

struct cap {
	struct vrfsec_result r[4];
	unsigned n;
};

static void on_cap(void *arg, const struct vrfsec_result *r)
{
	struct cap *k = arg;

	if (k->n < 4)
		k->r[k->n] = *r;
	k->n++;
}

/* One command of three routes, the middle one bad: without stop-on-error the other two go in,
 * with it only the first. The twin gets exactly what the completion says was applied. */
static int mixed(struct ct *c, struct mirror *m, bool stop, uint8_t a1, uint8_t a3)
{
	struct vrfsec_dev *dev = m->dev;
	struct cap k = { 0 };
	struct vrfsec_batch_cfg bc = { on_cap, &k, stop ? VRFSEC_BATCH_STOP_ON_ERROR : 0 };
	struct vrfsec_batch *b;
	struct vrfsec_route_cfg rt[3];
	uint32_t want_done = stop ? 1 : 2;
	int rc;

	route(&rt[0], 1, a1, 0, 24, 3);
	route(&rt[1], 5000, a1, 0, 24, 3);
	route(&rt[2], 1, a3, 0, 24, 3);
	if ((rc = vrfsec_batch_create(dev, &bc, &b)) != 0)
		return ct_fail(c, "batch: %s", vrfsec_strerror(rc));
	for (unsigned i = 0; i < 3 && rc == 0; i++)
		rc = vrfsec_batch_route_add(b, &rt[i]);
	if (rc == 0)
		rc = vrfsec_batch_wait(b, 5000);
	vrfsec_batch_destroy(b);
	if (rc != -EINVAL || k.n != 1 || k.r[0].count != 3 || k.r[0].done != want_done ||
	    k.r[0].failed != 1 || k.r[0].detail != VRFSEC_ABI_ERR_BAD_VRF)
		return ct_fail(c, "mixed command%s: %s, %u completions, done %u of %u, failed %u, %s",
			       stop ? " (stop on error)" : "", vrfsec_strerror(rc), k.n, k.r[0].done,
			       k.r[0].count, k.r[0].failed, vrfsec_detail_name(k.r[0].detail));
	vrfsec_route_add(m->tb.t, 1, 4, rt[0].addr, 24, 3);
	if (!stop)
		vrfsec_route_add(m->tb.t, 1, 4, rt[2].addr, 24, 3);
	else if (vrfsec_route_del_sync(dev, &rt[2]) != -ENOENT)
		return ct_fail(c, "stop on error: the entry after the failing one was applied");
	return 0;
}

/* Independent of the twin: every ESP frame out decrypts with the key its SA got first, so no
 * refused add or update replaced a key. */
static int decrypt_outputs(struct ct *c, const char *path)
{
	struct frames f = { 0 };
	char why[256];
	int rc = 0;

	if (frames_read_pcap(path, &f, false, why, sizeof(why)))
		return ct_fail(c, "%s", why);
	for (uint32_t i = 0; i < f.n && rc == 0; i++) {
		uint32_t spi = esp_frame_spi(f.v[i].data, f.v[i].len);
		uint32_t idx = spi == E_SPI(E_A_OUT) ? E_A_OUT : E_B_OUT;
		struct esp_opened o;
		struct esp_key k;

		e_key(c, idx, &k);
		if (spi != E_SPI(E_A_OUT) && spi != E_SPI(E_B_OUT))
			rc = ct_fail(c, "public frame %u: SPI 0x%x is none of the outbound SAs", i, spi);
		else if (esp_open_frame(f.v[i].data, f.v[i].len, &k, &o, why, sizeof(why)))
			rc = ct_fail(c, "public frame %u: %s", i, why);
	}
	frames_free(&f);
	return rc;
}

int test_errors(struct ct *c)
{
	static const char *const pname[3] = { "public", "core", "inside" };
	char in_path[3][PATH_MAX], out_path[3][PATH_MAX], arg[3][2 * PATH_MAX + 16], err[256];
	const char *args[9] = { "--engine", "cmodel" }, *outs[3];
	struct frames in[3], punts;
	struct run_out ref;
	struct vrfsec_snapshot *s = NULL;
	struct vrfsec_dev *dev = NULL;
	struct sim_proc sim = { 0 };
	struct mirror m = { 0 };
	unsigned n_refused = 0;
	uint32_t n_fill = 0;
	int rc = -1;

	memset(in, 0, sizeof(in));
	memset(&punts, 0, sizeof(punts));
	memset(&ref, 0, sizeof(ref));
	e_inputs(c, in);
	for (unsigned i = 0; i < 3; i++) {
		char name[64];

		snprintf(name, sizeof(name), "errors-%s-in.pcap", pname[i]);
		ct_path(c, in_path[i], sizeof(in_path[i]), name);
		snprintf(name, sizeof(name), "errors-%s-out.pcap", pname[i]);
		ct_path(c, out_path[i], sizeof(out_path[i]), name);
		if (frames_write_pcap(in_path[i], &in[i], err, sizeof(err))) {
			ct_fail(c, "%s", err);
			goto out;
		}
		snprintf(arg[i], sizeof(arg[i]), "%s=pcap:%s,%s", pname[i], in_path[i], out_path[i]);
		args[2 + 2 * i] = "--port";
		args[3 + 2 * i] = arg[i];
		outs[i] = out_path[i];
	}
	args[8] = NULL;
	if (sim_start(c, &sim, "errors", args) || sim_open(c, &sim, NULL, &dev))
		goto out;
	if (mirror_open(&m, dev)) {
		ct_fail(c, "cmodel testbed: out of memory");
		goto out;
	}
	if (base(c, &m) || sa_refusals(c, &m, &n_refused) || table_refusals(c, &m, &n_refused) ||
	    spi_full(c, &m, &n_refused) || mixed(c, &m, false, 5, 6) || mixed(c, &m, true, 7, 8) ||
	    fib_full(c, &m, &n_fill))
		goto out;
	/* the traffic that probes all of it, then the refusals between injected packets */
	if ((rc = vrfsec_datapath_set(dev, true)) != 0) {
		ct_fail(c, "data path on: %s", vrfsec_strerror(rc));
		goto out;
	}
	rc = -1;
	if (snap_wait_global(c, dev, "rx_public", in[0].n, 10000) ||
	    snap_wait_global(c, dev, "rx_core", in[1].n, 10000) ||
	    snap_wait_global(c, dev, "rx_inside", in[2].n, 10000))
		goto out;
	mirror_run_ports(&m, in, &ref);
	if (e_inject_phase(c, &m, &ref) || snap_get(c, dev, &s) ||
	    compare_counters(c, s, m.tb.t, skip_full) || card_punts(c, dev, &punts))
		goto out;
	vrfsec_close(dev);
	dev = NULL;
	if (sim_stop(&sim) != 0) {
		ct_fail(c, "the simulator did not stop cleanly");
		goto out;
	}
	if (compare_runs(c, outs, &punts, &ref) || decrypt_outputs(c, outs[0]))
		goto out;
	ct_note(c, "%u refusals (all 8 kinds) left counters and tables as they were; FIB full at "
		"route %u as in cmodel; %u+%u+%u frames out byte-identical to cmodel", n_refused,
		n_fill, ref.port[0].n, ref.port[1].n, ref.port[2].n);
	rc = 0;
out:
	vrfsec_snapshot_free(s);
	vrfsec_close(dev);
	if (sim.pid)
		sim_stop(&sim);
	mirror_close(&m);
	run_out_free(&ref);
	frames_free(&punts);
	for (unsigned i = 0; i < 3; i++)
		frames_free(&in[i]);
	return rc;
}
