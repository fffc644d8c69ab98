// SPDX-License-Identifier: Apache-2.0
/* X.509 credentials for IKE (RFC 7296 3.6, 3.7, 2.15): loading, CERTREQ key ids, chain
 * verification against the trust anchors and binding of the peer's identity to its certificate. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "ike_pki.h"

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	size_t cap = 4096, n = 0;
	uint8_t *b = malloc(cap);
	while (b) {
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		if (cap >= (1u << 24)) { /* no credential file is this large */
			free(b);
			b = NULL;
			break;
		}
		uint8_t *nb = realloc(b, cap * 2);
		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	int err = ferror(f);
	fclose(f);
	if (!b || err) {
		free(b);
		return b ? -EIO : -ENOMEM;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* The bytes of one item: the file when named, else the blob. *owned is freed by the caller. */
static int item(const char *file, const uint8_t *blob, size_t blen, const uint8_t **p, size_t *len,
		uint8_t **owned)
{
	*owned = NULL;
	if (file) {
		int rc = read_file(file, owned, len);
		*p = *owned;
		return rc;
	}
	*p = blob;
	*len = blob ? blen : 0;
	return 0;
}

/* Every certificate in a PEM bundle, or one DER certificate, appended to sk. */
static int parse_certs(const uint8_t *p, size_t len, STACK_OF(X509) *sk)
{
	BIO *b = BIO_new_mem_buf(p, (int)len);
	int n = 0;
	X509 *x;
	if (!b)
		return -ENOMEM;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			break;
		}
		n++;
	}
	BIO_free(b);
	ERR_clear_error();
	if (n == 0) {
		const uint8_t *q = p;
		x = d2i_X509(NULL, &q, (long)len);
		if (x && sk_X509_push(sk, x))
			n = 1;
		else
			X509_free(x);
		ERR_clear_error();
	}
	return n ? 0 : -EBADMSG;
}

static EVP_PKEY *parse_key(const uint8_t *p, size_t len)
{
	BIO *b = BIO_new_mem_buf(p, (int)len);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (!k) {
		const uint8_t *q = p;
		k = d2i_AutoPrivateKey(NULL, &q, (long)len);
	}
	ERR_clear_error();
	return k;
}

void ike_creds_unref(struct ike_creds *c)
{
	if (!c || --c->refs)
		return;
	X509_free(c->cert);
	EVP_PKEY_free(c->key); /* OpenSSL clears private key material on free */
	sk_X509_pop_free(c->chain, X509_free);
	sk_X509_pop_free(c->anchors, X509_free);
	X509_STORE_free(c->store);
	free(c);
}

struct ike_creds *ike_creds_ref(struct ike_creds *c)
{
	if (c)
		c->refs++;
	return c;
}

static int add_anchors(struct ike_creds *c, const uint8_t *p, size_t len)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	if (!sk)
		return -ENOMEM;
	int rc = parse_certs(p, len, sk);
	while (rc == 0 && sk_X509_num(sk)) {
		X509 *x = sk_X509_shift(sk);
		if (!X509_STORE_add_cert(c->store, x) || !sk_X509_push(c->anchors, x)) {
			X509_free(x);
			rc = -ENOMEM;
		}
	}
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return rc;
}

int ike_creds_add_ca_file(struct ike_creds *c, const char *path)
{
	uint8_t *b;
	size_t n;
	int rc = read_file(path, &b, &n);
	if (rc)
		return rc;
	rc = add_anchors(c, b, n);
	free(b);
	return rc;
}

enum { IT_CERT, IT_KEY, IT_CHAIN, IT_CA };

static int load_item(struct ike_creds *c, int what, const uint8_t *d, size_t n)
{
	int rc = 0;
	switch (what) {
	case IT_CERT: {
		STACK_OF(X509) *sk = sk_X509_new_null();
		rc = sk ? parse_certs(d, n, sk) : -ENOMEM;
		if (rc == 0) {
			c->cert = sk_X509_shift(sk); /* further certificates in the file: the chain */
			while (rc == 0 && sk_X509_num(sk)) {
				X509 *x = sk_X509_shift(sk);
				if (!sk_X509_push(c->chain, x)) {
					X509_free(x);
					rc = -ENOMEM;
				}
			}
		}
		sk_X509_pop_free(sk, X509_free);
		return rc;
	}
	case IT_KEY:
		c->key = parse_key(d, n);
		return c->key ? 0 : -EBADMSG;
	case IT_CHAIN:
		return parse_certs(d, n, c->chain);
	default:
		return add_anchors(c, d, n);
	}
}

static int load_into(struct ike_creds *c, const struct ike_creds_params *p)
{
	const char *files[4] = { p->cert_file, p->key_file, p->chain_file, p->ca_file };
	const uint8_t *blobs[4] = { p->cert, p->key, p->chain, p->ca };
	size_t lens[4] = { p->cert_len, p->key_len, p->chain_len, p->ca_len };
	for (int i = IT_CERT; i <= IT_CA; i++) {
		const uint8_t *d;
		size_t n;
		uint8_t *own;
		int rc = item(files[i], blobs[i], lens[i], &d, &n, &own);
		if (rc == 0 && n)
			rc = load_item(c, i, d, n);
		free(own);
		if (rc)
			return rc;
	}
	if (!!c->cert != !!c->key || (!c->cert && !sk_X509_num(c->anchors)))
		return -EINVAL;
	if (c->cert && X509_check_private_key(c->cert, c->key) != 1) {
		ERR_clear_error();
		return -EINVAL;
	}
	return 0;
}

int ike_creds_load(const struct ike_creds_params *p, struct ike_creds **out)
{
	struct ike_creds *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->refs = 1;
	c->chain = sk_X509_new_null();
	c->anchors = sk_X509_new_null();
	c->store = X509_STORE_new();
	int rc = c->chain && c->anchors && c->store ? load_into(c, p) : -ENOMEM;
	if (rc) {
		ike_creds_unref(c);
		return rc;
	}
	*out = c;
	return 0;
}

int ike_creds_subject_id(const struct ike_creds *c, struct ike_id *out)
{
	memset(out, 0, sizeof(*out));
	if (!c || !c->cert)
		return -ENOENT;
	uint8_t *der = NULL;
	int n = i2d_X509_NAME(X509_get_subject_name(c->cert), &der);
	if (n <= 0 || n > IKE_MAX_ID) {
		OPENSSL_free(der);
		return n <= 0 ? -ENOMEM : -EOVERFLOW;
	}
	out->type = IKE_ID_DER_ASN1_DN;
	out->len = (uint16_t)n;
	memcpy(out->data, der, (size_t)n);
	OPENSSL_free(der);
	return 0;
}

size_t ike_pki_certreq(const struct ike_creds *c, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (int i = 0; c && i < sk_X509_num(c->anchors) && n + PKI_KEYID_LEN <= cap; i++) {
		uint8_t *spki = NULL;
		int l = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(sk_X509_value(c->anchors, i)), &spki);
		if (l > 0) {
			SHA1(spki, (size_t)l, out + n);
			n += PKI_KEYID_LEN;
		}
		OPENSSL_free(spki);
	}
	return n;
}

int ike_pki_cert_der(const struct ike_creds *c, unsigned i, uint8_t **der)
{
	X509 *x = i == 0 ? c->cert : (int)i <= sk_X509_num(c->chain) ? sk_X509_value(c->chain, (int)i - 1) : NULL;
	*der = NULL;
	if (!x)
		return 0;
	int n = i2d_X509(x, der);
	return n > 0 ? n : 0;
}

static int str_eq(const ASN1_STRING *s, const struct ike_id *id)
{
	return ASN1_STRING_length(s) == id->len &&
	       strncasecmp((const char *)ASN1_STRING_get0_data(s), (const char *)id->data, id->len) == 0;
}

int ike_pki_id_in_cert(X509 *x, const struct ike_id *id)
{
	if (id->type == IKE_ID_DER_ASN1_DN) {
		const uint8_t *p = id->data;
		X509_NAME *n = d2i_X509_NAME(NULL, &p, id->len);
		int ok = n && p == id->data + id->len && X509_NAME_cmp(n, X509_get_subject_name(x)) == 0;
		X509_NAME_free(n);
		ERR_clear_error();
		return ok;
	}
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int ok = 0;
	for (int i = 0; gens && !ok && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		switch (id->type) {
		case IKE_ID_FQDN: ok = g->type == GEN_DNS && str_eq(g->d.dNSName, id); break;
		case IKE_ID_RFC822: ok = g->type == GEN_EMAIL && str_eq(g->d.rfc822Name, id); break;
		case IKE_ID_IPV4:
		case IKE_ID_IPV6:
			ok = g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == id->len &&
			     memcmp(ASN1_STRING_get0_data(g->d.iPAddress), id->data, id->len) == 0;
			break;
		default: break;
		}
	}
	GENERAL_NAMES_free(gens);
	return ok;
}

int ike_pki_verify_peer(const struct ike_creds *c, const struct ike_cert_pl *certs, unsigned n,
		    const struct ike_id *id, X509 **ee, char *why, size_t cap)
{
	X509 *x[PKI_MAX_PEER_CERTS] = { NULL };
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -EACCES;
	*ee = NULL;
	snprintf(why, cap, "out of memory");
	if (!untrusted || !ctx)
		goto out;
	if (!c || !sk_X509_num(c->anchors)) {
		snprintf(why, cap, "no trust anchors configured");
		goto out;
	}
	if (n == 0) {
		snprintf(why, cap, "peer sent no certificate");
		goto out;
	}
	for (unsigned i = 0; i < n && i < PKI_MAX_PEER_CERTS; i++) {
		const uint8_t *p = certs[i].data;
		x[i] = d2i_X509(NULL, &p, certs[i].len);
		if (!x[i] || p != certs[i].data + certs[i].len) {
			snprintf(why, cap, "CERT payload %u is not a DER certificate", i + 1);
			goto out;
		}
		if (i && !sk_X509_push(untrusted, x[i]))
			goto out;
	}
	if (!X509_STORE_CTX_init(ctx, c->store, x[0], untrusted))
		goto out;
	if (X509_verify_cert(ctx) != 1) {
		int e = X509_STORE_CTX_get_error(ctx);
		snprintf(why, cap, "certificate chain: %s (depth %d)", X509_verify_cert_error_string(e),
			 X509_STORE_CTX_get_error_depth(ctx));
		goto out;
	}
	if (!ike_pki_id_in_cert(x[0], id)) {
		snprintf(why, cap, "identity not certified by the peer's certificate");
		goto out;
	}
	*ee = x[0];
	x[0] = NULL;
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted); /* the certificates are freed below */
	for (unsigned i = 0; i < PKI_MAX_PEER_CERTS; i++)
		X509_free(x[i]);
	ERR_clear_error();
	return rc;
}
