/* threadname.h: which OS thread a Python thread state is, and what it is called. */
#ifndef PYFLAME_SAMPLE_THREADNAME_H
#define PYFLAME_SAMPLE_THREADNAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_pause;
struct py_thread;
struct py_walker;

/* The OS thread id of th as our /proc numbers it: its native id on 3.11+ unless foreign_ns
 * (the target numbers its threads in another PID namespace), else the stopped thread (in p,
 * may be NULL) whose fs_base is its pthread_t. 0 when it cannot be told (without pausing). */
pid_t thread_tid(const struct py_thread *th, const struct proc_pause *p, int foreign_ns);

/* The OS name of a thread (/proc/PID/task/TID/comm) into buf; "" when unreadable. */
void thread_comm(pid_t pid, pid_t tid, char *buf, size_t cap);

/* Names (and OS thread ids) by thread ident, looked up once per thread and kept for the run:
 * finding a TID before 3.11 costs a PTRACE_GETREGS per stopped thread, not to be paid per
 * sample. */
struct thread_names {
	struct thread_name_entry {
		uint64_t ident;
		uint64_t native_id; /* the thread state's own, 3.11+: tells a reused ident */
		pid_t tid;          /* 0 when it could not be told */
		char name[128];
	} *v;
	size_t n, cap;
	int foreign_ns; /* set by the caller: the target's native ids are not our TIDs */
};

/* The entry for th: its TID (thread_tid) and the name threading gave it (read from the target
 * through w, once per new thread), else the OS name of its thread, else "Thread 0x<ident>".
 * An entry whose thread has gone (no longer held in p, or another native id on 3.11+) is filled
 * again: its ident, a reused pthread_t, is a new thread's now.
 * The entry lives until thread_names_trim. Returns NULL only when out of memory. */
const struct thread_name_entry *thread_names_get(struct thread_names *tn, struct py_walker *w,
						 pid_t pid, const struct py_thread *th,
						 const struct proc_pause *p);

/* Forgets every name when the table has grown past its bound (call it between samples, when
 * no name returned before is still in use). */
void thread_names_trim(struct thread_names *tn);

void thread_names_release(struct thread_names *tn);

#endif
