/* asyncio.h: the asyncio tasks of a CPython process, read from outside: every pending task,
 * its name, its coroutine stack and who awaits it (`pyflame dump --async`), and for a sample
 * of a thread running an event loop, the task it runs and the chain of tasks awaiting it
 * (`--async` of record and top).
 *
 * How a version keeps its tasks differs (3.14 publishes where in `_asyncio`'s .AsyncioDebug
 * section; 3.11 to 3.13 keep them in Python sets of `asyncio.tasks`): each way is a file of its
 * own behind asyncio_impl.h; this interface and the coroutine chains are shared.
 *
 * Everything is read through the walker's mem_reader; every chain is bounded and every bad
 * pointer an error return. Meant for a stopped target: the lists change as it runs.
 */
#ifndef PYFLAME_PYTHON_ASYNCIO_H
#define PYFLAME_PYTHON_ASYNCIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile/async_tasks.h"

struct py_walker;
struct py_raw_frame;

/* Most tasks read: the lists are followed through target pointers, so a bound is needed
 * against cycles and against a list caught half-written. */
#define PY_ASYNC_MAX_TASKS 100000
/* Most coroutines followed down one task's await chain (a coroutine awaiting a coroutine...). */
#define PY_ASYNC_MAX_AWAIT_DEPTH 1024
/* Most awaiters kept per task (a set of them is read up to this many). */
#define PY_ASYNC_MAX_AWAITERS 256
/* Most tasks in one sample's chain, from the running task up to the one nobody awaits. */
#define PY_ASYNC_CHAIN_MAX 64

/* How one process keeps its tasks, found once (py_async_open). */
struct py_async;

/* Whether --async can read CPython major.minor (said in one line by the caller otherwise). */
int py_async_supported(int major, int minor);
/* The versions it can read, for that line: "3.11 to 3.14". */
extern const char py_async_versions[];

/* Finds how process pid (read through w) keeps its asyncio tasks. Returns 0 with *out set, 1
 * when asyncio is not loaded yet (*out NULL: look again later), 2 when it is being loaded (its
 * tasks module there, not all of it set yet: look again soon), or -1 with a reason in err
 * (a version it cannot read among them). Reads the maps and ELF files on 3.14, the target's
 * memory before: call it with the target stopped, or be ready for a failure to retry. */
int py_async_open(struct py_walker *w, pid_t pid, struct py_async **out, char *err,
		  size_t errlen);
/* NULL-safe. */
void py_async_close(struct py_async *a);

/* Reads every pending task into out (initialized here; release it with async_tasks_release
 * either way), names and lines resolved. Returns the number of tasks, or -1 with a reason in
 * err. */
int py_async_read_all(struct py_async *a, struct async_tasks *out, char *err, size_t errlen);

/* One task of a sample's chain. */
struct py_async_link {
	uint64_t task;
	char name[ASYNC_NAME_MAX];
	size_t first, n; /* its suspended coroutine frames in the chain's frames, innermost
			  * first (none for the running task: the thread's stack holds them) */
};

/* What --async adds to one thread's sample, read while the target stands still. */
struct py_async_chain {
	/* The running task's coroutine is the thread's frame at index cut - 1 (innermost
	 * first): frames 0 .. cut - 1 are the task's, the rest the loop's. 0: no task runs
	 * (the stack is kept whole). */
	size_t cut;
	/* links[0] the running (or, for a waiting chain, the suspended) task, links[k + 1] the
	 * task awaiting links[k], the last one awaited by no task: the root. */
	struct py_async_link links[PY_ASYNC_CHAIN_MAX];
	size_t n_links;
	struct py_raw_frame *frames;
	size_t n_frames, cap;
};

/* The chain of the task running on thread state tstate, whose stack (innermost first, as
 * py_stack_read gave it) is frames[0 .. n). Returns 1 with out filled, 0 when no task of it
 * runs there (out->cut 0), or -1 when out of memory. Reads that fail just end the chain. */
int py_async_sample(struct py_async *a, uint64_t tstate, const struct py_raw_frame *frames,
		    size_t n, struct py_async_chain *out);

/* --idle-tasks: calls each(chain, arg) for every pending task that awaits no other task and is
 * not running (suspended, or not started yet) (the leaves of the await trees: their chains hold the others), with its chain
 * (cut 0, links[0] the task itself, its frames read). Returns how many, or -1 (out of memory
 * or a list that could not be read). */
int py_async_waiting(struct py_async *a, struct py_async_chain *scratch,
		     void (*each)(const struct py_async_chain *c, void *arg), void *arg);

void py_async_chain_release(struct py_async_chain *c);

#endif
