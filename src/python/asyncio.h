/* asyncio.h: the asyncio tasks of a CPython 3.14 process, read from outside as
 * `python -m asyncio pstree` reads them: through the offsets the _asyncio module keeps in its
 * .AsyncioDebug section (struct _Py_AsyncioModuleDebugOffsets) and the interpreter's own
 * _Py_DebugOffsets (coroutine frames, linked-list nodes).
 *
 * 3.14 keeps every pending native Task in a circular list of llist_nodes: one head in each
 * thread state (the tasks created on that thread) and one in the interpreter state (tasks of
 * threads that have ended). A task's coroutine is a PyGenObject with its _PyInterpreterFrame
 * embedded (gi_iframe); suspended at an await of another coroutine (FRAME_SUSPENDED_YIELD_FROM)
 * the awaited object is the top of that frame's value stack. Who awaits a task is its
 * task_awaited_by: NULL, one future or task, or a set of them (task_awaited_by_is_set).
 *
 * Everything is read through the walker's mem_reader; every chain is bounded and every bad
 * pointer an error return.
 */
#ifndef PYFLAME_PYTHON_ASYNCIO_H
#define PYFLAME_PYTHON_ASYNCIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct py_walker;

/* Most tasks read: the lists are followed through target pointers, so a bound is needed
 * against cycles and against a list caught half-written. */
#define PY_ASYNC_MAX_TASKS 100000
/* Most coroutines followed down one task's await chain (a coroutine awaiting a coroutine...). */
#define PY_ASYNC_MAX_AWAIT_DEPTH 1024
/* Most awaiters kept per task (a set of them is read up to this many). */
#define PY_ASYNC_MAX_AWAITERS 256
/* Longest task name kept, in bytes with the NUL. */
#define PY_ASYNC_NAME_MAX 256

/* One coroutine frame, resolved. */
struct py_async_frame {
	char *file; /* owned by the py_async_tasks */
	char *func; /* co_qualname */
	int line;
};

struct py_async_task {
	uint64_t addr;
	char name[PY_ASYNC_NAME_MAX]; /* a str name as it is; an int one as "Task-N"; else repr */
	size_t first_frame, n_frames; /* in frames[], innermost first */
	size_t first_awaiter, n_awaiters; /* in awaiters[]: the addresses awaiting this task */
};

struct py_async_tasks {
	struct py_async_task *tasks;
	size_t n, cap;
	struct py_async_frame *frames;
	size_t n_frames, cap_frames;
	uint64_t *awaiters;
	size_t n_awaiters, cap_awaiters;
};

/* Finds where process pid keeps its _asyncio module's .AsyncioDebug section (the module is a
 * shared object mapped in the process, or built into the executable): *addr is its address in
 * the target, 0 when no mapped file has one (asyncio was never imported). Reads the maps and
 * the ELF files, not the process's memory. Returns 0, or -1 with a reason in err. */
int py_asyncio_find(pid_t pid, uint64_t *addr, char *err, size_t errlen);

/* Reads every pending task of the target into out (initialized here; release it with
 * py_async_tasks_release either way), through w's reader, with the .AsyncioDebug section at
 * debug_addr. Meant for a stopped target (the lists change as it runs). Only CPython 3.14.
 * Returns the number of tasks, or -1 with a reason in err. */
int py_asyncio_read(struct py_walker *w, uint64_t debug_addr, struct py_async_tasks *out,
		    char *err, size_t errlen);

/* NULL-safe; leaves out empty. */
void py_async_tasks_release(struct py_async_tasks *t);

/* The task at addr in t, or NULL. */
const struct py_async_task *py_async_task_find(const struct py_async_tasks *t, uint64_t addr);

#endif
