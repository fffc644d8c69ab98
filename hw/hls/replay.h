/* SPDX-License-Identifier: Apache-2.0 */
/* Anti-replay window (RFC 4303 appendix A) with ESN inference, on a lazily cleared ring (RFC 6479). */
#ifndef VRFSEC_REPLAY_H
#define VRFSEC_REPLAY_H

#include "vrfsec_tables.h"

/* Full 64-bit sequence number of a packet whose low 32 bits are seq_lo (RFC 4303 A2.2 with ESN,
 * the low bits alone without). */
uint64_t replay_infer(const struct vrfsec_sa *sa, uint32_t seq_lo);

/* Read-only check before decryption: 0 when acceptable, else VRFSEC_CNT_REPLAY / _TOO_OLD. */
uint32_t replay_check(const struct vrfsec_tables *t, uint32_t idx, uint64_t seq);

/* After the ICV matched: check again (another packet of the burst may have taken the number)
 * and move the window. 0 or the counter id of the reason to drop. */
uint32_t replay_update(struct vrfsec_tables *t, uint32_t idx, uint64_t seq);

#endif
