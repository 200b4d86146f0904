/* test_pause.c: does a pause really hold every thread of a process that never holds still?
 *
 * A child process keeps starting short-lived threads from two spawner threads; every thread,
 * while it lives, adds to one counter in memory shared with us. A pause that says it is
 * complete must have stopped all of them: the counter then stands still for as long as we
 * look. Threads exit all the time, which is what cuts a listing of /proc/PID/task short (the
 * kernel drops the threads after one that exits while it lists), so the newest threads, the
 * ones most likely to be missed, are started all the time too. After the loop, no thread of
 * the child may be left traced or stopped.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "proc/pause.h"
#include "proc/procfs.h"

static _Atomic unsigned long *counter;

static void *short_lived(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++)
		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
	return NULL;
}

static void *spawner(void *arg)
{
	(void)arg;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	for (;;) {
		pthread_t t;
		if (pthread_create(&t, &at, short_lived, NULL) != 0)
			usleep(100);
		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
	}
	return NULL;
}

static void child_main(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pthread_t t;
	for (int i = 0; i < 2; i++)
		pthread_create(&t, NULL, spawner, NULL);
	for (;;)
		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

static void *spinner(void *arg)
{
	(void)arg;
	for (;;)
		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
	return NULL;
}

/* A process whose main thread has ended while another runs on: the main thread stays a zombie
 * that cannot be traced, yet counts among the process's threads. */
static void child_without_main(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pthread_t t;
	pthread_create(&t, NULL, spinner, NULL);
	pthread_exit(NULL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whether the counter stands still for 50 us, long enough for a running thread to add
 * thousands. */
static int counter_still(void)
{
	unsigned long before = atomic_load(counter);
	uint64_t until = now_ns() + 50 * 1000;
	while (now_ns() < until)
		;
	return atomic_load(counter) == before;
}

/* Whether any thread of pid is traced or in a stop. */
static int any_thread_held(pid_t pid)
{
	pid_t *tids = NULL;
	int n = procfs_tasks(pid, &tids);
	if (n < 0)
		return -1;
	int held = 0;
	for (int i = 0; i < n && !held; i++) {
		char state = procfs_thread_state(pid, tids[i]);
		held = state == 't' || state == 'T';
		char path[64], *status = NULL;
		snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)pid, (int)tids[i]);
		if (procfs_slurp(path, &status) == 0 && !strstr(status, "\nTracerPid:\t0\n"))
			held = 1;
		free(status);
	}
	free(tids);
	return held;
}

int main(void)
{
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED) {
		printf("not ok - shared page: mmap failed\n");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0)
		child_main();
	/* Let the child reach its steady churn. */
	usleep(100 * 1000);
	struct proc_target t = { .pid = pid };
	struct proc_pause p = { 0 };
	int pauses = 0, complete = 0, moved = 0, moved_incomplete = 0, errors = 0;
	/* At least 200 pauses however slow the machine (sanitizers, load), up to 2 s or 4000. */
	uint64_t end = now_ns() + 2000ull * 1000 * 1000;
	uint64_t give_up = now_ns() + 60000ull * 1000 * 1000;
	while ((now_ns() < end || pauses < 200) && pauses < 4000 && now_ns() < give_up) {
		int rc = proc_pause_all(&t, &p);
		if (rc == -EPERM) {
			printf("skip - pause: ptrace not permitted here (%s)\n",
			       "needs root or CAP_SYS_PTRACE");
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 0;
		}
		if (rc != 0) {
			errors++;
			continue;
		}
		pauses++;
		int still = counter_still();
		complete += p.complete;
		moved += p.complete && !still;
		moved_incomplete += !p.complete && !still;
		proc_resume_all(&t, &p);
	}
	proc_pause_release(&p);
	char what[160];
	snprintf(what, sizeof what,
		 "%d pauses of a process starting and ending threads all the time: every one said "
		 "complete held every thread (%d complete)", pauses, complete);
	CHECK(pauses >= 200 && errors == 0 && moved == 0, what);
	if (moved || errors)
		printf("#   %d complete pauses let a thread run, %d pauses failed\n", moved, errors);
	snprintf(what, sizeof what, "nearly every pause is complete (%d of %d; %d incomplete ones "
		 "saw a thread run)", complete, pauses, moved_incomplete);
	CHECK(complete * 10 >= pauses * 9, what);
	CHECK(any_thread_held(pid) == 0, "afterwards no thread of it is traced or stopped");
	unsigned long then = atomic_load(counter);
	usleep(10 * 1000);
	CHECK(atomic_load(counter) != then, "the child runs on");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	pid = fork();
	if (pid == 0)
		child_without_main();
	usleep(50 * 1000);
	t = (struct proc_target){ .pid = pid };
	int rc = proc_pause_all(&t, &p);
	int held = rc == 0 && p.complete && p.n == 1 && counter_still();
	proc_resume_all(&t, &p);
	CHECK(held, "main thread ended, another running: that one is stopped, the pause complete");

	/* One thread alone, by TID: the spinner (the one thread left). A TID that is not one of
	 * the process's threads (ours) is refused before anything is seized. */
	pid_t *tids = NULL;
	int nt = procfs_tasks(pid, &tids);
	pid_t spinner_tid = 0;
	for (int i = 0; i < nt; i++)
		if (tids[i] != pid)
			spinner_tid = tids[i];
	free(tids);
	rc = proc_pause_thread(&t, &p, getpid());
	CHECK(rc == -ESRCH && p.n == 0, "a TID from another process is refused, nothing held");
	rc = proc_pause_thread(&t, &p, spinner_tid);
	held = rc == 0 && p.n == 1 && p.held[0].tid == spinner_tid && !p.complete && counter_still();
	proc_resume_all(&t, &p);
	CHECK(held, "one thread stopped by its TID: it stands still; the pause is not complete");
	proc_pause_release(&p);
	then = atomic_load(counter);
	usleep(10 * 1000);
	CHECK(atomic_load(counter) != then && any_thread_held(pid) == 0,
	      "and it runs on afterwards, untraced");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return check_failed_count ? 1 : 0;
}
