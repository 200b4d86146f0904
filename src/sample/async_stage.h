/* async_stage.h: --async, the sampler's asyncio stage. A thread that runs an asyncio task has
 * its stack cut at the task's coroutine (the event loop's frames below it go) and rooted at
 * the chain of tasks awaiting it: each task a frame named as the task, then its suspended
 * coroutine frames, outermost task first. With --idle-tasks every waiting task that awaits no
 * other task is counted too, each tick, its chain ending in "(waiting)".
 *
 * Chains are read while the target stands stopped and named at once (a sample's prefix is a
 * few frames, mostly of code already read), so that what the target runs next cannot tear
 * them. Private to src/sample/. */
#ifndef PYFLAME_SAMPLE_ASYNC_STAGE_H
#define PYFLAME_SAMPLE_ASYNC_STAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "python/asyncio.h"

struct profile;
struct py_walker;
struct py_raw_frame;

/* A run of frame ids in the stage's ids. */
struct async_span {
	size_t start, n;
};

struct async_stage {
	struct py_async *a;   /* NULL until asyncio is found loaded */
	uint64_t looked_ns;   /* when it was last looked for */
	int64_t modules;      /* how many modules sys.modules held then, -1: unknown */
	int loading;          /* ...and asyncio was being loaded: looked at again next tick */
	int given_up;         /* this process's tasks cannot be read: said once */
	uint64_t failing_since_ns; /* when looking for them began to fail, 0: it does not */
	struct py_async_chain chain;
	uint32_t *ids;        /* this tick's prefixes and waiting stacks, outermost first */
	size_t n_ids, cap_ids;
	struct async_span *waiting; /* this tick's waiting stacks, in ids */
	size_t n_waiting, cap_waiting;
	uint32_t waiting_frame; /* the "(waiting)" marker, INTERN_NONE: not yet */
	int waiting_read;         /* this tick read them (as->waiting), else held stands */
	uint64_t waiting_next_ns; /* when they may be read again */
	uint32_t *held;           /* the profile's stacks of the last reading */
	size_t n_held, cap_held;
	struct profile *prof;   /* where names are interned, for the callback */
	struct py_walker *w;
};

void async_stage_init(struct async_stage *as);
void async_stage_release(struct async_stage *as);

/* At the start of a tick: forgets the last tick's ids and makes sure the tasks' reader is
 * open, looking for asyncio again every 20 ms while the process has not loaded it, and at once
 * when sys.modules has grown or shrunk since the last look. Returns 1 when the tasks can be
 * read this tick. */
int async_stage_begin(struct async_stage *as, struct py_walker *w, struct profile *prof,
		      pid_t pid);

/* While the target stands stopped: the chain of the task running on thread state tstate, whose
 * stack is frames[0 .. n) (innermost first). Returns how many of those frames are the task's
 * (the stack is to be cut there; 0: no task runs, keep it whole), with *prefix its task chain's
 * frame ids (outermost first) in as->ids. */
size_t async_stage_running(struct async_stage *as, uint64_t tstate,
			   const struct py_raw_frame *frames, size_t n, struct async_span *prefix);

/* While the target stands stopped: every waiting task's stack into as->waiting. Reading a
 * thousand tasks takes milliseconds, so they are read at most a fiftieth of the time (a read
 * that took 2 ms waits 100 ms before the next), and at least every 0.5 s: a tick that does not read them (waiting_read
 * 0) counts what the last reading saw again (async_stage_count). */
void async_stage_waiting(struct async_stage *as);

/* Once the target runs again: counts this tick's waiting tasks in prof, on thread (a profile
 * thread id or PROF_NO_THREAD): those just read, or those the last reading saw. */
void async_stage_count(struct async_stage *as, struct profile *prof, uint32_t thread);

#endif
