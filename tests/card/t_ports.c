/* SPDX-License-Identifier: Apache-2.0 */
/* Test "ports-vs-cmodel": scapy-built frames through the card's pcap ports (vrfsec-sim --engine
 * cpu --exit-when-done), checked byte for byte against the cmodel kernels in this process
 * programmed alike; the IKE frame on the punt ring; card ESP decrypted by scapy. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cardtest.h"

#define P_PUB4 "203.0.113.1"
#define P_PUB6 "2001:db8::1"
#define P_CARD_MAC "02:00:00:00:00:01"
#define P_PEER_MAC "02:00:00:00:00:02"

/* The card's SAs: slot, direction, VRF, SPI, outer family, key length, NAT-T, ESN, peer. */
static const struct p_sa {
	uint32_t idx;
	uint8_t dir;
	uint16_t vrf;
	uint32_t spi;
	uint8_t af, key_len;
	bool udp, esn;
	const char *peer;
} p_sas[] = {
	{ 0, VRFSEC_SA_IN, 1, 0x100, 4, 16, false, false, "192.0.2.10" },
	{ 1, VRFSEC_SA_OUT, 1, 0x101, 4, 16, false, false, "192.0.2.10" },
	{ 2, VRFSEC_SA_IN, 1, 0x200, 4, 32, true, false, "192.0.2.20" },
	{ 3, VRFSEC_SA_OUT, 1, 0x201, 4, 32, true, false, "192.0.2.20" },
	{ 4, VRFSEC_SA_IN, 2, 0x300, 6, 24, false, true, "2001:db8:2::10" },
	{ 5, VRFSEC_SA_OUT, 2, 0x301, 6, 24, false, true, "2001:db8:2::10" },
	{ 7, VRFSEC_SA_OUT, 1, 0x701, 4, 32, false, false, "192.0.2.70" },
};
#define N_SAS (sizeof(p_sas) / sizeof(p_sas[0]))
#define SCAPY_SA 1u /* its output comes only from core frames: scapy decrypts it */

static void addr_parse(uint8_t af, const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	inet_pton(af == 4 ? AF_INET : AF_INET6, s, out);
}

static void p_sa_cfg(const struct ct *c, const struct p_sa *d, struct vrfsec_sa_cfg *sa)
{
	uint8_t peer[16], pub[16];

	memset(sa, 0, sizeof(*sa));
	addr_parse(d->af, d->peer, peer);
	addr_parse(d->af, d->af == 4 ? P_PUB4 : P_PUB6, pub);
	sa->idx = d->idx;
	sa->dir = d->dir;
	sa->vrf = d->vrf;
	sa->spi = d->spi;
	sa->outer_af = d->af;
	sa->esn = d->esn;
	sa->key_len = d->key_len;
	rand_bytes(c->seed, 600, d->idx, sa->key, d->key_len);
	rand_bytes(c->seed, 601, d->idx, sa->salt, 4);
	memcpy(sa->src, d->dir == VRFSEC_SA_IN ? peer : pub, 16);
	memcpy(sa->dst, d->dir == VRFSEC_SA_IN ? pub : peer, 16);
	if (d->udp) {
		sa->udp = true;
		sa->udp_sport = 4500;
		sa->udp_dport = d->dir == VRFSEC_SA_IN ? 4500 : 4501;
	}
	if (d->dir == VRFSEC_SA_OUT) {
		memcpy(sa->smac, (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 6);
		memcpy(sa->dmac, (uint8_t[6]){ 2, 0, 0, 0, 1, (uint8_t)d->idx }, 6);
		sa->iv = 0x1000000ull * (d->idx + 1);
		sa->ipv4_id = (uint16_t)(1000u * d->idx);
	}
	/* per-SA template features, so a lost field shows in the bytes */
	switch (d->idx) {
	case 0: sa->win = 64; break;
	case 1: sa->ttl = 60; sa->df_mode = VRFSEC_SA_DF_SET; break;
	case 2:
		sa->n_ts = 1;
		sa->ts[0].af = 4;
		sa->ts[0].plen = 16;
		addr_parse(4, "10.3.0.0", sa->ts[0].addr);
		break;
	case 3: sa->tos = 0x20; break;
	case 5: sa->flow_label = 0x12345; break;
	case 7: sa->dscp_copy = sa->ecn_copy = true; sa->pad_extra = 8; break;
	default: break;
	}
}

static int program(struct ct *c, struct mirror *m)
{
	struct vrfsec_port_settings ps = { 4500, 500, 1500, 1500, { 2, 0, 0, 0, 0, 1 },
					   { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 1 } };
	static const struct { uint16_t vrf; uint8_t af; const char *pfx; uint8_t plen; uint32_t nh; }
	routes[] = {
		{ 1, 4, "10.1.0.0", 16, 1 }, { 1, 4, "10.3.0.0", 16, 2 }, { 1, 4, "10.4.0.0", 16, 9 },
		{ 1, 4, "10.9.0.0", 16, 4 }, { 1, 4, "10.8.0.0", 24, 6 }, { 1, 4, "10.7.0.1", 32, 7 },
		{ 1, 4, "10.6.0.0", 16, 8 }, { 1, 4, "0.0.0.0", 0, 4 },
		{ 2, 6, "2001:db8:a::", 48, 3 }, { 2, 6, "2001:db8:f::", 48, 5 },
		{ 2, 4, "10.9.0.0", 16, 5 },
	};
	struct vrfsec_sa_cfg sa;
	int rc = mirror_port_set(m, &ps);

	for (uint16_t v = 1; rc == 0 && v <= 2; v++) {
		struct vrfsec_vrf_cfg vc = { .vrf = v, .ttl_mode = (uint8_t)(v == 2),
					     .tc_map_set = v == 2, .vlan = (uint16_t)(100 + v) };
		struct vrfsec_label_cfg lc = { .label = 1000u + v, .vrf = v };

		for (unsigned i = 0; i < 64; i++)
			vc.tc_map[i] = (uint8_t)(7u - i / 8u);
		rc = mirror_vrf_set(m, &vc);
		if (rc == 0)
			rc = mirror_label_map(m, &lc);
	}
	for (unsigned i = 0; rc == 0 && i < N_SAS; i++) {
		p_sa_cfg(c, &p_sas[i], &sa);
		rc = mirror_sa_add(m, &sa);
	}
	for (uint32_t i = 1; rc == 0 && i <= 9; i++) {
		static const uint8_t kind[10] = { 0, VRFSEC_NEXTHOP_SA, VRFSEC_NEXTHOP_SA,
			VRFSEC_NEXTHOP_SA, VRFSEC_NEXTHOP_MPLS, VRFSEC_NEXTHOP_MPLS, VRFSEC_NEXTHOP_VLAN,
			VRFSEC_NEXTHOP_HOST, VRFSEC_NEXTHOP_DROP, VRFSEC_NEXTHOP_SA };
		static const uint32_t sa_of[10] = { 0, 1, 3, 5, 0, 0, 0, 0, 0, 7 };
		struct vrfsec_nh_cfg nh = { .idx = i, .kind = kind[i], .sa = sa_of[i] };

		if (kind[i] == VRFSEC_NEXTHOP_MPLS) {
			nh.n_labels = 2;
			nh.label[0] = 100;
			nh.label[1] = i == 4 ? 2001 : 2002;
			nh.ttl_mode = i == 5;
			nh.pipe_ttl = 200;
			memcpy(nh.dmac, (uint8_t[6]){ 2, 0, 0, 0, 0, 3 }, 6);
			memcpy(nh.smac, (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 6);
		} else if (kind[i] == VRFSEC_NEXTHOP_VLAN) {
			nh.vlan = 101;
			memcpy(nh.dmac, (uint8_t[6]){ 2, 0, 0, 0, 0, 4 }, 6);
			memcpy(nh.smac, (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 6);
		}
		rc = mirror_nh_set(m, &nh);
	}
	for (unsigned i = 0; rc == 0 && i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct vrfsec_route_cfg rt = { .vrf = routes[i].vrf, .af = routes[i].af,
					       .plen = routes[i].plen, .nh = routes[i].nh };

		addr_parse(routes[i].af, routes[i].pfx, rt.addr);
		rc = mirror_route_add(m, &rt);
	}
	if (rc)
		return ct_fail(c, "programming: %s (%s)", vrfsec_strerror(rc), vrfsec_errmsg(m->dev));
	return 0;
}

static void json_sa(FILE *f, const struct ct *c, unsigned i, uint32_t spi)
{
	struct vrfsec_sa_cfg sa;
	const struct p_sa *d = &p_sas[i];
	char key[65], salt[9];

	p_sa_cfg(c, d, &sa);
	fprintf(f, ", \"sa\": {\"spi\": %u, \"key\": \"%s\", \"salt\": \"%s\", \"af\": %u, "
		"\"src\": \"%s\", \"dst\": \"%s\", \"esn\": %s%s}", spi, hex(key, sa.key, sa.key_len),
		hex(salt, sa.salt, 4), d->af, d->peer, d->af == 4 ? P_PUB4 : P_PUB6,
		d->esn ? "true" : "false", d->udp ? ", \"udp\": [4500, 4500]" : "");
	explicit_bzero(&sa, sizeof(sa));
	explicit_bzero(key, sizeof(key));
}

#define IN4(s, d) ", \"inner\": {\"af\": 4, \"src\": \"" s "\", \"dst\": \"" d "\"}"
#define IN4T(s, d, t) \
	", \"inner\": {\"af\": 4, \"src\": \"" s "\", \"dst\": \"" d "\", \"tos\": " t "}"
#define IN6(s, d) ", \"inner\": {\"af\": 6, \"src\": \"" s "\", \"dst\": \"" d "\"}"
#define NO_SPI 0x999u

/* The flows, in the order scapy writes them: what each probes is in its comment. */
static const struct flow {
	const char *port, *kind;
	int sa;            /* index into p_sas, -1 none */
	uint32_t spi;      /* 0: the SA's own */
	const char *extra; /* JSON members: seqs, labels, vlan, count, corrupt, inner */
} flows[] = {
	{ "public", "esp", 0, 0, "\"seqs\": [1, 2, 3, 4, 5]" IN4("10.1.0.2", "10.9.0.5") }, /* core */
	{ "public", "esp", 0, 0, "\"seqs\": [6, 7, 8]" IN4("10.1.0.2", "10.3.0.7") }, /* NAT-T out */
	{ "public", "esp", 2, 0, "\"seqs\": [1, 2, 3, 4]" IN4("10.3.0.2", "10.4.0.9") }, /* NAT-T in */
	{ "public", "esp", 4, 0, "\"seqs\": [1, 2, 3]" IN6("2001:db8:a::5", "2001:db8:f::9") },
	{ "public", "esp", 0, 0, "\"seqs\": [9]" IN4("10.1.0.2", "10.8.0.3") },   /* VLAN out */
	{ "public", "esp", 0, 0, "\"seqs\": [10]" IN4("10.1.0.2", "10.7.0.1") },  /* host route */
	{ "public", "esp", 0, 0, "\"seqs\": [11]" IN4("10.1.0.2", "10.6.0.1") },  /* drop route */
	{ "public", "esp", 0, 0, "\"seqs\": [3]" IN4("10.1.0.2", "10.9.0.5") },   /* replay */
	{ "public", "esp", 0, 0, "\"seqs\": [12], \"corrupt\": true" IN4("10.1.0.2", "10.9.0.5") },
	{ "public", "esp", 0, NO_SPI, "\"seqs\": [1]" IN4("10.1.0.2", "10.9.0.5") }, /* no SA */
	{ "public", "ike", -1, 0, "\"src\": \"192.0.2.10\", \"dst\": \"" P_PUB4 "\"" },
	{ "public", "keepalive", -1, 0, "\"src\": \"192.0.2.20\", \"dst\": \"" P_PUB4 "\"" },
	{ "public", "esp", 0, 0, "\"seqs\": [13]" IN4("10.1.0.2", "10.200.0.1") }, /* default */
	{ "public", "esp", 2, 0, "\"seqs\": [5]" IN4("10.99.0.1", "10.4.0.9") },  /* selector */
	{ "public", "esp", 0, 0, "\"seqs\": [20, 15, 14]" IN4("10.1.0.2", "10.9.0.6") }, /* late */
	{ "public", "esp", 4, 0, "\"seqs\": [4]" IN6("2001:db8:a::5", "2001:db8:a::77") },
	{ "core", "mpls", -1, 0, "\"labels\": [1001], \"count\": 4" IN4("10.9.1.1", "10.1.0.50") },
	{ "core", "mpls", -1, 0, "\"labels\": [1001], \"count\": 2" IN4("10.9.1.1", "10.3.0.50") },
	{ "core", "mpls", -1, 0,
	  "\"labels\": [1002], \"count\": 3" IN6("2001:db8:f::1", "2001:db8:a::77") },
	{ "core", "mpls", -1, 0, "\"labels\": [1001], \"ttl\": 1" IN4("10.9.1.1", "10.1.0.9") },
	{ "core", "mpls", -1, 0, "\"labels\": [1003]" IN4("10.9.1.1", "10.1.0.9") }, /* no label */
	{ "core", "mpls", -1, 0, "\"labels\": [1001]" IN4("10.9.1.1", "10.8.0.4") },
	{ "core", "mpls", -1, 0, "\"labels\": [0, 1001]" IN4("10.9.1.1", "10.1.0.51") }, /* null */
	{ "core", "mpls", -1, 0,
	  "\"labels\": [1001], \"count\": 2" IN4T("10.9.1.2", "10.1.0.52", "184") },
	{ "inside", "vlan", -1, 0, "\"vlan\": 101" IN4("10.1.5.5", "10.4.0.60") },
	{ "inside", "vlan", -1, 0, "\"vlan\": 102" IN4("10.2.5.5", "10.9.0.60") },
	{ "inside", "vlan", -1, 0, "\"vlan\": 999" IN4("10.2.5.5", "10.9.0.60") }, /* no VLAN */
	{ "inside", "vlan", -1, 0, "\"vlan\": 101" IN4("10.1.5.5", "10.9.0.61") },
};

static int write_spec(struct ct *c, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return ct_fail(c, "cannot write %s: %s", path, strerror(errno));
	fprintf(f, "{\"card_mac\": \"%s\", \"peer_mac\": \"%s\", \"flows\": [\n", P_CARD_MAC,
		P_PEER_MAC);
	for (unsigned i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		const struct flow *fl = &flows[i];

		fprintf(f, "%s{\"port\": \"%s\", \"kind\": \"%s\", %s", i ? ",\n" : "", fl->port,
			fl->kind, fl->extra);
		if (fl->sa >= 0)
			json_sa(f, c, (unsigned)fl->sa, fl->spi ? fl->spi : p_sas[fl->sa].spi);
		fprintf(f, "}");
	}
	fprintf(f, "\n]}\n");
	return fclose(f) == 0 ? 0 : ct_fail(c, "cannot write %s", path);
}

static void last_line(const char *path, char *buf, size_t n)
{
	char line[512];
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		snprintf(buf, n, "%.*s", (int)strcspn(line, "\n"), line);
	if (f)
		fclose(f);
}

/* The IKE frame must be on the punt ring, unchanged, with reason "ike" and port public. */
static int ike_punted(struct ct *c, const struct frames *pub_in, const struct frames *punts)
{
	for (uint32_t i = 0; i < pub_in->n; i++) {
		const struct frame *f = &pub_in->v[i];

		/* Ethernet + IPv4 (20) + UDP to port 500 */
		if (f->len < 42 || f->data[23] != 17 || f->data[36] != 0x01 || f->data[37] != 0xf4)
			continue;
		for (uint32_t k = 0; k < punts->n; k++) {
			const struct frame *p = &punts->v[k];

			if (p->len == f->len && memcmp(p->data, f->data, f->len) == 0 &&
			    p->port == VRFSEC_ABI_PORT_PUBLIC && p->reason < VRFSEC_ABI_N_COUNTERS &&
			    strcmp(vrfsec_counter_str(p->reason), "ike") == 0)
				return 0;
		}
		return ct_fail(c, "the IKE frame is not on the punt ring with reason \"ike\"");
	}
	return ct_fail(c, "no IKE frame among scapy's frames");
}

static int scapy(struct ct *c, const char *const *args, const char *log)
{
	char gen[PATH_MAX + 32], line[256];
	const char *argv[10] = { "/usr/bin/python3", gen };
	int rc;

	snprintf(gen, sizeof(gen), "%s/tests/card/gen_frames.py", c->srcdir);
	for (unsigned i = 0; args[i] && i < 7; i++)
		argv[2 + i] = args[i];
	rc = run_cmd(c, argv, log);
	if (rc != 0) {
		last_line(log, line, sizeof(line));
		return ct_fail(c, "gen_frames.py %s: exit %d: %s", args[0], rc, line);
	}
	return 0;
}

int test_ports(struct ct *c)
{
	static const char *const pname[3] = { "public", "core", "inside" };
	/* the run directory is under 256 bytes long: paths below fit these */
	char dir[300], spec[320], log[320], err[256], line[256];
	char in_path[3][340], out_path[3][340], arg[3][700];
	char key[33], salt[9], spi[16];
	const char *args[12] = { "--engine", "cpu", "--exit-when-done" }, *outs[3];
	struct frames in[3], punts;
	struct run_out ref;
	struct vrfsec_sa_cfg sa;
	struct vrfsec_dev *dev = NULL;
	struct sim_proc sim = { 0 };
	struct mirror m = { 0 };
	int rc = -1;

	memset(in, 0, sizeof(in));
	memset(&punts, 0, sizeof(punts));
	memset(&ref, 0, sizeof(ref));
	ct_path(c, dir, sizeof(dir), "ports");
	mkdir(dir, 0755);
	snprintf(spec, sizeof(spec), "%s/spec.json", dir);
	snprintf(log, sizeof(log), "%s/scapy.log", dir);
	if (write_spec(c, spec) || scapy(c, (const char *[]){ "frames", spec, dir, NULL }, log))
		goto out;
	for (unsigned i = 0; i < 3; i++) {
		snprintf(in_path[i], sizeof(in_path[i]), "%s/%s-in.pcap", dir, pname[i]);
		snprintf(out_path[i], sizeof(out_path[i]), "%s/%s-out.pcap", dir, pname[i]);
		if (frames_read_pcap(in_path[i], &in[i], false, err, sizeof(err))) {
			ct_fail(c, "%s", err);
			goto out;
		}
		if (snprintf(arg[i], sizeof(arg[i]), "%s=pcap:%s,%s", pname[i], in_path[i],
			     out_path[i]) >= (int)sizeof(arg[i])) {
			ct_fail(c, "path too long");
			goto out;
		}
		args[3 + 2 * i] = "--port";
		args[4 + 2 * i] = arg[i];
		outs[i] = out_path[i];
	}
	args[9] = NULL;
	if (sim_start(c, &sim, "ports", args) || sim_open(c, &sim, NULL, &dev))
		goto out;
	if (mirror_open(&m, dev)) {
		ct_fail(c, "cmodel testbed: out of memory");
		goto out;
	}
	if (program(c, &m))
		goto out;
	if ((rc = vrfsec_datapath_set(dev, true)) != 0) {
		ct_fail(c, "data path on: %s", vrfsec_strerror(rc));
		rc = -1;
		goto out;
	}
	rc = -1;
	/* --exit-when-done: every input read, the card goes; its punts stay in host memory */
	if (sim_wait_exit(&sim, 10000) != 0) {
		sim_log_tail(&sim, line, sizeof(line));
		ct_fail(c, "vrfsec-sim did not finish cleanly: %s", line);
		goto out;
	}
	if (card_punts(c, dev, &punts))
		goto out;
	vrfsec_close(dev);
	dev = NULL;
	mirror_run_ports(&m, in, &ref);
	if (compare_runs(c, outs, &punts, &ref) || ike_punted(c, &in[0], &punts))
		goto out;
	p_sa_cfg(c, &p_sas[SCAPY_SA], &sa);
	snprintf(spi, sizeof(spi), "0x%x", sa.spi);
	hex(key, sa.key, sa.key_len);
	hex(salt, sa.salt, 4);
	explicit_bzero(&sa, sizeof(sa));
	rc = scapy(c, (const char *[]){ "decrypt", out_path[0], spi, key, salt, in_path[1], NULL },
		   log);
	explicit_bzero(key, sizeof(key));
	if (rc)
		goto out;
	rc = -1;
	last_line(log, line, sizeof(line));
	ct_note(c, "%u+%u+%u scapy frames in; %u+%u+%u out and %u punts identical to cmodel, IKE "
		"punted as \"ike\"; %s", in[0].n, in[1].n, in[2].n, ref.port[0].n, ref.port[1].n,
		ref.port[2].n, ref.punt.n, line);
	rc = 0;
out:
	vrfsec_close(dev);
	if (sim.pid)
		sim_stop(&sim);
	mirror_close(&m);
	run_out_free(&ref);
	frames_free(&punts);
	for (unsigned i = 0; i < 3; i++)
		frames_free(&in[i]);
	return rc;
}
