/* SPDX-License-Identifier: Apache-2.0 */
/* Address, prefix and MAC parsing, printing and comparison. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

unsigned addr_len(uint8_t af)
{
	return af == 6 ? 16u : 4u;
}

int addr_parse(const char *s, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->af = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->af = 6;
		return 0;
	}
	return -EINVAL;
}

static bool host_bits_zero(const struct ipaddr *a, unsigned plen)
{
	for (unsigned bit = plen; bit < 8 * addr_len(a->af); bit++)
		if (a->a[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

int prefix_parse(const char *s, struct prefix *p)
{
	char buf[PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *end;
	long plen;

	memset(p, 0, sizeof(*p));
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, &p->addr) != 0)
		return -EINVAL;
	if (!slash) {
		p->plen = (uint8_t)(8 * addr_len(p->addr.af));
		return 0;
	}
	errno = 0;
	plen = strtol(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || plen < 0 || plen > 8 * (long)addr_len(p->addr.af))
		return -EINVAL;
	p->plen = (uint8_t)plen;
	return host_bits_zero(&p->addr, p->plen) ? 0 : -EINVAL;
}

int mac_parse(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

const char *addr_str(const struct ipaddr *a, char *buf, size_t n)
{
	if (!a->af || !inet_ntop(a->af == 6 ? AF_INET6 : AF_INET, a->a, buf, (socklen_t)n))
		snprintf(buf, n, "-");
	return buf;
}

const char *prefix_str(const struct prefix *p, char *buf, size_t n)
{
	char a[ADDR_STRLEN];

	snprintf(buf, n, "%s/%u", addr_str(&p->addr, a, sizeof(a)), p->plen);
	return buf;
}

const char *mac_str(const uint8_t mac[6], char *buf, size_t n)
{
	snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

bool addr_eq(const struct ipaddr *x, const struct ipaddr *y)
{
	return x->af == y->af && memcmp(x->a, y->a, addr_len(x->af)) == 0;
}

bool prefix_eq(const struct prefix *x, const struct prefix *y)
{
	return x->plen == y->plen && addr_eq(&x->addr, &y->addr);
}

static bool match_bits(const uint8_t *x, const uint8_t *y, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(x, y, full) != 0)
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xffu << (8 - rest));

		return (x[full] & m) == (y[full] & m);
	}
	return true;
}

bool prefix_contains(const struct prefix *p, const struct ipaddr *a)
{
	return p->addr.af == a->af && match_bits(p->addr.a, a->a, p->plen);
}

bool prefix_overlap(const struct prefix *x, const struct prefix *y)
{
	return x->addr.af == y->addr.af &&
	       match_bits(x->addr.a, y->addr.a, x->plen < y->plen ? x->plen : y->plen);
}

void prefix_host(struct prefix *p, const struct ipaddr *a)
{
	p->addr = *a;
	p->plen = (uint8_t)(8 * addr_len(a->af));
}

bool mac_zero(const uint8_t mac[6])
{
	static const uint8_t z[6];

	return memcmp(mac, z, 6) == 0;
}
