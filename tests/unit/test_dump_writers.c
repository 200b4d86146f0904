/* test_dump_writers.c: the dump's text and JSON writers on a made-up snapshot: two threads (the
 * GIL holder's with a native frame between two Python ones, one with no Python frames), locals
 * whose names and reprs need JSON escaping, and each note a frame's locals can carry. The
 * outputs are compared whole; the JSON form is checked to say what the text says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "output/dump.h"
#include "output/output.h"
#include "profile/async_tasks.h"
#include "profile/profile.h"
#include "profile/snapshot.h"

/* Writes with fn into a string (malloc'd). */
static char *capture(int (*fn)(FILE *f, void *arg), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	int rc = fn(f, arg);
	fclose(f);
	if (rc != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct run {
	struct profile *p;
	struct dump_snapshot *s;
	size_t n;
	int processes;
	struct out_options o;
};

static int text_fn(FILE *f, void *arg)
{
	struct run *r = arg;
	return out_dump_text_write(r->p, r->s, &r->o, f);
}

static int json_fn(FILE *f, void *arg)
{
	struct run *r = arg;
	return out_dump_json_write(r->p, r->s, r->n, r->processes, &r->o, f);
}

static int dash_d_fn(FILE *f, void *arg)
{
	struct run *r = arg;
	return out_dump_write(r->p, r->s->threads, r->s->n_threads, &r->o, f);
}

/* The snapshot: thread 101 (GIL) in leaf <- qsort (native) <- main, thread 102 idle. */
static void build(struct profile *p, struct dump_snapshot *s, int with_locals)
{
	uint32_t main_id = profile_frame(p, "/a/x.py", "main", 9);
	uint32_t native = profile_frame(p, "libc.so.6", "qsort", 0);
	uint32_t leaf = profile_frame(p, "/a/x.py", "leaf", 3);
	uint32_t frames[] = { main_id, native, leaf };
	uint32_t stack = profile_add_stack(p, PROF_NO_THREAD, frames, 3, 1);

	dump_snapshot_init(s);
	s->pid = 100;
	s->major = 3;
	s->minor = 12;
	s->with_locals = with_locals;
	struct dump_thread *d = dump_snapshot_add_thread(s);
	d->tid = 101;
	d->ident = 0x7f0001;
	d->holds_gil = 1;
	snprintf(d->name, sizeof d->name, "Main\"Thread");
	d->stack = stack;
	dump_snapshot_add_frames(s, 3, &d->first_frame);
	d->n_frames = 3;
	struct dump_frame *fr = &s->frames[d->first_frame];
	/* outermost first, as the stack: main, qsort, leaf */
	fr[0].python = 1;
	fr[1].python = 0;
	fr[2].python = 1;
	if (with_locals) {
		fr[2].locals = DUMP_LOCALS_READ;
		fr[2].first_local = (uint32_t)s->n_locals;
		dump_snapshot_add_local(s, "text", "str", "'a\\\\b \"q\" \xe2\x9c\x93'");
		dump_snapshot_add_local(s, "n", "int", "3");
		fr[2].n_locals = (uint32_t)s->n_locals - fr[2].first_local;
		fr[2].cut = 1;
		fr[0].locals = DUMP_LOCALS_UNREADABLE;
	}
	struct dump_thread *idle = dump_snapshot_add_thread(s);
	idle->tid = 0;
	idle->ident = 0x7f0002;
	snprintf(idle->name, sizeof idle->name, "idle");
	idle->stack = INTERN_NONE;
}

static const char want_text[] =
	"101*: Main\"Thread (ident 0x7f0001)\n"
	"  /a/x.py:leaf:3\n"
	"    text = 'a\\\\b \"q\" \xe2\x9c\x93'\n"
	"    n = 3\n"
	"    (more locals not shown)\n"
	"  libc.so.6:qsort:0\n"
	"  /a/x.py:main:9\n"
	"    (locals unreadable)\n"
	"\n"
	"0: idle (ident 0x7f0002)\n"
	"  (no Python frames)\n";

static const char want_json[] =
	"{\"pid\": 100, \"python\": \"3.12\", \"threads\": [\n"
	" {\"id\": 101, \"ident\": 8323073, \"name\": \"Main\\\"Thread\", \"gil\": true, "
	"\"frames\": [\n"
	"  {\"file\": \"/a/x.py\", \"function\": \"leaf\", \"line\": 3, \"locals\": [\n"
	"   {\"name\": \"text\", \"type\": \"str\", \"repr\": \"'a\\\\\\\\b \\\"q\\\" \xe2\x9c\x93'\"},\n"
	"   {\"name\": \"n\", \"type\": \"int\", \"repr\": \"3\"}], \"locals_note\": \"more locals "
	"not shown\"},\n"
	"  {\"file\": \"libc.so.6\", \"function\": \"qsort\", \"line\": 0, \"native\": true},\n"
	"  {\"file\": \"/a/x.py\", \"function\": \"main\", \"line\": 9, \"locals\": [], "
	"\"locals_note\": \"locals unreadable\"}]},\n"
	" {\"id\": null, \"ident\": 8323074, \"name\": \"idle\", \"gil\": false, \"frames\": []}]}\n";

static void test_with_locals(void)
{
	struct profile p;
	struct dump_snapshot s;
	profile_init(&p);
	build(&p, &s, 1);
	struct run r = { &p, &s, 1, 0, { .line_numbers = 1 } };
	char *text = capture(text_fn, &r);
	CHECK_STR(text, want_text, "text: locals under their frame, notes, native frame bare");
	char *json = capture(json_fn, &r);
	CHECK_STR(json, want_json, "json: one document, escaped, innermost first, notes, native");
	free(text);
	free(json);

	/* -d's writer, on the same threads: no locals, the frames as before */
	char *d = capture(dash_d_fn, &r);
	CHECK(d && strstr(d, "  /a/x.py:leaf:3\n  libc.so.6:qsort:0\n") && !strstr(d, " = "),
	      "-d's text: the same frames, no locals");
	free(d);

	/* -C: the processes wrapped */
	struct dump_snapshot two[2] = { s, s };
	two[1].pid = 200;
	struct run r2 = { &p, two, 2, 1, { .line_numbers = 1 } };
	char *procs = capture(json_fn, &r2);
	const char *head = "{\"processes\": [\n{\"pid\": 100, ";
	CHECK(procs && strncmp(procs, head, strlen(head)) == 0 &&
		      strstr(procs, "[]}]},\n{\"pid\": 200, "),
	      "json -C: {\"processes\": [...]} with one document each");
	size_t len = procs ? strlen(procs) : 0;
	CHECK(len > 6 && strcmp(procs + len - 7, "]}]}]}\n") == 0, "json -C: closed once");
	free(procs);

	/* -C with --async: a process's tasks in its own object, after its threads; none in a
	 * process whose tasks were not read */
	struct async_tasks *t = &two[1].tasks;
	t->tasks = calloc(1, sizeof *t->tasks);
	if (t->tasks) {
		t->n = t->cap = 1;
		t->tasks[0] = (struct async_task){ .addr = 0x10, .n_frames = 1 };
		snprintf(t->tasks[0].name, sizeof t->tasks[0].name, "Task-1");
	}
	two[1].with_tasks = async_tasks_add_frame(t, "/a/y.py", "main", 7) == 0;
	procs = capture(json_fn, &r2);
	const char *tail = "[]}],\n \"asyncio\": [\n  {\"name\": \"Task-1\", \"address\": \"0x10\", "
			   "\"frames\": [{\"file\": \"/a/y.py\", \"function\": \"main\", \"line\": 7}], "
			   "\"awaited_by\": []}\n ]}]}\n";
	const char *asyncio = procs ? strstr(procs, "\"asyncio\"") : NULL;
	CHECK(asyncio && strstr(procs, "{\"pid\": 200, ") < asyncio &&
		      !strstr(asyncio + 1, "\"asyncio\"") && strlen(procs) > strlen(tail) &&
		      strcmp(procs + strlen(procs) - strlen(tail), tail) == 0,
	      "json -C --async: the second process's tasks in its own object, the first's none");
	free(procs);
	async_tasks_release(t);
	two[1].with_tasks = 0;

	/* -C's text: each process's header is one line, whatever its command line holds */
	profile_process(&p, 7, "python -c a\nb");
	char *header = NULL;
	size_t hlen = 0;
	FILE *hf = open_memstream(&header, &hlen);
	int hrc = hf ? out_dump_process(&p, 7, hf) : -1;
	if (hf)
		fclose(hf);
	CHECK(hrc == 0 && header && strcmp(header, "Process 7 (python -c a b):\n") == 0,
	      "text -C: a process header on one line");
	free(header);
	dump_snapshot_release(&s);
	profile_release(&p);
}

/* Without --locals, no "locals" key, and -n leaves the JSON lines alone. */
static void test_without_locals(void)
{
	struct profile p;
	struct dump_snapshot s;
	profile_init(&p);
	build(&p, &s, 0);
	struct run r = { &p, &s, 1, 0, { .line_numbers = 0 } };
	char *json = capture(json_fn, &r);
	CHECK(json && !strstr(json, "locals") && strstr(json, "\"line\": 3"),
	      "json without --locals: no locals key; lines kept with -n");
	char *text = capture(text_fn, &r);
	CHECK(text && strstr(text, "  /a/x.py:leaf\n  libc.so.6:qsort\n") && !strstr(text, " = ") &&
		      !strstr(text, "    ("),
	      "text with -n: FILE:FUNCTION, nothing under the frames");
	free(json);
	free(text);
	dump_snapshot_release(&s);
	profile_release(&p);
}

/* The bounds: past DUMP_LOCALS_MAX nothing more is added, and s->full says so; the text says
 * a frame left out once per thread. */
static void test_bounds(void)
{
	struct dump_snapshot s;
	dump_snapshot_init(&s);
	size_t added = 0;
	for (size_t i = 0; i < DUMP_LOCALS_MAX + 10; i++)
		added += dump_snapshot_add_local(&s, "x", "int", "1") == 0;
	CHECK(added == DUMP_LOCALS_MAX && s.full, "at most DUMP_LOCALS_MAX locals, then full");
	dump_snapshot_release(&s);

	dump_snapshot_init(&s);
	char big[512];
	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	added = 0;
	while (dump_snapshot_add_local(&s, "x", "str", big) == 0)
		added++;
	CHECK(s.text_len <= DUMP_TEXT_MAX && s.full && added < DUMP_LOCALS_MAX,
	      "at most DUMP_TEXT_MAX bytes of text, then full");
	dump_snapshot_release(&s);

	struct profile p;
	profile_init(&p);
	uint32_t a = profile_frame(&p, "/a.py", "f", 1);
	uint32_t frames[] = { a, a, a };
	dump_snapshot_init(&s);
	s.with_locals = 1;
	struct dump_thread *d = dump_snapshot_add_thread(&s);
	d->stack = profile_add_stack(&p, PROF_NO_THREAD, frames, 3, 1);
	dump_snapshot_add_frames(&s, 3, &d->first_frame);
	d->n_frames = 3;
	for (int i = 0; i < 3; i++) {
		s.frames[i].python = 1;
		s.frames[i].locals = DUMP_LOCALS_LEFT_OUT;
	}
	struct run r = { &p, &s, 1, 0, { .line_numbers = 1 } };
	char *text = capture(text_fn, &r);
	const char *first = text ? strstr(text, "(locals left out") : NULL;
	CHECK(first && !strstr(first + 1, "(locals left out"),
	      "text: frames left out by the size limit said once per thread");
	free(text);
	dump_snapshot_release(&s);
	profile_release(&p);
}

int main(void)
{
	test_with_locals();
	test_without_locals();
	test_bounds();
	return check_exit();
}
