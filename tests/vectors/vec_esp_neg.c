/* SPDX-License-Identifier: Apache-2.0 */
/* Negative ESP checks per vector: bit flips, truncations, replay, window, ESN wrap, exhaustion. */
#include <stdlib.h>
#include <string.h>

#include "esp_case.h"
#include "vectors.h"

unsigned vec_neg_sample;

/* Which of n exhaustive trials to run: all, or vec_neg_sample of them spread evenly from the
 * first to the last (k-th of m: k * (n - 1) / (m - 1), strictly increasing since m <= n). */
static uint32_t trials(uint32_t n)
{
	return vec_neg_sample && vec_neg_sample < n ? vec_neg_sample : n;
}

static uint32_t trial(uint32_t k, uint32_t m, uint32_t n)
{
	return m < 2 ? 0 : (uint32_t)((uint64_t)k * (n - 1) / (m - 1));
}

/* A refused packet must not leave towards a customer or the core, must not have been counted
 * as decrypted, and must not carry any plaintext of the vector. */
static int refused(const struct esp_case *ec, struct testbed *tb, struct vrfsec_pkt *p,
		   uint64_t ok_before, struct vec_result *r, const char *what)
{
	const uint8_t *plain = ec->open_out + ec->plain_off;

	r->checks++;
	if (p->out_port == VRFSEC_PORT_INSIDE || p->out_port == VRFSEC_PORT_CORE ||
	    p->out_port == VRFSEC_PORT_PUBLIC || tb->t->cnt[VRFSEC_CNT_DECRYPT_OK] != ok_before) {
		vr_fail(r, "%s %s: accepted (out_port %u reason %s)", vrfsec_engine_name(tb->kind),
			what, p->out_port, vrfsec_counter_name(p->reason));
		return -1;
	}
	if (ec->plain_len >= 8 && memmem(p->buf, sizeof(p->buf), plain, ec->plain_len)) {
		vr_fail(r, "%s %s: plaintext left in the refused packet's buffer",
			vrfsec_engine_name(tb->kind), what);
		return -1;
	}
	return 0;
}

static int bit_flips(const struct esp_case *ec, struct testbed *tb, struct vrfsec_pkt *p,
		     struct vec_result *r)
{
	static uint8_t f[EC_MAX];
	uint32_t n = ec->esp_len * 8, m = trials(n), k;

	for (k = 0; k < m; k++) {
		uint32_t bit = trial(k, m, n);
		uint64_t ok;

		if (esp_case_reset_in(ec, tb, ec->in.seq) != 0) {
			vr_fail(r, "SA reinstall refused");
			return -1;
		}
		memcpy(f, ec->open_in, ec->open_in_len);
		f[ec->esp_off + bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
		pkt_load(p, VRFSEC_PORT_PUBLIC, f, ec->open_in_len);
		ok = tb->t->cnt[VRFSEC_CNT_DECRYPT_OK];
		testbed_run1(tb, p);
		if (refused(ec, tb, p, ok, r, "bit flip") < 0)
			return -1;
	}
	return 0;
}

/* Shorten the frame to every length; once as cut (headers claim more than is there), once with
 * IP and UDP lengths rewritten to match. */
static int truncations(const struct esp_case *ec, struct testbed *tb, struct vrfsec_pkt *p,
		       struct vec_result *r)
{
	static uint8_t f[EC_MAX];
	uint32_t n = ec->open_in_len, m = trials(n), k, fix;
	int v6 = ec->in.outer_af == VRFSEC_AF_IPV6;

	for (fix = 0; fix < 2; fix++) {
		for (k = 0; k < m; k++) {
			uint32_t len = trial(k, m, n);
			uint64_t ok;

			if (esp_case_reset_in(ec, tb, ec->in.seq) != 0)
				return -1;
			memcpy(f, ec->open_in, len);
			if (fix && len >= 14u + (v6 ? 40u : 20u)) {
				uint32_t ip_len = len - 14;

				if (v6) {
					f[18] = (uint8_t)((ip_len - 40) >> 8);
					f[19] = (uint8_t)(ip_len - 40);
				} else {
					f[16] = (uint8_t)(ip_len >> 8);
					f[17] = (uint8_t)ip_len;
					ipv4_fix_csum(f + 14);
				}
				if (ec->in.udp && len >= ec->esp_off) {
					uint32_t ul = len - (ec->esp_off - 8);

					f[ec->esp_off - 4] = (uint8_t)(ul >> 8);
					f[ec->esp_off - 3] = (uint8_t)ul;
				}
			}
			pkt_load(p, VRFSEC_PORT_PUBLIC, f, len);
			ok = tb->t->cnt[VRFSEC_CNT_DECRYPT_OK];
			testbed_run1(tb, p);
			if (refused(ec, tb, p, ok, r, fix ? "consistent truncation" : "truncation") < 0)
				return -1;
		}
	}
	return 0;
}

/* Seal a packet with sequence number seq through the outbound SA (same key and SPI) and
 * turn it into a frame for the public port. */
static int make(const struct esp_case *ec, struct testbed *tb, uint64_t seq, uint8_t *frame,
		uint32_t *len)
{
	struct vrfsec_pkt *p = calloc(1, sizeof(*p));
	int rc = -1;

	if (!p)
		return -1;
	if (esp_case_reset_out(ec, tb, seq) == 0) {
		pkt_load(p, VRFSEC_PORT_HOST, ec->seal_in, ec->seal_in_len);
		p->sa_out = SA_OUT;
		if (testbed_run1(tb, p) == VRFSEC_PORT_PUBLIC) {
			memcpy(frame, pkt_data(p), p->len);
			*len = p->len;
			rc = 0;
		}
	}
	free(p);
	return rc;
}

struct step {
	uint64_t seq;
	unsigned want; /* VRFSEC_PORT_INSIDE or a drop counter */
};

static int sequence(const struct esp_case *ec, struct testbed *tb, struct vrfsec_pkt *p,
		    uint64_t top, const struct step *s, unsigned n, struct vec_result *r,
		    const char *what)
{
	static uint8_t f[EC_MAX];
	uint32_t len;
	unsigned i;

	if (esp_case_reset_in(ec, tb, top) != 0) {
		vr_fail(r, "%s: SA install refused", what);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned got;

		if (make(ec, tb, s[i].seq, f, &len) != 0) {
			vr_fail(r, "%s: could not seal seq %llu", what, (unsigned long long)s[i].seq);
			return -1;
		}
		pkt_load(p, VRFSEC_PORT_PUBLIC, f, len);
		got = testbed_run1(tb, p);
		r->checks++;
		if ((s[i].want == VRFSEC_PORT_INSIDE && got != VRFSEC_PORT_INSIDE) ||
		    (s[i].want != VRFSEC_PORT_INSIDE &&
		     (got != VRFSEC_PORT_DROP || p->reason != s[i].want))) {
			vr_fail(r, "%s %s: seq %#llx gave port %u reason %s", vrfsec_engine_name(tb->kind),
				what, (unsigned long long)s[i].seq, got, vrfsec_counter_name(p->reason));
			return -1;
		}
	}
	return 0;
}

static int windows(const struct esp_case *ec, struct testbed *tb, struct vrfsec_pkt *p,
		   struct vec_result *r)
{
	const unsigned in = VRFSEC_PORT_INSIDE;
	const uint64_t w = VRFSEC_REPLAY_DEFAULT;
	const struct step basic[] = {
		{ 1, in }, { 1, VRFSEC_CNT_REPLAY }, { w + 10, in }, { 5, VRFSEC_CNT_TOO_OLD },
		{ 11, in }, { 11, VRFSEC_CNT_REPLAY }, { 10, VRFSEC_CNT_TOO_OLD }, { w + 9, in },
		{ 5 * w, in }, { w + 10, VRFSEC_CNT_TOO_OLD },
	};
	/* With ESN a number below the window is read as the next 2^32 subspace (RFC 4303 A2.2):
	 * it is not "too old" but fails the ICV, since the sender's high bits differ. */
	const struct step basic_esn[] = {
		{ 1, in }, { 1, VRFSEC_CNT_REPLAY }, { w + 10, in }, { 5, VRFSEC_CNT_ICV_FAIL },
		{ 11, in }, { 11, VRFSEC_CNT_REPLAY }, { 10, VRFSEC_CNT_ICV_FAIL }, { w + 9, in },
		{ 5 * w, in }, { w + 10, VRFSEC_CNT_ICV_FAIL },
	};
	const struct step wrap[] = {
		{ 0xfffffffeull, in }, { 0xffffffffull, in }, { 0x100000000ull, in },
		{ 0x100000001ull, in }, { 0xffffffffull, VRFSEC_CNT_REPLAY },
		{ 0x100000000ull + 5000, in },
		/* far below the window, so read as the next subspace (RFC 4303 A2.2): the ICV fails */
		{ 0xfffffffeull, VRFSEC_CNT_ICV_FAIL },
		{ 0x100000000ull + 4990, in },
	};
	const struct step nowrap[] = {
		{ 0xfffffffeull, in }, { 0xffffffffull, in },
	};

	if (ec->in.esn) {
		if (sequence(ec, tb, p, 0, basic_esn, 10, r, "window") < 0)
			return -1;
		return sequence(ec, tb, p, 0xfffffff0ull, wrap, 8, r, "ESN wrap");
	}
	if (sequence(ec, tb, p, 0, basic, 10, r, "window") < 0 ||
	    sequence(ec, tb, p, 0xfffffff0ull, nowrap, 2, r, "top of 32-bit space") < 0)
		return -1;
	/* Without ESN the sender must stop at 2^32 - 1 rather than wrap. */
	{
		struct vrfsec_sa_params o = ec->out;

		vrfsec_engine_sa_del(tb->e, SA_OUT);
		o.seq = 0xffffffffull;
		if (vrfsec_engine_sa_add(tb->e, SA_OUT, &o, ec->key, ec->key_len) != 0)
			return -1;
		pkt_load(p, VRFSEC_PORT_HOST, ec->seal_in, ec->seal_in_len);
		p->sa_out = SA_OUT;
		r->checks++;
		if (testbed_run1(tb, p) != VRFSEC_PORT_DROP || p->reason != VRFSEC_CNT_SEQ_EXHAUSTED) {
			vr_fail(r, "%s: sequence number wrapped without ESN", vrfsec_engine_name(tb->kind));
			return -1;
		}
	}
	return 0;
}

void esp_negative(const struct esp_case *ec, struct testbed *tb, struct vec_result *r)
{
	struct vrfsec_pkt *p = calloc(1, sizeof(*p));
	static uint8_t f[EC_MAX];

	if (!p) {
		vr_fail(r, "out of memory");
		return;
	}
	if (bit_flips(ec, tb, p, r) == 0 && truncations(ec, tb, p, r) == 0) {
		/* the vector's own packet twice: the second is a replay */
		uint64_t ok;

		esp_case_reset_in(ec, tb, ec->in.seq);
		memcpy(f, ec->open_in, ec->open_in_len);
		pkt_load(p, VRFSEC_PORT_PUBLIC, f, ec->open_in_len);
		r->checks++;
		if (testbed_run1(tb, p) != VRFSEC_PORT_INSIDE) {
			vr_fail(r, "%s: valid packet refused after reinstall", vrfsec_engine_name(tb->kind));
		} else {
			pkt_load(p, VRFSEC_PORT_PUBLIC, f, ec->open_in_len);
			ok = tb->t->cnt[VRFSEC_CNT_DECRYPT_OK];
			testbed_run1(tb, p);
			if (refused(ec, tb, p, ok, r, "replay") == 0) {
				r->checks++;
				if (p->reason != VRFSEC_CNT_REPLAY)
					vr_fail(r, "replay dropped as %s", vrfsec_counter_name(p->reason));
				else
					windows(ec, tb, p, r);
			}
		}
	}
	free(p);
	/* leave the testbed as programmed for the next engine/case */
	esp_case_program(ec, tb);
}
