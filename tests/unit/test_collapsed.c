/* test_collapsed.c: the profile and the collapsed writer: interning, ordering, merging with
 * -n, the idle line, and the exact text; the process table and stacks rooted at their process
 * (--subprocesses), in collapsed and flame chart text. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture_profile.h"
#include "output/output.h"
#include "profile/profile.h"

static char *render(int (*fn)(const struct profile *, const struct out_options *, FILE *),
		    const struct profile *p, const struct out_options *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fn(p, o, f);
	fclose(f);
	return text;
}

static char *write_text(const struct profile *p, int lines, int idle, int names)
{
	struct out_options o = { .line_numbers = lines, .include_idle = idle, .thread_names = names };
	return render(out_collapsed_write, p, &o);
}

/* The process table (issue 18): names by pid, replaced when named again, kept sorted. */
static void test_process_names(void)
{
	struct profile p;
	profile_init(&p);
	CHECK(profile_process_name(&p, 1) == NULL && profile_process_count(&p) == 0,
	      "processes: none named at first");
	CHECK_INT(profile_process(&p, 300, "c"), 0, "processes: naming returns 0");
	profile_process(&p, 100, "a");
	profile_process(&p, 200, "b");
	CHECK_INT(profile_process_count(&p), 3, "processes: three named");
	CHECK(profile_process_name(&p, 100) && profile_process_name(&p, 200) &&
		      profile_process_name(&p, 300) &&
		      strcmp(profile_process_name(&p, 100), "a") == 0 &&
		      strcmp(profile_process_name(&p, 200), "b") == 0 &&
		      strcmp(profile_process_name(&p, 300), "c") == 0,
	      "processes: each found by pid, whatever order they were named in");
	CHECK(profile_process_name(&p, 150) == NULL && profile_process_name(&p, 0) == NULL &&
		      profile_process_name(&p, 400) == NULL,
	      "processes: a pid never named has no name");
	profile_process(&p, 200, "b2");
	CHECK_INT(profile_process_count(&p), 3, "processes: naming again adds none");
	CHECK_STR(profile_process_name(&p, 200), "b2", "processes: naming again replaces the name");
	profile_release(&p);
	CHECK(profile_process_count(&p) == 0 && p.processes == NULL,
	      "processes: released with the profile");
}

/* --subprocesses (issue 18): every stack under its process, the two main threads (one ident,
 * one TID) apart; the idle line stays one line for the whole run. */
static void test_processes(void)
{
	struct profile p;
	struct fixture fx;
	profile_init(&p);
	p.keep_timeline = 1;
	fixture_processes(&p, &fx);
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .processes = 1 };
	char *t = render(out_collapsed_write, &p, &o);
	CHECK_STR(t, "process 100 (python3 pool.py);a.py:<module>:10;a.py:f:3;b.py:g:7 3\n"
		     "process 200 (python3 -c spawn_main);a.py:<module>:10 1\n"
		     "process 200 (python3 -c spawn_main);a.py:<module>:10;a.py:f:4;b.py:g:7 1\n"
		     "(idle) 1\n",
		  "processes: each stack under its process, idle one line");
	free(t);
	o.thread_names = 1;
	o.line_numbers = 0;
	t = render(out_collapsed_write, &p, &o);
	CHECK_STR(t, "process 100 (python3 pool.py);MainThread;a.py:<module>;a.py:f;b.py:g 3\n"
		     "process 200 (python3 -c spawn_main);MainThread;a.py:<module> 1\n"
		     "process 200 (python3 -c spawn_main);MainThread;a.py:<module>;a.py:f;b.py:g 1\n"
		     "(idle) 1\n",
		  "processes: the process, then the thread's name, then the frames");
	free(t);
	t = render(out_flamechart_write, &p, &o);
	CHECK_STR(t, "1000\nprocess 100 (python3 pool.py);MainThread;a.py:<module>;a.py:f;b.py:g;\n"
		     "1000\nprocess 200 (python3 -c spawn_main);MainThread;a.py:<module>;\n"
		     "2000\nprocess 100 (python3 pool.py);MainThread;a.py:<module>;a.py:f;b.py:g;\n"
		     "2000\nprocess 200 (python3 -c spawn_main);MainThread;a.py:<module>;a.py:f;b.py:g;\n"
		     "3000\nprocess 100 (python3 pool.py);MainThread;a.py:<module>;a.py:f;b.py:g;\n"
		     "4000\n(idle);\n",
		  "processes: flame chart text roots stacks the same way");
	free(t);

	o.thread_names = 0;
	o.processes = 0;
	t = render(out_collapsed_write, &p, &o);
	CHECK_STR(t, "a.py:<module> 1\n"
		     "a.py:<module>;a.py:f;b.py:g 4\n"
		     "(idle) 1\n",
		  "processes: merged again without --subprocesses");
	free(t);

	/* A process never named is its pid alone; a thread of no known process (a replayed
	 * image) has no process frame. */
	o.processes = 1;
	uint32_t unnamed = profile_thread(&p, 300, 0x1000, 42, "MainThread");
	uint32_t replayed = profile_thread(&p, 0, 0x1000, 42, "MainThread");
	profile_add_stack(&p, unnamed, fx.s3, 1, 2);
	profile_add_stack(&p, replayed, fx.s3, 1, 5);
	profile_add_stack(&p, PROF_NO_THREAD, fx.s3, 1, 7);
	t = render(out_collapsed_write, &p, &o);
	CHECK_STR(t, "a.py:<module> 12\n"
		     "process 100 (python3 pool.py);a.py:<module>;a.py:f;b.py:g 3\n"
		     "process 200 (python3 -c spawn_main);a.py:<module> 1\n"
		     "process 200 (python3 -c spawn_main);a.py:<module>;a.py:f;b.py:g 1\n"
		     "process 300;a.py:<module> 2\n"
		     "(idle) 1\n",
		  "processes: 'process PID' when unnamed; none for stacks of no known process");
	free(t);
	/* A thread with no name stands for its whole process: under it, no frame of its own. */
	uint32_t whole = profile_thread(&p, 400, 0, 0, "");
	profile_add_stack(&p, whole, fx.s3, 1, 4);
	o.thread_names = 1;
	t = render(out_collapsed_write, &p, &o);
	CHECK(t && strstr(t, "\nprocess 400;a.py:<module> 4\n") &&
		      strstr(t, "\nprocess 300;MainThread;a.py:<module> 2\n"),
	      "processes: a thread with no name has no frame under its process");
	free(t);
	profile_release(&p);
}

int main(void)
{
	struct profile p;
	struct fixture fx;
	profile_init(&p);
	/* <module>;f:3;g five times, <module>;f:4;g twice, <module> once, 4 idle. */
	fixture_profile(&p, &fx);
	CHECK_INT(profile_frame(&p, "a.py", "f", 3), fx.f3, "a frame is interned once");
	CHECK_INT(profile_stack_count(&p), 3, "three distinct stacks kept");

	char *t = write_text(&p, 1, 1, 0);
	CHECK_STR(t, "a.py:<module>:10 1\n"
		     "a.py:<module>:10;a.py:f:3;b.py:g:7 5\n"
		     "a.py:<module>:10;a.py:f:4;b.py:g:7 2\n"
		     "(idle) 4\n",
		  "collapsed text, sorted, idle last");
	free(t);
	t = write_text(&p, 0, 0, 0);
	CHECK_STR(t, "a.py:<module> 1\n"
		     "a.py:<module>;a.py:f;b.py:g 7\n",
		  "-n merges lines of one function; -x drops idle");
	free(t);

	/* The same frames on two threads are two stacks, merged again unless names are shown. */
	uint32_t main_t = profile_thread(&p, 0, 0x7f00, 100, "MainThread");
	uint32_t work_t = profile_thread(&p, 0, 0x7f01, 101, "worker");
	CHECK_INT(profile_thread(&p, 0, 0x7f00, 100, "MainThread"), main_t, "a thread is interned once");
	profile_add_stack(&p, main_t, fx.s3, 1, 3);
	profile_add_stack(&p, work_t, fx.s3, 1, 2);
	CHECK_INT(profile_stack_count(&p), 5, "a stack per thread");
	struct prof_stack st = profile_stack(&p, 4);
	CHECK_INT(st.thread, work_t, "the stack keeps its thread");
	CHECK_INT(st.n, 1, "and its frames, without the thread");
	CHECK_INT(profile_thread_get(&p, work_t)->tid, 101, "the thread keeps its TID");
	t = write_text(&p, 1, 0, 0);
	CHECK_STR(t, "a.py:<module>:10 6\n"
		     "a.py:<module>:10;a.py:f:3;b.py:g:7 5\n"
		     "a.py:<module>:10;a.py:f:4;b.py:g:7 2\n",
		  "threads merged when not named");
	free(t);
	t = write_text(&p, 1, 0, 1);
	CHECK_STR(t, "MainThread;a.py:<module>:10 3\n"
		     "a.py:<module>:10 1\n"
		     "a.py:<module>:10;a.py:f:3;b.py:g:7 5\n"
		     "a.py:<module>:10;a.py:f:4;b.py:g:7 2\n"
		     "worker;a.py:<module>:10 2\n",
		  "--thread-names: the thread as the root frame");
	free(t);

	/* Memory follows distinct stacks, not samples. */
	for (int i = 0; i < 100000; i++)
		profile_add_stack(&p, PROF_NO_THREAD, fx.s1, 3, 1);
	CHECK_INT(profile_stack_count(&p), 5, "100000 more samples add no stacks");
	profile_release(&p);
	test_process_names();
	test_processes();
	return check_exit();
}
