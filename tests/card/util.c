/* SPDX-License-Identifier: Apache-2.0 */
/* Card helpers of the tests: counter snapshots, waiting on captures, child commands, randomness. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cardtest.h"

int snap_get(struct ct *c, struct vrfsec_dev *dev, struct vrfsec_snapshot **s)
{
	int rc = vrfsec_snapshot_read(dev, s);

	if (rc)
		return ct_fail(c, "counter snapshot: %s (%s)", vrfsec_strerror(rc),
			       vrfsec_errmsg(dev));
	return 0;
}

uint64_t snap_global(const struct vrfsec_snapshot *s, const char *name)
{
	for (unsigned i = 0; i < s->n_global; i++) {
		const char *n = vrfsec_counter_str(i);

		if (n && strcmp(n, name) == 0)
			return s->global[i];
	}
	return ~0ull;
}

static bool skipped(const char *name, const char *const *skip)
{
	for (unsigned i = 0; name && skip && skip[i]; i++)
		if (strcmp(name, skip[i]) == 0)
			return true;
	return false;
}

bool snap_equal(const struct vrfsec_snapshot *a, const struct vrfsec_snapshot *b,
		const char *const *skip, char *why, size_t n)
{
	if (a->n_global != b->n_global || a->n_vrf != b->n_vrf || a->n_sa != b->n_sa) {
		snprintf(why, n, "snapshot shapes differ");
		return false;
	}
	for (uint32_t i = 0; i < a->n_global; i++)
		if (a->global[i] != b->global[i] && !skipped(vrfsec_counter_str(i), skip)) {
			snprintf(why, n, "global counter %s: %" PRIu64 " -> %" PRIu64,
				 vrfsec_counter_str(i), a->global[i], b->global[i]);
			return false;
		}
	if (memcmp(a->vrf, b->vrf, a->n_vrf * sizeof(*a->vrf)) != 0) {
		snprintf(why, n, "VRF counters changed");
		return false;
	}
	for (uint32_t i = 0; i < a->n_sa; i++)
		if (memcmp(&a->sa[i], &b->sa[i], sizeof(a->sa[i])) != 0) {
			snprintf(why, n, "SA %u counters changed: packets %" PRIu64 " -> %" PRIu64, i,
				 a->sa[i].packets, b->sa[i].packets);
			return false;
		}
	return true;
}

int snap_wait_global(struct ct *c, struct vrfsec_dev *dev, const char *name, uint64_t want,
		     unsigned timeout_ms)
{
	double deadline = ct_now() + ct_ms(c, timeout_ms) / 1000.0;
	uint64_t v = 0;

	for (;;) {
		struct vrfsec_snapshot *s;

		if (snap_get(c, dev, &s))
			return -1;
		v = snap_global(s, name);
		vrfsec_snapshot_free(s);
		if (v >= want && v != ~0ull)
			return 0;
		if (ct_now() > deadline)
			return ct_fail(c, "counter %s stayed at %" PRIu64 ", wanted %" PRIu64, name, v,
				       want);
		ct_sleep_ms(5);
	}
}

int pcap_wait_frames(struct ct *c, const char *path, uint32_t n, unsigned timeout_ms,
		     struct frames *out)
{
	double deadline;
	char err[256] = "";

	timeout_ms = ct_ms(c, timeout_ms);
	deadline = ct_now() + timeout_ms / 1000.0;

	for (;;) {
		struct frames f = { 0 };

		/* a read racing the simulator's flush may see a record cut short: read again */
		if (frames_read_pcap(path, &f, true, err, sizeof(err)) == 0 && f.n >= n) {
			*out = f;
			return 0;
		}
		if (ct_now() > deadline) {
			uint32_t got = f.n;

			frames_free(&f);
			return ct_fail(c, "%s holds %u frames after %u ms, wanted %u %s", path, got,
				       timeout_ms, n, err);
		}
		frames_free(&f);
		ct_sleep_ms(10);
	}
}

int run_cmd(const struct ct *c, const char *const *argv, const char *log)
{
	pid_t pid;
	int st, fd;

	ct_log(c, "run %s", argv[0]);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	sims_track_cmd(pid);
	if (waitpid(pid, &st, 0) != pid)
		st = -1;
	sims_track_cmd(0);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

uint64_t mix64(uint64_t x)
{
	/* splitmix64's finaliser: every index gives unrelated bits */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void rand_bytes(uint64_t seed, uint64_t stream, uint64_t idx, uint8_t *out, size_t n)
{
	uint64_t s = mix64(seed ^ mix64(stream * 0x100000001b3ull) ^ mix64(idx + 0x51ed27ull));

	for (size_t i = 0; i < n; i++) {
		if (i % 8 == 0)
			s = mix64(s);
		out[i] = (uint8_t)(s >> (8 * (i % 8)));
	}
}

char *hex(char *out, const uint8_t *b, size_t n)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}
