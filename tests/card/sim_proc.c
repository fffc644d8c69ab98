/* SPDX-License-Identifier: Apache-2.0 */
/* Simulator processes of a test run: start by fork/exec, open, stop by PID, clean up always. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cardtest.h"

#define STOP_GRACE_MS 5000u
#define OPEN_WAIT_MS 5000u

/* Every simulator this process started and has not reaped: the atexit hook and the signal
 * handler stop them, so a failing or interrupted run leaves no card process behind. */
static struct sim_proc *live[CT_MAX_SIMS];

static void track(struct sim_proc *s)
{
	for (unsigned i = 0; i < CT_MAX_SIMS; i++)
		if (!live[i]) {
			live[i] = s;
			return;
		}
}

static void untrack(const struct sim_proc *s)
{
	for (unsigned i = 0; i < CT_MAX_SIMS; i++)
		if (live[i] == s)
			live[i] = NULL;
}

/* unlink(2) rather than shm_unlink: the signal handler may call this, and unlink is
 * async-signal-safe. glibc keeps POSIX shared memory in /dev/shm. */
static void shm_remove(const char *name)
{
	char path[160];
	size_t n = strlen(name);

	if (n > 100)
		return;
	memcpy(path, "/dev/shm/vrfsec-", 16);
	memcpy(path + 16, name, n);
	memcpy(path + 16 + n, ".bar", 5);
	unlink(path);
	memcpy(path + 16 + n, ".mem", 5);
	unlink(path);
	/* the notify socket a killed simulator could not remove */
	memcpy(path + 16 + n, ".notify", 8);
	unlink(path);
}

static void nap(long ns)
{
	struct timespec ts = { 0, ns };

	nanosleep(&ts, NULL);
}

/* SIGTERM, then SIGKILL after the grace time. Only async-signal-safe calls: it runs from the
 * signal handler too. Returns the wait status, or -1 when the child was already gone. */
static int stop_pid(pid_t pid, unsigned grace_ms, int *status)
{
	unsigned waited = 0;
	pid_t r;

	if (kill(pid, SIGTERM) != 0 && errno == ESRCH)
		return -1;
	kill(pid, SIGCONT); /* a card the device-lost test stopped must run to take SIGTERM */
	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0)
			return -1;
		if (waited >= grace_ms)
			break;
		nap(10000000L);
		waited += 10;
	}
	kill(pid, SIGKILL);
	if (waitpid(pid, status, 0) == pid)
		return 1; /* killed */
	return -1;
}

static volatile pid_t cmd_pid; /* a helper command running now (scapy, the README script) */

void sims_track_cmd(pid_t pid)
{
	cmd_pid = pid;
}

static void stop_all(void)
{
	int st;

	/* the helper first: the README script stops its own card when told */
	if (cmd_pid > 0)
		stop_pid(cmd_pid, STOP_GRACE_MS, &st);
	cmd_pid = 0;
	for (unsigned i = 0; i < CT_MAX_SIMS; i++) {
		struct sim_proc *s = live[i];

		if (!s)
			continue;
		live[i] = NULL;
		if (s->pid > 0)
			stop_pid(s->pid, STOP_GRACE_MS, &st);
		s->pid = 0;
		shm_remove(s->name);
	}
}

static char run_dir[256]; /* removed by the signal handler too, unless kept */

void sims_cleanup_dir(const char *dir)
{
	snprintf(run_dir, sizeof(run_dir), "%s", dir ? dir : "");
}

static void on_signal(int sig)
{
	stop_all();
	/* nftw is not async-signal-safe; fork and exec are */
	if (run_dir[0]) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/rm", "rm", "-rf", "--", run_dir, (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void sims_child_reset(void)
{
	/* a forked helper shares our handlers but not our children: it must leave them alone */
	for (unsigned i = 0; i < CT_MAX_SIMS; i++)
		live[i] = NULL;
	run_dir[0] = '\0';
	cmd_pid = 0;
}

void sims_cleanup_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT,
				    SIGFPE, SIGILL };
	struct sigaction sa;

	atexit(stop_all);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* a simulator killed under us must not kill us with a write to a closed pipe */
	signal(SIGPIPE, SIG_IGN);
}

int sim_start(struct ct *c, struct sim_proc *s, const char *tag, const char *const *args)
{
	const char *argv[40];
	char exe[PATH_MAX + 16];
	unsigned n = 0;
	pid_t pid;
	int fd;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "ct%ld-%s", (long)getpid(), tag);
	snprintf(s->spec, sizeof(s->spec), "sim:%s", s->name);
	snprintf(s->log, sizeof(s->log), "%s/sim-%s.log", c->tmp, tag);
	snprintf(exe, sizeof(exe), "%s/vrfsec-sim", c->bindir);
	argv[n++] = exe;
	argv[n++] = "--name";
	argv[n++] = s->name;
	argv[n++] = "--quiet";
	for (unsigned i = 0; args && args[i] && n < 39; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	/* a stale object from an earlier run with our pid would make the simulator refuse */
	shm_remove(s->name);
	fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ct_fail(c, "cannot write %s: %s", s->log, strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd);
		return ct_fail(c, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		/* the card must not outlive a test that dies without running its handlers */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(exe, (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	close(fd);
	s->pid = pid;
	track(s);
	ct_log(c, "started %s (pid %ld)", s->name, (long)pid);
	return 0;
}

int sim_open(struct ct *c, struct sim_proc *s, const struct vrfsec_open_cfg *cfg,
	     struct vrfsec_dev **dev)
{
	struct vrfsec_open_cfg oc;
	double deadline = ct_now() + ct_ms(c, OPEN_WAIT_MS) / 1000.0;
	char err[256] = "", tail[512];
	int rc, st;

	if (cfg)
		oc = *cfg;
	else
		memset(&oc, 0, sizeof(oc));
	oc.errbuf = err;
	oc.errbuf_len = sizeof(err);
	/* the driver's defaults for a card that does not answer and for a heartbeat standing
	 * still, scaled: a simulator running the RTL on a busy host may not get the CPU for a
	 * second (a test of lost cards sets its own lost_ms) */
	if (!oc.timeout_ms)
		oc.timeout_ms = ct_ms(c, 5000);
	if (!oc.lost_ms)
		oc.lost_ms = ct_ms(c, 1000);
	for (;;) {
		rc = vrfsec_open_ex(dev, s->spec, &oc);
		if (rc == 0)
			return 0;
		if (s->pid && waitpid(s->pid, &st, WNOHANG) == s->pid) {
			untrack(s);
			s->pid = 0;
			s->status = st;
			sim_log_tail(s, tail, sizeof(tail));
			return ct_fail(c, "%s exited at start (status 0x%x): %s", s->name, st, tail);
		}
		/* the simulator makes its shared memory a few hundred ms after exec */
		if (ct_now() > deadline)
			return ct_fail(c, "cannot open %s: %s", s->spec, err);
		ct_sleep_ms(20);
	}
}

int sim_stop(struct sim_proc *s)
{
	int st = 0, r;

	if (!s->pid)
		return WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0 ? 0 : -1;
	r = stop_pid(s->pid, STOP_GRACE_MS, &st);
	untrack(s);
	s->pid = 0;
	s->status = st;
	if (sim_shm_left(s))
		shm_remove(s->name);
	return r == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

void sim_kill(struct sim_proc *s)
{
	int st = 0;

	if (s->pid) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &st, 0);
	}
	untrack(s);
	s->pid = 0;
	s->status = st;
	/* a killed simulator cannot unlink its objects: that is our job */
	shm_remove(s->name);
}

int sim_wait_exit(struct sim_proc *s, unsigned timeout_ms)
{
	unsigned waited = 0;
	int st;

	if (!s->pid)
		return WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0 ? 0 : -1;
	for (;;) {
		pid_t r = waitpid(s->pid, &st, WNOHANG);

		if (r == s->pid)
			break;
		if (r < 0 || waited >= timeout_ms)
			return -1;
		ct_sleep_ms(10);
		waited += 10;
	}
	untrack(s);
	s->pid = 0;
	s->status = st;
	if (sim_shm_left(s))
		shm_remove(s->name);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

bool sim_shm_left(const struct sim_proc *s)
{
	char path[160];

	snprintf(path, sizeof(path), "/dev/shm/vrfsec-%s.bar", s->name);
	if (access(path, F_OK) == 0)
		return true;
	snprintf(path, sizeof(path), "/dev/shm/vrfsec-%s.mem", s->name);
	if (access(path, F_OK) == 0)
		return true;
	snprintf(path, sizeof(path), "/dev/shm/vrfsec-%s.notify", s->name);
	return access(path, F_OK) == 0;
}

void sim_log_tail(const struct sim_proc *s, char *buf, size_t len)
{
	FILE *f = fopen(s->log, "r");
	char all[8192];
	size_t n;
	char *p;

	buf[0] = '\0';
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)sizeof(all) - 1)
		fseek(f, -(long)sizeof(all) + 1, SEEK_END);
	else
		fseek(f, 0, SEEK_SET);
	n = fread(all, 1, sizeof(all) - 1, f);
	fclose(f);
	all[n] = '\0';
	/* the last few lines, on one line */
	p = all + n;
	for (int lines = 0; p > all && lines < 4; p--)
		if (p[-1] == '\n' && p != all + n)
			lines++;
	snprintf(buf, len, "%s", p);
	for (char *q = buf; *q; q++)
		if (*q == '\n')
			*q = ' ';
}

unsigned sims_shm_count(void)
{
	char prefix[48];
	unsigned n = 0;
	struct dirent *de;
	DIR *d = opendir("/dev/shm");

	if (!d)
		return 0;
	snprintf(prefix, sizeof(prefix), "vrfsec-ct%ld-", (long)getpid());
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}
