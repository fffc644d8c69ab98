/* SPDX-License-Identifier: Apache-2.0 */
/* Certificate authentication and IKE fragmentation with two library instances in one process:
 * RSA (PKCS#1 v1.5, PSS), ECDSA P-256/P-384, Ed25519 certificates made here with OpenSSL, a chain
 * through an intermediate, a wrong CA, identity mismatches, CERTREQ / send_cert, and RFC 7383
 * fragments lost, duplicated, reordered, forged and retransmitted. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ike.h"
#include "ike_msg.h"
#include "ike_pki.h"
#include "ike_testpair.h"

enum { MAXQ = 512, MAXCH = 8, PKT = 2048 };

struct side {
	int id;
	struct ike_ctx *ctx;
	struct ike_child_info ch[MAXCH];
	int n_ch, ike_up, ike_down, last_down_reason;
	uint64_t spi;
	int sent, sent_skf, max_len;   /* datagrams, of them SKF fragments, the largest encrypted */
	unsigned auth_method;          /* method of the peer's AUTH we verified */
	struct ike_creds *creds;       /* the profile's credentials */
	const char *my_id, *peer_id;   /* for the responder's profile */
	int rsa_pss, send_cert;
	const char *psk;               /* the responder's profile uses this PSK both ways */
	char last_log[4096]; /* every error line, appended */
};

static const struct ike_ike_prop PROP = { IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_256, IKE_DH_X25519 };
static struct side A, B;
static uint64_t now;

/* ---- certificates made at test time ------------------------------------------------------ */

enum { K_ROOT, K_INTER, K_RSA, K_P256, K_P384, K_ED, K_ROGUE, NKEYS };
static EVP_PKEY *keys[NKEYS];
static X509 *root, *inter, *rogue, *ee_rsa, *ee_p256, *ee_p384, *ee_ed, *ee_rogue;

static void ext(X509 *x, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX c;
	X509V3_set_ctx(&c, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &c, nid, val);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* A certificate for key named cn, signed by issuer (NULL: self-signed); san like "DNS:a.test". */
static X509 *mkcert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, int ca, const char *san)
{
	static long serial = 1;
	X509 *x = X509_new();
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"vrfsec test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_set_pubkey(x, key);
	ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
	ext(x, issuer, NID_subject_key_identifier, "hash");
	if (ca)
		ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	if (san)
		ext(x, issuer, NID_subject_alt_name, san);
	EVP_PKEY *sk = issuer ? ikey : key;
	int ed = EVP_PKEY_get_base_id(sk) == EVP_PKEY_ED25519;
	assert_true(X509_sign(x, sk, ed ? NULL : EVP_sha256()) > 0);
	return x;
}

static int make_pki(void **st)
{
	(void)st;
	keys[K_ROOT] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	keys[K_INTER] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	keys[K_RSA] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	keys[K_P256] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	keys[K_P384] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	keys[K_ED] = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	keys[K_ROGUE] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	for (int i = 0; i < NKEYS; i++)
		if (!keys[i])
			return -1;
	root = mkcert(keys[K_ROOT], "Test Root CA", NULL, NULL, 1, NULL);
	inter = mkcert(keys[K_INTER], "Test Intermediate CA", root, keys[K_ROOT], 1, NULL);
	rogue = mkcert(keys[K_ROGUE], "Test Root CA", NULL, NULL, 1, NULL); /* same name, other key */
	ee_rsa = mkcert(keys[K_RSA], "a.test", root, keys[K_ROOT], 0, "DNS:a.test");
	ee_p256 = mkcert(keys[K_P256], "b.test", root, keys[K_ROOT], 0, "DNS:b.test,IP:192.0.2.2");
	ee_p384 = mkcert(keys[K_P384], "c.test", inter, keys[K_INTER], 0, "DNS:c.test");
	ee_ed = mkcert(keys[K_ED], "d.test", root, keys[K_ROOT], 0, "DNS:d.test,email:d@mail.test");
	ee_rogue = mkcert(keys[K_ROGUE], "a.test", rogue, keys[K_ROGUE], 0, "DNS:a.test");
	return 0;
}

static int free_pki(void **st)
{
	(void)st;
	X509 *all[] = { root, inter, rogue, ee_rsa, ee_p256, ee_p384, ee_ed, ee_rogue };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		X509_free(all[i]);
	for (int i = 0; i < NKEYS; i++)
		EVP_PKEY_free(keys[i]);
	return 0;
}

/* PEM of a certificate or key into buf (NUL-terminated); its length. */
static size_t pem(X509 *x, EVP_PKEY *k, char *buf, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	assert_true(x ? PEM_write_bio_X509(b, x) : PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL));
	char *p;
	long n = BIO_get_mem_data(b, &p);
	assert_true(n > 0 && (size_t)n < cap);
	memcpy(buf, p, (size_t)n);
	buf[n] = 0;
	BIO_free(b);
	return (size_t)n;
}

/* Credentials from memory: cert + key (+ intermediate) trusting anchor. */
static struct ike_creds *creds(X509 *cert, EVP_PKEY *key, X509 *chain, X509 *anchor)
{
	static char c[4096], k[4096], ch[4096], a[4096];
	struct ike_creds_params p = { 0 };
	if (cert) {
		p.cert_len = pem(cert, NULL, c, sizeof(c));
		p.cert = (const uint8_t *)c;
		p.key_len = pem(NULL, key, k, sizeof(k));
		p.key = (const uint8_t *)k;
	}
	if (chain) {
		p.chain_len = pem(chain, NULL, ch, sizeof(ch));
		p.chain = (const uint8_t *)ch;
	}
	p.ca_len = pem(anchor, NULL, a, sizeof(a));
	p.ca = (const uint8_t *)a;
	struct ike_creds *cr = NULL;
	assert_int_equal(ike_creds_load(&p, &cr), 0);
	return cr;
}

/* ---- two contexts over a simulated network ----------------------------------------------- */

static int on_send(void *user, const struct ike_dgram *d)
{
	struct side *s = user;
	s->sent++;
	s->sent_skf += d->len > 28 && d->data[16] == IKE_PT_SKF;
	if (d->data[18] != IKE_SA_INIT && (int)d->len > s->max_len)
		s->max_len = (int)d->len; /* IKE_SA_INIT is never fragmented */
	itp_queue(s->id, d);
	return 0;
}

static void base_profile(struct ike_profile *p, const char *me, const char *peer)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "cert-%s", me ? me : "dn");
	if (me)
		ike_id_parse(me, &p->local_id);
	if (peer)
		ike_id_parse(peer, &p->remote_id);
	p->ike[p->n_ike++] = PROP;
	p->esp[p->n_esp++] = (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, 256, 0, 0 };
	p->auth_local = p->auth_remote = IKE_AUTHN_PUBKEY;
	ike_ts_prefix("10.1.0.0/24", &p->local_ts[0]);
	ike_ts_prefix("10.2.0.0/24", &p->remote_ts[0]);
	p->n_local_ts = p->n_remote_ts = 1;
}

static int get_profile(void *user, const struct ike_id *peer, const struct ike_id *hint,
		       const struct sockaddr *l, const struct sockaddr *r, struct ike_profile *out)
{
	struct side *s = user;
	(void)hint, (void)l, (void)r, (void)peer;
	base_profile(out, s->my_id, s->peer_id);
	struct ike_ts t = out->local_ts[0];
	out->local_ts[0] = out->remote_ts[0];
	out->remote_ts[0] = t;
	out->creds = s->creds;
	out->rsa_pss = (uint8_t)s->rsa_pss;
	out->send_cert = (uint8_t)s->send_cert;
	if (s->psk) {
		out->auth_local = out->auth_remote = IKE_AUTHN_PSK;
		out->psk_len = (uint16_t)strlen(s->psk);
		memcpy(out->psk, s->psk, out->psk_len);
	}
	return 0;
}

static void child_up(void *user, const struct ike_child_info *c)
{
	struct side *s = user;
	assert_true(s->n_ch < MAXCH);
	s->ch[s->n_ch++] = *c;
}

static void ike_up(void *user, uint64_t spi, uint64_t old, const struct ike_id *peer, void *pu)
{
	struct side *s = user;
	(void)old, (void)peer, (void)pu;
	s->ike_up++;
	s->spi = spi;
}

static void ike_down(void *user, uint64_t spi, enum ike_down_reason why)
{
	struct side *s = user;
	(void)spi;
	s->ike_down++;
	s->last_down_reason = why;
}

static void on_log(void *user, int level, const char *msg)
{
	struct side *s = user;
	unsigned m;
	const char *p = strstr(msg, "authenticated by certificate (method ");
	if (p && sscanf(p + 37, "%u", &m) == 1)
		s->auth_method = m;
	size_t l = strlen(s->last_log);
	if (level <= 1 && l + 1 < sizeof(s->last_log))
		snprintf(s->last_log + l, sizeof(s->last_log) - l, "%s\n", msg);
}

static void mkside(struct side *s, int id, struct ike_creds *cfg_creds, uint16_t frag_size)
{
	struct ike_config cfg;
	memset(s, 0, sizeof(*s));
	s->id = id;
	memset(&cfg, 0, sizeof(cfg));
	cfg.cb = (struct ike_callbacks){ .user = s, .send = on_send, .get_profile = get_profile,
					 .child_up = child_up, .ike_up = ike_up, .ike_down = ike_down,
					 .log = on_log };
	cfg.ike[cfg.n_ike++] = PROP;
	cfg.retransmit_ms = 500;
	cfg.creds = cfg_creds;
	cfg.frag_size = frag_size;
	cfg.log_level = 2;
	assert_int_equal(ike_ctx_create(&cfg, &s->ctx), 0);
}

static void deliver(const struct itp_pkt *p)
{
	itp_deliver(p, now);
}

static int pump(int max)
{
	return itp_pump(max, now);
}

static void tick(uint64_t ms)
{
	now += ms;
	itp_tick(now, MAXQ);
}

/* A initiates with prof; B answers as my_b expecting peer_b. */
static void start_with(struct ike_profile *p, const char *my_b, const char *peer_b)
{
	struct sockaddr_in l, r;
	B.my_id = my_b;
	B.peer_id = peer_b;
	p->creds = A.creds;
	itp_addr(&l, "192.0.2.1", 500);
	itp_addr(&r, "192.0.2.2", 500);
	assert_int_equal(ike_initiate(A.ctx, p, (struct sockaddr *)&l, (struct sockaddr *)&r, now, &A.spi), 0);
}

static void start(const char *ida, const char *expect_b, const char *my_b)
{
	struct ike_profile p;
	base_profile(&p, ida, expect_b);
	start_with(&p, my_b, NULL);
}

static void check_pairs(void)
{
	assert_int_equal(A.n_ch, 1);
	assert_int_equal(B.n_ch, 1);
	assert_int_equal(A.ch[0].spi_in, B.ch[0].spi_out);
	assert_int_equal(A.ch[0].spi_out, B.ch[0].spi_in);
	assert_memory_equal(A.ch[0].key_out, B.ch[0].key_in, 32);
	assert_memory_equal(A.ch[0].key_in, B.ch[0].key_out, 32);
}

static void done(void)
{
	itp_destroy();
	ike_creds_unref(A.creds);
	ike_creds_unref(B.creds);
}

/* A (cert a, b, ... with chain) to B; both trust the root; B names its CA in CERTREQ. */
static void pair(X509 *ca, EVP_PKEY *ka, X509 *chain_a, X509 *cb, EVP_PKEY *kb, uint16_t frag)
{
	struct ike_creds *bc = creds(cb, kb, NULL, root);
	mkside(&A, 0, NULL, frag);
	mkside(&B, 1, bc, frag);
	A.creds = creds(ca, ka, chain_a, root);
	B.creds = bc;
}

static void expect_up(unsigned method_at_a, unsigned method_at_b)
{
	assert_int_equal(A.ike_up, 1);
	assert_int_equal(B.ike_up, 1);
	check_pairs();
	assert_int_equal(A.auth_method, method_at_a);
	assert_int_equal(B.auth_method, method_at_b);
}

static void test_rsa_pkcs1_and_ecdsa(void **st)
{
	(void)st;
	pair(ee_rsa, keys[K_RSA], NULL, ee_p256, keys[K_P256], 0);
	start("a.test", "b.test", "b.test");
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	assert_int_equal(A.sent_skf + B.sent_skf, 0); /* fits 1280: no fragments */
	done();
}

static void test_rsa_pss_and_ed25519(void **st)
{
	(void)st;
	pair(ee_ed, keys[K_ED], NULL, ee_rsa, keys[K_RSA], 0);
	B.rsa_pss = 1;
	start("d@mail.test", "a.test", "a.test"); /* an RFC822 ID from subjectAltName */
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	done();
}

static void test_ecdsa_chain(void **st)
{
	(void)st;
	/* c.test is issued by the intermediate, which only A has: it goes in a second CERT */
	pair(ee_p384, keys[K_P384], inter, ee_p256, keys[K_P256], 0);
	start("c.test", "192.0.2.2", "192.0.2.2"); /* B's ID: an IP address in subjectAltName */
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	done();
	/* without the intermediate the chain is broken */
	pair(ee_p384, keys[K_P384], NULL, ee_p256, keys[K_P256], 0);
	start("c.test", "b.test", "b.test");
	pump(MAXQ);
	assert_int_equal(B.ike_up, 0);
	assert_int_equal(A.last_down_reason, IKE_DOWN_AUTH_FAILED);
	assert_non_null(strstr(B.last_log, "unable to get local issuer"));
	done();
}

static void test_dn_identity(void **st)
{
	(void)st;
	pair(ee_p256, keys[K_P256], NULL, ee_ed, keys[K_ED], 0);
	struct ike_profile p;
	base_profile(&p, NULL, NULL); /* local_id from the certificate's subject */
	start_with(&p, NULL, NULL);
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	struct ike_id dn;
	assert_int_equal(ike_creds_subject_id(A.creds, &dn), 0);
	assert_int_equal(dn.type, IKE_ID_DER_ASN1_DN);
	done();
}

static void test_wrong_ca(void **st)
{
	(void)st;
	pair(ee_rogue, keys[K_ROGUE], NULL, ee_p256, keys[K_P256], 0);
	start("a.test", "b.test", "b.test");
	pump(MAXQ);
	assert_int_equal(A.ike_up + B.ike_up, 0);
	assert_int_equal(A.ike_down, 1);
	assert_int_equal(A.last_down_reason, IKE_DOWN_AUTH_FAILED);
	assert_non_null(strstr(B.last_log, "certificate chain"));
	assert_int_equal(ike_ctx_sa_count(A.ctx) + ike_ctx_sa_count(B.ctx), 0);
	done();
}

static void test_identity_mismatch(void **st)
{
	(void)st;
	/* A claims x.test, its certificate says a.test: B refuses */
	pair(ee_rsa, keys[K_RSA], NULL, ee_p256, keys[K_P256], 0);
	start("x.test", "b.test", "b.test");
	pump(MAXQ);
	assert_int_equal(A.ike_up + B.ike_up, 0);
	assert_int_equal(A.last_down_reason, IKE_DOWN_AUTH_FAILED);
	assert_non_null(strstr(B.last_log, "identity not certified"));
	done();
	/* B claims b.test with the certificate of d.test: A refuses the response */
	pair(ee_rsa, keys[K_RSA], NULL, ee_ed, keys[K_ED], 0);
	start("a.test", "b.test", "b.test");
	pump(MAXQ);
	assert_int_equal(A.ike_up, 0);
	assert_int_equal(A.last_down_reason, IKE_DOWN_AUTH_FAILED);
	assert_non_null(strstr(A.last_log, "identity not certified"));
	done();
	/* B is d.test as certified, but A expects b.test */
	pair(ee_rsa, keys[K_RSA], NULL, ee_ed, keys[K_ED], 0);
	struct ike_profile p;
	base_profile(&p, "a.test", ".test");
	p.remote_id_suffix = 1; /* any FQDN under .test */
	start_with(&p, "d.test", NULL);
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	done();
}

static void test_certreq_and_send_cert(void **st)
{
	(void)st;
	/* B without cfg.creds sends no CERTREQ in IKE_SA_INIT: A (if asked) sends no CERT */
	mkside(&A, 0, NULL, 0);
	mkside(&B, 1, NULL, 0);
	A.creds = creds(ee_rsa, keys[K_RSA], NULL, root);
	B.creds = creds(ee_p256, keys[K_P256], NULL, root);
	start("a.test", "b.test", "b.test");
	pump(MAXQ);
	assert_int_equal(B.ike_up, 0);
	assert_non_null(strstr(B.last_log, "peer sent no certificate"));
	done();
	/* the same with send_cert = always */
	mkside(&A, 0, NULL, 0);
	mkside(&B, 1, NULL, 0);
	A.creds = creds(ee_rsa, keys[K_RSA], NULL, root);
	B.creds = creds(ee_p256, keys[K_P256], NULL, root);
	struct ike_profile p;
	base_profile(&p, "a.test", "b.test");
	p.send_cert = IKE_SEND_CERT_ALWAYS;
	start_with(&p, "b.test", "a.test");
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	done();
}

static void test_pubkey_vs_psk(void **st)
{
	(void)st;
	/* B wants a signature, A authenticates with its PSK: refused */
	pair(ee_rsa, keys[K_RSA], NULL, ee_p256, keys[K_P256], 0);
	struct ike_profile p;
	base_profile(&p, "a.test", "b.test");
	p.auth_local = IKE_AUTHN_PSK;
	p.psk_len = 8;
	memcpy(p.psk, "12345678", 8);
	start_with(&p, "b.test", NULL);
	pump(MAXQ);
	assert_int_equal(A.ike_up + B.ike_up, 0);
	assert_int_equal(A.last_down_reason, IKE_DOWN_AUTH_FAILED);
	done();
	/* profiles that cannot work are refused up front */
	mkside(&A, 0, NULL, 0);
	base_profile(&p, "a.test", "b.test");
	struct sockaddr_in l, r;
	itp_addr(&l, "192.0.2.1", 500);
	itp_addr(&r, "192.0.2.2", 500);
	assert_int_equal(ike_initiate(A.ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, now, NULL),
			 -EINVAL); /* no credentials */
	ike_ctx_destroy(A.ctx);
}

static void test_signatures_direct(void **st)
{
	(void)st;
	static const uint8_t msg[] = "octets to sign";
	uint8_t sig[1100], method;
	/* a peer without RFC 7427: ECDSA falls back to RFC 4754, RSA and Ed25519 cannot */
	int n = ike_pki_sign(keys[K_P256], 0, 0, msg, sizeof(msg), &method, sig, sizeof(sig));
	assert_int_equal(n, 64);
	assert_int_equal(method, IKE_AUTH_ECDSA_256);
	assert_int_equal(ike_pki_verify(keys[K_P256], method, sig, (size_t)n, msg, sizeof(msg)), 0);
	assert_int_not_equal(ike_pki_verify(keys[K_P384], method, sig, (size_t)n, msg, sizeof(msg)), 0);
	n = ike_pki_sign(keys[K_P384], 0, 0, msg, sizeof(msg), &method, sig, sizeof(sig));
	assert_int_equal(n, 96);
	assert_int_equal(method, IKE_AUTH_ECDSA_384);
	assert_int_equal(ike_pki_verify(keys[K_P384], method, sig, (size_t)n, msg, sizeof(msg)), 0);
	assert_int_equal(ike_pki_sign(keys[K_RSA], 0, 0, msg, sizeof(msg), &method, sig, sizeof(sig)), -ENOTSUP);
	assert_int_equal(ike_pki_sign(keys[K_ED], 1u << IKE_HASH_SHA2_256, 0, msg, sizeof(msg), &method, sig,
				  sizeof(sig)), -ENOTSUP);
	/* RFC 7427 forms verify, and a flipped bit does not */
	unsigned all = 0x3cu; /* hashes 2..5 */
	EVP_PKEY *ks[] = { keys[K_RSA], keys[K_P256], keys[K_P384], keys[K_ED] };
	for (int pss = 0; pss < 2; pss++)
		for (size_t i = 0; i < 4; i++) {
			n = ike_pki_sign(ks[i], all, pss, msg, sizeof(msg), &method, sig, sizeof(sig));
			assert_true(n > 0);
			assert_int_equal(method, IKE_AUTH_DIGITAL_SIG);
			assert_int_equal(ike_pki_verify(ks[i], method, sig, (size_t)n, msg, sizeof(msg)), 0);
			sig[n - 1] ^= 1;
			assert_int_not_equal(ike_pki_verify(ks[i], method, sig, (size_t)n, msg, sizeof(msg)), 0);
			assert_int_not_equal(ike_pki_verify(ks[(i + 1) % 4], method, sig, (size_t)n, msg, sizeof(msg)), 0);
		}
	/* the PKCS#1 and PSS AlgorithmIdentifiers differ */
	uint8_t s1[600], s2[600];
	int n1 = ike_pki_sign(keys[K_RSA], all, 0, msg, sizeof(msg), &method, s1, sizeof(s1));
	int n2 = ike_pki_sign(keys[K_RSA], all, 1, msg, sizeof(msg), &method, s2, sizeof(s2));
	assert_true(n1 > 0 && n2 > 0 && s1[0] != s2[0]);
	/* a CERTREQ names the SHA-1 of each anchor's SubjectPublicKeyInfo */
	struct ike_creds *c = creds(NULL, NULL, NULL, root);
	uint8_t cr[64];
	assert_int_equal(ike_pki_certreq(c, cr, sizeof(cr)), 20);
	ike_creds_unref(c);
}

static void test_creds_files(void **st)
{
	(void)st;
	char dir[] = "/tmp/vrfsec-ike-cert.XXXXXX", path[4][128], buf[4096];
	assert_non_null(mkdtemp(dir));
	const char *names[4] = { "cert.der", "key.pem", "inter.pem", "ca.pem" };
	for (int i = 0; i < 4; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/%s", dir, names[i]);
		FILE *f = fopen(path[i], "wb");
		assert_non_null(f);
		if (i == 0) {
			uint8_t *der = NULL;
			int n = i2d_X509(ee_p384, &der);
			assert_int_equal(fwrite(der, 1, (size_t)n, f), (size_t)n);
			OPENSSL_free(der);
		} else {
			size_t n = pem(i == 1 ? NULL : i == 2 ? inter : root, keys[K_P384], buf, sizeof(buf));
			assert_int_equal(fwrite(buf, 1, n, f), n);
		}
		fclose(f);
	}
	struct ike_creds_params p = { .cert_file = path[0], .key_file = path[1], .chain_file = path[2],
				      .ca_file = path[3] };
	struct ike_creds *c = NULL;
	assert_int_equal(ike_creds_load(&p, &c), 0);
	uint8_t *der;
	int n = ike_pki_cert_der(c, 1, &der); /* the intermediate, sent second */
	assert_true(n > 0);
	OPENSSL_free(der);
	ike_creds_unref(c);
	/* a key that does not belong to the certificate; a missing file */
	p.key_file = NULL;
	char k[4096];
	p.key_len = pem(NULL, keys[K_P256], k, sizeof(k));
	p.key = (const uint8_t *)k;
	assert_int_equal(ike_creds_load(&p, &c), -EINVAL);
	p.key_file = "/nonexistent/key.pem";
	assert_int_equal(ike_creds_load(&p, &c), -ENOENT);
	for (int i = 0; i < 4; i++)
		unlink(path[i]);
	rmdir(dir);
}

/* ---- fragmentation ------------------------------------------------------------------------ */

static void test_frag_basic(void **st)
{
	(void)st;
	/* 400-byte datagrams: the RSA certificate + chain IKE_AUTH goes in fragments both ways */
	pair(ee_p384, keys[K_P384], inter, ee_rsa, keys[K_RSA], 400);
	start("c.test", "a.test", "a.test");
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	assert_true(A.sent_skf >= 4);
	assert_true(B.sent_skf >= 2);
	assert_true(A.max_len <= 400 - 28 && B.max_len <= 400 - 28);
	/* later exchanges too: a CHILD rekey stays under 400 and an IKE rekey works */
	assert_int_equal(ike_sa_rekey_child(A.ctx, A.ch[0].spi_in, now), 0);
	pump(MAXQ);
	assert_int_equal(A.n_ch, 2);
	assert_int_equal(ike_sa_rekey_ike(B.ctx, B.spi, now), 0);
	pump(MAXQ);
	assert_int_equal(A.ike_up, 2);
	done();
}

/* Hand the queued datagrams to B in the order idx (-1 ends); the rest are lost. */
static void deliver_order(const int *idx)
{
	struct itp_pkt *held = malloc(sizeof(itp.q));
	assert_non_null(held);
	int n = itp.nq;
	memcpy(held, itp.q, sizeof(itp.q[0]) * (size_t)n);
	itp.nq = 0;
	for (int i = 0; idx[i] >= 0; i++)
		if (idx[i] < n)
			deliver(&held[idx[i]]);
	free(held);
}

static void test_frag_lost_dup_reordered(void **st)
{
	(void)st;
	pair(ee_rsa, keys[K_RSA], NULL, ee_p256, keys[K_P256], 300);
	start("a.test", "b.test", "b.test");
	pump(2); /* IKE_SA_INIT both ways; A's IKE_AUTH fragments are queued */
	int nf = itp.nq;
	assert_true(nf >= 5);
	assert_int_equal(A.sent_skf, nf);
	/* reversed, fragment 2 lost, fragment 4 twice */
	int order[MAXQ], k = 0;
	for (int i = nf - 1; i >= 0; i--) {
		if (i == 1)
			continue;
		order[k++] = i;
		if (i == 3)
			order[k++] = i;
	}
	order[k] = -1;
	deliver_order(order);
	assert_int_equal(B.ike_up, 0);
	assert_int_equal(itp.nq, 0); /* nothing to answer yet */
	/* A retransmits every fragment; B completes with the missing one, drops the rest */
	tick(500);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	assert_int_equal(B.n_ch, 1); /* installed once */
	done();
}

static void test_frag_response_retransmit(void **st)
{
	(void)st;
	pair(ee_rsa, keys[K_RSA], NULL, ee_p256, keys[K_P256], 300);
	start("a.test", "b.test", "b.test");
	pump(2);
	int nf = itp.nq;
	pump(nf); /* B gets the request, answers in fragments: lose them all */
	assert_int_equal(B.ike_up, 1);
	int resp = itp.nq, sent = B.sent;
	assert_true(resp >= 2);
	itp.nq = 0;
	/* A retransmits its nf fragments; only fragment 1 makes B resend its whole response */
	now += 500;
	ike_ctx_tick(A.ctx, now);
	assert_int_equal(itp.nq, nf);
	pump(nf);
	assert_int_equal(B.sent - sent, resp);
	/* and the response, reordered, completes A */
	int order[MAXQ], k = 0;
	for (int i = itp.nq - 1; i >= 0; i--)
		order[k++] = i;
	order[k] = -1;
	deliver_order(order);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	done();
}

static void test_frag_forged_and_limits(void **st)
{
	(void)st;
	pair(ee_rsa, keys[K_RSA], NULL, ee_p256, keys[K_P256], 300);
	start("a.test", "b.test", "b.test");
	pump(2);
	int nf = itp.nq;
	struct itp_pkt f1 = itp.q[0];
	/* a forged fragment 1 (flipped ICV bit) changes nothing; a total over frag_max is refused */
	struct itp_pkt bad = f1;
	bad.data[bad.len - 1] ^= 1;
	deliver(&bad);
	struct itp_pkt big = f1;
	ike_put16(big.data + IKE_HDR_LEN + 6, 1000); /* Total Fragments: 1000 */
	deliver(&big);
	assert_int_equal(ike_ctx_next_timer(B.ctx), now + 30000); /* only the half-open timer */
	/* fragment 1 alone starts a reassembly, which times out */
	deliver(&f1);
	assert_int_equal(ike_ctx_next_timer(B.ctx), now + 10000);
	now += 10000;
	ike_ctx_tick(B.ctx, now);
	assert_int_equal(ike_ctx_next_timer(B.ctx), now + 20000);
	/* all fragments now: B completes (fragment 1 anew, no stale state) */
	pump(nf);
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	done();
}

static void test_frag_off_and_psk(void **st)
{
	(void)st;
	/* PSK with tiny fragments on both sides: IKE_AUTH goes in fragments too */
	mkside(&A, 0, NULL, 200);
	mkside(&B, 1, NULL, 200);
	struct ike_profile p;
	base_profile(&p, "a.test", "b.test");
	p.auth_local = p.auth_remote = IKE_AUTHN_PSK;
	p.psk_len = 8;
	memcpy(p.psk, "12345678", 8);
	struct sockaddr_in l, r;
	itp_addr(&l, "192.0.2.1", 500);
	itp_addr(&r, "192.0.2.2", 500);
	B.psk = "12345678";
	B.my_id = "b.test";
	assert_int_equal(ike_initiate(A.ctx, &p, (struct sockaddr *)&l, (struct sockaddr *)&r, now, &A.spi), 0);
	pump(MAXQ);
	assert_int_equal(A.ike_up + B.ike_up, 2);
	check_pairs();
	assert_true(A.sent_skf >= 2 && B.sent_skf >= 2);
	assert_true(A.max_len <= 200 - 28);
	done();
	/* one side with frag_off: nothing is fragmented, it all still works */
	struct ike_creds *bc = creds(ee_p256, keys[K_P256], NULL, root);
	mkside(&A, 0, NULL, 300);
	struct ike_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	mkside(&B, 1, bc, 300);
	ike_ctx_destroy(B.ctx);
	cfg.cb = (struct ike_callbacks){ .user = &B, .send = on_send, .get_profile = get_profile,
					 .child_up = child_up, .ike_up = ike_up, .ike_down = ike_down,
					 .log = on_log };
	cfg.ike[cfg.n_ike++] = PROP;
	cfg.creds = bc;
	cfg.frag_off = 1;
	cfg.frag_size = 300;
	cfg.log_level = 2;
	assert_int_equal(ike_ctx_create(&cfg, &B.ctx), 0);
	A.creds = creds(ee_rsa, keys[K_RSA], NULL, root);
	B.creds = bc;
	start("a.test", "b.test", "b.test");
	pump(MAXQ);
	expect_up(IKE_AUTH_DIGITAL_SIG, IKE_AUTH_DIGITAL_SIG);
	assert_int_equal(A.sent_skf + B.sent_skf, 0);
	assert_true(A.max_len > 300);
	done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_pkcs1_and_ecdsa),
		cmocka_unit_test(test_rsa_pss_and_ed25519),
		cmocka_unit_test(test_ecdsa_chain),
		cmocka_unit_test(test_dn_identity),
		cmocka_unit_test(test_wrong_ca),
		cmocka_unit_test(test_identity_mismatch),
		cmocka_unit_test(test_certreq_and_send_cert),
		cmocka_unit_test(test_pubkey_vs_psk),
		cmocka_unit_test(test_signatures_direct),
		cmocka_unit_test(test_creds_files),
		cmocka_unit_test(test_frag_basic),
		cmocka_unit_test(test_frag_lost_dup_reordered),
		cmocka_unit_test(test_frag_response_retransmit),
		cmocka_unit_test(test_frag_forged_and_limits),
		cmocka_unit_test(test_frag_off_and_psk),
	};
	itp_init(&A.ctx, &B.ctx, MAXQ, PKT);
	return cmocka_run_group_tests(tests, make_pki, free_pki);
}
