/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-bench ring: SA and route installs per second through the command ring of a simulator. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "vrfsec.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The simulator binary next to this one. */
static int sim_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 16);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	strcpy(slash + 1, "vrfsec-sim");
	return access(buf, X_OK);
}

static pid_t sim_start(const char *path, const char *name, const char *engine)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* its exit printout (all counters zero here) would bury the two result lines */
		if (!freopen("/dev/null", "w", stderr))
			_exit(126);
		execl(path, path, "--name", name, "--engine", engine, "--quiet", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Stop the simulator this program started: SIGTERM, then SIGKILL after 5 s. */
static void sim_stop(pid_t pid)
{
	int i, st;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 500; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static int open_retry(struct vrfsec_dev **dev, const char *spec, pid_t pid)
{
	int i, rc = -ENODEV, st;

	for (i = 0; i < 200; i++) {
		rc = vrfsec_open(dev, spec);
		if (rc == 0)
			return 0;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return -ECHILD;
		usleep(25000);
	}
	return rc;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int sa_installs(struct vrfsec_dev *dev, uint32_t n, double *per_s)
{
	struct vrfsec_batch *b;
	struct vrfsec_sa_cfg sa;
	uint64_t s = 0x9e3779b97f4a7c15ull;
	double t0;
	uint32_t i;
	int rc;

	rc = vrfsec_batch_create(dev, NULL, &b);
	if (rc)
		return rc;
	memset(&sa, 0, sizeof(sa));
	sa.dir = VRFSEC_SA_IN;
	sa.mode = VRFSEC_SA_TUNNEL;
	sa.udp = true;
	sa.udp_sport = 4500;
	sa.udp_dport = 4500;
	sa.outer_af = 4;
	sa.dst[0] = 203;
	sa.dst[3] = 1;
	sa.key_len = 16;
	t0 = now_s();
	for (i = 0; i < n && rc == 0; i++) {
		uint64_t k0 = rng(&s), k1 = rng(&s);

		sa.idx = i;
		sa.spi = 0x10000000u + i;
		sa.vrf = (uint16_t)(i % 64u);
		memcpy(sa.key, &k0, 8);
		memcpy(sa.key + 8, &k1, 8);
		memcpy(sa.salt, &k0, 4);
		rc = vrfsec_batch_sa_add(b, &sa);
	}
	if (rc == 0)
		rc = vrfsec_batch_wait(b, 60000);
	*per_s = (double)n / (now_s() - t0);
	explicit_bzero(&sa, sizeof(sa));
	vrfsec_batch_destroy(b);
	return rc;
}

/* Host routes in 10.0.0.0/12 of one VRF: one trie leaf node per 256 routes. */
static int route_installs(struct vrfsec_dev *dev, uint32_t n, double *per_s)
{
	struct vrfsec_batch *b;
	struct vrfsec_nh_cfg nh;
	struct vrfsec_route_cfg r;
	double t0;
	uint32_t i;
	int rc;

	memset(&nh, 0, sizeof(nh));
	nh.idx = 1;
	nh.kind = VRFSEC_NEXTHOP_DROP;
	rc = vrfsec_nh_set_sync(dev, &nh);
	if (rc)
		return rc;
	rc = vrfsec_batch_create(dev, NULL, &b);
	if (rc)
		return rc;
	memset(&r, 0, sizeof(r));
	r.vrf = 1;
	r.af = 4;
	r.plen = 32;
	r.nh = 1;
	t0 = now_s();
	for (i = 0; i < n && rc == 0; i++) {
		r.addr[0] = 10;
		r.addr[1] = (uint8_t)(i >> 16);
		r.addr[2] = (uint8_t)(i >> 8);
		r.addr[3] = (uint8_t)i;
		rc = vrfsec_batch_route_add(b, &r);
	}
	if (rc == 0)
		rc = vrfsec_batch_wait(b, 60000);
	*per_s = (double)n / (now_s() - t0);
	vrfsec_batch_destroy(b);
	return rc;
}

int bench_cmdring_main(int argc, char **argv)
{
	char path[4096], name[64], spec[80];
	const char *engine = "cpu";
	uint32_t n_sa = 100000, n_route = 1000000;
	struct vrfsec_dev *dev = NULL;
	double sa_rate = 0, route_rate = 0;
	pid_t pid;
	int a, rc;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--sas") == 0 && a + 1 < argc)
			n_sa = (uint32_t)strtoul(argv[++a], NULL, 0);
		else if (strcmp(argv[a], "--routes") == 0 && a + 1 < argc)
			n_route = (uint32_t)strtoul(argv[++a], NULL, 0);
		else if (strcmp(argv[a], "--engine") == 0 && a + 1 < argc)
			engine = argv[++a];
		else if (strcmp(argv[a], "--smoke") == 0) {
			n_sa = 5000;
			n_route = 50000;
		} else {
			fprintf(stderr, "usage: vrfsec-bench ring [--sas N] [--routes N] "
					"[--engine cmodel|cpu] [--smoke]\n");
			return 2;
		}
	}
	if (n_sa > 131072u || n_route > 1048576u) {
		fprintf(stderr, "vrfsec-bench ring: at most 131072 SAs and 1048576 routes\n");
		return 2;
	}
	if (sim_path(path, sizeof(path)) != 0) {
		fprintf(stderr, "vrfsec-bench ring: vrfsec-sim not found beside vrfsec-bench\n");
		return 1;
	}
	snprintf(name, sizeof(name), "ringbench%d", (int)getpid());
	snprintf(spec, sizeof(spec), "sim:%s", name);
	pid = sim_start(path, name, engine);
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	rc = open_retry(&dev, spec, pid);
	if (rc == 0)
		rc = sa_installs(dev, n_sa, &sa_rate);
	if (rc == 0)
		rc = route_installs(dev, n_route, &route_rate);
	if (rc == 0) {
		printf("bench ring op=sa_add count=%u per_s=%.0f engine=%s\n", n_sa, sa_rate, engine);
		printf("bench ring op=route_add count=%u per_s=%.0f\n", n_route, route_rate);
	} else {
		fprintf(stderr, "vrfsec-bench ring: %s%s%s\n", vrfsec_strerror(rc),
			dev ? ": " : "", dev ? vrfsec_errmsg(dev) : "");
	}
	vrfsec_close(dev);
	sim_stop(pid);
	return rc ? 1 : 0;
}
