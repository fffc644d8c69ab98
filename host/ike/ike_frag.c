// SPDX-License-Identifier: Apache-2.0
/* IKE fragmentation (RFC 7383): sealing an encrypted message as SKF fragments when it would not fit
 * a datagram of cfg.frag_size, and reassembling received fragments, each verified on arrival.
 *
 *  Encrypted Fragment payload (RFC 7383 2.5), AEAD form of RFC 5282:
 *  | Next Payload  |C|  RESERVED   |         Payload Length        |
 *  |        Fragment Number        |        Total Fragments        |
 *  |                     Initialization Vector (8)                 |
 *  ~                    Ciphertext (part | pad | pad length)       ~
 *  |                     Integrity Check Value (16)                |
 *  Next Payload is the first inner payload in fragment 1 and zero in the others. The AAD is the
 *  IKE header and the eight bytes up to the IV, so the number and total are authenticated.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "ike_int.h"

enum { SKF_HDR = IKE_GEN_LEN + 4, SKF_OVERHEAD = IKE_HDR_LEN + SKF_HDR + IKE_GCM_IV + 1 + IKE_GCM_ICV };

/* Bytes around an IKE message in its datagram: IP, UDP and the non-ESP marker. */
static size_t dgram_overhead(const struct ike_sa *sa)
{
	return (sa->remote.sa.sa_family == AF_INET6 ? 40u : 20u) + 8u + (sa->natt ? 4u : 0u);
}

static void gcm_nonce(const uint8_t *key, size_t klen, const uint8_t *iv, uint8_t nonce[12])
{
	memcpy(nonce, key + klen, IKE_GCM_SALT);
	memcpy(nonce + IKE_GCM_SALT, iv, IKE_GCM_IV);
}

/* One fragment into out (cap bytes): header, SKF, sealed part; its length or -errno. */
static int seal_fragment(struct ike_sa *sa, const struct ike_hdr *h, uint8_t np, uint16_t num,
			 uint16_t total, const uint8_t *part, size_t plen, uint8_t *out, size_t cap)
{
	struct ike_wr w;
	ike_wr_init(&w, out, cap);
	ike_wr_hdr(&w, h);
	ike_wr_begin(&w, IKE_PT_SKF);
	if (w.err)
		return w.err;
	out[IKE_HDR_LEN] = np;
	ike_wr_u16(&w, num);
	ike_wr_u16(&w, total);
	uint8_t iv[IKE_GCM_IV];
	ike_put64(iv, ++sa->iv_ctr);
	ike_wr_bytes(&w, iv, sizeof(iv));
	size_t pt_off = w.len;
	ike_wr_bytes(&w, part, plen);
	ike_wr_u8(&w, 0); /* pad length: GCM needs no padding */
	size_t pt_len = w.len - pt_off;
	uint8_t icv[IKE_GCM_ICV] = { 0 };
	ike_wr_bytes(&w, icv, sizeof(icv));
	ike_wr_end(&w);
	ike_wr_finish(&w);
	if (w.err)
		return w.err;
	const uint8_t *key = sa->initiator ? sa->k.sk_ei : sa->k.sk_er;
	size_t klen = sa->k.enc_len - IKE_GCM_SALT;
	uint8_t nonce[12];
	gcm_nonce(key, klen, iv, nonce);
	int rc = ike_gcm_seal(key, klen, nonce, out, IKE_HDR_LEN + SKF_HDR, out + pt_off, pt_len,
			      out + pt_off, out + pt_off + pt_len);
	return rc ? rc : (int)w.len;
}

int ike_sa_seal_out(struct ike_sa *sa, uint8_t exch, int response, uint32_t msgid,
		const struct ike_wr *inner, uint8_t **pkt, size_t *len)
{
	const struct ike_config *cfg = &sa->ctx->cfg;
	size_t whole = IKE_HDR_LEN + IKE_GEN_LEN + IKE_GCM_IV + inner->len + 1 + IKE_GCM_ICV;
	size_t ovh = dgram_overhead(sa);
	*pkt = NULL;
	if (inner->err)
		return inner->err;
	if (!sa->frag_ok || exch == IKE_SA_INIT || whole + ovh <= cfg->frag_size) {
		uint8_t *p = malloc(whole);
		if (!p)
			return -ENOMEM;
		int n = ike_sa_seal(sa, exch, response, msgid, inner, p, whole);
		if (n < 0) {
			free(p);
			return n;
		}
		*pkt = p;
		*len = (size_t)n;
		return 0;
	}
	size_t chunk = cfg->frag_size > ovh + SKF_OVERHEAD + 32 ? cfg->frag_size - ovh - SKF_OVERHEAD : 32;
	size_t total = (inner->len + chunk - 1) / chunk;
	if (total == 0 || total > 0xffff)
		return -EMSGSIZE;
	size_t cap = total * SKF_OVERHEAD + inner->len;
	uint8_t *p = malloc(cap);
	if (!p)
		return -ENOMEM;
	struct ike_hdr h = {
		.spi_i = sa->spi_i,
		.spi_r = sa->spi_r,
		.exch = exch,
		.flags = (uint8_t)((sa->initiator ? IKE_FLAG_I : 0) | (response ? IKE_FLAG_R : 0)),
		.msgid = msgid,
	};
	size_t off = 0;
	for (size_t i = 0; i < total; i++) {
		size_t take = inner->len - i * chunk < chunk ? inner->len - i * chunk : chunk;
		int n = seal_fragment(sa, &h, i == 0 ? inner->first : IKE_PT_NONE, (uint16_t)(i + 1),
				      (uint16_t)total, inner->buf + i * chunk, take, p + off, cap - off);
		if (n < 0) {
			free(p);
			return n;
		}
		off += (size_t)n;
	}
	ike_log(sa->ctx, 2, "IKE message %u (%zu bytes) sent in %zu fragments", msgid, whole, total);
	*pkt = p;
	*len = off;
	return 0;
}

void ike_frag_reset(struct ike_frag_rx *r)
{
	if (r->part)
		for (unsigned i = 0; i <= r->total; i++) {
			if (r->part[i])
				ike_wipe(r->part[i], r->plen[i]);
			free(r->part[i]);
		}
	free(r->part);
	free(r->plen);
	memset(r, 0, sizeof(*r));
}

/* Decrypt one SKF payload; *pt (malloc'd) gets the part without padding. 0 or -EBADMSG. */
static int open_fragment(struct ike_sa *sa, const uint8_t *buf, const struct ike_pl *f, uint8_t **pt,
			 size_t *plen)
{
	const uint8_t *iv = f->body + 4;
	size_t ctlen = f->len - 4 - IKE_GCM_IV - IKE_GCM_ICV;
	const uint8_t *key = sa->initiator ? sa->k.sk_er : sa->k.sk_ei;
	size_t klen = sa->k.enc_len - IKE_GCM_SALT;
	uint8_t nonce[12];
	gcm_nonce(key, klen, iv, nonce);
	uint8_t *p = malloc(ctlen);
	if (!p)
		return -ENOMEM;
	if (ike_gcm_open(key, klen, nonce, buf, (size_t)(iv - buf), iv + IKE_GCM_IV, ctlen,
			 iv + IKE_GCM_IV + ctlen, p) ||
	    (size_t)p[ctlen - 1] + 1 > ctlen) {
		free(p);
		return -EBADMSG;
	}
	*plen = ctlen - 1 - p[ctlen - 1];
	*pt = p;
	return 0;
}

/* The SKF payload of a message (the last one), NULL if it has none or it is too short. */
static const struct ike_pl *skf_of(const struct ike_chain *c)
{
	if (c->n == 0)
		return NULL;
	const struct ike_pl *f = &c->p[c->n - 1];
	return f->type == IKE_PT_SKF && f->len >= 4 + IKE_GCM_IV + 1 + IKE_GCM_ICV ? f : NULL;
}

int ike_frag_first_valid(struct ike_sa *sa, const uint8_t *buf, const struct ike_chain *c)
{
	const struct ike_pl *f = skf_of(c);
	uint8_t *pt;
	size_t pl;
	if (!f || !sa->keys_ok || ike_get16(f->body) != 1 || open_fragment(sa, buf, f, &pt, &pl))
		return 0;
	ike_wipe(pt, pl);
	free(pt);
	return 1;
}

int ike_frag_input(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *buf,
	       const struct ike_chain *c, struct ike_chain *inner, uint8_t **out)
{
	const struct ike_config *cfg = &sa->ctx->cfg;
	const struct ike_pl *f = skf_of(c);
	struct ike_frag_rx *r = h->flags & IKE_FLAG_R ? &sa->fr_rsp : &sa->fr_req;
	*out = NULL;
	if (!f || !sa->keys_ok || cfg->frag_off)
		return -EBADMSG;
	uint16_t num = ike_get16(f->body), total = ike_get16(f->body + 2);
	if (num == 0 || total == 0 || num > total || total > cfg->frag_max)
		return -EBADMSG;
	if (r->active && (r->msgid != h->msgid || r->exch != h->exch))
		ike_frag_reset(r); /* a message we no longer wait for */
	if (r->active && total < r->total)
		return -EALREADY; /* 2.6.2: from an older transmission with larger fragments */
	if (r->active && total == r->total && r->part[num])
		return -EALREADY; /* duplicate */
	uint8_t *pt;
	size_t plen;
	int rc = open_fragment(sa, buf, f, &pt, &plen);
	if (rc)
		return rc; /* integrity first: a forged fragment changes nothing */
	if (r->active && total > r->total)
		ike_frag_reset(r); /* 2.6.2: the sender retransmits with smaller fragments */
	if (!r->active) {
		r->part = calloc((size_t)total + 1, sizeof(*r->part));
		r->plen = calloc((size_t)total + 1, sizeof(*r->plen));
		if (!r->part || !r->plen) {
			ike_frag_reset(r);
			free(pt);
			return -ENOMEM;
		}
		r->active = 1;
		r->msgid = h->msgid;
		r->exch = h->exch;
		r->total = total;
		r->started = sa->ctx->now;
		ike_sa_touch(sa);
	}
	r->part[num] = pt;
	r->plen[num] = (uint16_t)plen;
	r->bytes += plen;
	r->have++;
	if (num == 1)
		r->first_np = f->next;
	if (r->bytes > cfg->frag_max_bytes) {
		ike_log(sa->ctx, 1, "IKE message %u: fragments exceed %u bytes, dropped", h->msgid,
			cfg->frag_max_bytes);
		ike_frag_reset(r);
		return -EMSGSIZE;
	}
	if (r->have < r->total)
		return 1;
	uint8_t *msg = malloc(r->bytes ? r->bytes : 1);
	size_t off = 0;
	if (!msg) {
		ike_frag_reset(r);
		return -ENOMEM;
	}
	for (unsigned i = 1; i <= r->total; i++) {
		memcpy(msg + off, r->part[i], r->plen[i]);
		off += r->plen[i];
	}
	uint8_t np = r->first_np;
	ike_log(sa->ctx, 2, "IKE message %u reassembled from %u fragments (%zu bytes)", h->msgid,
		r->total, off);
	ike_frag_reset(r);
	if (ike_chain_parse(np, msg, off, inner, NULL) != 0) {
		ike_wipe(msg, off);
		free(msg);
		return -EBADMSG;
	}
	*out = msg;
	return 0;
}

void ike_frag_expire(struct ike_sa *sa, uint64_t now)
{
	struct ike_frag_rx *rs[2] = { &sa->fr_req, &sa->fr_rsp };
	for (int i = 0; i < 2; i++)
		if (rs[i]->active && now >= rs[i]->started + sa->ctx->cfg.frag_timeout_ms) {
			ike_log(sa->ctx, 2, "IKE message %u: reassembly timed out (%u of %u fragments)",
				rs[i]->msgid, rs[i]->have, rs[i]->total);
			ike_frag_reset(rs[i]);
		}
}

uint64_t ike_frag_deadline(const struct ike_sa *sa)
{
	uint64_t t = 0;
	const struct ike_frag_rx *rs[2] = { &sa->fr_req, &sa->fr_rsp };
	for (int i = 0; i < 2; i++)
		if (rs[i]->active) {
			uint64_t d = rs[i]->started + sa->ctx->cfg.frag_timeout_ms;
			t = !t || d < t ? d : t;
		}
	return t;
}
