/* test_svg.c: the SVG writer on profiles with known stacks: names escaped and kept valid UTF-8,
 * each frame's samples and share, boxes in name order, tiny boxes left out, -n merging, thread
 * names and idle as frames, labels cut to their box, the flame chart's boxes from the
 * timeline (one per run of samples, one lane per thread), empty profiles and write errors;
 * process boxes under each process's stacks (--subprocesses). */
#include <stdlib.h>

#include "check.h"
#include "fixture_profile.h"
#include "output/frames.h"
#include "output/output.h"
#include "profile/profile.h"

static char *svg_of(const struct profile *p, const struct out_options *o, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r = out_svg_write(p, o, f);
	fclose(f);
	if (rc)
		*rc = r;
	return text;
}

static int count_of(const char *text, const char *needle)
{
	int n = 0;
	for (const char *s = text; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		n++;
	return n;
}

/* Whether text is a whole document: the declaration, one root element, closed at the end. */
static int complete(const char *text)
{
	size_t n = strlen(text);
	return strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"", 36) == 0 &&
	       count_of(text, "<svg ") == 1 && n > 7 && strcmp(text + n - 7, "</svg>\n") == 0;
}

/* The position of needle in text, or -1: boxes are written in layout order. */
static long where(const char *text, const char *needle)
{
	const char *s = strstr(text, needle);
	return s ? s - text : -1;
}

static void test_graph(void)
{
	struct profile p;
	profile_init(&p);
	uint32_t mod = profile_frame(&p, "a.py", "<module>", 10);
	uint32_t f3 = profile_frame(&p, "a.py", "f", 3), f4 = profile_frame(&p, "a.py", "f", 4);
	uint32_t g = profile_frame(&p, "/lib/b.py", "g", 7);
	uint32_t odd = profile_frame(&p, "x&y.py", "a<b>&\"c'd", 1);
	uint32_t s1[] = { mod, f3, g }, s2[] = { mod, f4, g }, s3[] = { mod }, s4[] = { mod, odd };
	profile_add_stack(&p, PROF_NO_THREAD, s1, 3, 5);
	profile_add_stack(&p, PROF_NO_THREAD, s2, 3, 2);
	profile_add_stack(&p, PROF_NO_THREAD, s3, 1, 1);
	profile_add_stack(&p, PROF_NO_THREAD, s4, 2, 2);
	p.idle = 10;
	p.start_us = 1000000;
	p.end_us = 2500000;
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .title = "pyflame -p 1 <&>" };
	int rc;
	char *t = svg_of(&p, &o, &rc);
	CHECK_INT(rc, 0, "graph: written");
	CHECK(complete(t), "graph: a whole document");
	CHECK(strstr(t, "<script type=\"text/ecmascript\"><![CDATA[") != NULL,
	      "graph: the script is inside, in CDATA");
	CHECK_INT(count_of(t, "]]>"), 2, "graph: ']]>' only closes the style and the script");
	CHECK(!strstr(t, "href") && !strstr(t, "url(") && !strstr(t, "@import") && !strstr(t, "<image"),
	      "graph: nothing loaded from outside");
	CHECK(strstr(t, ">pyflame -p 1 &lt;&amp;&gt; \xe2\x80\x94 1.50 s, 20 samples</text>") != NULL,
	      "graph: heading with title escaped, duration and sample count");
	CHECK(strstr(t, "<g class=\"f root\" data-x=\"0\" data-n=\"20\" data-d=\"0\"><title>all\n"
			"20 samples, 100.00%</title>") != NULL,
	      "graph: the root holds every sample");

	/* Escaping: the raw name never appears, the escaped one in label and tooltip. */
	CHECK(strstr(t, "a<b>") == NULL && strstr(t, "c'd") == NULL, "graph: no raw markup");
	CHECK_INT(count_of(t, "a&lt;b&gt;&amp;&quot;c&apos;d (x&amp;y.py:1)"), 2,
		  "graph: name escaped in data-l and title");
	CHECK(strstr(t, ">a&lt;b&gt;&amp;&quot;c&apos;d (x&amp;y..</text>") != NULL,
	      "graph: and in the box, cut to its 118 px");

	/* Counts and shares, and the layout: children in name order, each after the previous. */
	CHECK(strstr(t, "<g class=\"f\" data-x=\"10\" data-n=\"10\" data-d=\"1\" data-l=\"&lt;module&gt; "
			"(a.py:10)\"><title>&lt;module&gt; (a.py:10)\n10 samples, 50.00%</title>") != NULL,
	      "graph: <module> has 10 samples, 50%, after (idle)");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"10\" data-d=\"1\"><title>(idle)\n10 samples, "
			"50.00%</title>") != NULL,
	      "graph: (idle) under the root, first by name");
	CHECK(strstr(t, "data-x=\"13\" data-n=\"5\" data-d=\"2\" data-l=\"f (a.py:3)\"><title>f "
			"(a.py:3)\n5 samples, 25.00%</title>") != NULL,
	      "graph: f:3 has 5 samples, after a<b>'s 2");
	CHECK(strstr(t, "data-x=\"18\" data-n=\"2\" data-d=\"2\" data-l=\"f (a.py:4)\"") != NULL,
	      "graph: f:4 next to it");
	CHECK(strstr(t, "data-x=\"13\" data-n=\"5\" data-d=\"3\" data-l=\"g (b.py:7)\"><title>g "
			"(/lib/b.py:7)\n5 samples, 25.00%</title>") != NULL,
	      "graph: g above f:3, base name in the box, full path in the tooltip");
	CHECK(where(t, "f (a.py:3)\"") < where(t, "f (a.py:4)\""), "graph: f:3 written before f:4");
	CHECK(strstr(t, ">f (a.py:3)</text>") != NULL, "graph: a wide box shows its whole label");
	char *again = svg_of(&p, &o, NULL);
	CHECK(strcmp(t, again) == 0, "graph: the same profile gives the same bytes");
	free(again);
	free(t);

	/* -n: lines of one function merge; -x: no idle box. */
	o.line_numbers = 0;
	o.include_idle = 0;
	t = svg_of(&p, &o, NULL);
	CHECK_INT(count_of(t, "data-l=\"f (a.py)\""), 1, "-n: one box for f");
	CHECK(strstr(t, "data-x=\"3\" data-n=\"7\" data-d=\"2\" data-l=\"f (a.py)\"><title>f (a.py)\n"
			"7 samples, 70.00%</title>") != NULL,
	      "-n: f has the 7 samples of both lines, 70% of 10");
	CHECK_INT(count_of(t, "data-l=\"g (b.py)\""), 1, "-n: g merged too, above f");
	CHECK(strstr(t, "(idle)") == NULL, "-x: no idle box");
	CHECK(strstr(t, "\xe2\x80\x94 1.50 s, 10 samples (10 idle not shown)<") != NULL,
	      "-x: idle not in the total");
	free(t);
	profile_release(&p);
}

static void test_small_and_names(void)
{
	struct profile p;
	profile_init(&p);
	uint32_t mod = profile_frame(&p, "m.py", "<module>", 1);
	uint32_t big = profile_frame(&p, "m.py", "big", 2), tiny = profile_frame(&p, "m.py", "tiny", 3);
	uint32_t above = profile_frame(&p, "m.py", "above_tiny", 4);
	uint32_t mid = profile_frame(&p, "m.py", "mid", 5);
	uint32_t uni = profile_frame(&p, "\xc3\xbc.py", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 6);
	uint32_t bad = profile_frame(&p, "m.py", "bad\xff\x01" "name", 7);
	uint32_t s1[] = { mod, big }, s2[] = { mod, tiny, above }, s3[] = { mod, mid };
	uint32_t s4[] = { mod, uni }, s5[] = { mod, bad };
	profile_add_stack(&p, PROF_NO_THREAD, s1, 2, 4691);
	profile_add_stack(&p, PROF_NO_THREAD, s2, 3, 4);   /* under 1/1000 of 5000 */
	profile_add_stack(&p, PROF_NO_THREAD, s3, 2, 5);   /* exactly 1/1000 */
	profile_add_stack(&p, PROF_NO_THREAD, s4, 2, 150); /* 3%: 35 px, room for 4 characters */
	profile_add_stack(&p, PROF_NO_THREAD, s5, 2, 150);
	struct out_options o = { .line_numbers = 1, .include_idle = 1 };
	char *t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "tiny") == NULL && strstr(t, "above_tiny") == NULL,
	      "small: a box under 0.1% and what is on it left out");
	CHECK(strstr(t, "data-l=\"mid (m.py:5)\"") != NULL, "small: a box of 0.1% kept");
	CHECK(strstr(t, "data-n=\"5000\" data-d=\"1\" data-l=\"&lt;module&gt; (m.py:1)\"") != NULL,
	      "small: left-out samples still count below");
	CHECK(strstr(t, ">Flame graph \xe2\x80\x94 5000 samples</text>") != NULL,
	      "small: default title, no duration without times");
	CHECK(strstr(t, "\">\xc3\xa9\xc3\xa9..</text>") != NULL,
	      "small: a label cut to its box between characters, with '..'");
	CHECK(strstr(t, "data-l=\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 (\xc3\xbc.py:6)\"") != NULL,
	      "small: UTF-8 names kept");
	CHECK(strstr(t, "bad\xef\xbf\xbd\xef\xbf\xbdname (m.py:7)") != NULL,
	      "small: a byte that is not UTF-8 and a control character become U+FFFD");
	CHECK(strstr(t, "\xff") == NULL && strstr(t, "\x01") == NULL, "small: no raw bad bytes");
	free(t);

	/* Thread names: the thread is the outermost frame, its stacks above it. */
	profile_release(&p);
	profile_init(&p);
	mod = profile_frame(&p, "m.py", "<module>", 1);
	uint32_t main_t = profile_thread(&p, 0, 1, 100, "MainThread");
	uint32_t work_t = profile_thread(&p, 0, 2, 101, "worker");
	uint32_t s6[] = { mod };
	profile_add_stack(&p, main_t, s6, 1, 3);
	profile_add_stack(&p, work_t, s6, 1, 1);
	o.thread_names = 1;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"1\"><title>MainThread\n3 samples, "
			"75.00%</title><rect x=\"10.0\" y=\"66.0\" width=\"884.5\" height=\"15\" "
			"fill=\"rgb(130,165,220)\"/>") != NULL,
	      "threads: MainThread as a root frame, in its own colour");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"2\" data-l=\"&lt;module&gt; (m.py:1)\"") != NULL,
	      "threads: MainThread's frames on it");
	CHECK(strstr(t, "data-x=\"3\" data-n=\"1\" data-d=\"1\"><title>worker\n") != NULL,
	      "threads: worker beside it");
	free(t);
	o.thread_names = 0;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "MainThread") == NULL, "threads: no names unless asked");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"4\" data-d=\"1\" data-l=\"&lt;module&gt; (m.py:1)\"") != NULL,
	      "threads: merged when not named");
	free(t);
	profile_release(&p);
}

static void test_colours(void)
{
	struct profile p;
	profile_init(&p);
	uint32_t a1 = profile_frame(&p, "same.py", "one", 1), a2 = profile_frame(&p, "same.py", "two", 2);
	uint32_t s1[] = { a1 }, s2[] = { a2 };
	profile_add_stack(&p, PROF_NO_THREAD, s1, 1, 1);
	profile_add_stack(&p, PROF_NO_THREAD, s2, 1, 1);
	struct out_options o = { .line_numbers = 1 };
	char *t = svg_of(&p, &o, NULL);
	/* One file, one hue: the colour of each box, as red/green/blue ratios to its red. */
	int r[2] = { 0, 0 }, g[2] = { 0, 0 }, b[2] = { 0, 0 }, k = 0;
	for (const char *s = t; k < 2 && (s = strstr(s, "fill=\"rgb(")) != NULL; s++) {
		int rr, gg, bb;
		if (sscanf(s, "fill=\"rgb(%d,%d,%d)", &rr, &gg, &bb) == 3 && rr > bb + 60) {
			r[k] = rr, g[k] = gg, b[k] = bb;
			k++;
		}
	}
	CHECK_INT(k, 2, "colours: two warm boxes");
	double h0 = (double)(g[0] - b[0]) / (r[0] - b[0]), h1 = (double)(g[1] - b[1]) / (r[1] - b[1]);
	CHECK(k == 2 && h0 - h1 < 0.03 && h1 - h0 < 0.03, "colours: same file, same hue");
	free(t);
	profile_release(&p);
}

static void test_chart(void)
{
	struct profile p;
	struct fixture fx;
	profile_init(&p);
	p.keep_timeline = 1;
	p.interval = 0.01;
	fixture_frames(&p, &fx);
	uint32_t id1 = profile_add_stack(&p, PROF_NO_THREAD, fx.s1, 3, 0);
	uint32_t id2 = profile_add_stack(&p, PROF_NO_THREAD, fx.s2, 3, 0);
	uint64_t t0 = 1700000000000000ull;
	uint32_t seq[] = { id1, id1, id1, id2, INTERN_NONE, id1 };
	for (int i = 0; i < 6; i++) {
		profile_add_event(&p, t0 + 10000u * (unsigned)i, seq[i]);
		if (seq[i] == INTERN_NONE)
			p.idle++;
		else
			profile_add_stack(&p, PROF_NO_THREAD, seq[i] == id1 ? fx.s1 : fx.s2, 3, 1);
	}
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .flamechart = 1 };
	int rc;
	char *t = svg_of(&p, &o, &rc);
	CHECK_INT(rc, 0, "chart: written");
	CHECK(complete(t) && strstr(t, "data-mode=\"chart\"") != NULL, "chart: a whole flame chart");
	CHECK(strstr(t, "<g class=\"f root\" data-x=\"0\" data-n=\"6\" data-d=\"0\" data-w=\"60000\">") != NULL,
	      "chart: the root spans all six samples, the last one interval long");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"4\" data-d=\"1\" data-w=\"40000\" data-l=\"&lt;module&gt; "
			"(a.py:10)\"") != NULL,
	      "chart: <module> over four consecutive samples is one box");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"2\" data-w=\"30000\" data-l=\"f (a.py:3)\"><title>f "
			"(a.py:3)\n3 samples, 50.00%, 0.030 s from 0.000 s</title>") != NULL,
	      "chart: f:3 over three samples is one box");
	CHECK(strstr(t, "data-x=\"30000\" data-n=\"1\" data-d=\"3\" data-w=\"10000\" data-l=\"g (b.py:7)\"") != NULL,
	      "chart: g under f:4 is a box of its own");
	CHECK(strstr(t, "data-x=\"40000\" data-n=\"1\" data-d=\"1\" data-w=\"10000\"><title>(idle)") != NULL,
	      "chart: the idle sample in its place");
	CHECK(strstr(t, "data-x=\"50000\" data-n=\"1\" data-d=\"1\" data-w=\"10000\" data-l=\"&lt;module&gt;") != NULL,
	      "chart: <module> again after idle, a new box");
	CHECK_INT(count_of(t, "data-l=\"g (b.py:7)\""), 3, "chart: g three times");
	CHECK(strstr(t, "data-d=\"3\"") != NULL && strstr(t, "data-d=\"4\"") == NULL,
	      "chart: three rows above the root");
	free(t);
	o.include_idle = 0;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "(idle)") == NULL && strstr(t, "data-n=\"5\" data-d=\"0\" data-w=\"60000\"") != NULL,
	      "chart -x: idle time left empty, not counted");
	free(t);

	/* Two threads sampled at the same ticks: a lane each, the name first. */
	uint32_t ta = profile_thread(&p, 0, 1, 100, "MainThread"), tb = profile_thread(&p, 0, 2, 101, "worker");
	uint32_t ia = profile_add_stack(&p, ta, fx.s1, 3, 0);
	uint32_t ib = profile_add_stack(&p, tb, fx.s2, 3, 0);
	free(p.events);
	p.events = NULL;
	p.n_events = p.events_cap = 0;
	p.keep_timeline = 1;
	for (int i = 0; i < 3; i++) {
		profile_add_event(&p, t0 + 10000u * (unsigned)i, ia);
		profile_add_event(&p, t0 + 10000u * (unsigned)i, ib);
	}
	/* Only stacks with threads now: the old ones have no samples in the timeline. */
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-lanes=\"2\"") != NULL, "lanes: one per thread in the timeline");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"1\" data-w=\"30000\" data-lane=\"0\"><title>MainThread") != NULL,
	      "lanes: MainThread's lane starts with its name");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"5\" data-w=\"30000\" data-lane=\"1\"><title>worker") != NULL,
	      "lanes: worker's lane below MainThread's four rows");
	CHECK(strstr(t, "data-n=\"6\" data-d=\"0\" data-w=\"30000\"") != NULL,
	      "lanes: the root counts both threads' samples");
	free(t);

	/* Stacks without threads, two a tick (--threads, threads not tagged): a lane for each
	 * place in the tick, so neither is lost. */
	free(p.events);
	p.events = NULL;
	p.n_events = p.events_cap = 0;
	for (int i = 0; i < 3; i++) {
		profile_add_event(&p, t0 + 10000u * (unsigned)i, id1);
		profile_add_event(&p, t0 + 10000u * (unsigned)i, i < 2 ? id2 : id1);
	}
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-lanes=\"2\"") != NULL, "untagged: two lanes");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"2\" data-w=\"30000\" data-lane=\"0\" data-l=\"f (a.py:3)\"") != NULL,
	      "untagged: the first stack of each tick on the first lane");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"2\" data-d=\"5\" data-w=\"20000\" data-lane=\"1\" data-l=\"f (a.py:4)\"") != NULL &&
	      strstr(t, "data-x=\"20000\" data-n=\"1\" data-d=\"5\" data-w=\"10000\" data-lane=\"1\" data-l=\"f (a.py:3)\"") != NULL,
	      "untagged: the second on the second lane, below the first's three rows");
	free(t);

	/* No timeline: a valid picture that says so. */
	free(p.events);
	p.events = NULL;
	p.n_events = p.events_cap = 0;
	t = svg_of(&p, &o, &rc);
	CHECK(rc == 0 && complete(t) && strstr(t, ">no samples</text>") != NULL,
	      "chart: no events, no samples");
	free(t);
	profile_release(&p);
}

static void test_empty_and_errors(void)
{
	struct profile p;
	profile_init(&p);
	struct out_options o = { .line_numbers = 1, .include_idle = 1 };
	int rc;
	char *t = svg_of(&p, &o, &rc);
	CHECK(rc == 0 && complete(t) && strstr(t, ">no samples</text>") != NULL,
	      "empty: a whole SVG saying no samples");
	CHECK(strstr(t, "<script") == NULL && strstr(t, "class=\"f") == NULL, "empty: no frames");
	free(t);
	p.idle = 3;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-n=\"3\" data-d=\"1\"><title>(idle)") != NULL, "empty: idle only is drawn");
	free(t);
	o.include_idle = 0;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, ">no samples</text>") != NULL, "empty: idle only with -x is no samples");
	free(t);

	uint32_t fr = profile_frame(&p, "a.py", "f", 1), s[] = { fr };
	profile_add_stack(&p, PROF_NO_THREAD, s, 1, 1);
	FILE *ro = fopen("/dev/null", "r");
	CHECK(ro != NULL, "errors: /dev/null opened for reading");
	if (ro) {
		CHECK_INT(out_svg_write(&p, &o, ro), -1, "errors: a stream that cannot be written fails");
		fclose(ro);
	}
	profile_release(&p);
}

/* With -x the heading counts the samples drawn and says how many idle ones are not, in the
 * picture and in the document's title, for a flame graph and a flame chart alike. */
static void test_heading_idle(void)
{
	struct profile p;
	profile_init(&p);
	p.keep_timeline = 1;
	uint32_t f = profile_frame(&p, "a.py", "f", 1), s[] = { f };
	uint32_t id = profile_add_stack(&p, PROF_NO_THREAD, s, 1, 0);
	for (int i = 0; i < 5; i++) {
		int idle = i % 2;
		profile_add_event(&p, 1700000000000000ull + 10000u * (unsigned)i,
				  idle ? INTERN_NONE : id);
		if (idle)
			p.idle++;
		else
			profile_add_stack(&p, PROF_NO_THREAD, s, 1, 1);
	}
	struct out_options o = { .line_numbers = 1 };
	for (int chart = 0; chart < 2; chart++) {
		o.flamechart = chart;
		char *t = svg_of(&p, &o, NULL);
		const char *want = chart ? "Flame chart \xe2\x80\x94 3 samples (2 idle not shown)"
					 : "Flame graph \xe2\x80\x94 3 samples (2 idle not shown)";
		CHECK_INT(count_of(t, want), 2, chart ? "heading -x, chart: 3 drawn, 2 idle not shown"
						     : "heading -x, graph: 3 drawn, 2 idle not shown");
		free(t);
	}
	o.include_idle = 1;
	o.flamechart = 0;
	char *t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "\xe2\x80\x94 5 samples<") != NULL && strstr(t, "not shown") == NULL,
	      "heading: idle shown, counted, nothing said");
	free(t);
	profile_release(&p);
}

/* A flame chart's size follows changes, not samples: a run of identical samples is one box
 * however long. When only the GIL holder was read (no tick holds two stacks), a thread missing
 * from a tick ran no Python code, so its frames stay one box across the ticks other threads
 * (or nobody) held the GIL, and idle samples of a chart by thread get a lane of their own;
 * with every thread read at every tick (--threads), a thread missing from one had no frame,
 * and its boxes end there. */
static void test_chart_follows_changes(void)
{
	struct profile p;
	profile_init(&p);
	p.keep_timeline = 1;
	p.interval = 0.01;
	uint32_t mod = profile_frame(&p, "a.py", "<module>", 1), fa = profile_frame(&p, "a.py", "fa", 2);
	uint32_t fb = profile_frame(&p, "a.py", "fb", 3), g = profile_frame(&p, "a.py", "g", 4);
	uint32_t sa[] = { mod, fa }, sb[] = { mod, fb }, sa2[] = { mod, fa, g };
	uint64_t t0 = 1700000000000000ull;
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .flamechart = 1 };

	/* One stack, 10 samples and then 1000: the same boxes, only wider. */
	uint32_t one = profile_add_stack(&p, PROF_NO_THREAD, sa, 2, 0);
	for (unsigned i = 0; i < 10; i++)
		profile_add_event(&p, t0 + 10000u * i, one);
	char *t = svg_of(&p, &o, NULL);
	int few = count_of(t, "<g class=");
	free(t);
	for (unsigned i = 10; i < 1000; i++)
		profile_add_event(&p, t0 + 10000u * i, one);
	t = svg_of(&p, &o, NULL);
	CHECK(few == 3 && count_of(t, "<g class=") == few &&
		      strstr(t, "data-x=\"0\" data-n=\"1000\" data-d=\"2\" data-w=\"10000000\"") != NULL,
	      "changes: 10 or 1000 identical samples, the same three boxes");
	free(t);

	/* The GIL holder only: A, B, A, B, idle, A one call deeper. */
	uint32_t ta = profile_thread(&p, 0, 1, 100, "A"), tb = profile_thread(&p, 0, 2, 101, "B");
	uint32_t ia = profile_add_stack(&p, ta, sa, 2, 0), ib = profile_add_stack(&p, tb, sb, 2, 0);
	uint32_t ia2 = profile_add_stack(&p, ta, sa2, 3, 0);
	uint32_t seq[] = { ia, ib, ia, ib, INTERN_NONE, ia2 };
	free(p.events);
	p.events = NULL;
	p.n_events = p.events_cap = 0;
	for (unsigned i = 0; i < 6; i++)
		profile_add_event(&p, t0 + 10000u * i, seq[i]);
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-lanes=\"3\"") != NULL, "holder only: a lane per thread, one for idle");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"3\" data-w=\"60000\" data-lane=\"0\" "
			"data-l=\"fa (a.py:2)\"") != NULL,
	      "holder only: A's fa is one box across B's turns and the idle tick");
	CHECK(strstr(t, "data-x=\"50000\" data-n=\"1\" data-d=\"4\" data-w=\"10000\" data-lane=\"0\" "
			"data-l=\"g (a.py:4)\"") != NULL,
	      "holder only: g on it where A was seen in it");
	CHECK(strstr(t, "data-x=\"10000\" data-n=\"2\" data-d=\"7\" data-w=\"30000\" data-lane=\"1\" "
			"data-l=\"fb (a.py:3)\"") != NULL,
	      "holder only: B's fb one box, ending where B was last missed");
	CHECK(strstr(t, "data-x=\"40000\" data-n=\"1\" data-d=\"8\" data-w=\"10000\" data-lane=\"2\">"
			"<title>(idle)") != NULL,
	      "holder only: idle on its own lane, not on A's");
	CHECK_INT(count_of(t, "<g class="), 9, "holder only: 9 boxes (root, A, B, idle and 5 frames)");
	free(t);

	/* Every thread at every tick (--threads): A missing from the second tick had no frame. */
	free(p.events);
	p.events = NULL;
	p.n_events = p.events_cap = 0;
	for (unsigned i = 0; i < 3; i++) {
		if (i != 1)
			profile_add_event(&p, t0 + 10000u * i, ia);
		profile_add_event(&p, t0 + 10000u * i, ib);
	}
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-x=\"0\" data-n=\"1\" data-d=\"3\" data-w=\"10000\" data-lane=\"0\" "
			"data-l=\"fa (a.py:2)\"") != NULL &&
		      strstr(t, "data-x=\"20000\" data-n=\"1\" data-d=\"3\" data-w=\"10000\" "
				"data-lane=\"0\" data-l=\"fa (a.py:2)\"") != NULL,
	      "all threads: A's boxes end at the tick it had no frame");
	free(t);

	/* One thread and idle: the idle lane needs no thread's name to tell it apart. */
	free(p.events);
	p.events = NULL;
	p.n_events = p.events_cap = 0;
	profile_add_event(&p, t0, ia);
	profile_add_event(&p, t0 + 10000u, INTERN_NONE);
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-lanes=\"2\"") != NULL && strstr(t, "<title>A\n") == NULL &&
		      strstr(t, "data-x=\"0\" data-n=\"1\" data-d=\"1\" data-w=\"10000\" data-lane=\"0\" "
				"data-l=\"&lt;module&gt; (a.py:1)\"") != NULL,
	      "one thread: its lane and the idle lane, no thread box unless asked");
	free(t);
	profile_release(&p);
}

/* A flame chart has a time axis above its lanes: a tick at every multiple of the smallest 1, 2
 * or 5 times a power of ten that keeps ticks 90 px apart, labelled in seconds since the first
 * sample; the lanes start below it. A flame graph has none. */
static void test_chart_axis(void)
{
	struct profile p;
	profile_init(&p);
	p.keep_timeline = 1;
	p.interval = 0.01;
	uint32_t f = profile_frame(&p, "a.py", "f", 1), s[] = { f };
	uint32_t id = profile_add_stack(&p, PROF_NO_THREAD, s, 1, 6);
	for (unsigned i = 0; i < 6; i++)
		profile_add_event(&p, 1700000000000000ull + 10000u * i, id);
	struct out_options o = { .line_numbers = 1, .flamechart = 1 };
	char *t = svg_of(&p, &o, NULL);
	/* 60 ms over 1180 px: 90 px is 4.6 ms, so a tick every 5 ms, 13 of them, 98.3 px apart. */
	CHECK(strstr(t, "<g id=\"axis\" data-y=\"50\" data-h=\"20\" data-tick=\"90\"><line x1=\"10\" "
			"y1=\"69.5\" x2=\"1190\" y2=\"69.5\"/><line x1=\"10.0\" y1=\"56\" x2=\"10.0\" "
			"y2=\"70\"/><text x=\"13.0\" y=\"64\">0.000 s</text>") != NULL,
	      "axis: a line above the lanes, the first tick at 0.000 s");
	CHECK(strstr(t, "<line x1=\"108.3\" y1=\"56\" x2=\"108.3\" y2=\"70\"/><text x=\"111.3\" "
			"y=\"64\">0.005 s</text>") != NULL,
	      "axis: the next at 0.005 s, 98.3 px on");
	CHECK_INT(count_of(t, " s</text>"), 12, "axis: 12 labels, 0 to 0.055 s");
	CHECK_INT(count_of(t, "y2=\"70\"/>"), 13, "axis: 13 ticks, the last (0.060 s) too near the edge "
						       "for its label");
	CHECK(strstr(t, "<rect x=\"10.0\" y=\"70.0\"") != NULL, "axis: the lanes start below it");
	CHECK(strstr(t, "height=\"128\"") != NULL, "axis: the picture is taller by its 20 px");
	free(t);

	/* 7.5 s: a tick a second, labels without decimals. */
	free(p.events);
	p.events = NULL;
	p.n_events = p.events_cap = 0;
	for (unsigned i = 0; i < 750; i++)
		profile_add_event(&p, 1700000000000000ull + 10000u * i, id);
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, ">1 s</text>") != NULL && strstr(t, ">7 s</text>") != NULL &&
		      count_of(t, " s</text>") == 8,
	      "axis: 7.5 s, a tick a second from 0 s to 7 s");
	free(t);

	o.flamechart = 0;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "id=\"axis\"") == NULL, "axis: none in a flame graph");
	free(t);
	profile_release(&p);
}

/* The files' short names: the fewest trailing components that no other file ends with. */
static void test_file_suffixes(void)
{
	static const char *const files[][2] = {
		{ "/x/a/__init__.py", "x/a/__init__.py" },
		{ "/y/a/__init__.py", "y/a/__init__.py" },
		{ "/z/c/__init__.py", "c/__init__.py" },
		{ "/lib/only.py", "only.py" },
		{ "a/b.py", "a/b.py" },   /* relative: its whole path is its longest ending */
		{ "/a/b.py", "/a/b.py" }, /* which the absolute one differs from by its '/' */
		{ "<frozen zipimport>", "<frozen zipimport>" },
		{ "", "" },
	};
	struct profile p;
	profile_init(&p);
	uint32_t ids[8];
	for (int i = 0; i < 8; i++)
		ids[i] = profile_frame_get(&p, profile_frame(&p, files[i][0], "f", 1))->file;
	uint32_t name = profile_frame_get(&p, 0)->func;
	const char **s = out_file_suffixes(&p);
	CHECK(s != NULL, "suffixes: built");
	for (int i = 0; s && i < 8; i++) {
		char what[128];
		snprintf(what, sizeof what, "suffixes: %s shows as %s", files[i][0], files[i][1]);
		CHECK_STR(s[ids[i]], files[i][1], what);
	}
	CHECK(s && s[name] == NULL, "suffixes: a function name is not a file");
	free(s);
	profile_release(&p);
}

/* Boxes name files by the ending of their paths that tells them apart, not by a base name
 * that two files share; the tooltip keeps the whole path. */
static void test_labels_tell_files_apart(void)
{
	struct profile p;
	profile_init(&p);
	uint32_t mod = profile_frame(&p, "/app/main.py", "<module>", 1);
	uint32_t a = profile_frame(&p, "/venv/json/__init__.py", "loads", 5);
	uint32_t b = profile_frame(&p, "/venv/email/__init__.py", "parse", 7);
	uint32_t s1[] = { mod, a }, s2[] = { mod, b };
	profile_add_stack(&p, PROF_NO_THREAD, s1, 2, 3);
	profile_add_stack(&p, PROF_NO_THREAD, s2, 2, 2);
	struct out_options o = { .line_numbers = 1 };
	char *t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-l=\"loads (json/__init__.py:5)\"><title>loads "
			"(/venv/json/__init__.py:5)\n") != NULL,
	      "files apart: json/__init__.py in the box, the whole path in the tooltip");
	CHECK(strstr(t, ">loads (json/__init__.py:5)</text>") != NULL,
	      "files apart: the box's text says json/__init__.py");
	CHECK(strstr(t, "data-l=\"parse (email/__init__.py:7)\"") != NULL,
	      "files apart: email/__init__.py for the other __init__.py");
	CHECK(strstr(t, "data-l=\"&lt;module&gt; (main.py:1)\"") != NULL,
	      "files apart: a base name no other file has stays alone");
	free(t);
	o.line_numbers = 0;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-l=\"loads (json/__init__.py)\"") != NULL, "files apart: -n too");
	free(t);
	profile_release(&p);
}

/* --subprocesses (issue 18): a process box under each process's stacks, below the thread's
 * name, its name in the tooltip's first line (what search matches), in the graph and in the
 * chart; the two main threads (one ident, one TID) under their own processes. */
static void test_processes(void)
{
	struct profile p;
	struct fixture fx;
	profile_init(&p);
	p.keep_timeline = 1;
	fixture_processes(&p, &fx);
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .processes = 1 };
	char *t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "<g class=\"f\" data-x=\"1\" data-n=\"3\" data-d=\"1\"><title>process 100 "
			"(python3 pool.py)\n3 samples, 50.00%</title><rect x=\"206.7\" y=\"98.0\" "
			"width=\"589.5\" height=\"15\" fill=\"rgb(150,150,210)\"/><text x=\"209.7\" "
			"y=\"110.0\">process 100 (python3 pool.py)</text></g>") != NULL,
	      "processes: the parent's box on the root, named for search, in its own colour");
	CHECK(strstr(t, "data-x=\"1\" data-n=\"3\" data-d=\"2\" data-l=\"&lt;module&gt; (a.py:10)\"") != NULL,
	      "processes: the parent's frames on its box");
	CHECK(strstr(t, "<g class=\"f\" data-x=\"4\" data-n=\"2\" data-d=\"1\"><title>process 200 "
			"(python3 -c spawn_main)\n2 samples, 33.33%</title>") != NULL,
	      "processes: the child's box beside it, its two stacks on it");
	CHECK(strstr(t, "data-x=\"5\" data-n=\"1\" data-d=\"3\" data-l=\"f (a.py:4)\"") != NULL,
	      "processes: the child's own frames on its box");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"1\" data-d=\"1\"><title>(idle)\n") != NULL,
	      "processes: idle stays a box of the whole run");
	free(t);

	o.thread_names = 1;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-x=\"1\" data-n=\"3\" data-d=\"2\"><title>MainThread\n") != NULL &&
		      strstr(t, "data-x=\"4\" data-n=\"2\" data-d=\"2\"><title>MainThread\n") != NULL,
	      "processes: each process's MainThread on its process's box");
	free(t);

	o.flamechart = 1;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"1\" data-w=\"3000\" data-lane=\"0\">"
			"<title>process 100 (python3 pool.py)\n") != NULL &&
		      strstr(t, "data-x=\"0\" data-n=\"3\" data-d=\"2\" data-w=\"3000\" "
				"data-lane=\"0\"><title>MainThread\n") != NULL,
	      "processes chart: the parent's lane starts with its process, then its thread");
	CHECK(strstr(t, "data-x=\"0\" data-n=\"2\" data-d=\"6\" data-w=\"2000\" data-lane=\"1\">"
			"<title>process 200 (python3 -c spawn_main)\n") != NULL,
	      "processes chart: the child's lane below, under its process");
	free(t);

	/* A thread with no name stands for its whole process: its frames on the process's box. */
	uint32_t whole = profile_thread(&p, 300, 0, 0, "");
	profile_add_stack(&p, whole, fx.s3, 1, 2);
	o.flamechart = 0;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "data-x=\"6\" data-n=\"2\" data-d=\"1\"><title>process 300\n2 samples") &&
		      strstr(t, "data-x=\"6\" data-n=\"2\" data-d=\"2\" data-l=\"&lt;module&gt; (a.py:10)\""),
	      "processes: a process not named is its pid; a thread with no name has no box under it");
	free(t);

	o.processes = 0;
	t = svg_of(&p, &o, NULL);
	CHECK(strstr(t, "process ") == NULL, "processes: no process box without --subprocesses");
	free(t);
	profile_release(&p);
}

int main(void)
{
	test_graph();
	test_small_and_names();
	test_colours();
	test_chart();
	test_empty_and_errors();
	test_heading_idle();
	test_chart_follows_changes();
	test_chart_axis();
	test_file_suffixes();
	test_labels_tell_files_apart();
	test_processes();
	return check_exit();
}
