/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-ikeload: IKEv2 setup-rate load generator (initiator) and the library's responder on UDP. */
#ifndef VRFSEC_IKELOAD_H
#define VRFSEC_IKELOAD_H

#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "ike.h"

enum { IL_MAX_LOCAL = 64, IL_MAX_SHARDS = 1024 };

/* What both roles agree on: the benchmark's proposals, identities and traffic selectors. */
struct il_common {
	char psk[IKE_MAX_PSK + 1];
	char resp_id[128];       /* the responder's FQDN */
	char id_domain[64];      /* initiators are RFC822 "<tag>-<n>@<id_domain>" */
	int group;               /* 19 or 31 */
	char keys_file[256];     /* CHILD keys of sampled setups (initiator) or of all (responder) */
	unsigned shards;         /* IKE contexts (see the notes in gen.c / resp.c) */
	int verbose;
};

/* util.c */
uint64_t il_now_ms(void);
double il_now_s(void);
int il_udp_open(const struct sockaddr_in *a);
void il_hex(FILE *f, const uint8_t *p, size_t n);
long il_vmrss_kb(void);
/* The benchmark's profile parts: IKE proposal for group, the ESP proposal, TS. */
struct ike_ike_prop il_ike_prop(int group);
struct ike_esp_prop il_esp_prop(void);
void il_ts_v4(uint32_t addr_host, unsigned plen, struct ike_ts *out);
/* A "KEY ..." line: CHILD SA SPIs (ours in/out) and keys in our in/out directions. */
void il_key_line(FILE *f, const char *who, const struct ike_child_info *c);
int il_parse_addr(const char *s, struct sockaddr_in *out, uint16_t default_port);

extern volatile sig_atomic_t il_stop, il_report;
void il_signals(void);

/* gen.c / resp.c: the two roles; argv after the role word */
int il_gen_main(int argc, char **argv);
int il_resp_main(int argc, char **argv);

#endif
