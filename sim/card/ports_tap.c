/* SPDX-License-Identifier: Apache-2.0 */
/* Port backend tap:IFNAME: a TAP device (created, or an existing persistent one attached). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim.h"

/* A TAP the simulator creates is down; bring it up so frames flow without a separate `ip link`. */
static int link_up(const char *ifname)
{
	struct ifreq ifr;
	int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (sk < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	if (ioctl(sk, SIOCGIFFLAGS, &ifr) != 0) {
		rc = -errno;
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(sk, SIOCSIFFLAGS, &ifr) != 0)
			rc = -errno;
	}
	close(sk);
	return rc;
}

int tap_port_open(struct sim_port *p, const char *ifname)
{
	struct ifreq ifr;
	int rc;

	p->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	/* Frames without the 4-byte packet-information prefix: exactly what is on the wire. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	if (ioctl(p->fd, TUNSETIFF, &ifr) != 0) {
		rc = -errno;
		close(p->fd);
		p->fd = -1;
		return rc;
	}
	rc = link_up(ifname);
	if (rc) {
		close(p->fd);
		p->fd = -1;
	}
	return rc;
}

/* One read per frame. A frame beyond VRFSEC_MAX_FRAME does not fit SIM_RX_ROOM: the kernel then
 * reports its full length or fails the read, and either way it is dropped. */
uint32_t tap_port_rx(struct sim_port *p, struct vrfsec_pkt **pkts, uint32_t max)
{
	uint32_t n = 0;

	while (n < max) {
		ssize_t len = read(p->fd, pkts[n]->buf + VRFSEC_HEADROOM, SIM_RX_ROOM);

		if (len < 0) {
			/* EAGAIN: nothing more now. Anything else may repeat forever (device gone):
			 * stop for this round either way. */
			if (errno != EAGAIN)
				p->rx_drop++;
			break;
		}
		if (len == 0 || len > (ssize_t)VRFSEC_MAX_FRAME) {
			p->rx_drop++;
			continue;
		}
		sim_pkt_arrived(pkts[n], p->id, (uint32_t)len);
		n++;
	}
	return n;
}

void tap_port_tx(struct sim_port *p, const uint8_t *frame, uint32_t len)
{
	/* Non-blocking: a full queue (nobody reading, interface down) drops, as a wire would. */
	if (write(p->fd, frame, len) != (ssize_t)len)
		p->tx_drop++;
}

void tap_port_close(struct sim_port *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}
