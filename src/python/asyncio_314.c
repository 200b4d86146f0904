/* asyncio_314.c: the asyncio tasks of CPython 3.14, as `python -m asyncio pstree` reads them:
 * through the offsets the _asyncio module keeps in its .AsyncioDebug section (struct
 * _Py_AsyncioModuleDebugOffsets) and the interpreter's own _Py_DebugOffsets (coroutine frames,
 * linked-list nodes). docs/CPYTHON.md §7.
 *
 * 3.14 keeps every pending native Task in a circular list of llist_nodes: one head in each
 * thread state (the tasks created on that thread) and one in the interpreter state (tasks of
 * threads that have ended). A thread state also holds the task it runs now. A task's coroutine
 * is a PyGenObject with its _PyInterpreterFrame embedded (gi_iframe); suspended at an await of
 * another awaitable (FRAME_SUSPENDED_YIELD_FROM) the awaited object is the top of that frame's
 * value stack. Who awaits a task is its task_awaited_by: NULL, one future or task, or a set of
 * them (task_awaited_by_is_set). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/file.h"
#include "mem/reader.h"
#include "proc/maps.h"
#include "python/asyncio_impl.h"
#include "python/discover.h"
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

/* 3.14's frame states (pycore_frame.h). */
#define FRAME_CREATED (-3)
#define FRAME_SUSPENDED (-2)
#define FRAME_SUSPENDED_YIELD_FROM (-1)
#define FRAME_EXECUTING 0
/* A _PyStackRef's tag bits in the default (GIL) build (pycore_stackref.h). */
#define STACKREF_TAG_BITS 3u
/* The largest offset believed inside a task or thread state: both are well under a page or
 * two; a larger one means the section is not what we think. */
#define MAX_FIELD_OFFSET 65536

struct impl {
	uint64_t ad[AD_COUNT];
	uint64_t dbg[DO_COUNT];
};

/* Where process pid keeps its _asyncio module's .AsyncioDebug section (the module is a shared
 * object mapped in the process, or built into the interpreter's own file, binary): *addr, 0
 * when no mapped file has one (asyncio was never imported). Only those files are opened, so
 * that looking again while a program starts up costs a read of its maps. Returns 0, or -1
 * with a reason in err. */
static int find_section(pid_t pid, const char *binary, uint64_t *addr, char *err, size_t errlen)
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
	 * _asyncio module is tried first, then the interpreter's file. */
	for (int pass = 0; pass < 2 && !*addr; pass++) {
		for (size_t i = 0; i < maps.n && !*addr; i++) {
			const struct proc_map *m = &maps.v[i];
			if (m->path[0] != '/' || m->offset != 0)
				continue;
			int named = strncmp(proc_map_basename(m), "_asyncio.", 9) == 0;
			if (pass == 0 ? !named : strcmp(m->path, binary) != 0)
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

/* Reads both offset structs and checks them. Returns 0 or -1 (said in err). */
static int read_offsets(struct py_async *a, struct impl *im, uint64_t debug_addr, char *err,
			size_t errlen)
{
	struct mem_reader *m = a->w->mem;
	const char *why = NULL;
	if (mem_read(m, debug_addr, im->ad, sizeof im->ad) != 0)
		why = "cannot read the _asyncio debug offsets";
	else if (mem_read(m, a->w->target.runtime, im->dbg, sizeof im->dbg) != 0)
		why = "cannot read the interpreter's debug offsets";
	else if (memcmp(im->dbg, "xdebugpy", 8) != 0 || (im->dbg[DO_VERSION] >> 16) != 0x030e ||
		 im->dbg[DO_FREE_THREADED] != 0)
		why = "the interpreter's debug offsets are not those of a CPython 3.14 with the GIL";
	if (why) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	uint64_t task_size = im->ad[AD_TASK_SIZE];
	for (int i = AD_TASK_NAME; i <= AD_TASK_NODE; i++)
		if (task_size > MAX_FIELD_OFFSET || im->ad[i] + 8 > task_size) {
			snprintf(err, errlen, "the _asyncio debug offsets do not fit its task size");
			return -1;
		}
	if (im->ad[AD_INTERP_TASKS_HEAD] > MAX_FIELD_OFFSET ||
	    im->ad[AD_TSTATE_TASKS_HEAD] > MAX_FIELD_OFFSET ||
	    im->ad[AD_TSTATE_RUNNING_TASK] > MAX_FIELD_OFFSET ||
	    im->dbg[DO_GEN_IFRAME] > MAX_FIELD_OFFSET ||
	    im->dbg[DO_GEN_FRAME_STATE] > MAX_FIELD_OFFSET ||
	    im->dbg[DO_IFRAME_STACKPOINTER] > MAX_FIELD_OFFSET || im->dbg[DO_LLIST_NEXT] > 64) {
		snprintf(err, errlen, "the debug offsets are out of range");
		return -1;
	}
	return 0;
}

static int open_314(struct py_async *a, pid_t pid, char *err, size_t errlen)
{
	uint64_t addr;
	if (find_section(pid, a->w->target.binary, &addr, err, errlen) != 0)
		return -1;
	if (!addr)
		return 1;
	struct impl *im = calloc(1, sizeof *im);
	if (!im) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (read_offsets(a, im, addr, err, errlen) != 0) {
		free(im);
		return -1;
	}
	a->impl = im;
	return 0;
}

static void close_314(struct py_async *a)
{
	free(a->impl);
	a->impl = NULL;
}

/* Appends the tasks of the circular list whose head node is at head. Returns 0 or -1. */
static int read_list(struct py_async *a, const struct impl *im, uint64_t head, uint64_t **tasks,
		     size_t *n, size_t *cap)
{
	uint64_t next_off = im->dbg[DO_LLIST_NEXT], node;
	if (mem_read_u64(a->w->mem, head + next_off, &node) != 0) {
		snprintf(a->err, sizeof a->err, "cannot read the task list at 0x%" PRIx64, head);
		return -1;
	}
	while (node != head) {
		if (*n >= PY_ASYNC_MAX_TASKS) {
			snprintf(a->err, sizeof a->err,
				 "more than %d tasks, or a task list that loops", PY_ASYNC_MAX_TASKS);
			return -1;
		}
		if (node < im->ad[AD_TASK_NODE]) {
			snprintf(a->err, sizeof a->err, "a task list led to an unreadable task");
			return -1;
		}
		if (grow_array((void **)tasks, cap, *n + 1, sizeof **tasks) != 0) {
			snprintf(a->err, sizeof a->err, "out of memory");
			return -1;
		}
		(*tasks)[(*n)++] = node - im->ad[AD_TASK_NODE];
		if (mem_read_u64(a->w->mem, node + next_off, &node) != 0) {
			snprintf(a->err, sizeof a->err, "a task list led to an unreadable task");
			return -1;
		}
	}
	return 0;
}

static int all_tasks_314(struct py_async *a, uint64_t **tasks, size_t *n, size_t *cap)
{
	const struct impl *im = a->impl;
	struct py_walker *w = a->w;
	struct py_thread *threads = calloc(PY_MAX_THREADS, sizeof *threads);
	if (!threads) {
		snprintf(a->err, sizeof a->err, "out of memory");
		return -1;
	}
	int rc = -1;
	int nt = py_threads_read(w, w->mem, threads, PY_MAX_THREADS);
	if (nt < 0) {
		snprintf(a->err, sizeof a->err, "cannot read the thread states");
		goto out;
	}
	for (int i = 0; i < nt; i++)
		if (read_list(a, im, threads[i].tstate + im->ad[AD_TSTATE_TASKS_HEAD], tasks, n,
			      cap) != 0)
			goto out;
	/* The tasks left behind by threads that have ended: the main interpreter's list. */
	uint64_t interp;
	if (mem_read_u64(w->mem, w->target.runtime + im->dbg[DO_RUNTIME_INTERPRETERS_HEAD],
			 &interp) != 0) {
		snprintf(a->err, sizeof a->err, "cannot read the interpreter state");
		goto out;
	}
	rc = read_list(a, im, interp + im->ad[AD_INTERP_TASKS_HEAD], tasks, n, cap);
out:
	free(threads);
	return rc;
}

static int running_314(struct py_async *a, uint64_t tstate, const struct py_raw_frame *frames,
		       size_t n, uint64_t *task)
{
	(void)frames;
	(void)n;
	const struct impl *im = a->impl;
	if (mem_read_u64(a->w->mem, tstate + im->ad[AD_TSTATE_RUNNING_TASK], task) != 0)
		return -1;
	return *task != 0;
}

static int task_coro_314(struct py_async *a, uint64_t task, uint64_t *coro)
{
	const struct impl *im = a->impl;
	return py_obj_read_ptr(&a->objs, task, (int32_t)im->ad[AD_TASK_CORO], coro) == 0 ? 0 : -1;
}

static int task_name_314(struct py_async *a, uint64_t task, uint64_t *name)
{
	const struct impl *im = a->impl;
	return py_obj_read_ptr(&a->objs, task, (int32_t)im->ad[AD_TASK_NAME], name) == 0 ? 0 : -1;
}

static int awaiters_314(struct py_async *a, uint64_t task, uint64_t *out, size_t max)
{
	const struct impl *im = a->impl;
	uint64_t by;
	uint8_t is_set;
	if (max == 0 ||
	    py_obj_read_ptr(&a->objs, task, (int32_t)im->ad[AD_TASK_AWAITED_BY], &by) != 0 ||
	    !by || mem_read(a->w->mem, task + im->ad[AD_TASK_AWAITED_BY_IS_SET], &is_set, 1) != 0)
		return 0;
	if (!is_set) {
		out[0] = by;
		return 1;
	}
	int64_t size;
	int k = py_set_items(&a->objs, by, out, max, &size);
	return k < 0 ? 0 : k;
}

static int is_task_314(struct py_async *a, uint64_t obj)
{
	const struct impl *im = a->impl;
	uint8_t is_task;
	return mem_read(a->w->mem, obj + im->ad[AD_TASK_IS_TASK], &is_task, 1) == 0 && is_task;
}

static enum py_coro_state coro_state_314(struct py_async *a, uint64_t coro, uint64_t *frame)
{
	const struct impl *im = a->impl;
	int8_t state;
	if (!py_async_is_gen(a, coro) ||
	    mem_read(a->w->mem, coro + im->dbg[DO_GEN_FRAME_STATE], &state, 1) != 0)
		return PY_CORO_UNREADABLE;
	*frame = coro + im->dbg[DO_GEN_IFRAME];
	if (state == FRAME_CREATED)
		return PY_CORO_CREATED;
	if (state == FRAME_SUSPENDED || state == FRAME_SUSPENDED_YIELD_FROM)
		return PY_CORO_SUSPENDED;
	return state == FRAME_EXECUTING ? PY_CORO_RUNNING : PY_CORO_DONE;
}

static int awaited_314(struct py_async *a, uint64_t coro, uint64_t frame, uint64_t *obj)
{
	const struct impl *im = a->impl;
	int8_t state;
	uint64_t sp, ref;
	if (mem_read(a->w->mem, coro + im->dbg[DO_GEN_FRAME_STATE], &state, 1) != 0 ||
	    state != FRAME_SUSPENDED_YIELD_FROM ||
	    mem_read_u64(a->w->mem, frame + im->dbg[DO_IFRAME_STACKPOINTER], &sp) != 0 ||
	    mem_read_u64(a->w->mem, sp - 8, &ref) != 0)
		return 0;
	/* What it awaits is the top of its value stack, a tagged _PyStackRef. */
	*obj = ref & ~(uint64_t)STACKREF_TAG_BITS;
	return *obj != 0;
}

const struct py_async_ops py_async_ops_314 = {
	.open = open_314,
	.close = close_314,
	.all_tasks = all_tasks_314,
	.running = running_314,
	.task_coro = task_coro_314,
	.task_name = task_name_314,
	.awaiters = awaiters_314,
	.is_task = is_task_314,
	.coro_state = coro_state_314,
	.awaited = awaited_314,
};
