/* SPDX-License-Identifier: Apache-2.0 */
/* The error test's traffic: frames aimed at every entry a refused command touched, and the
 * inject phase where refusals fall between packets sealed into one SA. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

static const uint8_t pub[4] = { 203, 0, 113, 1 };
static const uint8_t card_mac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t peer_mac[6] = { 2, 0, 0, 0, 0, 2 };

void e_key(const struct ct *c, uint32_t idx, struct esp_key *k)
{
	memset(k, 0, sizeof(*k));
	k->key_len = (uint8_t)(16u + 8u * (idx % 3u));
	rand_bytes(c->seed, 300, idx, k->key, k->key_len);
	rand_bytes(c->seed, 301, idx, k->salt, 4);
}

void e_sa(const struct ct *c, uint32_t idx, uint8_t dir, uint32_t spi, uint16_t vrf,
	  struct vrfsec_sa_cfg *sa)
{
	struct esp_key k;
	uint8_t peer[4] = { 198, 51, 100, (uint8_t)idx };

	memset(sa, 0, sizeof(*sa));
	e_key(c, idx, &k);
	sa->idx = idx;
	sa->dir = dir;
	sa->spi = spi;
	sa->vrf = vrf;
	sa->outer_af = 4;
	sa->key_len = k.key_len;
	memcpy(sa->key, k.key, sizeof(sa->key));
	memcpy(sa->salt, k.salt, 4);
	sa->udp = idx == E_B_IN || idx == E_B_OUT;
	if (sa->udp) {
		sa->udp_sport = 4500;
		sa->udp_dport = (uint16_t)(dir == VRFSEC_SA_OUT ? 31000u : 4500u);
	}
	if (dir == VRFSEC_SA_IN) {
		memcpy(sa->src, peer, 4);
		memcpy(sa->dst, pub, 4);
		return;
	}
	memcpy(sa->src, pub, 4);
	memcpy(sa->dst, peer, 4);
	memcpy(sa->smac, card_mac, 6);
	memcpy(sa->dmac, peer_mac, 6);
	sa->dmac[5] = (uint8_t)idx;
	sa->iv = (uint64_t)idx << 40;
	sa->ipv4_id = (uint16_t)(idx * 100u);
	/* some template variety, so a lost field would show in the bytes */
	if (idx == E_A_OUT) {
		sa->ttl = 50;
		sa->df_mode = VRFSEC_SA_DF_SET;
		sa->pad_extra = 4;
	} else {
		sa->tos = 0x28;
	}
}

static uint32_t tag_n;

static uint32_t icmp(uint8_t *ip, uint16_t vrf, uint8_t a1, uint8_t a2, uint8_t a3)
{
	uint32_t n = tag_n++;

	return pkt_icmp4(ip, (uint8_t[4]){ 172, 16, (uint8_t)vrf, 2 },
			 (uint8_t[4]){ 10, a1, a2, a3 }, 64, 0xe0000000u + n, 24 + n % 40u);
}

/* ESP from the peer of inbound slot idx (spi, destination override), sealed with key_idx's key */
static void esp(const struct ct *c, struct frames *f, uint32_t idx, uint32_t spi, uint8_t dst3,
		uint32_t key_idx, uint32_t seq, uint8_t a1, uint8_t a2, uint8_t a3)
{
	struct vrfsec_sa_cfg sa;
	struct esp_build b;
	struct esp_key k;
	uint8_t ip[256], frame[512];
	uint32_t n;

	e_sa(c, idx, VRFSEC_SA_IN, spi, 1, &sa);
	e_key(c, key_idx, &k);
	memset(&b, 0, sizeof(b));
	b.k = &k;
	b.spi = spi;
	b.seq = seq;
	b.iv = 0x1122334455000000ull + seq;
	memcpy(b.src, sa.src, 4);
	memcpy(b.dst, pub, 4);
	if (dst3)
		b.dst[3] = dst3;
	if (sa.udp) {
		b.udp_sport = 4500;
		b.udp_dport = 4500;
	}
	memcpy(b.dmac, card_mac, 6);
	memcpy(b.smac, peer_mac, 6);
	b.inner = ip;
	b.inner_len = icmp(ip, 1, a1, a2, a3);
	n = esp_build_v4(frame, sizeof(frame), &b);
	frames_add(f, frame, n);
}

static void mpls(struct frames *f, uint32_t label, uint8_t a1, uint8_t a2, uint8_t a3)
{
	uint8_t ip[256], frame[512];
	uint32_t n = icmp(ip, (uint16_t)(label % 100u), a1, a2, a3);

	n = pkt_mpls(frame, card_mac, peer_mac, &label, 1, 64, ip, n);
	frames_add(f, frame, n);
}

static void vlan(struct frames *f, uint16_t vid, uint8_t a1, uint8_t a2, uint8_t a3)
{
	uint8_t frame[512];
	uint32_t n = icmp(frame + 18, 2, a1, a2, a3);

	memcpy(frame, card_mac, 6);
	memcpy(frame + 6, peer_mac, 6);
	frame[12] = 0x81;
	frame[13] = 0x00;
	frame[14] = (uint8_t)(vid >> 8);
	frame[15] = (uint8_t)vid;
	frame[16] = 0x08;
	frame[17] = 0x00;
	frames_add(f, frame, 18 + n);
}

void e_inputs(const struct ct *c, struct frames in[3])
{
	struct frames *p = &in[0], *core = &in[1], *ins = &in[2];

	tag_n = 0;
	esp(c, p, E_A_IN, E_SPI(E_A_IN), 0, E_A_IN, 1, 9, 0, 5);      /* to the core */
	esp(c, p, E_A_IN, E_SPI(E_A_IN), 0, E_DUP, 2, 9, 0, 6);       /* refused SA's key: ICV */
	esp(c, p, E_BADKEY, E_SPI(E_BADKEY), 0, E_BADKEY, 1, 1, 0, 1); /* refused SA: no SA */
	esp(c, p, E_B_IN, E_SPI(E_B_IN), 0, E_B_IN, 1, 2, 0, 7);      /* NAT-T, to client B */
	esp(c, p, E_FULL0 + 3, E_SPI_SHARED, 13, E_FULL0 + 3, 1, 1, 0, 9); /* shared SPI */
	esp(c, p, E_FULL, E_SPI_SHARED, 18, E_FULL, 1, 1, 0, 9);     /* the refused ninth: no SA */
	esp(c, p, E_A_IN, E_SPI(E_A_IN), 0, E_A_IN, 3, 5, 0, 1);      /* mixed batch, applied */
	esp(c, p, E_A_IN, E_SPI(E_A_IN), 0, E_A_IN, 4, 6, 0, 1);      /* ... applied */
	esp(c, p, E_A_IN, E_SPI(E_A_IN), 0, E_A_IN, 5, 8, 0, 1);      /* ... stopped: no route */
	esp(c, p, E_A_IN, E_SPI(E_A_IN), 0, E_A_IN, 1, 9, 0, 5);      /* replay */
	esp(c, p, E_A_IN, E_SPI(E_A_IN), 0, E_A_IN, 6, 7, 0, 1);      /* stop-on-error, applied */
	esp(c, p, E_A_IN, E_SPI(E_A_IN), 0, E_A_IN, 7, 1, 2, 3);      /* client A to client A */
	mpls(core, E_LABEL(1), 1, 0, 20);         /* into SA A out */
	mpls(core, E_LABEL_REFUSED, 1, 0, 20);    /* refused label map: no label */
	mpls(core, E_LABEL(2), 2, 0, 30);         /* into SA B out */
	mpls(core, E_LABEL(3), 100, 0, 1);        /* first route of the FIB fill */
	mpls(core, E_LABEL(3), 227, 255, 1);      /* last candidate: refused, no route */
	mpls(core, E_LABEL(1), 1, 128, 1);        /* refused /17 delete: the /16 still there */
	mpls(core, E_LABEL(1), 9, 1, 1);          /* VRF 1 to the core */
	mpls(core, E_LABEL(2), 9, 1, 1);          /* VRF 2, same prefix, its own next hop */
	vlan(ins, E_VLAN, 2, 0, 40);              /* VRF 2's VLAN, which VRF 1 was refused */
	vlan(ins, E_VLAN + 1, 2, 0, 41);          /* no VRF: no VLAN */
}

static int inject(struct ct *c, struct mirror *m, struct run_out *ref, const char *counter,
		  enum vrfsec_counter id)
{
	uint8_t ip[128];
	uint32_t len = icmp(ip, 1, 1, 0, 77);
	struct vrfsec_inject in = { .frame = ip, .len = len, .sa = E_A_OUT };
	int rc;

	while ((rc = vrfsec_inject_send(m->dev, &in)) == -EAGAIN)
		vrfsec_poll(m->dev, 16);
	if (rc)
		return ct_fail(c, "inject: %s", vrfsec_strerror(rc));
	mirror_run_inject(m, ip, len, E_A_OUT, ref);
	/* the card has sealed (or dropped) it when its counter reaches the twin's */
	return snap_wait_global(c, m->dev, counter, m->tb.t->cnt[id], 5000);
}

#define REFUSE(what, call, erc, edet)                                                        \
	do {                                                                                 \
		struct vrfsec_snapshot *s0_;                                                 \
		if (snap_get(c, dev, &s0_) || e_refused(c, dev, what, (call), erc, edet, s0_, NULL)) \
			return -1;                                                           \
	} while (0)

int e_inject_phase(struct ct *c, struct mirror *m, struct run_out *ref)
{
	struct vrfsec_dev *dev = m->dev;
	struct vrfsec_sa_cfg sa;
	int rc;

	if (inject(c, m, ref, "encrypt_ok", VRFSEC_CNT_ENCRYPT_OK))
		return -1;
	e_sa(c, E_A_OUT, VRFSEC_SA_OUT, 0x7778u, 1, &sa);
	sa.key[1] ^= 0x5a;
	REFUSE("SA add over a busy SA", mirror_sa_add(m, &sa), -EEXIST, VRFSEC_ABI_ERR_SA_EXISTS);
	if (inject(c, m, ref, "encrypt_ok", VRFSEC_CNT_ENCRYPT_OK))
		return -1;
	e_sa(c, E_A_OUT, VRFSEC_SA_OUT, E_SPI(E_A_OUT), 1, &sa);
	sa.udp = true; /* the SA has no UDP: that would be a rekey, not an update */
	sa.udp_sport = sa.udp_dport = 4500;
	REFUSE("SA update that adds UDP", vrfsec_sa_update_sync(dev, &sa), -EINVAL,
	       VRFSEC_ABI_ERR_BAD_PARAM);
	if (inject(c, m, ref, "encrypt_ok", VRFSEC_CNT_ENCRYPT_OK))
		return -1;
	if ((rc = mirror_sa_del(m, E_A_OUT)) != 0)
		return ct_fail(c, "SA del: %s", vrfsec_strerror(rc));
	if (inject(c, m, ref, "no_sa", VRFSEC_CNT_NO_SA))
		return -1;
	REFUSE("SA del of a deleted SA", mirror_sa_del(m, E_A_OUT), -ENOENT,
	       VRFSEC_ABI_ERR_UNKNOWN_SA);
	return 0;
}
