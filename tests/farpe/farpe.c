/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-farpe: the far provider-edge router of the tests. The kernel here has no MPLS
 * forwarding, so this stands in for the PE on the other side of the core: it receives the card's
 * labelled frames on the core link, pops the label stack and delivers the IP packet into the TAP
 * of the customer whose VPN label was at the bottom of the stack; packets coming back from a
 * customer's TAP get that customer's label towards the card. Each customer TAP is moved into the
 * customer's own network namespace by the test, so a wrong label would put a packet into the
 * wrong namespace, which the per-VPN counters printed at exit (and the tests' captures) show. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_VPNS 16
#define ETHERTYPE_MPLS_UC 0x8847
#define FRAME_MAX 9216

struct vpn {
	uint32_t label_in;  /* bottom label the card sends for this customer */
	uint32_t label_out; /* label the card expects from us for this customer */
	char tap[IFNAMSIZ];
	int fd;
	uint8_t tap_mac[6];
	uint64_t to_customer, from_customer, arp_answered;
};

struct farpe {
	int core;                 /* AF_PACKET on the core link */
	int core_ifindex;
	uint8_t card_mac[6];      /* destination of frames towards the card */
	uint8_t my_mac[6];
	uint8_t ttl;
	struct vpn vpn[MAX_VPNS];
	unsigned n_vpn;
	uint64_t unknown_label, not_mpls, bad_stack, non_ip;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

/* LABEL_IN:LABEL_OUT:TAPNAME */
static int parse_vpn(const char *s, struct vpn *v)
{
	unsigned long in, out;
	char name[IFNAMSIZ + 1];

	if (sscanf(s, "%lu:%lu:%16s", &in, &out, name) != 3 || in < 16 || in > 0xfffff ||
	    out < 16 || out > 0xfffff || strlen(name) >= IFNAMSIZ)
		return -1;
	memset(v, 0, sizeof(*v));
	v->label_in = (uint32_t)in;
	v->label_out = (uint32_t)out;
	memcpy(v->tap, name, strlen(name) + 1);
	v->fd = -1;
	return 0;
}

static int tap_open(struct vpn *v)
{
	struct ifreq ifr;
	int sk;

	v->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (v->fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, v->tap, strlen(v->tap));
	if (ioctl(v->fd, TUNSETIFF, &ifr) != 0)
		return -errno;
	/* The TAP's own MAC: frames we write into it are addressed to it. It keeps its MAC when the
	 * test moves it into the customer's namespace. */
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -errno;
	if (ioctl(sk, SIOCGIFHWADDR, &ifr) != 0) {
		int rc = -errno;

		close(sk);
		return rc;
	}
	close(sk);
	memcpy(v->tap_mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int core_open(struct farpe *f, const char *ifname)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;

	f->core = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (f->core < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	if (ioctl(f->core, SIOCGIFINDEX, &ifr) != 0)
		return -errno;
	f->core_ifindex = ifr.ifr_ifindex;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = f->core_ifindex;
	if (bind(f->core, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		return -errno;
	return 0;
}

static struct vpn *vpn_by_label(struct farpe *f, uint32_t label)
{
	for (unsigned i = 0; i < f->n_vpn; i++)
		if (f->vpn[i].label_in == label)
			return &f->vpn[i];
	return NULL;
}

/* A labelled frame from the card: pop every label, deliver by the bottom one. */
static void from_core(struct farpe *f, const uint8_t *fr, size_t len)
{
	uint8_t out[FRAME_MAX];
	size_t off = 14;
	uint32_t label = 0, entry = 0;
	struct vpn *v;
	uint16_t et;

	if (len < 14 || memcmp(fr, f->my_mac, 6) != 0)
		return; /* not for us (our own transmissions show up here too) */
	if (((fr[12] << 8) | fr[13]) != ETHERTYPE_MPLS_UC) {
		f->not_mpls++;
		return;
	}
	do {
		if (off + 4 > len) {
			f->bad_stack++;
			return;
		}
		entry = ((uint32_t)fr[off] << 24) | ((uint32_t)fr[off + 1] << 16) |
			((uint32_t)fr[off + 2] << 8) | fr[off + 3];
		label = entry >> 12;
		off += 4;
	} while (!(entry & 0x100u));
	v = vpn_by_label(f, label);
	if (!v) {
		f->unknown_label++;
		return;
	}
	if (off >= len || len - off + 14 > sizeof(out)) {
		f->bad_stack++;
		return;
	}
	if ((fr[off] >> 4) == 4)
		et = ETHERTYPE_IP;
	else if ((fr[off] >> 4) == 6)
		et = ETHERTYPE_IPV6;
	else {
		f->non_ip++;
		return;
	}
	memcpy(out, v->tap_mac, 6);
	memcpy(out + 6, f->my_mac, 6);
	out[12] = (uint8_t)(et >> 8);
	out[13] = (uint8_t)et;
	memcpy(out + 14, fr + off, len - off);
	if (write(v->fd, out, len - off + 14) > 0)
		v->to_customer++;
}

/* Proxy ARP towards a customer namespace: we are its gateway, whatever address it asks for. */
static void answer_arp(struct vpn *v, const uint8_t *fr, size_t len, const uint8_t *my_mac)
{
	uint8_t r[42];

	if (len < 42 || ((fr[20] << 8) | fr[21]) != 1 /* request */)
		return;
	if (memcmp(fr + 28, fr + 38, 4) == 0)
		return; /* gratuitous / duplicate-address probe of its own address */
	memcpy(r, fr + 6, 6);
	memcpy(r + 6, my_mac, 6);
	r[12] = 0x08;
	r[13] = 0x06;
	memcpy(r + 14, fr + 14, 6); /* htype, ptype, hlen, plen */
	r[20] = 0;
	r[21] = 2;
	memcpy(r + 22, my_mac, 6);
	memcpy(r + 28, fr + 38, 4); /* we are the asked-for address */
	memcpy(r + 32, fr + 22, 6);
	memcpy(r + 38, fr + 28, 4);
	if (write(v->fd, r, sizeof(r)) > 0)
		v->arp_answered++;
}

/* A frame from a customer: IP gets the customer's VPN label towards the card. */
static void from_customer(struct farpe *f, struct vpn *v, const uint8_t *fr, size_t len)
{
	uint8_t out[FRAME_MAX + 4];
	struct sockaddr_ll to;
	uint16_t et;
	uint32_t entry;

	if (len < 14)
		return;
	et = (uint16_t)((fr[12] << 8) | fr[13]);
	if (et == ETHERTYPE_ARP) {
		answer_arp(v, fr, len, f->my_mac);
		return;
	}
	if ((et != ETHERTYPE_IP && et != ETHERTYPE_IPV6) || len - 14 + 18 > sizeof(out))
		return;
	memcpy(out, f->card_mac, 6);
	memcpy(out + 6, f->my_mac, 6);
	out[12] = ETHERTYPE_MPLS_UC >> 8;
	out[13] = ETHERTYPE_MPLS_UC & 0xff;
	entry = (v->label_out << 12) | 0x100u | f->ttl;
	out[14] = (uint8_t)(entry >> 24);
	out[15] = (uint8_t)(entry >> 16);
	out[16] = (uint8_t)(entry >> 8);
	out[17] = (uint8_t)entry;
	memcpy(out + 18, fr + 14, len - 14);
	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_ifindex = f->core_ifindex;
	to.sll_halen = 6;
	memcpy(to.sll_addr, f->card_mac, 6);
	if (sendto(f->core, out, len - 14 + 18, 0, (struct sockaddr *)&to, sizeof(to)) > 0)
		v->from_customer++;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vrfsec-farpe --core IFNAME --card-mac MAC [--mac MAC] [--ttl N]\n"
		"                    --vpn LABEL_IN:LABEL_OUT:TAPNAME [--vpn ...]\n"
		"  Pops the card's label stacks on IFNAME and delivers by bottom label into the TAP\n"
		"  named for it; labels customer traffic from the TAP with LABEL_OUT towards the card.\n"
		"  Creates the TAPs (up to %d); the caller moves each into its customer's namespace.\n"
		"  Prints per-VPN counters on SIGINT/SIGTERM.\n", MAX_VPNS);
}

int main(int argc, char **argv)
{
	static uint8_t buf[FRAME_MAX];
	struct pollfd pfd[MAX_VPNS + 1];
	struct farpe f;
	const char *core = NULL;
	int have_card_mac = 0, rc;

	memset(&f, 0, sizeof(f));
	f.core = -1;
	f.ttl = 64;
	/* a locally administered default */
	parse_mac("02:fa:00:00:00:01", f.my_mac);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val) {
			usage();
			return 2;
		}
		if (strcmp(a, "--core") == 0) {
			core = val;
		} else if (strcmp(a, "--card-mac") == 0) {
			if (parse_mac(val, f.card_mac)) {
				fprintf(stderr, "vrfsec-farpe: bad MAC '%s'\n", val);
				return 2;
			}
			have_card_mac = 1;
		} else if (strcmp(a, "--mac") == 0) {
			if (parse_mac(val, f.my_mac)) {
				fprintf(stderr, "vrfsec-farpe: bad MAC '%s'\n", val);
				return 2;
			}
		} else if (strcmp(a, "--ttl") == 0) {
			int t = atoi(val);

			if (t < 1 || t > 255) {
				fprintf(stderr, "vrfsec-farpe: bad TTL '%s'\n", val);
				return 2;
			}
			f.ttl = (uint8_t)t;
		} else if (strcmp(a, "--vpn") == 0) {
			if (f.n_vpn == MAX_VPNS || parse_vpn(val, &f.vpn[f.n_vpn])) {
				fprintf(stderr, "vrfsec-farpe: bad --vpn '%s' (LABEL_IN:LABEL_OUT:TAP, "
						"labels 16..1048575, at most %d)\n", val, MAX_VPNS);
				return 2;
			}
			f.n_vpn++;
		} else {
			usage();
			return 2;
		}
		i++;
	}
	if (!core || !have_card_mac || !f.n_vpn) {
		usage();
		return 2;
	}
	rc = core_open(&f, core);
	if (rc) {
		fprintf(stderr, "vrfsec-farpe: core link %s: %s\n", core, strerror(-rc));
		return 1;
	}
	for (unsigned i = 0; i < f.n_vpn; i++) {
		rc = tap_open(&f.vpn[i]);
		if (rc) {
			fprintf(stderr, "vrfsec-farpe: tap %s: %s\n", f.vpn[i].tap, strerror(-rc));
			return 1;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("vrfsec-farpe: core %s, %u VPNs\n", core, f.n_vpn);
	fflush(stdout);
	pfd[0].fd = f.core;
	pfd[0].events = POLLIN;
	for (unsigned i = 0; i < f.n_vpn; i++) {
		pfd[i + 1].fd = f.vpn[i].fd;
		pfd[i + 1].events = POLLIN;
	}
	while (!stop) {
		int n = poll(pfd, f.n_vpn + 1, 200);

		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			ssize_t len;

			while ((len = recv(f.core, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
				from_core(&f, buf, (size_t)len);
		}
		for (unsigned i = 0; i < f.n_vpn; i++) {
			ssize_t len;

			if (!(pfd[i + 1].revents & POLLIN))
				continue;
			while ((len = read(f.vpn[i].fd, buf, sizeof(buf))) > 0)
				from_customer(&f, &f.vpn[i], buf, (size_t)len);
		}
	}
	for (unsigned i = 0; i < f.n_vpn; i++) {
		struct vpn *v = &f.vpn[i];

		printf("farpe vpn label_in=%u label_out=%u tap=%s to_customer=%llu "
		       "from_customer=%llu arp_answered=%llu\n", v->label_in, v->label_out, v->tap,
		       (unsigned long long)v->to_customer, (unsigned long long)v->from_customer,
		       (unsigned long long)v->arp_answered);
		close(v->fd);
	}
	printf("farpe unknown_label=%llu not_mpls=%llu bad_stack=%llu non_ip=%llu\n",
	       (unsigned long long)f.unknown_label, (unsigned long long)f.not_mpls,
	       (unsigned long long)f.bad_stack, (unsigned long long)f.non_ip);
	close(f.core);
	return 0;
}
