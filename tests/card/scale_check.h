/* SPDX-License-Identifier: Apache-2.0 */
/* The scale test's sampled traffic: what was sent, what must come out, and the check. */
#ifndef VRFSEC_CARDTEST_SCALE_CHECK_H
#define VRFSEC_CARDTEST_SCALE_CHECK_H

#include "scale_plan.h"

#define SCALE_MAX_EXP 2048u

enum { SRC_CORE, SRC_PUBLIC, SRC_INJECT };

/* One sampled packet, found again in the output by the tag in its ICMP payload. */
struct scale_exp {
	uint32_t tag;
	uint8_t src;       /* SRC_* */
	bool seen;
	uint16_t vrf;      /* forwarded samples: the VRF they entered */
	uint32_t nh;       /* ... and the next hop the plan gives them */
	uint32_t sa_in;    /* SRC_PUBLIC: the inbound SA that must have opened it */
	uint32_t sa_out;   /* the outbound SA it must leave in, VRFSEC_ABI_NONE: the core */
	uint8_t inner[256]; /* the IP packet as it must come out (TTL already stepped) */
	uint32_t inner_len;
	uint8_t frame[300]; /* core-bound: the whole frame as it must leave */
	uint32_t frame_len;
};

struct scale_run {
	struct plan pl;
	struct scale_exp exp[SCALE_MAX_EXP];
	uint32_t n_exp;
	double sa_rate, route_rate;
};

/* Turn the data path on, inject, wait for every sample, and check frames and counters. */
int scale_traffic(struct ct *c, struct scale_run *sr, struct vrfsec_dev *dev, const char *pub_out,
		  const char *core_out);

#endif
