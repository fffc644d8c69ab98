/* SPDX-License-Identifier: Apache-2.0 */
/* An ESP vector decoded into SA parameters, frames to feed and the bytes to expect. */
#ifndef VRFSEC_ESP_CASE_H
#define VRFSEC_ESP_CASE_H

#include <stdint.h>

#include "testbed.h"

#define EC_MAX 2048

#define SA_IN 1u
#define SA_OUT 2u
#define VRF_ID 1u
#define NH_OUT 1u /* VLAN to the inside port: where decrypted packets leave */
#define VLAN_ID 10u

struct esp_case {
	struct vrfsec_sa_params in, out;
	uint8_t key[32];
	uint32_t key_len;
	/* seal: the IP packet the host injects, and the frame expected on the public port
	 * from byte cmp_off on */
	uint8_t seal_in[EC_MAX];
	uint32_t seal_in_len;
	uint8_t seal_out[EC_MAX];
	uint32_t seal_out_len;
	uint32_t cmp_off;
	/* open: the frame received on the public port and the IP packet expected on the inside
	 * port (after the TTL decrement of forwarding) */
	uint8_t open_in[EC_MAX];
	uint32_t open_in_len;
	uint8_t open_out[EC_MAX];
	uint32_t open_out_len;
	uint32_t esp_off;   /* ESP header in open_in */
	uint32_t esp_len;
	uint32_t plain_off; /* a stretch of plaintext that must never leave a refused packet */
	uint32_t plain_len;
	int transport;
};

/* Program a testbed for the case: VRF, VLAN next hop, default routes, SAs. 0 or -errno. */
int esp_case_program(const struct esp_case *ec, struct testbed *tb);
/* Re-install the inbound SA with a fresh window whose top is seq_top. */
int esp_case_reset_in(const struct esp_case *ec, struct testbed *tb, uint64_t seq_top);
/* Re-install the outbound SA so that its next packet carries seq (and an IV). */
int esp_case_reset_out(const struct esp_case *ec, struct testbed *tb, uint64_t next_seq);

#endif
