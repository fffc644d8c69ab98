/* SPDX-License-Identifier: Apache-2.0 */
/* Inject into a VRF: a host-made IP packet forwarded in a VRF as if a tunnel delivered it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cardtest.h"

/* The packet leaves on the core port behind the VRF's labels, its TTL one lower. */
static int check_out(struct ct *c, const struct frames *out, const uint8_t *ip, uint32_t len)
{
	const uint8_t *f;

	if (out->n != 1)
		return ct_fail(c, "%u frames on the core port, want 1", out->n);
	f = out->v[0].data;
	if (out->v[0].len != 14 + 8 + len || f[12] != 0x88 || f[13] != 0x47)
		return ct_fail(c, "core frame is not Ethernet + 2 labels + the packet");
	if ((f[14] << 12 | f[15] << 4 | f[16] >> 4) != 16 || (f[16] & 1) != 0 ||
	    (f[18] << 12 | f[19] << 4 | f[20] >> 4) != 2001 || (f[20] & 1) != 1)
		return ct_fail(c, "label stack is not 16 / 2001 (bottom)");
	if (f[22 + 8] != ip[8] - 1 || memcmp(f + 22 + 12, ip + 12, len - 12) != 0)
		return ct_fail(c, "forwarded packet differs from the injected one beyond the TTL");
	return 0;
}

int test_inject(struct ct *c)
{
	char dir[300], out_path[340], arg[400], err[256], line[256];
	const char *args[] = { "--engine", "cpu", "--exit-when-done", "--port", arg, NULL };
	struct vrfsec_vrf_cfg vrf = { .vrf = 7 };
	struct vrfsec_nh_cfg nh = { .idx = 70, .kind = VRFSEC_NEXTHOP_MPLS, .n_labels = 2,
				    .label = { 16, 2001 } };
	struct vrfsec_route_cfg rt = { .vrf = 7, .af = 4, .plen = 16, .addr = { 10, 70 }, .nh = 70 };
	uint8_t ip[48] = { 0x45, 0, 0, 48, 0, 0, 0x40, 0, 64, 17 };
	struct vrfsec_inject in = { .frame = ip, .len = sizeof(ip), .sa = VRFSEC_ABI_NONE,
				    .to_vrf = true, .vrf = 7 };
	struct sim_proc sim = { 0 };
	struct vrfsec_dev *dev = NULL;
	struct frames out = { 0 };
	int rc = -1;

	ip[12] = 10, ip[13] = 9, ip[14] = 0, ip[15] = 1;  /* a client's address ... */
	ip[16] = 10, ip[17] = 70, ip[18] = 3, ip[19] = 4; /* ... to the customer's HQ */
	ipv4_fix_csum(ip);
	ct_path(c, dir, sizeof(dir), "inject");
	mkdir(dir, 0755);
	snprintf(out_path, sizeof(out_path), "%s/core-out.pcap", dir);
	snprintf(arg, sizeof(arg), "core=pcap:,%s", out_path);
	if (sim_start(c, &sim, "inject", args) || sim_open(c, &sim, NULL, &dev))
		goto out;
	if ((rc = vrfsec_vrf_set_sync(dev, &vrf)) || (rc = vrfsec_nh_set_sync(dev, &nh)) ||
	    (rc = vrfsec_route_add_sync(dev, &rt)) || (rc = vrfsec_inject_send(dev, &in))) {
		ct_fail(c, "programming the card: %s", vrfsec_strerror(rc));
		rc = -1;
		goto out;
	}
	/* --exit-when-done: the card leaves once the inject ring is empty and the data path on */
	if ((rc = vrfsec_datapath_set(dev, true)) != 0 || sim_wait_exit(&sim, 10000) != 0) {
		sim_log_tail(&sim, line, sizeof(line));
		ct_fail(c, "vrfsec-sim did not finish: %s", line);
		rc = -1;
		goto out;
	}
	rc = -1;
	if (frames_read_pcap(out_path, &out, false, err, sizeof(err))) {
		ct_fail(c, "%s", err);
		goto out;
	}
	if (check_out(c, &out, ip, sizeof(ip)) == 0) {
		ct_note(c, "injected into VRF 7: out on the core port with labels 16/2001, TTL %u",
			ip[8] - 1);
		rc = 0;
	}
out:
	vrfsec_close(dev);
	if (sim.pid)
		sim_stop(&sim);
	frames_free(&out);
	return rc;
}
