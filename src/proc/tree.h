/* tree.h: the descendants of one process, followed as they are born and die (--subprocesses).
 * This kernel has no /proc/PID/task/TID/children, so the tree is told from every process's
 * parent in /proc/N/stat: read once for all processes at the start, then only for PIDs new
 * since the last look. The last look is repeated only when /proc/loadavg says a task was
 * created since (its last field is the newest PID), so a quiet machine costs one small read. */
#ifndef PYFLAME_PROC_TREE_H
#define PYFLAME_PROC_TREE_H

#include <stddef.h>
#include <sys/types.h>

struct proc_tree {
	pid_t root;
	pid_t *members;   /* the root's living descendants (not the root), sorted */
	size_t n_members, members_cap;
	pid_t *seen;      /* every PID of the last look, sorted: what is new at the next one */
	size_t n_seen, seen_cap;
	pid_t *born;      /* the last scan's newcomers */
	size_t born_cap;
	long last_created; /* /proc/loadavg's newest PID at the last look; -1 before the first */
};

/* Starts following root's descendants; nothing is read yet. */
void proc_tree_init(struct proc_tree *t, pid_t root);

/* Looks for descendants born since the last call (at the first, every living one), parents
 * before their children, and points *born at them (valid until the next call). Descendants
 * that died are forgotten. Returns how many (0 when no task was created on the machine since),
 * or a negative errno when /proc cannot be listed. */
int proc_tree_scan(struct proc_tree *t, const pid_t **born);

/* The parent of pid as /proc/PID/stat gives it, or -1 when it cannot be read. */
pid_t proc_parent(pid_t pid);

void proc_tree_release(struct proc_tree *t);

#endif
