/* SPDX-License-Identifier: Apache-2.0 */
/* CPU engine crypto: AES-GCM bursts through Intel ipsec-mb's job API. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "engine_impl.h"

struct cpu_state {
	IMB_MGR *mgr;
	struct gcm_key_data *keys; /* per SA */
	uint8_t tag[VRFSEC_BURST_MAX][16];
};

#define KEYS_BYTES (VRFSEC_MAX_SA * sizeof(struct gcm_key_data))

int cpu_create(struct vrfsec_engine *e)
{
	struct cpu_state *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->mgr = alloc_mb_mgr(0);
	c->keys = vrfsec_map_zeroed(KEYS_BYTES);
	if (!c->mgr || !c->keys) {
		if (c->mgr)
			free_mb_mgr(c->mgr);
		vrfsec_unmap(c->keys, KEYS_BYTES);
		free(c);
		return -ENOMEM;
	}
	init_mb_mgr_auto(c->mgr, NULL);
	if (imb_get_errno(c->mgr) != 0) {
		free_mb_mgr(c->mgr);
		vrfsec_unmap(c->keys, KEYS_BYTES);
		free(c);
		return -ENODEV;
	}
	e->cpu = c;
	return 0;
}

void cpu_destroy(struct vrfsec_engine *e)
{
	struct cpu_state *c = e->cpu;

	if (!c)
		return;
	explicit_bzero(c->keys, KEYS_BYTES);
	vrfsec_unmap(c->keys, KEYS_BYTES);
	free_mb_mgr(c->mgr);
	free(c);
	e->cpu = NULL;
}

int cpu_set_key(struct vrfsec_engine *e, uint32_t idx, const uint8_t *key, uint32_t key_len)
{
	struct cpu_state *c = e->cpu;

	if (key_len == 16)
		IMB_AES128_GCM_PRE(c->mgr, key, &c->keys[idx]);
	else if (key_len == 24)
		IMB_AES192_GCM_PRE(c->mgr, key, &c->keys[idx]);
	else if (key_len == 32)
		IMB_AES256_GCM_PRE(c->mgr, key, &c->keys[idx]);
	else
		return -EINVAL;
	return 0;
}

void cpu_clear_key(struct vrfsec_engine *e, uint32_t idx)
{
	struct cpu_state *c = e->cpu;

	explicit_bzero(&c->keys[idx], sizeof(c->keys[idx]));
}

static int tag_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;
	int i;

	for (i = 0; i < 16; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

static void fill_job(struct cpu_state *c, IMB_JOB *job, struct vrfsec_pkt *p, uint32_t key_len,
		     uint8_t *tag)
{
	struct vrfsec_crypto_op *op = &p->op;

	job->cipher_mode = IMB_CIPHER_GCM;
	job->hash_alg = IMB_AUTH_AES_GMAC;
	job->key_len_in_bytes = key_len;
	job->enc_keys = &c->keys[op->sa];
	job->dec_keys = &c->keys[op->sa];
	job->src = p->buf;
	job->dst = p->buf + op->data_off;
	job->cipher_start_src_offset_in_bytes = op->data_off;
	job->msg_len_to_cipher_in_bytes = op->data_len;
	job->hash_start_src_offset_in_bytes = op->data_off;
	job->msg_len_to_hash_in_bytes = op->data_len;
	job->iv = op->nonce;
	job->iv_len_in_bytes = 12;
	job->u.GCM.aad = op->aad;
	job->u.GCM.aad_len_in_bytes = op->aad_len;
	job->auth_tag_output_len_in_bytes = 16;
	if (op->encrypt) {
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_CIPHER_HASH;
		job->auth_tag_output = p->buf + op->tag_off;
	} else {
		job->cipher_direction = IMB_DIR_DECRYPT;
		job->chain_order = IMB_ORDER_HASH_CIPHER;
		job->auth_tag_output = tag;
	}
	job->user_data = p;
	job->user_data2 = tag;
}

static void finish_jobs(IMB_JOB **jobs, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		IMB_JOB *job = jobs[i];
		struct vrfsec_pkt *p = job->user_data;
		int ok = job->status == IMB_STATUS_COMPLETED;

		if (p->op.encrypt)
			p->op.tag_ok = (uint8_t)ok;
		else
			p->op.tag_ok =
				(uint8_t)(ok && tag_equal(job->user_data2, p->buf + p->op.tag_off));
	}
}

void cpu_crypto_burst(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n)
{
	struct cpu_state *c = e->cpu;
	IMB_JOB *jobs[VRFSEC_BURST_MAX];
	uint32_t done = 0, i;

	for (i = 0; i < n; i++)
		pkts[i]->op.tag_ok = 0;

	while (done < n) {
		uint32_t want = n - done;
		uint32_t got = IMB_GET_NEXT_BURST(c->mgr, want, jobs);
		uint32_t completed;

		if (got == 0)
			break; /* queue full: cannot happen as every burst is drained; tag_ok stays 0 */
		for (i = 0; i < got; i++) {
			struct vrfsec_pkt *p = pkts[done + i];

			fill_job(c, jobs[i], p, e->key_len[p->op.sa], c->tag[done + i]);
		}
		/* GCM jobs normally all complete on submit; flush covers anything still queued. */
		completed = IMB_SUBMIT_BURST(c->mgr, got, jobs);
		finish_jobs(jobs, completed);
		while (completed < got) {
			uint32_t k = IMB_FLUSH_BURST(c->mgr, got - completed, jobs);

			if (k == 0)
				break;
			finish_jobs(jobs, k);
			completed += k;
		}
		done += got;
	}
}
