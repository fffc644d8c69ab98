/* SPDX-License-Identifier: Apache-2.0 */
/* Internals of the IKEv2 library shared by its exchange files (not part of the API). */
#ifndef VRFSEC_IKE_INT_H
#define VRFSEC_IKE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

#include "ike.h"
#include "ike_crypto.h"
#include "ike_msg.h"
#include "ike_pki.h"

/* Chained hash on a 64-bit key (ike_tab.c); nodes are embedded in what they index. */
struct ike_hnode {
	struct ike_hnode *next;
	uint64_t key;
	uint8_t in;             /* linked into a table */
};
struct ike_htab {
	struct ike_hnode **b;
	size_t mask, n;
};
int ike_htab_init(struct ike_htab *t);
/* Never fails: without memory to grow, chains get longer. */
void ike_htab_add(struct ike_htab *t, struct ike_hnode *e, uint64_t key);
void ike_htab_del(struct ike_htab *t, struct ike_hnode *e);
/* First node with key, then the next one with the same key; NULL at the end. */
struct ike_hnode *ike_htab_first(const struct ike_htab *t, uint64_t key);
struct ike_hnode *ike_htab_next(const struct ike_hnode *e);
void ike_htab_free(struct ike_htab *t);
#define IKE_CONTAINER(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* A peer or local address with its port: IPv4 or IPv6 (a sockaddr_storage would be 128 bytes). */
union ike_addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

enum sa_state {
	ST_INIT_SENT,   /* initiator: IKE_SA_INIT request out */
	ST_INIT_DONE,   /* responder: IKE_SA_INIT answered, half-open */
	ST_AUTH_SENT,   /* initiator: IKE_AUTH request out */
	ST_ESTABLISHED,
	ST_REKEYED,     /* replaced by a rekeyed IKE SA; waiting for / sending its delete */
	ST_DELETING,    /* our DELETE is out */
	ST_DEAD,        /* to be freed at the end of the current call */
};

enum rq_kind {
	RQ_NONE,
	RQ_INIT,
	RQ_AUTH,
	RQ_CHILD_REKEY,
	RQ_IKE_REKEY,
	RQ_DELETE_CHILD,
	RQ_DELETE_IKE,
	RQ_DPD,
};

enum ch_state { CH_INSTALLED, CH_REKEYED, CH_DELETING };

struct ike_child {
	struct ike_child *next;
	struct ike_hnode h;              /* ctx->children, key spi_in */
	struct ike_sa *sa;               /* the owning IKE SA */
	uint32_t spi_in, spi_out;
	struct ike_esp_prop prop;
	struct ike_ts lts[IKE_MAX_TS], rts[IKE_MAX_TS];
	uint8_t n_lts, n_rts;
	uint8_t state, initiator;
	uint8_t peer_rekeyed;            /* the peer rekeyed it (collision bookkeeping, 2.8) */
	uint8_t peer_nonce_min[32];      /* lowest nonce of the peer's rekey exchange */
	uint8_t peer_nonce_len;
	uint32_t rekeyed_by;             /* spi_in of the peer-made replacement */
	uint64_t rekey_at;
};

struct ike_req {
	uint8_t kind;
	uint32_t msgid;
	uint8_t *pkt;
	size_t len;
	uint64_t next_tx;
	uint32_t timeout;
	uint8_t tries;
	/* exchange state */
	struct ike_dh *dh;
	uint8_t nonce[32];
	uint8_t nlen;
	uint32_t new_spi;                /* CHILD: our new inbound SPI */
	uint64_t new_ike_spi;            /* IKE rekey: our new IKE SPI */
	uint32_t child_spi;              /* CHILD rekey / delete: spi_in of the child */
	uint8_t cookie_tries, ke_tries;
	uint8_t del_reason;              /* DELETE of a CHILD SA: why it goes */
};

/* Reassembly of one fragmented message (RFC 7383 2.6). part[1..total], each verified. */
struct ike_frag_rx {
	uint8_t active, exch, first_np;
	uint32_t msgid;
	uint16_t total, have;
	size_t bytes;
	uint64_t started;
	uint8_t **part;
	uint16_t *plen;
};

enum { MAX_TASKS = 8 };
struct ike_task {
	uint8_t kind;
	uint32_t spi;
};

struct ike_sa {
	struct ike_sa *next, **pprev;    /* ctx->sas */
	struct ike_sa *dead_next;        /* ctx->dead, once ST_DEAD */
	struct ike_sa *dirty_next;       /* ctx->dirty, while dirty */
	uint64_t due;                    /* earliest deadline as of the last timer sync */
	uint32_t heap_i;                 /* position in ctx->heap + 1, 0 = not in it */
	uint8_t dirty;                   /* a deadline may have changed since the last sync */
	struct ike_hnode h_spi;          /* ctx->by_spi, key: our SPI */
	struct ike_hnode h_init;         /* ctx->by_spi_i (responder from IKE_SA_INIT), key: SPIi */
	struct ike_ctx *ctx;
	uint64_t spi_i, spi_r;
	uint8_t initiator;      /* original initiator of this IKE SA */
	uint8_t state;
	uint8_t natt;           /* floated to the NAT-T ports */
	uint8_t nat_local, nat_remote;
	uint8_t reported_up;
	uint8_t report_down;    /* ike_down is owed when freed (initiated or reported up) */
	union ike_addr local, remote;
	const struct ike_profile *prof; /* shared (ike_prof_get); ike_no_profile until chosen */
	void *puser;                    /* the profile's user pointer */
	uint8_t has_prof;
	uint8_t authf;                  /* enum ike_auth_fail: why IKE_AUTH failed, for auth_failed */
	struct ike_ike_prop alg;
	struct ike_keys k;
	uint8_t keys_ok;
	uint8_t ni[64], nr[64];
	uint8_t nilen, nrlen;
	struct ike_dh *dh;
	uint8_t *init_req, *init_resp;
	size_t init_req_len, init_resp_len;
	uint8_t cookie[64];
	uint8_t cookie_len;
	struct ike_id peer_id;
	uint64_t iv_ctr;
	/* requester side (window 1) */
	uint32_t msgid_out;
	struct ike_req rq;
	struct ike_task tasks[MAX_TASKS];
	uint8_t n_tasks;
	/* responder side: last response for retransmitted requests */
	uint32_t msgid_in;
	uint8_t *resp;
	size_t resp_len;
	uint8_t have_resp;
	struct ike_child *children;
	uint64_t last_rx, rekey_at, expire_at;
	struct ike_vip vip;
	uint8_t has_vip;
	uint8_t down_reason;
	/* extensions announced in IKE_SA_INIT and certificate requests */
	uint8_t frag_ok;        /* both sides announced IKEV2_FRAGMENTATION_SUPPORTED */
	uint8_t peer_certreq;   /* the peer sent CERTREQ (IKE_SA_INIT response or IKE_AUTH request) */
	unsigned peer_hashes;   /* SIGNATURE_HASH_ALGORITHMS of the peer, bit n = hash id n */
	struct ike_frag_rx fr_req, fr_rsp; /* fragments of the peer's request / of its response */
};

struct ike_ctx {
	struct ike_config cfg;
	struct ike_sa *sas;
	struct ike_sa *dead;               /* freed at the end of the current API call */
	struct ike_htab by_spi, by_spi_i, children, profs;
	unsigned n_sas;                    /* not dead */
	/* ike_timer.c: every live SA by its earliest deadline (a binary min-heap); SAs whose
	 * deadlines may have moved wait on the dirty list until the end of the API call */
	struct ike_sa **heap;
	uint32_t heap_n, heap_cap;
	uint8_t heap_fail;                 /* out of memory once: every tick walks every SA */
	struct ike_sa *dirty;
	uint64_t resync_at;                /* next full recomputation (a safety net) */
	uint32_t half_open;
	uint8_t cookie_secret[32];
	uint64_t now;
};

/* ike_timer.c: deadlines. Whatever may move one of sa's deadlines (requests, state, lifetimes,
 * liveness, tasks, fragments) touches it; ike_timer_sync (the end of every API call) re-files the
 * touched SAs; ike_ctx_tick visits only SAs that are due. */
void ike_sa_touch(struct ike_sa *sa);
void ike_timer_sync(struct ike_ctx *ctx);
/* sa leaves the heap and the dirty list (it is being freed). */
void ike_timer_forget(struct ike_sa *sa);
void ike_timer_free(struct ike_ctx *ctx);

/* ike_sa.c: SA table, sending, SK, tasks */
void ike_log(struct ike_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct ike_sa *ike_sa_new(struct ike_ctx *ctx, uint8_t initiator);
struct ike_sa *ike_sa_find(struct ike_ctx *ctx, uint64_t local_spi);
uint64_t ike_sa_local_spi(const struct ike_sa *sa);
uint64_t ike_new_ike_spi(struct ike_ctx *ctx);
uint32_t ike_new_esp_spi(struct ike_ctx *ctx);
void ike_sa_kill(struct ike_sa *sa, enum ike_down_reason why);
/* The end of every API call: deadlines re-filed (ike_timer_sync), dead SAs freed. */
void ike_ctx_end(struct ike_ctx *ctx);
/* Send raw bytes on the SA's current addresses. */
void ike_sa_send_raw(struct ike_sa *sa, const uint8_t *pkt, size_t len);
/* Encrypt inner (a payload chain written with ike_wr, w->first = first type) into a full message
 * in out (cap bytes); length or -errno. */
int ike_sa_seal(struct ike_sa *sa, uint8_t exch, int response, uint32_t msgid, const struct ike_wr *inner,
	    uint8_t *out, size_t cap);
/* Start a request: seal, keep for retransmission, send. */
int ike_sa_request(struct ike_sa *sa, uint8_t exch, const struct ike_wr *inner, uint8_t kind);
/* Send a response to the current request and cache it. */
int ike_sa_respond(struct ike_sa *sa, uint8_t exch, uint32_t msgid, const struct ike_wr *inner);
void ike_sa_req_clear(struct ike_sa *sa);
/* The outstanding request was answered: clear it, next message ID. */
void ike_sa_done(struct ike_sa *sa);
/* IKE_SA_INIT (plain) request / response; the request is also kept for AUTH. */
int ike_sa_request_plain(struct ike_sa *sa, const uint8_t *pkt, size_t len);
int ike_sa_respond_plain(struct ike_sa *sa, const uint8_t *pkt, size_t len);
void ike_sa_queue(struct ike_sa *sa, uint8_t kind, uint32_t spi);
void ike_sa_run_tasks(struct ike_sa *sa);
void ike_sa_float(struct ike_sa *sa);
void ike_sa_report_up(struct ike_sa *sa, uint64_t old_spi);

/* Mark dead (freed at the end of the API call) without reports. */
void ike_sa_mark_dead(struct ike_sa *sa);
/* Index the SA under its SPIs once they are known. */
void ike_sa_index(struct ike_sa *sa);
/* Use profile p (shared copy) with the agent's user pointer; 0 or -ENOMEM. */
int ike_sa_set_profile(struct ike_sa *sa, const struct ike_profile *p);
/* The responder SA that answered IKE_SA_INIT with SPIi spi_i from remote, NULL if none. */
struct ike_sa *ike_sa_find_init(struct ike_ctx *ctx, uint64_t spi_i, const struct sockaddr *remote);
/* The IKE SA holding CHILD SA spi_in (and the child in *ch), NULL if none. */
struct ike_sa *ike_child_lookup(struct ike_ctx *ctx, uint32_t spi_in, struct ike_child **ch);
/* IKE_AUTH failed after a profile was chosen: remember why (auth_failed is called on the kill). */
void ike_sa_auth_fail(struct ike_sa *sa, int why);
/* Release the init messages and the nonces' buffers once IKE_AUTH is over. */
void ike_sa_setup_done(struct ike_sa *sa);

/* ike_tab.c: shared profiles (user pointer cleared); NULL on -ENOMEM */
extern const struct ike_profile ike_no_profile;
const struct ike_profile *ike_prof_get(struct ike_ctx *ctx, const struct ike_profile *p);
void ike_prof_put(struct ike_ctx *ctx, const struct ike_profile *p);
/* The credentials of the SA's profile, else the context's; may be NULL. */
struct ike_creds *ike_sa_creds(const struct ike_sa *sa);

/* ike_frag.c: RFC 7383 */
/* Seal inner into one message or, when both sides support it and it would not fit cfg.frag_size,
 * into fragments; *pkt (malloc'd) holds the messages back to back (each with its own header
 * length, see ike_sa_send_raw). 0 or -errno. */
int ike_sa_seal_out(struct ike_sa *sa, uint8_t exch, int response, uint32_t msgid,
		const struct ike_wr *inner, uint8_t **pkt, size_t *len);
/* A received SKF message: 1 stored (waiting for more), 0 complete (*out malloc'd plaintext,
 * inner parsed over it), negative when dropped. */
int ike_frag_input(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *buf,
	       const struct ike_chain *c, struct ike_chain *inner, uint8_t **out);
/* 1 when c is fragment 1 of a message and its integrity checks (retransmission trigger, 2.6.1). */
int ike_frag_first_valid(struct ike_sa *sa, const uint8_t *buf, const struct ike_chain *c);
void ike_frag_reset(struct ike_frag_rx *r);
void ike_frag_expire(struct ike_sa *sa, uint64_t now);
/* Earliest reassembly deadline, 0 if none. */
uint64_t ike_frag_deadline(const struct ike_sa *sa);

/* ike_init.c */
int ike_init_start(struct ike_sa *sa);
int ike_init_request(struct ike_ctx *ctx, const struct ike_hdr *h, const uint8_t *buf, size_t len,
		 const struct ike_chain *c, const struct ike_dgram *d);
int ike_init_response(struct ike_sa *sa, const struct ike_hdr *h, const uint8_t *buf, size_t len,
		  const struct ike_chain *c);
void ike_build_ike_props(const struct ike_ike_prop *p, unsigned n, const uint8_t *spi, uint8_t spi_size,
		     struct ike_proposal *out);
int ike_select_ike(const struct ike_ike_prop *ours, unsigned n, const struct ike_sa_pl *sa,
	       struct ike_ike_prop *chosen, uint8_t *num, uint8_t *spi, uint8_t *spi_size);

/* ike_auth.c */
/* The profile's authentication settings are usable; fill: derive a missing local ID from our
 * certificate. */
int ike_prof_usable(const struct ike_ctx *ctx, struct ike_profile *p, int fill);
int ike_auth_start(struct ike_sa *sa);
int ike_auth_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_chain *c);
int ike_auth_response(struct ike_sa *sa, const struct ike_chain *c);

/* ike_child.c */
void ike_build_esp_props(const struct ike_esp_prop *p, unsigned n, uint32_t spi, int with_dh,
		     struct ike_proposal *out);
int ike_select_esp(const struct ike_esp_prop *ours, unsigned n, const struct ike_sa_pl *sa, int pfs_ok,
	       struct ike_esp_prop *chosen, uint8_t *num, uint32_t *spi);
struct ike_child *ike_child_find_in(struct ike_sa *sa, uint32_t spi_in);
struct ike_child *ike_child_find_out(struct ike_sa *sa, uint32_t spi_out);
struct ike_child *ike_child_add(struct ike_sa *sa, uint32_t spi_in, uint32_t spi_out,
			    const struct ike_esp_prop *p, int initiator);
/* Derive keys (Ni/Nr of the exchange, g^ir if PFS) and report the child up. */
int ike_child_install(struct ike_sa *sa, struct ike_child *ch, const uint8_t *gir, size_t glen,
		  const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen, uint32_t rekeys);
void ike_child_down(struct ike_sa *sa, struct ike_child *ch, enum ike_down_reason why);
void ike_child_free_all(struct ike_sa *sa, int report, enum ike_down_reason why);
int ike_child_rekey_start(struct ike_sa *sa, uint32_t spi_in);
int ike_rekey_start(struct ike_sa *sa);
int ike_ccs_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_chain *c);
int ike_ccs_response(struct ike_sa *sa, const struct ike_chain *c);

/* ike_info.c */
int ike_info_start(struct ike_sa *sa, uint8_t kind, uint32_t spi);
int ike_info_request(struct ike_sa *sa, const struct ike_hdr *h, const struct ike_chain *c);
int ike_info_response(struct ike_sa *sa, const struct ike_chain *c);

/* ike_ts.c: traffic selectors, identities */
unsigned ike_ts_narrow(const struct ike_ts *prop, unsigned np, const struct ike_ts *allow, unsigned na,
		   struct ike_ts *out, unsigned cap);
int ike_ts_within(const struct ike_ts *ts, unsigned n, const struct ike_ts *outer, unsigned no);
void ike_ts_host(const struct sockaddr *sa, struct ike_ts *out);
int ike_id_equal(const struct ike_id *a, const struct ike_id *b);
/* ID payload body (type | 3 reserved | data) for AUTH; length. */
size_t ike_id_body(const struct ike_id *id, uint8_t *out);
/* First error notify (type < 16384) in c, 0 if none. */
uint16_t ike_chain_error(const struct ike_chain *c);
uint16_t ike_sockaddr_port(const union ike_addr *s);
void ike_sockaddr_set_port(union ike_addr *s, uint16_t port);

#endif
