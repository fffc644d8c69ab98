/* SPDX-License-Identifier: Apache-2.0 */
/* The scale test's traffic check: every sample leaves once, by the port, SA or label stack the
 * plan gives, decrypts with the planned key, and the per-SA counters say the same. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scale_check.h"

struct spi_ent {
	uint32_t spi, idx;
};

static int spi_cmp(const void *a, const void *b)
{
	const struct spi_ent *x = a, *y = b;

	return x->spi < y->spi ? -1 : x->spi > y->spi;
}

static struct scale_exp *by_tag(struct scale_run *sr, uint32_t tag)
{
	uint32_t k = tag - sr->exp[0].tag;

	return k < sr->n_exp ? &sr->exp[k] : NULL;
}

static int check_public(struct ct *c, struct scale_run *sr, const struct frames *out)
{
	const struct plan *pl = &sr->pl;
	struct spi_ent *map = calloc(pl->n_sa, sizeof(*map));
	char why[256];
	int rc = 0;

	if (!map)
		return ct_fail(c, "out of memory");
	for (uint32_t i = 0; i < pl->n_sa; i++)
		map[i] = (struct spi_ent){ plan_spi(i), i };
	qsort(map, pl->n_sa, sizeof(*map), spi_cmp);
	for (uint32_t f = 0; f < out->n && rc == 0; f++) {
		struct spi_ent key = { esp_frame_spi(out->v[f].data, out->v[f].len), 0 }, *m;
		struct vrfsec_sa_cfg sa;
		struct esp_opened o;
		struct esp_key k;
		struct scale_exp *e;
		uint8_t af, peer[16];

		m = bsearch(&key, map, pl->n_sa, sizeof(*map), spi_cmp);
		if (!m || !(m->idx & 1u)) {
			rc = ct_fail(c, "public frame %u: SPI 0x%08x is no outbound SA of the plan", f,
				     key.spi);
			break;
		}
		plan_key(pl, m->idx, &k);
		plan_sa(pl, m->idx, &sa);
		if (esp_open_frame(out->v[f].data, out->v[f].len, &k, &o, why, sizeof(why))) {
			rc = ct_fail(c, "public frame %u (SA %u): %s", f, m->idx, why);
			break;
		}
		e = by_tag(sr, pkt_icmp4_tag(o.inner, o.inner_len));
		plan_peer(m->idx, &af, peer);
		if (!e || e->seen || e->sa_out != m->idx)
			rc = ct_fail(c, "public frame %u: SA %u carried %s", f, m->idx,
				     !e ? "no sample" : e->seen ? "a sample twice" :
							  "a sample planned for another SA");
		else if (o.inner_len != e->inner_len || memcmp(o.inner, e->inner, o.inner_len) != 0)
			rc = ct_fail(c, "public frame %u (SA %u): inner packet differs from the plan's",
				     f, m->idx);
		else if (o.outer_af != af || memcmp(o.outer_dst, peer, af == 4 ? 4 : 16) != 0 ||
			 o.udp != sa.udp)
			rc = ct_fail(c, "public frame %u (SA %u): outer header not the SA's", f, m->idx);
		else
			e->seen = true;
		explicit_bzero(&k, sizeof(k));
		explicit_bzero(sa.key, sizeof(sa.key));
	}
	free(map);
	return rc;
}

static int check_core(struct ct *c, struct scale_run *sr, const struct frames *out)
{
	for (uint32_t f = 0; f < out->n; f++) {
		const struct frame *fr = &out->v[f];
		uint32_t off = 14;
		struct scale_exp *e;

		while (off + 4 <= fr->len && !(fr->data[off + 2] & 1u))
			off += 4;
		off += 4;
		e = off < fr->len ? by_tag(sr, pkt_icmp4_tag(fr->data + off, fr->len - off)) : NULL;
		if (!e || e->seen || e->sa_out != VRFSEC_ABI_NONE)
			return ct_fail(c, "core frame %u: %s", f,
				       !e ? "no sample" : e->seen ? "a sample twice" :
							    "a sample planned for a tunnel");
		if (fr->len != e->frame_len || memcmp(fr->data, e->frame, fr->len) != 0)
			return ct_fail(c, "core frame %u: not the frame the plan's next hop %u makes",
				       f, e->nh);
		e->seen = true;
	}
	return 0;
}

/* Every SA record: a sampled inbound SA counted its packet, an outbound SA as many as were
 * planned into it, every other of the 100,000 nothing. */
static int check_counters(struct ct *c, struct scale_run *sr, const struct vrfsec_snapshot *s,
			  uint32_t n_pub, uint32_t n_core)
{
	const struct plan *pl = &sr->pl;
	uint32_t *want = calloc(pl->n_sa, sizeof(*want));
	uint64_t vrf_rx[PLAN_VRFS + 1] = { 0 };
	int rc = 0;

	if (!want)
		return ct_fail(c, "out of memory");
	for (uint32_t k = 0; k < sr->n_exp; k++) {
		const struct scale_exp *e = &sr->exp[k];

		if (e->src == SRC_PUBLIC)
			want[e->sa_in]++;
		if (e->sa_out != VRFSEC_ABI_NONE)
			want[e->sa_out]++;
		if (e->src != SRC_INJECT)
			vrf_rx[e->vrf]++;
	}
	if (s->n_sa < pl->n_sa)
		rc = ct_fail(c, "snapshot has %u SA records", s->n_sa);
	for (uint32_t i = 0; rc == 0 && i < pl->n_sa; i++)
		if (s->sa[i].packets != want[i] || s->sa[i].drops != 0)
			rc = ct_fail(c, "SA %u counted %" PRIu64 " packets (%" PRIu64 " drops), the "
				     "plan says %u", i, s->sa[i].packets, s->sa[i].drops, want[i]);
	for (uint16_t v = 1; rc == 0 && v <= PLAN_VRFS; v++)
		if (s->vrf[v].rx_packets != vrf_rx[v])
			rc = ct_fail(c, "VRF %u counted %" PRIu64 " packets in, %" PRIu64 " sent", v,
				     s->vrf[v].rx_packets, vrf_rx[v]);
	if (rc == 0 && (snap_global(s, "encrypt_ok") != n_pub || snap_global(s, "tx_core") != n_core ||
			snap_global(s, "no_sa") != 0 || snap_global(s, "no_route") != 0))
		rc = ct_fail(c, "global counters: encrypt_ok %" PRIu64 " (want %u), tx_core %" PRIu64
			     " (want %u), no_sa %" PRIu64 ", no_route %" PRIu64,
			     snap_global(s, "encrypt_ok"), n_pub, snap_global(s, "tx_core"), n_core,
			     snap_global(s, "no_sa"), snap_global(s, "no_route"));
	free(want);
	return rc;
}

static int inject_all(struct ct *c, struct scale_run *sr, struct vrfsec_dev *dev)
{
	for (uint32_t k = 0; k < sr->n_exp; k++) {
		const struct scale_exp *e = &sr->exp[k];
		struct vrfsec_inject in = { .frame = e->inner, .len = e->inner_len, .sa = e->sa_out };
		double deadline = ct_now() + ct_ms(c, 5000) / 1000.0;
		int rc;

		if (e->src != SRC_INJECT)
			continue;
		while ((rc = vrfsec_inject_send(dev, &in)) == -EAGAIN && ct_now() < deadline)
			vrfsec_poll(dev, 64);
		if (rc)
			return ct_fail(c, "inject into SA %u: %s", e->sa_out, vrfsec_strerror(rc));
	}
	return 0;
}

int scale_traffic(struct ct *c, struct scale_run *sr, struct vrfsec_dev *dev, const char *pub_out,
		  const char *core_out)
{
	struct frames pub = { 0 }, core = { 0 };
	struct vrfsec_snapshot *s = NULL;
	uint32_t n_pub = 0, n_core = 0, missing = 0;
	int rc;

	for (uint32_t k = 0; k < sr->n_exp; k++)
		*(sr->exp[k].sa_out != VRFSEC_ABI_NONE ? &n_pub : &n_core) += 1;
	if ((rc = vrfsec_datapath_set(dev, true)) != 0)
		return ct_fail(c, "data path on: %s", vrfsec_strerror(rc));
	if (inject_all(c, sr, dev) || snap_wait_global(c, dev, "tx_public", n_pub, 10000) ||
	    snap_wait_global(c, dev, "tx_core", n_core, 10000) || snap_get(c, dev, &s))
		return -1;
	rc = check_counters(c, sr, s, n_pub, n_core);
	vrfsec_snapshot_free(s);
	if (rc == 0)
		rc = pcap_wait_frames(c, pub_out, n_pub, 5000, &pub);
	if (rc == 0)
		rc = pcap_wait_frames(c, core_out, n_core, 5000, &core);
	if (rc == 0)
		rc = check_public(c, sr, &pub);
	if (rc == 0)
		rc = check_core(c, sr, &core);
	for (uint32_t k = 0; rc == 0 && k < sr->n_exp; k++)
		missing += !sr->exp[k].seen;
	if (rc == 0 && missing)
		rc = ct_fail(c, "%u of %u sampled packets did not come out", missing, sr->n_exp);
	frames_free(&pub);
	frames_free(&core);
	return rc;
}
