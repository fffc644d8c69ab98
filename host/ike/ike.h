/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec IKEv2 library: the protocol engine the agent (vrfsecd) drives; RFC 7296 with RFC 5282 SK. */
#ifndef VRFSEC_IKE_H
#define VRFSEC_IKE_H

/*
 * Model
 * -----
 * One struct ike_ctx per agent holds every IKE SA. It is transport-agnostic and single-threaded:
 * the caller owns the sockets and the clock. It feeds every received IKE datagram to
 * ike_ctx_input() and calls ike_ctx_tick() when ike_ctx_next_timer() is due; the library calls
 * back (struct ike_callbacks) to send datagrams, to choose a profile for a peer identity, to lease
 * virtual IPs, and to report CHILD SAs up / down and IKE SAs down. Callbacks run synchronously
 * from inside ike_ctx_input(), ike_ctx_tick() and the ike_sa_*() verbs; they must not call back
 * into the library for the same context (queue the work and do it after the call returns).
 *
 * Ports and the non-ESP marker (RFC 3948)
 * ---------------------------------------
 * IKE starts on cfg.port (500); after IKE_SA_INIT an SA moves ("floats") to the NAT-T port when
 * a NAT was detected on either side, or always when cfg.always_float is set (strongSwan does
 * this: kernel-libipsec forces UDP encapsulation). The CALLER owns the 4-byte zero non-ESP
 * marker: on a datagram received on its NAT-T port it checks the first four bytes (zero: IKE,
 * strip them and pass the rest with dgram.natt = 1; non-zero: ESP, not for this library; a
 * single 0xff byte: NAT-T keepalive, drop). When the library sends a datagram with natt = 1 the
 * caller prepends the four zero bytes.
 *
 * Memory
 * ------
 * Every pointer passed into the library is borrowed for the duration of the call only; the
 * library copies what it keeps (profiles, PSKs, addresses). Every pointer the library passes
 * to a callback (datagrams, child info with keys, identities) is valid only during the
 * callback; copy what you keep. Key material in callback structs lives in library buffers
 * that are wiped (OPENSSL_cleanse) as soon as the callback returns; the library never logs
 * key material or PSKs, and the log callback never receives them.
 *
 * Errors: functions return 0 or a negative errno value (-EBADMSG malformed input, -ENOENT
 * unknown SA, -EBUSY an exchange is outstanding, -ENOTSUP unsupported algorithm, -ENOMEM).
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* IANA IKEv2 transform ids the library implements. */
enum {
	IKE_ENCR_AES_GCM_16 = 20, /* key_bits 128 or 256 */
	IKE_PRF_HMAC_SHA1 = 2,    /* vectors only: never offered by default */
	IKE_PRF_HMAC_SHA2_256 = 5,
	IKE_PRF_HMAC_SHA2_384 = 6,
	IKE_PRF_HMAC_SHA2_512 = 7,
	IKE_DH_ECP256 = 19,
	IKE_DH_ECP384 = 20,
	IKE_DH_X25519 = 31,
};

enum { IKE_MAX_PROPS = 6, IKE_MAX_TS = 4, IKE_MAX_ID = 255, IKE_MAX_PSK = 128 };

/* One IKE SA algorithm combination (AEAD only: no INTEG transform). */
struct ike_ike_prop {
	uint16_t encr, key_bits, prf, dh;
};

/* One ESP combination. dh != 0 asks for PFS on CREATE_CHILD_SA (never in IKE_AUTH). */
struct ike_esp_prop {
	uint16_t encr, key_bits;
	uint8_t esn; /* 1: extended sequence numbers */
	uint16_t dh;
};

/* IKEv2 identification payload contents (RFC 7296 3.5). */
enum {
	IKE_ID_IPV4 = 1,
	IKE_ID_FQDN = 2,
	IKE_ID_RFC822 = 3,
	IKE_ID_IPV6 = 5,
	IKE_ID_DER_ASN1_DN = 9,
	IKE_ID_KEY_ID = 11,
};
struct ike_id {
	uint8_t type;
	uint16_t len;
	uint8_t data[IKE_MAX_ID];
};

/* Traffic selector (RFC 7296 3.13.1); addresses in network order, IPv4 in the first 4 bytes. */
enum { IKE_TS_IPV4 = 7, IKE_TS_IPV6 = 8 };
struct ike_ts {
	uint8_t type, proto; /* proto 0: any */
	uint16_t port_lo, port_hi;
	uint8_t start[16], end[16];
};

/* A peer profile. The agent fills it; the library copies it into the IKE SA. */
struct ike_profile {
	char name[32];
	void *user; /* the agent's handle (VRF, pool, ...), echoed in every report */
	struct ike_id local_id;
	struct ike_id remote_id; /* initiator: the responder's expected IDr; type 0: accept any */
	uint8_t psk[IKE_MAX_PSK];
	uint16_t psk_len;
	struct ike_ike_prop ike[IKE_MAX_PROPS]; /* preference order; initiator: first dh is guessed */
	uint8_t n_ike;
	struct ike_esp_prop esp[IKE_MAX_PROPS];
	uint8_t n_esp;
	struct ike_ts local_ts[IKE_MAX_TS], remote_ts[IKE_MAX_TS]; /* what we allow / propose */
	uint8_t n_local_ts, n_remote_ts;
	uint8_t remote_ts_dynamic; /* responder: remote TS = the peer's virtual IP (or address) /32 */
	uint8_t want_vip;          /* initiator: send CP(CFG_REQUEST) for an IPv4 address and DNS */
	uint8_t give_vip;          /* responder: answer CP requests from the pool callback */
	uint32_t ike_rekey_s, child_rekey_s; /* 0: never rekey on our own */
	uint32_t dpd_s;                      /* 0: no liveness checks; else after this idle time */
	uint16_t remote_natt_port;           /* initiator: the peer's NAT-T port (0: 4500) */
	/* Certificate authentication (RFC 7296 2.15, RFC 7427). All zero: PSK both ways, as before. */
	uint8_t auth_local;                  /* how we prove our identity: IKE_AUTHN_PSK / _PUBKEY */
	uint8_t auth_remote;                 /* how the peer must prove its identity */
	uint8_t send_cert;                   /* IKE_SEND_CERT_IFASKED (0) / _ALWAYS / _NEVER */
	uint8_t rsa_pss;                     /* sign with RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys) */
	/* Our certificate, key and trust anchors (ike_creds_load); NULL: the context's cfg.creds.
	 * The library holds its own reference for as long as an SA uses the profile. */
	struct ike_creds *creds;
	/* With auth_remote = PUBKEY the peer's ID must be certified by its certificate (ID_DER_ASN1_DN
	 * equal to the subject; FQDN, RFC822 or IP address in subjectAltName) and the certificate must
	 * chain to a trust anchor of creds (X509_verify_cert, intermediates from further CERT
	 * payloads). remote_id (type != 0) must then equal the peer's ID in both roles;
	 * remote_id_suffix = 1 accepts instead any ID of remote_id's type that ends with remote_id's
	 * data (say ".example.net" or "@example.net"). */
	uint8_t remote_id_suffix;
	/* Initiator: also ask for an IPv6 address and DNS (INTERNAL_IP6_ADDRESS / _DNS) in the CP
	 * request; alone (want_vip 0) an IPv6-only request. Our local TS is then narrowed by the
	 * responder to the /128 (and /32). */
	uint8_t want_vip6;
};

/* Authentication methods of a profile side. */
enum { IKE_AUTHN_PSK = 0, IKE_AUTHN_PUBKEY = 1 };
/* When we send our CERT payloads (and the intermediates of creds after it). */
enum { IKE_SEND_CERT_IFASKED = 0, IKE_SEND_CERT_ALWAYS = 1, IKE_SEND_CERT_NEVER = 2 };

/* A virtual IP lease: an IPv4 address (addr, unless no_addr4) and/or an IPv6 address (addr6 when
 * has_addr6; one /128, RFC 7296 3.15.1), each with up to two DNS servers. */
struct ike_vip {
	uint8_t addr[4];
	uint8_t dns[2][4];
	uint8_t n_dns;
	uint8_t no_addr4;          /* addr is not set: an IPv6-only lease */
	uint8_t has_addr6;
	uint8_t addr6[16];
	uint8_t dns6[2][16];
	uint8_t n_dns6;
};
/* What a CP request asked for (vip_acquire_af's want). */
enum { IKE_VIP_WANT_V4 = 1, IKE_VIP_WANT_V6 = 2 };

/* Why IKE_AUTH failed once a profile was chosen (auth_failed). */
enum ike_auth_fail {
	IKE_AUTHF_PSK = 1,      /* the peer's shared-key AUTH does not verify (wrong PSK) */
	IKE_AUTHF_SIGNATURE,    /* the peer's signature does not verify */
	IKE_AUTHF_CERT,         /* no / untrusted certificate, its ID not certified, or peer_cert refused */
	IKE_AUTHF_IDENTITY,     /* the peer's ID is not the profile's remote_id */
	IKE_AUTHF_PEER,         /* initiator: the responder answered AUTHENTICATION_FAILED */
	IKE_AUTHF_LOCAL,        /* our side: the profile is unusable, we cannot sign, or the answer
				 * could not be built */
	IKE_AUTHF_NEGOTIATION,  /* initiator: the responder refused IKE_AUTH otherwise (notify) */
};

/* A CHILD SA as reported to the agent. The key buffers are wiped after the callback. */
struct ike_child_info {
	uint64_t ike_spi;          /* the local SPI of the owning IKE SA */
	void *profile_user;        /* struct ike_profile.user */
	uint32_t spi_in, spi_out;  /* ESP SPIs: inbound = chosen by us */
	uint32_t rekeys_spi_in;    /* on child_up: the spi_in of the SA this one replaces, else 0 */
	uint16_t encr, key_bits;
	uint8_t esn;
	uint8_t udp_encap;         /* ESP in UDP (RFC 3948) between local and remote below */
	uint8_t initiator;         /* we initiated the exchange that created this CHILD SA */
	uint8_t key_in[32], salt_in[4], key_out[32], salt_out[4];
	struct ike_ts local_ts[IKE_MAX_TS], remote_ts[IKE_MAX_TS];
	uint8_t n_local_ts, n_remote_ts;
	uint8_t has_vip;           /* vip: the peer's (responder) or our (initiator) virtual IP */
	struct ike_vip vip;
	struct sockaddr_storage local, remote; /* outer addresses with ports (NAT-T port if encap) */
};

/* Why an IKE SA or CHILD SA went down. */
enum ike_down_reason {
	IKE_DOWN_DELETED_BY_US = 1,
	IKE_DOWN_DELETED_BY_PEER,
	IKE_DOWN_REKEYED,        /* replaced by a rekeyed SA (already reported up) */
	IKE_DOWN_TIMEOUT,        /* retransmissions exhausted / DPD failed */
	IKE_DOWN_AUTH_FAILED,
	IKE_DOWN_NEGOTIATION,    /* no proposal chosen, TS unacceptable, ... */
	IKE_DOWN_SHUTDOWN,
};

/* A datagram in or out. addresses carry the ports; natt: see "Ports" above. */
struct ike_dgram {
	const struct sockaddr *local, *remote;
	const uint8_t *data;
	size_t len;
	uint8_t natt;
};

struct ike_callbacks {
	void *user;
	/* Send one datagram (IKE message, no marker). Return 0 or -errno (the library retries
	 * requests on its timers either way). Required. */
	int (*send)(void *user, const struct ike_dgram *d);
	/* Responder: pick the profile for a peer that presented identity peer (and asked for our
	 * identity local_hint, or NULL) on local/remote. Fill *out and return 0, or -ENOENT to
	 * refuse (AUTHENTICATION_FAILED). Required for a responder. */
	int (*get_profile)(void *user, const struct ike_id *peer, const struct ike_id *local_hint,
			   const struct sockaddr *local, const struct sockaddr *remote,
			   struct ike_profile *out);
	/* Responder with give_vip: lease an address for peer; 0 or -errno (INTERNAL_ADDRESS_FAILURE).
	 * The lease is released through vip_release when the IKE SA goes away. Optional. */
	int (*vip_acquire)(void *user, void *profile_user, const struct ike_id *peer,
			   struct ike_vip *out);
	void (*vip_release)(void *user, void *profile_user, const struct ike_vip *vip);
	/* CHILD SA negotiated: install it (inbound first). On a rekey the new SA is reported up
	 * before the old one is reported down. Optional. */
	void (*child_up)(void *user, const struct ike_child_info *c);
	/* CHILD SA gone: remove it. Keys are zero here. Optional. */
	void (*child_down)(void *user, const struct ike_child_info *c, enum ike_down_reason why);
	/* IKE SA established (after IKE_AUTH, or a rekeyed IKE SA replacing old_spi). Optional. */
	void (*ike_up)(void *user, uint64_t spi, uint64_t old_spi, const struct ike_id *peer,
		       void *profile_user);
	/* IKE SA gone (its CHILD SAs were reported down first, unless moved by a rekey). Optional. */
	void (*ike_down)(void *user, uint64_t spi, enum ike_down_reason why);
	/* Log line without key material; level 0 error .. 3 debug. Optional. */
	void (*log)(void *user, int level, const char *msg);
	/* Certificate authentication: the peer's end-entity certificate (DER) passed the chain and
	 * identity checks; return 0 to accept it, -errno to refuse (AUTHENTICATION_FAILED), e.g.
	 * for a revoked serial. Optional. */
	int (*peer_cert)(void *user, void *profile_user, const struct ike_id *peer,
			 const uint8_t *der, size_t len);
	/* An authenticated message of an established IKE SA (local SPI ike_spi) came from another
	 * remote address or port than the last one (a NAT mapping changed, RFC 7296 2.23); the
	 * library now sends there, and the agent moves the SA's ESP peer (UDP encapsulation port
	 * included) to remote. Optional. */
	void (*peer_moved)(void *user, uint64_t ike_spi, const struct sockaddr *remote);
	/* A liveness check (ike_sa_dpd or the profile's dpd_s) completed: alive 1 when the peer
	 * answered, 0 when the retransmissions were exhausted (the IKE SA then goes down with
	 * IKE_DOWN_TIMEOUT right after). Optional. */
	void (*dpd_result)(void *user, uint64_t ike_spi, int alive);
	/* IKE_AUTH failed after a profile was chosen (profile_user: its user pointer), in either
	 * role; why: enum ike_auth_fail. A responder SA that never came up is not reported through
	 * ike_down, so this is where the agent releases what get_profile prepared. Optional. */
	void (*auth_failed)(void *user, void *profile_user, const struct ike_id *peer, int why);
	/* Responder with give_vip, when set (instead of vip_acquire): lease what a CP request asked
	 * for, want = IKE_VIP_WANT_V4 | IKE_VIP_WANT_V6; fill *out (addr, or no_addr4 = 1; addr6
	 * with has_addr6 = 1; DNS servers). 0 or -errno (INTERNAL_ADDRESS_FAILURE). A lease
	 * without any address asked for fails too. Released through vip_release. Optional. */
	int (*vip_acquire_af)(void *user, void *profile_user, const struct ike_id *peer, unsigned want,
			      struct ike_vip *out);
};

/*
 * Credentials for certificate authentication
 * ------------------------------------------
 * One struct ike_creds holds our end-entity certificate with its private key, the intermediates
 * we send after it, and the trust anchors we verify peers against (an OpenSSL X509_STORE).
 * Profiles and the config point at it; it is reference counted (the library takes its own
 * references), immutable after loading, and single-threaded like the context.
 * Signatures: RFC 7427 (AUTH method 14) when the peer announced SIGNATURE_HASH_ALGORITHMS:
 * RSA PKCS#1 v1.5 or PSS with SHA-256/384/512, ECDSA P-256/P-384/P-521, Ed25519; without the
 * announcement ECDSA falls back to methods 9/10/11 (RFC 4754) and RSA / Ed25519 are refused.
 */
struct ike_creds;
/* Every item is a file (PEM or DER) or, when the file pointer is NULL, an in-memory blob. */
struct ike_creds_params {
	const char *cert_file;  /* our certificate; NULL with no blob: verify-only credentials */
	const char *key_file;   /* its private key (RSA, EC or Ed25519; not encrypted) */
	const char *chain_file; /* intermediates sent after our certificate (PEM, any number) */
	const char *ca_file;    /* trust anchors (PEM, any number; or one DER certificate) */
	const uint8_t *cert, *key, *chain, *ca;
	size_t cert_len, key_len, chain_len, ca_len;
};
/* Load credentials (reference count 1); 0, -ENOENT (file), -EBADMSG (unparsable), -EINVAL (key
 * does not match the certificate, or nothing to load). */
int ike_creds_load(const struct ike_creds_params *p, struct ike_creds **out);
/* Add trust anchors (PEM file, any number); 0 or -errno. */
int ike_creds_add_ca_file(struct ike_creds *c, const char *path);
/* Take / drop a reference; the last drop frees (keys wiped). NULL is a no-op. */
struct ike_creds *ike_creds_ref(struct ike_creds *c);
void ike_creds_unref(struct ike_creds *c);
/* Our certificate's subject as an ID_DER_ASN1_DN identity (profiles use it when local_id.type
 * is 0 and auth_local is PUBKEY); 0 or -ENOENT without a certificate. */
int ike_creds_subject_id(const struct ike_creds *c, struct ike_id *out);

struct ike_config {
	struct ike_callbacks cb;
	uint16_t port, natt_port;         /* our ports: 0 gives 500 / 4500 */
	uint8_t always_float;             /* move to the NAT-T port after IKE_SA_INIT even without NAT */
	uint8_t force_encap;              /* report UDP encapsulation even without NAT */
	uint8_t fake_nat;                 /* tests: pretend our address is NATed (NAT-D mismatch) */
	struct ike_ike_prop ike[IKE_MAX_PROPS]; /* responder: acceptable in IKE_SA_INIT */
	uint8_t n_ike;
	uint32_t cookie_threshold;        /* half-open SAs before COOKIE is demanded; 0 = never */
	uint32_t half_open_timeout_ms;    /* 0 gives 30000 */
	uint32_t retransmit_ms;           /* first retransmission; 0 gives 2000; doubled each time */
	uint8_t retransmit_tries;         /* 0 gives 5 */
	int log_level;                    /* highest level passed to cb.log */
	/* Certificates: default credentials of profiles without their own; when set, a responder
	 * names their trust anchors in a CERTREQ of its IKE_SA_INIT responses (the peer sends its
	 * certificate when asked). The context holds a reference. */
	struct ike_creds *creds;
	/* IKE fragmentation (RFC 7383): announced in IKE_SA_INIT unless frag_off; when both sides
	 * announced it, encrypted messages whose datagram would exceed frag_size go out in fragments. */
	uint8_t frag_off;
	uint16_t frag_size;               /* IP datagram size of a fragment; 0 gives 1280 */
	uint16_t frag_max;                /* most fragments of one incoming message; 0 gives 64 */
	uint32_t frag_max_bytes;          /* largest reassembled message; 0 gives 65535 */
	uint32_t frag_timeout_ms;         /* incomplete reassembly dropped after; 0 gives 10000 */
};

struct ike_ctx;

/* Create a context (copies cfg); 0 or -errno. */
int ike_ctx_create(const struct ike_config *cfg, struct ike_ctx **out);
/* Free every SA silently (no messages, no callbacks) and wipe all keys. NULL is a no-op. */
void ike_ctx_destroy(struct ike_ctx *ctx);
/* Feed one received datagram; now_ms is a monotonic clock. 0 when processed (including
 * messages answered with an error notify), negative when dropped. */
int ike_ctx_input(struct ike_ctx *ctx, const struct ike_dgram *d, uint64_t now_ms);
/* Run timers (retransmission, rekey, DPD, half-open expiry) up to now_ms. */
void ike_ctx_tick(struct ike_ctx *ctx, uint64_t now_ms);
/* Earliest time ike_ctx_tick() has work, UINT64_MAX if none. */
uint64_t ike_ctx_next_timer(const struct ike_ctx *ctx);
/* Number of IKE SAs (half-open included). */
unsigned ike_ctx_sa_count(const struct ike_ctx *ctx);

/* Start an IKE SA + first CHILD SA to remote (its IKE port) from local; *spi gets our SPI. */
int ike_initiate(struct ike_ctx *ctx, const struct ike_profile *p, const struct sockaddr *local,
		 const struct sockaddr *remote, uint64_t now_ms, uint64_t *spi);
/* Rekey / delete verbs; each queues an exchange on the IKE SA (window 1). */
int ike_sa_rekey_child(struct ike_ctx *ctx, uint32_t spi_in, uint64_t now_ms);
int ike_sa_rekey_ike(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms);
int ike_sa_delete_child(struct ike_ctx *ctx, uint32_t spi_in, uint64_t now_ms);
int ike_sa_delete(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms);
int ike_sa_dpd(struct ike_ctx *ctx, uint64_t spi, uint64_t now_ms);
/* Remove the IKE SA with local SPI spi and its CHILD SAs at once, in any state, without a
 * message to the peer and without retransmissions (for a peer declared dead): child_down
 * (IKE_DOWN_TIMEOUT) for each CHILD SA, vip_release, then ike_down (IKE_DOWN_TIMEOUT) if the
 * SA was reported up or initiated by us. 0 or -ENOENT. */
int ike_sa_drop(struct ike_ctx *ctx, uint64_t spi);
/* 1 when the IKE SA with local SPI spi is established, 0 if not, -ENOENT if unknown. */
int ike_sa_established(const struct ike_ctx *ctx, uint64_t spi);

/* Format an identity as text ("fqdn:gw.example", "ipv4:192.0.2.1", ...) into buf. */
void ike_id_str(const struct ike_id *id, char *buf, size_t cap);
/* Parse "gw.example" (FQDN), "user@x" (RFC822), an IPv4/IPv6 literal, "keyid:hex"; 0 or -EINVAL. */
int ike_id_parse(const char *s, struct ike_id *out);
/* A TS for one address prefix (all protocols and ports); 0 or -EINVAL. */
int ike_ts_prefix(const char *cidr, struct ike_ts *out);

#endif
