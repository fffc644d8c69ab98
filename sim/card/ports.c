/* SPDX-License-Identifier: Apache-2.0 */
/* The card's network ports: spec parsing, dispatch to the tap / xdp / pcap backends, captures. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "sim.h"

static const char *const port_names[SIM_N_PORTS] = { "public", "core", "inside" };

const char *sim_port_name(uint8_t id)
{
	return id < SIM_N_PORTS ? port_names[id] : "host";
}

pcap_dumper_t *sim_dump_open(struct sim *s, const char *path)
{
	pcap_dumper_t *d;

	if (!s->dead) {
		/* One handle describes every file we write: Ethernet, frames up to the largest. */
		s->dead = pcap_open_dead(DLT_EN10MB, 65535);
		if (!s->dead)
			return NULL;
	}
	d = pcap_dump_open(s->dead, path);
	if (!d)
		fprintf(stderr, "vrfsec-sim: cannot write %s: %s\n", path, pcap_geterr(s->dead));
	return d;
}

void sim_dump(pcap_dumper_t *d, const uint8_t *frame, uint32_t len)
{
	struct pcap_pkthdr h;

	if (!d)
		return;
	gettimeofday(&h.ts, NULL);
	h.caplen = h.len = len;
	pcap_dump((u_char *)d, &h, frame);
}

int sim_port_open(struct sim *s, uint8_t id, const char *spec)
{
	struct sim_port *p = &s->port[id];
	size_t iflen;
	int rc;

	if (p->kind != SIM_PORT_NONE || p->spec) {
		fprintf(stderr, "vrfsec-sim: port %s given twice\n", sim_port_name(id));
		return -EINVAL;
	}
	p->spec = spec;
	if (strcmp(spec, "none") == 0)
		return 0;
	if (strncmp(spec, "pcap:", 5) == 0) {
		rc = pcap_port_open(s, p, spec + 5);
		if (rc == 0)
			p->kind = SIM_PORT_PCAP;
		return rc;
	}
	if (strncmp(spec, "tap:", 4) != 0 && strncmp(spec, "xdp:", 4) != 0) {
		fprintf(stderr, "vrfsec-sim: port %s: '%s' is not tap:IF, xdp:IF, pcap:IN,OUT or none\n",
			sim_port_name(id), spec);
		return -EINVAL;
	}
	iflen = strlen(spec + 4);
	if (iflen == 0 || iflen >= sizeof(p->ifname)) {
		fprintf(stderr, "vrfsec-sim: port %s: bad interface name in '%s'\n", sim_port_name(id),
			spec);
		return -EINVAL;
	}
	memcpy(p->ifname, spec + 4, iflen + 1);
	if (spec[0] == 't') {
		rc = tap_port_open(p, p->ifname);
		if (rc == 0)
			p->kind = SIM_PORT_TAP;
	} else {
		rc = xdp_port_open(p, p->ifname);
		if (rc == 0)
			p->kind = SIM_PORT_XDP;
	}
	if (rc)
		fprintf(stderr, "vrfsec-sim: port %s: cannot open %s: %s\n", sim_port_name(id), spec,
			strerror(-rc));
	return rc;
}

void sim_port_close(struct sim_port *p)
{
	switch (p->kind) {
	case SIM_PORT_PCAP:
		pcap_port_close(p);
		break;
	case SIM_PORT_TAP:
		tap_port_close(p);
		break;
	case SIM_PORT_XDP:
		xdp_port_close(p);
		break;
	case SIM_PORT_NONE:
		break;
	}
	p->kind = SIM_PORT_NONE;
	if (p->cap_in)
		pcap_dump_close(p->cap_in);
	if (p->cap_out)
		pcap_dump_close(p->cap_out);
	p->cap_in = p->cap_out = NULL;
}

uint32_t sim_port_rx(struct sim_port *p, struct vrfsec_pkt **pkts, uint32_t max,
		     bool drop)
{
	uint32_t n = 0, i;

	switch (p->kind) {
	case SIM_PORT_PCAP:
		/* a file is a wire that waits: nothing is read while the data path is off */
		if (drop)
			return 0;
		n = pcap_port_rx(p, pkts, max);
		break;
	case SIM_PORT_TAP:
		n = tap_port_rx(p, pkts, max);
		break;
	case SIM_PORT_XDP:
		n = xdp_port_rx(p, pkts, max);
		break;
	case SIM_PORT_NONE:
		return 0;
	}
	if (drop) {
		p->rx_drop += n;
		return 0;
	}
	p->rx += n;
	for (i = 0; i < n; i++)
		sim_dump(p->cap_in, pkts[i]->buf + pkts[i]->off, pkts[i]->len);
	return n;
}

void sim_port_tx(struct sim_port *p, const uint8_t *frame, uint32_t len)
{
	sim_dump(p->cap_out, frame, len);
	p->tx++;
	switch (p->kind) {
	case SIM_PORT_PCAP:
		pcap_port_tx(p, frame, len);
		break;
	case SIM_PORT_TAP:
		tap_port_tx(p, frame, len);
		break;
	case SIM_PORT_XDP:
		xdp_port_tx(p, frame, len);
		break;
	case SIM_PORT_NONE:
		break; /* an unplugged port: the frame is gone, the capture still shows it */
	}
}

int sim_capture_open(struct sim *s, const char *dir)
{
	char path[SIM_PATH_MAX];
	uint8_t id;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "vrfsec-sim: cannot create %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	for (id = 0; id < SIM_N_PORTS; id++) {
		struct sim_port *p = &s->port[id];

		snprintf(path, sizeof(path), "%s/%s-in.pcap", dir, sim_port_name(id));
		p->cap_in = sim_dump_open(s, path);
		snprintf(path, sizeof(path), "%s/%s-out.pcap", dir, sim_port_name(id));
		p->cap_out = sim_dump_open(s, path);
		if (!p->cap_in || !p->cap_out)
			return -EIO;
	}
	return 0;
}

void sim_ports_flush(struct sim *s)
{
	uint8_t id;

	for (id = 0; id < SIM_N_PORTS; id++) {
		struct sim_port *p = &s->port[id];

		if (p->cap_in)
			pcap_dump_flush(p->cap_in);
		if (p->cap_out)
			pcap_dump_flush(p->cap_out);
		if (p->kind == SIM_PORT_PCAP && p->out)
			pcap_dump_flush(p->out);
	}
}

uint32_t sim_ports_fds(const struct sim *s, int *fds, uint32_t max)
{
	uint32_t n = 0;
	uint8_t id;

	for (id = 0; id < SIM_N_PORTS && n < max; id++) {
		const struct sim_port *p = &s->port[id];

		if (p->kind == SIM_PORT_TAP)
			fds[n++] = p->fd;
		else if (p->kind == SIM_PORT_XDP)
			fds[n++] = xdp_port_fd(p);
	}
	return n;
}
