/* SPDX-License-Identifier: Apache-2.0 */
/* Test "device-lost": the simulator dies (SIGKILL) or hangs (SIGSTOP) under a large batch; the
 * driver must say -ENODEV within a second, answer every command and never hang. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cardtest.h"

#define BIG_BATCH 1500000u /* routes: several tenths of a second of work for the card */
#define SIGNAL_AT (BIG_BATCH / 5u)
#define HANG_LOST_MS 300u  /* open_cfg.lost_ms for the hung card */
#define LIMIT_S 1.0

static void big_route(uint32_t k, struct vrfsec_route_cfg *r)
{
	memset(r, 0, sizeof(*r));
	r->vrf = (uint16_t)(1u + k % 8u);
	r->af = 4;
	r->plen = 32;
	r->addr[0] = 10;
	r->addr[1] = (uint8_t)(k >> 19);
	r->addr[2] = (uint8_t)(k >> 11);
	r->addr[3] = (uint8_t)(k >> 3);
	r->nh = 1;
}

/* A child process sends sig to the card when told (a byte on the trigger pipe) and reports
 * when it did: the test's own thread is meanwhile deep inside the driver, queueing a batch, as
 * an application would be. */
struct signaller {
	pid_t pid;
	int trigger, report; /* our ends of the two pipes */
};

static int signaller_start(struct signaller *s, pid_t target, int sig)
{
	int t[2], r[2];

	if (pipe(t) != 0)
		return -1;
	if (pipe(r) != 0) {
		close(t[0]);
		close(t[1]);
		return -1;
	}
	fflush(NULL);
	s->pid = fork();
	if (s->pid == 0) {
		char b;
		double when;

		sims_child_reset();
		close(t[1]);
		close(r[0]);
		if (read(t[0], &b, 1) == 1) {
			when = ct_now(); /* CLOCK_MONOTONIC: the same clock in both processes */
			kill(target, sig);
			if (write(r[1], &when, sizeof(when)) != (ssize_t)sizeof(when))
				_exit(1);
		}
		_exit(0); /* not exit(): the parent's atexit hook would stop its simulators */
	}
	close(t[0]);
	close(r[1]);
	s->trigger = t[1];
	s->report = r[0];
	return s->pid < 0 ? -1 : 0;
}

/* When the signal went out (-1: never), and the child reaped. */
static double signaller_finish(struct signaller *s)
{
	double t = -1;

	close(s->trigger); /* an untriggered child reads EOF and leaves */
	if (read(s->report, &t, sizeof(t)) != (ssize_t)sizeof(t))
		t = -1;
	close(s->report);
	waitpid(s->pid, NULL, 0);
	return t;
}

/* Queue the big batch and wait for it; the signal goes out a fifth of the way in, while the
 * card is busy with the commands before. Returns the driver's verdict and when it came. */
static int run_batch(struct vrfsec_dev *dev, int trigger, double *t_err,
		     struct vrfsec_batch_stats *st, uint32_t *queued)
{
	struct vrfsec_batch *b;
	struct vrfsec_route_cfg rt;
	int rc = vrfsec_batch_create(dev, NULL, &b);

	*queued = 0;
	for (uint32_t k = 0; rc == 0 && k < BIG_BATCH; k++) {
		if (k == SIGNAL_AT && write(trigger, "!", 1) != 1)
			break;
		big_route(k, &rt);
		rc = vrfsec_batch_route_add(b, &rt);
		*queued += rc == 0;
	}
	if (rc == 0)
		rc = vrfsec_batch_wait(b, 20000);
	*t_err = ct_now();
	vrfsec_batch_stats_get(b, st);
	vrfsec_batch_destroy(b);
	return rc;
}

/* After the loss every call answers -ENODEV at once. */
static int after_loss(struct ct *c, struct vrfsec_dev *dev)
{
	struct vrfsec_route_cfg rt;
	struct vrfsec_snapshot *s = NULL;
	struct vrfsec_info info;
	uint8_t ip[64] = { 0x45 };
	struct vrfsec_inject in = { .frame = ip, .len = sizeof(ip) };
	double t0 = ct_now();
	int r[5];

	big_route(0, &rt);
	r[0] = vrfsec_route_add_sync(dev, &rt);
	r[1] = vrfsec_snapshot_read(dev, &s);
	r[2] = vrfsec_poll(dev, 16);
	r[3] = vrfsec_inject_send(dev, &in);
	r[4] = vrfsec_info_get(dev, &info);
	vrfsec_snapshot_free(s);
	for (unsigned i = 0; i < 5; i++)
		if (r[i] != -ENODEV)
			return ct_fail(c, "call %u after the loss: %s, want ENODEV", i,
				       vrfsec_strerror(r[i]));
	/* a lost device answers at once; the bound only catches a hang, with room for a busy CI */
	if (ct_now() - t0 > 0.5)
		return ct_fail(c, "calls after the loss took %.3f s", ct_now() - t0);
	return 0;
}

static int scenario(struct ct *c, const char *tag, int sig, double *latency)
{
	struct vrfsec_open_cfg cfg;
	struct vrfsec_batch_stats st;
	struct vrfsec_dev *dev = NULL;
	struct sim_proc sim;
	struct signaller sg;
	double t_sig, t_err, t_close;
	uint32_t queued;
	int rc, ret = -1;

	memset(&cfg, 0, sizeof(cfg));
	if (sig == SIGSTOP)
		cfg.lost_ms = HANG_LOST_MS;
	if (sim_start(c, &sim, tag, NULL) || sim_open(c, &sim, &cfg, &dev))
		goto out;
	if (signaller_start(&sg, sim.pid, sig) != 0) {
		ct_fail(c, "fork: %s", strerror(errno));
		goto out;
	}
	rc = run_batch(dev, sg.trigger, &t_err, &st, &queued);
	t_sig = signaller_finish(&sg);
	if (rc != -ENODEV) {
		ct_fail(c, "%s: the batch ended with %s (%u queued), want ENODEV", tag,
			vrfsec_strerror(rc), queued);
		goto out;
	}
	*latency = t_err - t_sig;
	if (t_sig < 0 || *latency > LIMIT_S || *latency < 0) {
		ct_fail(c, "%s: ENODEV %.3f s after the signal (limit %.1f s)", tag, *latency,
			LIMIT_S);
		goto out;
	}
	/* the signal hit a busy card: commands were in flight, not all applied */
	if (st.applied >= queued) {
		ct_fail(c, "%s: the card had applied all %u entries before the signal", tag, queued);
		goto out;
	}
	/* every command posted got an answer: applied before the loss, or ENODEV */
	if (st.completed != st.commands || st.first_error.status != -ENODEV || queued == BIG_BATCH) {
		ct_fail(c, "%s: %" PRIu64 " commands, %" PRIu64 " answered, first error %s, %u of %u "
			"queued", tag, st.commands, st.completed, vrfsec_strerror(st.first_error.status),
			queued, BIG_BATCH);
		goto out;
	}
	if (after_loss(c, dev))
		goto out;
	t_close = ct_now();
	vrfsec_close(dev);
	dev = NULL;
	if (ct_now() - t_close > 2.0) { /* a hang, not a slow machine */
		ct_fail(c, "%s: close took %.3f s", tag, ct_now() - t_close);
		goto out;
	}
	ct_log(c, "%s: ENODEV %.0f ms after the signal, %u of %u entries queued, %" PRIu64
	       " entries applied before", tag, *latency * 1e3, queued, BIG_BATCH, st.applied);
	ret = 0;
out:
	vrfsec_close(dev);
	if (sim.pid && sig == SIGSTOP)
		kill(sim.pid, SIGCONT); /* so it can take its SIGTERM */
	sim_kill(&sim);
	if (ret == 0 && sim_shm_left(&sim))
		ret = ct_fail(c, "%s: /dev/shm objects left", tag);
	return ret;
}

int test_lost(struct ct *c)
{
	double kill_lat = 0, hang_lat = 0;

	if (scenario(c, "lost-kill", SIGKILL, &kill_lat) ||
	    scenario(c, "lost-hang", SIGSTOP, &hang_lat))
		return -1;
	ct_note(c, "SIGKILL mid-batch: -ENODEV after %.0f ms; SIGSTOP (lost_ms %u): after %.0f ms; "
		"every command answered, close did not hang, shm removed", kill_lat * 1e3,
		HANG_LOST_MS, hang_lat * 1e3);
	return 0;
}
