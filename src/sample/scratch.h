/* scratch.h: what one sampler keeps between ticks (the threads and stacks of the tick, the pause,
 * how the GIL holder is told), shared by the tick's steps in sampler.c and the GIL's part of them
 * in gil_holder.c. Private to src/sample/. */
#ifndef PYFLAME_SAMPLE_SCRATCH_H
#define PYFLAME_SAMPLE_SCRATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc/asleep.h"
#include "proc/idents.h"
#include "proc/pause.h"
#include "sample/async_stage.h"
#include "sample/kept.h"
#include "python/walker.h"
#include "sample/roster.h"
#include "sample/sampler.h"
#include "sample/thread_names.h"
#include "sample/pending.h"
#include "sample/verified.h"

/* Threads running C code without the GIL followed from one look to the next. */
#define RUNNING_MAX 64

#define RUNNING_CPU_UNKNOWN UINT64_MAX

/* GIL holders remembered, the first suspects when the GIL is found free: a thread that runs C
 * code without the GIL let it go. */
#define HOLDERS_MAX 8

/* How long after its CPU time last moved a target with the GIL free is looked at for threads
 * running C code: a few of the kernel's scheduler ticks. */
#define CPU_RECENT_NS (50ull * 1000 * 1000)

/* How often a target with the GIL free has its CPU time read: about the kernel's scheduler
 * tick, at which it adds the time up (reading it more often tells nothing more), and a read
 * costs the kernel a walk over every thread (75 us beside 1,000 idle threads). */
#define CPU_LOOK_NS (10ull * 1000 * 1000)

struct mem_reader;
struct proc_target;
struct sampler_config;

/* How the GIL holder's OS thread is found, to stop only it (pause_snapshot). */
enum {
	GIL_PAUSE_OFF,    /* every thread is stopped at each tick */
	GIL_PAUSE_NATIVE, /* 3.11+ records it (native_thread_id), numbered as our /proc numbers */
	GIL_PAUSE_IDENT,  /* by its pthread_t, through threads' fs_base (struct ident_map) */
};

/* Per-run scratch, allocated once: no malloc per sample except when a deeper stack than any
 * before shows up. */
struct scratch {
	struct py_thread *threads; /* PY_MAX_THREADS */
	int n_threads; /* how many the last tick read (with --threads, the whole list) */
	struct py_raw_frame *frames;
	size_t frames_cap;
	struct {
		size_t start, n;
		long name; /* its entry in names, -1 when not tagged */
		size_t native_start, native_n; /* its program counters in pcs (--native) */
		int native_failed;             /* the native unwind ended early */
		int holds_gil;                 /* its thread held the GIL */
		struct async_span root;        /* --async: its task chain in async->ids */
		int check;     /* read while its thread may run: kept if unchanged (drop_changed) */
		int deep;      /* cut at PY_MAX_DEPTH */
		int thread;    /* its thread in threads */
		uint64_t code; /* its innermost frame's code as read, 0: no frame read */
		/* the same stack in verified (one read stopped, or re-checked), 0: none */
		verified_ref ref;
	} *stacks; /* PY_MAX_THREADS */
	/* --async's stage, NULL without it: 18 KiB, zeroed at every sampler's start (five page
	 * faults of a run's first tick) when it was held here whole */
	struct async_stage *async;
	struct thread_names names;
	struct sample_buf buf; /* sample_resolve's */
	/* --native: the program counters of this tick's stacks (see stacks), innermost first */
	uint64_t *pcs;
	uint8_t *activation;
	size_t pcs_cap, activation_cap, pcs_used;
	struct native_names *native_names; /* created on first use */
	struct proc_pause pause;
	int gil_pause; /* GIL_PAUSE_*: how the GIL holder's TID is told, to pause only it */
	struct ident_map idents; /* GIL_PAUSE_IDENT: pthread_t -> TID */
	int relearn;         /* the holder's pthread_t was not in idents: learn at a full pause */
	unsigned unmapped;   /* learnings in a row after which the holder was still not found */
	unsigned probes;     /* ident_map_probe calls that did not find where the TID is kept */
	unsigned strays;     /* GIL_PAUSE_NATIVE: holders in a row whose TID was another's */
	uint64_t holder; /* the thread state held stopped alone this tick, 0: none */
	struct py_thread held; /* that thread, as read before it was stopped (frame not read) */
	pid_t held_tid;        /* and the OS thread stopped, checked to run it */
	/* ...or, with --threads and the GIL free (3.11+), its last holder not stopped but
	 * watched: seen off the CPU, and checked to have stayed so once the stacks are read
	 * (others_held_still) */
	int held_asleep;
	struct proc_asleep asleep;
	/* The GIL's count of switches at the last look that found it free (free_seen 0: none
	 * yet): a last holder is watched only when it has not moved since (watch_last_holder) */
	uint64_t free_switches;
	int free_seen;
	/* With --threads, the GIL's count of switches read once the holder stood stopped (3.7+;
	 * gil_switches_known 0: not read): the same count after the other threads' stacks were
	 * read vouches for them (others_held_still). */
	uint64_t gil_switches;
	int gil_switches_known;
	struct kept_stacks kept; /* --threads: the last tick's stacks that count vouched for */
	int unpaused; /* this tick stopped nothing: the GIL was free and only its holder counts,
		       * or its holder ran no Python code (frameless) */
	int frameless; /* ...the latter: the GIL is held, so no thread runs without it */
	/* The GIL holder's stacks read while they stood stopped (verified.h), and whether this
	 * tick's, read with the holder running, was one of them: nothing is stopped then, held
	 * is the holder, matched_frame its innermost frame, and its matched_n frames are at the
	 * start of frames, as read (a second walk could read other bytes: the cache is direct
	 * mapped, and a page evicted by another is read again from the running target). */
	struct verified_set verified;
	int matched;
	verified_ref matched_ref;
	uint64_t matched_frame;
	size_t matched_n;
	struct pending_samples pending; /* matched stacks counted once their codes are checked */
	int tried; /* this tick read the holder's stack unstopped first, through the cache */
	int matched_deep; /* ...cut at PY_MAX_DEPTH */
	int released; /* ...and the stacks read are of threads running C code without the GIL */
	uint64_t cpu_ns; /* the target's CPU time when a tick last read it (target_busy) */
	uint64_t cpu_read_ns;  /* and when, 0: never */
	uint64_t cpu_moved_ns; /* when that figure was last seen to change, 0: never */
	uint32_t released_frame; /* the marker frame ending their stacks, INTERN_NONE: not yet */
	/* The thread states seen running at the last such look, and when; the OS threads of
	 * those sampled now */
	uint64_t running[RUNNING_MAX], running_next[RUNNING_MAX];
	/* ...and each one's CPU time when it was first seen running in that row of looks
	 * (RUNNING_CPU_UNKNOWN: not read) */
	uint64_t running_cpu[RUNNING_MAX], running_cpu_next[RUNNING_MAX];
	pid_t released_tid[RUNNING_MAX];
	size_t n_running;
	uint64_t running_at;
	/* Every Python thread and its OS thread, looked through when the GIL is free; the last
	 * few GIL holders seen (thread states, 0: none), a ring */
	struct roster roster;
	uint64_t holders[HOLDERS_MAX];
	size_t holders_next;
	int list_ok;  /* the thread list read at the last poll: the GIL alone is then trusted */
};

/* Readies s, zeroed, with --async's stage when async. Returns 0 or -ENOMEM (scratch_release
 * frees what it took). */
int scratch_init(struct scratch *s, int async);
void scratch_release(struct scratch *s);

/* The reader that sees the target as it is now: cfg's uncached one, else the walker's own. */
struct mem_reader *fresh_reader(const struct py_walker *w, const struct sampler_config *cfg);

/* Starts a look at the target as it is now through look (one of cfg's now_* caches): empties
 * it and reads the pages its last look used, in one call. Returns look, or the fresh reader
 * when there is no such cache. */
struct mem_reader *look_now(const struct py_walker *w, const struct sampler_config *cfg,
			    struct mem_reader *look);

/* gil_holder.c: stops what one consistent snapshot needs (the GIL holder alone when it can be
 * told, else every thread), or nothing when only the holder is sampled and the GIL is free or
 * its holder runs no Python code (s->unpaused). Returns as proc_pause_all. */
int pause_snapshot(struct proc_target *t, struct py_walker *w, const struct sampler_config *cfg,
		   struct scratch *s);

/* gil_holder.c: with --threads and the GIL holder stopped alone, whether the GIL shows that no
 * other thread took it since the stop (its holder and count of switches as then): then no
 * other thread's frames moved while they were read, and none needs a look of its own again.
 * A last holder watched, not stopped (held_asleep), must also have stayed off the CPU. One
 * look at the GIL; 0 when it cannot tell (2.7, 3.6, a failed read). */
int others_held_still(const struct py_walker *w, const struct sampler_config *cfg,
		      struct scratch *s);

/* gil_holder.c: whether stacks read while the holder runs may be taken when they match one
 * read while it stood stopped (verified.h): without --threads, --native or --async, whose
 * ticks need more than the holder's stack from a stopped target. */
int unstopped_ok(const struct sampler_config *cfg);

/* gil_holder.c: the GIL holder alone into *th, read from the GIL itself. Returns 1, 0 when the
 * GIL is free, or a py_walk_error. */
int holder_read(struct py_walker *w, struct py_thread *th);

/* gil_holder.c: whether the target used CPU lately, when a tick finds the GIL free: if not,
 * no thread runs C code without it, and none is looked at. */
int target_busy(struct proc_target *t, struct scratch *s);

/* gil_holder.c: with the GIL free, the Python threads running on a CPU now (C code that let
 * the GIL go), into s->threads. Returns their count. */
int released_threads(struct proc_target *t, struct py_walker *w, const struct sampler_config *cfg,
		     struct scratch *s);

#endif
