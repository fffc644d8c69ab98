/* SPDX-License-Identifier: Apache-2.0 */
/* The session layer: the seam between IKE and the card.
 *
 * A session is one IKE SA with its CHILD SAs. IKE creates a session once it knows the peer's
 * identity and profile, leases a virtual IP from it, and calls child_up() with the negotiated
 * SPIs, keys and selectors; the session layer programs the card (inbound SA in the profile's
 * VRF with the selectors, outbound SA towards the peer's NAT-mapped address/port, one next
 * hop, the reverse-injected routes) and undoes all of it on child_down() / session_down().
 * A rekey is make-before-break: the new pair goes in, the routes' next hop switches to the new
 * outbound SA in one NH_SET, the old pair leaves after the grace period. A rekey the peer started
 * (we answer it) switches later: the peer installs its new inbound SA only once it has our
 * answer, so the routes stay on the old pair until the peer deletes it (child_down) or
 * PEER_REKEY_HOLD_MS passed. A pair installed beside the one carrying the routes (that, or a
 * colliding rekey of the same pair, RFC 7296 2.8.1) takes the routes over when that one goes.
 *
 * The card is programmed through its asynchronous path (card_q; the agent's loop flushes and
 * processes answers): child_up()/child_rekey() return once the work is staged, the child is
 * CHILD_INSTALLING until the card answered, and hooks.child_installed reports the outcome. SAs
 * go in first; the next hop and routes (or a rekey's switch) only after the card took them.
 *
 * The other direction: card events (soft lifetime, sequence space nearly used, hard lifetime,
 * idle inbound SA) and operator actions reach IKE through struct session_hooks.
 *
 * Keys: the caller's key buffers are wiped by child_up()/child_rekey() whether they succeed or
 * not; the driver wipes its DMA copy when the command completes. Nothing here logs a key.
 */
#ifndef VRFSECD_SESSION_H
#define VRFSECD_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "card.h"
#include "config.h"
#include "ident.h"
#include "pool.h"

struct session;
struct child;

enum rekey_reason {
	REKEY_SOFT_LIFETIME = 1, /* the card's soft byte/packet/time limit */
	REKEY_SEQ_NEAR,          /* outbound sequence numbers nearly used up */
	REKEY_PEER_MOVED,        /* the peer's address changed and the card could not move the SA */
};

/* What IKE provides; every member may be NULL. They run from the agent's event loop, never
 * from inside a card call, so they may call back into this layer. */
struct session_hooks {
	void *arg;
	/* Start a CHILD_SA rekey (CREATE_CHILD_SA with REKEY_SA), then call child_rekey(). */
	void (*rekey_child)(void *arg, struct session *s, uint32_t child_id, enum rekey_reason why);
	/* The card removed an SA at its hard lifetime; the child is gone from the card already (its
	 * partner SA and routes too): send a DELETE for it. */
	void (*child_expired)(void *arg, struct session *s, uint32_t child_id);
	/* The inbound SA saw no traffic for the idle time: send a DPD probe (empty INFORMATIONAL);
	 * if it goes unanswered for the profile's dpd timeout, call session_down(). */
	void (*dpd_probe)(void *arg, struct session *s);
	/* The operator cleared the session: send a DELETE for the IKE SA. The session layer
	 * calls session_down() itself right after this returns. */
	void (*clearing)(void *arg, struct session *s);
	/* A child_up()/child_rekey() was answered by the card: status 0, the SAs, the next hop and
	 * the routes are in (a rekey's switch done); else the child is gone again and nothing of it
	 * is left on the card. Not called for a child removed before the answer. */
	void (*child_installed)(void *arg, struct session *s, uint32_t child_id, int status);
};

/* One direction's keying material (RFC 4106: AES key followed by the 4-byte salt). */
struct sa_keys {
	uint8_t key[32];
	uint8_t key_len; /* 16 or 32 */
	uint8_t salt[4];
};

struct session_params {
	const char *profile;      /* profile name in the current configuration */
	struct ident peer_id;     /* as authenticated */
	struct ipaddr peer;       /* outer address the peer's packets come from (NAT-mapped) */
	uint16_t peer_port;       /* its UDP port (500, 4500 or the NAT's) */
	struct ipaddr local;      /* our public address it talks to (af 0: the one of the peer's af) */
	bool udp_encap;           /* NAT detected: ESP in UDP (RFC 3948) */
	uint64_t ike_spi_i, ike_spi_r;
	void *ike;                /* IKE's own pointer, handed back in hooks */
};

struct child_params {
	uint32_t spi_in;          /* SPI we chose (peer -> us) */
	uint32_t spi_out;         /* SPI the peer chose (us -> peer) */
	struct sa_keys in, out;   /* wiped by the call */
	bool esn;
	/* traffic selectors as narrowed: remote = the peer's side (its virtual IP or its protected
	 * networks), local = ours. n_remote 0 for remote access means "the session's virtual IPs". */
	unsigned n_remote, n_local;
	struct prefix remote[CFG_MAX_TS], local[CFG_MAX_TS];
	/* child_rekey: the peer started it; the routes stay on the old pair until the peer deletes
	 * it or PEER_REKEY_HOLD_MS passed */
	bool hold_routes;
};

/* How long the routes wait for the peer's DELETE of the pair it rekeyed. */
#define PEER_REKEY_HOLD_MS 2000u

enum child_state { CHILD_INSTALLED = 1, CHILD_DRAINING, CHILD_INSTALLING };

struct child {
	uint32_t id;
	struct session *s;
	enum child_state state;
	struct card_job *job;     /* the card work in flight (installing) */
	uint32_t rekey_of;        /* installing as the rekey of this child */
	uint32_t switch_from;     /* the child whose routes the switch in flight takes */
	bool job_switch;          /* the job is a rekey's switch */
	bool hold;                /* the peer's rekey: installed beside, the routes wait */
	bool deleted;             /* IKE deleted it: a failed hand-over of its routes removes it */
	uint64_t switch_at_ms;    /* hold: take the routes then even without the peer's DELETE */
	bool routes_in;           /* the routes were staged (in the RIB) */
	bool nh_set;              /* the next hop was pointed at an SA */
	unsigned old_n_routes;    /* the rekeyed child's routes, to give back if the switch fails */
	uint32_t spi_in, spi_out;
	uint32_t sa_in, sa_out;   /* card slots */
	uint32_t nh;              /* next hop slot the routes use (VRFSEC_ABI_NONE when draining) */
	bool esn;
	unsigned n_routes;
	struct prefix routes[CFG_MAX_TS];
	uint64_t up_ms, drain_until_ms;
	bool soft_sent;
	bool in_gone, out_gone;   /* the card removed it (hard lifetime) */
	struct vrfsec_lifetime soft, hard; /* as installed (SA_UPDATE must repeat them) */
	uint16_t mtu, idle_s;
	struct child *next;
};

struct session {
	uint32_t id;
	struct sess_mgr *m;
	struct config *cfg;       /* referenced: the profile below lives in it */
	const struct cfg_profile *prof;
	uint16_t vrf;
	char vrf_name[CFG_NAME];
	struct ident peer_id;
	struct ipaddr peer, local;
	uint16_t peer_port, local_port;
	bool udp_encap;
	uint8_t peer_mac[6];      /* next hop towards the peer (router or the peer itself) */
	uint64_t ike_spi_i, ike_spi_r;
	struct ipaddr vip[2];     /* leased virtual IPs (v4, v6; af 0 when none) */
	struct pool *vip_pool[2];
	uint64_t created_ms;
	void *ike;
	struct child *children;
	struct session *next;
};

/* Resolves the MAC of the next hop towards a peer: 0, or -EAGAIN when unknown (a resolution
 * was started; try again when it is answered). */
typedef int (*resolve_fn)(void *arg, const struct ipaddr *peer, uint8_t mac[6]);

struct sess_mgr {
	struct card *card;
	struct rib *rib;
	struct pools *pools;
	struct config *cfg;       /* current configuration (not referenced: the owner swaps it) */
	resolve_fn resolve;
	void *resolve_arg;
	struct session_hooks hooks;
	struct session *list;
	unsigned n_sessions;
	uint32_t next_session_id, next_child_id;
	uint64_t now_ms;          /* the loop's clock, set by session_tick() */
	struct {
		uint64_t up, down, rekeys, install_failed, soft_events, hard_events, idle_events;
		uint64_t peer_moves; /* sessions moved to a new peer address/port in place */
	} stats;
};

void sess_mgr_init(struct sess_mgr *m, struct card *card, struct rib *rib, struct pools *pools,
		   struct config *cfg, resolve_fn resolve, void *resolve_arg);
/* Remove every session from the card (agent shutdown). */
void sess_mgr_fini(struct sess_mgr *m);
/* IKE's callbacks (replaces the defaults, which only log). */
void sess_mgr_set_hooks(struct sess_mgr *m, const struct session_hooks *h);

/* A session for an authenticated peer in a profile of the current configuration. 0 and *out,
 * -ENOENT (no such profile), -ENOMEM. Nothing is programmed yet. */
int session_create(struct sess_mgr *m, const struct session_params *p, struct session **out);
/* Lease a virtual IP of family af (4 or 6) from the profile's pools in its VRF; want (may be
 * NULL or af 0) is what the peer asked for (CP INTERNAL_IP4_ADDRESS), honoured when free.
 * The lease is released with the session. 0, -ENOSPC, -ENOENT (no pool of that family). */
int session_lease_vip(struct session *s, uint8_t af, const struct ipaddr *want, struct ipaddr *got);
/* Program a CHILD SA pair with its routes: 0 and *child_id once staged (the outcome comes to
 * hooks.child_installed); -EEXIST (a route is another session's), -ENOSPC (card slots),
 * -EHOSTUNREACH (next hop MAC unknown: resolution started, retry), -ENOMEM: then nothing was
 * staged. Keys are wiped. */
int child_up(struct session *s, struct child_params *p, uint32_t *child_id);
/* Make-before-break rekey of child old_id: the new pair is installed and takes over the
 * routes; the old pair is removed after the grace period (as child_up: staged, the outcome to
 * hooks.child_installed; a failed switch leaves the old pair installed). With p->hold_routes,
 * or when old_id does not carry the routes (draining after a colliding rekey), the new pair
 * only goes in beside it: installed, no routes until the one carrying them goes (child_down,
 * hard lifetime) or, for hold_routes, PEER_REKEY_HOLD_MS passed; old_id may still be
 * installing (the peer rekeys a pair it has while our card work for it is in flight). -ENOENT:
 * no such child. The session switches to the profile of the same name in the current
 * configuration (if it still exists in the same VRF). */
int child_rekey(struct session *s, uint32_t old_id, struct child_params *p, uint32_t *new_id);
/* Remove one CHILD SA pair and its routes now; when it carries the routes and a pair installed
 * beside it (its rekey, or a colliding rekey of the pair it replaced) is left, the routes move
 * to that one instead and this pair drains for the grace period. */
int child_down(struct session *s, uint32_t child_id);
/* Remove everything of the session and free it (leases released). */
void session_down(struct session *s);
/* The peer's NAT-mapped address and/or port moved (an authenticated IKE message came from
 * there). Every installed pair follows in place with SA_UPDATE, sequence numbers, IVs and
 * replay windows untouched: the outbound SA gets the new destination and UDP port (and the
 * new next-hop MAC when it changed: resolved, else frame_mac, the source MAC of the frame that
 * authenticated the move, when not NULL), the inbound SA the new source. A pair the card
 * cannot update is rekeyed instead (hooks.rekey_child, REKEY_PEER_MOVED) and its new pair goes
 * to the new address. 0, or the first card error. */
int session_peer_moved(struct session *s, const struct ipaddr *addr, uint16_t port,
		       const uint8_t *frame_mac);

struct session *session_find(const struct sess_mgr *m, uint32_t id);
struct child *session_child(const struct session *s, uint32_t child_id);
/* The session and child that own a card SA slot; NULL when none. */
struct session *session_by_sa(const struct sess_mgr *m, uint32_t sa, struct child **c);
/* Operator action: hooks.clearing, then session_down. -ENOENT when no such session. */
int session_clear(struct sess_mgr *m, uint32_t id);
/* Card event (from vrfsec_event_read): dispatched to the hooks. */
void session_card_event(struct sess_mgr *m, const struct vrfsec_event *ev);
/* Timers: removes drained SA pairs whose grace ran out. now_ms from a monotonic clock. */
void session_tick(struct sess_mgr *m, uint64_t now_ms);
/* Sessions using VRF id (the reload check). */
unsigned session_count_vrf(const struct sess_mgr *m, uint16_t vrf);

#endif
