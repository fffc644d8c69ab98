// SPDX-License-Identifier: Apache-2.0
/* IKE_AUTH with a shared key (RFC 7296 1.2, 2.15), the first CHILD SA and CP (3.15), both roles. */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_int.h"

/* AUTH for our side: octets = our IKE_SA_INIT message | peer nonce | prf(SK_p, our ID'). */
static int our_auth(struct ike_sa *sa, const struct ike_id *id, uint8_t *out)
{
	uint8_t body[4 + IKE_MAX_ID];
	size_t bl = id_body(id, body);
	if (sa->initiator)
		return ike_psk_auth(sa->alg.prf, sa->prof.psk, sa->prof.psk_len, sa->init_req,
				    sa->init_req_len, sa->nr, sa->nrlen, sa->k.sk_pi, sa->k.prf_len, body,
				    bl, out);
	return ike_psk_auth(sa->alg.prf, sa->prof.psk, sa->prof.psk_len, sa->init_resp,
			    sa->init_resp_len, sa->ni, sa->nilen, sa->k.sk_pr, sa->k.prf_len, body, bl,
			    out);
}

static int peer_auth_ok(struct ike_sa *sa, const struct ike_id *id, const struct ike_auth_pl *a)
{
	uint8_t body[4 + IKE_MAX_ID], want[IKE_PRF_MAX];
	size_t bl = id_body(id, body);
	int rc;
	if (a->method != IKE_AUTH_PSK || a->len != sa->k.prf_len)
		return 0;
	if (sa->initiator)
		rc = ike_psk_auth(sa->alg.prf, sa->prof.psk, sa->prof.psk_len, sa->init_resp,
				  sa->init_resp_len, sa->ni, sa->nilen, sa->k.sk_pr, sa->k.prf_len, body,
				  bl, want);
	else
		rc = ike_psk_auth(sa->alg.prf, sa->prof.psk, sa->prof.psk_len, sa->init_req,
				  sa->init_req_len, sa->nr, sa->nrlen, sa->k.sk_pi, sa->k.prf_len, body,
				  bl, want);
	int ok = rc == 0 && CRYPTO_memcmp(want, a->data, a->len) == 0;
	ike_wipe(want, sizeof(want));
	return ok;
}

int auth_start(struct ike_sa *sa)
{
	uint8_t inner[4096], auth[IKE_PRF_MAX];
	struct ike_wr w;
	struct ike_proposal props[IKE_MAX_PROPS];
	uint32_t spi = new_esp_spi(sa->ctx);
	if (!spi || our_auth(sa, &sa->prof.local_id, auth))
		return -EIO;
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_id(&w, IKE_PT_IDI, &sa->prof.local_id);
	if (sa->prof.remote_id.type)
		ike_wr_id(&w, IKE_PT_IDR, &sa->prof.remote_id);
	ike_wr_auth(&w, IKE_AUTH_PSK, auth, sa->k.prf_len);
	if (sa->prof.want_vip) {
		struct ike_cp_attr a[2] = { { IKE_CA_INTERNAL_IP4_ADDRESS, NULL, 0 },
					    { IKE_CA_INTERNAL_IP4_DNS, NULL, 0 } };
		ike_wr_cp(&w, IKE_CFG_REQUEST, a, 2);
	}
	unsigned n = sa->prof.n_esp > IKE_MAX_PROPS ? IKE_MAX_PROPS : sa->prof.n_esp;
	build_esp_props(sa->prof.esp, n, spi, 0, props);
	ike_wr_sa(&w, props, n);
	ike_wr_ts(&w, IKE_PT_TSI, sa->prof.local_ts, sa->prof.n_local_ts);
	ike_wr_ts(&w, IKE_PT_TSR, sa->prof.remote_ts, sa->prof.n_remote_ts);
	ike_wipe(auth, sizeof(auth));
	sa->state = ST_AUTH_SENT;
	int rc = sa_request(sa, IKE_AUTH, &w, RQ_AUTH);
	sa->rq.new_spi = spi;
	return rc;
}

/* The peer's address (or virtual IP) as the only acceptable remote TS of a dynamic profile. */
static unsigned remote_allow(struct ike_sa *sa, struct ike_ts *out)
{
	if (!sa->prof.remote_ts_dynamic) {
		memcpy(out, sa->prof.remote_ts, sizeof(struct ike_ts) * sa->prof.n_remote_ts);
		return sa->prof.n_remote_ts;
	}
	if (sa->has_vip) {
		memset(out, 0, sizeof(*out));
		out->type = IKE_TS_IPV4;
		out->port_hi = 0xffff;
		memcpy(out->start, sa->vip.addr, 4);
		memcpy(out->end, sa->vip.addr, 4);
	} else {
		ts_host((const struct sockaddr *)&sa->remote, out);
	}
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
	    sa->prof.give_vip) {
		int want_addr = 0, want_dns = 0;
		for (unsigned i = 0; i < cp.n; i++) {
			want_addr |= cp.a[i].type == IKE_CA_INTERNAL_IP4_ADDRESS;
			want_dns |= cp.a[i].type == IKE_CA_INTERNAL_IP4_DNS;
		}
		if (want_addr) {
			if (!ctx->cfg.cb.vip_acquire ||
			    ctx->cfg.cb.vip_acquire(ctx->cfg.cb.user, sa->prof.user, &sa->peer_id, &sa->vip)) {
				ike_wr_notify(w, 0, NULL, 0, IKE_N_INTERNAL_ADDRESS_FAILURE, NULL, 0);
				return NULL;
			}
			sa->has_vip = 1;
			struct ike_cp_attr a[3];
			unsigned na = 0;
			a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP4_ADDRESS, sa->vip.addr, 4 };
			for (unsigned i = 0; want_dns && i < sa->vip.n_dns && i < 2; i++)
				a[na++] = (struct ike_cp_attr){ IKE_CA_INTERNAL_IP4_DNS, sa->vip.dns[i], 4 };
			ike_wr_cp(w, IKE_CFG_REPLY, a, na);
		}
	}
	struct ike_esp_prop prop;
	uint8_t num;
	uint32_t spi_out;
	if (select_esp(sa->prof.esp, sa->prof.n_esp, &sap, 0, &prop, &num, &spi_out)) {
		ike_wr_notify(w, 0, NULL, 0, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return NULL;
	}
	struct ike_ts ra[IKE_MAX_TS], nts_i[IKE_MAX_TS], nts_r[IKE_MAX_TS];
	unsigned nra = remote_allow(sa, ra);
	unsigned ni = ts_narrow(tsi.ts, tsi.n, ra, nra, nts_i, IKE_MAX_TS);
	unsigned nr = ts_narrow(tsr.ts, tsr.n, sa->prof.local_ts, sa->prof.n_local_ts, nts_r, IKE_MAX_TS);
	if (!ni || !nr) {
		ike_wr_notify(w, 0, NULL, 0, IKE_N_TS_UNACCEPTABLE, NULL, 0);
		return NULL;
	}
	uint32_t spi_in = new_esp_spi(ctx);
	struct ike_child *ch = spi_in ? child_add(sa, spi_in, spi_out, &prop, 0) : NULL;
	if (!ch) {
		ike_wr_notify(w, 0, NULL, 0, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return NULL;
	}
	memcpy(ch->rts, nts_i, sizeof(nts_i));
	ch->n_rts = (uint8_t)ni;
	memcpy(ch->lts, nts_r, sizeof(nts_r));
	ch->n_lts = (uint8_t)nr;
	struct ike_proposal out;
	build_esp_props(&prop, 1, spi_in, 0, &out);
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
	sa_respond(sa, IKE_AUTH, h->msgid, &w);
	sa_kill(sa, IKE_DOWN_AUTH_FAILED);
}

int auth_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_chain *c)
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
	memset(&sa->prof, 0, sizeof(sa->prof));
	if (!ctx->cfg.cb.get_profile ||
	    ctx->cfg.cb.get_profile(ctx->cfg.cb.user, &sa->peer_id, pidr ? &idr : NULL,
				    (const struct sockaddr *)&sa->local,
				    (const struct sockaddr *)&sa->remote, &sa->prof) ||
	    sa->prof.psk_len == 0 || sa->prof.psk_len > IKE_MAX_PSK) {
		ike_log(ctx, 1, "IKE_AUTH: no profile for %s", ids);
		refuse(sa, h, IKE_N_AUTHENTICATION_FAILED);
		return -EACCES;
	}
	sa->has_prof = 1;
	if (!peer_auth_ok(sa, &sa->peer_id, &a)) {
		ike_log(ctx, 1, "IKE_AUTH: authentication of %s failed", ids);
		refuse(sa, h, IKE_N_AUTHENTICATION_FAILED);
		return -EACCES;
	}
	uint8_t inner[4096], auth[IKE_PRF_MAX];
	struct ike_wr w;
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_id(&w, IKE_PT_IDR, &sa->prof.local_id);
	if (our_auth(sa, &sa->prof.local_id, auth))
		return -EIO;
	ike_wr_auth(&w, IKE_AUTH_PSK, auth, sa->k.prf_len);
	ike_wipe(auth, sizeof(auth));
	sa->state = ST_ESTABLISHED;
	sa->expire_at = 0;
	if (ctx->half_open)
		ctx->half_open--;
	struct ike_child *ch = auth_child(sa, c, &w);
	int rc = w.err;
	if (rc) {
		sa_kill(sa, IKE_DOWN_NEGOTIATION);
		return rc;
	}
	sa_report_up(sa, 0);
	if (ch)
		child_install(sa, ch, NULL, 0, sa->ni, sa->nilen, sa->nr, sa->nrlen, 0);
	return sa_respond(sa, IKE_AUTH, h->msgid, &w);
}

int auth_response(struct ike_sa *sa, const struct ike_chain *c)
{
	const struct ike_pl *pid = ike_chain_find(c, IKE_PT_IDR), *pa = ike_chain_find(c, IKE_PT_AUTH);
	struct ike_auth_pl a;
	uint16_t err = chain_error(c);
	if (!pid || !pa) {
		ike_log(sa->ctx, 1, "IKE_AUTH refused by peer (notify %u)", err);
		sa_kill(sa, err == IKE_N_AUTHENTICATION_FAILED ? IKE_DOWN_AUTH_FAILED : IKE_DOWN_NEGOTIATION);
		return 0;
	}
	if (ike_id_pl_parse(pid->body, pid->len, &sa->peer_id) || ike_auth_parse(pa->body, pa->len, &a) ||
	    (sa->prof.remote_id.type && !id_equal(&sa->prof.remote_id, &sa->peer_id)) ||
	    !peer_auth_ok(sa, &sa->peer_id, &a)) {
		ike_log(sa->ctx, 1, "IKE_AUTH: responder authentication failed");
		sa_kill(sa, IKE_DOWN_AUTH_FAILED);
		return -EACCES;
	}
	uint32_t spi_in = sa->rq.new_spi;
	sa_done(sa);
	sa->state = ST_ESTABLISHED;
	sa_report_up(sa, 0);
	const struct ike_pl *pc = ike_chain_find(c, IKE_PT_CP);
	struct ike_cp_pl cp;
	if (pc && ike_cp_parse(pc->body, pc->len, &cp) == 0 && cp.cfg_type == IKE_CFG_REPLY) {
		for (unsigned i = 0; i < cp.n; i++) {
			if (cp.a[i].type == IKE_CA_INTERNAL_IP4_ADDRESS && cp.a[i].len == 4) {
				memcpy(sa->vip.addr, cp.a[i].data, 4);
				sa->has_vip = 1;
			} else if (cp.a[i].type == IKE_CA_INTERNAL_IP4_DNS && cp.a[i].len == 4 &&
				   sa->vip.n_dns < 2) {
				memcpy(sa->vip.dns[sa->vip.n_dns++], cp.a[i].data, 4);
			}
		}
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
	    select_esp(sa->prof.esp, sa->prof.n_esp, &sap, 0, &prop, &num, &spi_out) ||
	    !ts_within(tsr.ts, tsr.n, sa->prof.remote_ts, sa->prof.n_remote_ts) ||
	    (!sa->prof.want_vip && !ts_within(tsi.ts, tsi.n, sa->prof.local_ts, sa->prof.n_local_ts))) {
		ike_log(sa->ctx, 1, "IKE_AUTH: unacceptable CHILD SA in the response");
		sa_queue(sa, RQ_DELETE_IKE, 0);
		return -EBADMSG;
	}
	struct ike_child *ch = child_add(sa, spi_in, spi_out, &prop, 1);
	if (!ch)
		return -ENOMEM;
	memcpy(ch->lts, tsi.ts, sizeof(tsi.ts));
	ch->n_lts = tsi.n;
	memcpy(ch->rts, tsr.ts, sizeof(tsr.ts));
	ch->n_rts = tsr.n;
	return child_install(sa, ch, NULL, 0, sa->ni, sa->nilen, sa->nr, sa->nrlen, 0);
}
