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

/* One table command of the asynchronous path (card_q). */
enum card_op { CARD_SA_ADD = 1, CARD_SA_UPDATE, CARD_SA_DEL, CARD_ROUTE_ADD, CARD_ROUTE_DEL, CARD_NH_SET };

struct card_cmd {
	uint8_t op;                       /* enum card_op */
	struct card_job *job;             /* told the outcome; NULL: failures only logged */
	union {
		struct vrfsec_sa_cfg sa;  /* SA_ADD, SA_UPDATE (the key is wiped once queued) */
		uint32_t idx;             /* SA_DEL */
		struct vrfsec_route_cfg route;
		struct vrfsec_nh_cfg nh;
	} u;
};

/* Commands whose outcome one callback learns: done(arg, job) runs from card_process() once the
 * card answered every command of the job (status 0, or the first failure and its op). The job is
 * freed right after done returns. */
struct card_job {
	unsigned pending;
	int status;
	uint8_t failed_op;
	void (*done)(void *arg, struct card_job *j); /* NULL: cancelled, freed silently */
	void *arg;
	struct card_job *next;
};

/* The synchronous calls return 0 or a negative errno; errmsg() says more about the last failure.
 * The asynchronous pair: queue() takes the commands of card_flush() in order, entry k of the
 * card's life as the k-th successful queue() call; submit() posts them. The implementation
 * reports each entry's outcome with card_done(card, k, status), from any later call (the driver:
 * its batch callback inside vrfsec_poll). */
struct card_ops {
	int (*queue)(void *ctx, const struct card_cmd *cmd);
	int (*submit)(void *ctx);
	/* Wait until everything submitted was answered (its card_done calls made). 0, -ETIMEDOUT. */
	int (*wait)(void *ctx, unsigned timeout_ms);
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

/* An entry handed to queue() and not answered yet. */
struct card_pend {
	struct card_job *job;
	uint8_t op;
	bool busy;
};

struct card {
	const struct card_ops *ops;
	void *ctx;
	struct vrfsec_dev *dev; /* the driver's handle (NULL with a test double) */
	struct vrfsec_batch *batch; /* the driver's batch of the asynchronous path */
	uint32_t max_sa, max_nh, max_vrf;
	struct idalloc sa, nh;  /* free slots; slot 0 of each is never used */
	void **sa_owner;        /* per SA slot: what the user tied to it (card_sa_own), or NULL */
	/* the asynchronous path: staged by card_q, handed to the card by card_flush */
	struct card_cmd *stage;
	unsigned n_stage, cap_stage;
	struct card_pend *pend; /* ring indexed by entry number, cap_pend a power of two */
	uint64_t pend_lo, pend_hi; /* entries [lo, hi) handed over; lo the oldest unanswered */
	unsigned cap_pend;
	struct card_job *done_head, *done_tail; /* answered jobs for card_process */
	struct {
		uint64_t queued, flushes, failed, jobs;
	} st;
};

/* Set up the slot allocators of a zeroed card with these capacities. 0 or -ENOMEM. */
/* Tie SA slot idx to owner (NULL unties); card_sa_free unties too. */
void card_sa_own(struct card *c, uint32_t idx, void *owner);
void *card_sa_owner(const struct card *c, uint32_t idx);
int card_init(struct card *c, const struct card_ops *ops, void *ctx, uint32_t max_sa,
	      uint32_t max_nh, uint32_t max_vrf);
void card_fini(struct card *c);
/* Open the card through libvrfsec (spec "sim:NAME", "pci:..."), reset its tables. */
int card_drv_open(struct card *c, const char *spec, char *err, size_t n);
/* Free the slot allocators and close the device. */
void card_drv_close(struct card *c);

/* ---- the asynchronous path -------------------------------------------------------------- */

/* A job for done(arg, job); NULL when out of memory. */
struct card_job *card_job_new(void (*done)(void *arg, struct card_job *j), void *arg);
/* The job's owner is gone: its commands still complete, nobody is told. NULL is a no-op. */
void card_job_cancel(struct card_job *j);
/* Stage a command (copied; an SA key in it is wiped by card_flush). Commands staged between two
 * flushes reach the card ordered by kind: route deletes, next hops emptied, SA deletes, SA adds,
 * SA updates, next hops set, route adds; in staging order within a kind. So teardown frees slots
 * and prefixes before setup reuses them, and a next hop never points at an SA staged with it
 * before the SA. Commands that depend on another's success go in a later job. 0 or -ENOMEM (the
 * job, if any, then fails with -ENOMEM). */
int card_q(struct card *c, const struct card_cmd *cmd);
/* Hand what is staged to the card and post it. Returns the number of commands handed over. */
unsigned card_flush(struct card *c);
/* Run the callbacks of answered jobs (they may stage more). Returns how many ran. */
unsigned card_process(struct card *c);
/* Entries handed over and not answered yet. */
uint64_t card_inflight(const struct card *c);
/* For implementations: entry seq was answered with status (0 or negative errno). */
void card_done(struct card *c, uint64_t seq, int status);
/* Flush, then wait (up to timeout_ms) until every entry was answered, processing jobs. 0 or
 * -ETIMEDOUT. For shutdown and for callers that need the card to be settled. */
int card_settle(struct card *c, unsigned timeout_ms);
const char *card_op_name(uint8_t op);
/* Drop what is staged (keys wiped) and cancel unanswered jobs (card_fini does it). */
void card_queue_fini(struct card *c);

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
	uint32_t hnext;     /* the index's chain: entry number + 1, 0 ends it */
};

/* The routes in an array (show walks it) with a chained hash index on (VRF, prefix), so that a
 * lookup costs the same with 100,000 tunnels as with ten. */
struct rib {
	struct rib_entry *v;
	unsigned n, cap;
	uint32_t *bucket; /* entry number + 1, 0 empty; nbucket a power of two */
	unsigned nbucket;
};

/* Program a route and remember it. -EEXIST when the VRF already has this prefix from another
 * owner (two tunnels claiming one address), else the card's result. */
int rib_add(struct rib *r, struct card *c, const struct rib_entry *e);
/* Repoint an existing route at another next hop (same owner). */
int rib_set_nh(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst, uint32_t nh,
	       const char *via);
/* Remove from the card and from the RIB; -ENOENT when not there. */
int rib_del(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst);
/* The same through the asynchronous path: the RIB changes at once, the card command is staged
 * with job (NULL: failures logged). rib_add_q: -EEXIST as rib_add; rib_set_nh_q stages nothing
 * when the next hop stays; rib_del_q: -ENOENT when not there. */
int rib_add_q(struct rib *r, struct card *c, const struct rib_entry *e, struct card_job *job);
int rib_set_nh_q(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst, uint32_t nh,
		 const char *via, struct card_job *job);
int rib_del_q(struct rib *r, struct card *c, uint16_t vrf, const struct prefix *dst);
const struct rib_entry *rib_find(const struct rib *r, uint16_t vrf, const struct prefix *dst);
void rib_free(struct rib *r);

#endif
