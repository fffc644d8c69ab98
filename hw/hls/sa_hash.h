/* SPDX-License-Identifier: Apache-2.0 */
/* The inbound SPI hash: two candidate buckets of VRFSEC_SPI_WAYS slots per SPI. */
#ifndef VRFSEC_SA_HASH_H
#define VRFSEC_SA_HASH_H

#include "vrfsec_tables.h"

static inline uint32_t spi_bucket(uint32_t spi, uint32_t which)
{
	/* Two independent multiplicative hashes; SPIs chosen by peers are random, ours sequential. */
	uint32_t h = which ? (spi ^ 0x5bd1e995u) * 0x85ebca6bu : spi * 0x9e3779b1u;

	return h >> (32u - VRFSEC_SPI_BUCKET_BITS); /* the high bits mix best */
}

int spi_hash_insert(struct vrfsec_tables *t, uint32_t spi, uint32_t idx);
void spi_hash_remove(struct vrfsec_tables *t, uint32_t spi, uint32_t idx);

#endif
