/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-vectors: runs test-vector files through both engines, one line per case. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

void vr_fail(struct vec_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->verdict == 0)
		return; /* keep the first reason */
	r->verdict = 0;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* Why a case is outside the data path (it belongs to a later part: IKE, BGP, other ciphers). */
static const char *not_data_path(const struct vec_case *c)
{
	const char *alg = vec_get(c, "alg");

	if (alg && (strstr(alg, "CBC") || strstr(alg, "HMAC") || strstr(alg, "hmac")))
		return "AES-CBC/HMAC transform: not in the AES-GCM data path";
	if (alg && (strstr(alg, "ChaCha") || strstr(alg, "CHACHA") || strstr(alg, "chacha")))
		return "ChaCha20-Poly1305: not in the AES-GCM data path";
	if (vec_get(c, "mac"))
		return "HMAC: IKE PRF/integrity, not data path";
	if (vec_get(c, "prf"))
		return "IKEv2 key derivation: agent, not data path";
	if (vec_get(c, "shared_secret") || vec_get(c, "shared") || vec_get(c, "k_out") ||
	    vec_get(c, "u_out"))
		return "Diffie-Hellman: agent, not data path";
	if (vec_get(c, "label_field") || vec_get(c, "nlri1_prefix") || vec_get(c, "message"))
		return "BGP encoding: agent, not data path";
	if (vec_get(c, "ciphertext") && !vec_get(c, "tag") && !vec_get(c, "icv"))
		return "cipher without authentication: not in the AES-GCM data path";
	return "no case kind of the data path matches its keys";
}

int main(int argc, char **argv)
{
	struct testbed tb[2];
	unsigned pass = 0, fail = 0, na = 0, checks = 0;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: vrfsec-vectors FILE...\n");
		return 2;
	}
	if (testbed_open(&tb[0], VRFSEC_ENGINE_CMODEL) || testbed_open(&tb[1], VRFSEC_ENGINE_CPU)) {
		fprintf(stderr, "vrfsec-vectors: cannot create engines\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		struct vec_file f;
		size_t k;
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

		if (vec_file_load(&f, argv[i]) != 0) {
			printf("FAIL %s: cannot read\n", base);
			fail++;
			continue;
		}
		for (k = 0; k < f.n; k++) {
			const struct vec_case *c = &f.cases[k];
			struct vec_result r = { .verdict = 1 };
			const char *name = vec_get(c, "name") ? vec_get(c, "name") : "(unnamed)";

			if (vec_is_esp(c))
				vec_run_esp(c, tb, &r);
			else if (vec_is_gcm(c))
				vec_run_gcm(c, &r);
			else if (vec_is_mpls(c))
				vec_run_mpls(c, tb, &r);
			else {
				r.verdict = -1;
				snprintf(r.why, sizeof(r.why), "%s", not_data_path(c));
			}
			if (r.verdict == 1 && r.checks == 0)
				vr_fail(&r, "no assertion was made");
			checks += r.checks;
			if (r.verdict == 1) {
				pass++;
				printf("pass %s:%u %s (%u checks, cmodel+cpu)\n", base, c->line, name,
				       r.checks);
			} else if (r.verdict == 0) {
				fail++;
				printf("FAIL %s:%u %s: %s\n", base, c->line, name, r.why);
			} else {
				na++;
				printf("n/a  %s:%u %s: %s\n", base, c->line, name, r.why);
			}
		}
		vec_file_free(&f);
	}
	testbed_close(&tb[0]);
	testbed_close(&tb[1]);
	printf("%u cases outside the data path not run; %u checks made\n", na, checks);
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
