// SPDX-License-Identifier: Apache-2.0
// Testbench of gcm_core: McGrew-Viega vectors (96-bit IVs) and random packets, seal and open with
// tampering, back-to-back with random backpressure, checked against hw/hls/gcm.c; then throughput
// (blocks per cycle) and latency with no backpressure.
#include <stdio.h>
#include <stdlib.h>

#include "Vgcm_core.h"
#include "verilated.h"
extern "C" {
#include "gcm.h"
}
#include "tb_util.h"

#define NUM_SA 16
#define MAX_LEN 2048
#define MAX_AAD 32
#define MAX_PKTS 4096
#define MAX_BEATS (MAX_PKTS * (MAX_LEN / 16 + 4))

struct pkt {
	uint32_t sa, aad_len, len, decrypt;
	uint8_t nonce[12], aad[MAX_AAD], in[MAX_LEN], tag_in[16];
	// expected output
	uint8_t out[MAX_LEN], tag[16];
	int tag_ok;
};

static Vgcm_core *top;
static uint64_t cycle;
static struct pkt *pkts;
static struct vrfsec_gcm_key keys[NUM_SA];
static uint32_t passed, failed;

static void tick(void)
{
	top->clk = 0;
	top->eval();
	top->clk = 1;
	top->eval();
	cycle++;
}

static void install(uint32_t sa, const uint8_t *key, uint32_t len)
{
	uint8_t kb[32] = { 0 };

	memcpy(kb, key, len);
	vrfsec_gcm_key_setup(&keys[sa], key, len);
	top->key_valid = 1;
	top->key_sa = sa;
	top->key_len_code = (len - 16) / 8;
	tb_put_le(top->key_data.data(), kb, 32);
	top->clk = 0;
	top->eval();
	while (!top->key_ready) {
		tick();
		top->clk = 0;
		top->eval();
	}
	tick();
	top->key_valid = 0;
	// The core holds packets off until H is stored; waiting here keeps the test simple.
	for (int i = 0; i < 100; i++)
		tick();
}

// Fill the expected output of p from the C kernels.
static void expect(struct pkt *p)
{
	const struct vrfsec_gcm_key *k = &keys[p->sa];

	if (!p->decrypt) {
		vrfsec_gcm_seal(k, p->nonce, p->aad, p->aad_len, p->in, p->out, p->len, p->tag);
		p->tag_ok = 1;
		return;
	}
	// Decrypt: the core outputs CTR(in) whatever the tag, and the tag computed over in; open()
	// decides whether it matches.
	static uint8_t pt[MAX_LEN], ct[MAX_LEN];
	uint8_t dummy[16];
	vrfsec_gcm_seal(k, p->nonce, p->aad, p->aad_len, p->in, pt, p->len, dummy);
	vrfsec_gcm_seal(k, p->nonce, p->aad, p->aad_len, pt, ct, p->len, p->tag);
	memcpy(p->out, pt, p->len);
	p->tag_ok = vrfsec_gcm_open(k, p->nonce, p->aad, p->aad_len, p->in, ct, p->len, p->tag_in);
	if (p->tag_ok != (memcmp(p->tag, p->tag_in, 16) == 0)) {
		printf("tb: C model disagrees with itself on a tag\n");
		failed++;
	}
}

// Runs packets [0, n) through the core; bp: percent of cycles with m_axis_tready low.
// Returns cycles from the first beat in to the last beat out; lat_* in cycles per beat.
static uint64_t run(uint32_t n, uint32_t bp, uint32_t *lat_min, uint32_t *lat_max)
{
	static uint64_t in_cycle[MAX_BEATS];
	uint32_t ip = 0, ib = 0, op = 0, ob = 0, oq = 0, iq = 0;
	uint64_t first_in = 0, last_out = 0;
	int bad = 0;

	*lat_min = ~0u;
	*lat_max = 0;
	for (uint64_t guard = 0; op < n && guard < 50000000u; guard++) {
		struct pkt *p = &pkts[ip < n ? ip : 0];
		uint32_t aad_beats = (p->aad_len + 15) / 16, data_beats = (p->len + 15) / 16;
		uint32_t nbeats = aad_beats + data_beats + 1;
		uint8_t beat[16] = { 0 };
		int in_fire, out_fire;

		if (ip < n) {
			// Bytes past a length are garbage on purpose: the core must ignore them.
			tb_rand_bytes(beat, 16);
			if (ib < aad_beats) {
				uint32_t o = 16 * ib;
				memcpy(beat, p->aad + o, p->aad_len - o < 16 ? p->aad_len - o : 16);
			} else if (ib < aad_beats + data_beats) {
				uint32_t o = 16 * (ib - aad_beats);
				memcpy(beat, p->in + o, p->len - o < 16 ? p->len - o : 16);
			} else if (p->decrypt) {
				memcpy(beat, p->tag_in, 16);
			}
		}
		top->s_axis_tvalid = ip < n;
		tb_put_le(top->s_axis_tdata.data(), beat, 16);
		top->s_axis_sa = p->sa;
		tb_put_le(top->s_axis_nonce.data(), p->nonce, 12);
		top->s_axis_aad_len = p->aad_len;
		top->s_axis_data_len = p->len;
		top->s_axis_decrypt = p->decrypt;
		top->m_axis_tready = bp == 0 || tb_rand() % 100 >= bp;
		top->clk = 0;
		top->eval();
		in_fire = top->s_axis_tvalid && top->s_axis_tready;
		out_fire = top->m_axis_tvalid && top->m_axis_tready;
		if (out_fire) {
			struct pkt *q = &pkts[op];
			uint32_t ndata = (q->len + 15) / 16;
			uint8_t got[16], want[16] = { 0 };
			uint32_t keep = 0, last = ob == ndata, user = last ? 1 | (q->tag_ok << 1) : 0;
			uint64_t lat = cycle - in_cycle[oq++];

			tb_get_le(top->m_axis_tdata.data(), got, 16);
			if (last) {
				memcpy(want, q->tag, 16);
				keep = 0xffff;
			} else {
				uint32_t nb = q->len - 16 * ob < 16 ? q->len - 16 * ob : 16;
				memcpy(want, q->out + 16 * ob, nb);
				keep = (1u << nb) - 1;
			}
			if (memcmp(got, want, 16) || top->m_axis_tkeep != keep ||
			    top->m_axis_tlast != last || top->m_axis_tuser != user) {
				if (!bad && failed < 5)
					printf("packet %u beat %u: mismatch (len %u aad %u %s, keep %04x/%04x, user %u/%u)\n",
					       op, ob, q->len, q->aad_len, q->decrypt ? "open" : "seal",
					       top->m_axis_tkeep, keep, top->m_axis_tuser, user);
				bad = 1;
			}
			if (lat < *lat_min)
				*lat_min = (uint32_t)lat;
			if (lat > *lat_max)
				*lat_max = (uint32_t)lat;
			last_out = cycle;
			if (last) {
				if (bad)
					failed++;
				else
					passed++;
				bad = 0;
				op++;
				ob = 0;
			} else {
				ob++;
			}
		}
		if (in_fire) {
			if (ip == 0 && ib == 0)
				first_in = cycle;
			// Payload and tag beats come out; remember when they went in.
			if (ib >= aad_beats)
				in_cycle[iq++] = cycle;
			if (++ib == nbeats) {
				ib = 0;
				ip++;
			}
		}
		top->clk = 1;
		top->eval();
		cycle++;
	}
	if (op < n) {
		printf("run: stuck after %u of %u packets\n", op, n);
		failed += n - op;
	}
	top->s_axis_tvalid = 0;
	return last_out - first_in + 1;
}

static void random_pkt(struct pkt *p, uint32_t max_len)
{
	static const uint32_t aads[] = { 0, 8, 12, 16, 8, 12, 20, 32 };
	uint32_t r = tb_rand() % 4;

	p->sa = tb_rand() % NUM_SA;
	p->aad_len = aads[tb_rand() % 8];
	p->len = r == 0 ? tb_rand() % 64 : r == 1 ? 16 * (tb_rand() % (max_len / 16 + 1))
					     : tb_rand() % (max_len + 1);
	p->decrypt = tb_rand() % 2;
	tb_rand_bytes(p->nonce, 12);
	tb_rand_bytes(p->aad, p->aad_len);
	tb_rand_bytes(p->in, p->len);
	if (p->decrypt) {
		// A valid packet from the sealing side, then maybe tamper with it.
		static uint8_t pt[MAX_LEN];
		memcpy(pt, p->in, p->len);
		vrfsec_gcm_seal(&keys[p->sa], p->nonce, p->aad, p->aad_len, pt, p->in, p->len, p->tag_in);
		switch (tb_rand() % 8) {
		case 0:
			if (p->len)
				p->in[tb_rand() % p->len] ^= (uint8_t)(1u << (tb_rand() % 8));
			break;
		case 1:
			if (p->aad_len)
				p->aad[tb_rand() % p->aad_len] ^= 0x80;
			break;
		case 2:
			p->tag_in[tb_rand() % 16] ^= 0x01;
			break;
		default:
			break;
		}
	}
	expect(p);
}

// McGrew-Viega cases with 96-bit IVs from the project's vector file, sealed and opened.
static uint32_t load_vectors(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	uint8_t key[32], pt[MAX_LEN], ct[MAX_LEN], tag[16];
	int klen = -1, ivlen = -1, alen = -1, plen = -1, clen = -1;
	uint32_t n = 0;
	static struct pkt v;
	struct pkt *p = &v;

	if (!f) {
		printf("cannot open %s\n", path);
		failed++;
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "key = ", 6))
			klen = tb_hex(line + 6, key, 32);
		else if (!strncmp(line, "iv = ", 5))
			ivlen = tb_hex(line + 5, p->nonce, 12);
		else if (!strncmp(line, "aad = ", 6))
			alen = tb_hex(line + 6, p->aad, MAX_AAD);
		else if (!strncmp(line, "plaintext = ", 12))
			plen = tb_hex(line + 12, pt, MAX_LEN);
		else if (!strncmp(line, "ciphertext = ", 13))
			clen = tb_hex(line + 13, ct, MAX_LEN);
		else if (!strncmp(line, "tag = ", 6) && tb_hex(line + 6, tag, 16) == 16) {
			if (ivlen == 12 && klen > 0 && alen >= 0 && plen >= 0 && plen == clen) {
				uint32_t sa = n % NUM_SA, lmin, lmax;

				install(sa, key, (uint32_t)klen);
				for (uint32_t dir = 0; dir < 2; dir++) {
					struct pkt *q = &pkts[dir];

					memcpy(q, p, sizeof(*q));
					q->sa = sa;
					q->aad_len = (uint32_t)alen;
					q->len = (uint32_t)plen;
					q->decrypt = dir;
					memcpy(q->in, dir ? ct : pt, (size_t)plen);
					memcpy(q->tag_in, tag, 16);
					expect(q);
					// The C kernel must agree with the published vector too.
					if (memcmp(q->out, dir ? pt : ct, (size_t)plen) ||
					    memcmp(q->tag, tag, 16) || !q->tag_ok) {
						printf("vector %u: C model disagrees with the file\n", n);
						failed++;
					}
				}
				run(2, 0, &lmin, &lmax);
				n++;
			}
			klen = ivlen = alen = plen = clen = -1;
		}
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	const char *vec = argc > 1 && argv[1][0] != '+' ? argv[1] : "tests/vectors/data/gcm.txt";
	uint32_t lmin, lmax, nvec, nrand = 3000;
	uint64_t cyc;

	Verilated::commandArgs(argc, argv);
	pkts = (struct pkt *)calloc(MAX_PKTS, sizeof(*pkts));
	top = new Vgcm_core;
	top->rst = 1;
	tick();
	tick();
	top->rst = 0;
	tick();

	nvec = load_vectors(vec);
	printf("gcm_core: %u McGrew-Viega vectors (96-bit IV), each sealed and opened\n", nvec);

	for (uint32_t s = 0; s < NUM_SA; s++) {
		uint8_t key[32];
		uint32_t len = 16 + 8 * (tb_rand() % 3);

		tb_rand_bytes(key, len);
		install(s, key, len);
	}
	uint32_t nopen = 0, nbad = 0;
	for (uint32_t i = 0; i < nrand; i++) {
		random_pkt(&pkts[i], MAX_LEN);
		nopen += pkts[i].decrypt;
		nbad += !pkts[i].tag_ok;
	}
	run(nrand, 30, &lmin, &lmax);
	printf("gcm_core: %u random packets (%u open, %u of them tampered -> tag_ok=0), back-to-back, "
	       "30%% backpressure\n", nrand, nopen, nbad);

	// Throughput and latency: 1500-byte-class packets, no backpressure.
	uint32_t nthr = 200, blocks = 0, payload_blocks = 0;
	for (uint32_t i = 0; i < nthr; i++) {
		random_pkt(&pkts[i], MAX_LEN);
		pkts[i].len = MAX_LEN;
		pkts[i].aad_len = 8;
		tb_rand_bytes(pkts[i].in, MAX_LEN);
		pkts[i].decrypt = i % 2;
		if (pkts[i].decrypt)
			vrfsec_gcm_seal(&keys[pkts[i].sa], pkts[i].nonce, pkts[i].aad, 8, pkts[i].in,
					pkts[i].in, MAX_LEN, pkts[i].tag_in);
		expect(&pkts[i]);
		blocks += 1 + MAX_LEN / 16 + 1;
		payload_blocks += MAX_LEN / 16;
	}
	cyc = run(nthr, 0, &lmin, &lmax);
	printf("gcm_core: throughput %.4f blocks/cycle in (%.4f payload blocks/cycle, %.2f bytes/cycle) "
	       "over %u packets of %u bytes; latency %u..%u cycles\n",
	       (double)blocks / (double)cyc, (double)payload_blocks / (double)cyc,
	       16.0 * payload_blocks / (double)cyc, nthr, MAX_LEN, lmin, lmax);
	printf("gcm_core: %u passed, %u failed\n", passed, failed);
	top->final();
	delete top;
	free(pkts);
	return failed ? 1 : 0;
}
