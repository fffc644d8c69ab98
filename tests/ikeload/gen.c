// SPDX-License-Identifier: Apache-2.0
/* vrfsec-ikeload init: the IKEv2 library as a load generator. Every setup is a fresh initiator
 * identity doing IKE_SA_INIT + IKE_AUTH with one CHILD SA; then the IKE SA is deleted (default)
 * or kept (--keep, for the memory measurement). Concurrency C: at most C IKE SAs in flight
 * (setting up or being deleted).
 *
 * Sockets and shards: the library keeps every SA of a context in one linked list (sa_find,
 * new_esp_spi, reap and ike_ctx_next_timer walk all of them), so a context holding 100,000 SAs
 * costs O(N) per packet. The generator therefore spreads SAs over --shards contexts, each with
 * its own port pair (IKE port base+2s, NAT-T port base+2s+1) on every --local address; a
 * datagram's socket names its context. Source addresses x shards give many peers (charon's
 * per-IP half-open limits are raised in the benchmark anyway). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ikeload.h"

enum { ST_FREE, ST_SETUP, ST_UP, ST_DELETING };

struct setup {
	uint64_t spi;
	uint64_t t0_us;
	uint32_t seq;
	int32_t next; /* hash chain / free list */
	uint16_t shard;
	uint8_t state, child_ok;
};

struct gen;
struct shard {
	struct gen *g;
	struct ike_ctx *ctx;
	uint16_t idx, port, natt_port;
	int fd[IL_MAX_LOCAL][2];
};

struct gen {
	struct il_common c;
	struct sockaddr_in local[IL_MAX_LOCAL];
	unsigned n_local;
	struct sockaddr_in target;
	uint16_t target_natt, base_port;
	unsigned conc, count, duration_s, hold_s, sample, tick_ms;
	int keep;
	char tag[32];
	struct shard *sh;
	unsigned n_sh;
	struct setup *rec;
	unsigned nrec, lat_cap;
	int32_t *bucket, free_head;
	unsigned nbucket;
	/* deletes asked for from callbacks, run after the library call returns */
	uint32_t *pend;
	unsigned n_pend;
	/* results */
	unsigned started, established, in_window, errors, deleted, inflight, unfinished;
	unsigned err_reason[8], child_missing, keys_written;
	uint32_t *lat_ms;
	double t_start, t_last_up;
	uint64_t t_end_ms;
	FILE *keys;
	struct ike_profile base;
};

static uint64_t now_us(void)
{
	return (uint64_t)(il_now_s() * 1e6);
}

static unsigned hash64(uint64_t v, unsigned n)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return (unsigned)(v & (n - 1));
}

static struct setup *rec_find(struct gen *g, uint64_t spi, int32_t **link)
{
	int32_t *l = &g->bucket[hash64(spi, g->nbucket)];
	while (*l >= 0 && g->rec[*l].spi != spi)
		l = &g->rec[*l].next;
	if (link)
		*link = l;
	return *l >= 0 ? &g->rec[*l] : NULL;
}

static void rec_remove(struct gen *g, uint64_t spi)
{
	int32_t *l, i;
	if (!rec_find(g, spi, &l))
		return;
	i = *l;
	*l = g->rec[i].next;
	g->rec[i].state = ST_FREE;
	g->rec[i].next = g->free_head;
	g->free_head = i;
}

static int on_send(void *user, const struct ike_dgram *d)
{
	struct shard *s = user;
	const struct sockaddr_in *l = (const struct sockaddr_in *)d->local;
	uint8_t buf[8192];
	size_t n = 0;
	unsigned li = 0;
	while (li < s->g->n_local && s->g->local[li].sin_addr.s_addr != l->sin_addr.s_addr)
		li++;
	if (li == s->g->n_local || d->len + 4 > sizeof(buf))
		return -EINVAL;
	if (d->natt) {
		memset(buf, 0, 4);
		n = 4;
	}
	memcpy(buf + n, d->data, d->len);
	n += d->len;
	ssize_t r = sendto(s->fd[li][d->natt ? 1 : 0], buf, n, 0, d->remote, sizeof(struct sockaddr_in));
	return r < 0 ? -errno : 0;
}

static void on_child_up(void *user, const struct ike_child_info *c)
{
	struct shard *s = user;
	struct gen *g = s->g;
	struct setup *r = rec_find(g, c->ike_spi, NULL);
	if (!r)
		return;
	r->child_ok = 1;
	if (g->keys && g->sample && r->seq % g->sample == 0) {
		il_key_line(g->keys, "init", c);
		g->keys_written++;
	}
}

static void on_ike_up(void *user, uint64_t spi, uint64_t old, const struct ike_id *peer, void *pu)
{
	struct shard *s = user;
	struct gen *g = s->g;
	struct setup *r = rec_find(g, spi, NULL);
	(void)old, (void)peer, (void)pu;
	if (!r || r->state != ST_SETUP)
		return;
	double t = il_now_s();
	if (g->established < g->lat_cap)
		g->lat_ms[g->established] = (uint32_t)((now_us() - r->t0_us) / 1000);
	g->established++;
	if (!g->t_end_ms || il_now_ms() <= g->t_end_ms)
		g->in_window++;
	g->t_last_up = t;
	if (g->keep) {
		/* held: no longer in flight (concurrency counts setups, not tunnels) */
		r->state = ST_UP;
		g->inflight--;
		return;
	}
	r->state = ST_DELETING;
	g->pend[g->n_pend++] = (uint32_t)(r - g->rec);
}

static void on_ike_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	struct shard *s = user;
	struct gen *g = s->g;
	struct setup *r = rec_find(g, spi, NULL);
	if (!r)
		return;
	if (r->state == ST_DELETING && why == IKE_DOWN_DELETED_BY_US) {
		g->deleted++;
	} else {
		g->errors++;
		g->err_reason[why < 8 ? why : 0]++;
		if (g->c.verbose)
			fprintf(stderr, "setup %u (spi %016llx): down, reason %d, state %u\n", r->seq,
				(unsigned long long)spi, why, r->state);
	}
	if (r->state != ST_UP)
		g->inflight--;
	rec_remove(g, spi);
}

static void on_log(void *user, int level, const char *msg)
{
	struct shard *s = user;
	if (level == 0 || s->g->c.verbose)
		fprintf(stderr, "ike[%u/%d] %s\n", s->idx, level, msg);
}

static int start_one(struct gen *g, uint64_t now)
{
	unsigned seq = g->started, si = seq % g->n_sh, li = (seq / g->n_sh) % g->n_local;
	struct shard *s = &g->sh[si];
	struct ike_profile p = g->base;
	char id[160];
	uint64_t spi = 0;
	if (g->free_head < 0)
		return -ENOSPC;
	snprintf(id, sizeof(id), "%s-%u@%s", g->tag, seq, g->c.id_domain);
	p.local_id.type = IKE_ID_RFC822;
	p.local_id.len = (uint16_t)strlen(id);
	memcpy(p.local_id.data, id, p.local_id.len);
	/* the initiator's inner /32: unique per setup inside 10.64.0.0/10 */
	il_ts_v4(0x0a400000u | (seq & 0x3fffff), 32, &p.local_ts[0]);
	p.n_local_ts = 1;
	struct sockaddr_in l = g->local[li];
	l.sin_port = htons(s->port);
	g->started++;
	int rc = ike_initiate(s->ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&g->target, now, &spi);
	if (rc) {
		g->errors++;
		fprintf(stderr, "ike_initiate: %s\n", strerror(-rc));
		return rc;
	}
	int32_t i = g->free_head, *link;
	g->free_head = g->rec[i].next;
	rec_find(g, spi, &link);
	g->rec[i] = (struct setup){ .spi = spi, .t0_us = now_us(), .seq = seq, .next = -1,
				    .shard = (uint16_t)si, .state = ST_SETUP };
	*link = i;
	g->inflight++;
	return 0;
}

static void run_deletes(struct gen *g, uint64_t now)
{
	for (unsigned i = 0; i < g->n_pend; i++) {
		struct setup *r = &g->rec[g->pend[i]];
		if (r->state != ST_DELETING)
			continue;
		/* ike_up comes before child_up within one input call: look after it returned */
		g->child_missing += !r->child_ok;
		uint64_t spi = r->spi;
		int rc = ike_sa_delete(g->sh[r->shard].ctx, spi, now);
		if (rc) {
			fprintf(stderr, "ike_sa_delete: %s\n", strerror(-rc));
			g->errors++;
			g->inflight--;
			rec_remove(g, spi);
		}
	}
	g->n_pend = 0;
}

static void receive(struct gen *g, uint64_t key)
{
	unsigned si = (unsigned)(key >> 8), li = (unsigned)(key >> 1) & 127, natt = key & 1;
	struct shard *s = &g->sh[si];
	uint8_t buf[65536];
	for (int k = 0; k < 64; k++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(s->fd[li][natt], buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n <= 0)
			return;
		const uint8_t *d = buf;
		if (natt) {
			if (n < 4 || (d[0] | d[1] | d[2] | d[3]))
				continue;
			d += 4;
			n -= 4;
		}
		struct sockaddr_in local = g->local[li];
		local.sin_port = htons(natt ? s->natt_port : s->port);
		struct ike_dgram dg = { (struct sockaddr *)&local, (struct sockaddr *)&from, d, (size_t)n,
					(uint8_t)natt };
		int rc = ike_ctx_input(s->ctx, &dg, il_now_ms());
		if (rc && g->c.verbose)
			fprintf(stderr, "input: %s\n", strerror(-rc));
		run_deletes(g, il_now_ms());
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vrfsec-ikeload init --target ADDR[:PORT] --local ADDR [--local ADDR]... --psk S\n"
		"  [--group 19|31] [--concurrency C] (--count N | --duration S) [--keep [--hold S]]\n"
		"  [--target-natt PORT] [--base-port P] [--shards N] [--resp-id FQDN] [--id-domain D]\n"
		"  [--tag T] [--keys FILE --sample K] [-v]\n"
		"Prints one line: ikeload-gen setups=N errors=N ... setups_per_s=R\n");
	exit(2);
}

static int setup_sockets(struct gen *g)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -errno;
	for (unsigned si = 0; si < g->n_sh; si++) {
		struct shard *s = &g->sh[si];
		for (unsigned li = 0; li < g->n_local; li++)
			for (unsigned natt = 0; natt < 2; natt++) {
				struct sockaddr_in a = g->local[li];
				a.sin_port = htons(natt ? s->natt_port : s->port);
				int fd = il_udp_open(&a);
				if (fd < 0) {
					char b[32];
					inet_ntop(AF_INET, &a.sin_addr, b, sizeof(b));
					fprintf(stderr, "bind %s:%u: %s\n", b, ntohs(a.sin_port), strerror(-fd));
					close(ep);
					return fd;
				}
				s->fd[li][natt] = fd;
				struct epoll_event ev = { .events = EPOLLIN,
							  .data.u64 = (uint64_t)si << 8 | li << 1 | natt };
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			}
	}
	return ep;
}

static void report(struct gen *g, double elapsed)
{
	unsigned n = g->established < g->lat_cap ? g->established : g->lat_cap;
	qsort(g->lat_ms, n, sizeof(uint32_t), cmp_u32);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
		     ru.ru_stime.tv_usec / 1e6;
	double rate = g->duration_s ? g->in_window / (double)g->duration_s :
		      elapsed > 0 ? g->established / elapsed : 0;
	printf("ikeload-gen group=%d concurrency=%u setups=%u errors=%u unfinished=%u child_missing=%u "
	       "deleted=%u elapsed_s=%.3f setups_per_s=%.1f lat_p50_ms=%u lat_p99_ms=%u keys=%u "
	       "err_timeout=%u err_auth=%u err_negotiation=%u err_peer_delete=%u cpu_s=%.2f\n",
	       g->c.group, g->conc, g->established, g->errors, g->unfinished, g->child_missing, g->deleted,
	       elapsed, rate, n ? g->lat_ms[n / 2] : 0, n ? g->lat_ms[(n * 99) / 100] : 0, g->keys_written,
	       g->err_reason[IKE_DOWN_TIMEOUT], g->err_reason[IKE_DOWN_AUTH_FAILED],
	       g->err_reason[IKE_DOWN_NEGOTIATION], g->err_reason[IKE_DOWN_DELETED_BY_PEER], cpu);
}

static void raise_nofile(void)
{
	struct rlimit r;
	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static int parse(struct gen *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", 1, 0, 't' }, { "local", 1, 0, 'l' }, { "psk", 1, 0, 'k' }, { "group", 1, 0, 'g' },
		{ "concurrency", 1, 0, 'c' }, { "count", 1, 0, 'n' }, { "duration", 1, 0, 'd' },
		{ "keep", 0, 0, 'K' }, { "hold", 1, 0, 'H' }, { "target-natt", 1, 0, 'N' },
		{ "base-port", 1, 0, 'b' }, { "shards", 1, 0, 's' }, { "resp-id", 1, 0, 'r' },
		{ "id-domain", 1, 0, 'D' }, { "tag", 1, 0, 'T' }, { "keys", 1, 0, 'f' }, { "sample", 1, 0, 'S' },
		{ "verbose", 0, 0, 'v' }, { 0, 0, 0, 0 },
	};
	for (int o; (o = getopt_long(argc, argv, "v", opts, NULL)) != -1;) {
		switch (o) {
		case 't': if (il_parse_addr(optarg, &g->target, 500)) usage(); break;
		case 'l':
			if (g->n_local == IL_MAX_LOCAL || il_parse_addr(optarg, &g->local[g->n_local++], 0))
				usage();
			break;
		case 'k': snprintf(g->c.psk, sizeof(g->c.psk), "%s", optarg); break;
		case 'g': g->c.group = atoi(optarg); break;
		case 'c': g->conc = (unsigned)atoi(optarg); break;
		case 'n': g->count = (unsigned)atoi(optarg); break;
		case 'd': g->duration_s = (unsigned)atoi(optarg); break;
		case 'K': g->keep = 1; break;
		case 'H': g->hold_s = (unsigned)atoi(optarg); break;
		case 'N': g->target_natt = (uint16_t)atoi(optarg); break;
		case 'b': g->base_port = (uint16_t)atoi(optarg); break;
		case 's': g->n_sh = (unsigned)atoi(optarg); break;
		case 'r': snprintf(g->c.resp_id, sizeof(g->c.resp_id), "%s", optarg); break;
		case 'D': snprintf(g->c.id_domain, sizeof(g->c.id_domain), "%s", optarg); break;
		case 'T': snprintf(g->tag, sizeof(g->tag), "%s", optarg); break;
		case 'f': snprintf(g->c.keys_file, sizeof(g->c.keys_file), "%s", optarg); break;
		case 'S': g->sample = (unsigned)atoi(optarg); break;
		case 'v': g->c.verbose = 1; break;
		default: usage();
		}
	}
	if (!g->target.sin_family || !g->n_local || !g->c.psk[0] || (g->c.group != 19 && g->c.group != 31) ||
	    !g->conc || (!g->count && !g->duration_s) || (g->keep && !g->count) || !g->n_sh ||
	    g->n_sh > IL_MAX_SHARDS || (unsigned)g->base_port + 2 * g->n_sh > 65535)
		usage();
	return 0;
}

int il_gen_main(int argc, char **argv)
{
	static struct gen g;
	int rc = 1, ep = -1;
	g.c.group = 19;
	g.conc = 16;
	g.base_port = 20000;
	g.n_sh = 4;
	g.target_natt = 4500;
	g.tick_ms = 50;
	snprintf(g.c.resp_id, sizeof(g.c.resp_id), "vpn.load.test");
	snprintf(g.c.id_domain, sizeof(g.c.id_domain), "load.test");
	snprintf(g.tag, sizeof(g.tag), "u%d", (int)getpid());
	parse(&g, argc, argv);
	il_signals();
	raise_nofile();
	if (g.keep)
		g.tick_ms = 200;
	/* live records: every in-flight setup, all of them when kept */
	g.nrec = g.keep ? g.count + g.conc : g.conc * 2 + 16;
	g.lat_cap = g.count ? g.count : 4u << 20;
	g.nbucket = 1;
	while (g.nbucket < g.nrec * 2)
		g.nbucket <<= 1;
	g.rec = calloc(g.nrec, sizeof(*g.rec));
	g.bucket = malloc(g.nbucket * sizeof(*g.bucket));
	g.pend = calloc(g.nrec, sizeof(*g.pend));
	g.lat_ms = calloc(g.lat_cap, sizeof(*g.lat_ms));
	g.sh = calloc(g.n_sh, sizeof(*g.sh));
	if (!g.rec || !g.bucket || !g.pend || !g.lat_ms || !g.sh)
		goto out;
	memset(g.bucket, 0xff, g.nbucket * sizeof(*g.bucket));
	for (unsigned i = 0; i < g.nrec; i++)
		g.rec[i].next = i + 1 < g.nrec ? (int32_t)i + 1 : -1;
	g.free_head = 0;
	if (g.c.keys_file[0] && !(g.keys = fopen(g.c.keys_file, "w"))) {
		perror(g.c.keys_file);
		goto out;
	}
	/* the common profile: PSK, the responder's FQDN, proposals, TS (10.64.0.0/10 <-> 10.2.0.0/16) */
	snprintf(g.base.name, sizeof(g.base.name), "ikeload");
	g.base.psk_len = (uint16_t)strlen(g.c.psk);
	memcpy(g.base.psk, g.c.psk, g.base.psk_len);
	ike_id_parse(g.c.resp_id, &g.base.remote_id);
	g.base.ike[0] = il_ike_prop(g.c.group);
	g.base.n_ike = 1;
	g.base.esp[0] = il_esp_prop();
	g.base.n_esp = 1;
	il_ts_v4(0x0a020000u, 16, &g.base.remote_ts[0]);
	g.base.n_remote_ts = 1;
	g.base.remote_natt_port = g.target_natt;
	for (unsigned si = 0; si < g.n_sh; si++) {
		struct shard *s = &g.sh[si];
		struct ike_config cfg = { 0 };
		s->g = &g;
		s->idx = (uint16_t)si;
		s->port = (uint16_t)(g.base_port + 2 * si);
		s->natt_port = (uint16_t)(s->port + 1);
		for (unsigned li = 0; li < IL_MAX_LOCAL; li++)
			s->fd[li][0] = s->fd[li][1] = -1;
		cfg.cb = (struct ike_callbacks){ .user = s, .send = on_send, .child_up = on_child_up,
						 .ike_up = on_ike_up, .ike_down = on_ike_down, .log = on_log };
		cfg.port = s->port;
		cfg.natt_port = s->natt_port;
		cfg.ike[0] = g.base.ike[0];
		cfg.n_ike = 1;
		cfg.retransmit_ms = 1000;
		cfg.log_level = g.c.verbose ? 2 : 0;
		if (ike_ctx_create(&cfg, &s->ctx)) {
			fprintf(stderr, "ike_ctx_create failed\n");
			goto out;
		}
	}
	if ((ep = setup_sockets(&g)) < 0)
		goto out;
	g.t_start = il_now_s();
	uint64_t t0 = il_now_ms(), next_tick = t0 + g.tick_ms, hold_until = 0, drain_until = 0;
	if (g.duration_s)
		g.t_end_ms = t0 + 1000ull * g.duration_s;
	int held = 0;
	while (!il_stop) {
		uint64_t now = il_now_ms();
		int more = (!g.count || g.started < g.count) && (!g.t_end_ms || now < g.t_end_ms);
		for (unsigned k = 0; more && k < 32 && g.inflight < g.conc; k++) {
			if (start_one(&g, now))
				break;
			more = !g.count || g.started < g.count;
		}
		struct epoll_event ev[64];
		int n = epoll_wait(ep, ev, 64, more && g.inflight < g.conc ? 0 : 5);
		for (int i = 0; i < n; i++)
			receive(&g, ev[i].data.u64);
		now = il_now_ms();
		if (now >= next_tick) {
			for (unsigned si = 0; si < g.n_sh; si++)
				ike_ctx_tick(g.sh[si].ctx, now);
			run_deletes(&g, now);
			next_tick = now + g.tick_ms;
		}
		if (il_report) {
			il_report = 0;
			printf("ikeload-gen progress established=%u inflight=%u errors=%u\n", g.established,
			       g.inflight, g.errors);
			fflush(stdout);
		}
		if (more)
			continue;
		if (g.keep && g.count && g.established + g.errors >= g.count && !held) {
			held = 1;
			for (unsigned i = 0; i < g.nrec; i++)
				g.child_missing += g.rec[i].state == ST_UP && !g.rec[i].child_ok;
			report(&g, g.t_last_up - g.t_start);
			printf("ikeload-gen held=%u\n", g.established);
			fflush(stdout);
			hold_until = g.hold_s ? now + 1000ull * g.hold_s : UINT64_MAX;
		}
		if (held && now >= hold_until)
			break;
		if (!g.keep && g.inflight == 0)
			break;
		if (!g.keep && !drain_until)
			drain_until = now + 15000; /* retransmissions: 1 + 2 + 4 + 8 s */
		if (!g.keep && now >= drain_until)
			break;
	}
	g.unfinished = held ? 0 : g.inflight;
	if (!held) {
		double el = g.t_last_up > g.t_start ? g.t_last_up - g.t_start : 0;
		report(&g, el);
	}
	rc = g.errors || g.unfinished || g.child_missing ? 3 : 0;
out:
	if (ep >= 0)
		close(ep);
	for (unsigned si = 0; g.sh && si < g.n_sh; si++) {
		ike_ctx_destroy(g.sh[si].ctx);
		for (unsigned li = 0; li < g.n_local; li++)
			for (int k = 0; k < 2; k++)
				if (g.sh[si].fd[li][k] >= 0)
					close(g.sh[si].fd[li][k]);
	}
	if (g.keys)
		fclose(g.keys);
	free(g.sh);
	free(g.rec);
	free(g.bucket);
	free(g.pend);
	free(g.lat_ms);
	return rc;
}
