/* SPDX-License-Identifier: Apache-2.0 */
/* Peer identities (IKEv2 ID payload kinds) and the patterns profiles match them with. */
#ifndef VRFSECD_IDENT_H
#define VRFSECD_IDENT_H

#include <stddef.h>

#include "addr.h"

#define IDENT_MAX 256

enum ident_type {
	IDENT_ANY = 0, /* pattern "%any" only */
	IDENT_IP,      /* ID_IPV4_ADDR / ID_IPV6_ADDR */
	IDENT_FQDN,    /* ID_FQDN */
	IDENT_EMAIL,   /* ID_RFC822_ADDR (user FQDN) */
	IDENT_DN,      /* ID_DER_ASN1_DN, as its string form "C=DE, O=Acme, CN=alice" */
};

/* What a peer says it is. */
struct ident {
	enum ident_type type;
	struct ipaddr ip;
	char s[IDENT_MAX]; /* FQDN, e-mail or normalised DN */
};

/* What a profile accepts: an exact identity, a '*' wildcard, an IP prefix, or %any. */
struct ident_pat {
	enum ident_type type;
	struct prefix ip;
	char s[IDENT_MAX]; /* normalised; may hold '*' */
	int literal;       /* characters that are not '*', for specificity */
	int wild;          /* pattern holds a '*' */
};

/* "fqdn:NAME", "email:USER@NAME", "ip:ADDR", "dn:RDN, ..." or without prefix (guessed: an
 * address, a DN when it holds '=', an e-mail when it holds '@', else an FQDN). 0 or -EINVAL. */
int ident_parse(const char *s, struct ident *id);
/* The same forms, plus '*' anywhere in names, "ip:PREFIX/LEN" and "%any". 0 or -EINVAL with the
 * reason in err. */
int ident_pat_parse(const char *s, struct ident_pat *p, char *err, size_t n);
/* -1 when p does not match id, else a score: higher is more specific. An exact identity beats
 * every wildcard, a longer prefix a shorter one, a wildcard with more fixed characters one with
 * fewer; %any scores 0. */
int ident_match(const struct ident_pat *p, const struct ident *id);
/* "fqdn:...", as parsed (for logs and show output). */
const char *ident_str(const struct ident *id, char *buf, size_t n);
const char *ident_pat_str(const struct ident_pat *p, char *buf, size_t n);

#endif
