/* SPDX-License-Identifier: Apache-2.0 */
/* The IKE datagram seam: what the IKE library receives from the card's punt ring and the one
 * function it sends with. IKE plugs in with agent_ike_attach(); until then datagrams are
 * counted and logged at debug level. */
#ifndef VRFSECD_IKEIO_H
#define VRFSECD_IKEIO_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

struct agent;

struct agent_dgram {
	struct ipaddr src, dst; /* received: peer -> us; sent: us -> peer */
	uint16_t sport, dport;
	bool natt;              /* NAT-T port: the non-ESP marker was stripped / is to be added */
	const uint8_t *msg;     /* the IKE message from its header on */
	uint32_t len;
	uint8_t peer_mac[6];    /* received: the frame's source MAC (the router or the peer) */
};

/* Called for every IKE datagram from the card (from the event loop). */
typedef void (*ike_rx_fn)(void *arg, const struct agent_dgram *d);

void agent_ike_attach(struct agent *a, ike_rx_fn rx, void *arg);
/* Frame d as Ethernet/IP/UDP (+ non-ESP marker when d->natt) and send it out of the public
 * port towards the next hop's MAC. 0 sent; 1 queued until ARP/ND resolves the next hop;
 * -EMSGSIZE, -ENOBUFS (queue full), -EAFNOSUPPORT (no public address of that family), or the
 * driver's error. d->src may be af 0: our public address of d->dst's family. */
int agent_ike_send(struct agent *a, const struct agent_dgram *d);

#endif
