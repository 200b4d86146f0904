/* test_roster.c: the list of threads a tick with the GIL free looks through (issue 21): read
 * again when the kernel's thread count or the list's head says threads were born or died, or
 * when it is old; found by thread state; and the thread count itself, on this process. */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "check.h"
#include "proc/pause.h"
#include "python/walker.h"
#include "sample/roster.h"

static _Atomic int done;

static void *waiter(void *arg)
{
	(void)arg;
	while (!done)
		usleep(1000);
	return NULL;
}

int main(void)
{
	struct py_thread v[3] = {
		{ .tstate = 0x3000, .thread_id = 0x7f03 }, /* the head: the newest */
		{ .tstate = 0x1000, .thread_id = 0x7f01 },
		{ .tstate = 0x2000, .thread_id = 0x7f02 },
	};
	struct roster r = { 0 };
	uint64_t age = 1000;
	CHECK(roster_stale(&r, 3, &v[0], 1, age), "never read: stale");
	CHECK_INT(roster_set(&r, v, 3, 3, 10), 0, "set");
	CHECK(!roster_stale(&r, 3, &v[0], 20, age), "same count, same head: kept");
	CHECK(roster_stale(&r, 2, &v[0], 20, age), "a thread died: stale");
	struct py_thread born = { .tstate = 0x4000, .thread_id = 0x7f04 };
	CHECK(roster_stale(&r, 3, &born, 20, age), "one born, one died: a new head, stale");
	struct py_thread reused = { .tstate = 0x3000, .thread_id = 0x7f05 };
	CHECK(roster_stale(&r, 3, &reused, 20, age),
	      "the head's thread state freed and taken by a new thread: stale");
	CHECK(roster_stale(&r, 3, NULL, 20, age), "the list emptied: stale");
	CHECK(roster_stale(&r, 3, &v[0], 10 + age, age), "old: stale");
	CHECK_INT(roster_find(&r, 0x1000), 0, "found by thread state (sorted)");
	CHECK_INT(roster_find(&r, 0x3000), 2, "the head too");
	CHECK_INT(roster_find(&r, 0x2500), -1, "no such thread state");
	CHECK_INT(r.v[1].thread_id, 0x7f02, "its ids kept");
	CHECK_INT(roster_set(&r, NULL, 0, 1, 30), 0, "set empty");
	CHECK_INT(roster_find(&r, 0x1000), -1, "nothing in an empty roster");
	roster_release(&r);
	roster_release(&r);

	struct proc_target t = { .pid = getpid() };
	struct proc_pause p = { 0 };
	long one = proc_thread_count(&t, &p);
	pthread_t th;
	pthread_create(&th, NULL, waiter, NULL);
	CHECK_INT(proc_thread_count(&t, &p), one + 1, "the thread count: one more thread born");
	done = 1;
	pthread_join(th, NULL);
	CHECK_INT(proc_thread_count(&t, &p), one, "and one less when it ends");
	proc_pause_release(&p);
	return check_exit();
}
