/* SPDX-License-Identifier: Apache-2.0 */
/* Engine life cycle, SA install with keys, and the burst loop common to both engines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine_impl.h"
#include "pipeline.h"

void *vrfsec_map_zeroed(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Tables and keys are hundreds of MB touched at random per packet: 2 MB pages keep the
	 * TLB from thrashing with tens of thousands of SAs. Advice only; failure is harmless. */
	madvise(p, len, MADV_HUGEPAGE);
	return p;
}

void vrfsec_unmap(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

unsigned vrfsec_rtl_width = 128;
const char *vrfsec_rtl_trace;

const char *vrfsec_engine_name(enum vrfsec_engine_kind kind)
{
	return kind == VRFSEC_ENGINE_CPU ? "cpu" : kind == VRFSEC_ENGINE_RTL ? "rtl" : "cmodel";
}

int vrfsec_engine_kind_parse(const char *name)
{
	if (strcmp(name, "cmodel") == 0)
		return VRFSEC_ENGINE_CMODEL;
	if (strcmp(name, "cpu") == 0)
		return VRFSEC_ENGINE_CPU;
	if (strcmp(name, "rtl") == 0)
		return VRFSEC_ENGINE_RTL;
	return -1;
}

int vrfsec_engine_available(enum vrfsec_engine_kind kind)
{
	return kind == VRFSEC_ENGINE_CMODEL || kind == VRFSEC_ENGINE_CPU ||
	       (kind == VRFSEC_ENGINE_RTL && rtl_create != NULL);
}

void vrfsec_engine_rtl_config(unsigned data_width, const char *trace_fst)
{
	vrfsec_rtl_width = data_width;
	vrfsec_rtl_trace = trace_fst;
}

void vrfsec_engine_observe(struct vrfsec_engine *e, vrfsec_engine_observer fn, void *ctx)
{
	e->observer = fn;
	e->observer_ctx = ctx;
}

int vrfsec_engine_create(struct vrfsec_engine **out, enum vrfsec_engine_kind kind,
			 struct vrfsec_tables *t)
{
	struct vrfsec_engine *e = calloc(1, sizeof(*e));
	int rc = 0;

	*out = NULL;
	if (!e)
		return -ENOMEM;
	e->kind = kind;
	e->t = t;
	e->key_len = calloc(VRFSEC_MAX_SA, 1);
	if (!e->key_len) {
		free(e);
		return -ENOMEM;
	}
	if (kind == VRFSEC_ENGINE_CMODEL) {
		e->cm_keys = vrfsec_map_zeroed(VRFSEC_MAX_SA * sizeof(struct vrfsec_gcm_key));
		if (!e->cm_keys)
			rc = -ENOMEM;
	} else if (kind == VRFSEC_ENGINE_CPU) {
		rc = cpu_create(e);
	} else if (kind == VRFSEC_ENGINE_RTL) {
		rc = rtl_create ? rtl_create(e) : -ENOTSUP;
	} else {
		rc = -EINVAL;
	}
	if (rc) {
		free(e->key_len);
		free(e);
		return rc;
	}
	*out = e;
	return 0;
}

void vrfsec_engine_destroy(struct vrfsec_engine *e)
{
	if (!e)
		return;
	if (e->cm_keys) {
		/* Keys must not outlive the engine in freed memory. */
		explicit_bzero(e->cm_keys, VRFSEC_MAX_SA * sizeof(struct vrfsec_gcm_key));
		vrfsec_unmap(e->cm_keys, VRFSEC_MAX_SA * sizeof(struct vrfsec_gcm_key));
	}
	if (e->kind == VRFSEC_ENGINE_CPU)
		cpu_destroy(e);
	if (e->kind == VRFSEC_ENGINE_RTL && rtl_destroy)
		rtl_destroy(e);
	free(e->key_len);
	free(e);
}

int vrfsec_engine_sa_add(struct vrfsec_engine *e, uint32_t idx, const struct vrfsec_sa_params *p,
			 const uint8_t *key, uint32_t key_len)
{
	int rc;

	if (idx >= VRFSEC_MAX_SA || (key_len != 16 && key_len != 24 && key_len != 32))
		return -EINVAL;
	rc = vrfsec_sa_compile(e->t, idx, p);
	if (rc)
		return rc;
	rc = vrfsec_engine_key_set(e, idx, key, key_len);
	if (rc) {
		vrfsec_sa_remove(e->t, idx);
		return rc;
	}
	return 0;
}

int vrfsec_engine_key_set(struct vrfsec_engine *e, uint32_t idx, const uint8_t *key,
			  uint32_t key_len)
{
	int rc;

	if (idx >= VRFSEC_MAX_SA || (key_len != 16 && key_len != 24 && key_len != 32))
		return -EINVAL;
	if (e->kind == VRFSEC_ENGINE_CMODEL)
		rc = vrfsec_gcm_key_setup(&e->cm_keys[idx], key, key_len);
	else if (e->kind == VRFSEC_ENGINE_RTL)
		rc = rtl_set_key(e, idx, key, key_len);
	else
		rc = cpu_set_key(e, idx, key, key_len);
	if (rc)
		return rc < 0 ? rc : -EINVAL;
	e->key_len[idx] = (uint8_t)key_len;
	return 0;
}

void vrfsec_engine_key_clear(struct vrfsec_engine *e, uint32_t idx)
{
	if (idx >= VRFSEC_MAX_SA)
		return;
	if (e->kind == VRFSEC_ENGINE_CMODEL)
		explicit_bzero(&e->cm_keys[idx], sizeof(e->cm_keys[idx]));
	else if (e->kind == VRFSEC_ENGINE_RTL)
		rtl_clear_key(e, idx);
	else
		cpu_clear_key(e, idx);
	e->key_len[idx] = 0;
}

int vrfsec_engine_sa_del(struct vrfsec_engine *e, uint32_t idx)
{
	int rc;

	if (idx >= VRFSEC_MAX_SA)
		return -EINVAL;
	rc = vrfsec_sa_remove(e->t, idx);
	if (rc)
		return rc;
	vrfsec_engine_key_clear(e, idx);
	return 0;
}

static void crypto_burst(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n)
{
	uint32_t i;

	if (e->kind == VRFSEC_ENGINE_CPU) {
		cpu_crypto_burst(e, pkts, n);
		return;
	}
	for (i = 0; i < n; i++)
		vrfsec_crypto_exec(e->cm_keys, pkts[i]);
}

static void engine_burst(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n);

void vrfsec_engine_run(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n)
{
	if (n > VRFSEC_BURST_MAX)
		n = VRFSEC_BURST_MAX;
	if (e->observer)
		e->observer(e->observer_ctx, pkts, n, 0);
	if (e->kind == VRFSEC_ENGINE_RTL) {
		/* the RTL runs each packet to completion in arrival order, like vrfsec_pipeline() */
		rtl_run(e, pkts, n);
		if (e->observer)
			e->observer(e->observer_ctx, pkts, n, 1);
		return;
	}
	engine_burst(e, pkts, n);
	if (e->observer)
		e->observer(e->observer_ctx, pkts, n, 1);
}

/* The cmodel and cpu engines run a burst the same way: every packet's ingress stage, then the
 * crypto of all that need it, then their post stages, twice at most. So the order in which SAs
 * hand out sequence numbers and IVs is the same, and outputs are byte-identical. */
static void engine_burst(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n)
{
	struct vrfsec_pkt *wait[VRFSEC_BURST_MAX];
	uint32_t st[VRFSEC_BURST_MAX];
	uint32_t i, k, round;

	for (i = 0; i < n; i++) {
		/* cpu: start the cache misses of packets a few places ahead (engine_cpu.c) */
		if (e->kind == VRFSEC_ENGINE_CPU)
			cpu_prefetch_rx(e, pkts, n, i);
		st[i] = vrfsec_stage_rx(e->t, pkts[i]);
	}
	for (round = 0; round < 2; round++) {
		k = 0;
		for (i = 0; i < n; i++)
			if (st[i] == VRFSEC_ST_CRYPTO)
				wait[k++] = pkts[i];
		if (k == 0)
			return;
		crypto_burst(e, wait, k);
		for (i = 0; i < n; i++)
			if (st[i] == VRFSEC_ST_CRYPTO)
				st[i] = vrfsec_stage_post(e->t, pkts[i]);
	}
	for (i = 0; i < n; i++)
		if (st[i] == VRFSEC_ST_CRYPTO) {
			pkts[i]->out_port = VRFSEC_PORT_DROP;
			pkts[i]->reason = VRFSEC_CNT_MALFORMED;
			e->t->cnt[VRFSEC_CNT_MALFORMED]++;
		}
}
