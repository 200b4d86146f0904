/* test_thread_names.c: the sampler's table of thread names by ident. glibc hands a new
 * thread the pthread_t (the ident) of one that ended, so an ident can change owners; on 3.11+
 * the thread state's native id says so, and the name must follow the thread that now has it,
 * not stay the dead one's. Run on this process's own threads, named with pthread_setname_np,
 * without a Python walker (the OS name is what is left then). */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "check.h"
#include "python/walker.h"
#include "sample/thread_names.h"

static _Atomic pid_t other_tid;
static _Atomic int done;

static void *named(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "worker-two");
	other_tid = gettid();
	while (!done)
		usleep(1000);
	return NULL;
}

int main(void)
{
	pthread_setname_np(pthread_self(), "worker-one");
	pthread_t t;
	pthread_create(&t, NULL, named, NULL);
	while (!other_tid)
		usleep(1000);

	struct thread_names tn = { 0 };
	struct py_thread th = { .thread_id = 0x7f0000001000ull, .native_id = (uint64_t)gettid() };
	const struct thread_name_entry *e = thread_names_get(&tn, NULL, getpid(), &th, NULL);
	CHECK(e && e->tid == gettid(), "a new ident: its TID from the native id");
	/* The process's own thread is the one threading will call MainThread; before
	 * threading is there (no walker here), it is named so rather than by its OS name. */
	CHECK_STR(e ? e->name : NULL, "MainThread", "the process's own thread: MainThread");

	const struct thread_name_entry *again = thread_names_get(&tn, NULL, getpid(), &th, NULL);
	CHECK(again == e && tn.n == 1, "the same thread again: the same entry, nothing added");

	/* The ident passes to another thread: same pthread_t, another native id. */
	th.native_id = (uint64_t)other_tid;
	e = thread_names_get(&tn, NULL, getpid(), &th, NULL);
	CHECK(e && e->tid == other_tid && tn.n == 1, "a reused ident: the entry follows the new TID");
	CHECK_STR(e ? e->name : NULL, "worker-two", "and takes the new thread's name");

	/* Without a native id (before 3.11) and no pause to tell TIDs: the OS name cannot be
	 * found, the ident is what is left. */
	struct py_thread old = { .thread_id = 0xabc0 };
	e = thread_names_get(&tn, NULL, getpid(), &old, NULL);
	CHECK(e && e->tid == 0, "before 3.11, not paused: no TID");
	CHECK_STR(e ? e->name : NULL, "Thread 0xabc0", "named after its ident");

	/* Found while the target is held, named once it runs: the name waits for the fill. */
	struct py_thread held = { .thread_id = 0xdef0 };
	long k = thread_names_find(&tn, &held, NULL, other_tid);
	CHECK(k >= 0 && tn.v[k].tid == other_tid && tn.v[k].pending,
	      "the thread stopped alone: its TID known, its name pending");
	thread_names_fill(&tn, NULL, getpid());
	CHECK_STR(k >= 0 ? tn.v[k].name : NULL, "worker-two", "named by the fill, after the pause");
	CHECK(thread_names_find(&tn, &held, NULL, gettid()) == k && tn.v[k].tid == gettid() &&
		      tn.v[k].pending,
	      "the same ident stopped on another thread: the entry starts over");

	/* Many threads: each found in one lookup, each ident its own entry, found again. */
	thread_names_release(&tn);
	int distinct = 0, again_same = 0;
	for (uint64_t i = 0; i < 1000; i++) {
		struct py_thread many = { .thread_id = 0x7f0000000000ull + i * 0x801000ull };
		distinct += thread_names_find(&tn, &many, NULL, 0) == (long)i;
	}
	for (uint64_t i = 0; i < 1000; i++) {
		struct py_thread many = { .thread_id = 0x7f0000000000ull + i * 0x801000ull };
		again_same += thread_names_find(&tn, &many, NULL, 0) == (long)i;
	}
	CHECK(distinct == 1000 && again_same == 1000 && tn.n == 1000,
	      "1000 threads: 1000 entries, each found again where it was");

	done = 1;
	pthread_join(t, NULL);
	thread_names_release(&tn);
	return check_exit();
}
