/* SPDX-License-Identifier: Apache-2.0 */
/* Framing cases: MPLS label stack entries (RFC 3032) and captured UDP 4500 frames (RFC 3948). */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "esp_case.h"
#include "vectors.h"

int vec_is_mpls(const struct vec_case *c)
{
	return vec_get(c, "entry1") != NULL || (vec_get(c, "udp_payload") && vec_get(c, "dst"));
}

/* A label stack entry as the card writes it (mpls_push) and reads it (mpls_core_rx). */
static uint32_t entry(uint32_t label, uint32_t tc, uint32_t s, uint32_t ttl)
{
	return label << 12 | tc << 9 | s << 8 | ttl;
}

static void run_entries(const struct vec_case *c, struct vec_result *r)
{
	char k[32];
	int i, ok = 0;

	for (i = 1; i <= 8; i++) {
		uint8_t b[4], w[4];
		uint64_t label, tc, s, ttl;
		uint32_t e;

		snprintf(k, sizeof(k), "entry%d", i);
		if (!vec_get(c, k))
			break;
		if (hex_decode(vec_get(c, k), b, 4) != 4) {
			vr_fail(r, "%s malformed", k);
			return;
		}
		snprintf(k, sizeof(k), "entry%d_label", i);
		label = vec_u64(c, k, 1u << 20, &ok);
		snprintf(k, sizeof(k), "entry%d_tc", i);
		tc = vec_u64(c, k, 8, &ok);
		snprintf(k, sizeof(k), "entry%d_s", i);
		s = vec_u64(c, k, 2, &ok);
		snprintf(k, sizeof(k), "entry%d_ttl", i);
		ttl = vec_u64(c, k, 256, &ok);
		if (ok < 0 || label >= 1u << 20 || tc > 7 || s > 1 || ttl > 255) {
			vr_fail(r, "entry%d fields malformed", i);
			return;
		}
		e = entry((uint32_t)label, (uint32_t)tc, (uint32_t)s, (uint32_t)ttl);
		wr32(w, e);
		r->checks += 2;
		if (memcmp(w, b, 4) != 0) {
			vr_fail(r, "entry%d encodes as %02x%02x%02x%02x", i, w[0], w[1], w[2], w[3]);
			return;
		}
		e = rd32(b);
		if (e >> 12 != label || (e >> 9 & 7) != tc || (e >> 8 & 1) != s || (e & 255) != ttl) {
			vr_fail(r, "entry%d decodes wrongly", i);
			return;
		}
	}
}

/* Feed a captured frame to the public port with the card listening on its destination port. */
static void run_udp(const struct vec_case *c, struct testbed *tb, struct vec_result *r)
{
	static uint8_t f[EC_MAX];
	uint8_t pl[EC_MAX], spi_b[4];
	const char *src = vec_get(c, "src"), *dst = vec_get(c, "dst");
	unsigned s[5], d[5];
	long n = hex_decode(vec_get(c, "udp_payload"), pl, sizeof(pl) - 64);
	struct vrfsec_pkt *p = calloc(1, sizeof(*p));
	int esp = vec_get(c, "esp_spi") != NULL;

	if (!p)
		return;
	if (n < 1 || sscanf(src, "%u.%u.%u.%u:%u", &s[0], &s[1], &s[2], &s[3], &s[4]) != 5 ||
	    sscanf(dst, "%u.%u.%u.%u:%u", &d[0], &d[1], &d[2], &d[3], &d[4]) != 5) {
		vr_fail(r, "src/dst/udp_payload malformed");
		goto out;
	}
	memset(f, 0, 42);
	f[12] = 0x08;
	f[14] = 0x45;
	wr16(f + 16, (uint16_t)(28 + n));
	f[22] = 64;
	f[23] = 17;
	for (int i = 0; i < 4; i++) {
		f[26 + i] = (uint8_t)s[i];
		f[30 + i] = (uint8_t)d[i];
	}
	ipv4_fix_csum(f + 14);
	wr16(f + 34, (uint16_t)s[4]);
	wr16(f + 36, (uint16_t)d[4]);
	wr16(f + 38, (uint16_t)(8 + n));
	memcpy(f + 42, pl, (size_t)n);
	tb->t->port.natt_port = (uint16_t)d[4];
	if (esp) {
		/* An SA for the captured SPI with a key we do not know: the demux must find it and
		 * the ICV must then fail. */
		struct vrfsec_sa_params sp = { 0 };
		uint8_t key[16] = { 1 };

		if (hex_decode(vec_get(c, "esp_spi"), spi_b, 4) != 4) {
			vr_fail(r, "esp_spi malformed");
			goto out;
		}
		sp.dir = VRFSEC_SA_DIR_IN;
		sp.spi = rd32(spi_b);
		sp.outer_af = VRFSEC_AF_IPV4;
		sp.udp = 1;
		sp.udp_sport = (uint16_t)s[4];
		sp.udp_dport = (uint16_t)d[4];
		for (int i = 0; i < 4; i++)
			sp.dst[i] = (uint8_t)d[i];
		vrfsec_engine_sa_del(tb->e, 7);
		if (vrfsec_engine_sa_add(tb->e, 7, &sp, key, 16) != 0) {
			vr_fail(r, "SA install refused");
			goto out;
		}
	}
	pkt_load(p, VRFSEC_PORT_PUBLIC, f, 42 + (size_t)n);
	testbed_run1(tb, p);
	r->checks++;
	if (esp && (p->out_port != VRFSEC_PORT_DROP || p->reason != VRFSEC_CNT_ICV_FAIL))
		vr_fail(r, "%s: ESP-in-UDP frame gave port %u reason %s", vrfsec_engine_name(tb->kind),
			p->out_port, vrfsec_counter_name(p->reason));
	if (!esp && (p->out_port != VRFSEC_PORT_HOST || p->reason != VRFSEC_CNT_IKE))
		vr_fail(r, "%s: IKE frame gave port %u reason %s", vrfsec_engine_name(tb->kind),
			p->out_port, vrfsec_counter_name(p->reason));
	if (esp)
		vrfsec_engine_sa_del(tb->e, 7);
out:
	tb->t->port.natt_port = 4500;
	free(p);
}

void vec_run_mpls(const struct vec_case *c, struct testbed tb[2], struct vec_result *r)
{
	int k;

	if (vec_get(c, "entry1")) {
		run_entries(c, r);
		return;
	}
	for (k = 0; k < 2 && r->verdict != 0; k++)
		run_udp(c, &tb[k], r);
}
