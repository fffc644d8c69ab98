// SPDX-License-Identifier: Apache-2.0
/* vrfsec-ike-peer: the IKE library on plain UDP sockets, for interop tests against strongSwan.
 * TEST TOOL ONLY: it prints the derived CHILD SA keys on stdout so a test can compare them with
 * the peer's; the library itself never exposes keys except to the child_up callback. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ike.h"

struct peer {
	struct ike_ctx *ctx;
	int fd500, fd4500;
	struct sockaddr_in local, local_natt;
	struct ike_profile prof;
	uint8_t peer_id_set;
	struct ike_id peer_id;
	uint64_t ike_spi;
	uint32_t child_spi;
	int verbose;
	uint8_t vip[4];
	int has_vip;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void ts_print(const char *tag, const struct ike_ts *t, unsigned n)
{
	char a[64], b[64];
	printf(" %s=", tag);
	for (unsigned i = 0; i < n; i++) {
		int af = t[i].type == IKE_TS_IPV6 ? AF_INET6 : AF_INET;
		inet_ntop(af, t[i].start, a, sizeof(a));
		inet_ntop(af, t[i].end, b, sizeof(b));
		printf("%s%s-%s", i ? "," : "", a, b);
	}
}

/* The non-ESP marker is ours to add on the NAT-T port (see ike.h). */
static int on_send(void *user, const struct ike_dgram *d)
{
	struct peer *p = user;
	uint8_t buf[65536];
	size_t n = 0;
	if (d->natt) {
		memset(buf, 0, 4);
		n = 4;
	}
	if (d->len > sizeof(buf) - n)
		return -EMSGSIZE;
	memcpy(buf + n, d->data, d->len);
	n += d->len;
	int fd = d->natt ? p->fd4500 : p->fd500;
	ssize_t r = sendto(fd, buf, n, 0, d->remote, sizeof(struct sockaddr_in));
	return r < 0 ? -errno : 0;
}

static int get_profile(void *user, const struct ike_id *peer, const struct ike_id *hint,
		       const struct sockaddr *l, const struct sockaddr *r, struct ike_profile *out)
{
	struct peer *p = user;
	(void)hint, (void)l, (void)r;
	if (p->peer_id_set && (peer->type != p->peer_id.type || peer->len != p->peer_id.len ||
			       memcmp(peer->data, p->peer_id.data, peer->len)))
		return -ENOENT;
	*out = p->prof;
	return 0;
}

static void child_up(void *user, const struct ike_child_info *c)
{
	struct peer *p = user;
	p->child_spi = c->spi_in;
	printf("CHILD_UP spi_in=%08x spi_out=%08x rekeys=%08x encap=%u esn=%u initiator=%u key_in=", c->spi_in,
	       c->spi_out, c->rekeys_spi_in, c->udp_encap, c->esn, c->initiator);
	hex(c->key_in, c->key_bits / 8);
	hex(c->salt_in, 4);
	printf(" key_out=");
	hex(c->key_out, c->key_bits / 8);
	hex(c->salt_out, 4);
	ts_print("lts", c->local_ts, c->n_local_ts);
	ts_print("rts", c->remote_ts, c->n_remote_ts);
	if (c->has_vip)
		printf(" vip=%u.%u.%u.%u", c->vip.addr[0], c->vip.addr[1], c->vip.addr[2], c->vip.addr[3]);
	printf(" remote_port=%u\n", ntohs(((const struct sockaddr_in *)&c->remote)->sin_port));
}

/* --vip: one lease for every client (the interop tests run one at a time). */
static int vip_acquire(void *user, void *pu, const struct ike_id *peer, struct ike_vip *out)
{
	struct peer *p = user;
	(void)pu, (void)peer;
	memset(out, 0, sizeof(*out));
	memcpy(out->addr, p->vip, 4);
	printf("VIP %u.%u.%u.%u\n", p->vip[0], p->vip[1], p->vip[2], p->vip[3]);
	return 0;
}

static void child_down(void *user, const struct ike_child_info *c, enum ike_down_reason why)
{
	(void)user;
	printf("CHILD_DOWN spi_in=%08x spi_out=%08x reason=%d\n", c->spi_in, c->spi_out, why);
}

static void ike_up(void *user, uint64_t spi, uint64_t old, const struct ike_id *peer, void *pu)
{
	struct peer *p = user;
	char id[300];
	(void)pu;
	p->ike_spi = spi;
	ike_id_str(peer, id, sizeof(id));
	printf("IKE_UP spi=%016llx old=%016llx peer=%s\n", (unsigned long long)spi,
	       (unsigned long long)old, id);
}

static void ike_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	(void)user;
	printf("IKE_DOWN spi=%016llx reason=%d\n", (unsigned long long)spi, why);
}

static void on_log(void *user, int level, const char *msg)
{
	(void)user;
	fprintf(stderr, "ike[%d] %s\n", level, msg);
}

/* "aes128gcm16-prfsha256-x25519" (IKE) or "aes128gcm16[-esn]" (ESP) */
static int parse_prop(char *s, struct ike_ike_prop *ike, struct ike_esp_prop *esp)
{
	uint16_t bits = 0, prf = 0, dh = 0;
	uint8_t esn = 0;
	for (char *tok = strtok(s, "-"); tok; tok = strtok(NULL, "-")) {
		if (!strcmp(tok, "aes128gcm16"))
			bits = 128;
		else if (!strcmp(tok, "aes256gcm16"))
			bits = 256;
		else if (!strcmp(tok, "prfsha256"))
			prf = IKE_PRF_HMAC_SHA2_256;
		else if (!strcmp(tok, "prfsha384"))
			prf = IKE_PRF_HMAC_SHA2_384;
		else if (!strcmp(tok, "prfsha512"))
			prf = IKE_PRF_HMAC_SHA2_512;
		else if (!strcmp(tok, "ecp256"))
			dh = IKE_DH_ECP256;
		else if (!strcmp(tok, "ecp384"))
			dh = IKE_DH_ECP384;
		else if (!strcmp(tok, "x25519") || !strcmp(tok, "curve25519"))
			dh = IKE_DH_X25519;
		else if (!strcmp(tok, "esn"))
			esn = 1;
		else
			return -EINVAL;
	}
	if (!bits)
		return -EINVAL;
	if (ike)
		*ike = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, bits, prf, dh };
	if (esp)
		*esp = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, bits, esn, dh };
	return ike && (!prf || !dh) ? -EINVAL : 0;
}

static int open_udp(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)a, sizeof(*a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void command(struct peer *p, const char *cmd)
{
	uint64_t t = now_ms();
	int rc;
	if (!strcmp(cmd, "rekey-child"))
		rc = ike_sa_rekey_child(p->ctx, p->child_spi, t);
	else if (!strcmp(cmd, "rekey-ike"))
		rc = ike_sa_rekey_ike(p->ctx, p->ike_spi, t);
	else if (!strcmp(cmd, "delete-child"))
		rc = ike_sa_delete_child(p->ctx, p->child_spi, t);
	else if (!strcmp(cmd, "delete"))
		rc = ike_sa_delete(p->ctx, p->ike_spi, t);
	else if (!strcmp(cmd, "dpd"))
		rc = ike_sa_dpd(p->ctx, p->ike_spi, t);
	else
		rc = -EINVAL;
	printf("CMD %s rc=%d\n", cmd, rc);
}

static void receive(struct peer *p, int fd, int natt)
{
	uint8_t buf[65536];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	if (n <= 0)
		return;
	const uint8_t *d = buf;
	if (natt) {
		if (n < 4 || d[0] | d[1] | d[2] | d[3])
			return; /* NAT-T keepalive or ESP: not IKE */
		d += 4;
		n -= 4;
	}
	struct ike_dgram dg = { (struct sockaddr *)(natt ? &p->local_natt : &p->local),
				(struct sockaddr *)&from, d, (size_t)n, (uint8_t)natt };
	int rc = ike_ctx_input(p->ctx, &dg, now_ms());
	if (rc && p->verbose)
		fprintf(stderr, "input: %d\n", rc);
}

static void usage(void)
{
	fprintf(stderr, "usage: vrfsec-ike-peer --local ADDR [--port N] [--natt-port N] --id ID [--peer-id ID]\n"
			"  --psk S --local-ts CIDR --remote-ts CIDR [--ike PROP]... [--esp PROP]...\n"
			"  [--initiate ADDR [--remote-port N] [--remote-natt-port N]] [--always-float] [-v]\n"
			"  [--auth psk|pubkey] [--peer-auth psk|pubkey] [--cert F --key F [--chain F]] [--ca F]\n"
			"  [--send-cert ifasked|always|never] [--rsa-pss] [--frag-size N] [--frag-off] [--vip ADDR]\n"
			"commands on stdin: rekey-child rekey-ike delete-child delete dpd quit\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct peer p;
	struct ike_config cfg;
	const char *local = NULL, *initiate = NULL;
	struct ike_creds_params cp = { 0 };
	uint16_t port = 500, natt_port = 4500, rport = 500;
	static const struct option opts[] = {
		{ "local", 1, 0, 'l' }, { "port", 1, 0, 'p' }, { "natt-port", 1, 0, 'n' },
		{ "id", 1, 0, 'i' }, { "peer-id", 1, 0, 'r' }, { "psk", 1, 0, 'k' },
		{ "local-ts", 1, 0, 'L' }, { "remote-ts", 1, 0, 'R' }, { "ike", 1, 0, 'I' },
		{ "esp", 1, 0, 'E' }, { "initiate", 1, 0, 'c' }, { "remote-port", 1, 0, 'P' },
		{ "remote-natt-port", 1, 0, 'N' }, { "always-float", 0, 0, 'f' }, { "verbose", 0, 0, 'v' },
		{ "auth", 1, 0, 'a' }, { "peer-auth", 1, 0, 'A' }, { "cert", 1, 0, 'C' }, { "key", 1, 0, 'K' },
		{ "chain", 1, 0, 'H' }, { "ca", 1, 0, 'T' }, { "send-cert", 1, 0, 'S' }, { "rsa-pss", 0, 0, 'x' },
		{ "frag-size", 1, 0, 'F' }, { "frag-off", 0, 0, 'o' }, { "vip", 1, 0, 'V' },
		{ 0, 0, 0, 0 },
	};
	memset(&cfg, 0, sizeof(cfg));
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(p.prof.name, sizeof(p.prof.name), "interop");
	for (int c; (c = getopt_long(argc, argv, "v", opts, NULL)) != -1;) {
		switch (c) {
		case 'l': local = optarg; break;
		case 'p': port = (uint16_t)atoi(optarg); break;
		case 'n': natt_port = (uint16_t)atoi(optarg); break;
		case 'i': if (ike_id_parse(optarg, &p.prof.local_id)) usage(); break;
		case 'r':
			if (ike_id_parse(optarg, &p.peer_id))
				usage();
			p.peer_id_set = 1;
			p.prof.remote_id = p.peer_id;
			break;
		case 'k':
			p.prof.psk_len = (uint16_t)strlen(optarg);
			if (p.prof.psk_len > IKE_MAX_PSK) usage();
			memcpy(p.prof.psk, optarg, p.prof.psk_len);
			break;
		case 'L':
			if (p.prof.n_local_ts == IKE_MAX_TS || ike_ts_prefix(optarg, &p.prof.local_ts[p.prof.n_local_ts++]))
				usage();
			break;
		case 'R':
			if (p.prof.n_remote_ts == IKE_MAX_TS || ike_ts_prefix(optarg, &p.prof.remote_ts[p.prof.n_remote_ts++]))
				usage();
			break;
		case 'I':
			if (p.prof.n_ike == IKE_MAX_PROPS || parse_prop(optarg, &p.prof.ike[p.prof.n_ike++], NULL))
				usage();
			break;
		case 'E':
			if (p.prof.n_esp == IKE_MAX_PROPS || parse_prop(optarg, NULL, &p.prof.esp[p.prof.n_esp++]))
				usage();
			break;
		case 'c': initiate = optarg; break;
		case 'P': rport = (uint16_t)atoi(optarg); break;
		case 'N': p.prof.remote_natt_port = (uint16_t)atoi(optarg); break;
		case 'f': cfg.always_float = 1; break;
		case 'v': p.verbose = 1; break;
		case 'a': p.prof.auth_local = !strcmp(optarg, "pubkey") ? IKE_AUTHN_PUBKEY : IKE_AUTHN_PSK; break;
		case 'A': p.prof.auth_remote = !strcmp(optarg, "pubkey") ? IKE_AUTHN_PUBKEY : IKE_AUTHN_PSK; break;
		case 'C': cp.cert_file = optarg; break;
		case 'K': cp.key_file = optarg; break;
		case 'H': cp.chain_file = optarg; break;
		case 'T': cp.ca_file = optarg; break;
		case 'S':
			p.prof.send_cert = !strcmp(optarg, "always") ? IKE_SEND_CERT_ALWAYS :
					   !strcmp(optarg, "never") ? IKE_SEND_CERT_NEVER : IKE_SEND_CERT_IFASKED;
			break;
		case 'x': p.prof.rsa_pss = 1; break;
		case 'F': cfg.frag_size = (uint16_t)atoi(optarg); break;
		case 'o': cfg.frag_off = 1; break;
		case 'V':
			if (inet_pton(AF_INET, optarg, p.vip) != 1)
				usage();
			p.has_vip = 1;
			p.prof.give_vip = 1;
			p.prof.remote_ts_dynamic = 1;
			break;
		default: usage();
		}
	}
	int pubkey_only = p.prof.auth_local == IKE_AUTHN_PUBKEY && p.prof.auth_remote == IKE_AUTHN_PUBKEY;
	if (!local || (!p.prof.psk_len && !pubkey_only) || !p.prof.n_ike || !p.prof.n_esp ||
	    (!p.prof.local_id.type && p.prof.auth_local != IKE_AUTHN_PUBKEY))
		usage();
	if (cp.cert_file || cp.ca_file) {
		int rc = ike_creds_load(&cp, &cfg.creds);
		if (rc) {
			fprintf(stderr, "ike_creds_load: %d\n", rc);
			return 1;
		}
		p.prof.creds = cfg.creds; /* the context takes its own reference */
	}
	p.local.sin_family = AF_INET;
	p.local.sin_port = htons(port);
	if (inet_pton(AF_INET, local, &p.local.sin_addr) != 1)
		usage();
	p.local_natt = p.local;
	p.local_natt.sin_port = htons(natt_port);
	p.fd500 = open_udp(&p.local);
	p.fd4500 = open_udp(&p.local_natt);
	if (p.fd500 < 0 || p.fd4500 < 0) {
		perror("bind");
		return 1;
	}
	cfg.cb = (struct ike_callbacks){ .user = &p, .send = on_send, .get_profile = get_profile,
					 .child_up = child_up, .child_down = child_down, .ike_up = ike_up,
					 .ike_down = ike_down, .log = on_log,
					 .vip_acquire = p.has_vip ? vip_acquire : NULL };
	cfg.port = port;
	cfg.natt_port = natt_port;
	memcpy(cfg.ike, p.prof.ike, sizeof(cfg.ike));
	cfg.n_ike = p.prof.n_ike;
	cfg.retransmit_ms = 1000;
	cfg.log_level = p.verbose ? 3 : 1;
	if (ike_ctx_create(&cfg, &p.ctx)) {
		fprintf(stderr, "ike_ctx_create failed\n");
		return 1;
	}
	ike_creds_unref(cfg.creds);
	if (initiate) {
		struct sockaddr_in r = { .sin_family = AF_INET, .sin_port = htons(rport) };
		if (inet_pton(AF_INET, initiate, &r.sin_addr) != 1)
			usage();
		int rc = ike_initiate(p.ctx, &p.prof, (struct sockaddr *)&p.local, (struct sockaddr *)&r,
				      now_ms(), NULL);
		if (rc) {
			fprintf(stderr, "ike_initiate: %d\n", rc);
			return 1;
		}
	}
	printf("READY\n");
	int in_open = 1;
	for (;;) {
		struct pollfd pf[3] = { { p.fd500, POLLIN, 0 }, { p.fd4500, POLLIN, 0 }, { 0, POLLIN, 0 } };
		uint64_t next = ike_ctx_next_timer(p.ctx), t = now_ms();
		int to = next == UINT64_MAX ? 1000 : next <= t ? 0 : (int)(next - t > 1000 ? 1000 : next - t);
		if (poll(pf, in_open ? 3 : 2, to) < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN)
			receive(&p, p.fd500, 0);
		if (pf[1].revents & POLLIN)
			receive(&p, p.fd4500, 1);
		if (in_open && (pf[2].revents & (POLLIN | POLLHUP))) {
			char line[64];
			if (!fgets(line, sizeof(line), stdin)) {
				in_open = 0;
			} else {
				line[strcspn(line, "\r\n")] = 0;
				if (!strcmp(line, "quit"))
					break;
				if (line[0])
					command(&p, line);
			}
		}
		ike_ctx_tick(p.ctx, now_ms());
	}
	ike_ctx_destroy(p.ctx);
	close(p.fd500);
	close(p.fd4500);
	return 0;
}
