/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-cosim internals: the two cards, per-packet comparison, streams, table comparison. */
#ifndef VRFSEC_COSIM_H
#define VRFSEC_COSIM_H

#include <stddef.h>
#include <stdint.h>

#include "engine_impl.h"
#include "rtl/rtl_model.h"
#include "testbed.h"
#include "trafgen.h"

struct cosim_opts {
	uint64_t packets; /* per direction (in, out) and parameter set */
	uint64_t mix;     /* trafgen mix (every kind, errors) per parameter set */
	uint64_t seed;
	unsigned width;   /* 0: both parameter sets */
	unsigned show;    /* differences shown in detail */
	unsigned error_pct;
	unsigned sample;  /* vector cases: at most this many bit flips and truncations (0: all) */
	const char *trace;
	const char **files;
	int n_files;
};

struct cosim_count {
	uint64_t packets, identical, differ;
	uint64_t tables_differ;
	uint64_t cycles;
};

/* One parameter set under test: tb[0] the C model, tb[1] the RTL, identical tables. */
struct cosim {
	const struct cosim_opts *o;
	struct testbed tb[2];
	struct rtl_model *m;
	struct cosim_count cnt;
	unsigned shown;
	uint16_t tag;
};

/* Compare the C result c (metadata and frame) with the RTL's o for input number no; prints the
 * first difference (up to o->show) and counts. Returns 1 when identical. */
int cosim_check(struct cosim *cs, const char *what, uint64_t no, const struct vrfsec_pkt *c,
		const struct rtl_out *o, const uint8_t *in, uint32_t in_len, uint8_t in_port);

/* vectors.c: every data-path case of the files; returns failed cases. */
unsigned cosim_vectors(struct cosim *cs, unsigned *n_cases, unsigned *n_na);

/* streams.c: the random streams; 0 or -1 on a setup failure. */
int cosim_streams(struct cosim *cs);

/* tables_diff.c: name of the field at byte off of struct vrfsec_tables; compare two images,
 * print up to show differing words, return the number of differing words. */
void cosim_where(size_t off, char *buf, size_t len);
unsigned cosim_tables_cmp(const struct vrfsec_tables *a, const struct vrfsec_tables *b,
			  const char *what, unsigned show);

#endif
