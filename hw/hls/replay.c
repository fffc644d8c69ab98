/* SPDX-License-Identifier: Apache-2.0 */
/* Anti-replay window: ESN inference, check and update, one bitmap word touched per packet. */
#include "replay.h"

#define RING_BITS (VRFSEC_REPLAY_WORDS * 32u)

_Static_assert((VRFSEC_REPLAY_WORDS & (VRFSEC_REPLAY_WORDS - 1u)) == 0, "ring is a power of 2");
_Static_assert(RING_BITS >= VRFSEC_REPLAY_MAX + 32u, "ring longer than the window by a word");

/* Window used for ESN inference when the replay check is off. */
static uint32_t infer_window(const struct vrfsec_sa *sa)
{
	return sa->win ? sa->win : VRFSEC_REPLAY_DEFAULT;
}

uint64_t replay_infer(const struct vrfsec_sa *sa, uint32_t seq_lo)
{
	uint32_t tl = (uint32_t)sa->seq;
	uint32_t th = (uint32_t)(sa->seq >> 32);
	uint32_t w = infer_window(sa);
	uint32_t sh;

	if (!(sa->flags & VRFSEC_SAF_ESN))
		return seq_lo;
	if (tl >= w - 1u) {
		/* Window inside one 2^32 subspace: below it means the next subspace. */
		sh = seq_lo >= tl - w + 1u ? th : th + 1u;
	} else {
		/* Window straddles a subspace boundary: high values belong to the previous one. */
		if (seq_lo >= tl - w + 1u) {
			if (th == 0)
				return 0; /* nothing below subspace 0: the check rejects 0 as too old */
			sh = th - 1u;
		} else {
			sh = th;
		}
	}
	return ((uint64_t)sh << 32) | seq_lo;
}

uint32_t replay_check(const struct vrfsec_tables *t, uint32_t idx, uint64_t seq)
{
	const struct vrfsec_sa *sa = &t->sa[idx];
	uint32_t word, bit;

	if (seq == 0)
		return VRFSEC_CNT_TOO_OLD; /* sequence numbers start at 1 */
	if (sa->win == 0 || seq > sa->seq)
		return 0;
	if (sa->seq - seq >= sa->win)
		return VRFSEC_CNT_TOO_OLD;
	word = (uint32_t)(seq >> 5) & (VRFSEC_REPLAY_WORDS - 1u);
	bit = (uint32_t)seq & 31u;
	return (t->replay[idx][word] >> bit) & 1u ? VRFSEC_CNT_REPLAY : 0u;
}

uint32_t replay_update(struct vrfsec_tables *t, uint32_t idx, uint64_t seq)
{
	struct vrfsec_sa *sa = &t->sa[idx];
	uint32_t rc = replay_check(t, idx, seq);
	uint32_t word, i;

	if (rc != 0)
		return rc;
	if (sa->win == 0) {
		if (seq > sa->seq)
			sa->seq = seq;
		return 0;
	}
	if (seq > sa->seq) {
		/* Clear the words the window moves into; all of them after a long jump. */
		uint64_t first = (sa->seq >> 5) + 1u;
		uint64_t last = seq >> 5;
		uint64_t n = last >= first ? last - first + 1u : 0u;

		for (i = 0; i < VRFSEC_REPLAY_WORDS; i++) {
			if ((uint64_t)i >= n)
				break;
			t->replay[idx][(uint32_t)(first + i) & (VRFSEC_REPLAY_WORDS - 1u)] = 0;
		}
		sa->seq = seq;
	}
	word = (uint32_t)(seq >> 5) & (VRFSEC_REPLAY_WORDS - 1u);
	t->replay[idx][word] |= 1u << ((uint32_t)seq & 31u);
	return 0;
}
