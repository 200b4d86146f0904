/* profile.h: what a profiling run collected: interned frames, stacks with their counts, idle
 * and torn samples. Filled by the sampler, read by the writers; it knows nothing of how it was
 * sampled (ticks, losses and stops are sample/stats.h's). */
#ifndef PYFLAME_PROFILE_PROFILE_H
#define PYFLAME_PROFILE_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "profile/intern.h"

struct prof_frame {
	uint32_t file; /* string id */
	uint32_t func; /* string id */
	int32_t line;
};

/* The thread a stack was seen on, kept when the run asked for threads to be told apart. A
 * thread is keyed by its process too: a session may sample a parent and its children, whose
 * idents and TIDs may repeat across processes. */
struct prof_thread {
	uint64_t ident; /* the interpreter's thread ident (pthread_t) */
	uint64_t tid;   /* the OS thread id, 0 when it could not be told */
	uint32_t name;  /* string id: threading's name, the OS name, or "Thread 0x..." */
	uint32_t pid;   /* the process it ran in, 0 when not told (a replayed image) */
};

#define PROF_NO_THREAD UINT32_MAX

/* A process of the run with the name the sampler gave it (its command line, shortened). A
 * process is named apart from its threads: one name for all of them, given once. */
struct prof_process {
	uint32_t pid;
	uint32_t name; /* string id */
};

struct prof_stack {
	const uint32_t *frames; /* frame ids, outermost first */
	size_t n;
	uint64_t count;
	uint32_t thread; /* thread id, or PROF_NO_THREAD */
};

/* One sample in time order, kept only for flame charts (--flamechart). */
struct prof_event {
	uint64_t time_us; /* wall clock, microseconds since the epoch */
	uint32_t stack;   /* stack id, or INTERN_NONE for an idle sample */
};

struct profile {
	uint64_t serial; /* this profile's number among those of the run, never 0 nor reused: what
			  * ids are kept against (a freed profile's address is reused) */
	struct intern strings;
	struct intern frames; /* keys are struct prof_frame */
	struct intern threads; /* keys are struct prof_thread */
	/* Named processes, sorted by pid: a --subprocesses run names hundreds at most, and
	 * writers look one up per stack. */
	struct prof_process *processes;
	size_t n_processes, processes_cap;
	struct intern stacks; /* keys: a thread id, then frame ids */
	uint64_t *counts;     /* by stack id */
	size_t counts_cap;
	uint64_t idle;
	uint64_t torn;      /* stacks that changed while being read, not kept */
	uint64_t samples;   /* ticks that produced a stack or an idle count */
	int keep_timeline; /* set before sampling to record events (memory grows per sample) */
	uint64_t start_us, end_us; /* wall clock of the first and the last tick, 0 when none */
	double interval;           /* seconds between samples requested */
	struct prof_event *events;
	size_t n_events, events_cap;
};

void profile_init(struct profile *p);
void profile_release(struct profile *p);

/* Interns one frame; returns its id or INTERN_NONE when out of memory. */
uint32_t profile_frame(struct profile *p, const char *file, const char *func, int line);

/* Interns a string of the profile's (a file or function name); INTERN_NONE when out of memory. */
uint32_t profile_string_id(struct profile *p, const char *s);

/* profile_frame with its names already interned by profile_string_id. */
uint32_t profile_frame_ids(struct profile *p, uint32_t file, uint32_t func, int line);

/* Interns one thread of process pid; returns its id or PROF_NO_THREAD when out of memory. */
uint32_t profile_thread(struct profile *p, uint32_t pid, uint64_t ident, uint64_t tid,
			const char *name);

/* Names process pid (its command line, shortened): writers that root stacks at their process
 * show "process PID (NAME)". Naming it again replaces the name. Returns 0 or -1 (no memory;
 * the process keeps the name it had). */
int profile_process(struct profile *p, uint32_t pid, const char *name);

/* pid's name (p's string), or NULL when it was never named. */
const char *profile_process_name(const struct profile *p, uint32_t pid);

/* How many processes were named. */
size_t profile_process_count(const struct profile *p);

/* Adds count to the stack made of frame ids (outermost first) seen on thread (an id from
 * profile_thread, or PROF_NO_THREAD). Returns the stack's id, or INTERN_NONE when out of
 * memory. */
uint32_t profile_add_stack(struct profile *p, uint32_t thread, const uint32_t *frames, size_t n,
			   uint64_t count);

/* Adds count to the stack of id stack (as profile_add_stack returned it). */
void profile_count(struct profile *p, uint32_t stack, uint64_t count);

/* Records that a sample at time_us saw stack (INTERN_NONE: idle), when keep_timeline is set.
 * Returns 0 or -1 (no memory; the event is dropped). */
int profile_add_event(struct profile *p, uint64_t time_us, uint32_t stack);

size_t profile_stack_count(const struct profile *p);
size_t profile_thread_count(const struct profile *p);
const struct prof_thread *profile_thread_get(const struct profile *p, uint32_t id);
struct prof_stack profile_stack(const struct profile *p, size_t id);
const struct prof_frame *profile_frame_get(const struct profile *p, uint32_t id);
const char *profile_string(const struct profile *p, uint32_t id);

#endif
