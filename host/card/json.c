/* SPDX-License-Identifier: Apache-2.0 */
/* A streaming JSON writer for vrfsec-card's --json output: RFC 8259 string escaping, no parsing. */
#include <inttypes.h>

#include "card.h"

void jw_init(struct jw *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->need_comma[0] = false;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			/* control characters must be escaped; bytes >= 0x80 pass (UTF-8 as given) */
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Comma and key before a value at the current depth. */
static void member(struct jw *w, const char *key)
{
	if (w->need_comma[w->depth])
		fputc(',', w->f);
	w->need_comma[w->depth] = true;
	if (key) {
		put_string(w->f, key);
		fputc(':', w->f);
	}
}

static void open_(struct jw *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->f);
	if (w->depth < 15)
		w->depth++;
	w->need_comma[w->depth] = false;
}

void jw_obj(struct jw *w, const char *key)
{
	open_(w, key, '{');
}

void jw_arr(struct jw *w, const char *key)
{
	open_(w, key, '[');
}

void jw_end_obj(struct jw *w)
{
	if (w->depth > 0)
		w->depth--;
	fputc('}', w->f);
}

void jw_end_arr(struct jw *w)
{
	if (w->depth > 0)
		w->depth--;
	fputc(']', w->f);
}

void jw_str(struct jw *w, const char *key, const char *val)
{
	member(w, key);
	put_string(w->f, val ? val : "");
}

void jw_u64(struct jw *w, const char *key, uint64_t val)
{
	member(w, key);
	fprintf(w->f, "%" PRIu64, val);
}

void jw_int(struct jw *w, const char *key, long long val)
{
	member(w, key);
	fprintf(w->f, "%lld", val);
}

void jw_bool(struct jw *w, const char *key, bool val)
{
	member(w, key);
	fputs(val ? "true" : "false", w->f);
}

void jw_hex(struct jw *w, const char *key, uint32_t val)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%08x", val);
	jw_str(w, key, buf);
}

void jw_done(struct jw *w)
{
	fputc('\n', w->f);
	fflush(w->f);
}
