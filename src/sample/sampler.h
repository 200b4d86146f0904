/* sampler.h: the sampling loop. Each tick takes one consistent snapshot of the target's
 * threads (stopping it only for as long as the raw frames take to read), then resolves names
 * and lines with the target running again, and hands the stacks to the profile. */
#ifndef PYFLAME_SAMPLE_SAMPLER_H
#define PYFLAME_SAMPLE_SAMPLER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "native/unwind.h"
#include "python/walker.h"

struct mem_reader;
struct proc_target;
struct py_walker;
struct profile;
struct sample_stats;
struct progress;

struct sampler_config {
	double seconds;   /* how long to sample; < 0: until the target exits */
	double interval;  /* seconds between samples */
	int all_threads;  /* --threads: every thread, else the GIL holder */
	int tag_threads;  /* keep which thread each stack was seen on, with its name */
	int thread_identity; /* ...told apart by ident and TID, not only by name (per-thread
			      * views need it; memory then grows with threads ever seen) */
	int tag_process;  /* without tag_threads, keep which process each stack was seen in
			   * (--subprocesses): a thread of no name stands for the process */
	int once;         /* -s 0: exactly one sample */
	int pause;        /* stop the target for each snapshot (the default) */
	int find_released; /* with the GIL free and only its holder sampled, sample the threads
			    * running C code without it rather than count the tick idle */
	struct mem_reader *cache; /* the walker's page cache (mem/cache.h), emptied every tick;
				   * NULL when there is none */
	struct mem_reader *fresh; /* a reader with no cache, to re-check stacks read without
				   * pausing; NULL: the walker's own */
	/* Page caches over fresh, one per kind of look at the target as it is now: the GIL
	 * read before a pause (now_gil), the re-check of stacks read while their threads ran
	 * (now_stacks). Each look starts by emptying its cache and reading the pages its last
	 * look used in one call (look_now), not a call per field (7 reads for the GIL alone).
	 * NULL: fresh. */
	struct mem_reader *now_gil, *now_stacks;
	struct native_unwinder *native; /* --native: the target's unwinder, else NULL */
	int async;        /* --async: stacks of threads running an asyncio task start at the
			   * task's await chain (sample/async_stage.h) */
	int idle_tasks;   /* --idle-tasks (and not -x): waiting tasks counted each tick */
	struct progress *progress; /* the status line the record loops redraw, else NULL */
};

/* The sampler as steps others can drive: open over a target and its walker, tick as often as
 * the driver's clock says (the record loop below, or a live view's), close. Samples go to
 * prof, how they were taken (ticks, losses, stopped time) to stats. */
struct sampler;

/* Prepares sampling t through w. Returns NULL when out of memory. */
struct sampler *sampler_open(struct proc_target *t, struct py_walker *w,
			     const struct sampler_config *cfg, struct profile *prof,
			     struct sample_stats *stats);

/* Takes one sample now, first checking (every 50 ms) that the target still runs the same
 * program. Per-sample failures are counted in stats and return 0. Returns 0, -ESRCH (the
 * target is gone), -ESTALE (it exec()'d: its memory is another program's now) or -EPERM (it
 * may not be traced). */
int sampler_tick(struct sampler *s);

/* How long s has held the target stopped so far, which sampler_close adds to the stats'
 * stopped_ns: a live view reads the running figure from it. 0 for NULL. */
uint64_t sampler_stopped_ns(const struct sampler *s);

/* Adds the time sampled and stopped to stats, and frees s. NULL does nothing. */
void sampler_close(struct sampler *s);

/* The record loop: ticks on cfg's clock into prof until the time is up, the target exits
 * (t->exited, or the process disappears) or *stop becomes non-zero; ticks that fell behind are
 * counted as missed. Returns 0, -ESTALE when the process exec()'d, -ENOMEM, or -EPERM when the
 * very first snapshot was refused (a reason the user must hear about). */
int sampler_run(struct proc_target *t, struct py_walker *w, const struct sampler_config *cfg,
		struct profile *prof, struct sample_stats *stats, volatile sig_atomic_t *stop);

struct py_raw_frame;
struct native_unwinder;
struct native_names;

/* A thread's native frames, for sample_resolve to merge with its Python ones (--native). */
struct sample_natives {
	struct native_unwinder *u;
	struct native_names *names;
	const uint64_t *pcs; /* innermost first, as native_unwind gave them */
	const uint8_t *activation;
	size_t n;
	int failed;          /* the unwind ended early */
};

/* sample_resolve's scratch: SAMPLE_IDS_MAX ids, PY_MAX_DEPTH call ends. */
struct sample_buf {
	uint32_t *ids;
	uint8_t *call_end;
};
/* Most frames put before a stack (--async: its task chain); more are left out. */
#define SAMPLE_ROOT_MAX 4096
#define SAMPLE_IDS_MAX (2 * PY_MAX_DEPTH + NATIVE_MAX_DEPTH + SAMPLE_ROOT_MAX + 2)

/* Resolves one raw stack (innermost first, as read) into names and lines, merged with nat's
 * native frames when given (NULL or none: Python frames alone), and adds it to prof once,
 * outermost first, after the n_root frame ids of root (its --async task chain; at most
 * SAMPLE_ROOT_MAX), seen on thread (a profile thread id or PROF_NO_THREAD), with the frame id
 * innermost after the stack's own (INTERN_NONE: none). Frames CPython itself hides (3.11+ frames not yet started) are
 * left out. Returns the stack id, or INTERN_NONE when nothing is left or a code object could
 * not be read (counted in st->errors). */
uint32_t sample_resolve(struct py_walker *w, struct profile *prof, struct sample_stats *st,
			const struct py_raw_frame *raw, size_t n, uint32_t thread, uint32_t innermost,
			const uint32_t *root, size_t n_root, const struct sample_natives *nat,
			struct sample_buf *buf);

#endif
