/* SPDX-License-Identifier: Apache-2.0 */
/* SA lifetimes, sequence number exhaustion and idleness: a round-robin scan that posts events. */
#include "fw_impl.h"

#define SEQ_NEAR_MARGIN 0xffffull /* within 2^16 of the last usable sequence number */

/* 1 when a limit (0 = none) has been reached. */
static int reached(uint64_t v, uint64_t limit)
{
	return limit != 0 && v >= limit;
}

static int reached_s(uint64_t age_ns, uint32_t limit_s)
{
	return limit_s != 0 && age_ns >= (uint64_t)limit_s * FW_NS_PER_S;
}

/* The hard limit that has passed, with the value that passed it; 0 when none. */
static int hard_hit(const struct fw_sa_life *l, uint64_t bytes, uint64_t pkts, uint64_t age,
		    uint64_t *value)
{
	if (reached(bytes, l->hard_bytes))
		*value = bytes;
	else if (reached(pkts, l->hard_packets))
		*value = pkts;
	else if (reached_s(age, l->hard_s))
		*value = age / FW_NS_PER_S;
	else
		return 0;
	return 1;
}

static int soft_hit(const struct fw_sa_life *l, uint64_t bytes, uint64_t pkts, uint64_t age,
		    uint64_t *value)
{
	if (reached(bytes, l->soft_bytes))
		*value = bytes;
	else if (reached(pkts, l->soft_packets))
		*value = pkts;
	else if (reached_s(age, l->soft_s))
		*value = age / FW_NS_PER_S;
	else
		return 0;
	return 1;
}

/* Post an event once: the flag is set only when it went out, so a full ring means "later". */
static uint32_t once(struct fw *fw, uint32_t idx, uint8_t flag, uint32_t type, uint64_t value)
{
	struct fw_sa_life *l = &fw->life[idx];

	if (fw_event_post(fw, type, idx, value) != 0)
		return 0;
	l->flags |= flag;
	return 1;
}

static uint32_t check_sa(struct fw *fw, uint32_t idx)
{
	struct vrfsec_tables *t = fw->t;
	struct fw_sa_life *l = &fw->life[idx];
	const struct vrfsec_sa *sa = &t->sa[idx];
	uint64_t bytes = t->sa_cnt[idx].bytes;
	uint64_t pkts = t->sa_cnt[idx].packets;
	uint64_t age = fw->now_ns > l->add_ns ? fw->now_ns - l->add_ns : 0;
	uint64_t value = 0;
	uint64_t last;
	uint32_t work = 0;

	if (!sa->valid) {
		fw_active_clear(fw, idx);
		return 0;
	}
	if (hard_hit(l, bytes, pkts, age, &value)) {
		/* The limit is a security bound: the SA goes even if nobody can be told. */
		if (fw_event_post(fw, VRFSEC_ABI_EVENT_SA_HARD, idx, value) != 0)
			fw->stats.events_dropped++;
		fw_sa_drop(fw, idx);
		fw->stats.hard_expired++;
		return 1;
	}
	if (!(l->flags & FW_LIFE_SOFT_SENT) && soft_hit(l, bytes, pkts, age, &value))
		work += once(fw, idx, FW_LIFE_SOFT_SENT, VRFSEC_ABI_EVENT_SA_SOFT, value);
	if (sa->dir == VRFSEC_SA_DIR_OUT && !(l->flags & FW_LIFE_SEQ_SENT)) {
		last = (sa->flags & VRFSEC_SAF_ESN) ? ~0ull : 0xffffffffull;
		if (sa->seq >= last - SEQ_NEAR_MARGIN)
			work += once(fw, idx, FW_LIFE_SEQ_SENT, VRFSEC_ABI_EVENT_SEQ_NEAR, sa->seq);
	}
	if (sa->dir == VRFSEC_SA_DIR_IN && l->idle_s != 0) {
		if (pkts != l->last_pkts) {
			/* Traffic again: a new idle period starts now. */
			l->last_pkts = pkts;
			l->last_change_ns = fw->now_ns;
			l->flags &= (uint8_t)~FW_LIFE_IDLE_SENT;
		} else if (!(l->flags & FW_LIFE_IDLE_SENT) &&
			   reached_s(fw->now_ns - l->last_change_ns, l->idle_s)) {
			work += once(fw, idx, FW_LIFE_IDLE_SENT, VRFSEC_ABI_EVENT_SA_IDLE,
				     (fw->now_ns - l->last_change_ns) / FW_NS_PER_S);
		}
	}
	return work;
}

uint32_t fw_events_scan(struct fw *fw)
{
	uint32_t work = 0;
	uint32_t w, b;

	/* Lifetimes are seconds and byte counts: a full sweep every few tens of milliseconds is
	 * prompt enough, and a poll loop spinning on the command ring does not pay for it. */
	if (fw->now_ns - fw->scan_ns < FW_SCAN_PERIOD_NS)
		return 0;
	fw->scan_ns = fw->now_ns;
	for (w = 0; w < FW_SCAN_SLICE / 32u; w++) {
		uint32_t base = fw->scan_next;
		uint32_t bits = fw->active[base / 32u];

		fw->scan_next = (base + 32u) & (VRFSEC_MAX_SA - 1u);
		for (b = 0; b < 32u; b++) {
			if (bits == 0)
				break;
			if (bits & (1u << b)) {
				bits &= ~(1u << b);
				work += check_sa(fw, base + b);
			}
		}
	}
	return work;
}
