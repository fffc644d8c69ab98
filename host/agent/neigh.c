/* SPDX-License-Identifier: Apache-2.0 */
/* Neighbours on the public link: ARP (IPv4) and neighbour discovery (IPv6), with a short queue
 * of frames per unresolved neighbour. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "log.h"
#include "pkt.h"

int agent_inject_public(struct agent *a, const uint8_t *frame, uint32_t len)
{
	struct vrfsec_inject in = { 0 };

	in.frame = frame;
	in.len = len;
	in.port = VRFSEC_ABI_PORT_PUBLIC;
	in.sa = VRFSEC_ABI_NONE;
	return a->card.ops->inject(a->card.ctx, &in);
}

void neigh_next_hop(const struct agent *a, const struct ipaddr *peer, struct ipaddr *nh)
{
	const struct cfg_global *g = &a->cfg->g;

	if (peer->af == 4 && g->gw4.af)
		*nh = g->gw4;
	else if (peer->af == 6 && g->gw6.af)
		*nh = g->gw6;
	else
		*nh = *peer;
}

static struct neigh_entry *find(struct agent *a, const struct ipaddr *ip, bool make)
{
	struct neigh_entry *v;

	for (unsigned i = 0; i < a->n_neigh; i++)
		if (addr_eq(&a->neigh[i].ip, ip))
			return &a->neigh[i];
	if (!make)
		return NULL;
	v = realloc(a->neigh, (a->n_neigh + 1) * sizeof(*v));
	if (!v)
		return NULL;
	a->neigh = v;
	v = &a->neigh[a->n_neigh++];
	memset(v, 0, sizeof(*v));
	v->ip = *ip;
	return v;
}

static void solicit(struct agent *a, struct neigh_entry *e)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6];
	const struct cfg_global *g = &a->cfg->g;
	uint8_t f[128];
	uint32_t len;
	char s[ADDR_STRLEN];

	if (e->ip.af == 4) {
		if (!g->pub4.af)
			return;
		len = pkt_arp(f, 1, bcast, g->pub_mac, g->pub4.a, zero, e->ip.a);
		a->st.arp_requests_sent++;
	} else {
		if (!g->pub6.af)
			return;
		len = pkt_ns(f, g->pub_mac, &g->pub6, &e->ip);
		a->st.nd_solicits_sent++;
	}
	e->asked_ms = a->now_ms;
	e->tries++;
	log_debug("neighbour %s: %s sent (try %u)", addr_str(&e->ip, s, sizeof(s)),
		  e->ip.af == 4 ? "ARP request" : "neighbour solicitation", e->tries);
	agent_inject_public(a, f, len);
}

int neigh_lookup(struct agent *a, const struct ipaddr *ip, uint8_t mac[6])
{
	struct neigh_entry *e = find(a, ip, true);

	if (!e)
		return -ENOMEM;
	if (e->valid) {
		memcpy(mac, e->mac, 6);
		return 0;
	}
	if (e->tries == 0 || a->now_ms - e->asked_ms >= NEIGH_RETRY_MS) {
		if (e->tries >= NEIGH_TRIES)
			e->tries = 0; /* asked again later: start a new round */
		solicit(a, e);
	}
	return -EAGAIN;
}

int neigh_resolve_peer(void *arg, const struct ipaddr *peer, uint8_t mac[6])
{
	struct agent *a = arg;
	struct ipaddr nh;

	neigh_next_hop(a, peer, &nh);
	return neigh_lookup(a, &nh, mac);
}

static void flush(struct agent *a, struct neigh_entry *e, bool send)
{
	for (unsigned i = 0; i < e->nq; i++) {
		if (send) {
			memcpy(e->q[i].frame, e->mac, 6);
			if (agent_inject_public(a, e->q[i].frame, e->q[i].len) == 0)
				a->st.ike_tx++;
			else
				a->st.ike_tx_dropped++;
		} else {
			a->st.ike_tx_dropped++;
		}
		free(e->q[i].frame);
	}
	e->nq = 0;
}

void neigh_learn(struct agent *a, const struct ipaddr *ip, const uint8_t mac[6])
{
	struct neigh_entry *e = find(a, ip, true);
	char s[ADDR_STRLEN], m[MAC_STRLEN];

	if (!e || (mac[0] & 1) || mac_zero(mac))
		return;
	if (!e->valid || memcmp(e->mac, mac, 6) != 0)
		log_info("neighbour %s is %s", addr_str(ip, s, sizeof(s)), mac_str(mac, m, sizeof(m)));
	memcpy(e->mac, mac, 6);
	e->valid = true;
	e->tries = 0;
	e->updated_ms = a->now_ms;
	flush(a, e, true);
}

int neigh_queue(struct agent *a, const struct ipaddr *ip, const uint8_t *frame, uint32_t len)
{
	struct neigh_entry *e = find(a, ip, true);
	uint8_t *copy;

	if (!e || e->nq >= NEIGH_QUEUE)
		return -ENOBUFS;
	copy = malloc(len);
	if (!copy)
		return -ENOBUFS;
	memcpy(copy, frame, len);
	e->q[e->nq].frame = copy;
	e->q[e->nq].len = len;
	e->nq++;
	return 0;
}

void neigh_tick(struct agent *a)
{
	char s[ADDR_STRLEN];

	for (unsigned i = 0; i < a->n_neigh; i++) {
		struct neigh_entry *e = &a->neigh[i];

		if (e->valid || !e->tries || a->now_ms - e->asked_ms < NEIGH_RETRY_MS)
			continue;
		if (e->tries < NEIGH_TRIES) {
			solicit(a, e);
		} else if (e->nq) {
			log_warn("neighbour %s does not answer; %u queued frame%s dropped",
				 addr_str(&e->ip, s, sizeof(s)), e->nq, e->nq == 1 ? "" : "s");
			flush(a, e, false);
		}
	}
}

void neigh_free(struct agent *a)
{
	for (unsigned i = 0; i < a->n_neigh; i++)
		for (unsigned k = 0; k < a->neigh[i].nq; k++)
			free(a->neigh[i].q[k].frame);
	free(a->neigh);
	a->neigh = NULL;
	a->n_neigh = 0;
}
