/* thread_names.h: which OS thread a Python thread state is, and what it is called. */
#ifndef PYFLAME_SAMPLE_THREAD_NAMES_H
#define PYFLAME_SAMPLE_THREAD_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ident_map;
struct mem_reader;
struct proc_pause;
struct py_thread;
struct py_walker;

/* The OS thread id of th as our /proc numbers it: its native id on 3.11+ unless foreign_ns
 * (the target numbers its threads in another PID namespace), else the stopped thread (in p,
 * may be NULL) whose fs_base is its pthread_t. 0 when it cannot be told (without pausing). */
pid_t thread_tid(const struct py_thread *th, const struct proc_pause *p, int foreign_ns);


/* Names (and OS thread ids) by thread ident, looked up once per thread and kept for the run:
 * finding a TID before 3.11 costs a PTRACE_GETREGS per stopped thread, and a name a read of
 * threading's dict of every thread, not to be paid per sample. Found in two steps: the entry
 * and its TID while the target is held (thread_names_find: a hash lookup, nothing read from
 * the target), its name once the target runs again (thread_names_fill). */
struct thread_names {
	struct thread_name_entry {
		uint64_t ident;
		uint64_t native_id; /* the thread state's own, 3.11+: tells a reused ident */
		pid_t tid;          /* 0 when it could not be told */
		int pending;        /* name not looked up yet */
		char name[128];
	} *v;
	size_t n, cap;
	uint32_t *slots; /* index by ident: entry number + 1, 0 empty; at most half full */
	size_t slots_cap;
	int foreign_ns; /* set by the caller: the target's native ids are not our TIDs */
	/* Set by the caller, or NULL: where a thread's control block keeps its TID, and a
	 * reader of the target, to tell the TID of a thread that is not held (before 3.11). */
	const struct ident_map *idents;
	struct mem_reader *mem;
};

/* The number of th's entry in tn->v, made when new and made anew when its thread has gone (no
 * longer held in p, another native id on 3.11+, or another thread than known_tid): its name
 * then pending. Its TID is known_tid when not 0 (the thread stopped alone, checked to run th),
 * else thread_tid, else what its control block says (tn->idents). Returns -1 only when out of
 * memory. */
long thread_names_find(struct thread_names *tn, const struct py_thread *th,
		       const struct proc_pause *p, pid_t known_tid);

/* Names the entries whose name is pending: the name threading gave the thread (read through
 * w, NULL: not), else "MainThread" for the process's own thread (threading is not imported
 * yet), else the OS name of its TID, else "Thread 0x<ident>". Call it with the target running:
 * it reads a dict of every thread. */
void thread_names_fill(struct thread_names *tn, struct py_walker *w, pid_t pid);

/* thread_names_find then thread_names_fill, for a one-off snapshot: the entry for th, which
 * lives until thread_names_trim. Returns NULL only when out of memory. */
const struct thread_name_entry *thread_names_get(struct thread_names *tn, struct py_walker *w,
						 pid_t pid, const struct py_thread *th,
						 const struct proc_pause *p);

/* Forgets every name when the table has grown past its bound (call it between samples, when
 * no name returned before is still in use). */
void thread_names_trim(struct thread_names *tn);

void thread_names_release(struct thread_names *tn);

#endif
