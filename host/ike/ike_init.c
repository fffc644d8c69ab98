// SPDX-License-Identifier: Apache-2.0
/* IKE_SA_INIT (RFC 7296 1.2, 2.6 COOKIE, 1.3 INVALID_KE_PAYLOAD, 2.23 NAT detection), both roles. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_int.h"

void ike_build_ike_props(const struct ike_ike_prop *p, unsigned n, const uint8_t *spi, uint8_t spi_size,
		     struct ike_proposal *out)
{
	for (unsigned i = 0; i < n; i++) {
		struct ike_proposal *o = &out[i];
		memset(o, 0, sizeof(*o));
		o->num = (uint8_t)(i + 1);
		o->proto = IKE_PROTO_IKE;
		o->spi_size = spi_size;
		if (spi_size)
			memcpy(o->spi, spi, spi_size);
		o->xf[0] = (struct ike_xform){ IKE_XF_ENCR, p[i].encr, p[i].key_bits };
		o->xf[1] = (struct ike_xform){ IKE_XF_PRF, p[i].prf, 0 };
		o->xf[2] = (struct ike_xform){ IKE_XF_DH, p[i].dh, 0 };
		o->n_xf = 3;
	}
}

static int has_xf(const struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t bits)
{
	for (unsigned i = 0; i < p->n_xf; i++)
		if (p->xf[i].type == type && p->xf[i].id == id && p->xf[i].key_bits == bits)
			return 1;
	return 0;
}

/* Our preference order wins; an AEAD proposal must not carry a real INTEG transform. */
int ike_select_ike(const struct ike_ike_prop *ours, unsigned n, const struct ike_sa_pl *sa,
	       struct ike_ike_prop *chosen, uint8_t *num, uint8_t *spi, uint8_t *spi_size)
{
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = 0; j < sa->n; j++) {
			const struct ike_proposal *p = &sa->prop[j];
			if (p->proto != IKE_PROTO_IKE || (p->spi_size != 0 && p->spi_size != 8))
				continue;
			if (!has_xf(p, IKE_XF_ENCR, ours[i].encr, ours[i].key_bits) ||
			    !has_xf(p, IKE_XF_PRF, ours[i].prf, 0) || !has_xf(p, IKE_XF_DH, ours[i].dh, 0))
				continue;
			int integ = 0;
			for (unsigned k = 0; k < p->n_xf; k++)
				integ |= p->xf[k].type == IKE_XF_INTEG && p->xf[k].id != 0;
			if (integ)
				continue;
			*chosen = ours[i];
			*num = p->num;
			*spi_size = p->spi_size;
			memcpy(spi, p->spi, p->spi_size);
			return 0;
		}
	}
	return -ENOENT;
}

static void natd_notifies(struct ike_ctx *ctx, struct ike_wr *w, uint64_t spi_i, uint64_t spi_r,
			  const union ike_addr *local, const union ike_addr *remote)
{
	uint8_t src[20], dst[20];
	ike_natd_hash(spi_i, spi_r, (const struct sockaddr *)local, src);
	ike_natd_hash(spi_i, spi_r, (const struct sockaddr *)remote, dst);
	if (ctx->cfg.fake_nat)
		src[0] ^= 0xff; /* tests: claim a NAT in front of us */
	ike_wr_notify(w, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, src, 20);
	ike_wr_notify(w, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, dst, 20);
}

/* NAT-D check on a received message (hashes made with the SPIs of its header). */
static void natd_check(struct ike_sa *sa, const struct ike_chain *c, uint64_t spi_i, uint64_t spi_r)
{
	uint8_t h_remote[20], h_local[20];
	int have_src = 0, src_ok = 0, have_dst = 0, dst_ok = 0;
	ike_natd_hash(spi_i, spi_r, (const struct sockaddr *)&sa->remote, h_remote);
	ike_natd_hash(spi_i, spi_r, (const struct sockaddr *)&sa->local, h_local);
	for (unsigned i = 0; i < c->n; i++) {
		struct ike_notify_pl n;
		if (c->p[i].type != IKE_PT_NOTIFY || ike_notify_parse(c->p[i].body, c->p[i].len, &n))
			continue;
		if (n.type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			have_src = 1;
			src_ok |= n.len == 20 && CRYPTO_memcmp(n.data, h_remote, 20) == 0;
		} else if (n.type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			have_dst = 1;
			dst_ok |= n.len == 20 && CRYPTO_memcmp(n.data, h_local, 20) == 0;
		}
	}
	sa->nat_remote = have_src && !src_ok;
	sa->nat_local = (have_dst && !dst_ok) || sa->ctx->cfg.fake_nat;
	if (sa->nat_local || sa->nat_remote)
		ike_log(sa->ctx, 2, "NAT detected:%s%s", sa->nat_local ? " local" : "",
			sa->nat_remote ? " remote" : "");
}

/* Extensions we announce in IKE_SA_INIT: fragmentation (RFC 7383), RFC 7427 hashes. */
static void ext_notifies(struct ike_ctx *ctx, struct ike_wr *w)
{
	uint8_t h[2 * sizeof(ike_pki_hashes) / sizeof(ike_pki_hashes[0])];
	for (size_t i = 0; i < sizeof(ike_pki_hashes) / sizeof(ike_pki_hashes[0]); i++)
		ike_put16(h + 2 * i, ike_pki_hashes[i]);
	if (!ctx->cfg.frag_off)
		ike_wr_notify(w, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	ike_wr_notify(w, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, h, sizeof(h));
}

/* What the peer announced in its IKE_SA_INIT message. */
static void ext_check(struct ike_sa *sa, const struct ike_chain *c)
{
	struct ike_notify_pl n;
	sa->frag_ok = !sa->ctx->cfg.frag_off && ike_chain_notify(c, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL);
	sa->peer_hashes = 0;
	if (ike_chain_notify(c, IKE_N_SIGNATURE_HASH_ALGORITHMS, &n))
		sa->peer_hashes = ike_pki_hash_mask(n.data, n.len);
	sa->peer_certreq = ike_chain_find(c, IKE_PT_CERTREQ) != NULL;
}

/* Initiator: (re)send IKE_SA_INIT; msgid 0, the same SPI and nonce on retries. */
int ike_init_start(struct ike_sa *sa)
{
	uint8_t pkt[2048], pub[128];
	struct ike_proposal props[IKE_MAX_PROPS];
	if (!sa->nilen) {
		sa->nilen = 32;
		if (ike_random(sa->ni, sa->nilen))
			return -EIO;
	}
	if (!sa->dh || ike_dh_group(sa->dh) != sa->alg.dh) {
		ike_dh_free(sa->dh);
		sa->dh = NULL;
		int rc = ike_dh_create(sa->alg.dh, &sa->dh);
		if (rc)
			return rc;
	}
	int pl = ike_dh_pub(sa->dh, pub, sizeof(pub));
	if (pl < 0)
		return pl;
	struct ike_wr w;
	struct ike_hdr h = { .spi_i = sa->spi_i, .exch = IKE_SA_INIT, .flags = IKE_FLAG_I };
	ike_wr_init(&w, pkt, sizeof(pkt));
	ike_wr_hdr(&w, &h);
	if (sa->cookie_len)
		ike_wr_notify(&w, 0, NULL, 0, IKE_N_COOKIE, sa->cookie, sa->cookie_len);
	unsigned n = sa->prof->n_ike > IKE_MAX_PROPS ? IKE_MAX_PROPS : sa->prof->n_ike;
	ike_build_ike_props(sa->prof->ike, n, NULL, 0, props);
	ike_wr_sa(&w, props, n);
	ike_wr_ke(&w, sa->alg.dh, pub, (size_t)pl);
	ike_wr_nonce(&w, sa->ni, sa->nilen);
	natd_notifies(sa->ctx, &w, sa->spi_i, 0, &sa->local, &sa->remote);
	ext_notifies(sa->ctx, &w);
	ike_wr_finish(&w);
	if (w.err)
		return w.err;
	sa->state = ST_INIT_SENT;
	ike_sa_touch(sa);
	return ike_sa_request_plain(sa, pkt, w.len);
}

static void send_plain_notify(struct ike_ctx *ctx, const struct ike_hdr *rq, const struct ike_dgram *d,
			      uint16_t type, const uint8_t *data, size_t len)
{
	uint8_t pkt[256];
	struct ike_wr w;
	struct ike_hdr h = { .spi_i = rq->spi_i, .exch = IKE_SA_INIT, .flags = IKE_FLAG_R };
	ike_wr_init(&w, pkt, sizeof(pkt));
	ike_wr_hdr(&w, &h);
	ike_wr_notify(&w, 0, NULL, 0, type, data, len);
	ike_wr_finish(&w);
	if (w.err)
		return;
	struct ike_dgram o = { .local = d->local, .remote = d->remote, .data = pkt, .len = w.len, .natt = d->natt };
	ctx->cfg.cb.send(ctx->cfg.cb.user, &o);
}

/* COOKIE (2.6): version 0 | SHA-256(Ni | IPi | SPIi | secret) */
static void make_cookie(struct ike_ctx *ctx, const uint8_t *ni, size_t nilen,
			const struct sockaddr *remote, uint64_t spi_i, uint8_t out[34])
{
	uint8_t spi[8];
	ike_put64(spi, spi_i);
	struct ike_iov v[4] = { { ni, nilen }, { NULL, 0 }, { spi, 8 }, { ctx->cookie_secret, 32 } };
	if (remote->sa_family == AF_INET6)
		v[1] = (struct ike_iov){ (const uint8_t *)&((const struct sockaddr_in6 *)remote)->sin6_addr, 16 };
	else
		v[1] = (struct ike_iov){ (const uint8_t *)&((const struct sockaddr_in *)remote)->sin_addr, 4 };
	out[0] = out[1] = 0;
	ike_sha256(v, 4, out + 2);
}

static void copy_addr(union ike_addr *dst, const struct sockaddr *src)
{
	memset(dst, 0, sizeof(*dst));
	memcpy(dst, src, src->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
}

/* Shared secret and the seven keys from the nonces and SPIs now known. */
static int derive(struct ike_sa *sa, const struct ike_ke_pl *ke)
{
	uint8_t gir[128], seed[IKE_PRF_MAX];
	int gl = ike_dh_shared(sa->dh, ke->data, ke->len, gir, sizeof(gir));
	if (gl < 0)
		return gl;
	int rc = ike_skeyseed(sa->alg.prf, sa->ni, sa->nilen, sa->nr, sa->nrlen, gir, (size_t)gl, seed);
	if (rc == 0)
		rc = ike_derive_keys(sa->alg.prf, seed, sa->ni, sa->nilen, sa->nr, sa->nrlen, sa->spi_i,
				     sa->spi_r, sa->alg.key_bits / 8 + IKE_GCM_SALT, &sa->k);
	ike_wipe(gir, sizeof(gir));
	ike_wipe(seed, sizeof(seed));
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	sa->keys_ok = rc == 0;
	return rc;
}

struct init_pls {
	struct ike_sa_pl sa;
	struct ike_ke_pl ke;
	const struct ike_pl *nonce;
};

static int parse_init(const struct ike_chain *c, struct init_pls *p)
{
	const struct ike_pl *s = ike_chain_find(c, IKE_PT_SA), *k = ike_chain_find(c, IKE_PT_KE);
	p->nonce = ike_chain_find(c, IKE_PT_NONCE);
	if (!s || !k || !p->nonce || ike_sa_parse(s->body, s->len, &p->sa) ||
	    ike_ke_parse(k->body, k->len, &p->ke) || ike_nonce_check(p->nonce->len))
		return -EBADMSG;
	return 0;
}

int ike_init_request(struct ike_ctx *ctx, const struct ike_hdr *h, const uint8_t *buf, size_t len,
		 const struct ike_chain *c, const struct ike_dgram *d)
{
	/* a retransmission of a request we answered: same answer */
	struct ike_sa *o = ike_sa_find_init(ctx, h->spi_i, d->remote);
	if (o) {
		if (o->state == ST_INIT_DONE && o->have_resp)
			ike_sa_send_raw(o, o->resp, o->resp_len);
		return 0;
	}
	struct init_pls p;
	if (parse_init(c, &p))
		return -EBADMSG;
	if (ctx->cfg.cookie_threshold && ctx->half_open >= ctx->cfg.cookie_threshold) {
		uint8_t want[34];
		struct ike_notify_pl n;
		make_cookie(ctx, p.nonce->body, p.nonce->len, d->remote, h->spi_i, want);
		if (!ike_chain_notify(c, IKE_N_COOKIE, &n) || n.len != sizeof(want) ||
		    CRYPTO_memcmp(n.data, want, sizeof(want))) {
			send_plain_notify(ctx, h, d, IKE_N_COOKIE, want, sizeof(want));
			return 0;
		}
	}
	struct ike_ike_prop alg;
	uint8_t num, spi[8], spi_size;
	if (ike_select_ike(ctx->cfg.ike, ctx->cfg.n_ike, &p.sa, &alg, &num, spi, &spi_size)) {
		send_plain_notify(ctx, h, d, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return 0;
	}
	if (p.ke.group != alg.dh) {
		uint8_t g[2];
		ike_put16(g, alg.dh);
		send_plain_notify(ctx, h, d, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return 0;
	}
	struct ike_sa *sa = ike_sa_new(ctx, 0);
	if (!sa)
		return -ENOMEM;
	sa->spi_i = h->spi_i;
	sa->spi_r = ike_new_ike_spi(ctx);
	ike_sa_index(sa);
	ike_htab_add(&ctx->by_spi_i, &sa->h_init, sa->spi_i);
	sa->alg = alg;
	copy_addr(&sa->local, d->local);
	copy_addr(&sa->remote, d->remote);
	sa->natt = d->natt;
	sa->nilen = (uint8_t)(p.nonce->len > sizeof(sa->ni) ? sizeof(sa->ni) : p.nonce->len);
	if (p.nonce->len > sizeof(sa->ni)) {
		ike_sa_mark_dead(sa); /* nonces over 64 bytes are legal but we do not keep them */
		return -ENOTSUP;
	}
	memcpy(sa->ni, p.nonce->body, sa->nilen);
	sa->nrlen = 32;
	uint8_t pub[128], pkt[2048];
	int pl = -EIO;
	if (ike_random(sa->nr, sa->nrlen) == 0 && ike_dh_create(alg.dh, &sa->dh) == 0)
		pl = ike_dh_pub(sa->dh, pub, sizeof(pub));
	if (pl < 0 || derive(sa, &p.ke)) {
		ike_sa_mark_dead(sa);
		return pl < 0 ? pl : -EBADMSG;
	}
	natd_check(sa, c, h->spi_i, 0);
	ext_check(sa, c);
	struct ike_wr w;
	struct ike_hdr rh = { .spi_i = sa->spi_i, .spi_r = sa->spi_r, .exch = IKE_SA_INIT, .flags = IKE_FLAG_R };
	struct ike_proposal prop;
	ike_build_ike_props(&alg, 1, NULL, 0, &prop);
	prop.num = num;
	ike_wr_init(&w, pkt, sizeof(pkt));
	ike_wr_hdr(&w, &rh);
	ike_wr_sa(&w, &prop, 1);
	ike_wr_ke(&w, alg.dh, pub, (size_t)pl);
	ike_wr_nonce(&w, sa->nr, sa->nrlen);
	uint8_t cr[PKI_KEYID_LEN * 32];
	size_t crl = ike_pki_certreq(ctx->cfg.creds, cr, sizeof(cr));
	if (crl) /* the initiator sends its certificate when asked (2.15, 3.7) */
		ike_wr_cert(&w, IKE_PT_CERTREQ, IKE_CERT_X509_SIG, cr, crl);
	natd_notifies(ctx, &w, sa->spi_i, sa->spi_r, &sa->local, &sa->remote);
	ext_notifies(ctx, &w);
	ike_wr_finish(&w);
	sa->init_req = malloc(len);
	sa->init_resp = malloc(w.len);
	if (w.err || !sa->init_req || !sa->init_resp) {
		ike_sa_mark_dead(sa);
		return w.err ? w.err : -ENOMEM;
	}
	memcpy(sa->init_req, buf, len);
	sa->init_req_len = len;
	memcpy(sa->init_resp, pkt, w.len);
	sa->init_resp_len = w.len;
	sa->state = ST_INIT_DONE;
	sa->expire_at = ctx->now + ctx->cfg.half_open_timeout_ms;
	ike_sa_touch(sa);
	ctx->half_open++;
	ike_log(ctx, 2, "IKE_SA_INIT from peer: SA %016llx, group %u, prf %u, aes-gcm-%u",
		(unsigned long long)sa->spi_r, alg.dh, alg.prf, alg.key_bits);
	return ike_sa_respond_plain(sa, pkt, w.len);
}

static int offered(const struct ike_sa *sa, uint16_t group)
{
	for (unsigned i = 0; i < sa->prof->n_ike; i++)
		if (sa->prof->ike[i].dh == group)
			return 1;
	return 0;
}

int ike_init_response(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *buf, size_t len,
		  const struct ike_chain *c)
{
	struct ike_notify_pl n;
	if (ike_chain_notify(c, IKE_N_COOKIE, &n)) {
		if (n.len < 1 || n.len > sizeof(sa->cookie) || sa->rq.cookie_tries++ >= 3)
			return -EBADMSG;
		memcpy(sa->cookie, n.data, n.len);
		sa->cookie_len = (uint8_t)n.len;
		return ike_init_start(sa);
	}
	if (ike_chain_notify(c, IKE_N_INVALID_KE_PAYLOAD, &n)) {
		uint16_t g = n.len == 2 ? ike_get16(n.data) : 0;
		if (!offered(sa, g) || g == sa->alg.dh || sa->rq.ke_tries++ >= 2)
			return -EBADMSG;
		ike_log(sa->ctx, 2, "peer wants DH group %u", g);
		sa->alg.dh = g;
		return ike_init_start(sa);
	}
	uint16_t err = ike_chain_error(c);
	if (err) {
		ike_log(sa->ctx, 1, "IKE_SA_INIT refused: notify %u", err);
		ike_sa_kill(sa, IKE_DOWN_NEGOTIATION);
		return 0;
	}
	struct init_pls p;
	struct ike_ike_prop alg;
	uint8_t num, spi[8], spi_size;
	if (parse_init(c, &p) || p.sa.n != 1 || h->spi_r == 0 || p.nonce->len > sizeof(sa->nr) ||
	    ike_select_ike(sa->prof->ike, sa->prof->n_ike, &p.sa, &alg, &num, spi, &spi_size) ||
	    alg.dh != sa->alg.dh || p.ke.group != alg.dh)
		return -EBADMSG; /* not a valid answer: keep retransmitting */
	sa->alg = alg;
	sa->spi_r = h->spi_r;
	sa->nrlen = (uint8_t)p.nonce->len;
	memcpy(sa->nr, p.nonce->body, sa->nrlen);
	if (derive(sa, &p.ke)) {
		ike_sa_kill(sa, IKE_DOWN_NEGOTIATION);
		return -EBADMSG;
	}
	natd_check(sa, c, h->spi_i, h->spi_r);
	ext_check(sa, c);
	sa->init_resp = malloc(len);
	if (!sa->init_resp) {
		ike_sa_kill(sa, IKE_DOWN_NEGOTIATION);
		return -ENOMEM;
	}
	memcpy(sa->init_resp, buf, len);
	sa->init_resp_len = len;
	ike_sa_done(sa);
	ike_sa_float(sa);
	int rc = ike_auth_start(sa);
	if (rc)
		ike_sa_kill(sa, IKE_DOWN_NEGOTIATION);
	return rc;
}
