// SPDX-License-Identifier: Apache-2.0
/* vrfsec-ikeload resp: the IKEv2 library's responder on plain UDP sockets, configured like the
 * benchmark's charon and vrfsecd (PSK for any RFC822 identity under --id-domain, AES-GCM-16-128 /
 * PRF-SHA256 / groups 19 and 31, ESP AES-GCM-16-128, TS 10.2.0.0/16 <-> the initiator's /32 in
 * 10.64.0.0/10, no virtual IPs, no DPD, no rekeys, COOKIE above 1000 half-open SAs).
 *
 * --shards N spreads IKE SAs over N contexts by a hash of the initiator's SPI (present in every
 * message of the IKE SA; there are no IKE rekeys here, which would change it). The library keeps
 * a context's SAs in one linked list walked on every datagram, so one context holding 100,000
 * SAs would measure that list, not the protocol; per-SA memory is the same either way.
 * SIGUSR1 prints "ikeload-resp ike_sas=N children=N vmrss_kb=N"; SIGTERM exits (all freed). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ikeload.h"

struct resp;
struct rshard {
	struct resp *r;
	struct ike_ctx *ctx;
	unsigned idx;
};

struct resp {
	struct il_common c;
	struct sockaddr_in listen, listen_natt;
	int fd, fd_natt;
	struct rshard *sh;
	struct ike_profile prof;
	FILE *keys;
	unsigned long ike_up, ike_down, child_up, child_down, refused, input_err;
};

static int on_send(void *user, const struct ike_dgram *d)
{
	struct rshard *s = user;
	uint8_t buf[8192];
	size_t n = 0;
	if (d->len + 4 > sizeof(buf))
		return -EMSGSIZE;
	if (d->natt) {
		memset(buf, 0, 4);
		n = 4;
	}
	memcpy(buf + n, d->data, d->len);
	n += d->len;
	ssize_t rc = sendto(d->natt ? s->r->fd_natt : s->r->fd, buf, n, 0, d->remote, sizeof(struct sockaddr_in));
	return rc < 0 ? -errno : 0;
}

/* Any RFC822 identity ending in "@<id_domain>" gets the benchmark profile. */
static int get_profile(void *user, const struct ike_id *peer, const struct ike_id *hint,
		       const struct sockaddr *l, const struct sockaddr *rem, struct ike_profile *out)
{
	struct rshard *s = user;
	struct resp *r = s->r;
	size_t dl = strlen(r->c.id_domain);
	(void)hint, (void)l, (void)rem;
	if (peer->type != IKE_ID_RFC822 || peer->len < dl + 2 || peer->data[peer->len - dl - 1] != '@' ||
	    memcmp(peer->data + peer->len - dl, r->c.id_domain, dl)) {
		r->refused++;
		return -ENOENT;
	}
	*out = r->prof;
	return 0;
}

static void on_child_up(void *user, const struct ike_child_info *c)
{
	struct rshard *s = user;
	s->r->child_up++;
	if (s->r->keys) {
		il_key_line(s->r->keys, "resp", c);
		fflush(s->r->keys); /* the test reads it while we run */
	}
}

static void on_child_down(void *user, const struct ike_child_info *c, enum ike_down_reason why)
{
	struct rshard *s = user;
	(void)c, (void)why;
	s->r->child_down++;
}

static void on_ike_up(void *user, uint64_t spi, uint64_t old, const struct ike_id *peer, void *pu)
{
	struct rshard *s = user;
	(void)spi, (void)old, (void)peer, (void)pu;
	s->r->ike_up++;
}

static void on_ike_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	struct rshard *s = user;
	(void)spi;
	s->r->ike_down++;
	if (why != IKE_DOWN_DELETED_BY_PEER && s->r->c.verbose)
		fprintf(stderr, "IKE SA %016llx down, reason %d\n", (unsigned long long)spi, why);
}

static void on_log(void *user, int level, const char *msg)
{
	struct rshard *s = user;
	if (level == 0 || s->r->c.verbose)
		fprintf(stderr, "ike[%u/%d] %s\n", s->idx, level, msg);
}

static unsigned shard_of(const struct resp *r, const uint8_t *d, size_t n)
{
	uint64_t v = 0;
	if (n < 8)
		return 0;
	memcpy(&v, d, 8);
	v ^= v >> 31;
	v *= 0x9e3779b97f4a7c15ull;
	return (unsigned)((v >> 32) % r->c.shards);
}

static void receive(struct resp *r, int natt)
{
	uint8_t buf[65536];
	for (int k = 0; k < 64; k++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(natt ? r->fd_natt : r->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n <= 0)
			return;
		const uint8_t *d = buf;
		if (natt) {
			if (n < 4 || (d[0] | d[1] | d[2] | d[3]))
				continue;
			d += 4;
			n -= 4;
		}
		struct ike_dgram dg = { (struct sockaddr *)(natt ? &r->listen_natt : &r->listen),
					(struct sockaddr *)&from, d, (size_t)n, (uint8_t)natt };
		if (ike_ctx_input(r->sh[shard_of(r, d, (size_t)n)].ctx, &dg, il_now_ms()))
			r->input_err++;
	}
}

static void status(struct resp *r)
{
	unsigned long sas = 0;
	for (unsigned i = 0; i < r->c.shards; i++)
		sas += ike_ctx_sa_count(r->sh[i].ctx);
	printf("ikeload-resp ike_sas=%lu children=%lu ike_up=%lu ike_down=%lu refused=%lu input_errors=%lu "
	       "vmrss_kb=%ld\n",
	       sas, r->child_up - r->child_down, r->ike_up, r->ike_down, r->refused, r->input_err, il_vmrss_kb());
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: vrfsec-ikeload resp --listen ADDR[:PORT] --psk S [--natt-port P] [--shards N]\n"
			"  [--resp-id FQDN] [--id-domain D] [--keys FILE] [--always-float] [-v]\n");
	exit(2);
}

int il_resp_main(int argc, char **argv)
{
	static struct resp r;
	static const struct option opts[] = {
		{ "listen", 1, 0, 'l' }, { "psk", 1, 0, 'k' }, { "natt-port", 1, 0, 'N' }, { "shards", 1, 0, 's' },
		{ "resp-id", 1, 0, 'r' }, { "id-domain", 1, 0, 'D' }, { "keys", 1, 0, 'f' },
		{ "always-float", 0, 0, 'F' }, { "verbose", 0, 0, 'v' }, { 0, 0, 0, 0 },
	};
	uint16_t natt_port = 4500;
	int always_float = 0, rc = 1, ep = -1;
	r.fd = r.fd_natt = -1;
	r.c.shards = 1;
	snprintf(r.c.resp_id, sizeof(r.c.resp_id), "vpn.load.test");
	snprintf(r.c.id_domain, sizeof(r.c.id_domain), "load.test");
	for (int o; (o = getopt_long(argc, argv, "v", opts, NULL)) != -1;) {
		switch (o) {
		case 'l': if (il_parse_addr(optarg, &r.listen, 500)) usage(); break;
		case 'k': snprintf(r.c.psk, sizeof(r.c.psk), "%s", optarg); break;
		case 'N': natt_port = (uint16_t)atoi(optarg); break;
		case 's': r.c.shards = (unsigned)atoi(optarg); break;
		case 'r': snprintf(r.c.resp_id, sizeof(r.c.resp_id), "%s", optarg); break;
		case 'D': snprintf(r.c.id_domain, sizeof(r.c.id_domain), "%s", optarg); break;
		case 'f': snprintf(r.c.keys_file, sizeof(r.c.keys_file), "%s", optarg); break;
		case 'F': always_float = 1; break;
		case 'v': r.c.verbose = 1; break;
		default: usage();
		}
	}
	if (!r.listen.sin_family || !r.c.psk[0] || !r.c.shards || r.c.shards > IL_MAX_SHARDS)
		usage();
	il_signals();
	r.listen_natt = r.listen;
	r.listen_natt.sin_port = htons(natt_port);
	if (r.c.keys_file[0] && !(r.keys = fopen(r.c.keys_file, "w"))) {
		perror(r.c.keys_file);
		return 1;
	}
	snprintf(r.prof.name, sizeof(r.prof.name), "ikeload");
	ike_id_parse(r.c.resp_id, &r.prof.local_id);
	r.prof.psk_len = (uint16_t)strlen(r.c.psk);
	memcpy(r.prof.psk, r.c.psk, r.prof.psk_len);
	r.prof.ike[0] = il_ike_prop(19);
	r.prof.ike[1] = il_ike_prop(31);
	r.prof.n_ike = 2;
	r.prof.esp[0] = il_esp_prop();
	r.prof.n_esp = 1;
	il_ts_v4(0x0a020000u, 16, &r.prof.local_ts[0]);
	r.prof.n_local_ts = 1;
	il_ts_v4(0x0a400000u, 10, &r.prof.remote_ts[0]);
	r.prof.n_remote_ts = 1;
	r.sh = calloc(r.c.shards, sizeof(*r.sh));
	if (!r.sh)
		goto out;
	for (unsigned i = 0; i < r.c.shards; i++) {
		struct ike_config cfg = { 0 };
		r.sh[i].r = &r;
		r.sh[i].idx = i;
		cfg.cb = (struct ike_callbacks){ .user = &r.sh[i], .send = on_send, .get_profile = get_profile,
						 .child_up = on_child_up, .child_down = on_child_down,
						 .ike_up = on_ike_up, .ike_down = on_ike_down, .log = on_log };
		cfg.port = ntohs(r.listen.sin_port);
		cfg.natt_port = natt_port;
		cfg.always_float = (uint8_t)always_float;
		cfg.ike[0] = il_ike_prop(19);
		cfg.ike[1] = il_ike_prop(31);
		cfg.n_ike = 2;
		/* as vrfsecd: COOKIE above 1000 half-open SAs (per context here) */
		cfg.cookie_threshold = 1000;
		cfg.retransmit_ms = 1000;
		cfg.log_level = r.c.verbose ? 2 : 0;
		if (ike_ctx_create(&cfg, &r.sh[i].ctx)) {
			fprintf(stderr, "ike_ctx_create failed\n");
			goto out;
		}
	}
	r.fd = il_udp_open(&r.listen);
	r.fd_natt = il_udp_open(&r.listen_natt);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (r.fd < 0 || r.fd_natt < 0 || ep < 0) {
		fprintf(stderr, "bind: %s\n", strerror(-(r.fd < 0 ? r.fd : r.fd_natt)));
		goto out;
	}
	struct epoll_event e0 = { .events = EPOLLIN, .data.u32 = 0 }, e1 = { .events = EPOLLIN, .data.u32 = 1 };
	epoll_ctl(ep, EPOLL_CTL_ADD, r.fd, &e0);
	epoll_ctl(ep, EPOLL_CTL_ADD, r.fd_natt, &e1);
	printf("READY\n");
	fflush(stdout);
	uint64_t next_tick = il_now_ms() + 100;
	while (!il_stop) {
		struct epoll_event ev[8];
		int n = epoll_wait(ep, ev, 8, 50);
		for (int i = 0; i < n; i++)
			receive(&r, (int)ev[i].data.u32);
		uint64_t now = il_now_ms();
		/* timers are only retransmissions and half-open expiry here: a coarse tick is enough,
		 * and ike_ctx_next_timer() would walk every SA on every loop */
		if (now >= next_tick) {
			for (unsigned i = 0; i < r.c.shards; i++)
				ike_ctx_tick(r.sh[i].ctx, now);
			next_tick = now + 100;
		}
		if (il_report) {
			il_report = 0;
			status(&r);
		}
	}
	status(&r);
	rc = 0;
out:
	if (ep >= 0)
		close(ep);
	if (r.fd >= 0)
		close(r.fd);
	if (r.fd_natt >= 0)
		close(r.fd_natt);
	for (unsigned i = 0; r.sh && i < r.c.shards; i++)
		ike_ctx_destroy(r.sh[i].ctx);
	free(r.sh);
	if (r.keys)
		fclose(r.keys);
	return rc;
}
