/* target.c: keeping track of a target process: its exit, and its exec()s. */
#include "proc/target.h"

#include <errno.h>
#include <sys/wait.h>
#include <time.h>

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

int proc_target_poll(struct proc_target *t)
{
	proc_pause_reap_owed();
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
