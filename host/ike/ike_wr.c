// SPDX-License-Identifier: Apache-2.0
/* IKEv2 message writer: header, payload chaining and the typed payload encoders. */
#include <errno.h>
#include <string.h>

#include "ike_msg.h"

void ike_wr_init(struct ike_wr *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
	w->np_off = SIZE_MAX;
	w->pl_off = SIZE_MAX;
	w->first = IKE_PT_NONE;
}

void ike_wr_bytes(struct ike_wr *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (n > w->cap - w->len) {
		w->err = -EMSGSIZE;
		return;
	}
	if (n)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void ike_wr_u8(struct ike_wr *w, uint8_t v)
{
	ike_wr_bytes(w, &v, 1);
}

void ike_wr_u16(struct ike_wr *w, uint16_t v)
{
	uint8_t b[2];
	ike_put16(b, v);
	ike_wr_bytes(w, b, 2);
}

void ike_wr_u32(struct ike_wr *w, uint32_t v)
{
	uint8_t b[4];
	ike_put32(b, v);
	ike_wr_bytes(w, b, 4);
}

void ike_wr_hdr(struct ike_wr *w, const struct ike_hdr *h)
{
	uint8_t b[IKE_HDR_LEN];
	ike_put64(b, h->spi_i);
	ike_put64(b + 8, h->spi_r);
	b[16] = IKE_PT_NONE;
	b[17] = 0x20;
	b[18] = h->exch;
	b[19] = h->flags;
	ike_put32(b + 20, h->msgid);
	ike_put32(b + 24, 0);
	w->np_off = w->len + 16;
	ike_wr_bytes(w, b, sizeof(b));
}

void ike_wr_begin(struct ike_wr *w, uint8_t type)
{
	if (w->err)
		return;
	if (w->np_off != SIZE_MAX)
		w->buf[w->np_off] = type;
	else
		w->first = type;
	w->np_off = w->len;
	w->pl_off = w->len;
	uint8_t g[IKE_GEN_LEN] = { 0, 0, 0, 0 };
	ike_wr_bytes(w, g, sizeof(g));
}

void ike_wr_end(struct ike_wr *w)
{
	if (w->err || w->pl_off == SIZE_MAX)
		return;
	size_t n = w->len - w->pl_off;
	if (n > 0xffff) {
		w->err = -EMSGSIZE;
		return;
	}
	ike_put16(w->buf + w->pl_off + 2, (uint16_t)n);
}

void ike_wr_finish(struct ike_wr *w)
{
	if (!w->err && w->len >= IKE_HDR_LEN)
		ike_put32(w->buf + 24, (uint32_t)w->len);
}

static void wr_xform(struct ike_wr *w, int last, const struct ike_xform *x)
{
	ike_wr_u8(w, last ? 0 : 3);
	ike_wr_u8(w, 0);
	ike_wr_u16(w, x->key_bits ? 12 : 8);
	ike_wr_u8(w, x->type);
	ike_wr_u8(w, 0);
	ike_wr_u16(w, x->id);
	if (x->key_bits) {
		ike_wr_u16(w, 0x8000 | IKE_ATTR_KEY_LENGTH);
		ike_wr_u16(w, x->key_bits);
	}
}

void ike_wr_sa(struct ike_wr *w, const struct ike_proposal *p, unsigned n)
{
	ike_wr_begin(w, IKE_PT_SA);
	for (unsigned i = 0; i < n; i++) {
		size_t plen = 8u + p[i].spi_size;
		for (unsigned j = 0; j < p[i].n_xf; j++)
			plen += p[i].xf[j].key_bits ? 12 : 8;
		ike_wr_u8(w, i + 1 == n ? 0 : 2);
		ike_wr_u8(w, 0);
		ike_wr_u16(w, (uint16_t)plen);
		ike_wr_u8(w, p[i].num);
		ike_wr_u8(w, p[i].proto);
		ike_wr_u8(w, p[i].spi_size);
		ike_wr_u8(w, p[i].n_xf);
		ike_wr_bytes(w, p[i].spi, p[i].spi_size);
		for (unsigned j = 0; j < p[i].n_xf; j++)
			wr_xform(w, j + 1 == p[i].n_xf, &p[i].xf[j]);
	}
	ike_wr_end(w);
}

void ike_wr_ke(struct ike_wr *w, uint16_t group, const uint8_t *pub, size_t len)
{
	ike_wr_begin(w, IKE_PT_KE);
	ike_wr_u16(w, group);
	ike_wr_u16(w, 0);
	ike_wr_bytes(w, pub, len);
	ike_wr_end(w);
}

void ike_wr_nonce(struct ike_wr *w, const uint8_t *n, size_t len)
{
	ike_wr_begin(w, IKE_PT_NONCE);
	ike_wr_bytes(w, n, len);
	ike_wr_end(w);
}

void ike_wr_id(struct ike_wr *w, uint8_t type, const struct ike_id *id)
{
	ike_wr_begin(w, type);
	ike_wr_u8(w, id->type);
	ike_wr_u8(w, 0);
	ike_wr_u16(w, 0);
	ike_wr_bytes(w, id->data, id->len);
	ike_wr_end(w);
}

void ike_wr_auth(struct ike_wr *w, uint8_t method, const uint8_t *d, size_t len)
{
	ike_wr_begin(w, IKE_PT_AUTH);
	ike_wr_u8(w, method);
	ike_wr_u8(w, 0);
	ike_wr_u16(w, 0);
	ike_wr_bytes(w, d, len);
	ike_wr_end(w);
}

void ike_wr_notify(struct ike_wr *w, uint8_t proto, const uint8_t *spi, uint8_t spi_size,
		   uint16_t type, const uint8_t *d, size_t len)
{
	ike_wr_begin(w, IKE_PT_NOTIFY);
	ike_wr_u8(w, proto);
	ike_wr_u8(w, spi_size);
	ike_wr_u16(w, type);
	ike_wr_bytes(w, spi, spi_size);
	ike_wr_bytes(w, d, len);
	ike_wr_end(w);
}

void ike_wr_delete(struct ike_wr *w, uint8_t proto, const uint32_t *spis, unsigned n)
{
	ike_wr_begin(w, IKE_PT_DELETE);
	ike_wr_u8(w, proto);
	ike_wr_u8(w, proto == IKE_PROTO_IKE ? 0 : 4);
	ike_wr_u16(w, (uint16_t)n);
	for (unsigned i = 0; i < n; i++)
		ike_wr_u32(w, spis[i]);
	ike_wr_end(w);
}

void ike_wr_ts(struct ike_wr *w, uint8_t type, const struct ike_ts *ts, unsigned n)
{
	ike_wr_begin(w, type);
	ike_wr_u8(w, (uint8_t)n);
	ike_wr_u8(w, 0);
	ike_wr_u16(w, 0);
	for (unsigned i = 0; i < n; i++) {
		unsigned alen = ts[i].type == IKE_TS_IPV6 ? 16 : 4;
		ike_wr_u8(w, ts[i].type);
		ike_wr_u8(w, ts[i].proto);
		ike_wr_u16(w, (uint16_t)(8 + 2 * alen));
		ike_wr_u16(w, ts[i].port_lo);
		ike_wr_u16(w, ts[i].port_hi);
		ike_wr_bytes(w, ts[i].start, alen);
		ike_wr_bytes(w, ts[i].end, alen);
	}
	ike_wr_end(w);
}

void ike_wr_cp(struct ike_wr *w, uint8_t cfg_type, const struct ike_cp_attr *a, unsigned n)
{
	ike_wr_begin(w, IKE_PT_CP);
	ike_wr_u8(w, cfg_type);
	ike_wr_u8(w, 0);
	ike_wr_u16(w, 0);
	for (unsigned i = 0; i < n; i++) {
		ike_wr_u16(w, a[i].type & 0x7fff);
		ike_wr_u16(w, a[i].len);
		ike_wr_bytes(w, a[i].data, a[i].len);
	}
	ike_wr_end(w);
}

void ike_wr_cert(struct ike_wr *w, uint8_t type, uint8_t encoding, const uint8_t *d, size_t len)
{
	ike_wr_begin(w, type);
	ike_wr_u8(w, encoding);
	ike_wr_bytes(w, d, len);
	ike_wr_end(w);
}

void ike_wr_vendor(struct ike_wr *w, const uint8_t *d, size_t len)
{
	ike_wr_begin(w, IKE_PT_VENDOR);
	ike_wr_bytes(w, d, len);
	ike_wr_end(w);
}
