/* SPDX-License-Identifier: Apache-2.0 */
/* The IKE glue: the IKEv2 library (host/ike) on the card's punt seam, its callbacks mapped to the
 * profiles, the VRFs' pools and the session layer, and the session layer's hooks (rekey, hard
 * expiry, DPD, clear) back to IKE.
 *
 * Each IKE SA the library authenticates gets a struct gsa, handed to the library as the
 * profile's user pointer, so every report (vip, child, IKE up) names it; it follows the IKE SA
 * through IKE rekeys and lives until the library reports the IKE SA down (the library may still
 * report children of an SA whose session is gone). Calls into the library from the session
 * hooks are queued and run after the library call in progress returns (ike.h forbids reentry).
 *
 * NAT mapping moves: the library follows the peer's address when an authenticated message (new or
 * retransmitted) arrives from elsewhere and reports it (peer_moved); the session then moves the
 * card's SAs in place (session_peer_moved), with the source MAC of the frame being processed as
 * the new next hop when the peer is on-link. ESP from a new address (the card decrypts it
 * without telling anyone) moves nothing.
 *
 * Dead peers: the agent's DPD (the card's idle report, then probes) declares a peer dead after
 * the profile's timeout and drops its IKE SA at once (ike_sa_drop: no DELETE, no retransmission
 * to a peer that is gone); the library's own liveness check ending without an answer
 * (dpd_result 0) takes the SA down by itself.
 *
 * Initiator: a site-to-site profile with initiate = true gets one attempt at a time from the tick
 * (ike_initiate, a record marked initiator); an attempt not up within the profile's retry time is
 * dropped and the next starts, and after the IKE SA went down the next starts retry seconds
 * later. The responder's identity must be one the profile's match accepts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "ike.h"
#include "ike_conv.h"
#include "ike_glue.h"
#include "log.h"

#define GSA_MAX_CHILD 8
#define GLUE_QUEUE 256
#define KEEPALIVE_MS 20000u   /* RFC 3948 4: NAT-T keepalive period */
#define IDLE_CHECK_MS 1000u   /* how often idle sessions' inbound counters are looked at */

enum work_kind { W_REKEY_CHILD = 1, W_DELETE_CHILD, W_DELETE_IKE, W_DPD, W_DROP };

struct work {
	uint8_t kind;
	uint64_t spi;    /* IKE SA (our SPI) */
	uint32_t spi_in; /* CHILD SA */
};

struct gchild {
	uint32_t id, spi_in;
};

struct gsa {
	struct ike_glue *g;
	char profile[CFG_NAME];
	struct ident peer_id;
	struct ipaddr peer, local;
	uint16_t peer_port;
	bool natt;
	bool up;
	uint64_t spi;          /* our SPI of the current IKE SA; 0 until it is up */
	uint64_t spi_i, spi_r; /* as on the wire (learnt from the peer's messages) */
	struct session *s;     /* NULL once the session is gone */
	unsigned n_ch;
	struct gchild ch[GSA_MAX_CHILD];
	uint64_t last_rx_ms;   /* any IKE message of this SA from the peer */
	uint64_t probe_ms;     /* DPD: probe sent at (0: none outstanding) */
	uint64_t dead_at_ms;   /* DPD: declared dead at, unless the peer speaks first */
	bool idle;             /* the card reported the inbound SA idle; probes repeat */
	uint64_t idle_pkts, idle_next_ms;
	uint64_t ka_next_ms;   /* next NAT-T keepalive */
	bool initiator;        /* we started it (profile initiate): kept until up or down */
	bool retry_now;        /* initiator: dropped for want of an answer; the next try at once */
	uint64_t started_ms;   /* initiator: when the attempt started */
	struct gsa *next;
};

/* A profile with initiate = true: when its next attempt is due (no record of it in list). */
struct initr {
	char profile[CFG_NAME];
	uint64_t next_ms;
	struct initr *next;
};

struct ike_glue {
	struct agent *a;
	struct initr *inits;
	struct ike_ctx *ctx;
	struct gsa *list;
	struct work q[GLUE_QUEUE];
	unsigned qh, qn;
	uint64_t hdr_spi_i, hdr_spi_r; /* of the datagram being fed to the library */
	const struct agent_dgram *cur; /* the datagram being fed to the library (NULL outside rx) */
	uint64_t idle_check_ms;
};

static uint16_t prf_id(uint16_t bits)
{
	return bits == 512 ? IKE_PRF_HMAC_SHA2_512 : bits == 384 ? IKE_PRF_HMAC_SHA2_384
								 : IKE_PRF_HMAC_SHA2_256;
}

static struct ike_ike_prop ike_prop(const struct cfg_proposal *p)
{
	return (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, p->enc_bits, prf_id(p->prf), p->dh };
}

/* ---- work queue ------------------------------------------------------------------------- */

static void queue(struct ike_glue *g, uint8_t kind, uint64_t spi, uint32_t spi_in)
{
	if (g->qn == GLUE_QUEUE) {
		log_err("ike: work queue full; dropping a request (kind %u)", kind);
		return;
	}
	g->q[(g->qh + g->qn++) % GLUE_QUEUE] = (struct work){ kind, spi, spi_in };
}

static void drain(struct ike_glue *g)
{
	uint64_t now = agent_now_ms();

	while (g->qn) {
		struct work w = g->q[g->qh];
		int rc;

		g->qh = (g->qh + 1) % GLUE_QUEUE;
		g->qn--;
		switch (w.kind) {
		case W_REKEY_CHILD:
			rc = ike_sa_rekey_child(g->ctx, w.spi_in, now);
			break;
		case W_DELETE_CHILD:
			rc = ike_sa_delete_child(g->ctx, w.spi_in, now);
			break;
		case W_DELETE_IKE:
			rc = ike_sa_delete(g->ctx, w.spi, now);
			break;
		case W_DROP:
			rc = ike_sa_drop(g->ctx, w.spi);
			break;
		default:
			rc = ike_sa_dpd(g->ctx, w.spi, now);
			break;
		}
		if (rc)
			log_debug("ike: request %u (IKE SA %016llx, child 0x%08x): %s", w.kind,
				  (unsigned long long)w.spi, w.spi_in, strerror(-rc));
	}
}

/* ---- the IKE SA records ----------------------------------------------------------------- */

static struct initr *initr_get(struct ike_glue *g, const char *profile)
{
	struct initr *r;

	for (r = g->inits; r; r = r->next)
		if (!strcmp(r->profile, profile))
			return r;
	r = calloc(1, sizeof(*r));
	if (r) {
		snprintf(r->profile, sizeof(r->profile), "%s", profile);
		r->next = g->inits;
		g->inits = r;
	}
	return r;
}

static void gsa_free(struct ike_glue *g, struct gsa *x)
{
	if (x->initiator) {
		const struct cfg_profile *p = config_profile_by_name(g->a->cfg, x->profile);
		struct initr *r = initr_get(g, x->profile);

		if (r)
			r->next_ms = agent_now_ms() + (x->retry_now || !p ? 0 : 1000ull * p->retry);
	}
	for (struct gsa **pp = &g->list; *pp; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			break;
		}
	free(x);
}

static void gsa_session_down(struct gsa *x)
{
	if (x->s) {
		session_down(x->s);
		x->s = NULL;
	}
	x->n_ch = 0;
}

/* The session of an IKE SA, made when first needed (a VIP lease, IKE up or the first child). */
static struct session *gsa_session(struct gsa *x)
{
	struct session_params p = { 0 };
	int rc;

	if (x->s)
		return x->s;
	p.profile = x->profile;
	p.peer_id = x->peer_id;
	p.peer = x->peer;
	p.peer_port = x->peer_port;
	p.local = x->local;
	p.udp_encap = x->natt;
	p.ike_spi_i = x->spi_i;
	p.ike_spi_r = x->spi_r;
	p.ike = x;
	rc = session_create(&x->g->a->sm, &p, &x->s);
	if (rc) {
		log_err("ike: no session for profile %s: %s", x->profile, strerror(-rc));
		x->s = NULL;
	}
	return x->s;
}

static struct gchild *gchild_by_spi(struct gsa *x, uint32_t spi_in)
{
	for (unsigned i = 0; i < x->n_ch; i++)
		if (x->ch[i].spi_in == spi_in)
			return &x->ch[i];
	return NULL;
}

static struct gchild *gchild_by_id(struct gsa *x, uint32_t id)
{
	for (unsigned i = 0; i < x->n_ch; i++)
		if (x->ch[i].id == id)
			return &x->ch[i];
	return NULL;
}

static void gchild_del(struct gsa *x, struct gchild *c)
{
	*c = x->ch[--x->n_ch];
}

static void gchild_add(struct gsa *x, uint32_t id, uint32_t spi_in)
{
	if (x->n_ch == GSA_MAX_CHILD) {
		/* the oldest entries belong to pairs long gone (grace periods are short) */
		memmove(x->ch, x->ch + 1, sizeof(x->ch[0]) * (GSA_MAX_CHILD - 1));
		x->n_ch--;
	}
	x->ch[x->n_ch++] = (struct gchild){ id, spi_in };
}

/* ---- library callbacks ------------------------------------------------------------------ */

static int cb_send(void *user, const struct ike_dgram *d)
{
	struct ike_glue *g = user;
	struct agent_dgram o = { 0 };
	int rc;

	o.sport = conv_from_sockaddr(d->local, &o.src);
	o.dport = conv_from_sockaddr(d->remote, &o.dst);
	o.natt = d->natt;
	o.msg = d->data;
	o.len = (uint32_t)d->len;
	rc = agent_ike_send(g->a, &o);
	return rc < 0 ? rc : 0;
}

static void fill_profile(const struct cfg_profile *p, const struct cfg_psk *psk, struct gsa *x,
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
	x->next = g->list;
	g->list = x;
	fill_profile(p, psk, x, out);
	log_debug("ike: %s from %s:%u matches profile %s (vrf %s)", ids, ra, rport, p->name,
		  profile_vrf(cfg, p)->name);
	return 0;
}

/* What the library gets for profile p (psk: the peer's key when p->auth is PSK). */
static void fill_profile(const struct cfg_profile *p, const struct cfg_psk *psk, struct gsa *x,
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
		out->ike[out->n_ike++] = ike_prop(&p->ike[i]);
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
	int rc;

	if (!s) {
		queue(g, W_DELETE_CHILD, 0, c->spi_in);
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
	if (old && session_child(s, old->id)) {
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
		queue(g, W_DELETE_CHILD, 0, c->spi_in);
		return;
	}
	gchild_add(x, id, c->spi_in);
}

static void cb_child_down(void *user, const struct ike_child_info *c, enum ike_down_reason why)
{
	struct gsa *x = c->profile_user;
	struct gchild *gc = x ? gchild_by_spi(x, c->spi_in) : NULL;
	struct child *ch;

	(void)user;
	if (!gc)
		return;
	ch = x->s ? session_child(x->s, gc->id) : NULL;
	/* a rekeyed pair is already draining: the session layer removes it after the grace */
	if (ch && !(why == IKE_DOWN_REKEYED && ch->state == CHILD_DRAINING))
		child_down(x->s, gc->id);
	gchild_del(x, gc);
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
			x->spi = spi;
			queue(g, W_DELETE_IKE, spi, 0);
			return;
		}
		x->peer_id = id;
		log_info("ike: profile %s: IKE SA %016llx with %s up (we initiated)", x->profile,
			 (unsigned long long)spi, ident_str(&id, ids, sizeof(ids)));
	}
	x->up = true;
	x->spi = spi;
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
	for (struct gsa *x = g->list; x; x = x->next)
		if ((x->up || x->initiator) && x->spi == spi) {
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

static struct gsa *gsa_by_spi(struct ike_glue *g, uint64_t spi)
{
	for (struct gsa *x = g->list; x; x = x->next)
		if (x->up && x->spi == spi)
			return x;
	return NULL;
}

static bool gsa_known(struct ike_glue *g, const struct gsa *x)
{
	for (const struct gsa *y = g->list; y; y = y->next)
		if (y == x)
			return true;
	return false;
}

/* An authenticated message of an established IKE SA came from a new address or port: the
 * library sends there now; the session and the card's SAs follow. */
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
 * without an authentication failure (the library reports those through auth_failed). */
static void sweep_pending(struct ike_glue *g)
{
	for (struct gsa *x = g->list, *nx; x; x = nx) {
		nx = x->next;
		if (!x->up && !x->initiator) {
			gsa_session_down(x);
			gsa_free(g, x);
		}
	}
}

/* ---- the datagram seam ------------------------------------------------------------------ */

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void rx(void *arg, const struct agent_dgram *d)
{
	struct ike_glue *g = arg;
	struct sockaddr_storage l, r;
	struct ike_dgram in;
	uint64_t now = agent_now_ms();
	int rc;

	conv_to_sockaddr(&d->dst, d->dport, &l);
	conv_to_sockaddr(&d->src, d->sport, &r);
	in = (struct ike_dgram){ (const struct sockaddr *)&l, (const struct sockaddr *)&r, d->msg,
				 d->len, d->natt };
	g->hdr_spi_i = get64(d->msg);
	g->hdr_spi_r = get64(d->msg + 8);
	g->cur = d;
	rc = ike_ctx_input(g->ctx, &in, now);
	g->cur = NULL;
	if (rc == 0)
		for (struct gsa *x = g->list; x; x = x->next)
			if (x->up && (x->spi == g->hdr_spi_i || x->spi == g->hdr_spi_r)) {
				/* liveness for DPD, and the SPI pair as on the wire */
				x->last_rx_ms = now;
				x->spi_i = g->hdr_spi_i;
				x->spi_r = g->hdr_spi_r;
				if (x->s) {
					x->s->ike_spi_i = x->spi_i;
					x->s->ike_spi_r = x->spi_r;
				}
				break;
			}
	sweep_pending(g);
	drain(g);
}

/* ---- session hooks ---------------------------------------------------------------------- */

static void hook_rekey(void *arg, struct session *s, uint32_t child_id, enum rekey_reason why)
{
	struct ike_glue *g = arg;
	struct child *c = session_child(s, child_id);

	(void)why;
	if (c)
		queue(g, W_REKEY_CHILD, 0, c->spi_in);
}

static void hook_expired(void *arg, struct session *s, uint32_t child_id)
{
	struct ike_glue *g = arg;
	struct gsa *x = s->ike;
	struct gchild *gc = x ? gchild_by_id(x, child_id) : NULL;

	if (gc) {
		queue(g, W_DELETE_CHILD, 0, gc->spi_in);
		gchild_del(x, gc);
	}
}

static void dpd_probe(struct ike_glue *g, struct gsa *x, uint64_t now)
{
	const struct cfg_profile *p = x->s->prof;

	if (!p->dpd_interval)
		return;
	queue(g, W_DPD, x->spi, 0);
	if (!x->probe_ms) {
		x->probe_ms = now;
		x->dead_at_ms = now + 1000ull * p->dpd_timeout;
	}
	x->idle_next_ms = now + 1000ull * p->dpd_interval;
}

static void hook_dpd(void *arg, struct session *s)
{
	struct ike_glue *g = arg;
	struct gsa *x = s->ike;

	if (!x || !x->up || !x->s)
		return;
	x->idle = true;
	x->idle_pkts = UINT64_MAX;
	log_debug("session %u: inbound idle, DPD probe", s->id);
	dpd_probe(g, x, agent_now_ms());
}

static void hook_clearing(void *arg, struct session *s)
{
	struct ike_glue *g = arg;
	struct gsa *x = s->ike;

	if (!x)
		return;
	if (x->up)
		queue(g, W_DELETE_IKE, x->spi, 0);
	x->s = NULL; /* the session layer frees it right after this */
	x->n_ch = 0;
}

/* ---- timers ----------------------------------------------------------------------------- */

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
			dpd_probe(g, x, now);
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
	fill_profile(p, psk, x, &prof);
	if (exact && rid.type != IDENT_DN)
		conv_ident_to_ike(&rid, &prof.remote_id);
	conv_to_sockaddr(&x->local, cg->ike_port, &l);
	conv_to_sockaddr(&p->remote, 500, &r);
	rc = ike_initiate(g->ctx, &prof, (const struct sockaddr *)&l, (const struct sockaddr *)&r, now, &spi);
	explicit_bzero(&prof, sizeof(prof));
	x->next = g->list;
	g->list = x;
	if (rc) {
		log_warn("ike: profile %s: cannot initiate to %s: %s", p->name, ra, strerror(-rc));
		gsa_free(g, x);
		return;
	}
	x->spi = x->spi_i = spi;
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
				queue(g, W_DROP, x->spi, 0);
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
	if (ike_ctx_next_timer(g->ctx) <= now)
		ike_ctx_tick(g->ctx, now);
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
			queue(g, W_DROP, x->spi, 0);
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
	drain(g);
}

/* ---- start and stop --------------------------------------------------------------------- */

int ike_glue_start(struct agent *a, char *err, size_t n)
{
	struct ike_config c;
	struct ike_glue *g;
	struct session_hooks h;
	int rc;

	g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, n, "ike: out of memory");
		return -ENOMEM;
	}
	g->a = a;
	memset(&c, 0, sizeof(c));
	c.cb = (struct ike_callbacks){ .user = g,
				       .send = cb_send,
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
	c.port = a->cfg->g.ike_port;
	c.natt_port = a->cfg->g.natt_port;
	/* IKE_SA_INIT comes before the identity: accept what any profile accepts */
	for (unsigned i = 0; i < a->cfg->n_profiles; i++)
		for (unsigned k = 0; k < a->cfg->profiles[i].n_ike; k++) {
			struct ike_ike_prop p = ike_prop(&a->cfg->profiles[i].ike[k]);
			bool dup = false;

			for (unsigned j = 0; j < c.n_ike; j++)
				dup |= !memcmp(&c.ike[j], &p, sizeof(p));
			if (!dup && c.n_ike < IKE_MAX_PROPS)
				c.ike[c.n_ike++] = p;
		}
	if (!c.n_ike) {
		c.ike[c.n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_384,
							  IKE_DH_ECP384 };
		c.ike[c.n_ike++] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256,
							  IKE_DH_ECP256 };
	}
	/* CERTREQ in IKE_SA_INIT names the pubkey profiles' trust anchors (a peer sends its
	 * certificate when asked); each profile brings its own credentials */
	c.creds = a->cfg->certreq;
	c.cookie_threshold = 1000;
	c.log_level = log_level_get() >= LOG_LVL_DEBUG ? 2 : 1;
	rc = ike_ctx_create(&c, &g->ctx);
	explicit_bzero(&c, sizeof(c));
	if (rc) {
		snprintf(err, n, "ike: context: %s", strerror(-rc));
		free(g);
		return rc;
	}
	a->ike = g;
	h = (struct session_hooks){ .arg = g,
				    .rekey_child = hook_rekey,
				    .child_expired = hook_expired,
				    .dpd_probe = hook_dpd,
				    .clearing = hook_clearing };
	sess_mgr_set_hooks(&a->sm, &h);
	agent_ike_attach(a, rx, g);
	return 0;
}

void ike_glue_stop(struct agent *a)
{
	struct ike_glue *g = a->ike;

	if (!g)
		return;
	agent_ike_attach(a, NULL, NULL);
	sess_mgr_set_hooks(&a->sm, &(struct session_hooks){ 0 });
	/* silently: sessions are removed from the card by sess_mgr_fini right after */
	ike_ctx_destroy(g->ctx);
	while (g->list) {
		g->list->s = NULL;
		g->list->initiator = false;
		gsa_free(g, g->list);
	}
	while (g->inits) {
		struct initr *r = g->inits;

		g->inits = r->next;
		free(r);
	}
	free(g);
	a->ike = NULL;
}

uint64_t ike_glue_next_timer(const struct agent *a)
{
	return a->ike ? ike_ctx_next_timer(a->ike->ctx) : UINT64_MAX;
}

unsigned ike_glue_sa_count(const struct agent *a)
{
	return a->ike ? ike_ctx_sa_count(a->ike->ctx) : 0;
}
