/* test_dump_async.c: the asyncio task writers of `pyflame dump --async` on made-up tasks: a
 * tree (a root awaiting two tasks, one of which awaits a third), a task awaited by two tasks
 * (shown under each), a task with no frames, an awaiter that is no listed task (a root then),
 * a ring of tasks awaiting each other (cut where it closes), -n, and the JSON list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "output/dump.h"
#include "output/output.h"
#include "profile/async_tasks.h"

static char *capture_text(const struct async_tasks *t, int lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out_options o = { .line_numbers = lines };
	int rc = out_dump_async_text(t, &o, f);
	fclose(f);
	CHECK_INT(rc, 0, "text written");
	return buf;
}

static char *capture_json(const struct async_tasks *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc = out_dump_async_json(t, f);
	fclose(f);
	CHECK_INT(rc, 0, "JSON written");
	return buf;
}

/* Appends task NAME at addr with frames "f.py:FUNC:LINE" (funcs, innermost first) and the
 * awaiters given (0-terminated). */
static void add(struct async_tasks *t, uint64_t addr, const char *name, const char *funcs[],
		const uint64_t *by)
{
	t->tasks = realloc(t->tasks, (t->n + 1) * sizeof *t->tasks);
	struct async_task *a = &t->tasks[t->n++];
	memset(a, 0, sizeof *a);
	a->addr = addr;
	snprintf(a->name, sizeof a->name, "%s", name);
	a->first_frame = t->n_frames;
	for (size_t i = 0; funcs && funcs[i]; i++) {
		t->frames = realloc(t->frames, (t->n_frames + 1) * sizeof *t->frames);
		t->frames[t->n_frames++] = (struct async_frame){ strdup("f.py"), strdup(funcs[i]),
								    (int)(10 + i) };
		a->n_frames++;
	}
	a->first_awaiter = t->n_awaiters;
	for (size_t i = 0; by && by[i]; i++) {
		t->awaiters = realloc(t->awaiters, (t->n_awaiters + 1) * sizeof *t->awaiters);
		t->awaiters[t->n_awaiters++] = by[i];
		a->n_awaiters++;
	}
}

static void test_tree(void)
{
	struct async_tasks t = { 0 };
	const char *leaf[] = { "wait", "park", NULL };
	const char *top[] = { "main", NULL };
	add(&t, 0x20, "a", leaf, (uint64_t[]){ 0x10, 0 });
	add(&t, 0x10, "root", top, NULL);
	add(&t, 0x30, "b", NULL, (uint64_t[]){ 0x10, 0 });
	add(&t, 0x40, "shared", leaf, (uint64_t[]){ 0x20, 0x30, 0 });
	add(&t, 0x50, "orphan", top, (uint64_t[]){ 0x999, 0 });
	char *got = capture_text(&t, 1);
	CHECK_STR(got,
		  "\nAsyncio tasks:\n"
		  "Task 'root' (0x10)\n"
		  "  f.py:main:10\n"
		  "  Task 'a' (0x20)\n"
		  "    f.py:wait:10\n"
		  "    f.py:park:11\n"
		  "    Task 'shared' (0x40)\n"
		  "      f.py:wait:10\n"
		  "      f.py:park:11\n"
		  "  Task 'b' (0x30)\n"
		  "    (no coroutine frames)\n"
		  "    Task 'shared' (0x40)\n"
		  "      f.py:wait:10\n"
		  "      f.py:park:11\n"
		  "Task 'orphan' (0x50)\n"
		  "  f.py:main:10\n",
		  "a tree rooted at the unawaited, a shared task under each awaiter");
	free(got);
	got = capture_text(&t, 0);
	CHECK(got && strstr(got, "  f.py:main\n  Task 'a' (0x20)\n    f.py:wait\n"), "-n: no lines");
	free(got);
	got = capture_json(&t);
	CHECK(got && strstr(got, "{\"name\": \"shared\", \"address\": \"0x40\", \"frames\": "
				 "[{\"file\": \"f.py\", \"function\": \"wait\", \"line\": 10}, "
				 "{\"file\": \"f.py\", \"function\": \"park\", \"line\": 11}], "
				 "\"awaited_by\": [\"0x20\", \"0x30\"]}"),
	      "JSON task");
	CHECK(got && got[0] == '[' && strstr(got, "\"awaited_by\": []}") &&
		      strcmp(got + strlen(got) - 3, "\n ]") == 0,
	      "JSON list");
	free(got);
	async_tasks_release(&t);
}

static void test_ring_and_empty(void)
{
	struct async_tasks t = { 0 };
	char *got = capture_text(&t, 1);
	CHECK_STR(got, "\nAsyncio tasks:\n  (none)\n", "no tasks");
	free(got);
	got = capture_json(&t);
	CHECK_STR(got, "[]", "no tasks in JSON");
	free(got);
	add(&t, 0x10, "x", NULL, (uint64_t[]){ 0x20, 0 });
	add(&t, 0x20, "y", NULL, (uint64_t[]){ 0x10, 0 });
	got = capture_text(&t, 1);
	CHECK_STR(got,
		  "\nAsyncio tasks:\n"
		  "Task 'x' (0x10)\n"
		  "  (no coroutine frames)\n"
		  "  Task 'y' (0x20)\n"
		  "    (no coroutine frames)\n"
		  "    Task 'x' (0x10)\n"
		  "      (no coroutine frames)\n"
		  "      (awaits itself through the tasks above: cut here)\n",
		  "a ring shown once round, then cut");
	free(got);
	async_tasks_release(&t);
}

static void test_states(void)
{
	struct async_tasks t = { 0 };
	const char *f[] = { "work", NULL };
	add(&t, 0x10, "w", f, NULL);
	add(&t, 0x20, "r", f, NULL);
	add(&t, 0x30, "n", f, NULL);
	add(&t, 0x40, "u", f, NULL);
	t.tasks[0].state = ASYNC_TASK_WAITING;
	t.tasks[1].state = ASYNC_TASK_RUNNING;
	t.tasks[2].state = ASYNC_TASK_NOT_STARTED;
	char *got = capture_text(&t, 1);
	CHECK(got && strstr(got, "Task 'w' (0x10) waiting\n") && strstr(got, "Task 'r' (0x20) running\n") &&
		      strstr(got, "Task 'n' (0x30) not started\n") && strstr(got, "Task 'u' (0x40)\n"),
	      "text: each task's state, none when unknown");
	free(got);
	got = capture_json(&t);
	CHECK(got && strstr(got, "\"address\": \"0x10\", \"state\": \"waiting\", \"frames\"") &&
		      strstr(got, "\"state\": \"running\"") && strstr(got, "\"state\": \"not started\"") &&
		      strstr(got, "\"address\": \"0x40\", \"frames\""),
	      "JSON: a state key where it is known");
	free(got);
	async_tasks_release(&t);
}

int main(void)
{
	test_tree();
	test_states();
	test_ring_and_empty();
	return check_exit();
}
