/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-bench baseline: ipsec-mb AES-GCM alone on the ESP payloads, called as the engine does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <intel-ipsec-mb.h>

#include "bench.h"

/* The baseline is the crypto of the same packets done as well as the library allows, so that
 * engine / raw is what the pipeline costs on top of AES-GCM:
 *  - one job per packet over a buffer of exactly the ESP payload the pipeline encrypts for that
 *    packet (inner packet, padding, pad length, next header), 8-byte AAD, 12-byte nonce, 16-byte
 *    ICV written behind the data (seal) or into a scratch tag (open), in place;
 *  - the job API the cpu engine uses (IMB_GET_NEXT_BURST / IMB_SUBMIT_BURST_NOCHECK), 64 jobs a
 *    burst, key size and direction of the case;
 *  - the ring's keys in the engine's order: one key for one SA; for 65,536 SAs each SA's own
 *    expanded key, round-robin in the same shuffled order, in 1024-byte slots on huge pages as
 *    the engine keeps them, and each key's lines prefetched `ahead` jobs ahead (submitted
 *    `ahead` jobs at a time), `ahead` chosen so that about LINES_IN_FLIGHT lines are on their
 *    way: 8 jobs for small packets, 2 for full-size ones, whose GCM reads all 16 key lines.
 *    Without the prefetch the baseline would time DRAM misses (~200 ns a packet on this kind
 *    of host), not AES-GCM, and every 65,536-SA ratio would exceed 1.
 * The buffers stay hot: no copies, no framing. */

#define RAW_AHEAD_MAX 8u
#define LINES_IN_FLIGHT 48u /* about what one core keeps outstanding before prefetches drop */
#define SLOT 1024u /* key slot: sizeof(struct gcm_key_data) rounded up to cache lines */
#define BUF_STRIDE 2048u

_Static_assert(sizeof(struct gcm_key_data) <= SLOT, "key slot");
_Static_assert(VRFSEC_BURST_MAX % RAW_AHEAD_MAX == 0, "chunks fill a burst");

static inline void pf(const void *p)
{
	/* asm, not __builtin_prefetch: GCC 12 drops calls to prefetch-only static helpers */
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
}

static uint32_t key_blocks(uint32_t len)
{
	uint32_t blocks = (len + 15u) / 16u + 1u;

	return blocks > 48u ? 48u : blocks;
}

/* The lines of a key that GCM over len bytes reads (see key_prefetch in engine_cpu.c): round
 * keys, and the hash-key powers H^blocks..H^1 at the end of the structure. */
static void key_lines(const uint8_t *k, uint32_t len)
{
	uint32_t blocks = key_blocks(len), o;

	for (o = 0; o < 256u; o += 64u)
		pf(k + o);
	for (o = (16u * (63u - blocks)) & ~63u; o < sizeof(struct gcm_key_data); o += 64u)
		if (o >= 256u)
			pf(k + o);
}

struct raw {
	IMB_MGR *m;
	uint8_t *keys;
	size_t keys_len;
	uint8_t *buf;
	uint8_t nonce[BENCH_RING][12];
	uint8_t aad[BENCH_RING][8];
	uint32_t len[BENCH_RING];
	uint32_t ahead;
	_Alignas(64) uint8_t tag[VRFSEC_BURST_MAX][16];
};

static void raw_close(struct raw *x)
{
	if (x->keys) {
		explicit_bzero(x->keys, x->keys_len);
		munmap(x->keys, x->keys_len);
	}
	free(x->buf);
	if (x->m)
		free_mb_mgr(x->m);
	free(x);
}

static struct raw *raw_open(const struct bench_world *w, const struct bench_ring *r)
{
	struct raw *x = calloc(1, sizeof(*x));
	uint8_t key[32];
	uint32_t i, lines;

	if (!x)
		return NULL;
	x->m = alloc_mb_mgr(0);
	x->keys_len = (size_t)w->nsa * SLOT;
	x->keys = mmap(NULL, x->keys_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	x->buf = aligned_alloc(64, (size_t)BENCH_RING * BUF_STRIDE);
	if (x->keys == MAP_FAILED)
		x->keys = NULL;
	if (!x->m || !x->keys || !x->buf) {
		raw_close(x);
		return NULL;
	}
	madvise(x->keys, x->keys_len, MADV_HUGEPAGE);
	init_mb_mgr_auto(x->m, NULL);
	for (i = 0; i < w->nsa; i++) {
		struct gcm_key_data *k = (struct gcm_key_data *)(x->keys + (size_t)i * SLOT);

		bench_key(i, r->dir, w->key_len, key);
		if (w->key_len == 16)
			IMB_AES128_GCM_PRE(x->m, key, k);
		else if (w->key_len == 24)
			IMB_AES192_GCM_PRE(x->m, key, k);
		else
			IMB_AES256_GCM_PRE(x->m, key, k);
	}
	explicit_bzero(key, sizeof(key));
	lines = 0;
	for (i = 0; i < BENCH_RING; i++) {
		x->len[i] = bench_esp_payload(r->inner[i]);
		lines += 4u + (16u * key_blocks(x->len[i]) + 63u) / 64u;
		memset(x->buf + (size_t)i * BUF_STRIDE, (int)i, BUF_STRIDE);
		memset(x->nonce[i], (int)i + 1, 12);
		memset(x->aad[i], (int)i + 2, 8);
	}
	/* the power of two nearest LINES_IN_FLIGHT / (lines per job), within 2 .. RAW_AHEAD_MAX */
	x->ahead = 2;
	while (x->ahead < RAW_AHEAD_MAX &&
	       2u * LINES_IN_FLIGHT * BENCH_RING > 3u * x->ahead * lines)
		x->ahead *= 2;
	return x;
}

static void fill(const struct raw *x, IMB_JOB *job, const struct gcm_key_data *k, uint32_t j,
		 uint32_t key_len, enum bench_dir dir, uint8_t *tag)
{
	uint8_t *d = x->buf + (size_t)j * BUF_STRIDE;

	job->cipher_mode = IMB_CIPHER_GCM;
	job->hash_alg = IMB_AUTH_AES_GMAC;
	job->key_len_in_bytes = key_len;
	job->enc_keys = k;
	job->dec_keys = k;
	job->src = d;
	job->dst = d;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = x->len[j];
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = x->len[j];
	job->iv = x->nonce[j];
	job->iv_len_in_bytes = 12;
	job->u.GCM.aad = x->aad[j];
	job->u.GCM.aad_len_in_bytes = 8;
	job->auth_tag_output_len_in_bytes = 16;
	if (dir == BENCH_OUT) {
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_CIPHER_HASH;
		job->auth_tag_output = d + x->len[j];
	} else {
		job->cipher_direction = IMB_DIR_DECRYPT;
		job->chain_order = IMB_ORDER_HASH_CIPHER;
		job->auth_tag_output = tag;
	}
}

/* One burst of the ring (slots b*64 ..), packets numbered from pos in the SA order. */
static int raw_burst(struct raw *x, const struct bench_world *w, enum bench_dir dir, uint32_t b,
		     uint64_t pos)
{
	uint32_t c, i;

	for (c = 0; c < VRFSEC_BURST_MAX; c += x->ahead) {
		IMB_JOB *jobs[RAW_AHEAD_MAX];
		uint32_t got, done;

		for (i = 0; i < x->ahead; i++) {
			uint64_t q = pos + c + x->ahead + i;
			uint32_t j = (uint32_t)(q % BENCH_RING);

			key_lines(x->keys + (size_t)w->order[q % w->nsa] * SLOT, x->len[j]);
		}
		got = IMB_GET_NEXT_BURST(x->m, x->ahead, jobs);
		for (i = 0; i < got; i++) {
			uint64_t q = pos + c + i;
			const uint8_t *k = x->keys + (size_t)w->order[q % w->nsa] * SLOT;

			fill(x, jobs[i], (const struct gcm_key_data *)k,
			     b * VRFSEC_BURST_MAX + c + i, w->key_len, dir, x->tag[c + i]);
		}
		done = IMB_SUBMIT_BURST_NOCHECK(x->m, got, jobs);
		while (done < got) {
			uint32_t k = IMB_FLUSH_BURST(x->m, got - done, jobs);

			if (k == 0)
				break;
			done += k;
		}
		if (got != x->ahead || done != got || jobs[0]->status != IMB_STATUS_COMPLETED) {
			fprintf(stderr, "bench error: raw ipsec-mb burst: %u of %u jobs done\n",
				done, got);
			return -1;
		}
	}
	return 0;
}

int bench_raw(const struct bench_world *w, const struct bench_ring *r, const struct bench_opts *o,
	      struct bench_rate *out)
{
	struct raw *x = raw_open(w, r);
	struct bench_clock clk;
	uint64_t pos = 0;
	uint32_t b;
	int done = 0;

	if (!x)
		return -ENOMEM;
	bench_clock_init(&clk, o, o->raw_s);
	while (!done) {
		int timing = bench_clock_timing(&clk);
		double secs = 0;

		for (b = 0; b < BENCH_BURSTS; b++) {
			double t0 = bench_now();

			if (raw_burst(x, w, r->dir, b, pos) != 0) {
				raw_close(x);
				return -EIO;
			}
			secs += bench_now() - t0;
			pos += VRFSEC_BURST_MAX;
		}
		if (timing)
			done = bench_clock_add(&clk, secs, BENCH_RING, r->inner_bytes);
	}
	bench_clock_result(&clk, out);
	raw_close(x);
	return 0;
}

const char *bench_imb_arch(void)
{
	static const char *const names[] = { "none", "noaesni", "sse", "avx", "avx2", "avx512" };
	IMB_MGR *m = alloc_mb_mgr(0);
	IMB_ARCH arch = IMB_ARCH_NONE;

	if (!m)
		return "unknown";
	init_mb_mgr_auto(m, &arch);
	free_mb_mgr(m);
	return (unsigned)arch < sizeof(names) / sizeof(names[0]) ? names[arch] : "unknown";
}
