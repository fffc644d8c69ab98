/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware bring-up (register block chain), the poll step, heartbeat, table reset, DMA wrappers. */
#include "fw_impl.h"

#define STATUS_READY 0x1u  /* CONTROL.STATUS bit 0 */
#define CONTROL_RESET 0x2u /* CONTROL.CONTROL bit 1: reset the tables */
#define N_PORTS 3u         /* public, core, inside */
#define COPY_MAX 256u      /* fw_copy is for fields and entries, never more */

/* Register blocks in chain order, each at its default offset (the host walks the chain). */
struct block {
	uint32_t off;
	uint32_t type;
	uint32_t version;
	uint32_t size;
};

#define N_BLOCKS 6u
static const struct block blocks[N_BLOCKS] = {
	{ VRFSEC_ABI_ID_DEFAULT_OFFSET, VRFSEC_ABI_ID_TYPE, VRFSEC_ABI_ID_VERSION,
	  VRFSEC_ABI_ID_SIZE },
	{ VRFSEC_ABI_CONTROL_DEFAULT_OFFSET, VRFSEC_ABI_CONTROL_TYPE, VRFSEC_ABI_CONTROL_VERSION,
	  VRFSEC_ABI_CONTROL_SIZE },
	{ VRFSEC_ABI_TABLES_DEFAULT_OFFSET, VRFSEC_ABI_TABLES_TYPE, VRFSEC_ABI_TABLES_VERSION,
	  VRFSEC_ABI_TABLES_SIZE },
	{ VRFSEC_ABI_RINGS_DEFAULT_OFFSET, VRFSEC_ABI_RINGS_TYPE, VRFSEC_ABI_RINGS_VERSION,
	  VRFSEC_ABI_RINGS_SIZE },
	{ VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET, VRFSEC_ABI_COUNTERS_TYPE,
	  VRFSEC_ABI_COUNTERS_VERSION, VRFSEC_ABI_COUNTERS_SIZE },
	{ VRFSEC_ABI_PORTS_DEFAULT_OFFSET, VRFSEC_ABI_PORTS_TYPE, VRFSEC_ABI_PORTS_VERSION,
	  VRFSEC_ABI_PORTS_SIZE },
};

/* Descriptor sizes of the rings, by ring number. */
static const uint32_t ring_desc_size[VRFSEC_ABI_RING_COUNT] = {
	sizeof(struct vrfsec_abi_cmd_desc),   sizeof(struct vrfsec_abi_cpl_desc),
	sizeof(struct vrfsec_abi_event_desc), sizeof(struct vrfsec_abi_buf_desc),
	sizeof(struct vrfsec_abi_punt_desc),  sizeof(struct vrfsec_abi_inject_desc),
};

_Static_assert(VRFSEC_ABI_RING_COUNT == 6u, "one desc_size per ring");
_Static_assert(VRFSEC_ABI_RINGS_RING0 + VRFSEC_ABI_RING_COUNT * VRFSEC_ABI_RING_STRIDE <=
		       VRFSEC_ABI_RINGS_SIZE,
	       "ring registers fit the RINGS block");
_Static_assert(VRFSEC_ABI_PORTS_DEFAULT_OFFSET + VRFSEC_ABI_PORTS_SIZE <= VRFSEC_ABI_BAR_SIZE,
	       "blocks fit the BAR");

void fw_copy(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < COPY_MAX; i++) {
		if (i >= n)
			break;
		dst[i] = src[i];
	}
}

void fw_zero(void *dst, size_t n)
{
	uint8_t *d = dst;
	size_t i;

	/* Sized by the caller's object (up to a whole table); compilers turn this into memset. */
	for (i = 0; i < n; i++) /* hls-check: allow loop -- bounded by the object cleared */
		d[i] = 0;
}

int fw_dma_read(struct fw *fw, uint64_t iova, void *dst, uint32_t len)
{
	return fw_plat_dma_read(fw->cfg.plat_ctx, iova, dst, len) == 0 ? 0 : -(int)FW_EFAULT;
}

int fw_dma_write(struct fw *fw, uint64_t iova, const void *src, uint32_t len)
{
	return fw_plat_dma_write(fw->cfg.plat_ctx, iova, src, len) == 0 ? 0 : -(int)FW_EFAULT;
}

void fw_ports_regs(struct fw *fw)
{
	const struct vrfsec_port_cfg *p = &fw->t->port;
	uint32_t b = VRFSEC_ABI_PORTS_DEFAULT_OFFSET;

	fw_reg_write(fw, b + VRFSEC_ABI_PORTS_NATT_PORT, p->natt_port);
	fw_reg_write(fw, b + VRFSEC_ABI_PORTS_IKE_PORT, p->ike_port);
	fw_reg_write(fw, b + VRFSEC_ABI_PORTS_CORE_MTU, p->core_mtu);
	fw_reg_write(fw, b + VRFSEC_ABI_PORTS_INSIDE_MTU, p->inside_mtu);
}

static void write_blocks(struct fw *fw)
{
	uint32_t b;
	uint32_t i;

	for (i = 0; i < VRFSEC_ABI_BAR_SIZE / 4u; i++)
		fw_reg_write(fw, 4u * i, 0);
	for (i = 0; i < N_BLOCKS; i++) {
		b = blocks[i].off;
		fw_reg_write(fw, b + OFF(block_hdr, type), blocks[i].type);
		fw_reg_write(fw, b + OFF(block_hdr, version), blocks[i].version);
		fw_reg_write(fw, b + OFF(block_hdr, next), i + 1u < N_BLOCKS ? blocks[i + 1u].off : 0);
		fw_reg_write(fw, b + OFF(block_hdr, size), blocks[i].size);
	}

	b = VRFSEC_ABI_ID_DEFAULT_OFFSET;
	fw_reg_write(fw, b + VRFSEC_ABI_ID_MAGIC, VRFSEC_ABI_MAGIC);
	fw_reg_write(fw, b + VRFSEC_ABI_ID_ABI_VERSION, VRFSEC_ABI_VERSION);
	fw_reg_write(fw, b + VRFSEC_ABI_ID_CARD_KIND, fw->cfg.card_kind);
	fw_reg_write(fw, b + VRFSEC_ABI_ID_FW_VERSION, fw->cfg.fw_version);
	fw_reg_write(fw, b + VRFSEC_ABI_ID_CAPS, fw->cfg.caps);
	fw_reg_write(fw, b + VRFSEC_ABI_ID_PORTS, N_PORTS);

	b = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET;
	fw_reg_write(fw, b + VRFSEC_ABI_CONTROL_ENGINE, fw->cfg.engine);
	fw_reg_write(fw, b + VRFSEC_ABI_CONTROL_HOST_MEM_SIZE, fw->cfg.host_mem_size);

	b = VRFSEC_ABI_TABLES_DEFAULT_OFFSET;
	fw_reg_write(fw, b + VRFSEC_ABI_TABLES_MAX_SA, VRFSEC_MAX_SA);
	fw_reg_write(fw, b + VRFSEC_ABI_TABLES_MAX_VRF, VRFSEC_MAX_VRF);
	fw_reg_write(fw, b + VRFSEC_ABI_TABLES_MAX_NH, VRFSEC_MAX_NH);
	fw_reg_write(fw, b + VRFSEC_ABI_TABLES_FIB_NODES, VRFSEC_FIB_NODES);
	fw_reg_write(fw, b + VRFSEC_ABI_TABLES_FIB_ROUTES, VRFSEC_FIB_ROUTES);
	fw_reg_write(fw, b + VRFSEC_ABI_TABLES_REPLAY_MAX, VRFSEC_REPLAY_MAX);
	fw_reg_write(fw, b + VRFSEC_ABI_TABLES_LABEL_SPACE, VRFSEC_LABEL_SPACE);
	fw_reg_write(fw, b + VRFSEC_ABI_TABLES_MAX_FRAME, VRFSEC_MAX_FRAME);

	for (i = 0; i < VRFSEC_ABI_RING_COUNT; i++)
		fw_reg_write(fw, fw_ring_reg(i, OFF(ring_regs, desc_size)), ring_desc_size[i]);

	b = VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET;
	fw_reg_write(fw, b + VRFSEC_ABI_COUNTERS_N_GLOBAL, VRFSEC_CNT_MAX);
	fw_reg_write(fw, b + VRFSEC_ABI_COUNTERS_N_VRF, VRFSEC_MAX_VRF);
	fw_reg_write(fw, b + VRFSEC_ABI_COUNTERS_N_SA, VRFSEC_MAX_SA);

	fw_ports_regs(fw);
}

void fw_init(struct fw *fw, struct vrfsec_tables *t, volatile uint8_t *bar,
	     const struct fw_config *cfg)
{
	fw_zero(fw, sizeof(*fw));
	fw->t = t;
	fw->bar = bar;
	fw->cfg.plat_ctx = cfg->plat_ctx;
	fw->cfg.engine = cfg->engine;
	fw->cfg.host_mem_size = cfg->host_mem_size;
	fw->cfg.fw_version = cfg->fw_version ? cfg->fw_version : FW_VERSION;
	fw->cfg.card_kind = cfg->card_kind ? cfg->card_kind : VRFSEC_ABI_CARD_SIM;
	fw->cfg.caps = cfg->caps;
	fw->cmd.failed = VRFSEC_ABI_NONE;
	vrfsec_tables_init(t);
	write_blocks(fw);
	/* Ready last: a host that sees it finds every other register in place. */
	fw_reg_write(fw, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_STATUS,
		     STATUS_READY);
}

/* CONTROL bit 1: back to the state of a card fresh from reset, keys wiped. SAs go FW_POLL_KEYS
 * per poll (each wipes a key through the key port), the rest of the tables with the last of them;
 * until then no command is taken. Returns 1 when the reset is complete. */
static int tables_reset_step(struct fw *fw)
{
	struct vrfsec_tables *t = fw->t;
	uint32_t dropped = 0;
	uint32_t i;

	for (i = 0; i < VRFSEC_MAX_SA; i++) {
		uint32_t idx = fw->reset_next;

		if (idx >= VRFSEC_MAX_SA || dropped >= FW_POLL_KEYS)
			break;
		if (t->sa[idx].valid) {
			fw_sa_drop(fw, idx);
			dropped++;
		}
		fw->reset_next++;
	}
	if (fw->reset_next < VRFSEC_MAX_SA)
		return 0;
	fw_zero(fw->life, sizeof(fw->life));
	fw_zero(fw->active, sizeof(fw->active));
	fw_zero(t->spi_hash, sizeof(t->spi_hash));
	fw_zero(t->nh, sizeof(t->nh));
	fw_zero(t->vrf, sizeof(t->vrf));
	fw_zero(t->label_vrf, sizeof(t->label_vrf));
	fw_zero(t->vlan_vrf, sizeof(t->vlan_vrf));
	fw_zero(t->cnt, sizeof(t->cnt));
	fw_zero(t->sa_cnt, sizeof(t->sa_cnt));
	fw_zero(t->vrf_cnt, sizeof(t->vrf_cnt));
	fw_zero(&t->port, sizeof(t->port));
	vrfsec_tables_init(t); /* port defaults and an empty FIB */
	fw_ports_regs(fw);
	fw->stats.resets++;
	return 1;
}

uint32_t fw_poll(struct fw *fw, uint64_t now_ns)
{
	uint32_t ctl_off = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_CONTROL;
	uint32_t hb_off = VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_HEARTBEAT;
	uint32_t work = 0;
	uint32_t ctl;

	fw->now_ns = now_ns;
	if (now_ns - fw->hb_ns >= FW_HEARTBEAT_NS) {
		/* Load and store, not an atomic add: the soft core has no A extension, and a lost
		 * increment against the simulator's own bump still moves the counter. */
		fw_reg_write(fw, hb_off, fw_reg_read(fw, hb_off) + 1u);
		fw->hb_ns = now_ns;
	}
	/* Only between commands, so a command is applied entirely before or after a reset. */
	if (!fw->cmd.active && !fw->resetting) {
		ctl = fw_reg_read(fw, ctl_off);
		if (ctl & CONTROL_RESET) {
			fw->resetting = 1;
			fw->reset_next = 0;
		}
	}
	if (fw->resetting) {
		work++;
		if (!tables_reset_step(fw))
			return work; /* more SAs to remove: no commands, no lifetimes meanwhile */
		fw_reg_write(fw, ctl_off, fw_reg_read(fw, ctl_off) & ~CONTROL_RESET);
		fw->resetting = 0;
	}
	work += fw_cmd_work(fw);
	work += fw_events_scan(fw);
	return work;
}
