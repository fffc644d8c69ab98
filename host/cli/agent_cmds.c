/* SPDX-License-Identifier: Apache-2.0 */
/* `vrfsec show|clear|reload|raw`: one JSON request to vrfsecd's control socket, the reply as a
 * table (or as JSON with --json). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"

static json_t *request(const char *sock, json_t *req)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *out = json_dumps(req, JSON_COMPACT), *buf = NULL;
	size_t len = 0, cap = 0;
	json_error_t jerr;
	json_t *rep = NULL;
	int fd;

	json_decref(req);
	if (!out)
		return NULL;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "vrfsec: cannot reach vrfsecd at %s: %s (is it running? -s SOCKET)\n",
			sock, strerror(errno));
		goto out;
	}
	if (write(fd, out, strlen(out)) < 0 || write(fd, "\n", 1) < 0) {
		fprintf(stderr, "vrfsec: %s: %s\n", sock, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (!nb)
				goto out;
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (!buf || !len) {
		fprintf(stderr, "vrfsec: vrfsecd closed the connection without a reply\n");
		goto out;
	}
	buf[len] = '\0';
	rep = json_loads(buf, 0, &jerr);
	if (!rep)
		fprintf(stderr, "vrfsec: bad reply: %s\n", jerr.text);
out:
	if (fd >= 0)
		close(fd);
	free(out);
	free(buf);
	return rep;
}

static const char *s_(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "-";
}

static long long i_(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void print_sessions(json_t *arr)
{
	size_t i;
	json_t *s;

	printf("%-4s %-28s %-12s %-8s %-22s %-16s %s\n", "ID", "IDENTITY", "PROFILE", "VRF", "PEER",
	       "VIRTUAL IP", "CHILDREN (id in/out spi)");
	json_array_foreach(arr, i, s) {
		char peer[64], kids[256] = "";
		size_t k, o = 0;
		json_t *c, *vips = json_object_get(s, "virtual_ips");

		snprintf(peer, sizeof(peer), "%s:%lld%s", s_(s, "peer"), i_(s, "peer_port"),
			 json_is_true(json_object_get(s, "nat_t")) ? " nat" : "");
		json_array_foreach(json_object_get(s, "children"), k, c)
			if (o < sizeof(kids))
				o += (size_t)snprintf(kids + o, sizeof(kids) - o, "%s%lld %s/%s%s",
						      o ? ", " : "", i_(c, "id"), s_(c, "spi_in"),
						      s_(c, "spi_out"),
						      strcmp(s_(c, "state"), "installed") ? " (draining)" : "");
		printf("%-4lld %-28s %-12s %-8s %-22s %-16s %s\n", i_(s, "id"), s_(s, "identity"),
		       s_(s, "profile"), s_(s, "vrf"), peer,
		       json_array_size(vips) ? json_string_value(json_array_get(vips, 0)) : "-", kids);
	}
	printf("%zu session%s\n", json_array_size(arr), json_array_size(arr) == 1 ? "" : "s");
}

static void print_sa(json_t *arr)
{
	size_t i;
	json_t *s;

	printf("%-6s %-4s %-11s %-8s %-6s %-8s %-16s %-10s %-12s %s\n", "SA", "DIR", "SPI", "SESSION",
	       "CHILD", "VRF", "PEER", "PACKETS", "BYTES", "DROPS");
	json_array_foreach(arr, i, s)
		printf("%-6lld %-4s %-11s %-8lld %-6lld %-8s %-16s %-10lld %-12lld %lld%s\n", i_(s, "sa"),
		       s_(s, "dir"), s_(s, "spi"), i_(s, "session"), i_(s, "child"), s_(s, "vrf"),
		       s_(s, "peer"), i_(s, "packets"), i_(s, "bytes"), i_(s, "drops"),
		       strcmp(s_(s, "state"), "installed") ? " draining" : "");
	printf("%zu SA%s\n", json_array_size(arr), json_array_size(arr) == 1 ? "" : "s");
}

static void print_vrf(json_t *arr)
{
	size_t i;
	json_t *v;

	printf("%-12s %-5s %-9s %-8s %-9s %-7s %-7s %-10s %-10s %s\n", "VRF", "ID", "VPN LABEL", "TTL",
	       "SESSIONS", "STATIC", "TUNNEL", "RX PKTS", "TX PKTS", "PROFILES");
	json_array_foreach(arr, i, v) {
		char prof[128] = "";
		size_t k, o = 0;
		json_t *p;

		json_array_foreach(json_object_get(v, "profiles"), k, p)
			if (o < sizeof(prof))
				o += (size_t)snprintf(prof + o, sizeof(prof) - o, "%s%s", o ? "," : "",
						      json_string_value(p));
		printf("%-12s %-5lld %-9lld %-8s %-9lld %-7lld %-7lld %-10lld %-10lld %s\n", s_(v, "name"),
		       i_(v, "id"), i_(v, "vpn_label"), s_(v, "ttl_mode"), i_(v, "sessions"),
		       i_(v, "static_routes"), i_(v, "tunnel_routes"), i_(v, "rx_packets"),
		       i_(v, "tx_packets"), o ? prof : "-");
	}
}

static void print_routes(json_t *arr)
{
	size_t i;
	json_t *r;

	printf("%-12s %-24s %-7s %-5s %s\n", "VRF", "PREFIX", "KIND", "NH", "VIA");
	json_array_foreach(arr, i, r)
		printf("%-12s %-24s %-7s %-5lld %s\n", s_(r, "vrf"), s_(r, "prefix"), s_(r, "kind"),
		       i_(r, "nh"), s_(r, "via"));
	printf("%zu route%s\n", json_array_size(arr), json_array_size(arr) == 1 ? "" : "s");
}

static void print_kv(const char *title, json_t *o)
{
	const char *k;
	json_t *v;

	printf("%s:\n", title);
	json_object_foreach(o, k, v)
		if (json_integer_value(v) || !strcmp(title, "agent"))
			printf("  %-24s %lld\n", k, json_integer_value(v));
}

static void print_counters(json_t *o)
{
	print_kv("agent", json_object_get(o, "agent"));
	print_kv("punted frames by reason", json_object_get(o, "punt_reasons"));
	print_kv("card (non-zero)", json_object_get(o, "card"));
}

static void print_neighbors(json_t *arr)
{
	size_t i;
	json_t *n;

	printf("%-40s %-18s %-10s %s\n", "ADDRESS", "MAC", "STATE", "QUEUED");
	json_array_foreach(arr, i, n)
		printf("%-40s %-18s %-10s %lld\n", s_(n, "address"), s_(n, "mac"), s_(n, "state"),
		       i_(n, "queued"));
}

static void print_status(json_t *o)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);

		printf("%-16s %s\n", k, s ? s : json_string_value(v));
		free(s);
	}
}

static int show(const char *sock, const char *what, bool as_json)
{
	static const struct {
		const char *name;
		void (*print)(json_t *v);
	} views[] = { { "sessions", print_sessions }, { "sa", print_sa },	   { "vrf", print_vrf },
		      { "routes", print_routes },     { "counters", print_counters },
		      { "neighbors", print_neighbors }, { "status", print_status } };
	json_t *rep;
	size_t i;
	int rc = 1;

	for (i = 0; i < sizeof(views) / sizeof(views[0]) && strcmp(views[i].name, what); i++)
		;
	if (i == sizeof(views) / sizeof(views[0])) {
		fprintf(stderr, "vrfsec show: unknown view '%s' (sessions, sa, vrf, routes, counters, neighbors, status)\n",
			what);
		return 2;
	}
	rep = request(sock, json_pack("{s:s, s:s}", "cmd", "show", "what", what));
	if (!rep)
		return 1;
	if (!json_is_true(json_object_get(rep, "ok"))) {
		fprintf(stderr, "vrfsec: %s\n", s_(rep, "error"));
	} else if (as_json) {
		char *s = json_dumps(json_object_get(rep, what), JSON_INDENT(2) | JSON_ENCODE_ANY);

		printf("%s\n", s ? s : "null");
		free(s);
		rc = 0;
	} else {
		views[i].print(json_object_get(rep, what));
		rc = 0;
	}
	json_decref(rep);
	return rc;
}

static int simple(const char *sock, json_t *req, bool as_json)
{
	json_t *rep = request(sock, req);
	int ok;

	if (!rep)
		return 1;
	ok = json_is_true(json_object_get(rep, "ok"));
	if (as_json) {
		char *s = json_dumps(rep, JSON_INDENT(2));

		printf("%s\n", s ? s : "null");
		free(s);
	} else if (!ok) {
		fprintf(stderr, "vrfsec: %s\n", s_(rep, "error"));
	} else if (json_object_get(rep, "message")) {
		printf("%s\n", s_(rep, "message"));
	} else {
		char *s = json_dumps(rep, JSON_COMPACT);

		printf("%s\n", s ? s : "ok");
		free(s);
	}
	json_decref(rep);
	return ok ? 0 : 1;
}

int cli_agent(const char *sock, int argc, char **argv)
{
	bool as_json = false;
	int n = 0;
	char *args[8];

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			as_json = true;
		else if (n < 8)
			args[n++] = argv[i];
	}
	if (n == 2 && !strcmp(args[0], "show"))
		return show(sock, args[1], as_json);
	if (n == 3 && !strcmp(args[0], "clear") && !strcmp(args[1], "session")) {
		char *end;
		long long id = strtoll(args[2], &end, 10);

		if (*end || id <= 0) {
			fprintf(stderr, "vrfsec clear session: '%s' is not a session id\n", args[2]);
			return 2;
		}
		return simple(sock, json_pack("{s:s, s:I}", "cmd", "clear-session", "id", (json_int_t)id),
			      as_json);
	}
	if (n == 1 && !strcmp(args[0], "reload"))
		return simple(sock, json_pack("{s:s}", "cmd", "reload"), as_json);
	if (n == 2 && !strcmp(args[0], "raw")) {
		json_error_t jerr;
		json_t *req = json_loads(args[1], 0, &jerr);

		if (!req) {
			fprintf(stderr, "vrfsec raw: %s\n", jerr.text);
			return 2;
		}
		return simple(sock, req, true);
	}
	return -1;
}
