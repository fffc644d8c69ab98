/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsec-sim: one simulated card. Shared-memory PCIe, firmware, engine and network ports in one
 * single-threaded loop. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>

#include "counters.h"
#include "engine_impl.h"
#include "sim.h"

#define NS_PER_US 1000ull
#define NS_PER_MS 1000000ull
/* Idle sleeps grow with the time since the last work, from SLEEP_MIN_NS to SLEEP_MAX_NS: a
 * doorbell is a plain memory write that wakes nobody, so the sleep bounds command latency. There
 * is no busy-poll phase: on a small shared host (the driver, agent and tests beside us) spinning
 * or sched_yield() after work made round trips several milliseconds worse, not better. */
#define SLEEP_MIN_NS (50 * NS_PER_US)
#define SLEEP_MAX_NS (200 * NS_PER_US)
/* The rtl engine runs a burst in steps of this many packets with a heartbeat between them: it
 * clocks the RTL at tens of thousands of cycles a second (less on a busy host). Ports are still
 * served VRFSEC_BURST_MAX packets in turn, as on the other engines, so the order in which SAs
 * hand out sequence numbers stays the same; the RTL runs every packet to completion in arrival
 * order, so the steps change no result. */
#define RTL_STEP 8u

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

struct opts {
	const char *name, *capture, *port_spec[SIM_N_PORTS];
	int engine;
	unsigned rtl_width;
	const char *rtl_trace;
	uint64_t host_mem;
	bool quiet, exit_when_done, enable;
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: vrfsec-sim --name NAME [--engine cmodel|cpu|rtl] [--host-mem MB]\n"
		"                  [--port public|core|inside=SPEC]... [--capture DIR]\n"
		"                  [--rtl-width 128|512] [--rtl-trace FILE.fst]\n"
		"                  [--enable] [--exit-when-done] [--quiet]\n"
		"  --engine rtl       the Verilated RTL pipeline as the data path (when built in)\n"
		"  --rtl-width W      rtl: DATA_WIDTH 128 (LANES 1, default) or 512 (LANES 4)\n"
		"  --rtl-trace FILE   rtl: write FST waveforms of the whole run to FILE\n"
		"  SPEC: tap:IFNAME     create or attach a TAP device (brought up)\n"
		"        xdp:IFNAME     AF_XDP socket on queue 0 of an existing interface (SKB, copy)\n"
		"        pcap:IN,OUT    frames from pcap file IN, frames that leave to OUT (either empty)\n"
		"        none           unplugged (default)\n"
		"  --host-mem MB      host memory the card may DMA (default %u, at most 4095)\n"
		"  --capture DIR      write DIR/<port>-in.pcap and DIR/<port>-out.pcap for every port\n"
		"  --enable           start with the data path enabled (CONTROL bit 0); else the host\n"
		"                     enables it, and pcap inputs wait until then\n"
		"  --exit-when-done   exit once the data path is on, every pcap input is read and the\n"
		"                     CMD and INJECT rings are empty\n"
		"  --quiet            no start-up messages (errors and exit counters still go to stderr)\n"
		"The card appears as sim:NAME: /dev/shm/vrfsec-NAME.bar and .mem.\n"
		"VRFSEC_SIM_ENGINE=KIND in the environment overrides --engine (a test suite that\n"
		"picks its engines itself then runs against KIND, e.g. rtl); VRFSEC_RTL_WIDTH\n"
		"sets the default of --rtl-width.\n",
		VRFSEC_SIM_HOST_MEM_DEFAULT >> 20);
}

static int port_arg(struct opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	uint8_t id;

	for (id = 0; eq && id < SIM_N_PORTS; id++) {
		const char *n = sim_port_name(id);

		if (strlen(n) == (size_t)(eq - arg) && strncmp(arg, n, (size_t)(eq - arg)) == 0) {
			o->port_spec[id] = eq + 1;
			return 0;
		}
	}
	fprintf(stderr, "vrfsec-sim: --port wants public=SPEC, core=SPEC or inside=SPEC, not '%s'\n",
		arg);
	return -1;
}

static int parse(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "engine", required_argument, NULL, 'e' },
		{ "rtl-width", required_argument, NULL, 'w' },
		{ "rtl-trace", required_argument, NULL, 't' },
		{ "host-mem", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "capture", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "exit-when-done", no_argument, NULL, 'x' },
		{ "enable", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env;
	char *end;
	unsigned long mb;
	int c;

	o->engine = VRFSEC_ENGINE_CPU;
	o->host_mem = VRFSEC_SIM_HOST_MEM_DEFAULT;
	env = getenv("VRFSEC_RTL_WIDTH");
	o->rtl_width = env && strcmp(env, "512") == 0 ? 512u : 128u;
	while ((c = getopt_long(argc, argv, "n:e:m:p:c:w:t:qxEh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->name = optarg;
			break;
		case 'e':
			o->engine = vrfsec_engine_kind_parse(optarg);
			if (o->engine < 0) {
				fprintf(stderr, "vrfsec-sim: unknown engine '%s' (cmodel, cpu, rtl)\n",
					optarg);
				return -1;
			}
			break;
		case 'w':
			if (strcmp(optarg, "128") && strcmp(optarg, "512")) {
				fprintf(stderr, "vrfsec-sim: --rtl-width wants 128 or 512\n");
				return -1;
			}
			o->rtl_width = (unsigned)atoi(optarg);
			break;
		case 't':
			o->rtl_trace = optarg;
			break;
		case 'm':
			errno = 0;
			mb = strtoul(optarg, &end, 10);
			/* HOST_MEM_SIZE is a 32-bit register */
			if (errno || *end || mb == 0 || mb > 4095) {
				fprintf(stderr, "vrfsec-sim: --host-mem wants 1..4095 (MB)\n");
				return -1;
			}
			o->host_mem = (uint64_t)mb << 20;
			break;
		case 'p':
			if (port_arg(o, optarg))
				return -1;
			break;
		case 'c':
			o->capture = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'x':
			o->exit_when_done = true;
			break;
		case 'E':
			o->enable = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !o->name) {
		usage(stderr);
		return -1;
	}
	env = getenv("VRFSEC_SIM_ENGINE");
	if (env && *env) {
		o->engine = vrfsec_engine_kind_parse(env);
		if (o->engine < 0) {
			fprintf(stderr, "vrfsec-sim: VRFSEC_SIM_ENGINE: unknown engine '%s'\n", env);
			return -1;
		}
	}
	if (!vrfsec_engine_available((enum vrfsec_engine_kind)o->engine)) {
		fprintf(stderr, "vrfsec-sim: engine %s is not built into this program (the rtl engine "
				"needs hw/rtl/vrfsec_pipeline.v and Verilator at build time)\n",
			vrfsec_engine_name((enum vrfsec_engine_kind)o->engine));
		return -1;
	}
	vrfsec_engine_rtl_config(o->rtl_width, o->rtl_trace);
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sim_heartbeat(struct sim *s)
{
	uint32_t hb = s->control_off + VRFSEC_ABI_CONTROL_HEARTBEAT;
	uint64_t now = mono_ns();

	if (now - s->hb_ns >= VRFSEC_SIM_HEARTBEAT_MS * NS_PER_MS) {
		__atomic_fetch_add((volatile uint32_t *)(s->bar + hb), 1u, __ATOMIC_RELEASE);
		s->hb_ns = now;
	}
}

/* Run a burst and send every packet where the pipeline put it; drops were counted there. */
static void run_burst(struct sim *s, struct vrfsec_pkt **pp, uint32_t n)
{
	uint32_t step = s->kind == VRFSEC_ENGINE_RTL ? RTL_STEP : VRFSEC_BURST_MAX;
	uint32_t i;

	for (i = 0; i < n; i += step) {
		vrfsec_engine_run(s->e, pp + i, n - i < step ? n - i : step);
		sim_heartbeat(s);
	}
	for (i = 0; i < n; i++) {
		const struct vrfsec_pkt *p = pp[i];

		if (p->out_port < SIM_N_PORTS)
			sim_port_tx(&s->port[p->out_port], p->buf + p->off, p->len);
		else if (p->out_port == VRFSEC_PORT_HOST)
			sim_punt(s, p);
	}
}

static bool inputs_done(const struct sim *s)
{
	uint8_t id;

	for (id = 0; id < SIM_N_PORTS; id++)
		if (s->port[id].kind == SIM_PORT_PCAP && !s->port[id].in_done)
			return false;
	return true;
}

/* Nothing to do: sleep in ppoll on the ports that can wake us (tap, xdp). */
static void idle_wait(const struct sim *s, uint64_t idle_ns)
{
	struct pollfd pfd[SIM_N_PORTS + 2];
	struct timespec ts;
	int fds[SIM_N_PORTS + 2];
	uint64_t ns;
	uint32_t n, i;

	ns = idle_ns / 4;
	ns = ns < SLEEP_MIN_NS ? SLEEP_MIN_NS : ns > SLEEP_MAX_NS ? SLEEP_MAX_NS : ns;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ns;
	n = sim_ports_fds(s, fds, SIM_N_PORTS);
	n += sim_notify_fds(s, fds + n, 2);
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	ppoll(n ? pfd : NULL, n, &ts, NULL); /* EINTR from a stop signal is fine */
}

static void run(struct sim *s, const struct opts *o)
{
	struct vrfsec_pkt *pp[VRFSEC_BURST_MAX];
	uint32_t ctl = s->control_off + VRFSEC_ABI_CONTROL_CONTROL;
	uint64_t now = mono_ns(), last_work = now;
	bool unflushed = false;
	uint32_t i;

	s->hb_ns = now;

	for (i = 0; i < VRFSEC_BURST_MAX; i++)
		pp[i] = &s->pkts[i];
	while (!stop_sig) {
		bool enabled = reg_rd(s, ctl) & 1u;
		uint32_t work = 0, n;
		uint8_t id;

		now = mono_ns();
		for (id = 0; id < SIM_N_PORTS; id++) {
			n = sim_port_rx(&s->port[id], pp, VRFSEC_BURST_MAX, !enabled);
			if (n)
				run_burst(s, pp, n);
			work += n;
		}
		if (enabled) {
			n = sim_inject_rx(s, pp, VRFSEC_BURST_MAX);
			if (n)
				run_burst(s, pp, n);
			work += n;
		}
		work += fw_poll(s->fw, now);
		/* One wake-up for whatever this iteration posted to the host. */
		sim_notify_signal(s);
		sim_notify_service(s);
		sim_heartbeat(s);
		if (work) {
			last_work = now;
			unflushed = true;
			continue;
		}
		if (unflushed) {
			sim_ports_flush(s);
			unflushed = false;
		}
		if (o->exit_when_done && enabled && inputs_done(s) &&
		    sim_ring_empty(s, VRFSEC_ABI_RING_CMD) && sim_ring_empty(s, VRFSEC_ABI_RING_INJECT))
			break;
		idle_wait(s, now - last_work);
	}
}

static void print_counters(const struct sim *s)
{
	const struct sim_stats *st = &s->st;
	uint8_t id;

	fprintf(stderr, "vrfsec-sim: card '%s' stopped (engine %s)\n", s->name,
		vrfsec_engine_name(s->kind));
	vrfsec_counters_print(stderr, s->t);
	fprintf(stderr, "ports:             rx           tx      rx_drop      tx_drop\n");
	for (id = 0; id < SIM_N_PORTS; id++) {
		const struct sim_port *p = &s->port[id];

		fprintf(stderr, "  %-7s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "  %s\n",
			sim_port_name(id), p->rx, p->tx, p->rx_drop, p->tx_drop,
			p->spec ? p->spec : "none");
	}
	fprintf(stderr,
		"host interface:\n"
		"  punt %" PRIu64 ", punt_no_buf %" PRIu64 ", punt_ring_full %" PRIu64
		", punt_buf_small %" PRIu64 ", punt_dma_err %" PRIu64 "\n"
		"  inject %" PRIu64 ", inject_bad %" PRIu64 ", dma_faults %" PRIu64 "\n",
		st->punt_ok, st->punt_no_buf, st->punt_ring_full, st->punt_buf_small, st->punt_dma_err,
		st->inject_ok, st->inject_bad, s->plat.dma_faults);
}

static void sim_close(struct sim *s, bool started)
{
	uint8_t id;

	if (s->bar && s->control_off != VRFSEC_ABI_NONE)
		__atomic_fetch_or((volatile uint32_t *)(s->bar + s->control_off +
							VRFSEC_ABI_CONTROL_STATUS),
				  VRFSEC_SIM_STATUS_FAULT, __ATOMIC_RELEASE);
	for (id = 0; id < SIM_N_PORTS; id++)
		sim_port_close(&s->port[id]);
	if (s->dead)
		pcap_close(s->dead);
	sim_notify_close(s);
	sim_shm_destroy(s);
	if (started)
		print_counters(s);
	vrfsec_engine_destroy(s->e); /* wipes the keys */
	if (s->fw)
		vrfsec_unmap(s->fw, sizeof(*s->fw));
	if (s->t)
		vrfsec_unmap(s->t, sizeof(*s->t));
	free(s->pkts);
}

/* Back the card's memories with pages now. Left lazy, the first command to touch a table page
 * pays for zeroing it (a 2 MB huge page at a time): a fresh card then installs SAs an order of
 * magnitude slower than a warm one. A card's memory exists from reset, so the simulator pays
 * once at start. Advice only: without MADV_POPULATE_WRITE the pages come on first touch. */
static void prefault(void *p, size_t len)
{
	if (p)
		madvise(p, len, MADV_POPULATE_WRITE);
}

static int sim_open(struct sim *s, const struct opts *o)
{
	struct fw_config cfg;
	uint8_t id;
	int rc;

	s->t = vrfsec_map_zeroed(sizeof(*s->t));
	s->fw = vrfsec_map_zeroed(sizeof(*s->fw));
	s->pkts = calloc(VRFSEC_BURST_MAX, sizeof(*s->pkts));
	if (!s->t || !s->fw || !s->pkts) {
		fprintf(stderr, "vrfsec-sim: out of memory\n");
		return -ENOMEM;
	}
	rc = vrfsec_engine_create(&s->e, s->kind, s->t);
	if (rc) {
		fprintf(stderr, "vrfsec-sim: engine %s: %s\n", vrfsec_engine_name(s->kind),
			strerror(-rc));
		return rc;
	}
	s->plat.e = s->e;
	/* Ports before shared memory: a bad port spec must not leave a half-started card behind. */
	for (id = 0; id < SIM_N_PORTS; id++)
		if (o->port_spec[id] && (rc = sim_port_open(s, id, o->port_spec[id])) != 0)
			return rc;
	if (o->capture && (rc = sim_capture_open(s, o->capture)) != 0)
		return rc;
	prefault(s->t, sizeof(*s->t));
	prefault(s->fw, sizeof(*s->fw));
	if (s->e->cm_keys) {
		prefault(s->e->cm_keys, VRFSEC_MAX_SA * sizeof(*s->e->cm_keys));
	} else if (s->kind == VRFSEC_ENGINE_CPU) {
		uint32_t i;

		/* The cpu engine keeps its key store to itself; wiping every (still empty) slot
		 * through its own call is the way to touch all of it. */
		for (i = 0; i < VRFSEC_MAX_SA; i++)
			cpu_clear_key(s->e, i);
	}
	rc = sim_shm_create(s);
	if (rc)
		return rc;
	sim_notify_open(s);
	memset(&cfg, 0, sizeof(cfg));
	cfg.plat_ctx = &s->plat;
	cfg.engine = (uint32_t)s->kind;
	cfg.host_mem_size = (uint32_t)s->mem_size; /* <= 4095 MB, checked by parse() */
	cfg.card_kind = VRFSEC_ABI_CARD_SIM;
	cfg.caps = 1u << VRFSEC_ENGINE_CMODEL | 1u << VRFSEC_ENGINE_CPU;
	if (vrfsec_engine_available(VRFSEC_ENGINE_RTL))
		cfg.caps |= 1u << VRFSEC_ENGINE_RTL;
	/* the tables are still zeroed, as after a reset: fw_init initialises them */
	fw_init(s->fw, s->t, s->bar, &cfg);
	rc = sim_blocks_find(s);
	if (rc) {
		fprintf(stderr, "vrfsec-sim: the firmware wrote no CONTROL or RINGS block\n");
		return rc;
	}
	if (o->enable)
		reg_wr(s, s->control_off + VRFSEC_ABI_CONTROL_CONTROL,
		       reg_rd(s, s->control_off + VRFSEC_ABI_CONTROL_CONTROL) | 1u);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct opts o;
	struct sim s;
	uint8_t id;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	s.bar_fd = s.mem_fd = -1;
	s.notify_listen = s.notify_conn = s.notify_efd = -1;
	s.control_off = s.rings_off = VRFSEC_ABI_NONE;
	for (id = 0; id < SIM_N_PORTS; id++) {
		s.port[id].id = id;
		s.port[id].fd = -1;
	}
	if (parse(&o, argc, argv))
		return 2;
	s.name = o.name;
	s.kind = (enum vrfsec_engine_kind)o.engine;
	s.mem_size = o.host_mem;
	s.quiet = o.quiet;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* The idle sleeps are tens of microseconds; the default 50 us timer slack would double them. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);

	rc = sim_open(&s, &o);
	if (rc) {
		sim_close(&s, false);
		return 1;
	}
	if (!o.quiet) {
		printf("vrfsec-sim: card '%s' ready: engine %s, host memory %" PRIu64 " MB, "
		       "/dev/shm%s\n",
		       s.name, vrfsec_engine_name(s.kind), s.mem_size >> 20, s.bar_shm);
		for (id = 0; id < SIM_N_PORTS; id++)
			printf("  port %-6s %s\n", sim_port_name(id),
			       s.port[id].spec ? s.port[id].spec : "none");
		if (!(reg_rd(&s, s.control_off + VRFSEC_ABI_CONTROL_CONTROL) & 1u))
			printf("  data path off until the host sets CONTROL bit 0\n");
		fflush(stdout);
	}
	run(&s, &o);
	sim_close(&s, true);
	return 0;
}
