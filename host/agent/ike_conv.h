/* SPDX-License-Identifier: Apache-2.0 */
/* Conversions between the agent's types and the IKE library's (ike.h). */
#ifndef VRFSECD_IKE_CONV_H
#define VRFSECD_IKE_CONV_H

#include <stdint.h>
#include <sys/socket.h>

#include "addr.h"
#include "ident.h"
#include "ike.h"

void conv_to_sockaddr(const struct ipaddr *ip, uint16_t port, struct sockaddr_storage *ss);
/* The address into *ip (af 0 for another family); returns the port. */
uint16_t conv_from_sockaddr(const struct sockaddr *sa, struct ipaddr *ip);
/* The peer's ID payload as the agent's identity; -EINVAL for kinds profiles cannot match. */
int conv_ident_from_ike(const struct ike_id *in, struct ident *out);
void conv_ident_to_ike(const struct ident *in, struct ike_id *out);
/* A prefix as a selector of all protocols and ports. */
void conv_prefix_to_ts(const struct prefix *p, struct ike_ts *t);
/* A selector's address range as a prefix; -ERANGE when it is not one (the card checks
 * prefixes). Protocol and ports are not looked at. */
int conv_ts_to_prefix(const struct ike_ts *t, struct prefix *p);

#endif
