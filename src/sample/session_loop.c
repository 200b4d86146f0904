/* session_loop.c: every process of a session sampled on one clock (see session_loop.h). */
#include "sample/session_loop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proc/access.h"
#include "proc/procfs.h"
#include "profile/profile.h"
#include "python/discover.h"
#include "sample/progress.h"
#include "sample/sampler.h"
#include "sample/schedule.h"
#include "sample/session.h"
#include "sample/stats.h"
#include "util/clock.h"
#include "util/msg.h"

/* How long a new program is looked at every tick for an interpreter: a shared libpython is
 * mapped by the dynamic loader a few milliseconds after exec(). Past that the program is
 * taken as not Python until it exec()s again, which is checked every NOT_PYTHON_CHECK_NS. */
#define LOADING_NS (300ull * 1000 * 1000)
#define NOT_PYTHON_CHECK_NS (50ull * 1000 * 1000)

/* How long a process's command line may be in its name, before "...". */
#define LABEL_MAX 60

/* Names t in the profile after its command line, shortened (the PID is kept beside it): the
 * program by its file name alone (pyenv's python3 is a path of 40 characters), the whole cut to
 * LABEL_MAX with "...". A process that renamed itself (gunicorn's "gunicorn: worker [app]")
 * has no path to cut. */
static void name_process(struct session *s, const struct session_target *t)
{
	char cmdline[256];
	if (!procfs_cmdline(t->proc.pid, cmdline, sizeof cmdline))
		procfs_comm(t->proc.pid, t->proc.pid, cmdline, sizeof cmdline);
	char *program_end = strchrnul(cmdline, ' ');
	char *name = cmdline;
	for (char *c = cmdline; c < program_end; c++)
		if (*c == '/' && c + 1 < program_end)
			name = c + 1;
	if (strlen(name) > LABEL_MAX)
		memcpy(name + LABEL_MAX - 3, "...", 4);
	/* Collapsed text separates frames with ';' and stacks with newlines: a command line
	 * holding them (python -c 'import a; a.run()') must stay one frame. */
	for (char *c = name; *c; c++)
		if (*c == ';')
			*c = ',';
		else if ((unsigned char)*c < ' ')
			*c = ' ';
	profile_process(s->prof, (uint32_t)t->proc.pid, name);
}

/* Says once why t, which runs Python, cannot be sampled. */
static void say_once(struct session_target *t, const char *why)
{
	if (t->said)
		return;
	t->said = 1;
	char cmdline[128];
	if (!procfs_cmdline(t->proc.pid, cmdline, sizeof cmdline))
		snprintf(cmdline, sizeof cmdline, "?");
	warn("process %d (%s) is not sampled: %s", (int)t->proc.pid, cmdline, why);
}

/* The Python process of the session that t was forked from and still runs the same program
 * as (the interpreter at the same addresses), or NULL. */
static const struct session_target *same_program_parent(const struct session *s,
							  const struct session_target *t)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct session_target *p = s->targets[i];
		if (p->proc.pid == t->parent)
			return p->state == TARGET_SAMPLING && p->image == t->image ? p : NULL;
	}
	return NULL;
}

/* Starts sampling t, whose interpreter is in t->py. Returns t's new state. */
static int start_sampling(struct session *s, struct session_target *t)
{
	char err[1024];
	/* A child that ended meanwhile (a forking server's short-lived ones) is no news. */
	if ((t->parent && proc_check_trace(t->proc.pid, err, sizeof err) != 0) ||
	    session_walk(t, err, sizeof err) != 0) {
		if (proc_target_poll(&t->proc))
			return t->state = TARGET_GONE;
		if (proc_image_sig(t->proc.pid) != t->image) {
			/* A fork that was running exec() (subprocess starting sh): what it runs
			 * now is looked at afresh. */
			session_forget(t);
			t->next_look_ns = 0;
			return t->state = TARGET_LOOKING;
		}
		say_once(t, err);
		return t->state = TARGET_SKIPPED;
	}
	t->proc.image = t->image;
	t->sampler = sampler_open(&t->proc, &t->walker, &t->cfg, s->prof, s->stats);
	if (!t->sampler) {
		say_once(t, "out of memory");
		return t->state = TARGET_SKIPPED;
	}
	if (s->follow)
		name_process(s, t);
	s->sampled++;
	s->stats->processes = s->sampled;
	return t->state = TARGET_SAMPLING;
}

/* Looks for t's interpreter once, now: on success its sampler is opened and it is named in
 * the profile. Returns t's state after the look. */
static int session_look(struct session *s, struct session_target *t)
{
	uint64_t now = clock_now_ns();
	if (proc_target_poll(&t->proc))
		return t->state = TARGET_GONE;
	uint64_t image = proc_image_sig(t->proc.pid);
	if (image != t->image) {
		t->image = image;
		t->image_since_ns = now;
		t->said = 0;
	} else if (t->state == TARGET_NOT_PYTHON) {
		t->next_look_ns = now + NOT_PYTHON_CHECK_NS;
		return t->state; /* the same program as before */
	}
	/* A child forked from a Python process of the session runs its parent's interpreter,
	 * at the same addresses: no need to read its ELF files again (a forking server makes
	 * hundreds). */
	const struct session_target *p = same_program_parent(s, t);
	char err[1024];
	int rc = PY_DISCOVER_OK;
	if (p)
		t->py = p->py;
	else
		rc = py_discover(t->proc.pid, s->abi, &t->py, err, sizeof err);
	if (rc == PY_DISCOVER_OK)
		return start_sampling(s, t);
	if (rc == PY_DISCOVER_NO_PROCESS) {
		proc_target_poll(&t->proc);
		return t->state = TARGET_GONE;
	}
	if (rc == PY_DISCOVER_NOT_PYTHON && now - t->image_since_ns < LOADING_NS) {
		t->next_look_ns = 0; /* its libpython may be on its way */
		return t->state = TARGET_LOOKING;
	}
	/* A Python whose version or state is not found says so; either way the process is
	 * left alone until it runs another program. */
	if (rc != PY_DISCOVER_NOT_PYTHON)
		say_once(t, err);
	t->next_look_ns = now + NOT_PYTHON_CHECK_NS;
	return t->state = TARGET_NOT_PYTHON;
}

/* Adds the root's descendants born since the last look (at the first, all living), each to
 * be looked at. Returns 0 or -ENOMEM. */
static int session_adopt(struct session *s)
{
	if (!s->follow)
		return 0;
	if (!s->tree.root)
		proc_tree_init(&s->tree, s->targets[0]->proc.pid);
	const pid_t *born;
	int n = proc_tree_scan(&s->tree, &born);
	s->scanned_ns = clock_now_ns();
	for (int i = 0; i < n; i++) {
		struct session_target *t = session_add(s, born[i], 0, 0);
		if (!t)
			return -ENOMEM;
		t->parent = proc_parent(born[i]);
		t->state = TARGET_LOOKING;
	}
	return 0;
}

/* One sample of t, and what its sampler's answer means for it. Returns 0, or -EPERM when the
 * root's first sample was refused. */
static int tick_target(struct session_target *t)
{
	int rc = sampler_tick(t->sampler);
	if (rc == 0) {
		t->ticks++;
		return 0;
	}
	if (rc == -EPERM && !t->parent && !t->ticks)
		return -EPERM;
	sampler_close(t->sampler);
	t->sampler = NULL;
	if (rc == -ESTALE) {
		/* Another program now: every page and code object is another's. */
		session_forget(t);
		t->proc.execed = 0;
		t->state = TARGET_LOOKING;
		t->next_look_ns = 0;
	} else if (rc == -EPERM) {
		say_once(t, "operation not permitted");
		t->state = TARGET_SKIPPED;
	} else {
		t->state = TARGET_GONE;
	}
	return 0;
}

/* Frees the children that ended or cannot be sampled, keeping their samples; the root stays
 * (its exit status and recording are the run's). */
static void drop_finished(struct session *s)
{
	size_t k = 1;
	for (size_t i = 1; i < s->n; i++) {
		struct session_target *t = s->targets[i];
		if (t->state == TARGET_GONE || t->state == TARGET_SKIPPED) {
			session_retire(t);
			free(t);
		} else {
			s->targets[k++] = t;
		}
	}
	if (s->n)
		s->n = k;
}

int session_begin(struct session *s)
{
	s->targets[0]->state = TARGET_LOOKING;
	if (session_adopt(s) != 0)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		session_look(s, s->targets[i]);
	return 0;
}

int session_tick(struct session *s)
{
	s->stats->rounds++;
	uint64_t now = clock_now_ns();
	if (s->follow && now - s->scanned_ns >= SESSION_SCAN_NS && session_adopt(s) != 0)
		warn("out of memory: new processes are not followed");
	for (size_t i = 0; i < s->n; i++) {
		struct session_target *t = s->targets[i];
		if ((t->state == TARGET_LOOKING || t->state == TARGET_NOT_PYTHON) &&
		    clock_now_ns() >= t->next_look_ns)
			session_look(s, t);
		if (t->state == TARGET_SAMPLING && tick_target(t) == -EPERM)
			return -EPERM;
	}
	drop_finished(s);
	return 0;
}

int session_ended(const struct session *s)
{
	const struct session_target *root = s->targets[0];
	return root->state == TARGET_GONE || root->proc.exited;
}

/* The same, looked at now: between ticks far apart. */
static int root_polled_gone(void *arg)
{
	struct session *s = arg;
	return session_ended(s) || proc_target_poll(&s->targets[0]->proc);
}

int session_run(struct session *s, volatile sig_atomic_t *stop)
{
	struct sample_clock clock;
	sample_run_start(&clock, s->cfg.seconds, s->cfg.interval, s->cfg.once);
	int rc = 0;
	while (!*stop) {
		if ((rc = session_tick(s)) != 0)
			break;
		if (s->cfg.progress)
			progress_update(s->cfg.progress, s->stats, s->prof);
		if (session_ended(s) ||
		    !sample_run_next(&clock, stop, root_polled_gone, s, &s->stats->missed))
			break;
	}
	for (size_t i = 0; i < s->n; i++) {
		sampler_close(s->targets[i]->sampler);
		s->targets[i]->sampler = NULL;
	}
	return rc;
}
