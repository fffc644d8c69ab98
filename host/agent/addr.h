/* SPDX-License-Identifier: Apache-2.0 */
/* IPv4/IPv6 addresses, prefixes and MAC addresses as the agent keeps them. */
#ifndef VRFSECD_ADDR_H
#define VRFSECD_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN 46
#define PREFIX_STRLEN 50
#define MAC_STRLEN 18

struct ipaddr {
	uint8_t af;    /* 4 or 6; 0 = none */
	uint8_t a[16]; /* network order, IPv4 in the first 4 bytes, the rest zero */
};

struct prefix {
	struct ipaddr addr; /* host bits zero */
	uint8_t plen;
};

/* 0 or -EINVAL. */
int addr_parse(const char *s, struct ipaddr *a);
/* "ADDR/LEN", or a bare address as a host prefix. Host bits set is -EINVAL (a typo, usually). */
int prefix_parse(const char *s, struct prefix *p);
int mac_parse(const char *s, uint8_t mac[6]);
const char *addr_str(const struct ipaddr *a, char *buf, size_t n);
const char *prefix_str(const struct prefix *p, char *buf, size_t n);
const char *mac_str(const uint8_t mac[6], char *buf, size_t n);
unsigned addr_len(uint8_t af);
bool addr_eq(const struct ipaddr *x, const struct ipaddr *y);
bool prefix_eq(const struct prefix *x, const struct prefix *y);
bool prefix_contains(const struct prefix *p, const struct ipaddr *a);
bool prefix_overlap(const struct prefix *x, const struct prefix *y);
void prefix_host(struct prefix *p, const struct ipaddr *a);
bool mac_zero(const uint8_t mac[6]);

#endif
