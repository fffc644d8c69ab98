/* SPDX-License-Identifier: Apache-2.0 */
/* What changed between two configurations, as short human lines for the reload report. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

struct out {
	char *buf;
	size_t n, o;
	unsigned count;
};

static void add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	o->count++;
	if (o->o >= o->n)
		return;
	if (o->o) {
		w = snprintf(o->buf + o->o, o->n - o->o, "; ");
		o->o += (size_t)(w > 0 ? w : 0);
		if (o->o >= o->n)
			return;
	}
	va_start(ap, fmt);
	w = vsnprintf(o->buf + o->o, o->n - o->o, fmt, ap);
	va_end(ap);
	o->o += (size_t)(w > 0 ? w : 0);
	if (o->o > o->n)
		o->o = o->n;
}

static bool route_eq(const struct cfg_route *a, const struct cfg_route *b)
{
	return prefix_eq(&a->dst, &b->dst) && !memcmp(a->mac, b->mac, 6) &&
	       a->n_labels == b->n_labels && !memcmp(a->label, b->label, a->n_labels * sizeof(a->label[0]));
}

static const struct cfg_route *route_find(const struct cfg_vrf *v, const struct prefix *p)
{
	for (unsigned i = 0; i < v->n_routes; i++)
		if (prefix_eq(&v->routes[i].dst, p))
			return &v->routes[i];
	return NULL;
}

static void vrf_diff(struct out *o, const struct cfg_vrf *a, const struct cfg_vrf *b)
{
	unsigned added = 0, removed = 0, changed = 0;

	if (a->id != b->id)
		add(o, "vrf %s: id %u -> %u", a->name, a->id, b->id);
	if (a->vpn_label != b->vpn_label)
		add(o, "vrf %s: vpn_label %u -> %u", a->name, a->vpn_label, b->vpn_label);
	if (a->ttl_mode != b->ttl_mode)
		add(o, "vrf %s: ttl_mode %s", a->name, b->ttl_mode ? "pipe" : "uniform");
	for (unsigned i = 0; i < b->n_routes; i++) {
		const struct cfg_route *r = route_find(a, &b->routes[i].dst);

		if (!r)
			added++;
		else if (!route_eq(r, &b->routes[i]))
			changed++;
	}
	for (unsigned i = 0; i < a->n_routes; i++)
		removed += route_find(b, &a->routes[i].dst) == NULL;
	if (added || removed || changed)
		add(o, "vrf %s: routes +%u -%u ~%u", a->name, added, removed, changed);
}

static bool psk_eq(const struct cfg_psk *a, const struct cfg_psk *b)
{
	return !memcmp(&a->id, &b->id, sizeof(a->id)) && a->len == b->len &&
	       !memcmp(a->secret, b->secret, a->len);
}

/* Which parts of a profile differ, by name ("match, pools"); the VRF by name, not index. */
static void profile_diff(struct out *o, const struct config *ca, const struct cfg_profile *a,
			 const struct config *cb, const struct cfg_profile *b)
{
	char what[256] = "";
	size_t w = 0;
	bool psk_same = a->n_psk == b->n_psk;

#define PART(cond, name)                                                                           \
	do {                                                                                       \
		if ((cond) && w < sizeof(what))                                                    \
			w += (size_t)snprintf(what + w, sizeof(what) - w, "%s%s", w ? ", " : "", name); \
	} while (0)
	for (unsigned i = 0; psk_same && i < a->n_psk; i++)
		psk_same = psk_eq(&a->psk[i], &b->psk[i]);
	PART(strcmp(ca->vrfs[a->vrf].name, cb->vrfs[b->vrf].name), "vrf");
	PART(a->n_match != b->n_match || memcmp(a->match, b->match, a->n_match * sizeof(*a->match)),
	     "match");
	PART(a->auth != b->auth || memcmp(&a->files, &b->files, sizeof(a->files)) ||
		     a->send_cert != b->send_cert || a->rsa_pss != b->rsa_pss || !psk_same,
	     "auth");
	PART(memcmp(&a->local_id, &b->local_id, sizeof(a->local_id)), "local_id");
	PART(a->n_pools != b->n_pools || memcmp(a->pools, b->pools, sizeof(a->pools)), "pools");
	PART(a->n_dns != b->n_dns || memcmp(a->dns, b->dns, sizeof(a->dns)), "dns");
	PART(a->full_tunnel != b->full_tunnel || a->n_split != b->n_split ||
		     memcmp(a->split, b->split, sizeof(a->split)),
	     "split");
	PART(a->n_ike != b->n_ike || a->n_esp != b->n_esp || memcmp(a->ike, b->ike, sizeof(a->ike)) ||
		     memcmp(a->esp, b->esp, sizeof(a->esp)),
	     "proposals");
	PART(a->dpd_interval != b->dpd_interval || a->dpd_timeout != b->dpd_timeout, "dpd");
	PART(memcmp(&a->soft, &b->soft, sizeof(a->soft)) || memcmp(&a->hard, &b->hard, sizeof(a->hard)) ||
		     a->ike_lifetime != b->ike_lifetime,
	     "lifetime");
	PART(a->n_local_ts != b->n_local_ts || a->n_remote_ts != b->n_remote_ts ||
		     memcmp(a->local_ts, b->local_ts, sizeof(a->local_ts)) ||
		     memcmp(a->remote_ts, b->remote_ts, sizeof(a->remote_ts)),
	     "traffic selectors");
	PART(a->initiate != b->initiate || !addr_eq(&a->remote, &b->remote) || a->retry != b->retry,
	     "initiate");
#undef PART
	if (w)
		add(o, "profile %s: %s changed", a->name, what);
}

unsigned config_diff(const struct config *a, const struct config *b, char *buf, size_t n)
{
	struct out o = { buf, n, 0, 0 };
	const struct cfg_global *ga = &a->g, *gb = &b->g;

	buf[0] = '\0';
	if (strcmp(ga->card, gb->card))
		add(&o, "global.card %s -> %s", ga->card, gb->card);
	if (!addr_eq(&ga->pub4, &gb->pub4) || !addr_eq(&ga->pub6, &gb->pub6))
		add(&o, "global.public.address changed");
	if (!addr_eq(&ga->gw4, &gb->gw4) || !addr_eq(&ga->gw6, &gb->gw6))
		add(&o, "global.public.gateway changed");
	if (memcmp(ga->pub_mac, gb->pub_mac, 6) || memcmp(ga->core_mac, gb->core_mac, 6) ||
	    ga->public_mtu != gb->public_mtu || ga->core_mtu != gb->core_mtu)
		add(&o, "global ports (MAC/MTU) changed");
	if (ga->ike_port != gb->ike_port || ga->natt_port != gb->natt_port)
		add(&o, "global IKE ports %u/%u -> %u/%u", ga->ike_port, ga->natt_port, gb->ike_port,
		    gb->natt_port);
	if (strcmp(ga->control, gb->control))
		add(&o, "global.control changed");
	if (ga->log_level != gb->log_level)
		add(&o, "log_level -> %d", gb->log_level);
	if (memcmp(&ga->cred, &gb->cred, sizeof(ga->cred)))
		add(&o, "global.credentials changed");
	if (ga->rekey_grace_ms != gb->rekey_grace_ms || ga->test_hooks != gb->test_hooks)
		add(&o, "global timers/hooks changed");
	for (unsigned i = 0; i < b->n_vrfs; i++) {
		const struct cfg_vrf *va = config_vrf_by_name(a, b->vrfs[i].name);

		if (!va)
			add(&o, "vrf %s: added (id %u)", b->vrfs[i].name, b->vrfs[i].id);
		else
			vrf_diff(&o, va, &b->vrfs[i]);
	}
	for (unsigned i = 0; i < a->n_vrfs; i++)
		if (!config_vrf_by_name(b, a->vrfs[i].name))
			add(&o, "vrf %s: removed", a->vrfs[i].name);
	for (unsigned i = 0; i < b->n_profiles; i++) {
		const struct cfg_profile *pa = config_profile_by_name(a, b->profiles[i].name);

		if (!pa)
			add(&o, "profile %s: added", b->profiles[i].name);
		else
			profile_diff(&o, a, pa, b, &b->profiles[i]);
	}
	for (unsigned i = 0; i < a->n_profiles; i++)
		if (!config_profile_by_name(b, a->profiles[i].name))
			add(&o, "profile %s: removed", a->profiles[i].name);
	return o.count;
}
