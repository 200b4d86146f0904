/* asyncio_311.c: the asyncio tasks of CPython 3.11, 3.12 and 3.13, which publish no offsets
 * for them: read from the registries asyncio.tasks keeps, with the C Task and Future layout
 * measured by tools/asyncio-layout.py (asyncio_table.c). docs/CPYTHON.md §8.
 *
 * asyncio.tasks imports its task registries from the C module _asyncio (Lib/asyncio/tasks.py,
 * "from _asyncio import ..."; Modules/_asynciomodule.c makes them at module init):
 *   3.11     _all_tasks, a weakref.WeakSet of every task;
 *   3.12-13  _scheduled_tasks, a WeakSet of the tasks that were scheduled, and _eager_tasks, a
 *            set of the eager tasks still running their first step;
 *   all      _current_tasks, a dict: event loop -> the task it runs now.
 * A WeakSet keeps its weak references in its `data` set; each one's wr_object is the task, or
 * None once it died. A task is pending while its fut_state is STATE_PENDING.
 *
 * No task records who awaits it (3.14's task_awaited_by is new); its done callbacks say it:
 *   - a task awaiting it (`await task`) added its wakeup, a builtin method (task_wakeup)
 *     whose __self__ is that task (_asynciomodule.c, task_step_handle_result_impl);
 *   - gather's children carry its `_done_callback`, a function whose closure holds `outer`,
 *     the _GatheringFuture, which the gathering task awaits (Lib/asyncio/tasks.py, gather);
 *     asyncio.wait's and shield's callbacks are closures over a future the same way;
 *   - a TaskGroup's children carry the group's bound `_on_task_done`, whose group has the
 *     task that opened it in `_parent_task` (Lib/asyncio/taskgroups.py).
 * So awaiters() gives tasks and futures; asyncio.c looks through the futures (their own
 * callbacks lead to the task awaiting them).
 *
 * A coroutine is a PyGenObject with its _PyInterpreterFrame embedded at gi_iframe. Suspended in
 * an await, what it awaits is the top of that frame's value stack (localsplus[stacktop - 1]);
 * Objects/genobject.c's _PyGen_yf tells an await from a bare yield: 3.11 and 3.12 by the
 * instruction after prev_instr, a RESUME whose oparg is 2 (after yield from) or 3 (after
 * await); 3.13 by the frame state FRAME_SUSPENDED_YIELD_FROM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/asyncio_impl.h"
#include "python/asyncio_table.h"
#include "python/walker.h"
#include "util/grow.h"

/* Deepest tp_base chain followed to tell a Task (or Future) subclass: far beyond any real
 * class hierarchy, a bound against a cycle in memory caught half-written. */
#define TYPE_DEPTH_MAX 32
/* Most callbacks of one future looked at (fut_callback0, then the fut_callbacks list). */
#define CALLBACKS_MAX 256
/* Most cells of a callback's closure looked at: gather's has five. */
#define CLOSURE_MAX 16
/* Most running tasks (one per event loop) looked at in _current_tasks. */
#define LOOPS_MAX 64
/* The largest stacktop believed: a frame's localsplus plus its value stack, in slots; real
 * ones are a few dozen (co_nlocalsplus + co_stacksize). */
#define STACKTOP_MAX 65536

struct impl {
	const struct py_async_layout *l;
	uint64_t all;       /* 3.11's _all_tasks, 3.12+'s _scheduled_tasks: a WeakSet */
	uint64_t eager;     /* 3.12+'s _eager_tasks: a set, or 0 */
	uint64_t current;   /* _current_tasks: a dict */
	uint64_t task_type; /* _asyncio.Task */
	uint64_t fut_type;  /* _asyncio.Future */
	/* The types of the callables a done callback is, learned by name on first sight. */
	uint64_t cfunc_type, method_type, func_type, cell_type;
};

static int type_named(struct py_async *a, uint64_t type, const char *want)
{
	char name[64];
	return py_type_name(&a->objs, type, name, sizeof name) >= 0 && strcmp(name, want) == 0;
}

/* Whether type is base or a subclass of it (through tp_base: Task and Future are single
 * inheritance C types, and a Python subclass keeps the C base as its tp_base). */
static int type_is(struct py_async *a, uint64_t type, uint64_t base)
{
	for (int i = 0; type && i < TYPE_DEPTH_MAX; i++) {
		if (type == base)
			return 1;
		if (py_obj_read_ptr(&a->objs, type, a->w->layout.o.type_base, &type) != 0)
			return 0;
	}
	return 0;
}

static int obj_is(struct py_async *a, uint64_t obj, uint64_t base)
{
	uint64_t type, flags;
	return obj && py_obj_type(&a->objs, obj, &type, &flags) == 0 && type_is(a, type, base);
}

/* The attribute name of module (its __dict__) into *out: 1, 0 absent, < 0 unreadable. */
static int module_attr(struct py_async *a, uint64_t module, const char *name, uint64_t *out)
{
	*out = 0;
	return py_attr_find(&a->objs, module, name, out);
}

static int open_311(struct py_async *a, pid_t pid, char *err, size_t errlen)
{
	(void)pid;
	const struct py_offsets *o = &a->w->layout.o;
	const struct py_async_layout *l =
		py_async_layout_find(a->w->layout.version.major, a->w->layout.version.minor);
	if (!l || o->gen_iframe < 0 || o->gen_frame_state < 0 || o->iframe_stacktop < 0 ||
	    o->iframe_localsplus < 0 || o->type_base < 0 || o->weakref_object < 0) {
		snprintf(err, errlen, "no Task layout for CPython %d.%d in this build",
			 a->w->layout.version.major, a->w->layout.version.minor);
		return -1;
	}
	uint64_t tasks, base;
	int rc = py_module_find(&a->objs, "asyncio.tasks", &tasks);
	if (rc == 0 || rc == PY_WALK_NOT_READY)
		return 1; /* not imported (yet) */
	if (rc < 0) {
		snprintf(err, errlen, "cannot read sys.modules");
		return -1;
	}
	struct impl *im = calloc(1, sizeof *im);
	if (!im) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	im->l = l;
	const char *all_name = a->w->layout.version.minor == 11 ? "_all_tasks" : "_scheduled_tasks";
	/* asyncio.tasks half-imported (its globals not all set yet), or read so through pages
	 * of a moment before: being loaded. */
	if (module_attr(a, tasks, all_name, &im->all) != 1 ||
	    module_attr(a, tasks, "_current_tasks", &im->current) != 1 ||
	    module_attr(a, tasks, "Task", &im->task_type) != 1) {
		free(im);
		return 2;
	}
	if (a->w->layout.version.minor >= 12 && module_attr(a, tasks, "_eager_tasks", &im->eager) != 1)
		im->eager = 0;
	/* The layout is the C Task's: a Task written in Python (no _asyncio) is not read. Its
	 * base is _asyncio.Future. */
	if (!type_named(a, im->task_type, "_asyncio.Task") ||
	    py_obj_read_ptr(&a->objs, im->task_type, o->type_base, &base) != 0 ||
	    !type_named(a, base, "_asyncio.Future")) {
		free(im);
		snprintf(err, errlen, "asyncio.tasks.Task is not _asyncio's C Task");
		return -1;
	}
	im->fut_type = base;
	a->impl = im;
	return 0;
}

static void close_311(struct py_async *a)
{
	free(a->impl);
	a->impl = NULL;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Whether the task at task is pending (not done, not cancelled). */
static int pending(struct py_async *a, const struct impl *im, uint64_t task)
{
	int32_t state;
	return mem_read(a->w->mem, task + (uint64_t)im->l->fut_state, &state, sizeof state) == 0 &&
	       state == im->l->fut_state_pending;
}

/* Appends the items of the set at set (through their weakrefs when weak) that are pending
 * tasks. Returns 0 or -1 (said in a->err). */
static int add_set(struct py_async *a, const struct impl *im, uint64_t set, int weak,
		   uint64_t **tasks, size_t *n, size_t *cap)
{
	int64_t size;
	uint64_t *items = malloc(PY_ASYNC_MAX_TASKS * sizeof *items);
	if (!items) {
		snprintf(a->err, sizeof a->err, "out of memory");
		return -1;
	}
	/* A set of PY_ASYNC_MAX_TASKS items has a table of at most 4 times as many slots
	 * (Objects/setobject.c keeps it at most 60% full, growing by 4x when small). */
	int k = py_set_items_scan(&a->objs, set, items, PY_ASYNC_MAX_TASKS,
				  4ull * PY_ASYNC_MAX_TASKS, &size);
	int rc = -1;
	if (k < 0) {
		snprintf(a->err, sizeof a->err, "cannot read asyncio's task set");
		goto out;
	}
	for (int i = 0; i < k; i++) {
		uint64_t task = items[i];
		if (weak && py_obj_read_ptr(&a->objs, task, a->w->layout.o.weakref_object, &task) != 0)
			continue;
		if (!obj_is(a, task, im->task_type) || !pending(a, im, task))
			continue; /* a dead referent (None), or a task done but not yet freed */
		if (*n >= PY_ASYNC_MAX_TASKS) {
			snprintf(a->err, sizeof a->err, "more than %d tasks", PY_ASYNC_MAX_TASKS);
			goto out;
		}
		if (grow_array((void **)tasks, cap, *n + 1, sizeof **tasks) != 0) {
			snprintf(a->err, sizeof a->err, "out of memory");
			goto out;
		}
		(*tasks)[(*n)++] = task;
	}
	rc = 0;
out:
	free(items);
	return rc;
}

static int all_tasks_311(struct py_async *a, uint64_t **tasks, size_t *n, size_t *cap)
{
	const struct impl *im = a->impl;
	uint64_t data;
	size_t first = *n;
	if (py_attr_find(&a->objs, im->all, "data", &data) != 1) {
		snprintf(a->err, sizeof a->err, "cannot read asyncio's WeakSet of tasks");
		return -1;
	}
	if (add_set(a, im, data, 1, tasks, n, cap) != 0 ||
	    (im->eager && add_set(a, im, im->eager, 0, tasks, n, cap) != 0))
		return -1;
	/* A task moves from the eager set to the scheduled one as its first step suspends: a
	 * look between the two could see it in both. */
	size_t k = *n - first;
	if (k > 1) {
		uint64_t *t = *tasks + first; /* not before: no task yet, *tasks is NULL */
		qsort(t, k, sizeof *t, cmp_u64);
		size_t u = 1;
		for (size_t i = 1; i < k; i++)
			if (t[i] != t[u - 1])
				t[u++] = t[i];
		*n = first + u;
	}
	return 0;
}

static int task_coro_311(struct py_async *a, uint64_t task, uint64_t *coro)
{
	const struct impl *im = a->impl;
	return py_obj_read_ptr(&a->objs, task, im->l->task_coro, coro) == 0 ? 0 : -1;
}

static int task_name_311(struct py_async *a, uint64_t task, uint64_t *name)
{
	const struct impl *im = a->impl;
	return py_obj_read_ptr(&a->objs, task, im->l->task_name, name) == 0 ? 0 : -1;
}

static int running_311(struct py_async *a, uint64_t tstate, const struct py_raw_frame *frames,
		       size_t n, uint64_t *task)
{
	(void)tstate;
	const struct impl *im = a->impl;
	uint64_t loops[LOOPS_MAX], running[LOOPS_MAX];
	int64_t size;
	int k = py_dict_items(&a->objs, im->current, loops, running, LOOPS_MAX, &size);
	if (k < 0)
		return -1;
	/* Each loop's running task, on whichever thread runs that loop: its coroutine's frame
	 * is on that thread's stack. */
	for (int i = 0; i < k; i++) {
		uint64_t coro;
		if (task_coro_311(a, running[i], &coro) != 0 || !coro)
			continue;
		uint64_t frame = coro + (uint64_t)a->w->layout.o.gen_iframe;
		for (size_t j = 0; j < n; j++)
			if (frames[j].addr == frame) {
				*task = running[i];
				return 1;
			}
	}
	return 0;
}

static int is_task_311(struct py_async *a, uint64_t obj)
{
	const struct impl *im = a->impl;
	return obj_is(a, obj, im->task_type);
}

/* Whether type is the type named name, remembering it in *cache on first sight. */
static int type_cached(struct py_async *a, uint64_t type, uint64_t *cache, const char *name)
{
	if (*cache)
		return type == *cache;
	if (!type_named(a, type, name))
		return 0;
	*cache = type;
	return 1;
}

/* Adds obj to out (at most max, no repeats) when it is a future (a task among them). */
static void add_future(struct py_async *a, uint64_t obj, uint64_t *out, int *k, size_t max)
{
	const struct impl *im = a->impl;
	if ((size_t)*k >= max || !obj_is(a, obj, im->fut_type))
		return;
	for (int i = 0; i < *k; i++)
		if (out[i] == obj)
			return;
	out[(*k)++] = obj;
}

/* What the done callback cb says about who awaits its future, added to out. */
static void callback_awaiter(struct py_async *a, uint64_t cb, uint64_t *out, int *k, size_t max)
{
	struct impl *im = a->impl;
	const struct py_offsets *o = &a->w->layout.o;
	uint64_t type, flags, self, closure, parent;
	if (!cb || py_obj_type(&a->objs, cb, &type, &flags) != 0)
		return;
	if (type_cached(a, type, &im->cfunc_type, "builtin_function_or_method")) {
		/* A task's wakeup (task_wakeup bound to the awaiting task). */
		if (py_obj_read_ptr(&a->objs, cb, o->cfunc_self, &self) == 0)
			add_future(a, self, out, k, max);
	} else if (type_cached(a, type, &im->method_type, "method")) {
		/* A bound method: of a future, or TaskGroup._on_task_done. */
		if (py_obj_read_ptr(&a->objs, cb, o->method_self, &self) != 0)
			return;
		add_future(a, self, out, k, max);
		if (py_attr_find(&a->objs, self, "_parent_task", &parent) == 1)
			add_future(a, parent, out, k, max);
	} else if (type_cached(a, type, &im->func_type, "function")) {
		/* A closure over a future: gather's _done_callback (outer), wait's, shield's. */
		uint64_t cells[CLOSURE_MAX], ctype, value;
		int64_t size;
		if (py_obj_read_ptr(&a->objs, cb, o->func_closure, &closure) != 0 || !closure)
			return;
		int nc = py_seq_items(&a->objs, closure, 0, cells, CLOSURE_MAX, &size);
		for (int i = 0; i < nc; i++)
			if (py_obj_type(&a->objs, cells[i], &ctype, &flags) == 0 &&
			    type_cached(a, ctype, &im->cell_type, "cell") &&
			    py_obj_read_ptr(&a->objs, cells[i], o->cell_ref, &value) == 0)
				add_future(a, value, out, k, max);
	}
}

static int awaiters_311(struct py_async *a, uint64_t fut, uint64_t *out, size_t max)
{
	const struct impl *im = a->impl;
	uint64_t cb0, list, items[CALLBACKS_MAX], pair[2];
	int64_t size, pair_size;
	int k = 0;
	if (max == 0)
		return 0;
	if (py_obj_read_ptr(&a->objs, fut, im->l->fut_callback0, &cb0) == 0)
		callback_awaiter(a, cb0, out, &k, max);
	if (py_obj_read_ptr(&a->objs, fut, im->l->fut_callbacks, &list) != 0 || !list)
		return k;
	/* fut_callbacks: a list of (callback, context) tuples. */
	int n = py_seq_items(&a->objs, list, 1, items, CALLBACKS_MAX, &size);
	for (int i = 0; i < n; i++)
		if (py_seq_items(&a->objs, items[i], 0, pair, 2, &pair_size) == 2)
			callback_awaiter(a, pair[0], out, &k, max);
	/* The future itself is no awaiter of its own. */
	for (int i = 0; i < k; i++)
		if (out[i] == fut)
			out[i--] = out[--k];
	return k;
}

static enum py_coro_state coro_state_311(struct py_async *a, uint64_t coro, uint64_t *frame)
{
	const struct py_offsets *o = &a->w->layout.o;
	int8_t state;
	if (!py_async_is_gen(a, coro) ||
	    mem_read(a->w->mem, coro + (uint64_t)o->gen_frame_state, &state, 1) != 0)
		return PY_CORO_UNREADABLE;
	*frame = coro + (uint64_t)o->gen_iframe;
	if (state == o->frame_state_created)
		return PY_CORO_CREATED;
	if (state == o->frame_state_suspended || state == o->frame_state_suspended_yield_from)
		return PY_CORO_SUSPENDED;
	return state == o->frame_state_executing ? PY_CORO_RUNNING : PY_CORO_DONE;
}

/* 3.11 and 3.12: whether the suspended frame at frame stopped in an await (or yield from):
 * the instruction after its prev_instr is RESUME (or a copy) with oparg >= 2. */
static int in_await_by_resume(struct py_async *a, uint64_t frame)
{
	const struct py_offsets *o = &a->w->layout.o;
	uint64_t prev;
	uint8_t unit[2]; /* _Py_CODEUNIT: opcode, then oparg */
	if (py_obj_read_ptr(&a->objs, frame, o->iframe_instr, &prev) != 0 || !prev ||
	    mem_read(a->w->mem, prev + 2, unit, sizeof unit) != 0)
		return 0;
	int op = unit[0];
	return (op == o->opcode_resume || op == o->opcode_resume_quick ||
		op == o->opcode_instrumented_resume) &&
	       unit[1] >= 2;
}

static int awaited_311(struct py_async *a, uint64_t coro, uint64_t frame, uint64_t *obj)
{
	const struct py_offsets *o = &a->w->layout.o;
	int8_t state;
	int32_t top;
	if (mem_read(a->w->mem, coro + (uint64_t)o->gen_frame_state, &state, 1) != 0)
		return 0;
	if (o->frame_state_suspended_yield_from != PY_FRAME_STATE_ABSENT
		    ? state != o->frame_state_suspended_yield_from
		    : state != o->frame_state_suspended || !in_await_by_resume(a, frame))
		return 0;
	if (mem_read(a->w->mem, frame + (uint64_t)o->iframe_stacktop, &top, sizeof top) != 0 ||
	    top < 1 || top > STACKTOP_MAX ||
	    mem_read_u64(a->w->mem,
			 frame + (uint64_t)o->iframe_localsplus + 8 * (uint64_t)(top - 1), obj) != 0)
		return 0;
	return *obj != 0;
}

const struct py_async_ops py_async_ops_311 = {
	.open = open_311,
	.close = close_311,
	.all_tasks = all_tasks_311,
	.running = running_311,
	.task_coro = task_coro_311,
	.task_name = task_name_311,
	.awaiters = awaiters_311,
	.is_task = is_task_311,
	.coro_state = coro_state_311,
	.awaited = awaited_311,
	.unordered = 1,
};
