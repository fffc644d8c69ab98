/* SPDX-License-Identifier: Apache-2.0 */
/* The session layer: CHILD SA pairs, reverse-injected routes and make-before-break rekeys on the
 * card; card events to IKE's hooks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "session.h"

static void default_rekey(void *arg, struct session *s, uint32_t child_id, enum rekey_reason why)
{
	(void)arg;
	log_info("session %u child %u: rekey wanted (%s); no IKE attached to do it", s->id, child_id,
		 why == REKEY_SOFT_LIFETIME ? "soft lifetime"
		 : why == REKEY_SEQ_NEAR    ? "sequence numbers nearly used"
					    : "peer address moved");
}

static void default_expired(void *arg, struct session *s, uint32_t child_id)
{
	(void)arg;
	log_info("session %u child %u: hard lifetime reached, removed", s->id, child_id);
}

static void default_dpd(void *arg, struct session *s)
{
	(void)arg;
	log_debug("session %u: inbound idle, DPD probe wanted; no IKE attached", s->id);
}

void sess_mgr_init(struct sess_mgr *m, struct card *card, struct rib *rib, struct pools *pools,
		   struct config *cfg, resolve_fn resolve, void *resolve_arg)
{
	memset(m, 0, sizeof(*m));
	m->card = card;
	m->rib = rib;
	m->pools = pools;
	m->cfg = cfg;
	m->resolve = resolve;
	m->resolve_arg = resolve_arg;
	m->next_session_id = 1;
	m->next_child_id = 1;
	m->hooks.rekey_child = default_rekey;
	m->hooks.child_expired = default_expired;
	m->hooks.dpd_probe = default_dpd;
}

void sess_mgr_set_hooks(struct sess_mgr *m, const struct session_hooks *h)
{
	m->hooks = *h;
}

void sess_mgr_fini(struct sess_mgr *m)
{
	while (m->list)
		session_down(m->list);
}

struct session *session_find(const struct sess_mgr *m, uint32_t id)
{
	for (struct session *s = m->list; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

struct child *session_child(const struct session *s, uint32_t child_id)
{
	for (struct child *c = s->children; c; c = c->next)
		if (c->id == child_id)
			return c;
	return NULL;
}

struct session *session_by_sa(const struct sess_mgr *m, uint32_t sa, struct child **out)
{
	for (struct session *s = m->list; s; s = s->next)
		for (struct child *c = s->children; c; c = c->next)
			if (c->sa_in == sa || c->sa_out == sa) {
				if (out)
					*out = c;
				return s;
			}
	return NULL;
}

unsigned session_count_vrf(const struct sess_mgr *m, uint16_t vrf)
{
	unsigned n = 0;

	for (const struct session *s = m->list; s; s = s->next)
		n += s->vrf == vrf;
	return n;
}

int session_create(struct sess_mgr *m, const struct session_params *p, struct session **out)
{
	const struct cfg_profile *prof = config_profile_by_name(m->cfg, p->profile);
	const struct cfg_global *g = &m->cfg->g;
	struct session *s;
	char a[ADDR_STRLEN], id[IDENT_MAX + 8];

	*out = NULL;
	if (!prof)
		return -ENOENT;
	if (p->peer.af != 4 && p->peer.af != 6)
		return -EINVAL;
	if (!(p->local.af ? p->local.af == p->peer.af : (p->peer.af == 4 ? g->pub4.af : g->pub6.af)))
		return -EAFNOSUPPORT;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->id = m->next_session_id++;
	s->m = m;
	s->cfg = config_ref(m->cfg);
	s->prof = prof;
	s->vrf = profile_vrf(m->cfg, prof)->id;
	snprintf(s->vrf_name, sizeof(s->vrf_name), "%s", profile_vrf(m->cfg, prof)->name);
	s->peer_id = p->peer_id;
	s->peer = p->peer;
	s->peer_port = p->peer_port;
	s->local = p->local.af ? p->local : (p->peer.af == 4 ? g->pub4 : g->pub6);
	s->udp_encap = p->udp_encap;
	s->local_port = p->udp_encap ? g->natt_port : g->ike_port;
	s->ike_spi_i = p->ike_spi_i;
	s->ike_spi_r = p->ike_spi_r;
	s->ike = p->ike;
	s->created_ms = m->now_ms;
	s->next = m->list;
	m->list = s;
	m->n_sessions++;
	log_info("session %u: %s from %s:%u, profile %s, vrf %s%s", s->id,
		 ident_str(&s->peer_id, id, sizeof(id)), addr_str(&s->peer, a, sizeof(a)),
		 s->peer_port, prof->name, s->vrf_name, s->udp_encap ? ", NAT-T" : "");
	*out = s;
	return 0;
}

int session_lease_vip(struct session *s, uint8_t af, const struct ipaddr *want, struct ipaddr *got)
{
	unsigned k = af == 6;
	int rc = -ENOENT;

	if (s->vip[k].af) {
		*got = s->vip[k];
		return 0;
	}
	for (unsigned i = 0; i < s->prof->n_pools; i++) {
		struct pool *p;

		if (s->prof->pools[i].addr.af != af)
			continue;
		p = pools_get(s->m->pools, s->vrf, &s->prof->pools[i]);
		if (!p)
			return -ENOMEM;
		rc = want && want->af ? pool_lease(p, want, got) : -EINVAL;
		if (rc)
			rc = pool_lease(p, NULL, got); /* the requested one is taken or not ours */
		if (rc == 0) {
			s->vip[k] = *got;
			s->vip_pool[k] = p;
			return 0;
		}
	}
	return rc;
}

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

static void sa_in_cfg(const struct session *s, const struct child *c, struct vrfsec_sa_cfg *sa)
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

static void sa_out_cfg(const struct session *s, const struct child *c, struct vrfsec_sa_cfg *sa)
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

static const char *card_err(const struct sess_mgr *m)
{
	return m->card->ops->errmsg ? m->card->ops->errmsg(m->card->ctx) : "";
}

/* Both SAs of a child onto the card (slots allocated here); keys from p. */
static int install_pair(struct session *s, struct child *c, const struct child_params *p)
{
	struct card *card = s->m->card;
	struct vrfsec_sa_cfg sa;
	int rc;

	c->sa_in = card_sa_alloc(card);
	c->sa_out = card_sa_alloc(card);
	if (c->sa_in == VRFSEC_ABI_NONE || c->sa_out == VRFSEC_ABI_NONE) {
		rc = -ENOSPC;
		goto fail;
	}
	sa_in_cfg(s, c, &sa);
	memcpy(sa.key, p->in.key, sizeof(sa.key));
	sa.key_len = p->in.key_len;
	memcpy(sa.salt, p->in.salt, 4);
	rc = card->ops->sa_add(card->ctx, &sa);
	explicit_bzero(&sa, sizeof(sa));
	if (rc) {
		log_err("session %u: inbound SA spi 0x%08x: %s (%s)", s->id, c->spi_in,
			vrfsec_strerror(rc), card_err(s->m));
		goto fail;
	}
	sa_out_cfg(s, c, &sa);
	memcpy(sa.key, p->out.key, sizeof(sa.key));
	sa.key_len = p->out.key_len;
	memcpy(sa.salt, p->out.salt, 4);
	rc = card->ops->sa_add(card->ctx, &sa);
	explicit_bzero(&sa, sizeof(sa));
	if (rc) {
		log_err("session %u: outbound SA spi 0x%08x: %s (%s)", s->id, c->spi_out,
			vrfsec_strerror(rc), card_err(s->m));
		card->ops->sa_del(card->ctx, c->sa_in);
		goto fail;
	}
	return 0;
fail:
	if (c->sa_in != VRFSEC_ABI_NONE)
		card_sa_free(card, c->sa_in);
	if (c->sa_out != VRFSEC_ABI_NONE)
		card_sa_free(card, c->sa_out);
	c->sa_in = c->sa_out = VRFSEC_ABI_NONE;
	return rc;
}

static void remove_pair(struct session *s, struct child *c)
{
	struct card *card = s->m->card;

	if (c->sa_in != VRFSEC_ABI_NONE) {
		if (!c->in_gone)
			card->ops->sa_del(card->ctx, c->sa_in);
		card_sa_free(card, c->sa_in);
	}
	if (c->sa_out != VRFSEC_ABI_NONE) {
		if (!c->out_gone)
			card->ops->sa_del(card->ctx, c->sa_out);
		card_sa_free(card, c->sa_out);
	}
	c->sa_in = c->sa_out = VRFSEC_ABI_NONE;
}

static int nh_point(struct session *s, uint32_t nh, uint8_t kind, uint32_t sa)
{
	struct vrfsec_nh_cfg n = { 0 };

	n.idx = nh;
	n.kind = kind;
	n.sa = sa;
	return s->m->card->ops->nh_set(s->m->card->ctx, &n);
}

static void via_text(const struct session *s, const struct child *c, char *buf, size_t n)
{
	snprintf(buf, n, "sa %u spi 0x%08x (session %u child %u)", c->sa_out, c->spi_out, s->id, c->id);
}

/* Routes of c not already in keep[] go in; each must be free or ours. */
static int routes_add(struct session *s, struct child *c)
{
	struct rib_entry e = { 0 };
	char a[PREFIX_STRLEN];
	int rc;

	e.vrf = s->vrf;
	e.nh = c->nh;
	e.kind = RIB_RRI;
	e.owner = s->id;
	via_text(s, c, e.via, sizeof(e.via));
	for (unsigned i = 0; i < c->n_routes; i++) {
		e.dst = c->routes[i];
		rc = rib_add(s->m->rib, s->m->card, &e);
		if (rc) {
			log_err("session %u: route %s in vrf %s: %s", s->id,
				prefix_str(&e.dst, a, sizeof(a)), s->vrf_name,
				rc == -EEXIST ? "already routed to another tunnel or a static route"
					      : vrfsec_strerror(rc));
			while (i-- > 0)
				rib_del(s->m->rib, s->m->card, s->vrf, &c->routes[i]);
			return rc;
		}
	}
	return 0;
}

/* Every route must be free in the VRF or already this session's, before the card is touched. */
static int routes_free(const struct session *s, const struct child *c)
{
	for (unsigned i = 0; i < c->n_routes; i++) {
		const struct rib_entry *e = rib_find(s->m->rib, s->vrf, &c->routes[i]);

		if (e && (e->kind != RIB_RRI || e->owner != s->id))
			return -EEXIST;
	}
	return 0;
}

static struct child *child_new(struct session *s, const struct child_params *p)
{
	struct child *c = calloc(1, sizeof(*c));
	const struct cfg_profile *pr = s->prof;

	if (!c)
		return NULL;
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

int child_up(struct session *s, struct child_params *p, uint32_t *child_id)
{
	struct card *card = s->m->card;
	char via[96];
	struct child *c = NULL;
	int rc;

	if ((rc = resolve_peer(s)) != 0)
		goto out;
	c = child_new(s, p);
	if (!c) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = child_routes(s, p, c)) != 0 || (rc = routes_free(s, c)) != 0)
		goto out;
	c->nh = card_nh_alloc(card);
	if (c->nh == VRFSEC_ABI_NONE) {
		rc = -ENOSPC;
		goto out;
	}
	if ((rc = install_pair(s, c, p)) != 0)
		goto out;
	c->id = s->m->next_child_id++; /* before the routes: their "via" names it */
	if ((rc = nh_point(s, c->nh, VRFSEC_NEXTHOP_SA, c->sa_out)) != 0 ||
	    (rc = routes_add(s, c)) != 0) {
		nh_point(s, c->nh, VRFSEC_NEXTHOP_NONE, 0);
		remove_pair(s, c);
		goto out;
	}
	c->state = CHILD_INSTALLED;
	c->next = s->children;
	s->children = c;
	s->m->stats.up++;
	via_text(s, c, via, sizeof(via));
	log_info("session %u child %u up: in spi 0x%08x sa %u, out spi 0x%08x sa %u, %u route%s, %s",
		 s->id, c->id, c->spi_in, c->sa_in, c->spi_out, c->sa_out, c->n_routes,
		 c->n_routes == 1 ? "" : "s", c->esn ? "ESN" : "32-bit seq");
	*child_id = c->id;
	c = NULL;
out:
	wipe_params(p);
	if (c) {
		if (c->nh != VRFSEC_ABI_NONE)
			card_nh_free(card, c->nh);
		free(c);
		s->m->stats.install_failed++;
	}
	return rc;
}

static void child_unlink(struct session *s, struct child *c)
{
	for (struct child **pp = &s->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

/* Routes out, next hop emptied, SAs out, slots back. */
static void child_remove(struct session *s, struct child *c)
{
	for (unsigned i = 0; i < c->n_routes; i++)
		rib_del(s->m->rib, s->m->card, s->vrf, &c->routes[i]);
	c->n_routes = 0;
	if (c->nh != VRFSEC_ABI_NONE) {
		nh_point(s, c->nh, VRFSEC_NEXTHOP_NONE, 0);
		card_nh_free(s->m->card, c->nh);
		c->nh = VRFSEC_ABI_NONE;
	}
	remove_pair(s, c);
	child_unlink(s, c);
	s->m->stats.down++;
	free(c);
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

static bool has_route(const struct child *c, const struct prefix *p)
{
	for (unsigned i = 0; i < c->n_routes; i++)
		if (prefix_eq(&c->routes[i], p))
			return true;
	return false;
}

int child_rekey(struct session *s, uint32_t old_id, struct child_params *p, uint32_t *new_id)
{
	struct child *old = session_child(s, old_id), *c = NULL;
	struct card *card = s->m->card;
	struct rib_entry e = { 0 };
	int rc;

	if (!old || old->state != CHILD_INSTALLED) {
		rc = -ENOENT;
		goto out;
	}
	profile_refresh(s);
	if ((rc = resolve_peer(s)) != 0)
		goto out;
	c = child_new(s, p);
	if (!c) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = child_routes(s, p, c)) != 0 || (rc = routes_free(s, c)) != 0)
		goto out;
	if ((rc = install_pair(s, c, p)) != 0)
		goto out;
	/* the switch: one NH_SET moves every route of the child to the new outbound SA */
	c->nh = old->nh;
	if ((rc = nh_point(s, c->nh, VRFSEC_NEXTHOP_SA, c->sa_out)) != 0) {
		c->nh = VRFSEC_ABI_NONE;
		remove_pair(s, c);
		goto out;
	}
	c->id = s->m->next_child_id++;
	e.vrf = s->vrf;
	e.nh = c->nh;
	e.kind = RIB_RRI;
	e.owner = s->id;
	via_text(s, c, e.via, sizeof(e.via));
	for (unsigned i = 0; i < c->n_routes; i++) {
		e.dst = c->routes[i];
		if (has_route(old, &c->routes[i]))
			rib_set_nh(s->m->rib, card, s->vrf, &e.dst, e.nh, e.via);
		else if (rib_add(s->m->rib, card, &e) != 0)
			log_warn("session %u child %u: a new selector's route could not be added", s->id,
				 c->id);
	}
	for (unsigned i = 0; i < old->n_routes; i++)
		if (!has_route(c, &old->routes[i]))
			rib_del(s->m->rib, card, s->vrf, &old->routes[i]);
	old->n_routes = 0;
	old->nh = VRFSEC_ABI_NONE;
	old->state = CHILD_DRAINING;
	old->drain_until_ms = s->m->now_ms + s->cfg->g.rekey_grace_ms;
	c->state = CHILD_INSTALLED;
	c->next = s->children;
	s->children = c;
	s->m->stats.rekeys++;
	log_info("session %u: child %u rekeyed as %u (out spi 0x%08x -> 0x%08x); old pair leaves in %u ms",
		 s->id, old->id, c->id, old->spi_out, c->spi_out, s->cfg->g.rekey_grace_ms);
	*new_id = c->id;
	c = NULL;
out:
	wipe_params(p);
	if (c) {
		s->m->stats.install_failed++;
		free(c);
	}
	return rc;
}

int child_down(struct session *s, uint32_t child_id)
{
	struct child *c = session_child(s, child_id);

	if (!c)
		return -ENOENT;
	log_info("session %u child %u down", s->id, c->id);
	child_remove(s, c);
	return 0;
}

void session_down(struct session *s)
{
	struct sess_mgr *m = s->m;

	while (s->children)
		child_remove(s, s->children);
	for (unsigned k = 0; k < 2; k++)
		if (s->vip_pool[k])
			pool_release(s->vip_pool[k], &s->vip[k]);
	for (struct session **pp = &m->list; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	m->n_sessions--;
	log_info("session %u down", s->id);
	config_unref(s->cfg);
	free(s);
}

int session_clear(struct sess_mgr *m, uint32_t id)
{
	struct session *s = session_find(m, id);

	if (!s)
		return -ENOENT;
	log_info("session %u: cleared by the operator", id);
	if (m->hooks.clearing)
		m->hooks.clearing(m->hooks.arg, s);
	session_down(s);
	return 0;
}

/* One pair to the session's current peer in place: outbound destination, port and MACs,
 * inbound source and port. */
static int pair_move(struct session *s, struct child *c, bool eth)
{
	struct card *card = s->m->card;
	struct vrfsec_sa_cfg sa;
	int rc;

	sa_out_cfg(s, c, &sa);
	sa.update = VRFSEC_SA_UPD_ADDR | (eth ? VRFSEC_SA_UPD_ETH : 0u);
	rc = card->ops->sa_update(card->ctx, &sa);
	if (rc) {
		log_err("session %u child %u: moving outbound SA %u (spi 0x%08x): %s (%s)", s->id, c->id,
			c->sa_out, c->spi_out, vrfsec_strerror(rc), card_err(s->m));
		return rc;
	}
	sa_in_cfg(s, c, &sa);
	sa.update = VRFSEC_SA_UPD_ADDR;
	rc = card->ops->sa_update(card->ctx, &sa);
	if (rc) /* the card does not check the outer source: inbound traffic still flows */
		log_warn("session %u child %u: moving inbound SA %u (spi 0x%08x): %s (%s)", s->id,
			 c->id, c->sa_in, c->spi_in, vrfsec_strerror(rc), card_err(s->m));
	return 0;
}

int session_peer_moved(struct session *s, const struct ipaddr *addr, uint16_t port,
		       const uint8_t *frame_mac)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	uint16_t old_port = s->peer_port;
	uint8_t mac[6];
	bool eth;
	int rc = 0, err;

	if (addr_eq(addr, &s->peer) && port == s->peer_port)
		return 0;
	if (addr->af != s->peer.af) {
		/* the outer family is fixed per SA: only a rekey can change it */
		log_warn("session %u: peer moved to another address family; rekeying", s->id);
		s->peer = *addr;
		s->peer_port = port;
		for (struct child *c = s->children; c; c = c->next)
			if (c->state == CHILD_INSTALLED && s->m->hooks.rekey_child)
				s->m->hooks.rekey_child(s->m->hooks.arg, s, c->id, REKEY_PEER_MOVED);
		return 0;
	}
	addr_str(&s->peer, a, sizeof(a));
	addr_str(addr, b, sizeof(b));
	memcpy(mac, s->peer_mac, 6);
	if (!s->m->resolve || s->m->resolve(s->m->resolve_arg, addr, mac) != 0) {
		if (frame_mac)
			memcpy(mac, frame_mac, 6);
	}
	eth = memcmp(mac, s->peer_mac, 6) != 0;
	s->peer = *addr;
	s->peer_port = port;
	memcpy(s->peer_mac, mac, 6);
	log_info("session %u: peer moved %s:%u -> %s:%u%s; SAs follow in place", s->id, a,
		 old_port, b, port, eth ? " (new next-hop MAC)" : "");
	s->m->stats.peer_moves++;
	for (struct child *c = s->children; c; c = c->next) {
		if (c->state != CHILD_INSTALLED)
			continue;
		err = pair_move(s, c, eth);
		if (err) {
			rc = rc ? rc : err;
			if (s->m->hooks.rekey_child)
				s->m->hooks.rekey_child(s->m->hooks.arg, s, c->id, REKEY_PEER_MOVED);
		}
	}
	return rc;
}

void session_card_event(struct sess_mgr *m, const struct vrfsec_event *ev)
{
	struct child *c = NULL;
	struct session *s = session_by_sa(m, ev->sa, &c);

	if (!s) {
		log_debug("card event %s for SA %u that no session owns", vrfsec_event_name(ev->type),
			  ev->sa);
		return;
	}
	switch (ev->type) {
	case VRFSEC_ABI_EVENT_SA_SOFT:
	case VRFSEC_ABI_EVENT_SEQ_NEAR:
		m->stats.soft_events++;
		if (c->state != CHILD_INSTALLED || c->soft_sent)
			return;
		c->soft_sent = true;
		if (m->hooks.rekey_child)
			m->hooks.rekey_child(m->hooks.arg, s, c->id,
					     ev->type == VRFSEC_ABI_EVENT_SA_SOFT ? REKEY_SOFT_LIFETIME
										  : REKEY_SEQ_NEAR);
		return;
	case VRFSEC_ABI_EVENT_SA_HARD: {
		uint32_t id = c->id;
		bool was_installed = c->state == CHILD_INSTALLED;

		m->stats.hard_events++;
		if (ev->sa == c->sa_in)
			c->in_gone = true;
		else
			c->out_gone = true;
		child_remove(s, c);
		if (was_installed && m->hooks.child_expired)
			m->hooks.child_expired(m->hooks.arg, s, id);
		return;
	}
	case VRFSEC_ABI_EVENT_SA_IDLE:
		m->stats.idle_events++;
		if (m->hooks.dpd_probe)
			m->hooks.dpd_probe(m->hooks.arg, s);
		return;
	default:
		return;
	}
}

void session_tick(struct sess_mgr *m, uint64_t now_ms)
{
	m->now_ms = now_ms;
	for (struct session *s = m->list; s; s = s->next)
		for (struct child *c = s->children, *next; c; c = next) {
			next = c->next;
			if (c->state == CHILD_DRAINING && now_ms >= c->drain_until_ms) {
				log_debug("session %u child %u: grace over, old pair removed", s->id,
					  c->id);
				child_remove(s, c);
			}
		}
}
