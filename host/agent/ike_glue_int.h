/* SPDX-License-Identifier: Apache-2.0 */
/* Between the IKE glue's files: ike_glue.c (the records, the datagram seam, the session hooks,
 * start and stop), ike_glue_cb.c (the library's callbacks), ike_glue_timer.c (DPD, NAT-T
 * keepalives, the site-to-site initiator). */
#ifndef VRFSECD_IKE_GLUE_INT_H
#define VRFSECD_IKE_GLUE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "agent.h"
#include "ike.h"
#include "ike_conv.h"
#include "ike_glue.h"
#include "log.h"

#define GSA_MAX_CHILD 8
#define GLUE_QUEUE 256
#define KEEPALIVE_MS 20000u   /* RFC 3948 4: NAT-T keepalive period */
#define IDLE_CHECK_MS 1000u   /* how often idle sessions' inbound counters are looked at */
/* How often every record's timers are looked at (second-scale deadlines: DPD, keepalives,
 * initiator retries), and how often the library is asked for its next timer (a walk over its
 * IKE SAs): not on every pass of a loop that is busy with 100,000 tunnels. */
#define WALK_MS 200u
#define IKE_TIMER_MS 20u

enum work_kind { W_REKEY_CHILD = 1, W_DELETE_CHILD, W_DELETE_IKE, W_DPD, W_DROP };

struct work {
	uint8_t kind;
	uint64_t spi;    /* IKE SA (our SPI) */
	uint32_t spi_in; /* CHILD SA */
};

struct gchild {
	uint32_t id, spi_in;
	bool installing;       /* child_up/child_rekey staged, the card has not answered yet */
};

/* A datagram the library sent while the card work it answers for is still in flight. */
struct held {
	struct agent_dgram d;  /* d.msg points at buf */
	struct held *next;
	uint8_t buf[];
};

struct gsa {
	struct ike_glue *g;
	uint64_t link_gen;      /* g->link_gen when linked (the list is newest first) */
	char profile[CFG_NAME];
	struct ident peer_id;
	struct ipaddr peer, local;
	uint16_t peer_port;
	bool natt;
	bool up;
	uint64_t spi;          /* our SPI of the current IKE SA; 0 until it is up */
	uint64_t spi_i, spi_r; /* as on the wire (learnt from the peer's messages) */
	struct session *s;     /* NULL once the session is gone */
	unsigned n_ch;
	struct gchild ch[GSA_MAX_CHILD];
	uint64_t last_rx_ms;   /* any IKE message of this SA from the peer */
	uint64_t probe_ms;     /* DPD: probe sent at (0: none outstanding) */
	uint64_t dead_at_ms;   /* DPD: declared dead at, unless the peer speaks first */
	bool idle;             /* the card reported the inbound SA idle; probes repeat */
	uint64_t idle_pkts, idle_next_ms;
	uint64_t ka_next_ms;   /* next NAT-T keepalive */
	bool initiator;        /* we started it (profile initiate): kept until up or down */
	bool retry_now;        /* initiator: dropped for want of an answer; the next try at once */
	uint64_t started_ms;   /* initiator: when the attempt started */
	struct held *held;     /* datagrams waiting for the card (in order) */
	struct gsa *next, **pprev; /* g->list */
	struct gsa *hnext;     /* g->hash chain (by spi, when not 0) */
};

/* A profile with initiate = true: when its next attempt is due (no record of it in list). */
struct initr {
	char profile[CFG_NAME];
	uint64_t next_ms;
	struct initr *next;
};

struct ike_glue {
	struct agent *a;
	struct initr *inits;
	struct ike_ctx *ctx;
	struct gsa *list;
	struct work q[GLUE_QUEUE];
	unsigned qh, qn;
	uint64_t hdr_spi_i, hdr_spi_r; /* of the datagram being fed to the library */
	const struct agent_dgram *cur; /* the datagram being fed to the library (NULL outside rx) */
	struct held *rxq;       /* what the library sent during that call, sorted out after it */
	struct gsa *rx_gsa;     /* the record whose CHILD SA that call started installing */
	bool made_in_rx;        /* get_profile made a record during that call */
	uint64_t link_gen;      /* counts rx calls: records linked during one carry its value */
	struct gsa **hash;      /* records by our IKE SPI: per datagram, not a walk of the list */
	unsigned hash_n, hash_used;
	uint64_t walk_ms;       /* next walk of every record (DPD, keepalives, initiator) */
	uint64_t ike_timer_ms;  /* next look at the library's timers */
	uint64_t idle_check_ms;
};

/* ike_glue.c */
struct ike_ike_prop glue_ike_prop(const struct cfg_proposal *p);
/* Calls into the library from where it may not be entered: run by glue_drain. */
void glue_queue(struct ike_glue *g, uint8_t kind, uint64_t spi, uint32_t spi_in);
void glue_drain(struct ike_glue *g);
struct initr *initr_get(struct ike_glue *g, const char *profile);
/* A new record into g->list; its SPI into the index (0: none yet). */
void gsa_link(struct ike_glue *g, struct gsa *x);
void gsa_set_spi(struct ike_glue *g, struct gsa *x, uint64_t spi);
void gsa_free(struct ike_glue *g, struct gsa *x);
void gsa_session_down(struct gsa *x);
struct session *gsa_session(struct gsa *x);
struct gchild *gchild_by_spi(struct gsa *x, uint32_t spi_in);
struct gchild *gchild_by_id(struct gsa *x, uint32_t id);
void gchild_del(struct gsa *x, struct gchild *c);
void gchild_add(struct gsa *x, uint32_t id, uint32_t spi_in, bool installing);
/* The record of our IKE SPI spi: up ones only, or (any) also one not up yet. */
struct gsa *gsa_by_spi(struct ike_glue *g, uint64_t spi);
struct gsa *gsa_by_spi_any(struct ike_glue *g, uint64_t spi);
bool gsa_known(struct ike_glue *g, const struct gsa *x);
/* Held datagrams of x go out once none of its children waits for the card. */
void glue_release(struct ike_glue *g, struct gsa *x);
int glue_send(void *user, const struct ike_dgram *d);

/* ike_glue_cb.c */
void glue_fill_profile(const struct cfg_profile *p, const struct cfg_psk *psk, struct gsa *x,
		       struct ike_profile *out);
/* The library's callbacks (send: glue_send), user g. */
void glue_callbacks(struct ike_glue *g, struct ike_callbacks *cb);
void glue_sweep_pending(struct ike_glue *g);

/* ike_glue_timer.c */
void glue_dpd_probe(struct ike_glue *g, struct gsa *x, uint64_t now);

#endif
