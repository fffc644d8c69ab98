// SPDX-License-Identifier: Apache-2.0
/* libFuzzer target (make ike-fuzz): IKE header, payload chain and every payload parser, then the
 * same bytes as a datagram to a responder context. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike.h"
#include "ike_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int no_send(void *u, const struct ike_dgram *d)
{
	(void)u, (void)d;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct ike_ctx *ctx;
	static uint64_t t;
	struct ike_hdr h;
	struct ike_chain c;
	if (!ctx) {
		struct ike_config cfg;
		memset(&cfg, 0, sizeof(cfg));
		cfg.cb.send = no_send;
		cfg.ike[0] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256 };
		cfg.ike[1] = (struct ike_ike_prop){ IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_256, IKE_DH_X25519 };
		cfg.n_ike = 2;
		if (ike_ctx_create(&cfg, &ctx))
			abort();
	}
	if (ike_hdr_parse(data, len, &h) == 0 &&
	    ike_chain_parse(h.next, data + IKE_HDR_LEN, len - IKE_HDR_LEN, &c, NULL) == 0) {
		for (unsigned i = 0; i < c.n; i++) {
			const struct ike_pl *p = &c.p[i];
			struct ike_sa_pl sa;
			struct ike_ke_pl ke;
			struct ike_id id;
			struct ike_auth_pl a;
			struct ike_notify_pl n;
			struct ike_delete_pl d;
			struct ike_ts_pl ts;
			struct ike_cp_pl cp;
			struct ike_cert_pl ce;
			ike_sa_parse(p->body, p->len, &sa);
			ike_ke_parse(p->body, p->len, &ke);
			ike_id_pl_parse(p->body, p->len, &id);
			ike_auth_parse(p->body, p->len, &a);
			ike_notify_parse(p->body, p->len, &n);
			ike_delete_parse(p->body, p->len, &d);
			ike_ts_parse(p->body, p->len, &ts);
			ike_cp_parse(p->body, p->len, &cp);
			ike_cert_parse(p->body, p->len, &ce);
		}
	}
	struct sockaddr_in l = { .sin_family = AF_INET, .sin_port = htons(500) }, r = l;
	l.sin_addr.s_addr = htonl(0xc0000202);
	r.sin_addr.s_addr = htonl(0xc0000201);
	struct ike_dgram dg = { (struct sockaddr *)&l, (struct sockaddr *)&r, data, len, 0 };
	ike_ctx_input(ctx, &dg, t);
	t += 100;
	ike_ctx_tick(ctx, t); /* half-open SAs expire after 30 s of fuzz time */
	return 0;
}
