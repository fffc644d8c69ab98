/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-bench internals: the benchmark card (tables, SAs, routes), packet rings, timed loops. */
#ifndef VRFSEC_BENCH_H
#define VRFSEC_BENCH_H

#include <stdint.h>

#include "testbed.h"

/* Packets per ring pass. A multiple of the burst (64) and of the IMIX pattern (12); small
 * enough that the ring's frames stay in L2, as frames a NIC has just written (DDIO) would. */
#define BENCH_RING 192u
#define BENCH_BURSTS (BENCH_RING / VRFSEC_BURST_MAX)
#define BENCH_SIZE_IMIX 0u
#define BENCH_MAX_SA 65536u /* inbound SAs at 0..n-1, outbound SAs at BENCH_MAX_SA + i */

enum bench_dir {
	BENCH_OUT = 0, /* core port MPLS -> VRF FIB -> ESP seal -> public port */
	BENCH_IN = 1,  /* public port ESP -> open -> VRF FIB -> label push -> core port */
};

/* One benchmark card: the engine under test, plus a CPU-engine card that seals the inbound
 * ESP packets with the peer's copy of every inbound SA (same SPI, key and salt). */
struct bench_world {
	struct testbed tb;
	struct testbed sealer;
	uint32_t nsa;
	uint32_t key_len;
	int sealer_open;
	/* Order in which traffic visits the SAs: every SA once per round, shuffled, so that
	 * neither the hardware prefetcher nor a stride detector sees a pattern real traffic from
	 * many peers would not have. */
	uint32_t *order;
};

/* Frames of one ring pass. Frame j belongs to SA sa[j] and carries an inner packet of
 * inner[j] bytes; the engine must emit it on the other port with length want_len[j]. */
struct bench_ring {
	enum bench_dir dir;
	uint32_t size;               /* inner packet size, or BENCH_SIZE_IMIX */
	uint32_t base;               /* position in w->order of frame 0 in the current pass */
	uint8_t *mem;                /* BENCH_RING frames, each at a cache-line-aligned offset */
	uint32_t off[BENCH_RING];
	uint16_t len[BENCH_RING];
	uint16_t inner[BENCH_RING];
	uint16_t want_len[BENCH_RING];
	uint32_t sa[BENCH_RING];
	uint64_t inner_bytes;        /* sum of inner[] over the ring */
};

struct bench_opts {
	double engine_s; /* timed seconds per engine case */
	double raw_s;    /* timed seconds per raw ipsec-mb case */
	double warm_s;   /* untimed warm-up before each case */
	uint32_t min_passes;
};

struct bench_rate {
	double mpps;
	double gbps;
};

/* A case's timed seconds are cut into segments; the median segment is the result. */
#define BENCH_SEGMENTS 5u

struct bench_clock {
	double seg_s, warm_end, t;
	uint64_t pk, bytes;
	uint32_t passes, timed_passes, min_passes, nseg;
	int timing;
	double mpps[BENCH_SEGMENTS], gbps[BENCH_SEGMENTS];
};

double bench_now(void);
void bench_clock_init(struct bench_clock *k, const struct bench_opts *o, double seconds);
/* Start of a pass: 1 when the pass is timed (warm-up over). */
int bench_clock_timing(struct bench_clock *k);
/* A timed pass took secs for packets / bytes of inner packets; 1 when enough is measured. */
int bench_clock_add(struct bench_clock *k, double secs, uint64_t packets, uint64_t bytes);
void bench_clock_result(const struct bench_clock *k, struct bench_rate *out);

/* Inner packet size of ring slot j: the fixed size, or the IMIX pattern (7:4:1 of 64/576/1500). */
uint32_t bench_inner_size(uint32_t size, uint32_t j);
/* ESP payload the pipeline encrypts for an inner packet (tunnel mode): packet, padding to 4,
 * pad length and next header. */
uint32_t bench_esp_payload(uint32_t inner);

/* Program a card of the given engine with nsa tunnels in both directions (all keys of
 * key_len bytes). 0 or a negative errno with a message on stderr. */
int bench_world_open(struct bench_world *w, enum vrfsec_engine_kind kind, uint32_t key_len,
		     uint32_t nsa);
void bench_world_close(struct bench_world *w);

/* Ring memory and first fill for a direction and size. 0 or negative errno. */
int bench_ring_init(struct bench_world *w, struct bench_ring *r, enum bench_dir dir,
		    uint32_t size);
/* Refill the ring for the SAs base, base+1, ... (outside the timed region). */
int bench_ring_fill(struct bench_world *w, struct bench_ring *r, uint32_t base);
void bench_ring_free(struct bench_ring *r);
/* Forget every inbound sequence number seen, so that a ring's packets are new again. */
void bench_replay_reset(struct bench_world *w);

/* Timed engine loop over the ring. 0, or -1 when a packet did not leave as expected
 * (message on stderr). */
int bench_engine(struct bench_world *w, struct bench_ring *r, const struct bench_opts *o,
		 struct bench_rate *out);
/* Raw ipsec-mb AES-GCM over buffers of the ring's ESP payload sizes (the baseline, see
 * bench_raw.c for what it includes and why). 0 or negative errno. */
int bench_raw(const struct bench_world *w, const struct bench_ring *r, const struct bench_opts *o,
	      struct bench_rate *out);
/* ipsec-mb architecture the library picks on this CPU ("avx512", ...). */
const char *bench_imb_arch(void);

/* Deterministic key, salt for tunnel i and direction. */
void bench_key(uint32_t i, enum bench_dir dir, uint32_t key_len, uint8_t *key);
void bench_salt(uint32_t i, enum bench_dir dir, uint8_t *salt);

/* `vrfsec-bench ring`: installs per second through a simulator's command ring. */
int bench_cmdring_main(int argc, char **argv);

#endif
