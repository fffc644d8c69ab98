/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the traffic generator's files (scenario, ESP, paths, errors, checks). */
#ifndef VRFSEC_TRAFGEN_IMPL_H
#define VRFSEC_TRAFGEN_IMPL_H

#include "trafgen.h"

#define TG_NONE 0xffffu        /* "no VRF / no client" in 16-bit indexes */
#define TG_INPUT_MAX 1850u     /* largest inner packet put into any input frame (fits 2048) */
#define TG_NATT_PORT 4500u
#define TG_IKE_PORT 500u

/* One packet being generated. */
struct tg_gen {
	struct trafgen_scenario *sc;
	struct trafgen_rng *r;
	struct trafgen_pkt *p;
	/* deviations of core / inside frames, set by the error kinds */
	int no_pad;     /* nothing behind the IP packet (a truncation must cut into it) */
	uint32_t label; /* VPN label instead of the VRF's (0: the VRF's) */
	int label_ttl;  /* VPN label TTL (-1: random 2..255) */
	int label_s0;   /* VPN label without bottom-of-stack, another label behind it */
	int nulls;      /* explicit-null labels on top (-1: none or one at random) */
	int vlan;       /* VLAN tag instead of the VRF's (-1: the VRF's) */
};

/* How a client's ESP packet deviates from a good one. Zero = a good packet. */
struct tg_esp_opts {
	uint64_t seq;            /* true sequence number */
	int next_header;         /* -1: the right one */
	int bad_pad;             /* 1: a wrong padding byte, 2: pad length beyond the data */
	uint32_t tfc;            /* TFC padding bytes behind the inner packet (tunnel) */
	uint32_t pad_extra;      /* padding beyond the minimum, multiple of 4 */
	uint32_t eth_pad;        /* bytes behind the outer IP packet */
	int corrupt;             /* flip one bit between IV and ICV */
	uint32_t chop;           /* remove this many bytes from the end of ESP, lengths fixed */
	uint32_t short_esp;      /* keep only this many ESP bytes (< minimum), lengths fixed */
	uint32_t spi;            /* 0: the client's SPI */
	int pub_other;           /* send to the other public address */
	const uint8_t *src;      /* outer source override (transport: the inner source too) */
};

/* Client selection flags */
#define PC_TUNNEL 0x01u
#define PC_ALIVE 0x02u     /* the card can still send to it */
#define PC_TS 0x04u        /* inbound SA has traffic selectors */
#define PC_REPLAY 0x08u    /* replay check on */
#define PC_TRANSPORT 0x10u
#define PC_DEAD 0x20u
#define PC_OUTER_V4 0x40u
#define PC_UNSHARED 0x80u  /* SPI not shared with another destination */

/* Destination roles beyond the route roles of trafgen.h */
#define TG_RT_UNROUTED 8u /* no route covers it */
#define TG_RT_ANY 9u      /* tunnel client: the core; transport client: wherever the card's
			   * public address is routed */

static inline void tg_wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tg_wr32(uint8_t *p, uint32_t v)
{
	tg_wr16(p, v >> 16);
	tg_wr16(p + 2, v);
}

static inline uint32_t tg_rd16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t tg_rd32(const uint8_t *p)
{
	return tg_rd16(p) << 16 | tg_rd16(p + 2);
}

static inline uint32_t tg_ip_hlen(const uint8_t *ip)
{
	return (ip[0] >> 4) == 4u ? (ip[0] & 15u) * 4u : 40u;
}

static inline uint8_t tg_ip_af(const uint8_t *ip)
{
	return (ip[0] >> 4) == 4u ? VRFSEC_AF_IPV4 : VRFSEC_AF_IPV6;
}

static inline uint32_t tg_alen(uint8_t af)
{
	return af == VRFSEC_AF_IPV6 ? 16u : 4u;
}

/* trafgen.c: scenario queries */
const struct trafgen_route *tg_lpm(const struct trafgen_scenario *sc, uint16_t vi, uint8_t af,
				   const uint8_t *addr);
int tg_prefix_match(const uint8_t *a, const uint8_t *prefix, uint32_t plen);
void tg_rand_bytes(struct trafgen_rng *r, uint8_t *b, uint32_t n);
/* A random address inside prefix/plen. */
void tg_rand_in(struct trafgen_rng *r, uint8_t af, const uint8_t *prefix, uint32_t plen,
		uint8_t *out);

/* trafgen_esp.c: crypto, receiver model, client frames */
int tg_gcm_seal(const uint8_t *key, uint32_t key_len, const uint8_t nonce[12], const uint8_t *aad,
		uint32_t aad_len, const uint8_t *in, uint8_t *out, uint32_t len, uint8_t tag[16]);
int tg_gcm_open(const uint8_t *key, uint32_t key_len, const uint8_t nonce[12], const uint8_t *aad,
		uint32_t aad_len, const uint8_t *in, uint8_t *out, uint32_t len,
		const uint8_t tag[16]);
/* Replay window the card enforces for c (0 = off). */
uint32_t tg_window(const struct trafgen_client *c);
/* The card's verdict on an ESP packet of c carrying true sequence number seq whose ICV matches
 * when crypto_ok: 0 accepted (content decides the rest), else the counter it is dropped with. */
unsigned tg_model_esp(struct trafgen_scenario *sc, struct trafgen_client *c, uint64_t seq,
		      int crypto_ok);
/* Sequence number for c's next good packet: fresh, after a gap, or a late one still in window. */
uint64_t tg_next_seq(struct tg_gen *g, struct trafgen_client *c);
/* Remember a number that was sent but will not be accepted, for late delivery. */
void tg_note_skipped(struct trafgen_client *c, uint64_t seq);
/* A recently accepted number still inside the window, or 0. */
uint64_t tg_recent_in_window(struct tg_gen *g, const struct trafgen_client *c);
/* Ethernet frame from client c to the card carrying ip (tunnel) or its payload (transport). */
uint32_t tg_client_frame(struct tg_gen *g, struct trafgen_client *c, const uint8_t *ip,
			 uint32_t ip_len, const struct tg_esp_opts *o, uint8_t *frame);
/* Outer IP length the card produces for an ip_len-byte packet (header hlen) sealed to d. */
uint32_t tg_outer_len(const struct trafgen_client *d, uint32_t ip_len, uint32_t hlen);

/* trafgen_gen.c: packets, paths, expectations */
void tg_expect(struct trafgen_pkt *p, uint8_t port, uint8_t reason);
uint64_t tg_feat_in(const struct trafgen_client *c);
uint64_t tg_feat_out(const struct trafgen_client *d);
int tg_pick_client(struct tg_gen *g, int vi, unsigned flags, int exclude);
int tg_pick_vrf(struct tg_gen *g);
/* An IP packet; returns len. ttl 0 and 1 are allowed (for the TTL errors). */
uint32_t tg_build_ip(struct tg_gen *g, uint8_t *ip, uint8_t af, const uint8_t *src,
		     const uint8_t *dst, uint32_t len, uint8_t ttl);
uint32_t tg_pick_len(struct tg_gen *g, uint8_t af, uint32_t max);
/* Destination of role TG_RT_* in VRF vi and family af (af may change when vi has none). */
int tg_pick_dst(struct tg_gen *g, uint16_t vi, unsigned role, uint8_t *af, uint8_t *dst);
/* Largest inner packet (header hlen) that the card can seal to d within its MTU. */
uint32_t tg_sa_max_len(const struct trafgen_client *d, uint32_t hlen);
/* Largest inner packet that reaches the destination (egress MTU, input frame size). */
uint32_t tg_max_len(struct tg_gen *g, uint16_t vi, uint8_t af, const uint8_t *dst, uint32_t hlen);
uint32_t tg_client_addr(struct tg_gen *g, const struct trafgen_client *d, uint8_t *af,
			uint8_t *dst);
/* Frames on the core and inside ports around ip (vi TG_NONE: the unconfigured VRF's label);
 * label_ttl gets the TTL the label pop hands on (0 in the pipe model). */
uint32_t tg_core_frame(struct tg_gen *g, uint16_t vi, const uint8_t *ip, uint32_t len,
		       uint8_t *label_ttl);
uint32_t tg_vlan_frame(struct tg_gen *g, uint16_t vi, const uint8_t *ip, uint32_t len);
/* What forwarding ip in VRF vi (TG_NONE: unconfigured) does; sets the expectation. */
void tg_forward(struct tg_gen *g, uint16_t vi, uint8_t *ip, uint32_t len, uint8_t label_ttl);
/* Send ip from client c with options o: frame, receiver model, expectation. */
void tg_client_send(struct tg_gen *g, struct trafgen_client *c, uint8_t *ip, uint32_t len,
		    const struct tg_esp_opts *o);
/* An inner packet from client c towards role in its VRF; 0 when impossible. */
uint32_t tg_client_inner(struct tg_gen *g, const struct trafgen_client *c, unsigned role,
			 uint8_t *ip, uint8_t ttl, uint32_t min_len);

/* trafgen_err.c: the error kinds */
int tg_gen_error(struct tg_gen *g, unsigned kind);

#endif
