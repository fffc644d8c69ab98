/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsecd start, stop and reload: configuration, card, handoff, sessions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "log.h"

uint64_t agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int agent_start(struct agent *a, const char *conf_path, char *err, size_t n)
{
	char msg[512];
	int rc;

	a->conf_path = conf_path;
	a->epfd = a->tfd = a->sfd = a->lfd = -1;
	a->start_ms = a->now_ms = agent_now_ms();
	rc = config_load(conf_path, &a->cfg, err, n);
	if (rc)
		return rc;
	rc = card_drv_open(&a->card, a->cfg->g.card, err, n);
	if (rc) {
		if (!err[0])
			snprintf(err, n, "%s: %s", a->cfg->g.card, vrfsec_strerror(rc));
		config_unref(a->cfg);
		a->cfg = NULL;
		return rc;
	}
	punt_reasons_resolve(a);
	sess_mgr_init(&a->sm, &a->card, &a->rib, &a->pools, a->cfg, neigh_resolve_peer, a);
	a->sm.now_ms = a->now_ms;
	rc = handoff_apply(a, a->cfg, msg, sizeof(msg));
	if (rc) {
		snprintf(err, n, "programming the VRFs: %s", msg);
		agent_stop(a);
		return rc;
	}
	rc = vrfsec_datapath_set(a->card.dev, true);
	if (rc) {
		snprintf(err, n, "data path on: %s", vrfsec_strerror(rc));
		agent_stop(a);
		return rc;
	}
	rc = ike_glue_start(a, err, n);
	if (rc) {
		agent_stop(a);
		return rc;
	}
	log_info("%u vrf%s, %u profile%s from %s; data path on, IKE on UDP %u/%u", a->cfg->n_vrfs,
		 a->cfg->n_vrfs == 1 ? "" : "s", a->cfg->n_profiles, a->cfg->n_profiles == 1 ? "" : "s",
		 conf_path, a->cfg->g.ike_port, a->cfg->g.natt_port);
	snprintf(a->last_reload, sizeof(a->last_reload), "started with %s", conf_path);
	a->last_reload_ok = true;
	return 0;
}

void agent_stop(struct agent *a)
{
	ike_glue_stop(a);
	if (a->card.dev) {
		sess_mgr_fini(&a->sm);
		card_settle(&a->card, 0); /* the sessions' teardown before the handoff's */
		handoff_clear(a);
		vrfsec_datapath_set(a->card.dev, false);
		card_drv_close(&a->card);
	}
	rib_free(&a->rib);
	pools_free(&a->pools);
	neigh_free(a);
	config_unref(a->cfg);
	a->cfg = NULL;
}

/* A reload may not take away a VRF that sessions stand in, nor renumber it under them. */
static int check_sessions(struct agent *a, const struct config *nu, char *msg, size_t n)
{
	for (struct session *s = a->sm.list; s; s = s->next) {
		const struct cfg_vrf *v = config_vrf_by_name(nu, s->vrf_name);

		if (!v || v->id != s->vrf) {
			snprintf(msg, n,
				 "%s: reload refused: vrf '%s' (id %u) is %s but %u session%s use%s it; "
				 "clear them first (vrfsec clear session ID)",
				 nu->file, s->vrf_name, s->vrf, v ? "renumbered" : "removed",
				 session_count_vrf(&a->sm, s->vrf),
				 session_count_vrf(&a->sm, s->vrf) == 1 ? "" : "s",
				 session_count_vrf(&a->sm, s->vrf) == 1 ? "s" : "");
			return -EBUSY;
		}
	}
	if (strcmp(nu->g.card, a->cfg->g.card)) {
		snprintf(msg, n, "%s: reload refused: global.card changed (%s -> %s); restart vrfsecd to switch cards",
			 nu->file, a->cfg->g.card, nu->g.card);
		return -EBUSY;
	}
	if (strcmp(nu->g.control, a->cfg->g.control)) {
		snprintf(msg, n, "%s: reload refused: global.control changed; restart vrfsecd to move the socket",
			 nu->file);
		return -EBUSY;
	}
	return 0;
}

int agent_reload(struct agent *a, char *msg, size_t n)
{
	struct config *nu;
	char err[1024], changes[768], hmsg[256];
	unsigned nchg;
	int rc;

	a->st.reloads++;
	rc = config_load(a->conf_path, &nu, err, sizeof(err));
	if (rc == 0) {
		rc = check_sessions(a, nu, err, sizeof(err));
		if (rc)
			config_unref(nu);
	}
	if (rc) {
		a->st.reload_failures++;
		snprintf(msg, n, "%s", err);
		log_err("reload failed, the running configuration stays: %s", err);
		a->last_reload_ok = false;
		snprintf(a->last_reload, sizeof(a->last_reload), "%s", msg);
		return rc;
	}
	nchg = config_diff(a->cfg, nu, changes, sizeof(changes));
	rc = handoff_apply(a, nu, hmsg, sizeof(hmsg));
	config_unref(a->cfg);
	a->cfg = nu;
	a->sm.cfg = nu;
	log_level_set((enum log_level)nu->g.log_level);
	if (rc)
		snprintf(msg, n, "reloaded %s with errors: %s; %u change%s: %s", nu->file, hmsg, nchg,
			 nchg == 1 ? "" : "s", nchg ? changes : "none");
	else
		snprintf(msg, n, "reloaded %s: %u change%s%s%s; %u session%s kept", nu->file, nchg,
			 nchg == 1 ? "" : "s", nchg ? ": " : "", nchg ? changes : "", a->sm.n_sessions,
			 a->sm.n_sessions == 1 ? "" : "s");
	log_info("%s", msg);
	a->last_reload_ok = rc == 0;
	snprintf(a->last_reload, sizeof(a->last_reload), "%s", msg);
	return rc;
}
