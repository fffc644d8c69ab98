// SPDX-License-Identifier: Apache-2.0
// Testbench of esp_decap_rx against hw/hls/esp_decap.c esp_decap_rx (with the real sa_lookup.c
// and replay.c): inbound SAs of every kind from the setup code (IPv4 / IPv6 outer, UDP or not,
// ESN or not, several windows, shared SPIs, a crowded bucket), real ESP frames, random replay
// states around the window edges and the 2^32 subspace boundaries, and crafted damage: every
// truncation, short ESP, bad IPv4 header fields and checksum, fragments, non-IP, IKE / NAT-T
// keepalive / non-ESP marker / other UDP ports, other protocols, SPI 0, unknown SPI, wrong
// destination, byte flips. Memory latencies 1, 2 and 5, lk_busy held 0..3 cycles.
#include "Vesp_decap_rx.h"
#include "verilated.h"
#include "esp_decap_tb.h"

#define N_CASES 4000

static const unsigned LATS[3] = { 1, 2, 5 };
static Vesp_decap_rx *M;
static struct vrfsec_pkt *PC, *PR, *P0;
static uint8_t F[VRFSEC_MAX_FRAME + 400];
static unsigned passed, failed;

static void fix4(uint8_t *f)
{
	if (f[12] == 0x08 && f[13] == 0x00 && (f[14] >> 4) == 4 && (f[14] & 15) >= 5)
		ip4_csum(f + 14, (f[14] & 15) * 4u);
}

// Damage the frame in one of many ways; returns the new frame length.
static unsigned mutate(const struct tb_sa *s, unsigned n, unsigned kind)
{
	int v6 = F[12] == 0x86;
	unsigned hlen = v6 ? 40 : (F[14] & 15) * 4u;
	unsigned l4 = 14 + hlen;
	int udp = s->prm.udp;
	unsigned esp = l4 + (udp ? 8 : 0);

	switch (kind) {
	case 1: // truncation at every length
		return rnd(n + 1);
	case 2: { // consistent lengths with a short ESP part
		unsigned el = rnd(40);
		unsigned ipl = hlen + (udp ? 8 : 0) + el;

		if (v6)
			wr16b(F + 18, ipl - 40);
		else
			wr16b(F + 16, ipl);
		if (udp)
			wr16b(F + l4 + 4, 8 + el);
		fix4(F);
		return rnd(2) ? 14 + ipl : n;
	}
	case 3: // IPv4 header damage
		if (!v6) {
			unsigned r = rnd(5);

			if (r == 0)
				F[14 + rnd(hlen)] ^= (uint8_t)(1 + rnd(255)); // checksum fails
			else if (r == 1)
				F[14] = (uint8_t)(0x40 | rnd(5)), fix4(F);
			else if (r == 2)
				wr16b(F + 16, rnd(hlen)), fix4(F);
			else if (r == 3)
				F[14] = (uint8_t)(rnd(16) << 4 | (F[14] & 15)), fix4(F);
			else
				wr16b(F + 16, n - 14 + 1 + rnd(3)), fix4(F);
		} else {
			if (rnd(2))
				F[14] = (uint8_t)(rnd(16) << 4 | (F[14] & 15));
			else
				wr16b(F + 18, n - 54 + 1 + rnd(3));
		}
		return n;
	case 4: // fragments
		if (v6)
			F[20] = 44;
		else
			wr16b(F + 20, (F[20] << 8 & 0x4000) | (1 + rnd(0x3fff))), fix4(F);
		return n;
	case 5: // not IP, or the other family's ethertype
		if (rnd(2))
			wr16b(F + 12, tb_rand() & 0xffff);
		else
			wr16b(F + 12, v6 ? 0x0800 : 0x86dd);
		return n;
	case 6: // UDP: IKE, other port, keepalive, non-ESP marker, bad lengths
		if (!udp) {
			F[v6 ? 20 : 23] = 17;
			fix4(F);
		}
		switch (rnd(7)) {
		case 0:
			wr16b(F + l4 + 2, 500);
			break;
		case 1:
			wr16b(F + l4 + 2, tb_rand() & 0xffff);
			break;
		case 2:
			wr16b(F + l4 + 4, 9);
			F[l4 + 8] = rnd(4) ? 0xff : (uint8_t)tb_rand();
			break;
		case 3:
			memset(F + l4 + 8, 0, 4);
			if (rnd(2))
				wr16b(F + l4 + 4, 8 + rnd(8));
			break;
		case 4:
			wr16b(F + l4 + 4, rnd(8));
			break;
		case 5:
			wr16b(F + l4 + 4, (F[l4 + 4] << 8 | F[l4 + 5]) + 1 + rnd(3));
			break;
		default: { // short IP payload under the UDP header
			unsigned ipl = hlen + rnd(9);

			if (v6)
				wr16b(F + 18, ipl - 40);
			else
				wr16b(F + 16, ipl);
			fix4(F);
			break;
		}
		}
		return n;
	case 7: // another protocol, or ESP where UDP was expected and the reverse
		F[v6 ? 20 : 23] = rnd(2) ? (uint8_t)tb_rand() : udp ? 50 : 17;
		fix4(F);
		return n;
	case 8: // SPI 0 or unknown SPI
		if (rnd(2))
			memset(F + esp, 0, 4);
		else
			wr32b(F + esp, tb_rand());
		return n;
	case 9: // wrong destination
		F[(v6 ? 38 : 30) + rnd(v6 ? 16 : 4)] ^= (uint8_t)(1 << rnd(8));
		fix4(F);
		return n;
	case 10: // random flips in the headers
		for (unsigned i = 0, k = 1 + rnd(3); i < k; i++)
			F[rnd(n < 100 ? n : 100)] ^= (uint8_t)(1 + rnd(255));
		if (rnd(2))
			fix4(F);
		return n;
	default:
		return n;
	}
}

static int run_case(unsigned lat, struct cyc_stat *cs)
{
	const struct tb_sa *s = &SAS[rnd(n_sas)];
	struct frame_opts o;
	struct tb_args a;
	struct tb_result r;
	unsigned kind = rnd(3) ? 0 : 1 + rnd(10);

	if (rnd(3) == 0)
		rand_replay(s);
	// this case only: other NAT-T / IKE ports
	uint16_t natt = 4500, ike = 500;
	if (rnd(50) == 0) {
		natt = rnd(2) ? 4500 : (uint16_t)tb_rand();
		ike = rnd(2) ? (uint16_t)tb_rand() : 4500;
	}
	BOTH(t->port.natt_port = natt; t->port.ike_port = ike);
	rand_opts(s, &o);
	if (o.inner_len > 1700)
		o.inner_len = 1700;
	unsigned n = build_frame(s, pick_seq(s), &o, F);
	n = mutate(s, n, kind);
	load_pkt(P0, F, n);
	*PC = *P0;
	*PR = *P0;
	tb_rand_bytes((uint8_t *)&a, sizeof(a)); // the stage takes no arguments

	uint32_t st = esp_decap_rx(TC, PC);
	unsigned lk = rnd(8) ? rnd(4) : 100;
	if (tb_stage_run(M, TR, PR, &a, &r, lat, lk))
		return -1;
	if (r.res == 0)
		pkt_exit(TR, PR, r.exit_port, r.exit_reason);
	if (lk == 0)
		cyc_add(cs, r.cycles); // cycles of the stage itself, no interlock wait
	int bad = 0, tb = cmp_tables();

	if ((st == VRFSEC_ST_DONE && r.res != 0) || (st == VRFSEC_ST_CRYPTO && r.res != 1))
		bad = 1;
	else if (cmp_meta(PC, PR))
		bad = 2;
	else if (memcmp(PC->buf, PR->buf, sizeof(PC->buf)))
		bad = 3;
	else if (tb)
		bad = 10 + tb;
	else if (PC->sa_in != VRFSEC_NONE && r.cycles <= lk)
		bad = 4; // went on while lk_busy was up
	if (bad) {
		if (n_fail_print++ < 10) {
			printf("esp_decap_rx: case failed (%d) kind %u lat %u sa %u len %u: C st %u, RTL "
			       "res %d port %d reason %d\n",
			       bad, kind, lat, s->idx, n, st, r.res, r.exit_port, r.exit_reason);
			print_meta("C  ", PC);
			print_meta("RTL", PR);
		}
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	M = new Vesp_decap_rx;
	PC = (struct vrfsec_pkt *)malloc(sizeof(*PC));
	PR = (struct vrfsec_pkt *)malloc(sizeof(*PR));
	P0 = (struct vrfsec_pkt *)malloc(sizeof(*P0));
	setup_sas();
	tb_reset(M);
	struct cyc_stat all[3];
	unsigned exits[VRFSEC_CNT_MAX + 1] = { 0 };

	memset(all, 0, sizeof(all));
	for (unsigned li = 0; li < 3; li++) {
		for (unsigned c = 0; c < N_CASES; c++) {
			int rc = run_case(LATS[li], &all[li]);

			if (rc < 0) {
				failed++;
				break;
			}
			rc ? failed++ : passed++;
			exits[PC->stage == VRFSEC_STAGE_DECRYPT ? VRFSEC_CNT_MAX : PC->reason]++;
		}
		if (cmp_all_tables()) {
			printf("esp_decap_rx: tables differ after latency %u\n", LATS[li]);
			failed++;
		}
		printf("esp_decap_rx: latency %u: cycles min/mean/max %llu/%.1f/%llu\n", LATS[li],
		       (unsigned long long)all[li].min, (double)all[li].sum / all[li].n,
		       (unsigned long long)all[li].max);
	}
	printf("esp_decap_rx: outcomes:");
	for (unsigned i = 0; i <= VRFSEC_CNT_MAX; i++)
		if (exits[i])
			printf(i == VRFSEC_CNT_MAX ? " crypto=%u" : " r%u=%u",
			       i == VRFSEC_CNT_MAX ? exits[i] : i, exits[i]);
	printf("\n");
	printf("esp_decap_rx: %u passed, %u failed (cycles min/mean/max %llu/%.1f/%llu)\n", passed,
	       failed, (unsigned long long)all[0].min, (double)all[0].sum / all[0].n,
	       (unsigned long long)all[0].max);
	delete M;
	return failed ? 1 : 0;
}
