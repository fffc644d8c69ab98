/* SPDX-License-Identifier: Apache-2.0 */
/* The card seam's asynchronous path: commands staged during one pass of the event loop go to the
 * card in one flush (one batch for the driver, a few commands on the ring instead of a round trip
 * each), and their outcomes come back to jobs, so the loop never waits for the card. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "log.h"

/* Flush order by kind (see card_q). */
static unsigned phase(const struct card_cmd *cmd)
{
	switch (cmd->op) {
	case CARD_ROUTE_DEL:
		return 0;
	case CARD_NH_SET:
		return cmd->u.nh.kind == VRFSEC_NEXTHOP_NONE ? 1 : 5;
	case CARD_SA_DEL:
		return 2;
	case CARD_SA_ADD:
		return 3;
	case CARD_SA_UPDATE:
		return 4;
	default: /* ROUTE_ADD */
		return 6;
	}
}
#define N_PHASES 7

const char *card_op_name(uint8_t op)
{
	static const char *const n[] = { "?", "sa_add", "sa_update", "sa_del", "route_add", "route_del", "nh_set" };

	return op < sizeof(n) / sizeof(n[0]) ? n[op] : "?";
}

struct card_job *card_job_new(void (*done)(void *arg, struct card_job *j), void *arg)
{
	struct card_job *j = calloc(1, sizeof(*j));

	if (j) {
		j->done = done;
		j->arg = arg;
	}
	return j;
}

void card_job_cancel(struct card_job *j)
{
	if (j)
		j->done = NULL;
}

static void job_answer(struct card *c, struct card_job *j, uint8_t op, int status)
{
	if (status && !j->status) {
		j->status = status;
		j->failed_op = op;
	}
	if (--j->pending)
		return;
	j->next = NULL;
	if (c->done_tail)
		c->done_tail->next = j;
	else
		c->done_head = j;
	c->done_tail = j;
}

int card_q(struct card *c, const struct card_cmd *cmd)
{
	if (c->n_stage == c->cap_stage) {
		unsigned cap = c->cap_stage ? 2 * c->cap_stage : 64;
		struct card_cmd *v = malloc(cap * sizeof(*v));

		if (!v) {
			log_err("card: out of memory staging %s", card_op_name(cmd->op));
			if (cmd->job) {
				cmd->job->pending++;
				job_answer(c, cmd->job, cmd->op, -ENOMEM);
			}
			return -ENOMEM;
		}
		/* not realloc: a moved block would leave key copies behind */
		if (c->stage) {
			memcpy(v, c->stage, c->n_stage * sizeof(*v));
			explicit_bzero(c->stage, c->cap_stage * sizeof(*v));
			free(c->stage);
		}
		c->stage = v;
		c->cap_stage = cap;
	}
	c->stage[c->n_stage++] = *cmd;
	if (cmd->job)
		cmd->job->pending++;
	return 0;
}

static int pend_room(struct card *c)
{
	unsigned cap;
	struct card_pend *v;

	if (c->pend_hi - c->pend_lo < c->cap_pend)
		return 0;
	cap = c->cap_pend ? 2 * c->cap_pend : 256;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint64_t k = c->pend_lo; k < c->pend_hi; k++)
		v[k & (cap - 1)] = c->pend[k & (c->cap_pend - 1)];
	free(c->pend);
	c->pend = v;
	c->cap_pend = cap;
	return 0;
}

void card_done(struct card *c, uint64_t seq, int status)
{
	struct card_pend *p;

	if (seq < c->pend_lo || seq >= c->pend_hi)
		return;
	p = &c->pend[seq & (c->cap_pend - 1)];
	if (!p->busy)
		return;
	p->busy = false;
	if (status)
		c->st.failed++;
	if (p->job)
		job_answer(c, p->job, p->op, status);
	else if (status && !(status == -ENOENT && (p->op == CARD_SA_DEL || p->op == CARD_ROUTE_DEL)))
		log_warn("card: %s: %s", card_op_name(p->op), vrfsec_strerror(status));
	while (c->pend_lo < c->pend_hi && !c->pend[c->pend_lo & (c->cap_pend - 1)].busy)
		c->pend_lo++;
}

/* Hand one staged command over; on failure its job learns at once. */
static void hand_over(struct card *c, struct card_cmd *cmd)
{
	struct card_pend *p;
	int rc = pend_room(c);

	if (rc == 0) {
		p = &c->pend[c->pend_hi & (c->cap_pend - 1)];
		*p = (struct card_pend){ cmd->job, cmd->op, true };
		c->pend_hi++;
		rc = c->ops->queue(c->ctx, cmd);
		if (rc) {
			c->pend_hi--;
			p->busy = false;
		}
	}
	if (cmd->op == CARD_SA_ADD || cmd->op == CARD_SA_UPDATE)
		explicit_bzero(&cmd->u.sa, sizeof(cmd->u.sa));
	if (rc) {
		c->st.failed++;
		log_err("card: %s not queued: %s (%s)", card_op_name(cmd->op), vrfsec_strerror(rc),
			c->ops->errmsg ? c->ops->errmsg(c->ctx) : "");
		if (cmd->job)
			job_answer(c, cmd->job, cmd->op, rc); /* takes the one card_q counted */
		return;
	}
	c->st.queued++;
}

unsigned card_flush(struct card *c)
{
	unsigned n = c->n_stage;
	int rc;

	if (!n)
		return 0;
	/* a queue call that blocks on a full ring runs completions: they only collect jobs */
	for (unsigned ph = 0; ph < N_PHASES; ph++)
		for (unsigned i = 0; i < n; i++)
			if (c->stage[i].op && phase(&c->stage[i]) == ph) {
				hand_over(c, &c->stage[i]);
				c->stage[i].op = 0;
			}
	c->n_stage = 0;
	c->st.flushes++;
	rc = c->ops->submit ? c->ops->submit(c->ctx) : 0;
	if (rc)
		log_err("card: submit: %s", vrfsec_strerror(rc));
	return n;
}

unsigned card_process(struct card *c)
{
	unsigned n = 0;

	while (c->done_head) {
		struct card_job *j = c->done_head;

		c->done_head = j->next;
		if (!c->done_head)
			c->done_tail = NULL;
		c->st.jobs++;
		if (j->done)
			j->done(j->arg, j);
		free(j);
		n++;
	}
	return n;
}

uint64_t card_inflight(const struct card *c)
{
	return c->pend_hi - c->pend_lo;
}

int card_settle(struct card *c, unsigned timeout_ms)
{
	int rc = 0;

	for (unsigned round = 0; round < 64; round++) {
		card_flush(c);
		if (card_inflight(c) && c->ops->wait)
			rc = c->ops->wait(c->ctx, timeout_ms);
		if (rc)
			return rc;
		if (!card_process(c) && !c->n_stage && !card_inflight(c))
			return 0;
	}
	return card_inflight(c) || c->n_stage ? -ETIMEDOUT : 0;
}

void card_queue_fini(struct card *c)
{
	if (c->stage)
		explicit_bzero(c->stage, c->cap_stage * sizeof(*c->stage));
	free(c->stage);
	c->stage = NULL;
	c->n_stage = c->cap_stage = 0;
	/* unanswered jobs belong to nobody now */
	for (uint64_t k = c->pend_lo; k < c->pend_hi; k++) {
		struct card_pend *p = &c->pend[k & (c->cap_pend - 1)];

		if (p->busy && p->job) {
			p->job->done = NULL;
			job_answer(c, p->job, p->op, -ECANCELED);
		}
		p->busy = false;
	}
	free(c->pend);
	c->pend = NULL;
	c->pend_lo = c->pend_hi = 0;
	c->cap_pend = 0;
	card_process(c);
}
