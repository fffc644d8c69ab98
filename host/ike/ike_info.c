// SPDX-License-Identifier: Apache-2.0
/* INFORMATIONAL (RFC 7296 1.4): DELETE of CHILD and IKE SAs, liveness checks (DPD), both roles. */
#include <errno.h>
#include <string.h>

#include "ike_int.h"

int ike_info_start(struct ike_sa *sa, uint8_t kind, uint32_t spi)
{
	uint8_t inner[256];
	struct ike_wr w;
	uint8_t reason = IKE_DOWN_DELETED_BY_US;
	ike_wr_init(&w, inner, sizeof(inner));
	if (kind == RQ_DELETE_CHILD) {
		struct ike_child *ch = ike_child_find_in(sa, spi);
		if (!ch || ch->state == CH_DELETING)
			return -ENOENT;
		reason = ch->state == CH_REKEYED ? IKE_DOWN_REKEYED : IKE_DOWN_DELETED_BY_US;
		ch->state = CH_DELETING;
		ike_sa_touch(sa);
		ike_wr_delete(&w, IKE_PROTO_ESP, &spi, 1);
	} else if (kind == RQ_DELETE_IKE) {
		ike_wr_delete(&w, IKE_PROTO_IKE, NULL, 0);
		if (sa->state == ST_ESTABLISHED)
			sa->state = ST_DELETING;
		ike_sa_touch(sa);
	} else if (kind != RQ_DPD) {
		return -EINVAL;
	}
	ike_sa_req_clear(sa);
	int rc = ike_sa_request(sa, IKE_INFORMATIONAL, &w, kind);
	sa->rq.child_spi = spi;
	sa->rq.del_reason = reason;
	return rc;
}

int ike_info_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_chain *c)
{
	uint32_t ours[IKE_MAX_SPIS];
	struct ike_child *gone[IKE_MAX_SPIS];
	uint8_t why[IKE_MAX_SPIS];
	unsigned n = 0;
	int del_ike = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct ike_delete_pl d;
		if (c->p[i].type != IKE_PT_DELETE)
			continue;
		if (ike_delete_parse(c->p[i].body, c->p[i].len, &d))
			continue;
		if (d.proto == IKE_PROTO_IKE) {
			del_ike = 1;
			continue;
		}
		if (d.proto != IKE_PROTO_ESP)
			continue;
		for (unsigned j = 0; j < d.n; j++) {
			struct ike_child *ch = ike_child_find_out(sa, d.spi[j]);
			int dup = 0;
			for (unsigned k = 0; k < n; k++)
				dup |= gone[k] == ch;
			if (!ch || dup || n == IKE_MAX_SPIS)
				continue;
			/* 2.25: a CHILD SA we are deleting ourselves is closed; not named in the answer */
			why[n] = ch->state == CH_REKEYED ? IKE_DOWN_REKEYED : IKE_DOWN_DELETED_BY_PEER;
			ours[n] = ch->state == CH_DELETING ? 0 : ch->spi_in;
			gone[n++] = ch;
		}
	}
	uint8_t inner[256];
	struct ike_wr w;
	ike_wr_init(&w, inner, sizeof(inner));
	if (!del_ike && n) {
		uint32_t list[IKE_MAX_SPIS];
		unsigned m = 0;
		for (unsigned k = 0; k < n; k++)
			if (ours[k])
				list[m++] = ours[k];
		if (m)
			ike_wr_delete(&w, IKE_PROTO_ESP, list, m);
	}
	int rc = ike_sa_respond(sa, IKE_INFORMATIONAL, h->msgid, &w);
	if (del_ike) {
		ike_sa_kill(sa, sa->state == ST_REKEYED ? IKE_DOWN_REKEYED : IKE_DOWN_DELETED_BY_PEER);
		return rc;
	}
	for (unsigned k = 0; k < n; k++) {
		if (sa->rq.kind == RQ_DELETE_CHILD && sa->rq.child_spi == gone[k]->spi_in)
			continue; /* our own DELETE is out: its answer closes it */
		ike_child_down(sa, gone[k], why[k]);
	}
	return rc;
}

int ike_info_response(struct ike_sa *sa, const struct ike_chain *c)
{
	(void)c;
	uint8_t kind = sa->rq.kind, why = sa->rq.del_reason;
	uint32_t spi = sa->rq.child_spi;
	ike_sa_done(sa);
	if (kind == RQ_DPD && sa->ctx->cfg.cb.dpd_result)
		sa->ctx->cfg.cb.dpd_result(sa->ctx->cfg.cb.user, ike_sa_local_spi(sa), 1);
	if (kind == RQ_DELETE_IKE) {
		ike_sa_kill(sa, sa->state == ST_REKEYED ? IKE_DOWN_REKEYED : IKE_DOWN_DELETED_BY_US);
	} else if (kind == RQ_DELETE_CHILD) {
		struct ike_child *ch = ike_child_find_in(sa, spi);
		if (ch)
			ike_child_down(sa, ch, why);
	}
	return 0;
}
