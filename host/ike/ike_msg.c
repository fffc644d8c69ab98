// SPDX-License-Identifier: Apache-2.0
/* IKEv2 payload parsers (RFC 7296 section 3): every read is checked against the payload end. */
#include <errno.h>
#include <string.h>

#include "ike_msg.h"

/*
 *  IKE header (3.1)
 *  |                       IKE SA Initiator's SPI (8)                        |
 *  |                       IKE SA Responder's SPI (8)                        |
 *  |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 *  |                          Message ID                           |
 *  |                            Length                             |
 */
int ike_hdr_parse(const uint8_t *b, size_t len, struct ike_hdr *h)
{
	if (len < IKE_HDR_LEN)
		return -EBADMSG;
	h->spi_i = ike_get64(b);
	h->spi_r = ike_get64(b + 8);
	h->next = b[16];
	h->version = b[17];
	h->exch = b[18];
	h->flags = b[19];
	h->msgid = ike_get32(b + 20);
	h->len = ike_get32(b + 24);
	if (h->version >> 4 != 2)
		return -ENOTSUP;
	if (h->len != len)
		return -EBADMSG;
	return 0;
}

static int known_type(uint8_t t)
{
	return (t >= IKE_PT_SA && t <= IKE_PT_EAP) || t == IKE_PT_SKF;
}

/*
 *  Generic payload header (3.2)
 *  | Next Payload  |C|  RESERVED   |         Payload Length        |
 */
int ike_chain_parse(uint8_t first, const uint8_t *buf, size_t len, struct ike_chain *c,
		    uint8_t *bad_type)
{
	size_t off = 0;
	uint8_t type = first;

	c->n = 0;
	while (type != IKE_PT_NONE) {
		if (len - off < IKE_GEN_LEN)
			return -EBADMSG;
		const uint8_t *g = buf + off;
		uint16_t plen = ike_get16(g + 2);
		if (plen < IKE_GEN_LEN || plen > len - off)
			return -EBADMSG;
		if (c->n == IKE_MAX_PAYLOADS)
			return -EBADMSG;
		int crit = g[1] >> 7;
		if (!known_type(type) && crit) {
			if (bad_type)
				*bad_type = type;
			return -ENOTSUP;
		}
		struct ike_pl *p = &c->p[c->n++];
		p->type = type;
		p->critical = (uint8_t)crit;
		p->next = g[0];
		p->body = g + IKE_GEN_LEN;
		p->len = (uint16_t)(plen - IKE_GEN_LEN);
		off += plen;
		if (type == IKE_PT_SK || type == IKE_PT_SKF) {
			/* encrypted payload: must be the last one; its next field names the inner one */
			if (off != len)
				return -EBADMSG;
			return 0;
		}
		type = g[0];
	}
	return off == len ? 0 : -EBADMSG;
}

const struct ike_pl *ike_chain_find(const struct ike_chain *c, uint8_t type)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->p[i].type == type)
			return &c->p[i];
	return NULL;
}

const struct ike_pl *ike_chain_notify(const struct ike_chain *c, uint16_t ntype,
				      struct ike_notify_pl *out)
{
	for (unsigned i = 0; i < c->n; i++) {
		if (c->p[i].type != IKE_PT_NOTIFY)
			continue;
		struct ike_notify_pl n;
		if (ike_notify_parse(c->p[i].body, c->p[i].len, &n) == 0 && n.type == ntype) {
			if (out)
				*out = n;
			return &c->p[i];
		}
	}
	return NULL;
}

/*
 *  Transform (3.3.2)
 *  | Last Substruc |   RESERVED    |        Transform Length       |
 *  |Transform Type |   RESERVED    |          Transform ID         |
 *  ~                      Transform Attributes                     ~
 *  Attribute (3.3.5): |A|  Attribute Type  |  AF=0 Length / AF=1 Value  | [Value]
 */
static int parse_xform(const uint8_t *b, size_t len, struct ike_xform *x)
{
	x->type = b[4];
	x->id = ike_get16(b + 6);
	x->key_bits = 0;
	size_t off = 8;
	while (off < len) {
		if (len - off < 4)
			return -EBADMSG;
		uint16_t at = ike_get16(b + off);
		uint16_t v = ike_get16(b + off + 2);
		if (at & 0x8000) {
			if ((at & 0x7fff) == IKE_ATTR_KEY_LENGTH)
				x->key_bits = v;
			else
				x->key_bits = UINT16_MAX; /* unknown attribute: transform unusable */
			off += 4;
		} else {
			if (v > len - off - 4)
				return -EBADMSG;
			x->key_bits = UINT16_MAX;
			off += 4 + (size_t)v;
		}
	}
	return 0;
}

/*
 *  Proposal (3.3.1)
 *  | Last Substruc |   RESERVED    |         Proposal Length       |
 *  | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 *  ~                        SPI (variable)                         ~
 *  ~                        <Transforms>                           ~
 */
int ike_sa_parse(const uint8_t *b, size_t len, struct ike_sa_pl *sa)
{
	size_t off = 0;
	int last = 0;

	sa->n = 0;
	while (!last) {
		if (len - off < 8)
			return -EBADMSG;
		const uint8_t *p = b + off;
		uint16_t plen = ike_get16(p + 2);
		if (p[0] != 0 && p[0] != 2)
			return -EBADMSG;
		last = p[0] == 0;
		if (plen < 8 || plen > len - off || sa->n == IKE_MAX_PROPOSALS)
			return -EBADMSG;
		struct ike_proposal *pr = &sa->prop[sa->n++];
		pr->num = p[4];
		pr->proto = p[5];
		pr->spi_size = p[6];
		uint8_t nxf = p[7];
		if (pr->spi_size > 8 || 8u + pr->spi_size > plen || nxf > IKE_MAX_XFORMS)
			return -EBADMSG;
		memcpy(pr->spi, p + 8, pr->spi_size);
		size_t xo = 8u + pr->spi_size;
		pr->n_xf = 0;
		int xlast = nxf == 0;
		while (!xlast) {
			if (plen - xo < 8 || pr->n_xf == nxf)
				return -EBADMSG;
			const uint8_t *x = p + xo;
			uint16_t xlen = ike_get16(x + 2);
			if (x[0] != 0 && x[0] != 3)
				return -EBADMSG;
			xlast = x[0] == 0;
			if (xlen < 8 || xlen > plen - xo)
				return -EBADMSG;
			if (parse_xform(x, xlen, &pr->xf[pr->n_xf++]))
				return -EBADMSG;
			xo += xlen;
		}
		if (pr->n_xf != nxf || xo != plen)
			return -EBADMSG;
		off += plen;
	}
	return off == len ? 0 : -EBADMSG;
}

/*  KE (3.4): | Diffie-Hellman Group Num | RESERVED | Key Exchange Data ~ */
int ike_ke_parse(const uint8_t *b, size_t len, struct ike_ke_pl *ke)
{
	if (len < 5)
		return -EBADMSG;
	ke->group = ike_get16(b);
	ke->data = b + 4;
	ke->len = (uint16_t)(len - 4);
	return 0;
}

/*  ID (3.5): | ID Type | RESERVED (3) | Identification Data ~ */
int ike_id_pl_parse(const uint8_t *b, size_t len, struct ike_id *id)
{
	if (len < 5 || len - 4 > IKE_MAX_ID)
		return -EBADMSG;
	id->type = b[0];
	id->len = (uint16_t)(len - 4);
	if ((id->type == IKE_ID_IPV4 && id->len != 4) || (id->type == IKE_ID_IPV6 && id->len != 16))
		return -EBADMSG;
	memcpy(id->data, b + 4, id->len);
	return 0;
}

/*  AUTH (3.8): | Auth Method | RESERVED (3) | Authentication Data ~ */
int ike_auth_parse(const uint8_t *b, size_t len, struct ike_auth_pl *a)
{
	if (len < 5)
		return -EBADMSG;
	a->method = b[0];
	a->data = b + 4;
	a->len = (uint16_t)(len - 4);
	return 0;
}

int ike_nonce_check(size_t len)
{
	return len >= 16 && len <= 256 ? 0 : -EBADMSG;
}

/*  Notify (3.10): | Protocol ID | SPI Size | Notify Message Type (2) | SPI ~ | Data ~ */
int ike_notify_parse(const uint8_t *b, size_t len, struct ike_notify_pl *n)
{
	if (len < 4)
		return -EBADMSG;
	n->proto = b[0];
	n->spi_size = b[1];
	n->type = ike_get16(b + 2);
	if (n->spi_size > len - 4)
		return -EBADMSG;
	n->spi = n->spi_size ? b + 4 : NULL;
	n->data = b + 4 + n->spi_size;
	n->len = (uint16_t)(len - 4 - n->spi_size);
	return 0;
}

/*  Delete (3.11): | Protocol ID | SPI Size | Num of SPIs (2) | SPIs ~ */
int ike_delete_parse(const uint8_t *b, size_t len, struct ike_delete_pl *d)
{
	if (len < 4)
		return -EBADMSG;
	d->proto = b[0];
	d->spi_size = b[1];
	uint16_t n = ike_get16(b + 2);
	d->n = 0;
	if (d->proto == IKE_PROTO_IKE)
		return d->spi_size == 0 && n == 0 && len == 4 ? 0 : -EBADMSG;
	if ((d->proto != IKE_PROTO_ESP && d->proto != IKE_PROTO_AH) || d->spi_size != 4 ||
	    len - 4 != (size_t)n * 4 || n > IKE_MAX_SPIS)
		return -EBADMSG;
	for (unsigned i = 0; i < n; i++)
		d->spi[i] = ike_get32(b + 4 + 4 * i);
	d->n = n;
	return 0;
}

/*
 *  TS payload (3.13): | Number of TSs | RESERVED (3) | <Traffic Selectors> ~
 *  TS (3.13.1): | TS Type | IP Protocol ID | Selector Length (2) |
 *               | Start Port (2) | End Port (2) | Starting Address ~ | Ending Address ~
 */
int ike_ts_parse(const uint8_t *b, size_t len, struct ike_ts_pl *t)
{
	if (len < 4)
		return -EBADMSG;
	unsigned n = b[0];
	size_t off = 4;
	t->n = 0;
	if (n == 0)
		return -EBADMSG;
	for (unsigned i = 0; i < n; i++) {
		if (len - off < 4)
			return -EBADMSG;
		const uint8_t *s = b + off;
		uint16_t slen = ike_get16(s + 2);
		if (slen < 8 || slen > len - off)
			return -EBADMSG;
		unsigned alen = s[0] == IKE_TS_IPV4 ? 4 : s[0] == IKE_TS_IPV6 ? 16 : 0;
		if (alen) {
			if (slen != 8 + 2 * alen)
				return -EBADMSG;
			if (t->n < IKE_MAX_TS) {
				struct ike_ts *ts = &t->ts[t->n++];
				memset(ts, 0, sizeof(*ts));
				ts->type = s[0];
				ts->proto = s[1];
				ts->port_lo = ike_get16(s + 4);
				ts->port_hi = ike_get16(s + 6);
				memcpy(ts->start, s + 8, alen);
				memcpy(ts->end, s + 8 + alen, alen);
			}
		}
		off += slen;
	}
	return off == len ? 0 : -EBADMSG;
}

/*  CP (3.15): | CFG Type | RESERVED (3) | attributes: |R| Attribute Type (15) | Length | Value ~ */
int ike_cp_parse(const uint8_t *b, size_t len, struct ike_cp_pl *cp)
{
	if (len < 4)
		return -EBADMSG;
	cp->cfg_type = b[0];
	cp->n = 0;
	size_t off = 4;
	while (off < len) {
		if (len - off < 4)
			return -EBADMSG;
		uint16_t at = ike_get16(b + off) & 0x7fff;
		uint16_t al = ike_get16(b + off + 2);
		if (al > len - off - 4)
			return -EBADMSG;
		if (cp->n < IKE_MAX_CP_ATTRS) {
			cp->a[cp->n].type = at;
			cp->a[cp->n].data = b + off + 4;
			cp->a[cp->n].len = al;
			cp->n++;
		}
		off += 4 + (size_t)al;
	}
	return 0;
}

/*  CERT / CERTREQ (3.6, 3.7): | Cert Encoding | Certificate Data / CA ~ */
int ike_cert_parse(const uint8_t *b, size_t len, struct ike_cert_pl *c)
{
	if (len < 1)
		return -EBADMSG;
	c->encoding = b[0];
	c->data = b + 1;
	c->len = (uint16_t)(len - 1);
	return 0;
}
