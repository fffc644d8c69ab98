/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-card internals: argument cursor, parsers, JSON writer and the command handlers. */
#ifndef VRFSEC_CARD_TOOL_H
#define VRFSEC_CARD_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vrfsec.h"

/* Exit codes: 0 done, 1 the card or device refused, 2 the command line is wrong. */
#define EXIT_REFUSED 1
#define EXIT_USAGE 2

/* ---- json.c: a small streaming writer (output only) */
struct jw {
	FILE *f;
	int depth;
	bool need_comma[16];
};

void jw_init(struct jw *w, FILE *f);
void jw_obj(struct jw *w, const char *key);   /* { (key NULL inside arrays / at top) */
void jw_arr(struct jw *w, const char *key);   /* [ */
void jw_end_obj(struct jw *w);
void jw_end_arr(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *val);
void jw_u64(struct jw *w, const char *key, uint64_t val);
void jw_int(struct jw *w, const char *key, long long val);
void jw_bool(struct jw *w, const char *key, bool val);
void jw_hex(struct jw *w, const char *key, uint32_t val); /* "0x...." as a string */
void jw_done(struct jw *w);                               /* newline after the top value */

/* ---- parse.c: the argument cursor and value parsers; each prints a clear error itself */
struct args {
	int argc;
	char **argv;
	int i;
	const char *what; /* "sa add", for messages */
};

const char *arg_next(struct args *a);           /* NULL at the end */
const char *arg_need(struct args *a, const char *name); /* prints "X wants NAME" when missing */
bool arg_done(const struct args *a);
/* Unsigned number (decimal or 0x hex) within [min, max]. */
bool parse_u64(const struct args *a, const char *name, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out);
bool parse_u32(const struct args *a, const char *name, const char *s, uint32_t max, uint32_t *out);
/* Address (IPv4 or IPv6) into 16 bytes, af 4/6. */
bool parse_addr(const struct args *a, const char *name, const char *s, uint8_t *addr, uint8_t *af);
/* Prefix ADDR/LEN (LEN defaults to the full length). */
bool parse_prefix(const struct args *a, const char *name, const char *s, uint8_t *addr,
		  uint8_t *af, uint8_t *plen);
bool parse_mac(const struct args *a, const char *name, const char *s, uint8_t *mac);
/* Exactly len bytes of hex (spaces and colons allowed), e.g. a key or a salt. */
bool parse_hex(const struct args *a, const char *name, const char *s, uint8_t *out, size_t min,
	       size_t max, size_t *len);
/* Read hex from a file ("-" = stdin) so keys stay out of ps and shell history. */
bool parse_hex_file(const struct args *a, const char *name, const char *path, uint8_t *out,
		    size_t min, size_t max, size_t *len);
void arg_error(const struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the commands: each returns an exit code */
struct ctx {
	struct vrfsec_dev *dev;
	const char *spec;
	bool json;
	bool all;
};

int cmd_info(struct ctx *c, struct args *a);
int cmd_blocks(struct ctx *c, struct args *a);
int cmd_counters(struct ctx *c, struct args *a);
int cmd_datapath(struct ctx *c, struct args *a, bool on);
int cmd_reset(struct ctx *c, struct args *a);
int cmd_sa(struct ctx *c, struct args *a);
int cmd_sa_list(struct ctx *c, struct args *a);
int cmd_route(struct ctx *c, struct args *a);
int cmd_nh(struct ctx *c, struct args *a);
int cmd_label(struct ctx *c, struct args *a);
int cmd_vrf(struct ctx *c, struct args *a);
int cmd_port(struct ctx *c, struct args *a);

/* Report the outcome of a table command (text or JSON); returns the exit code. */
int report(struct ctx *c, const char *what, int rc);

#endif
