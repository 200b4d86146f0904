/* asyncio.c: the asyncio tasks of a CPython 3.14 process (see asyncio.h). */
#include "python/asyncio.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/file.h"
#include "mem/reader.h"
#include "proc/maps.h"
#include "python/code.h"
#include "python/discover.h"
#include "python/objects.h"
#include "python/repr.h"
#include "python/strings.h"
#include "python/walker.h"
#include "util/grow.h"

/* struct _Py_AsyncioModuleDebugOffsets (Modules/_asynciomodule.c, 3.14): 13 uint64_t, in
 * three groups; the index of each field. */
enum {
	AD_TASK_SIZE,
	AD_TASK_NAME,
	AD_TASK_AWAITED_BY,
	AD_TASK_IS_TASK,
	AD_TASK_AWAITED_BY_IS_SET,
	AD_TASK_CORO,
	AD_TASK_NODE,
	AD_INTERP_SIZE,
	AD_INTERP_TASKS_HEAD,
	AD_TSTATE_SIZE,
	AD_TSTATE_RUNNING_LOOP,
	AD_TSTATE_RUNNING_TASK,
	AD_TSTATE_TASKS_HEAD,
	AD_COUNT
};

/* The fields of 3.14's _Py_DebugOffsets (Include/internal/pycore_debug_offsets.h) read here,
 * by index of uint64_t: the cookie takes index 0, version 1, free_threaded 2, then each group
 * in order (runtime_state 3-5, interpreter_state 6-21, thread_state 22-30, interpreter_frame
 * 31-38, ..., gen_object 83-86, llist_node 87-88, debugger_support 89-94). */
enum {
	DO_VERSION = 1,
	DO_FREE_THREADED = 2,
	DO_RUNTIME_INTERPRETERS_HEAD = 5,
	DO_IFRAME_STACKPOINTER = 37,
	DO_GEN_IFRAME = 85,
	DO_GEN_FRAME_STATE = 86,
	DO_LLIST_NEXT = 87,
	DO_COUNT = 95 /* sizeof(_Py_DebugOffsets) / 8 in 3.14: 760 bytes */
};

/* 3.14's frame states (pycore_frame.h): suspended at an await of another awaitable. */
#define FRAME_SUSPENDED_YIELD_FROM (-1)
#define FRAME_COMPLETED 1
/* A _PyStackRef's tag bits in the default (GIL) build (pycore_stackref.h). */
#define STACKREF_TAG_BITS 3u
/* The largest offset believed inside a task or thread state: both are well under a page or
 * two; a larger one means the section is not what we think. */
#define MAX_FIELD_OFFSET 65536

struct reading {
	struct py_walker *w;
	struct py_objects objs;
	struct py_repr repr;
	uint64_t ad[AD_COUNT];
	uint64_t dbg[DO_COUNT];
	struct py_async_tasks *out;
	char *err;
	size_t errlen;
	uint64_t *keys; /* PY_ASYNC_MAX_AWAITERS: scratch for a set of awaiters */
};

int py_asyncio_find(pid_t pid, uint64_t *addr, char *err, size_t errlen)
{
	struct proc_maps maps;
	*addr = 0;
	int rc = proc_maps_read(pid, &maps);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the memory maps of %d: %s", (int)pid,
			 strerror(-rc));
		return -1;
	}
	/* Each mapped file once (at its offset 0 mapping, whose start gives the load bias); the
	 * _asyncio module is tried first, then every other file (a static build's executable). */
	for (int pass = 0; pass < 2 && !*addr; pass++) {
		for (size_t i = 0; i < maps.n && !*addr; i++) {
			const struct proc_map *m = &maps.v[i];
			if (m->path[0] != '/' || m->offset != 0)
				continue;
			int named = strncmp(proc_map_basename(m), "_asyncio.", 9) == 0;
			if (named != (pass == 0))
				continue;
			struct elf_file *f;
			if (py_open_mapped(pid, m, &f) != 0)
				continue;
			uint64_t sec, size;
			if (elf_file_section(f, ".AsyncioDebug", &sec, &size) == 0 &&
			    size >= AD_COUNT * sizeof(uint64_t))
				*addr = m->start - elf_file_base_vaddr(f) + sec;
			elf_file_free(f);
		}
	}
	proc_maps_release(&maps);
	return 0;
}

__attribute__((format(printf, 2, 3))) static int fail(struct reading *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads both offset structs and checks them. Returns 0 or -1 (said). */
static int read_offsets(struct reading *r, uint64_t debug_addr)
{
	struct mem_reader *m = r->w->mem;
	if (r->w->layout.version.major != 3 || r->w->layout.version.minor != 14)
		return fail(r, "asyncio tasks are read on CPython 3.14 only");
	if (mem_read(m, debug_addr, r->ad, sizeof r->ad) != 0)
		return fail(r, "cannot read the _asyncio debug offsets at 0x%" PRIx64, debug_addr);
	if (mem_read(m, r->w->target.runtime, r->dbg, sizeof r->dbg) != 0)
		return fail(r, "cannot read the interpreter's debug offsets");
	if (memcmp(r->dbg, "xdebugpy", 8) != 0 || (r->dbg[DO_VERSION] >> 16) != 0x030e ||
	    r->dbg[DO_FREE_THREADED] != 0)
		return fail(r, "the interpreter's debug offsets are not those of a CPython 3.14 "
			       "with the GIL");
	uint64_t task_size = r->ad[AD_TASK_SIZE];
	for (int i = AD_TASK_NAME; i <= AD_TASK_NODE; i++)
		if (task_size > MAX_FIELD_OFFSET || r->ad[i] + 8 > task_size)
			return fail(r, "the _asyncio debug offsets do not fit its task size");
	if (r->ad[AD_INTERP_TASKS_HEAD] > MAX_FIELD_OFFSET ||
	    r->ad[AD_TSTATE_TASKS_HEAD] > MAX_FIELD_OFFSET ||
	    r->dbg[DO_GEN_IFRAME] > MAX_FIELD_OFFSET || r->dbg[DO_GEN_FRAME_STATE] > MAX_FIELD_OFFSET ||
	    r->dbg[DO_IFRAME_STACKPOINTER] > MAX_FIELD_OFFSET || r->dbg[DO_LLIST_NEXT] > 64)
		return fail(r, "the debug offsets are out of range");
	return 0;
}

/* The task's name into t->name: a str as it is; an int (3.14 names tasks "Task-N" lazily and
 * keeps the N) as "Task-N"; anything else as its repr. */
static void read_name(struct reading *r, uint64_t task, struct py_async_task *t)
{
	uint64_t name, type, flags, n;
	snprintf(t->name, sizeof t->name, "?");
	if (py_obj_read_ptr(&r->objs, task, (int32_t)r->ad[AD_TASK_NAME], &name) != 0 || !name ||
	    py_obj_type(&r->objs, name, &type, &flags) != 0)
		return;
	if (py_obj_type_is_str(&r->objs, type)) {
		if (py_string_read(r->w->mem, &r->w->layout.o, name, t->name, sizeof t->name) < 0)
			snprintf(t->name, sizeof t->name, "?");
	} else if (py_int_value(&r->objs, name, &n) == 0) {
		snprintf(t->name, sizeof t->name, "Task-%" PRIu64, n);
	} else {
		char type_name[PY_REPR_TYPE_MAX];
		py_repr(&r->repr, name, t->name, sizeof t->name, type_name, sizeof type_name);
	}
}

/* Whether the object at obj is a native coroutine or generator (a PyGenObject). */
static int is_gen(struct reading *r, uint64_t obj)
{
	uint64_t type, flags;
	char name[32];
	if (py_obj_type(&r->objs, obj, &type, &flags) != 0 ||
	    py_type_name(&r->objs, type, name, sizeof name) < 0)
		return 0;
	return strcmp(name, "coroutine") == 0 || strcmp(name, "generator") == 0;
}

static int add_frame(struct py_async_tasks *o, const char *file, const char *func, int line)
{
	if (grow_array((void **)&o->frames, &o->cap_frames, o->n_frames + 1, sizeof *o->frames))
		return -1;
	struct py_async_frame *f = &o->frames[o->n_frames];
	f->file = strdup(file);
	f->func = strdup(func);
	f->line = line;
	if (!f->file || !f->func) {
		free(f->file);
		free(f->func);
		return -1;
	}
	o->n_frames++;
	return 0;
}

/* The frames of the await chain from the coroutine coro down, outermost first, appended to
 * r->out's frames (the caller reverses them). Returns 0, or -1 when out of memory; a chain that
 * cannot be read further just ends. */
static int read_chain(struct reading *r, uint64_t coro)
{
	struct mem_reader *m = r->w->mem;
	for (int depth = 0; coro && depth < PY_ASYNC_MAX_AWAIT_DEPTH && is_gen(r, coro); depth++) {
		int8_t state;
		if (mem_read(m, coro + r->dbg[DO_GEN_FRAME_STATE], &state, 1) != 0 ||
		    state >= FRAME_COMPLETED)
			return 0;
		uint64_t frame = coro + r->dbg[DO_GEN_IFRAME];
		struct py_raw_frame raw;
		size_t partial = 0;
		/* One frame: a suspended coroutine's frame links to nothing, a running one to its
		 * caller, which is not part of this chain. */
		int n = py_stack_read(r->w, frame, &raw, 1, &partial);
		if (n == PY_WALK_TOO_DEEP)
			n = (int)partial;
		if (n == 1) {
			const struct py_code *code = py_code_get(r->w, raw.code);
			if (code && add_frame(r->out, code->filename, code->name,
					      py_code_line(code, raw.index)) != 0)
				return -1;
		}
		if (state != FRAME_SUSPENDED_YIELD_FROM)
			return 0;
		/* What it awaits is the top of its value stack. */
		uint64_t sp, ref;
		if (mem_read_u64(m, frame + r->dbg[DO_IFRAME_STACKPOINTER], &sp) != 0 ||
		    mem_read_u64(m, sp - 8, &ref) != 0)
			return 0;
		coro = ref & ~(uint64_t)STACKREF_TAG_BITS;
	}
	return 0;
}

/* Who awaits the task at task, appended to r->out's awaiters. Returns how many, or -1 when out
 * of memory (what cannot be read counts as nobody). */
static int read_awaiters(struct reading *r, uint64_t task)
{
	uint64_t by;
	uint8_t is_set;
	struct py_async_tasks *o = r->out;
	if (py_obj_read_ptr(&r->objs, task, (int32_t)r->ad[AD_TASK_AWAITED_BY], &by) != 0 || !by ||
	    mem_read(r->w->mem, task + r->ad[AD_TASK_AWAITED_BY_IS_SET], &is_set, 1) != 0)
		return 0;
	int n = 1;
	int64_t size;
	if (is_set) {
		n = py_set_items(&r->objs, by, r->keys, PY_ASYNC_MAX_AWAITERS, &size);
		if (n < 0)
			return 0;
	} else {
		r->keys[0] = by;
	}
	if (grow_array((void **)&o->awaiters, &o->cap_awaiters, o->n_awaiters + (size_t)n,
		       sizeof *o->awaiters))
		return -1;
	memcpy(o->awaiters + o->n_awaiters, r->keys, (size_t)n * sizeof *r->keys);
	o->n_awaiters += (size_t)n;
	return n;
}

static int read_task(struct reading *r, uint64_t task)
{
	struct py_async_tasks *o = r->out;
	if (grow_array((void **)&o->tasks, &o->cap, o->n + 1, sizeof *o->tasks))
		return fail(r, "out of memory");
	struct py_async_task *t = &o->tasks[o->n];
	memset(t, 0, sizeof *t);
	t->addr = task;
	read_name(r, task, t);
	t->first_frame = o->n_frames;
	uint64_t coro;
	if (py_obj_read_ptr(&r->objs, task, (int32_t)r->ad[AD_TASK_CORO], &coro) == 0 &&
	    read_chain(r, coro) != 0)
		return fail(r, "out of memory");
	t->n_frames = o->n_frames - t->first_frame;
	/* Innermost first, as a thread's stack is shown. */
	for (size_t i = 0, j = t->n_frames; i + 1 < j; i++, j--) {
		struct py_async_frame tmp = o->frames[t->first_frame + i];
		o->frames[t->first_frame + i] = o->frames[t->first_frame + j - 1];
		o->frames[t->first_frame + j - 1] = tmp;
	}
	t->first_awaiter = o->n_awaiters;
	int n = read_awaiters(r, task);
	if (n < 0)
		return fail(r, "out of memory");
	t->n_awaiters = (size_t)n;
	o->n++;
	return 0;
}

/* Reads the tasks of the circular list whose head node is at head. Returns 0 or -1 (said). */
static int read_list(struct reading *r, uint64_t head)
{
	uint64_t next_off = r->dbg[DO_LLIST_NEXT], node;
	if (mem_read_u64(r->w->mem, head + next_off, &node) != 0)
		return fail(r, "cannot read the task list at 0x%" PRIx64, head);
	while (node != head) {
		if (r->out->n >= PY_ASYNC_MAX_TASKS)
			return fail(r, "more than %d tasks, or a task list that loops",
				    PY_ASYNC_MAX_TASKS);
		if (node < r->ad[AD_TASK_NODE] || read_task(r, node - r->ad[AD_TASK_NODE]) != 0 ||
		    mem_read_u64(r->w->mem, node + next_off, &node) != 0)
			return r->err[0] ? -1 : fail(r, "a task list led to an unreadable task");
	}
	return 0;
}

int py_asyncio_read(struct py_walker *w, uint64_t debug_addr, struct py_async_tasks *out,
		    char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct reading r = { .w = w, .objs = { .w = w, .o = &w->layout.o }, .out = out,
			     .err = err, .errlen = errlen };
	err[0] = '\0';
	py_repr_init(&r.repr, w);
	if (read_offsets(&r, debug_addr) != 0)
		return -1;
	struct py_thread *threads = calloc(PY_MAX_THREADS, sizeof *threads);
	r.keys = calloc(PY_ASYNC_MAX_AWAITERS, sizeof *r.keys);
	int rc = -1;
	if (!threads || !r.keys) {
		fail(&r, "out of memory");
		goto out;
	}
	int nt = py_threads_read(w, w->mem, threads, PY_MAX_THREADS);
	if (nt < 0) {
		fail(&r, "cannot read the thread states");
		goto out;
	}
	for (int i = 0; i < nt; i++)
		if (read_list(&r, threads[i].tstate + r.ad[AD_TSTATE_TASKS_HEAD]) != 0)
			goto out;
	/* The tasks left behind by threads that have ended: the main interpreter's list. */
	uint64_t interp;
	if (mem_read_u64(w->mem, w->target.runtime + r.dbg[DO_RUNTIME_INTERPRETERS_HEAD],
			 &interp) != 0 ||
	    read_list(&r, interp + r.ad[AD_INTERP_TASKS_HEAD]) != 0) {
		if (!err[0])
			fail(&r, "cannot read the interpreter state");
		goto out;
	}
	rc = (int)out->n;
out:
	free(threads);
	free(r.keys);
	return rc;
}

void py_async_tasks_release(struct py_async_tasks *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_frames; i++) {
		free(t->frames[i].file);
		free(t->frames[i].func);
	}
	free(t->tasks);
	free(t->frames);
	free(t->awaiters);
	memset(t, 0, sizeof *t);
}

const struct py_async_task *py_async_task_find(const struct py_async_tasks *t, uint64_t addr)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->tasks[i].addr == addr)
			return &t->tasks[i];
	return NULL;
}
