/* SPDX-License-Identifier: Apache-2.0 */
/* Port backend xdp:IFNAME: an AF_XDP socket on queue 0 of an existing interface (libxdp, SKB
 * mode, copy), with libxdp's default program redirecting the queue's frames into it. */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include "sim.h"

/* Half of the UMEM frames stay posted on the fill ring for receive, the other half are the
 * transmit pool. Each ring has as many slots as frames of its kind, so a reserve on the fill and
 * TX rings can never fail. */
#define XDP_FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define XDP_HALF 2048u
#define XDP_FRAMES (2u * XDP_HALF)

struct xdp_port {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	void *area;
	uint64_t free_tx[XDP_HALF]; /* UMEM addresses of idle transmit frames */
	uint32_t n_free;
};

/* libbpf and libxdp narrate at info level (ELF sections they skip): keep their warnings only.
 * Without a bpffs, libxdp warns that it loads its program without the multi-program dispatcher;
 * one program per interface is all a port needs (peers README, AF_XDP gotchas), so that warning
 * is dropped too. */
static int bpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int xdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	char msg[256];

	if (level != LIBXDP_WARN)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strstr(msg, "bpffs") || strstr(msg, "dispatcher"))
		return 0;
	return fputs(msg, stderr);
}

/* UMEM is locked memory; kernels without memcg accounting of it still check RLIMIT_MEMLOCK. */
static void memlock_raise(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_MEMLOCK, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
	    r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_MEMLOCK, &r);
	}
}

static void xdp_free(struct xdp_port *x)
{
	if (x->xsk)
		xsk_socket__delete(x->xsk); /* also detaches the program libxdp loaded for us */
	if (x->umem)
		xsk_umem__delete(x->umem);
	free(x->area);
	free(x);
}

int xdp_port_open(struct sim_port *p, const char *ifname)
{
	struct xsk_umem_config ucfg = {
		.fill_size = XDP_HALF,
		.comp_size = XDP_HALF,
		.frame_size = XDP_FRAME_SIZE,
		.frame_headroom = 0,
		.flags = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = XDP_HALF,
		.tx_size = XDP_HALF,
		.libxdp_flags = 0,
		.xdp_flags = XDP_FLAGS_SKB_MODE, /* works on any interface, veth included */
		.bind_flags = XDP_COPY,          /* veth has no zero-copy */
	};
	struct xdp_port *x = calloc(1, sizeof(*x));
	uint32_t i, idx;
	int rc;

	if (!x)
		return -ENOMEM;
	libbpf_set_print(bpf_print);
	libxdp_set_print(xdp_print);
	memlock_raise();
	rc = posix_memalign(&x->area, (size_t)getpagesize(), (size_t)XDP_FRAMES * XDP_FRAME_SIZE);
	if (rc) {
		x->area = NULL;
		xdp_free(x);
		return -rc;
	}
	rc = xsk_umem__create(&x->umem, x->area, (uint64_t)XDP_FRAMES * XDP_FRAME_SIZE, &x->fq,
			      &x->cq, &ucfg);
	if (rc == 0)
		rc = xsk_socket__create(&x->xsk, ifname, 0, x->umem, &x->rx, &x->tx, &scfg);
	if (rc) {
		xdp_free(x);
		return rc < 0 ? rc : -rc;
	}
	if (xsk_ring_prod__reserve(&x->fq, XDP_HALF, &idx) != XDP_HALF) {
		xdp_free(x);
		return -ENOSPC;
	}
	for (i = 0; i < XDP_HALF; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx + i) = (uint64_t)i * XDP_FRAME_SIZE;
	xsk_ring_prod__submit(&x->fq, XDP_HALF);
	for (i = 0; i < XDP_HALF; i++)
		x->free_tx[i] = (uint64_t)(XDP_HALF + i) * XDP_FRAME_SIZE;
	x->n_free = XDP_HALF;
	p->xdp = x;
	return 0;
}

uint32_t xdp_port_rx(struct sim_port *p, struct vrfsec_pkt **pkts, uint32_t max)
{
	struct xdp_port *x = p->xdp;
	uint32_t got, i, idx_rx, idx_fq = 0, n = 0;

	got = xsk_ring_cons__peek(&x->rx, max, &idx_rx);
	if (!got)
		return 0;
	/* Every frame taken off the RX ring goes straight back to the fill ring (copy mode). The
	 * reserve cannot fail (see XDP_HALF); if it did, the frames wait on the RX ring. */
	if (xsk_ring_prod__reserve(&x->fq, got, &idx_fq) != got) {
		xsk_ring_cons__cancel(&x->rx, got);
		return 0;
	}
	for (i = 0; i < got; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx_rx + i);

		if (d->len == 0 || d->len > VRFSEC_MAX_FRAME) {
			p->rx_drop++;
		} else {
			memcpy(pkts[n]->buf + VRFSEC_HEADROOM, xsk_umem__get_data(x->area, d->addr),
			       d->len);
			sim_pkt_arrived(pkts[n], p->id, d->len);
			n++;
		}
		*xsk_ring_prod__fill_addr(&x->fq, idx_fq + i) = xsk_umem__extract_addr(d->addr);
	}
	xsk_ring_cons__release(&x->rx, got);
	xsk_ring_prod__submit(&x->fq, got);
	return n;
}

/* Frames the kernel has sent come back on the completion ring: return them to the pool. */
static void tx_reclaim(struct xdp_port *x)
{
	uint32_t n, i, idx;

	n = xsk_ring_cons__peek(&x->cq, XDP_HALF, &idx);
	for (i = 0; i < n; i++)
		x->free_tx[x->n_free++] = *xsk_ring_cons__comp_addr(&x->cq, idx + i);
	xsk_ring_cons__release(&x->cq, n);
}

void xdp_port_tx(struct sim_port *p, const uint8_t *frame, uint32_t len)
{
	struct xdp_port *x = p->xdp;
	struct xdp_desc *d;
	uint32_t idx;

	tx_reclaim(x);
	if (x->n_free == 0 || len > XDP_FRAME_SIZE ||
	    xsk_ring_prod__reserve(&x->tx, 1, &idx) != 1) {
		p->tx_drop++;
		return;
	}
	d = xsk_ring_prod__tx_desc(&x->tx, idx);
	d->addr = x->free_tx[--x->n_free];
	d->len = len;
	d->options = 0;
	memcpy(xsk_umem__get_data(x->area, d->addr), frame, len);
	xsk_ring_prod__submit(&x->tx, 1);
	/* Copy mode sends only when kicked. EAGAIN / EBUSY / ENOBUFS leave the frame on the ring for
	 * the next kick, so the result does not matter here. */
	(void)sendto(xsk_socket__fd(x->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

void xdp_port_close(struct sim_port *p)
{
	if (p->xdp)
		xdp_free(p->xdp);
	p->xdp = NULL;
}

int xdp_port_fd(const struct sim_port *p)
{
	return xsk_socket__fd(p->xdp->xsk);
}
