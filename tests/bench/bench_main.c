/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-bench: one-core throughput of the cpu engine against raw ipsec-mb AES-GCM, per case. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "bench.h"

/* One line per case, key=value, never a pass/fail verdict on timing:
 *   bench engine=cpu dir=in alg=aes128gcm sas=1 size=64 mpps=6.10 gbps=3.1 raw_mpps=9.00 ratio=0.68
 * dir=out: core port, MPLS VPN label pop, VRF FIB, ESP seal (tunnel, NAT-T UDP 4500), public port.
 * dir=in:  public port, ESP-in-UDP, SPI lookup, replay, open, VRF FIB, two-label push, core port.
 * size:    inner IP packet in bytes (IP header included), or imix = 7:4:1 of 64/576/1500.
 * mpps:    packets per second through vrfsec_engine_run, counting only the frame loads (the DMA
 *          into the card) and the run calls; the median of BENCH_SEGMENTS timed segments.
 * gbps:    inner IP packet bits per second (no Ethernet, MPLS, ESP or outer headers).
 * raw_mpps: ipsec-mb AES-GCM alone on the same packets' ESP payloads (bench_raw.c).
 * ratio:   mpps / raw_mpps: the share of the crypto-only rate the whole pipeline keeps.
 * sas=65536: traffic visits every SA once per round in a fixed shuffled order.
 * Every packet is checked after its burst (port, SA, length); a drop ends the run with exit
 * status 1. One CPU (CPU 1 when present), warm-up before timing, CLOCK_MONOTONIC. */

static const uint32_t SIZES[] = { 64, 128, 256, 512, 1024, 1500, BENCH_SIZE_IMIX };
static const uint32_t SIZES_QUICK[] = { 64, 512, 1500, BENCH_SIZE_IMIX };
static const uint32_t SIZES_CMODEL[] = { 64, 1500 };
static const uint32_t SAS[] = { 1, BENCH_MAX_SA };
static const uint32_t KEYS[] = { 16, 32 };

struct plan {
	const char *only; /* --only: space-separated key=value tokens a case must all have */
	const uint32_t *sizes;
	uint32_t n_sizes;
	struct bench_opts engine;
	struct bench_opts cmodel;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: vrfsec-bench [--smoke | --quick] [--seconds S] [--only 'k=v ...']\n"
		"       vrfsec-bench ring [--sas N] [--routes N] [--engine cmodel|cpu] [--smoke]\n"
		"  --smoke    every case, ~1000 packets each (a run check; timing is noise)\n"
		"  --quick    sizes 64, 512, 1500 and imix only\n"
		"  --seconds  timed seconds per engine case (default 0.35), e.g. for a profiler\n"
		"  --only     cases whose line has every token, e.g. 'dir=in size=64'\n");
}

/* Pin to CPU 1 when there is one (CPU 0 takes most interrupts), else stay where we are. */
static int pin(void)
{
	cpu_set_t set;
	int cpu = 1;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) != 0 || !CPU_ISSET(1, &set)) {
		cpu = sched_getcpu();
		if (cpu < 0)
			return -1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

/* "model name" of /proc/cpuinfo with blanks as underscores, so that it stays one field. */
static void cpu_model(char *out, size_t cap)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	size_t i;

	snprintf(out, cap, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !v)
			continue;
		v += 1 + strspn(v + 1, " \t");
		v[strcspn(v, "\n")] = 0;
		snprintf(out, cap, "%s", v);
		break;
	}
	if (f)
		fclose(f);
	for (i = 0; out[i]; i++)
		if (out[i] == ' ' || out[i] == '\t' || out[i] == '=')
			out[i] = '_';
}

static void size_str(char *s, size_t n, uint32_t size)
{
	if (size == BENCH_SIZE_IMIX)
		snprintf(s, n, "imix");
	else
		snprintf(s, n, "%u", size);
}

static void case_label(char *s, size_t n, enum vrfsec_engine_kind kind, enum bench_dir dir,
		       uint32_t key_len, uint32_t nsa, uint32_t size)
{
	char sz[16];

	size_str(sz, sizeof(sz), size);
	snprintf(s, n, "engine=%s dir=%s alg=aes%ugcm sas=%u size=%s", vrfsec_engine_name(kind),
		 dir == BENCH_OUT ? "out" : "in", key_len * 8, nsa, sz);
}

/* Does the case label have every token of only (whole tokens)? */
static int selected(const char *only, const char *label)
{
	char tok[64], padded[192];
	const char *p = only;

	if (!only)
		return 1;
	snprintf(padded, sizeof(padded), " %s ", label);
	while (*p) {
		size_t n = strcspn(p, " ");

		if (n > 0 && n < sizeof(tok) - 2) {
			snprintf(tok, sizeof(tok), " %.*s ", (int)n, p);
			if (!strstr(padded, tok))
				return 0;
		}
		p += n;
		p += strspn(p, " ");
	}
	return 1;
}

static void print_row(enum vrfsec_engine_kind kind, enum bench_dir dir, uint32_t key_len,
		      uint32_t nsa, uint32_t size, const struct bench_rate *e,
		      const struct bench_rate *raw)
{
	char label[128];

	case_label(label, sizeof(label), kind, dir, key_len, nsa, size);
	printf("bench %s mpps=%.2f gbps=%.1f raw_mpps=%.2f ratio=%.2f\n", label, e->mpps, e->gbps,
	       raw->mpps, raw->mpps > 0 ? e->mpps / raw->mpps : 0);
	fflush(stdout);
}

/* Every size of one direction on one card. 0 or -1 (already reported). */
static int run_dir(struct bench_world *w, enum bench_dir dir, const char *only,
		   const uint32_t *sizes, uint32_t n_sizes, const struct bench_opts *eo,
		   const struct bench_opts *ro)
{
	uint32_t s;

	for (s = 0; s < n_sizes; s++) {
		struct bench_ring ring;
		struct bench_rate e, raw;
		char label[128];

		case_label(label, sizeof(label), w->tb.kind, dir, w->key_len, w->nsa, sizes[s]);
		if (!selected(only, label))
			continue;
		if (bench_ring_init(w, &ring, dir, sizes[s]) != 0) {
			fprintf(stderr, "bench error: cannot build the packet ring\n");
			return -1;
		}
		if (bench_raw(w, &ring, ro, &raw) != 0 ||
		    bench_engine(w, &ring, eo, &e) != 0) {
			bench_ring_free(&ring);
			return -1;
		}
		bench_ring_free(&ring);
		print_row(w->tb.kind, dir, w->key_len, w->nsa, sizes[s], &e, &raw);
	}
	return 0;
}

static int run_card(enum vrfsec_engine_kind kind, uint32_t key_len, uint32_t nsa,
		    const char *only, const uint32_t *sizes, uint32_t n_sizes,
		    const struct bench_opts *eo, const struct bench_opts *ro)
{
	struct bench_world w;
	char label[128];
	uint32_t s, d, any = 0;
	int rc;

	for (d = 0; d < 2; d++)
		for (s = 0; s < n_sizes; s++) {
			case_label(label, sizeof(label), kind, (enum bench_dir)d, key_len, nsa,
				   sizes[s]);
			any |= (uint32_t)selected(only, label);
		}
	if (!any)
		return 0; /* skip the setup of a card nobody asked for */
	if (bench_world_open(&w, kind, key_len, nsa) != 0)
		return -1;
	rc = run_dir(&w, BENCH_OUT, only, sizes, n_sizes, eo, ro);
	if (rc == 0)
		rc = run_dir(&w, BENCH_IN, only, sizes, n_sizes, eo, ro);
	bench_world_close(&w);
	return rc;
}

int main(int argc, char **argv)
{
	struct plan pl;
	char model[128];
	uint32_t k, n;
	int cpu, a;

	/* ~0.35 s timed per engine case and 0.2 s per raw case keep the whole run near a minute. */
	pl.sizes = SIZES;
	pl.n_sizes = sizeof(SIZES) / sizeof(SIZES[0]);
	pl.engine = (struct bench_opts){ .engine_s = 0.35, .raw_s = 0.2, .warm_s = 0.05,
					 .min_passes = 2 };
	pl.cmodel = (struct bench_opts){ .engine_s = 0.15, .raw_s = 0.1, .warm_s = 0.01,
					 .min_passes = 2 };
	pl.only = NULL;
	if (argc > 1 && strcmp(argv[1], "ring") == 0)
		return bench_cmdring_main(argc - 1, argv + 1);
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--only") == 0 && a + 1 < argc) {
			pl.only = argv[++a];
		} else if (strcmp(argv[a], "--seconds") == 0 && a + 1 < argc) {
			pl.engine.engine_s = atof(argv[++a]);
		} else if (strcmp(argv[a], "--smoke") == 0) {
			pl.engine = (struct bench_opts){ .min_passes = 2 };
			pl.cmodel = pl.engine;
		} else if (strcmp(argv[a], "--quick") == 0) {
			pl.sizes = SIZES_QUICK;
			pl.n_sizes = sizeof(SIZES_QUICK) / sizeof(SIZES_QUICK[0]);
		} else {
			usage();
			return 2;
		}
	}
	cpu = pin();
	cpu_model(model, sizeof(model));
	printf("bench info cpu=%s imb=%s arch=%s pinned_cpu=%d burst=%u ring=%u\n", model,
	       imb_get_version_str(), bench_imb_arch(), cpu, VRFSEC_BURST_MAX, BENCH_RING);
	fflush(stdout);
	for (k = 0; k < sizeof(KEYS) / sizeof(KEYS[0]); k++)
		for (n = 0; n < sizeof(SAS) / sizeof(SAS[0]); n++)
			if (run_card(VRFSEC_ENGINE_CPU, KEYS[k], SAS[n], pl.only, pl.sizes,
				     pl.n_sizes, &pl.engine, &pl.engine) != 0)
				return 1;
	/* The C model for information: the golden model is not built for speed. */
	if (run_card(VRFSEC_ENGINE_CMODEL, 16, 1, pl.only, SIZES_CMODEL,
		     sizeof(SIZES_CMODEL) / sizeof(SIZES_CMODEL[0]), &pl.cmodel, &pl.cmodel) != 0)
		return 1;
	return 0;
}
