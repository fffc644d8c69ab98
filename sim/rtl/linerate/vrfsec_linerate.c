/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-linerate: throughput, latency and loss of the RTL pipeline per direction, frame size and
 * parameter set, from the Verilated model clock by clock.
 *
 * in  = public ESP -> core MPLS (decrypt, route, label push)
 * out = core MPLS -> public ESP (label pop, route, encrypt)
 * size = the core-side (MPLS, cleartext) Ethernet frame: 18 bytes of Ethernet and label, the rest
 * an IPv4 packet; the ESP frame on the public side is that IP packet sealed in a tunnel-mode SA
 * (+ 14 Ethernet, 20 outer IPv4, 16 ESP header and IV, 2..5 trailer, 16 ICV). A case offers its
 * packets back to back on s_ (a beat every cycle s_tready allows) with m_tready always 1, across
 * many SAs round-robin (sas=256: one inbound and one outbound SA per client, 256 clients).
 * Measured: bytes per cycle on s_ (first to last accepted beat) and on m_ (first to last beat),
 * Gb/s and Mpps at the clock, latency from a packet's first beat in to its last beat out, and
 * loss = packets that did not come out / packets in. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "engine_impl.h"
#include "gcm.h"
#include "rtl/rtl_model.h"
#include "tables_setup.h"
#include "testbed.h"

#define MAX_SAS 256u
#define SA_BASE 1000u
#define VRF 1u
#define VPN_LABEL 1000u
#define CORE_LABEL 2000u
#define IMIX (-1)

static const uint8_t mac_peer[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_card[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t card_ip[4] = { 198, 51, 100, 1 };

struct opts {
	double mhz;
	uint32_t packets;
	unsigned mem_lat;
	unsigned width; /* 0: both */
	int strict;
};

struct client {
	struct vrfsec_gcm_key key_in; /* the client's view: seals what the card opens */
	uint8_t salt_in[4];
	uint64_t seq;                 /* next sequence number the client sends */
};

static struct client *clients;

static void key_bytes(uint8_t *k, uint32_t idx)
{
	uint32_t i;

	for (i = 0; i < 32; i++)
		k[i] = (uint8_t)(idx * 31u + i * 7u + 1u);
}

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v);
}

/* Tables: VRF 1 with VPN label 1000; 10.0.0.0/8 to the core over next hop 1 (one label); per
 * client k, 172.16.k.0/24 to its outbound SA, and its inbound SA. */
static int setup(struct vrfsec_tables *t, struct rtl_model *m, uint32_t sas)
{
	struct vrfsec_vrf_params vp;
	struct vrfsec_nh nh;
	uint8_t pfx[16] = { 10 }, key[32];
	uint32_t k;
	int rc;

	memset(t, 0, sizeof(*t));
	vrfsec_tables_init(t);
	memcpy(t->port.public_mac, mac_card, 6);
	memcpy(t->port.core_mac, mac_card, 6);
	memset(&vp, 0, sizeof(vp));
	vp.ttl_mode = VRFSEC_TTL_PIPE;
	rc = vrfsec_vrf_set(t, VRF, &vp);
	rc = rc ? rc : vrfsec_label_map(t, VPN_LABEL, VRF);
	memset(&nh, 0, sizeof(nh));
	nh.kind = VRFSEC_NH_MPLS;
	nh.n_labels = 1;
	nh.ttl_mode = VRFSEC_TTL_PIPE;
	nh.pipe_ttl = 255;
	nh.label[0] = CORE_LABEL;
	memcpy(nh.eth, mac_peer, 6);
	memcpy(nh.eth + 6, mac_card, 6);
	rc = rc ? rc : vrfsec_nh_set(t, 1, &nh);
	rc = rc ? rc : vrfsec_route_add(t, VRF, VRFSEC_AF_IPV4, pfx, 8, 1);
	for (k = 0; k < sas && rc == 0; k++) {
		struct vrfsec_sa_params in, out;
		uint32_t si = SA_BASE + 2u * k, so = si + 1u;

		memset(&in, 0, sizeof(in));
		in.dir = VRFSEC_SA_DIR_IN;
		in.mode = VRFSEC_MODE_TUNNEL;
		in.spi = 0x10000u + k;
		in.vrf = VRF;
		in.outer_af = VRFSEC_AF_IPV4;
		memcpy(in.dst, card_ip, 4);
		in.src[0] = 100;
		in.src[1] = 64;
		in.src[2] = (uint8_t)k;
		in.src[3] = 1;
		wr32(in.salt, 0x5a5a0000u + k);
		memcpy(clients[k].salt_in, in.salt, 4);
		out = in;
		out.dir = VRFSEC_SA_DIR_OUT;
		out.spi = 0x20000u + k;
		memcpy(out.src, in.dst, 16);
		memcpy(out.dst, in.src, 16);
		out.mtu = VRFSEC_MAX_FRAME - 14u;
		out.iv = (uint64_t)k << 32;
		memcpy(out.smac, mac_card, 6);
		memcpy(out.dmac, mac_peer, 6);
		rc = vrfsec_sa_compile(t, si, &in);
		rc = rc ? rc : vrfsec_sa_compile(t, so, &out);
		key_bytes(key, si);
		rc = rc ? rc : vrfsec_gcm_key_setup(&clients[k].key_in, key, 32);
		rc = rc ? rc : rtl_model_key(m, si, key, 32);
		key_bytes(key, so);
		rc = rc ? rc : rtl_model_key(m, so, key, 32);
		clients[k].seq = 1;
		memset(&nh, 0, sizeof(nh));
		nh.kind = VRFSEC_NH_SA;
		nh.sa = so;
		rc = rc ? rc : vrfsec_nh_set(t, 2u + k, &nh);
		pfx[0] = 172;
		pfx[1] = 16;
		pfx[2] = (uint8_t)k;
		rc = rc ? rc : vrfsec_route_add(t, VRF, VRFSEC_AF_IPV4, pfx, 24, 2u + k);
	}
	return rc;
}

/* An IPv4/UDP packet of len bytes from src to dst. */
static void inner_ip(uint8_t *ip, uint32_t len, const uint8_t *src, const uint8_t *dst,
		     uint32_t n)
{
	uint32_t i;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	wr16(ip + 2, len);
	wr16(ip + 4, n);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	ipv4_fix_csum(ip);
	for (i = 20; i < len; i++)
		ip[i] = (uint8_t)(i * 13u + n);
}

/* Core-side frame of size bytes (Ethernet, VPN label, IPv4) for client k. */
static uint32_t frame_out(uint8_t *f, uint32_t size, uint32_t k, uint32_t n)
{
	uint8_t src[4] = { 10, (uint8_t)k, 0, 1 }, dst[4] = { 172, 16, (uint8_t)k, 1 };

	eth_hdr(f, mac_card, mac_peer, 0x8847);
	wr32(f + 14, VPN_LABEL << 12 | 0x100u | 64u);
	inner_ip(f + 18, size - 18u, src, dst, n);
	return size;
}

/* Public-side ESP frame from client k carrying the IPv4 packet of a size-byte core frame. */
static uint32_t frame_in(uint8_t *f, uint32_t size, uint32_t k, uint32_t n)
{
	struct client *c = &clients[k];
	uint8_t src[4] = { 172, 16, (uint8_t)k, 1 }, dst[4] = { 10, (uint8_t)k, 0, 1 };
	uint8_t nonce[12], aad[8], *ip = f + 14, *esp = ip + 20, *pt = esp + 16;
	uint32_t ilen = size - 18u, pad = (4u - (ilen + 2u) % 4u) % 4u, ct = ilen + pad + 2u, i;
	uint64_t iv = 0xabcd000000000000ull | (uint64_t)k << 32 | (uint32_t)c->seq;

	eth_hdr(f, mac_card, mac_peer, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	wr16(ip + 2, 20u + 16u + ct + 16u);
	ip[8] = 64;
	ip[9] = 50;
	ip[12] = 100;
	ip[13] = 64;
	ip[14] = (uint8_t)k;
	ip[15] = 1;
	memcpy(ip + 16, card_ip, 4);
	ipv4_fix_csum(ip);
	wr32(esp, 0x10000u + k);
	wr32(esp + 4, (uint32_t)c->seq);
	for (i = 0; i < 8; i++)
		esp[8 + i] = (uint8_t)(iv >> (56 - 8 * i));
	inner_ip(pt, ilen, src, dst, n);
	for (i = 0; i < pad; i++)
		pt[ilen + i] = (uint8_t)(i + 1u);
	pt[ilen + pad] = (uint8_t)pad;
	pt[ilen + pad + 1] = 4; /* IPv4 */
	memcpy(nonce, c->salt_in, 4);
	memcpy(nonce + 4, esp + 8, 8);
	memcpy(aad, esp, 8);
	vrfsec_gcm_seal(&c->key_in, nonce, aad, 8, pt, pt, ct, pt + ct);
	c->seq++;
	return 14u + 20u + 16u + ct + 16u;
}

static const uint32_t imix_cycle[12] = { 64, 576, 64, 64, 576, 64, 1518, 64, 576, 64, 64, 576 };

struct result {
	double bpc_in, bpc_out, mpps, gbps_in, gbps_out, lat_mean;
	uint64_t lat_min, lat_max, n, out, cycles;
};

/* One case: n packets of size (or IMIX) over sas clients round-robin. */
static int run_case(struct rtl_model *m, int out_dir, int size, uint32_t sas, uint32_t n,
		    const struct opts *o, struct result *r)
{
	static uint8_t f[VRFSEC_MAX_FRAME + 128];
	static struct rtl_out ro;
	uint64_t bytes_in = 0, bytes_out = 0, t_in0 = UINT64_MAX, t_in1 = 0, t_out0 = UINT64_MAX;
	uint64_t t_out1 = 0, lat_sum = 0, c0 = rtl_model_cycles(m);
	uint32_t i;

	memset(r, 0, sizeof(*r));
	r->lat_min = UINT64_MAX;
	for (i = 0; i < n; i++) {
		uint32_t sz = size == IMIX ? imix_cycle[i % 12u] : (uint32_t)size, k = i % sas;
		struct rtl_in in;

		memset(&in, 0, sizeof(in));
		in.len = out_dir ? frame_out(f, sz, k, i) : frame_in(f, sz, k, i);
		in.avail = in.len;
		in.frame = f;
		in.tag = (uint16_t)i;
		in.in_port = out_dir ? VRFSEC_PORT_CORE : VRFSEC_PORT_PUBLIC;
		in.out_port = VRFSEC_PORT_DROP;
		in.sa_out = VRFSEC_NONE;
		rtl_model_push(m, &in);
		bytes_in += in.len;
	}
	rtl_model_drain(m, 100000000ull);
	while (rtl_model_pop(m, &ro)) {
		uint64_t lat = ro.t_out_last - ro.t_in_first;

		r->n++;
		if (ro.t_in_first < t_in0)
			t_in0 = ro.t_in_first;
		if (ro.t_in_last > t_in1)
			t_in1 = ro.t_in_last;
		if (!ro.has_frame)
			continue;
		r->out++;
		bytes_out += ro.len;
		if (ro.t_out_first < t_out0)
			t_out0 = ro.t_out_first;
		if (ro.t_out_last > t_out1)
			t_out1 = ro.t_out_last;
		lat_sum += lat;
		if (lat < r->lat_min)
			r->lat_min = lat;
		if (lat > r->lat_max)
			r->lat_max = lat;
	}
	r->cycles = rtl_model_cycles(m) - c0;
	if (r->n != n)
		fprintf(stderr, "vrfsec-linerate: %u packets in, %" PRIu64 " exit records\n", n, r->n);
	r->n = n;
	if (r->out == 0) {
		r->lat_min = 0;
		return 0;
	}
	r->bpc_in = (double)bytes_in / (double)(t_in1 - t_in0 + 1);
	r->bpc_out = (double)bytes_out / (double)(t_out1 - t_out0 + 1);
	r->mpps = (double)n / (double)(t_in1 - t_in0 + 1) * o->mhz;
	r->gbps_in = r->bpc_in * 8.0 * o->mhz / 1000.0;
	r->gbps_out = r->bpc_out * 8.0 * o->mhz / 1000.0;
	r->lat_mean = (double)lat_sum / (double)r->out;
	return 0;
}

static void print_case(const char *dir, unsigned w, unsigned l, int size, uint32_t sas,
		       const struct result *r)
{
	char sz[16];

	if (size == IMIX)
		snprintf(sz, sizeof(sz), "imix");
	else
		snprintf(sz, sizeof(sz), "%d", size);
	printf("linerate dir=%s width=%u lanes=%u size=%s sas=%u mpps=%.3f gbps_in=%.2f gbps_out=%.2f "
	       "bytes_per_cycle_in=%.2f bytes_per_cycle_out=%.2f lat_min=%" PRIu64
	       " lat_mean=%.1f lat_max=%" PRIu64 " loss=%g\n",
	       dir, w, l, sz, sas, r->mpps, r->gbps_in, r->gbps_out, r->bpc_in, r->bpc_out,
	       r->lat_min, r->lat_mean, r->lat_max,
	       r->n ? (double)(r->n - r->out) / (double)r->n : 0.0);
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i;

	o->mhz = 322.265625;
	o->packets = 1024;
	o->mem_lat = 2;
	o->width = 0;
	o->strict = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--strict")) {
			o->strict = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h") || !v)
			return -1;
		i++;
		if (!strcmp(a, "--clock-mhz"))
			o->mhz = atof(v);
		else if (!strcmp(a, "--packets"))
			o->packets = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--mem-lat"))
			o->mem_lat = (unsigned)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--width"))
			o->width = (unsigned)strtoul(v, NULL, 0);
		else
			return -1;
	}
	if (o->mhz <= 0 || o->packets < 12 || o->mem_lat < 1 ||
	    (o->width && o->width != 128 && o->width != 512))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 64, 128, 256, 512, 1024, 1500, 9000, IMIX };
	struct opts o;
	struct vrfsec_tables *t;
	struct timespec t0, t1;
	uint64_t sim_cycles = 0;
	unsigned pset, lossy = 0, missed = 0;
	double secs = 0;

	if (parse(argc, argv, &o)) {
		fprintf(stderr, "usage: vrfsec-linerate [--clock-mhz F] [--packets N] [--mem-lat C]\n"
				"                       [--width 128|512] [--strict]\n"
				"  --packets N  packets per case (default 1024)\n"
				"  --mem-lat C  table-memory read latency in cycles (default 2)\n"
				"  --strict     exit 1 when a target below is missed (loss always fails)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	t = vrfsec_map_zeroed(sizeof(*t));
	clients = calloc(MAX_SAS, sizeof(*clients));
	if (!t || !clients)
		return 1;
	printf("linerate: clock %.6f MHz, %u packets per case, table memory latency %u cycles, size = "
	       "core-side MPLS frame (ESP side: +52..55 bytes), IMIX = 7x64 4x576 1x1518\n",
	       o.mhz, o.packets, o.mem_lat);
	for (pset = 0; pset < RTL_N_PSETS; pset++) {
		unsigned w = rtl_pset_width(pset), l = rtl_pset_lanes(pset), d, s;
		struct rtl_model *m;
		struct result r;

		if (o.width && o.width != w)
			continue;
		m = rtl_model_create(w, t, NULL);
		if (!m)
			return 1;
		rtl_model_set_mem_latency(m, o.mem_lat);
		for (d = 0; d < 2; d++) {
			const char *dir = d ? "out" : "in";
			uint32_t sas;

			for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
				if (sizes[s] > (int)VRFSEC_MAX_FRAME) {
					printf("linerate dir=%s width=%u lanes=%u size=%d "
					       "unsupported=frame_limit_%u\n",
					       dir, w, l, sizes[s], VRFSEC_MAX_FRAME);
					continue;
				}
				for (sas = MAX_SAS;; sas = 1) {
					uint64_t c0;

					if (setup(t, m, sas)) {
						fprintf(stderr, "vrfsec-linerate: setup failed\n");
						return 1;
					}
					c0 = rtl_model_cycles(m);
					clock_gettime(CLOCK_MONOTONIC, &t0);
					run_case(m, (int)d, sizes[s], sas, o.packets, &o, &r);
					clock_gettime(CLOCK_MONOTONIC, &t1);
					secs += (double)(t1.tv_sec - t0.tv_sec) +
						(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
					sim_cycles += rtl_model_cycles(m) - c0;
					print_case(dir, w, l, sizes[s], sas, &r);
					lossy += r.out != r.n;
					if (w == 128 && sizes[s] == 1500 && sas == MAX_SAS &&
					    r.bpc_in < 15.0) {
						printf("target MISSED: dir=%s width=128 size=1500 needs >= 15 "
						       "bytes/cycle in, has %.2f\n",
						       dir, r.bpc_in);
						missed++;
					}
					if (w == 512 && sizes[s] == IMIX && r.gbps_in < 100.0) {
						printf("target MISSED: dir=%s width=512 imix needs >= 100 Gb/s "
						       "in, has %.2f\n",
						       dir, r.gbps_in);
						missed++;
					}
					if (sas == 1 || sizes[s] != 1500)
						break;
				}
			}
		}
		rtl_model_destroy(m);
	}
	printf("linerate sim cycles=%" PRIu64 " seconds=%.2f cycles_per_second=%.0f\n", sim_cycles,
	       secs, secs > 0 ? (double)sim_cycles / secs : 0.0);
	printf("linerate: targets 128/1 >= 15 bytes/cycle at 1500 B, 512/4 >= 100 Gb/s in at IMIX: "
	       "%s; loss: %s\n",
	       missed ? "MISSED" : "met", lossy ? "PACKETS LOST" : "0 in every case");
	vrfsec_unmap(t, sizeof(*t));
	free(clients);
	return lossy || (o.strict && missed) ? 1 : 0;
}
