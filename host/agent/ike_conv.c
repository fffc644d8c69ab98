/* SPDX-License-Identifier: Apache-2.0 */
/* Conversions between the agent's types (addresses, prefixes, identities) and the IKE library's
 * (sockaddrs, traffic selectors, ID payloads). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "ike_conv.h"

void conv_to_sockaddr(const struct ipaddr *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->af == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, ip->a, 16);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, ip->a, 4);
	}
}

uint16_t conv_from_sockaddr(const struct sockaddr *sa, struct ipaddr *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		ip->af = 6;
		memcpy(ip->a, &s6->sin6_addr, 16);
		return ntohs(s6->sin6_port);
	}
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		ip->af = 4;
		memcpy(ip->a, &s4->sin_addr, 4);
		return ntohs(s4->sin_port);
	}
	return 0;
}

/* An ID_DER_ASN1_DN as "dn:C=CH, O=Acme, CN=alice" (RDNs in certificate order, short attribute
 * names); -EINVAL when it does not parse or a value holds a separator (',', '/', ';') or a
 * control character, which the text form could not tell apart. */
static int dn_from_der(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	const unsigned char *p = der;
	X509_NAME *nm = d2i_X509_NAME(NULL, &p, (long)len);
	size_t o;
	int rc = 0;

	if (!nm || p != der + len) {
		X509_NAME_free(nm);
		return -EINVAL;
	}
	o = (size_t)snprintf(buf, cap, "dn:");
	for (int i = 0; i < X509_NAME_entry_count(nm) && rc == 0; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(nm, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
		unsigned char *v = NULL;
		int vl = ASN1_STRING_to_UTF8(&v, X509_NAME_ENTRY_get_data(e));
		int w;

		if (!sn || vl <= 0)
			rc = -EINVAL;
		for (int k = 0; rc == 0 && k < vl; k++)
			if (v[k] < ' ' || v[k] == 0x7f || strchr(",/;", v[k]))
				rc = -EINVAL;
		if (rc == 0) {
			w = snprintf(buf + o, cap - o, "%s%s=%.*s", i ? ", " : "", sn, vl, (const char *)v);
			if (w < 0 || (size_t)w >= cap - o)
				rc = -EINVAL;
			else
				o += (size_t)w;
		}
		OPENSSL_free(v);
	}
	X509_NAME_free(nm);
	return rc;
}

/* The peer's ID payload as the agent's identity; -EINVAL for kinds profiles cannot match. */
int conv_ident_from_ike(const struct ike_id *in, struct ident *out)
{
	char buf[IDENT_MAX + 8];
	const char *kind;

	memset(out, 0, sizeof(*out));
	switch (in->type) {
	case IKE_ID_IPV4:
	case IKE_ID_IPV6:
		if (in->len != (in->type == IKE_ID_IPV4 ? 4 : 16))
			return -EINVAL;
		out->type = IDENT_IP;
		out->ip.af = in->type == IKE_ID_IPV4 ? 4 : 6;
		memcpy(out->ip.a, in->data, in->len);
		return 0;
	case IKE_ID_FQDN:
		kind = "fqdn";
		break;
	case IKE_ID_RFC822:
		kind = "email";
		break;
	case IKE_ID_DER_ASN1_DN:
		if (dn_from_der(in->data, in->len, buf, sizeof(buf)) != 0)
			return -EINVAL;
		return ident_parse(buf, out);
	default: /* key ids: no profile matches them */
		return -EINVAL;
	}
	if (!in->len || in->len >= IDENT_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < in->len; i++)
		if (in->data[i] <= ' ' || in->data[i] >= 0x7f)
			return -EINVAL;
	snprintf(buf, sizeof(buf), "%s:%.*s", kind, (int)in->len, (const char *)in->data);
	return ident_parse(buf, out);
}

void conv_ident_to_ike(const struct ident *in, struct ike_id *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	if (in->type == IDENT_IP) {
		out->type = in->ip.af == 6 ? IKE_ID_IPV6 : IKE_ID_IPV4;
		out->len = (uint16_t)addr_len(in->ip.af);
		memcpy(out->data, in->ip.a, out->len);
		return;
	}
	out->type = in->type == IDENT_EMAIL ? IKE_ID_RFC822 : IKE_ID_FQDN;
	n = strnlen(in->s, IKE_MAX_ID);
	out->len = (uint16_t)n;
	memcpy(out->data, in->s, n);
}

void conv_prefix_to_ts(const struct prefix *p, struct ike_ts *t)
{
	unsigned n = addr_len(p->addr.af);

	memset(t, 0, sizeof(*t));
	t->type = p->addr.af == 6 ? IKE_TS_IPV6 : IKE_TS_IPV4;
	t->port_hi = 0xffff;
	for (unsigned i = 0; i < n; i++) {
		unsigned bits = p->plen > i * 8 ? p->plen - i * 8 : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		t->start[i] = p->addr.a[i] & mask;
		t->end[i] = (uint8_t)(p->addr.a[i] | (uint8_t)~mask);
	}
}

/* A selector range as a prefix; -ERANGE when it is not one (the card checks prefixes). */
int conv_ts_to_prefix(const struct ike_ts *t, struct prefix *p)
{
	unsigned n = t->type == IKE_TS_IPV6 ? 16 : 4, plen = 0, i = 0;

	memset(p, 0, sizeof(*p));
	p->addr.af = t->type == IKE_TS_IPV6 ? 6 : 4;
	for (; i < n && t->start[i] == t->end[i]; i++)
		plen += 8;
	if (i < n) {
		uint8_t x = t->start[i] ^ t->end[i];
		unsigned b = 0;

		while (b < 8 && !(x & (0x80 >> b)))
			b++;
		/* the differing tail must be start 0..0 / end 1..1 */
		if ((t->start[i] & (0xff >> b)) || (uint8_t)(t->end[i] | (0xff00 >> b)) != 0xff)
			return -ERANGE;
		for (unsigned k = i + 1; k < n; k++)
			if (t->start[k] || t->end[k] != 0xff)
				return -ERANGE;
		plen += b;
	}
	memcpy(p->addr.a, t->start, n);
	p->plen = (uint8_t)plen;
	return 0;
}

