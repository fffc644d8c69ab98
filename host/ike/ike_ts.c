// SPDX-License-Identifier: Apache-2.0
/* Traffic selector narrowing (RFC 7296 2.9), identities as text, and small address helpers. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_int.h"

static unsigned alen(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV6 ? 16 : 4;
}

/* Intersection of two selectors of the same family; 0 when empty. */
static int ts_meet(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *o)
{
	if (a->type != b->type)
		return 0;
	unsigned l = alen(a);
	if (a->proto && b->proto && a->proto != b->proto)
		return 0;
	memset(o, 0, sizeof(*o));
	o->type = a->type;
	o->proto = a->proto ? a->proto : b->proto;
	o->port_lo = a->port_lo > b->port_lo ? a->port_lo : b->port_lo;
	o->port_hi = a->port_hi < b->port_hi ? a->port_hi : b->port_hi;
	if (o->port_lo > o->port_hi)
		return 0;
	memcpy(o->start, memcmp(a->start, b->start, l) > 0 ? a->start : b->start, l);
	memcpy(o->end, memcmp(a->end, b->end, l) < 0 ? a->end : b->end, l);
	return memcmp(o->start, o->end, l) <= 0;
}

unsigned ike_ts_narrow(const struct ike_ts *prop, unsigned np, const struct ike_ts *allow, unsigned na,
		   struct ike_ts *out, unsigned cap)
{
	unsigned n = 0;
	for (unsigned i = 0; i < np; i++)
		for (unsigned j = 0; j < na && n < cap; j++) {
			struct ike_ts t;
			if (!ts_meet(&prop[i], &allow[j], &t))
				continue;
			int dup = 0;
			for (unsigned k = 0; k < n; k++)
				dup |= memcmp(&out[k], &t, sizeof(t)) == 0;
			if (!dup)
				out[n++] = t;
		}
	return n;
}

/* Every selector of ts lies inside one of outer. */
int ike_ts_within(const struct ike_ts *ts, unsigned n, const struct ike_ts *outer, unsigned no)
{
	for (unsigned i = 0; i < n; i++) {
		int in = 0;
		for (unsigned j = 0; j < no && !in; j++) {
			struct ike_ts t;
			in = ts_meet(&ts[i], &outer[j], &t) && memcmp(&t, &ts[i], sizeof(t)) == 0;
		}
		if (!in)
			return 0;
	}
	return 1;
}

void ike_ts_host(const struct sockaddr *sa, struct ike_ts *out)
{
	memset(out, 0, sizeof(*out));
	out->port_hi = 0xffff;
	if (sa->sa_family == AF_INET6) {
		out->type = IKE_TS_IPV6;
		memcpy(out->start, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		memcpy(out->end, out->start, 16);
	} else {
		out->type = IKE_TS_IPV4;
		memcpy(out->start, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		memcpy(out->end, out->start, 4);
	}
}

int ike_ts_prefix(const char *cidr, struct ike_ts *out)
{
	char buf[64];
	const char *slash = strchr(cidr, '/');
	size_t l = slash ? (size_t)(slash - cidr) : strlen(cidr);
	if (l >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, cidr, l);
	buf[l] = 0;
	memset(out, 0, sizeof(*out));
	out->port_hi = 0xffff;
	unsigned bits;
	if (inet_pton(AF_INET, buf, out->start) == 1) {
		out->type = IKE_TS_IPV4;
		bits = 32;
	} else if (inet_pton(AF_INET6, buf, out->start) == 1) {
		out->type = IKE_TS_IPV6;
		bits = 128;
	} else {
		return -EINVAL;
	}
	unsigned plen = bits;
	if (slash) {
		char *e;
		unsigned long v = strtoul(slash + 1, &e, 10);
		if (*e || e == slash + 1 || v > bits)
			return -EINVAL;
		plen = (unsigned)v;
	}
	for (unsigned i = 0; i < bits / 8; i++) {
		unsigned keep = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ? plen - 8 * i : 0;
		uint8_t mask = (uint8_t)(keep ? 0xff << (8 - keep) : 0);
		out->start[i] &= mask;
		out->end[i] = (uint8_t)(out->start[i] | (uint8_t)~mask);
	}
	return 0;
}

int ike_id_equal(const struct ike_id *a, const struct ike_id *b)
{
	return a->type == b->type && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

size_t ike_id_body(const struct ike_id *id, uint8_t *out)
{
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4u + id->len;
}

uint16_t ike_chain_error(const struct ike_chain *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct ike_notify_pl n;
		if (c->p[i].type == IKE_PT_NOTIFY && ike_notify_parse(c->p[i].body, c->p[i].len, &n) == 0 &&
		    n.type < 16384)
			return n.type;
	}
	return 0;
}

uint16_t ike_sockaddr_port(const union ike_addr *s)
{
	if (s->sa.sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)s)->sin6_port);
	return ntohs(((const struct sockaddr_in *)s)->sin_port);
}

void ike_sockaddr_set_port(union ike_addr *s, uint16_t port)
{
	if (s->sa.sa_family == AF_INET6)
		((struct sockaddr_in6 *)s)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)s)->sin_port = htons(port);
}

void ike_id_str(const struct ike_id *id, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	switch (id->type) {
	case IKE_ID_IPV4:
	case IKE_ID_IPV6:
		inet_ntop(id->type == IKE_ID_IPV4 ? AF_INET : AF_INET6, id->data, a, sizeof(a));
		snprintf(buf, cap, "%s", a);
		return;
	case IKE_ID_FQDN:
	case IKE_ID_RFC822: {
		size_t o = 0;
		for (unsigned i = 0; i < id->len && o + 1 < cap; i++) {
			uint8_t ch = id->data[i];
			buf[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?'; /* never raw bytes in logs */
		}
		buf[o] = 0;
		return;
	}
	default: {
		int o = snprintf(buf, cap, "%s:", id->type == IKE_ID_KEY_ID ? "keyid" :
					   id->type == IKE_ID_DER_ASN1_DN ? "dn" : "id");
		for (unsigned i = 0; i < id->len && o > 0 && (size_t)o + 3 < cap; i++)
			o += snprintf(buf + o, cap - (size_t)o, "%02x", id->data[i]);
		return;
	}
	}
}

int ike_id_parse(const char *s, struct ike_id *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->data) == 1) {
		out->type = IKE_ID_IPV4;
		out->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->data) == 1) {
		out->type = IKE_ID_IPV6;
		out->len = 16;
		return 0;
	}
	if (strncmp(s, "keyid:", 6) == 0) {
		const char *h = s + 6;
		size_t n = strlen(h);
		if (n % 2 || n == 0 || n / 2 > IKE_MAX_ID)
			return -EINVAL;
		for (size_t i = 0; i < n / 2; i++) {
			unsigned v;
			if (sscanf(h + 2 * i, "%2x", &v) != 1)
				return -EINVAL;
			out->data[i] = (uint8_t)v;
		}
		out->type = IKE_ID_KEY_ID;
		out->len = (uint16_t)(n / 2);
		return 0;
	}
	size_t n = strlen(s);
	if (n == 0 || n > IKE_MAX_ID)
		return -EINVAL;
	out->type = strchr(s, '@') ? IKE_ID_RFC822 : IKE_ID_FQDN;
	out->len = (uint16_t)n;
	memcpy(out->data, s, n);
	return 0;
}
