/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-card DEV COMMAND...: the low-level card tool (tables, counters, register blocks). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vrfsec-card [--json] [--all] DEV COMMAND...\n"
		"DEV: sim:NAME | pci:DOMAIN:BUS:DEV.FN | pci:auto\n"
		"commands:\n"
		"  info                          identity, versions, capacities, run state\n"
		"  blocks                        the register block chain\n"
		"  counters                      counter snapshot (--all: zero counters too)\n"
		"  enable | disable              start / stop the data path\n"
		"  reset                         empty every table (SAs, keys, routes, labels, VRFs)\n"
		"  sa add IDX dir in|out spi SPI src ADDR dst ADDR key HEX|key-file FILE|-\n"
		"         [vrf N] [salt HEX8] [mode tunnel|transport] [esn] [udp SPORT DPORT]\n"
		"         [win BITS] [no-replay] [ttl N] [tos N] [dscp-copy] [ecn-copy]\n"
		"         [df copy|set|clear] [pad N] [mtu N] [flow-label N] [ipv4-id N] [seq N] [iv N]\n"
		"         [smac MAC] [dmac MAC] [ts PREFIX]... [idle SECONDS]\n"
		"         [soft-bytes N] [hard-bytes N] [soft-packets N] [hard-packets N]\n"
		"         [soft-time S] [hard-time S]\n"
		"  sa update IDX [same keywords: lifetimes, idle, mtu, udp ports]\n"
		"  sa del IDX\n"
		"  sa list                       per-SA counters (keys, SPIs never read back)\n"
		"  route add vrf N PREFIX nh N | route del vrf N PREFIX\n"
		"  nh set IDX kind none|mpls|sa|vlan|host|drop [sa N] [label L[,L,L]] [vlan N]\n"
		"         [ttl uniform|pipe] [pipe-ttl N] [mtu N] [dmac MAC] [smac MAC]\n"
		"  label add LABEL vrf N | label del LABEL\n"
		"  vrf set N [vlan N] [ttl uniform|pipe] [tc-map DSCP=TC,...]\n"
		"  port set [natt N] [ike N] [core-mtu N] [inside-mtu N] [public-mac MAC]\n"
		"         [core-mac MAC] [inside-mac MAC]   (MACs not given are written as zero)\n"
		"Keys on the command line show in ps and shell history: prefer key-file.\n"
		"Exit status: 0 done, 1 refused by the card or device, 2 bad command line.\n");
}

int report(struct ctx *c, const char *what, int rc)
{
	const struct vrfsec_result *res = vrfsec_last_result(c->dev);
	/* a card refusal carries a detail code; a device or driver failure does not */
	bool card = rc < 0 && res->status == rc && res->status != 0;

	if (c->json) {
		struct jw w;

		jw_init(&w, stdout);
		jw_obj(&w, NULL);
		jw_str(&w, "command", what);
		jw_bool(&w, "ok", rc == 0);
		if (rc) {
			jw_int(&w, "errno", -rc);
			jw_str(&w, "error", vrfsec_strerror(rc));
			jw_str(&w, "message", vrfsec_errmsg(c->dev));
			if (card) {
				jw_str(&w, "detail", vrfsec_detail_name(res->detail));
				jw_str(&w, "detail_message", vrfsec_detail_str(res->detail));
			}
		}
		jw_end_obj(&w);
		jw_done(&w);
	} else if (rc == 0) {
		printf("%s: ok\n", what);
	} else if (card) {
		fprintf(stderr, "vrfsec-card: %s: refused: %s (%s: %s)\n", what, vrfsec_strerror(rc),
			vrfsec_detail_name(res->detail), vrfsec_detail_str(res->detail));
	} else {
		fprintf(stderr, "vrfsec-card: %s: %s%s%s\n", what, vrfsec_strerror(rc),
			vrfsec_errmsg(c->dev)[0] ? ": " : "", vrfsec_errmsg(c->dev));
	}
	return rc ? EXIT_REFUSED : 0;
}

/* Commands that only read registers do not take the rings: they work beside a running agent. */
static bool needs_rings(const char *cmd)
{
	return strcmp(cmd, "info") && strcmp(cmd, "blocks") && strcmp(cmd, "enable") &&
	       strcmp(cmd, "disable") && strcmp(cmd, "reset");
}

static int run(struct ctx *c, const char *cmd, struct args *a)
{
	a->what = cmd;
	if (!strcmp(cmd, "info"))
		return cmd_info(c, a);
	if (!strcmp(cmd, "blocks"))
		return cmd_blocks(c, a);
	if (!strcmp(cmd, "counters"))
		return cmd_counters(c, a);
	if (!strcmp(cmd, "enable") || !strcmp(cmd, "disable"))
		return cmd_datapath(c, a, !strcmp(cmd, "enable"));
	if (!strcmp(cmd, "reset"))
		return cmd_reset(c, a);
	if (!strcmp(cmd, "sa"))
		return cmd_sa(c, a);
	if (!strcmp(cmd, "route"))
		return cmd_route(c, a);
	if (!strcmp(cmd, "nh"))
		return cmd_nh(c, a);
	if (!strcmp(cmd, "label"))
		return cmd_label(c, a);
	if (!strcmp(cmd, "vrf"))
		return cmd_vrf(c, a);
	if (!strcmp(cmd, "port"))
		return cmd_port(c, a);
	return EXIT_USAGE; /* unreachable: checked before opening */
}

static bool known(const char *cmd)
{
	static const char *const cmds[] = { "info", "blocks", "counters", "enable", "disable",
					    "reset", "sa", "route", "nh", "label", "vrf", "port" };

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct ctx c = { 0 };
	struct vrfsec_open_cfg cfg = { 0 };
	char err[256] = "";
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	struct args a = { 0 };
	int n = 0, rc;
	const char *cmd;

	if (!rest)
		return EXIT_REFUSED;
	/* options anywhere: --json, --all, --help; "--" ends them */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (++i < argc)
				rest[n++] = argv[i];
			break;
		}
		if (!strcmp(argv[i], "--json"))
			c.json = true;
		else if (!strcmp(argv[i], "--all"))
			c.all = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			free(rest);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "vrfsec-card: unknown option '%s'\n", argv[i]);
			free(rest);
			return EXIT_USAGE;
		} else
			rest[n++] = argv[i];
	}
	if (n < 2) {
		usage(stderr);
		free(rest);
		return EXIT_USAGE;
	}
	c.spec = rest[0];
	cmd = rest[1];
	if (!known(cmd)) {
		fprintf(stderr, "vrfsec-card: unknown command '%s' (see --help)\n", cmd);
		free(rest);
		return EXIT_USAGE;
	}
	cfg.errbuf = err;
	cfg.errbuf_len = sizeof(err);
	if (!needs_rings(cmd))
		cfg.flags = VRFSEC_OPEN_NO_ENABLE;
	rc = vrfsec_open_ex(&c.dev, c.spec, &cfg);
	if (rc) {
		if (c.json) {
			struct jw w;

			jw_init(&w, stdout);
			jw_obj(&w, NULL);
			jw_str(&w, "command", cmd);
			jw_bool(&w, "ok", false);
			jw_int(&w, "errno", -rc);
			jw_str(&w, "error", vrfsec_strerror(rc));
			jw_str(&w, "message", err);
			jw_end_obj(&w);
			jw_done(&w);
		} else {
			fprintf(stderr, "vrfsec-card: %s\n", err[0] ? err : vrfsec_strerror(rc));
		}
		free(rest);
		return rc == -EINVAL ? EXIT_USAGE : EXIT_REFUSED;
	}
	a.argc = n;
	a.argv = rest;
	a.i = 2;
	rc = run(&c, cmd, &a);
	vrfsec_close(c.dev);
	free(rest);
	return rc;
}
