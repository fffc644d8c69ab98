/* SPDX-License-Identifier: Apache-2.0 */
/* The session layer: CHILD SA pairs, reverse-injected routes and make-before-break rekeys on the
 * card; card events to IKE's hooks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "session.h"
#include "session_int.h"

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

/* The card's slot owner table answers it: pair_alloc ties both slots to their child. */
struct session *session_by_sa(const struct sess_mgr *m, uint32_t sa, struct child **out)
{
	struct child *c = card_sa_owner(m->card, sa);

	if (!c || (c->sa_in != sa && c->sa_out != sa))
		return NULL;
	if (out)
		*out = c;
	return c->s;
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

static const char *card_err(const struct sess_mgr *m)
{
	return m->card->ops->errmsg ? m->card->ops->errmsg(m->card->ctx) : "";
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

	card_flush(card); /* an SA still staged reaches the card before its update */
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
		if (c->state == CHILD_DRAINING)
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
		if (!child_hand_over(s, c))
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
			if (c->hold && c->switch_at_ms && now_ms >= c->switch_at_ms && !c->job) {
				child_hold_expired(s, c); /* never removes c */
				continue;
			}
			if (c->state == CHILD_DRAINING && now_ms >= c->drain_until_ms) {
				log_debug("session %u child %u: grace over, old pair removed", s->id,
					  c->id);
				child_remove(s, c);
			}
		}
}
