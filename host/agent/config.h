/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsecd configuration: the model, loading with libconfig, validation with file:line errors,
 * lookups, and what changed between two loads. */
#ifndef VRFSECD_CONFIG_H
#define VRFSECD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "ident.h"

#define CFG_NAME 32
#define CFG_PATH 256
#define CFG_MAX_LABELS 3     /* VRFSEC_NEXTHOP_MAX_LABELS */
#define CFG_MAX_POOLS 4
#define CFG_POOL_MAX_BITS 17 /* host bits of a pool: 131,072 addresses, a card's tunnels */
#define CFG_MAX_DNS 4
#define CFG_MAX_SPLIT 32
#define CFG_MAX_TS 4         /* VRFSEC_SA_MAX_TS: selectors the card checks per SA */
#define CFG_MAX_PROPOSALS 8
#define CFG_MAX_VRF_ID 4095
#define CFG_MAX_LABEL 1048575u
#define CFG_ERR 512

enum cfg_ttl_mode { CFG_TTL_UNIFORM = 0, CFG_TTL_PIPE = 1 };
enum cfg_auth { CFG_AUTH_PSK = 1, CFG_AUTH_PUBKEY };
/* When our certificate goes into IKE_AUTH: the IKE library's IKE_SEND_CERT_* values. */
enum cfg_send_cert { CFG_SEND_CERT_IFASKED = 0, CFG_SEND_CERT_ALWAYS = 1, CFG_SEND_CERT_NEVER = 2 };

struct ike_creds; /* host/ike: certificate, private key, intermediates, trust anchors */

/* Certificate files (PEM or DER; empty: not given). Only the paths are kept and printed. */
struct cfg_files {
	char cert[CFG_PATH], key[CFG_PATH], chain[CFG_PATH], ca[CFG_PATH];
};

struct cfg_route {            /* static MPLS handoff: prefix -> far PE with a label stack */
	struct prefix dst;
	uint8_t mac[6];           /* next hop on the core link (P router or far PE) */
	uint8_t n_labels;         /* outermost first; the bottom one is the far PE's VPN label */
	uint32_t label[CFG_MAX_LABELS];
	unsigned line;
};

struct cfg_vrf {
	char name[CFG_NAME];
	uint16_t id;              /* the card's VRF number */
	uint32_t vpn_label;       /* label the core uses towards us for this VRF */
	uint8_t ttl_mode;         /* enum cfg_ttl_mode */
	unsigned n_routes;
	struct cfg_route *routes;
	unsigned line;
};

struct cfg_psk {
	struct ident_pat id;
	uint8_t *secret;          /* wiped when the configuration is freed; never logged */
	size_t len;
};

struct cfg_proposal {         /* IKE: enc, prf, dh; ESP: enc, optional dh (PFS), esn */
	uint16_t enc_bits;        /* AES-GCM-16 with 128 or 256-bit keys */
	uint16_t prf;             /* 256, 384, 512 (SHA-2); 0 for ESP */
	uint16_t dh;              /* 19, 20, 31; 0 = none (ESP without PFS) */
	bool esn;
};

struct cfg_lifetime {
	uint32_t time;            /* seconds, 0 = none */
	uint64_t bytes, packets;  /* 0 = none */
};

struct cfg_profile {
	char name[CFG_NAME];
	unsigned vrf;             /* index into config.vrfs */
	unsigned n_match;
	struct ident_pat *match;
	uint8_t auth;             /* enum cfg_auth */
	unsigned n_psk;
	struct cfg_psk *psk;
	struct cfg_files files;   /* auth pubkey: as given in the profile (empty: global.credentials) */
	uint8_t send_cert;        /* enum cfg_send_cert */
	bool rsa_pss;             /* sign with RSASSA-PSS (RSA keys) */
	struct ike_creds *creds;  /* auth pubkey: loaded from files, else global ones (a reference) */
	unsigned n_pools;
	struct prefix pools[CFG_MAX_POOLS];
	unsigned n_dns;
	struct ipaddr dns[CFG_MAX_DNS];
	bool full_tunnel;
	unsigned n_split;
	struct prefix split[CFG_MAX_SPLIT];
	unsigned n_ike, n_esp;
	struct cfg_proposal ike[CFG_MAX_PROPOSALS], esp[CFG_MAX_PROPOSALS];
	uint32_t dpd_interval, dpd_timeout; /* seconds */
	struct cfg_lifetime soft, hard;     /* CHILD SAs */
	uint32_t ike_lifetime;              /* seconds */
	struct ident local_id;              /* what we present in IKE_AUTH (type IDENT_ANY: our
	                                     * public address) */
	unsigned n_local_ts, n_remote_ts;   /* site-to-site */
	struct prefix local_ts[CFG_MAX_TS], remote_ts[CFG_MAX_TS];
	bool initiate;                      /* site-to-site: we bring the tunnel up to remote */
	struct ipaddr remote;               /* the peer's address (initiate) */
	uint32_t retry;                     /* seconds: an attempt not up by then is dropped and the
	                                     * next one starts; also the wait after the SA went down */
	unsigned line;
};

struct cfg_global {
	char card[128];           /* "sim:NAME", "pci:..." */
	struct ipaddr pub4, pub6; /* public addresses (af 0 when absent) */
	uint8_t pub_mac[6];
	struct ipaddr gw4, gw6;   /* routers towards peers (af 0: peers are on-link) */
	uint16_t public_mtu;
	uint8_t core_mac[6];
	uint16_t core_mtu;
	uint16_t ike_port, natt_port;
	char control[108];        /* unix socket path */
	int log_level;            /* enum log_level */
	uint32_t rekey_grace_ms;  /* old SA pair kept this long after a rekey */
	bool test_hooks;          /* session-inject on the control socket (tests only) */
	struct cfg_files cred;    /* global.credentials: defaults of pubkey profiles */
};

struct config {
	char file[CFG_PATH];
	struct cfg_global g;
	unsigned n_vrfs, n_profiles;
	struct cfg_vrf *vrfs;
	struct cfg_profile *profiles;
	/* The trust anchors of every pubkey profile (verify-only): the IKE context names them in
	 * CERTREQ payloads, before a profile is chosen. NULL without pubkey profiles. */
	struct ike_creds *certreq;
	unsigned refs;            /* the agent holds one; each session one */
};

/* Read and check a file. 0 and *out (refs 1), or negative errno and err as "FILE:LINE: what". */
int config_load(const char *path, struct config **out, char *err, size_t n);
struct config *config_ref(struct config *c);
/* Drop a reference; the last one wipes the secrets and frees. NULL is a no-op. */
void config_unref(struct config *c);

const struct cfg_vrf *config_vrf_by_name(const struct config *c, const char *name);
const struct cfg_vrf *config_vrf_by_id(const struct config *c, uint16_t id);
const struct cfg_profile *config_profile_by_name(const struct config *c, const char *name);
/* The profile whose best pattern matches id most specifically (ties: the one defined first);
 * NULL when none matches. *score gets the winning score when score is not NULL. */
const struct cfg_profile *config_match_profile(const struct config *c, const struct ident *id,
					       int *score);
/* The PSK of a profile for a peer identity (most specific pattern), NULL when none. */
const struct cfg_psk *config_psk_for(const struct cfg_profile *p, const struct ident *id);
static inline const struct cfg_vrf *profile_vrf(const struct config *c, const struct cfg_profile *p)
{
	return &c->vrfs[p->vrf];
}

/* One line per difference ("vrf red: vpn_label 1001 -> 1002", "profile x: added") into buf,
 * separated by "; "; returns how many. Secrets are compared, never printed. */
unsigned config_diff(const struct config *old, const struct config *nu, char *buf, size_t n);
/* A proposal as text: "aes256gcm16-prfsha384-ecp384", "aes128gcm16-esn". */
const char *proposal_str(const struct cfg_proposal *p, bool ike, char *buf, size_t n);

#endif
