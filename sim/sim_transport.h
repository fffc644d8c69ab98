/* SPDX-License-Identifier: Apache-2.0 */
/* How the simulated card's PCIe looks to a host: two POSIX shared-memory objects. Shared by the
 * simulator (which creates them) and the driver's sim backend (which maps them). */
#ifndef VRFSEC_SIM_TRANSPORT_H
#define VRFSEC_SIM_TRANSPORT_H

#include <stdint.h>

#include "../hw/abi/gen/vrfsec_abi.h"

/*
 * "sim:NAME" means:
 *   /dev/shm/vrfsec-NAME.bar  BAR 0, VRFSEC_ABI_BAR_SIZE bytes, register blocks at their
 *                             VRFSEC_ABI_<BLOCK>_DEFAULT_OFFSET, chained through block_hdr.next.
 *   /dev/shm/vrfsec-NAME.mem  host memory the card may DMA: the driver allocates descriptor rings,
 *                             parameter blocks and packet buffers inside it. Its size is the
 *                             CONTROL.HOST_MEM_SIZE register.
 * An IOVA (what descriptors and ring base registers hold) is VRFSEC_SIM_IOVA_BASE + the offset
 * into the .mem object; anything outside [base, base + size) is a DMA fault (ERR_DMA / EFAULT).
 *
 * Registers are 32-bit, accessed with __atomic loads/stores (acquire/release), never torn.
 * Host-to-card rings (CMD, PUNT_BUF, INJECT): the host writes descriptors, then stores the new
 * free-running head (the doorbell); the card consumes and stores tail. Card-to-host rings (CPL,
 * EVENT, PUNT): the card writes descriptors (phase byte last, with release ordering), then
 * stores head; the host consumes and stores tail. A ring is full when head - tail == size.
 * The card polls doorbells; it never blocks the host.
 *
 * Notification (vrfsec_notify_enable): /dev/shm/vrfsec-NAME.notify is a SOCK_SEQPACKET unix
 * socket the simulator listens on (mode 0600, like the shm objects). A driver connects and sends
 * one message of VRFSEC_SIM_NOTIFY_MSG bytes (magic, version as little-endian u32) carrying an
 * eventfd as SCM_RIGHTS; the simulator answers one byte, 0 when it took the eventfd. From then on
 * it adds 1 to the eventfd at most once per loop iteration, when the head of a card -> host ring
 * (CPL, EVENT, PUNT) whose ring_regs.irq bit 0 is set moved during it. One connection at a time:
 * a new one replaces the old; closing it stops the signals. Older simulators have no socket.
 *
 * Liveness: the simulator increments CONTROL.HEARTBEAT at least every 10 ms while it runs and
 * sets CONTROL.STATUS bit 1 (fault) when it stops cleanly. A driver that sees the heartbeat
 * stand still for 1 s treats the device as lost.
 */
#define VRFSEC_SIM_IOVA_BASE 0x100000000ull
#define VRFSEC_SIM_SHM_FMT "/vrfsec-%s.%s" /* name, "bar" or "mem" */
#define VRFSEC_SIM_HOST_MEM_DEFAULT (256u << 20)
#define VRFSEC_SIM_HEARTBEAT_MS 10u
#define VRFSEC_SIM_LOST_MS 1000u

#define VRFSEC_SIM_NOTIFY_FMT "/dev/shm/vrfsec-%s.notify" /* name */
#define VRFSEC_SIM_NOTIFY_MAGIC 0x464e5356u /* "VSNF" */
#define VRFSEC_SIM_NOTIFY_VERSION 1u
#define VRFSEC_SIM_NOTIFY_MSG 8u

#define VRFSEC_SIM_STATUS_READY 0x1u
#define VRFSEC_SIM_STATUS_FAULT 0x2u

#endif
