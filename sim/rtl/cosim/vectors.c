/* SPDX-License-Identifier: Apache-2.0 */
/* The test-vector cases of the data path on both cards: the vector runner's own case code
 * (tests/vectors: program the case, seal, open, negative and sequence-number checks, each against
 * the vector) runs on the C model and on the RTL; every packet either sends is logged by an engine
 * observer and the two logs must match packet by packet; the tables must match after each case. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosim.h"
#include "vectors.h"

#define LOG_MAX 4096u

struct logged {
	uint8_t in[VRFSEC_MAX_FRAME];
	uint32_t in_len;
	uint8_t in_port;
	struct vrfsec_pkt out; /* metadata and frame after the run */
};

struct plog {
	struct logged *e;
	uint32_t n;
	uint32_t pending[VRFSEC_BURST_MAX];
};

static struct plog logs[2];

static void observe(void *ctx, struct vrfsec_pkt **pkts, uint32_t n, int after)
{
	struct plog *l = ctx;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (!after) {
			struct vrfsec_pkt *p = pkts[i];
			struct logged *e;
			uint16_t off = p->off, len = p->len, vrf = p->vrf;
			uint8_t in_port = p->in_port, out_port = p->out_port;
			uint32_t sa_out = p->sa_out;

			/* The vector code reuses its packet structs: what an earlier packet left in
			 * the metadata would reach the C model but not the RTL, whose ingest starts
			 * every packet from zeroed metadata plus the fields the s_ port carries. Give
			 * both the RTL's start. */
			memset(p, 0, offsetof(struct vrfsec_pkt, buf));
			p->off = off;
			p->len = len;
			p->vrf = vrf;
			p->in_port = in_port;
			p->out_port = out_port;
			p->sa_out = sa_out;

			l->pending[i] = l->n < LOG_MAX ? l->n++ : LOG_MAX;
			if (l->pending[i] == LOG_MAX)
				continue;
			e = &l->e[l->pending[i]];
			e->in_len = pkts[i]->len < VRFSEC_MAX_FRAME ? pkts[i]->len : VRFSEC_MAX_FRAME;
			e->in_port = pkts[i]->in_port;
			if (pkts[i]->off + e->in_len <= VRFSEC_BUF_SIZE)
				memcpy(e->in, pkts[i]->buf + pkts[i]->off, e->in_len);
		} else if (l->pending[i] < LOG_MAX) {
			l->e[l->pending[i]].out = *pkts[i];
		}
	}
}

/* The vector runner's failure hook (its main is not linked here). */
void vr_fail(struct vec_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->verdict == 0)
		return;
	r->verdict = 0;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* Packet-by-packet comparison of the two logs of a case; returns differences. */
static unsigned compare_logs(struct cosim *cs, const char *name)
{
	static struct rtl_out o;
	unsigned bad = 0;
	uint32_t i;

	if (logs[0].n != logs[1].n) {
		/* the case stopped early on one card; the packets both ran are compared below */
		printf("  DIFF vector %s: cmodel ran %u packets, rtl %u\n", name, logs[0].n, logs[1].n);
		bad++;
	}
	for (i = 0; i < logs[0].n && i < logs[1].n; i++) {
		const struct logged *c = &logs[0].e[i], *r = &logs[1].e[i];

		if (c->in_len != r->in_len || c->in_port != r->in_port ||
		    memcmp(c->in, r->in, c->in_len)) {
			printf("  DIFF vector %s packet %u: the two cards were given different inputs\n",
			       name, i);
			bad++;
			continue;
		}
		/* the RTL's packet as the rtl engine copied it back: metadata from x_meta, the frame
		 * from the m_ beats */
		memset(&o, 0, offsetof(struct rtl_out, frame));
		rtl_meta_pack(o.meta, &r->out);
		o.has_frame = r->out.out_port < VRFSEC_PORT_DROP;
		o.port = r->out.out_port;
		o.len = r->out.len;
		if (o.has_frame && r->out.off + r->out.len <= VRFSEC_BUF_SIZE)
			memcpy(o.frame, r->out.buf + r->out.off, r->out.len);
		if (!cosim_check(cs, name, i, &c->out, &o, c->in, c->in_len, c->in_port))
			bad++;
	}
	return bad;
}

unsigned cosim_vectors(struct cosim *cs, unsigned *n_cases, unsigned *n_na)
{
	unsigned failed = 0;
	int i, k;

	vec_neg_sample = cs->o->sample;
	for (k = 0; k < 2; k++) {
		logs[k].e = calloc(LOG_MAX, sizeof(*logs[k].e));
		if (!logs[k].e) {
			printf("vectors: out of memory\n");
			return 1;
		}
		vrfsec_engine_observe(cs->tb[k].e, observe, &logs[k]);
	}
	for (i = 0; i < cs->o->n_files; i++) {
		const char *path = cs->o->files[i];
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		struct vec_file f;
		size_t c;

		if (vec_file_load(&f, path) != 0) {
			printf("FAIL %s: cannot read\n", base);
			failed++;
			continue;
		}
		for (c = 0; c < f.n; c++) {
			const struct vec_case *vc = &f.cases[c];
			struct vec_result r = { .verdict = 1 };
			const char *name = vec_get(vc, "name") ? vec_get(vc, "name") : "(unnamed)";
			char label[200];
			unsigned d;

			logs[0].n = logs[1].n = 0;
			if (vec_is_esp(vc))
				vec_run_esp(vc, cs->tb, &r);
			else if (vec_is_mpls(vc))
				vec_run_mpls(vc, cs->tb, &r);
			else {
				/* gcm.txt's cases carry no packet (gcm_core_tb runs them); the rest
				 * is outside the data path */
				(*n_na)++;
				continue;
			}
			(*n_cases)++;
			snprintf(label, sizeof(label), "%s:%u", base, vc->line);
			d = compare_logs(cs, label);
			d += cosim_tables_cmp(cs->tb[0].t, cs->tb[1].t, label, 3) ? 1u : 0u;
			if (r.verdict == 0 || d) {
				failed++;
				printf("FAIL %s %s: %s%s\n", label, name, r.verdict == 0 ? r.why : "",
				       d ? " (cmodel and rtl differ)" : "");
			} else if (r.verdict < 0) {
				(*n_cases)--;
				(*n_na)++;
			} else if (logs[0].n == 0) {
				/* a case that sent no packet compared nothing */
				(*n_cases)--;
				(*n_na)++;
			}
		}
		vec_file_free(&f);
	}
	for (k = 0; k < 2; k++) {
		vrfsec_engine_observe(cs->tb[k].e, NULL, NULL);
		free(logs[k].e);
		logs[k].e = NULL;
	}
	return failed;
}
