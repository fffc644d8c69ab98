/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsecd's state: configuration, card, RIB, pools, sessions, neighbours, control socket. */
#ifndef VRFSECD_AGENT_H
#define VRFSECD_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "card.h"
#include "config.h"
#include "ike_glue.h"
#include "ikeio.h"
#include "pool.h"
#include "session.h"

#define NEIGH_QUEUE 16   /* frames waiting for one neighbour */
#define NEIGH_TRIES 3    /* requests before the queue is dropped */
#define NEIGH_RETRY_MS 1000

struct queued {
	uint8_t *frame;
	uint32_t len;
};

struct neigh_entry {
	struct ipaddr ip;
	uint8_t mac[6];
	bool valid;
	uint64_t updated_ms, asked_ms;
	unsigned tries;
	unsigned nq;
	struct queued q[NEIGH_QUEUE];
};

/* The static MPLS handoff routes as programmed, per VRF, to diff against on reload. */
struct ho_route {
	struct prefix dst;
	uint32_t nh;
};

struct ho_vrf {
	char name[CFG_NAME];
	uint16_t id;
	uint32_t label;
	unsigned n;
	struct ho_route *r;
};

struct ctl_client {
	int fd;
	uint32_t len;
	char buf[4096];
};

#define CTL_MAX_CLIENTS 16

struct agent_stats {
	uint64_t punts, ike_rx, ike_tx, ike_tx_queued, ike_tx_dropped, ike_bad, natt_keepalive;
	uint64_t arp_rx, arp_answered, arp_learnt, arp_requests_sent;
	uint64_t nd_rx, nd_answered, nd_learnt, nd_solicits_sent;
	uint64_t other_punts, card_events, reloads, reload_failures, ctl_requests;
};

struct agent {
	const char *conf_path;
	struct config *cfg;
	struct card card;
	struct rib rib;
	struct pools pools;
	struct sess_mgr sm;
	unsigned n_neigh;
	struct neigh_entry *neigh;
	unsigned n_ho;
	struct ho_vrf *ho;
	ike_rx_fn ike_rx;
	void *ike_arg;
	struct ike_glue *ike;     /* ike_glue.c */
	int reason_ike, reason_natt_ka, reason_non_ip, reason_local; /* punt reason ids */
	int epfd, tfd, sfd, lfd;  /* tfd: the poll timer, only when the card cannot signal */
	bool notify;              /* sleeping on the card's notify fd */
	struct ctl_client *clients[CTL_MAX_CLIENTS];
	bool stop;
	uint64_t start_ms, now_ms;
	struct agent_stats st;
	uint64_t punt_by_reason[64];
	char last_reload[1024];
	bool last_reload_ok;
};

uint64_t agent_now_ms(void);

/* Everything up to a running card: configuration, card open, ports, VRFs, data path on. */
int agent_start(struct agent *a, const char *conf_path, char *err, size_t n);
/* Remove every session and static route, data path off, close the card. */
void agent_stop(struct agent *a);
/* Re-read the configuration (SIGHUP, `vrfsec reload`). On failure the old one stays and msg
 * says why (file:line); on success msg lists what changed. 0 or negative errno. */
int agent_reload(struct agent *a, char *msg, size_t n);

/* handoff.c: the VRFs' label maps and static MPLS routes; old NULL at start. Returns 0 or the
 * first error (msg says which VRF/route). */
int handoff_apply(struct agent *a, const struct config *nu, char *msg, size_t n);
void handoff_clear(struct agent *a);
int ports_apply(struct agent *a, const struct config *c);

/* neigh.c: the public link's neighbours. */
/* The MAC for a next hop: 0, or -EAGAIN (unknown; a request went out unless one is pending). */
int neigh_lookup(struct agent *a, const struct ipaddr *ip, uint8_t mac[6]);
/* The next hop towards a peer: the configured gateway of its family, or the peer. */
void neigh_next_hop(const struct agent *a, const struct ipaddr *peer, struct ipaddr *nh);
void neigh_learn(struct agent *a, const struct ipaddr *ip, const uint8_t mac[6]);
/* Keep frame (whose first 6 bytes get the MAC) until ip resolves. 0 or -ENOBUFS. */
int neigh_queue(struct agent *a, const struct ipaddr *ip, const uint8_t *frame, uint32_t len);
void neigh_tick(struct agent *a);
void neigh_free(struct agent *a);
/* The session layer's resolver (arg is the agent). */
int neigh_resolve_peer(void *arg, const struct ipaddr *peer, uint8_t mac[6]);
int agent_inject_public(struct agent *a, const uint8_t *frame, uint32_t len);

/* punt.c: one punted frame. */
void punt_dispatch(struct agent *a, const struct vrfsec_punt *p);
void punt_reasons_resolve(struct agent *a);

/* ctl.c: the control socket. */
int ctl_open(struct agent *a);
void ctl_close(struct agent *a);
void ctl_accept(struct agent *a);
void ctl_readable(struct agent *a, struct ctl_client *c);

#endif
