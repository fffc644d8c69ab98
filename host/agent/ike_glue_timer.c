/* SPDX-License-Identifier: Apache-2.0 */
/* The IKE glue's timers: the library's, dead peer detection (the card's idle report, probes,
 * the timeout), NAT-T keepalives, and the site-to-site initiator's attempts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_glue_int.h"

void glue_dpd_probe(struct ike_glue *g, struct gsa *x, uint64_t now)
{
	const struct cfg_profile *p = x->s->prof;

	if (!p->dpd_interval)
		return;
	glue_queue(g, W_DPD, x->spi, 0);
	if (!x->probe_ms) {
		x->probe_ms = now;
		x->dead_at_ms = now + 1000ull * p->dpd_timeout;
	}
	x->idle_next_ms = now + 1000ull * p->dpd_interval;
}


static void keepalive(struct ike_glue *g, struct gsa *x)
{
	static const uint8_t ka = 0xff;
	struct agent_dgram d = { 0 };

	d.src = x->s->local;
	d.dst = x->s->peer;
	d.sport = g->a->cfg->g.natt_port;
	d.dport = x->s->peer_port;
	d.msg = &ka;
	d.len = 1;
	agent_ike_send(g->a, &d);
}

/* Sessions marked idle: traffic on any inbound SA ends the idleness, else probe again. */
static void idle_check(struct ike_glue *g, uint64_t now)
{
	struct vrfsec_snapshot *sn = NULL;
	bool any = false;

	for (struct gsa *x = g->list; x && !any; x = x->next)
		any = x->idle && x->s;
	if (!any || now < g->idle_check_ms)
		return;
	g->idle_check_ms = now + IDLE_CHECK_MS;
	if (vrfsec_snapshot_read(g->a->card.dev, &sn) != 0)
		return;
	for (struct gsa *x = g->list; x; x = x->next) {
		uint64_t pk = 0;

		if (!x->idle || !x->s)
			continue;
		for (struct child *c = x->s->children; c; c = c->next)
			if (c->sa_in < sn->n_sa)
				pk += sn->sa[c->sa_in].packets;
		if (x->idle_pkts == UINT64_MAX) {
			x->idle_pkts = pk;
		} else if (pk != x->idle_pkts) {
			x->idle = false;
		} else if (!x->probe_ms && now >= x->idle_next_ms) {
			glue_dpd_probe(g, x, now);
		}
	}
	vrfsec_snapshot_free(sn);
}

/* The peer's identity as the profile names it: its one exact match, else its address. */
static bool remote_ident(const struct cfg_profile *p, struct ident *id)
{
	char b[IDENT_MAX + 8];

	for (unsigned i = 0; i < p->n_match; i++)
		if (!p->match[i].wild && p->match[i].type != IDENT_ANY &&
		    (p->match[i].type != IDENT_IP || p->match[i].ip.plen == 8 * addr_len(p->match[i].ip.addr.af)) &&
		    ident_parse(ident_pat_str(&p->match[i], b, sizeof(b)), id) == 0)
			return true;
	*id = (struct ident){ .type = IDENT_IP, .ip = p->remote };
	return false;
}

static void initiate(struct ike_glue *g, const struct cfg_profile *p, uint64_t now)
{
	const struct cfg_global *cg = &g->a->cfg->g;
	struct sockaddr_storage l, r;
	struct ike_profile prof;
	const struct cfg_psk *psk = NULL;
	struct ident rid;
	bool exact = remote_ident(p, &rid);
	char ra[ADDR_STRLEN];
	struct gsa *x;
	uint64_t spi = 0;
	int rc;

	addr_str(&p->remote, ra, sizeof(ra));
	if (p->auth == CFG_AUTH_PSK) {
		psk = config_psk_for(p, &rid);
		if (!psk || !psk->len || psk->len > IKE_MAX_PSK) {
			struct initr *ir = initr_get(g, p->name);

			log_warn("ike: profile %s has no usable pre-shared key for %s; not initiating", p->name, ra);
			if (ir)
				ir->next_ms = now + 1000ull * p->retry;
			return;
		}
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return;
	x->g = g;
	snprintf(x->profile, sizeof(x->profile), "%s", p->name);
	x->peer_id = rid;
	x->peer = p->remote;
	x->peer_port = cg->ike_port;
	x->local = p->remote.af == 6 ? cg->pub6 : cg->pub4;
	x->initiator = true;
	x->started_ms = now;
	glue_fill_profile(p, psk, x, &prof);
	if (exact && rid.type != IDENT_DN)
		conv_ident_to_ike(&rid, &prof.remote_id);
	conv_to_sockaddr(&x->local, cg->ike_port, &l);
	conv_to_sockaddr(&p->remote, 500, &r);
	rc = ike_initiate(g->ctx, &prof, (const struct sockaddr *)&l, (const struct sockaddr *)&r, now, &spi);
	explicit_bzero(&prof, sizeof(prof));
	gsa_link(g, x);
	if (rc) {
		log_warn("ike: profile %s: cannot initiate to %s: %s", p->name, ra, strerror(-rc));
		gsa_free(g, x);
		return;
	}
	gsa_set_spi(g, x, spi);
	x->spi_i = spi;
	log_info("ike: profile %s: initiating to %s (IKE SA %016llx)", p->name, ra, (unsigned long long)spi);
}

/* Profiles with initiate = true: one attempt at a time; one not up within retry seconds is
 * dropped and the next starts; after the SA went down, the next starts retry seconds later. */
static void initiate_tick(struct ike_glue *g, uint64_t now)
{
	const struct config *cfg = g->a->cfg;

	for (unsigned i = 0; i < cfg->n_profiles; i++) {
		const struct cfg_profile *p = &cfg->profiles[i];
		struct gsa *x;
		struct initr *r;

		if (!p->initiate)
			continue;
		for (x = g->list; x; x = x->next)
			if (x->initiator && !strcmp(x->profile, p->name))
				break;
		if (x) {
			if (!x->up && !x->retry_now && now >= x->started_ms + 1000ull * p->retry) {
				log_info("ike: profile %s: no IKE SA after %u s; trying again", p->name, p->retry);
				x->retry_now = true;
				glue_queue(g, W_DROP, x->spi, 0);
			}
			continue;
		}
		r = initr_get(g, p->name);
		if (r && now >= r->next_ms)
			initiate(g, p, now);
	}
}

void ike_glue_tick(struct agent *a)
{
	struct ike_glue *g = a->ike;
	uint64_t now = agent_now_ms();

	if (!g)
		return;
	if (now >= g->ike_timer_ms) {
		g->ike_timer_ms = now + IKE_TIMER_MS;
		if (ike_ctx_next_timer(g->ctx) <= now)
			ike_ctx_tick(g->ctx, now);
	}
	/* the walks below have second-scale deadlines: not on every pass of a busy loop */
	if (now < g->walk_ms) {
		glue_drain(g);
		return;
	}
	g->walk_ms = now + WALK_MS;
	for (struct gsa *x = g->list, *nx; x; x = nx) {
		nx = x->next;
		if (!x->up || !x->s)
			continue;
		if (x->probe_ms && x->last_rx_ms >= x->probe_ms) {
			x->probe_ms = x->dead_at_ms = 0; /* answered */
		} else if (x->probe_ms && now >= x->dead_at_ms) {
			log_info("session %u: peer %s dead (no answer to DPD for %u s); removing the session",
				 x->s->id, x->s->peer_id.s[0] ? x->s->peer_id.s : "(address id)",
				 x->s->prof->dpd_timeout);
			gsa_session_down(x);
			x->probe_ms = x->dead_at_ms = 0;
			/* no DELETE to a peer that is gone: the SA goes at once, ike_down frees x */
			glue_queue(g, W_DROP, x->spi, 0);
			continue;
		}
		if (x->s->udp_encap && now >= x->ka_next_ms) {
			if (x->ka_next_ms)
				keepalive(g, x);
			x->ka_next_ms = now + KEEPALIVE_MS;
		}
	}
	idle_check(g, now);
	initiate_tick(g, now);
	glue_drain(g);
}
