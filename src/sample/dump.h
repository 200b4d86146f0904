/* dump.h: -d and `pyflame dump`, one snapshot of every thread's stack, with the OS thread id of
 * each, and for the dump command what each frame is and, with --locals, its local variables. */
#ifndef PYFLAME_SAMPLE_DUMP_H
#define PYFLAME_SAMPLE_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile/snapshot.h"

struct proc_target;
struct py_walker;
struct profile;
struct native_unwinder;
struct mem_reader;
struct py_async;

/* What a snapshot reads besides each thread's stack. */
struct dump_request {
	struct native_unwinder *native; /* --native: each thread's native frames too */
	int locals;                     /* --locals: each Python frame's local variables */
	struct mem_reader *cache;       /* the walker's page cache (mem/cache.h), emptied once
					 * the target stands still; NULL when it has none */
	/* --async: when tasks is set, the asyncio tasks (python/asyncio.h) are read into the
	 * snapshot's tasks while the target stands still, through async (NULL: asyncio is not
	 * loaded, no tasks), and its with_tasks set. A failure leaves them empty and with_tasks
	 * not set, and says why in async_err (async_errlen bytes; "" when they were read); the
	 * threads are kept. */
	int tasks;
	struct py_async *async;
	char *async_err;
	size_t async_errlen;
};

/* Stops t once, reads every thread, its stack (into prof), what each frame of it is and, with
 * rq->locals, each Python frame's locals (bounded: profile/snapshot.h) into out, which it
 * initializes, and lets t go. Nothing is read once t runs again: the snapshot is one instant.
 * Returns the number of threads, or a negative errno / py_walk_error; out is to be released
 * with dump_snapshot_release either way. */
int sample_snapshot(struct proc_target *t, struct py_walker *w, struct profile *prof,
		    const struct dump_request *rq, struct dump_snapshot *out);

/* The -d snapshot: sample_snapshot without locals, its threads (at most max) copied to out,
 * their frames not described. Returns the number of threads, or a negative errno /
 * py_walk_error. */
int sample_dump(struct proc_target *t, struct py_walker *w, struct profile *prof,
		struct dump_thread *out, size_t max, struct native_unwinder *native);

#endif
