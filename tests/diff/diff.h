/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-diff internals: run statistics, end-of-run state comparison and the report. */
#ifndef VRFSEC_DIFF_H
#define VRFSEC_DIFF_H

#include <stdint.h>

#include "trafgen.h"

#define DIFF_PORTS (VRFSEC_PORT_DROP + 1u)

struct diff_stats {
	uint64_t packets, identical, differ;
	uint64_t verified, mispredicted, unpredicted;
	uint64_t exits[VRFSEC_CNT_MAX][DIFF_PORTS]; /* by reason and port (cpu engine) */
	uint64_t in_port[DIFF_PORTS];               /* arrivals on ports 0..3; [4]: invalid port */
	uint64_t sealed, opened;                    /* for the counter cross-check */
	uint64_t kind_n[TG_KIND_MAX], kind_predicted[TG_KIND_MAX], kind_delivered[TG_KIND_MAX];
	uint64_t feat_n[TGF_MAX];
	/* what the card's per-SA and per-VRF counters must say, from the packets seen */
	uint64_t sa_packets[VRFSEC_MAX_SA]; /* opened (inbound) or sealed (outbound) */
	uint64_t vrf_tx[VRFSEC_MAX_VRF], vrf_drops[VRFSEC_MAX_VRF];
};

/* Tally one finished packet (out: the cpu engine's copy; verdict of trafgen_verify). */
void diff_count(struct diff_stats *st, const struct trafgen_pkt *tp, const struct vrfsec_pkt *out,
		int verdict);

/* Compare counters, SA state and replay windows of the two cards. Returns differences. */
unsigned diff_state(const struct testbed tb[2], const struct trafgen_scenario *sc);

/* The card's counters against the packets that were seen leaving it. Returns disagreements. */
unsigned diff_counters_agree(const struct testbed *tb, const struct diff_stats *st);

/* Tables: exits, per-VRF counters. */
void diff_print_exits(const struct diff_stats *st, const struct testbed *tb,
		      const struct trafgen_scenario *sc);

/* Coverage tables; returns the number of kinds and features never generated. */
unsigned diff_coverage(const struct diff_stats *st);

/* Good kinds must mostly arrive where they were sent; returns the kinds that did not. */
unsigned diff_sanity(const struct diff_stats *st);

#endif
