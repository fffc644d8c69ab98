/* SPDX-License-Identifier: Apache-2.0 */
/* The smallest libvrfsec program: open a card, show what it is, add an SA and a route. */
#include <stdio.h>
#include <string.h>

#include <vrfsec.h>

int main(int argc, char **argv)
{
	struct vrfsec_dev *dev;
	struct vrfsec_info info;
	struct vrfsec_sa_cfg sa;
	struct vrfsec_nh_cfg nh = { .idx = 1, .kind = VRFSEC_NEXTHOP_SA, .sa = 1 };
	struct vrfsec_route_cfg rt = { .vrf = 1, .af = 4, .plen = 24, .addr = { 10, 1, 0 }, .nh = 1 };
	char why[256] = "";
	struct vrfsec_open_cfg cfg = { .errbuf = why, .errbuf_len = sizeof(why) };
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: hello_card sim:NAME | pci:auto\n");
		return 2;
	}
	rc = vrfsec_open_ex(&dev, argv[1], &cfg);
	if (rc) {
		fprintf(stderr, "%s: %s (%s)\n", argv[1], why, vrfsec_strerror(rc));
		return 1;
	}
	vrfsec_info_get(dev, &info);
	printf("%s: ABI %u, firmware %u.%u, engine %s\n", argv[1], info.abi_version,
	       info.fw_version >> 16, info.fw_version & 0xffff, vrfsec_engine_str(info.engine));
	memset(&sa, 0, sizeof(sa));
	sa.idx = 1;
	sa.dir = VRFSEC_SA_OUT;
	sa.spi = 0x1001;
	sa.vrf = 1;
	sa.outer_af = 4;
	memcpy(sa.src, (const uint8_t[]){ 203, 0, 113, 1 }, 4);
	memcpy(sa.dst, (const uint8_t[]){ 198, 51, 100, 7 }, 4);
	sa.key_len = 16;
	memcpy(sa.key, "an example key!!", 16); /* a real caller takes it from IKE */
	memcpy(sa.salt, "salt", 4);
	rc = vrfsec_sa_add_sync(dev, &sa);
	explicit_bzero(&sa, sizeof(sa));
	if (rc == 0)
		rc = vrfsec_nh_set_sync(dev, &nh);
	if (rc == 0)
		rc = vrfsec_route_add_sync(dev, &rt);
	printf("SA 1, next hop 1, route 10.1.0.0/24 in VRF 1: %s\n", rc ? vrfsec_strerror(rc) : "ok");
	vrfsec_close(dev);
	return rc ? 1 : 0;
}
