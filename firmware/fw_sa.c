/* SPDX-License-Identifier: Apache-2.0 */
/* SA_ADD, SA_UPDATE, SA_DEL: decode sa_entry, refuse before touching anything, key before SA. */
#include "fw_impl.h"
#include "sa_hash.h"

#define ETH_LEN 14u
#define MTU_MIN 576u
#define MTU_MAX (VRFSEC_MAX_FRAME - ETH_LEN)
#define MTU_DEFAULT 1500u
#define TS_SIZE 20u /* af, plen, 2 reserved, 16 address bytes */
#define TS_ADDR 4u

_Static_assert(VRFSEC_MAX_TS * TS_SIZE == sizeof(((struct vrfsec_abi_sa_entry *)0)->ts),
	       "selector layout");
_Static_assert(sizeof(((struct vrfsec_abi_sa_entry *)0)->key) == 32u, "key field");

static struct fw_res result(uint16_t detail, uint16_t err, uint16_t vrf, uint32_t sa,
			    uint32_t spi)
{
	struct fw_res r = { detail, err, vrf, sa, spi };

	return r;
}

static void decode(const uint8_t *e, struct vrfsec_sa_params *p)
{
	uint32_t k;

	fw_zero(p, sizeof(*p));
	p->dir = e[OFF(sa_entry, dir)];
	p->mode = e[OFF(sa_entry, mode)];
	p->esn = e[OFF(sa_entry, esn)];
	p->udp = e[OFF(sa_entry, udp)];
	p->spi = le32(e + OFF(sa_entry, spi));
	p->vrf = le16(e + OFF(sa_entry, vrf));
	p->win = le16(e + OFF(sa_entry, win));
	p->no_replay = e[OFF(sa_entry, no_replay)];
	p->outer_af = e[OFF(sa_entry, outer_af)];
	p->ttl = e[OFF(sa_entry, ttl)];
	p->tos = e[OFF(sa_entry, tos)];
	p->dscp_copy = e[OFF(sa_entry, dscp_copy)];
	p->ecn_copy = e[OFF(sa_entry, ecn_copy)];
	p->df_mode = e[OFF(sa_entry, df_mode)];
	p->pad_extra = e[OFF(sa_entry, pad_extra)];
	fw_copy(p->salt, e + OFF(sa_entry, salt), sizeof(p->salt));
	fw_copy(p->src, e + OFF(sa_entry, src), sizeof(p->src));
	fw_copy(p->dst, e + OFF(sa_entry, dst), sizeof(p->dst));
	p->flow_label = le32(e + OFF(sa_entry, flow_label));
	p->ipv4_id = le16(e + OFF(sa_entry, ipv4_id));
	p->udp_sport = le16(e + OFF(sa_entry, udp_sport));
	p->udp_dport = le16(e + OFF(sa_entry, udp_dport));
	p->mtu = le16(e + OFF(sa_entry, mtu));
	p->seq = le64(e + OFF(sa_entry, seq));
	p->iv = le64(e + OFF(sa_entry, iv));
	fw_copy(p->smac, e + OFF(sa_entry, smac), sizeof(p->smac));
	fw_copy(p->dmac, e + OFF(sa_entry, dmac), sizeof(p->dmac));
	p->n_ts = e[OFF(sa_entry, n_ts)];
	for (k = 0; k < VRFSEC_MAX_TS; k++) {
		const uint8_t *s = e + OFF(sa_entry, ts) + TS_SIZE * k;

		p->ts[k].af = s[0];
		p->ts[k].plen = s[1];
		fw_copy(p->ts[k].addr, s + TS_ADDR, sizeof(p->ts[k].addr));
	}
}

/* The same checks vrfsec_sa_compile makes (VRF apart, which has its own detail), made here
 * first because the key goes in before the SA is compiled and must not go in for nothing. */
static int params_ok(const struct vrfsec_sa_params *p)
{
	uint32_t k;

	if (p->dir != VRFSEC_SA_DIR_IN && p->dir != VRFSEC_SA_DIR_OUT)
		return 0;
	if (p->mode > VRFSEC_MODE_TRANSPORT || p->esn > 1u || p->udp > 1u)
		return 0;
	if (p->outer_af != VRFSEC_AF_IPV4 && p->outer_af != VRFSEC_AF_IPV6)
		return 0;
	if (p->spi == 0 || p->win > VRFSEC_REPLAY_MAX)
		return 0;
	if (p->df_mode > VRFSEC_DF_CLEAR || (p->pad_extra & 3u) != 0 || p->pad_extra > 252u)
		return 0;
	if (p->udp && (p->udp_sport == 0 || p->udp_dport == 0))
		return 0;
	if (p->n_ts > VRFSEC_MAX_TS || p->flow_label > 0xfffffu)
		return 0;
	if (p->mtu != 0 && (p->mtu < MTU_MIN || p->mtu > MTU_MAX))
		return 0;
	if (!p->esn && p->seq > 0xffffffffu)
		return 0;
	for (k = 0; k < VRFSEC_MAX_TS; k++) {
		if (k >= p->n_ts)
			break;
		if (p->ts[k].af != VRFSEC_AF_IPV4 && p->ts[k].af != VRFSEC_AF_IPV6)
			return 0;
		if (p->ts[k].plen > (p->ts[k].af == VRFSEC_AF_IPV6 ? 128u : 32u))
			return 0;
	}
	return 1;
}

/* A free way in one of the SPI's two buckets. vrfsec_sa_compile would find out too, but only
 * after writing the slot; asking first keeps a full table from leaving traces. */
static int spi_room(const struct vrfsec_tables *t, uint32_t spi)
{
	uint32_t w, k;

	for (w = 0; w < 2u; w++) {
		const struct vrfsec_spi_bucket *b = &t->spi_hash[spi_bucket(spi, w)];

		for (k = 0; k < VRFSEC_SPI_WAYS; k++)
			if (b->sa[k] == 0)
				return 1;
	}
	return 0;
}

static void life_limits(struct fw_sa_life *l, const uint8_t *e)
{
	l->soft_bytes = le64(e + OFF(sa_entry, soft_bytes));
	l->hard_bytes = le64(e + OFF(sa_entry, hard_bytes));
	l->soft_packets = le64(e + OFF(sa_entry, soft_packets));
	l->hard_packets = le64(e + OFF(sa_entry, hard_packets));
	l->soft_s = le32(e + OFF(sa_entry, soft_s));
	l->hard_s = le32(e + OFF(sa_entry, hard_s));
	l->idle_s = le16(e + OFF(sa_entry, idle_s));
}

static uint16_t errno_of(int rc)
{
	return rc < 0 && rc > -4096 ? (uint16_t)-rc : (uint16_t)FW_EIO;
}

/* Every reason to refuse, in the order the details are documented; ERR_NONE when it can go in. */
static struct fw_res sa_check(struct fw *fw, uint32_t idx, uint32_t key_len,
			      const struct vrfsec_sa_params *p)
{
	struct vrfsec_tables *t = fw->t;
	uint16_t detail = VRFSEC_ABI_ERR_NONE;
	uint16_t err = FW_EINVAL;

	if (idx >= VRFSEC_MAX_SA) {
		detail = VRFSEC_ABI_ERR_BAD_PARAM;
	} else if (key_len != 16u && key_len != 24u && key_len != 32u) {
		detail = VRFSEC_ABI_ERR_BAD_KEY_LEN;
	} else if (p->vrf >= VRFSEC_MAX_VRF) {
		detail = VRFSEC_ABI_ERR_BAD_VRF;
	} else if (!params_ok(p)) {
		detail = VRFSEC_ABI_ERR_BAD_PARAM;
	} else if (t->sa[idx].valid) {
		detail = VRFSEC_ABI_ERR_SA_EXISTS;
		err = FW_EEXIST;
	} else if (p->dir == VRFSEC_SA_DIR_IN &&
		   vrfsec_spi_lookup(t, p->spi, p->outer_af, p->dst) != VRFSEC_NONE) {
		detail = VRFSEC_ABI_ERR_DUP_SPI;
		err = FW_EEXIST;
	} else if (p->dir == VRFSEC_SA_DIR_IN && !spi_room(t, p->spi)) {
		t->cnt[VRFSEC_CNT_TABLE_FULL]++;
		detail = VRFSEC_ABI_ERR_TABLE_FULL;
		err = FW_ENOSPC;
	}
	return result(detail, detail == VRFSEC_ABI_ERR_NONE ? 0 : err, p->vrf, idx, p->spi);
}

static uint16_t compile_detail(int rc)
{
	if (rc == VRFSEC_ENOSPC)
		return VRFSEC_ABI_ERR_TABLE_FULL;
	if (rc == VRFSEC_EEXIST)
		return VRFSEC_ABI_ERR_DUP_SPI;
	return VRFSEC_ABI_ERR_BAD_PARAM;
}

/* Key first: the SA becomes valid (and visible to the data path) only with its key in place. */
static struct fw_res sa_install(struct fw *fw, uint32_t idx, const uint8_t *e, uint32_t key_len,
				const struct vrfsec_sa_params *p)
{
	struct fw_sa_life *l;
	int rc;

	rc = fw_plat_key_install(fw->cfg.plat_ctx, idx, e + OFF(sa_entry, key), key_len);
	if (rc != 0)
		return result(VRFSEC_ABI_ERR_BAD_PARAM, errno_of(rc), p->vrf, idx, p->spi);
	rc = vrfsec_sa_compile(fw->t, idx, p);
	if (rc != 0) {
		/* Unreachable while params_ok matches the compiler's checks; no key stays. */
		fw_plat_key_wipe(fw->cfg.plat_ctx, idx);
		return result(compile_detail(rc), errno_of(rc), p->vrf, idx, p->spi);
	}
	l = &fw->life[idx];
	fw_zero(l, sizeof(*l));
	life_limits(l, e);
	l->add_ns = fw->now_ns;
	l->last_change_ns = fw->now_ns;
	fw_active_set(fw, idx);
	return result(VRFSEC_ABI_ERR_NONE, 0, p->vrf, idx, p->spi);
}

struct fw_res fw_sa_add(struct fw *fw, const uint8_t *e)
{
	struct vrfsec_sa_params p;
	uint32_t idx = le32(e + OFF(sa_entry, idx));
	uint32_t key_len = e[OFF(sa_entry, key_len)];
	struct fw_res r;

	decode(e, &p);
	r = sa_check(fw, idx, key_len, &p);
	if (r.detail == VRFSEC_ABI_ERR_NONE)
		r = sa_install(fw, idx, e, key_len, &p);
	/* The salt is keying material too; the stack copy goes with the entry. */
	fw_zero(p.salt, sizeof(p.salt));
	return r;
}

#define UPD_KNOWN (VRFSEC_ABI_SA_UPD_ADDR | VRFSEC_ABI_SA_UPD_ETH)

/* The SA's outer fields as the update asks for them; 0 or the detail that refuses the update. */
static uint16_t update_outer(const struct vrfsec_sa *sa, const uint8_t *e, uint32_t upd,
			     struct vrfsec_sa_outer *o)
{
	if (upd & ~UPD_KNOWN)
		return VRFSEC_ABI_ERR_BAD_PARAM;
	if (upd & VRFSEC_ABI_SA_UPD_ADDR) {
		/* Same family: the template's length and the lookup's key width stay. Outbound
		 * transport mode has no outer header of its own to move. */
		if (e[OFF(sa_entry, outer_af)] != sa->outer_af)
			return VRFSEC_ABI_ERR_BAD_PARAM;
		if (sa->dir == VRFSEC_SA_DIR_OUT && sa->mode != VRFSEC_MODE_TUNNEL)
			return VRFSEC_ABI_ERR_BAD_PARAM;
		fw_copy(o->src, e + OFF(sa_entry, src), sizeof(o->src));
		fw_copy(o->dst, e + OFF(sa_entry, dst), sizeof(o->dst));
	}
	if (upd & VRFSEC_ABI_SA_UPD_ETH) {
		if (sa->dir != VRFSEC_SA_DIR_OUT)
			return VRFSEC_ABI_ERR_BAD_PARAM; /* an inbound SA sends nothing */
		fw_copy(o->smac, e + OFF(sa_entry, smac), sizeof(o->smac));
		fw_copy(o->dmac, e + OFF(sa_entry, dmac), sizeof(o->dmac));
	}
	if (sa->dir == VRFSEC_SA_DIR_OUT && (sa->flags & VRFSEC_SAF_UDP)) {
		o->udp_sport = le16(e + OFF(sa_entry, udp_sport));
		o->udp_dport = le16(e + OFF(sa_entry, udp_dport));
	}
	return VRFSEC_ABI_ERR_NONE;
}

struct fw_res fw_sa_update(struct fw *fw, const uint8_t *e)
{
	struct vrfsec_tables *t = fw->t;
	struct vrfsec_sa_outer o;
	struct vrfsec_sa *sa;
	struct fw_sa_life *l;
	uint32_t idx = le32(e + OFF(sa_entry, idx));
	uint32_t spi = le32(e + OFF(sa_entry, spi));
	uint32_t upd = le32(e + OFF(sa_entry, update));
	uint16_t vrf = le16(e + OFF(sa_entry, vrf));
	uint16_t mtu = le16(e + OFF(sa_entry, mtu));
	uint16_t sport = le16(e + OFF(sa_entry, udp_sport));
	uint16_t dport = le16(e + OFF(sa_entry, udp_dport));
	uint8_t udp = e[OFF(sa_entry, udp)];
	uint8_t has_udp;
	uint16_t detail;
	int rc;

	if (idx >= VRFSEC_MAX_SA || !t->sa[idx].valid)
		return result(VRFSEC_ABI_ERR_UNKNOWN_SA, FW_ENOENT, vrf, idx, spi);
	sa = &t->sa[idx];
	has_udp = (sa->flags & VRFSEC_SAF_UDP) ? 1u : 0u;
	/* Encapsulation, SPI and key define the SA: changing them is a rekey, not an update. */
	if ((spi != 0 && spi != sa->spi) || udp != has_udp)
		return result(VRFSEC_ABI_ERR_BAD_PARAM, FW_EINVAL, sa->vrf, idx, sa->spi);
	if (mtu != 0 && (mtu < MTU_MIN || mtu > MTU_MAX))
		return result(VRFSEC_ABI_ERR_BAD_PARAM, FW_EINVAL, sa->vrf, idx, sa->spi);
	if (has_udp && (sport == 0 || dport == 0))
		return result(VRFSEC_ABI_ERR_BAD_PARAM, FW_EINVAL, sa->vrf, idx, sa->spi);
	/* Start from what the SA has, overlay what the update names; every check before any
	 * change, so a refused entry changes nothing. */
	vrfsec_sa_outer_get(t, idx, &o);
	detail = update_outer(sa, e, upd, &o);
	if (detail != VRFSEC_ABI_ERR_NONE)
		return result(detail, FW_EINVAL, sa->vrf, idx, sa->spi);
	/* In place: sequence number, IV, replay window and counters keep running. The simulator
	 * runs commands between bursts; a card's pipeline must not read the SA meanwhile. The
	 * mover refuses (changing nothing) a destination where this SPI already has an SA. */
	if (sa->dir == VRFSEC_SA_DIR_OUT || (upd & VRFSEC_ABI_SA_UPD_ADDR)) {
		rc = vrfsec_sa_move(t, idx, &o);
		if (rc != 0)
			return result(compile_detail(rc), errno_of(rc), sa->vrf, idx, sa->spi);
	}
	sa->mtu = mtu ? mtu : (uint16_t)MTU_DEFAULT;
	l = &fw->life[idx];
	if (!(l->flags & FW_LIFE_ACTIVE)) {
		fw_zero(l, sizeof(*l));
		l->add_ns = fw->now_ns;
		l->last_change_ns = fw->now_ns;
		fw_active_set(fw, idx);
	}
	life_limits(l, e);
	/* New limits re-arm the soft event (a rekey that was refused may be asked for again). */
	l->flags &= (uint8_t)~FW_LIFE_SOFT_SENT;
	return result(VRFSEC_ABI_ERR_NONE, 0, sa->vrf, idx, sa->spi);
}

void fw_sa_drop(struct fw *fw, uint32_t idx)
{
	/* Out of the tables before the key goes, so no packet is processed with a wiped key. */
	vrfsec_sa_remove(fw->t, idx);
	fw_plat_key_wipe(fw->cfg.plat_ctx, idx);
	fw_active_clear(fw, idx);
	fw_zero(&fw->life[idx], sizeof(fw->life[idx]));
}

struct fw_res fw_sa_del(struct fw *fw, const uint8_t *e)
{
	uint32_t idx = le32(e + OFF(sa_del_entry, idx));
	struct fw_res r;

	if (idx >= VRFSEC_MAX_SA || !fw->t->sa[idx].valid)
		return result(VRFSEC_ABI_ERR_UNKNOWN_SA, FW_ENOENT, 0, idx, 0);
	r = result(VRFSEC_ABI_ERR_NONE, 0, fw->t->sa[idx].vrf, idx, fw->t->sa[idx].spi);
	fw_sa_drop(fw, idx);
	return r;
}
