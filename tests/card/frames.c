/* SPDX-License-Identifier: Apache-2.0 */
/* Frame lists: pcap files in and out (libpcap) and byte-for-byte comparison. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "cardtest.h"

void frames_add(struct frames *f, const void *data, uint32_t len)
{
	struct frame *fr;

	if (f->n == f->cap) {
		uint32_t cap = f->cap ? 2 * f->cap : 64;
		struct frame *v = realloc(f->v, cap * sizeof(*v));

		if (!v) {
			fprintf(stderr, "vrfsec-cardtest: out of memory\n");
			exit(2);
		}
		f->v = v;
		f->cap = cap;
	}
	fr = &f->v[f->n++];
	memset(fr, 0, sizeof(*fr));
	fr->data = malloc(len ? len : 1);
	if (!fr->data) {
		fprintf(stderr, "vrfsec-cardtest: out of memory\n");
		exit(2);
	}
	memcpy(fr->data, data, len);
	fr->len = len;
}

void frames_free(struct frames *f)
{
	for (uint32_t i = 0; i < f->n; i++)
		free(f->v[i].data);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

int frames_read_pcap(const char *path, struct frames *f, bool missing_ok, char *err, size_t n)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct stat st;
	pcap_t *p;
	int rc;

	if (missing_ok && stat(path, &st) != 0 && errno == ENOENT)
		return 0;
	p = pcap_open_offline(path, eb);
	if (!p) {
		snprintf(err, n, "%s: %s", path, eb);
		return -1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		frames_add(f, data, h->caplen);
	if (rc == PCAP_ERROR) {
		snprintf(err, n, "%s: %s", path, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	pcap_close(p);
	return 0;
}

int frames_write_pcap(const char *path, const struct frames *f, char *err, size_t n)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;

	if (!dead) {
		snprintf(err, n, "pcap_open_dead failed");
		return -1;
	}
	d = pcap_dump_open(dead, path);
	if (!d) {
		snprintf(err, n, "%s: %s", path, pcap_geterr(dead));
		pcap_close(dead);
		return -1;
	}
	for (uint32_t i = 0; i < f->n; i++) {
		struct pcap_pkthdr h;

		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = 1700000000 + (time_t)i; /* fixed times: the file is reproducible */
		h.caplen = h.len = f->v[i].len;
		pcap_dump((u_char *)d, &h, f->v[i].data);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}

int frames_compare(const char *what, const struct frames *card, const struct frames *ref,
		   char *why, size_t n)
{
	uint32_t i, k;

	for (i = 0; i < card->n && i < ref->n; i++) {
		const struct frame *a = &card->v[i], *b = &ref->v[i];

		if (a->len == b->len && memcmp(a->data, b->data, a->len) == 0)
			continue;
		for (k = 0; k < a->len && k < b->len && a->data[k] == b->data[k]; k++)
			;
		snprintf(why, n, "%s frame %u differs: card %u bytes, cmodel %u bytes, first "
			 "difference at byte %u (card 0x%02x, cmodel 0x%02x)", what, i, a->len, b->len,
			 k, k < a->len ? a->data[k] : 0, k < b->len ? b->data[k] : 0);
		return -1;
	}
	if (card->n != ref->n) {
		snprintf(why, n, "%s: card sent %u frames, cmodel %u", what, card->n, ref->n);
		return -1;
	}
	return 0;
}
