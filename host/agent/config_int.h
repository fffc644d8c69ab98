/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the configuration parser's files: error text with file:line, typed reads. */
#ifndef VRFSECD_CONFIG_INT_H
#define VRFSECD_CONFIG_INT_H

#include <libconfig.h>

#include "config.h"

struct pctx {
	const char *path; /* the file given; libconfig names included files itself */
	char *err;
	size_t n;
};

/* Write "FILE:LINE: message" for setting s (or the file alone) and return -EINVAL. */
int cfg_fail(struct pctx *x, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A setting's path for messages: "vrfs.[1].routes.[0].prefix" reads as vrf 'red' route 1. */
const char *cfg_where(const config_setting_t *s, char *buf, size_t n);
unsigned cfg_line(const config_setting_t *s);
/* Refuse settings of group g that are not in the NULL-terminated list. */
int cfg_only(struct pctx *x, const config_setting_t *g, const char *const *allowed);
/* Optional typed members: 1 found (value set), 0 absent, -EINVAL wrong type or range. */
int cfg_str(struct pctx *x, const config_setting_t *g, const char *name, const char **v);
int cfg_uint(struct pctx *x, const config_setting_t *g, const char *name, uint64_t max,
	     uint64_t *v);
int cfg_bool(struct pctx *x, const config_setting_t *g, const char *name, bool *v);
/* A string or a list/array of strings: calls fn(each string, its setting) in order. */
int cfg_strings(struct pctx *x, const config_setting_t *g, const char *name, unsigned max,
		int (*fn)(struct pctx *x, const config_setting_t *s, const char *v, void *arg),
		void *arg);

/* The file members cert, key, chain, ca of group g (those present; each must be readable) into f;
 * what names the owner in messages ("profile 'x'", "global.credentials"). 0 or -EINVAL. */
int cfg_files_parse(struct pctx *x, const config_setting_t *g, const char *what, struct cfg_files *f);
/* Load credentials from f (at: the setting errors point at). 0, or -EINVAL with the reason. */
int cfg_creds_load(struct pctx *x, const config_setting_t *at, const char *what,
		   const struct cfg_files *f, struct ike_creds **out);

int cfg_parse_profiles(struct pctx *x, config_t *lc, struct config *c);

#endif
