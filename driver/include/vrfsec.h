/* SPDX-License-Identifier: Apache-2.0 */
/* libvrfsec: the host driver of the vrfsec card, real (VFIO) or simulated (shared memory). */
#ifndef VRFSEC_H
#define VRFSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opcodes (VRFSEC_ABI_OP_*), completion details (VRFSEC_ABI_ERR_*), event types
 * (VRFSEC_ABI_EVENT_*) and port numbers (VRFSEC_ABI_PORT_*) come from the one card ABI. */
#include "vrfsec_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Threads: a device handle and every batch made from it belong to one thread at a time. The
 * library takes no locks; a program that shares a handle between threads serialises the calls
 * itself. Distinct handles are independent: the library keeps no global state.
 *
 * Callbacks (batch results, events) run on the calling thread, inside vrfsec_poll() and inside
 * any call that waits. They may read state and call vrfsec_strerror()/vrfsec_errmsg(); calls
 * that would submit or wait return -EDEADLK from inside a callback.
 *
 * Errors: every function that can fail returns a negative errno value; vrfsec_errmsg() tells
 * the details of the last failure on a handle. -ENODEV means the device is lost (heartbeat
 * stopped for open_cfg.lost_ms or the card reported a fault); the handle then only closes.
 *
 * Memory: vrfsec_close() frees everything the handle took, host and DMA memory; parameter
 * blocks that held keys are wiped once their command completed, and again at close.
 */

struct vrfsec_dev;
struct vrfsec_batch;

/* ---- device: open, identify, close ---------------------------------------------------- */

#define VRFSEC_OPEN_NO_ENABLE 0x1u /* map and identify only; the rings stay untouched */

struct vrfsec_open_cfg {
	uint32_t flags;            /* VRFSEC_OPEN_* */
	uint8_t cmd_ring_log2;     /* command and completion ring descriptors; 0 = 10 (1024) */
	uint8_t event_ring_log2;   /* 0 = 9 */
	uint8_t punt_ring_log2;    /* punt buffers (and descriptors); 0 = 8 */
	uint8_t inject_ring_log2;  /* 0 = 8 */
	uint32_t staging_slots;    /* parameter blocks (= commands) in flight; 0 = 64 */
	uint32_t staging_slot_size; /* bytes of one parameter block, a multiple of 256; 0 = 64 KiB */
	uint32_t timeout_ms;       /* waits for a live card that does not answer; 0 = 5000 */
	uint32_t lost_ms;          /* heartbeat standstill that means "device lost"; 0 = 1000 */
	char *errbuf;              /* optional: why vrfsec_open_ex() failed */
	size_t errbuf_len;
};

/* Open a card. spec: "sim:NAME" (simulator), "pci:0000:03:00.0" (VFIO), "pci:auto" (the first
 * vrfsec card on the PCI bus). Enables the rings. 0 or negative errno; *dev NULL on failure. */
int vrfsec_open(struct vrfsec_dev **dev, const char *spec);
/* vrfsec_open() with settings (cfg may be NULL) and an error message buffer. */
int vrfsec_open_ex(struct vrfsec_dev **dev, const char *spec, const struct vrfsec_open_cfg *cfg);
/* Disable the rings, wipe the parameter blocks and free everything. NULL is a no-op. */
void vrfsec_close(struct vrfsec_dev *dev);
/* Program and start the rings (done by vrfsec_open unless VRFSEC_OPEN_NO_ENABLE). */
int vrfsec_enable(struct vrfsec_dev *dev);
/* Stop the rings: commands in flight complete with -ECANCELED, their parameter blocks wiped. */
void vrfsec_disable(struct vrfsec_dev *dev);
/* Message about the last failure on this handle ("" when none). Valid until the next call. */
const char *vrfsec_errmsg(const struct vrfsec_dev *dev);

struct vrfsec_info {
	char spec[80];         /* as opened */
	const char *backend;   /* "sim", "pci" */
	uint32_t abi_version;  /* ID.ABI_VERSION */
	uint32_t card_kind;    /* VRFSEC_ABI_CARD_SIM / _FPGA */
	uint32_t fw_version;   /* major << 16 | minor */
	uint32_t caps;         /* bit 0 cmodel, 1 cpu, 2 rtl */
	uint32_t n_ports;
	uint32_t status;       /* CONTROL.STATUS: bit 0 ready, bit 1 fault */
	uint32_t control;      /* CONTROL.CONTROL: bit 0 data path enabled */
	uint32_t engine;       /* 0 cmodel, 1 cpu, 2 rtl */
	uint32_t heartbeat;
	uint32_t host_mem_size; /* bytes the card may DMA (simulator) */
	/* TABLES */
	uint32_t max_sa, max_vrf, max_nh, fib_nodes, fib_routes, replay_max, label_space, max_frame;
	/* COUNTERS: what a snapshot holds */
	uint32_t n_global, n_vrf, n_sa;
	/* PORTS (has_ports false when the card has no PORTS block) */
	bool has_ports;
	uint32_t natt_port, ike_port, core_mtu, inside_mtu;
};

/* Identity, capacities and run state, read now from the register blocks found at open. */
int vrfsec_info_get(struct vrfsec_dev *dev, struct vrfsec_info *info);
/* Name of an engine number ("cmodel", "cpu", "rtl", "?"). */
const char *vrfsec_engine_str(uint32_t engine);

struct vrfsec_block {
	uint32_t offset, type, version, next, size;
	const char *name; /* "ID", ..., or "unknown" */
	bool used;        /* the driver knows this type and version and uses the block */
};

/* The register block chain as walked at open: fills up to max entries, returns the count. */
int vrfsec_blocks_get(struct vrfsec_dev *dev, struct vrfsec_block *blocks, unsigned max);

/* Start (on) or stop (off) the card's data path: CONTROL.CONTROL bit 0. */
int vrfsec_datapath_set(struct vrfsec_dev *dev, bool on);
/* Empty every table (SAs with their keys, next hops, VRFs, labels, FIB, counters) and wait
 * until the firmware has done it: CONTROL.CONTROL bit 1. */
int vrfsec_reset_tables(struct vrfsec_dev *dev);

/* ---- discovery -------------------------------------------------------------------------- */

/* The one place the card's PCI identity is written: a placeholder pair until the card has its
 * own IDs. 0x10ee is the FPGA vendor's ID, which FPGA designs carry by default; 0x5653 is "VS",
 * not used by any listed 0x10ee device. */
#define VRFSEC_PCI_VENDOR 0x10eeu
#define VRFSEC_PCI_DEVICE 0x5653u

struct vrfsec_probe_entry {
	char spec[80];       /* what vrfsec_open() takes: "pci:0000:03:00.0", "sim:NAME" */
	const char *kind;    /* "pci" or "sim" */
	bool is_card;        /* a vrfsec card (PCI IDs match) or a simulator's shared memory */
	uint16_t vendor, device; /* PCI only */
	uint32_t class_code;     /* PCI only: base << 16 | sub << 8 | prog-if */
	char driver[32];     /* PCI: kernel driver bound now ("" when none); sim: "" */
	char desc[96];       /* PCI: vendor and device names; sim: simulator state */
};

/* Call fn for every PCI device scanned and every simulated card found under /dev/shm. Returns
 * the number of vrfsec cards found (0 is no error) or negative errno (errbuf says why). */
int vrfsec_probe(void (*fn)(void *arg, const struct vrfsec_probe_entry *e), void *arg,
		 char *errbuf, size_t errbuf_len);

/* ---- table parameters ------------------------------------------------------------------ */

#define VRFSEC_SA_IN 1u
#define VRFSEC_SA_OUT 2u
#define VRFSEC_SA_TUNNEL 0u
#define VRFSEC_SA_TRANSPORT 1u
#define VRFSEC_SA_DF_COPY 0u
#define VRFSEC_SA_DF_SET 1u
#define VRFSEC_SA_DF_CLEAR 2u
#define VRFSEC_SA_MAX_TS 4u

struct vrfsec_ts_cfg {
	uint8_t af;       /* 4 or 6 */
	uint8_t plen;
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

struct vrfsec_lifetime {
	uint64_t bytes, packets; /* 0 = none */
	uint32_t seconds;
};

/* vrfsec_sa_cfg.update: what an SA update changes beyond UDP ports, MTU and lifetimes (which it
 * always sets). Nothing else of the SA changes; sequence number, IV, replay window, counters and
 * key carry on, so a peer whose NAT mapping moves needs no rekey. */
#define VRFSEC_SA_UPD_ADDR VRFSEC_ABI_SA_UPD_ADDR /* src/dst, same outer_af as the SA (else
	* -EINVAL). Outbound: tunnel mode only (-EINVAL in transport mode, whose outer header is
	* the packet's). Inbound: dst is the SPI lookup's second key; the SA moves there at once
	* (packets to the old dst find no SA), -EEXIST (DUP_SPI) when another inbound SA has this
	* SPI at the new dst. */
#define VRFSEC_SA_UPD_ETH VRFSEC_ABI_SA_UPD_ETH /* smac/dmac of an outbound SA (inbound: -EINVAL) */

/* An SA as SA_ADD / SA_UPDATE carries it. The key is copied into a DMA parameter block that is
 * wiped when the command completes; nothing ever reads a key back. Fields are checked by the
 * card (errors come back in the completion), except that n_ts and key_len must fit the arrays. */
struct vrfsec_sa_cfg {
	uint32_t idx;        /* SA slot, below info.max_sa */
	uint8_t dir;         /* VRFSEC_SA_IN / _OUT */
	uint8_t mode;        /* VRFSEC_SA_TUNNEL / _TRANSPORT */
	bool esn;            /* 64-bit sequence numbers */
	bool udp;            /* RFC 3948 UDP encapsulation (udp_sport, udp_dport) */
	uint32_t spi;
	uint16_t vrf;
	uint16_t win;        /* inbound replay window in bits, 0 = 1024 */
	bool no_replay;
	uint8_t outer_af;    /* 4 or 6 */
	uint8_t ttl;         /* outer TTL, 0 = 64 */
	uint8_t tos;         /* outer DSCP/ECN when not copied */
	bool dscp_copy, ecn_copy;
	uint8_t df_mode;     /* VRFSEC_SA_DF_* */
	uint8_t pad_extra;   /* extra ESP padding, multiple of 4 */
	uint8_t src[16], dst[16]; /* outer addresses, network order */
	uint32_t flow_label;
	uint16_t ipv4_id, udp_sport, udp_dport;
	uint16_t mtu;        /* largest outer packet, 0 = 1500 */
	uint64_t seq;        /* outbound: last sent; inbound: highest seen */
	uint64_t iv;         /* outbound: first IV */
	uint8_t smac[6], dmac[6];
	uint8_t n_ts;        /* inbound inner-source selectors used, <= VRFSEC_SA_MAX_TS; 0 = any */
	struct vrfsec_ts_cfg ts[VRFSEC_SA_MAX_TS];
	uint16_t idle_s;     /* inbound: idle seconds before EVENT_SA_IDLE, 0 = never */
	uint8_t key_len;     /* 16, 24 or 32 */
	uint8_t key[32];
	uint8_t salt[4];
	struct vrfsec_lifetime soft, hard;
	uint32_t update;     /* update only: VRFSEC_SA_UPD_* (add ignores it); unknown bits -EINVAL */
};

struct vrfsec_route_cfg {
	uint16_t vrf;
	uint8_t af;        /* 4 or 6 */
	uint8_t plen;
	uint8_t addr[16];  /* prefix, network order */
	uint32_t nh;       /* next hop slot (ignored when deleting) */
};

#define VRFSEC_NEXTHOP_NONE 0u
#define VRFSEC_NEXTHOP_MPLS 1u
#define VRFSEC_NEXTHOP_SA 2u
#define VRFSEC_NEXTHOP_VLAN 3u
#define VRFSEC_NEXTHOP_HOST 4u
#define VRFSEC_NEXTHOP_DROP 5u
#define VRFSEC_NEXTHOP_MAX_LABELS 3u

struct vrfsec_nh_cfg {
	uint32_t idx;      /* next hop slot, below info.max_nh */
	uint8_t kind;      /* VRFSEC_NEXTHOP_* */
	uint8_t n_labels;  /* MPLS labels used, outermost first */
	uint8_t ttl_mode;  /* 0 uniform, 1 pipe */
	uint8_t pipe_ttl;
	uint32_t sa;       /* outbound SA (kind SA) */
	uint16_t vlan;     /* kind VLAN */
	uint16_t mtu;      /* 0 = the port's */
	uint32_t label[VRFSEC_NEXTHOP_MAX_LABELS];
	uint8_t dmac[6], smac[6];
};

#define VRFSEC_LABEL_UNMAP 0xffffu /* vrfsec_label_cfg.vrf that removes a mapping */

struct vrfsec_label_cfg {
	uint32_t label;    /* VPN label */
	uint16_t vrf;      /* VRF, or VRFSEC_LABEL_UNMAP */
};

struct vrfsec_vrf_cfg {
	uint16_t vrf;
	uint8_t ttl_mode;  /* on label pop: 0 uniform, 1 pipe */
	bool tc_map_set;   /* use tc_map, else TC = DSCP >> 3 */
	uint16_t vlan;     /* inside VLAN or 0 */
	uint8_t tc_map[64]; /* DSCP -> MPLS TC */
};

struct vrfsec_port_settings {
	uint16_t natt_port, ike_port;
	uint16_t core_mtu, inside_mtu;
	uint8_t public_mac[6], core_mac[6], inside_mac[6];
};

/* ---- batched commands ------------------------------------------------------------------ */

/* The outcome of one command (a run of entries of one kind). Entry k of a batch (counting from
 * 0 in the order queued) is entry k - first_seq of the command whose range holds it. */
struct vrfsec_result {
	uint16_t opcode;   /* VRFSEC_ABI_OP_* */
	uint16_t detail;   /* VRFSEC_ABI_ERR_* of the first failing entry */
	int status;        /* 0 or negative errno of the first failing entry (-ENODEV: device lost,
	                    * -ECANCELED: rings disabled before the card answered) */
	uint32_t count;    /* entries in the command */
	uint32_t done;     /* entries applied */
	uint32_t failed;   /* index in the command of the first failing entry, VRFSEC_ABI_NONE */
	uint64_t first_seq; /* batch sequence number of the command's entry 0 */
};

typedef void (*vrfsec_result_fn)(void *arg, const struct vrfsec_result *res);

#define VRFSEC_BATCH_NONBLOCK 0x1u      /* full ring or staging: -EAGAIN (entry not queued) */
#define VRFSEC_BATCH_STOP_ON_ERROR 0x2u /* a failing entry stops the rest of its command */

struct vrfsec_batch_cfg {
	vrfsec_result_fn fn; /* optional: called once per command */
	void *arg;
	uint32_t flags;      /* VRFSEC_BATCH_* */
};

struct vrfsec_batch_stats {
	uint64_t queued;     /* entries queued */
	uint64_t commands;   /* commands posted */
	uint64_t completed;  /* commands completed */
	uint64_t applied;    /* entries applied */
	uint64_t failed;     /* entries not applied */
	struct vrfsec_result first_error; /* first failed command (status 0 when none) */
};

/* A batch packs queued entries of one kind into as few commands as fit a parameter block; a
 * change of kind, a full block or vrfsec_batch_submit() posts the command. cfg may be NULL. */
int vrfsec_batch_create(struct vrfsec_dev *dev, const struct vrfsec_batch_cfg *cfg,
			struct vrfsec_batch **batch);
/* Post what is queued and free the batch; commands in flight finish without its callback.
 * Not from inside a callback. */
void vrfsec_batch_destroy(struct vrfsec_batch *batch);
/* Queue one entry. 0, -EAGAIN (non-blocking and full: retry after vrfsec_poll), -EINVAL,
 * -ETIMEDOUT, -ENODEV. Blocking batches poll completions while the ring or staging is full. */
int vrfsec_batch_sa_add(struct vrfsec_batch *batch, const struct vrfsec_sa_cfg *sa);
/* SA update: idx names the SA, spi (0 or the SA's) and udp must match it (else -EINVAL: that is a
 * rekey); mtu, UDP ports, lifetimes, idle_s and the fields sa->update selects are applied, the
 * rest is ignored. */
int vrfsec_batch_sa_update(struct vrfsec_batch *batch, const struct vrfsec_sa_cfg *sa);
int vrfsec_batch_sa_del(struct vrfsec_batch *batch, uint32_t idx);
int vrfsec_batch_route_add(struct vrfsec_batch *batch, const struct vrfsec_route_cfg *route);
int vrfsec_batch_route_del(struct vrfsec_batch *batch, const struct vrfsec_route_cfg *route);
int vrfsec_batch_nh_set(struct vrfsec_batch *batch, const struct vrfsec_nh_cfg *nh);
int vrfsec_batch_label_map(struct vrfsec_batch *batch, const struct vrfsec_label_cfg *label);
int vrfsec_batch_vrf_set(struct vrfsec_batch *batch, const struct vrfsec_vrf_cfg *vrf);
int vrfsec_batch_port_set(struct vrfsec_batch *batch, const struct vrfsec_port_settings *port);
/* Post the partly filled command now. 0, -EAGAIN (non-blocking, ring full), -ENODEV. */
int vrfsec_batch_submit(struct vrfsec_batch *batch);
/* Submit, then wait until every command of the batch completed. 0 when every entry since the
 * last wait applied, else the first failure's negative errno; -ETIMEDOUT, -ENODEV. */
int vrfsec_batch_wait(struct vrfsec_batch *batch, unsigned timeout_ms);
/* Counters of the batch since it was made. */
void vrfsec_batch_stats_get(const struct vrfsec_batch *batch, struct vrfsec_batch_stats *st);

/* Process up to budget completions and events (callbacks run here). Never blocks. Returns how
 * many were processed, or -ENODEV when the device is lost. */
int vrfsec_poll(struct vrfsec_dev *dev, unsigned budget);

/* ---- synchronous forms: one entry, one command, wait (open_cfg.timeout_ms) ------------ */
/* Each returns 0 or negative errno (-EEXIST, -ENOENT, -ENOSPC, -EINVAL, -EFAULT from the card;
 * -ETIMEDOUT, -ENODEV); vrfsec_last_result() has the card's detail code. */
int vrfsec_sa_add_sync(struct vrfsec_dev *dev, const struct vrfsec_sa_cfg *sa);
int vrfsec_sa_update_sync(struct vrfsec_dev *dev, const struct vrfsec_sa_cfg *sa);
int vrfsec_sa_del_sync(struct vrfsec_dev *dev, uint32_t idx);
int vrfsec_route_add_sync(struct vrfsec_dev *dev, const struct vrfsec_route_cfg *route);
int vrfsec_route_del_sync(struct vrfsec_dev *dev, const struct vrfsec_route_cfg *route);
int vrfsec_nh_set_sync(struct vrfsec_dev *dev, const struct vrfsec_nh_cfg *nh);
int vrfsec_label_map_sync(struct vrfsec_dev *dev, const struct vrfsec_label_cfg *label);
int vrfsec_vrf_set_sync(struct vrfsec_dev *dev, const struct vrfsec_vrf_cfg *vrf);
int vrfsec_port_set_sync(struct vrfsec_dev *dev, const struct vrfsec_port_settings *port);
/* The completion of the last synchronous call on this handle. */
const struct vrfsec_result *vrfsec_last_result(const struct vrfsec_dev *dev);

/* ---- notification: sleep until the card has something ---------------------------------- */

/*
 * An eventfd that becomes readable when the card posted command completions, events or punted
 * frames, for epoll/poll instead of calling vrfsec_poll() on a timer. The card signals at most
 * once per burst of postings; the count means nothing beyond "look".
 *
 * Re-arm, without lost wake-ups:
 *   1. wait until the fd is readable (epoll_wait);
 *   2. vrfsec_notify_ack() - reads the eventfd, which resets it;
 *   3. drain: vrfsec_poll() until it returns less than its budget, vrfsec_punt_recv() until 0
 *      (and vrfsec_event_read() when no handler is set);
 *   4. go back to 1.
 * Anything the card posts after step 2 signals again, so what step 3 did not see wakes step 1.
 * Acknowledging after draining instead would lose a posting made in between. The fd is never
 * readable without a posting (heartbeats, the idle card and host -> card rings stay quiet), but a
 * wake-up may find the rings already drained by an earlier pass: that is not an error.
 *
 * Backends: sim hands the eventfd to vrfsec-sim over its notify socket; pci wires the card's
 * MSI-X vector 0 (or MSI) to it through VFIO. The fd belongs to the handle: do not close it.
 */

/* Turn notification on (again: the same fd). The fd (>= 0, non-blocking, close-on-exec) or
 * -ENOTSUP when the card or backend cannot signal (an older simulator): keep polling then;
 * -ETIMEDOUT, -ENODEV. */
int vrfsec_notify_enable(struct vrfsec_dev *dev);
/* Stop the signals and close the fd (also done by vrfsec_close). */
void vrfsec_notify_disable(struct vrfsec_dev *dev);
/* Step 2 above: reset the eventfd. Returns the signals counted since the last ack (0: none, not
 * an error), -EBADF when notification is off. */
int vrfsec_notify_ack(struct vrfsec_dev *dev);

/* ---- events ----------------------------------------------------------------------------- */

struct vrfsec_event {
	uint16_t type;     /* VRFSEC_ABI_EVENT_* */
	uint16_t vrf;
	uint32_t sa;       /* SA slot */
	uint32_t spi;
	uint64_t value;    /* bytes, packets or sequence number that triggered it */
	uint64_t time_ns;  /* card time */
};

typedef void (*vrfsec_event_fn)(void *arg, const struct vrfsec_event *ev);

/* Deliver events to fn from vrfsec_poll() and waits; NULL leaves them for vrfsec_event_read(). */
void vrfsec_event_handler_set(struct vrfsec_dev *dev, vrfsec_event_fn fn, void *arg);
/* Take up to max events off the ring. Returns how many, or -ENODEV. */
int vrfsec_event_read(struct vrfsec_dev *dev, struct vrfsec_event *ev, unsigned max);
/* "sa_soft", "sa_hard", "seq_near", "sa_idle", "table_full" or "unknown". */
const char *vrfsec_event_name(unsigned type);

/* ---- packets: punt (card -> host) and inject (host -> card) ----------------------------- */

struct vrfsec_punt {
	uint8_t *buf;       /* caller's buffer */
	uint32_t cap;       /* its size */
	uint32_t len;       /* bytes copied: min(frame_len, cap) */
	uint32_t frame_len; /* bytes of the frame */
	uint8_t port;       /* VRFSEC_ABI_PORT_* it arrived on */
	uint8_t reason;     /* counter id that says why (vrfsec_counter_str) */
	uint16_t vrf;       /* 0xffff when unknown */
	uint32_t sa;        /* inbound SA, VRFSEC_ABI_NONE when unknown */
};

/* Copy the next punted frame into p->buf and give its buffer back to the card. 1 when a frame
 * was read, 0 when none waits, -EIO (card gave a bad buffer address), -ENODEV. */
int vrfsec_punt_recv(struct vrfsec_dev *dev, struct vrfsec_punt *p);

struct vrfsec_inject {
	const void *frame;
	uint32_t len;
	uint8_t port;      /* VRFSEC_ABI_PORT_*: send the Ethernet frame out unchanged ... */
	uint32_t sa;       /* ... or seal the IP packet into this outbound SA (VRFSEC_ABI_NONE: port) */
	bool to_vrf;       /* ... or (sa NONE) forward the IP packet in VRF vrf, as from a tunnel */
	uint16_t vrf;
};

/* Copy a frame to the card's INJECT ring. 0, -EAGAIN (ring full: poll and retry), -EMSGSIZE,
 * -ENODEV. */
int vrfsec_inject_send(struct vrfsec_dev *dev, const struct vrfsec_inject *pkt);

/* ---- counters --------------------------------------------------------------------------- */

/* Global counter ids: the index of a counter in vrfsec_snapshot.global and the reason code of a
 * punted frame (vrfsec_punt.reason). Stable: the counter list is append-only ABI, and the driver
 * does not build when a constant here and the list (hw/hls/counters.def) disagree. Same names as
 * the Verilog include's VRFSEC_ABI_CNT_*. Guarded for the day abigen writes them into
 * vrfsec_abi.h. */
#ifndef VRFSEC_ABI_CNT_RX_PUBLIC
#define VRFSEC_ABI_CNT_RX_PUBLIC      0u
#define VRFSEC_ABI_CNT_RX_CORE        1u
#define VRFSEC_ABI_CNT_RX_INSIDE      2u
#define VRFSEC_ABI_CNT_TX_PUBLIC      3u
#define VRFSEC_ABI_CNT_TX_CORE        4u
#define VRFSEC_ABI_CNT_TX_INSIDE      5u
#define VRFSEC_ABI_CNT_TO_HOST        6u
#define VRFSEC_ABI_CNT_DECRYPT_OK     7u
#define VRFSEC_ABI_CNT_ENCRYPT_OK     8u
#define VRFSEC_ABI_CNT_IKE            9u
#define VRFSEC_ABI_CNT_NATT_KEEPALIVE 10u
#define VRFSEC_ABI_CNT_NON_IP         11u
#define VRFSEC_ABI_CNT_LOCAL          12u
#define VRFSEC_ABI_CNT_FRAGMENT       13u
#define VRFSEC_ABI_CNT_NO_SA          14u
#define VRFSEC_ABI_CNT_REPLAY         15u
#define VRFSEC_ABI_CNT_TOO_OLD        16u
#define VRFSEC_ABI_CNT_ICV_FAIL       17u
#define VRFSEC_ABI_CNT_BAD_PAD        18u
#define VRFSEC_ABI_CNT_BAD_NEXT_HDR   19u
#define VRFSEC_ABI_CNT_ESP_DUMMY      20u
#define VRFSEC_ABI_CNT_INNER_SRC      21u
#define VRFSEC_ABI_CNT_NO_ROUTE       22u
#define VRFSEC_ABI_CNT_NH_DROP        23u
#define VRFSEC_ABI_CNT_NH_HOST        24u
#define VRFSEC_ABI_CNT_TTL_EXPIRED    25u
#define VRFSEC_ABI_CNT_MTU_EXCEEDED   26u
#define VRFSEC_ABI_CNT_MALFORMED      27u
#define VRFSEC_ABI_CNT_NO_LABEL       28u
#define VRFSEC_ABI_CNT_NO_VLAN        29u
#define VRFSEC_ABI_CNT_SEQ_EXHAUSTED  30u
#define VRFSEC_ABI_CNT_TABLE_FULL     31u
#define VRFSEC_ABI_CNT_ECN_DROP       32u
#define VRFSEC_ABI_CNT_COUNT 33u /* ids below this; a newer card may report more */
#endif

struct vrfsec_snap_vrf {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, drops;
};

struct vrfsec_snap_sa {
	uint64_t packets, bytes, drops;
};

struct vrfsec_snapshot {
	uint64_t time_ns;   /* card time */
	uint32_t n_global;  /* global counters, in counter-list order (vrfsec_counter_str) */
	uint32_t n_vrf, n_sa;
	uint64_t *global;
	struct vrfsec_snap_vrf *vrf; /* indexed by VRF */
	struct vrfsec_snap_sa *sa;   /* indexed by SA slot */
};

/* Have the card DMA all its counters into a host buffer (OP_COUNTERS) and return a copy. */
int vrfsec_snapshot_read(struct vrfsec_dev *dev, struct vrfsec_snapshot **snap);
void vrfsec_snapshot_free(struct vrfsec_snapshot *snap);
/* Name and meaning of global counter id (also punt reasons); NULL beyond the list. */
const char *vrfsec_counter_str(unsigned id);
const char *vrfsec_counter_desc(unsigned id);

/* ---- errors ----------------------------------------------------------------------------- */

/* A message for a negative (or positive) errno value as this library uses it. Never NULL. */
const char *vrfsec_strerror(int err);
/* A message for a completion detail code (VRFSEC_ABI_ERR_*). Never NULL. */
const char *vrfsec_detail_str(unsigned detail);
/* The symbolic name of a detail code ("DUP_SPI") or of an opcode ("SA_ADD"). Never NULL. */
const char *vrfsec_detail_name(unsigned detail);
const char *vrfsec_op_name(unsigned opcode);

#ifdef __cplusplus
}
#endif

#endif
