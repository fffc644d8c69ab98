/* SPDX-License-Identifier: Apache-2.0 */
/* The control socket's JSON views of the agent's state. */
#ifndef VRFSECD_SHOW_H
#define VRFSECD_SHOW_H

#include <jansson.h>

#include "agent.h"

json_t *show_sessions(struct agent *a);
json_t *show_sa(struct agent *a);
json_t *show_vrf(struct agent *a);
json_t *show_routes(struct agent *a);
json_t *show_counters(struct agent *a);
json_t *show_neighbors(struct agent *a);
json_t *show_status(struct agent *a);

#endif
