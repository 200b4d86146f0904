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
	/* The main thread's stat file and the process's memory, kept open by proc_target_poll
	 * while the program image names runs: valid (and owned) while watch.image is not 0, each
	 * fd -1 when not open. */
	struct {
		uint64_t image;
		int fd;
		int mem_fd;     /* /proc/PID/mem, bound to the address space it was opened on */
		unsigned polls; /* polls answered since the stat file was last read */
		uint64_t at;    /* where that program's initial stack starts */
	} watch;
};

/* Notices whether t has ended, without blocking: reaps it when it is our child (keeping its
 * status), otherwise checks that it still exists and is not a zombie. A target with pid 0 is
 * a replayed image and never ends. When t->image is set, also notices an exec() (sets
 * t->execed). Returns t->exited. While t->image is set and its address space still lives,
 * this is one read of a file kept open: a poll every 50 ms of a 1 kHz run used to open and
 * read two /proc files; mostly one byte of that address space, the stat file every 20th. */
int proc_target_poll(struct proc_target *t);

/* Closes what proc_target_poll keeps open to watch t (done when t is let go of; a copy of t
 * made before its original was let go of must have its watch.image zeroed, never closed). */
void proc_target_unwatch(struct proc_target *t);

/* The CPU time every thread of t has used so far, in nanoseconds (the kernel's per-process
 * CPU clock: one system call, no /proc parsing). 0 when it cannot be read. */
uint64_t proc_target_cpu_ns(const struct proc_target *t);

/* Records that thread who of t ended with wait status: when it is t's main thread, t has
 * exited (with that status, ours to report when we started it). */
void proc_target_note_exit(struct proc_target *t, pid_t who, int status);

#endif
