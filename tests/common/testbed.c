/* SPDX-License-Identifier: Apache-2.0 */
/* Bench card: allocation of tables and engine, frame loading and single-packet runs. */
#include "testbed.h"

#include <errno.h>
#include <string.h>

#include "engine_impl.h"

int testbed_open(struct testbed *tb, enum vrfsec_engine_kind kind)
{
	int rc;

	memset(tb, 0, sizeof(*tb));
	tb->kind = kind;
	tb->t = vrfsec_map_zeroed(sizeof(*tb->t));
	if (!tb->t)
		return -ENOMEM;
	vrfsec_tables_init(tb->t);
	rc = vrfsec_engine_create(&tb->e, kind, tb->t);
	if (rc) {
		vrfsec_unmap(tb->t, sizeof(*tb->t));
		tb->t = NULL;
	}
	return rc;
}

void testbed_close(struct testbed *tb)
{
	vrfsec_engine_destroy(tb->e);
	if (tb->t)
		vrfsec_unmap(tb->t, sizeof(*tb->t));
	memset(tb, 0, sizeof(*tb));
}

void pkt_load(struct vrfsec_pkt *p, uint8_t in_port, const uint8_t *frame, size_t len)
{
	if (len > VRFSEC_MAX_FRAME)
		len = VRFSEC_MAX_FRAME;
	p->off = VRFSEC_HEADROOM;
	p->len = (uint16_t)len;
	p->in_port = in_port;
	p->out_port = VRFSEC_PORT_DROP;
	p->sa_out = VRFSEC_NONE;
	memcpy(p->buf + p->off, frame, len);
}

unsigned testbed_run1(struct testbed *tb, struct vrfsec_pkt *p)
{
	vrfsec_engine_run(tb->e, &p, 1);
	return p->out_port;
}

void eth_hdr(uint8_t *h, const uint8_t *dst, const uint8_t *src, uint16_t ethertype)
{
	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	h[12] = (uint8_t)(ethertype >> 8);
	h[13] = (uint8_t)ethertype;
}

uint16_t inet_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void ipv4_fix_csum(uint8_t *ip)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = inet_csum(ip, (ip[0] & 15u) * 4u);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

void ip_ttl_dec(uint8_t *ip)
{
	if ((ip[0] >> 4) == 4) {
		ip[8]--;
		ipv4_fix_csum(ip);
	} else {
		ip[7]--;
	}
}
