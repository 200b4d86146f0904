/* pause.h: stopping every thread of a process for one consistent snapshot, and letting it go.
 *
 * Each pause seizes the threads (PTRACE_SEIZE, which unlike PTRACE_ATTACH sends no SIGSTOP that
 * the target could observe), interrupts them and waits for each to stop; each resume detaches
 * them. Between samples the target is not traced at all, so a signal it receives then is never
 * held up waiting for us, and a pyflame killed between samples leaves nothing behind.
 */
#ifndef PYFLAME_PROC_PAUSE_H
#define PYFLAME_PROC_PAUSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc/target.h"


struct proc_pause {
	struct proc_held {
		pid_t tid;
		int sig;        /* a signal it was about to receive, given back at detach */
		uint64_t since; /* when it was asked to stop (clock_now_ns) */
	} *held;            /* the threads stopped by the last pause */
	size_t n, cap;
	int complete; /* the kernel counts no thread beyond those stopped (and an ended main one) */
	pid_t *listed; /* the last listing of /proc/PID/task */
	size_t n_listed, listed_cap;
	pid_t *set; /* the threads in held, as a hash set; 0 = empty slot */
	size_t set_cap;
	int task_fd;      /* /proc/PID/task, kept open: a listing is then two system calls */
	int task_fd_open;
	void *dirbuf;     /* getdents64's buffer */
	pid_t known_tid;  /* the thread last found to be one of the process's (proc_pause_thread) */
	uint64_t known_ns; /* and when */
	/* How long the target stood stopped, over every pause so far, counted from the
	 * interrupt to the continue (an upper bound: a thread runs on a few microseconds
	 * after it is asked to stop). Each pause counts once, from its first thread asked to
	 * stop to its last let go: the most any one thread of the target was held. */
	uint64_t held_ns;
	uint64_t pauses; /* pauses that stopped at least one thread */
};

/* Stops every thread of t, new ones too: after the listed threads are stopped, the kernel's
 * count of threads is checked against them, and while some are missing the list is read again
 * and the newcomers stopped, so the snapshot holds still. p->complete says whether that was
 * reached; a process starting threads faster than a few listings leaves it 0, and its stacks
 * must then be checked as if read without stopping. Threads that vanish while this runs are
 * skipped. Returns 0 when at least the snapshot is usable, -ESRCH when the process is gone
 * (t->exited is then set), -EPERM when we may not trace it, or another negative errno. On
 * failure nothing stays stopped. */
int proc_pause_all(struct proc_target *t, struct proc_pause *p);

/* Stops only thread tid of t, checked first to be one of t's threads (a TID read from the
 * target's memory is not trusted). For a snapshot taken while that thread holds the GIL: no
 * other thread can run Python code then. p->complete stays 0; proc_resume_all lets it go.
 * Returns 0, -ESRCH (not a thread of t, or gone), or another negative errno. */
int proc_pause_thread(struct proc_target *t, struct proc_pause *p, pid_t tid);

/* Whether tid is one of the threads the last proc_pause_all holds stopped now. */
int proc_pause_holds(const struct proc_pause *p, pid_t tid);

/* Lets every thread stopped by the last proc_pause_all run again. Never fails half-way: each
 * thread is detached whatever happened to the others. */
void proc_resume_all(struct proc_target *t, struct proc_pause *p);

/* How many threads t has now, from the kernel's own count (one fstat of /proc/PID/task, the
 * directory p keeps open): it changes when a thread is born or dies, so what is kept per
 * thread can be read again only then. -1 when it cannot be told (the process is gone). */
long proc_thread_count(struct proc_target *t, struct proc_pause *p);

void proc_pause_release(struct proc_pause *p);

/* Waits, without blocking, for the main threads seized that ended before their exit could be
 * reported (it comes after their other threads'): their parents cannot reap them until we
 * have. Called at each poll of a target. */
void proc_pause_reap_owed(void);

/* Checks, before anything is touched, that pid can be traced: returns 0, -ESRCH or -EPERM
 * (and -EBUSY when another tracer already holds it). Seizes and releases the main thread. */
int proc_check_traceable(pid_t pid);


#endif
