/* SPDX-License-Identifier: Apache-2.0 */
/* Register-block discovery: walk the self-describing chain from BAR offset 0. */
#include <errno.h>
#include <stddef.h>

#include "drv.h"

/* What the driver knows: a block is used only at the version it was written for, because a
 * layout change bumps the version. Blocks it does not know are listed and skipped. */
static const struct known {
	uint32_t type, version, size;
	const char *name;
	bool required;
} known[] = {
	{ VRFSEC_ABI_BLOCK_ID, VRFSEC_ABI_ID_VERSION, VRFSEC_ABI_ID_SIZE, "ID", true },
	{ VRFSEC_ABI_BLOCK_CONTROL, VRFSEC_ABI_CONTROL_VERSION, VRFSEC_ABI_CONTROL_SIZE, "CONTROL",
	  true },
	{ VRFSEC_ABI_BLOCK_TABLES, VRFSEC_ABI_TABLES_VERSION, VRFSEC_ABI_TABLES_SIZE, "TABLES", true },
	{ VRFSEC_ABI_BLOCK_RINGS, VRFSEC_ABI_RINGS_VERSION, VRFSEC_ABI_RINGS_SIZE, "RINGS", true },
	{ VRFSEC_ABI_BLOCK_COUNTERS, VRFSEC_ABI_COUNTERS_VERSION, VRFSEC_ABI_COUNTERS_SIZE,
	  "COUNTERS", true },
	{ VRFSEC_ABI_BLOCK_PORTS, VRFSEC_ABI_PORTS_VERSION, VRFSEC_ABI_PORTS_SIZE, "PORTS", false },
};
#define N_KNOWN (sizeof(known) / sizeof(known[0]))

const char *drv_block_name(uint32_t type)
{
	for (unsigned i = 0; i < N_KNOWN; i++)
		if (known[i].type == type)
			return known[i].name;
	return "unknown";
}

static uint32_t *slot_of(struct vrfsec_dev *dev, uint32_t type)
{
	switch (type) {
	case VRFSEC_ABI_BLOCK_ID: return &dev->off_id;
	case VRFSEC_ABI_BLOCK_CONTROL: return &dev->off_control;
	case VRFSEC_ABI_BLOCK_TABLES: return &dev->off_tables;
	case VRFSEC_ABI_BLOCK_RINGS: return &dev->off_rings;
	case VRFSEC_ABI_BLOCK_COUNTERS: return &dev->off_counters;
	case VRFSEC_ABI_BLOCK_PORTS: return &dev->off_ports;
	default: return NULL;
	}
}

#define HDR(off, field) ((off) + (uint32_t)offsetof(struct vrfsec_abi_block_hdr, field))

/* Check one block's header and record it; 0 or negative errno with a message. */
static int visit(struct vrfsec_dev *dev, uint32_t off, struct vrfsec_block *b)
{
	const struct known *k = NULL;
	uint32_t *where;

	b->offset = off;
	b->type = drv_rd(dev, HDR(off, type));
	b->version = drv_rd(dev, HDR(off, version));
	b->next = drv_rd(dev, HDR(off, next));
	b->size = drv_rd(dev, HDR(off, size));
	b->name = drv_block_name(b->type);
	b->used = false;
	if (b->size < sizeof(struct vrfsec_abi_block_hdr) || b->size > dev->be.bar_size - off)
		return drv_err(dev, -EPROTO, "register block at 0x%x (%s) has size 0x%x: outside the "
			       "BAR of 0x%x bytes", off, b->name, b->size, dev->be.bar_size);
	for (unsigned i = 0; i < N_KNOWN; i++)
		if (known[i].type == b->type)
			k = &known[i];
	if (!k)
		return 0;
	if (b->version != k->version) {
		if (k->required)
			return drv_err(dev, -EPROTO, "register block %s at 0x%x is version %u; this "
				       "driver knows version %u (update the driver)", k->name, off,
				       b->version, k->version);
		return 0;
	}
	if (b->size < k->size)
		return drv_err(dev, -EPROTO, "register block %s at 0x%x is 0x%x bytes, version %u "
			       "has 0x%x", k->name, off, b->size, b->version, k->size);
	where = slot_of(dev, b->type);
	if (*where != DRV_NONE)
		return 0; /* a second block of a kind: the first one counts */
	*where = off;
	b->used = true;
	return 0;
}

int drv_blocks_walk(struct vrfsec_dev *dev)
{
	uint32_t off = 0, abi;
	int rc;

	dev->n_blocks = 0;
	dev->off_id = dev->off_control = dev->off_tables = DRV_NONE;
	dev->off_rings = dev->off_counters = dev->off_ports = DRV_NONE;
	if (dev->be.bar_size < VRFSEC_ABI_ID_SIZE)
		return drv_err(dev, -ENODEV, "BAR 0 is %u bytes: too small for a vrfsec card",
			       dev->be.bar_size);
	/* The first block must be ID and carry the magic before anything else is believed. */
	if (drv_rd(dev, HDR(0, type)) != VRFSEC_ABI_BLOCK_ID ||
	    drv_rd(dev, VRFSEC_ABI_ID_MAGIC) != VRFSEC_ABI_MAGIC)
		return drv_err(dev, -ENODEV, "no vrfsec card here: BAR 0 does not start with the ID "
			       "block and magic 0x%08x ('VRFS')", VRFSEC_ABI_MAGIC);
	for (;;) {
		struct vrfsec_block *b;

		if ((off & 3u) || off > dev->be.bar_size - sizeof(struct vrfsec_abi_block_hdr))
			return drv_err(dev, -EPROTO, "register block chain points to 0x%x: outside the "
				       "BAR or unaligned", off);
		for (unsigned i = 0; i < dev->n_blocks; i++)
			if (dev->blocks[i].offset == off)
				return drv_err(dev, -ELOOP, "register block chain loops: the block at "
					       "0x%x links back to 0x%x",
					       dev->blocks[dev->n_blocks - 1].offset, off);
		if (dev->n_blocks == DRV_MAX_BLOCKS)
			return drv_err(dev, -EPROTO, "register block chain longer than %u blocks",
				       DRV_MAX_BLOCKS);
		b = &dev->blocks[dev->n_blocks++];
		rc = visit(dev, off, b);
		if (rc)
			return rc;
		if (b->next == 0)
			break;
		off = b->next;
	}
	abi = drv_rd(dev, dev->off_id + VRFSEC_ABI_ID_ABI_VERSION);
	if (abi != VRFSEC_ABI_VERSION)
		return drv_err(dev, -EPROTO, "card speaks ABI version %u; this driver speaks %u", abi,
			       VRFSEC_ABI_VERSION);
	for (unsigned i = 0; i < N_KNOWN; i++)
		if (known[i].required && *slot_of(dev, known[i].type) == DRV_NONE)
			return drv_err(dev, -EPROTO, "register block %s (type 0x%x) missing from the "
				       "chain", known[i].name, known[i].type);
	return 0;
}
