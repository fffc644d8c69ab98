/* SPDX-License-Identifier: Apache-2.0 */
/* Frames the card punts to the host, by reason: IKE to the IKE hook, NAT-T keepalives counted,
 * ARP and neighbour discovery answered and learnt; and the IKE send path. */
#include <errno.h>
#include <string.h>

#include "agent.h"
#include "log.h"
#include "pkt.h"

void punt_reasons_resolve(struct agent *a)
{
	a->reason_ike = a->reason_natt_ka = a->reason_non_ip = a->reason_local = -1;
	for (unsigned i = 0; vrfsec_counter_str(i); i++) {
		const char *n = vrfsec_counter_str(i);

		if (!strcmp(n, "ike"))
			a->reason_ike = (int)i;
		else if (!strcmp(n, "natt_keepalive"))
			a->reason_natt_ka = (int)i;
		else if (!strcmp(n, "non_ip"))
			a->reason_non_ip = (int)i;
		else if (!strcmp(n, "local"))
			a->reason_local = (int)i;
	}
}

void agent_ike_attach(struct agent *a, ike_rx_fn rx, void *arg)
{
	a->ike_rx = rx;
	a->ike_arg = arg;
}

static bool is_ours(const struct agent *a, const struct ipaddr *ip)
{
	return addr_eq(ip, ip->af == 4 ? &a->cfg->g.pub4 : &a->cfg->g.pub6);
}

static void arp_in(struct agent *a, const uint8_t *f, uint32_t len)
{
	const uint8_t *p = f + ETH_HDR;
	const struct cfg_global *g = &a->cfg->g;
	struct ipaddr sender = { 4, { 0 } }, target = { 4, { 0 } };
	uint16_t op;

	a->st.arp_rx++;
	if (len < ETH_HDR + 28 || rd16(p) != 1 || rd16(p + 2) != ETHERTYPE_IP4 || p[4] != 6 || p[5] != 4)
		return;
	op = rd16(p + 6);
	memcpy(sender.a, p + 14, 4);
	memcpy(target.a, p + 24, 4);
	/* RFC 826: learn the sender when we already know it or the request is for us */
	if (!mac_zero(p + 8) && sender.a[0] &&
	    (op == 2 || is_ours(a, &target))) {
		a->st.arp_learnt++;
		neigh_learn(a, &sender, p + 8);
	}
	if (op == 1 && g->pub4.af && is_ours(a, &target)) {
		uint8_t r[64];
		uint32_t n = pkt_arp(r, 2, p + 8, g->pub_mac, g->pub4.a, p + 8, p + 14);

		if (agent_inject_public(a, r, n) == 0)
			a->st.arp_answered++;
	}
}

/* Option of type t (1 source, 2 target link-layer address) in an NS/NA body. */
static const uint8_t *nd_lladdr(const uint8_t *ic, uint32_t len, uint8_t t)
{
	for (uint32_t o = 24; o + 8 <= len && ic[o + 1]; o += 8u * ic[o + 1])
		if (ic[o] == t && ic[o + 1] == 1)
			return ic + o + 2;
	return NULL;
}

static void nd_in(struct agent *a, const uint8_t *f, const struct ip_view *v)
{
	const struct cfg_global *g = &a->cfg->g;
	const uint8_t *ic = v->l4, *ll;
	struct ipaddr target = { 6, { 0 } };
	static const uint8_t unspec[16];

	if (v->l4_len < 24 || v->hop_limit != 255 || (ic[0] != 135 && ic[0] != 136))
		return;
	a->st.nd_rx++;
	memcpy(target.a, ic + 8, 16);
	if (ic[0] == 136) {
		if ((ll = nd_lladdr(ic, v->l4_len, 2)) != NULL) {
			a->st.nd_learnt++;
			neigh_learn(a, &target, ll);
		}
		return;
	}
	if (!g->pub6.af || !addr_eq(&target, &g->pub6))
		return;
	ll = nd_lladdr(ic, v->l4_len, 1);
	if (memcmp(v->src.a, unspec, 16) == 0) {
		/* duplicate address detection by someone else for our address: answer to all nodes */
		static const struct ipaddr all = { 6, { 0xff, 0x02, [15] = 1 } };
		static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
		uint8_t r[128];

		if (agent_inject_public(a, r, pkt_na(r, g->pub_mac, all_mac, &g->pub6, &all)) == 0)
			a->st.nd_answered++;
		return;
	}
	if (ll) {
		uint8_t r[128];

		a->st.nd_learnt++;
		neigh_learn(a, &v->src, ll);
		if (agent_inject_public(a, r, pkt_na(r, g->pub_mac, ll, &g->pub6, &v->src)) == 0)
			a->st.nd_answered++;
	} else {
		(void)f; /* no source address option: nothing to answer to without our own NS */
	}
}

static void ike_in(struct agent *a, const uint8_t *f, const struct ip_view *v)
{
	const struct cfg_global *g = &a->cfg->g;
	struct agent_dgram d;
	char s[ADDR_STRLEN];

	if (v->proto != 17 || v->l4_len < 8 || rd16(v->l4 + 4) > v->l4_len || rd16(v->l4 + 4) < 8) {
		a->st.ike_bad++;
		return;
	}
	memset(&d, 0, sizeof(d));
	d.src = v->src;
	d.dst = v->dst;
	d.sport = rd16(v->l4);
	d.dport = rd16(v->l4 + 2);
	d.msg = v->l4 + 8;
	d.len = rd16(v->l4 + 4) - 8u;
	memcpy(d.peer_mac, f + 6, 6);
	if (d.dport == g->natt_port) {
		if (d.len == 1 && d.msg[0] == 0xff) {
			a->st.natt_keepalive++;
			return;
		}
		if (d.len < 4 || memcmp(d.msg, "\0\0\0\0", 4) != 0) {
			a->st.ike_bad++;
			return;
		}
		d.natt = true;
		d.msg += 4;
		d.len -= 4;
	} else if (d.dport != g->ike_port) {
		a->st.ike_bad++;
		return;
	}
	if (d.len < 28) { /* an IKE header */
		a->st.ike_bad++;
		return;
	}
	a->st.ike_rx++;
	log_debug("IKE %u bytes from %s:%u%s (exchange %u)", d.len, addr_str(&d.src, s, sizeof(s)),
		  d.sport, d.natt ? " NAT-T" : "", d.msg[18]);
	if (a->ike_rx)
		a->ike_rx(a->ike_arg, &d);
}

void punt_dispatch(struct agent *a, const struct vrfsec_punt *p)
{
	struct ip_view v;
	const uint8_t *f = p->buf;
	uint32_t len = p->len;

	a->st.punts++;
	if (p->reason < sizeof(a->punt_by_reason) / sizeof(a->punt_by_reason[0]))
		a->punt_by_reason[p->reason]++;
	if (p->port != VRFSEC_ABI_PORT_PUBLIC || len < ETH_HDR) {
		a->st.other_punts++;
		return;
	}
	if (p->reason == a->reason_non_ip) {
		if (rd16(f + 12) == ETHERTYPE_ARP)
			arp_in(a, f, len);
		else
			a->st.other_punts++;
		return;
	}
	if (pkt_ip_parse(f, len, &v) != 0) {
		a->st.other_punts++;
		return;
	}
	if (p->reason == a->reason_ike) {
		ike_in(a, f, &v);
	} else if (p->reason == a->reason_natt_ka) {
		a->st.natt_keepalive++;
	} else if (p->reason == a->reason_local && v.src.af == 6 && v.proto == 58) {
		nd_in(a, f, &v);
	} else {
		/* TTL expiry, MTU, fragments, host routes: ICMP errors and reassembly are not done
		 * here yet; counted per reason (show counters) */
		a->st.other_punts++;
		log_debug("punt %s on port %u: not handled", vrfsec_counter_str(p->reason), p->port);
	}
}

int agent_ike_send(struct agent *a, const struct agent_dgram *d)
{
	const struct cfg_global *g = &a->cfg->g;
	struct ipaddr src = d->src, nh;
	uint8_t f[FRAME_MAX];
	uint32_t len;
	int rc;

	if (!src.af)
		src = d->dst.af == 4 ? g->pub4 : g->pub6;
	if (!src.af || src.af != d->dst.af)
		return -EAFNOSUPPORT;
	len = pkt_udp(f, g->pub_mac, &src, &d->dst, d->sport, d->dport, d->natt, d->msg, d->len);
	if (!len)
		return -EMSGSIZE;
	neigh_next_hop(a, &d->dst, &nh);
	rc = neigh_lookup(a, &nh, f);
	if (rc == -EAGAIN) {
		if (neigh_queue(a, &nh, f, len) != 0) {
			a->st.ike_tx_dropped++;
			return -ENOBUFS;
		}
		a->st.ike_tx_queued++;
		return 1;
	}
	if (rc)
		return rc;
	rc = agent_inject_public(a, f, len);
	if (rc == 0)
		a->st.ike_tx++;
	return rc;
}
