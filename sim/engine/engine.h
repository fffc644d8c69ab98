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
};

#define VRFSEC_BURST_MAX 64u

struct vrfsec_engine;

/* Create an engine over caller-owned tables. 0 or negative errno. */
int vrfsec_engine_create(struct vrfsec_engine **out, enum vrfsec_engine_kind kind,
			 struct vrfsec_tables *t);
void vrfsec_engine_destroy(struct vrfsec_engine *e);
const char *vrfsec_engine_name(enum vrfsec_engine_kind kind);
/* Parse "cmodel" / "cpu"; -1 when unknown. */
int vrfsec_engine_kind_parse(const char *name);

/* Compile an SA into the tables and expand its key into the engine. The key is not kept anywhere
 * else and cannot be read back. 0 or negative errno. */
int vrfsec_engine_sa_add(struct vrfsec_engine *e, uint32_t idx, const struct vrfsec_sa_params *p,
			 const uint8_t *key, uint32_t key_len);
/* Remove an SA and wipe its key. */
int vrfsec_engine_sa_del(struct vrfsec_engine *e, uint32_t idx);

/* Run n packets (n <= VRFSEC_BURST_MAX) through the pipeline; each ends with out_port set. */
void vrfsec_engine_run(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n);

#endif
