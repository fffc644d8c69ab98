// SPDX-License-Identifier: Apache-2.0
/* IKE_AUTH (RFC 7296 1.2, 2.15) with a shared key or certificates (3.6, 3.7, RFC 7427), the first
 * CHILD SA and CP (3.15), both roles. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_int.h"

/* AUTH for our side: octets = our IKE_SA_INIT message | peer nonce | prf(SK_p, our ID'). */
static int our_auth(struct ike_sa *sa, const struct ike_id *id, uint8_t *out)
{
	uint8_t body[4 + IKE_MAX_ID];
	size_t bl = ike_id_body(id, body);
	if (sa->initiator)
		return ike_psk_auth(sa->alg.prf, sa->prof->psk, sa->prof->psk_len, sa->init_req,
				    sa->init_req_len, sa->nr, sa->nrlen, sa->k.sk_pi, sa->k.prf_len, body,
				    bl, out);
	return ike_psk_auth(sa->alg.prf, sa->prof->psk, sa->prof->psk_len, sa->init_resp,
			    sa->init_resp_len, sa->ni, sa->nilen, sa->k.sk_pr, sa->k.prf_len, body, bl,
			    out);
}

static int peer_auth_ok(struct ike_sa *sa, const struct ike_id *id, const struct ike_auth_pl *a)
{
	uint8_t body[4 + IKE_MAX_ID], want[IKE_PRF_MAX];
	size_t bl = ike_id_body(id, body);
	int rc;
	if (a->method != IKE_AUTH_PSK || a->len != sa->k.prf_len)
		return 0;
	if (sa->initiator)
		rc = ike_psk_auth(sa->alg.prf, sa->prof->psk, sa->prof->psk_len, sa->init_resp,
				  sa->init_resp_len, sa->ni, sa->nilen, sa->k.sk_pr, sa->k.prf_len, body,
				  bl, want);
	else
		rc = ike_psk_auth(sa->alg.prf, sa->prof->psk, sa->prof->psk_len, sa->init_req,
				  sa->init_req_len, sa->nr, sa->nrlen, sa->k.sk_pi, sa->k.prf_len, body,
				  bl, want);
	int ok = rc == 0 && CRYPTO_memcmp(want, a->data, a->len) == 0;
	ike_wipe(want, sizeof(want));
	return ok;
}

/* The octets an AUTH signs (2.15): the sender's IKE_SA_INIT message | the other side's nonce |
 * prf(SK_p of the sender, its ID payload body). Malloc'd; NULL on failure. */
static uint8_t *auth_octets(struct ike_sa *sa, int of_initiator, const struct ike_id *id, size_t *len)
{
	uint8_t body[4 + IKE_MAX_ID];
	size_t bl = ike_id_body(id, body);
	const uint8_t *msg = of_initiator ? sa->init_req : sa->init_resp;
	size_t ml = of_initiator ? sa->init_req_len : sa->init_resp_len;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	size_t nl = of_initiator ? sa->nrlen : sa->nilen;
	uint8_t *o = malloc(ml + nl + sa->k.prf_len);
	struct ike_iov v = { body, bl };
	if (!o || ike_prf(sa->alg.prf, of_initiator ? sa->k.sk_pi : sa->k.sk_pr, sa->k.prf_len, &v, 1,
			  o + ml + nl)) {
		free(o);
		return NULL;
	}
	memcpy(o, msg, ml);
	memcpy(o + ml, nonce, nl);
	*len = ml + nl + sa->k.prf_len;
	return o;
}

/* Our certificate and the intermediates after it, when due (always, or the peer asked). */
static void write_certs(struct ike_sa *sa, struct ike_wr *w)
{
	struct ike_creds *cr = ike_sa_creds(sa);
	if (sa->prof->auth_local != IKE_AUTHN_PUBKEY || !cr || sa->prof->send_cert == IKE_SEND_CERT_NEVER ||
	    (sa->prof->send_cert == IKE_SEND_CERT_IFASKED && !sa->peer_certreq))
		return;
	uint8_t *der;
	int n;
	for (unsigned i = 0; (n = ike_pki_cert_der(cr, i, &der)) > 0; i++) {
		ike_wr_cert(w, IKE_PT_CERT, IKE_CERT_X509_SIG, der, (size_t)n);
		OPENSSL_free(der);
	}
}

/* Our AUTH payload: PSK MAC or signature. */
static int write_auth(struct ike_sa *sa, struct ike_wr *w)
{
	if (sa->prof->auth_local != IKE_AUTHN_PUBKEY) {
		uint8_t auth[IKE_PRF_MAX];
		if (our_auth(sa, &sa->prof->local_id, auth))
			return -EIO;
		ike_wr_auth(w, IKE_AUTH_PSK, auth, sa->k.prf_len);
		ike_wipe(auth, sizeof(auth));
		return 0;
	}
	struct ike_creds *cr = ike_sa_creds(sa);
	size_t ol;
	uint8_t *oct = cr && cr->key ? auth_octets(sa, sa->initiator, &sa->prof->local_id, &ol) : NULL;
	uint8_t sig[1100], method;
	int n = oct ? ike_pki_sign(cr->key, sa->peer_hashes, sa->prof->rsa_pss, oct, ol, &method, sig, sizeof(sig))
		    : -EIO;
	free(oct);
	if (n < 0) {
		ike_log(sa->ctx, 1, "IKE_AUTH: cannot sign (%d%s)", n,
			n == -ENOTSUP ? ": the peer announced no usable RFC 7427 hash" : "");
		return n;
	}
	ike_wr_auth(w, method, sig, (size_t)n);
	return 0;
}

/* CERTREQ naming our trust anchors, when we want the peer's certificate. */
static void write_certreq(struct ike_sa *sa, struct ike_wr *w)
{
	uint8_t cr[PKI_KEYID_LEN * 32];
	size_t n = sa->prof->auth_remote == IKE_AUTHN_PUBKEY ? ike_pki_certreq(ike_sa_creds(sa), cr, sizeof(cr)) : 0;
	if (n)
		ike_wr_cert(w, IKE_PT_CERTREQ, IKE_CERT_X509_SIG, cr, n);
}

/* The peer's ID against remote_id: exact, or as a suffix with remote_id_suffix. */
static int remote_id_ok(const struct ike_sa *sa)
{
	const struct ike_id *want = &sa->prof->remote_id, *got = &sa->peer_id;
	if (!want->type)
		return 1;
	if (!sa->prof->remote_id_suffix)
		return ike_id_equal(want, got);
	return want->type == got->type && got->len >= want->len &&
	       memcmp(got->data + got->len - want->len, want->data, want->len) == 0;
}

/* The peer's AUTH by its certificate (chain to our anchors, ID in the certificate, signature):
 * 0 or the enum ike_auth_fail reason. */
static int peer_sig_fail(struct ike_sa *sa, const struct ike_chain *c, const struct ike_auth_pl *a)
{
	struct ike_cert_pl certs[PKI_MAX_PEER_CERTS];
	unsigned n = 0;
	for (unsigned i = 0; i < c->n && n < PKI_MAX_PEER_CERTS; i++)
		if (c->p[i].type == IKE_PT_CERT && ike_cert_parse(c->p[i].body, c->p[i].len, &certs[n]) == 0 &&
		    certs[n].encoding == IKE_CERT_X509_SIG)
			n++;
	char why[160], ids[300];
	X509 *ee = NULL;
	size_t ol = 0;
	uint8_t *oct = NULL;
	int ok = 0, fail = IKE_AUTHF_CERT;
	ike_id_str(&sa->peer_id, ids, sizeof(ids));
	if (ike_pki_verify_peer(ike_sa_creds(sa), certs, n, &sa->peer_id, &ee, why, sizeof(why)) == 0) {
		oct = auth_octets(sa, !sa->initiator, &sa->peer_id, &ol);
		ok = oct && ike_pki_verify(X509_get0_pubkey(ee), a->method, a->data, a->len, oct, ol) == 0;
		if (!ok) {
			snprintf(why, sizeof(why), "signature (method %u) does not verify", a->method);
			fail = IKE_AUTHF_SIGNATURE;
		}
	}
	if (ok && sa->ctx->cfg.cb.peer_cert) {
		uint8_t *der = NULL;
		int dl = i2d_X509(ee, &der);
		ok = dl > 0 && sa->ctx->cfg.cb.peer_cert(sa->ctx->cfg.cb.user, sa->puser, &sa->peer_id,
							 der, (size_t)dl) == 0;
		OPENSSL_free(der);
		if (!ok) {
			snprintf(why, sizeof(why), "certificate refused by the peer_cert callback");
			fail = IKE_AUTHF_CERT;
		}
	}
	if (!ok)
		ike_log(sa->ctx, 1, "IKE_AUTH: %s: %s", ids, why);
	else
		ike_log(sa->ctx, 2, "IKE_AUTH: %s authenticated by certificate (method %u)", ids, a->method);
	X509_free(ee);
	free(oct);
	return ok ? 0 : fail;
}

/* The peer's AUTH: 0 or the enum ike_auth_fail reason. */
static int peer_fail(struct ike_sa *sa, const struct ike_chain *c, const struct ike_auth_pl *a)
{
	if (sa->prof->auth_remote == IKE_AUTHN_PUBKEY)
		return !remote_id_ok(sa) ? IKE_AUTHF_IDENTITY : peer_sig_fail(sa, c, a);
	return peer_auth_ok(sa, &sa->peer_id, a) ? 0 : IKE_AUTHF_PSK;
}

/* A profile's authentication settings are usable; with fill, a certificate-derived local ID is
 * filled in (without, a missing local ID makes it unusable). */
int ike_prof_usable(const struct ike_ctx *ctx, struct ike_profile *p, int fill)
{
	struct ike_creds *cr = p->creds ? p->creds : ctx->cfg.creds;
	if ((p->auth_local == IKE_AUTHN_PSK || p->auth_remote == IKE_AUTHN_PSK) &&
	    (p->psk_len == 0 || p->psk_len > IKE_MAX_PSK))
		return 0;
	if (p->auth_local > IKE_AUTHN_PUBKEY || p->auth_remote > IKE_AUTHN_PUBKEY)
		return 0;
	if (p->auth_local == IKE_AUTHN_PUBKEY && (!cr || !cr->key))
		return 0;
	if (p->auth_remote == IKE_AUTHN_PUBKEY && !cr)
		return 0;
	if (p->auth_local == IKE_AUTHN_PUBKEY && !p->local_id.type && fill)
		return ike_creds_subject_id(cr, &p->local_id) == 0;
	return p->local_id.type != 0;
}

int ike_auth_start(struct ike_sa *sa)
{
	struct ike_wr w;
	struct ike_proposal props[IKE_MAX_PROPS];
	uint32_t spi = ike_new_esp_spi(sa->ctx);
	uint8_t *inner = malloc(IKE_MAX_MSG);
	struct ike_profile *chk = malloc(sizeof(*chk));
	int usable = chk && (*chk = *sa->prof, ike_prof_usable(sa->ctx, chk, 0));
	free(chk);
	if (!spi || !inner || !usable) {
		free(inner);
		return -EIO;
	}
	ike_wr_init(&w, inner, IKE_MAX_MSG);
	ike_wr_id(&w, IKE_PT_IDI, &sa->prof->local_id);
	write_certs(sa, &w);
	write_certreq(sa, &w);
	if (sa->prof->remote_id.type && !sa->prof->remote_id_suffix)
		ike_wr_id(&w, IKE_PT_IDR, &sa->prof->remote_id);
	int rc = write_auth(sa, &w);
	if (rc) {
		free(inner);
		return rc;
	}
	if (sa->prof->want_vip || sa->prof->want_vip6) {
		struct ike_cp_attr a[4];
		unsigned na = 0;
		if (sa->prof->want_vip) {
			a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP4_ADDRESS, NULL, 0 };
			a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP4_DNS, NULL, 0 };
		}
		if (sa->prof->want_vip6) {
			a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP6_ADDRESS, NULL, 0 };
			a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP6_DNS, NULL, 0 };
		}
		ike_wr_cp(&w, IKE_CFG_REQUEST, a, na);
	}
	unsigned n = sa->prof->n_esp > IKE_MAX_PROPS ? IKE_MAX_PROPS : sa->prof->n_esp;
	ike_build_esp_props(sa->prof->esp, n, spi, 0, props);
	ike_wr_sa(&w, props, n);
	ike_wr_ts(&w, IKE_PT_TSI, sa->prof->local_ts, sa->prof->n_local_ts);
	ike_wr_ts(&w, IKE_PT_TSR, sa->prof->remote_ts, sa->prof->n_remote_ts);
	sa->state = ST_AUTH_SENT;
	ike_sa_touch(sa);
	rc = ike_sa_request(sa, IKE_AUTH, &w, RQ_AUTH);
	ike_wipe(inner, w.len);
	free(inner);
	sa->rq.new_spi = spi;
	return rc;
}

/* The peer's address (or virtual IP) as the only acceptable remote TS of a dynamic profile. */
static unsigned remote_allow(struct ike_sa *sa, struct ike_ts *out)
{
	if (!sa->prof->remote_ts_dynamic) {
		memcpy(out, sa->prof->remote_ts, sizeof(struct ike_ts) * sa->prof->n_remote_ts);
		return sa->prof->n_remote_ts;
	}
	if (!sa->has_vip) {
		ike_ts_host((const struct sockaddr *)&sa->remote, out);
		return 1;
	}
	unsigned n = 0;
	if (!sa->vip.no_addr4) { /* the /32 */
		memset(&out[n], 0, sizeof(*out));
		out[n].type = IKE_TS_IPV4;
		out[n].port_hi = 0xffff;
		memcpy(out[n].start, sa->vip.addr, 4);
		memcpy(out[n].end, sa->vip.addr, 4);
		n++;
	}
	if (sa->vip.has_addr6) { /* the /128 */
		memset(&out[n], 0, sizeof(*out));
		out[n].type = IKE_TS_IPV6;
		out[n].port_hi = 0xffff;
		memcpy(out[n].start, sa->vip.addr6, 16);
		memcpy(out[n].end, sa->vip.addr6, 16);
		n++;
	}
	return n;
}

/* Responder: lease what a CP request asks for and write the CP reply; 0 when refused (the
 * notify is in w). Without vip_acquire_af only an IPv4 request is served (as before). */
static int cp_reply(struct ike_sa *sa, const struct ike_cp_pl *cp, struct ike_wr *w)
{
	struct ike_ctx *ctx = sa->ctx;
	unsigned want = 0;
	int dns4 = 0, dns6 = 0;
	for (unsigned i = 0; i < cp->n; i++) {
		want |= cp->a[i].type == IKE_CA_INTERNAL_IP4_ADDRESS ? IKE_VIP_WANT_V4 : 0;
		want |= cp->a[i].type == IKE_CA_INTERNAL_IP6_ADDRESS ? IKE_VIP_WANT_V6 : 0;
		dns4 |= cp->a[i].type == IKE_CA_INTERNAL_IP4_DNS;
		dns6 |= cp->a[i].type == IKE_CA_INTERNAL_IP6_DNS;
	}
	if (!ctx->cfg.cb.vip_acquire_af)
		want &= IKE_VIP_WANT_V4;
	if (!want)
		return 1;
	memset(&sa->vip, 0, sizeof(sa->vip));
	int rc = -ENOENT;
	if (ctx->cfg.cb.vip_acquire_af)
		rc = ctx->cfg.cb.vip_acquire_af(ctx->cfg.cb.user, sa->puser, &sa->peer_id, want, &sa->vip);
	else if (ctx->cfg.cb.vip_acquire)
		rc = ctx->cfg.cb.vip_acquire(ctx->cfg.cb.user, sa->puser, &sa->peer_id, &sa->vip);
	if (rc == 0 && sa->vip.no_addr4 && !sa->vip.has_addr6) {
		if (ctx->cfg.cb.vip_release) /* nothing leased after all */
			ctx->cfg.cb.vip_release(ctx->cfg.cb.user, sa->puser, &sa->vip);
		rc = -ENOENT;
	}
	if (rc) {
		ike_wr_notify(w, 0, NULL, 0, IKE_N_INTERNAL_ADDRESS_FAILURE, NULL, 0);
		return 0;
	}
	sa->has_vip = 1;
	struct ike_cp_attr a[6];
	uint8_t a6[17];
	unsigned na = 0;
	if (!sa->vip.no_addr4) {
		a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP4_ADDRESS, sa->vip.addr, 4 };
		for (unsigned i = 0; dns4 && i < sa->vip.n_dns && i < 2; i++)
			a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP4_DNS, sa->vip.dns[i], 4 };
	}
	if (sa->vip.has_addr6) { /* address | prefix length (3.15.1) */
		memcpy(a6, sa->vip.addr6, 16);
		a6[16] = 128;
		a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP6_ADDRESS, a6, 17 };
		for (unsigned i = 0; dns6 && i < sa->vip.n_dns6 && i < 2; i++)
			a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP6_DNS, sa->vip.dns6[i], 16 };
	}
	ike_wr_cp(w, IKE_CFG_REPLY, a, na);
	return 1;
}

/* Responder: the first CHILD SA of IKE_AUTH, written into w; NULL when refused (notify in w). */
static struct ike_child *auth_child(struct ike_sa *sa, const struct ike_chain *c, struct ike_wr *w)
{
	struct ike_ctx *ctx = sa->ctx;
	const struct ike_pl *ps = ike_chain_find(c, IKE_PT_SA), *pi = ike_chain_find(c, IKE_PT_TSI),
			    *pr = ike_chain_find(c, IKE_PT_TSR), *pc = ike_chain_find(c, IKE_PT_CP);
	struct ike_sa_pl sap;
	struct ike_ts_pl tsi, tsr;
	if (!ps || !pi || !pr)
		return NULL; /* childless (RFC 6023 style) */
	if (ike_sa_parse(ps->body, ps->len, &sap) || ike_ts_parse(pi->body, pi->len, &tsi) ||
	    ike_ts_parse(pr->body, pr->len, &tsr)) {
		ike_wr_notify(w, 0, NULL, 0, IKE_N_INVALID_SYNTAX, NULL, 0);
		return NULL;
	}
	struct ike_cp_pl cp;
	if (pc && ike_cp_parse(pc->body, pc->len, &cp) == 0 && cp.cfg_type == IKE_CFG_REQUEST &&
	    sa->prof->give_vip && !cp_reply(sa, &cp, w))
		return NULL;
	struct ike_esp_prop prop;
	uint8_t num;
	uint32_t spi_out;
	if (ike_select_esp(sa->prof->esp, sa->prof->n_esp, &sap, 0, &prop, &num, &spi_out)) {
		ike_wr_notify(w, 0, NULL, 0, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return NULL;
	}
	struct ike_ts ra[IKE_MAX_TS], nts_i[IKE_MAX_TS], nts_r[IKE_MAX_TS];
	unsigned nra = remote_allow(sa, ra);
	unsigned ni = ike_ts_narrow(tsi.ts, tsi.n, ra, nra, nts_i, IKE_MAX_TS);
	unsigned nr = ike_ts_narrow(tsr.ts, tsr.n, sa->prof->local_ts, sa->prof->n_local_ts, nts_r, IKE_MAX_TS);
	if (!ni || !nr) {
		ike_wr_notify(w, 0, NULL, 0, IKE_N_TS_UNACCEPTABLE, NULL, 0);
		return NULL;
	}
	uint32_t spi_in = ike_new_esp_spi(ctx);
	struct ike_child *ch = spi_in ? ike_child_add(sa, spi_in, spi_out, &prop, 0) : NULL;
	if (!ch) {
		ike_wr_notify(w, 0, NULL, 0, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return NULL;
	}
	memcpy(ch->rts, nts_i, sizeof(nts_i));
	ch->n_rts = (uint8_t)ni;
	memcpy(ch->lts, nts_r, sizeof(nts_r));
	ch->n_lts = (uint8_t)nr;
	struct ike_proposal out;
	ike_build_esp_props(&prop, 1, spi_in, 0, &out);
	out.num = num;
	ike_wr_sa(w, &out, 1);
	ike_wr_ts(w, IKE_PT_TSI, nts_i, ni);
	ike_wr_ts(w, IKE_PT_TSR, nts_r, nr);
	return ch;
}

static void refuse(struct ike_sa *sa, const struct ike_hdr *h, uint16_t type)
{
	uint8_t inner[64];
	struct ike_wr w;
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_notify(&w, 0, NULL, 0, type, NULL, 0);
	ike_sa_respond(sa, IKE_AUTH, h->msgid, &w);
	ike_sa_kill(sa, IKE_DOWN_AUTH_FAILED);
}

int ike_auth_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_chain *c)
{
	struct ike_ctx *ctx = sa->ctx;
	const struct ike_pl *pid = ike_chain_find(c, IKE_PT_IDI), *pa = ike_chain_find(c, IKE_PT_AUTH),
			    *pidr = ike_chain_find(c, IKE_PT_IDR);
	struct ike_auth_pl a;
	struct ike_id idr;
	if (!pid || !pa || ike_id_pl_parse(pid->body, pid->len, &sa->peer_id) ||
	    ike_auth_parse(pa->body, pa->len, &a) || (pidr && ike_id_pl_parse(pidr->body, pidr->len, &idr))) {
		refuse(sa, h, IKE_N_INVALID_SYNTAX);
		return -EBADMSG;
	}
	char ids[300];
	ike_id_str(&sa->peer_id, ids, sizeof(ids));
	struct ike_profile *prof = calloc(1, sizeof(*prof));
	if (!prof || !ctx->cfg.cb.get_profile ||
	    ctx->cfg.cb.get_profile(ctx->cfg.cb.user, &sa->peer_id, pidr ? &idr : NULL,
				    (const struct sockaddr *)&sa->local,
				    (const struct sockaddr *)&sa->remote, prof)) {
		free(prof);
		ike_log(ctx, 1, "IKE_AUTH: no profile for %s", ids);
		refuse(sa, h, IKE_N_AUTHENTICATION_FAILED);
		return -EACCES;
	}
	/* chosen: from here on every failure is reported through auth_failed */
	int usable = ike_prof_usable(ctx, prof, 1);
	int rc = ike_sa_set_profile(sa, prof);
	ike_wipe(prof, sizeof(*prof));
	free(prof);
	if (rc || !usable) {
		ike_log(ctx, 1, "IKE_AUTH: the profile for %s is not usable", ids);
		ike_sa_auth_fail(sa, IKE_AUTHF_LOCAL);
		refuse(sa, h, IKE_N_AUTHENTICATION_FAILED);
		return -EACCES;
	}
	sa->peer_certreq |= ike_chain_find(c, IKE_PT_CERTREQ) != NULL;
	int fail = peer_fail(sa, c, &a);
	if (fail) {
		ike_log(ctx, 1, "IKE_AUTH: authentication of %s failed", ids);
		ike_sa_auth_fail(sa, fail);
		refuse(sa, h, IKE_N_AUTHENTICATION_FAILED);
		return -EACCES;
	}
	struct ike_wr w;
	uint8_t *inner = malloc(IKE_MAX_MSG);
	if (!inner)
		return -ENOMEM;
	ike_wr_init(&w, inner, IKE_MAX_MSG);
	ike_wr_id(&w, IKE_PT_IDR, &sa->prof->local_id);
	write_certs(sa, &w);
	rc = write_auth(sa, &w);
	if (rc) {
		free(inner);
		ike_sa_auth_fail(sa, IKE_AUTHF_LOCAL);
		refuse(sa, h, IKE_N_AUTHENTICATION_FAILED);
		return rc;
	}
	sa->state = ST_ESTABLISHED;
	sa->expire_at = 0;
	ike_sa_touch(sa);
	if (ctx->half_open)
		ctx->half_open--;
	struct ike_child *ch = auth_child(sa, c, &w);
	rc = w.err;
	if (rc) {
		free(inner);
		ike_sa_auth_fail(sa, IKE_AUTHF_LOCAL);
		ike_sa_kill(sa, IKE_DOWN_NEGOTIATION);
		return rc;
	}
	ike_sa_report_up(sa, 0);
	if (ch)
		ike_child_install(sa, ch, NULL, 0, sa->ni, sa->nilen, sa->nr, sa->nrlen, 0);
	rc = ike_sa_respond(sa, IKE_AUTH, h->msgid, &w);
	free(inner);
	ike_sa_setup_done(sa); /* the IKE_SA_INIT messages were only kept for the AUTH payloads */
	return rc;
}

int ike_auth_response(struct ike_sa *sa, const struct ike_chain *c)
{
	const struct ike_pl *pid = ike_chain_find(c, IKE_PT_IDR), *pa = ike_chain_find(c, IKE_PT_AUTH);
	struct ike_auth_pl a;
	uint16_t err = ike_chain_error(c);
	if (!pid || !pa) {
		ike_log(sa->ctx, 1, "IKE_AUTH refused by peer (notify %u)", err);
		ike_sa_auth_fail(sa, err == IKE_N_AUTHENTICATION_FAILED ? IKE_AUTHF_PEER : IKE_AUTHF_NEGOTIATION);
		ike_sa_kill(sa, err == IKE_N_AUTHENTICATION_FAILED ? IKE_DOWN_AUTH_FAILED : IKE_DOWN_NEGOTIATION);
		return 0;
	}
	int fail = IKE_AUTHF_PSK;
	if (ike_id_pl_parse(pid->body, pid->len, &sa->peer_id) || ike_auth_parse(pa->body, pa->len, &a) ||
	    (fail = !remote_id_ok(sa) ? IKE_AUTHF_IDENTITY : peer_fail(sa, c, &a))) {
		ike_log(sa->ctx, 1, "IKE_AUTH: responder authentication failed");
		ike_sa_auth_fail(sa, fail);
		ike_sa_kill(sa, IKE_DOWN_AUTH_FAILED);
		return -EACCES;
	}
	uint32_t spi_in = sa->rq.new_spi;
	ike_sa_done(sa);
	ike_sa_setup_done(sa);
	sa->state = ST_ESTABLISHED;
	ike_sa_touch(sa);
	ike_sa_report_up(sa, 0);
	const struct ike_pl *pc = ike_chain_find(c, IKE_PT_CP);
	struct ike_cp_pl cp;
	if (pc && ike_cp_parse(pc->body, pc->len, &cp) == 0 && cp.cfg_type == IKE_CFG_REPLY) {
		int v4 = 0;
		for (unsigned i = 0; i < cp.n; i++) {
			const struct ike_cp_attr *x = &cp.a[i];
			if (x->type == IKE_CA_INTERNAL_IP4_ADDRESS && x->len == 4) {
				memcpy(sa->vip.addr, x->data, 4);
				sa->has_vip = 1;
				v4 = 1;
			} else if (x->type == IKE_CA_INTERNAL_IP4_DNS && x->len == 4 && sa->vip.n_dns < 2) {
				memcpy(sa->vip.dns[sa->vip.n_dns++], x->data, 4);
			} else if (x->type == IKE_CA_INTERNAL_IP6_ADDRESS && x->len == 17) {
				memcpy(sa->vip.addr6, x->data, 16);
				sa->vip.has_addr6 = 1;
				sa->has_vip = 1;
			} else if (x->type == IKE_CA_INTERNAL_IP6_DNS && x->len == 16 && sa->vip.n_dns6 < 2) {
				memcpy(sa->vip.dns6[sa->vip.n_dns6++], x->data, 16);
			}
		}
		sa->vip.no_addr4 = (uint8_t)(sa->has_vip && !v4);
	}
	if (err) {
		ike_log(sa->ctx, 1, "IKE_AUTH: no CHILD SA (notify %u)", err);
		return 0;
	}
	const struct ike_pl *ps = ike_chain_find(c, IKE_PT_SA), *pi = ike_chain_find(c, IKE_PT_TSI),
			    *pr = ike_chain_find(c, IKE_PT_TSR);
	struct ike_sa_pl sap;
	struct ike_ts_pl tsi, tsr;
	struct ike_esp_prop prop;
	uint8_t num;
	uint32_t spi_out;
	if (!ps || !pi || !pr || ike_sa_parse(ps->body, ps->len, &sap) || sap.n != 1 ||
	    ike_ts_parse(pi->body, pi->len, &tsi) || ike_ts_parse(pr->body, pr->len, &tsr) ||
	    ike_select_esp(sa->prof->esp, sa->prof->n_esp, &sap, 0, &prop, &num, &spi_out) ||
	    !ike_ts_within(tsr.ts, tsr.n, sa->prof->remote_ts, sa->prof->n_remote_ts) ||
	    (!sa->prof->want_vip && !sa->prof->want_vip6 &&
	     !ike_ts_within(tsi.ts, tsi.n, sa->prof->local_ts, sa->prof->n_local_ts))) {
		ike_log(sa->ctx, 1, "IKE_AUTH: unacceptable CHILD SA in the response");
		ike_sa_queue(sa, RQ_DELETE_IKE, 0);
		return -EBADMSG;
	}
	struct ike_child *ch = ike_child_add(sa, spi_in, spi_out, &prop, 1);
	if (!ch)
		return -ENOMEM;
	memcpy(ch->lts, tsi.ts, sizeof(tsi.ts));
	ch->n_lts = tsi.n;
	memcpy(ch->rts, tsr.ts, sizeof(tsr.ts));
	ch->n_rts = tsr.n;
	return ike_child_install(sa, ch, NULL, 0, sa->ni, sa->nilen, sa->nr, sa->nrlen, 0);
}
