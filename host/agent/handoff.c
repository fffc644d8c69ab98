/* SPDX-License-Identifier: Apache-2.0 */
/* The VRFs' static MPLS handoff on the card: VRF settings, VPN label -> VRF for traffic from the
 * core, static routes to far-PE prefixes through MPLS next hops; programmed at start and diffed
 * on reload so that unchanged routes are not touched. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "log.h"

static int note(char *msg, size_t n, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int note(char *msg, size_t n, int rc, const char *fmt, ...)
{
	va_list ap;
	char line[256];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_err("%s", line);
	if (!msg[0])
		snprintf(msg, n, "%s", line);
	return rc;
}

int ports_apply(struct agent *a, const struct config *c)
{
	struct vrfsec_port_settings p = { 0 };

	p.natt_port = c->g.natt_port;
	p.ike_port = c->g.ike_port;
	p.core_mtu = c->g.core_mtu;
	p.inside_mtu = 1500;
	memcpy(p.public_mac, c->g.pub_mac, 6);
	memcpy(p.core_mac, c->g.core_mac, 6);
	return a->card.ops->port_set(a->card.ctx, &p);
}

static struct ho_vrf *ho_find(struct agent *a, const char *name)
{
	for (unsigned i = 0; i < a->n_ho; i++)
		if (!strcmp(a->ho[i].name, name))
			return &a->ho[i];
	return NULL;
}

static void route_remove(struct agent *a, uint16_t vrf, struct ho_route *r)
{
	struct vrfsec_nh_cfg nh = { 0 };

	rib_del(&a->rib, &a->card, vrf, &r->dst);
	nh.idx = r->nh;
	nh.kind = VRFSEC_NEXTHOP_NONE;
	a->card.ops->nh_set(a->card.ctx, &nh);
	card_nh_free(&a->card, r->nh);
}

static void vrf_remove(struct agent *a, struct ho_vrf *h)
{
	struct vrfsec_label_cfg l = { h->label, VRFSEC_LABEL_UNMAP };

	for (unsigned i = 0; i < h->n; i++)
		route_remove(a, h->id, &h->r[i]);
	a->card.ops->label_map(a->card.ctx, &l);
	free(h->r);
	log_info("vrf %s (id %u): handoff removed", h->name, h->id);
	*h = a->ho[--a->n_ho];
}

static void via(const struct cfg_route *r, char *buf, size_t n)
{
	char m[MAC_STRLEN];
	int o = snprintf(buf, n, "mpls");

	for (unsigned i = 0; i < r->n_labels && o > 0 && (size_t)o < n; i++)
		o += snprintf(buf + o, n - (size_t)o, "%c%u", i ? '/' : ' ', r->label[i]);
	if (o > 0 && (size_t)o < n)
		snprintf(buf + o, n - (size_t)o, " via %s", mac_str(r->mac, m, sizeof(m)));
}

static int route_program(struct agent *a, const struct config *c, const struct cfg_vrf *v,
			 const struct cfg_route *r, uint32_t nh_idx)
{
	struct vrfsec_nh_cfg nh = { 0 };
	struct rib_entry e = { 0 };
	int rc;

	nh.idx = nh_idx;
	nh.kind = VRFSEC_NEXTHOP_MPLS;
	nh.n_labels = r->n_labels;
	nh.ttl_mode = v->ttl_mode;
	nh.pipe_ttl = 255;
	memcpy(nh.label, r->label, sizeof(nh.label));
	memcpy(nh.dmac, r->mac, 6);
	memcpy(nh.smac, c->g.core_mac, 6);
	if ((rc = a->card.ops->nh_set(a->card.ctx, &nh)) != 0)
		return rc;
	e.vrf = v->id;
	e.dst = r->dst;
	e.nh = nh_idx;
	e.kind = RIB_STATIC;
	via(r, e.via, sizeof(e.via));
	return rib_add(&a->rib, &a->card, &e);
}

static int vrf_apply(struct agent *a, const struct config *c, const struct cfg_vrf *v, char *msg,
		     size_t n)
{
	struct ho_vrf *h = ho_find(a, v->name);
	struct vrfsec_vrf_cfg vc = { 0 };
	struct vrfsec_label_cfg l = { v->vpn_label, v->id };
	struct ho_route *nr;
	char p[PREFIX_STRLEN];
	int rc, first = 0;

	if (h && h->id != v->id)
		vrf_remove(a, h), h = NULL;
	if (!h) {
		struct ho_vrf *arr = realloc(a->ho, (a->n_ho + 1) * sizeof(*arr));

		if (!arr)
			return -ENOMEM;
		a->ho = arr;
		h = &a->ho[a->n_ho++];
		memset(h, 0, sizeof(*h));
		snprintf(h->name, sizeof(h->name), "%s", v->name);
		h->id = v->id;
	}
	vc.vrf = v->id;
	vc.ttl_mode = v->ttl_mode;
	if ((rc = a->card.ops->vrf_set(a->card.ctx, &vc)) != 0)
		return note(msg, n, rc, "vrf %s (id %u): VRF_SET: %s", v->name, v->id, vrfsec_strerror(rc));
	if (h->label != v->vpn_label) {
		if ((rc = a->card.ops->label_map(a->card.ctx, &l)) != 0)
			return note(msg, n, rc, "vrf %s: label %u: %s", v->name, v->vpn_label,
				    vrfsec_strerror(rc));
		if (h->label) {
			struct vrfsec_label_cfg un = { h->label, VRFSEC_LABEL_UNMAP };

			a->card.ops->label_map(a->card.ctx, &un);
		}
		h->label = v->vpn_label;
	}
	nr = calloc(v->n_routes + 1, sizeof(*nr));
	if (!nr)
		return -ENOMEM;
	for (unsigned i = 0; i < v->n_routes; i++) {
		const struct cfg_route *r = &v->routes[i];
		uint32_t slot = VRFSEC_ABI_NONE;

		for (unsigned k = 0; k < h->n; k++)
			if (prefix_eq(&h->r[k].dst, &r->dst)) {
				slot = h->r[k].nh;
				h->r[k].nh = VRFSEC_ABI_NONE; /* taken over */
			}
		if (slot == VRFSEC_ABI_NONE && (slot = card_nh_alloc(&a->card)) == VRFSEC_ABI_NONE) {
			rc = note(msg, n, -ENOSPC, "vrf %s: no next hop slot left for %s", v->name,
				  prefix_str(&r->dst, p, sizeof(p)));
			first = first ? first : rc;
			continue;
		}
		rc = route_program(a, c, v, r, slot);
		if (rc) {
			note(msg, n, rc, "vrf %s: route %s (line %u): %s", v->name,
			     prefix_str(&r->dst, p, sizeof(p)), r->line,
			     rc == -EEXIST ? "the prefix is routed to a tunnel" : vrfsec_strerror(rc));
			card_nh_free(&a->card, slot);
			first = first ? first : rc;
			continue;
		}
		nr[i].dst = r->dst;
		nr[i].nh = slot;
	}
	for (unsigned k = 0; k < h->n; k++)
		if (h->r[k].nh != VRFSEC_ABI_NONE)
			route_remove(a, h->id, &h->r[k]);
	free(h->r);
	h->r = nr;
	h->n = 0;
	for (unsigned i = 0; i < v->n_routes; i++)
		if (nr[i].dst.addr.af)
			nr[h->n++] = nr[i];
	return first;
}

int handoff_apply(struct agent *a, const struct config *nu, char *msg, size_t n)
{
	int rc, first = 0;

	msg[0] = '\0';
	if ((rc = ports_apply(a, nu)) != 0)
		first = note(msg, n, rc, "PORT_SET: %s", vrfsec_strerror(rc));
	for (unsigned i = 0; i < a->n_ho;) {
		if (!config_vrf_by_name(nu, a->ho[i].name))
			vrf_remove(a, &a->ho[i]);
		else
			i++;
	}
	for (unsigned i = 0; i < nu->n_vrfs; i++) {
		if (nu->vrfs[i].id >= a->card.max_vrf) {
			rc = note(msg, n, -EINVAL, "vrf %s: id %u is beyond the card's %u VRFs",
				  nu->vrfs[i].name, nu->vrfs[i].id, a->card.max_vrf);
			first = first ? first : rc;
			continue;
		}
		rc = vrf_apply(a, nu, &nu->vrfs[i], msg, n);
		first = first ? first : rc;
	}
	return first;
}

void handoff_clear(struct agent *a)
{
	while (a->n_ho)
		vrf_remove(a, &a->ho[a->n_ho - 1]);
	free(a->ho);
	a->ho = NULL;
}
