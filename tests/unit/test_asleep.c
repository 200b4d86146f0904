/* test_asleep.c: a thread watched off the CPU (proc/asleep.h), on this process's own threads: one
 * blocked reading a pipe is seen asleep and still so a while later; woken (a byte written to
 * its pipe) and asleep again at its next read, it is seen to have run; a thread spinning is
 * never taken for asleep; nor a TID that is not the process's, nor one gone; no watch begun
 * says nothing; and a zeroed watch is released without closing anything. */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "proc/asleep.h"

static int pipe_fds[2];
static atomic_int reader_tid, reads_done, spin_tid, spin_stop;

static void *reader(void *arg)
{
	(void)arg;
	atomic_store(&reader_tid, (int)syscall(SYS_gettid));
	char c;
	while (read(pipe_fds[0], &c, 1) == 1 && c != 'q')
		atomic_fetch_add(&reads_done, 1);
	return NULL;
}

static void *spinner(void *arg)
{
	(void)arg;
	atomic_store(&spin_tid, (int)syscall(SYS_gettid));
	while (!atomic_load(&spin_stop))
		;
	return NULL;
}

static void nap_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

int main(void)
{
	/* fd 0 open (it is, unless the runner closed it), for a zeroed watch not to close. */
	if (fcntl(0, F_GETFD) == -1 && open("/dev/null", O_RDONLY) != 0)
		return 2;
	struct proc_asleep zeroed = { 0 };
	proc_asleep_release(&zeroed);
	CHECK(fcntl(0, F_GETFD) != -1, "a zeroed watch released, fd 0 left open");

	pid_t pid = getpid();
	struct proc_asleep a = { 0 }; /* zeroed: watching nothing */
	CHECK_INT(proc_asleep_still(&a), 0, "no watch begun: nothing said");

	if (pipe(pipe_fds) != 0)
		return 2;
	pthread_t r, s;
	pthread_create(&r, NULL, reader, NULL);
	while (!atomic_load(&reader_tid))
		nap_ms(1);
	nap_ms(50); /* into its read */
	pid_t tid = atomic_load(&reader_tid);
	CHECK_INT(proc_asleep_begin(&a, pid, tid), 1, "a thread blocked in read(): off the CPU");
	nap_ms(20);
	CHECK_INT(proc_asleep_still(&a), 1, "...and still, 20 ms on");
	CHECK_INT(proc_asleep_still(&a), 1, "...asked again");

	if (write(pipe_fds[1], "x", 1) != 1)
		return 2;
	while (atomic_load(&reads_done) < 1)
		nap_ms(1);
	nap_ms(20); /* back in its next read, asleep again */
	CHECK_INT(proc_asleep_still(&a), 0, "woken and asleep again: seen to have run");
	CHECK_INT(proc_asleep_still(&a), 0, "...and the watch stays over");
	CHECK_INT(proc_asleep_begin(&a, pid, tid), 1, "a new watch of it begins");
	CHECK_INT(proc_asleep_still(&a), 1, "...and holds");

	pthread_create(&s, NULL, spinner, NULL);
	while (!atomic_load(&spin_tid))
		nap_ms(1);
	int taken = 0;
	for (int i = 0; i < 20; i++)
		taken += proc_asleep_begin(&a, pid, atomic_load(&spin_tid));
	CHECK_INT(taken, 0, "a thread spinning: never off the CPU (running or waiting for one)");
	atomic_store(&spin_stop, 1);
	pthread_join(s, NULL);

	CHECK_INT(proc_asleep_begin(&a, pid, getppid()), 0, "a TID that is not the process's");
	CHECK_INT(proc_asleep_begin(&a, pid, 0), 0, "no TID");
	if (write(pipe_fds[1], "q", 1) != 1)
		return 2;
	pthread_join(r, NULL);
	CHECK_INT(proc_asleep_begin(&a, pid, tid), 0, "a thread gone");
	proc_asleep_release(&a);
	return check_exit();
}
