/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-bench setup: one VRF with nsa remote-access tunnels, and the rings of frames fed to it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* The box: public address PUB_IP; tunnel i has peer 100.64.0.0 + i behind NAT-T (UDP 4500),
 * client address 10.0.0.0 + i (its traffic selector and its /32 in the VRF), and inbound SPI
 * SPI_IN + i. The VRF reaches SERVER through the core with labels {TRANSPORT, PE_VPN}; the core
 * reaches the VRF with our VPN label OUR_VPN. */
#define VRF 7u
#define OUR_VPN 1000u
#define PE_VPN 2000u
#define TRANSPORT 16001u
#define NH_CORE 1u
#define NH_SA0 2u
#define SPI_IN 0x10000000u
#define SPI_OUT 0x20000000u
#define SA_MTU 2000u /* outer IP MTU of the public side: 1500-byte inner packets fit after ESP */
#define ETH_LEN_MPLS2 22u /* Ethernet + two labels in front of a packet leaving on the core */

static const uint8_t PUB_IP[4] = { 198, 51, 100, 1 };
static const uint8_t SERVER[4] = { 172, 16, 0, 10 };
static const uint8_t SERVER_NET[4] = { 172, 16, 0, 0 }; /* /16, behind the core */
static const uint8_t MAC_CARD_PUB[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const uint8_t MAC_CARD_CORE[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };
static const uint8_t MAC_GW[6] = { 0x02, 0, 0, 0, 0x02, 0x01 };   /* public next router */
static const uint8_t MAC_P[6] = { 0x02, 0, 0, 0, 0x03, 0x01 };    /* core P router */

static void addr_of(uint8_t a, uint8_t b, uint32_t i, uint8_t *out)
{
	out[0] = a;
	out[1] = b;
	out[2] = (uint8_t)(i >> 8);
	out[3] = (uint8_t)i;
}

static uint64_t mix(uint64_t x)
{
	/* splitmix64: cheap, well-spread key bytes per tunnel */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void bench_key(uint32_t i, enum bench_dir dir, uint32_t key_len, uint8_t *key)
{
	uint32_t k;

	for (k = 0; k < key_len; k += 8) {
		uint64_t v = mix(((uint64_t)i << 8) | ((uint64_t)dir << 6) | k);

		memcpy(key + k, &v, key_len - k < 8 ? key_len - k : 8);
	}
}

void bench_salt(uint32_t i, enum bench_dir dir, uint8_t *salt)
{
	uint64_t v = mix(((uint64_t)i << 8) | ((uint64_t)dir << 6) | 63u);

	memcpy(salt, &v, 4);
}

uint32_t bench_inner_size(uint32_t size, uint32_t j)
{
	/* 7 x 64, 4 x 576, 1 x 1500, interleaved so that bursts carry a mix */
	static const uint16_t imix[12] = { 64, 576, 64, 64, 576, 64, 1500, 64, 576, 64, 64, 576 };

	return size == BENCH_SIZE_IMIX ? imix[j % 12u] : size;
}

uint32_t bench_esp_payload(uint32_t inner)
{
	return inner + ((4u - ((inner + 2u) & 3u)) & 3u) + 2u;
}

static void sa_params(struct vrfsec_sa_params *p, uint32_t i, enum bench_dir dir, int sealer)
{
	memset(p, 0, sizeof(*p));
	p->mode = VRFSEC_MODE_TUNNEL;
	p->udp = 1;
	p->udp_sport = 4500;
	p->udp_dport = 4500;
	p->vrf = VRF;
	p->outer_af = VRFSEC_AF_IPV4;
	p->mtu = SA_MTU;
	bench_salt(i, dir, p->salt);
	if (dir == BENCH_IN) {
		p->spi = SPI_IN + i;
		addr_of(100, 64, i, p->src);
		memcpy(p->dst, PUB_IP, 4);
		p->n_ts = 1;
		p->ts[0].af = VRFSEC_AF_IPV4;
		p->ts[0].plen = 32;
		addr_of(10, 0, i, p->ts[0].addr);
		p->dir = VRFSEC_SA_DIR_IN;
		if (sealer) {
			/* The peer's side of the same SA: seals towards our public address. */
			p->dir = VRFSEC_SA_DIR_OUT;
			p->n_ts = 0;
			memset(p->ts, 0, sizeof(p->ts));
			memcpy(p->smac, MAC_GW, 6);
			memcpy(p->dmac, MAC_CARD_PUB, 6);
			p->iv = mix(i);
		}
		return;
	}
	p->dir = VRFSEC_SA_DIR_OUT;
	p->spi = SPI_OUT + i;
	memcpy(p->src, PUB_IP, 4);
	addr_of(100, 64, i, p->dst);
	memcpy(p->smac, MAC_CARD_PUB, 6);
	memcpy(p->dmac, MAC_GW, 6);
	p->iv = mix(i ^ 0x5555u);
}

static int fail(const char *what, uint32_t i, int rc)
{
	fprintf(stderr, "bench error: %s %u: %d\n", what, i, rc);
	return rc < 0 ? rc : -EINVAL;
}

static int program_routes(struct vrfsec_tables *t, uint32_t nsa)
{
	struct vrfsec_vrf_params vp;
	struct vrfsec_nh nh;
	uint8_t a[4];
	uint32_t i;
	int rc;

	memset(&vp, 0, sizeof(vp));
	vp.ttl_mode = VRFSEC_TTL_UNIFORM;
	rc = vrfsec_vrf_set(t, VRF, &vp);
	if (rc)
		return fail("vrf set", VRF, rc);
	rc = vrfsec_label_map(t, OUR_VPN, VRF);
	if (rc)
		return fail("label map", OUR_VPN, rc);
	memset(&nh, 0, sizeof(nh));
	nh.kind = VRFSEC_NH_MPLS;
	nh.n_labels = 2;
	nh.label[0] = TRANSPORT;
	nh.label[1] = PE_VPN;
	memcpy(nh.eth, MAC_P, 6);
	memcpy(nh.eth + 6, MAC_CARD_CORE, 6);
	rc = vrfsec_nh_set(t, NH_CORE, &nh);
	if (rc == 0)
		rc = vrfsec_fib_add(&t->fib, VRF, VRFSEC_AF_IPV4, SERVER_NET, 16, NH_CORE);
	if (rc)
		return fail("core route", NH_CORE, rc);
	for (i = 0; i < nsa; i++) {
		memset(&nh, 0, sizeof(nh));
		nh.kind = VRFSEC_NH_SA;
		nh.sa = BENCH_MAX_SA + i;
		rc = vrfsec_nh_set(t, NH_SA0 + i, &nh);
		addr_of(10, 0, i, a);
		if (rc == 0)
			rc = vrfsec_fib_add(&t->fib, VRF, VRFSEC_AF_IPV4, a, 32, NH_SA0 + i);
		if (rc)
			return fail("client route", i, rc);
	}
	return 0;
}

int bench_world_open(struct bench_world *w, enum vrfsec_engine_kind kind, uint32_t key_len,
		     uint32_t nsa)
{
	struct vrfsec_sa_params p;
	uint8_t key[32];
	uint32_t i;
	int rc;

	memset(w, 0, sizeof(*w));
	w->nsa = nsa;
	w->key_len = key_len;
	if (nsa == 0 || nsa > BENCH_MAX_SA)
		return -EINVAL;
	rc = testbed_open(&w->tb, kind);
	if (rc)
		return fail("testbed open", kind, rc);
	rc = testbed_open(&w->sealer, VRFSEC_ENGINE_CPU);
	if (rc) {
		testbed_close(&w->tb);
		return fail("sealer open", 0, rc);
	}
	w->sealer_open = 1;
	w->order = malloc(nsa * sizeof(*w->order));
	rc = w->order ? program_routes(w->tb.t, nsa) : -ENOMEM;
	for (i = 0; rc == 0 && i < nsa; i++)
		w->order[i] = i;
	for (i = nsa; rc == 0 && i > 1; i--) {
		/* Fisher-Yates with a fixed seed: the same order on every run */
		uint32_t k = (uint32_t)(mix(i) % i), tmp = w->order[i - 1];

		w->order[i - 1] = w->order[k];
		w->order[k] = tmp;
	}
	for (i = 0; rc == 0 && i < nsa; i++) {
		sa_params(&p, i, BENCH_IN, 0);
		bench_key(i, BENCH_IN, key_len, key);
		rc = vrfsec_engine_sa_add(w->tb.e, i, &p, key, key_len);
		if (rc == 0) {
			sa_params(&p, i, BENCH_IN, 1);
			rc = vrfsec_engine_sa_add(w->sealer.e, i, &p, key, key_len);
		}
		if (rc == 0) {
			sa_params(&p, i, BENCH_OUT, 0);
			bench_key(i, BENCH_OUT, key_len, key);
			rc = vrfsec_engine_sa_add(w->tb.e, BENCH_MAX_SA + i, &p, key, key_len);
		}
		if (rc)
			rc = fail("SA add", i, rc);
	}
	explicit_bzero(key, sizeof(key));
	if (rc)
		bench_world_close(w);
	return rc;
}

void bench_world_close(struct bench_world *w)
{
	if (w->sealer_open)
		testbed_close(&w->sealer);
	if (w->tb.t)
		testbed_close(&w->tb);
	free(w->order);
	memset(w, 0, sizeof(*w));
}

void bench_replay_reset(struct bench_world *w)
{
	uint32_t i;

	for (i = 0; i < w->nsa; i++) {
		w->tb.t->sa[i].seq = 0;
		memset(w->tb.t->replay[i], 0, sizeof(w->tb.t->replay[i]));
	}
}

/* IPv4/UDP packet of len bytes from src to dst, TTL 64. */
static void inner_packet(uint8_t *ip, uint32_t len, const uint8_t *src, const uint8_t *dst,
			 uint32_t n)
{
	uint32_t k;

	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	ip[4] = (uint8_t)(n >> 8);
	ip[5] = (uint8_t)n;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	ipv4_fix_csum(ip);
	ip[20] = 0x30;
	ip[21] = 0x39;
	ip[22] = 0x1f;
	ip[23] = 0x90;
	ip[24] = (uint8_t)((len - 20) >> 8);
	ip[25] = (uint8_t)(len - 20);
	for (k = 28; k < len; k++)
		ip[k] = (uint8_t)(k * 7u + n);
}

/* Ring slot j: where its frame lives. Slots hold the largest frame of their size. */
static void layout(struct bench_ring *r)
{
	uint32_t j, pos = 0;

	r->inner_bytes = 0;
	for (j = 0; j < BENCH_RING; j++) {
		r->inner[j] = (uint16_t)bench_inner_size(r->size, j);
		r->inner_bytes += r->inner[j];
		r->off[j] = pos;
		pos += (r->inner[j] + 128u + 63u) & ~63u; /* frame overhead < 128 bytes */
	}
}

static uint32_t ring_bytes(uint32_t size)
{
	return BENCH_RING * ((bench_inner_size(size, 6) + 128u + 63u) & ~63u);
}

/* Seal inner packets into the ring through the peer's SAs, one burst at a time. */
static int fill_in(struct bench_world *w, struct bench_ring *r)
{
	static _Alignas(64) struct vrfsec_pkt pk[VRFSEC_BURST_MAX];
	struct vrfsec_pkt *pp[VRFSEC_BURST_MAX];
	uint8_t ip[VRFSEC_MAX_FRAME], client[4];
	uint32_t j0, i;

	for (j0 = 0; j0 < BENCH_RING; j0 += VRFSEC_BURST_MAX) {
		for (i = 0; i < VRFSEC_BURST_MAX; i++) {
			uint32_t j = j0 + i;

			addr_of(10, 0, r->sa[j], client);
			inner_packet(ip, r->inner[j], client, SERVER, j);
			pkt_load(&pk[i], VRFSEC_PORT_HOST, ip, r->inner[j]);
			pk[i].sa_out = r->sa[j];
			pp[i] = &pk[i];
		}
		vrfsec_engine_run(w->sealer.e, pp, VRFSEC_BURST_MAX);
		for (i = 0; i < VRFSEC_BURST_MAX; i++) {
			uint32_t j = j0 + i;

			if (pk[i].out_port != VRFSEC_PORT_PUBLIC) {
				fprintf(stderr, "bench error: sealing for SA %u failed: %s\n",
					r->sa[j], vrfsec_counter_name(pk[i].reason));
				return -EIO;
			}
			memcpy(r->mem + r->off[j], pkt_data(&pk[i]), pk[i].len);
			r->len[j] = pk[i].len;
			r->want_len[j] = (uint16_t)(ETH_LEN_MPLS2 + r->inner[j]);
		}
	}
	return 0;
}

int bench_ring_fill(struct bench_world *w, struct bench_ring *r, uint32_t base)
{
	uint8_t client[4];
	uint32_t j;

	r->base = base % w->nsa;
	for (j = 0; j < BENCH_RING; j++)
		r->sa[j] = w->order[(r->base + j) % w->nsa];
	if (r->dir == BENCH_IN)
		return fill_in(w, r);
	for (j = 0; j < BENCH_RING; j++) {
		uint8_t *f = r->mem + r->off[j];

		/* Core frame: Ethernet, our VPN label (bottom of stack, TTL 64), inner IPv4 */
		eth_hdr(f, MAC_CARD_CORE, MAC_P, 0x8847);
		f[14] = (uint8_t)(OUR_VPN >> 12);
		f[15] = (uint8_t)(OUR_VPN >> 4);
		f[16] = (uint8_t)((OUR_VPN << 4) | 1u);
		f[17] = 64;
		addr_of(10, 0, r->sa[j], client);
		inner_packet(f + 18, r->inner[j], SERVER, client, j);
		r->len[j] = (uint16_t)(18u + r->inner[j]);
		/* Ethernet, IPv4, UDP, SPI + seq + IV, ESP payload, ICV */
		r->want_len[j] =
			(uint16_t)(14u + 20u + 8u + 16u + bench_esp_payload(r->inner[j]) + 16u);
	}
	return 0;
}

int bench_ring_init(struct bench_world *w, struct bench_ring *r, enum bench_dir dir,
		    uint32_t size)
{
	memset(r, 0, sizeof(*r));
	r->dir = dir;
	r->size = size;
	if (posix_memalign((void **)&r->mem, 64, ring_bytes(size)))
		return -ENOMEM;
	layout(r);
	return bench_ring_fill(w, r, 0);
}

void bench_ring_free(struct bench_ring *r)
{
	free(r->mem);
	r->mem = NULL;
}
