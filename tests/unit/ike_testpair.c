/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated network of the IKE pair tests (ike_testpair.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "ike_testpair.h"

struct itp_net itp;

void itp_init(struct ike_ctx **a, struct ike_ctx **b, int maxq, size_t maxlen)
{
	assert_true(maxq <= ITP_MAXQ && maxlen <= ITP_PKT);
	itp.ctx[0] = a;
	itp.ctx[1] = b;
	itp.maxq = maxq;
	itp.maxlen = maxlen;
	itp.nq = 0;
}

struct itp_pkt *itp_queue(int from, const struct ike_dgram *d)
{
	assert_true(itp.nq < itp.maxq && d->len <= itp.maxlen);
	struct itp_pkt *p = &itp.q[itp.nq++];
	p->to = !from;
	memcpy(p->data, d->data, d->len);
	p->len = d->len;
	memcpy(&p->src, d->local, sizeof(p->src));
	memcpy(&p->dst, d->remote, sizeof(p->dst));
	p->natt = d->natt;
	return p;
}

void itp_deliver(const struct itp_pkt *p, uint64_t now)
{
	struct ike_dgram d = { (const struct sockaddr *)&p->dst, (const struct sockaddr *)&p->src,
			       p->data, p->len, p->natt };
	ike_ctx_input(*itp.ctx[p->to == 0 ? 0 : 1], &d, now);
}

int itp_pump(int max, uint64_t now)
{
	int n = 0;
	while (itp.nq && n < max) {
		struct itp_pkt p = itp.q[0];
		memmove(itp.q, itp.q + 1, sizeof(itp.q[0]) * (size_t)--itp.nq);
		itp_deliver(&p, now);
		n++;
	}
	return n;
}

void itp_tick(uint64_t now, int max)
{
	ike_ctx_tick(*itp.ctx[0], now);
	ike_ctx_tick(*itp.ctx[1], now);
	itp_pump(max, now);
}

void itp_destroy(void)
{
	ike_ctx_destroy(*itp.ctx[0]);
	ike_ctx_destroy(*itp.ctx[1]);
	itp.nq = 0;
}

void itp_addr(struct sockaddr_in *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->sin_addr);
}
