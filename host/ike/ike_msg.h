/* SPDX-License-Identifier: Apache-2.0 */
/* IKEv2 message codec (RFC 7296 section 3): bounds-checked payload parsers and a writer. */
#ifndef VRFSEC_IKE_MSG_H
#define VRFSEC_IKE_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ike.h"

enum {
	IKE_HDR_LEN = 28,
	IKE_GEN_LEN = 4,
	IKE_MAX_PAYLOADS = 48,
	IKE_MAX_PROPOSALS = 16,
	IKE_MAX_XFORMS = 32,
	IKE_MAX_SPIS = 32,
	IKE_MAX_CP_ATTRS = 16,
	IKE_MAX_MSG = 65535,
};

/* Payload types */
enum {
	IKE_PT_NONE = 0, IKE_PT_SA = 33, IKE_PT_KE = 34, IKE_PT_IDI = 35, IKE_PT_IDR = 36,
	IKE_PT_CERT = 37, IKE_PT_CERTREQ = 38, IKE_PT_AUTH = 39, IKE_PT_NONCE = 40,
	IKE_PT_NOTIFY = 41, IKE_PT_DELETE = 42, IKE_PT_VENDOR = 43, IKE_PT_TSI = 44,
	IKE_PT_TSR = 45, IKE_PT_SK = 46, IKE_PT_CP = 47, IKE_PT_EAP = 48, IKE_PT_SKF = 53,
};

/* Exchange types and header flags */
enum {
	IKE_SA_INIT = 34, IKE_AUTH = 35, IKE_CREATE_CHILD_SA = 36, IKE_INFORMATIONAL = 37,
	IKE_FLAG_I = 0x08, IKE_FLAG_V = 0x10, IKE_FLAG_R = 0x20,
};

/* Protocol ids, transform types */
enum {
	IKE_PROTO_IKE = 1, IKE_PROTO_AH = 2, IKE_PROTO_ESP = 3,
	IKE_XF_ENCR = 1, IKE_XF_PRF = 2, IKE_XF_INTEG = 3, IKE_XF_DH = 4, IKE_XF_ESN = 5,
	IKE_ATTR_KEY_LENGTH = 14,
	IKE_AUTH_PSK = 2,
	IKE_AUTH_RSA_SIG = 1,        /* RFC 7296: PKCS#1 v1.5 with SHA-1 (not accepted here) */
	IKE_AUTH_ECDSA_256 = 9,      /* RFC 4754: r | s over SHA-256 on P-256 */
	IKE_AUTH_ECDSA_384 = 10,
	IKE_AUTH_ECDSA_521 = 11,
	IKE_AUTH_DIGITAL_SIG = 14,   /* RFC 7427: AlgorithmIdentifier + signature */
	IKE_CERT_X509_SIG = 4,       /* CERT / CERTREQ encoding: X.509 Certificate - Signature */
	IKE_HASH_SHA2_256 = 2, IKE_HASH_SHA2_384 = 3, IKE_HASH_SHA2_512 = 4, IKE_HASH_IDENTITY = 5,
};

/* Notify types used here */
enum {
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1, IKE_N_INVALID_IKE_SPI = 4,
	IKE_N_INVALID_MAJOR_VERSION = 5, IKE_N_INVALID_SYNTAX = 7, IKE_N_INVALID_MESSAGE_ID = 9,
	IKE_N_INVALID_SPI = 11, IKE_N_NO_PROPOSAL_CHOSEN = 14, IKE_N_INVALID_KE_PAYLOAD = 17,
	IKE_N_AUTHENTICATION_FAILED = 24, IKE_N_SINGLE_PAIR_REQUIRED = 34,
	IKE_N_NO_ADDITIONAL_SAS = 35, IKE_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKE_N_FAILED_CP_REQUIRED = 37, IKE_N_TS_UNACCEPTABLE = 38, IKE_N_INVALID_SELECTORS = 39,
	IKE_N_TEMPORARY_FAILURE = 43, IKE_N_CHILD_SA_NOT_FOUND = 44,
	IKE_N_INITIAL_CONTACT = 16384, IKE_N_SET_WINDOW_SIZE = 16385,
	IKE_N_NAT_DETECTION_SOURCE_IP = 16388, IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKE_N_COOKIE = 16390, IKE_N_USE_TRANSPORT_MODE = 16391, IKE_N_REKEY_SA = 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394, IKE_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	IKE_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430, IKE_N_SIGNATURE_HASH_ALGORITHMS = 16431,
};

/* Configuration payload */
enum {
	IKE_CFG_REQUEST = 1, IKE_CFG_REPLY = 2,
	IKE_CA_INTERNAL_IP4_ADDRESS = 1, IKE_CA_INTERNAL_IP4_NETMASK = 2, IKE_CA_INTERNAL_IP4_DNS = 3,
	IKE_CA_INTERNAL_IP6_ADDRESS = 8, IKE_CA_INTERNAL_IP6_DNS = 10,
};

struct ike_hdr {
	uint64_t spi_i, spi_r;
	uint8_t next, version, exch, flags;
	uint32_t msgid, len;
};

/* One payload of a chain: body excludes the generic header. */
struct ike_pl {
	uint8_t type, critical;
	uint8_t next; /* the next-payload field (for SK: the first inner payload) */
	const uint8_t *body;
	uint16_t len;
};

struct ike_chain {
	struct ike_pl p[IKE_MAX_PAYLOADS];
	unsigned n;
};

struct ike_xform {
	uint8_t type;
	uint16_t id;
	uint16_t key_bits; /* 0: no key length attribute */
};
struct ike_proposal {
	uint8_t num, proto, spi_size;
	uint8_t spi[8];
	uint8_t n_xf;
	struct ike_xform xf[IKE_MAX_XFORMS];
};
struct ike_sa_pl {
	uint8_t n;
	struct ike_proposal prop[IKE_MAX_PROPOSALS];
};

struct ike_ke_pl {
	uint16_t group;
	const uint8_t *data;
	uint16_t len;
};

struct ike_notify_pl {
	uint8_t proto, spi_size;
	uint16_t type;
	const uint8_t *spi; /* NULL when spi_size is 0 */
	const uint8_t *data;
	uint16_t len;
};

struct ike_delete_pl {
	uint8_t proto, spi_size;
	uint16_t n;
	uint32_t spi[IKE_MAX_SPIS]; /* ESP/AH SPIs (network order decoded) */
};

struct ike_auth_pl {
	uint8_t method;
	const uint8_t *data;
	uint16_t len;
};

struct ike_ts_pl {
	uint8_t n;
	struct ike_ts ts[IKE_MAX_TS];
};

struct ike_cp_attr {
	uint16_t type;
	const uint8_t *data;
	uint16_t len;
};
struct ike_cp_pl {
	uint8_t cfg_type, n;
	struct ike_cp_attr a[IKE_MAX_CP_ATTRS];
};

/* Certificate and certificate request (RFC 7296 3.6, 3.7): encoding + opaque data. */
struct ike_cert_pl {
	uint8_t encoding;
	const uint8_t *data;
	uint16_t len;
};

/* Parsers: 0 or -EBADMSG (-ENOTSUP for an unsupported version); never read outside buf. */
int ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *h);
/* Walk a payload chain starting with type first over buf; stops at an SK payload (which must be
 * last). Unknown non-critical payloads are kept (type as on the wire); an unknown critical
 * payload gives -ENOTSUP with *bad_type set. */
int ike_chain_parse(uint8_t first, const uint8_t *buf, size_t len, struct ike_chain *c,
		    uint8_t *bad_type);
const struct ike_pl *ike_chain_find(const struct ike_chain *c, uint8_t type);
const struct ike_pl *ike_chain_notify(const struct ike_chain *c, uint16_t ntype,
				      struct ike_notify_pl *out);
int ike_sa_parse(const uint8_t *b, size_t len, struct ike_sa_pl *sa);
int ike_ke_parse(const uint8_t *b, size_t len, struct ike_ke_pl *ke);
int ike_id_pl_parse(const uint8_t *b, size_t len, struct ike_id *id);
int ike_auth_parse(const uint8_t *b, size_t len, struct ike_auth_pl *a);
int ike_notify_parse(const uint8_t *b, size_t len, struct ike_notify_pl *n);
int ike_delete_parse(const uint8_t *b, size_t len, struct ike_delete_pl *d);
int ike_ts_parse(const uint8_t *b, size_t len, struct ike_ts_pl *t);
int ike_cp_parse(const uint8_t *b, size_t len, struct ike_cp_pl *cp);
int ike_cert_parse(const uint8_t *b, size_t len, struct ike_cert_pl *c);
/* Nonce: 16..256 bytes (RFC 7296 3.9). */
int ike_nonce_check(size_t len);

/* Writer: appends into a caller buffer; the first error sticks in w->err (-EMSGSIZE). */
struct ike_wr {
	uint8_t *buf;
	size_t cap, len;
	int err;
	size_t np_off; /* where the previous payload's next-payload byte is (or the header's) */
	size_t pl_off; /* start of the open payload */
	uint8_t first; /* type of the first payload written (inner chains of SK) */
};
void ike_wr_init(struct ike_wr *w, uint8_t *buf, size_t cap);
void ike_wr_hdr(struct ike_wr *w, const struct ike_hdr *h);
/* Start a payload of type (links it into the chain); end it (sets its length). */
void ike_wr_begin(struct ike_wr *w, uint8_t type);
void ike_wr_end(struct ike_wr *w);
void ike_wr_bytes(struct ike_wr *w, const void *p, size_t n);
void ike_wr_u8(struct ike_wr *w, uint8_t v);
void ike_wr_u16(struct ike_wr *w, uint16_t v);
void ike_wr_u32(struct ike_wr *w, uint32_t v);
/* Set the total length in the IKE header (call last). */
void ike_wr_finish(struct ike_wr *w);

/* Typed payload writers. */
void ike_wr_sa(struct ike_wr *w, const struct ike_proposal *p, unsigned n);
void ike_wr_ke(struct ike_wr *w, uint16_t group, const uint8_t *pub, size_t len);
void ike_wr_nonce(struct ike_wr *w, const uint8_t *n, size_t len);
void ike_wr_id(struct ike_wr *w, uint8_t type, const struct ike_id *id);
void ike_wr_auth(struct ike_wr *w, uint8_t method, const uint8_t *d, size_t len);
void ike_wr_notify(struct ike_wr *w, uint8_t proto, const uint8_t *spi, uint8_t spi_size,
		   uint16_t type, const uint8_t *d, size_t len);
void ike_wr_delete(struct ike_wr *w, uint8_t proto, const uint32_t *spis, unsigned n);
void ike_wr_ts(struct ike_wr *w, uint8_t type, const struct ike_ts *ts, unsigned n);
void ike_wr_cp(struct ike_wr *w, uint8_t cfg_type, const struct ike_cp_attr *a, unsigned n);
void ike_wr_cert(struct ike_wr *w, uint8_t type, uint8_t encoding, const uint8_t *d, size_t len);
void ike_wr_vendor(struct ike_wr *w, const uint8_t *d, size_t len);

/* Byte helpers */
static inline uint16_t ike_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t ike_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t ike_get64(const uint8_t *p)
{
	return ((uint64_t)ike_get32(p) << 32) | ike_get32(p + 4);
}
static inline void ike_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void ike_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static inline void ike_put64(uint8_t *p, uint64_t v)
{
	ike_put32(p, (uint32_t)(v >> 32));
	ike_put32(p + 4, (uint32_t)v);
}

#endif
