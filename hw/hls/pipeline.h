/* SPDX-License-Identifier: Apache-2.0 */
/* The data-path stages as engines call them, and the C-model top function. */
#ifndef VRFSEC_PIPELINE_H
#define VRFSEC_PIPELINE_H

#include "gcm.h"
#include "vrfsec_tables.h"

/* Ingress stage: parse the frame in p (p->in_port, p->off, p->len set by the caller), do every
 * check that needs no crypto, and either finish the packet (VRFSEC_ST_DONE, p->out_port set) or
 * prepare p->op and return VRFSEC_ST_CRYPTO. */
uint32_t vrfsec_stage_rx(struct vrfsec_tables *t, struct vrfsec_pkt *p);

/* Stage after p->op has been executed by an engine (tag_ok set for an open). May prepare a second
 * operation (decrypt, then re-encrypt into another SA) and return VRFSEC_ST_CRYPTO again; at most
 * two crypto operations happen per packet. */
uint32_t vrfsec_stage_post(struct vrfsec_tables *t, struct vrfsec_pkt *p);

/* The top function of the C model: rx, then up to two rounds of AES-GCM and post. keys is
 * indexed by SA. */
void vrfsec_pipeline(struct vrfsec_tables *t, const struct vrfsec_gcm_key *keys,
		     struct vrfsec_pkt *p);

/* Execute one prepared operation with the C kernel (also used by the pipeline above). */
void vrfsec_crypto_exec(const struct vrfsec_gcm_key *keys, struct vrfsec_pkt *p);

#endif
