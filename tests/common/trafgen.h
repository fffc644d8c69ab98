/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic generator: a random multi-VRF scenario and a stream of valid and broken frames for every
 * port, each with the outcome the data path must produce (computed independently of hw/hls).
 *
 * Use: trafgen_scenario_init(sc, seed, &cfg); trafgen_program(sc, &tb) for every card; then per
 * burst trafgen_burst_begin(sc), and per packet trafgen_next(sc, &tp), trafgen_load(&tp, pkt);
 * after vrfsec_engine_run, trafgen_verify(sc, &tp, pkt, ...) checks the result. One scenario
 * drives one packet stream; cards programmed from equal scenarios must behave identically. */
#ifndef VRFSEC_TRAFGEN_H
#define VRFSEC_TRAFGEN_H

#include <stddef.h>
#include <stdint.h>

#include "testbed.h"

#define TRAFGEN_MAX_VRF 8u
#define TRAFGEN_MAX_CLIENTS 128u
#define TRAFGEN_MAX_ROUTES 1024u
#define TRAFGEN_MAX_NH 512u
#define TRAFGEN_RING 16u          /* skipped / recently accepted sequence numbers kept per client */
#define TRAFGEN_WIN_BITS 8192u    /* receiver model: seen-bits kept behind the top (> 4096) */
#define TRAFGEN_EXP_MAX (VRFSEC_MAX_FRAME + 256u)

/* Packet kinds: X(id, name, is_error). Valid kinds first; every kind is a coverage target. */
#define TRAFGEN_KINDS(X)                                                     \
	X(CORE_TO_CLIENT, "core->client (MPLS in, ESP out)", 0)              \
	X(CLIENT_TO_CORE, "client->core (ESP in, MPLS out)", 0)              \
	X(CLIENT_TO_CLIENT, "client->client (2 crypto rounds)", 0)           \
	X(CLIENT_TO_INSIDE, "client->inside (ESP in, VLAN out)", 0)          \
	X(CLIENT_TO_HOST, "client->host route", 0)                           \
	X(INSIDE_TO_CLIENT, "inside->client (VLAN in, ESP out)", 0)          \
	X(INSIDE_TO_CORE, "inside->core", 0)                                 \
	X(CORE_TO_INSIDE, "core->inside", 0)                                 \
	X(HOST_INJECT, "host inject into SA", 0)                             \
	X(HOST_TX, "host frame out a port", 0)                               \
	X(E_ICV, "err: bad ICV (bit flip / chopped)", 1)                     \
	X(E_TRUNC, "err: truncated frame", 1)                                \
	X(E_SHORT_ESP, "err: ESP shorter than header+IV+ICV", 1)             \
	X(E_NO_SA, "err: unknown SPI / wrong destination", 1)                \
	X(E_NO_LABEL, "err: unknown VPN label", 1)                           \
	X(E_NO_VLAN, "err: unknown VLAN", 1)                                 \
	X(E_TTL, "err: TTL / label TTL 0 or 1", 1)                           \
	X(E_MTU, "err: larger than egress MTU", 1)                           \
	X(E_BAD_PAD, "err: bad ESP padding", 1)                              \
	X(E_BAD_NH, "err: bad ESP next header", 1)                           \
	X(E_DUMMY, "err: ESP dummy packet (next header 59)", 1)              \
	X(E_INNER_SRC, "err: inner source outside selectors", 1)             \
	X(E_IKE, "err: IKE on UDP 500", 1)                                   \
	X(E_NON_ESP, "err: non-ESP marker on UDP 4500", 1)                   \
	X(E_KEEPALIVE, "err: NAT-T keepalive", 1)                            \
	X(E_FRAG, "err: outer IPv4/IPv6 fragment", 1)                        \
	X(E_CSUM, "err: bad outer IPv4 checksum", 1)                         \
	X(E_NON_IP, "err: non-IP ethertype", 1)                              \
	X(E_LOCAL, "err: IP for the box itself", 1)                          \
	X(E_REPLAY, "err: replayed sequence number", 1)                      \
	X(E_TOO_OLD, "err: sequence number left of window", 1)               \
	X(E_NO_ROUTE, "err: no route / unconfigured VRF", 1)                 \
	X(E_NH_DROP, "err: drop route", 1)                                   \
	X(E_DEAD_SA, "err: route to a missing SA", 1)                        \
	X(E_SEQ_EXHAUSTED, "err: outbound sequence space used up", 1)        \
	X(E_MPLS_BAD, "err: malformed label stack", 1)                       \
	X(E_INJECT_BAD, "err: bad host inject", 1)                           \
	X(E_GARBAGE, "err: random bytes (outcome not predicted)", 1)

enum trafgen_kind {
#define X(id, name, err) TG_##id,
	TRAFGEN_KINDS(X)
#undef X
		TG_KIND_MAX
};

/* Features a packet exercised: X(id, name). Each is a coverage target too. */
#define TRAFGEN_FEATURES(X)                                                  \
	X(OUTER_V4, "outer IPv4")                                            \
	X(OUTER_V6, "outer IPv6")                                            \
	X(UDP, "UDP encapsulation (NAT-T)")                                  \
	X(NO_UDP, "plain ESP (protocol 50)")                                 \
	X(ESN, "extended sequence numbers")                                  \
	X(ESN_HIGH, "ESN sequence number >= 2^32")                           \
	X(TUNNEL, "tunnel mode")                                             \
	X(TRANSPORT, "transport mode")                                       \
	X(TWO_ROUND, "decrypt + re-encrypt in one pass")                     \
	X(INNER_V4, "inner IPv4")                                            \
	X(INNER_V6, "inner IPv6")                                            \
	X(AES128, "AES-128-GCM")                                             \
	X(AES192, "AES-192-GCM")                                             \
	X(AES256, "AES-256-GCM")                                             \
	X(WIN_SMALL, "replay window < 1024")                                 \
	X(WIN_DEFAULT, "replay window default (0 = 1024)")                   \
	X(WIN_4096, "replay window 4096")                                    \
	X(NO_REPLAY, "replay check off")                                     \
	X(REORDER, "late sequence number accepted")                          \
	X(SEQ_GAP, "sequence number gap")                                    \
	X(SEQ_JUMP, "sequence number jump past the window")                  \
	X(SHARED_SPI, "SPI shared by two destinations")                      \
	X(LABELS_1, "1 label pushed")                                        \
	X(LABELS_2, "2 labels pushed")                                       \
	X(LABELS_3, "3 labels pushed")                                       \
	X(TTL_PIPE, "pipe TTL model")                                        \
	X(TTL_UNIFORM, "uniform TTL model")                                  \
	X(EXPLICIT_NULL, "explicit-null label popped")                       \
	X(TFC_PAD, "TFC padding after the inner packet")                     \
	X(ETH_PAD, "bytes after the IP packet")                              \
	X(ESP_PAD_EXTRA, "ESP padding beyond the minimum")                   \
	X(IPV4_OPTIONS, "IPv4 header with options")                          \
	X(SIZE_SMALL, "inner packet <= 64 bytes")                            \
	X(SIZE_LARGE, "inner packet >= 1400 bytes")                          \
	X(DSCP_COPY, "outer DSCP/ECN copied from inner")                     \
	X(DEFAULT_ROUTE, "default route")                                    \
	X(TS_ANY, "SA without traffic selectors")

enum trafgen_feature {
#define X(id, name) TGF_##id,
	TRAFGEN_FEATURES(X)
#undef X
		TGF_MAX
};
#define TGF(id) (1ull << TGF_##id)

/* What a delivered packet must look like. */
#define TG_OUT_NONE 0u  /* only port and reason are predicted */
#define TG_OUT_FRAME 1u /* exp holds the exact output frame */
#define TG_OUT_ESP 2u   /* exp holds the IP packet sealed towards client dst_client */

struct trafgen_rng {
	uint64_t s;
};

struct trafgen_config {
	uint32_t n_vrf;           /* 1 .. TRAFGEN_MAX_VRF */
	uint32_t clients_per_vrf; /* 0: 4 .. 8 at random */
	uint32_t error_pct;       /* share of broken packets, 0 .. 100 */
};

/* Anti-replay state of a receiver (RFC 4303 3.4.3), kept the way the RFC describes it. */
struct trafgen_window {
	uint64_t top;
	uint32_t seen[TRAFGEN_WIN_BITS / 32u];
};

struct trafgen_client {
	uint16_t vrf; /* index into scenario vrf[] */
	uint8_t transport, outer_af, udp, esn, key_len, dead, shared_spi, pub;
	uint16_t nat_port;
	uint32_t sa_in, sa_out;
	struct vrfsec_sa_params in, out; /* exactly as programmed */
	uint8_t key_in[32], key_out[32];
	uint8_t outer[16];                /* the client's public address */
	uint8_t inner4[4], inner6[16];    /* tunnel: its addresses inside the VRF */
	uint8_t mac[6];
	/* the client as a sender */
	uint64_t tx_next; /* next fresh sequence number */
	uint64_t tx_iv;
	uint64_t skipped[TRAFGEN_RING]; /* sent-never-accepted numbers, for late delivery */
	uint32_t n_skipped;
	uint64_t recent[TRAFGEN_RING];  /* recently accepted, for replays */
	uint32_t n_recent;
	/* the card's receiver state as it will be (win) and as the burst's ingress sees it (snap) */
	struct trafgen_window win, snap;
	uint32_t snap_epoch;
	/* the verifier's view of the card's outbound SA */
	uint64_t out_top;
};

struct trafgen_route {
	uint16_t vrf; /* index into scenario vrf[] */
	uint8_t af, plen;
	uint8_t addr[16];
	uint32_t nh;
	uint8_t role; /* TG_RT_* */
};

#define TG_RT_CLIENT 0u
#define TG_RT_CORE 1u
#define TG_RT_VLAN 2u
#define TG_RT_HOST 3u
#define TG_RT_DROP 4u
#define TG_RT_DEAD 5u
#define TG_RT_PUBLIC 6u
#define TG_RT_DEFAULT 7u

struct trafgen_vrf {
	uint16_t id;
	uint16_t vlan;
	struct vrfsec_vrf_params params;
	uint32_t label[2];
	uint32_t n_label;
	uint32_t first_client, n_clients;
};

struct trafgen_scenario {
	struct trafgen_config cfg;
	uint64_t seed;
	struct trafgen_rng rng; /* the packet stream */
	uint32_t n_vrf, n_clients, n_routes, n_nh;
	struct trafgen_vrf vrf[TRAFGEN_MAX_VRF];
	struct trafgen_client client[TRAFGEN_MAX_CLIENTS];
	struct trafgen_route route[TRAFGEN_MAX_ROUTES];
	struct vrfsec_nh nh[TRAFGEN_MAX_NH]; /* index = the card's next-hop index; 0 unused */
	uint32_t dead_sa;                    /* SA index no SA is installed at */
	uint16_t unconf_vrf;                 /* VRF id with a label but no configuration */
	uint32_t unconf_label;
	uint8_t pub4[2][4], pub6[16];
	uint8_t mac_public[6], mac_core[6], mac_inside[6], mac_peer[6];
	uint32_t epoch;
};

/* A generated packet, how to feed it, and what must come out. */
struct trafgen_pkt {
	uint8_t frame[VRFSEC_MAX_FRAME];
	uint32_t len;
	uint8_t in_port;
	uint8_t host_port;   /* in_port HOST without SA: the port the host sends the frame out of */
	uint32_t sa_out;     /* in_port HOST: outbound SA to seal into, else VRFSEC_NONE */
	uint8_t kind;        /* enum trafgen_kind */
	uint64_t features;   /* TGF() bits */
	uint8_t exact;       /* 1: exp_port / exp_reason are predicted */
	uint8_t exp_port, exp_reason;
	uint8_t out_kind;    /* TG_OUT_* */
	uint16_t dst_client; /* TG_OUT_ESP */
	uint8_t exp[TRAFGEN_EXP_MAX];
	uint32_t exp_len;
};

void trafgen_config_default(struct trafgen_config *cfg);

/* Build a scenario from seed into caller-allocated sc (a few MB: allocate it). 0 or -EINVAL. */
int trafgen_scenario_init(struct trafgen_scenario *sc, uint64_t seed,
			  const struct trafgen_config *cfg);

/* Program a testbed's tables and engine with the scenario; equal calls give equal cards.
 * 0 or a negative error of the failing setup call. */
int trafgen_program(const struct trafgen_scenario *sc, struct testbed *tb);

/* Start a burst. The card checks replay windows for a whole burst before it updates any, so the
 * generator's model must know where bursts begin; running packets one at a time, call it before
 * every packet. */
void trafgen_burst_begin(struct trafgen_scenario *sc);

/* The next packet of the stream. */
void trafgen_next(struct trafgen_scenario *sc, struct trafgen_pkt *p);

/* Put a generated packet into a card packet buffer (frame, port, inject SA, host port). */
void trafgen_load(const struct trafgen_pkt *tp, struct vrfsec_pkt *p);

/* Check what the card made of tp against the prediction, decrypting ESP with OpenSSL.
 * 1 verified, 0 nothing predicted, -1 mismatch (reason in why). */
int trafgen_verify(struct trafgen_scenario *sc, const struct trafgen_pkt *tp,
		   const struct vrfsec_pkt *out, char *why, size_t why_len);

const char *trafgen_kind_name(unsigned kind);
int trafgen_kind_is_error(unsigned kind);
const char *trafgen_feature_name(unsigned feature);

/* Deterministic random numbers (splitmix64). */
void trafgen_rng_seed(struct trafgen_rng *r, uint64_t seed);
uint64_t trafgen_rand(struct trafgen_rng *r);
/* Uniform in [0, n); 0 when n is 0. */
uint32_t trafgen_below(struct trafgen_rng *r, uint32_t n);

#endif
