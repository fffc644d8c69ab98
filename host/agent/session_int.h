/* SPDX-License-Identifier: Apache-2.0 */
/* Between the session layer's files: session.c (sessions, events, moves) and session_child.c
 * (CHILD SA pairs on the card). */
#ifndef VRFSECD_SESSION_INT_H
#define VRFSECD_SESSION_INT_H

#include "session.h"

void sa_in_cfg(const struct session *s, const struct child *c, struct vrfsec_sa_cfg *sa);
void sa_out_cfg(const struct session *s, const struct child *c, struct vrfsec_sa_cfg *sa);
/* Everything of the child off the card (staged), its slots back, unlinked and freed; a job of it
 * still in flight is cancelled. */
void child_remove(struct session *s, struct child *c);
/* c carries the routes and a pair beside it is left: the routes move there (staged), c drains.
 * false when c does not carry them or nothing is beside it. */
bool child_hand_over(struct session *s, struct child *c);
/* A peer's rekey c waited PEER_REKEY_HOLD_MS for the DELETE of its old pair: take its routes. */
void child_hold_expired(struct session *s, struct child *c);

#endif
