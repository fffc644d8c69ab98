/* SPDX-License-Identifier: Apache-2.0 */
/* A card on the bench: tables plus an engine, and helpers to feed it single frames. */
#ifndef VRFSEC_TESTBED_H
#define VRFSEC_TESTBED_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "engine.h"

struct testbed {
	struct vrfsec_tables *t;
	struct vrfsec_engine *e;
	enum vrfsec_engine_kind kind;
};

/* Tables (zeroed, initialised) and an engine of the given kind. 0 or negative errno. */
int testbed_open(struct testbed *tb, enum vrfsec_engine_kind kind);
void testbed_close(struct testbed *tb);

/* Put a frame into a packet buffer at the standard headroom. */
void pkt_load(struct vrfsec_pkt *p, uint8_t in_port, const uint8_t *frame, size_t len);
/* Frame bytes of a finished packet. */
static inline const uint8_t *pkt_data(const struct vrfsec_pkt *p)
{
	return p->buf + p->off;
}

/* Run one frame through the engine; returns the packet's out_port. */
unsigned testbed_run1(struct testbed *tb, struct vrfsec_pkt *p);


/* Write an Ethernet header (dst, src, ethertype) */
void eth_hdr(uint8_t *h, const uint8_t *dst, const uint8_t *src, uint16_t ethertype);
/* RFC 1071 Internet checksum of len bytes (an odd last byte padded with zero). */
uint16_t inet_csum(const uint8_t *p, size_t len);
/* IPv4 header checksum over the header's IHL bytes, stored in place. */
void ipv4_fix_csum(uint8_t *ip);
/* What forwarding does to a packet: IPv4 TTL (checksum fixed) or IPv6 hop limit one lower. */
void ip_ttl_dec(uint8_t *ip);

#endif
