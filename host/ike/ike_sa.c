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
	if (ike_random(ctx->cookie_secret, sizeof(ctx->cookie_secret)) ||
	    ike_htab_init(&ctx->by_spi) || ike_htab_init(&ctx->by_spi_i) ||
	    ike_htab_init(&ctx->children) || ike_htab_init(&ctx->profs)) {
		ike_htab_free(&ctx->by_spi);
		ike_htab_free(&ctx->by_spi_i);
		ike_htab_free(&ctx->children);
		ike_htab_free(&ctx->profs);
		free(ctx);
		return -EIO;
	}
	ike_creds_ref(ctx->cfg.creds);
	*out = ctx;
	return 0;
}

static void sa_free(struct ike_sa *sa)
{
	struct ike_ctx *ctx = sa->ctx;
	*sa->pprev = sa->next;
	if (sa->next)
		sa->next->pprev = sa->pprev;
	ike_htab_del(&ctx->by_spi, &sa->h_spi);
	ike_htab_del(&ctx->by_spi_i, &sa->h_init);
	ike_child_free_all(sa, 0, IKE_DOWN_SHUTDOWN);
	ike_sa_req_clear(sa);
	ike_dh_free(sa->dh);
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->resp);
	ike_frag_reset(&sa->fr_req);
	ike_frag_reset(&sa->fr_rsp);
	ike_prof_put(ctx, sa->prof);
	ike_timer_forget(sa);
	ike_wipe(sa, sizeof(*sa)); /* keys, nonces */
	free(sa);
}

void ike_ctx_destroy(struct ike_ctx *ctx)
{
	if (!ctx)
		return;
	while (ctx->sas)
		sa_free(ctx->sas);
	ike_timer_free(ctx);
	ike_htab_free(&ctx->by_spi);
	ike_htab_free(&ctx->by_spi_i);
	ike_htab_free(&ctx->children);
	ike_htab_free(&ctx->profs);
	ike_creds_unref(ctx->cfg.creds);
	ike_wipe(ctx, sizeof(*ctx));
	free(ctx);
}

unsigned ike_ctx_sa_count(const struct ike_ctx *ctx)
{
	return ctx->n_sas;
}

struct ike_sa *ike_sa_new(struct ike_ctx *ctx, uint8_t initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	if (!sa)
		return NULL;
	sa->ctx = ctx;
	sa->initiator = initiator;
	sa->last_rx = ctx->now;
	sa->prof = &ike_no_profile;
	sa->next = ctx->sas;
	if (sa->next)
		sa->next->pprev = &sa->next;
	sa->pprev = &ctx->sas;
	ctx->sas = sa;
	ctx->n_sas++;
	ike_sa_touch(sa);
	return sa;
}

void ike_sa_index(struct ike_sa *sa)
{
	struct ike_ctx *ctx = sa->ctx;
	ike_htab_del(&ctx->by_spi, &sa->h_spi);
	ike_htab_add(&ctx->by_spi, &sa->h_spi, ike_sa_local_spi(sa));
}

int ike_sa_set_profile(struct ike_sa *sa, const struct ike_profile *p)
{
	const struct ike_profile *np = ike_prof_get(sa->ctx, p);
	if (!np)
		return -ENOMEM;
	ike_prof_put(sa->ctx, sa->prof);
	sa->prof = np;
	sa->puser = p->user;
	sa->has_prof = 1;
	return 0;
}

uint64_t ike_sa_local_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

/* The live SA whose local SPI is spi, as is: for questions that change nothing. */
static struct ike_sa *sa_lookup(const struct ike_ctx *ctx, uint64_t spi)
{
	if (!spi)
		return NULL;
	for (struct ike_hnode *e = ike_htab_first(&ctx->by_spi, spi); e; e = ike_htab_next(e)) {
		struct ike_sa *sa = IKE_CONTAINER(e, struct ike_sa, h_spi);
		if (sa->state != ST_DEAD && ike_sa_local_spi(sa) == spi)
			return sa;
	}
	return NULL;
}

/* The same for a caller that acts on the SA: touched, since it may move its deadlines. */
struct ike_sa *ike_sa_find(struct ike_ctx *ctx, uint64_t spi)
{
	struct ike_sa *sa = sa_lookup(ctx, spi);

	if (sa)
		ike_sa_touch(sa);
	return sa;
}

static int same_addr(const union ike_addr *a, const struct sockaddr *b)
{
	size_t l = b->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	return a->sa.sa_family == b->sa_family && memcmp(a, b, l) == 0;
}

struct ike_sa *ike_sa_find_init(struct ike_ctx *ctx, uint64_t spi_i, const struct sockaddr *remote)
{
	for (struct ike_hnode *e = ike_htab_first(&ctx->by_spi_i, spi_i); e; e = ike_htab_next(e)) {
		struct ike_sa *sa = IKE_CONTAINER(e, struct ike_sa, h_init);
		if (sa->state != ST_DEAD && sa->spi_i == spi_i && same_addr(&sa->remote, remote)) {
			ike_sa_touch(sa);
			return sa;
		}
	}
	return NULL;
}

struct ike_sa *ike_child_lookup(struct ike_ctx *ctx, uint32_t spi_in, struct ike_child **out)
{
	for (struct ike_hnode *e = ike_htab_first(&ctx->children, spi_in); e; e = ike_htab_next(e)) {
		struct ike_child *ch = IKE_CONTAINER(e, struct ike_child, h);
		if (ch->spi_in == spi_in && ch->sa->state != ST_DEAD) {
			if (out)
				*out = ch;
			return ch->sa;
		}
	}
	return NULL;
}

uint64_t ike_new_ike_spi(struct ike_ctx *ctx)
{
	uint64_t spi = 0;
	while (!spi || sa_lookup(ctx, spi))
		if (ike_random(&spi, sizeof(spi)))
			return 0;
	return spi;
}

uint32_t ike_new_esp_spi(struct ike_ctx *ctx)
{
	for (;;) {
		uint32_t spi;
		if (ike_random(&spi, sizeof(spi)))
			return 0;
		if (spi >= 256 && !ike_htab_first(&ctx->children, spi))
			return spi;
	}
}

void ike_sa_mark_dead(struct ike_sa *sa)
{
	if (sa->state == ST_DEAD)
		return;
	sa->state = ST_DEAD;
	ike_sa_touch(sa);
	sa->dead_next = sa->ctx->dead;
	sa->ctx->dead = sa;
	sa->ctx->n_sas--;
}

void ike_sa_auth_fail(struct ike_sa *sa, int why)
{
	if (sa->has_prof && !sa->reported_up && !sa->authf)
		sa->authf = (uint8_t)why;
}

/* Mark dead and report; freed by reap() at the end of the API call. */
void ike_sa_kill(struct ike_sa *sa, enum ike_down_reason why)
{
	struct ike_ctx *ctx = sa->ctx;
	if (sa->state == ST_DEAD)
		return;
	if (sa->state == ST_INIT_DONE && ctx->half_open)
		ctx->half_open--;
	ike_child_free_all(sa, 1, why);
	if (sa->has_vip && ctx->cfg.cb.vip_release)
		ctx->cfg.cb.vip_release(ctx->cfg.cb.user, sa->puser, &sa->vip);
	sa->has_vip = 0;
	ike_log(ctx, 1, "IKE SA %016llx down (reason %d)", (unsigned long long)ike_sa_local_spi(sa), why);
	ike_sa_mark_dead(sa);
	if (sa->authf && !sa->reported_up && ctx->cfg.cb.auth_failed)
		ctx->cfg.cb.auth_failed(ctx->cfg.cb.user, sa->puser, &sa->peer_id, sa->authf);
	if (sa->report_down && ctx->cfg.cb.ike_down)
		ctx->cfg.cb.ike_down(ctx->cfg.cb.user, ike_sa_local_spi(sa), why);
}

/* The end of every API call: the touched SAs' deadlines re-filed, the dead freed. */
void ike_ctx_end(struct ike_ctx *ctx)
{
	ike_timer_sync(ctx);
	while (ctx->dead) {
		struct ike_sa *sa = ctx->dead;
		ctx->dead = sa->dead_next;
		sa_free(sa);
	}
}

void ike_sa_setup_done(struct ike_sa *sa)
{
	free(sa->init_req);
	free(sa->init_resp);
	sa->init_req = sa->init_resp = NULL;
	sa->init_req_len = sa->init_resp_len = 0;
	ike_dh_free(sa->dh);
	sa->dh = NULL;
}

struct ike_creds *ike_sa_creds(const struct ike_sa *sa)
{
	return sa->prof->creds ? sa->prof->creds : sa->ctx->cfg.creds;
}

/* pkt may hold several messages back to back (the fragments of one): one datagram each. */
void ike_sa_send_raw(struct ike_sa *sa, const uint8_t *pkt, size_t len)
{
	ike_sa_touch(sa);
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

void ike_sa_float(struct ike_sa *sa)
{
	struct ike_ctx *ctx = sa->ctx;
	if (sa->natt || !(sa->nat_local || sa->nat_remote || ctx->cfg.always_float))
		return;
	ike_sockaddr_set_port(&sa->local, ctx->cfg.natt_port);
	ike_sockaddr_set_port(&sa->remote, sa->prof->remote_natt_port ? sa->prof->remote_natt_port : 4500);
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
int ike_sa_seal(struct ike_sa *sa, uint8_t exch, int response, uint32_t msgid, const struct ike_wr *inner,
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

void ike_sa_req_clear(struct ike_sa *sa)
{
	ike_sa_touch(sa);
	free(sa->rq.pkt);
	ike_dh_free(sa->rq.dh);
	ike_wipe(&sa->rq, sizeof(sa->rq));
}

static void req_done(struct ike_sa *sa)
{
	ike_sa_req_clear(sa);
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
	ike_sa_touch(sa);
	ike_sa_send_raw(sa, pkt, len);
}

int ike_sa_request(struct ike_sa *sa, uint8_t exch, const struct ike_wr *inner, uint8_t kind)
{
	uint8_t *pkt;
	size_t n;
	int rc = ike_sa_seal_out(sa, exch, 0, sa->msgid_out, inner, &pkt, &n);
	if (rc)
		return rc;
	request_raw(sa, pkt, n, kind);
	return 0;
}

/* IKE_SA_INIT requests are plain; the SA keeps one copy for AUTH, one for retransmission. */
int ike_sa_request_plain(struct ike_sa *sa, const uint8_t *pkt, size_t len)
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
	ike_sa_send_raw(sa, pkt, len);
}

int ike_sa_respond(struct ike_sa *sa, uint8_t exch, uint32_t msgid, const struct ike_wr *inner)
{
	uint8_t *pkt;
	size_t n;
	int rc = ike_sa_seal_out(sa, exch, 1, msgid, inner, &pkt, &n);
	if (rc)
		return rc;
	cache_response(sa, pkt, n, msgid);
	return 0;
}

int ike_sa_respond_plain(struct ike_sa *sa, const uint8_t *pkt, size_t len)
{
	uint8_t *p = malloc(len);
	if (!p)
		return -ENOMEM;
	memcpy(p, pkt, len);
	cache_response(sa, p, len, 0);
	return 0;
}

void ike_sa_queue(struct ike_sa *sa, uint8_t kind, uint32_t spi)
{
	for (unsigned i = 0; i < sa->n_tasks; i++)
		if (sa->tasks[i].kind == kind && sa->tasks[i].spi == spi)
			return;
	if (sa->n_tasks == MAX_TASKS) {
		ike_log(sa->ctx, 1, "task queue full, dropping task %u", kind);
		return;
	}
	sa->tasks[sa->n_tasks++] = (struct ike_task){ kind, spi };
	ike_sa_touch(sa);
}

void ike_sa_run_tasks(struct ike_sa *sa)
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
		case RQ_CHILD_REKEY: rc = ike_child_rekey_start(sa, t.spi); break;
		case RQ_IKE_REKEY: rc = ike_rekey_start(sa); break;
		default: rc = ike_info_start(sa, t.kind, t.spi); break;
		}
		if (rc)
			ike_log(sa->ctx, 2, "task %u not started: %d", t.kind, rc);
	}
}

void ike_sa_report_up(struct ike_sa *sa, uint64_t old_spi)
{
	struct ike_ctx *ctx = sa->ctx;
	ike_sa_touch(sa);
	sa->reported_up = 1;
	sa->report_down = 1;
	sa->last_rx = ctx->now;
	sa->rekey_at = sa->prof->ike_rekey_s ? ctx->now + 1000ull * sa->prof->ike_rekey_s : 0;
	char id[300];
	ike_id_str(&sa->peer_id, id, sizeof(id));
	ike_log(ctx, 1, "IKE SA %016llx established with %s (profile %s)",
		(unsigned long long)ike_sa_local_spi(sa), id, sa->prof->name);
	if (ctx->cfg.cb.ike_up)
		ctx->cfg.cb.ike_up(ctx->cfg.cb.user, ike_sa_local_spi(sa), old_spi, &sa->peer_id,
				   sa->puser);
}

static int is_skf(const struct ike_chain *c)
{
	return c->n && c->p[c->n - 1].type == IKE_PT_SKF;
}

/* An authenticated message of the peer came from d (RFC 7296 2.23): the most recent such source
 * is where the peer is; an established SA reports a move (a NAT mapping changed). */
static void follow_peer(struct ike_sa *sa, const struct ike_dgram *d)
{
	struct ike_ctx *ctx = sa->ctx;
	int moved = !same_addr(&sa->remote, d->remote);
	memset(&sa->local, 0, sizeof(sa->local));
	memset(&sa->remote, 0, sizeof(sa->remote));
	memcpy(&sa->local, d->local,
	       d->local->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	memcpy(&sa->remote, d->remote,
	       d->remote->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	sa->natt = d->natt;
	if (!moved || !sa->reported_up || sa->state == ST_DEAD)
		return;
	ike_log(ctx, 1, "IKE SA %016llx: the peer moved (port %u)", (unsigned long long)ike_sa_local_spi(sa),
		ike_sockaddr_port(&sa->remote));
	if (ctx->cfg.cb.peer_moved)
		ctx->cfg.cb.peer_moved(ctx->cfg.cb.user, ike_sa_local_spi(sa), &sa->remote.sa);
}

/* A response to our outstanding request. */
static int input_response(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *buf,
			  size_t len, const struct ike_chain *c, const struct ike_dgram *d)
{
	if (!sa->rq.kind || h->msgid != sa->rq.msgid)
		return -EALREADY;
	if (h->exch == IKE_SA_INIT)
		return sa->rq.kind == RQ_INIT ? ike_init_response(sa, h, buf, len, c) : -EBADMSG;
	struct ike_chain in;
	uint8_t *pt;
	int rc = is_skf(c) ? ike_frag_input(sa, h, buf, c, &in, &pt) : sa_unseal(sa, buf, c, &in, &pt);
	if (rc)
		return rc > 0 ? 0 : rc; /* > 0: a fragment, kept */
	sa->last_rx = sa->ctx->now;
	/* a host not behind a NAT follows the peer (2.23); requests always do (below) */
	if (!sa->nat_local && !sa->ctx->cfg.fake_nat)
		follow_peer(sa, d);
	switch (sa->rq.kind) {
	case RQ_AUTH:
		rc = h->exch == IKE_AUTH ? ike_auth_response(sa, &in) : -EBADMSG;
		break;
	case RQ_CHILD_REKEY:
	case RQ_IKE_REKEY:
		rc = h->exch == IKE_CREATE_CHILD_SA ? ike_ccs_response(sa, &in) : -EBADMSG;
		break;
	default:
		rc = h->exch == IKE_INFORMATIONAL ? ike_info_response(sa, &in) : -EBADMSG;
		break;
	}
	free(pt);
	return rc;
}

static int input_request(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *buf,
			 const struct ike_chain *c, const struct ike_dgram *d)
{
	if (sa->have_resp && h->msgid + 1 == sa->msgid_in) {
		/* retransmitted request; of a fragmented one only fragment 1, verified (RFC 7383 2.6.1);
		 * from a new address only once its integrity is checked, then answered there */
		int moved = !same_addr(&sa->remote, d->remote) || !same_addr(&sa->local, d->local);
		if (is_skf(c)) {
			if (!ike_frag_first_valid(sa, buf, c))
				return 0;
		} else if (moved) {
			struct ike_chain in;
			uint8_t *pt;
			if (sa_unseal(sa, buf, c, &in, &pt))
				return -EBADMSG;
			free(pt);
		}
		if (moved)
			follow_peer(sa, d);
		ike_sa_send_raw(sa, sa->resp, sa->resp_len);
		return 0;
	}
	if (h->msgid != sa->msgid_in || h->exch == IKE_SA_INIT)
		return -EALREADY;
	struct ike_chain in;
	uint8_t *pt;
	int rc = is_skf(c) ? ike_frag_input(sa, h, buf, c, &in, &pt) : sa_unseal(sa, buf, c, &in, &pt);
	if (rc)
		return rc > 0 ? 0 : rc;
	/* authenticated: follow the peer's address (NAT mapping, float to the NAT-T port) */
	follow_peer(sa, d);
	sa->last_rx = sa->ctx->now;
	switch (h->exch) {
	case IKE_AUTH:
		rc = sa->state == ST_INIT_DONE ? ike_auth_request(sa, h, &in) : -EBADMSG;
		break;
	case IKE_CREATE_CHILD_SA:
		rc = ike_ccs_request(sa, h, &in);
		break;
	case IKE_INFORMATIONAL:
		rc = ike_info_request(sa, h, &in);
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
		rc = ike_init_request(ctx, &h, d->data, d->len, &c, d);
	} else {
		struct ike_sa *sa = ike_sa_find(ctx, from_i ? h.spi_r : h.spi_i);
		if (!sa)
			return -ENOENT;
		if (sa->initiator == from_i)
			return -EBADMSG; /* the peer claims our role */
		if (resp)
			rc = input_response(sa, &h, d->data, d->len, &c, d);
		else
			rc = input_request(sa, &h, d->data, &c, d);
		if (sa->state != ST_DEAD)
			ike_sa_run_tasks(sa);
	}
	ike_ctx_end(ctx);
	return rc;
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
	struct ike_sa *sa = ike_sa_new(ctx, 1);
	if (!sa)
		return -ENOMEM;
	struct ike_profile *cp = malloc(sizeof(*cp));
	int rc = cp ? 0 : -ENOMEM;
	if (cp) {
		*cp = *p;
		ike_prof_usable(ctx, cp, 1); /* a certificate's subject as our ID; else checked later */
		rc = ike_sa_set_profile(sa, cp);
		ike_wipe(cp, sizeof(*cp));
		free(cp);
	}
	if (rc) {
		ike_sa_mark_dead(sa);
		ike_ctx_end(ctx);
		return rc;
	}
	sa->report_down = 1;
	size_t al = local->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	memcpy(&sa->local, local, al);
	memcpy(&sa->remote, remote, al);
	sa->spi_i = ike_new_ike_spi(ctx);
	ike_sa_index(sa);
	sa->alg.dh = p->ike[0].dh;
	rc = ike_init_start(sa);
	if (rc) {
		sa->report_down = 0;
		ike_sa_kill(sa, IKE_DOWN_NEGOTIATION);
		ike_ctx_end(ctx);
		return rc;
	}
	if (spi)
		*spi = sa->spi_i;
	return 0;
}

static struct ike_sa *find_child_sa(struct ike_ctx *ctx, uint32_t spi_in)
{
	return ike_child_lookup(ctx, spi_in, NULL);
}

static int verb(struct ike_ctx *ctx, struct ike_sa *sa, uint8_t kind, uint32_t spi, uint64_t now)
{
	if (!sa)
		return -ENOENT;
	if (sa->state != ST_ESTABLISHED)
		return -EBUSY;
	ctx->now = now;
	ike_sa_queue(sa, kind, spi);
	ike_sa_run_tasks(sa);
	ike_ctx_end(ctx);
	return 0;
}

int ike_sa_rekey_child(struct ike_ctx *ctx, uint32_t spi_in, uint64_t now_ms)
{
	return verb(ctx, find_child_sa(ctx, spi_in), RQ_CHILD_REKEY, spi_in, now_ms);
}

int ike_sa_rekey_ike(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms)
{
	return verb(ctx, ike_sa_find(ctx, spi), RQ_IKE_REKEY, 0, now_ms);
}

int ike_sa_delete_child(struct ike_ctx *ctx, uint32_t spi_in, uint64_t now_ms)
{
	return verb(ctx, find_child_sa(ctx, spi_in), RQ_DELETE_CHILD, spi_in, now_ms);
}

int ike_sa_delete(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms)
{
	return verb(ctx, ike_sa_find(ctx, spi), RQ_DELETE_IKE, 0, now_ms);
}

int ike_sa_dpd(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms)
{
	return verb(ctx, ike_sa_find(ctx, spi), RQ_DPD, 0, now_ms);
}

int ike_sa_established(const struct ike_ctx *ctx, uint64_t spi)
{
	const struct ike_sa *sa = sa_lookup(ctx, spi);
	return sa ? sa->state == ST_ESTABLISHED : -ENOENT;
}

int ike_sa_drop(struct ike_ctx *ctx, uint64_t spi)
{
	struct ike_sa *sa = ike_sa_find(ctx, spi);
	if (!sa)
		return -ENOENT;
	ike_sa_req_clear(sa); /* nothing more goes out */
	sa->n_tasks = 0;
	ike_sa_kill(sa, IKE_DOWN_TIMEOUT);
	ike_ctx_end(ctx);
	return 0;
}

void ike_sa_done(struct ike_sa *sa)
{
	req_done(sa);
}
