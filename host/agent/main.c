/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsecd: the host agent. Event loop over the card (punt ring, events, completions), the
 * control socket and signals (SIGHUP reloads, SIGTERM/SIGINT stop). The loop sleeps in epoll on
 * the card's notify fd (vrfsec_notify_enable); a card that cannot signal is polled instead.
 * Table work is staged during a pass and flushed once at its end (card_flush); the card's
 * answers come back as completions in a later pass (card_process), never waited for. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "pkt.h"

/* Without a notify fd (the card or backend cannot signal: -ENOTSUP) the loop polls the rings
 * from a short periodic timer. With one it sleeps until the card signals, the control socket
 * or a signal speaks, or a timer is due: the 100 ms tick (session grace, ARP retries, glue
 * timers, and a card pass that notices a lost card, which a quiet eventfd cannot tell) or the
 * IKE library's next timer. */
#define POLL_US 1000
#define TICK_MS 100
#define PUNT_BUDGET 256
#define CPL_BUDGET 256
#define EV_BATCH 32

enum { TAG_TIMER = 1, TAG_SIGNAL = 2, TAG_CTL = 3, TAG_NOTIFY = 4 };

static void usage(FILE *f)
{
	fprintf(f, "usage: vrfsecd [-c FILE] [-d err|warn|info|debug] [--syslog] [--poll]\n"
		   "  -c, --config FILE     configuration (default /etc/vrfsec/vrfsecd.conf)\n"
		   "  -d, --log-level LVL   overrides global.log_level\n"
		   "      --syslog          log to syslog instead of stderr\n"
		   "  -t, --check           check the configuration, print file:line errors, exit\n"
		   "      --poll            poll the card every %u us instead of sleeping on its notify fd\n"
		   "SIGHUP reloads the configuration; established sessions stay.\n",
		POLL_US);
}

static int setup_fds(struct agent *a, bool poll)
{
	struct itimerspec its = { { 0, POLL_US * 1000 }, { 0, POLL_US * 1000 } };
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t set;
	int nfd;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	a->epfd = epoll_create1(EPOLL_CLOEXEC);
	a->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->epfd < 0 || a->sfd < 0)
		return -errno;
	nfd = poll ? -ECANCELED : vrfsec_notify_enable(a->card.dev);
	if (nfd >= 0) {
		ev.data.u64 = TAG_NOTIFY;
		if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, nfd, &ev) != 0)
			return -errno;
		a->notify = true;
		log_info("card notification on: sleeping until the card signals");
	} else {
		if (nfd == -ECANCELED)
			log_info("--poll: polling the card every %u us", POLL_US);
		else if (nfd == -ENOTSUP)
			log_info("the card cannot signal (%s); polling it every %u us",
				 vrfsec_errmsg(a->card.dev), POLL_US);
		else
			log_warn("card notification failed (%s: %s); polling it every %u us",
				 vrfsec_strerror(nfd), vrfsec_errmsg(a->card.dev), POLL_US);
		a->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (a->tfd < 0 || timerfd_settime(a->tfd, 0, &its, NULL) != 0)
			return -errno;
		ev.data.u64 = TAG_TIMER;
		if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, a->tfd, &ev) != 0)
			return -errno;
	}
	ev.data.u64 = TAG_SIGNAL;
	if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, a->sfd, &ev) != 0)
		return -errno;
	return ctl_open(a);
}

/* Drain the card: completions, events, punted frames. 1 when the punt budget ran out with
 * frames left (the caller comes back without sleeping: after a notify ack nothing signals
 * them again), 0 when drained, -ENODEV when the card is gone. */
static int card_pass(struct agent *a, uint8_t *buf, uint32_t cap)
{
	struct vrfsec_event evs[EV_BATCH];
	struct vrfsec_punt p = { 0 };
	int n, rc;

	do {
		rc = vrfsec_poll(a->card.dev, CPL_BUDGET);
		if (rc < 0)
			return rc;
	} while (rc >= CPL_BUDGET);
	card_process(&a->card); /* answered card work: next stages, held IKE replies */
	do {
		n = vrfsec_event_read(a->card.dev, evs, EV_BATCH);
		if (n < 0)
			return n;
		for (int i = 0; i < n; i++) {
			a->st.card_events++;
			log_debug("card event %s: sa %u spi 0x%08x value %llu",
				  vrfsec_event_name(evs[i].type), evs[i].sa, evs[i].spi,
				  (unsigned long long)evs[i].value);
			session_card_event(&a->sm, &evs[i]);
		}
	} while (n == EV_BATCH);
	for (int i = 0; i < PUNT_BUDGET; i++) {
		p.buf = buf;
		p.cap = cap;
		rc = vrfsec_punt_recv(a->card.dev, &p);
		if (rc < 0)
			return rc == -EIO ? 0 : rc;
		if (rc == 0)
			return 0;
		punt_dispatch(a, &p);
	}
	return 1;
}

/* How long epoll may sleep: until the next tick or the IKE library's next timer. */
static int sleep_ms(const struct agent *a, uint64_t next_tick, bool more)
{
	uint64_t due = next_tick, ike = ike_glue_next_timer(a);

	if (more)
		return 0;
	if (!a->notify)
		return TICK_MS; /* the poll timer wakes the loop anyway */
	if (ike < due)
		due = ike;
	return due <= a->now_ms ? 0 : (int)(due - a->now_ms);
}

static int run(struct agent *a)
{
	static uint8_t buf[FRAME_MAX];
	uint64_t next_tick = 0;
	bool more = true; /* a first pass before the first sleep */
	char msg[1536];

	while (!a->stop) {
		struct epoll_event evs[16];
		bool card_due = more || !a->notify;
		int n, rc;

		a->now_ms = agent_now_ms();
		log_flush(); /* what this pass logged, before sleeping */
		n = epoll_wait(a->epfd, evs, 16, sleep_ms(a, next_tick, more));
		if (n < 0 && errno != EINTR)
			return -errno;
		a->now_ms = agent_now_ms();
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			if (tag == TAG_NOTIFY) {
				/* ack before draining: a posting after this signals again */
				if (vrfsec_notify_ack(a->card.dev) < 0)
					log_warn("notify ack: %s", vrfsec_errmsg(a->card.dev));
				card_due = true;
			} else if (tag == TAG_TIMER) {
				uint64_t exp;

				if (read(a->tfd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
					return -errno;
			} else if (tag == TAG_SIGNAL) {
				struct signalfd_siginfo si;

				while (read(a->sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						log_info("SIGHUP: reloading %s", a->conf_path);
						agent_reload(a, msg, sizeof(msg));
					} else {
						log_info("signal %u: stopping", si.ssi_signo);
						a->stop = true;
					}
				}
			} else if (tag == TAG_CTL) {
				ctl_accept(a);
			} else if (tag >= 100 && tag < 100 + CTL_MAX_CLIENTS && a->clients[tag - 100]) {
				ctl_readable(a, a->clients[tag - 100]);
			}
		}
		if (a->now_ms >= next_tick)
			card_due = true; /* also how a quiet, dead card is noticed */
		more = false;
		if (card_due) {
			rc = card_pass(a, buf, sizeof(buf));
			if (rc == -ENODEV) {
				log_err("card lost: %s", vrfsec_errmsg(a->card.dev));
				return -ENODEV;
			}
			more = rc == 1;
		}
		ike_glue_tick(a);
		if (a->now_ms >= next_tick) {
			next_tick = a->now_ms + TICK_MS;
			session_tick(&a->sm, a->now_ms);
			neigh_tick(a);
		}
		/* the card work of this whole pass (every IKE message read, timers, the control
		 * socket) goes out in one flush; the loop does not wait for the answers */
		card_process(&a->card);
		card_flush(&a->card);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "config", required_argument, NULL, 'c' },
					      { "log-level", required_argument, NULL, 'd' },
					      { "syslog", no_argument, NULL, 's' },
					      { "check", no_argument, NULL, 't' },
					      { "poll", no_argument, NULL, 'p' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *conf = "/etc/vrfsec/vrfsecd.conf";
	struct agent a;
	char err[1024];
	bool use_syslog = false, check = false, poll = false;
	int level = -1, c, rc;

	while ((c = getopt_long(argc, argv, "c:d:th", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'd':
			level = log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "vrfsecd: log level '%s' is not err, warn, info or debug\n",
					optarg);
				return 2;
			}
			break;
		case 's':
			use_syslog = true;
			break;
		case 't':
			check = true;
			break;
		case 'p':
			poll = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check) {
		struct config *cfg;

		if (config_load(conf, &cfg, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		printf("%s: OK (%u vrfs, %u profiles)\n", conf, cfg->n_vrfs, cfg->n_profiles);
		config_unref(cfg);
		return 0;
	}
	log_setup(use_syslog, level >= 0 ? (enum log_level)level : LOG_LVL_INFO);
	log_buffer(true);
	memset(&a, 0, sizeof(a));
	rc = agent_start(&a, conf, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		return 1;
	}
	if (level < 0)
		log_level_set((enum log_level)a.cfg->g.log_level);
	rc = setup_fds(&a, poll);
	if (rc) {
		log_err("control socket %s: %s", a.cfg->g.control, strerror(-rc));
	} else {
		log_info("ready: control socket %s", a.cfg->g.control);
		rc = run(&a);
	}
	ctl_close(&a);
	if (a.notify)
		vrfsec_notify_disable(a.card.dev);
	agent_stop(&a);
	if (a.epfd >= 0)
		close(a.epfd);
	if (a.tfd >= 0)
		close(a.tfd);
	if (a.sfd >= 0)
		close(a.sfd);
	log_info("stopped");
	return rc ? 1 : 0;
}
