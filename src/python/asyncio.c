/* asyncio.c: what every version shares of reading asyncio tasks (see asyncio.h): choosing the
 * version's way (asyncio_impl.h), coroutine chains, task names, the whole task list for a dump
 * and the chain of one sample. */
#include "python/asyncio.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/asyncio_impl.h"
#include "python/code.h"
#include "python/strings.h"
#include "python/walker.h"
#include "util/grow.h"

const char py_async_versions[] = "3.11 to 3.14";

static const struct py_async_ops *ops_for(int major, int minor)
{
	if (major == 3 && minor == 14)
		return &py_async_ops_314;
	if (major == 3 && minor >= 11 && minor <= 13)
		return &py_async_ops_311;
	return NULL;
}

int py_async_supported(int major, int minor)
{
	return ops_for(major, minor) != NULL;
}

int py_async_open(struct py_walker *w, pid_t pid, struct py_async **out, char *err,
		  size_t errlen)
{
	*out = NULL;
	const struct py_async_ops *ops = ops_for(w->layout.version.major, w->layout.version.minor);
	if (!ops) {
		snprintf(err, errlen, "asyncio tasks are read on CPython %s only", py_async_versions);
		return -1;
	}
	struct py_async *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->w = w;
	a->objs = (struct py_objects){ .w = w, .o = &w->layout.o };
	a->ops = ops;
	py_repr_init(&a->repr, w);
	int rc = ops->open(a, pid, err, errlen);
	if (rc != 0) {
		free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void py_async_close(struct py_async *a)
{
	if (!a)
		return;
	a->ops->close(a);
	free(a);
}

int py_async_is_gen(struct py_async *a, uint64_t obj)
{
	uint64_t type, flags;
	if (!obj || py_obj_type(&a->objs, obj, &type, &flags) != 0)
		return 0;
	for (unsigned i = 0; i < a->n_gen_types; i++)
		if (a->gen_types[i] == type)
			return 1;
	char name[32];
	if (py_type_name(&a->objs, type, name, sizeof name) < 0 ||
	    (strcmp(name, "coroutine") != 0 && strcmp(name, "generator") != 0))
		return 0;
	if (a->n_gen_types < sizeof a->gen_types / sizeof a->gen_types[0])
		a->gen_types[a->n_gen_types++] = type;
	return 1;
}

/* The task's name into buf: a str as it is; an int (3.14 names tasks "Task-N" lazily and keeps
 * the N) as "Task-N"; anything else as its repr; "?" when unreadable. */
static void task_name(struct py_async *a, uint64_t task, char *buf, size_t len)
{
	uint64_t name, type, flags, n;
	snprintf(buf, len, "?");
	if (a->ops->task_name(a, task, &name) != 0 || !name ||
	    py_obj_type(&a->objs, name, &type, &flags) != 0)
		return;
	if (py_obj_type_is_str(&a->objs, type)) {
		if (py_string_read(a->w->mem, &a->w->layout.o, name, buf, len) < 0)
			snprintf(buf, len, "?");
	} else if (py_int_value(&a->objs, name, &n) == 0) {
		snprintf(buf, len, "Task-%" PRIu64, n);
	} else {
		char type_name[PY_REPR_TYPE_MAX];
		py_repr(&a->repr, name, buf, len, type_name, sizeof type_name);
	}
}

/* The raw frames of the await chain from the coroutine coro down, outermost first, appended
 * to *out (grown; *n, *cap). A chain that cannot be read further just ends. Returns 0, or -1
 * when out of memory. */
static int read_chain(struct py_async *a, uint64_t coro, struct py_raw_frame **out, size_t *n,
		      size_t *cap)
{
	for (int depth = 0; coro && depth < PY_ASYNC_MAX_AWAIT_DEPTH; depth++) {
		uint64_t frame;
		enum py_coro_state st = a->ops->coro_state(a, coro, &frame);
		if (st == PY_CORO_UNREADABLE || st == PY_CORO_DONE)
			return 0;
		if (grow_array((void **)out, cap, *n + 1, sizeof **out) != 0)
			return -1;
		size_t partial = 0;
		/* One frame: a suspended coroutine's frame links to nothing, a running one to its
		 * caller, which is not part of this chain. */
		int k = py_stack_read(a->w, frame, NULL, *out + *n, 1, &partial);
		if (k == PY_WALK_TOO_DEEP)
			k = (int)partial;
		if (k == 1)
			(*n)++;
		if (st != PY_CORO_SUSPENDED || !a->ops->awaited(a, coro, frame, &coro))
			return 0;
	}
	return 0;
}

/* Reverses frames[0 .. n). */
static void reverse(struct py_raw_frame *f, size_t n)
{
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		struct py_raw_frame tmp = f[i];
		f[i] = f[j - 1];
		f[j - 1] = tmp;
	}
}

/* Most futures looked through between a task and the task awaiting it: gather's
 * _GatheringFuture is one, a gather inside a shield two; real chains are that short. */
#define LOOK_THROUGH_MAX 4

/* Adds the tasks awaiting obj to out (*k of max, no repeats): the tasks among its awaiters,
 * and those awaiting the futures among them, looked through up to depth levels. */
static void add_awaiting_tasks(struct py_async *a, uint64_t obj, uint64_t *out, int *k,
			       int max, int depth)
{
	uint64_t by[PY_ASYNC_MAX_AWAITERS];
	int n = a->ops->awaiters(a, obj, by, PY_ASYNC_MAX_AWAITERS);
	for (int i = 0; i < n && *k < max; i++) {
		if (!a->ops->is_task(a, by[i])) {
			if (depth > 1)
				add_awaiting_tasks(a, by[i], out, k, max, depth - 1);
			continue;
		}
		int seen = 0;
		for (int j = 0; j < *k && !seen; j++)
			seen = out[j] == by[i];
		if (!seen)
			out[(*k)++] = by[i];
	}
}

/* One task of a dump into o: its name, its frames named (innermost first), the tasks that
 * await it (through the futures between, such as a gather's). */
static int dump_task(struct py_async *a, uint64_t task, struct async_tasks *o,
		     struct py_raw_frame **raw, size_t *cap)
{
	if (grow_array((void **)&o->tasks, &o->cap, o->n + 1, sizeof *o->tasks))
		return -1;
	struct async_task *t = &o->tasks[o->n];
	memset(t, 0, sizeof *t);
	t->addr = task;
	task_name(a, task, t->name, sizeof t->name);
	t->first_frame = o->n_frames;
	size_t n = 0;
	uint64_t coro, frame;
	if (a->ops->task_coro(a, task, &coro) == 0) {
		switch (a->ops->coro_state(a, coro, &frame)) {
		case PY_CORO_CREATED:
			t->state = ASYNC_TASK_NOT_STARTED;
			break;
		case PY_CORO_RUNNING:
			t->state = ASYNC_TASK_RUNNING;
			break;
		case PY_CORO_SUSPENDED:
			t->state = ASYNC_TASK_WAITING;
			break;
		default:
			break;
		}
		if (read_chain(a, coro, raw, &n, cap) != 0)
			return -1;
	}
	for (size_t i = n; i-- > 0;) {
		const struct py_code *code = py_code_get(a->w, (*raw)[i].code);
		if (code && async_tasks_add_frame(o, code->filename, code->name,
						  py_code_line(code, (*raw)[i].index)) != 0)
			return -1;
	}
	t->n_frames = o->n_frames - t->first_frame;
	int k = 0;
	add_awaiting_tasks(a, task, a->keys, &k, PY_ASYNC_MAX_AWAITERS, LOOK_THROUGH_MAX + 1);
	if (grow_array((void **)&o->awaiters, &o->cap_awaiters, o->n_awaiters + (size_t)k,
		       sizeof *o->awaiters))
		return -1;
	t->first_awaiter = o->n_awaiters;
	memcpy(o->awaiters + o->n_awaiters, a->keys, (size_t)k * sizeof *a->keys);
	o->n_awaiters += (size_t)k;
	t->n_awaiters = (size_t)k;
	o->n++;
	return 0;
}

static int cmp_task_name(const void *x, const void *y)
{
	const struct async_task *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->addr > b->addr) - (a->addr < b->addr);
}

int py_async_read_all(struct py_async *a, struct async_tasks *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	uint64_t *tasks = NULL;
	size_t n = 0, cap = 0, raw_cap = 0;
	struct py_raw_frame *raw = NULL;
	a->err[0] = '\0';
	int rc = -1;
	if (a->ops->all_tasks(a, &tasks, &n, &cap) != 0) {
		snprintf(err, errlen, "%s", a->err[0] ? a->err : "cannot read the task list");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (dump_task(a, tasks[i], out, &raw, &raw_cap) != 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	/* Tasks kept in sets come in no meaningful order: by name then, so a dump is stable. */
	if (a->ops->unordered && out->n > 1)
		qsort(out->tasks, out->n, sizeof *out->tasks, cmp_task_name);
	rc = (int)out->n;
out:
	free(tasks);
	free(raw);
	return rc;
}

/* The first task among task's awaiters, or 0. A future that is not a task (a gather's, say)
 * is looked through: its own awaiters are tried in turn, a few levels deep. */
static uint64_t awaiting_task(struct py_async *a, uint64_t task)
{
	uint64_t obj = task;
	for (int depth = 0; depth <= LOOK_THROUGH_MAX; depth++) {
		int k = a->ops->awaiters(a, obj, a->keys, PY_ASYNC_MAX_AWAITERS);
		if (k <= 0)
			return 0;
		for (int i = 0; i < k; i++)
			if (a->ops->is_task(a, a->keys[i]))
				return a->keys[i];
		obj = a->keys[0];
	}
	return 0;
}

/* Adds the tasks awaiting c->links[c->n_links - 1], up to one nobody awaits, each with its
 * suspended frames. Returns 0 or -1 (out of memory). */
static int add_awaiters(struct py_async *a, struct py_async_chain *c)
{
	while (c->n_links < PY_ASYNC_CHAIN_MAX) {
		uint64_t by = awaiting_task(a, c->links[c->n_links - 1].task), coro;
		for (size_t i = 0; by && i < c->n_links; i++)
			if (c->links[i].task == by)
				by = 0; /* a cycle: a list caught half-written */
		if (!by)
			return 0;
		struct py_async_link *l = &c->links[c->n_links++];
		l->task = by;
		task_name(a, by, l->name, sizeof l->name);
		l->first = c->n_frames;
		if (a->ops->task_coro(a, by, &coro) == 0 &&
		    read_chain(a, coro, &c->frames, &c->n_frames, &c->cap) != 0)
			return -1;
		l->n = c->n_frames - l->first;
		reverse(c->frames + l->first, l->n);
	}
	return 0;
}

int py_async_sample(struct py_async *a, uint64_t tstate, const struct py_raw_frame *frames,
		    size_t n, struct py_async_chain *c)
{
	c->cut = 0;
	c->n_links = 0;
	c->n_frames = 0;
	uint64_t task, coro, frame;
	if (a->ops->running(a, tstate, frames, n, &task) != 1 ||
	    a->ops->task_coro(a, task, &coro) != 0 ||
	    a->ops->coro_state(a, coro, &frame) == PY_CORO_UNREADABLE)
		return 0;
	/* The task's coroutine frame on the thread's stack: what is inner is the task's. */
	size_t at = 0;
	while (at < n && frames[at].addr != frame)
		at++;
	if (at == n)
		return 0;
	c->cut = at + 1;
	struct py_async_link *l = &c->links[c->n_links++];
	l->task = task;
	task_name(a, task, l->name, sizeof l->name);
	l->first = l->n = 0;
	return add_awaiters(a, c) == 0 ? 1 : -1;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

int py_async_waiting(struct py_async *a, struct py_async_chain *c,
		     void (*each)(const struct py_async_chain *c, void *arg), void *arg)
{
	uint64_t *tasks = NULL, *awaited = NULL;
	size_t n = 0, cap = 0, n_awaited = 0, awaited_cap = 0;
	int rc = -1, count = 0;
	if (a->ops->all_tasks(a, &tasks, &n, &cap) != 0)
		goto out;
	/* Every task some task awaits is on a chain of another: only the leaves are counted. */
	for (size_t i = 0; i < n; i++) {
		uint64_t by = awaiting_task(a, tasks[i]);
		if (!by)
			continue;
		if (grow_array((void **)&awaited, &awaited_cap, n_awaited + 1, sizeof *awaited))
			goto out;
		awaited[n_awaited++] = by;
	}
	if (n_awaited)
		qsort(awaited, n_awaited, sizeof *awaited, cmp_u64);
	for (size_t i = 0; i < n; i++) {
		/* Waiting: suspended, or created and not started yet (waiting for its first
		 * step); not one running now. */
		uint64_t coro, frame;
		if ((n_awaited && bsearch(&tasks[i], awaited, n_awaited, sizeof *awaited, cmp_u64)) ||
		    a->ops->task_coro(a, tasks[i], &coro) != 0)
			continue;
		enum py_coro_state st = a->ops->coro_state(a, coro, &frame);
		if (st != PY_CORO_SUSPENDED && st != PY_CORO_CREATED)
			continue;
		c->cut = 0;
		c->n_frames = 0;
		c->n_links = 1;
		struct py_async_link *l = &c->links[0];
		l->task = tasks[i];
		task_name(a, tasks[i], l->name, sizeof l->name);
		l->first = 0;
		if (read_chain(a, coro, &c->frames, &c->n_frames, &c->cap) != 0)
			goto out;
		l->n = c->n_frames;
		reverse(c->frames, l->n);
		if (add_awaiters(a, c) != 0)
			goto out;
		each(c, arg);
		count++;
	}
	rc = count;
out:
	free(tasks);
	free(awaited);
	return rc;
}

void py_async_chain_release(struct py_async_chain *c)
{
	if (!c)
		return;
	free(c->frames);
	c->frames = NULL;
	c->n_frames = c->cap = 0;
}
