/* target.c: keeping track of a target process: its exit, and its exec()s. */
#include "proc/target.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc/pause.h"
#include "proc/procfs.h"

void proc_target_note_exit(struct proc_target *t, pid_t who, int status)
{
	if (who == t->pid) {
		t->exited = 1;
		t->exit_status = status;
	}
}

static int poll_exit(struct proc_target *t)
{
	if (t->exited)
		return 1;
	if (t->pid == 0)
		return 0; /* no process: a recorded image is being replayed */
	if (t->is_child) {
		int status;
		pid_t w = waitpid(t->pid, &status, WNOHANG);
		if (w == t->pid && (WIFEXITED(status) || WIFSIGNALED(status)))
			proc_target_note_exit(t, t->pid, status);
		else if (w < 0 && errno == ECHILD)
			t->exited = 1;
		return t->exited;
	}
	char state = procfs_thread_state(t->pid, t->pid);
	if (state == 0 || state == 'Z' || state == 'X')
		t->exited = 1;
	return t->exited;
}

void proc_target_unwatch(struct proc_target *t)
{
	if (t->watch.image && t->watch.fd >= 0)
		close(t->watch.fd);
	if (t->watch.image && t->watch.mem_fd >= 0)
		close(t->watch.mem_fd);
	t->watch.image = 0;
	t->watch.fd = t->watch.mem_fd = -1;
}

/* Field 28 of stat: where the process's initial stack starts, a property of the address
 * space it runs in now (read anew at every read of the file). */
#define STAT_STARTSTACK 28

/* A watch reads its stat file at one poll in this many; at the others, one byte of the address
 * space it was opened on, through /proc/PID/mem. Formatting the 52 fields of stat, its kernel
 * code cold after a millisecond's sleep, was a tenth of a 1 kHz tick's own CPU spread over the
 * 50 ticks between polls; a read of the memory goes the way process_vm_readv has just gone.
 * The file stays bound to that address space: once exec() or exit has let it go, the read
 * gives nothing, and the long way tells which. A space shared with another process outlives
 * its exec(): a vfork() child's is its parent's, and it is watched through the stat file alone
 * (shared_with_parent); one shared otherwise, the stat file's turn tells. */
#define WATCH_STAT_EVERY 20

/* Field 4 of stat: the parent's PID. */
#define STAT_PPID 4

/* Whether pid may share its address space with its parent: a child made by vfork() (or
 * clone(CLONE_VM), as posix_spawn and Python's subprocess do) runs in its parent's until its
 * exec(), and that space outlives the exec(). Such a watch reads its stat file at every poll,
 * as its read of the memory would not see the exec() before the stat file's turn (a second
 * later). kcmp(2) tells (a forked child's space is a copy, its stack where the parent's is);
 * when it cannot, the space may be shared. */
static int shared_with_parent(pid_t pid, uint64_t parent)
{
	if (parent <= 1 || parent > INT32_MAX)
		return 0; /* init, or none: no vfork() parent to share with */
	/* 0: the same space; 1 to 3: two spaces (ordered, or not); -1: it cannot tell. */
	long same = syscall(SYS_kcmp, (pid_t)parent, pid, KCMP_VM, 0UL, 0UL);
	return same == 0 || same < 0;
}

/* Whether a stat file's fields say the thread runs in the address space watched (at). */
static int same_space(const char *fields, uint64_t at)
{
	return fields && fields[0] != 'Z' && fields[0] != 'X' &&
	       procfs_stat_field(fields, STAT_STARTSTACK) == at;
}

/* Opens t's watch on the program t->image names: its main thread's stat file, kept open, and
 * where its stack starts. An exec() gives the process a new address space, whose stack
 * starts elsewhere (address space randomization: the same bet proc_image_sig makes). The
 * image is read again after the stack's start: an exec() between the two shows as another
 * image, not as a watch on the new program. */
static void watch_open(struct proc_target *t)
{
	char path[64], buf[1024];
	proc_target_unwatch(t);
	t->watch.image = t->image;
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)t->pid, (int)t->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	const char *fields = fd >= 0 ? procfs_stat_read(fd, buf, sizeof buf) : NULL;
	t->watch.at = fields ? procfs_stat_field(fields, STAT_STARTSTACK) : 0;
	uint64_t parent = fields ? procfs_stat_field(fields, STAT_PPID) : 0;
	if (fd >= 0 && (!t->watch.at || !same_space(fields, t->watch.at) ||
			proc_image_sig(t->pid) != t->image)) {
		close(fd);
		fd = -1;
	}
	t->watch.fd = fd;
	t->watch.polls = 0;
	t->watch.mem_fd = -1;
	if (fd >= 0 && !shared_with_parent(t->pid, parent)) {
		snprintf(path, sizeof path, "/proc/%d/mem", (int)t->pid);
		t->watch.mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
}

/* Whether the program t->image names surely still runs, as one read of t's watch says (not
 * a zombie, the same address space); 0 when the long way must tell. */
static int watch_alive(struct proc_target *t)
{
	char buf[1024];
	if (!t->image || t->pid <= 0)
		return 0;
	if (t->watch.image != t->image)
		watch_open(t);
	if (t->watch.fd < 0)
		return 0;
	if (t->watch.mem_fd >= 0 && ++t->watch.polls % WATCH_STAT_EVERY) {
		unsigned char byte;
		if (pread(t->watch.mem_fd, &byte, 1, (off_t)t->watch.at) == 1)
			return 1;
		/* Gone, or another space: the long way tells, and the next poll watches anew. */
		proc_target_unwatch(t);
		return 0;
	}
	return same_space(procfs_stat_read(t->watch.fd, buf, sizeof buf), t->watch.at);
}

int proc_target_poll(struct proc_target *t)
{
	proc_pause_reap_owed();
	if (!t->exited && watch_alive(t))
		return 0;
	int gone = poll_exit(t);
	if (!gone && t->image && proc_image_sig(t->pid) != t->image)
		t->execed = 1;
	return gone;
}

uint64_t proc_target_cpu_ns(const struct proc_target *t)
{
	clockid_t clock;
	struct timespec ts;
	if (t->pid <= 0 || clock_getcpuclockid(t->pid, &clock) != 0 ||
	    clock_gettime(clock, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
