/* SPDX-License-Identifier: Apache-2.0 */
/* Card management firmware: the register blocks, the command/completion/event rings, lifetimes. */
#ifndef VRFSEC_FW_H
#define VRFSEC_FW_H

#include <stdint.h>

#include "vrfsec_abi.h"
#include "vrfsec_tables.h"

/*
 * The firmware is freestanding C. It is the only code that writes the card's tables. A platform
 * (the simulator, the RISC-V soft core, a unit test) allocates a struct fw and the tables, calls
 * fw_init once and then fw_poll in its main loop, and provides the fw_plat_* functions below at
 * link time.
 *
 * Rings (registers in the RINGS block at their default offset, descriptors in host memory):
 *  - Indices are free-running u32; slot = index & (size - 1), size = 1 << log2_size.
 *    log2_size 1..FW_RING_LOG2_MAX enables a ring, anything else (0 included) disables it.
 *    fw_init writes desc_size of every ring and zeroes everything else.
 *  - The firmware never resets its indices (CMD.tail, CPL.head, EVENT.head) and ignores a
 *    disabled ring. A driver that opens a running card re-bases each ring: log2_size = 0, new
 *    zeroed descriptor memory in base_lo/base_hi, host index := the card's index (CMD.head =
 *    CMD.tail, CPL.tail = CPL.head, ...), log2_size last. A command the card was applying when
 *    CMD was disabled, or whose slot is no longer in [tail, head) afterwards, is withdrawn: its
 *    applied entries stay, the rest are not applied, no completion comes, CMD.tail stays.
 *    When head - tail > size on CMD (the host's head fell behind a tail that moved on during a
 *    re-base), the firmware takes CMD.tail := CMD.head.
 *  - CMD (host -> card): the host writes cmd_desc at slot(head) and then stores head (release).
 *    The card stores tail once the command's completion is on the CPL ring, so a descriptor
 *    slot and its parameter block belong to the card until their completion shows.
 *  - CPL and EVENT (card -> host): the card writes bytes 0..30 of the descriptor, a release
 *    fence, then byte 31 (phase), then stores head (release). The host stores tail.
 *    Phase rule: the descriptor produced at free-running index i carries
 *        phase = ((i >> log2_size) & 1) ^ 1
 *    i.e. 1 on the first pass over the ring (memory starts zeroed), 0 on the second, ...
 *    A host consumer at free-running index c owns slot(c) once head != c (the phase byte then
 *    equals ((c >> log2_size) & 1) ^ 1), or, on a ring started at index 0, once the phase byte
 *    equals that value. After a re-base at an index in an odd pass, zeroed memory already reads
 *    as phase 0: poll head there.
 *  - Back-pressure: a command is taken from CMD only when CPL has room for its completion
 *    (head - tail < size); otherwise it waits in the CMD ring, unapplied. Nothing is dropped.
 *  - PUNT_BUF, PUNT and INJECT belong to the platform's data path; the firmware only writes
 *    their desc_size.
 *
 * Commands: one completion per command. Every entry is validated completely before anything is
 * written, so a failing entry changes no table. cmd_desc.flags bit 0 stops at the first failing
 * entry; otherwise the command goes on with the next entry. cpl_desc.done counts applied entries
 * (COUNTERS: SA records written; NOP: 0), failed is the index of the first failing entry or
 * VRFSEC_ABI_NONE, status/detail are the errno and ERR_* of that entry (a malformed command:
 * failed 0). stride must be >= the entry size (else ERR_BAD_PARAM); COUNTERS ignores it and
 * takes count as the number of SA records (<= VRFSEC_MAX_SA). A long command is applied over
 * several polls (FW_POLL_ENTRIES per poll, of them FW_POLL_KEYS SA_ADD or SA_DEL entries: each
 * waits on the crypto core's key port, so a poll of only those stays short even where the key
 * port is slow, as in an RTL simulation, and the heartbeat keeps going); its completion comes at
 * the end.
 * SA_ADD refuses, in this order: idx >= VRFSEC_MAX_SA (BAD_PARAM), key_len (BAD_KEY_LEN), vrf
 * (BAD_VRF), other fields (BAD_PARAM), slot in use (SA_EXISTS), inbound SPI + destination taken
 * (DUP_SPI), no way left in the SPI's two hash buckets (TABLE_FULL). It then installs the key
 * through fw_plat_key_install BEFORE compiling the SA (the slot is not valid yet), so the data
 * path never sees a valid SA without its key; a failing install is BAD_PARAM with the
 * platform's errno. SA_UPDATE changes lifetimes, idle_s, mtu and (UDP-encapsulated outbound
 * SAs) the template's UDP ports in place; key, SPI, sequence number, IV, replay state and
 * counters stay. Its spi, when not 0, must equal the SA's SPI, and its udp flag the SA's.
 * SA_DEL and a hard lifetime remove the SA from the tables, then wipe its key.
 *
 * Events (EVENT ring; vrf, sa, spi of the SA, time_ns = card time):
 *  - SA_SOFT once per SA; value = bytes, packets or seconds of age, whichever limit passed first
 *    in that order. SA_UPDATE re-arms it.
 *  - SA_HARD: the SA is removed and its key wiped even when the EVENT ring is full (the event is
 *    then lost and counted in stats.events_dropped); value as for SA_SOFT.
 *  - SEQ_NEAR once per outbound SA whose seq >= 2^32-1 - 0xffff (no ESN) or 2^64-1 - 0xffff.
 *  - SA_IDLE once per idle period of an inbound SA with idle_s != 0 whose packet count did not
 *    move for idle_s seconds; value = idle seconds.
 *  - TABLE_FULL once per command that hit a full table; sa = SA index (SA_ADD) or NONE,
 *    value = the command's opcode. Lost (counted) when the ring is full.
 *  SOFT, SEQ_NEAR and IDLE wait for room in the ring and are retried. Lifetimes are checked
 *  FW_SCAN_SLICE SA slots per FW_SCAN_PERIOD_NS of card time (a full sweep every ~64 ms).
 *
 * CONTROL.CONTROL bit 1 (reset the tables): between commands, the firmware removes every SA
 * (wiping keys; FW_POLL_KEYS per poll, no command is taken until the reset is complete), empties
 * next hops, VRFs, labels, VLANs, FIB and counters, restores port defaults and clears the bit.
 * CONTROL.HEARTBEAT is incremented every FW_HEARTBEAT_NS.
 */

#define FW_VERSION ((1u << 16) | 0u) /* ID.FW_VERSION: major << 16 | minor */
#define FW_RING_LOG2_MAX 20u         /* largest ring: 2^20 descriptors */
#define FW_POLL_CMDS 64u             /* commands completed per fw_poll at most */
#define FW_POLL_ENTRIES 8192u        /* entries applied per fw_poll at most */
#define FW_POLL_KEYS 64u             /* of them key installs and wipes (SA_ADD, SA_DEL) */
#define FW_CHUNK_BYTES 4096u         /* parameter entries are read by DMA in chunks this big */
#define FW_SCAN_SLICE 4096u          /* SA lifetimes checked per scan */
#define FW_SCAN_PERIOD_NS 1000000ull /* one scan per millisecond of card time */
#define FW_HEARTBEAT_NS 100000000ull /* CONTROL.HEARTBEAT period */

/* Platform seam, resolved at link time. ctx is fw_config.plat_ctx. */
/* Copy len bytes of host memory at iova to dst: 0, or -14 (EFAULT) outside host memory. */
int fw_plat_dma_read(void *ctx, uint64_t iova, void *dst, uint32_t len);
/* Copy len bytes from src to host memory at iova: 0, or -14 (EFAULT) outside host memory. */
int fw_plat_dma_write(void *ctx, uint64_t iova, const void *src, uint32_t len);
/* Hand an SA's key to the crypto core's write-only key port: 0 or negative errno. */
int fw_plat_key_install(void *ctx, uint32_t sa, const uint8_t *key, uint32_t key_len);
/* Erase an SA's key in the crypto core. */
void fw_plat_key_wipe(void *ctx, uint32_t sa);

struct fw_config {
	void *plat_ctx;         /* passed to every fw_plat_* call */
	uint32_t engine;        /* CONTROL.ENGINE: 0 cmodel, 1 cpu, 2 rtl */
	uint32_t host_mem_size; /* CONTROL.HOST_MEM_SIZE */
	uint32_t fw_version;    /* ID.FW_VERSION, 0 = FW_VERSION */
	uint32_t card_kind;     /* ID.CARD_KIND, 0 = VRFSEC_ABI_CARD_SIM */
	uint32_t caps;          /* ID.CAPS: bit 0 cmodel, 1 cpu, 2 rtl */
};

/* fw_sa_life.flags */
#define FW_LIFE_ACTIVE 0x01u    /* an SA the firmware installed */
#define FW_LIFE_SOFT_SENT 0x02u /* SA_SOFT posted */
#define FW_LIFE_SEQ_SENT 0x04u  /* SEQ_NEAR posted */
#define FW_LIFE_IDLE_SENT 0x08u /* SA_IDLE posted for the current idle period */

/* Lifetime state of one SA (limits 0 = none). */
struct fw_sa_life {
	uint64_t soft_bytes;
	uint64_t hard_bytes;
	uint64_t soft_packets;
	uint64_t hard_packets;
	uint64_t add_ns;         /* card time of SA_ADD */
	uint64_t last_pkts;      /* inbound: packet count when it last changed */
	uint64_t last_change_ns; /* ... and when */
	uint32_t soft_s;
	uint32_t hard_s;
	uint16_t idle_s;
	uint8_t flags; /* FW_LIFE_* */
	uint8_t rsvd;
};

/* The command being applied (it may span polls). */
struct fw_cmd {
	uint8_t active;     /* taken from CMD, completion not yet posted */
	uint8_t stop;       /* no more entries: stop-at-first-failure hit */
	uint8_t full_event; /* TABLE_FULL event already posted for this command */
	uint8_t rsvd;
	uint16_t opcode;
	uint16_t flags;
	uint32_t tag;
	uint32_t count;
	uint32_t stride;
	uint64_t param_addr;
	uint32_t next;   /* next entry to apply */
	uint32_t done;   /* entries applied */
	uint32_t failed; /* first failing entry or VRFSEC_ABI_NONE */
	uint16_t status; /* errno of the first failure */
	uint16_t detail; /* ERR_* of the first failure */
};

/* Statistics for the platform's printout (not part of the ABI). */
struct fw_stats {
	uint64_t cmds;           /* completions posted */
	uint64_t entries;        /* entries applied */
	uint64_t entries_failed; /* entries refused */
	uint64_t events;         /* events posted */
	uint64_t events_dropped; /* events lost: EVENT ring full or disabled (SA_HARD, TABLE_FULL) */
	uint64_t desc_faults;    /* descriptor DMA faults (bad ring base): the ring waits */
	uint64_t hard_expired;   /* SAs removed by a hard lifetime */
	uint64_t resets;         /* table resets through CONTROL bit 1 */
	uint64_t cmds_withdrawn; /* commands dropped because the host re-based the CMD ring */
};

/* Firmware state, caller-allocated (about 10 MB: lifetimes of every SA slot). */
struct fw {
	struct vrfsec_tables *t;
	volatile uint8_t *bar;
	struct fw_config cfg;
	uint64_t now_ns;    /* card time of the current poll */
	uint64_t hb_ns;     /* last heartbeat */
	uint64_t scan_ns;   /* last lifetime scan */
	uint32_t cmd_tail;  /* CMD consumer index */
	uint32_t cpl_head;  /* CPL producer index */
	uint32_t ev_head;   /* EVENT producer index */
	uint32_t scan_next; /* next SA slot the lifetime scan looks at */
	uint32_t reset_next; /* next SA slot a table reset looks at */
	uint8_t resetting;   /* a table reset (CONTROL bit 1) is under way */
	struct fw_cmd cmd;
	struct fw_stats stats;
	/* DMA staging for parameter entries and counter snapshots; key bytes are erased from it
	 * as soon as each entry has been applied. */
	uint8_t chunk[FW_CHUNK_BYTES];
	uint32_t active[VRFSEC_MAX_SA / 32u]; /* bit per SA with FW_LIFE_ACTIVE: the scan skips
					       * empty words */
	struct fw_sa_life life[VRFSEC_MAX_SA];
};

/* Bring the card up: t must be zeroed memory (as after reset) and is initialised here; bar is
 * VRFSEC_ABI_BAR_SIZE bytes and receives the whole register block chain at the
 * VRFSEC_ABI_<BLOCK>_DEFAULT_OFFSETs; STATUS.ready is set last. */
void fw_init(struct fw *fw, struct vrfsec_tables *t, volatile uint8_t *bar,
	     const struct fw_config *cfg);

/* One bounded step: heartbeat, a pending table reset, up to FW_POLL_CMDS commands or
 * FW_POLL_ENTRIES entries (FW_POLL_KEYS SA adds and deletes), one lifetime scan slice. now_ns is monotonic card time. Returns the
 * work items done (entries, completions, events, expiries); 0 means idle. */
uint32_t fw_poll(struct fw *fw, uint64_t now_ns);

/* DMA through the platform: 0 or -14 (EFAULT). */
int fw_dma_read(struct fw *fw, uint64_t iova, void *dst, uint32_t len);
int fw_dma_write(struct fw *fw, uint64_t iova, const void *src, uint32_t len);

#endif
