/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsecd's IKE: the IKEv2 library attached to the punt seam and to the session layer. */
#ifndef VRFSECD_IKE_GLUE_H
#define VRFSECD_IKE_GLUE_H

#include <stddef.h>
#include <stdint.h>

struct agent;

/* Create the IKE context (ports, proposals and profiles of a->cfg), attach it to the punt seam
 * and install the session hooks. 0, or negative errno with err set. */
int ike_glue_start(struct agent *a, char *err, size_t n);
/* Drop every IKE SA silently (no DELETEs) and detach; sessions stay for sess_mgr_fini. */
void ike_glue_stop(struct agent *a);
/* From the event loop: the library's timers, DPD deadlines, NAT-T keepalives, queued work. */
void ike_glue_tick(struct agent *a);
/* When ike_glue_tick() has library work next (monotonic ms), UINT64_MAX when none; the glue's
 * own deadlines (DPD, keepalives, idle checks) are coarse and ride on the loop's 100 ms tick. */
uint64_t ike_glue_next_timer(const struct agent *a);
/* IKE SAs the library holds (half-open included). */
unsigned ike_glue_sa_count(const struct agent *a);

#endif
