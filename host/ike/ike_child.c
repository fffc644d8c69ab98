// SPDX-License-Identifier: Apache-2.0
/* CHILD SAs: ESP proposals, KEYMAT (2.17), reports to the agent, and their life cycle records. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike_int.h"

void ike_build_esp_props(const struct ike_esp_prop *p, unsigned n, uint32_t spi, int with_dh,
		     struct ike_proposal *out)
{
	for (unsigned i = 0; i < n; i++) {
		struct ike_proposal *o = &out[i];
		memset(o, 0, sizeof(*o));
		o->num = (uint8_t)(i + 1);
		o->proto = IKE_PROTO_ESP;
		o->spi_size = 4;
		ike_put32(o->spi, spi);
		o->xf[o->n_xf++] = (struct ike_xform){ IKE_XF_ENCR, p[i].encr, p[i].key_bits };
		if (with_dh && p[i].dh)
			o->xf[o->n_xf++] = (struct ike_xform){ IKE_XF_DH, p[i].dh, 0 };
		o->xf[o->n_xf++] = (struct ike_xform){ IKE_XF_ESN, p[i].esn, 0 };
	}
}

/* pfs_ok = 0 (IKE_AUTH): DH transforms in the offer are ignored and none is chosen. */
int ike_select_esp(const struct ike_esp_prop *ours, unsigned n, const struct ike_sa_pl *sa, int pfs_ok,
	       struct ike_esp_prop *chosen, uint8_t *num, uint32_t *spi)
{
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = 0; j < sa->n; j++) {
			const struct ike_proposal *p = &sa->prop[j];
			if (p->proto != IKE_PROTO_ESP || p->spi_size != 4)
				continue;
			int enc = 0, esn = 0, esn_any = 0, integ = 0, dh = 0, dh_any = 0;
			for (unsigned k = 0; k < p->n_xf; k++) {
				const struct ike_xform *x = &p->xf[k];
				if (x->type == IKE_XF_ENCR)
					enc |= x->id == ours[i].encr && x->key_bits == ours[i].key_bits;
				else if (x->type == IKE_XF_ESN)
					esn_any = 1, esn |= x->id == ours[i].esn;
				else if (x->type == IKE_XF_INTEG)
					integ |= x->id != 0;
				else if (x->type == IKE_XF_DH)
					dh_any |= x->id != 0, dh |= x->id == ours[i].dh;
			}
			if (!enc || integ || (esn_any && !esn) || (!esn_any && ours[i].esn))
				continue;
			if (pfs_ok && (ours[i].dh ? !dh : dh_any))
				continue;
			*chosen = ours[i];
			if (!pfs_ok)
				chosen->dh = 0;
			*num = p->num;
			*spi = ike_get32(p->spi);
			return 0;
		}
	}
	return -ENOENT;
}

struct ike_child *ike_child_find_in(struct ike_sa *sa, uint32_t spi_in)
{
	for (struct ike_child *c = sa->children; c; c = c->next)
		if (c->spi_in == spi_in)
			return c;
	return NULL;
}

struct ike_child *ike_child_find_out(struct ike_sa *sa, uint32_t spi_out)
{
	for (struct ike_child *c = sa->children; c; c = c->next)
		if (c->spi_out == spi_out)
			return c;
	return NULL;
}

struct ike_child *ike_child_add(struct ike_sa *sa, uint32_t spi_in, uint32_t spi_out,
			    const struct ike_esp_prop *p, int initiator)
{
	struct ike_child *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->spi_in = spi_in;
	c->spi_out = spi_out;
	c->prop = *p;
	c->initiator = (uint8_t)initiator;
	c->sa = sa;
	c->next = sa->children;
	sa->children = c;
	ike_htab_add(&sa->ctx->children, &c->h, spi_in);
	return c;
}

static void fill_info(struct ike_sa *sa, const struct ike_child *ch, struct ike_child_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->ike_spi = ike_sa_local_spi(sa);
	ci->profile_user = sa->puser;
	ci->spi_in = ch->spi_in;
	ci->spi_out = ch->spi_out;
	ci->encr = ch->prop.encr;
	ci->key_bits = ch->prop.key_bits;
	ci->esn = ch->prop.esn;
	ci->udp_encap = sa->nat_local || sa->nat_remote || sa->ctx->cfg.force_encap;
	ci->initiator = ch->initiator;
	memcpy(ci->local_ts, ch->lts, sizeof(ch->lts));
	memcpy(ci->remote_ts, ch->rts, sizeof(ch->rts));
	ci->n_local_ts = ch->n_lts;
	ci->n_remote_ts = ch->n_rts;
	ci->has_vip = sa->has_vip;
	ci->vip = sa->vip;
	memcpy(&ci->local, &sa->local, sizeof(sa->local));
	memcpy(&ci->remote, &sa->remote, sizeof(sa->remote));
}

/*
 * KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr); Ni/Nr are the nonces of the exchange that made the SA.
 * The exchange initiator's outbound (initiator -> responder) key and salt come first.
 */
int ike_child_install(struct ike_sa *sa, struct ike_child *ch, const uint8_t *gir, size_t glen,
		  const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen, uint32_t rekeys)
{
	size_t kl = ch->prop.key_bits / 8, el = kl + IKE_GCM_SALT;
	uint8_t km[2 * IKE_ENC_MAX];
	int rc = ike_child_keymat(sa->alg.prf, sa->k.sk_d, sa->k.prf_len, gir, glen, ni, nilen, nr,
				  nrlen, km, 2 * el);
	if (rc)
		return rc;
	struct ike_child_info ci;
	fill_info(sa, ch, &ci);
	ci.rekeys_spi_in = rekeys;
	const uint8_t *i2r = km, *r2i = km + el;
	const uint8_t *out = ch->initiator ? i2r : r2i, *in = ch->initiator ? r2i : i2r;
	memcpy(ci.key_out, out, kl);
	memcpy(ci.salt_out, out + kl, IKE_GCM_SALT);
	memcpy(ci.key_in, in, kl);
	memcpy(ci.salt_in, in + kl, IKE_GCM_SALT);
	ike_wipe(km, sizeof(km));
	ch->state = CH_INSTALLED;
	ch->rekey_at = sa->prof->child_rekey_s ? sa->ctx->now + 1000ull * sa->prof->child_rekey_s : 0;
	ike_sa_touch(sa);
	ike_log(sa->ctx, 1, "CHILD SA in %08x out %08x up (aes-gcm-%u%s)", ch->spi_in, ch->spi_out,
		ch->prop.key_bits, ci.udp_encap ? ", UDP-encapsulated" : "");
	if (sa->ctx->cfg.cb.child_up)
		sa->ctx->cfg.cb.child_up(sa->ctx->cfg.cb.user, &ci);
	ike_wipe(&ci, sizeof(ci));
	return 0;
}

static void unlink_child(struct ike_sa *sa, struct ike_child *ch)
{
	struct ike_child **pp = &sa->children;
	while (*pp && *pp != ch)
		pp = &(*pp)->next;
	if (*pp)
		*pp = ch->next;
	ike_htab_del(&sa->ctx->children, &ch->h);
	ike_wipe(ch, sizeof(*ch));
	free(ch);
}

void ike_child_down(struct ike_sa *sa, struct ike_child *ch, enum ike_down_reason why)
{
	struct ike_child_info ci;
	fill_info(sa, ch, &ci);
	ike_log(sa->ctx, 1, "CHILD SA in %08x out %08x down (reason %d)", ch->spi_in, ch->spi_out, why);
	if (sa->ctx->cfg.cb.child_down)
		sa->ctx->cfg.cb.child_down(sa->ctx->cfg.cb.user, &ci, why);
	unlink_child(sa, ch);
}

void ike_child_free_all(struct ike_sa *sa, int report, enum ike_down_reason why)
{
	while (sa->children) {
		if (report)
			ike_child_down(sa, sa->children, why);
		else
			unlink_child(sa, sa->children);
	}
}
