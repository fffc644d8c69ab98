/* SPDX-License-Identifier: Apache-2.0 */
/* The IKE library's callbacks: profile choice, virtual IPs, CHILD and IKE SAs up and down, peer
 * moves, liveness and authentication results, mapped to the profiles and the session layer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_glue_int.h"

void glue_fill_profile(const struct cfg_profile *p, const struct cfg_psk *psk, struct gsa *x,
			 struct ike_profile *out);

static int cb_get_profile(void *user, const struct ike_id *peer, const struct ike_id *hint,
			  const struct sockaddr *local, const struct sockaddr *remote,
			  struct ike_profile *out)
{
	struct ike_glue *g = user;
	const struct config *cfg = g->a->cfg;
	const struct cfg_profile *p;
	const struct cfg_psk *psk;
	struct ident id;
	struct gsa *x;
	char ids[IDENT_MAX + 8], ra[ADDR_STRLEN];
	struct ipaddr rip;
	uint16_t rport = conv_from_sockaddr(remote, &rip);

	(void)hint;
	addr_str(&rip, ra, sizeof(ra));
	if (conv_ident_from_ike(peer, &id) != 0) {
		ike_id_str(peer, ids, sizeof(ids));
		log_warn("ike: %s:%u presents identity %s, which no profile can match", ra, rport, ids);
		return -ENOENT;
	}
	ident_str(&id, ids, sizeof(ids));
	p = config_match_profile(cfg, &id, NULL);
	if (!p) {
		log_warn("ike: no profile matches %s from %s:%u", ids, ra, rport);
		return -ENOENT;
	}
	psk = p->auth == CFG_AUTH_PSK ? config_psk_for(p, &id) : NULL;
	if (p->auth == CFG_AUTH_PSK && (!psk || !psk->len || psk->len > IKE_MAX_PSK)) {
		log_warn("ike: profile %s has no usable pre-shared key for %s", p->name, ids);
		return -ENOENT;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->g = g;
	snprintf(x->profile, sizeof(x->profile), "%s", p->name);
	x->peer_id = id;
	x->peer = rip;
	x->peer_port = rport;
	x->natt = conv_from_sockaddr(local, &x->local) == g->a->cfg->g.natt_port;
	x->spi_i = g->hdr_spi_i;
	x->spi_r = g->hdr_spi_r;
	gsa_link(g, x);
	g->made_in_rx = true;
	glue_fill_profile(p, psk, x, out);
	log_debug("ike: %s from %s:%u matches profile %s (vrf %s)", ids, ra, rport, p->name,
		  profile_vrf(cfg, p)->name);
	return 0;
}

/* What the library gets for profile p (psk: the peer's key when p->auth is PSK). */
void glue_fill_profile(const struct cfg_profile *p, const struct cfg_psk *psk, struct gsa *x,
			 struct ike_profile *out)
{
	unsigned n;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", p->name);
	out->user = x;
	if (p->local_id.type != IDENT_ANY) {
		conv_ident_to_ike(&p->local_id, &out->local_id);
	} else if (p->auth != CFG_AUTH_PUBKEY) {
		struct ident me = { .type = IDENT_IP, .ip = x->local };

		conv_ident_to_ike(&me, &out->local_id);
	} /* else type 0: the library presents our certificate's subject */
	if (psk) {
		memcpy(out->psk, psk->secret, psk->len);
		out->psk_len = (uint16_t)psk->len;
	} else {
		/* both ways by certificate; the library checks that the peer's certificate chains to
		 * the profile's ca and certifies the ID that the profile's match accepted */
		out->auth_local = out->auth_remote = IKE_AUTHN_PUBKEY;
		out->send_cert = p->send_cert;
		out->rsa_pss = p->rsa_pss;
		out->creds = p->creds;
	}
	for (unsigned i = 0; i < p->n_ike && out->n_ike < IKE_MAX_PROPS; i++)
		out->ike[out->n_ike++] = glue_ike_prop(&p->ike[i]);
	for (unsigned i = 0; i < p->n_esp && out->n_esp < IKE_MAX_PROPS; i++)
		out->esp[out->n_esp++] = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, p->esp[i].enc_bits,
								 p->esp[i].esn, p->esp[i].dh };
	if (p->n_pools) {
		/* remote access: the peer's side is its virtual IP, ours the split or everything */
		out->remote_ts_dynamic = 1;
		out->give_vip = 1;
		if (p->full_tunnel) {
			struct prefix all = { .addr = { .af = 4 } };

			conv_prefix_to_ts(&all, &out->local_ts[out->n_local_ts++]);
			for (unsigned i = 0; i < p->n_pools; i++)
				if (p->pools[i].addr.af == 6) {
					all.addr.af = 6;
					conv_prefix_to_ts(&all, &out->local_ts[out->n_local_ts++]);
					break;
				}
		}
		n = p->n_split < IKE_MAX_TS ? p->n_split : IKE_MAX_TS;
		if (p->n_split > IKE_MAX_TS)
			log_warn("ike: profile %s: only the first %u split prefixes go into traffic selectors",
				 p->name, IKE_MAX_TS);
		for (unsigned i = 0; i < n; i++)
			conv_prefix_to_ts(&p->split[i], &out->local_ts[out->n_local_ts++]);
	} else {
		for (unsigned i = 0; i < p->n_local_ts; i++)
			conv_prefix_to_ts(&p->local_ts[i], &out->local_ts[out->n_local_ts++]);
		for (unsigned i = 0; i < p->n_remote_ts; i++)
			conv_prefix_to_ts(&p->remote_ts[i], &out->remote_ts[out->n_remote_ts++]);
	}
	/* CHILD SA lifetimes are the card's (soft event -> rekey); DPD is driven from here */
	out->ike_rekey_s = p->ike_lifetime;
	out->child_rekey_s = 0;
	out->dpd_s = 0;
}

/* Lease what the peer asked for from the profile's pools: IPv4 and/or IPv6 (want, IKE_VIP_WANT_*).
 * A family the profile has no pool of is left out unless it is the only one asked for. */
static int cb_vip_acquire_af(void *user, void *pu, const struct ike_id *peer, unsigned want,
			     struct ike_vip *out)
{
	struct gsa *x = pu;
	struct session *s = gsa_session(x);
	struct ipaddr got;
	unsigned n = 0;
	int rc = -ENOENT;

	(void)user;
	(void)peer;
	if (!s)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	out->no_addr4 = 1;
	for (uint8_t af = 4; af <= 6; af += 2) {
		int r;

		if (!(want & (af == 4 ? IKE_VIP_WANT_V4 : IKE_VIP_WANT_V6)))
			continue;
		r = session_lease_vip(s, af, NULL, &got);
		if (r) {
			if (r != -ENOENT)
				log_warn("session %u: no IPv%u virtual IP in vrf %s: %s", s->id, af,
					 s->vrf_name, strerror(-r));
			rc = r;
			continue;
		}
		n++;
		if (af == 4) {
			out->no_addr4 = 0;
			memcpy(out->addr, got.a, 4);
		} else {
			out->has_addr6 = 1;
			memcpy(out->addr6, got.a, 16);
		}
	}
	if (!n) {
		log_warn("session %u: no virtual IP in vrf %s for the request (%s%s): %s", s->id, s->vrf_name,
			 want & IKE_VIP_WANT_V4 ? "IPv4" : "", want & IKE_VIP_WANT_V6 ? " IPv6" : "",
			 strerror(-rc));
		return rc;
	}
	for (unsigned i = 0; i < s->prof->n_dns; i++) {
		const struct ipaddr *d = &s->prof->dns[i];

		if (d->af == 4 && !out->no_addr4 && out->n_dns < 2)
			memcpy(out->dns[out->n_dns++], d->a, 4);
		else if (d->af == 6 && out->has_addr6 && out->n_dns6 < 2)
			memcpy(out->dns6[out->n_dns6++], d->a, 16);
	}
	return 0;
}

static void cb_vip_release(void *user, void *pu, const struct ike_vip *vip)
{
	/* the lease belongs to the session and goes with it (session_down) */
	(void)user;
	(void)pu;
	(void)vip;
}

static void child_params_fill(const struct ike_child_info *c, struct child_params *p)
{
	struct prefix pf;

	memset(p, 0, sizeof(*p));
	p->spi_in = c->spi_in;
	p->spi_out = c->spi_out;
	p->in.key_len = p->out.key_len = (uint8_t)(c->key_bits / 8);
	memcpy(p->in.key, c->key_in, p->in.key_len);
	memcpy(p->in.salt, c->salt_in, 4);
	memcpy(p->out.key, c->key_out, p->out.key_len);
	memcpy(p->out.salt, c->salt_out, 4);
	p->esn = c->esn;
	for (unsigned i = 0; i < c->n_remote_ts && p->n_remote < CFG_MAX_TS; i++)
		if (conv_ts_to_prefix(&c->remote_ts[i], &pf) == 0)
			p->remote[p->n_remote++] = pf;
	for (unsigned i = 0; i < c->n_local_ts && p->n_local < CFG_MAX_TS; i++)
		if (conv_ts_to_prefix(&c->local_ts[i], &pf) == 0)
			p->local[p->n_local++] = pf;
}

static void cb_child_up(void *user, const struct ike_child_info *c)
{
	struct ike_glue *g = user;
	struct gsa *x = c->profile_user;
	struct session *s = x ? gsa_session(x) : NULL;
	struct child_params p;
	struct ipaddr peer;
	uint16_t port;
	uint32_t id = 0;
	struct gchild *old;
	struct child *oc;
	int rc;

	if (!s) {
		glue_queue(g, W_DELETE_CHILD, 0, c->spi_in);
		return;
	}
	port = conv_from_sockaddr((const struct sockaddr *)&c->remote, &peer);
	if (!s->children) {
		/* nothing on the card yet: take the addresses as negotiated */
		s->peer = peer;
		s->peer_port = port;
		s->udp_encap = c->udp_encap;
		s->local_port = c->udp_encap ? s->cfg->g.natt_port : s->cfg->g.ike_port;
	} else if (!addr_eq(&peer, &s->peer) || port != s->peer_port) {
		session_peer_moved(s, &peer, port, NULL);
	}
	child_params_fill(c, &p);
	old = c->rekeys_spi_in ? gchild_by_spi(x, c->rekeys_spi_in) : NULL;
	oc = old ? session_child(s, old->id) : NULL;
	if (oc) {
		/* the peer's rekey: it installs its new inbound SA only when our answer arrives, so
		 * the routes stay on the old pair until it deletes that (strongSwan does the same) */
		p.hold_routes = !c->initiator;
		rc = child_rekey(s, old->id, &p, &id); /* wipes p's keys */
	} else {
		if (c->rekeys_spi_in)
			log_info("session %u: rekeyed child 0x%08x is not on the card any more; installing anew",
				 s->id, c->rekeys_spi_in);
		rc = child_up(s, &p, &id);
	}
	explicit_bzero(&p, sizeof(p));
	if (rc) {
		log_err("session %u: CHILD SA in 0x%08x out 0x%08x not installed: %s; deleting it",
			s->id, c->spi_in, c->spi_out, strerror(-rc));
		glue_queue(g, W_DELETE_CHILD, 0, c->spi_in);
		return;
	}
	/* staged: what the library sends for this exchange waits for the card (hook_installed) */
	gchild_add(x, id, c->spi_in, true);
	g->rx_gsa = x;
}

static void cb_child_down(void *user, const struct ike_child_info *c, enum ike_down_reason why)
{
	struct ike_glue *g = user;
	struct gsa *x = c->profile_user;
	struct gchild *gc = x ? gchild_by_spi(x, c->spi_in) : NULL;
	struct child *ch;

	if (!gc)
		return;
	ch = x->s ? session_child(x->s, gc->id) : NULL;
	/* a rekeyed pair is already draining: the session layer removes it after the grace */
	if (ch && !(why == IKE_DOWN_REKEYED && ch->state == CHILD_DRAINING))
		child_down(x->s, gc->id);
	gchild_del(x, gc);
	glue_release(g, x);
}

static void cb_ike_up(void *user, uint64_t spi, uint64_t old_spi, const struct ike_id *peer, void *pu)
{
	struct gsa *x = pu;
	struct session *s;

	if (!x)
		return;
	if (x->initiator && !old_spi) {
		struct ike_glue *g = user;
		const struct cfg_profile *p = config_profile_by_name(g->a->cfg, x->profile);
		struct ident id;
		char ids[IDENT_MAX + 8];
		bool ok = p && conv_ident_from_ike(peer, &id) == 0;

		for (unsigned i = 0; ok && i < p->n_match; i++)
			if (ident_match(&p->match[i], &id) >= 0)
				break;
			else if (i + 1 == p->n_match)
				ok = false;
		if (!ok) {
			ike_id_str(peer, ids, sizeof(ids));
			log_warn("ike: profile %s: the responder is %s, which the profile's match does not accept; deleting",
				 x->profile, ids);
			x->up = true;
			gsa_set_spi(g, x, spi);
			glue_queue(g, W_DELETE_IKE, spi, 0);
			return;
		}
		x->peer_id = id;
		log_info("ike: profile %s: IKE SA %016llx with %s up (we initiated)", x->profile,
			 (unsigned long long)spi, ident_str(&id, ids, sizeof(ids)));
	}
	x->up = true;
	gsa_set_spi(x->g, x, spi);
	x->last_rx_ms = agent_now_ms();
	x->probe_ms = x->dead_at_ms = 0;
	if (old_spi) {
		/* the peer's half of the new SPI pair shows up in its next message */
		if (x->spi_r == old_spi)
			x->spi_r = spi, x->spi_i = 0;
		else
			x->spi_i = spi, x->spi_r = 0;
	}
	s = gsa_session(x);
	if (s) {
		s->ike_spi_i = x->spi_i;
		s->ike_spi_r = x->spi_r;
		if (old_spi)
			log_info("session %u: IKE SA rekeyed (%016llx -> %016llx)", s->id,
				 (unsigned long long)old_spi, (unsigned long long)spi);
	}
}

static void cb_ike_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	struct ike_glue *g = user;
	static const char *const reasons[] = { "?", "deleted by us", "deleted by the peer", "rekeyed",
					       "timeout", "authentication failed", "negotiation failed",
					       "shutdown" };

	if (why == IKE_DOWN_REKEYED)
		return; /* the record moved on to the new IKE SA */
	for (struct gsa *x = gsa_by_spi_any(g, spi); x; x = NULL)
		if (x->up || x->initiator) {
			if (!x->up)
				log_info("ike: profile %s: attempt %016llx failed (%s)", x->profile,
					 (unsigned long long)spi,
					 (unsigned)why < sizeof(reasons) / sizeof(reasons[0]) ? reasons[why] : "?");
			if (x->s)
				log_info("session %u: IKE SA %016llx down (%s)", x->s->id,
					 (unsigned long long)spi,
					 (unsigned)why < sizeof(reasons) / sizeof(reasons[0]) ? reasons[why] : "?");
			gsa_session_down(x);
			gsa_free(g, x);
			return;
		}
}

static void cb_log(void *user, int level, const char *msg)
{
	(void)user;
	log_msg(level <= 0 ? LOG_LVL_ERR : level == 1 ? LOG_LVL_INFO : LOG_LVL_DEBUG, "ike: %s", msg);
}

static void cb_peer_moved(void *user, uint64_t spi, const struct sockaddr *remote)
{
	struct ike_glue *g = user;
	struct gsa *x = gsa_by_spi(g, spi);
	const uint8_t *mac = NULL;
	struct ipaddr ip, nh;
	uint16_t port = conv_from_sockaddr(remote, &ip);

	if (!x)
		return;
	x->peer = ip;
	x->peer_port = port;
	if (!x->s || (addr_eq(&ip, &x->s->peer) && port == x->s->peer_port))
		return;
	/* on-link: the authenticated frame tells the new neighbour's MAC */
	if (g->cur && addr_eq(&g->cur->src, &ip) && g->cur->sport == port) {
		mac = g->cur->peer_mac;
		neigh_next_hop(g->a, &ip, &nh);
		if (addr_eq(&nh, &ip))
			neigh_learn(g->a, &ip, mac);
	}
	session_peer_moved(x->s, &ip, port, mac);
}

static void cb_dpd_result(void *user, uint64_t spi, int alive)
{
	struct ike_glue *g = user;
	struct gsa *x = gsa_by_spi(g, spi);

	if (!x)
		return;
	if (alive) {
		x->probe_ms = x->dead_at_ms = 0;
	} else if (x->s) {
		/* the library takes the IKE SA down right after (IKE_DOWN_TIMEOUT) */
		log_info("session %u: peer %s did not answer the liveness check; removing the session",
			 x->s->id, x->s->peer_id.s[0] ? x->s->peer_id.s : "(address id)");
	}
}

/* IKE_AUTH failed after get_profile chose a profile: the record (and a session a VIP lease may
 * have made) goes; the library reports nothing else for a responder SA that never came up. */
static void cb_auth_failed(void *user, void *pu, const struct ike_id *peer, int why)
{
	static const char *const reasons[] = { "?", "wrong pre-shared key", "bad signature",
					       "certificate not trusted or not for this identity",
					       "identity not allowed", "refused by the peer",
					       "local credentials unusable", "refused by the peer (negotiation)" };
	struct ike_glue *g = user;
	struct gsa *x = pu;
	char ids[IDENT_MAX + 8];

	ike_id_str(peer, ids, sizeof(ids));
	if (!x || !gsa_known(g, x)) {
		log_warn("ike: authentication of %s failed (%s)", ids,
			 why > 0 && (unsigned)why < sizeof(reasons) / sizeof(reasons[0]) ? reasons[why] : "?");
		return;
	}
	log_warn("ike: profile %s: authentication of %s failed (%s)", x->profile,
		 x->peer_id.type != IDENT_ANY ? ident_str(&x->peer_id, ids, sizeof(ids)) : ids,
		 why > 0 && (unsigned)why < sizeof(reasons) / sizeof(reasons[0]) ? reasons[why] : "?");
	if (x->up)
		return;
	gsa_session_down(x);
	gsa_free(g, x);
}

/* Records no IKE SA reports for any more: a responder's negotiation that failed inside the call
 * without an authentication failure (the library reports those through auth_failed). Only the
 * records that call linked can be such: they lead the list (newest first), so the walk stops at
 * the first older one and costs nothing with 100,000 established tunnels behind them. */
void glue_sweep_pending(struct ike_glue *g)
{
	for (struct gsa *x = g->list, *nx; x && x->link_gen == g->link_gen; x = nx) {
		nx = x->next;
		if (!x->up && !x->initiator) {
			gsa_session_down(x);
			gsa_free(g, x);
		}
	}
}

void glue_callbacks(struct ike_glue *g, struct ike_callbacks *cb)
{
	*cb = (struct ike_callbacks){ .user = g,
				      .send = glue_send,
				      .get_profile = cb_get_profile,
				      .vip_release = cb_vip_release,
				      .child_up = cb_child_up,
				      .child_down = cb_child_down,
				      .ike_up = cb_ike_up,
				      .ike_down = cb_ike_down,
				      .log = cb_log,
				      .peer_moved = cb_peer_moved,
				      .dpd_result = cb_dpd_result,
				      .auth_failed = cb_auth_failed,
				      .vip_acquire_af = cb_vip_acquire_af };
}
