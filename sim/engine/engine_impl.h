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
	void *rtl;                        /* rtl: the Verilated model (sim/rtl/engine_rtl.c) */
	vrfsec_engine_observer observer;
	void *observer_ctx;
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

/* rtl engine (sim/rtl/engine_rtl.c). Weak: only the programs that link the Verilated models
 * define them; elsewhere they are NULL and the rtl kind is unavailable. */
extern unsigned vrfsec_rtl_width;
extern const char *vrfsec_rtl_trace;
int rtl_create(struct vrfsec_engine *e) __attribute__((weak));
void rtl_destroy(struct vrfsec_engine *e) __attribute__((weak));
int rtl_set_key(struct vrfsec_engine *e, uint32_t idx, const uint8_t *key, uint32_t key_len)
	__attribute__((weak));
void rtl_clear_key(struct vrfsec_engine *e, uint32_t idx) __attribute__((weak));
void rtl_run(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n) __attribute__((weak));

/* Put an expanded key into the engine's per-SA store / wipe it (any kind; no table change). */
int vrfsec_engine_key_set(struct vrfsec_engine *e, uint32_t idx, const uint8_t *key,
			  uint32_t key_len);
void vrfsec_engine_key_clear(struct vrfsec_engine *e, uint32_t idx);

#endif
