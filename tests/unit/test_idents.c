/* test_idents.c: is the pthread_t -> TID map read off stopped threads right?
 *
 * A child starts threads that each write their own pthread_self() and gettid() into memory
 * shared with us, then block. A complete pause of the child must map every one of those
 * pthread_t values to the TID the thread itself reported, and each stopped thread must be
 * told to run its own pthread_t and not another's. This is what lets a pausing profile of
 * CPython before 3.11 (which records only the pthread_t of the GIL holder) stop that thread
 * alone. The TID a thread's control block records is read back through the same offset.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "mem/live.h"
#include "mem/reader.h"
#include "proc/idents.h"
#include "proc/pause.h"

#define THREADS 8

struct record {
	volatile uint64_t ident;
	volatile pid_t tid;
};

static struct record *records; /* THREADS + 1: the main thread last */

static void *blocked(void *arg)
{
	struct record *r = arg;
	r->tid = gettid();
	r->ident = (uint64_t)pthread_self();
	for (;;)
		pause();
	return NULL;
}

static void child_main(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pthread_t t;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t, NULL, blocked, &records[i]);
	blocked(&records[THREADS]);
}

int main(void)
{
	records = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (records == MAP_FAILED) {
		printf("not ok - shared page: mmap failed\n");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0)
		child_main();
	int ready = 0;
	for (int tries = 0; tries < 500 && ready < THREADS + 1; tries++) {
		usleep(2000);
		ready = 0;
		for (int i = 0; i <= THREADS; i++)
			ready += records[i].ident != 0;
	}
	CHECK_INT(ready, THREADS + 1, "every thread of the child reported its pthread_t and TID");

	struct proc_target t = { .pid = pid };
	struct proc_pause p = { 0 };
	struct ident_map m = { 0 };
	int rc = proc_pause_all(&t, &p);
	if (rc == -EPERM) {
		check_skip("ident map", "ptrace not permitted here (needs root or CAP_SYS_PTRACE)");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return check_exit();
	}
	CHECK(rc == 0 && p.complete, "the child's threads are all stopped");
	struct mem_reader *mem = mem_live_new(pid);
	CHECK(ident_map_learn(&m, &p, mem) == 0, "the map is learned");
	CHECK_INT(m.n, THREADS + 1, "one entry per thread");
	/* Each thread's control block records its TID at one offset, found from the threads of
	 * the pause: then a thread is found by one read of memory, with nothing stopped. */
	CHECK(m.tid_off > 0, "where the control block keeps the TID is learned");
	int read_right = 0;
	for (int i = 0; i <= THREADS; i++)
		read_right += ident_map_read_tid(&m, mem, records[i].ident) == records[i].tid;
	CHECK_INT(read_right, THREADS + 1, "each pthread_t's control block gives its own TID");
	CHECK_INT(ident_map_read_tid(&m, mem, 0), 0, "pthread_t 0 has no control block");
	int right = 0, runs_own = 0, runs_other = 0;
	for (int i = 0; i <= THREADS; i++) {
		right += ident_map_find(&m, records[i].ident) == records[i].tid;
		runs_own += ident_runs(records[i].tid, records[i].ident);
		runs_other += ident_runs(records[i].tid, records[(i + 1) % (THREADS + 1)].ident);
	}
	CHECK_INT(right, THREADS + 1, "each pthread_t maps to the TID its thread reported");
	CHECK_INT(runs_own, THREADS + 1, "each stopped thread runs its own pthread_t");
	CHECK_INT(runs_other, 0, "no stopped thread runs another's pthread_t");
	CHECK_INT(ident_map_find(&m, 0x1234), 0, "an unknown pthread_t maps to no TID");
	CHECK(!ident_runs(records[0].tid, 0), "no thread runs pthread_t 0");
	proc_resume_all(&t, &p);
	CHECK(!ident_runs(records[0].tid, records[0].ident),
	      "a thread no longer stopped by us cannot be told (its registers are not ours to read)");

	/* Learned again from a pause of one thread: the map then holds only that one. */
	rc = proc_pause_thread(&t, &p, records[2].tid);
	CHECK(rc == 0 && ident_map_learn(&m, &p, NULL) == 0 && m.n == 1 &&
		      ident_map_find(&m, records[2].ident) == records[2].tid &&
		      ident_map_find(&m, records[3].ident) == 0,
	      "learned again, the map forgets what it held before");
	proc_resume_all(&t, &p);
	/* A TID checked on its stopped thread is recorded, replacing a stale entry for either. */
	CHECK(ident_map_set(&m, records[4].ident, records[2].tid) == 0 &&
		      ident_map_set(&m, records[2].ident, records[2].tid) == 0 && m.n == 1 &&
		      ident_map_find(&m, records[2].ident) == records[2].tid &&
		      ident_map_find(&m, records[4].ident) == 0,
	      "a recorded pair replaces what the map said of its pthread_t or its TID");
	proc_pause_release(&p);
	ident_map_release(&m);
	mem_reader_free(mem);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return check_exit();
}
