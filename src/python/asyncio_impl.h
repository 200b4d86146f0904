/* asyncio_impl.h: what each way of keeping asyncio tasks provides (asyncio_314.c: 3.14's
 * .AsyncioDebug; asyncio_311.c: 3.11 to 3.13's sets in asyncio.tasks) to the shared part
 * (asyncio.c): the task list, the running task, a task's coroutine, name and awaiters, and a
 * coroutine's frame and what it awaits. Private to src/python/asyncio*.c.
 *
 * Every operation reads through a->w->mem and is bounded; a read that fails is an error
 * return (or "none"), never a crash. */
#ifndef PYFLAME_PYTHON_ASYNCIO_IMPL_H
#define PYFLAME_PYTHON_ASYNCIO_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "python/asyncio.h"
#include "python/objects.h"
#include "python/repr.h"

struct py_raw_frame;

/* Where a coroutine (or generator) stands. */
enum py_coro_state {
	PY_CORO_UNREADABLE,  /* not a coroutine, or it could not be read */
	PY_CORO_CREATED,     /* not started yet */
	PY_CORO_RUNNING,     /* executing now: its frame is on some thread's stack */
	PY_CORO_SUSPENDED,   /* suspended (at an await, or a bare yield) */
	PY_CORO_DONE,        /* completed or cleared */
};

struct py_async;

struct py_async_ops {
	/* Sets a->impl up for process pid. Returns 0, 1 (asyncio not loaded yet) or -1 with a
	 * reason in err. */
	int (*open)(struct py_async *a, pid_t pid, char *err, size_t errlen);
	void (*close)(struct py_async *a);
	/* Every pending task's address, appended to *tasks (grown with grow_array; *n, *cap).
	 * Returns 0 or -1 with a reason in a->err. */
	int (*all_tasks)(struct py_async *a, uint64_t **tasks, size_t *n, size_t *cap);
	/* The task running on thread state tstate, whose stack is frames[0 .. n) innermost
	 * first, into *task. Returns 1, 0 when none runs there, -1 when unreadable. */
	int (*running)(struct py_async *a, uint64_t tstate, const struct py_raw_frame *frames,
		       size_t n, uint64_t *task);
	/* The task's coroutine into *coro, its name object into *name. 0 or -1. */
	int (*task_coro)(struct py_async *a, uint64_t task, uint64_t *coro);
	int (*task_name)(struct py_async *a, uint64_t task, uint64_t *name);
	/* Who awaits task: tasks, or futures that are not tasks (a gather's), at most max, into
	 * out. Returns how many (0: nobody, or unreadable). */
	int (*awaiters)(struct py_async *a, uint64_t task, uint64_t *out, size_t max);
	/* Whether obj is a task (of the asyncio Task type or a subclass). */
	int (*is_task)(struct py_async *a, uint64_t obj);
	/* The state of the coroutine at coro, and the address of its frame (the one a thread's
	 * stack holds while it runs: raw frame addr) into *frame. */
	enum py_coro_state (*coro_state)(struct py_async *a, uint64_t coro, uint64_t *frame);
	/* What the suspended coroutine at coro (its frame at frame) awaits: a coroutine, a
	 * future, a task... into *obj. Returns 1, or 0 when it awaits nothing readable. */
	int (*awaited)(struct py_async *a, uint64_t coro, uint64_t frame, uint64_t *obj);
	/* all_tasks gives the tasks in no meaningful order (read from sets): a dump sorts them. */
	int unordered;
};

struct py_async {
	struct py_walker *w;
	struct py_objects objs;
	struct py_repr repr;
	const struct py_async_ops *ops;
	void *impl; /* the version's own, owned through ops->close */
	char err[256];
	/* Types seen to be coroutines or generators, so a chain costs no type name reads. */
	uint64_t gen_types[8];
	unsigned n_gen_types;
	/* Scratch: a task's awaiters. */
	uint64_t keys[PY_ASYNC_MAX_AWAITERS];
};

extern const struct py_async_ops py_async_ops_314;
extern const struct py_async_ops py_async_ops_311;

/* Whether obj is a native coroutine or generator (a PyGenObject), by its type's name, then by
 * the types remembered. */
int py_async_is_gen(struct py_async *a, uint64_t obj);

#endif
