/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-cardtest internals: simulator processes, frame lists, ESP helpers, the testbed mirror. */
#ifndef VRFSEC_CARDTEST_H
#define VRFSEC_CARDTEST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "testbed.h"
#include "vrfsec.h"

#define CT_MSG 1024u
#define CT_NAME 64u
#define CT_MAX_SIMS 16u

/* ---- the run: paths, options, the current test's verdict text -------------------------- */

struct sim_proc {
	pid_t pid;            /* 0 once reaped */
	char name[CT_NAME];   /* --name: "ct<test pid>-<tag>", unique per run */
	char spec[CT_NAME + 8]; /* "sim:<name>" */
	char log[PATH_MAX];   /* its stdout and stderr */
	int status;           /* wait status once reaped */
};

struct ct {
	char tmp[256];         /* mkdtemp directory (under /tmp): every file the run writes */
	char bindir[PATH_MAX]; /* build/bin: vrfsec-sim, vrfsec-card */
	char srcdir[PATH_MAX]; /* repository root: tests/card/gen_frames.py, readme_flow.sh */
	uint64_t seed;
	bool verbose, keep;
	uint32_t n_sa, n_routes; /* scale test sizes */
	unsigned slow;           /* hang guards x this (--slow; 20 when VRFSEC_SIM_ENGINE=rtl) */
	struct sim_proc scale;   /* the big card, shared by scale, wrap and back-pressure */
	bool scale_ready;        /* its tables hold the scale plan */
	char msg[CT_MSG];        /* why the current test failed, or its summary */
};

/* Record why the test fails; returns -1 so callers `return ct_fail(...)`. */
int ct_fail(struct ct *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append to the test's summary line. */
void ct_note(struct ct *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Progress for --verbose runs. */
void ct_log(const struct ct *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A path inside the run's directory. */
const char *ct_path(const struct ct *c, char *buf, size_t len, const char *file);
double ct_now(void);
/* A hang guard of ms milliseconds for this run: how long a wait may take before the test calls
 * it stuck. Only waits for progress are scaled, never what a test asserts. */
unsigned ct_ms(const struct ct *c, unsigned ms);
void ct_sleep_ms(unsigned ms);
void ct_sleep_us(unsigned us);

/* ---- simulator processes (sim_proc.c) -------------------------------------------------- */

/* Install the atexit hook and the signal handlers that stop every simulator of this run. */
void sims_cleanup_install(void);
/* The run directory, for the signal handler to remove (NULL: keep it). */
void sims_cleanup_dir(const char *dir);
/* The helper command running now (0: none), stopped by the cleanup like a simulator. */
void sims_track_cmd(pid_t pid);
/* In a forked child that runs our code: forget the simulators (they are the parent's). */
void sims_child_reset(void);
/* fork/exec vrfsec-sim --name ct<pid>-<tag> --quiet ARGS... (NULL-terminated). Output goes to a
 * log file in the run directory. 0 or -1 (message in c->msg). */
int sim_start(struct ct *c, struct sim_proc *s, const char *tag, const char *const *args);
/* Open the card once the simulator has made it; retries while the simulator starts. */
int sim_open(struct ct *c, struct sim_proc *s, const struct vrfsec_open_cfg *cfg,
	     struct vrfsec_dev **dev);
/* SIGTERM, SIGKILL after 5 s, reap, remove shared memory a killed simulator left. 0 when the
 * simulator stopped by itself on SIGTERM (or had exited with status 0 before). */
int sim_stop(struct sim_proc *s);
/* SIGKILL now (the device-lost test); reaps and removes the shared memory. */
void sim_kill(struct sim_proc *s);
/* Wait up to timeout_ms for the simulator to exit by itself (--exit-when-done). 0 when it exited
 * with status 0; -1 on timeout (still running) or a bad status. */
int sim_wait_exit(struct sim_proc *s, unsigned timeout_ms);
/* Whether /dev/shm still holds an object of this simulator. */
bool sim_shm_left(const struct sim_proc *s);
/* Last lines of the simulator's log, for failure messages. */
void sim_log_tail(const struct sim_proc *s, char *buf, size_t len);
/* Objects named vrfsec-ct<pid>-* under /dev/shm now: should be 0 after every stop. */
unsigned sims_shm_count(void);

/* ---- frames and pcap files (frames.c) ------------------------------------------------- */

struct frame {
	uint8_t *data;
	uint32_t len;
	/* punted frames: where they came from and why */
	uint8_t port, reason;
	uint16_t vrf;
	uint32_t sa;
};

struct frames {
	struct frame *v;
	uint32_t n, cap;
};

void frames_add(struct frames *f, const void *data, uint32_t len);
void frames_free(struct frames *f);
/* Read an Ethernet capture; a missing file reads as no frames when missing_ok. 0 or -1. */
int frames_read_pcap(const char *path, struct frames *f, bool missing_ok, char *err, size_t n);
int frames_write_pcap(const char *path, const struct frames *f, char *err, size_t n);
/* Byte-for-byte equality of two frame lists; the first difference in why. 0 or -1. */
int frames_compare(const char *what, const struct frames *card, const struct frames *ref,
		   char *why, size_t n);

/* ---- packet building and ESP by OpenSSL (esp.c) --------------------------------------- */

struct esp_key {
	uint8_t key[32];
	uint8_t key_len;
	uint8_t salt[4];
};

/* An IPv4 ICMP echo request with a payload that names it (tag); returns its length. */
uint32_t pkt_icmp4(uint8_t *ip, const uint8_t src[4], const uint8_t dst[4], uint8_t ttl,
		   uint32_t tag, uint32_t payload_len);
/* Ethernet (dst, src, type) + MPLS stack (labels outermost first, TTL ttl) + the IP packet. */
uint32_t pkt_mpls(uint8_t *frame, const uint8_t dmac[6], const uint8_t smac[6],
		  const uint32_t *labels, unsigned n, uint8_t ttl, const uint8_t *ip, uint32_t ip_len);

struct esp_build {
	const struct esp_key *k;
	uint32_t spi, seq;
	uint64_t iv;
	uint8_t src[4], dst[4]; /* outer IPv4 */
	uint16_t udp_sport;     /* 0: plain ESP, else ESP-in-UDP to udp_dport */
	uint16_t udp_dport;
	uint8_t dmac[6], smac[6];
	const uint8_t *inner;   /* tunnel mode: the inner IP packet */
	uint32_t inner_len;
};

/* Seal an inner packet into an Ethernet/IPv4/[UDP]/ESP frame (RFC 4303, RFC 4106). Length or 0. */
uint32_t esp_build_v4(uint8_t *frame, uint32_t cap, const struct esp_build *b);

struct esp_opened {
	uint32_t spi, seq;
	bool udp;
	uint8_t outer_af;
	uint8_t outer_dst[16];
	uint8_t next_header;
	uint8_t inner[2048];
	uint32_t inner_len;
};

/* The SPI of an ESP or ESP-in-UDP frame (IPv4 or IPv6 outer), 0 when it is not one. */
uint32_t esp_frame_spi(const uint8_t *frame, uint32_t len);
/* Decrypt and check an ESP frame with key k: 0, or -1 with the reason in why. */
int esp_open_frame(const uint8_t *frame, uint32_t len, const struct esp_key *k,
		   struct esp_opened *o, char *why, size_t n);
/* ICMP tag that pkt_icmp4 wrote into an IPv4 packet, or 0xffffffff. */
uint32_t pkt_icmp4_tag(const uint8_t *ip, uint32_t len);

/* ---- the cmodel mirror: the card and an in-process testbed programmed alike (mirror.c) -- */

struct mirror {
	struct vrfsec_dev *dev;
	struct testbed tb;
	bool tb_open;
};

int mirror_open(struct mirror *m, struct vrfsec_dev *dev);
void mirror_close(struct mirror *m);
/* The card's synchronous command; when the card applied it, the testbed gets the same change.
 * Returns the card's result; a testbed that refuses what the card took is -EPROTO. */
int mirror_sa_add(struct mirror *m, const struct vrfsec_sa_cfg *sa);
int mirror_sa_del(struct mirror *m, uint32_t idx);
int mirror_route_add(struct mirror *m, const struct vrfsec_route_cfg *r);
int mirror_route_del(struct mirror *m, const struct vrfsec_route_cfg *r);
int mirror_nh_set(struct mirror *m, const struct vrfsec_nh_cfg *nh);
int mirror_label_map(struct mirror *m, const struct vrfsec_label_cfg *l);
int mirror_vrf_set(struct mirror *m, const struct vrfsec_vrf_cfg *v);
int mirror_port_set(struct mirror *m, const struct vrfsec_port_settings *p);

/* What came out of a run: frames per port and the punted frames with their metadata. */
struct run_out {
	struct frames port[3]; /* public, core, inside */
	struct frames punt;
};
void run_out_free(struct run_out *o);

/* Feed the testbed the way vrfsec-sim's loop reads pcap inputs: per round up to
 * VRFSEC_BURST_MAX frames from public, then core, then inside, each a burst. */
void mirror_run_ports(struct mirror *m, const struct frames in[3], struct run_out *out);
/* One injected IP packet sealed into outbound SA sa, as the INJECT ring delivers it. */
void mirror_run_inject(struct mirror *m, const void *ip, uint32_t len, uint32_t sa,
		       struct run_out *out);

/* ---- card against cmodel (compare.c) -------------------------------------------------- */

/* Take every punted frame off the card (until none or the card is gone). */
int card_punts(struct ct *c, struct vrfsec_dev *dev, struct frames *out);
/* The card's pcap outputs (paths[i] NULL: port not plugged) and punts against a mirror run. */
int compare_runs(struct ct *c, const char *const paths[3], const struct frames *punts,
		 const struct run_out *ref);
/* Every counter of a snapshot against the testbed's tables, apart from those named in skip. */
int compare_counters(struct ct *c, const struct vrfsec_snapshot *s, const struct vrfsec_tables *t,
		     const char *const *skip);

/* Conversions the mirror uses (independent of the driver's entry encoding). */
void sa_params_from_cfg(const struct vrfsec_sa_cfg *c, struct vrfsec_sa_params *p);

/* ---- card helpers (util.c) ------------------------------------------------------------ */

/* Counter snapshot or -1 with the reason in c->msg. */
int snap_get(struct ct *c, struct vrfsec_dev *dev, struct vrfsec_snapshot **s);
/* Global counter by name, ~0 when unknown. */
uint64_t snap_global(const struct vrfsec_snapshot *s, const char *name);
/* Equal snapshots apart from the card time and the counters named in skip (NULL-terminated). */
bool snap_equal(const struct vrfsec_snapshot *a, const struct vrfsec_snapshot *b,
		const char *const *skip, char *why, size_t n);
/* Poll snapshots until global counter name reaches at least want, or timeout (x c->slow). */
int snap_wait_global(struct ct *c, struct vrfsec_dev *dev, const char *name, uint64_t want,
		     unsigned timeout_ms);
/* Wait until a pcap file holds at least n frames (the simulator flushes when idle); timeout x
 * c->slow. */
int pcap_wait_frames(struct ct *c, const char *path, uint32_t n, unsigned timeout_ms,
		     struct frames *out);
/* Run a command (argv[0] a path), output to log (appended); exit status or -1. */
int run_cmd(const struct ct *c, const char *const *argv, const char *log);
/* Deterministic random bytes for a given stream and index (keys, salts). */
void rand_bytes(uint64_t seed, uint64_t stream, uint64_t idx, uint8_t *out, size_t n);
uint64_t mix64(uint64_t x);
/* Hex of n bytes into out (2n + 1 bytes). */
char *hex(char *out, const uint8_t *b, size_t n);

/* ---- the tests ------------------------------------------------------------------------- */

int test_scale(struct ct *c);
int test_wrap(struct ct *c);
int test_backpressure(struct ct *c);
int test_errors(struct ct *c);
int test_lost(struct ct *c);
int test_ports(struct ct *c);
int test_readme(struct ct *c);
int test_inject(struct ct *c);
int test_sa_update(struct ct *c);
int test_notify(struct ct *c);

#endif
