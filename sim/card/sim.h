/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-sim internals: the card process's state, its shared-memory PCIe, rings and ports. */
#ifndef VRFSEC_SIM_CARD_H
#define VRFSEC_SIM_CARD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "fw.h"
#include "sim_transport.h"
#include "vrfsec_hls.h"

#define SIM_N_PORTS 3u /* public, core, inside: VRFSEC_PORT_* 0..2 */
#define SIM_PATH_MAX 512u

enum sim_port_kind { SIM_PORT_NONE, SIM_PORT_TAP, SIM_PORT_XDP, SIM_PORT_PCAP };

struct xdp_port; /* ports_xdp.c */
/* libpcap's types by their struct names: <pcap/pcap.h> clashes with <linux/bpf.h>, which the
 * AF_XDP backend needs, so only the files that call libpcap include it. */
struct pcap;
struct pcap_dumper;

struct sim_port {
	enum sim_port_kind kind;
	uint8_t id;         /* VRFSEC_PORT_* */
	const char *spec;   /* as given on the command line, for messages */
	char ifname[16];    /* tap, xdp */
	int fd;             /* tap: the /dev/net/tun file */
	struct xdp_port *xdp;
	struct pcap *in;         /* pcap: input file, NULL when none or exhausted */
	struct pcap_dumper *out; /* pcap: output file */
	bool in_done;       /* no more input will ever come from this port */
	struct pcap_dumper *cap_in, *cap_out; /* --capture */
	uint64_t rx, tx;          /* frames */
	uint64_t rx_drop;         /* oversized, truncated or arrived while the data path was off */
	uint64_t tx_drop;         /* the backend refused or had no room */
};

/* What the firmware's platform hooks (plat.c) reach: host memory and the engine's key store. */
struct sim_plat {
	uint8_t *mem;       /* the .mem mapping */
	uint64_t mem_size;
	struct vrfsec_engine *e;
	uint64_t dma_faults; /* DMA outside host memory, from firmware or rings */
};

/* Simulator-side counters: what happens at the card's host interface outside the pipeline. */
struct sim_stats {
	uint64_t punt_ok;        /* frames written to the PUNT ring */
	uint64_t punt_no_buf;    /* PUNT_BUF empty or disabled: frame dropped */
	uint64_t punt_ring_full; /* PUNT ring full or disabled: frame dropped */
	uint64_t punt_buf_small; /* first buffer shorter than the frame: frame dropped */
	uint64_t punt_dma_err;   /* a buffer or descriptor outside host memory */
	uint64_t inject_ok;      /* INJECT descriptors run through the pipeline */
	uint64_t inject_bad;     /* INJECT descriptors with a bad length or address */
};

struct sim {
	const char *name;
	enum vrfsec_engine_kind kind;
	uint64_t mem_size;
	bool quiet;
	/* PCIe over shared memory (shm.c) */
	char bar_shm[SIM_PATH_MAX], mem_shm[SIM_PATH_MAX]; /* shm_open names */
	int bar_fd, mem_fd;
	bool bar_made, mem_made; /* ours to unlink */
	volatile uint8_t *bar;
	/* card */
	struct vrfsec_tables *t;
	struct vrfsec_engine *e;
	struct fw *fw;
	struct sim_plat plat;
	uint32_t control_off, rings_off; /* BAR offsets of the blocks, found by walking the chain */
	/* wake-ups for the host (notify.c) */
	char notify_path[SIM_PATH_MAX]; /* the socket's path, "" when it could not be made */
	int notify_listen, notify_conn, notify_efd; /* -1 when none */
	uint32_t notify_head[VRFSEC_ABI_RING_COUNT]; /* card -> host heads at the last look */
	uint64_t notify_sent;  /* eventfd writes */
	/* data path */
	struct sim_port port[SIM_N_PORTS];
	struct pcap *dead; /* Ethernet pcap handle behind every dumper */
	struct vrfsec_pkt *pkts; /* VRFSEC_BURST_MAX packet buffers */
	struct sim_stats st;
	uint64_t hb_ns; /* the last sim_heartbeat() increment */
};

/* ---- registers: 32-bit, never torn, acquire/release as sim_transport.h says */
static inline uint32_t reg_rd(const struct sim *s, uint32_t off)
{
	return __atomic_load_n((volatile uint32_t *)(s->bar + off), __ATOMIC_ACQUIRE);
}

static inline void reg_wr(const struct sim *s, uint32_t off, uint32_t v)
{
	__atomic_store_n((volatile uint32_t *)(s->bar + off), v, __ATOMIC_RELEASE);
}

/* ---- shm.c: create the BAR and host-memory objects (refusing a live owner) and map them */
int sim_shm_create(struct sim *s);
/* Unmap and unlink what sim_shm_create made. */
void sim_shm_destroy(struct sim *s);

/* ---- plat.c: the DMA model */
/* [iova, iova + len) as a pointer into host memory, or NULL (counted as a DMA fault). */
uint8_t *sim_dma_ptr(struct sim_plat *pl, uint64_t iova, uint32_t len);

/* ---- main.c */
/* The simulator's own heartbeat (beside the firmware's): CONTROL.HEARTBEAT + 1 when
 * VRFSEC_SIM_HEARTBEAT_MS have passed since the last. Called wherever the simulator makes
 * progress that can take long on the rtl engine: each loop, each burst, each key install. */
void sim_heartbeat(struct sim *s);

/* ---- rings.c */
/* Find the CONTROL and RINGS blocks through the chain fw_init wrote. 0 or -ENODEV. */
int sim_blocks_find(struct sim *s);
/* Hand a finished packet to the host on the PUNT ring, or count why it could not be. */
void sim_punt(struct sim *s, const struct vrfsec_pkt *p);
/* Load up to max INJECT descriptors' frames into pkts and consume them; returns how many. */
uint32_t sim_inject_rx(struct sim *s, struct vrfsec_pkt **pkts, uint32_t max);
/* True when a host -> card ring has nothing waiting (or is disabled). */
bool sim_ring_empty(const struct sim *s, uint32_t ring);

/* ---- notify.c: the host's eventfd (sim_transport.h) */
/* Listen on the notify socket next to the shm objects; a card without it still runs (the host
 * polls), so failures are reported and not fatal. */
void sim_notify_open(struct sim *s);
/* Take a new connection's eventfd, notice a closed one. Call once per loop iteration. */
void sim_notify_service(struct sim *s);
/* Signal the eventfd once when an irq-enabled card -> host ring's head moved since the last
 * call: at most one write per loop iteration, however many descriptors were posted. */
void sim_notify_signal(struct sim *s);
/* File descriptors worth waking up for (listen socket, connection); returns how many. */
uint32_t sim_notify_fds(const struct sim *s, int *fds, uint32_t max);
void sim_notify_close(struct sim *s);

/* ---- ports.c: one port, whatever its backend */
/* Parse SPEC (tap:IF, xdp:IF, pcap:IN,OUT, none) and open it as port id. 0 or negative errno. */
int sim_port_open(struct sim *s, uint8_t id, const char *spec);
void sim_port_close(struct sim_port *p);
/* Frames waiting on the port, loaded into pkts (in_port set). drop (data path off): tap and xdp
 * frames are read and discarded, a pcap input waits. */
uint32_t sim_port_rx(struct sim_port *p, struct vrfsec_pkt **pkts, uint32_t max, bool drop);
/* Send one frame out of a port (and into its capture). */
void sim_port_tx(struct sim_port *p, const uint8_t *frame, uint32_t len);
/* Write DIR/<port>-in.pcap and DIR/<port>-out.pcap for every port. 0 or negative errno. */
int sim_capture_open(struct sim *s, const char *dir);
/* Push buffered pcap output to the files, so readers see it while the simulator runs. */
void sim_ports_flush(struct sim *s);
/* File descriptors worth waking up for (tap, xdp); returns how many were stored. */
uint32_t sim_ports_fds(const struct sim *s, int *fds, uint32_t max);
const char *sim_port_name(uint8_t id);
/* Start a pcap dumper on the shared Ethernet handle. */
struct pcap_dumper *sim_dump_open(struct sim *s, const char *path);
void sim_dump(struct pcap_dumper *d, const uint8_t *frame, uint32_t len);

/* ---- ports_pcap.c, ports_tap.c, ports_xdp.c: the backends */
int pcap_port_open(struct sim *s, struct sim_port *p, const char *arg);
uint32_t pcap_port_rx(struct sim_port *p, struct vrfsec_pkt **pkts, uint32_t max);
void pcap_port_tx(struct sim_port *p, const uint8_t *frame, uint32_t len);
void pcap_port_close(struct sim_port *p);

int tap_port_open(struct sim_port *p, const char *ifname);
uint32_t tap_port_rx(struct sim_port *p, struct vrfsec_pkt **pkts, uint32_t max);
void tap_port_tx(struct sim_port *p, const uint8_t *frame, uint32_t len);
void tap_port_close(struct sim_port *p);

int xdp_port_open(struct sim_port *p, const char *ifname);
uint32_t xdp_port_rx(struct sim_port *p, struct vrfsec_pkt **pkts, uint32_t max);
void xdp_port_tx(struct sim_port *p, const uint8_t *frame, uint32_t len);
void xdp_port_close(struct sim_port *p);
int xdp_port_fd(const struct sim_port *p);

/* A received frame of len bytes already sits at buf + VRFSEC_HEADROOM: set the metadata. */
static inline void sim_pkt_arrived(struct vrfsec_pkt *pkt, uint8_t in_port, uint32_t len)
{
	pkt->off = VRFSEC_HEADROOM;
	pkt->len = (uint16_t)len;
	pkt->in_port = in_port;
	pkt->out_port = VRFSEC_PORT_DROP;
	pkt->sa_out = VRFSEC_NONE;
}

/* Room a backend may fill: one byte more than the largest frame tells an oversized one apart. */
#define SIM_RX_ROOM (VRFSEC_MAX_FRAME + 1u)

#endif
