/* session.h: what one profiling run samples: one target process or several (a parent and its
 * children), each with its own readers, interpreter walker and sampling state (pause, thread
 * names, the pthread_t -> TID map), all feeding one profile and one set of stats. The record
 * command opens a session of one; following children adds more. */
#ifndef PYFLAME_SAMPLE_SESSION_H
#define PYFLAME_SAMPLE_SESSION_H

#include <stddef.h>
#include <sys/types.h>

#include "proc/target.h"
#include "proc/tree.h"
#include "python/discover.h"
#include "python/walker.h"
#include "sample/sampler.h"

struct mem_reader;
struct profile;
struct sample_stats;

/* Where a process of the session stands. */
enum target_state {
	TARGET_LOOKING,    /* its interpreter is looked for (a new process, or after exec()) */
	TARGET_SAMPLING,   /* its sampler runs */
	TARGET_NOT_PYTHON, /* no interpreter in the program it runs: looked at again after an
			    * exec() */
	TARGET_SKIPPED,    /* cannot be sampled (said once on stderr) */
	TARGET_GONE,       /* it exited; its samples stay in the profile */
};

/* One process of the session. Kept at a fixed address (the session holds pointers), since
 * its sampler points into it. */
struct session_target {
	struct proc_target proc;
	struct py_target py;      /* the interpreter found in it, valid once discovered */
	struct mem_reader *live;  /* reads it as it is now */
	struct mem_reader *rec;   /* --record: notes every page read through live; else NULL */
	struct mem_reader *cache; /* the walker's reader: pages kept for one tick, over rec or
				   * live; NULL when there was no memory for it */
	struct mem_reader *now_gil, *now_stacks; /* the looks at it as it is now (cfg's) */
	struct py_walker walker;
	int walking;              /* walker is set up over py */
	struct native_unwinder *native; /* --native: its unwinder, opened with the walker */
	struct sampler_config cfg; /* the session's, with this target's readers */
	int want_native;           /* the session wants an unwinder for it */
	/* What the session loop (session_loop.h) keeps of it. */
	enum target_state state;
	pid_t parent;              /* the process it was born of in the session; 0: the root */
	struct sampler *sampler;   /* while TARGET_SAMPLING */
	uint64_t ticks;            /* taken by its sampler */
	uint64_t image;            /* proc_image_sig of the program last looked at */
	uint64_t image_since_ns;   /* when that program was first seen */
	uint64_t next_look_ns;     /* when to look at it again (not sampling) */
	int said;                  /* why it cannot be sampled was said already */
};

struct session {
	struct session_target **targets;
	size_t n, cap;
	int native;                /* --native: each target gets an unwinder */
	struct sampler_config cfg; /* the run's settings; cache and fresh are per target */
	struct profile *prof;
	struct sample_stats *stats;
	/* --subprocesses: the root's descendants join the session as they are born. */
	int follow;
	struct proc_tree tree;
	uint64_t scanned_ns;       /* when the tree was last looked at */
	const struct py_version *abi; /* --abi, else NULL */
	size_t sampled;            /* processes whose sampling started */
};

/* Starts an empty session sampling into prof and stats with cfg's settings. */
void session_init(struct session *s, const struct sampler_config *cfg, struct profile *prof,
		  struct sample_stats *stats);

/* Adds process pid (is_child: we started it and collect its status) with its readers,
 * recording what is read when record is set. Returns the target, or NULL when out of memory. */
struct session_target *session_add(struct session *s, pid_t pid, int is_child, int record);

/* Sets up t's walker over the interpreter in t->py, and its native unwinder when the session
 * wants one. Returns 0, or -1 with the reason in err. */
int session_walk(struct session_target *t, char *err, size_t errlen);

/* Forgets what t's memory meant: after an exec() every cached page and code object is
 * another program's. The readers stay; session_walk starts again. */
void session_forget(struct session_target *t);

/* The reader to give something that must see t as it is now (uncached, and recorded with
 * --record). */
struct mem_reader *session_fresh(const struct session_target *t);

/* Frees everything t holds but the numbers that identify it (its samples stay in the
 * profile): a process that ended or cannot be sampled. */
void session_retire(struct session_target *t);

/* Frees every target and the session's table (not the profile or the stats). */
void session_release(struct session *s);

#endif
