/* SPDX-License-Identifier: Apache-2.0 */
/* CPU engine crypto: AES-GCM bursts through Intel ipsec-mb's job API, with table prefetch. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "engine_impl.h"
#include "sa_hash.h"

/* Expanded keys padded to 1024 bytes: 1008-byte entries would straddle a cache line more
 * often than not, one more miss per packet once keys no longer fit in the cache. */
struct cpu_key {
	_Alignas(64) struct gcm_key_data k;
	uint8_t pad[1024 - sizeof(struct gcm_key_data)];
};
_Static_assert(sizeof(struct cpu_key) == 1024, "key slot is 16 cache lines");

/* Below this many keys the SA state stays in L2 and the prefetch pass would only cost time. */
#define PREFETCH_MIN_KEYS 1024u
/* Packets between a prefetch and its use: DRAM latency (~150 ns in a VM) over the stage's
 * time per packet, with room to spare. */
#define PF_AHEAD 4u

/* Per-packet prefetch state: each step does at most one dependent read, of a line an earlier
 * step asked for, and asks for the lines that read points to. */
struct pf_slot {
	uint8_t state;        /* PF_* */
	uint8_t level;        /* PF_FIB: trie level of the entry asked for */
	uint16_t len;         /* bytes the crypto will cover, roughly */
	uint32_t key;         /* PF_SPI: SPI; PF_FIB: trie node; PF_NH: next-hop index */
	uint32_t seq;         /* PF_SPI: low 32 bits of the ESP sequence number */
	uint32_t nh;          /* PF_FIB: next hop found on the path so far */
	const uint8_t *addr;  /* PF_FIB: destination address in the packet */
};

#define PF_DONE 0u
#define PF_NEW 1u /* nothing read yet */
#define PF_SPI 2u /* SPI hash buckets asked for */
#define PF_FIB 3u /* last trie entry on the path asked for */
#define PF_NH 4u  /* next-hop entry asked for */

struct cpu_state {
	IMB_MGR *mgr;
	struct cpu_key *keys; /* per SA */
	uint32_t n_keys;
	int vaes;             /* ipsec-mb's VAES-AVX512 GCM: 48 hash-key powers, H^1 last */
	uint8_t tag[VRFSEC_BURST_MAX][16];
	struct pf_slot pf[VRFSEC_BURST_MAX];
};

#define KEYS_BYTES (VRFSEC_MAX_SA * sizeof(struct cpu_key))

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
	c->vaes = c->mgr->used_arch == IMB_ARCH_AVX512 && (c->mgr->features & IMB_FEATURE_VAES) &&
		  (c->mgr->features & IMB_FEATURE_VPCLMULQDQ);
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
		IMB_AES128_GCM_PRE(c->mgr, key, &c->keys[idx].k);
	else if (key_len == 24)
		IMB_AES192_GCM_PRE(c->mgr, key, &c->keys[idx].k);
	else if (key_len == 32)
		IMB_AES256_GCM_PRE(c->mgr, key, &c->keys[idx].k);
	else
		return -EINVAL;
	c->n_keys++; /* the engine only sets a key on a slot it has just compiled */
	return 0;
}

void cpu_clear_key(struct vrfsec_engine *e, uint32_t idx)
{
	struct cpu_state *c = e->cpu;

	explicit_bzero(&c->keys[idx], sizeof(c->keys[idx]));
	if (c->n_keys)
		c->n_keys--;
}

/* ---- Prefetch. Hints only: nothing here changes what a packet becomes, and a wrong guess
 * costs one wasted line. Reads stay inside the tables; prefetches never fault. */

/* Inline asm rather than __builtin_prefetch: GCC 12 finds a static helper whose only effect is
 * __builtin_prefetch "const" and deletes every call to it as dead code. */
static inline void pf(const void *p)
{
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
}

/* For lines the packet will write (SA sequence numbers, counters, replay words). */
static inline void pfw(const void *p)
{
	__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
}

/* The lines of [p, p + n), n <= 128, without a loop: a loop whose trip count follows the
 * alignment of each entry costs a mispredicted branch or two per packet, more than it saves. */
static inline void pf_span(const void *p, uint32_t n)
{
	pf(p);
	pf((const char *)p + (n > 64u ? 64u : 0u));
	pf((const char *)p + n - 1u);
}

static inline void pfw_span(const void *p, uint32_t n)
{
	pfw(p);
	pfw((const char *)p + (n > 64u ? 64u : 0u));
	pfw((const char *)p + n - 1u);
}

/* The lines of a key that GCM over len bytes reads: the round keys, and the hash-key powers
 * H^k..H^1 it multiplies by (k = blocks, at most 48), which the VAES layout keeps at the end of
 * the (line-aligned) slot. Every line asked for and not used takes a miss buffer from one that
 * is. */
static void key_prefetch(const struct vrfsec_engine *e, uint32_t sa, uint32_t len)
{
	const struct cpu_state *c = e->cpu;
	const uint8_t *b = (const uint8_t *)&c->keys[sa];
	uint32_t blocks = (len + 15u) / 16u + 1u; /* data, and one for AAD/lengths */
	uint32_t o;

	pf(b);
	pf(b + 64);
	pf(b + 128);        /* AES-128 round keys end at 176 */
	if (e->key_len[sa] > 16u)
		pf(b + 192); /* AES-192/256: 208 / 240 */
	if (!c->vaes) {
		pf(b + 256);
		pf(b + 320);
		pf(b + 384);
		pf(b + 448);
		return;
	}
	if (blocks > 48u)
		blocks = 48u;
	pf(b + 960);        /* H^1 .. H^4 */
	for (o = (16u * (63u - blocks)) & ~63u; o < 960u; o += 64u)
		pf(b + o);
}

#define SA_OUT_USE 0u /* outbound SA: state and the header template */
#define SA_IN_USE 1u  /* inbound SA: state, our address (SPI lookup), first traffic selector */

/* Everything of SA sa a packet touches: the lines of the entry that direction reads (the
 * first ones are written: sequence number, IV, IPv4 id), the counters, the key. */
static void sa_prefetch(const struct vrfsec_engine *e, uint32_t sa, uint32_t use, uint32_t len)
{
	const struct vrfsec_tables *t = e->t;
	const struct vrfsec_sa *s = &t->sa[sa];

	pfw_span(s, offsetof(struct vrfsec_sa, src));
	if (use == SA_OUT_USE) {
		/* Ethernet, IPv4, UDP, SPI: 46 bytes, copied in words (an IPv6 template's tail
		 * comes on demand) */
		pf_span(s->tmpl, 48u);
	} else {
		pf_span(s->dst, sizeof(s->dst));
		pf_span(&s->ts[0], sizeof(s->ts[0]));
	}
	pfw_span(&t->sa_cnt[sa], sizeof(t->sa_cnt[sa]));
	key_prefetch(e, sa, len);
}

static inline uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t be32(const uint8_t *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* Inbound ESP: SPI and sequence number where a quick parse finds them; ask for the buckets. */
static void pf_public(const struct vrfsec_tables *t, const struct vrfsec_pkt *p, struct pf_slot *s)
{
	const uint8_t *f = p->buf + p->off;
	uint32_t et, l4, proto, esp;

	if (p->len < 14u + 20u + 24u)
		return;
	et = be16(f + 12);
	if (et == 0x0800u) {
		l4 = 14u + (f[14] & 15u) * 4u;
		proto = f[14 + 9];
	} else if (et == 0x86ddu) {
		l4 = 14u + 40u;
		proto = f[14 + 6];
	} else {
		return;
	}
	esp = proto == 17u ? l4 + 8u : l4;
	if ((proto != 17u && proto != 50u) || esp + 8u + 16u > p->len)
		return;
	s->key = be32(f + esp);
	s->seq = be32(f + esp + 4u);
	s->len = (uint16_t)(p->len - esp);
	if (s->key == 0)
		return;
	pf(&t->spi_hash[spi_bucket(s->key, 0)]);
	pf(&t->spi_hash[spi_bucket(s->key, 1)]);
	s->state = PF_SPI;
}

/* Walk the VRF's trie as vrfsec_fib_lookup does (vrf_fib.h: child in bits 0..23, next hop in
 * 24..47) but stop short of the last level, where per-host routes live and which is the likely
 * miss: ask for that entry and let the next step read it. */
static void pf_route(const struct vrfsec_tables *t, uint32_t vrf, const uint8_t *ip,
		     uint32_t avail, struct pf_slot *s)
{
	uint32_t v4, levels, node, k;

	if (vrf >= VRFSEC_FIB_VRFS || avail < 20u)
		return;
	v4 = (ip[0] >> 4) == 4u;
	if (!v4 && avail < 40u)
		return;
	levels = v4 ? 4u : 16u;
	s->addr = v4 ? ip + 16 : ip + 24;
	s->len = (uint16_t)(v4 ? be16(ip + 2) : 40u + be16(ip + 4));
	s->nh = 0;
	node = 1u + 2u * vrf + (v4 ? 0u : 1u);
	for (k = 0; k + 1u < levels; k++) {
		vrfsec_fib_entry en = t->fib.node[node][s->addr[k]];
		uint32_t enh = (uint32_t)(en >> 24) & 0xffffffu;

		s->nh = enh ? enh : s->nh;
		node = (uint32_t)en & 0xffffffu;
		if (node == 0 || node >= VRFSEC_FIB_NODES)
			break;
	}
	if (node != 0 && node < VRFSEC_FIB_NODES && k + 1u == levels) {
		pf(&t->fib.node[node][s->addr[k]]);
		s->key = node;
		s->level = (uint8_t)k;
		s->state = PF_FIB;
		return;
	}
	if (s->nh != 0 && s->nh < VRFSEC_MAX_NH) {
		pf(&t->nh[s->nh]);
		s->key = s->nh;
		s->state = PF_NH;
	}
}

/* Core port: the VPN label under any explicit nulls gives the VRF. */
static void pf_core(const struct vrfsec_tables *t, const struct vrfsec_pkt *p, struct pf_slot *s)
{
	const uint8_t *f = p->buf + p->off;
	uint32_t cur = 14u, i, lse, label, vrf1;

	if (p->len < 14u + 4u + 20u || be16(f + 12) != 0x8847u)
		return;
	for (i = 0; i < 4u && cur + 4u <= p->len; i++) {
		lse = be32(f + cur);
		label = lse >> 12;
		cur += 4u;
		if ((label == 0u || label == 2u) && !(lse & 0x100u))
			continue;
		if (label < 16u || !(lse & 0x100u))
			return;
		vrf1 = t->label_vrf[label];
		if (vrf1)
			pf_route(t, vrf1 - 1u, f + cur, p->len - cur, s);
		return;
	}
}

/* Inside port: the 802.1Q VLAN gives the VRF. */
static void pf_inside(const struct vrfsec_tables *t, const struct vrfsec_pkt *p, struct pf_slot *s)
{
	const uint8_t *f = p->buf + p->off;
	uint32_t vrf1;

	if (p->len < 18u + 20u || be16(f + 12) != 0x8100u)
		return;
	vrf1 = t->vlan_vrf[be16(f + 14) & 0xfffu];
	if (vrf1)
		pf_route(t, vrf1 - 1u, f + 18, p->len - 18u, s);
}

/* The inbound SA the stage will find for this SPI: entry, replay word, counters, key. */
static void pf_spi(const struct vrfsec_engine *e, const struct pf_slot *s)
{
	const struct vrfsec_tables *t = e->t;
	uint32_t w, k;

	for (w = 0; w < 2u; w++) {
		const struct vrfsec_spi_bucket *b = &t->spi_hash[spi_bucket(s->key, w)];

		for (k = 0; k < VRFSEC_SPI_WAYS; k++) {
			uint32_t idx = b->sa[k] - 1u;

			if (b->sa[k] == 0 || b->spi[k] != s->key || idx >= VRFSEC_MAX_SA)
				continue;
			sa_prefetch(e, idx, SA_IN_USE, s->len);
			pfw(&t->replay[idx][(s->seq >> 5) & (VRFSEC_REPLAY_WORDS - 1u)]);
			return;
		}
	}
}

/* One step of packet p's prefetch chain. */
static void pf_step(struct vrfsec_engine *e, const struct vrfsec_pkt *p, struct pf_slot *s)
{
	const struct vrfsec_tables *t = e->t;

	if (s->state == PF_NEW) {
		s->state = PF_DONE;
		if (p->off < VRFSEC_HEADROOM || p->len > VRFSEC_MAX_FRAME ||
		    (uint32_t)p->off + p->len > VRFSEC_HEADROOM + VRFSEC_MAX_FRAME)
			return;
		if (p->in_port == VRFSEC_PORT_PUBLIC)
			pf_public(t, p, s);
		else if (p->in_port == VRFSEC_PORT_CORE)
			pf_core(t, p, s);
		else if (p->in_port == VRFSEC_PORT_INSIDE)
			pf_inside(t, p, s);
		else if (p->in_port == VRFSEC_PORT_HOST && p->sa_out < VRFSEC_MAX_SA)
			sa_prefetch(e, p->sa_out, SA_OUT_USE, p->len);
	} else if (s->state == PF_SPI) {
		pf_spi(e, s);
		s->state = PF_DONE;
	} else if (s->state == PF_FIB) {
		vrfsec_fib_entry en = t->fib.node[s->key][s->addr[s->level]];
		uint32_t enh = (uint32_t)(en >> 24) & 0xffffffu;

		s->nh = enh ? enh : s->nh;
		s->state = PF_DONE;
		if (s->nh != 0 && s->nh < VRFSEC_MAX_NH) {
			pf(&t->nh[s->nh]);
			s->key = s->nh;
			s->state = PF_NH;
		}
	} else if (s->state == PF_NH) {
		const struct vrfsec_nh *nh = &t->nh[s->key];

		/* ESP overhead on top of the IP packet: trailer, and the tag's block */
		if (nh->kind == VRFSEC_NH_SA && nh->sa < VRFSEC_MAX_SA)
			sa_prefetch(e, nh->sa, SA_OUT_USE, s->len + 20u);
		s->state = PF_DONE;
	}
}

/* Called before the ingress stage of pkts[i]. With tens of thousands of SAs a packet's route
 * leaf, next hop, SA entry, replay word, counters and key are all cache misses, and the stage
 * would meet them one after another. Each packet's chain of reads is walked ahead of the stage
 * instead, one link per step, steps PF_AHEAD packets apart, so that the misses of different
 * packets overlap with the work on earlier ones. (Asking for a whole burst at once does not
 * work: the core drops the prefetches it has no miss buffer for.) */
void cpu_prefetch_rx(struct vrfsec_engine *e, struct vrfsec_pkt **pkts, uint32_t n, uint32_t i)
{
	struct cpu_state *c = e->cpu;
	uint32_t k, d;

	if (c->n_keys < PREFETCH_MIN_KEYS || n > VRFSEC_BURST_MAX)
		return;
	if (i == 0) {
		/* Packets closer than 3 * PF_AHEAD get the steps they would have had. */
		for (k = 0; k < 3u * PF_AHEAD && k < n; k++)
			c->pf[k].state = PF_NEW;
		for (d = 3; d > 0; d--)
			for (k = 0; k < d * PF_AHEAD && k < n; k++)
				pf_step(e, pkts[k], &c->pf[k]);
	}
	for (d = 3; d > 0; d--) {
		k = i + d * PF_AHEAD;
		if (k >= n)
			continue;
		if (d == 3)
			c->pf[k].state = PF_NEW;
		pf_step(e, pkts[k], &c->pf[k]);
	}
}

/* ---- Crypto */

static int tag_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;
	int i;

	for (i = 0; i < 16; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

/* What ipsec-mb's job check would refuse, refused here, so that jobs can be submitted without
 * the library checking each one again (a quarter of the cost of a small packet). */
static int op_valid(const struct vrfsec_engine *e, const struct vrfsec_crypto_op *op)
{
	uint32_t kl;

	if (op->sa >= VRFSEC_MAX_SA)
		return 0;
	kl = e->key_len[op->sa];
	return (kl == 16u || kl == 24u || kl == 32u) && (op->aad_len == 8u || op->aad_len == 12u) &&
	       (uint32_t)op->data_off + op->data_len <= VRFSEC_BUF_SIZE &&
	       (uint32_t)op->tag_off + 16u <= VRFSEC_BUF_SIZE;
}

static void fill_job(struct cpu_state *c, IMB_JOB *job, struct vrfsec_pkt *p, uint32_t key_len,
		     uint8_t *tag)
{
	struct vrfsec_crypto_op *op = &p->op;

	job->cipher_mode = IMB_CIPHER_GCM;
	job->hash_alg = IMB_AUTH_AES_GMAC;
	job->key_len_in_bytes = key_len;
	job->enc_keys = &c->keys[op->sa].k;
	job->dec_keys = &c->keys[op->sa].k;
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
	struct vrfsec_pkt *ok[VRFSEC_BURST_MAX];
	IMB_JOB *jobs[VRFSEC_BURST_MAX];
	uint32_t done = 0, m = 0, i;

	for (i = 0; i < n && i < VRFSEC_BURST_MAX; i++) {
		pkts[i]->op.tag_ok = 0; /* stays 0 for an operation the library never ran */
		if (op_valid(e, &pkts[i]->op))
			ok[m++] = pkts[i];
	}

	while (done < m) {
		uint32_t got = IMB_GET_NEXT_BURST(c->mgr, m - done, jobs);
		uint32_t completed;

		if (got == 0)
			break; /* queue full: cannot happen, bursts are drained; tag_ok stays 0 */
		for (i = 0; i < got; i++) {
			struct vrfsec_pkt *p = ok[done + i];

			fill_job(c, jobs[i], p, e->key_len[p->op.sa], c->tag[done + i]);
		}
		/* GCM jobs normally all complete on submit; flush covers anything still queued. */
		completed = IMB_SUBMIT_BURST_NOCHECK(c->mgr, got, jobs);
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
