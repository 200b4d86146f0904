/* target.h: one target process and its lifecycle as pyflame sees it: whether we started it,
 * whether it has exited (and how), and whether it has exec()'d another program since we
 * looked. pause.c stops and resumes its threads; this file only keeps track of it. */
#ifndef PYFLAME_PROC_TARGET_H
#define PYFLAME_PROC_TARGET_H

#include <stdint.h>
#include <sys/types.h>

struct proc_target {
	pid_t pid;
	int is_child;    /* we started it (-t): its exit status is ours to collect */
	int exited;      /* set once the process is known to be gone */
	int exit_status; /* wait status, valid when exited && is_child */
	uint64_t image;  /* proc_image_sig of the program being sampled, 0: not watched */
	int execed;      /* set by proc_target_poll when the process ran exec() since */
};

/* Notices whether t has ended, without blocking: reaps it when it is our child (keeping its
 * status), otherwise checks that it still exists and is not a zombie. A target with pid 0 is
 * a replayed image and never ends. When t->image is set, also notices an exec() (sets
 * t->execed). Returns t->exited. */
int proc_target_poll(struct proc_target *t);

/* The CPU time every thread of t has used so far, in nanoseconds (the kernel's per-process
 * CPU clock: one system call, no /proc parsing). 0 when it cannot be read. */
uint64_t proc_target_cpu_ns(const struct proc_target *t);

/* Records that thread who of t ended with wait status: when it is t's main thread, t has
 * exited (with that status, ours to report when we started it). */
void proc_target_note_exit(struct proc_target *t, pid_t who, int status);

#endif
