/* SPDX-License-Identifier: Apache-2.0 */
/* CHILD SA pairs onto the card and off it, through the card's asynchronous path.
 *
 * Installing a child is two jobs: first both SAs, then (once the card took them) the next hop
 * and the routes, or for a rekey the next hop's switch to the new outbound SA. Until the second
 * job is answered the child is CHILD_INSTALLING; hooks.child_installed then tells IKE the outcome
 * (0: both SAs and the routes are in the card; else the child is gone again, nothing of it left
 * on the card). A rekey's old pair keeps its routes until the switch is staged, and gets them
 * back when the switch fails.
 *
 * A rekey the peer started, or one of a pair that no longer carries the routes (a colliding
 * rekey, RFC 7296 2.8.1), is installed beside: CHILD_INSTALLED without routes, reported at once
 * (the peer may use its inbound SA). The routes move to it with the same switch when the pair
 * carrying them goes (the peer's DELETE, our DELETE of the redundant one, hard lifetime) or,
 * for the peer's rekey, when PEER_REKEY_HOLD_MS passed without that DELETE. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "session.h"
#include "session_int.h"

static void wipe_params(struct child_params *p)
{
	explicit_bzero(&p->in, sizeof(p->in));
	explicit_bzero(&p->out, sizeof(p->out));
}

static void lifetime(struct vrfsec_lifetime *o, const struct cfg_lifetime *l)
{
	o->bytes = l->bytes;
	o->packets = l->packets;
	o->seconds = l->time;
}

/* The routes a child brings: the peer's selectors, or its virtual IPs for remote access. */
static int child_routes(const struct session *s, const struct child_params *p, struct child *c)
{
	if (p->n_remote > CFG_MAX_TS)
		return -EINVAL;
	for (unsigned i = 0; i < p->n_remote; i++)
		c->routes[c->n_routes++] = p->remote[i];
	if (!c->n_routes)
		for (unsigned k = 0; k < 2; k++)
			if (s->vip[k].af)
				prefix_host(&c->routes[c->n_routes++], &s->vip[k]);
	return c->n_routes ? 0 : -EINVAL;
}

static void sa_common(const struct session *s, const struct child *c, struct vrfsec_sa_cfg *sa)
{
	const struct cfg_global *g = &s->cfg->g;

	memset(sa, 0, sizeof(*sa));
	sa->mode = VRFSEC_SA_TUNNEL;
	sa->esn = c->esn;
	sa->udp = s->udp_encap;
	sa->vrf = s->vrf;
	sa->outer_af = s->peer.af;
	sa->mtu = c->mtu;
	sa->soft = c->soft;
	sa->hard = c->hard;
	(void)g;
}

void sa_in_cfg(const struct session *s, const struct child *c, struct vrfsec_sa_cfg *sa)
{
	sa_common(s, c, sa);
	sa->idx = c->sa_in;
	sa->dir = VRFSEC_SA_IN;
	sa->spi = c->spi_in;
	memcpy(sa->src, s->peer.a, 16);
	memcpy(sa->dst, s->local.a, 16);
	sa->udp_sport = s->peer_port;
	sa->udp_dport = s->cfg->g.natt_port;
	sa->idle_s = c->idle_s;
	sa->n_ts = (uint8_t)c->n_routes;
	for (unsigned i = 0; i < c->n_routes; i++) {
		sa->ts[i].af = c->routes[i].addr.af;
		sa->ts[i].plen = c->routes[i].plen;
		memcpy(sa->ts[i].addr, c->routes[i].addr.a, 16);
	}
}

void sa_out_cfg(const struct session *s, const struct child *c, struct vrfsec_sa_cfg *sa)
{
	sa_common(s, c, sa);
	sa->idx = c->sa_out;
	sa->dir = VRFSEC_SA_OUT;
	sa->spi = c->spi_out;
	memcpy(sa->src, s->local.a, 16);
	memcpy(sa->dst, s->peer.a, 16);
	sa->udp_sport = s->cfg->g.natt_port;
	sa->udp_dport = s->peer_port;
	sa->dscp_copy = true;
	sa->ecn_copy = true;
	sa->df_mode = VRFSEC_SA_DF_COPY;
	sa->iv = 1;
	memcpy(sa->smac, s->cfg->g.pub_mac, 6);
	memcpy(sa->dmac, s->peer_mac, 6);
}

/* After a reload the rekeyed child takes the profile of the same name, if it stayed in the VRF. */
static void profile_refresh(struct session *s)
{
	struct config *cur = s->m->cfg;
	const struct cfg_profile *p;

	if (cur == s->cfg)
		return;
	p = config_profile_by_name(cur, s->prof->name);
	if (!p || profile_vrf(cur, p)->id != s->vrf) {
		log_warn("session %u: profile %s is gone or moved to another vrf; the rekey keeps the old one",
			 s->id, s->prof->name);
		return;
	}
	config_unref(s->cfg);
	s->cfg = config_ref(cur);
	s->prof = p;
	log_info("session %u: rekey takes the reloaded profile %s", s->id, p->name);
}


static void via_text(const struct session *s, const struct child *c, char *buf, size_t n)
{
	snprintf(buf, n, "sa %u spi 0x%08x (session %u child %u)", c->sa_out, c->spi_out, s->id, c->id);
}

static void stage_nh(struct session *s, uint32_t nh, uint8_t kind, uint32_t sa, struct card_job *j)
{
	struct card_cmd cmd = { .op = CARD_NH_SET, .job = j };

	cmd.u.nh.idx = nh;
	cmd.u.nh.kind = kind;
	cmd.u.nh.sa = sa;
	card_q(s->m->card, &cmd);
}

/* Both SA slots; -ENOSPC when the card is full. */
static int pair_alloc(struct session *s, struct child *c)
{
	struct card *card = s->m->card;

	c->sa_in = card_sa_alloc(card);
	c->sa_out = card_sa_alloc(card);
	if (c->sa_in != VRFSEC_ABI_NONE && c->sa_out != VRFSEC_ABI_NONE) {
		card_sa_own(card, c->sa_in, c);
		card_sa_own(card, c->sa_out, c);
		return 0;
	}
	if (c->sa_in != VRFSEC_ABI_NONE)
		card_sa_free(card, c->sa_in);
	if (c->sa_out != VRFSEC_ABI_NONE)
		card_sa_free(card, c->sa_out);
	c->sa_in = c->sa_out = VRFSEC_ABI_NONE;
	return -ENOSPC;
}

/* Both SA_ADDs with the keys from p, for job j. */
static void stage_pair(struct session *s, struct child *c, const struct child_params *p,
		       struct card_job *j)
{
	struct card_cmd cmd = { .op = CARD_SA_ADD, .job = j };

	sa_in_cfg(s, c, &cmd.u.sa);
	memcpy(cmd.u.sa.key, p->in.key, sizeof(cmd.u.sa.key));
	cmd.u.sa.key_len = p->in.key_len;
	memcpy(cmd.u.sa.salt, p->in.salt, 4);
	card_q(s->m->card, &cmd);
	sa_out_cfg(s, c, &cmd.u.sa);
	memcpy(cmd.u.sa.key, p->out.key, sizeof(cmd.u.sa.key));
	cmd.u.sa.key_len = p->out.key_len;
	memcpy(cmd.u.sa.salt, p->out.salt, 4);
	card_q(s->m->card, &cmd);
	explicit_bzero(&cmd, sizeof(cmd));
}

static void remove_pair(struct session *s, struct child *c)
{
	struct card *card = s->m->card;
	struct card_cmd cmd = { .op = CARD_SA_DEL };

	if (c->sa_in != VRFSEC_ABI_NONE) {
		cmd.u.idx = c->sa_in;
		if (!c->in_gone)
			card_q(card, &cmd);
		card_sa_free(card, c->sa_in);
	}
	if (c->sa_out != VRFSEC_ABI_NONE) {
		cmd.u.idx = c->sa_out;
		if (!c->out_gone)
			card_q(card, &cmd);
		card_sa_free(card, c->sa_out);
	}
	c->sa_in = c->sa_out = VRFSEC_ABI_NONE;
}

/* Every route must be free in the VRF or already this session's. */
static int routes_free(const struct session *s, const struct child *c)
{
	for (unsigned i = 0; i < c->n_routes; i++) {
		const struct rib_entry *e = rib_find(s->m->rib, s->vrf, &c->routes[i]);

		if (e && (e->kind != RIB_RRI || e->owner != s->id))
			return -EEXIST;
	}
	return 0;
}

static bool has_route(const struct child *c, const struct prefix *p)
{
	for (unsigned i = 0; i < c->n_routes; i++)
		if (prefix_eq(&c->routes[i], p))
			return true;
	return false;
}

static struct child *child_new(struct session *s, const struct child_params *p)
{
	struct child *c = calloc(1, sizeof(*c));
	const struct cfg_profile *pr = s->prof;

	if (!c)
		return NULL;
	c->s = s;
	c->spi_in = p->spi_in;
	c->spi_out = p->spi_out;
	c->esn = p->esn;
	c->sa_in = c->sa_out = c->nh = VRFSEC_ABI_NONE;
	c->mtu = s->cfg->g.public_mtu;
	c->idle_s = (uint16_t)(pr->dpd_interval > 65535 ? 65535 : pr->dpd_interval);
	lifetime(&c->soft, &pr->soft);
	lifetime(&c->hard, &pr->hard);
	c->up_ms = s->m->now_ms;
	return c;
}

static int resolve_peer(struct session *s)
{
	char a[ADDR_STRLEN];
	int rc = s->m->resolve ? s->m->resolve(s->m->resolve_arg, &s->peer, s->peer_mac) : 0;

	if (rc) {
		log_warn("session %u: no MAC yet for the next hop towards %s; resolving", s->id,
			 addr_str(&s->peer, a, sizeof(a)));
		return -EHOSTUNREACH;
	}
	return 0;
}

static void child_unlink(struct session *s, struct child *c)
{
	for (struct child **pp = &s->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

/* A rekey whose switch is staged holds its old pair back from draining. */
static struct child *rekeyed_old(struct session *s, const struct child *c)
{
	struct child *old = c->switch_from ? session_child(s, c->switch_from) : NULL;

	return old && old->state == CHILD_DRAINING && old->drain_until_ms == UINT64_MAX ? old : NULL;
}

void child_remove(struct session *s, struct child *c)
{
	struct child *old = rekeyed_old(s, c);

	card_job_cancel(c->job);
	c->job = NULL;
	if (old && c->job_switch)
		old->drain_until_ms = s->m->now_ms + s->cfg->g.rekey_grace_ms;
	for (unsigned i = 0; c->routes_in && i < c->n_routes; i++) {
		const struct rib_entry *e = rib_find(s->m->rib, s->vrf, &c->routes[i]);

		/* only routes that still use this child: another pair may have taken one over */
		if (e && e->kind == RIB_RRI && e->owner == s->id && e->nh == c->nh)
			rib_del_q(s->m->rib, s->m->card, s->vrf, &c->routes[i]);
	}
	c->n_routes = 0;
	if (c->nh != VRFSEC_ABI_NONE) {
		if (c->nh_set)
			stage_nh(s, c->nh, VRFSEC_NEXTHOP_NONE, 0, NULL);
		card_nh_free(s->m->card, c->nh);
		c->nh = VRFSEC_ABI_NONE;
	}
	remove_pair(s, c);
	child_unlink(s, c);
	if (c->state != CHILD_INSTALLING)
		s->m->stats.down++;
	free(c);
}

/* The install failed: the child goes, and IKE learns it. */
static void install_failed(struct session *s, struct child *c, int rc)
{
	uint32_t id = c->id;

	s->m->stats.install_failed++;
	child_remove(s, c);
	if (s->m->hooks.child_installed)
		s->m->hooks.child_installed(s->m->hooks.arg, s, id, rc);
}

static void install_done(struct session *s, struct child *c)
{
	if (s->m->hooks.child_installed)
		s->m->hooks.child_installed(s->m->hooks.arg, s, c->id, 0);
}

static void fail_log(const struct session *s, const struct child *c, const struct card_job *j,
		     const char *what)
{
	log_err("session %u child %u (in spi 0x%08x, out spi 0x%08x): %s: card %s failed: %s", s->id,
		c->id, c->spi_in, c->spi_out, what, card_op_name(j->failed_op),
		vrfsec_strerror(j->status));
}

/* ---- a new child: its routes after its SAs -------------------------------------------------- */

static void routes_done(void *arg, struct card_job *j)
{
	struct child *c = arg;
	struct session *s = c->s;

	c->job = NULL;
	if (j->status) {
		fail_log(s, c, j, "next hop and routes");
		install_failed(s, c, j->status);
		return;
	}
	c->state = CHILD_INSTALLED;
	s->m->stats.up++;
	log_info("session %u child %u up: in spi 0x%08x sa %u, out spi 0x%08x sa %u, %u route%s, %s",
		 s->id, c->id, c->spi_in, c->sa_in, c->spi_out, c->sa_out, c->n_routes,
		 c->n_routes == 1 ? "" : "s", c->esn ? "ESN" : "32-bit seq");
	install_done(s, c);
}

/* Job j points the child's next hop at its outbound SA and its routes at that next hop: the
 * routes old (NULL: none) already has are repointed, the others added. */
static void stage_nh_routes(struct session *s, struct child *c, const struct child *old,
			    struct card_job *j)
{
	struct rib_entry e = { 0 };
	int rc;

	c->nh_set = true;
	stage_nh(s, c->nh, VRFSEC_NEXTHOP_SA, c->sa_out, j);
	e.vrf = s->vrf;
	e.nh = c->nh;
	e.kind = RIB_RRI;
	e.owner = s->id;
	via_text(s, c, e.via, sizeof(e.via));
	c->routes_in = true;
	for (unsigned i = 0; i < c->n_routes; i++) {
		e.dst = c->routes[i];
		rc = old && has_route(old, &e.dst)
			     ? rib_set_nh_q(s->m->rib, s->m->card, s->vrf, &e.dst, e.nh, e.via, j)
			     : rib_add_q(s->m->rib, s->m->card, &e, j);
		if (rc && !j->status) {
			j->status = rc;
			j->failed_op = CARD_ROUTE_ADD;
		}
	}
}

static void stage_routes(struct session *s, struct child *c)
{
	struct card_job *j;
	int rc = routes_free(s, c);

	if (rc) {
		log_err("session %u child %u: a route is already another tunnel's or a static route", s->id,
			c->id);
		install_failed(s, c, rc);
		return;
	}
	if (c->nh == VRFSEC_ABI_NONE)
		c->nh = card_nh_alloc(s->m->card);
	j = c->nh == VRFSEC_ABI_NONE ? NULL : card_job_new(routes_done, c);
	if (!j) {
		install_failed(s, c, c->nh == VRFSEC_ABI_NONE ? -ENOSPC : -ENOMEM);
		return;
	}
	c->job = j;
	stage_nh_routes(s, c, NULL, j);
}

/* ---- a rekey: the switch after the new SAs -------------------------------------------------- */

static void switch_done(void *arg, struct card_job *j)
{
	struct child *c = arg;
	struct session *s = c->s;
	struct child *old = rekeyed_old(s, c);
	struct rib_entry e = { 0 };
	bool beside = c->state == CHILD_INSTALLED; /* a hand-over after the install was reported */

	c->job = NULL;
	c->job_switch = false;
	if (!j->status) {
		if (old)
			old->drain_until_ms = s->m->now_ms + s->cfg->g.rekey_grace_ms;
		c->state = CHILD_INSTALLED;
		c->hold = false;
		c->switch_at_ms = 0;
		if (c->switch_from == c->rekey_of) {
			s->m->stats.rekeys++;
			log_info("session %u: child %u rekeyed as %u (out spi 0x%08x -> 0x%08x); old pair leaves in %u ms",
				 s->id, c->rekey_of, c->id, old ? old->spi_out : 0, c->spi_out,
				 s->cfg->g.rekey_grace_ms);
		} else {
			log_info("session %u: the routes of child %u moved to child %u of a colliding rekey (out spi 0x%08x -> 0x%08x)",
				 s->id, c->switch_from, c->id, old ? old->spi_out : 0, c->spi_out);
		}
		if (!beside)
			install_done(s, c);
		return;
	}
	fail_log(s, c, j, "rekey switch");
	if (!old) {
		install_failed(s, c, j->status);
		return;
	}
	/* the old pair takes its next hop and routes back; the new one leaves */
	old->state = CHILD_INSTALLED;
	old->nh = c->nh;
	old->n_routes = c->old_n_routes;
	old->drain_until_ms = 0;
	stage_nh(s, old->nh, VRFSEC_NEXTHOP_SA, old->sa_out, NULL);
	e.vrf = s->vrf;
	e.nh = old->nh;
	e.kind = RIB_RRI;
	e.owner = s->id;
	via_text(s, old, e.via, sizeof(e.via));
	for (unsigned i = 0; i < old->n_routes; i++) {
		e.dst = old->routes[i];
		if (!has_route(c, &e.dst))
			rib_add_q(s->m->rib, s->m->card, &e, NULL);
		else
			rib_set_nh_q(s->m->rib, s->m->card, s->vrf, &e.dst, e.nh, e.via, NULL);
	}
	for (unsigned i = 0; i < c->n_routes; i++)
		if (!has_route(old, &c->routes[i]))
			rib_del_q(s->m->rib, s->m->card, s->vrf, &c->routes[i]);
	c->routes_in = false;
	c->nh = VRFSEC_ABI_NONE;
	if (!beside) {
		install_failed(s, c, j->status);
		return;
	}
	/* a hand-over: the new pair stays beside; an old pair IKE deleted goes with its routes */
	c->nh_set = false;
	if (old->deleted)
		child_remove(s, old);
}

/* One NH_SET moves every route of the child to the new outbound SA; routes the new selectors
 * add or drop change with it. The old pair drains once the card answered. -ENOMEM: nothing
 * staged. */
static int stage_switch(struct session *s, struct child *c, struct child *old)
{
	struct card_job *j = card_job_new(switch_done, c);

	if (!j)
		return -ENOMEM;
	c->job = j;
	c->job_switch = true;
	c->switch_from = old->id;
	c->nh = old->nh;
	stage_nh_routes(s, c, old, j);
	for (unsigned i = 0; i < old->n_routes; i++)
		if (!has_route(c, &old->routes[i]))
			rib_del_q(s->m->rib, s->m->card, s->vrf, &old->routes[i]);
	c->old_n_routes = old->n_routes;
	old->n_routes = 0;
	old->nh = VRFSEC_ABI_NONE;
	old->state = CHILD_DRAINING;
	old->drain_until_ms = UINT64_MAX; /* until the card answered */
	return 0;
}

/* ---- a pair beside the one carrying the routes --------------------------------------------- */

/* It is installed, its next hop points at its outbound SA and the routes use it. */
static bool carries(const struct child *c)
{
	return c->state == CHILD_INSTALLED && c->nh != VRFSEC_ABI_NONE && !c->job;
}

/* The pair installed beside c that takes c's routes when c goes: c's rekey, or a rekey of the
 * pair c replaced (the two of a collision). */
static struct child *heir(struct session *s, const struct child *c)
{
	for (struct child *x = s->children; x; x = x->next)
		if (x != c && x->state == CHILD_INSTALLED && x->nh == VRFSEC_ABI_NONE && !x->job &&
		    (x->rekey_of == c->id || (c->rekey_of && x->rekey_of == c->rekey_of)))
			return x;
	return NULL;
}

/* The pair carrying the routes of c's lineage (the rekeyed pair or a sibling rekey of it). */
static struct child *carrier(struct session *s, const struct child *c)
{
	for (struct child *x = s->children; x; x = x->next)
		if (x != c && carries(x) && (x->id == c->rekey_of || x->rekey_of == c->rekey_of))
			return x;
	return NULL;
}

static void install_beside(struct session *s, struct child *c)
{
	c->state = CHILD_INSTALLED;
	if (c->hold) {
		c->switch_at_ms = s->m->now_ms + PEER_REKEY_HOLD_MS;
		log_info("session %u: child %u rekeyed by the peer as %u (in spi 0x%08x, out spi 0x%08x); the routes stay on the old pair until the peer deletes it",
			 s->id, c->rekey_of, c->id, c->spi_in, c->spi_out);
	} else {
		log_info("session %u: child %u (in spi 0x%08x, out spi 0x%08x) installed beside the pair carrying the routes of child %u (a colliding rekey)",
			 s->id, c->id, c->spi_in, c->spi_out, c->rekey_of);
	}
	install_done(s, c);
}

bool child_hand_over(struct session *s, struct child *c)
{
	struct child *h = carries(c) ? heir(s, c) : NULL;

	if (!h || stage_switch(s, h, c) != 0)
		return false;
	log_info("session %u: child %u goes; its routes move to child %u", s->id, c->id, h->id);
	c->deleted = true;
	return true;
}

void child_hold_expired(struct session *s, struct child *c)
{
	struct child *old = session_child(s, c->rekey_of);

	c->switch_at_ms = 0;
	if (!old || !carries(old) || stage_switch(s, c, old) != 0)
		return; /* out of memory: the peer's DELETE moves them */
	log_info("session %u: no DELETE of child %u from the peer within %u ms; its routes move to child %u",
		 s->id, old->id, PEER_REKEY_HOLD_MS, c->id);
}

/* ---- the SAs, for both ---------------------------------------------------------------------- */

static void pair_done(void *arg, struct card_job *j)
{
	struct child *c = arg;
	struct session *s = c->s;
	struct child *old;

	c->job = NULL;
	if (j->status) {
		fail_log(s, c, j, "SAs");
		install_failed(s, c, j->status);
		return;
	}
	old = c->rekey_of ? session_child(s, c->rekey_of) : NULL;
	if (old && carries(old) && !c->hold) {
		if (stage_switch(s, c, old) != 0)
			install_failed(s, c, -ENOMEM);
		return;
	}
	if (c->rekey_of && (old || carrier(s, c))) {
		install_beside(s, c);
		return;
	}
	if (c->rekey_of)
		log_info("session %u: child %u left while its rekey %u was installed; installing it anew",
			 s->id, c->rekey_of, c->id);
	stage_routes(s, c);
}

/* Common start: a child with its routes and SA slots, its SAs staged. */
static int start(struct session *s, struct child_params *p, uint32_t rekey_of, struct child **out)
{
	struct card_job *j;
	struct child *c;
	int rc;

	*out = NULL;
	if ((rc = resolve_peer(s)) != 0)
		return rc;
	c = child_new(s, p);
	if (!c)
		return -ENOMEM;
	if ((rc = child_routes(s, p, c)) != 0 || (rc = routes_free(s, c)) != 0 ||
	    (rc = pair_alloc(s, c)) != 0) {
		free(c);
		return rc;
	}
	j = card_job_new(pair_done, c);
	if (!j) {
		remove_pair(s, c);
		free(c);
		return -ENOMEM;
	}
	stage_pair(s, c, p, j);
	c->job = j;
	c->rekey_of = rekey_of;
	c->id = s->m->next_child_id++;
	c->state = CHILD_INSTALLING;
	c->next = s->children;
	s->children = c;
	*out = c;
	return 0;
}

int child_up(struct session *s, struct child_params *p, uint32_t *child_id)
{
	struct child *c;
	int rc = start(s, p, 0, &c);

	wipe_params(p);
	if (rc) {
		s->m->stats.install_failed++;
		return rc;
	}
	*child_id = c->id;
	return 0;
}

int child_rekey(struct session *s, uint32_t old_id, struct child_params *p, uint32_t *new_id)
{
	struct child *old = session_child(s, old_id), *c;
	int rc;

	if (!old) {
		wipe_params(p);
		return -ENOENT;
	}
	profile_refresh(s);
	rc = start(s, p, old_id, &c);
	wipe_params(p);
	if (rc) {
		s->m->stats.install_failed++;
		return rc;
	}
	c->hold = p->hold_routes;
	*new_id = c->id;
	return 0;
}

int child_down(struct session *s, uint32_t child_id)
{
	struct child *c = session_child(s, child_id);

	if (!c)
		return -ENOENT;
	log_info("session %u child %u down", s->id, c->id);
	if (!child_hand_over(s, c))
		child_remove(s, c);
	return 0;
}
