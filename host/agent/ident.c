/* SPDX-License-Identifier: Apache-2.0 */
/* Identity parsing, normalisation and wildcard matching with a specificity score. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ident.h"

#define SCORE_EXACT 100000

static const char *const type_names[] = { "any", "ip", "fqdn", "email", "dn" };

/* DNs compare as RDN sequences: attribute types lower case, no blanks around '=' and the
 * separators (',' or '/' or ';'), values case-insensitive like the other names. */
static int dn_normalise(const char *in, char *out, size_t n)
{
	size_t o = 0;
	const char *p = in;

	if (*p == '/')
		p++;
	while (*p) {
		const char *eq, *end;
		size_t tl, vl;

		while (isspace((unsigned char)*p))
			p++;
		end = p + strcspn(p, ",/;");
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq || eq == p)
			return -EINVAL;
		tl = (size_t)(eq - p);
		while (tl && isspace((unsigned char)p[tl - 1]))
			tl--;
		eq++;
		while (eq < end && isspace((unsigned char)*eq))
			eq++;
		vl = (size_t)(end - eq);
		while (vl && isspace((unsigned char)eq[vl - 1]))
			vl--;
		if (!vl || o + tl + vl + 3 >= n)
			return -EINVAL;
		if (o)
			out[o++] = ',';
		for (size_t i = 0; i < tl; i++)
			out[o++] = (char)tolower((unsigned char)p[i]);
		out[o++] = '=';
		for (size_t i = 0; i < vl; i++)
			out[o++] = (char)tolower((unsigned char)eq[i]);
		p = *end ? end + 1 : end;
	}
	out[o] = '\0';
	return o ? 0 : -EINVAL;
}

static int lower_copy(const char *in, char *out, size_t n)
{
	size_t l = strlen(in);

	if (l == 0 || l >= n)
		return -EINVAL;
	for (size_t i = 0; i <= l; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	return 0;
}

static enum ident_type guess(const char *s, const char **body)
{
	static const struct {
		const char *prefix;
		enum ident_type t;
	} kinds[] = { { "fqdn:", IDENT_FQDN },	{ "email:", IDENT_EMAIL }, { "ufqdn:", IDENT_EMAIL },
		      { "ip:", IDENT_IP },	{ "dn:", IDENT_DN },	   { "asn1dn:", IDENT_DN } };
	struct prefix pf;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncasecmp(s, kinds[i].prefix, strlen(kinds[i].prefix)) == 0) {
			*body = s + strlen(kinds[i].prefix);
			return kinds[i].t;
		}
	*body = s;
	if (prefix_parse(s, &pf) == 0)
		return IDENT_IP;
	if (strchr(s, '='))
		return IDENT_DN;
	if (strchr(s, '@'))
		return IDENT_EMAIL;
	return IDENT_FQDN;
}

static int body_parse(enum ident_type t, const char *body, char *out, size_t n)
{
	if (t == IDENT_DN)
		return dn_normalise(body, out, n);
	return lower_copy(body, out, n);
}

int ident_parse(const char *s, struct ident *id)
{
	const char *body;

	memset(id, 0, sizeof(*id));
	id->type = guess(s, &body);
	if (id->type == IDENT_IP)
		return addr_parse(body, &id->ip);
	if (strchr(body, '*'))
		return -EINVAL;
	return body_parse(id->type, body, id->s, sizeof(id->s));
}

int ident_pat_parse(const char *s, struct ident_pat *p, char *err, size_t n)
{
	const char *body;

	memset(p, 0, sizeof(*p));
	if (strcmp(s, "%any") == 0 || strcmp(s, "*") == 0) {
		p->type = IDENT_ANY;
		p->wild = 1;
		return 0;
	}
	p->type = guess(s, &body);
	if (p->type == IDENT_IP) {
		if (prefix_parse(body, &p->ip) != 0) {
			snprintf(err, n, "'%s' is not an IP address or prefix (host bits must be 0)",
				 body);
			return -EINVAL;
		}
		p->wild = p->ip.plen < 8 * addr_len(p->ip.addr.af);
		return 0;
	}
	if (body_parse(p->type, body, p->s, sizeof(p->s)) != 0) {
		snprintf(err, n, "'%s' is not a valid %s identity%s", s, type_names[p->type],
			 p->type == IDENT_DN ? " (want ATTR=VALUE, ...)" : "");
		return -EINVAL;
	}
	for (const char *c = p->s; *c; c++) {
		if (*c == '*')
			p->wild = 1;
		else
			p->literal++;
	}
	return 0;
}

/* '*' matches any run of characters (also none); iterative with one backtrack point. */
static bool glob(const char *pat, const char *str)
{
	const char *star = NULL, *resume = NULL;

	while (*str) {
		if (*pat == '*') {
			star = pat++;
			resume = str;
		} else if (*pat == *str) {
			pat++;
			str++;
		} else if (star) {
			pat = star + 1;
			str = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

int ident_match(const struct ident_pat *p, const struct ident *id)
{
	if (p->type == IDENT_ANY)
		return 0;
	if (p->type != id->type)
		return -1;
	if (p->type == IDENT_IP) {
		if (!prefix_contains(&p->ip, &id->ip))
			return -1;
		return p->wild ? 1000 + p->ip.plen : SCORE_EXACT;
	}
	if (!glob(p->s, id->s))
		return -1;
	return p->wild ? 1000 + p->literal : SCORE_EXACT;
}

const char *ident_str(const struct ident *id, char *buf, size_t n)
{
	char a[ADDR_STRLEN];

	if (id->type == IDENT_IP)
		snprintf(buf, n, "ip:%s", addr_str(&id->ip, a, sizeof(a)));
	else
		snprintf(buf, n, "%s:%s", type_names[id->type], id->s);
	return buf;
}

const char *ident_pat_str(const struct ident_pat *p, char *buf, size_t n)
{
	char a[PREFIX_STRLEN];

	if (p->type == IDENT_ANY)
		snprintf(buf, n, "%%any");
	else if (p->type == IDENT_IP)
		snprintf(buf, n, "ip:%s", prefix_str(&p->ip, a, sizeof(a)));
	else
		snprintf(buf, n, "%s:%s", type_names[p->type], p->s);
	return buf;
}
