/* SPDX-License-Identifier: Apache-2.0 */
/* Port backend pcap:IN,OUT: frames come from a capture file and what leaves goes into another. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

/* arg is "IN,OUT", either side may be empty; "IN" alone means no output. */
int pcap_port_open(struct sim *s, struct sim_port *p, const char *arg)
{
	char errbuf[PCAP_ERRBUF_SIZE], in[SIM_PATH_MAX];
	const char *comma = strchr(arg, ',');
	size_t in_len = comma ? (size_t)(comma - arg) : strlen(arg);

	if (in_len >= sizeof(in)) {
		fprintf(stderr, "vrfsec-sim: port %s: input path too long\n", sim_port_name(p->id));
		return -ENAMETOOLONG;
	}
	memcpy(in, arg, in_len);
	in[in_len] = '\0';
	p->in_done = true;
	if (in_len) {
		p->in = pcap_open_offline(in, errbuf);
		if (!p->in) {
			fprintf(stderr, "vrfsec-sim: port %s: %s\n", sim_port_name(p->id), errbuf);
			return -ENOENT;
		}
		if (pcap_datalink(p->in) != DLT_EN10MB) {
			fprintf(stderr, "vrfsec-sim: port %s: %s is not an Ethernet capture (%s)\n",
				sim_port_name(p->id), in,
				pcap_datalink_val_to_name(pcap_datalink(p->in)));
			pcap_close(p->in);
			p->in = NULL;
			return -EINVAL;
		}
		p->in_done = false;
	}
	if (comma && comma[1]) {
		p->out = sim_dump_open(s, comma + 1);
		if (!p->out) {
			pcap_port_close(p);
			return -EIO;
		}
	}
	return 0;
}

uint32_t pcap_port_rx(struct sim_port *p, struct vrfsec_pkt **pkts, uint32_t max)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint32_t n = 0;

	while (p->in && n < max) {
		int rc = pcap_next_ex(p->in, &h, &data);

		if (rc == 1) {
			/* a frame cut short by the capture's snap length is not the frame that was
			 * on the wire: feeding it would make a different packet */
			if (h->caplen < h->len || h->caplen > VRFSEC_MAX_FRAME) {
				p->rx_drop++;
				continue;
			}
			memcpy(pkts[n]->buf + VRFSEC_HEADROOM, data, h->caplen);
			sim_pkt_arrived(pkts[n], p->id, h->caplen);
			n++;
			continue;
		}
		if (rc == PCAP_ERROR)
			fprintf(stderr, "vrfsec-sim: port %s: %s\n", sim_port_name(p->id),
				pcap_geterr(p->in));
		pcap_close(p->in);
		p->in = NULL;
		p->in_done = true;
	}
	return n;
}

void pcap_port_tx(struct sim_port *p, const uint8_t *frame, uint32_t len)
{
	sim_dump(p->out, frame, len);
}

void pcap_port_close(struct sim_port *p)
{
	if (p->in)
		pcap_close(p->in);
	if (p->out)
		pcap_dump_close(p->out);
	p->in = NULL;
	p->out = NULL;
}
