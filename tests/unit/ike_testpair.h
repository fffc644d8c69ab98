/* SPDX-License-Identifier: Apache-2.0 */
/* Two IKE library contexts in one process (side 0 = A, side 1 = B) over a simulated network: a
 * FIFO of datagrams that the tests' send callbacks fill (itp_queue) and itp_pump delivers in
 * order. Shared by test_ike_sm, test_ike_events, test_ike_cert and test_ike_scale; each keeps its
 * own struct side and callbacks, and the queue limits it asserts (itp_init). */
#ifndef IKE_TESTPAIR_H
#define IKE_TESTPAIR_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "ike.h"

enum { ITP_MAXQ = 512, ITP_PKT = 4096 };

struct itp_pkt {
	int to; /* side the datagram is for */
	uint8_t data[ITP_PKT];
	size_t len;
	struct sockaddr_in src, dst;
	uint8_t natt;
};

struct itp_net {
	struct itp_pkt q[ITP_MAXQ];
	int nq;                    /* datagrams waiting in q */
	int maxq;                  /* itp_queue asserts nq stays below this */
	size_t maxlen;             /* and that no datagram is longer */
	struct ike_ctx **ctx[2];   /* where side 0 and side 1 keep their contexts */
};

extern struct itp_net itp;

/* Bind the two sides' context pointers (read at every delivery) and set the limits; empties q. */
void itp_init(struct ike_ctx **a, struct ike_ctx **b, int maxq, size_t maxlen);
/* Append what side `from` sends (for the other side); asserts the limits. Returns the queued copy
 * (a test may rewrite it, e.g. its source port). */
struct itp_pkt *itp_queue(int from, const struct ike_dgram *d);
/* Hand one datagram to the context of side p->to. */
void itp_deliver(const struct itp_pkt *p, uint64_t now);
/* Deliver queued datagrams, including the answers they cause, up to max; how many. */
int itp_pump(int max, uint64_t now);
/* Both contexts' timers at now, then itp_pump(max, now). */
void itp_tick(uint64_t now, int max);
/* Destroy both contexts and empty the queue. */
void itp_destroy(void);
void itp_addr(struct sockaddr_in *a, const char *ip, uint16_t port);

#endif
