/* test_tree.c: does following a process's descendants through /proc find them all, parents
 * before children, those born after the first look, and nobody else; and forget the dead?
 *
 * The test process is the root. A child forks a grandchild (so the grandchild's parent is
 * not the root), an unrelated process is started by a child that then exits (its orphan is
 * re-parented away from the tree before the first look, so it must never join), and each
 * process blocks on a pipe until the test ends it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "proc/tree.h"

/* Blocks until the write end of gate (held by the test) closes. */
static void block_on(int gate[2])
{
	char c;
	close(gate[1]);
	while (read(gate[0], &c, 1) > 0)
		;
	_exit(0);
}

/* A child of the root that forks a grandchild; the grandchild's PID into *grandchild. */
static pid_t start_pair(int gate[2], pid_t *grandchild)
{
	int report[2];
	if (pipe(report) != 0)
		return -1;
	pid_t child = fork();
	if (child == 0) {
		pid_t g = fork();
		if (g == 0)
			block_on(gate);
		(void)!write(report[1], &g, sizeof g);
		block_on(gate);
	}
	close(report[1]);
	if (read(report[0], grandchild, sizeof *grandchild) != sizeof *grandchild)
		*grandchild = -1;
	close(report[0]);
	return child;
}

static int index_of(const pid_t *v, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (v[i] == pid)
			return i;
	return -1;
}

int main(void)
{
	int gate[2];
	if (pipe(gate) != 0)
		return 1;
	/* An orphan: its parent exits at once, so it belongs to init (or a subreaper), not to
	 * the tree. */
	int orphan_report[2];
	if (pipe(orphan_report) != 0)
		return 1;
	pid_t middle = fork();
	if (middle == 0) {
		pid_t o = fork();
		if (o == 0)
			block_on(gate);
		(void)!write(orphan_report[1], &o, sizeof o);
		_exit(0);
	}
	pid_t orphan = -1;
	close(orphan_report[1]);
	(void)!read(orphan_report[0], &orphan, sizeof orphan);
	waitpid(middle, NULL, 0);

	pid_t grandchild;
	pid_t child = start_pair(gate, &grandchild);
	CHECK(child > 0 && grandchild > 0, "the child and grandchild started");

	struct proc_tree tree;
	proc_tree_init(&tree, getpid());
	const pid_t *born;
	int n = proc_tree_scan(&tree, &born);
	int ic = index_of(born, n, child), ig = index_of(born, n, grandchild);
	CHECK(ic >= 0, "the first look finds the child");
	CHECK(ig >= 0, "the first look finds the grandchild, whose parent is not the root");
	CHECK(ic < ig, "the parent comes before its child");
	CHECK(index_of(born, n, orphan) < 0 && index_of(born, n, getppid()) < 0,
	      "a process outside the tree does not join it");
	CHECK_INT(tree.n_members, n, "every newcomer is a member");

	/* Nothing new: nothing is reported again. */
	n = proc_tree_scan(&tree, &born);
	CHECK_INT(n, 0, "a second look with no birth finds nobody");

	/* A death and a birth: the newborn is reported alone, the dead forgotten. */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	pid_t late_grandchild;
	pid_t late = start_pair(gate, &late_grandchild);
	n = proc_tree_scan(&tree, &born);
	CHECK_INT(n, 2, "the look after a birth finds the newborn and its child alone");
	CHECK(index_of(born, n, late) == 0 && index_of(born, n, late_grandchild) == 1,
	      "the newborn before its own child");
	int child_kept = 0;
	for (size_t i = 0; i < tree.n_members; i++)
		child_kept |= tree.members[i] == child;
	CHECK(!child_kept, "a member that died is forgotten");
	CHECK_INT(proc_parent(late), getpid(), "proc_parent reads the parent");
	CHECK_INT(proc_parent(999999999), -1, "proc_parent of no process is -1");

	proc_tree_release(&tree);
	close(gate[1]);
	kill(grandchild, SIGKILL); /* its parent was killed: nobody closes its gate copy */
	while (wait(NULL) > 0)
		;
	if (orphan > 0)
		kill(orphan, SIGKILL);
	return check_exit();
}
