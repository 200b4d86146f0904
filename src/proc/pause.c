/* pause.c: ptrace-based stop and release of all threads. */
#include "proc/pause.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>

#include "proc/procfs.h"

/* How long a listing of the target's threads is trusted. */
#define TASKS_REFRESH_NS (100ull * 1000 * 1000)

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void note_exit(struct proc_target *t, pid_t who, int status)
{
	if (who == t->pid) {
		t->exited = 1;
		t->exit_status = status;
	}
}

/* Waits until tid is in a ptrace stop. Returns 0 (with *sig: a signal it was about to get, or
 * 0) or -ESRCH when it exited instead. */
static int wait_stopped(struct proc_target *t, pid_t tid, int *sig)
{
	*sig = 0;
	for (;;) {
		int status;
		pid_t w = waitpid(tid, &status, __WALL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -ESRCH;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			note_exit(t, tid, status);
			return -ESRCH;
		}
		if (!WIFSTOPPED(status))
			continue;
		int event = status >> 16;
		if (event == PTRACE_EVENT_STOP)
			return 0; /* our interrupt, or a group-stop: stopped either way */
		if (event == 0) {
			/* A signal-delivery-stop came first: the thread is stopped, and the signal
			 * goes back to it when we detach so the target never loses one. */
			*sig = WSTOPSIG(status);
			return 0;
		}
		/* Other events need options we never set; treat as stopped. */
		return 0;
	}
}

int proc_pause_all(struct proc_target *t, struct proc_pause *p)
{
	p->n = 0;
	/* Listing /proc/PID/task costs three system calls; threads come and go far more slowly
	 * than samples are taken, so the list is renewed every TASKS_REFRESH_NS, and at once when
	 * a listed thread has gone. A thread newer than the list runs on during that snapshot:
	 * its stack is still read, only not frozen. */
	uint64_t now = monotonic_ns();
	if (!p->listed || now - p->listed_ns > TASKS_REFRESH_NS) {
		free(p->listed);
		p->listed = NULL;
		p->n_listed = procfs_tasks(t->pid, &p->listed);
		p->listed_ns = now;
		if (p->n_listed < 0) {
			p->n_listed = 0;
			t->exited = 1;
			return -ESRCH;
		}
	}
	int n = p->n_listed, vanished = 0;
	int first_err = 0;
	size_t cap = p->cap;
	if (n_grow((void **)&p->tids, &p->cap, (size_t)n, sizeof *p->tids) < 0)
		return -ENOMEM;
	if (cap != p->cap) {
		int *sigs = realloc(p->sigs, p->cap * sizeof *sigs);
		if (!sigs)
			return -ENOMEM;
		p->sigs = sigs;
	}
	/* First ask every thread to stop, then collect the stops: the threads stop in parallel,
	 * so the target is held for one round trip, not one per thread. */
	size_t seized = 0;
	for (int i = 0; i < n; i++) {
		pid_t tid = p->listed[i];
		if (ptrace(PTRACE_SEIZE, tid, 0, 0) != 0) {
			if (errno == ESRCH)
				vanished = 1;
			else if (!first_err)
				first_err = -errno;
			continue;
		}
		if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) != 0) {
			vanished = 1; /* it died between the two calls; the seize went with it */
			continue;
		}
		p->tids[seized++] = tid;
	}
	for (size_t i = 0; i < seized; i++) {
		int sig;
		if (wait_stopped(t, p->tids[i], &sig) != 0) {
			vanished = 1;
			continue; /* the thread ended; its seize went with it */
		}
		p->tids[p->n] = p->tids[i];
		p->sigs[p->n] = sig;
		p->n++;
	}
	if (vanished)
		p->listed_ns = 0; /* list again next time */
	if (p->n == 0) {
		if (t->exited || first_err == 0)
			return -ESRCH;
		return first_err == -EPERM ? -EPERM : first_err;
	}
	return 0;
}

void proc_resume_all(struct proc_target *t, struct proc_pause *p)
{
	(void)t;
	for (size_t i = 0; i < p->n; i++)
		ptrace(PTRACE_DETACH, p->tids[i], 0, p->sigs[i]);
	p->n = 0;
}

void proc_pause_release(struct proc_pause *p)
{
	free(p->tids);
	free(p->sigs);
	free(p->listed);
	memset(p, 0, sizeof *p);
}

int proc_check_traceable(pid_t pid)
{
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) != 0)
		return -errno;
	/* A seized thread can only be detached once it is stopped. */
	struct proc_target t = { .pid = pid };
	int sig = 0;
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) != 0 || wait_stopped(&t, pid, &sig) != 0)
		return -ESRCH;
	ptrace(PTRACE_DETACH, pid, 0, sig);
	return 0;
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
			note_exit(t, t->pid, status);
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
	int gone = poll_exit(t);
	if (!gone && t->image && proc_image_sig(t->pid) != t->image)
		t->execed = 1;
	return gone;
}

int proc_thread_fs_base(pid_t tid, uint64_t *out)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) != 0)
		return -errno;
	*out = regs.fs_base;
	return 0;
}
