/* asleep.c: whether a thread stayed off the CPU between two looks (asleep.h). */
#include "proc/asleep.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc/procfs.h"

/* Its files are open while tid is set (a zeroed struct holds none). */
static void close_files(struct proc_asleep *a)
{
	if (a->tid) {
		close(a->stat_fd);
		close(a->sched_fd);
	}
	a->stat_fd = a->sched_fd = -1;
	a->pid = a->tid = 0;
}

/* The thread's files, opened when another thread was watched. Opened under /proc/PID/task, a
 * TID that is not pid's (a forked child's thread state that still names its parent's) opens
 * nothing. */
static int open_files(struct proc_asleep *a, pid_t pid, pid_t tid)
{
	if (a->tid == tid && a->pid == pid)
		return 0;
	close_files(a);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	int sched = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	int stat = sched >= 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (stat < 0) {
		if (sched >= 0)
			close(sched);
		return -1;
	}
	a->sched_fd = sched;
	a->stat_fd = stat;
	a->pid = pid;
	a->tid = tid;
	return 0;
}

/* The schedstat text into buf; its length, or 0 when it does not read. */
static size_t read_sched(const struct proc_asleep *a, char *buf, size_t cap)
{
	ssize_t n = pread(a->sched_fd, buf, cap, 0);
	return n > 0 ? (size_t)n : 0;
}

int proc_asleep_begin(struct proc_asleep *a, pid_t pid, pid_t tid)
{
	a->watching = 0;
	if (tid <= 0 || open_files(a, pid, tid) != 0)
		return 0;
	a->sched_len = read_sched(a, a->sched, sizeof a->sched);
	char buf[512];
	const char *fields = a->sched_len ? procfs_stat_read(a->stat_fd, buf, sizeof buf) : NULL;
	if (!fields) {
		close_files(a); /* gone: its files say nothing more */
		return 0;
	}
	/* Its schedstat first, its state after: a thread off the CPU when its state was read
	 * must be switched in to run from then on, and that moves what was read before. */
	a->watching = fields[0] != 'R';
	return a->watching;
}

int proc_asleep_still(struct proc_asleep *a)
{
	char now[sizeof a->sched];
	if (!a->watching)
		return 0;
	size_t n = read_sched(a, now, sizeof now);
	a->watching = n && n == a->sched_len && memcmp(now, a->sched, n) == 0;
	return a->watching;
}

void proc_asleep_release(struct proc_asleep *a)
{
	close_files(a);
}
