/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-demo: customer traffic of three VRFs with overlapping addresses through both directions
 * of the pipeline, written as public- and core-side pcaps with the ESP keys for tshark. */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testbed.h"

#define N_VRF 3
#define N_CLIENT 2 /* per VRF */
#define VPN_LABEL0 1001u
#define TRANSPORT_LABEL 16u

static const char *const vrf_name[N_VRF] = { "red", "green", "blue" };
static const uint8_t MAC_GW_PUBLIC[6] = { 0x02, 0x56, 0x52, 0x46, 0x00, 0x01 };
static const uint8_t MAC_GW_CORE[6] = { 0x02, 0x56, 0x52, 0x46, 0x00, 0x02 };
static const uint8_t MAC_INTERNET[6] = { 0x02, 0x49, 0x4e, 0x45, 0x54, 0x01 };
static const uint8_t MAC_P_ROUTER[6] = { 0x02, 0x50, 0x52, 0x54, 0x52, 0x01 };
static const uint8_t GW_ADDR[4] = { 203, 0, 113, 1 };

struct client {
	unsigned vrf;
	uint8_t outer[4];  /* public address of the client (behind NAT when udp) */
	uint8_t inner[4];  /* tunnel address; the same set in every VRF */
	int udp;
	uint16_t port;     /* client's NAT-T source port */
	uint32_t spi_in;   /* client -> gateway */
	uint32_t spi_out;  /* gateway -> client */
	uint8_t key_in[20], key_out[20]; /* AES-128 key + salt */
	uint32_t sa_in, sa_out, nh;
	uint32_t peer_seq;
};

struct demo {
	struct testbed gw;   /* the aggregator */
	struct testbed peer; /* stands in for all clients: seals what they send */
	struct client c[N_VRF * N_CLIENT];
	pcap_dumper_t *pub, *core;
	pcap_t *dead;
	unsigned sent, by_port[5];
};

static void rnd(uint8_t *b, size_t n, uint32_t *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*s = *s * 1103515245u + 12345u;
		b[i] = (uint8_t)(*s >> 16);
	}
}

static int add_sa(struct testbed *tb, uint32_t idx, struct vrfsec_sa_params *p, const uint8_t *km)
{
	memcpy(p->salt, km + 16, 4);
	return vrfsec_engine_sa_add(tb->e, idx, p, km, 16);
}

/* Gateway: inbound SA (client -> gw) with the client's /32 as its only allowed source, outbound
 * SA towards the client, and the client's /32 in its VRF. Peer: the mirror image. */
static int program_client(struct demo *d, struct client *c, unsigned i)
{
	struct vrfsec_sa_params in = { 0 }, out = { 0 };
	struct vrfsec_nh nh = { 0 };
	int rc;

	in.dir = VRFSEC_SA_DIR_IN;
	in.outer_af = VRFSEC_AF_IPV4;
	in.spi = c->spi_in;
	in.vrf = (uint16_t)c->vrf;
	in.udp = (uint8_t)c->udp;
	in.udp_sport = c->port;
	in.udp_dport = 4500;
	memcpy(in.dst, GW_ADDR, 4);
	memcpy(in.src, c->outer, 4);
	in.n_ts = 1;
	in.ts[0].af = VRFSEC_AF_IPV4;
	in.ts[0].plen = 32;
	memcpy(in.ts[0].addr, c->inner, 4);
	out = in;
	out.dir = VRFSEC_SA_DIR_OUT;
	out.spi = c->spi_out;
	out.udp_sport = 4500;
	out.udp_dport = c->port;
	out.n_ts = 0;
	out.dscp_copy = 1;
	out.ttl = 64;
	memcpy(out.src, GW_ADDR, 4);
	memcpy(out.dst, c->outer, 4);
	memcpy(out.smac, MAC_GW_PUBLIC, 6);
	memcpy(out.dmac, MAC_INTERNET, 6);
	out.iv = (uint64_t)i << 48;
	c->sa_in = 2 * i + 1;
	c->sa_out = 2 * i + 2;
	c->nh = 100 + i;
	rc = add_sa(&d->gw, c->sa_in, &in, c->key_in);
	rc = rc ? rc : add_sa(&d->gw, c->sa_out, &out, c->key_out);
	nh.kind = VRFSEC_NH_SA;
	nh.sa = c->sa_out;
	rc = rc ? rc : vrfsec_nh_set(d->gw.t, c->nh, &nh);
	rc = rc ? rc : vrfsec_route_add(d->gw.t, (uint16_t)c->vrf, VRFSEC_AF_IPV4, c->inner, 32,
				      c->nh);
	/* the client's side: what it sends is our inbound SA, sealed by the peer testbed */
	in.dir = VRFSEC_SA_DIR_OUT;
	in.src[0] = 0;
	memcpy(in.src, c->outer, 4);
	memcpy(in.dst, GW_ADDR, 4);
	in.udp_sport = c->port;
	in.udp_dport = 4500;
	in.n_ts = 0;
	in.ttl = 64;
	in.iv = 0x1000;
	memcpy(in.smac, MAC_INTERNET, 6);
	memcpy(in.dmac, MAC_GW_PUBLIC, 6);
	rc = rc ? rc : add_sa(&d->peer, c->sa_in, &in, c->key_in);
	return rc;
}

static int program(struct demo *d)
{
	struct vrfsec_vrf_params vp = { 0 };
	struct vrfsec_nh core = { 0 };
	uint32_t seed = 0x5eed;
	unsigned v, i;
	int rc = 0;

	for (v = 0; v < N_VRF && !rc; v++) {
		uint8_t hq[4] = { 10, 100, 0, 0 };

		/* every VRF: MPLS towards the customer's HQ behind the core, same prefix everywhere */
		rc = vrfsec_vrf_set(d->gw.t, (uint16_t)v, &vp);
		rc = rc ? rc : vrfsec_label_map(d->gw.t, VPN_LABEL0 + v, (uint16_t)v);
		core.kind = VRFSEC_NH_MPLS;
		core.n_labels = 2;
		core.label[0] = TRANSPORT_LABEL;
		core.label[1] = VPN_LABEL0 + v;
		memcpy(core.eth, MAC_P_ROUTER, 6);
		memcpy(core.eth + 6, MAC_GW_CORE, 6);
		rc = rc ? rc : vrfsec_nh_set(d->gw.t, 10 + v, &core);
		rc = rc ? rc : vrfsec_route_add(d->gw.t, (uint16_t)v, VRFSEC_AF_IPV4, hq, 16, 10 + v);
	}
	for (i = 0; i < N_VRF * N_CLIENT && !rc; i++) {
		struct client *c = &d->c[i];
		uint8_t o[4] = { 198, 51, 100, (uint8_t)(10 + i) };
		uint8_t in[4] = { 10, 1, 0, (uint8_t)(1 + i % N_CLIENT) };

		c->vrf = i / N_CLIENT;
		memcpy(c->outer, o, 4);
		memcpy(c->inner, in, 4);
		c->udp = i % 2 == 0; /* every other client is behind NAT */
		c->port = (uint16_t)(c->udp ? 40000 + i : 0);
		c->spi_in = 0xc0000100u + i;
		c->spi_out = 0xd0000100u + i;
		rnd(c->key_in, 20, &seed);
		rnd(c->key_out, 20, &seed);
		rc = program_client(d, c, i);
	}
	return rc;
}

static void dump(pcap_dumper_t *pd, const uint8_t *f, unsigned len)
{
	struct pcap_pkthdr h = { 0 };
	static unsigned usec;

	h.ts.tv_sec = 1700000000;
	h.ts.tv_usec = (int)(usec += 100);
	h.caplen = h.len = len;
	pcap_dump((u_char *)pd, &h, f);
}

static void ip4(uint8_t *ip, const uint8_t *src, const uint8_t *dst, unsigned payload, uint8_t tos)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = tos;
	ip[2] = (uint8_t)((20 + payload) >> 8);
	ip[3] = (uint8_t)(20 + payload);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	ipv4_fix_csum(ip);
}

/* ICMP echo request (type 8) or reply (type 0) with n bytes of data at p */
static unsigned icmp(uint8_t *p, uint8_t type, unsigned id, unsigned seq, unsigned n)
{
	unsigned i;
	uint16_t c;

	p[0] = type;
	p[1] = 0;
	p[2] = p[3] = 0;
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
	p[6] = (uint8_t)(seq >> 8);
	p[7] = (uint8_t)seq;
	for (i = 0; i < n; i++)
		p[8 + i] = (uint8_t)('a' + i % 26);
	c = inet_csum(p, 8 + n);
	p[2] = (uint8_t)(c >> 8);
	p[3] = (uint8_t)c;
	return 8 + n;
}

/* Run one frame through the gateway, write input and output to the pcaps of their ports. */
static void gw_run(struct demo *d, struct vrfsec_pkt *p)
{
	pcap_dumper_t *in_pd = p->in_port == VRFSEC_PORT_CORE ? d->core : d->pub;

	dump(in_pd, pkt_data(p), p->len);
	testbed_run1(&d->gw, p);
	d->sent++;
	d->by_port[p->out_port < 5 ? p->out_port : 4]++;
	if (p->out_port == VRFSEC_PORT_PUBLIC)
		dump(d->pub, pkt_data(p), p->len);
	else if (p->out_port == VRFSEC_PORT_CORE)
		dump(d->core, pkt_data(p), p->len);
}

/* A client sends an inner packet to dst: sealed by the peer, received by the gateway. */
static void from_client(struct demo *d, struct client *c, const uint8_t *dst, unsigned seq,
			int replay)
{
	static struct vrfsec_pkt p;
	uint8_t ipk[1600];
	unsigned n = icmp(ipk + 20, 8, 0x100 + (unsigned)(c - d->c), seq, 24 + seq % 40);

	ip4(ipk, c->inner, dst, n, 0x28);
	pkt_load(&p, VRFSEC_PORT_HOST, ipk, 20 + n);
	p.sa_out = c->sa_in;
	if (testbed_run1(&d->peer, &p) != VRFSEC_PORT_PUBLIC)
		return;
	{
		uint8_t f[2048];
		unsigned len = p.len;

		memcpy(f, pkt_data(&p), len);
		pkt_load(&p, VRFSEC_PORT_PUBLIC, f, len);
		gw_run(d, &p);
		if (replay) {
			pkt_load(&p, VRFSEC_PORT_PUBLIC, f, len);
			gw_run(d, &p);
		}
	}
}

/* The customer's HQ answers through the core: MPLS transport + VPN label, inner to a client. */
static void from_core(struct demo *d, unsigned vrf, const uint8_t *dst, unsigned seq,
		      uint32_t label)
{
	static struct vrfsec_pkt p;
	uint8_t f[1600];
	uint8_t hq[4] = { 10, 100, 0, 10 };
	unsigned n;

	eth_hdr(f, MAC_GW_CORE, MAC_P_ROUTER, 0x8847);
	f[14] = (uint8_t)(label >> 12);
	f[15] = (uint8_t)(label >> 4);
	f[16] = (uint8_t)((label << 4) | 1);
	f[17] = 60;
	n = icmp(f + 38, 0, 0x200 + vrf, seq, 32 + seq % 200);
	ip4(f + 18, hq, dst, n, 0xb8);
	pkt_load(&p, VRFSEC_PORT_CORE, f, 18 + 20 + n);
	gw_run(d, &p);
}

static void traffic(struct demo *d)
{
	uint8_t hq[4] = { 10, 100, 0, 10 };
	uint8_t nowhere[4] = { 192, 0, 2, 99 };
	unsigned r, i;

	for (r = 0; r < 4; r++) {
		for (i = 0; i < N_VRF * N_CLIENT; i++) {
			struct client *c = &d->c[i];

			from_client(d, c, hq, r + 1, 0);                 /* to the HQ, via MPLS */
			from_core(d, c->vrf, c->inner, r + 1, VPN_LABEL0 + c->vrf); /* back */
		}
		/* client-to-client inside a VRF: decrypt, look up, re-encrypt */
		from_client(d, &d->c[0], d->c[1].inner, 100 + r, 0);
	}
	/* what gets refused: a replayed packet, a destination with no route, an unknown VPN label */
	from_client(d, &d->c[3], hq, 50, 1);
	from_client(d, &d->c[4], nowhere, 51, 0);
	from_core(d, 0, d->c[0].inner, 52, 4999);
}

static void keys_file(struct demo *d, FILE *fp)
{
	unsigned i, k;

	/* tshark esp_sa UAT lines, both directions of every client */
	for (i = 0; i < N_VRF * N_CLIENT; i++) {
		struct client *c = &d->c[i];

		fprintf(fp, "\"IPv4\",\"*\",\"*\",\"0x%08x\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x",
			c->spi_in);
		for (k = 0; k < 20; k++)
			fprintf(fp, "%02x", c->key_in[k]);
		fprintf(fp, "\",\"NULL\",\"\"\n");
		fprintf(fp, "\"IPv4\",\"*\",\"*\",\"0x%08x\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x",
			c->spi_out);
		for (k = 0; k < 20; k++)
			fprintf(fp, "%02x", c->key_out[k]);
		fprintf(fp, "\",\"NULL\",\"\"\n");
	}
}

static void report(struct demo *d)
{
	unsigned i;
	static const char *const port[] = { "public", "core", "inside", "host", "drop" };

	printf("\nclients (VRF, inner address, outer address, NAT-T, SPIs in/out, packets in/out):\n");
	for (i = 0; i < N_VRF * N_CLIENT; i++) {
		struct client *c = &d->c[i];

		printf("  %-5s %u.%u.%u.%u  %u.%u.%u.%u  %-3s  0x%08x/0x%08x  %llu/%llu\n",
		       vrf_name[c->vrf], c->inner[0], c->inner[1], c->inner[2], c->inner[3],
		       c->outer[0], c->outer[1], c->outer[2], c->outer[3], c->udp ? "yes" : "no",
		       c->spi_in, c->spi_out, (unsigned long long)d->gw.t->sa_cnt[c->sa_in].packets,
		       (unsigned long long)d->gw.t->sa_cnt[c->sa_out].packets);
	}
	printf("\nVRFs (rx packets, tx packets, drops):\n");
	for (i = 0; i < N_VRF; i++)
		printf("  %-5s %llu %llu %llu\n", vrf_name[i],
		       (unsigned long long)d->gw.t->vrf_cnt[i].rx_packets,
		       (unsigned long long)d->gw.t->vrf_cnt[i].tx_packets,
		       (unsigned long long)d->gw.t->vrf_cnt[i].drops);
	printf("\nexits of %u frames:", d->sent);
	for (i = 0; i < 5; i++)
		printf(" %s=%u", port[i], d->by_port[i]);
	printf("\n\n");
	vrfsec_counters_print(stdout, d->gw.t);
}

int main(int argc, char **argv)
{
	struct demo *d = calloc(1, sizeof(*d));
	const char *out = ".", *engine = "cpu";
	char path[4096];
	FILE *kf;
	int opt, kind, rc = 1;

	while ((opt = getopt(argc, argv, "o:e:")) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 'e')
			engine = optarg;
		else {
			fprintf(stderr, "usage: vrfsec-demo [-o DIR] [-e cmodel|cpu]\n");
			return 2;
		}
	}
	kind = vrfsec_engine_kind_parse(engine);
	if (!d || kind < 0 || testbed_open(&d->gw, kind) ||
	    testbed_open(&d->peer, VRFSEC_ENGINE_CMODEL)) {
		fprintf(stderr, "vrfsec-demo: cannot set up the card\n");
		return 1;
	}
	if (program(d) != 0) {
		fprintf(stderr, "vrfsec-demo: programming the tables failed\n");
		goto out;
	}
	d->dead = pcap_open_dead(DLT_EN10MB, 65535);
	snprintf(path, sizeof(path), "%s/public.pcap", out);
	d->pub = pcap_dump_open(d->dead, path);
	snprintf(path, sizeof(path), "%s/core.pcap", out);
	d->core = pcap_dump_open(d->dead, path);
	snprintf(path, sizeof(path), "%s/esp_sa.uat", out);
	kf = fopen(path, "w");
	if (!d->pub || !d->core || !kf) {
		fprintf(stderr, "vrfsec-demo: cannot write to %s: %s\n", out, strerror(errno));
		goto out;
	}
	printf("vrfsec-demo: engine %s, %d VRFs (%s, %s, %s) with the same customer addresses, "
	       "%d clients each\n", vrfsec_engine_name(kind), N_VRF, vrf_name[0], vrf_name[1],
	       vrf_name[2], N_CLIENT);
	traffic(d);
	keys_file(d, kf);
	fclose(kf);
	report(d);
	rc = 0;
out:
	if (d->pub)
		pcap_dump_close(d->pub);
	if (d->core)
		pcap_dump_close(d->core);
	if (d->dead)
		pcap_close(d->dead);
	testbed_close(&d->gw);
	testbed_close(&d->peer);
	free(d);
	return rc;
}
