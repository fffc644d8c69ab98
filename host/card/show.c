/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-card read-side commands: info, blocks, counters, sa list; data path on/off, table reset. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"

static int no_more(struct args *a)
{
	if (!arg_done(a)) {
		arg_error(a, "unexpected '%s'", a->argv[a->i]);
		return EXIT_USAGE;
	}
	return 0;
}

static const char *kind_name(uint32_t k)
{
	return k == VRFSEC_ABI_CARD_SIM ? "simulator" : k == VRFSEC_ABI_CARD_FPGA ? "fpga" : "?";
}

int cmd_info(struct ctx *c, struct args *a)
{
	struct vrfsec_info in;
	int rc = no_more(a);

	if (rc)
		return rc;
	rc = vrfsec_info_get(c->dev, &in);
	if (rc)
		return report(c, "info", rc);
	if (c->json) {
		struct jw w;

		jw_init(&w, stdout);
		jw_obj(&w, NULL);
		jw_str(&w, "device", in.spec);
		jw_str(&w, "backend", in.backend);
		jw_u64(&w, "abi_version", in.abi_version);
		jw_str(&w, "card_kind", kind_name(in.card_kind));
		jw_u64(&w, "fw_major", in.fw_version >> 16);
		jw_u64(&w, "fw_minor", in.fw_version & 0xffff);
		jw_str(&w, "engine", vrfsec_engine_str(in.engine));
		jw_hex(&w, "caps", in.caps);
		jw_u64(&w, "ports", in.n_ports);
		jw_bool(&w, "ready", in.status & 1u);
		jw_bool(&w, "fault", in.status & 2u);
		jw_bool(&w, "datapath", in.control & 1u);
		jw_u64(&w, "heartbeat", in.heartbeat);
		jw_u64(&w, "host_mem_size", in.host_mem_size);
		jw_obj(&w, "capacity");
		jw_u64(&w, "sa", in.max_sa);
		jw_u64(&w, "vrf", in.max_vrf);
		jw_u64(&w, "nh", in.max_nh);
		jw_u64(&w, "fib_nodes", in.fib_nodes);
		jw_u64(&w, "fib_routes", in.fib_routes);
		jw_u64(&w, "replay_window", in.replay_max);
		jw_u64(&w, "labels", in.label_space);
		jw_u64(&w, "max_frame", in.max_frame);
		jw_end_obj(&w);
		jw_obj(&w, "counters");
		jw_u64(&w, "global", in.n_global);
		jw_u64(&w, "vrf", in.n_vrf);
		jw_u64(&w, "sa", in.n_sa);
		jw_end_obj(&w);
		if (in.has_ports) {
			jw_obj(&w, "port_settings");
			jw_u64(&w, "natt_port", in.natt_port);
			jw_u64(&w, "ike_port", in.ike_port);
			jw_u64(&w, "core_mtu", in.core_mtu);
			jw_u64(&w, "inside_mtu", in.inside_mtu);
			jw_end_obj(&w);
		}
		jw_end_obj(&w);
		jw_done(&w);
		return 0;
	}
	printf("device      %s (%s backend, %s)\n", in.spec, in.backend, kind_name(in.card_kind));
	printf("abi         %u\n", in.abi_version);
	printf("firmware    %u.%u\n", in.fw_version >> 16, in.fw_version & 0xffff);
	printf("engine      %s (engines built in:%s%s%s)\n", vrfsec_engine_str(in.engine),
	       in.caps & 1 ? " cmodel" : "", in.caps & 2 ? " cpu" : "", in.caps & 4 ? " rtl" : "");
	printf("state       %s%s, data path %s, heartbeat %u\n", in.status & 1 ? "ready" : "not ready",
	       in.status & 2 ? ", FAULT" : "", in.control & 1 ? "on" : "off", in.heartbeat);
	printf("ports       %u\n", in.n_ports);
	printf("host memory %u MiB\n", in.host_mem_size >> 20);
	printf("capacity    sa %u, vrf %u, nh %u, fib nodes %u, fib routes %u, labels %u\n",
	       in.max_sa, in.max_vrf, in.max_nh, in.fib_nodes, in.fib_routes, in.label_space);
	printf("            replay window %u bits, largest frame %u bytes\n", in.replay_max,
	       in.max_frame);
	printf("counters    %u global, %u per VRF, %u per SA\n", in.n_global, in.n_vrf, in.n_sa);
	if (in.has_ports)
		printf("settings    NAT-T port %u, IKE port %u, core MTU %u, inside MTU %u\n",
		       in.natt_port, in.ike_port, in.core_mtu, in.inside_mtu);
	return 0;
}

int cmd_blocks(struct ctx *c, struct args *a)
{
	struct vrfsec_block b[32];
	int n = no_more(a);

	if (n)
		return n;
	n = vrfsec_blocks_get(c->dev, b, 32);
	if (c->json) {
		struct jw w;

		jw_init(&w, stdout);
		jw_arr(&w, NULL);
		for (int i = 0; i < n && i < 32; i++) {
			jw_obj(&w, NULL);
			jw_hex(&w, "offset", b[i].offset);
			jw_hex(&w, "type", b[i].type);
			jw_str(&w, "name", b[i].name);
			jw_u64(&w, "version", b[i].version);
			jw_hex(&w, "size", b[i].size);
			jw_hex(&w, "next", b[i].next);
			jw_bool(&w, "used", b[i].used);
			jw_end_obj(&w);
		}
		jw_end_arr(&w);
		jw_done(&w);
		return 0;
	}
	printf("%-8s %-6s %-9s %-7s %-7s %-8s %s\n", "offset", "type", "name", "version", "size",
	       "next", "");
	for (int i = 0; i < n && i < 32; i++)
		printf("0x%04x   0x%04x %-9s %-7u 0x%04x  0x%04x   %s\n", b[i].offset, b[i].type,
		       b[i].name, b[i].version, b[i].size, b[i].next,
		       b[i].used ? "" : "(skipped: unknown type or version)");
	return 0;
}

static bool vrf_zero(const struct vrfsec_snap_vrf *v)
{
	return !v->rx_packets && !v->tx_packets && !v->drops;
}

static bool sa_zero(const struct vrfsec_snap_sa *s)
{
	return !s->packets && !s->drops;
}

int cmd_counters(struct ctx *c, struct args *a)
{
	struct vrfsec_snapshot *s;
	int rc = no_more(a);

	if (rc)
		return rc;
	rc = vrfsec_snapshot_read(c->dev, &s);
	if (rc)
		return report(c, "counters", rc);
	if (c->json) {
		struct jw w;

		jw_init(&w, stdout);
		jw_obj(&w, NULL);
		jw_u64(&w, "time_ns", s->time_ns);
		jw_obj(&w, "global");
		for (uint32_t i = 0; i < s->n_global; i++) {
			char name[24];
			const char *n = vrfsec_counter_str(i);

			if (!n) {
				snprintf(name, sizeof(name), "counter_%u", i);
				n = name;
			}
			jw_u64(&w, n, s->global[i]);
		}
		jw_end_obj(&w);
		jw_arr(&w, "vrf");
		for (uint32_t i = 0; i < s->n_vrf; i++) {
			if (!c->all && vrf_zero(&s->vrf[i]))
				continue;
			jw_obj(&w, NULL);
			jw_u64(&w, "vrf", i);
			jw_u64(&w, "rx_packets", s->vrf[i].rx_packets);
			jw_u64(&w, "rx_bytes", s->vrf[i].rx_bytes);
			jw_u64(&w, "tx_packets", s->vrf[i].tx_packets);
			jw_u64(&w, "tx_bytes", s->vrf[i].tx_bytes);
			jw_u64(&w, "drops", s->vrf[i].drops);
			jw_end_obj(&w);
		}
		jw_end_arr(&w);
		jw_arr(&w, "sa");
		for (uint32_t i = 0; i < s->n_sa; i++) {
			if (!c->all && sa_zero(&s->sa[i]))
				continue;
			jw_obj(&w, NULL);
			jw_u64(&w, "sa", i);
			jw_u64(&w, "packets", s->sa[i].packets);
			jw_u64(&w, "bytes", s->sa[i].bytes);
			jw_u64(&w, "drops", s->sa[i].drops);
			jw_end_obj(&w);
		}
		jw_end_arr(&w);
		jw_end_obj(&w);
		jw_done(&w);
	} else {
		printf("card time %" PRIu64 " ns\n", s->time_ns);
		for (uint32_t i = 0; i < s->n_global; i++) {
			const char *n = vrfsec_counter_str(i);

			if (c->all || s->global[i])
				printf("  %-16s %20" PRIu64 "  %s\n", n ? n : "?", s->global[i],
				       n ? vrfsec_counter_desc(i) : "");
		}
		for (uint32_t i = 0; i < s->n_vrf; i++)
			if (c->all || !vrf_zero(&s->vrf[i]))
				printf("vrf %-5u rx %" PRIu64 " pkts %" PRIu64 " bytes, tx %" PRIu64
				       " pkts %" PRIu64 " bytes, drops %" PRIu64 "\n", i,
				       s->vrf[i].rx_packets, s->vrf[i].rx_bytes, s->vrf[i].tx_packets,
				       s->vrf[i].tx_bytes, s->vrf[i].drops);
		for (uint32_t i = 0; i < s->n_sa; i++)
			if (c->all || !sa_zero(&s->sa[i]))
				printf("sa %-6u %" PRIu64 " pkts %" PRIu64 " bytes, drops %" PRIu64 "\n",
				       i, s->sa[i].packets, s->sa[i].bytes, s->sa[i].drops);
		if (!c->all)
			printf("(zero counters hidden; --all shows them)\n");
	}
	vrfsec_snapshot_free(s);
	return 0;
}

/* The card never reads an SA back (keys are write-only, and the ABI has no SA read command), so
 * what can be listed is what the counter snapshot says per SA slot. */
int cmd_sa_list(struct ctx *c, struct args *a)
{
	struct vrfsec_snapshot *s;
	uint32_t shown = 0;
	struct jw w;
	int rc = no_more(a);

	if (rc)
		return rc;
	rc = vrfsec_snapshot_read(c->dev, &s);
	if (rc)
		return report(c, "sa list", rc);
	jw_init(&w, stdout);
	if (c->json) {
		jw_obj(&w, NULL);
		jw_str(&w, "source", "counter snapshot");
		jw_str(&w, "note", "the card returns no keys, SPIs or directions; slots with "
				   "traffic are listed (--all: every slot)");
		jw_arr(&w, "sa");
	} else {
		printf("%-8s %20s %20s %12s\n", "sa", "packets", "bytes", "drops");
	}
	for (uint32_t i = 0; i < s->n_sa; i++) {
		if (!c->all && sa_zero(&s->sa[i]))
			continue;
		shown++;
		if (c->json) {
			jw_obj(&w, NULL);
			jw_u64(&w, "sa", i);
			jw_u64(&w, "packets", s->sa[i].packets);
			jw_u64(&w, "bytes", s->sa[i].bytes);
			jw_u64(&w, "drops", s->sa[i].drops);
			jw_end_obj(&w);
		} else {
			printf("%-8u %20" PRIu64 " %20" PRIu64 " %12" PRIu64 "\n", i, s->sa[i].packets,
			       s->sa[i].bytes, s->sa[i].drops);
		}
	}
	if (c->json) {
		jw_end_arr(&w);
		jw_u64(&w, "shown", shown);
		jw_u64(&w, "slots", s->n_sa);
		jw_end_obj(&w);
		jw_done(&w);
	} else {
		printf("%u of %u SA slots shown (%s). Keys, SPIs and directions are not readable "
		       "from the card.\n", shown, s->n_sa, c->all ? "all" : "slots with traffic");
	}
	vrfsec_snapshot_free(s);
	return 0;
}

int cmd_datapath(struct ctx *c, struct args *a, bool on)
{
	int rc = no_more(a);

	return rc ? rc : report(c, on ? "enable" : "disable", vrfsec_datapath_set(c->dev, on));
}

int cmd_reset(struct ctx *c, struct args *a)
{
	int rc = no_more(a);

	return rc ? rc : report(c, "reset", vrfsec_reset_tables(c->dev));
}
