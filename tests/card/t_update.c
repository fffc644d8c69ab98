/* SPDX-License-Identifier: Apache-2.0 */
/* Live SA update (a NAT mapping moves: new outer addresses, ports, MACs, no rekey) and the
 * notify eventfd (wakes on completion, punt and event; quiet otherwise). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cardtest.h"

#define UPD_SA 3u
#define UPD_SPI 0x00c0ffeeu
#define N_EACH 3u

static const struct esp_key upd_key = { .key = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
						 16 },
					.key_len = 16, .salt = { 0xa1, 0xa2, 0xa3, 0xa4 } };

struct outer {
	uint8_t src[4], dst[4], smac[6], dmac[6];
	uint16_t sport, dport;
};

static void sa_cfg_of(struct vrfsec_sa_cfg *sa, const struct outer *o)
{
	memset(sa, 0, sizeof(*sa));
	sa->idx = UPD_SA;
	sa->dir = VRFSEC_SA_OUT;
	sa->mode = VRFSEC_SA_TUNNEL;
	sa->udp = true;
	sa->spi = UPD_SPI;
	sa->outer_af = 4;
	sa->iv = 0x5000;
	memcpy(sa->src, o->src, 4);
	memcpy(sa->dst, o->dst, 4);
	memcpy(sa->smac, o->smac, 6);
	memcpy(sa->dmac, o->dmac, 6);
	sa->udp_sport = o->sport;
	sa->udp_dport = o->dport;
	sa->key_len = upd_key.key_len;
	memcpy(sa->key, upd_key.key, upd_key.key_len);
	memcpy(sa->salt, upd_key.salt, 4);
}

static int inject_n(struct ct *c, struct vrfsec_dev *dev, uint32_t first_tag)
{
	const uint8_t src[4] = { 10, 1, 0, 5 }, dst[4] = { 10, 2, 0, 9 };
	uint8_t ip[128];

	for (uint32_t i = 0; i < N_EACH; i++) {
		uint32_t len = pkt_icmp4(ip, src, dst, 64, first_tag + i, 40);
		struct vrfsec_inject in = { .frame = ip, .len = len, .sa = UPD_SA };
		int rc = vrfsec_inject_send(dev, &in);

		if (rc)
			return ct_fail(c, "inject: %s", vrfsec_strerror(rc));
	}
	return 0;
}

static uint16_t csum_ok(const uint8_t *h)
{
	uint32_t s = 0;

	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/* Frame k of the run: outer header as o says, sequence number k + 1, IV one past the last. */
static int check_frame(struct ct *c, const struct frame *fr, uint32_t k, const struct outer *o,
		       uint64_t *iv_prev)
{
	const uint8_t *f = fr->data;
	struct esp_opened op;
	char why[256];
	uint64_t iv = 0;

	if (fr->len < 14 + 20 + 8 + 16 || f[12] != 0x08 || f[13] != 0x00)
		return ct_fail(c, "frame %u: not Ethernet/IPv4", k);
	if (memcmp(f, o->dmac, 6) || memcmp(f + 6, o->smac, 6))
		return ct_fail(c, "frame %u: MACs are not the SA's", k);
	if (memcmp(f + 26, o->src, 4) || memcmp(f + 30, o->dst, 4))
		return ct_fail(c, "frame %u: outer %u.%u.%u.%u -> %u.%u.%u.%u, not the SA's", k, f[26],
			       f[27], f[28], f[29], f[30], f[31], f[32], f[33]);
	if (!csum_ok(f + 14))
		return ct_fail(c, "frame %u: outer IPv4 checksum wrong", k);
	if ((f[34] << 8 | f[35]) != o->sport || (f[36] << 8 | f[37]) != o->dport)
		return ct_fail(c, "frame %u: UDP %u -> %u, want %u -> %u", k, f[34] << 8 | f[35],
			       f[36] << 8 | f[37], o->sport, o->dport);
	if (esp_open_frame(f, fr->len, &upd_key, &op, why, sizeof(why)))
		return ct_fail(c, "frame %u: %s", k, why);
	if (op.spi != UPD_SPI || op.seq != k + 1)
		return ct_fail(c, "frame %u: SPI 0x%x seq %u, want seq %u", k, op.spi, op.seq, k + 1);
	for (int i = 0; i < 8; i++)
		iv = iv << 8 | f[42 + 8 + i];
	if (k > 0 && iv != *iv_prev + 1)
		return ct_fail(c, "frame %u: IV %#llx after %#llx", k, (unsigned long long)iv,
			       (unsigned long long)*iv_prev);
	*iv_prev = iv;
	if (pkt_icmp4_tag(op.inner, op.inner_len) != 100 + k)
		return ct_fail(c, "frame %u: inner packet is not the one injected", k);
	return 0;
}

int test_sa_update(struct ct *c)
{
	char dir[300], out_path[340], arg[400];
	const char *args[] = { "--engine", "cpu", "--port", arg, NULL };
	const struct outer before = { { 192, 0, 2, 1 }, { 198, 51, 100, 7 },
				      { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 }, 4500, 4500 };
	const struct outer after = { { 192, 0, 2, 2 }, { 203, 0, 113, 77 },
				     { 2, 0, 0, 0, 0, 3 }, { 2, 0, 0, 0, 0, 4 }, 4500, 31017 };
	struct vrfsec_sa_cfg sa;
	struct sim_proc sim = { 0 };
	struct vrfsec_dev *dev = NULL;
	struct frames out = { 0 };
	uint64_t iv = 0;
	int rc = -1;

	ct_path(c, dir, sizeof(dir), "sa-update");
	mkdir(dir, 0755);
	snprintf(out_path, sizeof(out_path), "%s/public-out.pcap", dir);
	snprintf(arg, sizeof(arg), "public=pcap:,%s", out_path);
	if (sim_start(c, &sim, "update", args) || sim_open(c, &sim, NULL, &dev))
		goto out;
	sa_cfg_of(&sa, &before);
	if ((rc = vrfsec_sa_add_sync(dev, &sa)) || (rc = vrfsec_datapath_set(dev, true))) {
		ct_fail(c, "programming the card: %s", vrfsec_strerror(rc));
		rc = -1;
		goto out;
	}
	rc = -1;
	if (inject_n(c, dev, 100) || pcap_wait_frames(c, out_path, N_EACH, 5000, &out))
		goto out;
	frames_free(&out);
	/* The peer's NAT mapping moved: new addresses, port and MACs; no key in the update. */
	sa_cfg_of(&sa, &after);
	sa.key_len = 0;
	memset(sa.key, 0, sizeof(sa.key));
	sa.update = VRFSEC_SA_UPD_ADDR | VRFSEC_SA_UPD_ETH;
	if ((rc = vrfsec_sa_update_sync(dev, &sa)) != 0) {
		ct_fail(c, "SA update: %s (%s)", vrfsec_strerror(rc),
			vrfsec_detail_name(vrfsec_last_result(dev)->detail));
		rc = -1;
		goto out;
	}
	/* and one it must refuse, changing nothing: another address family */
	sa.outer_af = 6;
	if ((rc = vrfsec_sa_update_sync(dev, &sa)) != -EINVAL) {
		ct_fail(c, "SA update to IPv6: %s, want -EINVAL", vrfsec_strerror(rc));
		rc = -1;
		goto out;
	}
	rc = -1;
	if (inject_n(c, dev, 100 + N_EACH) || pcap_wait_frames(c, out_path, 2 * N_EACH, 5000, &out))
		goto out;
	for (uint32_t k = 0; k < 2 * N_EACH; k++)
		if (check_frame(c, &out.v[k], k, k < N_EACH ? &before : &after, &iv))
			goto out;
	ct_note(c, "%u frames before, %u after the move to 192.0.2.2 -> 203.0.113.77:31017: seq 1..%u "
		   "and IVs continue, same key", N_EACH, N_EACH, 2 * N_EACH);
	rc = 0;
out:
	vrfsec_close(dev);
	if (sim.pid)
		sim_stop(&sim);
	frames_free(&out);
	return rc;
}

/* Readable within ms? */
static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

int test_notify(struct ct *c)
{
	char dir[300], in_path[340], arg[800], err[256];
	const char *args[] = { "--engine", "cpu", "--port", arg, NULL };
	const struct outer o = { { 192, 0, 2, 1 }, { 198, 51, 100, 7 }, { 2, 0, 0, 0, 0, 1 },
				 { 2, 0, 0, 0, 0, 2 }, 4500, 4500 };
	uint8_t arp[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 9, 0x08, 0x06,
			    0, 1, 0x08, 0, 6, 4, 0, 1 };
	struct frames in = { 0 };
	struct vrfsec_sa_cfg sa;
	struct vrfsec_vrf_cfg vrf = { .vrf = 2 };
	struct sim_proc sim = { 0 };
	struct vrfsec_dev *dev = NULL;
	struct vrfsec_batch *b = NULL;
	struct vrfsec_batch_stats st;
	struct vrfsec_event ev;
	uint8_t buf[256];
	struct vrfsec_punt p = { .buf = buf, .cap = sizeof(buf) };
	int fd, rc = -1, wakes = 0;

	ct_path(c, dir, sizeof(dir), "notify");
	mkdir(dir, 0755);
	snprintf(in_path, sizeof(in_path), "%s/public-in.pcap", dir);
	frames_add(&in, arp, sizeof(arp));
	if (frames_write_pcap(in_path, &in, err, sizeof(err))) {
		ct_fail(c, "%s", err);
		goto out;
	}
	snprintf(arg, sizeof(arg), "public=pcap:%s,%s/public-out.pcap", in_path, dir);
	if (sim_start(c, &sim, "notify", args) || sim_open(c, &sim, NULL, &dev))
		goto out;
	fd = vrfsec_notify_enable(dev);
	if (fd < 0) {
		ct_fail(c, "vrfsec_notify_enable: %s (%s)", vrfsec_strerror(fd), vrfsec_errmsg(dev));
		goto out;
	}
	/* quiet: the card runs (heartbeat), nothing is posted */
	if (readable(fd, 200)) {
		ct_fail(c, "eventfd readable with nothing posted");
		goto out;
	}
	/* a completion */
	if (vrfsec_batch_create(dev, NULL, &b) || vrfsec_batch_vrf_set(b, &vrf) ||
	    vrfsec_batch_submit(b)) {
		ct_fail(c, "batch: %s", vrfsec_errmsg(dev));
		goto out;
	}
	if (!readable(fd, 3000)) {
		ct_fail(c, "no wake-up for a command completion");
		goto out;
	}
	wakes++;
	vrfsec_notify_ack(dev);
	while (vrfsec_poll(dev, 64) > 0)
		;
	vrfsec_batch_stats_get(b, &st);
	if (st.completed != 1) {
		ct_fail(c, "woken, but the completion is not there");
		goto out;
	}
	if (readable(fd, 200)) {
		ct_fail(c, "eventfd readable again after ack and drain with nothing posted");
		goto out;
	}
	/* a punt: the data path starts and reads the ARP frame waiting in the pcap */
	if (vrfsec_datapath_set(dev, true) || !readable(fd, 3000)) {
		ct_fail(c, "no wake-up for a punted frame");
		goto out;
	}
	wakes++;
	vrfsec_notify_ack(dev);
	if (vrfsec_punt_recv(dev, &p) != 1 || p.reason != VRFSEC_ABI_CNT_NON_IP) {
		ct_fail(c, "woken, but no ARP punt (reason non_ip) waits");
		goto out;
	}
	/* an event: an outbound SA with a soft lifetime of one packet, then two packets */
	sa_cfg_of(&sa, &o);
	sa.soft.packets = 1;
	if ((rc = vrfsec_sa_add_sync(dev, &sa)) != 0 || inject_n(c, dev, 1) != 0) {
		ct_fail(c, "SA with a soft lifetime: %s", vrfsec_strerror(rc));
		rc = -1;
		goto out;
	}
	rc = -1;
	for (double end = ct_now() + 3.0; ct_now() < end;) {
		int n;

		if (!readable(fd, 100))
			continue;
		vrfsec_notify_ack(dev);
		n = vrfsec_event_read(dev, &ev, 1);
		while (vrfsec_poll(dev, 64) > 0)
			;
		if (n == 1 && ev.type == VRFSEC_ABI_EVENT_SA_SOFT && ev.sa == UPD_SA) {
			wakes++;
			break;
		}
	}
	if (wakes != 3) {
		ct_fail(c, "no wake-up for the SA_SOFT event");
		goto out;
	}
	/* and quiet again once everything is drained */
	vrfsec_notify_ack(dev);
	while (vrfsec_poll(dev, 64) > 0 || vrfsec_event_read(dev, &ev, 1) > 0 ||
	       vrfsec_punt_recv(dev, &p) > 0)
		;
	if (readable(fd, 300)) {
		ct_fail(c, "eventfd readable at the end with nothing posted");
		goto out;
	}
	ct_note(c, "eventfd woke for a completion, a punt (ARP) and an SA_SOFT event; quiet otherwise");
	rc = 0;
out:
	vrfsec_batch_destroy(b);
	vrfsec_close(dev);
	if (sim.pid)
		sim_stop(&sim);
	frames_free(&in);
	return rc;
}
