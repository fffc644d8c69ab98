/* SPDX-License-Identifier: Apache-2.0 */
/* Test packets: ICMP and MPLS frames, and ESP (RFC 4303 with AES-GCM, RFC 4106) through OpenSSL,
 * independent of the card's kernels. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "cardtest.h"

#define ETH_LEN 14u
#define ESP_HDR 8u
#define ESP_IV 8u
#define ESP_ICV 16u
#define TAG_NONE 0xffffffffu

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

static void ip4_hdr(uint8_t *ip, uint32_t total, uint16_t id, uint8_t ttl, uint8_t proto,
		    const uint8_t src[4], const uint8_t dst[4])
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, total);
	put16(ip + 4, id);
	ip[8] = ttl;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, inet_csum(ip, 20));
}

uint32_t pkt_icmp4(uint8_t *ip, const uint8_t src[4], const uint8_t dst[4], uint8_t ttl,
		   uint32_t tag, uint32_t payload_len)
{
	uint8_t *icmp = ip + 20;
	uint32_t i, total;

	if (payload_len < 4)
		payload_len = 4;
	total = 20u + 8u + payload_len;
	ip4_hdr(ip, total, (uint16_t)tag, ttl, 1, src, dst);
	memset(icmp, 0, 8);
	icmp[0] = 8; /* echo request */
	put16(icmp + 4, tag >> 16);
	put16(icmp + 6, tag & 0xffffu);
	put32(icmp + 8, tag);
	for (i = 4; i < payload_len; i++)
		icmp[8 + i] = (uint8_t)(tag * 7u + i);
	put16(icmp + 2, inet_csum(icmp, 8u + payload_len));
	return total;
}

uint32_t pkt_icmp4_tag(const uint8_t *ip, uint32_t len)
{
	uint32_t hl;

	if (len < 20 || (ip[0] >> 4) != 4)
		return TAG_NONE;
	hl = (ip[0] & 15u) * 4u;
	if (ip[9] != 1 || len < hl + 12u)
		return TAG_NONE;
	return get32(ip + hl + 8);
}

uint32_t pkt_mpls(uint8_t *frame, const uint8_t dmac[6], const uint8_t smac[6],
		  const uint32_t *labels, unsigned n, uint8_t ttl, const uint8_t *ip, uint32_t ip_len)
{
	uint8_t *p = frame + ETH_LEN;

	memcpy(frame, dmac, 6);
	memcpy(frame + 6, smac, 6);
	put16(frame + 12, 0x8847);
	for (unsigned i = 0; i < n; i++, p += 4)
		put32(p, labels[i] << 12 | (i + 1 == n ? 0x100u : 0u) | ttl);
	memcpy(p, ip, ip_len);
	return (uint32_t)(p - frame) + ip_len;
}

static const EVP_CIPHER *gcm(uint8_t key_len)
{
	return key_len == 16 ? EVP_aes_128_gcm() : key_len == 24 ? EVP_aes_192_gcm() :
				   key_len == 32 ? EVP_aes_256_gcm() : NULL;
}

/* AES-GCM in place over data; seal writes the tag, open checks it. 0 or -1. */
static int gcm_run(const struct esp_key *k, const uint8_t iv[8], const uint8_t *aad,
		   uint8_t *data, uint32_t len, uint8_t *tag, bool seal)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t nonce[12];
	int out = 0, ok;

	if (!x || !gcm(k->key_len))
		return -1;
	memcpy(nonce, k->salt, 4);
	memcpy(nonce + 4, iv, 8);
	ok = EVP_CipherInit_ex(x, gcm(k->key_len), NULL, NULL, NULL, seal) == 1 &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_CipherInit_ex(x, NULL, NULL, k->key, nonce, seal) == 1 &&
	     EVP_CipherUpdate(x, NULL, &out, aad, 8) == 1 &&
	     EVP_CipherUpdate(x, data, &out, data, (int)len) == 1;
	if (ok && !seal)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, ESP_ICV, tag) == 1;
	if (ok)
		ok = EVP_CipherFinal_ex(x, data + out, &out) == 1;
	if (ok && seal)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, ESP_ICV, tag) == 1;
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

uint32_t esp_build_v4(uint8_t *frame, uint32_t cap, const struct esp_build *b)
{
	uint32_t pad = (4u - (b->inner_len + 2u) % 4u) % 4u;
	uint32_t ct_len = b->inner_len + pad + 2u;
	uint32_t esp_len = ESP_HDR + ESP_IV + ct_len + ESP_ICV;
	uint32_t l4 = ETH_LEN + 20u, udp = b->udp_sport ? 8u : 0u;
	uint32_t total = 20u + udp + esp_len, i;
	uint8_t *esp = frame + l4 + udp, *ct = esp + ESP_HDR + ESP_IV;
	uint8_t iv[8];

	if (ETH_LEN + total > cap)
		return 0;
	memcpy(frame, b->dmac, 6);
	memcpy(frame + 6, b->smac, 6);
	put16(frame + 12, 0x0800);
	ip4_hdr(frame + ETH_LEN, total, 0, 64, udp ? 17 : 50, b->src, b->dst);
	if (udp) {
		put16(frame + l4, b->udp_sport);
		put16(frame + l4 + 2, b->udp_dport);
		put16(frame + l4 + 4, 8u + esp_len);
		put16(frame + l4 + 6, 0); /* RFC 3948: zero checksum */
	}
	put32(esp, b->spi);
	put32(esp + 4, b->seq);
	for (i = 0; i < 8; i++)
		iv[i] = (uint8_t)(b->iv >> (56 - 8 * i));
	memcpy(esp + 8, iv, 8);
	memcpy(ct, b->inner, b->inner_len);
	for (i = 0; i < pad; i++)
		ct[b->inner_len + i] = (uint8_t)(i + 1); /* RFC 4303 2.4: 1, 2, 3, ... */
	ct[b->inner_len + pad] = (uint8_t)pad;
	ct[b->inner_len + pad + 1] = (b->inner[0] >> 4) == 6 ? 41 : 4;
	if (gcm_run(b->k, iv, esp, ct, ct_len, ct + ct_len, true) != 0)
		return 0;
	return ETH_LEN + total;
}

/* Where the ESP header sits in a frame: offset and length, or 0. */
static uint32_t esp_locate(const uint8_t *f, uint32_t len, uint32_t *esp_len, bool *udp,
			   uint8_t *af)
{
	uint32_t l3 = ETH_LEN, l4, ip_len, proto;

	if (len < ETH_LEN + 20u)
		return 0;
	if (get16(f + 12) == 0x0800 && (f[l3] >> 4) == 4) {
		l4 = l3 + (f[l3] & 15u) * 4u;
		ip_len = get16(f + l3 + 2);
		proto = f[l3 + 9];
		*af = 4;
	} else if (get16(f + 12) == 0x86dd && len >= ETH_LEN + 40u) {
		l4 = l3 + 40u;
		ip_len = 40u + get16(f + l3 + 4);
		proto = f[l3 + 6];
		*af = 6;
	} else {
		return 0;
	}
	if (l3 + ip_len > len || l4 > l3 + ip_len)
		return 0;
	*udp = proto == 17;
	if (proto == 17) {
		/* any ports: a NAT-T peer may sit behind a translated port; the key decides */
		if (l4 + 8u > l3 + ip_len)
			return 0;
		l4 += 8u;
	} else if (proto != 50) {
		return 0;
	}
	*esp_len = l3 + ip_len - l4;
	return *esp_len >= ESP_HDR + ESP_IV + ESP_ICV + 2u ? l4 : 0;
}

uint32_t esp_frame_spi(const uint8_t *frame, uint32_t len)
{
	uint32_t esp_len;
	uint8_t af;
	bool udp;
	uint32_t off = esp_locate(frame, len, &esp_len, &udp, &af);

	return off ? get32(frame + off) : 0;
}

int esp_open_frame(const uint8_t *frame, uint32_t len, const struct esp_key *k,
		   struct esp_opened *o, char *why, size_t n)
{
	uint8_t buf[2048], tag[ESP_ICV];
	uint32_t esp_len, ct_len, pad, i;
	uint32_t off = esp_locate(frame, len, &esp_len, &o->udp, &o->outer_af);

	if (!off) {
		snprintf(why, n, "not an ESP frame");
		return -1;
	}
	memset(o->outer_dst, 0, sizeof(o->outer_dst));
	if (o->outer_af == 4)
		memcpy(o->outer_dst, frame + ETH_LEN + 16, 4);
	else
		memcpy(o->outer_dst, frame + ETH_LEN + 24, 16);
	o->spi = get32(frame + off);
	o->seq = get32(frame + off + 4);
	ct_len = esp_len - ESP_HDR - ESP_IV - ESP_ICV;
	if (ct_len > sizeof(buf)) {
		snprintf(why, n, "ESP payload too long");
		return -1;
	}
	memcpy(buf, frame + off + ESP_HDR + ESP_IV, ct_len);
	memcpy(tag, frame + off + ESP_HDR + ESP_IV + ct_len, ESP_ICV);
	if (gcm_run(k, frame + off + ESP_HDR, frame + off, buf, ct_len, tag, false) != 0) {
		snprintf(why, n, "SPI 0x%08x seq %u: ICV does not verify with the SA's key", o->spi,
			 o->seq);
		return -1;
	}
	pad = buf[ct_len - 2];
	o->next_header = buf[ct_len - 1];
	if (pad + 2u > ct_len) {
		snprintf(why, n, "SPI 0x%08x: pad length %u too long", o->spi, pad);
		return -1;
	}
	for (i = 0; i < pad; i++)
		if (buf[ct_len - 2 - pad + i] != i + 1) {
			snprintf(why, n, "SPI 0x%08x: padding bytes are not 1, 2, 3, ...", o->spi);
			return -1;
		}
	o->inner_len = ct_len - 2 - pad;
	memcpy(o->inner, buf, o->inner_len);
	return 0;
}
