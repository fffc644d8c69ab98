/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration: profiles (identity match, auth, pools, split/full tunnel, proposals, timers,
 * site-to-site selectors) and their cross-checks. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

#define PSK_MIN 16

const char *proposal_str(const struct cfg_proposal *p, bool ike, char *buf, size_t n)
{
	int o = snprintf(buf, n, "aes%ugcm16", p->enc_bits);

	if (ike && o > 0 && (size_t)o < n)
		o += snprintf(buf + o, n - (size_t)o, "-prfsha%u", p->prf);
	if (p->dh && o > 0 && (size_t)o < n)
		o += snprintf(buf + o, n - (size_t)o, "-%s",
			      p->dh == 19 ? "ecp256" : p->dh == 20 ? "ecp384" : "curve25519");
	if (!ike && o > 0 && (size_t)o < n)
		snprintf(buf + o, n - (size_t)o, "-%s", p->esn ? "esn" : "noesn");
	return buf;
}

/* "aes256gcm16-prfsha384-ecp384" (IKE) or "aes128gcm16[-ecp256][-esn|-noesn]" (ESP). */
static int proposal_parse(const char *s, bool ike, struct cfg_proposal *p, char *why, size_t n)
{
	char buf[128], *save = NULL;
	bool esn_set = false;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf))
		return snprintf(why, n, "too long"), -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, "-", &save); t; t = strtok_r(NULL, "-", &save)) {
		for (char *c = t; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!strcmp(t, "aes128gcm16") || !strcmp(t, "aes128gcm"))
			p->enc_bits = 128;
		else if (!strcmp(t, "aes256gcm16") || !strcmp(t, "aes256gcm"))
			p->enc_bits = 256;
		else if (ike && (!strcmp(t, "prfsha256") || !strcmp(t, "prfsha384") ||
				 !strcmp(t, "prfsha512")))
			p->prf = (uint16_t)atoi(t + 6);
		else if (!strcmp(t, "ecp256"))
			p->dh = 19;
		else if (!strcmp(t, "ecp384"))
			p->dh = 20;
		else if (!strcmp(t, "curve25519") || !strcmp(t, "x25519"))
			p->dh = 31;
		else if (!ike && (!strcmp(t, "esn") || !strcmp(t, "noesn"))) {
			p->esn = !strcmp(t, "esn");
			esn_set = true;
		} else {
			snprintf(why, n, "'%s' is not supported (%s)", t,
				 ike ? "aes128gcm16|aes256gcm16, prfsha256|384|512, ecp256|ecp384|curve25519"
				     : "aes128gcm16|aes256gcm16, optional ecp256|ecp384|curve25519, esn|noesn");
			return -EINVAL;
		}
	}
	if (!p->enc_bits)
		return snprintf(why, n, "no cipher (aes128gcm16 or aes256gcm16)"), -EINVAL;
	if (ike && (!p->prf || !p->dh))
		return snprintf(why, n, "an IKE proposal needs a PRF and a DH group"), -EINVAL;
	if (!esn_set)
		p->esn = true;
	return 0;
}

struct prop_arg {
	struct cfg_proposal *v;
	unsigned *n;
	bool ike;
};

static int add_proposal(struct pctx *x, const config_setting_t *s, const char *v, void *arg)
{
	struct prop_arg *a = arg;
	char why[200];

	if (proposal_parse(v, a->ike, &a->v[*a->n], why, sizeof(why)) != 0)
		return cfg_fail(x, s, "%s proposal '%s': %s", a->ike ? "IKE" : "ESP", v, why);
	(*a->n)++;
	return 0;
}

struct pfx_arg {
	struct prefix *v;
	unsigned *n;
	const char *what;
};

static int add_prefix(struct pctx *x, const config_setting_t *s, const char *v, void *arg)
{
	struct pfx_arg *a = arg;

	if (prefix_parse(v, &a->v[*a->n]) != 0)
		return cfg_fail(x, s, "%s '%s' is not ADDRESS/LENGTH with the host bits zero", a->what, v);
	(*a->n)++;
	return 0;
}

static int add_dns(struct pctx *x, const config_setting_t *s, const char *v, void *arg)
{
	struct cfg_profile *p = arg;

	if (addr_parse(v, &p->dns[p->n_dns]) != 0)
		return cfg_fail(x, s, "dns '%s' is not an IP address", v);
	p->n_dns++;
	return 0;
}

static int add_match(struct pctx *x, const config_setting_t *s, const char *v, void *arg)
{
	struct cfg_profile *p = arg;
	char why[200];

	if (ident_pat_parse(v, &p->match[p->n_match], why, sizeof(why)) != 0)
		return cfg_fail(x, s, "profile '%s': match %s", p->name, why);
	p->n_match++;
	return 0;
}

static int hex_secret(const char *hex, uint8_t *out, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 2) {
		unsigned v;

		if (!isxdigit((unsigned char)hex[i]) || !isxdigit((unsigned char)hex[i + 1]) ||
		    sscanf(hex + i, "%2x", &v) != 1)
			return -EINVAL;
		out[i / 2] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static int parse_psk(struct pctx *x, const config_setting_t *e, struct cfg_profile *p,
		     struct cfg_psk *o)
{
	static const char *const keys[] = { "id", "secret", NULL };
	const char *id = NULL, *sec = NULL;
	char why[200];
	int rc;

	if (!config_setting_is_group(e))
		return cfg_fail(x, e, "psk entries are groups { id = ...; secret = ...; }");
	if ((rc = cfg_only(x, e, keys)) != 0 || (rc = cfg_str(x, e, "id", &id)) < 0)
		return rc;
	if (rc == 0)
		return cfg_fail(x, e, "profile '%s': psk entry without id", p->name);
	if (ident_pat_parse(id, &o->id, why, sizeof(why)) != 0)
		return cfg_fail(x, config_setting_get_member(e, "id"), "profile '%s': psk id %s",
				p->name, why);
	if ((rc = cfg_str(x, e, "secret", &sec)) < 0)
		return rc;
	if (rc == 0)
		return cfg_fail(x, e, "profile '%s': psk for '%s' has no secret", p->name, id);
	o->secret = malloc(strlen(sec) + 1);
	if (!o->secret)
		return -ENOMEM;
	if (strncmp(sec, "0x", 2) == 0) {
		if (hex_secret(sec + 2, o->secret, &o->len) != 0)
			return cfg_fail(x, config_setting_get_member(e, "secret"),
					"profile '%s': psk for '%s': 0x... secret is not hex", p->name, id);
	} else {
		o->len = strlen(sec);
		memcpy(o->secret, sec, o->len);
	}
	/* the secret itself never goes into a message */
	if (o->len < PSK_MIN)
		return cfg_fail(x, config_setting_get_member(e, "secret"),
				"profile '%s': psk for '%s' is %zu bytes; at least %d are required",
				p->name, id, o->len, PSK_MIN);
	return 0;
}

/* Certificate authentication: files of the profile over global.credentials, loaded now so that a
 * missing, unreadable or mismatched file is a FILE:LINE error of `vrfsecd -t`. */
static int parse_pubkey(struct pctx *x, const config_setting_t *a, const struct config *c,
			struct cfg_profile *p)
{
	struct cfg_files eff;
	char what[CFG_NAME + 16];
	const char *sc = "ifasked";
	int rc;

	p->auth = CFG_AUTH_PUBKEY;
	snprintf(what, sizeof(what), "profile '%s'", p->name);
	if (config_setting_is_group(a)) {
		if ((rc = cfg_files_parse(x, a, what, &p->files)) != 0 ||
		    (rc = cfg_bool(x, a, "rsa_pss", &p->rsa_pss)) < 0 || (rc = cfg_str(x, a, "send_cert", &sc)) < 0)
			return rc;
		if (!strcmp(sc, "ifasked"))
			p->send_cert = CFG_SEND_CERT_IFASKED;
		else if (!strcmp(sc, "always"))
			p->send_cert = CFG_SEND_CERT_ALWAYS;
		else if (!strcmp(sc, "never"))
			p->send_cert = CFG_SEND_CERT_NEVER;
		else
			return cfg_fail(x, config_setting_get_member(a, "send_cert"),
					"%s: send_cert '%s' is not ifasked, always or never", what, sc);
	}
	if (!p->files.cert[0] != !p->files.key[0])
		return cfg_fail(x, a, "%s: cert and key go together", what);
	eff = p->files;
	if (!eff.cert[0]) {
		memcpy(eff.cert, c->g.cred.cert, sizeof(eff.cert));
		memcpy(eff.key, c->g.cred.key, sizeof(eff.key));
		if (!eff.chain[0])
			memcpy(eff.chain, c->g.cred.chain, sizeof(eff.chain));
	}
	if (!eff.ca[0])
		memcpy(eff.ca, c->g.cred.ca, sizeof(eff.ca));
	if (!eff.cert[0])
		return cfg_fail(x, a, "%s: auth pubkey needs cert and key (here or in global.credentials)", what);
	if (!eff.ca[0])
		return cfg_fail(x, a, "%s: auth pubkey needs a ca file (here or in global.credentials)", what);
	return cfg_creds_load(x, a, what, &eff, &p->creds);
}

static int parse_auth(struct pctx *x, const config_setting_t *a, const struct config *c,
		      struct cfg_profile *p)
{
	static const char *const keys[] = { "psk", "ca", "cert", "key", "chain", "send_cert", "rsa_pss", NULL };
	const config_setting_t *l = config_setting_get_member(a, "psk");
	int rc;

	if (config_setting_type(a) == CONFIG_TYPE_STRING && !strcmp(config_setting_get_string(a), "pubkey"))
		return parse_pubkey(x, a, c, p);
	if (!config_setting_is_group(a))
		return cfg_fail(x, a, "profile '%s': auth must be a group { psk = (...); } or { cert = ...; key = ...; ca = ...; }, or \"pubkey\" (global.credentials)",
				p->name);
	if ((rc = cfg_only(x, a, keys)) != 0)
		return rc;
	if (!l)
		return parse_pubkey(x, a, c, p);
	for (unsigned i = 1; keys[i]; i++)
		if (config_setting_get_member(a, keys[i]))
			return cfg_fail(x, config_setting_get_member(a, keys[i]),
					"profile '%s': auth with psk takes no %s (certificate settings)", p->name,
					keys[i]);
	p->auth = CFG_AUTH_PSK;
	if (!config_setting_is_list(l) || config_setting_length(l) == 0)
		return cfg_fail(x, l, "profile '%s': psk must be a non-empty list ( { id = ...; secret = ...; } )",
				p->name);
	p->psk = calloc((size_t)config_setting_length(l), sizeof(*p->psk));
	if (!p->psk)
		return -ENOMEM;
	for (int i = 0; i < config_setting_length(l); i++) {
		rc = parse_psk(x, config_setting_get_elem(l, (unsigned)i), p, &p->psk[p->n_psk]);
		p->n_psk++; /* freed with the profile even when it failed half way */
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_timers(struct pctx *x, const config_setting_t *s, struct cfg_profile *p)
{
	static const char *const dpd_keys[] = { "interval", "timeout", NULL };
	static const char *const life_keys[] = { "soft", "hard", "ike", NULL };
	static const char *const lim_keys[] = { "time", "bytes", "packets", NULL };
	const config_setting_t *d = config_setting_get_member(s, "dpd");
	const config_setting_t *l = config_setting_get_member(s, "lifetime");
	uint64_t v;
	int rc;

	p->dpd_interval = 30;
	p->dpd_timeout = 150;
	p->soft.time = 3240;
	p->hard.time = 3600;
	p->ike_lifetime = 14400;
	if (d) {
		if (!config_setting_is_group(d) || (rc = cfg_only(x, d, dpd_keys)) != 0)
			return d && !config_setting_is_group(d)
				       ? cfg_fail(x, d, "dpd must be a group { interval = N; timeout = N; }")
				       : rc;
		v = p->dpd_interval;
		if ((rc = cfg_uint(x, d, "interval", 86400, &v)) < 0)
			return rc;
		p->dpd_interval = (uint32_t)v;
		v = p->dpd_timeout;
		if ((rc = cfg_uint(x, d, "timeout", 86400, &v)) < 0)
			return rc;
		p->dpd_timeout = (uint32_t)v;
		if (p->dpd_interval && p->dpd_timeout < p->dpd_interval)
			return cfg_fail(x, d, "profile '%s': dpd timeout %u s is shorter than the interval %u s",
					p->name, p->dpd_timeout, p->dpd_interval);
	}
	if (!l)
		return 0;
	if (!config_setting_is_group(l))
		return cfg_fail(x, l, "lifetime must be a group { soft = {...}; hard = {...}; ike = N; }");
	if ((rc = cfg_only(x, l, life_keys)) != 0)
		return rc;
	v = p->ike_lifetime;
	if ((rc = cfg_uint(x, l, "ike", 604800, &v)) < 0)
		return rc;
	p->ike_lifetime = (uint32_t)v;
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "hard" : "soft";
		const config_setting_t *g = config_setting_get_member(l, name);
		struct cfg_lifetime *o = k ? &p->hard : &p->soft;

		if (!g)
			continue;
		if (!config_setting_is_group(g))
			return cfg_fail(x, g, "lifetime.%s must be a group { time = N; bytes = N; packets = N; }",
					name);
		if ((rc = cfg_only(x, g, lim_keys)) != 0)
			return rc;
		memset(o, 0, sizeof(*o));
		v = 0;
		if ((rc = cfg_uint(x, g, "time", 604800, &v)) < 0)
			return rc;
		o->time = (uint32_t)v;
		if (cfg_uint(x, g, "bytes", INT64_MAX, &o->bytes) < 0 ||
		    cfg_uint(x, g, "packets", INT64_MAX, &o->packets) < 0)
			return -EINVAL;
	}
	if ((p->soft.time && p->hard.time && p->soft.time >= p->hard.time) ||
	    (p->soft.bytes && p->hard.bytes && p->soft.bytes >= p->hard.bytes) ||
	    (p->soft.packets && p->hard.packets && p->soft.packets >= p->hard.packets))
		return cfg_fail(x, l, "profile '%s': a soft lifetime must be below the hard one", p->name);
	return 0;
}

static int check_pools(struct pctx *x, const config_setting_t *s, const struct config *c,
		       const struct cfg_profile *p)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	for (unsigned i = 0; i < p->n_pools; i++) {
		const struct prefix *r = &p->pools[i];

		if ((r->addr.af == 4 && (r->plen < 32 - CFG_POOL_MAX_BITS || r->plen > 30)) ||
		    (r->addr.af == 6 && (r->plen < 128 - CFG_POOL_MAX_BITS || r->plen > 126)))
			return cfg_fail(x, s, "profile '%s': pool %s: IPv4 pools are /%d../30, IPv6 pools /%d../126",
					p->name, prefix_str(r, a, sizeof(a)), 32 - CFG_POOL_MAX_BITS,
					128 - CFG_POOL_MAX_BITS);
		for (unsigned k = 0; k < i; k++)
			if (prefix_overlap(r, &p->pools[k]))
				return cfg_fail(x, s, "profile '%s': pools %s and %s overlap", p->name,
						prefix_str(r, a, sizeof(a)),
						prefix_str(&p->pools[k], b, sizeof(b)));
		/* the same range in one VRF is one pool, shared; a different overlapping range would
		 * hand out one address twice. Other VRFs may reuse any range. */
		for (unsigned q = 0; q < c->n_profiles; q++) {
			const struct cfg_profile *o = &c->profiles[q];

			if (o->vrf != p->vrf)
				continue;
			for (unsigned k = 0; k < o->n_pools; k++)
				if (prefix_overlap(r, &o->pools[k]) && !prefix_eq(r, &o->pools[k]))
					return cfg_fail(x, s, "profile '%s': pool %s overlaps pool %s of profile '%s' in the same vrf",
							p->name, prefix_str(r, a, sizeof(a)),
							prefix_str(&o->pools[k], b, sizeof(b)), o->name);
		}
	}
	return 0;
}

/* Site to site with us as the initiator: initiate = true; remote = "ADDR"; retry = SECONDS. */
static int parse_initiate(struct pctx *x, const config_setting_t *s, const struct config *c,
			  struct cfg_profile *p)
{
	const char *str = NULL;
	uint64_t v = 10;
	int rc;

	if ((rc = cfg_bool(x, s, "initiate", &p->initiate)) < 0 || (rc = cfg_str(x, s, "remote", &str)) < 0)
		return rc;
	if (rc > 0 && addr_parse(str, &p->remote) != 0)
		return cfg_fail(x, config_setting_get_member(s, "remote"),
				"profile '%s': remote '%s' is not an IP address", p->name, str);
	if ((rc = cfg_uint(x, s, "retry", 3600, &v)) < 0)
		return rc;
	if (v == 0)
		return cfg_fail(x, config_setting_get_member(s, "retry"), "profile '%s': retry must be 1..3600 s",
				p->name);
	p->retry = (uint32_t)v;
	if (!p->initiate) {
		if (p->remote.af || config_setting_get_member(s, "retry"))
			return cfg_fail(x, config_setting_get_member(s, p->remote.af ? "remote" : "retry"),
					"profile '%s': remote and retry go with initiate = true", p->name);
		return 0;
	}
	if (!p->remote.af)
		return cfg_fail(x, config_setting_get_member(s, "initiate"),
				"profile '%s': initiate needs the peer's address (remote = \"ADDR\")", p->name);
	if (p->n_pools)
		return cfg_fail(x, config_setting_get_member(s, "initiate"),
				"profile '%s': only site-to-site profiles (remote_ts) initiate", p->name);
	if (!(p->remote.af == 4 ? c->g.pub4.af : c->g.pub6.af))
		return cfg_fail(x, config_setting_get_member(s, "remote"),
				"profile '%s': remote %s but no public IPv%u address", p->name, str, p->remote.af);
	return 0;
}

static int parse_profile(struct pctx *x, const config_setting_t *s, struct config *c,
			 struct cfg_profile *p)
{
	static const char *const keys[] = { "name",	 "vrf",		  "match",    "auth",
					    "pools",	 "dns",		  "split",    "full_tunnel",
					    "ike_proposals", "esp_proposals", "dpd",  "lifetime",
					    "local_ts",	 "remote_ts",	  "local_id", "initiate",
					    "remote",	 "retry",	  NULL };
	const config_setting_t *m;
	const struct cfg_vrf *v;
	const char *str = NULL;
	int rc;

	if (!config_setting_is_group(s))
		return cfg_fail(x, s, "a profile must be a group { name = ...; vrf = ...; ... }");
	p->line = cfg_line(s);
	if ((rc = cfg_only(x, s, keys)) != 0 || (rc = cfg_str(x, s, "name", &str)) < 0)
		return rc;
	if (rc == 0 || !str[0] || strlen(str) >= CFG_NAME || strpbrk(str, " \t"))
		return cfg_fail(x, s, "profile needs a name of 1..%d characters without blanks",
				CFG_NAME - 1);
	snprintf(p->name, sizeof(p->name), "%s", str);
	for (unsigned i = 0; i < c->n_profiles; i++)
		if (strcmp(c->profiles[i].name, p->name) == 0)
			return cfg_fail(x, s, "profile '%s' is defined twice (also on line %u)", p->name,
					c->profiles[i].line);
	if ((rc = cfg_str(x, s, "vrf", &str)) < 0)
		return rc;
	if (rc == 0)
		return cfg_fail(x, s, "profile '%s' has no vrf", p->name);
	if (!(v = config_vrf_by_name(c, str)))
		return cfg_fail(x, config_setting_get_member(s, "vrf"),
				"profile '%s': vrf '%s' is not defined in vrfs", p->name, str);
	p->vrf = (unsigned)(v - c->vrfs);
	if (!(m = config_setting_get_member(s, "match")))
		return cfg_fail(x, s, "profile '%s' has no match (peer identities it is for)", p->name);
	p->match = calloc(config_setting_is_aggregate(m) ? (size_t)config_setting_length(m) + 1 : 1,
			  sizeof(*p->match));
	if (!p->match)
		return -ENOMEM;
	if ((rc = cfg_strings(x, s, "match", 1024, add_match, p)) != 0)
		return rc;
	if (!p->n_match)
		return cfg_fail(x, m, "profile '%s': match is empty", p->name);
	for (unsigned i = 0; i < p->n_match; i++)
		for (unsigned q = 0; q < c->n_profiles; q++)
			for (unsigned k = 0; k < c->profiles[q].n_match; k++)
				if (!memcmp(&p->match[i], &c->profiles[q].match[k], sizeof(p->match[i]))) {
					char b[IDENT_MAX + 8];

					return cfg_fail(x, m, "profile '%s': match '%s' is also in profile '%s' (line %u): which one applies would be ambiguous",
							p->name, ident_pat_str(&p->match[i], b, sizeof(b)),
							c->profiles[q].name, c->profiles[q].line);
				}
	if (!(m = config_setting_get_member(s, "auth")))
		return cfg_fail(x, s, "profile '%s' has no auth { psk = (...); } or { cert = ...; key = ...; ca = ...; }",
				p->name);
	if ((rc = parse_auth(x, m, c, p)) != 0)
		return rc;
	{
		struct pfx_arg pools = { p->pools, &p->n_pools, "pool" };
		struct pfx_arg split = { p->split, &p->n_split, "split" };
		struct pfx_arg lts = { p->local_ts, &p->n_local_ts, "local_ts" };
		struct pfx_arg rts = { p->remote_ts, &p->n_remote_ts, "remote_ts" };
		struct prop_arg ike = { p->ike, &p->n_ike, true };
		struct prop_arg esp = { p->esp, &p->n_esp, false };

		if ((rc = cfg_strings(x, s, "pools", CFG_MAX_POOLS, add_prefix, &pools)) != 0 ||
		    (rc = cfg_strings(x, s, "split", CFG_MAX_SPLIT, add_prefix, &split)) != 0 ||
		    (rc = cfg_strings(x, s, "local_ts", CFG_MAX_TS, add_prefix, &lts)) != 0 ||
		    (rc = cfg_strings(x, s, "remote_ts", CFG_MAX_TS, add_prefix, &rts)) != 0 ||
		    (rc = cfg_strings(x, s, "dns", CFG_MAX_DNS, add_dns, p)) != 0 ||
		    (rc = cfg_strings(x, s, "ike_proposals", CFG_MAX_PROPOSALS, add_proposal, &ike)) != 0 ||
		    (rc = cfg_strings(x, s, "esp_proposals", CFG_MAX_PROPOSALS, add_proposal, &esp)) != 0)
			return rc;
	}
	if ((rc = cfg_bool(x, s, "full_tunnel", &p->full_tunnel)) < 0)
		return rc;
	if ((rc = cfg_str(x, s, "local_id", &str)) < 0)
		return rc;
	if (rc > 0 && (ident_parse(str, &p->local_id) != 0 || p->local_id.type == IDENT_DN))
		return cfg_fail(x, config_setting_get_member(s, "local_id"),
				"profile '%s': local_id '%s' is not an address, fqdn: or email: identity",
				p->name, str);
	if (p->full_tunnel && p->n_split)
		return cfg_fail(x, config_setting_get_member(s, "full_tunnel"),
				"profile '%s': full_tunnel and split exclude each other", p->name);
	if (!p->n_pools == !p->n_remote_ts)
		return cfg_fail(x, s, "profile '%s' needs pools (remote access) or remote_ts (site-to-site), and not both",
				p->name);
	if (p->n_pools && !p->n_split)
		p->full_tunnel = true;
	if ((rc = parse_initiate(x, s, c, p)) != 0)
		return rc;
	if ((rc = check_pools(x, config_setting_get_member(s, "pools"), c, p)) != 0)
		return rc;
	if (!p->n_ike) {
		p->ike[p->n_ike++] = (struct cfg_proposal){ 256, 384, 20, false };
		p->ike[p->n_ike++] = (struct cfg_proposal){ 128, 256, 19, false };
	}
	if (!p->n_esp) {
		p->esp[p->n_esp++] = (struct cfg_proposal){ 256, 0, 0, true };
		p->esp[p->n_esp++] = (struct cfg_proposal){ 128, 0, 0, true };
	}
	return parse_timers(x, s, p);
}

int cfg_parse_profiles(struct pctx *x, config_t *lc, struct config *c)
{
	const config_setting_t *l = config_lookup(lc, "profiles");
	int rc;

	if (!l)
		return 0;
	if (!config_setting_is_list(l))
		return cfg_fail(x, l, "profiles must be a list ( { ... }, ... )");
	c->profiles = calloc((size_t)config_setting_length(l) + 1, sizeof(*c->profiles));
	if (!c->profiles)
		return -ENOMEM;
	for (int i = 0; i < config_setting_length(l); i++) {
		rc = parse_profile(x, config_setting_get_elem(l, (unsigned)i), c,
				   &c->profiles[c->n_profiles]);
		c->n_profiles++; /* its allocations are freed with the configuration */
		if (rc) {
			/* a failed profile takes no part in later checks: there are none */
			return rc;
		}
	}
	return 0;
}
