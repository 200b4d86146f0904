/* target.c: the target of a sampling command, checked before anything is touched, and the -t
 * command, started and waited for (see target.h). */
#include "cmd/target.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "cli/options.h"
#include "proc/access.h"
#include "proc/spawn.h"
#include "proc/target.h"
#include "proc/tree.h"
#include "python/asyncio.h"
#include "python/discover.h"
#include "python/offsets.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/stop.h"

void cmd_check_abi(const struct py_version *abi, const char *arg)
{
	if (py_offsets_find(abi->major, abi->minor))
		return;
	char known[256] = "";
	size_t len = 0;
	for (size_t i = 0; i < py_offsets_table_len && len < sizeof known; i++)
		len += (size_t)snprintf(known + len, sizeof known - len, " %d%d",
					py_offsets_table[i].major, py_offsets_table[i].minor);
	die("unknown ABI '%s': expected one of%s", arg, known);
}

/* Whether a descendant of pid runs Python: with --subprocesses, the process given may be a
 * supervisor of its own (a shell, a process manager) with Python children. */
static int python_descendant(pid_t pid, const struct py_version *abi)
{
	struct proc_tree tree;
	proc_tree_init(&tree, pid);
	const pid_t *born;
	int n = proc_tree_scan(&tree, &born), found = 0;
	for (int i = 0; i < n && !found; i++) {
		struct py_target pt;
		char err[1024];
		found = py_discover(born[i], abi, &pt, err, sizeof err) == PY_DISCOVER_OK;
	}
	proc_tree_release(&tree);
	return found;
}

void cmd_check_pid(pid_t pid, const struct py_version *abi, int subprocesses,
		   struct py_target *pt)
{
	char err[1024];
	if (proc_check_attach(pid, err, sizeof err) != 0)
		die("%s", err);
	if (py_discover(pid, abi, pt, err, sizeof err) != PY_DISCOVER_OK &&
	    !(subprocesses && python_descendant(pid, abi)))
		die("%s%s", err, subprocesses ? ", nor does any process it started" : "");
}

void cmd_target_check_abi(const struct options *o)
{
	if (o->has_abi)
		cmd_check_abi(&o->abi, o->abi_arg);
}

/* Whether path is this very program: profiling pyflame with pyflame would trace a tracer. */
static int is_self(const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];
	return realpath(path, a) && realpath("/proc/self/exe", b) && strcmp(a, b) == 0;
}

void cmd_target_check(const struct options *o, char *cmd_path, size_t cap,
		      struct py_target *pt)
{
	if (o->command) {
		int rc = proc_resolve_command(o->command[0], cmd_path, cap);
		if (rc < 0)
			die("cannot run '%s': %s", o->command[0],
			    rc == -ENOENT ? "command not found" : strerror(-rc));
		if (is_self(cmd_path))
			die("cannot profile pyflame itself ('%s')", o->command[0]);
		return;
	}
	cmd_check_pid(o->pid, o->has_abi ? &o->abi : NULL, o->subprocesses, pt);
	/* A -t command's version is known once it runs: the sampler says it then. */
	if (o->async && !o->subprocesses && !py_async_supported(pt->version.major, pt->version.minor))
		die("--async reads CPython %s; process %d runs %d.%d", py_async_versions,
		    (int)o->pid, pt->version.major, pt->version.minor);
}
pid_t cmd_target_start(const struct options *o, const char *cmd_path, const int stdio[3])
{
	if (stop_requested) {
		warn("stopped by %s before '%s' was started", strsignal(stop_signal),
		     o->command[0]);
		return -(128 + stop_signal);
	}
	pid_t pid = proc_spawn(cmd_path, o->command, stdio);
	if (pid < 0) {
		warn("cannot run '%s': %s", o->command[0], strerror((int)-pid));
		return -1;
	}
	stop_forward_to(pid);
	return pid;
}

/* How long the -t command may take to end after sampling did before pyflame says it waits. */
#define COMMAND_GRACE_NS (500ull * 1000 * 1000)

int cmd_target_wait(struct proc_target *t, const char *name, const char *done)
{
	uint64_t since = clock_now_ns();
	const struct timespec nap = { 0, 10 * 1000 * 1000 };
	/* Only the command's end matters now: without its image signature, a poll does not
	 * read /proc/PID/auxv to tell an exec() (50 polls of a command that outlives -s cost
	 * 2-3 ms of CPU that way). */
	t->image = 0;
	t->watch.image = 0; /* t is a copy: its session's target closed the watch */
	while (!proc_target_poll(t) && clock_now_ns() - since < COMMAND_GRACE_NS)
		nanosleep(&nap, NULL);
	if (!t->exited) {
		warn("%s; waiting for '%s' (PID %d) to exit", done, name, (int)t->pid);
		int st = 0;
		while (waitpid(t->pid, &st, 0) < 0 && errno == EINTR)
			;
		t->exit_status = st;
	}
	return proc_exit_code(t->exit_status);
}
