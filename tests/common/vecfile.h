/* SPDX-License-Identifier: Apache-2.0 */
/* Reader for the project's test-vector format: blank-line separated cases of `key = value`. */
#ifndef VRFSEC_VECFILE_H
#define VRFSEC_VECFILE_H

#include <stddef.h>
#include <stdint.h>

struct vec_kv {
	char *key;
	char *val;
};

struct vec_case {
	struct vec_kv *kv;
	size_t n;
	unsigned line; /* first line of the case in its file */
};

struct vec_file {
	struct vec_case *cases;
	size_t n;
};

/* Parse path; 0 or negative errno (message on stderr). */
int vec_file_load(struct vec_file *f, const char *path);
void vec_file_free(struct vec_file *f);

/* Value of key in c, or NULL. */
const char *vec_get(const struct vec_case *c, const char *key);
/* Decode a hex value (spaces allowed) into a malloc'd buffer; -1 when absent or not hex. */
long vec_hex(const struct vec_case *c, const char *key, uint8_t **out);
/* Unsigned decimal or 0x-hex; def when absent; -1 in *ok when malformed. */
uint64_t vec_u64(const struct vec_case *c, const char *key, uint64_t def, int *ok);
/* Parse hex text into buf (at most cap bytes); length or -1. */
long hex_decode(const char *s, uint8_t *buf, size_t cap);

#endif
