/* SPDX-License-Identifier: Apache-2.0 */
/* The command ring: take a command when its completion has room, apply its entries in DMA
 * chunks across polls, post one completion. */
#include "fw_impl.h"

#define SMALLEST_ENTRY 8u /* sa_del_entry, label_entry */
#define CHUNK_ENTRIES_MAX (FW_CHUNK_BYTES / SMALLEST_ENTRY)

_Static_assert(sizeof(struct vrfsec_abi_sa_del_entry) == SMALLEST_ENTRY, "smallest entry");
_Static_assert(sizeof(struct vrfsec_abi_label_entry) == SMALLEST_ENTRY, "smallest entry");

/* Bytes of one entry of the opcode's kind; 0 for opcodes without entries or unknown ones. */
static uint32_t entry_size(uint16_t op)
{
	switch (op) {
	case VRFSEC_ABI_OP_SA_ADD:
	case VRFSEC_ABI_OP_SA_UPDATE:
		return sizeof(struct vrfsec_abi_sa_entry);
	case VRFSEC_ABI_OP_SA_DEL:
		return sizeof(struct vrfsec_abi_sa_del_entry);
	case VRFSEC_ABI_OP_ROUTE_ADD:
	case VRFSEC_ABI_OP_ROUTE_DEL:
		return sizeof(struct vrfsec_abi_route_entry);
	case VRFSEC_ABI_OP_NH_SET:
		return sizeof(struct vrfsec_abi_nh_entry);
	case VRFSEC_ABI_OP_LABEL_MAP:
		return sizeof(struct vrfsec_abi_label_entry);
	case VRFSEC_ABI_OP_VRF_SET:
		return sizeof(struct vrfsec_abi_vrf_entry);
	case VRFSEC_ABI_OP_PORT_SET:
		return sizeof(struct vrfsec_abi_port_entry);
	default:
		return 0;
	}
}

static struct fw_res res_err(uint16_t detail, uint16_t err)
{
	struct fw_res r = { detail, err, 0, VRFSEC_ABI_NONE, 0 };

	return r;
}

static struct fw_res apply(struct fw *fw, const uint8_t *e)
{
	switch (fw->cmd.opcode) {
	case VRFSEC_ABI_OP_SA_ADD:
		return fw_sa_add(fw, e);
	case VRFSEC_ABI_OP_SA_UPDATE:
		return fw_sa_update(fw, e);
	case VRFSEC_ABI_OP_SA_DEL:
		return fw_sa_del(fw, e);
	case VRFSEC_ABI_OP_ROUTE_ADD:
		return fw_route_add(fw, e);
	case VRFSEC_ABI_OP_ROUTE_DEL:
		return fw_route_del(fw, e);
	case VRFSEC_ABI_OP_NH_SET:
		return fw_nh_set(fw, e);
	case VRFSEC_ABI_OP_LABEL_MAP:
		return fw_label_map(fw, e);
	case VRFSEC_ABI_OP_VRF_SET:
		return fw_vrf_set(fw, e);
	case VRFSEC_ABI_OP_PORT_SET:
		return fw_port_set(fw, e);
	default:
		return res_err(VRFSEC_ABI_ERR_BAD_OPCODE, FW_EINVAL);
	}
}

/* Record entry idx's outcome: the first failure names the completion. */
static void note(struct fw *fw, uint32_t idx, const struct fw_res *r)
{
	struct fw_cmd *c = &fw->cmd;

	if (r->detail == VRFSEC_ABI_ERR_NONE) {
		c->done++;
		fw->stats.entries++;
		return;
	}
	fw->stats.entries_failed++;
	if (c->failed == VRFSEC_ABI_NONE) {
		c->failed = idx;
		c->status = r->err;
		c->detail = r->detail;
	}
	if (c->flags & FW_CMD_STOP_ON_ERROR)
		c->stop = 1;
	/* One event per command: a batch of failing inserts must not flood the EVENT ring. */
	if (r->detail == VRFSEC_ABI_ERR_TABLE_FULL && !c->full_event) {
		c->full_event = 1;
		if (fw_event_post_raw(fw, VRFSEC_ABI_EVENT_TABLE_FULL, r->vrf, r->sa, r->spi,
				      c->opcode) != 0)
			fw->stats.events_dropped++;
	}
}

/* Apply up to budget entries of the current command; returns how many were looked at. */
static uint32_t run_entries(struct fw *fw, uint32_t budget)
{
	struct fw_cmd *c = &fw->cmd;
	uint32_t esz = entry_size(c->opcode);
	uint32_t per = c->stride <= FW_CHUNK_BYTES ? FW_CHUNK_BYTES / c->stride : 1u;
	int has_keys = c->opcode == VRFSEC_ABI_OP_SA_ADD || c->opcode == VRFSEC_ABI_OP_SA_UPDATE;
	uint32_t used = 0;
	uint32_t r, j;

	for (r = 0; r < FW_POLL_ENTRIES; r++) {
		uint32_t n = c->count - c->next;
		uint64_t at = c->param_addr + (uint64_t)c->next * c->stride;
		uint32_t len;
		int whole;

		if (n == 0 || c->stop || used >= budget)
			break;
		if (n > per)
			n = per;
		if (n > budget - used)
			n = budget - used;
		/* One DMA for many entries; the last is read only up to its size so a block that
		 * ends at the edge of host memory is not a fault. */
		len = (n - 1u) * c->stride + esz;
		whole = fw_dma_read(fw, at, fw->chunk, len) == 0;
		for (j = 0; j < CHUNK_ENTRIES_MAX; j++) {
			struct fw_res res;

			if (j >= n || c->stop)
				break;
			if (whole) {
				res = apply(fw, fw->chunk + j * c->stride);
			} else if (fw_dma_read(fw, at + (uint64_t)j * c->stride, fw->chunk, esz) == 0) {
				/* The chunk faulted somewhere: entry by entry finds exactly which. */
				res = apply(fw, fw->chunk);
			} else {
				res = res_err(VRFSEC_ABI_ERR_DMA, FW_EFAULT);
			}
			note(fw, c->next, &res);
			c->next++;
			used++;
		}
		/* Keys are write-only: none stays in firmware memory after its entry. */
		if (has_keys)
			fw_zero(fw->chunk, len);
	}
	return used;
}

/* Take the next command if there is one and its completion will have room. */
static int cmd_take(struct fw *fw)
{
	struct fw_cmd *c = &fw->cmd;
	struct fw_ring_geo g;
	uint8_t d[FW_DESC_SIZE];
	uint32_t head;
	uint32_t esz;

	if (!fw_ring_geo(fw, VRFSEC_ABI_RING_CMD, &g))
		return 0;
	head = fw_reg_read(fw, fw_ring_reg(VRFSEC_ABI_RING_CMD, OFF(ring_regs, head)));
	if (head == fw->cmd_tail)
		return 0;
	if (head - fw->cmd_tail > g.size) {
		/* The host re-based the ring behind a tail that moved on: its head is the truth. */
		fw->cmd_tail = head;
		fw_reg_write(fw, fw_ring_reg(VRFSEC_ABI_RING_CMD, OFF(ring_regs, tail)), head);
		fw->stats.cmds_withdrawn++;
		return 0;
	}
	/* Back-pressure: only the firmware fills CPL, so room seen now is still there when the
	 * command completes, however many polls it takes. */
	if (!fw_ring_room(fw, VRFSEC_ABI_RING_CPL, fw->cpl_head))
		return 0;
	if (fw_dma_read(fw, g.base + (uint64_t)(fw->cmd_tail & (g.size - 1u)) * FW_DESC_SIZE, d,
			FW_DESC_SIZE) != 0) {
		fw->stats.desc_faults++;
		return 0;
	}
	c->opcode = le16(d + OFF(cmd_desc, opcode));
	c->flags = le16(d + OFF(cmd_desc, flags));
	c->tag = le32(d + OFF(cmd_desc, tag));
	c->param_addr = le64(d + OFF(cmd_desc, param_addr));
	c->count = le32(d + OFF(cmd_desc, count));
	c->stride = le32(d + OFF(cmd_desc, stride));
	c->active = 1;
	c->stop = 0;
	c->full_event = 0;
	c->next = 0;
	c->done = 0;
	c->failed = VRFSEC_ABI_NONE;
	c->status = 0;
	c->detail = VRFSEC_ABI_ERR_NONE;

	esz = entry_size(c->opcode);
	if (esz != 0 && c->count != 0 && c->stride < esz) {
		struct fw_res r = res_err(VRFSEC_ABI_ERR_BAD_PARAM, FW_EINVAL);

		note(fw, 0, &r);
		c->stop = 1;
	}
	return 1;
}

static int cmd_finished(const struct fw_cmd *c)
{
	return c->stop || c->next >= c->count;
}

/* SA_ADD and SA_DEL go through the key port (install, wipe): their own, smaller budget. */
static int key_op(uint16_t op)
{
	return op == VRFSEC_ABI_OP_SA_ADD || op == VRFSEC_ABI_OP_SA_DEL;
}

/* Apply what the budgets allow of the current command; entries looked at. */
static uint32_t cmd_run(struct fw *fw, uint32_t budget, uint32_t *keys)
{
	struct fw_cmd *c = &fw->cmd;
	struct fw_res r;
	uint32_t used;

	if (c->stop)
		return 0;
	switch (c->opcode) {
	case VRFSEC_ABI_OP_NOP:
		c->stop = 1;
		return 0;
	case VRFSEC_ABI_OP_COUNTERS:
		r = fw_counters(fw, c->param_addr, c->count, c->tag);
		if (r.detail == VRFSEC_ABI_ERR_NONE) {
			c->done = c->count;
		} else {
			note(fw, 0, &r);
		}
		c->stop = 1;
		return 1;
	default:
		if (entry_size(c->opcode) == 0) {
			r = res_err(VRFSEC_ABI_ERR_BAD_OPCODE, FW_EINVAL);
			note(fw, 0, &r);
			c->stop = 1;
			return 0;
		}
		if (!key_op(c->opcode))
			return run_entries(fw, budget);
		used = run_entries(fw, *keys < budget ? *keys : budget);
		*keys -= used;
		return used;
	}
}

/* Post the completion and hand the descriptor slot back; 0 when CPL cannot take it now. */
static int cmd_complete(struct fw *fw)
{
	struct fw_cmd *c = &fw->cmd;
	uint8_t d[FW_DESC_SIZE];

	fw_zero(d, sizeof(d));
	put32(d + OFF(cpl_desc, tag), c->tag);
	put16(d + OFF(cpl_desc, opcode), c->opcode);
	put16(d + OFF(cpl_desc, status), c->status);
	put32(d + OFF(cpl_desc, done), c->done);
	put32(d + OFF(cpl_desc, failed), c->failed);
	put16(d + OFF(cpl_desc, detail), c->detail);
	if (fw_ring_post(fw, VRFSEC_ABI_RING_CPL, &fw->cpl_head, d) != 0)
		return 0;
	fw->cmd_tail++;
	fw_reg_write(fw, fw_ring_reg(VRFSEC_ABI_RING_CMD, OFF(ring_regs, tail)), fw->cmd_tail);
	c->active = 0;
	fw->stats.cmds++;
	return 1;
}

/* A driver that (re)opens the card disables CMD and takes the card's tail as its head: the
 * command being applied left the ring with that. Its remaining entries are not applied (its
 * parameter block may be someone else's memory by now) and no completion comes. */
static int cmd_withdrawn(const struct fw *fw)
{
	struct fw_ring_geo g;
	uint32_t head;

	if (!fw_ring_geo(fw, VRFSEC_ABI_RING_CMD, &g))
		return 1;
	head = fw_reg_read(fw, fw_ring_reg(VRFSEC_ABI_RING_CMD, OFF(ring_regs, head)));
	return head - fw->cmd_tail - 1u >= g.size; /* the command is no longer in [tail, head) */
}

uint32_t fw_cmd_work(struct fw *fw)
{
	uint32_t budget = FW_POLL_ENTRIES;
	uint32_t keys = FW_POLL_KEYS;
	uint32_t work = 0;
	uint32_t k;

	for (k = 0; k < FW_POLL_CMDS; k++) {
		uint32_t used;

		if (fw->cmd.active && cmd_withdrawn(fw)) {
			fw->cmd.active = 0;
			fw->stats.cmds_withdrawn++;
		}
		if (!fw->cmd.active && !cmd_take(fw))
			break;
		used = cmd_run(fw, budget, &keys);
		budget = used < budget ? budget - used : 0;
		work += used;
		if (!cmd_finished(&fw->cmd) || !cmd_complete(fw))
			break;
		work++;
	}
	return work;
}
