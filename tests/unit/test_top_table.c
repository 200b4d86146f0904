/* test_top_table.c: the live view's table and its text, without a terminal: own and total
 * over the window and since the start, by line and by function, a recursive function counted
 * once per stack, each sort key, one thread at a time, reset; then the lines --batch prints. */
#include <stdlib.h>

#include "check.h"
#include "profile/profile.h"
#include "top/render.h"
#include "top/table.h"

/* The profile's frames, threads and stacks (frame ids outermost first). */
struct world {
	uint32_t runner, hot_a10, hot_a11, hot_b, rec;
	uint32_t t1, t2; /* hot-a (tid 101), hot-b (tid 102), both of process 100 */
};

static void world_make(struct profile *p, struct world *w)
{
	profile_init(p);
	p->interval = 0.01;
	w->runner = profile_frame(p, "a.py", "runner", 5);
	w->hot_a10 = profile_frame(p, "a.py", "hot_a", 10);
	w->hot_a11 = profile_frame(p, "a.py", "hot_a", 11);
	w->hot_b = profile_frame(p, "b.py", "hot_b", 3);
	w->rec = profile_frame(p, "a.py", "rec", 20);
	/* Interned in the other order, so that T's order (by TID) is not the ids'. */
	w->t2 = profile_thread(p, 100, 0x2000, 102, "hot-b");
	w->t1 = profile_thread(p, 100, 0x1000, 101, "hot-a");
}

static void add(struct profile *p, uint32_t thread, uint64_t count, size_t n, uint32_t f0,
		uint32_t f1, uint32_t f2)
{
	uint32_t frames[3] = { f0, f1, f2 };
	profile_add_stack(p, thread, frames, n, count);
	p->samples += count;
}

static struct top_totals at(uint64_t seconds, uint64_t rounds, const struct profile *p)
{
	return (struct top_totals){ .ns = seconds * 1000000000ull, .rounds = rounds,
				    .samples = p->samples, .gil_held = p->samples / 2 };
}

/* The row of func at line (0: by function), or NULL. */
static const struct top_row *row(const struct top_table *t, const struct profile *p,
				 const char *func, int line)
{
	for (size_t i = 0; i < t->n_rows; i++)
		if (strcmp(profile_string(p, t->rows[i].func), func) == 0 && t->rows[i].line == line)
			return &t->rows[i];
	return NULL;
}

/* The rows' functions and lines in order, "hot_a:10 runner:5". */
static const char *order(const struct top_table *t, const struct profile *p)
{
	static char buf[256];
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < t->n_rows && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s:%d", i ? " " : "",
					profile_string(p, t->rows[i].func), (int)t->rows[i].line);
	return buf;
}

static void check_first_window(struct top_table *t, struct profile *p, const struct world *w)
{
	struct top_totals zero = at(0, 0, p);
	CHECK_INT(top_table_reset(t, p, &zero), 0, "reset at the start");
	CHECK_INT(t->n_rows, 0, "no rows before a sample");
	add(p, w->t1, 6, 2, w->runner, w->hot_a10, 0);
	add(p, w->t1, 2, 2, w->runner, w->hot_a11, 0);
	add(p, w->t2, 2, 2, w->runner, w->hot_b, 0);
	struct top_totals one = at(1, 10, p);
	CHECK_INT(top_table_update(t, p, &one), 0, "first update");
	CHECK_STR(order(t, p), "hot_a:10 hot_a:11 hot_b:3 runner:5",
		  "by %Own: hot_a:10 first; ties by name, the caller with no own time last");
	const struct top_row *r = row(t, p, "runner", 5);
	CHECK(r && r->own == 0 && r->total == 10 && r->own_all == 0 && r->total_all == 10,
	      "runner: no own samples, all ten in total");
	r = row(t, p, "hot_a", 10);
	CHECK(r && r->own == 6 && r->total == 6 && r->own_all == 6, "hot_a:10: six own");
	CHECK_INT(t->active_threads, 2, "both threads active in the first window");
	CHECK_INT(top_table_window(t).rounds, 10, "the window's ticks");

	t->sort = TOP_SORT_TOTAL;
	top_table_sort(t, p);
	CHECK_STR(order(t, p), "runner:5 hot_a:10 hot_a:11 hot_b:3", "key 2: by %Total");

	t->group = TOP_BY_FUNCTION;
	CHECK_INT(top_table_group(t, p), 0, "grouped by function");
	CHECK_STR(order(t, p), "runner:0 hot_a:0 hot_b:0", "by function: one row each");
	r = row(t, p, "hot_a", 0);
	CHECK(r && r->own == 8 && r->total == 8, "by function: hot_a's two lines merged");
	t->group = TOP_BY_LINE;
	top_table_group(t, p);
}

static void check_second_window(struct top_table *t, struct profile *p, const struct world *w)
{
	add(p, w->t2, 5, 2, w->runner, w->hot_b, 0);
	add(p, w->t2, 3, 3, w->runner, w->rec, w->rec);
	struct top_totals two = at(2, 20, p);
	CHECK_INT(top_table_update(t, p, &two), 0, "second update");
	const struct top_row *r = row(t, p, "rec", 20);
	CHECK(r && r->own == 3 && r->total == 3,
	      "a recursive function: its total counted once per stack");
	r = row(t, p, "hot_a", 10);
	CHECK(r && r->own == 0 && r->total == 0 && r->own_all == 6 && r->total_all == 6,
	      "hot_a: none in the window, six since the start");
	r = row(t, p, "runner", 5);
	CHECK(r && r->total == 8 && r->total_all == 18, "runner: window and since the start");
	CHECK_INT(t->active_threads, 1, "only hot-b active in the second window");
	CHECK_INT(top_table_since(t).rounds, 20, "ticks since the start");

	t->sort = TOP_SORT_OWN;
	top_table_sort(t, p);
	CHECK_STR(order(t, p), "hot_b:3 rec:20 hot_a:10 hot_a:11 runner:5",
		  "key 1: by %Own of the window");
	t->sort = TOP_SORT_OWN_TIME;
	top_table_sort(t, p);
	CHECK_STR(order(t, p), "hot_b:3 hot_a:10 rec:20 hot_a:11 runner:5",
		  "key 3: by own seconds since the start");
	t->sort = TOP_SORT_TOTAL_TIME;
	top_table_sort(t, p);
	CHECK_STR(order(t, p), "runner:5 hot_b:3 hot_a:10 rec:20 hot_a:11",
		  "key 4: by total seconds since the start");
}

static void check_threads(struct top_table *t, struct profile *p, const struct world *w)
{
	CHECK_INT(t->n_threads, 2, "two threads to go through");
	t->thread = top_table_next_thread(t);
	CHECK_INT(t->thread, w->t1, "T: first the thread of the lowest TID");
	top_table_group(t, p);
	CHECK_STR(order(t, p), "runner:5 hot_a:10 hot_a:11", "T: hot-a's rows alone");
	t->thread = top_table_next_thread(t);
	CHECK_INT(t->thread, w->t2, "T again: the next thread");
	top_table_group(t, p);
	CHECK(!row(t, p, "hot_a", 10) && row(t, p, "hot_b", 3), "T: hot-b's rows alone");
	t->thread = top_table_next_thread(t);
	CHECK_INT(t->thread, PROF_NO_THREAD, "T after the last: every thread again");
}

/* The lines --batch prints, exactly: figures over the last window (rate, GIL, stopped) and
 * since the start (samples, missed, lost by reason, seconds), the settings, the exit line,
 * pyflame's own marker frame by its name alone; and a screen's cut, rows going first. */
static void check_render(struct top_table *t, struct profile *p, const struct world *w)
{
	t->sort = TOP_SORT_OWN;
	t->thread = PROF_NO_THREAD;
	uint32_t released = profile_frame(p, "", "(native, GIL released)", 0);
	add(p, w->t1, 1, 2, w->runner, released, 0);
	struct top_totals three = at(3, 30, p);
	three.gil_held = 10; /* one more than at 2 s: the window's one sample held it */
	three.missed = 3;
	three.errors[SAMPLE_ERR_STACK] = 2;
	three.torn = 1;
	three.stopped_ns = 50 * 1000 * 1000;
	top_table_update(t, p, &three);
	struct top_info info = { .pid = 100, .cmdline = "python3 a.py", .python = "3.11.2",
				 .interval = 0.01, .paused = 1,
				 .ended = "process 100 exited (exit status 0)" };
	struct top_lines l = { 0 };
	CHECK_INT(top_render(t, p, &info, 0, &l), 0, "rendered");
	static const char *const want[] = {
		"pyflame top: PID 100  Python 3.11.2  python3 a.py",
		("samples 19  rate 10.0/s of 100/s  missed 3  GIL 100.0%  idle 0.0%  active threads 1"
		 "  stopped 5.0% (0.050 s)"),
		"lost 3 (2 stack unreadable, 1 changed while read)",
		"sort %Own (1-4)  by line (L)  thread all (T)  P pause  R reset  q quit  PAUSED",
		"process 100 exited (exit status 0)",
		"",
		"   %Own   %Total    OwnTime   TotalTime  Function (file:line)",
		"  10.0%    10.0%      0.01s       0.01s  (native, GIL released)",
		"   0.0%     0.0%      0.07s       0.07s  hot_b (b.py:3)",
		"   0.0%     0.0%      0.06s       0.06s  hot_a (a.py:10)",
		"   0.0%     0.0%      0.03s       0.03s  rec (a.py:20)",
		"   0.0%     0.0%      0.02s       0.02s  hot_a (a.py:11)",
		"   0.0%    10.0%      0.00s       0.19s  runner (a.py:5)",
	};
	size_t n = sizeof want / sizeof want[0];
	CHECK_INT(l.n, n, "the header's lines, the titles and a line per row");
	for (size_t i = 0; i < n && i < l.n; i++)
		CHECK_STR(l.v[i].text, want[i], want[i][0] ? want[i] : "the blank line");
	CHECK(l.v[4].kind == TOP_LINE_NOTICE && l.v[6].kind == TOP_LINE_TITLE &&
		      l.v[7].kind == TOP_LINE_ROW,
	      "each line's kind, for the screen's attributes");
	CHECK_INT(top_render(t, p, &info, 8, &l), 0, "rendered for a screen of 8 lines");
	CHECK(l.n == 8 && strcmp(l.v[7].text, want[7]) == 0,
	      "a short screen: the header whole, the rows that fit");
	info.ended = NULL;
	info.python = NULL;
	info.processes = 3;
	t->group = TOP_BY_FUNCTION;
	t->thread = w->t1;
	top_table_group(t, p);
	top_render(t, p, &info, 0, &l);
	CHECK_STR(l.v[0].text, "pyflame top: PID 100  no Python seen yet  3 processes sampled  "
		  "python3 a.py", "before Python is seen; with -C, the processes");
	CHECK_STR(l.v[3].text, "sort %Own (1-4)  by function (L)  thread 101 hot-a in 100 (T)  "
		  "P pause  R reset  q quit  PAUSED", "the thread shown, its process with -C");
	CHECK_STR(l.v[5].text, "   %Own   %Total    OwnTime   TotalTime  Function (file)",
		  "by function: the file alone");
	top_lines_release(&l);
	t->group = TOP_BY_LINE;
	t->thread = PROF_NO_THREAD;
}

int main(void)
{
	struct profile p;
	struct world w;
	struct top_table t;
	world_make(&p, &w);
	top_table_init(&t);
	check_first_window(&t, &p, &w);
	check_second_window(&t, &p, &w);
	check_threads(&t, &p, &w);
	check_render(&t, &p, &w);

	struct top_totals three = at(3, 30, &p);
	CHECK_INT(top_table_reset(&t, &p, &three), 0, "R: reset");
	CHECK_INT(t.n_rows, 0, "R: no rows until the next samples");
	CHECK_INT(top_table_since(&t).rounds, 0, "R: every figure starts again");
	add(&p, w.t1, 4, 2, w.runner, w.hot_a10, 0);
	struct top_totals four = at(4, 40, &p);
	top_table_update(&t, &p, &four);
	const struct top_row *r = row(&t, &p, "hot_a", 10);
	CHECK(r && r->own_all == 4 && t.n_rows == 2, "R: only what came after it");

	top_table_release(&t);
	profile_release(&p);
	return check_exit();
}
