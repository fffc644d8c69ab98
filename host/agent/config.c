/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration loading: libconfig file, global settings and VRFs, checks, lookups, freeing. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "ike.h"
#include "log.h"

unsigned cfg_line(const config_setting_t *s)
{
	return s ? config_setting_source_line(s) : 0;
}

int cfg_fail(struct pctx *x, const config_setting_t *s, const char *fmt, ...)
{
	const char *file = s && config_setting_source_file(s) ? config_setting_source_file(s)
							    : x->path;
	int o = s && cfg_line(s) ? snprintf(x->err, x->n, "%s:%u: ", file, cfg_line(s))
				 : snprintf(x->err, x->n, "%s: ", file);
	va_list ap;

	if (o < 0 || (size_t)o >= x->n)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(x->err + o, x->n - (size_t)o, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *cfg_where(const config_setting_t *s, char *buf, size_t n)
{
	const char *parts[16];
	int idx[16], k = 0;
	size_t o = 0;

	for (; s && config_setting_parent(s) && k < 16; s = config_setting_parent(s), k++) {
		parts[k] = config_setting_name(s);
		idx[k] = config_setting_index(s);
	}
	buf[0] = '\0';
	while (k-- > 0 && o < n) {
		int w = parts[k] ? snprintf(buf + o, n - o, "%s%s", o ? "." : "", parts[k])
				 : snprintf(buf + o, n - o, "[%d]", idx[k]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

int cfg_only(struct pctx *x, const config_setting_t *g, const char *const *allowed)
{
	char w[128];

	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		const char *const *a;

		for (a = allowed; *a && (!name || strcmp(*a, name) != 0); a++)
			;
		if (!*a)
			return cfg_fail(x, m, "unknown setting '%s' in %s", name ? name : "?",
					config_setting_parent(g) ? cfg_where(g, w, sizeof(w))
								 : "the top level");
	}
	return 0;
}

int cfg_str(struct pctx *x, const config_setting_t *g, const char *name, const char **v)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(x, s, "%s must be a string", name);
	*v = config_setting_get_string(s);
	return 1;
}

int cfg_uint(struct pctx *x, const config_setting_t *g, const char *name, uint64_t max,
	     uint64_t *v)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	long long ll;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return cfg_fail(x, s, "%s must be an integer", name);
	ll = config_setting_get_int64(s);
	if (ll < 0 || (uint64_t)ll > max)
		return cfg_fail(x, s, "%s = %lld is out of range (0..%llu)", name, ll,
				(unsigned long long)max);
	*v = (uint64_t)ll;
	return 1;
}

int cfg_bool(struct pctx *x, const config_setting_t *g, const char *name, bool *v)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return cfg_fail(x, s, "%s must be true or false", name);
	*v = config_setting_get_bool(s) != 0;
	return 1;
}

int cfg_strings(struct pctx *x, const config_setting_t *g, const char *name, unsigned max,
		int (*fn)(struct pctx *x, const config_setting_t *s, const char *v, void *arg),
		void *arg)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	int n, rc;

	if (!s)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		return fn(x, s, config_setting_get_string(s), arg);
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s))
		return cfg_fail(x, s, "%s must be a string or a list of strings", name);
	n = config_setting_length(s);
	if ((unsigned)n > max)
		return cfg_fail(x, s, "%s has %d entries, at most %u are allowed", name, n, max);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(x, e, "%s entries must be strings", name);
		rc = fn(x, e, config_setting_get_string(e), arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- credentials ----------------------------------------------------------------------- */

int cfg_files_parse(struct pctx *x, const config_setting_t *g, const char *what, struct cfg_files *f)
{
	static const char *const names[] = { "cert", "key", "chain", "ca" };
	char *dst[] = { f->cert, f->key, f->chain, f->ca };

	for (unsigned i = 0; i < 4; i++) {
		const char *v = NULL;
		int rc = cfg_str(x, g, names[i], &v);

		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		/* the path only: a key file's contents never go into a message */
		if (!v[0] || strlen(v) >= CFG_PATH)
			return cfg_fail(x, config_setting_get_member(g, names[i]),
					"%s: %s file name is empty or longer than %d characters", what,
					names[i], CFG_PATH - 1);
		if (access(v, R_OK) != 0)
			return cfg_fail(x, config_setting_get_member(g, names[i]),
					"%s: %s file '%s' cannot be read: %s", what, names[i], v,
					strerror(errno));
		snprintf(dst[i], CFG_PATH, "%s", v);
	}
	return 0;
}

int cfg_creds_load(struct pctx *x, const config_setting_t *at, const char *what,
		   const struct cfg_files *f, struct ike_creds **out)
{
	struct ike_creds_params p = { 0 };
	int rc;

	p.cert_file = f->cert[0] ? f->cert : NULL;
	p.key_file = f->key[0] ? f->key : NULL;
	p.chain_file = f->chain[0] ? f->chain : NULL;
	p.ca_file = f->ca[0] ? f->ca : NULL;
	rc = ike_creds_load(&p, out);
	if (rc == 0)
		return 0;
	*out = NULL;
	if (rc == -EBADMSG)
		return cfg_fail(x, at, "%s: cert '%s', key '%s', chain '%s' or ca '%s' is not a PEM or DER certificate / unencrypted key",
				what, f->cert, f->key, f->chain[0] ? f->chain : "-", f->ca);
	if (rc == -EINVAL)
		return cfg_fail(x, at, "%s: the key '%s' does not belong to the certificate '%s'", what,
				f->key, f->cert);
	return cfg_fail(x, at, "%s: credentials cannot be loaded: %s", what, strerror(-rc));
}

/* One verify-only credentials object with the trust anchors of every pubkey profile. */
static int certreq_load(struct pctx *x, struct config *c)
{
	struct ike_creds_params p = { 0 };
	int rc;

	for (unsigned i = 0; i < c->n_profiles; i++) {
		const struct cfg_profile *pr = &c->profiles[i];
		const char *ca = pr->files.ca[0] ? pr->files.ca : c->g.cred.ca;
		bool seen = false;

		if (pr->auth != CFG_AUTH_PUBKEY)
			continue;
		for (unsigned k = 0; k < i; k++)
			seen |= c->profiles[k].auth == CFG_AUTH_PUBKEY &&
				!strcmp(c->profiles[k].files.ca[0] ? c->profiles[k].files.ca : c->g.cred.ca, ca);
		if (seen)
			continue;
		if (!c->certreq) {
			p.ca_file = ca;
			rc = ike_creds_load(&p, &c->certreq);
		} else {
			rc = ike_creds_add_ca_file(c->certreq, ca);
		}
		if (rc) {
			snprintf(x->err, x->n, "%s:%u: profile '%s': ca file '%s': %s", x->path, pr->line,
				 pr->name, ca, rc == -EBADMSG ? "no certificate in it" : strerror(-rc));
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- global ------------------------------------------------------------------------------- */

static int public_addr(struct pctx *x, const config_setting_t *s, const char *v, void *arg)
{
	struct cfg_global *g = arg;
	struct ipaddr a;

	if (addr_parse(v, &a) != 0)
		return cfg_fail(x, s, "public address '%s' is not an IPv4 or IPv6 address", v);
	if ((a.af == 4 && g->pub4.af) || (a.af == 6 && g->pub6.af))
		return cfg_fail(x, s, "public address '%s': only one IPv%u address is supported", v,
				a.af);
	*(a.af == 4 ? &g->pub4 : &g->pub6) = a;
	return 0;
}

static int mac_member(struct pctx *x, const config_setting_t *grp, const char *name, bool required,
		      uint8_t mac[6])
{
	const char *v = NULL;
	int rc = cfg_str(x, grp, name, &v);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return required ? cfg_fail(x, grp, "%s is missing", name) : 0;
	if (mac_parse(v, mac) != 0 || (mac[0] & 1) || mac_zero(mac))
		return cfg_fail(x, config_setting_get_member(grp, name),
				"%s '%s' is not a unicast MAC address (aa:bb:cc:dd:ee:ff)", name, v);
	return 0;
}

static int gateway(struct pctx *x, const config_setting_t *grp, const char *name, uint8_t af,
		   struct ipaddr *out)
{
	const char *v = NULL;
	int rc = cfg_str(x, grp, name, &v);

	if (rc <= 0)
		return rc;
	if (addr_parse(v, out) != 0 || out->af != af)
		return cfg_fail(x, config_setting_get_member(grp, name), "%s '%s' is not an IPv%u address",
				name, v, af);
	return 0;
}

static int parse_public(struct pctx *x, const config_setting_t *p, struct cfg_global *g)
{
	static const char *const keys[] = { "address", "mac", "gateway4", "gateway6", "mtu", NULL };
	uint64_t v;
	int rc;

	if (!config_setting_is_group(p))
		return cfg_fail(x, p, "global.public must be a group { ... }");
	if ((rc = cfg_only(x, p, keys)) != 0)
		return rc;
	if (!config_setting_get_member(p, "address"))
		return cfg_fail(x, p, "global.public.address is missing");
	if ((rc = cfg_strings(x, p, "address", 2, public_addr, g)) != 0)
		return rc;
	if ((rc = mac_member(x, p, "mac", true, g->pub_mac)) != 0)
		return rc;
	if ((rc = gateway(x, p, "gateway4", 4, &g->gw4)) != 0 ||
	    (rc = gateway(x, p, "gateway6", 6, &g->gw6)) != 0)
		return rc;
	if (g->gw4.af && !g->pub4.af)
		return cfg_fail(x, config_setting_get_member(p, "gateway4"),
				"gateway4 given but no public IPv4 address");
	if (g->gw6.af && !g->pub6.af)
		return cfg_fail(x, config_setting_get_member(p, "gateway6"),
				"gateway6 given but no public IPv6 address");
	v = 1500;
	if ((rc = cfg_uint(x, p, "mtu", 9000, &v)) < 0)
		return rc;
	if (v < 1280)
		return cfg_fail(x, config_setting_get_member(p, "mtu"), "mtu %llu is below 1280",
				(unsigned long long)v);
	g->public_mtu = (uint16_t)v;
	return 0;
}

static int parse_core(struct pctx *x, const config_setting_t *p, struct cfg_global *g)
{
	static const char *const keys[] = { "mac", "mtu", NULL };
	uint64_t v = 1600;
	int rc;

	if (!config_setting_is_group(p))
		return cfg_fail(x, p, "global.core must be a group { ... }");
	if ((rc = cfg_only(x, p, keys)) != 0 || (rc = mac_member(x, p, "mac", true, g->core_mac)) != 0)
		return rc;
	if ((rc = cfg_uint(x, p, "mtu", 9000, &v)) < 0)
		return rc;
	if (v < 1280)
		return cfg_fail(x, config_setting_get_member(p, "mtu"), "mtu %llu is below 1280",
				(unsigned long long)v);
	g->core_mtu = (uint16_t)v;
	return 0;
}

static int port_member(struct pctx *x, const config_setting_t *grp, const char *name,
		       uint16_t dflt, uint16_t *out)
{
	uint64_t v = dflt;
	int rc = cfg_uint(x, grp, name, 65535, &v);

	if (rc < 0)
		return rc;
	if (v == 0)
		return cfg_fail(x, config_setting_get_member(grp, name), "%s must be 1..65535", name);
	*out = (uint16_t)v;
	return 0;
}

static int parse_global(struct pctx *x, const config_setting_t *g, struct cfg_global *o)
{
	static const char *const keys[] = { "card",	 "public",    "core",	    "ike_port",
					    "natt_port", "control",   "log_level", "rekey_grace",
					    "test_hooks", "credentials", NULL };
	static const char *const cred_keys[] = { "cert", "key", "chain", "ca", NULL };
	const config_setting_t *s;
	const char *v = NULL;
	uint64_t u;
	int rc;

	if (!g)
		return cfg_fail(x, NULL, "the global { ... } group is missing");
	if (!config_setting_is_group(g))
		return cfg_fail(x, g, "global must be a group { ... }");
	if ((rc = cfg_only(x, g, keys)) != 0)
		return rc;
	if ((rc = cfg_str(x, g, "card", &v)) < 0)
		return rc;
	if (rc == 0)
		return cfg_fail(x, g, "global.card is missing (\"sim:NAME\" or \"pci:BDF\")");
	if ((strncmp(v, "sim:", 4) && strncmp(v, "pci:", 4)) || strlen(v) >= sizeof(o->card))
		return cfg_fail(x, config_setting_get_member(g, "card"),
				"card '%s' is not \"sim:NAME\" or \"pci:ADDRESS\"", v);
	snprintf(o->card, sizeof(o->card), "%s", v);
	if (!(s = config_setting_get_member(g, "public")))
		return cfg_fail(x, g, "global.public is missing");
	if ((rc = parse_public(x, s, o)) != 0)
		return rc;
	if (!(s = config_setting_get_member(g, "core")))
		return cfg_fail(x, g, "global.core is missing");
	if ((rc = parse_core(x, s, o)) != 0)
		return rc;
	if ((rc = port_member(x, g, "ike_port", 500, &o->ike_port)) != 0 ||
	    (rc = port_member(x, g, "natt_port", 4500, &o->natt_port)) != 0)
		return rc;
	if (o->ike_port == o->natt_port)
		return cfg_fail(x, config_setting_get_member(g, "natt_port"),
				"natt_port must differ from ike_port (%u)", o->ike_port);
	v = "/run/vrfsecd.sock";
	if ((rc = cfg_str(x, g, "control", &v)) < 0)
		return rc;
	if (v[0] != '/' || strlen(v) >= sizeof(o->control))
		return cfg_fail(x, config_setting_get_member(g, "control"),
				"control must be an absolute socket path under %zu characters",
				sizeof(o->control));
	snprintf(o->control, sizeof(o->control), "%s", v);
	v = "info";
	if ((rc = cfg_str(x, g, "log_level", &v)) < 0)
		return rc;
	if ((o->log_level = log_level_parse(v)) < 0)
		return cfg_fail(x, config_setting_get_member(g, "log_level"),
				"log_level '%s' is not err, warn, info or debug", v);
	u = 2000;
	if ((rc = cfg_uint(x, g, "rekey_grace", 600000, &u)) < 0)
		return rc;
	o->rekey_grace_ms = (uint32_t)u;
	if ((s = config_setting_get_member(g, "credentials"))) {
		if (!config_setting_is_group(s))
			return cfg_fail(x, s, "global.credentials must be a group { cert = ...; key = ...; ca = ...; }");
		if ((rc = cfg_only(x, s, cred_keys)) != 0 ||
		    (rc = cfg_files_parse(x, s, "global.credentials", &o->cred)) != 0)
			return rc;
		if (!o->cred.cert[0] != !o->cred.key[0])
			return cfg_fail(x, s, "global.credentials: cert and key go together");
	}
	return cfg_bool(x, g, "test_hooks", &o->test_hooks) < 0 ? -EINVAL : 0;
}

/* ---- VRFs ---------------------------------------------------------------------------------- */

static int parse_route(struct pctx *x, const config_setting_t *r, struct cfg_route *o)
{
	static const char *const keys[] = { "prefix", "mac", "labels", NULL };
	const config_setting_t *l;
	const char *v = NULL;
	int rc;

	if (!config_setting_is_group(r))
		return cfg_fail(x, r, "a route must be a group { prefix = ...; mac = ...; labels = [...]; }");
	if ((rc = cfg_only(x, r, keys)) != 0 || (rc = cfg_str(x, r, "prefix", &v)) < 0)
		return rc;
	if (rc == 0)
		return cfg_fail(x, r, "route without prefix");
	if (prefix_parse(v, &o->dst) != 0)
		return cfg_fail(x, config_setting_get_member(r, "prefix"),
				"prefix '%s' is not ADDRESS/LENGTH with the host bits zero", v);
	if ((rc = mac_member(x, r, "mac", true, o->mac)) != 0)
		return rc;
	l = config_setting_get_member(r, "labels");
	if (!l)
		return cfg_fail(x, r, "route %s has no labels (the far PE's VPN label at least)", v);
	if (!config_setting_is_array(l) && !config_setting_is_list(l))
		return cfg_fail(x, l, "labels must be a list of integers [ transport, ..., vpn ]");
	if (config_setting_length(l) < 1 || config_setting_length(l) > CFG_MAX_LABELS)
		return cfg_fail(x, l, "labels: 1 to %u labels, not %d", CFG_MAX_LABELS,
				config_setting_length(l));
	o->n_labels = (uint8_t)config_setting_length(l);
	for (unsigned i = 0; i < o->n_labels; i++) {
		const config_setting_t *e = config_setting_get_elem(l, i);
		long long lv = config_setting_get_int64(e);

		if ((config_setting_type(e) != CONFIG_TYPE_INT &&
		     config_setting_type(e) != CONFIG_TYPE_INT64) || lv < 16 || lv > CFG_MAX_LABEL)
			return cfg_fail(x, e, "label %u must be an integer 16..%u", i, CFG_MAX_LABEL);
		o->label[i] = (uint32_t)lv;
	}
	o->line = cfg_line(r);
	return 0;
}

static int parse_vrf(struct pctx *x, const config_setting_t *s, struct config *c, struct cfg_vrf *o)
{
	static const char *const keys[] = { "name", "id", "vpn_label", "ttl_mode", "routes", NULL };
	const config_setting_t *rs;
	const char *v = NULL;
	uint64_t u;
	int rc;

	if (!config_setting_is_group(s))
		return cfg_fail(x, s, "a vrf must be a group { name = ...; id = ...; ... }");
	if ((rc = cfg_only(x, s, keys)) != 0 || (rc = cfg_str(x, s, "name", &v)) < 0)
		return rc;
	if (rc == 0 || !v[0] || strlen(v) >= CFG_NAME || strpbrk(v, " \t/"))
		return cfg_fail(x, s, "vrf needs a name of 1..%d characters without blanks or '/'",
				CFG_NAME - 1);
	snprintf(o->name, sizeof(o->name), "%s", v);
	if ((rc = cfg_uint(x, s, "id", CFG_MAX_VRF_ID, &u)) < 0)
		return rc;
	if (rc == 0)
		return cfg_fail(x, s, "vrf '%s' has no id", o->name);
	o->id = (uint16_t)u;
	if ((rc = cfg_uint(x, s, "vpn_label", CFG_MAX_LABEL, &u)) < 0)
		return rc;
	if (rc == 0)
		return cfg_fail(x, s, "vrf '%s' has no vpn_label", o->name);
	if (u < 16)
		return cfg_fail(x, config_setting_get_member(s, "vpn_label"),
				"vrf '%s': vpn_label %llu is reserved (0..15)", o->name,
				(unsigned long long)u);
	o->vpn_label = (uint32_t)u;
	v = "uniform";
	if ((rc = cfg_str(x, s, "ttl_mode", &v)) < 0)
		return rc;
	if (strcmp(v, "uniform") && strcmp(v, "pipe"))
		return cfg_fail(x, config_setting_get_member(s, "ttl_mode"),
				"vrf '%s': ttl_mode '%s' is not uniform or pipe", o->name, v);
	o->ttl_mode = strcmp(v, "pipe") == 0 ? CFG_TTL_PIPE : CFG_TTL_UNIFORM;
	o->line = cfg_line(s);
	for (unsigned i = 0; i < c->n_vrfs; i++) {
		const struct cfg_vrf *p = &c->vrfs[i];

		if (strcmp(p->name, o->name) == 0)
			return cfg_fail(x, s, "vrf '%s' is defined twice (also on line %u)", o->name,
					p->line);
		if (p->id == o->id)
			return cfg_fail(x, config_setting_get_member(s, "id"),
					"vrf '%s': id %u is already used by vrf '%s' (line %u)",
					o->name, o->id, p->name, p->line);
		if (p->vpn_label == o->vpn_label)
			return cfg_fail(x, config_setting_get_member(s, "vpn_label"),
					"vrf '%s': vpn_label %u is already used by vrf '%s' (line %u)",
					o->name, o->vpn_label, p->name, p->line);
	}
	rs = config_setting_get_member(s, "routes");
	if (!rs)
		return 0;
	if (!config_setting_is_list(rs) && !config_setting_is_array(rs))
		return cfg_fail(x, rs, "vrf '%s': routes must be a list ( { ... }, ... )", o->name);
	o->routes = calloc((size_t)config_setting_length(rs) + 1, sizeof(*o->routes));
	if (!o->routes)
		return -ENOMEM;
	for (int i = 0; i < config_setting_length(rs); i++) {
		const config_setting_t *r = config_setting_get_elem(rs, (unsigned)i);
		struct cfg_route *nr = &o->routes[o->n_routes];
		char a[PREFIX_STRLEN];

		if ((rc = parse_route(x, r, nr)) != 0)
			return rc;
		for (unsigned k = 0; k < o->n_routes; k++)
			if (prefix_eq(&o->routes[k].dst, &nr->dst))
				return cfg_fail(x, r, "vrf '%s': route %s is given twice (also line %u)",
						o->name, prefix_str(&nr->dst, a, sizeof(a)),
						o->routes[k].line);
		o->n_routes++;
	}
	return 0;
}

static int parse_vrfs(struct pctx *x, config_t *lc, struct config *c)
{
	const config_setting_t *l = config_lookup(lc, "vrfs");
	int rc;

	if (!l)
		return cfg_fail(x, NULL, "the vrfs = ( ... ) list is missing");
	if (!config_setting_is_list(l))
		return cfg_fail(x, l, "vrfs must be a list ( { ... }, ... )");
	c->vrfs = calloc((size_t)config_setting_length(l) + 1, sizeof(*c->vrfs));
	if (!c->vrfs)
		return -ENOMEM;
	for (int i = 0; i < config_setting_length(l); i++) {
		if ((rc = parse_vrf(x, config_setting_get_elem(l, (unsigned)i), c, &c->vrfs[c->n_vrfs])) != 0) {
			c->n_vrfs++; /* its routes are freed with the rest */
			return rc;
		}
		c->n_vrfs++;
	}
	return 0;
}

int config_load(const char *path, struct config **out, char *err, size_t n)
{
	static const char *const top[] = { "global", "vrfs", "profiles", NULL };
	struct pctx x = { path, err, n };
	struct config *c;
	config_t lc;
	int rc;

	*out = NULL;
	err[0] = '\0';
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->refs = 1;
	snprintf(c->file, sizeof(c->file), "%s", path);
	config_init(&lc);
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			snprintf(err, n, "%s: cannot read the file: %s", path, strerror(errno));
		else
			snprintf(err, n, "%s:%d: %s", config_error_file(&lc) ? config_error_file(&lc) : path,
				 config_error_line(&lc), config_error_text(&lc));
		rc = -EINVAL;
		goto out;
	}
	rc = cfg_only(&x, config_root_setting(&lc), top);
	rc = rc ? rc : parse_global(&x, config_lookup(&lc, "global"), &c->g);
	rc = rc ? rc : parse_vrfs(&x, &lc, c);
	rc = rc ? rc : cfg_parse_profiles(&x, &lc, c);
	rc = rc ? rc : certreq_load(&x, c);
out:
	config_destroy(&lc);
	if (rc) {
		config_unref(c);
		return rc;
	}
	*out = c;
	return 0;
}

struct config *config_ref(struct config *c)
{
	c->refs++;
	return c;
}

void config_unref(struct config *c)
{
	if (!c || --c->refs > 0)
		return;
	for (unsigned i = 0; i < c->n_vrfs; i++)
		free(c->vrfs[i].routes);
	for (unsigned i = 0; i < c->n_profiles; i++) {
		struct cfg_profile *p = &c->profiles[i];

		for (unsigned k = 0; k < p->n_psk; k++) {
			if (p->psk[k].secret)
				explicit_bzero(p->psk[k].secret, p->psk[k].len);
			free(p->psk[k].secret);
		}
		free(p->psk);
		free(p->match);
		ike_creds_unref(p->creds);
	}
	ike_creds_unref(c->certreq);
	free(c->vrfs);
	free(c->profiles);
	free(c);
}

const struct cfg_vrf *config_vrf_by_name(const struct config *c, const char *name)
{
	for (unsigned i = 0; i < c->n_vrfs; i++)
		if (strcmp(c->vrfs[i].name, name) == 0)
			return &c->vrfs[i];
	return NULL;
}

const struct cfg_vrf *config_vrf_by_id(const struct config *c, uint16_t id)
{
	for (unsigned i = 0; i < c->n_vrfs; i++)
		if (c->vrfs[i].id == id)
			return &c->vrfs[i];
	return NULL;
}

const struct cfg_profile *config_profile_by_name(const struct config *c, const char *name)
{
	for (unsigned i = 0; i < c->n_profiles; i++)
		if (strcmp(c->profiles[i].name, name) == 0)
			return &c->profiles[i];
	return NULL;
}

const struct cfg_profile *config_match_profile(const struct config *c, const struct ident *id,
					       int *score)
{
	const struct cfg_profile *best = NULL;
	int best_score = -1;

	for (unsigned i = 0; i < c->n_profiles; i++)
		for (unsigned k = 0; k < c->profiles[i].n_match; k++) {
			int s = ident_match(&c->profiles[i].match[k], id);

			if (s > best_score) {
				best_score = s;
				best = &c->profiles[i];
			}
		}
	if (score)
		*score = best_score;
	return best;
}

const struct cfg_psk *config_psk_for(const struct cfg_profile *p, const struct ident *id)
{
	const struct cfg_psk *best = NULL;
	int best_score = -1;

	for (unsigned k = 0; k < p->n_psk; k++) {
		int s = ident_match(&p->psk[k].id, id);

		if (s > best_score) {
			best_score = s;
			best = &p->psk[k];
		}
	}
	return best;
}
