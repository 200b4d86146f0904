/* walker.h: reading a target's threads and Python stacks, through a mem_reader only.
 *
 * The walker holds no process: give it a live reader or a recorded image and the discovery
 * result, and it behaves the same. Every chain it follows is bounded (see the limits below),
 * and every bad pointer is an error return.
 */
#ifndef PYFLAME_PYTHON_WALKER_H
#define PYFLAME_PYTHON_WALKER_H

#include <stddef.h>
#include <stdint.h>

#include "python/discover.h"
#include "python/layout.h"
#include "util/errors.h"

struct mem_reader;
struct py_code_cache;

/* Deepest stack we follow. CPython's default recursion limit is 1000, and programs raise it;
 * a chain longer than this is a corrupt or cyclic one and the sample is marked truncated. */
#define PY_MAX_DEPTH 10000
/* Most threads (interpreters x thread states) read per sample; the lists are walked through
 * target pointers, so a bound is needed against cycles. */
#define PY_MAX_THREADS 4096
/* Most interpreters followed through interp->next. */
#define PY_MAX_INTERPRETERS 256

/* Most slots of the visited-frame set used to find cycles: twice the deepest chain, so a walk
 * of PY_MAX_DEPTH frames keeps the open-addressing table at most half full. It starts at
 * PY_VISITED_MIN_SLOTS and doubles as deeper stacks show up: frames hash to slots all over the
 * table, so a full-size one had a shallow stack touch (and fault in) a page per frame. */
#define PY_VISITED_SLOTS 32768
#define PY_VISITED_MIN_SLOTS 256

/* One slot of the visited-frame set: a frame address, valid while stamp is the walk's. */
struct py_visited {
	uint64_t frame;
	uint32_t stamp;
};

struct py_walker {
	struct mem_reader *mem; /* borrowed */
	struct py_target target;
	struct py_layout layout;
	struct py_code_cache *codes; /* owned */
	/* Scratch for py_stack_read's cycle check: frame addresses, valid where their stamp
	 * equals the current walk's, so no clearing between walks. A power of two of slots
	 * (visited_cap; none before the first walk), n_visited of them this walk's. Owned. */
	struct py_visited *visited;
	size_t visited_cap, n_visited;
	uint32_t stamp;
	/* The way to the GIL as py_gil_route_learn last read it: the interpreter (and whether it
	 * has others beside it), and from 3.12 its GIL's address. Pointers set once at start-up,
	 * read at every tick they were two of its ten pages; known = 0: read them each time. */
	struct {
		int known, several;
		uint64_t interp, gil;
	} gil_route;
	/* The link checks of py_stack_read (struct py_link) on stopped threads: how many were
	 * made and how many failed, over the last PY_LINK_WINDOW; distrusted: a process where
	 * they fail too often for the moment they look for (a library moving frames between
	 * cframes its own way, say), whose links are no longer acted on. */
	struct {
		uint32_t checked, failed;
		int distrusted;
	} links;
};

/* The moment the link checks catch is a few instructions of each C call into the eval loop: a
 * stop lands there seldom. More than PY_LINK_BURST failures, and more than one check in
 * PY_LINK_DISTRUST, distrust the process's links at once; every PY_LINK_WINDOW checks they are
 * judged again on that window's share alone. */
#define PY_LINK_WINDOW 256
#define PY_LINK_BURST 4
#define PY_LINK_DISTRUST 8

/* Sets up a walker over mem for a discovered target (builds the layout, reading the debug
 * offsets on 3.13+). Returns 0, or -1 with a reason in err. Release with py_walker_release. */
int py_walker_init(struct py_walker *w, struct mem_reader *mem, const struct py_target *t,
		   char *err, size_t errlen);
void py_walker_release(struct py_walker *w);

/* One thread state, as read from the interpreter's list. */
/* 3.11 and 3.12: what the first entry frame below a thread's innermost frame must link to (the
 * frame its C call into the eval loop was made from, cframe->previous->current_frame). The eval
 * loop points tstate->cframe at its new cframe a few statements before it sets that cframe's
 * current_frame: a thread caught in between shows as innermost frame whatever the C stack held
 * there, often a stale frame whose chain still reads. A walk whose first entry frame does not
 * link here (or that fails before it gets there) was such a moment, and the stack of that
 * moment is the one this frame starts (docs/CPYTHON.md §2). */
struct py_link {
	uint64_t frame;
	int known;   /* 0: nothing to check (other versions, the outermost C call, not read) */
	int stopped; /* the caller's: the thread stands stopped, so a check that fails is that
		      * moment or a process whose links say nothing (a read of a running thread
		      * also fails when the thread moves under it) */
};

struct py_thread {
	uint64_t tstate;
	uint64_t thread_id; /* pthread_t, == threading.get_ident() */
	uint64_t native_id; /* the OS TID, 3.11+; 0 when the version does not record it */
	uint64_t frame;     /* the innermost frame pointer; 0 when no Python code runs */
	struct py_link link; /* frame's check, read with it */
	uint64_t cframe;    /* 3.11, 3.12: tstate->cframe, where frame was read from; else 0 */
	int holds_gil;
};

/* What a caller of py_threads_read_known knows already of a thread's frame (3.11, 3.12): given
 * its thread state and cframe pointer as read now, it fills *frame and *link and returns 1 when
 * they cannot have changed since it learned them; 0 when they are to be read (a cframe sits on
 * its thread's C stack: a page a thread). */
typedef int (*py_frame_known)(void *arg, uint64_t tstate, uint64_t cframe, uint64_t *frame,
			      struct py_link *link);

/* util/errors.h: beyond every errno, so a walk error and a -errno share one int safely. */
enum py_walk_error {
	PY_WALK_NOT_READY = -(PF_ERR_WALK + 1), /* no interpreter yet, or already finalized */
	PY_WALK_BAD_READ = -(PF_ERR_WALK + 2),  /* a pointer led nowhere: the target changed
						 * under us, or lies */
	PY_WALK_TOO_DEEP = -(PF_ERR_WALK + 3),  /* the chain passed PY_MAX_DEPTH */
	PY_WALK_CYCLE = -(PF_ERR_WALK + 4),     /* the chain came back to a frame it had passed:
						 * a link caught half-written, or memory lies */
};

/* The next four read the target now, through the reader m they are given: the walker's own
 * (w->mem, which may cache pages) to sample, or an uncached one to re-check what a cached read
 * saw a moment ago. */

/* Reads every thread state of every interpreter into out (at most max, newest first as CPython
 * keeps them), and which one holds the GIL. Returns the count (>= 0) or a py_walk_error. */
int py_threads_read(const struct py_walker *w, struct mem_reader *m, struct py_thread *out,
		    size_t max);

/* As py_threads_read, taking from known (when not NULL) the frames it vouches for. */
int py_threads_read_known(const struct py_walker *w, struct mem_reader *m, struct py_thread *out,
			  size_t max, py_frame_known known, void *arg);

/* Where a process with one interpreter keeps its thread list: the interpreter, and the newest
 * thread state, at the list's head (a thread state is added there). */
struct py_list_mark {
	uint64_t interp, head;
};

/* Reads the mark of the list. Returns 0, or PY_WALK_BAD_READ (also with several
 * interpreters). */
int py_threads_mark(const struct py_walker *w, struct mem_reader *m, struct py_list_mark *mark);

/* The n threads of list, as py_threads_read read them when the list's mark read as mark, taken
 * again without reading each thread state: while the mark reads the same (no thread state
 * added, nor the newest deleted) and thread state held (stopped, or watched off the CPU)
 * runs Python code (so it is in no thread's exit, nor in finalization, which delete thread
 * states), the others could be deleted only by a thread that took the GIL since; the caller
 * checks that none did. Reads held's frame (and link, cframe) anew, and which thread holds
 * the GIL. Returns n, or PY_WALK_BAD_READ when the list is to be read whole. */
int py_threads_again(const struct py_walker *w, struct mem_reader *m,
		     const struct py_list_mark *mark, uint64_t held, struct py_thread *list,
		     size_t n);

/* Who holds the GIL of a process with one interpreter, read now, into *holder: its tstate (0
 * when the GIL is free), thread_id (pthread_t) and native_id (the OS thread id as the target's
 * PID namespace numbers it; 0 before 3.11, which do not record it); frame is not read. While
 * that thread holds the GIL and is stopped, no thread can run Python code, so every frame chain
 * holds still. Returns 0 or PY_WALK_BAD_READ (also for a process with several interpreters:
 * from 3.12 each may have its own GIL). */
int py_gil_owner(const struct py_walker *w, struct mem_reader *m, struct py_thread *holder);

/* The GIL as one look at its struct (3.7+; from 3.12, of a process with one interpreter,
 * whose GIL is then the only one; up to 3.11 one GIL serves them all), or at 3.6's statics
 * (when its .symtab names them: struct py_target): *last, the
 * tstate that took it last (holding it while *locked), and *switches, its count of takes by a
 * thread other than the last. Two looks with the same last and count mean that no other
 * thread took the GIL between them: with the last one's OS thread stopped throughout, no
 * frame chain moved (py_gil_owner alone cannot vouch for that: a thread that has just taken
 * the GIL sets last_holder a moment later). Returns 0, 1 when the layout keeps no count
 * (2.7; 3.6 without its symbols), or PY_WALK_BAD_READ. */
int py_gil_switches(const struct py_walker *w, struct mem_reader *m, uint64_t *last,
		    int *locked, uint64_t *switches);

/* Reads through m the pointers that lead to the GIL, which py_gil_owner then takes as they are
 * (a sampler learns them again every 50 ms: a subinterpreter started meanwhile is seen then).
 * Returns 0, or a py_walk_error with the route forgotten. */
int py_gil_route_learn(struct py_walker *w, struct mem_reader *m);

/* The innermost frame pointer of thread state tstate, and with link (NULL: not wanted) what a
 * walk from it checks it by. Returns 0 or PY_WALK_BAD_READ. */
int py_thread_frame(const struct py_walker *w, struct mem_reader *m, uint64_t tstate,
		    uint64_t *frame, struct py_link *link);

/* 3.11 and 3.12: whether the thread of tstate, stopped, was caught entering the eval loop
 * before the new cframe's fields were written. The eval loop points tstate->cframe at the
 * cframe on its C stack first (3.12 from pyenv: 30 instructions before one store writes both
 * fields), so both hold whatever the stack held there; a walk from them may fail where the
 * link cannot help (struct py_link), the link being stale too. Told by the cframe chain not
 * leading to the thread's root cframe. 0 for other versions, and when it cannot be told. */
int py_thread_entering(const struct py_walker *w, struct mem_reader *m, uint64_t tstate);

/* The code object pointer of the frame at frame. Returns 0 or PY_WALK_BAD_READ. */
int py_frame_code(const struct py_walker *w, struct mem_reader *m, uint64_t frame,
		  uint64_t *code);

/* One frame as read from the target: resolved to names and lines later (code.c). */
struct py_raw_frame {
	uint64_t addr; /* the frame itself: PyFrameObject, or _PyInterpreterFrame from 3.11 */
	uint64_t code;
	int64_t index; /* instruction, in the line table's unit; < 0: not started */
	int owner;     /* 3.11+ frame owner; -1 before */
	int outermost_of_call; /* the outermost frame one C call of the eval loop runs: every
				* frame before 3.11; from 3.11 one call runs several frames, this one
				* was entered from C (3.11's is_entry, a 3.12+ entry frame below it).
				* Native frames merge with Python ones by these. */
};

/* Walks the frame chain starting at frame (a struct py_thread's frame), innermost first,
 * skipping the frames CPython itself never shows (3.12+ C-stack entry frames). With a known
 * link (NULL: none) a chain whose first entry frame does not link there is taken for the
 * moment struct py_link tells of, and the walk starts again at the link. Returns the number
 * of frames written (at most max) or a py_walk_error (PY_WALK_CYCLE: a loop, the sample is not
 * to be trusted); on PY_WALK_TOO_DEEP the frames read so far are still written and the count
 * is in *n_partial. */
int py_stack_read(struct py_walker *w, uint64_t frame, const struct py_link *link,
		  struct py_raw_frame *out, size_t max, size_t *n_partial);

#endif
