/* SPDX-License-Identifier: Apache-2.0 */
/* A recording double of the agent's card seam: keeps the tables as the card would, counts
 * calls, and can be told to fail a kind of call. */
#ifndef VRFSEC_CARD_MOCK_H
#define VRFSEC_CARD_MOCK_H

#include "card.h"

#define MOCK_SA 64
#define MOCK_NH 64
#define MOCK_ROUTES 64

struct mock_route {
	bool used;
	struct vrfsec_route_cfg r;
};

struct card_mock {
	struct vrfsec_sa_cfg sa[MOCK_SA];   /* key and salt zeroed on record; key_len kept */
	bool sa_used[MOCK_SA];
	bool sa_key_nonzero[MOCK_SA];       /* the key arrived (not wiped before use) */
	struct vrfsec_nh_cfg nh[MOCK_NH];
	struct mock_route routes[MOCK_ROUTES];
	unsigned n_sa_add, n_sa_update, n_sa_del, n_route_add, n_route_del, n_nh_set, n_label, n_vrf,
		n_inject;
	int fail_sa_add_at;                 /* the Nth sa_add (1-based) fails with -ENOSPC; 0 never */
	bool fail_sa_update;                /* every sa_update fails with -EINVAL */
	uint32_t labels[16], label_vrf[16];
	unsigned n_labels;
	uint8_t frame[4][2048];              /* injected frames, frame[n_inject % 4] the latest */
	uint32_t frame_len[4];
	/* the asynchronous path: commands apply when queued (as the card would when it takes them
	 * in ring order), their answers go out at submit, or with hold set only at mock_release */
	struct card *card;
	bool hold;
	int fail_op;                        /* a card_op whose next queued command fails ... */
	int fail_op_rc;                     /* ... with this (0: -EINVAL); then fail_op clears */
	uint8_t ops[256];                   /* card_op of every queued command, in order */
	unsigned n_ops, n_submits;
	struct {
		uint64_t seq;
		int rc;
	} ans[512];
	unsigned n_ans;
	uint64_t seq;
};

/* Answer what is held (also what ops->wait does). */
void mock_release(struct card_mock *m);

/* A struct card over the mock with small tables. */
void card_mock_init(struct card *c, struct card_mock *m);
unsigned mock_sa_count(const struct card_mock *m);
unsigned mock_route_count(const struct card_mock *m);
const struct vrfsec_route_cfg *mock_route_find(const struct card_mock *m, uint16_t vrf, const char *prefix);

#endif
