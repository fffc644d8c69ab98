/* SPDX-License-Identifier: Apache-2.0 */
/* Shared declarations of the vector runner: case kinds and their handlers. */
#ifndef VRFSEC_VECTORS_H
#define VRFSEC_VECTORS_H

#include <stdio.h>

#include "testbed.h"
#include "vecfile.h"

/* Result of one case: 1 pass, 0 fail, -1 not a data-path case (reason in why). */
struct vec_result {
	int verdict;
	char why[256];
	unsigned checks; /* assertions made */
};

void vr_fail(struct vec_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int vec_is_gcm(const struct vec_case *c);
void vec_run_gcm(const struct vec_case *c, struct vec_result *r);

int vec_is_esp(const struct vec_case *c);
void vec_run_esp(const struct vec_case *c, struct testbed tb[2], struct vec_result *r);

int vec_is_mpls(const struct vec_case *c);
void vec_run_mpls(const struct vec_case *c, struct testbed tb[2], struct vec_result *r);

/* Negative and sequence-number checks for an ESP case (vec_esp_neg.c). The bit flips and the
 * truncations (each kind) are every bit and length, or when vec_neg_sample is not 0 at most that
 * many of them, spread evenly over the packet (a short cosimulation's choice). */
extern unsigned vec_neg_sample;
struct esp_case;
void esp_negative(const struct esp_case *ec, struct testbed *tb, struct vec_result *r);

#endif
