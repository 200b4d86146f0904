/* procfs.c: reading /proc files. */
#include "proc/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/grow.h"

#define SLURP_MAX (64u << 20)

/* include/linux/sched.h: the task is a kernel thread. */
#define PF_KTHREAD_FLAG 0x00200000ul

int procfs_slurp(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (cap - len < 2) {
			if (cap >= SLURP_MAX) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			/* Room for the terminating NUL and at least one byte more. */
			if (grow_array((void **)&buf, &cap, len + 2, 1) < 0) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return 0;
}

const char *procfs_stat_read(int fd, char *buf, size_t cap)
{
	ssize_t n = pread(fd, buf, cap - 1, 0);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: the fields start after the last ')'. */
	char *paren = strrchr(buf, ')');
	if (!paren || paren[1] != ' ' || !paren[2])
		return NULL;
	return paren + 2;
}

const char *procfs_stat(pid_t pid, pid_t tid, char *buf, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	const char *fields = procfs_stat_read(fd, buf, cap);
	close(fd);
	return fields;
}

uint64_t procfs_stat_field(const char *fields, int n)
{
	for (int k = 3; k < n && fields; k++) {
		fields = strchr(fields, ' ');
		if (fields)
			fields++;
	}
	return fields ? strtoull(fields, NULL, 10) : 0;
}

char procfs_thread_state(pid_t pid, pid_t tid)
{
	char buf[512];
	const char *fields = procfs_stat(pid, tid, buf, sizeof buf);
	return fields ? fields[0] : 0;
}

int procfs_thread_cpu_ns(pid_t pid, pid_t tid, uint64_t *ns)
{
	char path[64], buf[96];
	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	int err = n < 0 ? -errno : 0;
	close(fd);
	if (n <= 0)
		return err ? err : -ENODATA;
	buf[n] = '\0';
	char *end;
	*ns = strtoull(buf, &end, 10);
	return end == buf ? -ENODATA : 0;
}

int procfs_tasks(pid_t pid, pid_t **tids)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	pid_t *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long t = strtol(e->d_name, &end, 10);
		if (*end || t <= 0)
			continue;
		if (grow_array((void **)&v, &cap, n + 1, sizeof *v) < 0) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v[n++] = (pid_t)t;
	}
	closedir(d);
	*tids = v;
	return (int)n;
}

uint64_t proc_image_sig(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/auxv", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	/* FNV-1a over the auxiliary vector: its entry point and AT_RANDOM address move with
	 * every exec (address space randomization). */
	uint64_t h = 1469598103934665603ull;
	for (ssize_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)buf[i]) * 1099511628211ull;
	return n > 0 ? h | 1 : 0;
}

int procfs_tid_elsewhere(pid_t pid, pid_t tid)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%d/task/%d", (int)pid, (int)tid);
	if (stat(path, &st) == 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d", (int)tid);
	return stat(path, &st) == 0;
}

int procfs_same_pid_ns(pid_t pid)
{
	char path[64], *status = NULL;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (procfs_slurp(path, &status) != 0)
		return 0;
	int fields = 0;
	const char *line = strstr(status, "\nNSpid:");
	if (line) {
		line += strlen("\nNSpid:");
		for (const char *c = line; *c && *c != '\n';) {
			while (*c == ' ' || *c == '\t')
				c++;
			if (*c >= '0' && *c <= '9') {
				fields++;
				while (*c >= '0' && *c <= '9')
					c++;
			} else if (*c && *c != '\n') {
				c++;
			}
		}
	}
	free(status);
	return fields == 1;
}

size_t procfs_cmdline(pid_t pid, char *buf, size_t cap)
{
	char path[64];
	if (cap == 0)
		return 0;
	buf[0] = '\0';
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, buf, cap - 1) : -1;
	if (fd >= 0)
		close(fd);
	/* The arguments end in NULs; a trailing run of them is no argument. */
	while (got > 0 && buf[got - 1] == '\0')
		got--;
	if (got <= 0)
		return 0;
	for (ssize_t i = 0; i < got; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[got] = '\0';
	return (size_t)got;
}

void procfs_comm(pid_t pid, pid_t tid, char *buf, size_t cap)
{
	char path[64];
	buf[0] = '\0';
	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int procfs_kernel_thread(pid_t pid)
{
	/* The flags (field 9) carry PF_KTHREAD: a kernel thread has no memory of its own to
	 * read, whatever its name looks like. */
	char buf[1024];
	const char *p = procfs_stat(pid, pid, buf, sizeof buf);
	return p && (procfs_stat_field(p, 9) & PF_KTHREAD_FLAG);
}
