/* SPDX-License-Identifier: Apache-2.0 */
/* Constants and prototypes for good.c, the tricky-but-legal input of the hls_check self-test. */
#ifndef HLS_CHECK_GOOD_H
#define HLS_CHECK_GOOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRFSEC_MAX_FRAME 2048u
#define N 7u
#define ENTRIES (1u << 4)
#define WORDS ((VRFSEC_MAX_FRAME + 31u) / 32u)

/* A call through a macro: the checker expands it when it builds the call graph. */
#define FOLD(x) fold16(x)
/* do { } while (0) is the one loop form allowed, and only in a macro body. */
#define CLEAR_ENTRY(e) do { (e)->key = 0u; (e)->used = false; } while (0)

enum { SLOTS = 4 };

struct entry {
	uint32_t key;
	bool used;
	uint8_t free;          /* a field may be called free; only free( is dynamic memory */
	uint8_t tag[N + 1u];
};

struct table {
	struct entry e[ENTRIES];
	uint32_t bits[WORDS];
	uint8_t raw[2][sizeof(struct entry)];
};

_Static_assert(sizeof(struct entry) == 16u, "entry layout");

uint16_t fold16(uint32_t x);
uint32_t table_sum(const struct table *t);
uint32_t scan(const uint8_t *p, uint32_t len, const struct table *t);
void table_clear(struct table *t);

#endif
