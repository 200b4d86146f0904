/* target.c: the checks of a -p target that record and dump share (see target.h). */
#include "cmd/target.h"

#include <stdio.h>

#include "proc/access.h"
#include "proc/tree.h"
#include "python/discover.h"
#include "python/offsets.h"
#include "util/msg.h"

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
