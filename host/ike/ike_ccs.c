// SPDX-License-Identifier: Apache-2.0
/* CREATE_CHILD_SA (RFC 7296 1.3): CHILD SA rekey with optional PFS, IKE SA rekey (2.18), and the
 * simultaneous-rekey rule of 2.8 for CHILD SAs; both roles. */
#include <errno.h>
#include <string.h>

#include "ike_int.h"

static int new_nonce(uint8_t *n, uint8_t *len)
{
	*len = 32;
	return ike_random(n, 32);
}

int ike_child_rekey_start(struct ike_sa *sa, uint32_t spi_in)
{
	struct ike_child *ch = ike_child_find_in(sa, spi_in);
	if (!ch || ch->state != CH_INSTALLED)
		return -ENOENT;
	ike_sa_req_clear(sa);
	uint8_t inner[4096], pub[128], spi_be[4];
	struct ike_wr w;
	struct ike_proposal props[IKE_MAX_PROPS];
	uint32_t spi = ike_new_esp_spi(sa->ctx);
	if (!spi || new_nonce(sa->rq.nonce, &sa->rq.nlen))
		return -EIO;
	uint16_t group = sa->prof->esp[0].dh;
	int pl = 0;
	if (group) {
		if (ike_dh_create(group, &sa->rq.dh) || (pl = ike_dh_pub(sa->rq.dh, pub, sizeof(pub))) < 0)
			return -EIO;
	}
	ike_put32(spi_be, ch->spi_in);
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_notify(&w, IKE_PROTO_ESP, spi_be, 4, IKE_N_REKEY_SA, NULL, 0);
	unsigned n = sa->prof->n_esp > IKE_MAX_PROPS ? IKE_MAX_PROPS : sa->prof->n_esp;
	ike_build_esp_props(sa->prof->esp, n, spi, 1, props);
	ike_wr_sa(&w, props, n);
	ike_wr_nonce(&w, sa->rq.nonce, sa->rq.nlen);
	if (group)
		ike_wr_ke(&w, group, pub, (size_t)pl);
	ike_wr_ts(&w, IKE_PT_TSI, ch->lts, ch->n_lts);
	ike_wr_ts(&w, IKE_PT_TSR, ch->rts, ch->n_rts);
	/* ike_sa_request keeps the exchange state already placed in sa->rq */
	int rc = ike_sa_request(sa, IKE_CREATE_CHILD_SA, &w, RQ_CHILD_REKEY);
	sa->rq.new_spi = spi;
	sa->rq.child_spi = ch->spi_in;
	return rc;
}

int ike_rekey_start(struct ike_sa *sa)
{
	uint8_t inner[1024], pub[128], spi_be[8];
	struct ike_wr w;
	struct ike_proposal prop;
	uint64_t spi = ike_new_ike_spi(sa->ctx);
	int pl;
	ike_sa_req_clear(sa);
	if (!spi || new_nonce(sa->rq.nonce, &sa->rq.nlen) || ike_dh_create(sa->alg.dh, &sa->rq.dh) ||
	    (pl = ike_dh_pub(sa->rq.dh, pub, sizeof(pub))) < 0)
		return -EIO;
	ike_put64(spi_be, spi);
	ike_build_ike_props(&sa->alg, 1, spi_be, 8, &prop);
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_sa(&w, &prop, 1);
	ike_wr_nonce(&w, sa->rq.nonce, sa->rq.nlen);
	ike_wr_ke(&w, sa->alg.dh, pub, (size_t)pl);
	int rc = ike_sa_request(sa, IKE_CREATE_CHILD_SA, &w, RQ_IKE_REKEY);
	sa->rq.new_ike_spi = spi;
	return rc;
}

static void respond_notify(struct ike_sa *sa, uint32_t msgid, uint16_t type, const uint8_t *d, size_t len)
{
	uint8_t inner[64];
	struct ike_wr w;
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_notify(&w, 0, NULL, 0, type, d, len);
	ike_sa_respond(sa, IKE_CREATE_CHILD_SA, msgid, &w);
}

/* The new IKE SA of a rekey; takes over the CHILD SAs and the virtual IP of the old one. */
static struct ike_sa *ike_successor(struct ike_sa *old, int initiator, uint64_t spi_i, uint64_t spi_r,
				    const struct ike_ike_prop *alg, const uint8_t *gir, size_t glen,
				    const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen)
{
	uint8_t seed[IKE_PRF_MAX];
	struct ike_sa *sa = ike_sa_new(old->ctx, (uint8_t)initiator);
	if (!sa)
		return NULL;
	sa->spi_i = spi_i;
	sa->spi_r = spi_r;
	sa->alg = *alg;
	sa->prof = ike_prof_get(old->ctx, old->prof); /* an equal copy: takes another reference */
	if (!sa->prof) {
		sa->prof = &ike_no_profile;
		ike_sa_mark_dead(sa);
		return NULL;
	}
	sa->puser = old->puser;
	sa->has_prof = 1;
	sa->frag_ok = old->frag_ok; /* extensions of IKE_SA_INIT carry over to the rekeyed SA */
	sa->peer_hashes = old->peer_hashes;
	sa->peer_id = old->peer_id;
	sa->local = old->local;
	sa->remote = old->remote;
	sa->natt = old->natt;
	sa->nat_local = old->nat_local;
	sa->nat_remote = old->nat_remote;
	if (ike_skeyseed_rekey(old->alg.prf, old->k.sk_d, old->k.prf_len, gir, glen, ni, nilen, nr,
			       nrlen, seed) ||
	    ike_derive_keys(alg->prf, seed, ni, nilen, nr, nrlen, spi_i, spi_r,
			    alg->key_bits / 8 + IKE_GCM_SALT, &sa->k)) {
		ike_wipe(seed, sizeof(seed));
		ike_sa_mark_dead(sa);
		return NULL;
	}
	ike_wipe(seed, sizeof(seed));
	sa->keys_ok = 1;
	sa->state = ST_ESTABLISHED;
	ike_sa_touch(sa);
	sa->children = old->children;
	old->children = NULL;
	for (struct ike_child *ch = sa->children; ch; ch = ch->next)
		ch->sa = sa;
	ike_sa_index(sa);
	sa->vip = old->vip;
	sa->has_vip = old->has_vip;
	old->has_vip = 0;
	return sa;
}

static int ccs_ike_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_sa_pl *sap,
			   const struct ike_pl *pn, const struct ike_chain *c)
{
	if (sa->rq.kind == RQ_IKE_REKEY || sa->rq.kind == RQ_CHILD_REKEY) {
		respond_notify(sa, h->msgid, IKE_N_TEMPORARY_FAILURE, NULL, 0); /* 2.8: simplified */
		return 0;
	}
	struct ike_ike_prop alg;
	uint8_t num, spi[8], spi_size;
	const struct ike_pl *pk = ike_chain_find(c, IKE_PT_KE);
	struct ike_ke_pl ke;
	if (ike_select_ike(&sa->alg, 1, sap, &alg, &num, spi, &spi_size) || spi_size != 8) {
		respond_notify(sa, h->msgid, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return 0;
	}
	if (!pk || ike_ke_parse(pk->body, pk->len, &ke) || ke.group != alg.dh) {
		uint8_t g[2];
		ike_put16(g, alg.dh);
		respond_notify(sa, h->msgid, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return 0;
	}
	uint8_t nr[32], nrlen, pub[128], gir[128];
	struct ike_dh *dh = NULL;
	int pl = -EIO, gl = -EIO;
	if (new_nonce(nr, &nrlen) == 0 && ike_dh_create(alg.dh, &dh) == 0 &&
	    (pl = ike_dh_pub(dh, pub, sizeof(pub))) > 0)
		gl = ike_dh_shared(dh, ke.data, ke.len, gir, sizeof(gir));
	ike_dh_free(dh);
	if (pl < 0 || gl < 0) {
		respond_notify(sa, h->msgid, IKE_N_INVALID_SYNTAX, NULL, 0);
		return -EBADMSG;
	}
	uint64_t our = ike_new_ike_spi(sa->ctx);
	struct ike_sa *n = ike_successor(sa, 0, ike_get64(spi), our, &alg, gir, (size_t)gl, pn->body,
					 pn->len, nr, nrlen);
	ike_wipe(gir, sizeof(gir));
	if (!n) {
		respond_notify(sa, h->msgid, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return -ENOMEM;
	}
	uint8_t inner[1024], spi_be[8];
	struct ike_wr w;
	struct ike_proposal prop;
	ike_put64(spi_be, our);
	ike_build_ike_props(&alg, 1, spi_be, 8, &prop);
	prop.num = num;
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_sa(&w, &prop, 1);
	ike_wr_nonce(&w, nr, nrlen);
	ike_wr_ke(&w, alg.dh, pub, (size_t)pl);
	int rc = ike_sa_respond(sa, IKE_CREATE_CHILD_SA, h->msgid, &w);
	/* the old SA now waits for the peer's DELETE; its children already moved */
	sa->state = ST_REKEYED;
	sa->expire_at = sa->ctx->now + 30000;
	ike_sa_touch(sa);
	sa->n_tasks = 0;
	ike_sa_report_up(n, ike_sa_local_spi(sa));
	return rc;
}

static int ccs_child_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_sa_pl *sap,
			     const struct ike_pl *pn, const struct ike_chain *c)
{
	struct ike_notify_pl rn;
	struct ike_child *old = NULL;
	const struct ike_pl *pi = ike_chain_find(c, IKE_PT_TSI), *pr = ike_chain_find(c, IKE_PT_TSR);
	struct ike_ts_pl tsi, tsr;
	if (!pi || !pr || ike_ts_parse(pi->body, pi->len, &tsi) || ike_ts_parse(pr->body, pr->len, &tsr)) {
		respond_notify(sa, h->msgid, IKE_N_INVALID_SYNTAX, NULL, 0);
		return -EBADMSG;
	}
	if (ike_chain_notify(c, IKE_N_REKEY_SA, &rn)) {
		old = rn.spi_size == 4 ? ike_child_find_out(sa, ike_get32(rn.spi)) : NULL;
		if (!old || old->state == CH_DELETING) {
			respond_notify(sa, h->msgid, IKE_N_CHILD_SA_NOT_FOUND, NULL, 0);
			return 0;
		}
	}
	if (sa->rq.kind == RQ_IKE_REKEY) {
		respond_notify(sa, h->msgid, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return 0;
	}
	struct ike_esp_prop prop;
	uint8_t num;
	uint32_t spi_out;
	if (ike_select_esp(sa->prof->esp, sa->prof->n_esp, sap, 1, &prop, &num, &spi_out)) {
		respond_notify(sa, h->msgid, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return 0;
	}
	uint8_t pub[128], gir[128];
	int pl = 0, gl = 0;
	if (prop.dh) {
		const struct ike_pl *pk = ike_chain_find(c, IKE_PT_KE);
		struct ike_ke_pl ke;
		if (!pk || ike_ke_parse(pk->body, pk->len, &ke) || ke.group != prop.dh) {
			uint8_t g[2];
			ike_put16(g, prop.dh);
			respond_notify(sa, h->msgid, IKE_N_INVALID_KE_PAYLOAD, g, 2);
			return 0;
		}
		struct ike_dh *dh = NULL;
		pl = gl = -EIO;
		if (ike_dh_create(prop.dh, &dh) == 0 && (pl = ike_dh_pub(dh, pub, sizeof(pub))) > 0)
			gl = ike_dh_shared(dh, ke.data, ke.len, gir, sizeof(gir));
		ike_dh_free(dh);
		if (pl < 0 || gl < 0) {
			respond_notify(sa, h->msgid, IKE_N_INVALID_SYNTAX, NULL, 0);
			return -EBADMSG;
		}
	}
	/* a rekey keeps the old SA's selectors; a new CHILD SA is narrowed against the profile */
	struct ike_ts nts_i[IKE_MAX_TS], nts_r[IKE_MAX_TS];
	unsigned ni, nr;
	if (old) {
		ni = ike_ts_narrow(tsi.ts, tsi.n, old->rts, old->n_rts, nts_i, IKE_MAX_TS);
		nr = ike_ts_narrow(tsr.ts, tsr.n, old->lts, old->n_lts, nts_r, IKE_MAX_TS);
	} else {
		ni = ike_ts_narrow(tsi.ts, tsi.n, sa->prof->remote_ts, sa->prof->n_remote_ts, nts_i, IKE_MAX_TS);
		nr = ike_ts_narrow(tsr.ts, tsr.n, sa->prof->local_ts, sa->prof->n_local_ts, nts_r, IKE_MAX_TS);
	}
	uint8_t nonce[32], nlen;
	uint32_t spi_in = ike_new_esp_spi(sa->ctx);
	struct ike_child *ch = NULL;
	if (ni && nr && spi_in && new_nonce(nonce, &nlen) == 0)
		ch = ike_child_add(sa, spi_in, spi_out, &prop, 0);
	if (!ch) {
		ike_wipe(gir, sizeof(gir));
		respond_notify(sa, h->msgid, ni && nr ? IKE_N_TEMPORARY_FAILURE : IKE_N_TS_UNACCEPTABLE,
			       NULL, 0);
		return 0;
	}
	memcpy(ch->rts, nts_i, sizeof(nts_i));
	ch->n_rts = (uint8_t)ni;
	memcpy(ch->lts, nts_r, sizeof(nts_r));
	ch->n_lts = (uint8_t)nr;
	int rc = ike_child_install(sa, ch, prop.dh ? gir : NULL, (size_t)gl, pn->body, pn->len, nonce, nlen,
			       old ? old->spi_in : 0);
	ike_wipe(gir, sizeof(gir));
	if (old) {
		if (sa->rq.kind == RQ_CHILD_REKEY && sa->rq.child_spi == old->spi_in) {
			/* collision (2.8): remember the lowest nonce of the peer's exchange */
			const uint8_t *lo = memcmp(pn->body, nonce, pn->len < nlen ? pn->len : nlen) < 0
						    ? pn->body : nonce;
			size_t ll = lo == nonce ? nlen : pn->len;
			old->peer_rekeyed = 1;
			old->peer_nonce_len = (uint8_t)(ll > 32 ? 32 : ll);
			memcpy(old->peer_nonce_min, lo, old->peer_nonce_len);
			old->rekeyed_by = spi_in;
		} else {
			old->state = CH_REKEYED; /* the peer deletes it */
			ike_sa_touch(sa);
		}
	}
	uint8_t inner[4096];
	struct ike_wr w;
	struct ike_proposal out;
	ike_build_esp_props(&prop, 1, spi_in, 1, &out);
	out.num = num;
	ike_wr_init(&w, inner, sizeof(inner));
	ike_wr_sa(&w, &out, 1);
	ike_wr_nonce(&w, nonce, nlen);
	if (prop.dh)
		ike_wr_ke(&w, prop.dh, pub, (size_t)pl);
	ike_wr_ts(&w, IKE_PT_TSI, nts_i, ni);
	ike_wr_ts(&w, IKE_PT_TSR, nts_r, nr);
	int rc2 = ike_sa_respond(sa, IKE_CREATE_CHILD_SA, h->msgid, &w);
	return rc ? rc : rc2;
}

int ike_ccs_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_chain *c)
{
	if (sa->state != ST_ESTABLISHED) {
		respond_notify(sa, h->msgid, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return 0;
	}
	const struct ike_pl *ps = ike_chain_find(c, IKE_PT_SA), *pn = ike_chain_find(c, IKE_PT_NONCE);
	struct ike_sa_pl sap;
	if (!ps || !pn || ike_sa_parse(ps->body, ps->len, &sap) || sap.n == 0 || ike_nonce_check(pn->len)) {
		respond_notify(sa, h->msgid, IKE_N_INVALID_SYNTAX, NULL, 0);
		return -EBADMSG;
	}
	if (sap.prop[0].proto == IKE_PROTO_IKE)
		return ccs_ike_request(sa, h, &sap, pn, c);
	return ccs_child_request(sa, h, &sap, pn, c);
}

static int child_rekey_done(struct ike_sa *sa, const struct ike_chain *c)
{
	struct ike_child *old = ike_child_find_in(sa, sa->rq.child_spi);
	const struct ike_pl *ps = ike_chain_find(c, IKE_PT_SA), *pn = ike_chain_find(c, IKE_PT_NONCE),
			    *pi = ike_chain_find(c, IKE_PT_TSI), *pr = ike_chain_find(c, IKE_PT_TSR);
	struct ike_sa_pl sap;
	struct ike_ts_pl tsi, tsr;
	struct ike_esp_prop prop;
	uint8_t num;
	uint32_t spi_out;
	uint16_t err = ike_chain_error(c);
	if (err || !old) {
		ike_log(sa->ctx, 1, "CHILD SA rekey refused (notify %u)", err);
		if (old && old->state == CH_INSTALLED && sa->prof->child_rekey_s)
			old->rekey_at = sa->ctx->now + 10000; /* try again later */
		ike_sa_touch(sa);
		ike_sa_done(sa);
		return 0;
	}
	if (!ps || !pn || !pi || !pr || ike_sa_parse(ps->body, ps->len, &sap) || sap.n != 1 ||
	    ike_nonce_check(pn->len) || ike_ts_parse(pi->body, pi->len, &tsi) ||
	    ike_ts_parse(pr->body, pr->len, &tsr) ||
	    ike_select_esp(sa->prof->esp, sa->prof->n_esp, &sap, 1, &prop, &num, &spi_out) ||
	    !ike_ts_within(tsi.ts, tsi.n, old->lts, old->n_lts) || !ike_ts_within(tsr.ts, tsr.n, old->rts, old->n_rts))
		return -EBADMSG;
	uint8_t gir[128];
	int gl = 0;
	if (prop.dh) {
		const struct ike_pl *pk = ike_chain_find(c, IKE_PT_KE);
		struct ike_ke_pl ke;
		if (!sa->rq.dh || !pk || ike_ke_parse(pk->body, pk->len, &ke) || ke.group != prop.dh ||
		    ike_dh_group(sa->rq.dh) != prop.dh ||
		    (gl = ike_dh_shared(sa->rq.dh, ke.data, ke.len, gir, sizeof(gir))) < 0)
			return -EBADMSG;
	}
	struct ike_child *ch = ike_child_add(sa, sa->rq.new_spi, spi_out, &prop, 1);
	if (!ch)
		return -ENOMEM;
	memcpy(ch->lts, tsi.ts, sizeof(tsi.ts));
	ch->n_lts = tsi.n;
	memcpy(ch->rts, tsr.ts, sizeof(tsr.ts));
	ch->n_rts = tsr.n;
	ike_child_install(sa, ch, prop.dh ? gir : NULL, (size_t)gl, sa->rq.nonce, sa->rq.nlen, pn->body,
		      pn->len, old->spi_in);
	ike_wipe(gir, sizeof(gir));
	/* 2.8: of two rekeys of one SA, the exchange with the lowest nonce made the redundant SA */
	int redundant = 0;
	if (old->peer_rekeyed) {
		const uint8_t *lo = memcmp(sa->rq.nonce, pn->body, pn->len < sa->rq.nlen ? pn->len : sa->rq.nlen) < 0
					    ? sa->rq.nonce : pn->body;
		size_t ll = lo == pn->body ? pn->len : sa->rq.nlen;
		size_t m = ll < old->peer_nonce_len ? ll : old->peer_nonce_len;
		redundant = memcmp(lo, old->peer_nonce_min, m) < 0;
	}
	uint32_t new_in = ch->spi_in;
	ike_sa_done(sa);
	old->state = CH_REKEYED;
	ike_sa_touch(sa);
	if (redundant) {
		ike_log(sa->ctx, 2, "rekey collision: our CHILD SA %08x is redundant", new_in);
		ike_sa_queue(sa, RQ_DELETE_CHILD, new_in);
	} else {
		ike_sa_queue(sa, RQ_DELETE_CHILD, old->spi_in);
	}
	return 0;
}

static int ike_rekey_done(struct ike_sa *sa, const struct ike_chain *c)
{
	const struct ike_pl *ps = ike_chain_find(c, IKE_PT_SA), *pn = ike_chain_find(c, IKE_PT_NONCE),
			    *pk = ike_chain_find(c, IKE_PT_KE);
	struct ike_sa_pl sap;
	struct ike_ke_pl ke;
	struct ike_ike_prop alg;
	uint8_t num, spi[8], spi_size, gir[128];
	uint16_t err = ike_chain_error(c);
	if (err) {
		ike_log(sa->ctx, 1, "IKE SA rekey refused (notify %u)", err);
		if (sa->prof->ike_rekey_s)
			sa->rekey_at = sa->ctx->now + 10000;
		ike_sa_touch(sa);
		ike_sa_done(sa);
		return 0;
	}
	int gl;
	if (!ps || !pn || !pk || ike_sa_parse(ps->body, ps->len, &sap) || sap.n != 1 ||
	    ike_nonce_check(pn->len) || ike_select_ike(&sa->alg, 1, &sap, &alg, &num, spi, &spi_size) ||
	    spi_size != 8 || ike_ke_parse(pk->body, pk->len, &ke) || ke.group != alg.dh ||
	    (gl = ike_dh_shared(sa->rq.dh, ke.data, ke.len, gir, sizeof(gir))) < 0)
		return -EBADMSG;
	struct ike_sa *n = ike_successor(sa, 1, sa->rq.new_ike_spi, ike_get64(spi), &alg, gir,
					 (size_t)gl, sa->rq.nonce, sa->rq.nlen, pn->body, pn->len);
	ike_wipe(gir, sizeof(gir));
	if (!n)
		return -ENOMEM;
	ike_sa_done(sa);
	sa->state = ST_REKEYED;
	ike_sa_touch(sa);
	sa->n_tasks = 0;
	ike_sa_queue(sa, RQ_DELETE_IKE, 0);
	ike_sa_report_up(n, ike_sa_local_spi(sa));
	return 0;
}

int ike_ccs_response(struct ike_sa *sa, const struct ike_chain *c)
{
	return sa->rq.kind == RQ_IKE_REKEY ? ike_rekey_done(sa, c) : child_rekey_done(sa, c);
}
