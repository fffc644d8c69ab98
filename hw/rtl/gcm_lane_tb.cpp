// SPDX-License-Identifier: Apache-2.0
// Testbench of gcm_lane against the C kernel (hw/hls/gcm.c, called as vrfsec_crypto_exec in
// hw/hls/pipeline.c does): random
// keys (128/192/256), nonces, AAD of 8 or 12 bytes, payloads of 0..2048 bytes at random offsets of
// four slots, encrypt, decrypt with good and bad tags (flipped tag, payload or AAD bit), and the
// lengths C refuses; packets started back to back with random gaps, several in flight. Each done
// must come in start order with the C tag_ok and the slot buffer as C leaves it (after a failed
// open the data region holds the CTR output the lane wrote: esp_decap_post wipes it). Then the
// per-lane rate for 1500- and 64-byte payloads.
#include <stdio.h>
#include <stdlib.h>

#include "Vgcm_lane.h"
#include "verilated.h"
extern "C" {
#define _Static_assert static_assert // the C11 keyword of vrfsec_hls.h, as C++ spells it
#include "gcm.h"
#include "vrfsec_hls.h"
}
#include "tb_util.h"

#define KEY_SLOTS 16
#define NSLOT 4
#define NPKT 3000

static Vgcm_lane *m;
static uint64_t cyc;
static struct vrfsec_gcm_key keys[KEY_SLOTS];
static struct vrfsec_pkt slot[NSLOT], want[NSLOT];
static int busy[NSLOT];
static uint64_t t_start[NSLOT];
static int order[64];
static unsigned o_head, o_tail;
static uint64_t passed, failed;

// vrfsec_crypto_exec (hw/hls/pipeline.c), which cannot be linked alone (pipeline.c calls every
// stage).
static void crypto_exec(const struct vrfsec_gcm_key *k, struct vrfsec_pkt *p)
{
	struct vrfsec_crypto_op *op = &p->op;
	uint8_t *data = p->buf + op->data_off;

	if (op->encrypt) {
		vrfsec_gcm_seal(&k[op->sa], op->nonce, op->aad, op->aad_len, data, data, op->data_len,
				p->buf + op->tag_off);
		op->tag_ok = 1;
	} else {
		op->tag_ok = (uint8_t)vrfsec_gcm_open(&k[op->sa], op->nonce, op->aad, op->aad_len, data,
						      data, op->data_len, p->buf + op->tag_off);
	}
}

// One clock: serve the slot ports (read data for the next cycle, writes at this edge).
static void tick(void)
{
	m->clk = 0;
	m->eval();
	uint8_t rdata[16] = { 0 };
	if (m->rd) {
		uint32_t a = m->rd_addr;
		for (int i = 0; i < 16; i++)
			rdata[i] = a + i < VRFSEC_BUF_SIZE ? slot[m->rd_id].buf[a + i] : 0;
	}
	if (m->wr) {
		uint8_t wd[16];
		uint32_t a = m->wr_addr;
		tb_get_le(m->wr_data.data(), wd, 16);
		for (int i = 0; i < 16; i++)
			if ((m->wr_be >> i) & 1u && a + i < VRFSEC_BUF_SIZE)
				slot[m->wr_id].buf[a + i] = wd[i];
	}
	m->clk = 1;
	m->eval();
	cyc++;
	tb_put_le(m->rd_data.data(), rdata, 16);
}

static void install(uint32_t sa)
{
	uint8_t key[32] = { 0 };
	uint32_t len = 16 + 8 * (tb_rand() % 3);

	tb_rand_bytes(key, len);
	vrfsec_gcm_key_setup(&keys[sa], key, len);
	m->key_valid = 1;
	m->key_sa = sa;
	m->key_len_code = (len - 16) / 8;
	tb_put_le(m->key_data.data(), key, 32);
	for (;;) {
		m->clk = 0;
		m->eval();
		int rdy = m->key_ready;
		tick();
		if (rdy)
			break;
	}
	m->key_valid = 0;
}

// A random operation in slot s (buffer random, op filled in); want[s] = what C leaves.
static void make_pkt(int s, uint32_t fixed_len)
{
	struct vrfsec_pkt *p = &slot[s];
	struct vrfsec_crypto_op *op = &p->op;
	uint32_t r = tb_rand() % 100, len;

	memset(p, 0, sizeof(*p));
	tb_rand_bytes(p->buf, VRFSEC_BUF_SIZE);
	if (fixed_len != ~0u)
		len = fixed_len;
	else if (r < 30)
		len = tb_rand() % 100;
	else if (r < 90)
		len = tb_rand() % 2049;
	else
		len = 2048 - tb_rand() % 4;
	op->sa = tb_rand() % KEY_SLOTS;
	op->encrypt = (uint8_t)(tb_rand() & 1);
	op->aad_len = tb_rand() % 8 == 0 ? 0 : tb_rand() & 1 ? 12 : 8;
	tb_rand_bytes(op->nonce, 12);
	tb_rand_bytes(op->aad, 12);
	op->data_len = (uint16_t)len;
	op->data_off = (uint16_t)(tb_rand() % (VRFSEC_BUF_SIZE - 16 - len + 1));
	op->tag_off = (uint16_t)(op->data_off + len);
	op->tag_ok = (uint8_t)(tb_rand() & 1); // stale value: the lane must overwrite it
	if (fixed_len == ~0u && tb_rand() % 50 == 0) {
		// Refused by C: no data written, zero tag (seal) or tag_ok 0 (open).
		if (tb_rand() & 1) {
			op->data_len = (uint16_t)(2049 + tb_rand() % 100);
			op->data_off = 0;
			op->tag_off = (uint16_t)(tb_rand() % (VRFSEC_BUF_SIZE - 16));
		} else {
			op->aad_len = (uint8_t)(33 + tb_rand() % 200);
		}
	}
	if (!op->encrypt && op->data_len <= 2048 && op->aad_len <= 32) {
		// Make the payload and tag a real ESP open: seal a random plaintext in place ...
		vrfsec_gcm_seal(&keys[op->sa], op->nonce, op->aad, op->aad_len, p->buf + op->data_off,
				p->buf + op->data_off, op->data_len, p->buf + op->tag_off);
		// ... and spoil it now and then.
		uint32_t t = tb_rand() % 8;
		if (t == 0)
			p->buf[op->tag_off + tb_rand() % 16] ^= (uint8_t)(1u << (tb_rand() % 8));
		else if (t == 1 && op->data_len)
			p->buf[op->data_off + tb_rand() % op->data_len] ^= 0x01;
		else if (t == 2 && op->aad_len)
			op->aad[tb_rand() % op->aad_len] ^= 0x80;
	}
	want[s] = *p;
	crypto_exec(keys, &want[s]);
	if (!want[s].op.encrypt && !want[s].op.tag_ok && op->data_len <= 2048 && op->aad_len <= 32) {
		// The lane writes CTR(data) whatever the verdict; C leaves the data. Same keystream:
		uint8_t tag[16];
		vrfsec_gcm_seal(&keys[op->sa], op->nonce, op->aad, op->aad_len,
				want[s].buf + op->data_off, want[s].buf + op->data_off, op->data_len, tag);
	}
}

static void start(int s)
{
	const struct vrfsec_crypto_op *op = &slot[s].op;

	m->start = 1;
	m->start_id = s;
	m->op_sa = op->sa;
	m->op_encrypt = op->encrypt;
	m->op_aad_len = op->aad_len;
	tb_put_le(m->op_nonce.data(), op->nonce, 12);
	tb_put_le(m->op_aad.data(), op->aad, 12);
	m->op_data_off = op->data_off;
	m->op_data_len = op->data_len;
	m->op_tag_off = op->tag_off;
}

static void check_done(uint64_t *lat_sum, uint64_t *lat_max)
{
	if (!m->done)
		return;
	int s = m->done_id;
	int e = o_head != o_tail ? order[o_head++ % 64] : -1;
	int ok = s == e;

	slot[s].op.tag_ok = m->done_tag_ok;
	if (ok && (slot[s].op.tag_ok != want[s].op.tag_ok ||
		   memcmp(slot[s].buf, want[s].buf, VRFSEC_BUF_SIZE) != 0))
		ok = 0;
	if (ok) {
		passed++;
	} else {
		if (failed < 5) {
			const struct vrfsec_crypto_op *op = &want[s].op;
			printf("gcm_lane: slot %d (want %d) enc %u len %u off %u aad %u tag_ok %u/%u\n", s,
			       e, op->encrypt, op->data_len, op->data_off, op->aad_len,
			       slot[s].op.tag_ok, op->tag_ok);
		}
		failed++;
	}
	uint64_t lat = cyc - t_start[s];
	*lat_sum += lat;
	if (lat > *lat_max)
		*lat_max = lat;
	busy[s] = 0;
}

// Runs n packets; gap: percent of cycles without a start offered. Returns cycles taken.
static uint64_t run(uint32_t n, uint32_t gap, uint32_t fixed_len, uint64_t *lat_sum, uint64_t *lat_max)
{
	uint32_t started = 0;
	uint64_t c0 = cyc;

	*lat_sum = *lat_max = 0;
	while ((started < n || o_head != o_tail) && cyc - c0 < 50000000u) {
		m->start = 0;
		int s = -1;
		if (started < n && (gap == 0 || tb_rand() % 100 >= gap)) {
			for (int k = 0; k < NSLOT; k++) {
				int c = (int)((started + k) % NSLOT);
				if (!busy[c]) {
					s = c;
					break;
				}
			}
		}
		if (s >= 0 && !busy[s]) {
			make_pkt(s, fixed_len);
			start(s);
		}
		m->clk = 0;
		m->eval();
		int took = m->start && m->start_ready;
		if (took) {
			busy[s] = 1;
			t_start[s] = cyc;
			order[o_tail++ % 64] = s;
			started++;
		}
		tick();
		m->start = 0;
		check_done(lat_sum, lat_max);
	}
	return cyc - c0;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	m = new Vgcm_lane;
	uint64_t ls, lm;

	m->rst = 1;
	for (int i = 0; i < 4; i++)
		tick();
	m->rst = 0;
	for (uint32_t sa = 0; sa < KEY_SLOTS; sa++)
		install(sa);
	for (int i = 0; i < 100; i++)
		tick();
	run(NPKT / 2, 30, ~0u, &ls, &lm);
	// Re-key a few SAs while idle, then back to back.
	for (int i = 0; i < 4; i++)
		install(tb_rand() % KEY_SLOTS);
	run(NPKT / 2, 0, ~0u, &ls, &lm);
	uint64_t rnd_fail = failed;
	// Rates: back to back, fixed sizes.
	uint64_t c1500 = run(200, 0, 1500, &ls, &lm);
	double lat1500 = (double)ls / 200;
	uint64_t c64 = run(200, 0, 64, &ls, &lm);
	double lat64 = (double)ls / 200;
	printf("gcm_lane: rate 1500 B: %.1f cycles/packet, %.2f bytes/cycle, latency %.0f cycles; "
	       "64 B: %.1f cycles/packet, %.2f bytes/cycle, latency %.0f cycles\n",
	       (double)c1500 / 200, 1500.0 * 200 / c1500, lat1500, (double)c64 / 200,
	       64.0 * 200 / c64, lat64);
	printf("gcm_lane: %llu passed, %llu failed (random %u packets, %llu failures there)\n",
	       (unsigned long long)passed, (unsigned long long)failed, NPKT,
	       (unsigned long long)rnd_fail);
	delete m;
	return failed ? 1 : 0;
}
