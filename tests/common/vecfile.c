/* SPDX-License-Identifier: Apache-2.0 */
/* Test-vector file reader: cases of `key = value` lines, '#' comments, blank-line separators. */
#include "vecfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int add_kv(struct vec_case *c, const char *k, const char *v)
{
	struct vec_kv *n = realloc(c->kv, (c->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	c->kv = n;
	n[c->n].key = strdup(k);
	n[c->n].val = strdup(v);
	if (!n[c->n].key || !n[c->n].val) {
		free(n[c->n].key);
		free(n[c->n].val);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

static int push_case(struct vec_file *f, struct vec_case *c)
{
	struct vec_case *n;

	if (c->n == 0)
		return 0;
	n = realloc(f->cases, (f->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	f->cases = n;
	n[f->n++] = *c;
	memset(c, 0, sizeof(*c));
	return 0;
}

static void free_case(struct vec_case *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->kv[i].key);
		free(c->kv[i].val);
	}
	free(c->kv);
	memset(c, 0, sizeof(*c));
}

int vec_file_load(struct vec_file *f, const char *path)
{
	FILE *fp = fopen(path, "r");
	struct vec_case cur = { 0 };
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	if (!fp) {
		rc = -errno;
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return rc;
	}
	while (getline(&line, &cap, fp) >= 0) {
		char *s = trim(line), *eq;

		lineno++;
		if (*s == '#')
			continue;
		if (*s == '\0') {
			rc = push_case(f, &cur);
			if (rc)
				break;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr, "%s:%u: not a key = value line\n", path, lineno);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		if (cur.n == 0)
			cur.line = lineno;
		rc = add_kv(&cur, trim(s), trim(eq + 1));
		if (rc)
			break;
	}
	if (rc == 0)
		rc = push_case(f, &cur);
	free_case(&cur);
	free(line);
	fclose(fp);
	if (rc)
		vec_file_free(f);
	return rc;
}

void vec_file_free(struct vec_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free_case(&f->cases[i]);
	free(f->cases);
	memset(f, 0, sizeof(*f));
}

const char *vec_get(const struct vec_case *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->kv[i].key, key) == 0)
			return c->kv[i].val;
	return NULL;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

long hex_decode(const char *s, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		int v;

		if (isspace((unsigned char)*s) || *s == ':')
			continue;
		v = hexval((unsigned char)*s);
		if (v < 0)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			return -1;
		buf[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

long vec_hex(const struct vec_case *c, const char *key, uint8_t **out)
{
	const char *v = vec_get(c, key);
	size_t cap;
	long n;

	*out = NULL;
	if (!v)
		return -1;
	cap = strlen(v) / 2 + 1;
	*out = malloc(cap);
	if (!*out)
		return -1;
	n = hex_decode(v, *out, cap);
	if (n < 0) {
		free(*out);
		*out = NULL;
	}
	return n;
}

uint64_t vec_u64(const struct vec_case *c, const char *key, uint64_t def, int *ok)
{
	const char *v = vec_get(c, key);
	char *end;
	unsigned long long x;

	if (!v)
		return def;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || end == v || *trim(end) != '\0') {
		*ok = -1;
		return def;
	}
	return x;
}
