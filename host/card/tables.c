/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-card table commands: sa, route, nh, label, vrf and port settings, as keyword lists. */
#include <string.h>

#include "card.h"

#define KW(s) (strcmp(kw, (s)) == 0)

/* Lifetimes and the rest of an SA, shared by add and update. Returns false on a bad argument. */
static bool sa_options(struct args *a, struct vrfsec_sa_cfg *sa, bool *have_key, bool *have_spi,
		       bool *have_dir)
{
	const char *kw, *v;
	uint64_t n;
	size_t len;

	while ((kw = arg_next(a)) != NULL) {
		if (KW("esn") || KW("no-replay") || KW("dscp-copy") || KW("ecn-copy")) {
			if (KW("esn"))
				sa->esn = true;
			else if (KW("no-replay"))
				sa->no_replay = true;
			else if (KW("dscp-copy"))
				sa->dscp_copy = true;
			else
				sa->ecn_copy = true;
			continue;
		}
		if (!(v = arg_need(a, kw)))
			return false;
		if (KW("dir")) {
			if (strcmp(v, "in") && strcmp(v, "out")) {
				arg_error(a, "'dir' wants in or out, not '%s'", v);
				return false;
			}
			sa->dir = strcmp(v, "in") == 0 ? VRFSEC_SA_IN : VRFSEC_SA_OUT;
			*have_dir = true;
		} else if (KW("mode")) {
			if (strcmp(v, "tunnel") && strcmp(v, "transport")) {
				arg_error(a, "'mode' wants tunnel or transport, not '%s'", v);
				return false;
			}
			sa->mode = strcmp(v, "tunnel") == 0 ? VRFSEC_SA_TUNNEL : VRFSEC_SA_TRANSPORT;
		} else if (KW("df")) {
			if (!strcmp(v, "copy"))
				sa->df_mode = VRFSEC_SA_DF_COPY;
			else if (!strcmp(v, "set"))
				sa->df_mode = VRFSEC_SA_DF_SET;
			else if (!strcmp(v, "clear"))
				sa->df_mode = VRFSEC_SA_DF_CLEAR;
			else {
				arg_error(a, "'df' wants copy, set or clear, not '%s'", v);
				return false;
			}
		} else if (KW("spi")) {
			if (!parse_u64(a, kw, v, 1, 0xffffffffu, &n))
				return false;
			sa->spi = (uint32_t)n;
			*have_spi = true;
		} else if (KW("vrf") || KW("win") || KW("mtu") || KW("ipv4-id") || KW("idle")) {
			if (!parse_u64(a, kw, v, 0, 0xffff, &n))
				return false;
			if (KW("vrf"))
				sa->vrf = (uint16_t)n;
			else if (KW("win"))
				sa->win = (uint16_t)n;
			else if (KW("mtu"))
				sa->mtu = (uint16_t)n;
			else if (KW("ipv4-id"))
				sa->ipv4_id = (uint16_t)n;
			else
				sa->idle_s = (uint16_t)n;
		} else if (KW("ttl") || KW("tos") || KW("pad")) {
			if (!parse_u64(a, kw, v, 0, 255, &n))
				return false;
			if (KW("ttl"))
				sa->ttl = (uint8_t)n;
			else if (KW("tos"))
				sa->tos = (uint8_t)n;
			else
				sa->pad_extra = (uint8_t)n;
		} else if (KW("flow-label")) {
			if (!parse_u64(a, kw, v, 0, 0xfffff, &n))
				return false;
			sa->flow_label = (uint32_t)n;
		} else if (KW("src") || KW("dst")) {
			uint8_t af;

			if (!parse_addr(a, kw, v, KW("src") ? sa->src : sa->dst, &af))
				return false;
			if (sa->outer_af && sa->outer_af != af) {
				arg_error(a, "src and dst must both be IPv4 or both IPv6");
				return false;
			}
			sa->outer_af = af;
		} else if (KW("udp")) {
			const char *d = arg_need(a, "udp DPORT");

			if (!d || !parse_u64(a, "udp SPORT", v, 0, 0xffff, &n))
				return false;
			sa->udp_sport = (uint16_t)n;
			if (!parse_u64(a, "udp DPORT", d, 0, 0xffff, &n))
				return false;
			sa->udp_dport = (uint16_t)n;
			sa->udp = true;
		} else if (KW("seq") || KW("iv")) {
			if (!parse_u64(a, kw, v, 0, UINT64_MAX, &n))
				return false;
			*(KW("seq") ? &sa->seq : &sa->iv) = n;
		} else if (KW("smac") || KW("dmac")) {
			if (!parse_mac(a, kw, v, KW("smac") ? sa->smac : sa->dmac))
				return false;
		} else if (KW("key") || KW("key-file")) {
			bool ok = KW("key") ? parse_hex(a, kw, v, sa->key, 16, 32, &len)
					    : parse_hex_file(a, kw, v, sa->key, 16, 32, &len);

			if (!ok)
				return false;
			if (len != 16 && len != 24 && len != 32) {
				arg_error(a, "'%s' wants 16, 24 or 32 bytes (AES-128/192/256), got %zu",
					  kw, len);
				return false;
			}
			sa->key_len = (uint8_t)len;
			*have_key = true;
		} else if (KW("salt")) {
			if (!parse_hex(a, kw, v, sa->salt, 4, 4, &len))
				return false;
		} else if (KW("ts")) {
			struct vrfsec_ts_cfg *t;

			if (sa->n_ts == VRFSEC_SA_MAX_TS) {
				arg_error(a, "at most %u traffic selectors", VRFSEC_SA_MAX_TS);
				return false;
			}
			t = &sa->ts[sa->n_ts];
			if (!parse_prefix(a, kw, v, t->addr, &t->af, &t->plen))
				return false;
			sa->n_ts++;
		} else if (KW("soft-bytes") || KW("hard-bytes") || KW("soft-packets") ||
			   KW("hard-packets")) {
			if (!parse_u64(a, kw, v, 0, UINT64_MAX, &n))
				return false;
			if (KW("soft-bytes"))
				sa->soft.bytes = n;
			else if (KW("hard-bytes"))
				sa->hard.bytes = n;
			else if (KW("soft-packets"))
				sa->soft.packets = n;
			else
				sa->hard.packets = n;
		} else if (KW("soft-time") || KW("hard-time")) {
			if (!parse_u64(a, kw, v, 0, 0xffffffffu, &n))
				return false;
			(KW("soft-time") ? &sa->soft : &sa->hard)->seconds = (uint32_t)n;
		} else {
			arg_error(a, "unknown keyword '%s' (see vrfsec-card --help)", kw);
			return false;
		}
	}
	return true;
}

static int sa_add(struct ctx *c, struct args *a, bool update)
{
	struct vrfsec_sa_cfg sa;
	bool have_key = false, have_spi = false, have_dir = false;
	uint64_t idx;
	int rc;

	memset(&sa, 0, sizeof(sa));
	if (!parse_u64(a, "IDX", arg_need(a, "IDX"), 0, 0xfffffffeu, &idx))
		return EXIT_USAGE;
	sa.idx = (uint32_t)idx;
	if (!sa_options(a, &sa, &have_key, &have_spi, &have_dir)) {
		explicit_bzero(&sa, sizeof(sa));
		return EXIT_USAGE;
	}
	if (!update && (!have_key || !have_spi || !have_dir || !sa.outer_af)) {
		arg_error(a, "an SA needs dir, spi, src/dst and key (or key-file)");
		explicit_bzero(&sa, sizeof(sa));
		return EXIT_USAGE;
	}
	rc = update ? vrfsec_sa_update_sync(c->dev, &sa) : vrfsec_sa_add_sync(c->dev, &sa);
	explicit_bzero(&sa, sizeof(sa)); /* the key leaves this process's memory */
	return report(c, update ? "sa update" : "sa add", rc);
}

int cmd_sa(struct ctx *c, struct args *a)
{
	const char *verb = arg_next(a);
	uint64_t idx;

	if (verb && !strcmp(verb, "add")) {
		a->what = "sa add";
		return sa_add(c, a, false);
	}
	if (verb && !strcmp(verb, "update")) {
		a->what = "sa update";
		return sa_add(c, a, true);
	}
	if (verb && !strcmp(verb, "list")) {
		a->what = "sa list";
		return cmd_sa_list(c, a);
	}
	if (verb && !strcmp(verb, "del")) {
		a->what = "sa del";
		if (!parse_u64(a, "IDX", arg_need(a, "IDX"), 0, 0xfffffffeu, &idx))
			return EXIT_USAGE;
		if (!arg_done(a)) {
			arg_error(a, "unexpected '%s'", a->argv[a->i]);
			return EXIT_USAGE;
		}
		return report(c, "sa del", vrfsec_sa_del_sync(c->dev, (uint32_t)idx));
	}
	arg_error(a, "wants add, update, del or list");
	return EXIT_USAGE;
}

/* route add vrf N PREFIX nh N | route del vrf N PREFIX */
int cmd_route(struct ctx *c, struct args *a)
{
	const char *verb = arg_next(a), *kw;
	struct vrfsec_route_cfg r;
	bool add, have_vrf = false, have_prefix = false, have_nh = false;
	uint64_t n;

	memset(&r, 0, sizeof(r));
	if (!verb || (strcmp(verb, "add") && strcmp(verb, "del"))) {
		arg_error(a, "wants add or del");
		return EXIT_USAGE;
	}
	add = !strcmp(verb, "add");
	a->what = add ? "route add" : "route del";
	while ((kw = arg_next(a)) != NULL) {
		if (KW("vrf")) {
			if (!parse_u64(a, kw, arg_need(a, kw), 0, 0xffff, &n))
				return EXIT_USAGE;
			r.vrf = (uint16_t)n;
			have_vrf = true;
		} else if (KW("nh")) {
			if (!parse_u64(a, kw, arg_need(a, kw), 0, 0xfffffffeu, &n))
				return EXIT_USAGE;
			r.nh = (uint32_t)n;
			have_nh = true;
		} else if (!have_prefix) {
			if (!parse_prefix(a, "PREFIX", kw, r.addr, &r.af, &r.plen))
				return EXIT_USAGE;
			have_prefix = true;
		} else {
			arg_error(a, "unexpected '%s'", kw);
			return EXIT_USAGE;
		}
	}
	if (!have_vrf || !have_prefix || (add && !have_nh)) {
		arg_error(a, add ? "wants vrf N PREFIX nh N" : "wants vrf N PREFIX");
		return EXIT_USAGE;
	}
	return report(c, a->what, add ? vrfsec_route_add_sync(c->dev, &r)
				      : vrfsec_route_del_sync(c->dev, &r));
}

static const char *const nh_kinds[] = { "none", "mpls", "sa", "vlan", "host", "drop" };

/* nh set IDX kind K [sa N] [vlan N] [label L[,L[,L]]] [ttl uniform|pipe] [pipe-ttl N] [mtu N]
 *        [dmac MAC] [smac MAC] */
int cmd_nh(struct ctx *c, struct args *a)
{
	const char *verb = arg_next(a), *kw, *v;
	struct vrfsec_nh_cfg nh;
	bool have_kind = false;
	uint64_t n;

	memset(&nh, 0, sizeof(nh));
	a->what = "nh set";
	if (!verb || strcmp(verb, "set")) {
		arg_error(a, "wants set");
		return EXIT_USAGE;
	}
	if (!parse_u64(a, "IDX", arg_need(a, "IDX"), 0, 0xfffffffeu, &n))
		return EXIT_USAGE;
	nh.idx = (uint32_t)n;
	nh.sa = VRFSEC_ABI_NONE;
	while ((kw = arg_next(a)) != NULL) {
		if (!(v = arg_need(a, kw)))
			return EXIT_USAGE;
		if (KW("kind")) {
			unsigned k;

			for (k = 0; k < 6 && strcmp(v, nh_kinds[k]); k++)
				;
			if (k == 6) {
				arg_error(a, "'kind' wants none, mpls, sa, vlan, host or drop, not '%s'",
					  v);
				return EXIT_USAGE;
			}
			nh.kind = (uint8_t)k;
			have_kind = true;
		} else if (KW("sa")) {
			if (!parse_u64(a, kw, v, 0, 0xfffffffeu, &n))
				return EXIT_USAGE;
			nh.sa = (uint32_t)n;
		} else if (KW("vlan") || KW("mtu")) {
			if (!parse_u64(a, kw, v, 0, KW("vlan") ? 4095 : 0xffff, &n))
				return EXIT_USAGE;
			*(KW("vlan") ? &nh.vlan : &nh.mtu) = (uint16_t)n;
		} else if (KW("pipe-ttl")) {
			if (!parse_u64(a, kw, v, 0, 255, &n))
				return EXIT_USAGE;
			nh.pipe_ttl = (uint8_t)n;
		} else if (KW("ttl")) {
			if (strcmp(v, "uniform") && strcmp(v, "pipe")) {
				arg_error(a, "'ttl' wants uniform or pipe, not '%s'", v);
				return EXIT_USAGE;
			}
			nh.ttl_mode = strcmp(v, "pipe") == 0;
		} else if (KW("label")) {
			char buf[64], *save = NULL, *tok;

			snprintf(buf, sizeof(buf), "%s", v);
			for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (nh.n_labels == VRFSEC_NEXTHOP_MAX_LABELS) {
					arg_error(a, "at most %u labels", VRFSEC_NEXTHOP_MAX_LABELS);
					return EXIT_USAGE;
				}
				if (!parse_u64(a, kw, tok, 0, 0xfffff, &n))
					return EXIT_USAGE;
				nh.label[nh.n_labels++] = (uint32_t)n;
			}
		} else if (KW("dmac") || KW("smac")) {
			if (!parse_mac(a, kw, v, KW("dmac") ? nh.dmac : nh.smac))
				return EXIT_USAGE;
		} else {
			arg_error(a, "unknown keyword '%s'", kw);
			return EXIT_USAGE;
		}
	}
	if (!have_kind) {
		arg_error(a, "wants kind none|mpls|sa|vlan|host|drop");
		return EXIT_USAGE;
	}
	return report(c, "nh set", vrfsec_nh_set_sync(c->dev, &nh));
}

/* label add LABEL vrf N | label del LABEL */
int cmd_label(struct ctx *c, struct args *a)
{
	const char *verb = arg_next(a), *kw;
	struct vrfsec_label_cfg l = { 0, VRFSEC_LABEL_UNMAP };
	uint64_t n;
	bool add;

	if (!verb || (strcmp(verb, "add") && strcmp(verb, "del"))) {
		arg_error(a, "wants add or del");
		return EXIT_USAGE;
	}
	add = !strcmp(verb, "add");
	a->what = add ? "label add" : "label del";
	if (!parse_u64(a, "LABEL", arg_need(a, "LABEL"), 0, 0xfffff, &n))
		return EXIT_USAGE;
	l.label = (uint32_t)n;
	if (add) {
		kw = arg_next(a);
		if (!kw || !KW("vrf")) {
			arg_error(a, "wants LABEL vrf N");
			return EXIT_USAGE;
		}
		if (!parse_u64(a, "vrf", arg_need(a, "vrf"), 0, 0xfffe, &n))
			return EXIT_USAGE;
		l.vrf = (uint16_t)n;
	}
	if (!arg_done(a)) {
		arg_error(a, "unexpected '%s'", a->argv[a->i]);
		return EXIT_USAGE;
	}
	return report(c, a->what, vrfsec_label_map_sync(c->dev, &l));
}

/* vrf set N [vlan N] [ttl uniform|pipe] [tc-map DSCP=TC,...] */
int cmd_vrf(struct ctx *c, struct args *a)
{
	const char *verb = arg_next(a), *kw, *v;
	struct vrfsec_vrf_cfg vc;
	uint64_t n;

	memset(&vc, 0, sizeof(vc));
	a->what = "vrf set";
	if (!verb || strcmp(verb, "set")) {
		arg_error(a, "wants set");
		return EXIT_USAGE;
	}
	if (!parse_u64(a, "VRF", arg_need(a, "VRF"), 0, 0xfffe, &n))
		return EXIT_USAGE;
	vc.vrf = (uint16_t)n;
	/* the default map: TC = DSCP >> 3, so a partial tc-map only changes what it names */
	for (unsigned d = 0; d < 64; d++)
		vc.tc_map[d] = (uint8_t)(d >> 3);
	while ((kw = arg_next(a)) != NULL) {
		if (!(v = arg_need(a, kw)))
			return EXIT_USAGE;
		if (KW("vlan")) {
			if (!parse_u64(a, kw, v, 0, 4094, &n))
				return EXIT_USAGE;
			vc.vlan = (uint16_t)n;
		} else if (KW("ttl")) {
			if (strcmp(v, "uniform") && strcmp(v, "pipe")) {
				arg_error(a, "'ttl' wants uniform or pipe, not '%s'", v);
				return EXIT_USAGE;
			}
			vc.ttl_mode = strcmp(v, "pipe") == 0;
		} else if (KW("tc-map")) {
			char buf[512], *save = NULL, *tok;

			snprintf(buf, sizeof(buf), "%s", v);
			for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				char *eq = strchr(tok, '=');
				uint64_t d, t;

				if (!eq) {
					arg_error(a, "'tc-map' wants DSCP=TC,..., not '%s'", tok);
					return EXIT_USAGE;
				}
				*eq = '\0';
				if (!parse_u64(a, "DSCP", tok, 0, 63, &d) ||
				    !parse_u64(a, "TC", eq + 1, 0, 7, &t))
					return EXIT_USAGE;
				vc.tc_map[d] = (uint8_t)t;
			}
			vc.tc_map_set = true;
		} else {
			arg_error(a, "unknown keyword '%s'", kw);
			return EXIT_USAGE;
		}
	}
	return report(c, "vrf set", vrfsec_vrf_set_sync(c->dev, &vc));
}

/* port set [natt N] [ike N] [core-mtu N] [inside-mtu N] [public-mac M] [core-mac M] [inside-mac M]
 * Settings not named keep the card's current value. */
int cmd_port(struct ctx *c, struct args *a)
{
	const char *verb = arg_next(a), *kw, *v;
	struct vrfsec_port_settings p;
	struct vrfsec_info in;
	uint64_t n;
	int rc;

	memset(&p, 0, sizeof(p));
	a->what = "port set";
	if (!verb || strcmp(verb, "set")) {
		arg_error(a, "wants set");
		return EXIT_USAGE;
	}
	rc = vrfsec_info_get(c->dev, &in);
	if (rc)
		return report(c, "port set", rc);
	p.natt_port = (uint16_t)in.natt_port;
	p.ike_port = (uint16_t)in.ike_port;
	p.core_mtu = (uint16_t)in.core_mtu;
	p.inside_mtu = (uint16_t)in.inside_mtu;
	while ((kw = arg_next(a)) != NULL) {
		if (!(v = arg_need(a, kw)))
			return EXIT_USAGE;
		if (KW("natt") || KW("ike") || KW("core-mtu") || KW("inside-mtu")) {
			if (!parse_u64(a, kw, v, 1, 0xffff, &n))
				return EXIT_USAGE;
			if (KW("natt"))
				p.natt_port = (uint16_t)n;
			else if (KW("ike"))
				p.ike_port = (uint16_t)n;
			else if (KW("core-mtu"))
				p.core_mtu = (uint16_t)n;
			else
				p.inside_mtu = (uint16_t)n;
		} else if (KW("public-mac") || KW("core-mac") || KW("inside-mac")) {
			uint8_t *mac = KW("public-mac") ? p.public_mac
				       : KW("core-mac") ? p.core_mac : p.inside_mac;

			if (!parse_mac(a, kw, v, mac))
				return EXIT_USAGE;
		} else {
			arg_error(a, "unknown keyword '%s'", kw);
			return EXIT_USAGE;
		}
	}
	return report(c, "port set", vrfsec_port_set_sync(c->dev, &p));
}
