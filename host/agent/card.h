/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's seam to the card: table operations behind an ops table, with the driver
 * (libvrfsec) as the real implementation and a recording double in the tests; slot allocators
 * for SAs and next hops; the agent's own view of the routes it programmed (RIB). */
#ifndef VRFSECD_CARD_H
#define VRFSECD_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "vrfsec.h"

/* Each returns 0 or a negative errno; errmsg() says more about the last failure. */
struct card_ops {
	int (*sa_add)(void *ctx, const struct vrfsec_sa_cfg *sa);
	int (*sa_update)(void *ctx, const struct vrfsec_sa_cfg *sa);
	int (*sa_del)(void *ctx, uint32_t idx);
	int (*route_add)(void *ctx, const struct vrfsec_route_cfg *r);
	int (*route_del)(void *ctx, const struct vrfsec_route_cfg *r);
	int (*nh_set)(void *ctx, const struct vrfsec_nh_cfg *nh);
	int (*label_map)(void *ctx, const struct vrfsec_label_cfg *l);
	int (*vrf_set)(void *ctx, const struct vrfsec_vrf_cfg *v);
	int (*port_set)(void *ctx, const struct vrfsec_port_settings *p);
	int (*inject)(void *ctx, const struct vrfsec_inject *p);
	const char *(*errmsg)(void *ctx);
};

struct idalloc {
	uint32_t first, n, used, next;
	uint8_t *bits;
};

struct card {
	const struct card_ops *ops;
	void *ctx;
	struct vrfsec_dev *dev; /* the driver's handle (NULL with a test double) */
	uint32_t max_sa, max_nh, max_vrf;
	struct idalloc sa, nh;  /* free slots; slot 0 of each is never used */
};

/* Set up the slot allocators for a card with these capacities. 0 or -ENOMEM. */
int card_init(struct card *c, const struct card_ops *ops, void *ctx, uint32_t max_sa,
	      uint32_t max_nh, uint32_t max_vrf);
void card_fini(struct card *c);
/* Open the card through libvrfsec (spec "sim:NAME", "pci:..."), reset its tables. */
int card_drv_open(struct card *c, const char *spec, char *err, size_t n);
/* Free the slot allocators and close the device. */
void card_drv_close(struct card *c);

/* Slots: VRFSEC_ABI_NONE when none is free. */
uint32_t card_sa_alloc(struct card *c);
void card_sa_free(struct card *c, uint32_t idx);
uint32_t card_nh_alloc(struct card *c);
void card_nh_free(struct card *c, uint32_t idx);

int idalloc_init(struct idalloc *a, uint32_t first, uint32_t n);
void idalloc_fini(struct idalloc *a);
uint32_t idalloc_get(struct idalloc *a);
void idalloc_put(struct idalloc *a, uint32_t id);

/* ---- the agent's RIB: what it put into each VRF's FIB on the card ------------------------ */

enum rib_kind { RIB_STATIC = 1, RIB_RRI };

struct rib_entry {
	uint16_t vrf;
	struct prefix dst;
	uint32_t nh;        /* next hop slot */
	uint8_t kind;       /* enum rib_kind */
	uint32_t owner;     /* session id (RRI), 0 for static routes */
	char via[96];       /* what the next hop is, for show routes */
};

struct rib {
	struct rib_entry *v;
	unsigned n, cap;
};

/* Program a route and remember it. -EEXIST when the VRF already has this prefix from another
 * owner (two tunnels claiming one address), else the card's result. */
int rib_add(struct rib *r, struct card *c, const struct rib_entry *e);
/* Repoint an existing route at another next hop (same owner). */
int rib_set_nh(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst, uint32_t nh,
	       const char *via);
/* Remove from the card and from the RIB; -ENOENT when not there. */
int rib_del(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst);
const struct rib_entry *rib_find(const struct rib *r, uint16_t vrf, const struct prefix *dst);
void rib_free(struct rib *r);

#endif
