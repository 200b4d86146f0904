/* test_target.c: does proc_target_poll, which looks through a byte of the target's memory and
 * a stat file, both kept open, still see every exec() and every exit?
 *
 * Two children of the test run the test's own program until told to exec() /bin/sleep: one
 * forked (an address space of its own), one cloned with CLONE_VM as vfork() makes them (it
 * shares the test's address space until its exec(), so a watch that only asked whether the
 * address space it first saw still lives would never see that exec()). Each is then killed,
 * and its end must be seen without it being reaped (a zombie is gone).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "proc/procfs.h"
#include "proc/target.h"

/* The child's side: waits for a byte on its pipe, then runs sleep (or ends if none comes). */
static int wait_then_exec(void *arg)
{
	int *cmd = arg;
	char c;
	if (read(cmd[0], &c, 1) == 1)
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
	_exit(0);
}

static char clone_stack[64 * 1024] __attribute__((aligned(16)));

static pid_t start_child(int cmd[2], int shared)
{
	if (pipe(cmd) != 0)
		return -1;
	pid_t pid;
	if (shared) {
		pid = clone(wait_then_exec, clone_stack + sizeof clone_stack, CLONE_VM | SIGCHLD,
			    cmd);
	} else {
		pid = fork();
		if (pid == 0)
			wait_then_exec(cmd);
	}
	close(cmd[0]);
	return pid;
}

static void nap(void)
{
	const struct timespec ms = { 0, 1000 * 1000 };
	nanosleep(&ms, NULL);
}

/* Polls t until it reports what wanted says (an exec, or an end), for up to 5 s. */
static int poll_until(struct proc_target *t, int want_exec)
{
	for (int i = 0; i < 5000; i++) {
		int gone = proc_target_poll(t);
		if (want_exec ? t->execed : gone)
			return 1;
		nap();
	}
	return 0;
}

static void one_child(int shared)
{
	const char *kind = shared ? "a child sharing the address space (CLONE_VM)" : "a forked child";
	char what[256];
	int cmd[2];
	pid_t pid = start_child(cmd, shared);
	if (pid <= 0) {
		printf("skip - %s: cannot be started: %s\n", kind, strerror(errno));
		return;
	}
	struct proc_target t = { .pid = pid };
	t.image = proc_image_sig(pid);
	snprintf(what, sizeof what, "%s: its image reads", kind);
	CHECK(t.image != 0, what);

	int quiet = 1;
	for (int i = 0; i < 20; i++)
		quiet &= proc_target_poll(&t) == 0 && !t.execed;
	snprintf(what, sizeof what, "%s: 20 polls of it running see no exec and no end", kind);
	CHECK(quiet, what);
	snprintf(what, sizeof what, "%s: the polls look through a kept stat file", kind);
	CHECK(t.watch.image == t.image && t.watch.fd >= 0 && t.watch.at != 0, what);
	/* The memory is read only where it would go when the program does: a space shared
	 * with the parent lives on after the child's exec(). */
	snprintf(what, sizeof what, shared ? "%s: its memory is not watched, its stat file is"
					   : "%s: its memory is watched, one byte at a poll",
		 kind);
	CHECK(shared ? t.watch.mem_fd < 0 : t.watch.mem_fd >= 0, what);

	(void)!write(cmd[1], "e", 1);
	snprintf(what, sizeof what, "%s: its exec() is seen", kind);
	CHECK(poll_until(&t, 1), what);

	/* A new image, taken once the exec() is over (sleep asleep: mid-exec, the new address
	 * space's auxiliary vector may not be written yet): the watch follows it, and sees its
	 * end. */
	t.execed = 0;
	char comm[64] = "";
	for (int i = 0; i < 5000; i++) {
		procfs_comm(pid, pid, comm, sizeof comm);
		if (strcmp(comm, "sleep") == 0 && procfs_thread_state(pid, pid) == 'S')
			break;
		nap();
	}
	t.image = proc_image_sig(pid);
	quiet = 1;
	for (int i = 0; i < 5; i++)
		quiet &= proc_target_poll(&t) == 0 && !t.execed;
	snprintf(what, sizeof what, "%s: polls of the new program see it running", kind);
	CHECK(quiet && t.watch.fd >= 0, what);
	kill(pid, SIGKILL);
	snprintf(what, sizeof what, "%s: its end is seen before it is reaped", kind);
	CHECK(poll_until(&t, 0), what);
	CHECK_INT(t.exited, 1, "the target is marked exited");
	proc_target_unwatch(&t);
	CHECK(t.watch.image == 0 && t.watch.fd == -1 && t.watch.mem_fd == -1,
	      "unwatch forgets the watch");
	close(cmd[1]);
	waitpid(pid, NULL, __WALL);
}

int main(void)
{
	char buf[1024];
	const char *fields = procfs_stat(getpid(), getpid(), buf, sizeof buf);
	CHECK(fields != NULL, "our own stat reads");
	CHECK_INT(procfs_stat_field(fields, 4), getppid(), "field 4 of stat is the parent");
	CHECK_INT(procfs_stat_field(fields, 999), 0, "a field past the last is 0");

	/* A TID recorded by another process (uWSGI's worker keeps its master's): elsewhere; one
	 * of ours, or one that is gone, is not. */
	CHECK_INT(procfs_tid_elsewhere(getpid(), getpid()), 0, "our own thread is not elsewhere");
	CHECK_INT(procfs_tid_elsewhere(getpid(), getppid()), 1, "our parent's thread is elsewhere");
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	CHECK_INT(procfs_tid_elsewhere(getpid(), gone), 0, "a reaped child's TID is not elsewhere");

	one_child(0);
	one_child(1);
	return check_exit();
}
