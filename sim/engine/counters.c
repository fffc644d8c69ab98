/* SPDX-License-Identifier: Apache-2.0 */
/* Counter names, help texts and printout, all generated from hw/hls/counters.def. */
#include "counters.h"

#include <inttypes.h>

static const char *const names[] = {
#define X(id, name, help) name,
#include "counters.def"
#undef X
};

static const char *const helps[] = {
#define X(id, name, help) help,
#include "counters.def"
#undef X
};

_Static_assert(sizeof(names) / sizeof(names[0]) == VRFSEC_CNT_MAX, "one name per counter");

const char *vrfsec_counter_name(unsigned id)
{
	return id < VRFSEC_CNT_MAX ? names[id] : "?";
}

const char *vrfsec_counter_help(unsigned id)
{
	return id < VRFSEC_CNT_MAX ? helps[id] : "?";
}

void vrfsec_counters_print(FILE *fp, const struct vrfsec_tables *t)
{
	unsigned i;

	fprintf(fp, "global counters:\n");
	for (i = 0; i < VRFSEC_CNT_MAX; i++)
		if (t->cnt[i])
			fprintf(fp, "  %-16s %12" PRIu64 "  %s\n", names[i], t->cnt[i], helps[i]);
	fprintf(fp, "per VRF:     rx_packets     rx_bytes   tx_packets     tx_bytes  drops\n");
	for (i = 0; i < VRFSEC_MAX_VRF; i++) {
		const struct vrfsec_vrf_counters *v = &t->vrf_cnt[i];

		if (v->rx_packets || v->tx_packets || v->drops)
			fprintf(fp, "  vrf %-4u %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64
				    " %6" PRIu64 "\n",
				i, v->rx_packets, v->rx_bytes, v->tx_packets, v->tx_bytes, v->drops);
	}
	fprintf(fp, "per SA:  dir        spi      packets        bytes  drops\n");
	for (i = 0; i < VRFSEC_MAX_SA; i++) {
		const struct vrfsec_sa_counters *s = &t->sa_cnt[i];

		if (t->sa[i].valid && (s->packets || s->drops))
			fprintf(fp, "  sa %-5u %-3s 0x%08x %12" PRIu64 " %12" PRIu64 " %6" PRIu64 "\n", i,
				t->sa[i].dir == VRFSEC_SA_DIR_IN ? "in" : "out", t->sa[i].spi, s->packets,
				s->bytes, s->drops);
	}
}
