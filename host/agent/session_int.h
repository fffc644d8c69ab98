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

#endif
