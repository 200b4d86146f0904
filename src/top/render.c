/* render.c: the live view's lines, from the table and the run's figures. */
#include "top/render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"
#include "top/table.h"
#include "util/grow.h"

void top_lines_release(struct top_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Adds a line of kind, formatted, unless max lines are there already (max 0: no bound).
 * Returns 0 (also when it did not fit) or -ENOMEM. */
__attribute__((format(printf, 4, 5))) static int add_line(struct top_lines *l, size_t max,
							  enum top_line_kind kind,
							  const char *fmt, ...)
{
	if (max && l->n >= max)
		return 0;
	if (grow_array((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0)
		return -ENOMEM;
	va_list ap;
	va_start(ap, fmt);
	char *text;
	int rc = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	l->v[l->n++] = (struct top_line){ text, kind };
	return 0;
}

/* part / whole as a percentage, 0 when whole is 0. */
static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* "PID 4242  Python 3.11.2  python3 app.py", with -C how many processes are sampled: the
 * command line last, as long as it is. */
static int line_process(struct top_lines *l, size_t max, const struct top_info *in)
{
	char procs[64] = "";
	if (in->processes)
		snprintf(procs, sizeof procs, "  %zu process%s sampled", in->processes,
			 in->processes == 1 ? "" : "es");
	return add_line(l, max, TOP_LINE_HEADER, "pyflame top: PID %d  %s%s%s  %s", (int)in->pid,
			in->python ? "Python " : "no Python seen yet",
			in->python ? in->python : "", procs, in->cmdline);
}

/* How the run went over the window (rate, GIL, idle, stopped) and since the start. */
static int line_figures(struct top_lines *l, size_t max, const struct top_table *t,
			const struct top_info *in)
{
	struct top_totals w = top_table_window(t), all = top_table_since(t);
	double secs = (double)w.ns / 1e9;
	char rate[32] = "-", gil[16] = "-", idle[16] = "-";
	if (t->updated && secs > 0)
		snprintf(rate, sizeof rate, "%.1f/s", (double)w.rounds / secs);
	if (w.samples) {
		snprintf(gil, sizeof gil, "%.1f%%", percent(w.gil_held, w.samples));
		snprintf(idle, sizeof idle, "%.1f%%", percent(w.idle, w.samples));
	}
	return add_line(l, max, TOP_LINE_HEADER,
			"samples %" PRIu64 "  rate %s of %g/s  missed %" PRIu64 "  GIL %s  idle %s"
			"  active threads %zu  stopped %.1f%% (%.3f s)",
			all.samples, rate, 1 / in->interval, all.missed, gil, idle,
			t->active_threads, percent(w.stopped_ns, w.ns),
			(double)all.stopped_ns / 1e9);
}

/* The samples lost since the start, by reason. */
static int line_lost(struct top_lines *l, size_t max, const struct top_table *t)
{
	struct top_totals all = top_table_since(t);
	char why[512] = "";
	size_t len = 0;
	for (int i = 0; i <= SAMPLE_ERR_COUNT && len < sizeof why; i++) {
		uint64_t n = i < SAMPLE_ERR_COUNT ? all.errors[i] : all.torn;
		if (!n)
			continue;
		const char *text = i < SAMPLE_ERR_COUNT ? sample_error_text((enum sample_error)i)
							: "changed while read";
		len += (size_t)snprintf(why + len, sizeof why - len, "%s%" PRIu64 " %s",
					len ? ", " : "", n, text);
	}
	return add_line(l, max, TOP_LINE_HEADER, "lost %" PRIu64 "%s%s%s", top_totals_lost(&all),
			len ? " (" : "", why, len ? ")" : "");
}

static const char *const sort_names[] = { "%Own", "%Total", "OwnTime", "TotalTime" };

/* The keys' settings: sort, by line or function, which thread, paused. */
static int line_settings(struct top_lines *l, size_t max, const struct top_table *t,
			 const struct profile *p, const struct top_info *in)
{
	char thread[256] = "all";
	if (t->thread != PROF_NO_THREAD) {
		const struct prof_thread *th = profile_thread_get(p, t->thread);
		char where[32] = "";
		if (in->processes)
			snprintf(where, sizeof where, " in %" PRIu32, th->pid);
		snprintf(thread, sizeof thread, "%" PRIu64 " %s%s", th->tid,
			 profile_string(p, th->name), where);
	}
	return add_line(l, max, TOP_LINE_HEADER,
			"sort %s (1-4)  by %s (L)  thread %s (T)  P pause  R reset  q quit%s",
			sort_names[t->sort], t->group == TOP_BY_LINE ? "line" : "function",
			thread, in->paused ? "  PAUSED" : "");
}

/* One row: its shares of the window's ticks, its seconds since the start, and where it is. */
static int line_row(struct top_lines *l, size_t max, const struct top_table *t,
		    const struct profile *p, const struct top_row *r, uint64_t ticks,
		    double interval)
{
	const char *file = profile_string(p, r->file), *func = profile_string(p, r->func);
	char where[64] = "";
	if (r->line > 0)
		snprintf(where, sizeof where, ":%d", (int)r->line);
	/* A frame with no file is pyflame's own marker, "(native, GIL released)": its name
	 * alone, as the collapsed output shows it. */
	return add_line(l, max, TOP_LINE_ROW, "%6.1f%% %7.1f%% %9.2fs %10.2fs  %s%s%s%s%s",
			percent(r->own, ticks), percent(r->total, ticks),
			(double)r->own_all * interval, (double)r->total_all * interval, func,
			*file ? " (" : "", file, *file && t->group == TOP_BY_LINE ? where : "",
			*file ? ")" : "");
}

int top_render(const struct top_table *t, const struct profile *p, const struct top_info *in,
	       size_t max_lines, struct top_lines *out)
{
	for (size_t i = 0; i < out->n; i++)
		free(out->v[i].text);
	out->n = 0;
	int rc = line_process(out, max_lines, in);
	if (!rc)
		rc = line_figures(out, max_lines, t, in);
	if (!rc)
		rc = line_lost(out, max_lines, t);
	if (!rc)
		rc = line_settings(out, max_lines, t, p, in);
	if (!rc && in->ended)
		rc = add_line(out, max_lines, TOP_LINE_NOTICE, "%s", in->ended);
	if (!rc)
		rc = add_line(out, max_lines, TOP_LINE_HEADER, "%s", "");
	if (!rc)
		rc = add_line(out, max_lines, TOP_LINE_TITLE, "%7s %8s %10s %11s  Function (%s)",
			      "%Own", "%Total", "OwnTime", "TotalTime",
			      t->group == TOP_BY_LINE ? "file:line" : "file");
	/* The shares are of the window's ticks: a function always on the stack of the one
	 * thread sampled is at 100%; with --threads or several processes, each thread or
	 * process counts on its own, as top's CPU shares do. */
	uint64_t ticks = top_table_window(t).rounds;
	for (size_t i = 0; !rc && i < t->n_rows && (!max_lines || out->n < max_lines); i++)
		rc = line_row(out, max_lines, t, p, &t->rows[i], ticks, in->interval);
	return rc;
}
