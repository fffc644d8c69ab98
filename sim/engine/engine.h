/* SPDX-License-Identifier: Apache-2.0 */
/* Engines: the same framing stages executed by the C model or by the CPU (ipsec-mb) engine. */
#ifndef VRFSEC_ENGINE_H
#define VRFSEC_ENGINE_H

#include <stdint.h>

#include "tables_setup.h"
#include "vrfsec_tables.h"

enum vrfsec_engine_kind {
	VRFSEC_ENGINE_CMODEL = 0, /* hw/hls kernels, one packet at a time */
	VRFSEC_ENGINE_CPU = 1,    /* same framing, AES-GCM from ipsec-mb in bursts */
	VRFSEC_ENGINE_RTL = 2,    /* the Verilated RTL pipeline (sim/rtl); only in programs that
	                           * link it (vrfsec-sim, vrfsec-cosim), else create says ENOTSUP */
};

#define VRFSEC_BURST_MAX 64u

struct vrfsec_engine;

/* Create an engine over caller-owned tables. 0 or negative errno. */
int vrfsec_engine_create(struct vrfsec_engine **out, enum vrfsec_engine_kind kind,
			 struct vrfsec_tables *t);
void vrfsec_engine_destroy(struct vrfsec_engine *e);
const char *vrfsec_engine_name(enum vrfsec_engine_kind kind);
/* Parse "cmodel" / "cpu" / "rtl"; -1 when unknown. */
int vrfsec_engine_kind_parse(const char *name);
/* 1 when this program can create engines of that kind. */
int vrfsec_engine_available(enum vrfsec_engine_kind kind);
/* Options of the rtl engines created after the call: data width 128 (LANES 1) or 512 (LANES 4),
 * and an FST waveform file (NULL: none). */
void vrfsec_engine_rtl_config(unsigned data_width, const char *trace_fst);

/* Called with every burst before (after = 0) and after (after = 1) it runs; NULL: none. For
 * harnesses that compare engines packet by packet. */
typedef void (*vrfsec_engine_observer)(void *ctx, struct vrfsec_pkt **pkts, uint32_t n, int after);
void vrfsec_engine_observe(struct vrfsec_engine *e, vrfsec_engine_observer fn, void *ctx);

/* Compile an SA into the tables and expand its key into the engine. The key is not kept anywhere
 * else and cannot be read back. 0 or negative errno. */
int vrfsec_engine_sa_add(struct vrfsec_engine *e, uint32_t idx, const struct vrfsec_sa_params *p,
			 const uint8_t *key, uint32_t key_len);
/* Remove an SA and wipe its key. */
int vrfsec_engine_sa_del(struct vrfsec_engine *e, uint32_t idx);

/* Run n packets (n <= VRFSEC_BURST_MAX) through the pipeline; each ends with out_port set. */
void vrfsec_engine_run(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n);

#endif
