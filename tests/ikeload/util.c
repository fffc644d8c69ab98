// SPDX-License-Identifier: Apache-2.0
/* vrfsec-ikeload helpers: clock, sockets, RSS, the benchmark's proposals and key lines. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ikeload.h"

volatile sig_atomic_t il_stop, il_report;

static void on_stop(int s)
{
	(void)s;
	il_stop = 1;
}

static void on_report(int s)
{
	(void)s;
	il_report = 1;
}

void il_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_report;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

uint64_t il_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

double il_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Non-blocking, large buffers: a burst of IKE_SA_INITs must not be dropped by the socket. */
int il_udp_open(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, sz = 8 << 20;
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(fd, (const struct sockaddr *)a, sizeof(*a)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

void il_hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

long il_vmrss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* AES-GCM-16-128, PRF-HMAC-SHA256 and the group under test: what charon gets as
 * aes128gcm16-prfsha256-ecp256 / -x25519. */
struct ike_ike_prop il_ike_prop(int group)
{
	return (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256,
				      (uint16_t)(group == 31 ? IKE_DH_X25519 : IKE_DH_ECP256) };
}

/* ESP AES-GCM-16-128 without ESN and without PFS (charon: esp_proposals = aes128gcm16). */
struct ike_esp_prop il_esp_prop(void)
{
	return (struct ike_esp_prop){ IKE_ENCR_AES_GCM_16, 128, 0, 0 };
}

void il_ts_v4(uint32_t addr_host, unsigned plen, struct ike_ts *out)
{
	uint32_t mask = plen ? 0xffffffffu << (32 - plen) : 0;
	uint32_t lo = htonl(addr_host & mask), hi = htonl((addr_host & mask) | ~mask);
	memset(out, 0, sizeof(*out));
	out->type = IKE_TS_IPV4;
	out->port_hi = 0xffff;
	memcpy(out->start, &lo, 4);
	memcpy(out->end, &hi, 4);
}

/* KEY <who> spi_in spi_out key_in key_out (key = key || salt, hex): the test compares the two
 * sides' lines with in/out swapped. */
void il_key_line(FILE *f, const char *who, const struct ike_child_info *c)
{
	fprintf(f, "KEY %s %08x %08x ", who, c->spi_in, c->spi_out);
	il_hex(f, c->key_in, c->key_bits / 8);
	il_hex(f, c->salt_in, 4);
	fputc(' ', f);
	il_hex(f, c->key_out, c->key_bits / 8);
	il_hex(f, c->salt_out, 4);
	fputc('\n', f);
}

int il_parse_addr(const char *s, struct sockaddr_in *out, uint16_t default_port)
{
	char buf[64];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = 0;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons(colon ? (uint16_t)atoi(colon + 1) : default_port);
	return inet_pton(AF_INET, buf, &out->sin_addr) == 1 ? 0 : -EINVAL;
}
