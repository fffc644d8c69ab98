// SPDX-License-Identifier: Apache-2.0
// Testbench of aes_cipher_core: FIPS-197 examples and random blocks under random keys of all sizes
// and random stalls, checked against the C kernel hw/hls/aes.c.
#include <stdio.h>
#include <stdlib.h>

#include "Vaes_cipher_core.h"
#include "verilated.h"
extern "C" {
#include "aes.h"
}
#include "tb_util.h"

#define NUM_SA 16
#define LATENCY 16

static Vaes_cipher_core *top;

static void tick(void)
{
	top->clk = 0;
	top->eval();
	top->clk = 1;
	top->eval();
}

// Write the schedule of slot sa through the key port, as aes_key_expand would.
static void install(uint32_t sa, const struct vrfsec_aes_key *k)
{
	for (uint32_t r = 0; r <= k->rounds; r++) {
		top->kw_en = 1;
		top->kw_round = r;
		top->kw_sa = sa;
		top->kw_nr_code = (k->rounds - 10) / 2;
		tb_put_be128(top->kw_data.data(), k->rk + 16 * r);
		tick();
	}
	top->kw_en = 0;
}

struct job {
	uint8_t in[16], want[16];
	uint32_t sa;
};

int main(int argc, char **argv)
{
	static const uint8_t fips_pt[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					     0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const char *fips_ct[3] = { "69c4e0d86a7b0430d8cdb78070b4c55a",
					  "dda97ca4864cdfe06eaf70a0ec0d7191",
					  "8ea2b7ca516745bfeafc49904b496089" };
	enum { NJOBS = 20000 };
	static struct job jobs[NJOBS];
	struct vrfsec_aes_key keys[NUM_SA];
	uint32_t passed = 0, failed = 0, sent = 0, got = 0;
	uint32_t pipe_job[LATENCY + 1];
	int pipe_v[LATENCY + 1] = { 0 };

	Verilated::commandArgs(argc, argv);
	top = new Vaes_cipher_core;
	top->rst = 1;
	top->ce = 1;
	tick();
	tick();
	top->rst = 0;

	// Slots 0..2: FIPS 197 appendix C keys 00 01 02 ...; the rest random sizes and keys.
	for (uint32_t s = 0; s < NUM_SA; s++) {
		uint8_t key[32];
		uint32_t len = s < 3 ? 16 + 8 * s : 16 + 8 * (tb_rand() % 3);

		for (uint32_t i = 0; i < 32; i++)
			key[i] = s < 3 ? (uint8_t)i : (uint8_t)tb_rand();
		vrfsec_aes_expand(&keys[s], key, len);
		install(s, &keys[s]);
	}
	for (uint32_t j = 0; j < NJOBS; j++) {
		if (j < 3) {
			jobs[j].sa = j;
			memcpy(jobs[j].in, fips_pt, 16);
			tb_hex(fips_ct[j], jobs[j].want, 16);
		} else {
			jobs[j].sa = tb_rand() % NUM_SA;
			tb_rand_bytes(jobs[j].in, 16);
			vrfsec_aes_encrypt(&keys[jobs[j].sa], jobs[j].in, jobs[j].want);
		}
	}

	// A block enters every enabled cycle; the model tracks which job is where in the pipeline.
	for (uint64_t cyc = 0; got < NJOBS && cyc < 10u * NJOBS; cyc++) {
		int ce = (tb_rand() % 8) != 0;

		top->ce = ce;
		if (sent < NJOBS) {
			tb_put_be128(top->in_block.data(), jobs[sent].in);
			top->in_sa = jobs[sent].sa;
		}
		top->clk = 0;
		top->eval();
		if (ce) {
			for (int i = LATENCY; i > 0; i--) {
				pipe_v[i] = pipe_v[i - 1];
				pipe_job[i] = pipe_job[i - 1];
			}
			pipe_v[0] = sent < NJOBS;
			pipe_job[0] = sent;
			if (sent < NJOBS)
				sent++;
		}
		top->clk = 1;
		top->eval();
		// pipe index LATENCY - 1 entered LATENCY enabled edges ago: its result is on out_block.
		if (ce && pipe_v[LATENCY - 1]) {
			uint8_t out[16];
			struct job *jb = &jobs[pipe_job[LATENCY - 1]];

			tb_get_be128(top->out_block.data(), out);
			if (memcmp(out, jb->want, 16) == 0) {
				passed++;
			} else {
				if (failed < 5)
					printf("aes block %u (slot %u, Nr %u): mismatch\n", pipe_job[LATENCY - 1],
					       jb->sa, keys[jb->sa].rounds);
				failed++;
			}
			got++;
		}
	}
	if (got != NJOBS) {
		printf("aes: only %u of %u blocks came out\n", got, NJOBS);
		failed += NJOBS - got;
	}
	printf("aes_cipher_core: latency=%d cycles, 1 block per enabled cycle\n", LATENCY);
	printf("aes_cipher_core: %u passed, %u failed\n", passed, failed);
	top->final();
	delete top;
	return failed ? 1 : 0;
}
