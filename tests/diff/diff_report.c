/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-diff statistics and report: exits by reason and port, coverage, counter and state
 * comparison between the two cards. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"

static const char *const port_names[DIFF_PORTS] = { "public", "core", "inside", "host", "drop" };

/* Where each good kind is meant to leave the card (HOST_TX: where the host sent it). */
static const uint8_t intended_port[TG_E_ICV] = {
	[TG_CORE_TO_CLIENT] = VRFSEC_PORT_PUBLIC, [TG_CLIENT_TO_CORE] = VRFSEC_PORT_CORE,
	[TG_CLIENT_TO_CLIENT] = VRFSEC_PORT_PUBLIC, [TG_CLIENT_TO_INSIDE] = VRFSEC_PORT_INSIDE,
	[TG_CLIENT_TO_HOST] = VRFSEC_PORT_HOST, [TG_INSIDE_TO_CLIENT] = VRFSEC_PORT_PUBLIC,
	[TG_INSIDE_TO_CORE] = VRFSEC_PORT_CORE, [TG_CORE_TO_INSIDE] = VRFSEC_PORT_INSIDE,
	[TG_HOST_INJECT] = VRFSEC_PORT_PUBLIC, [TG_HOST_TX] = VRFSEC_PORT_DROP,
};

void diff_count(struct diff_stats *st, const struct trafgen_pkt *tp, const struct vrfsec_pkt *out,
		int verdict)
{
	uint32_t port = out->out_port < DIFF_PORTS ? out->out_port : VRFSEC_PORT_DROP, f;

	st->packets++;
	if (out->reason < VRFSEC_CNT_MAX)
		st->exits[out->reason][port]++;
	st->in_port[tp->in_port <= VRFSEC_PORT_HOST ? tp->in_port : VRFSEC_PORT_DROP]++;
	if (out->out_port == VRFSEC_PORT_PUBLIC && out->sa_out < VRFSEC_MAX_SA) {
		st->sealed++;
		st->sa_packets[out->sa_out]++;
	}
	if (out->sa_in < VRFSEC_MAX_SA && out->reason != VRFSEC_CNT_ICV_FAIL &&
	    out->reason != VRFSEC_CNT_REPLAY && out->reason != VRFSEC_CNT_TOO_OLD &&
	    out->reason != VRFSEC_CNT_BAD_PAD && out->reason != VRFSEC_CNT_BAD_NEXT_HDR &&
	    out->reason != VRFSEC_CNT_ESP_DUMMY && out->reason != VRFSEC_CNT_INNER_SRC) {
		st->opened++;
		st->sa_packets[out->sa_in]++;
	}
	if (out->vrf < VRFSEC_MAX_VRF) {
		if (out->out_port == VRFSEC_PORT_DROP)
			st->vrf_drops[out->vrf]++;
		else if (out->out_port != VRFSEC_PORT_HOST)
			st->vrf_tx[out->vrf]++;
	}
	st->verified += verdict > 0;
	st->mispredicted += verdict < 0;
	st->unpredicted += verdict == 0;
	if (tp->kind < TG_KIND_MAX) {
		st->kind_n[tp->kind]++;
		st->kind_predicted[tp->kind] += verdict > 0;
		if (tp->kind < TG_E_ICV) {
			uint8_t want = tp->kind == TG_HOST_TX ? tp->host_port : intended_port[tp->kind];

			st->kind_delivered[tp->kind] += out->out_port == want;
		}
	}
	for (f = 0; f < TGF_MAX; f++)
		st->feat_n[f] += (tp->features >> f) & 1u;
}

void diff_print_exits(const struct diff_stats *st, const struct testbed *tb,
		      const struct trafgen_scenario *sc)
{
	uint32_t id, p, i;

	printf("\nexits (cpu engine; cmodel identical unless reported):\n");
	printf("  %-16s %9s", "reason", "packets");
	for (p = 0; p < DIFF_PORTS; p++)
		printf(" %8s", port_names[p]);
	printf("\n");
	for (id = 0; id < VRFSEC_CNT_MAX; id++) {
		uint64_t total = 0;

		for (p = 0; p < DIFF_PORTS; p++)
			total += st->exits[id][p];
		if (!total)
			continue;
		printf("  %-16s %9" PRIu64, vrfsec_counter_name(id), total);
		for (p = 0; p < DIFF_PORTS; p++)
			printf(" %8" PRIu64, st->exits[id][p]);
		printf("\n");
	}
	printf("\ncard counters (cmodel):\n");
	for (id = 0; id < VRFSEC_CNT_MAX; id++)
		if (tb->t->cnt[id])
			printf("  %-16s %9" PRIu64 "\n", vrfsec_counter_name(id), tb->t->cnt[id]);
	printf("\nper-VRF counters (cmodel):\n  %5s %10s %12s %10s %12s %8s\n", "vrf", "rx_pkts",
	       "rx_bytes", "tx_pkts", "tx_bytes", "drops");
	for (i = 0; i < sc->n_vrf; i++) {
		const struct vrfsec_vrf_counters *v = &tb->t->vrf_cnt[sc->vrf[i].id];

		printf("  %5u %10" PRIu64 " %12" PRIu64 " %10" PRIu64 " %12" PRIu64 " %8" PRIu64 "\n",
		       sc->vrf[i].id, v->rx_packets, v->rx_bytes, v->tx_packets, v->tx_bytes,
		       v->drops);
	}
}

unsigned diff_coverage(const struct diff_stats *st)
{
	unsigned missing = 0, k;

	printf("\ncoverage by kind:\n  %-44s %9s %10s %10s\n", "kind", "packets", "predicted",
	       "delivered");
	for (k = 0; k < TG_KIND_MAX; k++) {
		printf("  %-44s %9" PRIu64 " %10" PRIu64, trafgen_kind_name(k), st->kind_n[k],
		       st->kind_predicted[k]);
		if (k < TG_E_ICV)
			printf(" %10" PRIu64, st->kind_delivered[k]);
		else
			printf(" %10s", "-");
		printf("%s\n", st->kind_n[k] ? "" : "   <-- MISSING");
		missing += st->kind_n[k] == 0;
	}
	printf("\ncoverage by feature:\n  %-44s %9s\n", "feature", "packets");
	for (k = 0; k < TGF_MAX; k++) {
		printf("  %-44s %9" PRIu64 "%s\n", trafgen_feature_name(k), st->feat_n[k],
		       st->feat_n[k] ? "" : "   <-- MISSING");
		missing += st->feat_n[k] == 0;
	}
	return missing;
}

unsigned diff_sanity(const struct diff_stats *st)
{
	unsigned bad = 0, k;

	/* Identical drops prove little: good traffic must really get through, kind by kind. */
	for (k = 0; k < TG_E_ICV; k++) {
		if (!st->kind_n[k] || st->kind_delivered[k] * 10u > st->kind_n[k] * 9u)
			continue;
		printf("  sanity: only %" PRIu64 " of %" PRIu64 " '%s' packets left on the intended "
		       "port\n",
		       st->kind_delivered[k], st->kind_n[k], trafgen_kind_name(k));
		bad++;
	}
	return bad;
}

static unsigned cmp(const char *what, uint32_t idx, const void *a, const void *b, size_t n)
{
	if (!memcmp(a, b, n))
		return 0;
	printf("  state differs: %s %u\n", what, idx);
	return 1;
}

unsigned diff_state(const struct testbed tb[2], const struct trafgen_scenario *sc)
{
	const struct vrfsec_tables *a = tb[0].t, *b = tb[1].t;
	unsigned d = 0;
	uint32_t i, k;

	for (i = 0; i < VRFSEC_CNT_MAX; i++)
		if (a->cnt[i] != b->cnt[i]) {
			printf("  state differs: counter %s cmodel %" PRIu64 " cpu %" PRIu64 "\n",
			       vrfsec_counter_name(i), a->cnt[i], b->cnt[i]);
			d++;
		}
	/* Every slot, not just the scenario's: a write to the wrong index must show. */
	for (i = 0; i < VRFSEC_MAX_SA; i++)
		d += cmp("per-SA counters of SA", i, &a->sa_cnt[i], &b->sa_cnt[i], sizeof(a->sa_cnt[i]));
	for (i = 0; i < VRFSEC_MAX_VRF; i++)
		d += cmp("per-VRF counters of VRF", i, &a->vrf_cnt[i], &b->vrf_cnt[i],
			 sizeof(a->vrf_cnt[i]));
	for (i = 0; i < sc->n_clients; i++) {
		const struct trafgen_client *c = &sc->client[i];
		uint32_t sa[2] = { c->sa_in, c->sa_out };

		for (k = 0; k < 2; k++) {
			const struct vrfsec_sa *x = &a->sa[sa[k]], *y = &b->sa[sa[k]];

			if (x->seq != y->seq || x->iv != y->iv || x->ipv4_id != y->ipv4_id)
				printf("  state differs: SA %u seq %" PRIu64 "/%" PRIu64 " iv %" PRIx64
				       "/%" PRIx64 " ipv4_id %u/%u\n",
				       sa[k], x->seq, y->seq, x->iv, y->iv, x->ipv4_id, y->ipv4_id);
			d += cmp("SA entry", sa[k], x, y, sizeof(*x));
			d += cmp("replay window of SA", sa[k], a->replay[sa[k]], b->replay[sa[k]],
				 sizeof(a->replay[0]));
		}
	}
	return d;
}

static unsigned agree(const char *what, uint64_t card, uint64_t seen)
{
	if (card == seen)
		return 0;
	printf("  counter %s is %" PRIu64 " but %" PRIu64 " packets were seen\n", what, card, seen);
	return 1;
}

unsigned diff_counters_agree(const struct testbed *tb, const struct diff_stats *st)
{
	const uint64_t *cnt = tb->t->cnt;
	unsigned bad = 0;
	uint32_t id, p;

	bad += agree("rx_public", cnt[VRFSEC_CNT_RX_PUBLIC], st->in_port[VRFSEC_PORT_PUBLIC]);
	bad += agree("rx_core", cnt[VRFSEC_CNT_RX_CORE], st->in_port[VRFSEC_PORT_CORE]);
	bad += agree("rx_inside", cnt[VRFSEC_CNT_RX_INSIDE], st->in_port[VRFSEC_PORT_INSIDE]);
	bad += agree("encrypt_ok", cnt[VRFSEC_CNT_ENCRYPT_OK], st->sealed);
	bad += agree("decrypt_ok", cnt[VRFSEC_CNT_DECRYPT_OK], st->opened);
	{
		uint64_t host = 0;

		for (id = 0; id < VRFSEC_CNT_MAX; id++)
			host += st->exits[id][VRFSEC_PORT_HOST];
		bad += agree("to_host", cnt[VRFSEC_CNT_TO_HOST], host);
	}
	for (id = 0; id < VRFSEC_MAX_SA; id++)
		if (tb->t->sa_cnt[id].packets != st->sa_packets[id]) {
			printf("  SA %u counts %" PRIu64 " packets but %" PRIu64 " were opened/sealed\n",
			       id, tb->t->sa_cnt[id].packets, st->sa_packets[id]);
			bad++;
		}
	for (id = 0; id < VRFSEC_MAX_VRF; id++) {
		const struct vrfsec_vrf_counters *v = &tb->t->vrf_cnt[id];

		if (v->tx_packets != st->vrf_tx[id] || v->drops != st->vrf_drops[id]) {
			printf("  VRF %u counts tx %" PRIu64 " drops %" PRIu64 ", packets seen: tx %" PRIu64
			       " drops %" PRIu64 "\n",
			       id, v->tx_packets, v->drops, st->vrf_tx[id], st->vrf_drops[id]);
			bad++;
		}
	}
	/* Every other counter is an exit reason: counted once per packet that left with it. */
	for (id = 0; id < VRFSEC_CNT_MAX; id++) {
		uint64_t seen = 0;

		if (id <= VRFSEC_CNT_RX_INSIDE || id == VRFSEC_CNT_TO_HOST ||
		    id == VRFSEC_CNT_DECRYPT_OK || id == VRFSEC_CNT_ENCRYPT_OK ||
		    id == VRFSEC_CNT_TABLE_FULL)
			continue;
		for (p = 0; p < DIFF_PORTS; p++)
			seen += st->exits[id][p];
		bad += agree(vrfsec_counter_name(id), cnt[id], seen);
	}
	return bad;
}
