// SPDX-License-Identifier: Apache-2.0
/* IKE SA table, message dispatch (window 1), SK payload (RFC 5282), retransmission and timers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>

#include "ike_int.h"

void ike_log(struct ike_ctx *ctx, int level, const char *fmt, ...)
{
	if (!ctx->cfg.cb.log || level > ctx->cfg.log_level)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->cfg.cb.log(ctx->cfg.cb.user, level, buf);
}

int ike_ctx_create(const struct ike_config *cfg, struct ike_ctx **out)
{
	if (!cfg->cb.send)
		return -EINVAL;
	struct ike_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->cfg = *cfg;
	if (!ctx->cfg.port)
		ctx->cfg.port = 500;
	if (!ctx->cfg.natt_port)
		ctx->cfg.natt_port = 4500;
	if (!ctx->cfg.half_open_timeout_ms)
		ctx->cfg.half_open_timeout_ms = 30000;
	if (!ctx->cfg.retransmit_ms)
		ctx->cfg.retransmit_ms = 2000;
	if (!ctx->cfg.retransmit_tries)
		ctx->cfg.retransmit_tries = 5;
	if (!ctx->cfg.frag_size)
		ctx->cfg.frag_size = 1280;
	if (!ctx->cfg.frag_max)
		ctx->cfg.frag_max = 64;
	if (!ctx->cfg.frag_max_bytes)
		ctx->cfg.frag_max_bytes = IKE_MAX_MSG;
	if (!ctx->cfg.frag_timeout_ms)
		ctx->cfg.frag_timeout_ms = 10000;
	if (ike_random(ctx->cookie_secret, sizeof(ctx->cookie_secret))) {
		free(ctx);
		return -EIO;
	}
	ike_creds_ref(ctx->cfg.creds);
	*out = ctx;
	return 0;
}

static void sa_free(struct ike_sa *sa)
{
	struct ike_sa **pp = &sa->ctx->sas;
	while (*pp && *pp != sa)
		pp = &(*pp)->next;
	if (*pp)
		*pp = sa->next;
	child_free_all(sa, 0, IKE_DOWN_SHUTDOWN);
	sa_req_clear(sa);
	ike_dh_free(sa->dh);
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->resp);
	frag_reset(&sa->fr_req);
	frag_reset(&sa->fr_rsp);
	ike_creds_unref(sa->creds_held);
	ike_wipe(sa, sizeof(*sa)); /* keys, nonces, PSK */
	free(sa);
}

void ike_ctx_destroy(struct ike_ctx *ctx)
{
	if (!ctx)
		return;
	while (ctx->sas)
		sa_free(ctx->sas);
	ike_creds_unref(ctx->cfg.creds);
	ike_wipe(ctx, sizeof(*ctx));
	free(ctx);
}

unsigned ike_ctx_sa_count(const struct ike_ctx *ctx)
{
	unsigned n = 0;
	for (const struct ike_sa *sa = ctx->sas; sa; sa = sa->next)
		n += sa->state != ST_DEAD;
	return n;
}

struct ike_sa *sa_new(struct ike_ctx *ctx, uint8_t initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	sa->ctx = ctx;
	sa->initiator = initiator;
	sa->last_rx = ctx->now;
	sa->next = ctx->sas;
	ctx->sas = sa;
	return sa;
}

uint64_t sa_local_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

struct ike_sa *sa_find(struct ike_ctx *ctx, uint64_t spi)
{
	for (struct ike_sa *sa = ctx->sas; sa; sa = sa->next)
		if (sa->state != ST_DEAD && spi && sa_local_spi(sa) == spi)
			return sa;
	return NULL;
}

uint64_t new_ike_spi(struct ike_ctx *ctx)
{
	uint64_t spi = 0;
	while (!spi || sa_find(ctx, spi))
		if (ike_random(&spi, sizeof(spi)))
			return 0;
	return spi;
}

uint32_t new_esp_spi(struct ike_ctx *ctx)
{
	for (;;) {
		uint32_t spi;
		if (ike_random(&spi, sizeof(spi)))
			return 0;
		if (spi < 256)
			continue;
		int used = 0;
		for (struct ike_sa *sa = ctx->sas; sa && !used; sa = sa->next)
			for (struct ike_child *c = sa->children; c && !used; c = c->next)
				used = c->spi_in == spi;
		if (!used)
			return spi;
	}
}

/* Mark dead and report; freed by reap() at the end of the API call. */
void sa_kill(struct ike_sa *sa, enum ike_down_reason why)
{
	struct ike_ctx *ctx = sa->ctx;
	if (sa->state == ST_DEAD)
		return;
	if (sa->state == ST_INIT_DONE && ctx->half_open)
		ctx->half_open--;
	child_free_all(sa, 1, why);
	if (sa->has_vip && ctx->cfg.cb.vip_release)
		ctx->cfg.cb.vip_release(ctx->cfg.cb.user, sa->prof.user, &sa->vip);
	sa->has_vip = 0;
	ike_log(ctx, 1, "IKE SA %016llx down (reason %d)", (unsigned long long)sa_local_spi(sa), why);
	sa->state = ST_DEAD;
	if (sa->report_down && ctx->cfg.cb.ike_down)
		ctx->cfg.cb.ike_down(ctx->cfg.cb.user, sa_local_spi(sa), why);
}

static void reap(struct ike_ctx *ctx)
{
	struct ike_sa *sa = ctx->sas;
	while (sa) {
		struct ike_sa *nx = sa->next;
		if (sa->state == ST_DEAD)
			sa_free(sa);
		sa = nx;
	}
}

void sa_hold_creds(struct ike_sa *sa)
{
	ike_creds_unref(sa->creds_held);
	sa->creds_held = ike_creds_ref(sa->prof.creds);
}

struct ike_creds *sa_creds(const struct ike_sa *sa)
{
	return sa->prof.creds ? sa->prof.creds : sa->ctx->cfg.creds;
}

/* pkt may hold several messages back to back (the fragments of one): one datagram each. */
void sa_send_raw(struct ike_sa *sa, const uint8_t *pkt, size_t len)
{
	size_t off = 0;
	while (off < len) {
		size_t n = len - off;
		if (n >= IKE_HDR_LEN && ike_get32(pkt + off + 24) >= IKE_HDR_LEN &&
		    ike_get32(pkt + off + 24) <= n)
			n = ike_get32(pkt + off + 24);
		struct ike_dgram d = {
			.local = (const struct sockaddr *)&sa->local,
			.remote = (const struct sockaddr *)&sa->remote,
			.data = pkt + off,
			.len = n,
			.natt = sa->natt,
		};
		sa->ctx->cfg.cb.send(sa->ctx->cfg.cb.user, &d);
		off += n;
	}
}

void sa_float(struct ike_sa *sa)
{
	struct ike_ctx *ctx = sa->ctx;
	if (sa->natt || !(sa->nat_local || sa->nat_remote || ctx->cfg.always_float))
		return;
	sockaddr_set_port(&sa->local, ctx->cfg.natt_port);
	sockaddr_set_port(&sa->remote, sa->prof.remote_natt_port ? sa->prof.remote_natt_port : 4500);
	sa->natt = 1;
}

/*
 *  SK payload with AES-GCM (RFC 5282 3):
 *  | Next Payload  |C|  RESERVED   |         Payload Length        |
 *  |                     Initialization Vector (8)                 |
 *  ~                    Ciphertext (inner payloads | pad | pad length) ~
 *  |                     Integrity Check Value (16)                |
 *  AAD = IKE header .. end of this generic header; nonce = salt (4, from SK_e) | IV.
 */
int sa_seal(struct ike_sa *sa, uint8_t exch, int response, uint32_t msgid, const struct ike_wr *inner,
	    uint8_t *out, size_t cap)
{
	if (inner->err)
		return inner->err;
	size_t total = IKE_HDR_LEN + IKE_GEN_LEN + IKE_GCM_IV + inner->len + 1 + IKE_GCM_ICV;
	if (total > cap || total > IKE_MAX_MSG)
		return -EMSGSIZE;
	struct ike_wr w;
	struct ike_hdr h = {
		.spi_i = sa->spi_i,
		.spi_r = sa->spi_r,
		.exch = exch,
		.flags = (uint8_t)((sa->initiator ? IKE_FLAG_I : 0) | (response ? IKE_FLAG_R : 0)),
		.msgid = msgid,
	};
	ike_wr_init(&w, out, cap);
	ike_wr_hdr(&w, &h);
	ike_wr_begin(&w, IKE_PT_SK);
	out[IKE_HDR_LEN] = inner->first;
	uint8_t iv[IKE_GCM_IV];
	ike_put64(iv, ++sa->iv_ctr);
	ike_wr_bytes(&w, iv, sizeof(iv));
	size_t pt_off = w.len;
	ike_wr_bytes(&w, inner->buf, inner->len);
	ike_wr_u8(&w, 0); /* pad length: GCM needs no padding */
	size_t pt_len = w.len - pt_off;
	w.len += IKE_GCM_ICV;
	ike_wr_end(&w);
	ike_wr_finish(&w);
	if (w.err)
		return w.err;
	const uint8_t *key = sa->initiator ? sa->k.sk_ei : sa->k.sk_er;
	size_t klen = sa->k.enc_len - IKE_GCM_SALT;
	uint8_t nonce[12];
	memcpy(nonce, key + klen, IKE_GCM_SALT);
	memcpy(nonce + IKE_GCM_SALT, iv, IKE_GCM_IV);
	int rc = ike_gcm_seal(key, klen, nonce, out, IKE_HDR_LEN + IKE_GEN_LEN, out + pt_off, pt_len,
			      out + pt_off, out + pt_off + pt_len);
	return rc ? rc : (int)total;
}

/* Decrypt the SK payload of a message from the peer; *pt (malloc'd) holds the inner chain. */
static int sa_unseal(struct ike_sa *sa, const uint8_t *buf, const struct ike_chain *outer,
		     struct ike_chain *inner, uint8_t **pt)
{
	*pt = NULL;
	if (!sa->keys_ok || outer->n == 0)
		return -EBADMSG;
	const struct ike_pl *sk = &outer->p[outer->n - 1];
	if (sk->type != IKE_PT_SK || sk->len < IKE_GCM_IV + 1 + IKE_GCM_ICV)
		return -EBADMSG;
	const uint8_t *key = sa->initiator ? sa->k.sk_er : sa->k.sk_ei;
	size_t klen = sa->k.enc_len - IKE_GCM_SALT;
	uint8_t nonce[12];
	memcpy(nonce, key + klen, IKE_GCM_SALT);
	memcpy(nonce + IKE_GCM_SALT, sk->body, IKE_GCM_IV);
	size_t ctlen = sk->len - IKE_GCM_IV - IKE_GCM_ICV;
	uint8_t *p = malloc(ctlen);
	if (!p)
		return -ENOMEM;
	size_t aadlen = (size_t)(sk->body - buf);
	if (ike_gcm_open(key, klen, nonce, buf, aadlen, sk->body + IKE_GCM_IV, ctlen,
			 sk->body + IKE_GCM_IV + ctlen, p)) {
		free(p);
		return -EBADMSG;
	}
	uint8_t pad = p[ctlen - 1];
	if ((size_t)pad + 1 > ctlen ||
	    ike_chain_parse(sk->next, p, ctlen - 1 - pad, inner, NULL) != 0) {
		free(p);
		return -EBADMSG;
	}
	*pt = p;
	return 0;
}

void sa_req_clear(struct ike_sa *sa)
{
	free(sa->rq.pkt);
	ike_dh_free(sa->rq.dh);
	ike_wipe(&sa->rq, sizeof(sa->rq));
}

static void req_done(struct ike_sa *sa)
{
	sa_req_clear(sa);
	sa->msgid_out++;
}

/* Take ownership of pkt as the outstanding request and send it. */
static void request_raw(struct ike_sa *sa, uint8_t *pkt, size_t len, uint8_t kind)
{
	free(sa->rq.pkt);
	sa->rq.pkt = pkt;
	sa->rq.len = len;
	sa->rq.kind = kind;
	sa->rq.msgid = sa->msgid_out;
	sa->rq.tries = 0;
	sa->rq.timeout = sa->ctx->cfg.retransmit_ms;
	sa->rq.next_tx = sa->ctx->now + sa->rq.timeout;
	sa_send_raw(sa, pkt, len);
}

int sa_request(struct ike_sa *sa, uint8_t exch, const struct ike_wr *inner, uint8_t kind)
{
	uint8_t *pkt;
	size_t n;
	int rc = sa_seal_out(sa, exch, 0, sa->msgid_out, inner, &pkt, &n);
	if (rc)
		return rc;
	request_raw(sa, pkt, n, kind);
	return 0;
}

/* IKE_SA_INIT requests are plain; the SA keeps one copy for AUTH, one for retransmission. */
int sa_request_plain(struct ike_sa *sa, const uint8_t *pkt, size_t len)
{
	uint8_t *a = malloc(len), *b = malloc(len);
	if (!a || !b) {
		free(a);
		free(b);
		return -ENOMEM;
	}
	memcpy(a, pkt, len);
	memcpy(b, pkt, len);
	free(sa->init_req);
	sa->init_req = a;
	sa->init_req_len = len;
	uint8_t kind = RQ_INIT, ct = sa->rq.cookie_tries, kt = sa->rq.ke_tries;
	request_raw(sa, b, len, kind);
	sa->rq.cookie_tries = ct;
	sa->rq.ke_tries = kt;
	return 0;
}

static void cache_response(struct ike_sa *sa, uint8_t *pkt, size_t len, uint32_t msgid)
{
	free(sa->resp);
	sa->resp = pkt;
	sa->resp_len = len;
	sa->have_resp = 1;
	sa->msgid_in = msgid + 1;
	sa_send_raw(sa, pkt, len);
}

int sa_respond(struct ike_sa *sa, uint8_t exch, uint32_t msgid, const struct ike_wr *inner)
{
	uint8_t *pkt;
	size_t n;
	int rc = sa_seal_out(sa, exch, 1, msgid, inner, &pkt, &n);
	if (rc)
		return rc;
	cache_response(sa, pkt, n, msgid);
	return 0;
}

int sa_respond_plain(struct ike_sa *sa, const uint8_t *pkt, size_t len)
{
	uint8_t *p = malloc(len);
	if (!p)
		return -ENOMEM;
	memcpy(p, pkt, len);
	cache_response(sa, p, len, 0);
	return 0;
}

void sa_queue(struct ike_sa *sa, uint8_t kind, uint32_t spi)
{
	for (unsigned i = 0; i < sa->n_tasks; i++)
		if (sa->tasks[i].kind == kind && sa->tasks[i].spi == spi)
			return;
	if (sa->n_tasks == MAX_TASKS) {
		ike_log(sa->ctx, 1, "task queue full, dropping task %u", kind);
		return;
	}
	sa->tasks[sa->n_tasks++] = (struct ike_task){ kind, spi };
}

void sa_run_tasks(struct ike_sa *sa)
{
	while (!sa->rq.kind && sa->n_tasks &&
	       (sa->state == ST_ESTABLISHED || sa->state == ST_REKEYED)) {
		struct ike_task t = sa->tasks[0];
		memmove(sa->tasks, sa->tasks + 1, (size_t)(sa->n_tasks - 1) * sizeof(t));
		sa->n_tasks--;
		if (sa->state == ST_REKEYED && t.kind != RQ_DELETE_IKE)
			continue;
		int rc;
		switch (t.kind) {
		case RQ_CHILD_REKEY: rc = child_rekey_start(sa, t.spi); break;
		case RQ_IKE_REKEY: rc = ike_rekey_start(sa); break;
		default: rc = info_start(sa, t.kind, t.spi); break;
		}
		if (rc)
			ike_log(sa->ctx, 2, "task %u not started: %d", t.kind, rc);
	}
}

void sa_report_up(struct ike_sa *sa, uint64_t old_spi)
{
	struct ike_ctx *ctx = sa->ctx;
	sa->reported_up = 1;
	sa->report_down = 1;
	sa->last_rx = ctx->now;
	sa->rekey_at = sa->prof.ike_rekey_s ? ctx->now + 1000ull * sa->prof.ike_rekey_s : 0;
	char id[300];
	ike_id_str(&sa->peer_id, id, sizeof(id));
	ike_log(ctx, 1, "IKE SA %016llx established with %s (profile %s)",
		(unsigned long long)sa_local_spi(sa), id, sa->prof.name);
	if (ctx->cfg.cb.ike_up)
		ctx->cfg.cb.ike_up(ctx->cfg.cb.user, sa_local_spi(sa), old_spi, &sa->peer_id,
				   sa->prof.user);
}

static int is_skf(const struct ike_chain *c)
{
	return c->n && c->p[c->n - 1].type == IKE_PT_SKF;
}

/* A response to our outstanding request. */
static int input_response(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *buf,
			  size_t len, const struct ike_chain *c)
{
	if (!sa->rq.kind || h->msgid != sa->rq.msgid)
		return -EALREADY;
	if (h->exch == IKE_SA_INIT)
		return sa->rq.kind == RQ_INIT ? init_response(sa, h, buf, len, c) : -EBADMSG;
	struct ike_chain in;
	uint8_t *pt;
	int rc = is_skf(c) ? frag_input(sa, h, buf, c, &in, &pt) : sa_unseal(sa, buf, c, &in, &pt);
	if (rc)
		return rc > 0 ? 0 : rc; /* > 0: a fragment, kept */
	sa->last_rx = sa->ctx->now;
	switch (sa->rq.kind) {
	case RQ_AUTH:
		rc = h->exch == IKE_AUTH ? auth_response(sa, &in) : -EBADMSG;
		break;
	case RQ_CHILD_REKEY:
	case RQ_IKE_REKEY:
		rc = h->exch == IKE_CREATE_CHILD_SA ? ccs_response(sa, &in) : -EBADMSG;
		break;
	default:
		rc = h->exch == IKE_INFORMATIONAL ? info_response(sa, &in) : -EBADMSG;
		break;
	}
	free(pt);
	return rc;
}

static int input_request(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *buf,
			 const struct ike_chain *c, const struct ike_dgram *d)
{
	if (sa->have_resp && h->msgid + 1 == sa->msgid_in) {
		/* retransmitted request; of a fragmented one only fragment 1, verified (RFC 7383 2.6.1) */
		if (!is_skf(c) || frag_first_valid(sa, buf, c))
			sa_send_raw(sa, sa->resp, sa->resp_len);
		return 0;
	}
	if (h->msgid != sa->msgid_in || h->exch == IKE_SA_INIT)
		return -EALREADY;
	struct ike_chain in;
	uint8_t *pt;
	int rc = is_skf(c) ? frag_input(sa, h, buf, c, &in, &pt) : sa_unseal(sa, buf, c, &in, &pt);
	if (rc)
		return rc > 0 ? 0 : rc;
	/* authenticated: follow the peer's address (NAT mapping, float to the NAT-T port) */
	memcpy(&sa->local, d->local,
	       d->local->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	memcpy(&sa->remote, d->remote,
	       d->remote->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	sa->natt = d->natt;
	sa->last_rx = sa->ctx->now;
	switch (h->exch) {
	case IKE_AUTH:
		rc = sa->state == ST_INIT_DONE ? auth_request(sa, h, &in) : -EBADMSG;
		break;
	case IKE_CREATE_CHILD_SA:
		rc = ccs_request(sa, h, &in);
		break;
	case IKE_INFORMATIONAL:
		rc = info_request(sa, h, &in);
		break;
	default:
		rc = -EBADMSG;
	}
	free(pt);
	return rc;
}

int ike_ctx_input(struct ike_ctx *ctx, const struct ike_dgram *d, uint64_t now_ms)
{
	struct ike_hdr h;
	struct ike_chain c;
	ctx->now = now_ms;
	int rc = ike_hdr_parse(d->data, d->len, &h);
	if (rc)
		return rc;
	if (ike_chain_parse(h.next, d->data + IKE_HDR_LEN, d->len - IKE_HDR_LEN, &c, NULL))
		return -EBADMSG;
	int resp = !!(h.flags & IKE_FLAG_R), from_i = !!(h.flags & IKE_FLAG_I);
	if (!resp && h.exch == IKE_SA_INIT) {
		if (!from_i || h.spi_r != 0 || h.msgid != 0)
			return -EBADMSG;
		rc = init_request(ctx, &h, d->data, d->len, &c, d);
	} else {
		struct ike_sa *sa = sa_find(ctx, from_i ? h.spi_r : h.spi_i);
		if (!sa)
			return -ENOENT;
		if (sa->initiator == from_i)
			return -EBADMSG; /* the peer claims our role */
		if (resp)
			rc = input_response(sa, &h, d->data, d->len, &c);
		else
			rc = input_request(sa, &h, d->data, &c, d);
		if (sa->state != ST_DEAD)
			sa_run_tasks(sa);
	}
	reap(ctx);
	return rc;
}

void ike_ctx_tick(struct ike_ctx *ctx, uint64_t now)
{
	ctx->now = now;
	for (struct ike_sa *sa = ctx->sas; sa; sa = sa->next) {
		if (sa->state == ST_DEAD)
			continue;
		if (sa->rq.kind && now >= sa->rq.next_tx) {
			if (sa->rq.tries >= ctx->cfg.retransmit_tries) {
				ike_log(ctx, 1, "IKE SA %016llx: no answer after %u retransmissions",
					(unsigned long long)sa_local_spi(sa), sa->rq.tries);
				sa_kill(sa, sa->state == ST_REKEYED ? IKE_DOWN_REKEYED : IKE_DOWN_TIMEOUT);
				continue;
			}
			sa->rq.tries++;
			sa->rq.timeout *= 2;
			sa->rq.next_tx = now + sa->rq.timeout;
			sa_send_raw(sa, sa->rq.pkt, sa->rq.len);
		}
		frag_expire(sa, now);
		if (sa->expire_at && now >= sa->expire_at) {
			sa_kill(sa, sa->state == ST_REKEYED ? IKE_DOWN_REKEYED : IKE_DOWN_TIMEOUT);
			continue;
		}
		if (sa->state != ST_ESTABLISHED)
			continue;
		if (sa->rekey_at && now >= sa->rekey_at) {
			sa->rekey_at = 0;
			sa_queue(sa, RQ_IKE_REKEY, 0);
		}
		for (struct ike_child *ch = sa->children; ch; ch = ch->next)
			if (ch->rekey_at && now >= ch->rekey_at && ch->state == CH_INSTALLED) {
				ch->rekey_at = 0;
				sa_queue(sa, RQ_CHILD_REKEY, ch->spi_in);
			}
		if (sa->prof.dpd_s && !sa->rq.kind && !sa->n_tasks &&
		    now >= sa->last_rx + 1000ull * sa->prof.dpd_s)
			sa_queue(sa, RQ_DPD, 0);
		sa_run_tasks(sa);
	}
	reap(ctx);
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return b && b < a ? b : a;
}

uint64_t ike_ctx_next_timer(const struct ike_ctx *ctx)
{
	uint64_t t = UINT64_MAX;
	for (const struct ike_sa *sa = ctx->sas; sa; sa = sa->next) {
		if (sa->state == ST_DEAD)
			continue;
		if (sa->rq.kind)
			t = min64(t, sa->rq.next_tx);
		t = min64(t, sa->expire_at);
		t = min64(t, frag_deadline(sa));
		if (sa->state != ST_ESTABLISHED)
			continue;
		t = min64(t, sa->rekey_at);
		for (const struct ike_child *ch = sa->children; ch; ch = ch->next)
			if (ch->state == CH_INSTALLED)
				t = min64(t, ch->rekey_at);
		if (sa->prof.dpd_s && !sa->rq.kind)
			t = min64(t, sa->last_rx + 1000ull * sa->prof.dpd_s);
	}
	return t;
}

int ike_initiate(struct ike_ctx *ctx, const struct ike_profile *p, const struct sockaddr *local,
		 const struct sockaddr *remote, uint64_t now_ms, uint64_t *spi)
{
	int need_psk = p->auth_local == IKE_AUTHN_PSK || p->auth_remote == IKE_AUTHN_PSK;
	const struct ike_creds *cr = p->creds ? p->creds : ctx->cfg.creds;
	if (p->n_ike == 0 || p->n_esp == 0 || (need_psk && p->psk_len == 0) || p->psk_len > IKE_MAX_PSK ||
	    p->auth_local > IKE_AUTHN_PUBKEY || p->auth_remote > IKE_AUTHN_PUBKEY ||
	    (p->auth_local == IKE_AUTHN_PUBKEY && (!cr || !cr->key)) ||
	    (p->auth_remote == IKE_AUTHN_PUBKEY && !cr))
		return -EINVAL;
	if (local->sa_family != remote->sa_family ||
	    (local->sa_family != AF_INET && local->sa_family != AF_INET6))
		return -EAFNOSUPPORT;
	ctx->now = now_ms;
	struct ike_sa *sa = sa_new(ctx, 1);
	if (!sa)
		return -ENOMEM;
	sa->prof = *p;
	sa->has_prof = 1;
	sa_hold_creds(sa);
	sa->report_down = 1;
	size_t al = local->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	memcpy(&sa->local, local, al);
	memcpy(&sa->remote, remote, al);
	sa->spi_i = new_ike_spi(ctx);
	sa->alg.dh = p->ike[0].dh;
	int rc = init_start(sa);
	if (rc) {
		sa->report_down = 0;
		sa_kill(sa, IKE_DOWN_NEGOTIATION);
		reap(ctx);
		return rc;
	}
	if (spi)
		*spi = sa->spi_i;
	return 0;
}

static struct ike_sa *find_child_sa(struct ike_ctx *ctx, uint32_t spi_in)
{
	for (struct ike_sa *sa = ctx->sas; sa; sa = sa->next)
		if (sa->state != ST_DEAD && child_find_in(sa, spi_in))
			return sa;
	return NULL;
}

static int verb(struct ike_ctx *ctx, struct ike_sa *sa, uint8_t kind, uint32_t spi, uint64_t now)
{
	if (!sa)
		return -ENOENT;
	if (sa->state != ST_ESTABLISHED)
		return -EBUSY;
	ctx->now = now;
	sa_queue(sa, kind, spi);
	sa_run_tasks(sa);
	reap(ctx);
	return 0;
}

int ike_sa_rekey_child(struct ike_ctx *ctx, uint32_t spi_in, uint64_t now_ms)
{
	return verb(ctx, find_child_sa(ctx, spi_in), RQ_CHILD_REKEY, spi_in, now_ms);
}

int ike_sa_rekey_ike(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms)
{
	return verb(ctx, sa_find(ctx, spi), RQ_IKE_REKEY, 0, now_ms);
}

int ike_sa_delete_child(struct ike_ctx *ctx, uint32_t spi_in, uint64_t now_ms)
{
	return verb(ctx, find_child_sa(ctx, spi_in), RQ_DELETE_CHILD, spi_in, now_ms);
}

int ike_sa_delete(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms)
{
	return verb(ctx, sa_find(ctx, spi), RQ_DELETE_IKE, 0, now_ms);
}

int ike_sa_dpd(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms)
{
	return verb(ctx, sa_find(ctx, spi), RQ_DPD, 0, now_ms);
}

int ike_sa_established(const struct ike_ctx *ctx, uint64_t spi)
{
	for (const struct ike_sa *sa = ctx->sas; sa; sa = sa->next)
		if (sa->state != ST_DEAD && sa_local_spi(sa) == spi)
			return sa->state == ST_ESTABLISHED;
	return -ENOENT;
}

void sa_done(struct ike_sa *sa)
{
	req_done(sa);
}
