/* test_json_formats.c: the speedscope and Chrome trace writers on a small known profile, to
 * the exact text: frame table, per-thread profiles, weights, span building from a timeline;
 * and JSON string escaping of any bytes. */
#include <stdlib.h>

#include "check.h"
#include "fixture_profile.h"
#include "output/json.h"
#include "output/output.h"
#include "profile/profile.h"

typedef int (*writer_fn)(const struct profile *, const struct out_options *, FILE *);

static char *render(writer_fn fn, const struct profile *p, const struct out_options *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (fn(p, o, f) != 0)
		CHECK(0, "writer returns 0");
	fclose(f);
	return text;
}

static int count_of(const char *text, const char *needle)
{
	int n = 0;
	for (const char *s = text; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		n++;
	return n;
}

static char *escaped(const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_string(f, s);
	fclose(f);
	return text;
}

static void test_escaping(void)
{
	char *t = escaped("a\"b\\c\n\x01 \xce\xb1 \xf0\x9f\x90\x8d");
	CHECK_STR(t, "\"a\\\"b\\\\c\\u000a\\u0001 \xce\xb1 \xf0\x9f\x90\x8d\"",
		  "quotes, backslashes and controls escaped; UTF-8 kept");
	free(t);
	t = escaped("x\xff\xc3(\xed\xa0\x80y");
	CHECK_STR(t, "\"x\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffdy\"",
		  "bytes that are not UTF-8 (and surrogates) become U+FFFD");
	free(t);
}

static void test_speedscope(void)
{
	struct profile p;
	profile_init(&p);
	p.interval = 0.01;
	uint32_t mod = profile_frame(&p, "a.py", "<module>", 10);
	uint32_t f3 = profile_frame(&p, "a.py", "f", 3);
	uint32_t f4 = profile_frame(&p, "a.py", "f", 4);
	uint32_t s1[] = { mod, f3 }, s2[] = { mod, f4 };
	profile_add_stack(&p, PROF_NO_THREAD, s1, 2, 3);
	profile_add_stack(&p, PROF_NO_THREAD, s2, 2, 1);
	p.idle = 2;
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .title = "t" };
	char *t = render(out_speedscope_write, &p, &o);
	CHECK_STR(t, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
		     "\"shared\":{\"frames\":[{\"name\":\"<module>\",\"file\":\"a.py\",\"line\":10},"
		     "{\"name\":\"f\",\"file\":\"a.py\",\"line\":3},"
		     "{\"name\":\"f\",\"file\":\"a.py\",\"line\":4},{\"name\":\"(idle)\"}]},"
		     "\"profiles\":[{\"type\":\"sampled\",\"name\":\"t\",\"unit\":\"seconds\","
		     "\"startValue\":0,\"samples\":[[0,1],[0,2],[3]],"
		     "\"weights\":[0.03,0.01,0.02],\"endValue\":0.06}],"
		     "\"name\":\"t\",\"activeProfileIndex\":0,\"exporter\":\"pyflame\"}\n",
		  "speedscope: one weighted sample per stack, idle last, seconds");
	free(t);
	o.line_numbers = 0;
	o.include_idle = 0;
	t = render(out_speedscope_write, &p, &o);
	CHECK(t && strstr(t, "\"frames\":[{\"name\":\"<module>\",\"file\":\"a.py\"},"
			     "{\"name\":\"f\",\"file\":\"a.py\"},{\"name\":\"(idle)\"}]"),
	      "speedscope -n: lines of one function share a frame");
	CHECK(t && strstr(t, "\"samples\":[[0,1],[0,1]],\"weights\":[0.03,0.01],\"endValue\":0.04"),
	      "speedscope -x: no idle sample");
	free(t);

	/* Threads: one profile each, ordered by TID, idle only in a whole-run profile. */
	uint32_t b = profile_thread(&p, 0, 0x2000, 52, "worker");
	uint32_t a = profile_thread(&p, 0, 0x1000, 51, "MainThread");
	profile_add_stack(&p, b, s1, 2, 5);
	profile_add_stack(&p, a, s2, 2, 7);
	t = render(out_speedscope_write, &p, &o);
	CHECK(t && strstr(t, "{\"type\":\"sampled\",\"name\":\"t\",") &&
		      strstr(t, "{\"type\":\"sampled\",\"name\":\"MainThread\",\"unit\":\"seconds\","
				"\"startValue\":0,\"samples\":[[0,1]],\"weights\":[0.07],"
				"\"endValue\":0.07},{\"type\":\"sampled\",\"name\":\"worker\""),
	      "speedscope: a profile per thread, by TID");
	free(t);
	profile_release(&p);
}

/* --subprocesses (issue 18): a profile per (process, thread), named with both, a process's
 * together; idle samples stay in a whole-run profile, and with every stack on a thread there
 * is none. A thread with no name stands for its whole process. */
static void test_speedscope_processes(void)
{
	struct profile p;
	struct fixture fx;
	profile_init(&p);
	fixture_processes(&p, &fx);
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .processes = 1, .title = "run" };
	char *t = render(out_speedscope_write, &p, &o);
	CHECK(t && strstr(t, "\"profiles\":["
			     "{\"type\":\"sampled\",\"name\":\"process 100 (python3 pool.py): MainThread\","
			     "\"unit\":\"seconds\",\"startValue\":0,\"samples\":[[0,1,3]],"
			     "\"weights\":[0.003],\"endValue\":0.003},"
			     "{\"type\":\"sampled\",\"name\":\"process 200 (python3 -c spawn_main): MainThread\","
			     "\"unit\":\"seconds\",\"startValue\":0,\"samples\":[[0],[0,2,3]],"
			     "\"weights\":[0.001,0.001],\"endValue\":0.002}],"
			     "\"name\":\"run\","),
	      "speedscope processes: a profile per process's thread, named with both, no idle");
	free(t);
	uint32_t whole = profile_thread(&p, 300, 0, 0, "");
	profile_add_stack(&p, whole, fx.s3, 1, 2);
	t = render(out_speedscope_write, &p, &o);
	CHECK(t && strstr(t, "{\"type\":\"sampled\",\"name\":\"process 300\",\"unit\":\"seconds\","
			     "\"startValue\":0,\"samples\":[[0]],\"weights\":[0.002]") &&
		      strstr(t, "process 300") > strstr(t, "process 200"),
	      "speedscope processes: a process not named, on an unnamed thread: 'process PID', last");
	free(t);
	o.processes = 0;
	t = render(out_speedscope_write, &p, &o);
	CHECK(t && !strstr(t, "process ") &&
		      strstr(t, "{\"type\":\"sampled\",\"name\":\"MainThread\",\"unit\":\"seconds\","
				"\"startValue\":0,\"samples\":[[0,1,3]]"),
	      "speedscope: without --subprocesses, threads named as before");
	free(t);
	profile_release(&p);
}

static void test_chrome(void)
{
	struct profile p;
	struct fixture fx;
	profile_init(&p);
	p.interval = 0.001;
	p.keep_timeline = 1;
	fixture_frames(&p, &fx);
	uint32_t th = profile_thread(&p, 0, 0x1000, 42, "Main \"1\"");
	uint32_t s_f3[] = { fx.mod, fx.f3 }, s_f4[] = { fx.mod, fx.f4 };
	uint32_t a = profile_add_stack(&p, th, s_f3, 2, 1);
	uint32_t b = profile_add_stack(&p, th, s_f4, 2, 1);
	uint32_t c = profile_add_stack(&p, th, fx.s2, 3, 1);
	/* f runs from 1000 to 5000 (moving from line 3 to 4), g inside it from 3000, then an
	 * idle tick ends everything at 5000. */
	profile_add_event(&p, 1000, a);
	profile_add_event(&p, 2000, b);
	profile_add_event(&p, 3000, c);
	profile_add_event(&p, 4000, c);
	profile_add_event(&p, 5000, INTERN_NONE);
	profile_add_event(&p, 6000, a);
	p.samples = 6;
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .title = "run", .pid = 9 };
	char *t = render(out_chrome_write, &p, &o);
	CHECK_STR(t, "{\"traceEvents\":[\n"
		     "{\"ph\":\"M\",\"pid\":9,\"name\":\"process_name\",\"args\":{\"name\":\"run\"}},\n"
		     "{\"ph\":\"M\",\"pid\":9,\"tid\":42,\"name\":\"thread_name\",\"args\":{\"name\":\"Main \\\"1\\\"\"}},\n"
		     "{\"ph\":\"X\",\"pid\":9,\"tid\":42,\"ts\":2000,\"dur\":2000,\"name\":\"g\",\"cat\":\"python\",\"args\":{\"file\":\"b.py\",\"line\":7}},\n"
		     "{\"ph\":\"X\",\"pid\":9,\"tid\":42,\"ts\":0,\"dur\":4000,\"name\":\"f\",\"cat\":\"python\",\"args\":{\"file\":\"a.py\",\"line\":3}},\n"
		     "{\"ph\":\"X\",\"pid\":9,\"tid\":42,\"ts\":0,\"dur\":4000,\"name\":\"<module>\",\"cat\":\"python\",\"args\":{\"file\":\"a.py\",\"line\":10}},\n"
		     "{\"ph\":\"X\",\"pid\":9,\"tid\":42,\"ts\":5000,\"dur\":1000,\"name\":\"f\",\"cat\":\"python\",\"args\":{\"file\":\"a.py\",\"line\":3}},\n"
		     "{\"ph\":\"X\",\"pid\":9,\"tid\":42,\"ts\":5000,\"dur\":1000,\"name\":\"<module>\",\"cat\":\"python\",\"args\":{\"file\":\"a.py\",\"line\":10}}\n"
		     "],\"displayTimeUnit\":\"ms\",\"otherData\":{\"samples\":6,\"idle\":0,\"title\":\"run\"}}\n",
		  "chrome: one span per call across samples, nested, closed by idle and at the end");
	free(t);
	profile_release(&p);

	/* Two processes of one session may have threads with the same ident and TID: two
	 * tracks, each under its own process. */
	profile_init(&p);
	p.keep_timeline = 1;
	uint32_t mod = profile_frame(&p, "a.py", "<module>", 10);
	uint32_t parent = profile_thread(&p, 100, 0x1000, 42, "MainThread");
	uint32_t child = profile_thread(&p, 200, 0x1000, 42, "MainThread");
	CHECK(parent != child, "a thread is keyed by its process too");
	profile_add_event(&p, 1000, profile_add_stack(&p, child, &mod, 1, 1));
	profile_add_event(&p, 1000, profile_add_stack(&p, parent, &mod, 1, 1));
	t = render(out_chrome_write, &p, &o);
	CHECK(t && strstr(t, "{\"ph\":\"M\",\"pid\":100,\"tid\":42,") &&
		      strstr(t, "{\"ph\":\"M\",\"pid\":200,\"tid\":42,") &&
		      strstr(t, "{\"ph\":\"X\",\"pid\":100,\"tid\":42,") &&
		      strstr(t, "{\"ph\":\"X\",\"pid\":200,\"tid\":42,") &&
		      strstr(t, "pid\":100") < strstr(t, "pid\":200"),
	      "chrome: each thread's spans under its own process, processes in order");
	free(t);
	profile_release(&p);

	/* --subprocesses (issue 18): each process named, "process PID (NAME)", in place of the
	 * run's title (which otherData keeps). */
	struct fixture fxp;
	profile_init(&p);
	p.keep_timeline = 1;
	fixture_processes(&p, &fxp);
	o.processes = 1;
	t = render(out_chrome_write, &p, &o);
	CHECK_STR(t, "{\"traceEvents\":[\n"
		     "{\"ph\":\"M\",\"pid\":100,\"name\":\"process_name\",\"args\":{\"name\":\"process 100 (python3 pool.py)\"}},\n"
		     "{\"ph\":\"M\",\"pid\":200,\"name\":\"process_name\",\"args\":{\"name\":\"process 200 (python3 -c spawn_main)\"}},\n"
		     "{\"ph\":\"M\",\"pid\":100,\"tid\":42,\"name\":\"thread_name\",\"args\":{\"name\":\"MainThread\"}},\n"
		     "{\"ph\":\"M\",\"pid\":200,\"tid\":42,\"name\":\"thread_name\",\"args\":{\"name\":\"MainThread\"}},\n"
		     "{\"ph\":\"X\",\"pid\":200,\"tid\":42,\"ts\":1000,\"dur\":1000,\"name\":\"g\",\"cat\":\"python\",\"args\":{\"file\":\"b.py\",\"line\":7}},\n"
		     "{\"ph\":\"X\",\"pid\":200,\"tid\":42,\"ts\":1000,\"dur\":1000,\"name\":\"f\",\"cat\":\"python\",\"args\":{\"file\":\"a.py\",\"line\":4}},\n"
		     "{\"ph\":\"X\",\"pid\":200,\"tid\":42,\"ts\":0,\"dur\":2000,\"name\":\"<module>\",\"cat\":\"python\",\"args\":{\"file\":\"a.py\",\"line\":10}},\n"
		     "{\"ph\":\"X\",\"pid\":100,\"tid\":42,\"ts\":0,\"dur\":3000,\"name\":\"g\",\"cat\":\"python\",\"args\":{\"file\":\"b.py\",\"line\":7}},\n"
		     "{\"ph\":\"X\",\"pid\":100,\"tid\":42,\"ts\":0,\"dur\":3000,\"name\":\"f\",\"cat\":\"python\",\"args\":{\"file\":\"a.py\",\"line\":3}},\n"
		     "{\"ph\":\"X\",\"pid\":100,\"tid\":42,\"ts\":0,\"dur\":3000,\"name\":\"<module>\",\"cat\":\"python\",\"args\":{\"file\":\"a.py\",\"line\":10}}\n"
		     "],\"displayTimeUnit\":\"ms\",\"otherData\":{\"samples\":4,\"idle\":1,\"title\":\"run\"}}\n",
		  "chrome processes: a process_name event per process, each track under its own");
	free(t);
	/* A thread of no known process (a replayed image) runs in the run's; a process of two
	 * threads is named once. */
	uint32_t replayed = profile_thread(&p, 0, 0x2000, 43, "replayed");
	uint32_t worker = profile_thread(&p, 200, 0x3000, 44, "worker");
	profile_add_event(&p, 5000, profile_add_stack(&p, replayed, fxp.s3, 1, 1));
	profile_add_event(&p, 5000, profile_add_stack(&p, worker, fxp.s3, 1, 1));
	t = render(out_chrome_write, &p, &o);
	CHECK(t && strstr(t, "{\"traceEvents\":[\n"
			     "{\"ph\":\"M\",\"pid\":9,\"name\":\"process_name\",\"args\":{\"name\":\"process 9\"}},\n"
			     "{\"ph\":\"M\",\"pid\":100,\"name\":\"process_name\",") &&
		      strstr(t, "{\"ph\":\"M\",\"pid\":9,\"tid\":43,\"name\":\"thread_name\"") &&
		      count_of(t, "\"name\":\"process_name\"") == 3,
	      "chrome processes: a thread of no known process under the run's pid ('process PID'); "
	      "each process named once");
	free(t);
	/* A thread with no name stands for its whole process: its process's name, none of its own. */
	uint32_t whole = profile_thread(&p, 300, 0, 0, "");
	profile_add_event(&p, 6000, profile_add_stack(&p, whole, fxp.s3, 1, 1));
	t = render(out_chrome_write, &p, &o);
	CHECK(t && strstr(t, "{\"ph\":\"M\",\"pid\":300,\"name\":\"process_name\",\"args\":{\"name\":\"process 300\"}}") &&
		      !strstr(t, "\"pid\":300,\"tid\":0,\"name\":\"thread_name\"") &&
		      strstr(t, "{\"ph\":\"X\",\"pid\":300,\"tid\":0,"),
	      "chrome processes: a thread with no name, its spans under its process, no thread_name");
	free(t);
	o.processes = 0;
	profile_release(&p);

	profile_init(&p);
	t = render(out_chrome_write, &p, &o);
	CHECK(t && strstr(t, "\"traceEvents\":[\n{\"ph\":\"M\"") && strstr(t, "\"samples\":0"),
	      "chrome: an empty profile is still a trace");
	free(t);
	profile_release(&p);
}

int main(void)
{
	test_escaping();
	test_speedscope();
	test_speedscope_processes();
	test_chrome();
	return check_exit();
}
