/* pause.c: ptrace-based stop and release of all threads. */
#include "proc/pause.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "util/clock.h"
#include "util/grow.h"

/* Main threads seized that ended before their exit could be reported to us: it comes only
 * once every other thread of theirs is gone, and until we wait for it their parent cannot
 * reap them (a multiprocessing parent under -C waited in join() for such a worker for good,
 * and the -t run with it). Waited for at each poll (proc_pause_reap_owed). */
#define OWED_MAX 256
static pid_t owed[OWED_MAX];
static size_t n_owed;

/* Notes that tid, seized and ended, is still to be waited for. Our own command's main thread
 * is not: poll_exit waits for it as its parent, and keeps its exit status. */
static void owe(const struct proc_target *t, pid_t tid)
{
	if (tid == t->pid && t->is_child)
		return;
	for (size_t i = 0; i < n_owed; i++)
		if (owed[i] == tid)
			return;
	if (n_owed < OWED_MAX)
		owed[n_owed++] = tid;
}

void proc_pause_reap_owed(void)
{
	for (size_t i = 0; i < n_owed;) {
		int status;
		pid_t w = waitpid(owed[i], &status, __WALL | WNOHANG);
		if (w == owed[i] || (w < 0 && errno == ECHILD))
			owed[i] = owed[--n_owed];
		else
			i++;
	}
}

/* Collects a seized thread that died on us (it failed an interrupt or a detach). A traced
 * thread that exits is not reaped by the kernel but left for its tracer to wait for, and
 * until then its process cannot be reaped either: a pyflame -t that forgot one waited for its
 * command forever. A non-leader is waited for (it is dying; the wait is short); the main
 * thread is only reaped if already gone, since its exit is reported after all the others',
 * and owed a wait otherwise. */
static void reap_gone(struct proc_target *t, pid_t tid)
{
	int status;
	pid_t w;
	do
		w = waitpid(tid, &status, __WALL | (tid == t->pid ? WNOHANG : 0));
	while (w < 0 && errno == EINTR);
	if (w == tid && (WIFEXITED(status) || WIFSIGNALED(status)))
		proc_target_note_exit(t, tid, status);
	else if (w == 0)
		owe(t, tid);
}

/* How long to poll for a thread's stop before sleeping between polls. A thread stops some
 * tens of microseconds after it is interrupted; a waitpid that sleeps meanwhile adds its own
 * wake-up to that (50 to 70 us more in this VM, measured), all of it time the target stands
 * still. Polling costs pyflame about 20 us of CPU per sample more; past this bound (a loaded
 * machine, many threads) we nap between polls. */
#define SPIN_NS (100 * 1000)
/* The naps grow from NAP_NS, doubling to NAP_MAX_NS: a thread that has not stopped by then
 * waits for a CPU (16 busy processes on 2 CPUs took milliseconds each), and polling it every
 * 50 us cost pyflame more CPU than the sample (36 polls a sample, measured by the bench's
 * subprocesses rows), while a nap of a millisecond at most adds little to a wait that long. */
#define NAP_NS (50 * 1000)
#define NAP_MAX_NS (1000 * 1000)
/* A thread not stopped this long after its interrupt is interrupted again: an exec() in
 * progress drops a pending interrupt, and a wait for it without end hung pyflame for good
 * (a target exec()ing while its main thread was being stopped, once in some hundred runs). */
#define REKICK_NS (10 * 1000 * 1000)

/* Waits until tid is in a ptrace stop. Returns 0 (with *sig: a signal it was about to get, or
 * 0) or -ESRCH when it exited instead. */
static int wait_stopped(struct proc_target *t, pid_t tid, int *sig)
{
	*sig = 0;
	uint64_t now = clock_now_ns();
	uint64_t spin_until = now + SPIN_NS, kick_at = now + REKICK_NS;
	struct timespec nap = { 0, NAP_NS };
	for (;;) {
		int status;
		pid_t w = waitpid(tid, &status, __WALL | WNOHANG);
		if (w == 0) {
			now = clock_now_ns();
			if (now > kick_at) {
				/* A main thread that ended while the others were being stopped is
				 * reported only once every other thread is reaped, and those we
				 * hold are reaped after this wait: it would never come (a -t run
				 * of 500 threads hung at exit). */
				char state = procfs_thread_state(t->pid, tid);
				if (state == 'Z')
					owe(t, tid); /* still ours to wait for, later */
				if (state == 0 || state == 'Z' || state == 'X')
					return -ESRCH;
				ptrace(PTRACE_INTERRUPT, tid, 0, 0);
				kick_at = now + REKICK_NS;
			}
			if (now > spin_until) {
				nanosleep(&nap, NULL);
				if (nap.tv_nsec * 2 <= NAP_MAX_NS)
					nap.tv_nsec *= 2;
			}
			continue;
		}
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -ESRCH;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			proc_target_note_exit(t, tid, status);
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

/* getdents64's buffer: a directory listing that leaves this much of it unused was read whole
 * in one call (an entry of /proc/PID/task takes 32 bytes at most). */
#define DIRBUF_SIZE 32768
#define DIRBUF_SLACK 512

/* Reads /proc/PID/task into p->listed. Returns 0 or a negative errno (-ESRCH: the process is
 * gone). The listing can come out short: the kernel ends it early when the thread it had
 * reached exits meanwhile, dropping every thread after it (the newest ones). */
static int open_task_dir(struct proc_pause *p, pid_t pid)
{
	if (p->task_fd_open)
		return 0;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	p->task_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->task_fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	p->task_fd_open = 1;
	return 0;
}

static int list_tasks(struct proc_pause *p, pid_t pid)
{
	int rc = open_task_dir(p, pid);
	if (rc != 0)
		return rc;
	if (!p->dirbuf && !(p->dirbuf = malloc(DIRBUF_SIZE)))
		return -ENOMEM;
	p->n_listed = 0;
	if (lseek(p->task_fd, 0, SEEK_SET) != 0)
		return -errno;
	for (;;) {
		ssize_t got = getdents64(p->task_fd, p->dirbuf, DIRBUF_SIZE);
		if (got < 0)
			return errno == ENOENT ? -ESRCH : -errno;
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *e = (const void *)((char *)p->dirbuf + off);
			off += e->d_reclen;
			char *end;
			long tid = strtol(e->d_name, &end, 10);
			if (*end || tid <= 0)
				continue;
			if (grow_array((void **)&p->listed, &p->listed_cap, p->n_listed + 1,
				   sizeof *p->listed) < 0)
				return -ENOMEM;
			p->listed[p->n_listed++] = (pid_t)tid;
		}
		if (got == 0 || got + DIRBUF_SLACK < DIRBUF_SIZE)
			break;
	}
	/* A process with no threads left is gone (a zombie's task directory is empty). */
	return p->n_listed ? 0 : -ESRCH;
}

/* How many threads the process has now, from the kernel's own count: the link count of
 * /proc/PID/task is 2 plus the number of threads. One fstat, no listing. -1 if unknown. */
static long live_threads(const struct proc_pause *p)
{
	struct stat st;
	if (!p->task_fd_open || fstat(p->task_fd, &st) != 0 || st.st_nlink < 2)
		return -1;
	return (long)st.st_nlink - 2;
}

long proc_thread_count(struct proc_target *t, struct proc_pause *p)
{
	if (open_task_dir(p, t->pid) != 0)
		return -1;
	return live_threads(p);
}

/* The set of threads stopped by this pause, for "is this one new?": open addressing on the
 * TID, rebuilt by each pause. */
static size_t stopped_slot(const struct proc_pause *p, pid_t tid)
{
	size_t i = ((uint32_t)tid * 2654435761u) & (p->set_cap - 1);
	while (p->set[i] && p->set[i] != tid)
		i = (i + 1) & (p->set_cap - 1);
	return i;
}

static int stopped_has(const struct proc_pause *p, pid_t tid)
{
	return p->set_cap && p->set[stopped_slot(p, tid)] == tid;
}

/* Makes room for the set to hold `need` threads at most half full, keeping what it holds. */
static int stopped_reserve(struct proc_pause *p, size_t need)
{
	if (need * 2 <= p->set_cap)
		return 0;
	size_t cap = p->set_cap ? p->set_cap : 64;
	while (cap < need * 2)
		cap *= 2;
	pid_t *set = calloc(cap, sizeof *set);
	if (!set)
		return -ENOMEM;
	free(p->set);
	p->set = set;
	p->set_cap = cap;
	for (size_t i = 0; i < p->n; i++)
		p->set[stopped_slot(p, p->held[i].tid)] = p->held[i].tid;
	return 0;
}

/* Stops the listed threads not stopped yet, appending them to p->held. First asks every one
 * to stop, then collects the stops: the threads stop in parallel, so the target is held for
 * one round trip, not one per thread. *zombie_leader is set when the main thread is refused
 * to us for having ended before the others (it stays, unreaped, until they all end; an
 * ended thread other than the main one is reaped at once and only refused for that instant).
 * Returns the first error other than a vanished thread, or 0. */
static int stop_threads(struct proc_target *t, struct proc_pause *p, int *zombie_leader)
{
	const pid_t *tids = p->listed;
	size_t n = p->n_listed;
	*zombie_leader = 0;
	if (grow_array((void **)&p->held, &p->cap, p->n + n, sizeof *p->held) < 0)
		return -ENOMEM;
	if (stopped_reserve(p, p->n + n) < 0)
		return -ENOMEM;
	int first_err = 0;
	size_t seized = p->n;
	for (size_t i = 0; i < n; i++) {
		pid_t tid = tids[i];
		if (stopped_has(p, tid))
			continue;
		if (ptrace(PTRACE_SEIZE, tid, 0, 0) != 0) {
			if (errno == EPERM && tid == t->pid)
				*zombie_leader = procfs_thread_state(t->pid, tid) == 'Z';
			if (errno != ESRCH && !first_err)
				first_err = -errno;
			continue;
		}
		uint64_t asked = clock_now_ns();
		if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) != 0) {
			reap_gone(t, tid); /* it died between the two calls */
			continue;
		}
		p->held[seized++] = (struct proc_held){ .tid = tid, .since = asked };
	}
	size_t kept = p->n;
	for (size_t i = p->n; i < seized; i++) {
		int sig;
		if (wait_stopped(t, p->held[i].tid, &sig) != 0)
			continue; /* the thread ended; its seize went with it */
		p->held[kept] = p->held[i];
		p->held[kept].sig = sig;
		p->set[stopped_slot(p, p->held[i].tid)] = p->held[i].tid;
		kept++;
	}
	p->n = kept;
	return first_err;
}

/* Listings after the first, before a snapshot is taken as it is (and then checked like a
 * non-blocking one): a process that starts threads faster than this is rare. */
#define MORE_LISTINGS 8

int proc_pause_all(struct proc_target *t, struct proc_pause *p)
{
	p->n = 0;
	p->complete = 0;
	if (p->set_cap)
		memset(p->set, 0, p->set_cap * sizeof *p->set);
	int rc = list_tasks(p, t->pid);
	int zombie_leader = 0;
	if (rc == 0)
		rc = stop_threads(t, p, &zombie_leader);
	int first_err = rc;
	/* Threads born since the listing ran on while the others stopped, and a listing can
	 * come out short (see list_tasks). The kernel's count of threads tells whether any is
	 * left running; if so, list again, now that no stopped thread can start another, and
	 * stop the newcomers. */
	for (int round = 0; rc != -ESRCH; round++) {
		long live = live_threads(p);
		if (live >= 0 && (size_t)live <= p->n + (size_t)zombie_leader) {
			p->complete = 1;
			break;
		}
		if (round == MORE_LISTINGS || (rc = list_tasks(p, t->pid)) != 0)
			break;
		int err = stop_threads(t, p, &zombie_leader);
		if (err && !first_err)
			first_err = err;
	}
	if (rc == -ESRCH && p->n == 0) {
		t->exited = 1;
		return -ESRCH;
	}
	if (p->n == 0) {
		if (t->exited || first_err == 0)
			return -ESRCH;
		return first_err == -EPERM ? -EPERM : first_err;
	}
	return 0;
}

/* How long a thread found in /proc/PID/task is taken to be there still. */
#define TID_KNOWN_NS (100ull * 1000 * 1000)

int proc_pause_thread(struct proc_target *t, struct proc_pause *p, pid_t tid)
{
	p->n = 0;
	p->complete = 0;
	if (p->set_cap)
		memset(p->set, 0, p->set_cap * sizeof *p->set);
	int rc = open_task_dir(p, t->pid);
	if (rc != 0)
		return rc;
	/* The TID comes from the target's memory: stop it only if it is one of t's threads. The
	 * same thread as at the last look, a moment ago, is taken as it was found (a look is a
	 * path walk under /proc, 5 us a tick; a TID is only given to another process after
	 * the kernel has gone through every other number). */
	uint64_t now = clock_now_ns();
	if (tid <= 0)
		return -ESRCH;
	if (tid != p->known_tid || now - p->known_ns > TID_KNOWN_NS) {
		char name[16];
		struct stat st;
		snprintf(name, sizeof name, "%d", (int)tid);
		if (fstatat(p->task_fd, name, &st, 0) != 0)
			return -ESRCH;
		p->known_tid = tid;
		p->known_ns = now;
	}
	p->n_listed = 0;
	if (grow_array((void **)&p->listed, &p->listed_cap, 1, sizeof *p->listed) < 0)
		return -ENOMEM;
	p->listed[p->n_listed++] = tid;
	int zombie_leader;
	rc = stop_threads(t, p, &zombie_leader);
	/* The next full pause lists afresh; this one-thread listing must not pass for one. */
	p->n_listed = 0;
	if (p->n == 1)
		return 0;
	return rc ? rc : -ESRCH;
}

int proc_pause_holds(const struct proc_pause *p, pid_t tid)
{
	return p->n > 0 && stopped_has(p, tid);
}

void proc_resume_all(struct proc_target *t, struct proc_pause *p)
{
	/* Held until the continue is asked for, as from the moment the stop was; threads are
	 * asked to stop in the order they are held, so the first is the earliest. */
	uint64_t asked = 0;
	for (size_t i = 0; i < p->n; i++) {
		asked = clock_now_ns();
		if (ptrace(PTRACE_DETACH, p->held[i].tid, 0, p->held[i].sig) != 0)
			reap_gone(t, p->held[i].tid); /* killed while held */
	}
	if (p->n) {
		p->held_ns += asked - p->held[0].since;
		p->pauses++;
	}
	p->n = 0;
}

void proc_pause_release(struct proc_pause *p)
{
	if (p->task_fd_open)
		close(p->task_fd);
	free(p->dirbuf);
	free(p->held);
	free(p->set);
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
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) != 0) {
		reap_gone(&t, pid);
		return -ESRCH;
	}
	if (wait_stopped(&t, pid, &sig) != 0)
		return -ESRCH;
	ptrace(PTRACE_DETACH, pid, 0, sig);
	return 0;
}
