/* SPDX-License-Identifier: Apache-2.0 */
/* JSON for `vrfsec show ...`: sessions, SAs with the card's counters, VRFs, routes, counters. */
#include <string.h>

#include "log.h"
#include "show.h"

static json_t *jaddr(const struct ipaddr *a)
{
	char b[ADDR_STRLEN];

	return a->af ? json_string(addr_str(a, b, sizeof(b))) : json_null();
}

static json_t *jprefix(const struct prefix *p)
{
	char b[PREFIX_STRLEN];

	return json_string(prefix_str(p, b, sizeof(b)));
}

static json_t *jspi(uint32_t spi)
{
	char b[16];

	snprintf(b, sizeof(b), "0x%08x", spi);
	return json_string(b);
}

static json_t *jspi64(uint64_t spi)
{
	char b[24];

	snprintf(b, sizeof(b), "%016llx", (unsigned long long)spi);
	return json_string(b);
}

static struct vrfsec_snapshot *snap(struct agent *a)
{
	struct vrfsec_snapshot *s = NULL;

	if (a->card.dev && vrfsec_snapshot_read(a->card.dev, &s) != 0)
		return NULL;
	return s;
}

json_t *show_sessions(struct agent *a)
{
	json_t *arr = json_array();
	char id[IDENT_MAX + 8];

	for (struct session *s = a->sm.list; s; s = s->next) {
		json_t *o = json_object(), *ch = json_array(), *vips = json_array();

		for (unsigned k = 0; k < 2; k++)
			if (s->vip[k].af)
				json_array_append_new(vips, jaddr(&s->vip[k]));
		for (struct child *c = s->children; c; c = c->next) {
			json_t *co = json_object(), *r = json_array();

			for (unsigned i = 0; i < c->n_routes; i++)
				json_array_append_new(r, jprefix(&c->routes[i]));
			json_object_set_new(co, "id", json_integer(c->id));
			json_object_set_new(co, "state", json_string(c->state == CHILD_INSTALLED ? "installed" : "draining"));
			json_object_set_new(co, "spi_in", jspi(c->spi_in));
			json_object_set_new(co, "spi_out", jspi(c->spi_out));
			json_object_set_new(co, "sa_in", json_integer(c->sa_in));
			json_object_set_new(co, "sa_out", json_integer(c->sa_out));
			json_object_set_new(co, "esn", json_boolean(c->esn));
			json_object_set_new(co, "routes", r);
			json_object_set_new(co, "age_s", json_integer((json_int_t)((a->now_ms - c->up_ms) / 1000)));
			json_array_append_new(ch, co);
		}
		json_object_set_new(o, "id", json_integer(s->id));
		json_object_set_new(o, "identity", json_string(ident_str(&s->peer_id, id, sizeof(id))));
		json_object_set_new(o, "profile", json_string(s->prof->name));
		json_object_set_new(o, "vrf", json_string(s->vrf_name));
		json_object_set_new(o, "vrf_id", json_integer(s->vrf));
		json_object_set_new(o, "peer", jaddr(&s->peer));
		json_object_set_new(o, "peer_port", json_integer(s->peer_port));
		json_object_set_new(o, "local", jaddr(&s->local));
		json_object_set_new(o, "nat_t", json_boolean(s->udp_encap));
		json_object_set_new(o, "ike_spi_i", jspi64(s->ike_spi_i));
		json_object_set_new(o, "ike_spi_r", jspi64(s->ike_spi_r));
		json_object_set_new(o, "virtual_ips", vips);
		json_object_set_new(o, "uptime_s", json_integer((json_int_t)((a->now_ms - s->created_ms) / 1000)));
		json_object_set_new(o, "children", ch);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *sa_obj(struct agent *a, const struct session *s, const struct child *c, bool in,
		      const struct vrfsec_snapshot *sn)
{
	json_t *o = json_object();
	uint32_t idx = in ? c->sa_in : c->sa_out;

	json_object_set_new(o, "sa", json_integer(idx));
	json_object_set_new(o, "dir", json_string(in ? "in" : "out"));
	json_object_set_new(o, "spi", jspi(in ? c->spi_in : c->spi_out));
	json_object_set_new(o, "session", json_integer(s->id));
	json_object_set_new(o, "child", json_integer(c->id));
	json_object_set_new(o, "state", json_string(c->state == CHILD_INSTALLED ? "installed" : "draining"));
	json_object_set_new(o, "vrf", json_string(s->vrf_name));
	json_object_set_new(o, "peer", jaddr(&s->peer));
	json_object_set_new(o, "udp", json_boolean(s->udp_encap));
	json_object_set_new(o, "esn", json_boolean(c->esn));
	if (sn && idx < sn->n_sa) {
		json_object_set_new(o, "packets", json_integer((json_int_t)sn->sa[idx].packets));
		json_object_set_new(o, "bytes", json_integer((json_int_t)sn->sa[idx].bytes));
		json_object_set_new(o, "drops", json_integer((json_int_t)sn->sa[idx].drops));
	}
	(void)a;
	return o;
}

json_t *show_sa(struct agent *a)
{
	struct vrfsec_snapshot *sn = snap(a);
	json_t *arr = json_array();

	for (struct session *s = a->sm.list; s; s = s->next)
		for (struct child *c = s->children; c; c = c->next) {
			json_array_append_new(arr, sa_obj(a, s, c, true, sn));
			json_array_append_new(arr, sa_obj(a, s, c, false, sn));
		}
	vrfsec_snapshot_free(sn);
	return arr;
}

json_t *show_vrf(struct agent *a)
{
	struct vrfsec_snapshot *sn = snap(a);
	json_t *arr = json_array();

	for (unsigned i = 0; i < a->cfg->n_vrfs; i++) {
		const struct cfg_vrf *v = &a->cfg->vrfs[i];
		json_t *o = json_object(), *prof = json_array();
		unsigned rri = 0, stat = 0;

		for (unsigned k = 0; k < a->cfg->n_profiles; k++)
			if (a->cfg->profiles[k].vrf == i)
				json_array_append_new(prof, json_string(a->cfg->profiles[k].name));
		for (unsigned k = 0; k < a->rib.n; k++)
			if (a->rib.v[k].vrf == v->id) {
				rri += a->rib.v[k].kind == RIB_RRI;
				stat += a->rib.v[k].kind == RIB_STATIC;
			}
		json_object_set_new(o, "name", json_string(v->name));
		json_object_set_new(o, "id", json_integer(v->id));
		json_object_set_new(o, "vpn_label", json_integer(v->vpn_label));
		json_object_set_new(o, "ttl_mode", json_string(v->ttl_mode ? "pipe" : "uniform"));
		json_object_set_new(o, "profiles", prof);
		json_object_set_new(o, "sessions", json_integer(session_count_vrf(&a->sm, v->id)));
		json_object_set_new(o, "static_routes", json_integer(stat));
		json_object_set_new(o, "tunnel_routes", json_integer(rri));
		if (sn && v->id < sn->n_vrf) {
			const struct vrfsec_snap_vrf *c = &sn->vrf[v->id];

			json_object_set_new(o, "rx_packets", json_integer((json_int_t)c->rx_packets));
			json_object_set_new(o, "tx_packets", json_integer((json_int_t)c->tx_packets));
			json_object_set_new(o, "drops", json_integer((json_int_t)c->drops));
		}
		json_array_append_new(arr, o);
	}
	vrfsec_snapshot_free(sn);
	return arr;
}

json_t *show_routes(struct agent *a)
{
	json_t *arr = json_array();

	for (unsigned i = 0; i < a->rib.n; i++) {
		const struct rib_entry *e = &a->rib.v[i];
		const struct cfg_vrf *v = config_vrf_by_id(a->cfg, e->vrf);
		json_t *o = json_object();

		json_object_set_new(o, "vrf", json_string(v ? v->name : "?"));
		json_object_set_new(o, "vrf_id", json_integer(e->vrf));
		json_object_set_new(o, "prefix", jprefix(&e->dst));
		json_object_set_new(o, "kind", json_string(e->kind == RIB_STATIC ? "static" : "tunnel"));
		json_object_set_new(o, "nh", json_integer(e->nh));
		json_object_set_new(o, "via", json_string(e->via));
		if (e->owner)
			json_object_set_new(o, "session", json_integer(e->owner));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *show_counters(struct agent *a)
{
	struct vrfsec_snapshot *sn = snap(a);
	json_t *o = json_object(), *ag = json_object(), *card = json_object(), *punt = json_object();
	const struct agent_stats *s = &a->st;

#define C(name) json_object_set_new(ag, #name, json_integer((json_int_t)s->name))
	C(punts); C(ike_rx); C(ike_tx); C(ike_tx_queued); C(ike_tx_dropped); C(ike_bad);
	C(natt_keepalive); C(arp_rx); C(arp_answered); C(arp_learnt); C(arp_requests_sent);
	C(nd_rx); C(nd_answered); C(nd_learnt); C(nd_solicits_sent); C(other_punts);
	C(card_events); C(reloads); C(reload_failures); C(ctl_requests);
#undef C
#define S(name) json_object_set_new(ag, "sessions_" #name, json_integer((json_int_t)a->sm.stats.name))
	S(up); S(down); S(rekeys); S(install_failed); S(soft_events); S(hard_events); S(idle_events);
	S(peer_moves);
#undef S
	json_object_set_new(ag, "sessions", json_integer(a->sm.n_sessions));
	for (unsigned i = 0; i < sizeof(a->punt_by_reason) / sizeof(a->punt_by_reason[0]); i++)
		if (a->punt_by_reason[i] && vrfsec_counter_str(i))
			json_object_set_new(punt, vrfsec_counter_str(i),
					    json_integer((json_int_t)a->punt_by_reason[i]));
	for (unsigned i = 0; sn && i < sn->n_global; i++)
		if (vrfsec_counter_str(i))
			json_object_set_new(card, vrfsec_counter_str(i), json_integer((json_int_t)sn->global[i]));
	json_object_set_new(o, "agent", ag);
	json_object_set_new(o, "punt_reasons", punt);
	json_object_set_new(o, "card", card);
	vrfsec_snapshot_free(sn);
	return o;
}

json_t *show_neighbors(struct agent *a)
{
	json_t *arr = json_array();
	char m[MAC_STRLEN];

	for (unsigned i = 0; i < a->n_neigh; i++) {
		const struct neigh_entry *e = &a->neigh[i];
		json_t *o = json_object();

		json_object_set_new(o, "address", jaddr(&e->ip));
		json_object_set_new(o, "mac", e->valid ? json_string(mac_str(e->mac, m, sizeof(m))) : json_null());
		json_object_set_new(o, "state", json_string(e->valid ? "reachable" : "resolving"));
		json_object_set_new(o, "queued", json_integer(e->nq));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *show_status(struct agent *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "config", json_string(a->cfg->file));
	json_object_set_new(o, "card", json_string(a->cfg->g.card));
	json_object_set_new(o, "uptime_s", json_integer((json_int_t)((a->now_ms - a->start_ms) / 1000)));
	json_object_set_new(o, "sessions", json_integer(a->sm.n_sessions));
	json_object_set_new(o, "log_level", json_string(log_level_name(log_level_get())));
	json_object_set_new(o, "card_wakeup", json_string(a->notify ? "notify" : "poll"));
	json_object_set_new(o, "ike_attached", json_boolean(a->ike_rx != NULL));
	json_object_set_new(o, "ike_sas", json_integer(ike_glue_sa_count(a)));
	json_object_set_new(o, "last_reload_ok", json_boolean(a->last_reload_ok));
	json_object_set_new(o, "last_reload", json_string(a->last_reload));
	return o;
}
