/* access.c: ptrace permission, explained; one profiler per target. */
#include "proc/access.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proc/pause.h"
#include "proc/procfs.h"
#include "util/errors.h"

/* CAP_SYS_PTRACE's bit in the capability sets (linux/capability.h). */
#define CAP_SYS_PTRACE_BIT 19

/* The value after "key:" in /proc/PID/status (pid 0: self), or NULL; *status to free. */
static const char *status_field(pid_t pid, const char *key, char **status)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/status");
	*status = NULL;
	if (procfs_slurp(path, status) != 0)
		return NULL;
	size_t k = strlen(key);
	for (const char *line = *status; *line;) {
		if (strncmp(line, key, k) == 0 && line[k] == ':')
			return line + k + 1;
		const char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return NULL;
}

pid_t proc_tracer(pid_t pid)
{
	char *status;
	const char *v = status_field(pid, "TracerPid", &status);
	pid_t tracer = v ? (pid_t)strtol(v, NULL, 10) : -1;
	free(status);
	return tracer;
}

/* The effective uid of pid (0: self), or -1. */
static long effective_uid(pid_t pid)
{
	char *status;
	const char *v = status_field(pid, "Uid", &status);
	long uid = -1;
	if (v) {
		char *end;
		strtol(v, &end, 10); /* real, then effective */
		uid = strtol(end, NULL, 10);
	}
	free(status);
	return uid;
}

/* A capability set of pid (0: self) from its status ("CapEff", "CapPrm"). */
static unsigned long long caps(pid_t pid, const char *set)
{
	char *status;
	const char *v = status_field(pid, set, &status);
	unsigned long long c = v ? strtoull(v, NULL, 16) : 0;
	free(status);
	return c;
}

static int yama_scope(void)
{
	char *s;
	if (procfs_slurp("/proc/sys/kernel/yama/ptrace_scope", &s) != 0)
		return -1; /* no Yama */
	int v = atoi(s);
	free(s);
	return v;
}

void proc_explain_eperm(pid_t pid, char *buf, size_t cap)
{
	long them = effective_uid(pid), us = effective_uid(0);
	int has_cap = (int)((caps(0, "CapEff") >> CAP_SYS_PTRACE_BIT) & 1), scope = yama_scope();
	/* Without CAP_SYS_PTRACE, a target may only be traced when its permitted
	 * capabilities are a subset of the tracer's (the kernel's commoncap check). */
	unsigned long long more = caps(pid, "CapPrm") & ~caps(0, "CapPrm");
	if (scope == 3)
		snprintf(buf, cap, "ptrace is disabled on this system (kernel.yama.ptrace_scope=3)");
	else if (has_cap)
		snprintf(buf, cap, "refused although pyflame has CAP_SYS_PTRACE: a seccomp filter "
			 "or a security module (AppArmor, SELinux) forbids ptrace here");
	else if (them >= 0 && us >= 0 && them != us)
		snprintf(buf, cap, "it runs as uid %ld and pyflame as uid %ld without "
			 "CAP_SYS_PTRACE; run as uid %ld, or grant CAP_SYS_PTRACE (sudo; in a "
			 "container, --cap-add SYS_PTRACE)", them, us, them);
	else if (more)
		snprintf(buf, cap, "the target holds capabilities pyflame does not (CapPrm %llx) "
			 "and pyflame lacks CAP_SYS_PTRACE; grant CAP_SYS_PTRACE", more);
	else if (scope >= 1)
		snprintf(buf, cap, "kernel.yama.ptrace_scope=%d lets only a parent trace without "
			 "CAP_SYS_PTRACE; start it with -t, or grant CAP_SYS_PTRACE", scope);
	else
		snprintf(buf, cap, "pyflame lacks CAP_SYS_PTRACE, which a setuid or non-dumpable "
			 "process needs; grant CAP_SYS_PTRACE");
}

/* The target's start time (field 22 of /proc/PID/stat): with the PID, it names one process
 * even after the PID is reused. */
static unsigned long long start_time(pid_t pid)
{
	char buf[1024];
	const char *p = procfs_stat(pid, pid, buf, sizeof buf);
	return p ? procfs_stat_field(p, 22) : 0;
}

int proc_claim(pid_t pid)
{
	struct sockaddr_un a;
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	/* Abstract name (leading NUL): nothing on disk to clean up after a SIGKILL. */
	int n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "pyflame-%d-%llu", (int)pid,
			 start_time(pid));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, (socklen_t)(sizeof a.sun_family + 1 + (size_t)n)) != 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

int proc_check_attach(pid_t pid, char *why, size_t cap)
{
	if (kill(pid, 0) != 0 && errno == ESRCH) {
		snprintf(why, cap, "no process with PID %d", (int)pid);
		return -1;
	}
	if (pid == getpid()) {
		snprintf(why, cap, "cannot profile pyflame itself (PID %d)", (int)pid);
		return -1;
	}
	if (procfs_kernel_thread(pid)) {
		snprintf(why, cap, "process %d is a kernel thread, not a user process: it runs no "
			 "Python", (int)pid);
		return -1;
	}
	/* Two profilers on one target would take turns failing to stop it: the second is
	 * told at once. The claim lasts as long as this process. */
	if (proc_claim(pid) == -EADDRINUSE) {
		snprintf(why, cap, "process %d is already being profiled by another pyflame",
			 (int)pid);
		return -1;
	}
	return proc_check_trace(pid, why, cap);
}

int proc_check_trace(pid_t pid, char *why, size_t cap)
{
	pid_t tracer = proc_tracer(pid);
	if (tracer > 0) {
		char comm[64];
		procfs_comm(tracer, tracer, comm, sizeof comm);
		snprintf(why, cap, "process %d is already traced by process %d (%s); only one "
			 "tracer can attach at a time", (int)pid, (int)tracer, comm[0] ? comm : "?");
		return -1;
	}
	int rc = proc_check_traceable(pid);
	char state = procfs_thread_state(pid, pid);
	if (rc == -EPERM && (state == 'Z' || state == 'X')) {
		snprintf(why, cap, "process %d has exited", (int)pid);
	} else if (rc == -EPERM) {
		char eperm[512];
		proc_explain_eperm(pid, eperm, sizeof eperm);
		snprintf(why, cap, "cannot attach to %d: operation not permitted: %s", (int)pid,
			 eperm);
	} else if (rc == -ESRCH) {
		snprintf(why, cap, "no process with PID %d", (int)pid);
	} else if (rc < 0) {
		snprintf(why, cap, "cannot attach to %d: %s", (int)pid, pf_strerror(rc));
	}
	return rc < 0 ? -1 : 0;
}
