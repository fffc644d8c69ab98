/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-cosim: the same packet streams through the C kernels (vrfsec_pipeline, one packet at a
 * time) and the Verilated RTL pipeline (a back-to-back stream), for both parameter sets; every
 * packet must leave with identical metadata (x_meta), on the same port with the same bytes, and
 * the table images must end identical. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cosim.h"

/* The metadata bus field by field, for the report (stage_if.vh). */
static const struct {
	const char *name;
	unsigned lsb, width;
} meta_f[] = {
	{ "off", 0, 16 },	    { "len", 16, 16 },	      { "in_port", 32, 8 },
	{ "out_port", 40, 8 },	    { "stage", 48, 8 },	      { "reason", 56, 8 },
	{ "vrf", 64, 16 },	    { "l3_off", 80, 16 },     { "sa_in", 96, 32 },
	{ "sa_out", 128, 32 },	    { "seq", 160, 64 },	      { "op.sa", 224, 32 },
	{ "op.encrypt", 256, 8 },   { "op.aad_len", 264, 8 }, { "op.tag_ok", 272, 8 },
	{ "op.nonce", 280, 96 },    { "op.aad", 376, 96 },    { "op.data_off", 472, 16 },
	{ "op.data_len", 488, 16 }, { "op.tag_off", 504, 16 },
};

static int bit(const uint32_t *w, unsigned b)
{
	return (int)((w[b / 32] >> (b % 32)) & 1u);
}

static void field_hex(const uint32_t *w, unsigned lsb, unsigned width, char *s, size_t n)
{
	unsigned nib = (width + 3) / 4, i;

	if (n < nib + 3)
		return;
	s[0] = '0';
	s[1] = 'x';
	for (i = 0; i < nib; i++) {
		unsigned v = 0, k, pos = lsb + 4 * (nib - 1 - i);

		for (k = 0; k < 4 && pos + k < lsb + width; k++)
			v |= (unsigned)bit(w, pos + k) << k;
		s[2 + i] = "0123456789abcdef"[v];
	}
	s[2 + nib] = '\0';
}

static void hexdump(const char *tag, const uint8_t *b, uint32_t len)
{
	uint32_t i, n = len < 96u ? len : 96u;

	printf("    %s (%u bytes):", tag, len);
	for (i = 0; i < n; i++)
		printf("%s%02x", i % 32u ? "" : "\n      ", b[i]);
	printf("%s\n", n < len ? " ..." : "");
}

int cosim_check(struct cosim *cs, const char *what, uint64_t no, const struct vrfsec_pkt *c,
		const struct rtl_out *o, const uint8_t *in, uint32_t in_len, uint8_t in_port)
{
	uint32_t cw[RTL_META_WORDS];
	char why[320] = "", a[40], b[40];
	unsigned i;
	int to_port = c->out_port < VRFSEC_PORT_DROP;

	cs->cnt.packets++;
	rtl_meta_pack(cw, c);
	for (i = 0; i < sizeof(meta_f) / sizeof(meta_f[0]) && !why[0]; i++) {
		unsigned k;

		for (k = meta_f[i].lsb; k < meta_f[i].lsb + meta_f[i].width; k++)
			if (bit(cw, k) != bit(o->meta, k))
				break;
		if (k == meta_f[i].lsb + meta_f[i].width)
			continue;
		field_hex(cw, meta_f[i].lsb, meta_f[i].width, a, sizeof(a));
		field_hex(o->meta, meta_f[i].lsb, meta_f[i].width, b, sizeof(b));
		snprintf(why, sizeof(why), "x_meta.%s: cmodel %s, rtl %s", meta_f[i].name, a, b);
	}
	if (!why[0] && to_port != o->has_frame)
		snprintf(why, sizeof(why), "cmodel %s, rtl %s", to_port ? "sends a frame" : "drops",
			 o->has_frame ? "sends a frame" : "sends nothing");
	if (!why[0] && to_port) {
		if (o->port != c->out_port)
			snprintf(why, sizeof(why), "m_tdest %u, out_port %u", o->port, c->out_port);
		else if (o->frame_tag != o->tag)
			snprintf(why, sizeof(why), "m_tuser %u, x_tag %u", o->frame_tag, o->tag);
		else if (o->bad_keep)
			snprintf(why, sizeof(why), "m_tkeep not contiguous or a short beat before tlast");
		else if (o->len != c->len)
			snprintf(why, sizeof(why), "frame length: cmodel %u, rtl %u", c->len, o->len);
		else
			for (i = 0; i < c->len; i++)
				if (c->buf[c->off + i] != o->frame[i]) {
					snprintf(why, sizeof(why), "frame byte %u of %u: cmodel %02x, rtl %02x",
						 i, c->len, c->buf[c->off + i], o->frame[i]);
					break;
				}
	}
	if (!why[0]) {
		cs->cnt.identical++;
		return 1;
	}
	cs->cnt.differ++;
	if (cs->shown++ < cs->o->show) {
		printf("  DIFF %s packet %" PRIu64 " (in port %u, %u bytes; cmodel exit %s on port %u, "
		       "rtl exit %s on port %u): %s\n",
		       what, no, in_port, in_len, vrfsec_counter_name(c->reason), c->out_port,
		       vrfsec_counter_name((o->meta[1] >> 24) & 0xffu), (o->meta[1] >> 8) & 0xffu,
		       why);
		if (in)
			hexdump("input", in, in_len < VRFSEC_MAX_FRAME ? in_len : VRFSEC_MAX_FRAME);
		if (to_port && c->off + c->len <= VRFSEC_BUF_SIZE)
			hexdump("cmodel out", c->buf + c->off, c->len);
		if (o->has_frame)
			hexdump("rtl out", o->frame, o->len < RTL_FRAME_MAX ? o->len : RTL_FRAME_MAX);
	}
	return 0;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: vrfsec-cosim [--packets N] [--mix N] [--seed S] [--width 128|512]\n"
		"                    [--errors PCT] [--show N] [--sample N] [--trace FILE.fst]\n"
		"                    [VECTOR_FILE...]\n"
		"  --packets N   random packets per direction (in: public ESP -> core MPLS, out: core\n"
		"                MPLS -> public ESP) and parameter set, 40..9000 bytes (default 10000)\n"
		"  --mix N       packets of the traffic generator's mix of every kind, errors included\n"
		"                (default 10000)\n"
		"  --width W     only DATA_WIDTH W (128: LANES 1, 512: LANES 4); default both\n"
		"  --errors PCT  broken packets in the mix (default 30)\n"
		"  --show N      differences shown in detail (default 5)\n"
		"  --sample N    in each ESP vector case at most N bit flips and N truncations of each\n"
		"                kind, spread evenly from the first to the last, instead of every bit\n"
		"                and length (the other checks of the case run in full; default: all)\n"
		"  --trace F     FST waveforms of the RTL (F.128.fst / F.512.fst with both widths)\n"
		"  VECTOR_FILE   test-vector files; their ESP and MPLS cases run on both\n");
}

static int num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse(int argc, char **argv, struct cosim_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->packets = 10000;
	o->mix = 10000;
	o->seed = 1;
	o->show = 5;
	o->error_pct = 30;
	o->files = calloc((size_t)argc, sizeof(*o->files));
	if (!o->files)
		return -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t x;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (a[0] != '-') {
			o->files[o->n_files++] = a;
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--packets") && !num(v, UINT64_MAX, &x))
			o->packets = x;
		else if (!strcmp(a, "--mix") && !num(v, UINT64_MAX, &x))
			o->mix = x;
		else if (!strcmp(a, "--seed") && !num(v, UINT64_MAX, &x))
			o->seed = x;
		else if (!strcmp(a, "--width") && !num(v, 512, &x) && (x == 128 || x == 512))
			o->width = (unsigned)x;
		else if (!strcmp(a, "--errors") && !num(v, 100, &x))
			o->error_pct = (unsigned)x;
		else if (!strcmp(a, "--show") && !num(v, 1000000, &x))
			o->show = (unsigned)x;
		else if (!strcmp(a, "--sample") && !num(v, 1000000, &x))
			o->sample = (unsigned)x;
		else if (!strcmp(a, "--trace"))
			o->trace = v;
		else
			return -1;
	}
	return 0;
}

/* Both cards of one parameter set. */
static int open_pair(struct cosim *cs, unsigned width, char *trace, size_t trace_len)
{
	const struct cosim_opts *o = cs->o;
	int rc;

	if (o->trace && !o->width) {
		const char *dot = strrchr(o->trace, '.');
		int base = dot && !strcmp(dot, ".fst") ? (int)(dot - o->trace) : (int)strlen(o->trace);

		snprintf(trace, trace_len, "%.*s.%u.fst", base, o->trace, width);
	} else if (o->trace) {
		snprintf(trace, trace_len, "%s", o->trace);
	}
	vrfsec_engine_rtl_config(width, o->trace ? trace : NULL);
	rc = testbed_open(&cs->tb[0], VRFSEC_ENGINE_CMODEL);
	if (rc == 0)
		rc = testbed_open(&cs->tb[1], VRFSEC_ENGINE_RTL);
	if (rc)
		return rc;
	cs->m = cs->tb[1].e->rtl;
	return 0;
}

static void close_pair(struct cosim *cs)
{
	int k;

	for (k = 0; k < 2; k++)
		if (cs->tb[k].t)
			testbed_close(&cs->tb[k]);
}

static int run_width(const struct cosim_opts *o, unsigned pset, struct cosim_count *total)
{
	static struct cosim cs;
	unsigned width = rtl_pset_width(pset), lanes = rtl_pset_lanes(pset);
	unsigned vfail = 0, ncases = 0, nna = 0, tdiff;
	char trace[512] = "";
	struct timespec t0, t1;
	double secs;
	int rc;

	memset(&cs, 0, sizeof(cs));
	cs.o = o;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = open_pair(&cs, width, trace, sizeof(trace));
	if (rc) {
		fprintf(stderr, "vrfsec-cosim: cannot open the cards (%s)\n", strerror(-rc));
		close_pair(&cs);
		return -1;
	}
	printf("== DATA_WIDTH=%u LANES=%u%s%s\n", width, lanes, o->trace ? ", trace " : "",
	       o->trace ? trace : "");
	if (o->n_files) {
		vfail = cosim_vectors(&cs, &ncases, &nna);
		if (o->sample)
			printf("vectors: sampled, at most %u bit flips and %u truncations of each kind "
			       "per ESP case\n",
			       o->sample, o->sample);
		printf("vectors: %u cases on both (%u failed), %u outside the data path or without a "
		       "packet\n",
		       ncases, vfail, nna);
	}
	rc = cosim_streams(&cs);
	tdiff = (unsigned)cs.cnt.tables_differ;
	cs.cnt.cycles = rtl_model_cycles(cs.m);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("cosim: %" PRIu64 " packets, %" PRIu64 " identical, %" PRIu64
	       " differ (DATA_WIDTH=%u LANES=%u; tables %s; %" PRIu64 " cycles, %.1f s)\n",
	       cs.cnt.packets, cs.cnt.identical, cs.cnt.differ, width, lanes,
	       tdiff ? "DIFFER" : "identical", cs.cnt.cycles, secs);
	total->packets += cs.cnt.packets;
	total->identical += cs.cnt.identical;
	total->differ += cs.cnt.differ;
	total->tables_differ += cs.cnt.tables_differ;
	close_pair(&cs);
	if (rc)
		return -1;
	return vfail ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct cosim_opts o;
	struct cosim_count total;
	unsigned pset, runs = 0;
	int bad = 0, rc;

	if (parse(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&total, 0, sizeof(total));
	for (pset = 0; pset < RTL_N_PSETS; pset++) {
		if (o.width && rtl_pset_width(pset) != o.width)
			continue;
		rc = run_width(&o, pset, &total);
		if (rc < 0)
			return 1;
		bad |= rc;
		runs++;
	}
	printf("cosim summary: %u parameter sets, %" PRIu64 " packets, %" PRIu64 " identical, %" PRIu64
	       " differ, %" PRIu64 " table differences%s\n",
	       runs, total.packets, total.identical, total.differ, total.tables_differ,
	       bad ? ", vector cases FAILED" : "");
	free(o.files);
	return total.differ || total.tables_differ || bad || total.packets == 0 ? 1 : 0;
}
