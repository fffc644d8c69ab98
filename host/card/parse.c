/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-card argument parsing: a cursor over argv and strict value parsers with clear errors. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"

void arg_error(const struct args *a, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vrfsec-card: %s: ", a->what ? a->what : "command line");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *arg_next(struct args *a)
{
	return a->i < a->argc ? a->argv[a->i++] : NULL;
}

const char *arg_need(struct args *a, const char *name)
{
	const char *s = arg_next(a);

	if (!s)
		arg_error(a, "'%s' wants a value", name);
	return s;
}

bool arg_done(const struct args *a)
{
	return a->i >= a->argc;
}

bool parse_u64(const struct args *a, const char *name, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out)
{
	char *end;
	unsigned long long v;

	/* strtoull takes "-1" and leading blanks; numbers here are plain */
	if (!s || !isdigit((unsigned char)s[0]))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = v;
	return true;
bad:
	arg_error(a, "'%s' wants a number %llu..%llu, not '%s'", name, (unsigned long long)min,
		  (unsigned long long)max, s ? s : "");
	return false;
}

bool parse_u32(const struct args *a, const char *name, const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(a, name, s, 0, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool parse_addr(const struct args *a, const char *name, const char *s, uint8_t *addr, uint8_t *af)
{
	memset(addr, 0, 16);
	if (s && inet_pton(AF_INET, s, addr) == 1) {
		*af = 4;
		return true;
	}
	if (s && inet_pton(AF_INET6, s, addr) == 1) {
		*af = 6;
		return true;
	}
	arg_error(a, "'%s' wants an IPv4 or IPv6 address, not '%s'", name, s ? s : "");
	return false;
}

bool parse_prefix(const struct args *a, const char *name, const char *s, uint8_t *addr,
		  uint8_t *af, uint8_t *plen)
{
	char buf[64];
	const char *slash = s ? strchr(s, '/') : NULL;
	size_t n = slash ? (size_t)(slash - s) : (s ? strlen(s) : 0);
	uint64_t len;

	if (!s || n >= sizeof(buf)) {
		arg_error(a, "'%s' wants a prefix ADDR/LEN, not '%s'", name, s ? s : "");
		return false;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!parse_addr(a, name, buf, addr, af))
		return false;
	if (!slash) {
		*plen = *af == 4 ? 32 : 128;
		return true;
	}
	if (!parse_u64(a, name, slash + 1, 0, *af == 4 ? 32 : 128, &len))
		return false;
	*plen = (uint8_t)len;
	return true;
}

bool parse_mac(const struct args *a, const char *name, const char *s, uint8_t *mac)
{
	unsigned v[6];
	char extra;

	if (s && sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			&extra) == 6 && strlen(s) == 17) {
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)v[i];
		return true;
	}
	arg_error(a, "'%s' wants a MAC address aa:bb:cc:dd:ee:ff, not '%s'", name, s ? s : "");
	return false;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Never echo the text: it may be a key. */
static bool hex_bytes(const struct args *a, const char *name, const char *s, uint8_t *out,
		      size_t min, size_t max, size_t *len)
{
	size_t n = 0;
	int hi = -1;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		int v;

		if (*s == ':' || *s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
			continue;
		v = hexval((unsigned char)*s);
		if (v < 0 || n == max) {
			arg_error(a, "'%s' wants %zu..%zu bytes of hex", name, min, max);
			return false;
		}
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0 || n < min) {
		arg_error(a, "'%s' wants %zu..%zu bytes of hex (an even number of digits)", name, min,
			  max);
		return false;
	}
	*len = n;
	return true;
}

bool parse_hex(const struct args *a, const char *name, const char *s, uint8_t *out, size_t min,
	       size_t max, size_t *len)
{
	if (!s) {
		arg_error(a, "'%s' wants hex bytes", name);
		return false;
	}
	return hex_bytes(a, name, s, out, min, max, len);
}

bool parse_hex_file(const struct args *a, const char *name, const char *path, uint8_t *out,
		    size_t min, size_t max, size_t *len)
{
	char buf[256];
	FILE *f;
	size_t n;
	bool ok;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f) {
		arg_error(a, "'%s': cannot open %s: %s", name, path, strerror(errno));
		return false;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	ok = hex_bytes(a, name, buf, out, min, max, len);
	explicit_bzero(buf, sizeof(buf));
	return ok;
}
