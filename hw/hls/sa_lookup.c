/* SPDX-License-Identifier: Apache-2.0 */
/* Inbound SA lookup by SPI and outer destination, and the SPI hash maintenance it relies on. */
#include "bytes.h"
#include "sa_hash.h"
#include "tables_setup.h"

_Static_assert((VRFSEC_SPI_BUCKETS & (VRFSEC_SPI_BUCKETS - 1u)) == 0, "SPI buckets power of 2");

static int addr_eq(const uint8_t *a, const uint8_t *b, uint8_t af)
{
	uint32_t diff = rd32(a) ^ rd32(b);

	if (af == VRFSEC_AF_IPV6)
		diff |= (rd32(a + 4) ^ rd32(b + 4)) | (rd32(a + 8) ^ rd32(b + 8)) |
			(rd32(a + 12) ^ rd32(b + 12));
	return diff == 0;
}

uint32_t vrfsec_spi_lookup(const struct vrfsec_tables *t, uint32_t spi, uint8_t af,
			   const uint8_t *dst)
{
	uint32_t w, k;

	for (w = 0; w < 2u; w++) {
		const struct vrfsec_spi_bucket *b = &t->spi_hash[spi_bucket(spi, w)];

		for (k = 0; k < VRFSEC_SPI_WAYS; k++) {
#pragma HLS UNROLL
			uint32_t idx;

			if (b->sa[k] == 0 || b->spi[k] != spi)
				continue;
			idx = b->sa[k] - 1u;
			if (t->sa[idx].outer_af == af && addr_eq(t->sa[idx].dst, dst, af))
				return idx;
		}
	}
	return VRFSEC_NONE;
}

int spi_hash_insert(struct vrfsec_tables *t, uint32_t spi, uint32_t idx)
{
	uint32_t w, k;
	uint32_t best_w = 2u, best_k = 0, best_used = VRFSEC_SPI_WAYS + 1u;

	/* Fill the emptier of the two buckets, which keeps both lightly loaded. */
	for (w = 0; w < 2u; w++) {
		struct vrfsec_spi_bucket *b = &t->spi_hash[spi_bucket(spi, w)];
		uint32_t used = 0, free_k = VRFSEC_SPI_WAYS;

		for (k = 0; k < VRFSEC_SPI_WAYS; k++) {
			if (b->sa[k] != 0)
				used++;
			else if (free_k == VRFSEC_SPI_WAYS)
				free_k = k;
		}
		if (free_k < VRFSEC_SPI_WAYS && used < best_used) {
			best_used = used;
			best_w = w;
			best_k = free_k;
		}
	}
	if (best_w == 2u)
		return VRFSEC_ENOSPC;
	t->spi_hash[spi_bucket(spi, best_w)].spi[best_k] = spi;
	t->spi_hash[spi_bucket(spi, best_w)].sa[best_k] = idx + 1u;
	return VRFSEC_OK;
}

void spi_hash_remove(struct vrfsec_tables *t, uint32_t spi, uint32_t idx)
{
	uint32_t w, k;

	for (w = 0; w < 2u; w++) {
		struct vrfsec_spi_bucket *b = &t->spi_hash[spi_bucket(spi, w)];

		for (k = 0; k < VRFSEC_SPI_WAYS; k++) {
			if (b->sa[k] == idx + 1u && b->spi[k] == spi) {
				b->sa[k] = 0;
				b->spi[k] = 0;
			}
		}
	}
}
