/* live.c: the live view's loop: ticks, refreshes, keys (see live.h). */
#include "top/live.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "proc/spawn.h"
#include "profile/profile.h"
#include "sample/sampler.h"
#include "sample/schedule.h"
#include "sample/session.h"
#include "sample/session_loop.h"
#include "sample/stats.h"
#include "top/render.h"
#include "top/screen.h"
#include "top/table.h"
#include "util/clock.h"

/* The longest wait between two looks at *stop: a signal that comes just before a wait would
 * otherwise be seen only when the wait ends. */
#define WAIT_MAX_NS (100ull * 1000 * 1000)

struct view {
	struct top_live *lv;
	struct session *s;
	struct top_table table;
	struct top_lines lines;
	struct top_info info;
	char cmdline[512], python[32], ended[160];
	int paused;
};

/* How long the session's processes have stood stopped: the samplers closed (in the stats) and
 * those running. */
static uint64_t stopped_ns(const struct session *s)
{
	uint64_t ns = s->stats->stopped_ns;
	for (size_t i = 0; i < s->n; i++)
		ns += sampler_stopped_ns(s->targets[i]->sampler);
	return ns;
}

static struct top_totals totals_now(const struct session *s)
{
	return top_totals_take(s->prof, s->stats, clock_now_ns(), stopped_ns(s));
}

/* What the header says of the root process, looked at again: its command line (a -t command's
 * after its exec) and its Python once found. */
static void look_at_root(struct view *v)
{
	const struct session_target *root = v->s->targets[0];
	if (!root->proc.exited)
		procfs_cmdline(root->proc.pid, v->cmdline, sizeof v->cmdline);
	if (root->state == TARGET_SAMPLING) {
		const struct py_version *pv = &root->py.version;
		if (pv->micro >= 0)
			snprintf(v->python, sizeof v->python, "%d.%d.%d", pv->major, pv->minor,
				 pv->micro);
		else
			snprintf(v->python, sizeof v->python, "%d.%d", pv->major, pv->minor);
		v->info.python = v->python;
	}
	v->info.processes = v->s->follow ? v->s->sampled : 0;
}

/* Shows the table: drawn on the screen (as many lines as it holds), or printed whole. */
static int show(struct view *v)
{
	const struct top_live *lv = v->lv;
	v->info.paused = v->paused;
	size_t max = lv->screen ? top_screen_lines(lv->screen) : 0;
	int rc = top_render(&v->table, v->s->prof, &v->info, max, &v->lines);
	if (lv->screen) {
		top_screen_draw(lv->screen, &v->lines);
		return rc;
	}
	for (size_t i = 0; i < v->lines.n; i++)
		fprintf(lv->out, "%s\n", v->lines.v[i].text);
	fputc('\n', lv->out);
	fflush(lv->out);
	return rc;
}

/* The root ended: the samplers are closed (their stopped time goes to the stats) and the line
 * that says so is made. */
static void root_ended(struct view *v)
{
	struct session *s = v->s;
	for (size_t i = 0; i < s->n; i++) {
		sampler_close(s->targets[i]->sampler);
		s->targets[i]->sampler = NULL;
	}
	const struct proc_target *root = &s->targets[0]->proc;
	char status[32] = "";
	if (root->is_child && root->exited)
		snprintf(status, sizeof status, " (exit status %d)",
			 proc_exit_code(root->exit_status));
	snprintf(v->ended, sizeof v->ended, "process %d exited%s%s", (int)root->pid, status,
		 v->lv->screen ? ": this is the last table; q quits" : "");
	v->info.ended = v->ended;
	v->lv->root_ended = 1;
}

/* One key on the screen. Returns 1 when it quits, else 0 (drawn again when it changed
 * anything). */
static int on_key(struct view *v, int key)
{
	struct top_table *t = &v->table;
	const struct profile *p = v->s->prof;
	switch (key) {
	case '1': case '2': case '3': case '4':
		t->sort = (enum top_sort)(key - '1');
		top_table_sort(t, p);
		break;
	case 'l': case 'L':
		t->group = t->group == TOP_BY_LINE ? TOP_BY_FUNCTION : TOP_BY_LINE;
		top_table_group(t, p);
		break;
	case 't': case 'T':
		t->thread = top_table_next_thread(t);
		top_table_group(t, p);
		break;
	case 'p': case 'P':
		v->paused = !v->paused;
		break;
	case 'r': case 'R': {
		struct top_totals now = totals_now(v->s);
		top_table_reset(t, p, &now);
		break;
	}
	case 'q': case 'Q':
	case 3: /* Ctrl-C, should the terminal give it as a key */
		return 1;
	case TOP_KEY_RESIZE:
		break;
	default:
		return 0;
	}
	show(v);
	return 0;
}

/* Waits up to ns for a key (on the screen) or the time to pass. Returns 0, or -1 when the
 * terminal is gone (its input hung up: no key will ever come, and polling it would spin). */
static int wait_for(const struct top_live *lv, uint64_t ns)
{
	if (ns > WAIT_MAX_NS)
		ns = WAIT_MAX_NS;
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	/* A signal (a resize, a stop) ends the wait early: so much the better. */
	if (ppoll(&in, lv->screen ? 1 : 0, &ts, NULL) > 0 &&
	    (in.revents & (POLLHUP | POLLERR | POLLNVAL)))
		return -1;
	return 0;
}

/* The loop of top_live_run, over v. */
static int run(struct view *v)
{
	const struct top_live *lv = v->lv;
	struct session *s = v->s;
	struct sample_clock clock;
	sample_clock_start(&clock, s->cfg.interval);
	uint64_t refresh_at = clock_now_ns() + TOP_REFRESH_NS;
	int ended = 0, last_shown = 0, printed = 0;
	for (;;) {
		if (*lv->stop)
			return TOP_END_STOPPED;
		if (!ended && sample_clock_remaining(&clock) == 0) {
			s->stats->missed += sample_clock_wait(&clock);
			int rc = session_tick(s);
			if (rc != 0)
				return rc;
		}
		uint64_t now = clock_now_ns();
		if (!ended && (session_ended(s) ||
			       (now >= refresh_at && proc_target_poll(&s->targets[0]->proc)))) {
			ended = 1;
			root_ended(v);
			refresh_at = now; /* the last table, now */
		}
		if (now >= refresh_at && !last_shown) {
			look_at_root(v);
			struct top_totals t = totals_now(s);
			if (!v->paused && top_table_update(&v->table, s->prof, &t) != 0)
				return -ENOMEM;
			if (show(v) != 0)
				return -ENOMEM;
			last_shown = ended; /* the table is not taken again once the root ended */
			refresh_at += TOP_REFRESH_NS;
			if (refresh_at <= now)
				refresh_at = now + TOP_REFRESH_NS; /* fell behind: no burst */
			if (!lv->screen && (++printed >= lv->batch || ended))
				return ended ? TOP_END_EXITED : TOP_END_BATCH;
		}
		for (int key; lv->screen && (key = top_screen_key(lv->screen)) != TOP_KEY_NONE;)
			if (on_key(v, key))
				return TOP_END_QUIT;
		uint64_t wait = WAIT_MAX_NS;
		if (!ended) {
			uint64_t tick = sample_clock_remaining(&clock);
			uint64_t refresh = refresh_at > now ? refresh_at - now : 0;
			wait = tick < refresh ? tick : refresh;
		}
		if (wait && wait_for(lv, wait) != 0)
			return TOP_END_STOPPED;
	}
}

int top_live_run(struct top_live *lv)
{
	struct view v;
	memset(&v, 0, sizeof v);
	v.lv = lv;
	v.s = lv->s;
	v.info.pid = lv->s->targets[0]->proc.pid;
	v.info.cmdline = v.cmdline;
	v.info.interval = lv->s->cfg.interval;
	top_table_init(&v.table);
	struct top_totals start = totals_now(lv->s);
	int rc = top_table_reset(&v.table, lv->s->prof, &start);
	if (rc == 0) {
		look_at_root(&v);
		if (lv->screen)
			show(&v); /* the header at once, the table in a second */
		rc = run(&v);
	}
	for (size_t i = 0; i < lv->s->n; i++) {
		sampler_close(lv->s->targets[i]->sampler);
		lv->s->targets[i]->sampler = NULL;
	}
	top_lines_release(&v.lines);
	top_table_release(&v.table);
	return rc;
}
