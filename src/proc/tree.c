/* tree.c: following a process's descendants through /proc (see tree.h). */
#include "proc/tree.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/procfs.h"
#include "util/grow.h"

void proc_tree_init(struct proc_tree *t, pid_t root)
{
	memset(t, 0, sizeof *t);
	t->root = root;
	t->last_created = -1;
}

void proc_tree_release(struct proc_tree *t)
{
	free(t->members);
	free(t->seen);
	free(t->born);
	memset(t, 0, sizeof *t);
}

pid_t proc_parent(pid_t pid)
{
	char buf[1024];
	const char *rest = procfs_stat(pid, pid, buf, sizeof buf);
	int ppid;
	/* After the command name: the state letter, then the parent's PID. */
	if (!rest || sscanf(rest, "%*c %d", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/* The newest PID the kernel handed out (/proc/loadavg's last field), or -1. */
static long newest_pid(void)
{
	char *text = NULL;
	if (procfs_slurp("/proc/loadavg", &text) != 0)
		return -1;
	const char *last = strrchr(text, ' ');
	long pid = last ? strtol(last + 1, NULL, 10) : -1;
	free(text);
	return pid;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

static int has(const pid_t *v, size_t n, pid_t pid)
{
	return n && bsearch(&pid, v, n, sizeof *v, cmp_pid) != NULL; /* v is NULL when empty */
}

/* Every process /proc lists now, sorted, into *out (malloc'd). Returns the count or -errno. */
static int list_processes(pid_t **out, size_t *cap)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (grow_array((void **)out, cap, n + 1, sizeof **out) != 0) {
			closedir(d);
			return -ENOMEM;
		}
		(*out)[n++] = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	qsort(*out, n, sizeof **out, cmp_pid);
	return (int)n;
}

/* Adds pid to the sorted members. */
static int add_member(struct proc_tree *t, pid_t pid)
{
	if (grow_array((void **)&t->members, &t->members_cap, t->n_members + 1,
		       sizeof *t->members) != 0)
		return -ENOMEM;
	size_t i = t->n_members;
	while (i > 0 && t->members[i - 1] > pid)
		i--;
	memmove(t->members + i + 1, t->members + i, (t->n_members - i) * sizeof *t->members);
	t->members[i] = pid;
	t->n_members++;
	return 0;
}

/* Keeps only the members still listed (now, n of them, sorted). */
static void forget_dead(struct proc_tree *t, const pid_t *now, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < t->n_members; i++)
		if (has(now, n, t->members[i]))
			t->members[k++] = t->members[i];
	t->n_members = k;
}

/* The PIDs of now (sorted, n) that the last look did not list, with their parents, into
 * fresh/parents (room for n). Returns how many. */
static size_t new_since(const struct proc_tree *t, const pid_t *now, size_t n, pid_t *fresh,
			pid_t *parents)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (now[i] == t->root || has(t->seen, t->n_seen, now[i]))
			continue;
		fresh[k] = now[i];
		parents[k++] = proc_parent(now[i]);
	}
	return k;
}

int proc_tree_scan(struct proc_tree *t, const pid_t **born)
{
	*born = t->born;
	long created = newest_pid();
	if (created >= 0 && created == t->last_created)
		return 0;
	pid_t *now = NULL;
	size_t now_cap = 0;
	int n = list_processes(&now, &now_cap);
	if (n < 0) {
		free(now);
		return n;
	}
	pid_t *fresh = malloc(((size_t)n + 1) * 2 * sizeof *fresh);
	if (!fresh) {
		free(now);
		return -ENOMEM;
	}
	pid_t *parents = fresh + n + 1;
	size_t k = new_since(t, now, (size_t)n, fresh, parents);
	forget_dead(t, now, (size_t)n);
	/* A child joins once its parent has: passes until none joins put parents first, and
	 * take in a grandchild whose parent was born in the same interval. */
	size_t nborn = 0;
	for (int joined = 1; joined;) {
		joined = 0;
		for (size_t i = 0; i < k; i++) {
			if (fresh[i] <= 0 || (parents[i] != t->root &&
					      !has(t->members, t->n_members, parents[i])))
				continue;
			if (add_member(t, fresh[i]) != 0 ||
			    grow_array((void **)&t->born, &t->born_cap, nborn + 1,
				       sizeof *t->born) != 0)
				break;
			t->born[nborn++] = fresh[i];
			fresh[i] = 0; /* taken */
			joined = 1;
		}
	}
	free(fresh);
	free(t->seen);
	t->seen = now;
	t->n_seen = (size_t)n;
	t->seen_cap = now_cap;
	t->last_created = created;
	*born = t->born;
	return (int)nborn;
}
