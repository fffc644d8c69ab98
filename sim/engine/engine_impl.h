/* SPDX-License-Identifier: Apache-2.0 */
/* Engine internals shared by the common burst loop and the two crypto back ends. */
#ifndef VRFSEC_ENGINE_IMPL_H
#define VRFSEC_ENGINE_IMPL_H

#include "engine.h"
#include "gcm.h"

struct vrfsec_engine {
	enum vrfsec_engine_kind kind;
	struct vrfsec_tables *t;
	uint8_t *key_len;                 /* per SA: 16, 24, 32; 0 = no key */
	struct vrfsec_gcm_key *cm_keys;   /* cmodel: expanded keys per SA */
	void *cpu;                        /* cpu: ipsec-mb manager and keys (engine_cpu.c) */
};

void *vrfsec_map_zeroed(size_t len);
void vrfsec_unmap(void *p, size_t len);

int cpu_create(struct vrfsec_engine *e);
void cpu_destroy(struct vrfsec_engine *e);
int cpu_set_key(struct vrfsec_engine *e, uint32_t idx, const uint8_t *key, uint32_t key_len);
void cpu_clear_key(struct vrfsec_engine *e, uint32_t idx);
void cpu_crypto_burst(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n);
/* Before the ingress stage of pkts[i]: prefetch the table entries and keys that later packets
 * of the burst will touch. A hint only; it changes no packet. */
void cpu_prefetch_rx(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n, uint32_t i);

#endif
