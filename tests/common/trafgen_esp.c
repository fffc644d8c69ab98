/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic generator, client side of ESP: OpenSSL AES-GCM, the sender's sequence numbers, the
 * receiver's anti-replay window as RFC 4303 specifies it, and ESP frames as a client sends them. */
#include <string.h>

#include <openssl/evp.h>

#include "trafgen_impl.h"

static const EVP_CIPHER *gcm_cipher(uint32_t key_len)
{
	if (key_len == 16)
		return EVP_aes_128_gcm();
	if (key_len == 24)
		return EVP_aes_192_gcm();
	if (key_len == 32)
		return EVP_aes_256_gcm();
	return NULL;
}

int tg_gcm_seal(const uint8_t *key, uint32_t key_len, const uint8_t nonce[12], const uint8_t *aad,
		uint32_t aad_len, const uint8_t *in, uint8_t *out, uint32_t len, uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	const EVP_CIPHER *cipher = gcm_cipher(key_len);
	uint8_t fin[16];
	int n, ok;

	ok = ctx && cipher && EVP_EncryptInit_ex(ctx, cipher, NULL, NULL, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) == 1 &&
	     EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
	     (len == 0 || EVP_EncryptUpdate(ctx, out, &n, in, (int)len) == 1) &&
	     EVP_EncryptFinal_ex(ctx, fin, &n) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int tg_gcm_open(const uint8_t *key, uint32_t key_len, const uint8_t nonce[12], const uint8_t *aad,
		uint32_t aad_len, const uint8_t *in, uint8_t *out, uint32_t len,
		const uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	const EVP_CIPHER *cipher = gcm_cipher(key_len);
	uint8_t fin[16], t[16];
	int n, ok;

	memcpy(t, tag, 16);
	ok = ctx && cipher && EVP_DecryptInit_ex(ctx, cipher, NULL, NULL, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) == 1 &&
	     EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
	     (len == 0 || EVP_DecryptUpdate(ctx, out, &n, in, (int)len) == 1) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, t) == 1 &&
	     EVP_DecryptFinal_ex(ctx, fin, &n) > 0;
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

/* ---- the receiver (RFC 4303 3.4.3 and appendix A) ---- */

uint32_t tg_window(const struct trafgen_client *c)
{
	if (c->in.no_replay)
		return 0;
	return c->in.win ? c->in.win : VRFSEC_REPLAY_DEFAULT;
}

static int seen(const struct trafgen_window *w, uint64_t s)
{
	uint32_t b = (uint32_t)(s % TRAFGEN_WIN_BITS);

	return (w->seen[b / 32u] >> (b % 32u)) & 1u;
}

static void mark(struct trafgen_window *w, uint64_t s, int on)
{
	uint32_t b = (uint32_t)(s % TRAFGEN_WIN_BITS);

	if (on)
		w->seen[b / 32u] |= 1u << (b % 32u);
	else
		w->seen[b / 32u] &= ~(1u << (b % 32u));
}

static unsigned win_check(const struct trafgen_window *w, uint32_t win, uint64_t s)
{
	if (s == 0)
		return VRFSEC_CNT_TOO_OLD; /* numbering starts at 1 */
	if (win == 0 || s > w->top)
		return 0;
	if (w->top - s >= win)
		return VRFSEC_CNT_TOO_OLD;
	return seen(w, s) ? VRFSEC_CNT_REPLAY : 0u;
}

static void win_accept(struct trafgen_window *w, uint64_t s)
{
	if (s > w->top) {
		if (s - w->top >= TRAFGEN_WIN_BITS) {
			memset(w->seen, 0, sizeof(w->seen));
		} else {
			uint64_t k;

			for (k = w->top + 1u; k < s; k++)
				mark(w, k, 0);
		}
		w->top = s;
	}
	mark(w, s, 1);
}

/* RFC 4303 A2.2: the high half of an ESN from the low half on the wire. Below subspace 0 there
 * is nothing: such a packet is too old (returned as 0). */
static uint64_t esn_infer(uint64_t top, uint32_t w, uint32_t lo)
{
	uint32_t tl = (uint32_t)top, th = (uint32_t)(top >> 32);

	if (tl >= w - 1u)
		return (uint64_t)(lo >= tl - w + 1u ? th : th + 1u) << 32 | lo;
	if (lo >= tl - w + 1u)
		return th ? (uint64_t)(th - 1u) << 32 | lo : 0u;
	return (uint64_t)th << 32 | lo;
}

unsigned tg_model_esp(struct trafgen_scenario *sc, struct trafgen_client *c, uint64_t seq,
		      int crypto_ok)
{
	uint32_t w = tg_window(c);
	uint64_t guess;
	unsigned rc;

	/* The card checks the window before decrypting, for the whole burst at once, and updates it
	 * after, packet by packet: check against the burst-start copy, update the live one. */
	if (c->snap_epoch != sc->epoch) {
		c->snap = c->win;
		c->snap_epoch = sc->epoch;
	}
	guess = c->esn ? esn_infer(c->snap.top, w ? w : VRFSEC_REPLAY_DEFAULT, (uint32_t)seq) :
			 (uint32_t)seq;
	rc = win_check(&c->snap, w, guess);
	if (rc)
		return rc;
	if (!crypto_ok || guess != seq)
		return VRFSEC_CNT_ICV_FAIL; /* a wrong high half is a wrong AAD */
	rc = win_check(&c->win, w, seq);
	if (rc)
		return rc;
	win_accept(&c->win, seq);
	c->recent[c->n_recent % TRAFGEN_RING] = seq;
	c->n_recent++;
	return 0;
}

void tg_note_skipped(struct trafgen_client *c, uint64_t seq)
{
	if (c->n_skipped < TRAFGEN_RING) {
		c->skipped[c->n_skipped++] = seq;
		return;
	}
	/* Full: forget the oldest (it would soon fall out of the window anyway). */
	memmove(c->skipped, c->skipped + 1, (TRAFGEN_RING - 1u) * sizeof(c->skipped[0]));
	c->skipped[TRAFGEN_RING - 1u] = seq;
}

uint64_t tg_recent_in_window(struct tg_gen *g, const struct trafgen_client *c)
{
	uint32_t w = tg_window(c), n = c->n_recent < TRAFGEN_RING ? c->n_recent : TRAFGEN_RING;
	uint32_t start = trafgen_below(g->r, n ? n : 1u), i;

	for (i = 0; i < n && w; i++) {
		uint64_t s = c->recent[(start + i) % n];

		if (s <= c->win.top && c->win.top - s < w && seen(&c->win, s))
			return s;
	}
	return 0;
}

uint64_t tg_next_seq(struct tg_gen *g, struct trafgen_client *c)
{
	uint32_t w = tg_window(c), roll = trafgen_below(g->r, 100), i;

	if (roll < 8 && c->n_skipped) {
		/* Late delivery of a number skipped earlier, oldest first; those the window no longer
		 * takes are forgotten. Without replay check the ESN guess still needs the default span. */
		uint32_t span = w ? w : VRFSEC_REPLAY_DEFAULT;

		while (c->n_skipped) {
			uint64_t s = c->skipped[0];

			c->n_skipped--;
			memmove(c->skipped, c->skipped + 1, c->n_skipped * sizeof(c->skipped[0]));
			if (s != 0 && (s > c->win.top || c->win.top - s < span) &&
			    (w == 0 || !seen(&c->win, s))) {
				g->p->features |= TGF(REORDER);
				return s;
			}
		}
	} else if (roll == 91) {
		/* A jump past the whole window, sometimes past the card's bitmap ring: the lazy
		 * clearing of RFC 6479 must not leave old bits behind. Only the last few skipped
		 * numbers can still arrive late. */
		uint32_t span = w ? w : VRFSEC_REPLAY_DEFAULT;
		uint32_t gap = span + trafgen_below(g->r, 3u * span);

		for (i = gap > TRAFGEN_RING ? gap - TRAFGEN_RING : 0u; i < gap; i++)
			tg_note_skipped(c, c->tx_next + i);
		c->tx_next += gap;
		g->p->features |= TGF(SEQ_JUMP);
	} else if (roll >= 92) {
		uint32_t gap = 1u + trafgen_below(g->r, w ? (w / 8u < 64u ? w / 8u + 1u : 64u) : 32u);

		for (i = 0; i < gap; i++)
			tg_note_skipped(c, c->tx_next + i);
		c->tx_next += gap;
		g->p->features |= TGF(SEQ_GAP);
	}
	return c->tx_next++;
}

/* ---- frames ---- */

uint32_t tg_outer_len(const struct trafgen_client *d, uint32_t ip_len, uint32_t hlen)
{
	uint32_t payload = d->transport ? ip_len - hlen : ip_len;
	uint32_t pad = ((4u - ((payload + 2u) & 3u)) & 3u) + d->out.pad_extra;
	uint32_t esp = VRFSEC_ESP_HDR_LEN + VRFSEC_IV_LEN + payload + pad + 2u + VRFSEC_ICV_LEN;

	return (d->transport ? hlen : d->outer_af == VRFSEC_AF_IPV4 ? 20u : 40u) + (d->udp ? 8u : 0u) +
	       esp;
}

static void outer_tunnel_hdr(struct tg_gen *g, uint8_t *h, uint8_t af, const uint8_t *src,
			     const uint8_t *dst)
{
	struct trafgen_rng *r = g->r;
	/* Any DSCP; ECN not CE: the card carries a CE mark inward (RFC 6040 4.2), which this
	 * generator's prediction does not model; tests/unit/test_pipeline.c covers it. */
	uint8_t tos = (uint8_t)((trafgen_rand(r) & 0xfcu) | trafgen_below(r, 3));

	if (af == VRFSEC_AF_IPV4) {
		memset(h, 0, 20);
		h[0] = 0x45;
		h[1] = tos;
		tg_wr16(h + 4, (uint32_t)trafgen_rand(r));
		tg_wr16(h + 6, trafgen_below(r, 2) ? 0x4000u : 0u);
		h[8] = (uint8_t)(2u + trafgen_below(r, 254));
		memcpy(h + 12, src, 4);
		memcpy(h + 16, dst, 4);
	} else {
		tg_wr32(h, 0x60000000u | (uint32_t)tos << 20 | ((uint32_t)trafgen_rand(r) & 0xfffffu));
		h[7] = (uint8_t)(1u + trafgen_below(r, 255));
		memcpy(h + 8, src, 16);
		memcpy(h + 24, dst, 16);
	}
}

uint32_t tg_client_frame(struct tg_gen *g, struct trafgen_client *c, const uint8_t *ip,
			 uint32_t ip_len, const struct tg_esp_opts *o, uint8_t *f)
{
	static const uint8_t pub6_other[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct trafgen_scenario *sc = g->sc;
	uint8_t pt[VRFSEC_MAX_FRAME], nonce[12], aad[12];
	uint8_t af = c->transport ? tg_ip_af(ip) : c->outer_af;
	uint32_t ihl = tg_ip_hlen(ip), n, pad, i, ct_len, hl, l4, esp, esp_len, total, len;
	uint32_t spi = o->spi ? o->spi : c->in.spi, aad_len;
	uint64_t iv = c->tx_iv++;
	uint8_t nh;
	const uint8_t *dst;

	if (c->transport) {
		n = ip_len - ihl;
		memcpy(pt, ip + ihl, n);
		nh = af == VRFSEC_AF_IPV4 ? ip[9] : ip[6];
	} else {
		n = ip_len;
		memcpy(pt, ip, n);
		nh = tg_ip_af(ip) == VRFSEC_AF_IPV4 ? 4u : 41u;
		tg_rand_bytes(g->r, pt + n, o->tfc);
		n += o->tfc;
	}
	if (o->next_header >= 0)
		nh = (uint8_t)o->next_header;
	pad = ((4u - ((n + 2u) & 3u)) & 3u) + o->pad_extra;
	if (o->bad_pad == 1 && pad == 0)
		pad = 4;
	for (i = 0; i < pad; i++)
		pt[n + i] = (uint8_t)(i + 1u); /* RFC 4303 2.4: 1, 2, 3, ... */
	if (o->bad_pad == 1)
		pt[n + trafgen_below(g->r, pad)] ^= (uint8_t)(1u + trafgen_below(g->r, 255));
	pt[n + pad] = o->bad_pad == 2 ? 255u : (uint8_t)pad;
	pt[n + pad + 1u] = nh;
	ct_len = n + pad + 2u;

	eth_hdr(f, sc->mac_public, c->mac, af == VRFSEC_AF_IPV4 ? 0x0800 : 0x86dd);
	if (af == VRFSEC_AF_IPV4)
		dst = sc->pub4[c->pub ^ (o->pub_other ? 1u : 0u)];
	else
		dst = o->pub_other ? pub6_other : sc->pub6;
	if (c->transport) {
		/* The client's own packet header becomes the outer header. */
		hl = ihl;
		memcpy(f + 14, ip, ihl);
		if (o->src)
			memcpy(f + 14 + (af == VRFSEC_AF_IPV4 ? 12u : 8u), o->src, tg_alen(af));
		memcpy(f + 14 + (af == VRFSEC_AF_IPV4 ? 16u : 24u), dst, tg_alen(af));
	} else {
		hl = af == VRFSEC_AF_IPV4 ? 20u : 40u;
		outer_tunnel_hdr(g, f + 14, af, o->src ? o->src : c->outer, dst);
	}
	l4 = 14u + hl;
	esp = l4 + (c->udp ? 8u : 0u);
	tg_wr32(f + esp, spi);
	tg_wr32(f + esp + 4, (uint32_t)o->seq);
	tg_wr32(f + esp + 8, (uint32_t)(iv >> 32));
	tg_wr32(f + esp + 12, (uint32_t)iv);
	memcpy(nonce, c->in.salt, 4);
	memcpy(nonce + 4, f + esp + 8, 8);
	tg_wr32(aad, spi);
	if (c->esn) {
		tg_wr32(aad + 4, (uint32_t)(o->seq >> 32));
		tg_wr32(aad + 8, (uint32_t)o->seq);
		aad_len = 12;
	} else {
		tg_wr32(aad + 4, (uint32_t)o->seq);
		aad_len = 8;
	}
	tg_gcm_seal(c->key_in, c->key_len, nonce, aad, aad_len, pt, f + esp + 16, ct_len,
		    f + esp + 16 + ct_len);
	esp_len = 16u + ct_len + VRFSEC_ICV_LEN;
	if (o->short_esp)
		esp_len = o->short_esp;
	if (o->chop)
		esp_len -= o->chop;
	if (o->corrupt) {
		uint32_t bit = 64u + trafgen_below(g->r, (esp_len - 8u) * 8u); /* IV onwards */

		f[esp + bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
	}
	total = hl + (c->udp ? 8u : 0u) + esp_len;
	if (af == VRFSEC_AF_IPV4) {
		tg_wr16(f + 16, total);
		f[23] = c->udp ? 17u : 50u;
		ipv4_fix_csum(f + 14);
	} else {
		tg_wr16(f + 18, total - 40u);
		f[20] = c->udp ? 17u : 50u;
	}
	if (c->udp) {
		tg_wr16(f + l4, c->nat_port);
		tg_wr16(f + l4 + 2, TG_NATT_PORT);
		tg_wr16(f + l4 + 4, 8u + esp_len);
		/* Receivers ignore the checksum of ESP-in-UDP (RFC 3948 3.1.2). */
		tg_wr16(f + l4 + 6, trafgen_below(g->r, 4) ? 0u : (uint32_t)trafgen_rand(g->r));
	}
	len = 14u + total;
	if (o->eth_pad) {
		tg_rand_bytes(g->r, f + len, o->eth_pad);
		len += o->eth_pad;
		g->p->features |= TGF(ETH_PAD);
	}
	return len;
}
