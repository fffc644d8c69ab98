/* SPDX-License-Identifier: Apache-2.0 */
/* The IKE glue: the IKEv2 library (host/ike) on the card's punt seam, its callbacks mapped to the
 * profiles, the VRFs' pools and the session layer, and the session layer's hooks (rekey, hard
 * expiry, DPD, clear, install outcome) back to IKE. This file: the records, the datagram seam,
 * the hooks, start and stop; ike_glue_cb.c: the library's callbacks; ike_glue_timer.c: DPD,
 * keepalives and the initiator.
 *
 * Replies wait for the card: the session layer installs a CHILD SA asynchronously (the agent's
 * loop flushes the card work of every message it read in one go), so what the library sends
 * while one of the IKE SA's children is still being installed (the IKE_AUTH or CREATE_CHILD_SA
 * response above all, also a retransmission of it or a DELETE of the rekeyed pair) is held
 * and goes out, in order, once the card answered (hooks.child_installed). A child the card
 * refused is deleted with an INFORMATIONAL after that response, as when the install failed at
 * once. Held datagrams of an IKE SA whose session goes away are sent then (a DELETE follows).
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
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_glue_int.h"

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void held_free(struct held **list);

static uint16_t prf_id(uint16_t bits)
{
	return bits == 512 ? IKE_PRF_HMAC_SHA2_512 : bits == 384 ? IKE_PRF_HMAC_SHA2_384
								 : IKE_PRF_HMAC_SHA2_256;
}

struct ike_ike_prop glue_ike_prop(const struct cfg_proposal *p)
{
	return (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, p->enc_bits, prf_id(p->prf), p->dh };
}

/* ---- work queue ------------------------------------------------------------------------- */

void glue_queue(struct ike_glue *g, uint8_t kind, uint64_t spi, uint32_t spi_in)
{
	if (g->qn == GLUE_QUEUE) {
		log_err("ike: work queue full; dropping a request (kind %u)", kind);
		return;
	}
	g->q[(g->qh + g->qn++) % GLUE_QUEUE] = (struct work){ kind, spi, spi_in };
}

void glue_drain(struct ike_glue *g)
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

struct initr *initr_get(struct ike_glue *g, const char *profile)
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

void gsa_free(struct ike_glue *g, struct gsa *x)
{
	if (x->initiator) {
		const struct cfg_profile *p = config_profile_by_name(g->a->cfg, x->profile);
		struct initr *r = initr_get(g, x->profile);

		if (r)
			r->next_ms = agent_now_ms() + (x->retry_now || !p ? 0 : 1000ull * p->retry);
	}
	gsa_set_spi(g, x, 0);
	*x->pprev = x->next;
	if (x->next)
		x->next->pprev = x->pprev;
	if (g->rx_gsa == x)
		g->rx_gsa = NULL;
	held_free(&x->held);
	free(x);
}

void gsa_session_down(struct gsa *x)
{
	if (x->s) {
		session_down(x->s);
		x->s = NULL;
	}
	x->n_ch = 0;
	glue_release(x->g, x);
}

/* The session of an IKE SA, made when first needed (a VIP lease, IKE up or the first child). */
struct session *gsa_session(struct gsa *x)
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

struct gchild *gchild_by_spi(struct gsa *x, uint32_t spi_in)
{
	for (unsigned i = 0; i < x->n_ch; i++)
		if (x->ch[i].spi_in == spi_in)
			return &x->ch[i];
	return NULL;
}

struct gchild *gchild_by_id(struct gsa *x, uint32_t id)
{
	for (unsigned i = 0; i < x->n_ch; i++)
		if (x->ch[i].id == id)
			return &x->ch[i];
	return NULL;
}

void gchild_del(struct gsa *x, struct gchild *c)
{
	*c = x->ch[--x->n_ch];
}

void gchild_add(struct gsa *x, uint32_t id, uint32_t spi_in, bool installing)
{
	if (x->n_ch == GSA_MAX_CHILD) {
		/* the oldest entries belong to pairs long gone (grace periods are short) */
		memmove(x->ch, x->ch + 1, sizeof(x->ch[0]) * (GSA_MAX_CHILD - 1));
		x->n_ch--;
	}
	x->ch[x->n_ch++] = (struct gchild){ id, spi_in, installing };
}

void gsa_link(struct ike_glue *g, struct gsa *x)
{
	x->link_gen = g->link_gen;
	x->next = g->list;
	if (x->next)
		x->next->pprev = &x->next;
	x->pprev = &g->list;
	g->list = x;
	if (x->spi) {
		uint64_t spi = x->spi;

		x->spi = 0;
		gsa_set_spi(g, x, spi);
	}
}

static unsigned bucket(uint64_t spi, unsigned n)
{
	return (unsigned)((spi * 0x9e3779b97f4a7c15ull) >> 40) & (n - 1);
}

static void hash_grow(struct ike_glue *g)
{
	unsigned n = g->hash_n ? 2 * g->hash_n : 256;
	struct gsa **h = calloc(n, sizeof(*h));

	if (!h)
		return; /* longer chains, still correct */
	for (unsigned i = 0; i < g->hash_n; i++)
		while (g->hash[i]) {
			struct gsa *x = g->hash[i];

			g->hash[i] = x->hnext;
			x->hnext = h[bucket(x->spi, n)];
			h[bucket(x->spi, n)] = x;
		}
	free(g->hash);
	g->hash = h;
	g->hash_n = n;
}

void gsa_set_spi(struct ike_glue *g, struct gsa *x, uint64_t spi)
{
	if (x->spi == spi)
		return;
	if (x->spi && g->hash_n) {
		for (struct gsa **pp = &g->hash[bucket(x->spi, g->hash_n)]; *pp; pp = &(*pp)->hnext)
			if (*pp == x) {
				*pp = x->hnext;
				g->hash_used--;
				break;
			}
	}
	x->spi = spi;
	x->hnext = NULL;
	if (!spi)
		return;
	if (g->hash_used >= 2 * g->hash_n)
		hash_grow(g);
	if (!g->hash_n)
		return; /* out of memory: found by the walk in gsa_by_spi_any */
	x->hnext = g->hash[bucket(spi, g->hash_n)];
	g->hash[bucket(spi, g->hash_n)] = x;
	g->hash_used++;
}

struct gsa *gsa_by_spi_any(struct ike_glue *g, uint64_t spi)
{
	if (!spi)
		return NULL;
	if (!g->hash_n) {
		for (struct gsa *x = g->list; x; x = x->next)
			if (x->spi == spi)
				return x;
		return NULL;
	}
	for (struct gsa *x = g->hash[bucket(spi, g->hash_n)]; x; x = x->hnext)
		if (x->spi == spi)
			return x;
	return NULL;
}

struct gsa *gsa_by_spi(struct ike_glue *g, uint64_t spi)
{
	struct gsa *x = gsa_by_spi_any(g, spi);

	return x && x->up ? x : NULL;
}

bool gsa_known(struct ike_glue *g, const struct gsa *x)
{
	for (const struct gsa *y = g->list; y; y = y->next)
		if (y == x)
			return true;
	return false;
}

/* An authenticated message of an established IKE SA came from a new address or port: the
 * library sends there now; the session and the card's SAs follow. */
/* ---- datagrams held for the card --------------------------------------------------------- */

static void held_free(struct held **list)
{
	while (*list) {
		struct held *h = *list;

		*list = h->next;
		free(h);
	}
}

static void held_append(struct held **list, struct held *h)
{
	while (*list)
		list = &(*list)->next;
	h->next = NULL;
	*list = h;
}

static void held_send(struct ike_glue *g, struct held **list)
{
	while (*list) {
		struct held *h = *list;

		*list = h->next;
		agent_ike_send(g->a, &h->d);
		free(h);
	}
}

static bool installing(const struct gsa *x)
{
	for (unsigned i = 0; i < x->n_ch; i++)
		if (x->ch[i].installing)
			return true;
	return false;
}

void glue_release(struct ike_glue *g, struct gsa *x)
{
	if (x->held && !installing(x))
		held_send(g, &x->held);
}

/* The record whose card work a datagram of these SPIs (as on the wire) waits for. */
static struct gsa *holding(struct ike_glue *g, const uint8_t *msg, uint32_t len)
{
	struct gsa *x;
	uint64_t si, sr;

	if (len < 16)
		return NULL;
	si = get64(msg);
	sr = get64(msg + 8);
	x = gsa_by_spi(g, si);
	if (!x)
		x = gsa_by_spi(g, sr);
	return x && (x->held || installing(x)) ? x : NULL;
}

int glue_send(void *user, const struct ike_dgram *d)
{
	struct ike_glue *g = user;
	struct agent_dgram o = { 0 };
	struct gsa *x = NULL;
	struct held *h;
	int rc;

	o.sport = conv_from_sockaddr(d->local, &o.src);
	o.dport = conv_from_sockaddr(d->remote, &o.dst);
	o.natt = d->natt;
	o.msg = d->data;
	o.len = (uint32_t)d->len;
	if (g->cur || (x = holding(g, d->data, o.len)) != NULL) {
		h = malloc(sizeof(*h) + o.len);
		if (h) {
			h->d = o;
			memcpy(h->buf, d->data, o.len);
			h->d.msg = h->buf;
			held_append(x ? &x->held : &g->rxq, h);
			return 0;
		}
	}
	rc = agent_ike_send(g->a, &o);
	return rc < 0 ? rc : 0;
}

/* ---- the datagram seam ------------------------------------------------------------------ */

static void rx(void *arg, const struct agent_dgram *d)
{
	struct ike_glue *g = arg;
	struct sockaddr_storage l, r;
	struct ike_dgram in;
	uint64_t now = agent_now_ms();
	struct gsa *x;
	int rc;

	conv_to_sockaddr(&d->dst, d->dport, &l);
	conv_to_sockaddr(&d->src, d->sport, &r);
	in = (struct ike_dgram){ (const struct sockaddr *)&l, (const struct sockaddr *)&r, d->msg,
				 d->len, d->natt };
	g->hdr_spi_i = get64(d->msg);
	g->hdr_spi_r = get64(d->msg + 8);
	g->cur = d;
	g->rx_gsa = NULL;
	g->link_gen++;
	rc = ike_ctx_input(g->ctx, &in, now);
	g->cur = NULL;
	/* what the call sent waits for the card work it started, or that its SA has in flight */
	while (g->rxq) {
		struct held *h = g->rxq;

		x = g->rx_gsa && installing(g->rx_gsa) ? g->rx_gsa : holding(g, h->d.msg, h->d.len);
		g->rxq = h->next;
		if (x) {
			held_append(&x->held, h);
		} else {
			agent_ike_send(g->a, &h->d);
			free(h);
		}
	}
	x = rc == 0 ? gsa_by_spi(g, g->hdr_spi_i) : NULL;
	if (rc == 0 && !x)
		x = gsa_by_spi(g, g->hdr_spi_r);
	if (x) {
		/* liveness for DPD, and the SPI pair as on the wire */
		x->last_rx_ms = now;
		x->spi_i = g->hdr_spi_i;
		x->spi_r = g->hdr_spi_r;
		if (x->s) {
			x->s->ike_spi_i = x->spi_i;
			x->s->ike_spi_r = x->spi_r;
		}
	}
	if (g->made_in_rx)
		glue_sweep_pending(g);
	g->made_in_rx = false;
	glue_drain(g);
}

/* ---- session hooks ---------------------------------------------------------------------- */

static void hook_rekey(void *arg, struct session *s, uint32_t child_id, enum rekey_reason why)
{
	struct ike_glue *g = arg;
	struct child *c = session_child(s, child_id);

	(void)why;
	if (c)
		glue_queue(g, W_REKEY_CHILD, 0, c->spi_in);
}

static void hook_expired(void *arg, struct session *s, uint32_t child_id)
{
	struct ike_glue *g = arg;
	struct gsa *x = s->ike;
	struct gchild *gc = x ? gchild_by_id(x, child_id) : NULL;

	if (gc) {
		glue_queue(g, W_DELETE_CHILD, 0, gc->spi_in);
		gchild_del(x, gc);
		glue_release(g, x);
	}
}

/* The card answered a child_up/child_rekey: held replies go out; a refused child is deleted. */
static void hook_installed(void *arg, struct session *s, uint32_t child_id, int status)
{
	struct ike_glue *g = arg;
	struct gsa *x = s->ike;
	struct gchild *gc = x ? gchild_by_id(x, child_id) : NULL;

	if (!gc)
		return;
	gc->installing = false;
	if (status) {
		log_err("session %u: CHILD SA in 0x%08x not installed: %s; deleting it", s->id,
			gc->spi_in, vrfsec_strerror(status));
		glue_queue(g, W_DELETE_CHILD, 0, gc->spi_in);
		gchild_del(x, gc);
	}
	glue_release(g, x);
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
	glue_dpd_probe(g, x, agent_now_ms());
}

static void hook_clearing(void *arg, struct session *s)
{
	struct ike_glue *g = arg;
	struct gsa *x = s->ike;

	if (!x)
		return;
	if (x->up)
		glue_queue(g, W_DELETE_IKE, x->spi, 0);
	x->s = NULL; /* the session layer frees it right after this */
	x->n_ch = 0;
	glue_release(g, x);
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
	glue_callbacks(g, &c.cb);
	c.port = a->cfg->g.ike_port;
	c.natt_port = a->cfg->g.natt_port;
	/* IKE_SA_INIT comes before the identity: accept what any profile accepts */
	for (unsigned i = 0; i < a->cfg->n_profiles; i++)
		for (unsigned k = 0; k < a->cfg->profiles[i].n_ike; k++) {
			struct ike_ike_prop p = glue_ike_prop(&a->cfg->profiles[i].ike[k]);
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
				    .clearing = hook_clearing,
				    .child_installed = hook_installed };
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
	free(g->hash);
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

