/* spawn.c: running -t commands. */
#include "proc/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int check_exec(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	if (access(path, X_OK) != 0)
		return -errno;
	return 0;
}

int proc_resolve_command(const char *argv0, char *buf, size_t cap)
{
	if (!argv0 || !*argv0)
		return -ENOENT;
	if (strchr(argv0, '/')) {
		if ((size_t)snprintf(buf, cap, "%s", argv0) >= cap)
			return -ENAMETOOLONG;
		return check_exec(buf);
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int best = -ENOENT;
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t dlen = colon ? (size_t)(colon - path) : strlen(path);
		/* An empty PATH entry means the current directory. */
		int n = dlen ? snprintf(buf, cap, "%.*s/%s", (int)dlen, path, argv0)
			     : snprintf(buf, cap, "./%s", argv0);
		if (n > 0 && (size_t)n < cap) {
			int rc = check_exec(buf);
			if (rc == 0)
				return 0;
			if (rc == -EACCES)
				best = rc;
		}
		path += dlen;
		if (*path == ':')
			path++;
	}
	return best;
}

/* In the child: says errno back through the pipe report (the command was not run), and ends. */
static _Noreturn void child_failed(int report)
{
	int e = errno;
	if (write(report, &e, sizeof e) < 0)
		_exit(127);
	_exit(127);
}

pid_t proc_spawn(const char *path, char *const argv[], const int stdio[3])
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	if (pid == 0) {
		close(fds[0]);
		for (int i = 0; stdio && i < 3; i++)
			if (stdio[i] >= 0 && stdio[i] != i && dup2(stdio[i], i) < 0)
				child_failed(fds[1]);
		execv(path, argv);
		child_failed(fds[1]);
	}
	close(fds[1]);
	int e = 0;
	ssize_t n;
	do
		n = read(fds[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	if (n == (ssize_t)sizeof e) {
		/* exec failed: reap the child, which only exists to report that. */
		waitpid(pid, NULL, 0);
		return -e;
	}
	return pid;
}

int proc_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}
