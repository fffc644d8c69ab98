/* SPDX-License-Identifier: Apache-2.0 */
/* The control socket: a unix stream socket, one JSON request line per connection, one JSON
 * reply line. Commands: show (sessions, sa, vrf, routes, counters, neighbors, status),
 * clear-session, reload, and the test hook session-inject. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "show.h"

#define EV_CLIENT 100u

int ctl_open(struct agent *a)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	int fd;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", a->cfg->g.control);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(sun.sun_path); /* a stale socket of an earlier run */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || chmod(sun.sun_path, 0600) != 0 ||
	    listen(fd, 16) != 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	ev.data.u64 = 3;
	if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	a->lfd = fd;
	return 0;
}

static void client_close(struct agent *a, struct ctl_client *c)
{
	for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++)
		if (a->clients[i] == c)
			a->clients[i] = NULL;
	epoll_ctl(a->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	explicit_bzero(c->buf, sizeof(c->buf)); /* a test hook request carries (made-up) keys */
	free(c);
}

void ctl_close(struct agent *a)
{
	for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++)
		if (a->clients[i])
			client_close(a, a->clients[i]);
	if (a->lfd >= 0) {
		close(a->lfd);
		unlink(a->cfg->g.control);
	}
	a->lfd = -1;
}

void ctl_accept(struct agent *a)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct ctl_client *c;
		unsigned slot;
		int fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		for (slot = 0; slot < CTL_MAX_CLIENTS && a->clients[slot]; slot++)
			;
		c = slot < CTL_MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			static const char busy[] = "{\"ok\":false,\"error\":\"busy\"}\n";

			if (write(fd, busy, sizeof(busy) - 1) < 0)
				log_debug("control: busy reply lost");
			close(fd);
			continue;
		}
		c->fd = fd;
		ev.data.u64 = EV_CLIENT + slot;
		if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			free(c);
			continue;
		}
		a->clients[slot] = c;
	}
}

static json_t *err_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *err_reply(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

static json_t *ok_reply(const char *key, json_t *v)
{
	json_t *o = json_pack("{s:b}", "ok", 1);

	json_object_set_new(o, key, v);
	return o;
}

static json_t *do_show(struct agent *a, const char *what)
{
	static const struct {
		const char *name;
		json_t *(*fn)(struct agent *a);
	} views[] = { { "sessions", show_sessions }, { "sa", show_sa },
		      { "vrf", show_vrf },	     { "routes", show_routes },
		      { "counters", show_counters }, { "neighbors", show_neighbors },
		      { "status", show_status } };

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (!strcmp(views[i].name, what))
			return ok_reply(what, views[i].fn(a));
	return err_reply("show: unknown view '%s' (sessions, sa, vrf, routes, counters, neighbors, status)",
			 what);
}

static int hex_keys(const char *hex, struct sa_keys *k)
{
	uint8_t b[36];
	size_t n = hex ? strlen(hex) : 0, len = n / 2;

	if (n % 2 || (len != 20 && len != 36))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		b[i] = (uint8_t)v;
	}
	k->key_len = (uint8_t)(len - 4);
	memcpy(k->key, b, k->key_len);
	memcpy(k->salt, b + k->key_len, 4);
	explicit_bzero(b, sizeof(b));
	return 0;
}

/* Test hook: a session as IKE would make it, with made-up keys given in the request. Refused
 * unless the configuration sets global.test_hooks. */
static json_t *do_inject(struct agent *a, json_t *req)
{
	const char *ident = NULL, *peer = NULL, *kin = NULL, *kout = NULL, *vip = NULL;
	json_int_t port = 4500, spi_in = 0, spi_out = 0;
	int udp = 1, esn = 0;
	json_t *ts = NULL, *rep;
	struct session_params sp = { 0 };
	struct child_params cp = { 0 };
	const struct cfg_profile *prof;
	struct session *s;
	struct ipaddr got;
	uint32_t child;
	char va[ADDR_STRLEN];
	int rc;

	if (!a->cfg->g.test_hooks)
		return err_reply("session-inject is a test hook: set global.test_hooks = true");
	if (json_unpack(req, "{s:s, s:s, s?I, s?b, s:I, s:I, s:s, s:s, s?b, s?s, s?o}", "identity",
			&ident, "peer", &peer, "peer_port", &port, "udp", &udp, "spi_in", &spi_in,
			"spi_out", &spi_out, "key_in", &kin, "key_out", &kout, "esn", &esn, "vip",
			&vip, "remote_ts", &ts) != 0)
		return err_reply("session-inject wants identity, peer, spi_in, spi_out, key_in, key_out "
				 "(hex key+salt) and optionally peer_port, udp, esn, vip, remote_ts");
	if (ident_parse(ident, &sp.peer_id) != 0)
		return err_reply("identity '%s' cannot be parsed", ident);
	prof = config_match_profile(a->cfg, &sp.peer_id, NULL);
	if (!prof)
		return err_reply("no profile matches identity '%s'", ident);
	if (addr_parse(peer, &sp.peer) != 0)
		return err_reply("peer '%s' is not an address", peer);
	sp.profile = prof->name;
	sp.peer_port = (uint16_t)port;
	sp.udp_encap = udp;
	cp.spi_in = (uint32_t)spi_in;
	cp.spi_out = (uint32_t)spi_out;
	cp.esn = esn;
	if (hex_keys(kin, &cp.in) || hex_keys(kout, &cp.out)) {
		explicit_bzero(&cp, sizeof(cp));
		return err_reply("keys are hex of a 16 or 32-byte key followed by the 4-byte salt");
	}
	for (size_t i = 0; ts && json_is_array(ts) && i < json_array_size(ts) && i < CFG_MAX_TS; i++) {
		const char *p = json_string_value(json_array_get(ts, i));

		if (!p || prefix_parse(p, &cp.remote[cp.n_remote++]) != 0) {
			explicit_bzero(&cp, sizeof(cp));
			return err_reply("remote_ts entries are prefixes");
		}
	}
	rc = session_create(&a->sm, &sp, &s);
	if (rc) {
		explicit_bzero(&cp, sizeof(cp));
		return err_reply("session: %s", strerror(-rc));
	}
	if (prof->n_pools && !cp.n_remote) {
		struct ipaddr want = { 0 };

		if (vip && strcmp(vip, "auto") && addr_parse(vip, &want) != 0) {
			explicit_bzero(&cp, sizeof(cp));
			session_down(s);
			return err_reply("vip '%s' is not an address", vip);
		}
		rc = session_lease_vip(s, want.af ? want.af : 4, want.af ? &want : NULL, &got);
		if (rc) {
			explicit_bzero(&cp, sizeof(cp));
			session_down(s);
			return err_reply("no virtual IP: %s", strerror(-rc));
		}
	}
	rc = child_up(s, &cp, &child); /* wipes cp's keys */
	/* a test hook may wait for the card: the reply says whether the child is in */
	if (rc == 0 && card_settle(&a->card, 0) == 0 && !session_child(s, child))
		rc = -EIO;
	if (rc) {
		session_down(s);
		return err_reply("child_up: %s", rc == -EHOSTUNREACH ? "next hop MAC unknown (ARP sent; retry)"
								    : strerror(-rc));
	}
	rep = json_pack("{s:b, s:I, s:I, s:s, s:s}", "ok", 1, "session", (json_int_t)s->id, "child",
			(json_int_t)child, "profile", prof->name, "vrf", s->vrf_name);
	if (s->vip[0].af || s->vip[1].af)
		json_object_set_new(rep, "vip", json_string(addr_str(s->vip[0].af ? &s->vip[0] : &s->vip[1],
								      va, sizeof(va))));
	return rep;
}

static json_t *handle(struct agent *a, const char *line)
{
	json_error_t jerr;
	json_t *req = json_loads(line, 0, &jerr), *rep;
	const char *cmd = NULL, *what = NULL;
	json_int_t id = 0;
	char msg[1536];

	if (!req)
		return err_reply("bad JSON: %s", jerr.text);
	if (json_unpack(req, "{s:s}", "cmd", &cmd) != 0)
		rep = err_reply("no cmd");
	else if (!strcmp(cmd, "show"))
		rep = json_unpack(req, "{s:s}", "what", &what) == 0 ? do_show(a, what)
								   : err_reply("show wants what");
	else if (!strcmp(cmd, "clear-session")) {
		if (json_unpack(req, "{s:I}", "id", &id) != 0)
			rep = err_reply("clear-session wants id");
		else if (session_clear(&a->sm, (uint32_t)id) != 0)
			rep = err_reply("no session %lld", (long long)id);
		else
			rep = json_pack("{s:b, s:I}", "ok", 1, "cleared", id);
	} else if (!strcmp(cmd, "reload")) {
		int rc = agent_reload(a, msg, sizeof(msg));

		rep = json_pack("{s:b, s:s}", "ok", rc == 0, rc ? "error" : "message", msg);
	} else if (!strcmp(cmd, "session-inject")) {
		rep = do_inject(a, req);
	} else {
		rep = err_reply("unknown cmd '%s'", cmd);
	}
	json_decref(req);
	return rep;
}

void ctl_readable(struct agent *a, struct ctl_client *c)
{
	ssize_t r = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;
	json_t *rep;
	char *out;

	if (r <= 0) {
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		client_close(a, c);
		return;
	}
	c->len += (uint32_t)r;
	c->buf[c->len] = '\0';
	nl = strchr(c->buf, '\n');
	if (!nl) {
		if (c->len + 1 >= sizeof(c->buf))
			client_close(a, c);
		return;
	}
	*nl = '\0';
	a->st.ctl_requests++;
	a->now_ms = agent_now_ms();
	rep = handle(a, c->buf);
	out = json_dumps(rep, JSON_COMPACT);
	json_decref(rep);
	if (out) {
		/* blocking for the reply: a few kilobytes to a local client */
		size_t len = strlen(out), off = 0;
		int fl = fcntl(c->fd, F_GETFL);

		fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
		while (off < len) {
			ssize_t w = write(c->fd, out + off, len - off);

			if (w <= 0)
				break;
			off += (size_t)w;
		}
		if (write(c->fd, "\n", 1) < 0)
			log_debug("control: client left");
		free(out);
	}
	client_close(a, c);
}
