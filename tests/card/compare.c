/* SPDX-License-Identifier: Apache-2.0 */
/* Card against cmodel: the frames each port sent, the punted frames with their metadata, and
 * every counter of a snapshot against the testbed's tables. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cardtest.h"

static const char *const port_name[3] = { "public", "core", "inside" };

int card_punts(struct ct *c, struct vrfsec_dev *dev, struct frames *out)
{
	uint8_t buf[4096];

	for (;;) {
		struct vrfsec_punt p = { .buf = buf, .cap = sizeof(buf) };
		struct frame *f;
		int rc = vrfsec_punt_recv(dev, &p);

		/* a simulator that exited when done leaves its punts readable; then -ENODEV ends */
		if (rc == 0 || rc == -ENODEV)
			return 0;
		if (rc < 0)
			return ct_fail(c, "punt: %s (%s)", vrfsec_strerror(rc), vrfsec_errmsg(dev));
		frames_add(out, buf, p.len);
		f = &out->v[out->n - 1];
		f->port = p.port;
		f->reason = p.reason;
		f->vrf = p.vrf;
		f->sa = p.sa;
	}
}

int compare_runs(struct ct *c, const char *const paths[3], const struct frames *punts,
		 const struct run_out *ref)
{
	char why[512], err[256];
	int rc = 0;

	for (unsigned i = 0; i < 3 && rc == 0; i++) {
		struct frames card = { 0 };

		if (!paths[i]) {
			if (ref->port[i].n)
				rc = ct_fail(c, "cmodel sent %u frames on %s, a port the card has not "
					     "plugged", ref->port[i].n, port_name[i]);
			continue;
		}
		if (frames_read_pcap(paths[i], &card, true, err, sizeof(err)) != 0)
			rc = ct_fail(c, "%s", err);
		else if (frames_compare(port_name[i], &card, &ref->port[i], why, sizeof(why)) != 0)
			rc = ct_fail(c, "%s", why);
		frames_free(&card);
	}
	if (rc == 0 && frames_compare("punt", punts, &ref->punt, why, sizeof(why)) != 0)
		rc = ct_fail(c, "%s", why);
	for (uint32_t i = 0; rc == 0 && i < punts->n; i++) {
		const struct frame *a = &punts->v[i], *b = &ref->punt.v[i];

		if (a->port != b->port || a->reason != b->reason || a->vrf != b->vrf || a->sa != b->sa)
			rc = ct_fail(c, "punt %u: card says port %u reason %s vrf %u sa %u, cmodel port "
				     "%u reason %s vrf %u sa %u", i, a->port, vrfsec_counter_str(a->reason),
				     a->vrf, a->sa, b->port, vrfsec_counter_str(b->reason), b->vrf,
				     b->sa);
	}
	return rc;
}

static bool skip_name(const char *name, const char *const *skip)
{
	for (unsigned i = 0; name && skip && skip[i]; i++)
		if (strcmp(skip[i], name) == 0)
			return true;
	return false;
}

int compare_counters(struct ct *c, const struct vrfsec_snapshot *s, const struct vrfsec_tables *t,
		     const char *const *skip)
{
	if (s->n_global != VRFSEC_CNT_MAX || s->n_vrf != VRFSEC_MAX_VRF || s->n_sa != VRFSEC_MAX_SA)
		return ct_fail(c, "snapshot shape %u/%u/%u", s->n_global, s->n_vrf, s->n_sa);
	for (uint32_t i = 0; i < s->n_global; i++)
		if (s->global[i] != t->cnt[i] && !skip_name(vrfsec_counter_str(i), skip))
			return ct_fail(c, "counter %s: card %" PRIu64 ", cmodel %" PRIu64,
				       vrfsec_counter_str(i), s->global[i], t->cnt[i]);
	for (uint32_t v = 0; v < s->n_vrf; v++) {
		const struct vrfsec_vrf_counters *r = &t->vrf_cnt[v];
		const struct vrfsec_snap_vrf *q = &s->vrf[v];

		if (q->rx_packets != r->rx_packets || q->rx_bytes != r->rx_bytes ||
		    q->tx_packets != r->tx_packets || q->tx_bytes != r->tx_bytes || q->drops != r->drops)
			return ct_fail(c, "VRF %u counters: card rx %" PRIu64 " tx %" PRIu64 " drops %"
				       PRIu64 ", cmodel rx %" PRIu64 " tx %" PRIu64 " drops %" PRIu64, v,
				       q->rx_packets, q->tx_packets, q->drops, r->rx_packets,
				       r->tx_packets, r->drops);
	}
	for (uint32_t i = 0; i < s->n_sa; i++) {
		const struct vrfsec_sa_counters *r = &t->sa_cnt[i];
		const struct vrfsec_snap_sa *q = &s->sa[i];

		if (q->packets != r->packets || q->bytes != r->bytes || q->drops != r->drops)
			return ct_fail(c, "SA %u counters: card %" PRIu64 "/%" PRIu64 "/%" PRIu64
				       ", cmodel %" PRIu64 "/%" PRIu64 "/%" PRIu64 " (packets/bytes/drops)",
				       i, q->packets, q->bytes, q->drops, r->packets, r->bytes, r->drops);
	}
	return 0;
}
