/* gil_holder.c: whom a tick stops and reads, from what the GIL says. While one thread holds the
 * GIL and is stopped, no other can run Python code, so stopping that thread alone freezes every
 * frame chain: its OS thread is found (3.11+ records it; before, by its pthread_t through the
 * ident map), stopped, and checked to run it. With the GIL free, the threads that run C code
 * without it are found by their scheduler state. */
#include "sample/scratch.h"

#include <errno.h>
#include <string.h>

#include "mem/cache.h"
#include "proc/asleep.h"
#include "proc/pause.h"
#include "proc/target.h"
#include "proc/procfs.h"
#include "python/code.h"
#include "util/clock.h"
#include "sample/sampler.h"

/* Full pauses in a row that learned the thread map without finding the GIL holder in it,
 * after which the map is taken not to work here (a libc whose fs_base is not pthread_t). */
#define UNMAPPED_MAX 16

/* Probes of a few threads (ident_map_probe) before control blocks are taken not to tell
 * TIDs: a process that had one thread at the first probe may have more at the next. */
#define PROBES_MAX 8

/* Holders in a row whose recorded TID is a thread of another process, after which the TID is
 * told by pthread_t instead (GIL_PAUSE_IDENT). A thread state keeps the TID of the thread that
 * made it: a process forked from C after the interpreter started, as uWSGI forks its workers
 * (it calls PyOS_AfterFork_Child only when asked to), still shows its parent's in its main
 * thread. Its pthread_t is right: the child's thread has the control block it forked with. A
 * holder that exited meanwhile is not counted: its TID is gone, not elsewhere. */
#define STRAYS_MAX 4

/* Reads of the GIL holder, each followed by an attempt to stop it alone, before a tick stops
 * every thread instead. */
#define HOLDER_ATTEMPTS 2

/* Reads of the GIL holder's stack while it runs, a tick, before it is stopped: a read costs a
 * tenth of a pause, and what misses after the first stacks are learned is mostly a rare
 * moment (3.14's loops show a few instructions that stops seldom land on: 19.5 pauses in 2 s
 * at 1 kHz with two reads, 15.2 with three, in six interleaved runs). */
#define UNSTOPPED_READS 3

/* After a complete pause of every thread: learns the pthread_t -> TID map when the holder was
 * not in it, and gives up on the map when learning never finds the holder. */
static void learn_idents(struct scratch *s, const struct py_thread *h, struct mem_reader *fresh)
{
	if (s->gil_pause != GIL_PAUSE_IDENT || !s->relearn || !s->pause.complete)
		return;
	s->relearn = 0;
	if (ident_map_learn(&s->idents, &s->pause, fresh) != 0 ||
	    !ident_map_find(&s->idents, h->thread_id))
		s->unmapped++;
	else
		s->unmapped = 0;
	if (s->unmapped >= UNMAPPED_MAX)
		s->gil_pause = GIL_PAUSE_OFF;
}

/* The TID the pthread_t -> TID map gives ident, learning where control blocks keep the TID
 * first when nothing says yet (from a few threads stopped one at a time: a full pause of a
 * process of 500 threads held it 0.3 s). 0 when the map has none. */
static pid_t mapped_tid(struct proc_target *t, const struct sampler_config *cfg,
			struct scratch *s, uint64_t ident)
{
	pid_t tid = ident_map_find(&s->idents, ident);
	if (!tid && !s->idents.tid_off && s->probes < PROBES_MAX) {
		s->probes++;
		ident_map_probe(&s->idents, t, &s->pause, cfg->fresh);
		tid = ident_map_find(&s->idents, ident);
	}
	return tid;
}

/* --threads, h's OS thread just stopped: whether every frame chain holds still while it stays
 * stopped. So when h holds the GIL: no other thread can run Python code. On 3.7+ also when h
 * took the GIL last and has let it go: another thread taking it then adds to the count of
 * switches, which others_held_still reads again once the stacks are read (recorded here, as
 * read in the same look). */
static int still_with(const struct py_walker *w, struct mem_reader *now, struct scratch *s,
		      const struct py_thread *h)
{
	uint64_t last;
	int locked;
	s->gil_switches_known = py_gil_switches(w, now, &last, &locked, &s->gil_switches) == 0 &&
				last == h->tstate;
	if (s->gil_switches_known)
		return 1;
	struct py_thread again;
	return py_gil_owner(w, now, &again) == 0 && again.tstate == h->tstate;
}

/* Stops the GIL holder h alone, at the TID it runs on: the one its thread state records
 * (3.11+), or by its pthread_t the map's entry, else the TID its control block holds (a
 * thread new since the map was learned; a TID read from memory is only a guess, checked on the
 * stopped thread). A map entry may be stale: the stopped thread must run that pthread_t (a
 * pthread_t is reused by the next thread, which has another TID). Stopped, the holder may
 * have let the GIL go a moment before (2.7 lets go and takes it back every 100 instructions):
 * its own stack holds still all the same, and it is the only one wanted without --threads, so
 * the GIL is not read again while the target waits. With --threads, another thread may have
 * taken the GIL since: then this fails. Returns 1 with h's thread held, else 0 with nothing
 * held. The GIL is read through the fresh reader: the cache may hold an older holder. */
static int stop_holder(struct proc_target *t, struct py_walker *w,
		       const struct sampler_config *cfg, struct scratch *s, const struct py_thread *h)
{
	pid_t tids[2] = { 0, 0 };
	tids[0] = s->gil_pause == GIL_PAUSE_NATIVE ? (pid_t)h->native_id
						   : mapped_tid(t, cfg, s, h->thread_id);
	for (int i = 0; i < 2; i++) {
		/* The control block is read only when the map had no TID, or the wrong one: a
		 * remote read per tick saved while the map holds. */
		if (i == 1 && s->gil_pause == GIL_PAUSE_IDENT)
			tids[1] = ident_map_read_tid(&s->idents, cfg->fresh, h->thread_id);
		pid_t tid = tids[i];
		if (tid <= 0 || (i == 1 && tid == tids[0]))
			continue;
		int rc = proc_pause_thread(t, &s->pause, tid);
		if (s->gil_pause == GIL_PAUSE_NATIVE && rc == 0) {
			s->strays = 0;
		} else if (s->gil_pause == GIL_PAUSE_NATIVE && rc == -ESRCH &&
			   procfs_tid_elsewhere(t->pid, tid) && ++s->strays >= STRAYS_MAX) {
			s->gil_pause = GIL_PAUSE_IDENT;
		}
		if (rc != 0)
			continue;
		if ((s->gil_pause == GIL_PAUSE_NATIVE || ident_runs(tid, h->thread_id)) &&
		    (!cfg->all_threads || still_with(w, look_now(w, cfg, cfg->now_gil), s, h))) {
			if (i == 1)
				ident_map_set(&s->idents, h->thread_id, tid);
			s->held_tid = tid;
			return 1;
		}
		proc_resume_all(t, &s->pause);
	}
	/* Without the control block's TID, the map learned at a full pause is the only way. */
	if (s->gil_pause == GIL_PAUSE_IDENT && !s->idents.tid_off)
		s->relearn = 1;
	return 0;
}

int others_held_still(const struct py_walker *w, const struct sampler_config *cfg,
		      struct scratch *s)
{
	uint64_t last, switches;
	int locked;
	return s->holder && s->gil_switches_known &&
	       py_gil_switches(w, look_now(w, cfg, cfg->now_gil), &last, &locked, &switches) == 0 &&
	       last == s->holder && switches == s->gil_switches &&
	       (!s->held_asleep || proc_asleep_still(&s->asleep));
}

/* The OS thread running l, when it can be told for sure without stopping it: the TID its
 * thread state records (3.11+), or up to 3.10 the one the pthread_t map learned off a
 * stopped thread's registers when its control block records the same now (a map entry alone
 * may be stale: a pthread_t is reused by the next thread; the control block's TID alone is
 * read through an offset learned by probing). 0 when not. */
static pid_t watch_tid(const struct sampler_config *cfg, struct scratch *s,
		       const struct py_thread *l)
{
	if (s->gil_pause == GIL_PAUSE_NATIVE)
		return (pid_t)l->native_id;
	if (s->gil_pause != GIL_PAUSE_IDENT || !s->idents.tid_off)
		return 0;
	pid_t mapped = ident_map_find(&s->idents, l->thread_id);
	return mapped > 0 && ident_map_read_tid(&s->idents, cfg->fresh, l->thread_id) == mapped
		       ? mapped
		       : 0;
}

/* --threads with the GIL free, 3.7+: its last holder l not stopped when it is off the CPU
 * (proc/asleep.h), as it is when it has let the GIL go to wait for something, most of the
 * time in a server's idle process. Off the CPU from now until others_held_still checks that
 * it stayed so, its frames hold still as if it were stopped; so do the others' while the
 * GIL's count does not move. A stop woke it at every tick: a tick's longest part, and the only
 * time an idle target stood stopped. Only while the GIL's count has not moved since the last
 * look that found it free: threads that hand the GIL to one another (a last holder waiting to
 * take it back, off the CPU for microseconds) would take it while the stacks are read, and
 * the checks that follow drop what moved as torn, where a stop of the last holder fails at
 * once and every thread is stopped (t30: a torn sample in 90). switches: the count the look
 * that found the GIL free read, with l its last holder. Returns 1 with l watched as
 * s->holder. */
static int watch_last_holder(struct proc_target *t, const struct sampler_config *cfg,
			     struct scratch *s, const struct py_thread *l, uint64_t switches)
{
	int settled = s->free_seen && s->free_switches == switches;
	s->free_seen = 1;
	s->free_switches = switches;
	pid_t tid = settled ? watch_tid(cfg, s, l) : 0;
	if (tid <= 0 || !proc_asleep_begin(&s->asleep, t->pid, tid))
		return 0;
	s->holder = l->tstate;
	s->held = *l;
	s->held_tid = tid;
	s->held_asleep = 1;
	s->gil_switches = switches;
	s->gil_switches_known = 1;
	return 1;
}

/* The index of thread state ts in the s->n_threads threads of s->threads, or -1. */
static int thread_index(const struct scratch *s, uint64_t ts)
{
	for (int k = 0; k < s->n_threads; k++)
		if (s->threads[k].tstate == ts)
			return k;
	return -1;
}

/* --threads with the GIL free, 3.7+: its last holder alone is stopped (or only watched:
 * watch_last_holder), the one thread that can take it back without adding to the count of
 * switches (still_with, others_held_still), where stopping every thread woke each of a
 * server's idle threads at every tick. The last holder must be a thread of the list (one that
 * ended leaves its tstate in the GIL, and what its freed memory holds for its OS thread is no
 * TID to stop): the one the last tick read, or when it is not there (the first tick, a thread
 * new since) the list as a look of its own reads it now, not a stop of every thread (the
 * first tick over 100 waiting threads held them all for 57 ms). Not with --native, whose
 * threads' registers are read only when stopped, nor --async. The last holder is read
 * through look, the tick's look that found the GIL free (its pages hold the GIL's struct: no
 * read more). Returns 1 with it held as s->holder, else 0. */
static int stop_last_holder(struct proc_target *t, struct py_walker *w,
			    const struct sampler_config *cfg, struct scratch *s,
			    struct mem_reader *look)
{
	uint64_t last, switches;
	int locked;
	if (cfg->native || cfg->async ||
	    py_gil_switches(w, look, &last, &locked, &switches) != 0 || locked || !last)
		return 0;
	int k = thread_index(s, last);
	if (k < 0) {
		int n = py_threads_read(w, look_now(w, cfg, cfg->now_stacks), s->threads,
					PY_MAX_THREADS);
		s->n_threads = n > 0 ? n : 0;
		k = thread_index(s, last);
	}
	if (k < 0)
		return 0;
	struct py_thread l = s->threads[k];
	l.holds_gil = 0;
	if (watch_last_holder(t, cfg, s, &l, switches))
		return 1;
	if (!stop_holder(t, w, cfg, s, &l))
		return 0;
	s->holder = l.tstate;
	s->held = l;
	return 1;
}

int unstopped_ok(const struct sampler_config *cfg)
{
	return cfg->pause && cfg->cache && !cfg->all_threads && !cfg->native && !cfg->async;
}

/* Whether this tick reads the GIL holder's stack while it runs first (read_unstopped). */
static int trying_unstopped(struct py_walker *w, const struct sampler_config *cfg,
			    struct scratch *s)
{
	if (!unstopped_ok(cfg))
		return 0;
	verified_sync(&s->verified, py_code_generation(w));
	/* With no stack verified yet, a try only tells a holder with no Python frame (one
	 * read, in the call that reads the GIL): an idle uWSGI worker never gets one. */
	return !s->verified.n || verified_try_now(&s->verified);
}

/* Starts the tick's look at the GIL and, when trying, the read of its holder's stack through
 * the walker's cache: both caches emptied and filled with their last pages in one call; again,
 * for a second try the same tick, with the pages the first try fetched. Returns the reader
 * the GIL is read through. */
static struct mem_reader *begin_looks(const struct py_walker *w,
				      const struct sampler_config *cfg, int trying, int again)
{
	if (!trying)
		return look_now(w, cfg, cfg->now_gil);
	if (!cfg->now_gil) {
		if (again) {
			mem_cache_refresh(cfg->cache);
		} else {
			mem_cache_clear(cfg->cache);
			mem_cache_prefetch(cfg->cache);
		}
		return fresh_reader(w, cfg);
	}
	if (again) {
		mem_cache_refresh_pair(cfg->now_gil, cfg->cache);
	} else {
		mem_cache_clear(cfg->cache);
		mem_cache_clear(cfg->now_gil);
		mem_cache_prefetch_pair(cfg->now_gil, cfg->cache);
	}
	return cfg->now_gil;
}

/* Whether a GIL holder whose frame pointer reads frame, checked by link, runs no Python code:
 * C code that holds the GIL outside any Python call, as a uWSGI worker waiting for a request
 * does (it keeps the GIL unless its threads are enabled). One pointer read as empty is
 * consistent by itself, so the tick is idle without a stop, as a stop would find it: an idle
 * worker was stopped at every tick, 3.7% of its time at 1 kHz, and under load the stop of a
 * thread asleep in accept() took far longer. 3.11-3.12: a thread entering the eval loop may
 * show no frame yet while the cframe before holds its caller's (struct py_link): that is not
 * empty. */
static int frameless(uint64_t frame, const struct py_link *link)
{
	return !frame && (!link->known || !link->frame);
}

/* Whether frames a and b (one address, one code) print alike: their instructions on one line
 * of the code as last read, or both frames left out (verified_add_alike). A code object not
 * held says no. */
static int print_alike(void *arg, const struct py_raw_frame *a, const struct py_raw_frame *b)
{
	const struct py_walker *w = arg;
	const struct py_code *code = py_code_peek(w, a->code);
	if (!code)
		return 0;
	int hidden = py_frame_hidden(w, a, code);
	return hidden == py_frame_hidden(w, b, code) &&
	       (hidden || py_code_line(code, a->index) == py_code_line(code, b->index));
}

/* Reads the stack of GIL holder h while it runs, through the walker's cache as begin_looks
 * filled it. Returns 1 when it is one read while the holder stood stopped, or prints as one
 * (verified_add_alike): then it is taken as it is and nothing is stopped (s->matched); -1
 * when the holder runs no Python code (frameless, from the same read); else 0. */
static int read_unstopped(struct py_walker *w, struct scratch *s, const struct py_thread *h)
{
	uint64_t frame = 0;
	struct py_link link;
	size_t partial;
	int n = -1;
	if (py_thread_frame(w, w->mem, h->tstate, &frame, &link) == 0) {
		if (frameless(frame, &link))
			return -1;
		n = py_stack_read(w, frame, &link, s->frames, PY_MAX_DEPTH, &partial);
	}
	int deep = n == PY_WALK_TOO_DEEP;
	if (deep)
		n = (int)partial;
	verified_ref ref = n > 0 ? verified_find(&s->verified, h->tstate, s->frames, (size_t)n) : 0;
	if (!ref && n > 0)
		ref = verified_add_alike(&s->verified, h->tstate, s->frames, (size_t)n, print_alike,
					 w);
	int taken = ref != 0;
	if (taken) {
		s->matched = 1;
		s->matched_ref = ref;
		s->matched_frame = frame;
		s->matched_n = (size_t)n;
		s->matched_deep = deep;
		s->held = *h;
	}
	return taken;
}

/* Tries the GIL holder h's stack while it runs (read_unstopped), and when that is not one
 * of the verified stacks, up to UNSTOPPED_READS in all, the GIL and stack looked at anew each
 * time: what misses after the stacks are learned is mostly a moment a stop seldom lands on (a
 * call being made, a frame being pushed), over a moment later. Returns 1 when a stack was
 * taken, -1 when the holder runs no Python code, else 0. An empty stack is not a try: a
 * worker idle most of the time would make tries look hopeless (one tick in 16) when it is
 * busy. */
static int try_unstopped(struct py_walker *w, const struct sampler_config *cfg,
			 struct scratch *s, const struct py_thread *h)
{
	int taken = read_unstopped(w, s, h);
	if (!s->verified.n)
		return taken < 0 ? -1 : 0; /* nothing to match: a miss is sure, and no try */
	struct py_thread again;
	for (int k = 1; !taken && k < UNSTOPPED_READS; k++) {
		if (py_gil_owner(w, begin_looks(w, cfg, 1, 1), &again) != 0 ||
		    again.tstate != h->tstate)
			break;
		taken = read_unstopped(w, s, &again);
	}
	if (taken >= 0)
		verified_tried(&s->verified, taken);
	return taken;
}

/* Keeps tstate among the last GIL holders seen, the first threads looked at for C work when
 * the GIL is found free (released_threads). */
static void remember_holder(struct scratch *s, uint64_t tstate)
{
	for (size_t i = 0; i < HOLDERS_MAX; i++)
		if (s->holders[i] == tstate)
			return;
	s->holders[s->holders_next] = tstate;
	s->holders_next = (s->holders_next + 1) % HOLDERS_MAX;
}

/* Stops what one consistent snapshot needs. While a thread holds the GIL no other can run
 * Python code, so stopping that one thread freezes every frame chain; a process with many
 * idle threads is then not woken whole at every tick (32 idle threads made a pause of every
 * thread cost the target 2.7x at 1 kHz). The holder is read without stopping anything, then
 * stopped alone (stop_holder); when that fails twice, every thread is stopped. When the GIL is
 * free, or a try finds that its holder runs no Python code (frameless), and only the holder
 * is sampled, nothing is stopped and the sample is idle. With
 * --threads, a tick that finds the GIL free, or its holder just letting it go, stops every
 * thread (on 3.7+ its last holder alone, stop_last_holder): any may run Python code then,
 * and the check of a stack read while its thread runs is not proof enough for a pausing
 * profile (2.7 reuses a code object's frame object, so a new call can look like the old one;
 * the churn test caught such a stack, a thread's own frames under another thread's root).
 * Returns as proc_pause_all. */
int pause_snapshot(struct proc_target *t, struct py_walker *w,
			  const struct sampler_config *cfg, struct scratch *s)
{
	s->holder = 0;
	s->held_asleep = 0;
	s->gil_switches_known = 0;
	s->unpaused = 0;
	s->frameless = 0;
	s->matched = 0;
	s->matched_ref = 0;
	s->tried = 0;
	struct py_thread h = { 0 };
	/* Read again when the holder could not be stopped alone: it may have let the GIL go and
	 * ended meanwhile (a short-lived thread), and a pause of every thread is the price of a
	 * process's whole thread count. */
	for (int attempt = 0; attempt < HOLDER_ATTEMPTS && s->gil_pause != GIL_PAUSE_OFF;
	     attempt++) {
		int trying = !attempt && trying_unstopped(w, cfg, s);
		struct mem_reader *look = begin_looks(w, cfg, trying, 0);
		int known = py_gil_owner(w, look, &h) == 0;
		if (known && h.tstate)
			remember_holder(s, h.tstate);
		if (known && !h.tstate && !cfg->all_threads) {
			s->unpaused = 1;
			return 0;
		}
		s->tried |= trying;
		int tried = known && h.tstate && trying ? try_unstopped(w, cfg, s, &h) : 0;
		if (tried > 0)
			return 0;
		if (tried < 0) {
			s->unpaused = s->frameless = 1;
			return 0;
		}
		if (known && h.tstate && stop_holder(t, w, cfg, s, &h)) {
			s->holder = h.tstate;
			s->held = h;
			return 0;
		}
		if (known && !h.tstate && cfg->all_threads && stop_last_holder(t, w, cfg, s, look))
			return 0;
		if (!known || !h.tstate)
			break;
	}
	int rc = proc_pause_all(t, &s->pause);
	if (rc == 0 && h.tstate)
		learn_idents(s, &h, cfg->fresh);
	return rc;
}

/* The GIL holder alone into *th, the one thread sampled without --threads: read from the GIL
 * itself, so that a tick costs the same whatever the number of threads (walking a list of 500
 * thread states while the holder stood stopped made a 1 kHz profile stop the target for most
 * of every tick). Returns 1, 0 when the GIL is free, or a py_walk_error (several interpreters,
 * none yet, or a bad read: the caller reads the whole list instead). */
int holder_read(struct py_walker *w, struct py_thread *th)
{
	if (py_gil_owner(w, w->mem, th) != 0)
		return PY_WALK_BAD_READ;
	if (!th->tstate)
		return 0;
	if (py_thread_frame(w, w->mem, th->tstate, &th->frame, &th->link) != 0)
		return PY_WALK_BAD_READ;
	return 1;
}

/* The OS thread running th, when it can be told without reading its registers: its thread
 * state's (3.11+), else the pthread_t map's, else its control block's (where that keeps the
 * TID is learned once, from a few threads stopped one at a time); 0 when not. A TID read from
 * memory is only as good as the control block: it is used here to read the thread's state,
 * and a wrong one costs a sample, never a wrong stack. */
static pid_t running_tid(struct proc_target *t, const struct py_walker *w,
			 const struct sampler_config *cfg, struct scratch *s,
			 const struct py_thread *th)
{
	if (s->gil_pause == GIL_PAUSE_NATIVE)
		return (pid_t)th->native_id;
	if (s->gil_pause != GIL_PAUSE_IDENT)
		return 0;
	pid_t tid = mapped_tid(t, cfg, s, th->thread_id);
	return tid ? tid : ident_map_read_tid(&s->idents, fresh_reader(w, cfg), th->thread_id);
}

/* A sleeping process costs one system call at most. The kernel adds up another process's CPU
 * time at its scheduler ticks (every 4 or 10 ms), so two looks a tick apart may see the same
 * figure while a thread runs: the target counts as busy for CPU_RECENT_NS after its CPU time
 * last moved; and it is read every CPU_LOOK_NS only, since the kernel sums it over every
 * thread of the process at each read. */
int target_busy(struct proc_target *t, struct scratch *s)
{
	uint64_t now = clock_now_ns();
	if (!s->cpu_read_ns || now - s->cpu_read_ns >= CPU_LOOK_NS) {
		uint64_t cpu = proc_target_cpu_ns(t);
		if (cpu != s->cpu_ns)
			s->cpu_moved_ns = now;
		s->cpu_ns = cpu;
		s->cpu_read_ns = now;
	}
	return s->cpu_moved_ns && now - s->cpu_moved_ns < CPU_RECENT_NS;
}

/* Threads of the roster looked at per tick with the GIL free beyond the suspects (those seen
 * running at the last look and the last GIL holders): a look is a read of /proc/PID/task/TID/stat,
 * 10 to 40 us here, and looking at each of 1,000 threads made a tick of a process running C code
 * beside 1,000 idle threads cost 13 ms. A thread that starts C work without having been seen
 * holding the GIL is found within roster size / SWEEP_PER_TICK such ticks. */
#define SWEEP_PER_TICK 4

/* The roster is read again this long after it was read even when nothing says it changed:
 * the signature (thread count, list head) is not proof against every birth and death. */
#define ROSTER_MAX_AGE_NS (1000ull * 1000 * 1000)

/* Reads the roster again when threads were born or died since (roster_stale), telling each
 * thread's OS thread once. Returns 0 or a py_walk_error. */
static int roster_update(struct proc_target *t, struct py_walker *w,
			 const struct sampler_config *cfg, struct scratch *s)
{
	struct py_thread head;
	long count = proc_thread_count(t, &s->pause);
	int n = py_threads_read(w, w->mem, &head, 1);
	if (n < 0)
		return n;
	uint64_t now = clock_now_ns();
	if (!roster_stale(&s->roster, count, n ? &head : NULL, now, ROSTER_MAX_AGE_NS))
		return 0;
	n = py_threads_read(w, w->mem, s->threads, PY_MAX_THREADS);
	if (n < 0)
		return n;
	if (roster_set(&s->roster, s->threads, (size_t)n, count, now) != 0)
		return PY_WALK_BAD_READ;
	for (size_t i = 0; i < s->roster.n; i++) {
		struct roster_entry *e = &s->roster.v[i];
		struct py_thread th = { .tstate = e->tstate, .thread_id = e->thread_id,
					.native_id = e->native_id };
		e->tid = running_tid(t, w, cfg, s, &th);
	}
	return 0;
}

/* Adds entry i of the roster to the look's list, once. */
static void look_add(struct roster *r, size_t *look, size_t *n, long i)
{
	if (i < 0 || r->v[i].looked == r->looks)
		return;
	r->v[i].looked = r->looks;
	look[(*n)++] = (size_t)i;
}

/* With the GIL free, the Python threads running on a CPU now, into s->threads: C code that
 * let the GIL go (numpy, compression, hashing) is work, not idleness, and is shown under the
 * Python line that called it. A thread whose OS thread cannot be told is left out. Their
 * stacks are read with them running and checked (read_stacks): without the GIL their Python
 * frames cannot change, unless they take it back meanwhile. Looked at: the threads seen
 * running at the last look, the last GIL holders, and SWEEP_PER_TICK more of the roster in
 * turn, so that a tick costs the same beside 1 idle thread or 1,000. Returns their count. */
int released_threads(struct proc_target *t, struct py_walker *w,
			    const struct sampler_config *cfg, struct scratch *s)
{
	if (roster_update(t, w, cfg, s) != 0)
		return 0;
	struct roster *r = &s->roster;
	size_t look[RUNNING_MAX + HOLDERS_MAX + SWEEP_PER_TICK], nl = 0;
	if (++r->looks == 0)
		for (size_t i = 0; i < r->n; i++)
			r->v[i].looked = 0;
	for (size_t j = 0; j < s->n_running; j++)
		look_add(r, look, &nl, roster_find(r, s->running[j]));
	for (size_t j = 0; j < HOLDERS_MAX; j++)
		if (s->holders[j])
			look_add(r, look, &nl, roster_find(r, s->holders[j]));
	/* Running at two looks in a row: C work lasts, while a thread seen
	 * running once may be in the GIL's handover or just woken from a sleep (2.7's threads
	 * hand the GIL over every 100 instructions: a fifth of the ticks of two busy threads
	 * found one running with the GIL free). And its CPU time moved since the first of them:
	 * "running" is also a thread waiting for a CPU, as one woken from a sleep (by our own
	 * stop, say) waits on a loaded machine for tens of ms; t30 saw a sleeping 2.7, 3.7 and
	 * 3.9 sampled as C work in a run's second and third ticks, right after the first tick
	 * stopped them. The kernel adds up a running thread's time at its scheduler ticks, so
	 * C work is counted from its second look a few ms in. */
	uint64_t now = clock_now_ns();
	int fresh = now - s->running_at < 2 * CPU_RECENT_NS;
	size_t seen = 0, i = 0;
	int k = 0;
	/* The suspects first, then the sweep: a full one when none of them runs, else one
	 * thread (another may have started C work meanwhile). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0, m = seen && r->n > SWEEP_PER_TICK ? 1 : SWEEP_PER_TICK; pass && j < m && j < r->n; j++) {
			look_add(r, look, &nl, (long)r->cursor);
			r->cursor = (r->cursor + 1) % r->n;
		}
		for (; i < nl; i++) {
			const struct roster_entry *e = &r->v[look[i]];
			struct py_thread th = { .tstate = e->tstate, .thread_id = e->thread_id,
						.native_id = e->native_id };
			if (e->tid <= 0 || procfs_thread_state(t->pid, e->tid) != 'R' ||
			    py_thread_frame(w, w->mem, e->tstate, &th.frame, &th.link) != 0 || !th.frame)
				continue;
			uint64_t cpu = RUNNING_CPU_UNKNOWN, since;
			if (procfs_thread_cpu_ns(t->pid, e->tid, &cpu) != 0)
				cpu = RUNNING_CPU_UNKNOWN;
			since = cpu;
			int before = 0;
			for (size_t j = 0; fresh && j < s->n_running; j++)
				if (s->running[j] == th.tstate) {
					before = 1;
					since = s->running_cpu[j];
				}
			if (seen < RUNNING_MAX) {
				s->running_cpu_next[seen] = since;
				s->running_next[seen++] = th.tstate;
			}
			int ran = since == RUNNING_CPU_UNKNOWN || cpu == RUNNING_CPU_UNKNOWN ||
				  cpu > since;
			if (before && ran && k < RUNNING_MAX) {
				s->released_tid[k] = e->tid;
				s->threads[k++] = th;
			}
		}
	}
	memcpy(s->running, s->running_next, seen * sizeof *s->running);
	memcpy(s->running_cpu, s->running_cpu_next, seen * sizeof *s->running_cpu);
	s->n_running = seen;
	s->running_at = now;
	return k;
}
