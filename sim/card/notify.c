/* SPDX-License-Identifier: Apache-2.0 */
/* The host's wake-up: an eventfd received over a unix socket, written when host-facing rings fill. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim.h"

static const uint32_t c2h[] = { VRFSEC_ABI_RING_CPL, VRFSEC_ABI_RING_EVENT, VRFSEC_ABI_RING_PUNT };
#define N_C2H (sizeof(c2h) / sizeof(c2h[0]))
#define HEAD ((uint32_t)offsetof(struct vrfsec_abi_ring_regs, head))
#define IRQ ((uint32_t)offsetof(struct vrfsec_abi_ring_regs, irq))

static uint32_t ring_reg(const struct sim *s, uint32_t ring, uint32_t field_off)
{
	return s->rings_off + VRFSEC_ABI_RINGS_RING0 + ring * VRFSEC_ABI_RING_STRIDE + field_off;
}

void sim_notify_open(struct sim *s)
{
	struct sockaddr_un ua = { .sun_family = AF_UNIX };
	int fd;

	s->notify_listen = s->notify_conn = s->notify_efd = -1;
	snprintf(ua.sun_path, sizeof(ua.sun_path), VRFSEC_SIM_NOTIFY_FMT, s->name);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* The BAR lock is ours (sim_shm_create): a socket file here is a dead simulator's. */
	unlink(ua.sun_path);
	if (bind(fd, (struct sockaddr *)&ua, sizeof(ua)) != 0) {
		close(fd);
		goto fail;
	}
	snprintf(s->notify_path, sizeof(s->notify_path), "%s", ua.sun_path);
	/* Only the card's owner may hand it an eventfd, as only it may map the host memory. */
	if (chmod(ua.sun_path, 0600) != 0 || listen(fd, 2) != 0) {
		close(fd);
		unlink(s->notify_path);
		s->notify_path[0] = '\0';
		goto fail;
	}
	s->notify_listen = fd;
	return;
fail:
	fprintf(stderr, "vrfsec-sim: no notify socket %s (%s): hosts will poll\n", ua.sun_path,
		strerror(errno));
}

static void drop_conn(struct sim *s)
{
	if (s->notify_efd >= 0)
		close(s->notify_efd);
	if (s->notify_conn >= 0)
		close(s->notify_conn);
	s->notify_efd = s->notify_conn = -1;
}

/* One message: magic, version and the eventfd. Answers 0 when taken, 1 when not. */
static void take_eventfd(struct sim *s, int conn)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	uint8_t msg[VRFSEC_SIM_NOTIFY_MSG + 1];
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	uint8_t answer = 1;
	int efd = -1;
	ssize_t n;

	n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	for (c = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)) && efd < 0)
			memcpy(&efd, CMSG_DATA(c), sizeof(int));
	}
	if (n == (ssize_t)VRFSEC_SIM_NOTIFY_MSG && !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) &&
	    efd >= 0 &&
	    (uint32_t)(msg[0] | msg[1] << 8 | msg[2] << 16 | (uint32_t)msg[3] << 24) ==
		    VRFSEC_SIM_NOTIFY_MAGIC &&
	    (uint32_t)(msg[4] | msg[5] << 8 | msg[6] << 16 | (uint32_t)msg[7] << 24) ==
		    VRFSEC_SIM_NOTIFY_VERSION)
		answer = 0;
	if (answer != 0 && efd >= 0)
		close(efd);
	if (send(conn, &answer, 1, MSG_NOSIGNAL) != 1 && answer == 0) {
		close(efd);
		answer = 1;
	}
	if (answer != 0) {
		close(conn);
		return;
	}
	/* One driver at a time (the host memory's flock): a new connection replaces the old. */
	drop_conn(s);
	s->notify_conn = conn;
	s->notify_efd = efd;
	/* Postings before the hand-over were the host's to poll for. */
	for (uint32_t i = 0; i < N_C2H; i++)
		s->notify_head[c2h[i]] = reg_rd(s, ring_reg(s, c2h[i], HEAD));
}

void sim_notify_service(struct sim *s)
{
	int conn;

	if (s->notify_listen < 0)
		return;
	/* The driver sends right after connecting and waits for the answer: a short receive
	 * timeout keeps a client that never sends from stalling the card. */
	while ((conn = accept4(s->notify_listen, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		struct timeval tv = { 0, 100000 };

		setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		take_eventfd(s, conn);
	}
	if (s->notify_conn >= 0) {
		uint8_t b;
		ssize_t n = recv(s->notify_conn, &b, 1, MSG_DONTWAIT);

		/* EOF: the driver closed its handle or died. Anything it sends now is not ABI. */
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || n > 0)
			drop_conn(s);
	}
}

void sim_notify_signal(struct sim *s)
{
	bool moved = false;
	uint64_t one = 1;

	if (s->notify_efd < 0 || s->rings_off == VRFSEC_ABI_NONE)
		return;
	for (uint32_t i = 0; i < N_C2H; i++) {
		uint32_t r = c2h[i];
		uint32_t head = reg_rd(s, ring_reg(s, r, HEAD));

		if (head != s->notify_head[r] && (reg_rd(s, ring_reg(s, r, IRQ)) & 1u))
			moved = true;
		s->notify_head[r] = head;
	}
	if (moved && write(s->notify_efd, &one, sizeof(one)) == (ssize_t)sizeof(one))
		s->notify_sent++;
}

uint32_t sim_notify_fds(const struct sim *s, int *fds, uint32_t max)
{
	uint32_t n = 0;

	if (s->notify_listen >= 0 && n < max)
		fds[n++] = s->notify_listen;
	if (s->notify_conn >= 0 && n < max)
		fds[n++] = s->notify_conn;
	return n;
}

void sim_notify_close(struct sim *s)
{
	drop_conn(s);
	if (s->notify_listen >= 0)
		close(s->notify_listen);
	s->notify_listen = -1;
	if (s->notify_path[0])
		unlink(s->notify_path);
	s->notify_path[0] = '\0';
}
