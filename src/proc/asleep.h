/* asleep.h: whether a thread stayed off the CPU between two looks, told by the kernel's count
 * of the times it was switched in, without stopping it.
 *
 * A thread seen not running (its state in /proc/PID/task/TID/stat is not R) after its
 * schedstat was read must be switched in again to run, which moves that schedstat (the count
 * of switches in, and the time run and waited for a CPU). So the same schedstat read again
 * later says the thread ran at no moment between the look at its state and that read: its
 * memory held still for that span as if it had been stopped, and the thread was not woken
 * (`--threads` stopped a free GIL's last holder at every tick, a thread asleep in a system
 * call, to read every thread's stack; see sample/gil_holder.c). The files of the thread
 * watched are kept open: a look is a read of each, not a path walk.
 */
#ifndef PYFLAME_PROC_ASLEEP_H
#define PYFLAME_PROC_ASLEEP_H

#include <stddef.h>
#include <sys/types.h>

struct proc_asleep {
	pid_t pid, tid;          /* the thread whose files are open; tid 0: none (a zeroed
				  * struct is a valid one, watching nothing) */
	int stat_fd, sched_fd;   /* its /proc/PID/task/TID/stat and schedstat */
	char sched[96];          /* schedstat as read by the last proc_asleep_begin */
	size_t sched_len;
	int watching;            /* proc_asleep_begin said 1, and nothing moved since */
};

/* Begins a watch of thread tid of process pid: reads its schedstat, then its state. Returns
 * 1 when it is off the CPU (any state but R: running or waiting for a CPU), 0 when it may
 * run, is gone, is not pid's, or the kernel keeps no schedstat. */
int proc_asleep_begin(struct proc_asleep *a, pid_t pid, pid_t tid);

/* Whether the thread watched has not run since proc_asleep_begin said 1 of it: its schedstat
 * reads as then. 0 when it has, when no watch was begun, or when it cannot be read. */
int proc_asleep_still(struct proc_asleep *a);

void proc_asleep_release(struct proc_asleep *a);

#endif
