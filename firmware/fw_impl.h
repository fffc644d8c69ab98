/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware internals: little-endian field access, byte helpers, registers, rings, command parts. */
#ifndef VRFSEC_FW_IMPL_H
#define VRFSEC_FW_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "fw.h"
#include "tables_setup.h"

/* errno values carried in cpl_desc.status (Linux numbering, which the host uses). */
#define FW_EIO 5u
#define FW_ENOENT 2u
#define FW_EFAULT 14u
#define FW_EEXIST 17u
#define FW_EINVAL 22u
#define FW_ENOSPC 28u

#define FW_CMD_STOP_ON_ERROR 0x1u /* cmd_desc.flags bit 0 */
#define FW_DESC_SIZE 32u          /* cmd, cpl and event descriptors */
#define FW_NS_PER_S 1000000000ull

_Static_assert(sizeof(struct vrfsec_abi_cmd_desc) == FW_DESC_SIZE, "cmd_desc");
_Static_assert(sizeof(struct vrfsec_abi_cpl_desc) == FW_DESC_SIZE, "cpl_desc");
_Static_assert(sizeof(struct vrfsec_abi_event_desc) == FW_DESC_SIZE, "event_desc");
_Static_assert((VRFSEC_MAX_SA & (VRFSEC_MAX_SA - 1u)) == 0, "SA scan wraps with a mask");
_Static_assert(FW_CHUNK_BYTES >= sizeof(struct vrfsec_abi_sa_entry), "an entry fits a chunk");
_Static_assert(FW_SCAN_SLICE % 32u == 0 && VRFSEC_MAX_SA % FW_SCAN_SLICE == 0, "whole words");

/* Descriptors and entries are little-endian byte layouts; decode field by field so the same code
 * is right on any host and on the soft core, whatever the compiler does with struct padding. */
static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Field offsets inside ABI structures, from the generated header. */
#define OFF(type, field) offsetof(struct vrfsec_abi_##type, field)

/* No libc: small copies and clears. n is bounded by the largest object they are used on. */
void fw_copy(uint8_t *dst, const uint8_t *src, uint32_t n);
void fw_zero(void *dst, size_t n);

/* The scan's index of SAs with lifetime state. */
static inline void fw_active_set(struct fw *fw, uint32_t idx)
{
	fw->life[idx].flags |= FW_LIFE_ACTIVE;
	fw->active[idx / 32u] |= 1u << (idx % 32u);
}

static inline void fw_active_clear(struct fw *fw, uint32_t idx)
{
	fw->life[idx].flags = 0;
	fw->active[idx / 32u] &= ~(1u << (idx % 32u));
}

/* Registers. Offsets are from the start of the BAR. */
uint32_t fw_reg_read(const struct fw *fw, uint32_t off);
void fw_reg_write(struct fw *fw, uint32_t off, uint32_t v);
uint32_t fw_ring_reg(uint32_t ring, uint32_t field_off);

/* A ring as the host configured it. */
struct fw_ring_geo {
	uint64_t base;
	uint32_t log2;
	uint32_t size;
};

/* 1 when the ring is enabled and *g describes it. */
int fw_ring_geo(const struct fw *fw, uint32_t ring, struct fw_ring_geo *g);
/* 1 when the card->host ring has room for one descriptor at producer index head. */
int fw_ring_room(const struct fw *fw, uint32_t ring, uint32_t head);
/* Write desc (FW_DESC_SIZE bytes, phase filled in here) at *head and publish it. 0, -1 when the
 * ring is disabled or full, -2 on a DMA fault. */
int fw_ring_post(struct fw *fw, uint32_t ring, uint32_t *head, uint8_t *desc);
/* Post an event (EVENT_*); 0 when posted, else it was not (ring full, disabled or faulting). */
int fw_event_post(struct fw *fw, uint32_t type, uint32_t sa, uint64_t value);
/* Same for an event not tied to an installed SA (TABLE_FULL). */
int fw_event_post_raw(struct fw *fw, uint32_t type, uint16_t vrf, uint32_t sa, uint32_t spi,
		      uint64_t value);

/* Outcome of one entry. */
struct fw_res {
	uint16_t detail; /* ERR_* */
	uint16_t err;    /* errno */
	uint16_t vrf;    /* for a TABLE_FULL event */
	uint32_t sa;
	uint32_t spi;
};

/* SA commands (fw_sa.c); e points at one entry of the command's kind. */
struct fw_res fw_sa_add(struct fw *fw, const uint8_t *e);
struct fw_res fw_sa_update(struct fw *fw, const uint8_t *e);
struct fw_res fw_sa_del(struct fw *fw, const uint8_t *e);
/* Remove an installed SA: out of the tables first, then its key, then its lifetime state. */
void fw_sa_drop(struct fw *fw, uint32_t idx);

/* Route, next-hop, label, VRF and port commands (fw_tables.c). */
struct fw_res fw_route_add(struct fw *fw, const uint8_t *e);
struct fw_res fw_route_del(struct fw *fw, const uint8_t *e);
struct fw_res fw_nh_set(struct fw *fw, const uint8_t *e);
struct fw_res fw_label_map(struct fw *fw, const uint8_t *e);
struct fw_res fw_vrf_set(struct fw *fw, const uint8_t *e);
struct fw_res fw_port_set(struct fw *fw, const uint8_t *e);
/* Mirror t->port into the PORTS block. */
void fw_ports_regs(struct fw *fw);
/* COUNTERS: write the snapshot for n_sa SA records to addr. */
struct fw_res fw_counters(struct fw *fw, uint64_t addr, uint32_t n_sa, uint32_t tag);

/* Commands (fw_cmd.c): take, apply and complete up to the poll's budget. Work items done. */
uint32_t fw_cmd_work(struct fw *fw);
/* Lifetimes (fw_events.c): one scan slice when its period has passed. Work items done. */
uint32_t fw_events_scan(struct fw *fw);

#endif
