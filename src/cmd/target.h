/* target.h: what a command that reads a running process checks before it touches it, the same
 * for record and dump: the --abi given is one this build has, and the process may be traced
 * and runs a Python this build knows (or, with --subprocesses, a descendant of it does).
 * Each check that fails ends the command with one line (util/msg.h's die), status 1. */
#ifndef PYFLAME_CMD_TARGET_H
#define PYFLAME_CMD_TARGET_H

#include <sys/types.h>

struct py_target;
struct py_version;

/* Dies unless this build has a layout for abi (given on the command line as arg). */
void cmd_check_abi(const struct py_version *abi, const char *arg);

/* Dies unless pid may be traced and runs a Python this build knows, found into *pt (abi, if
 * not NULL, overriding its version); with subprocesses, a Python descendant of pid is enough
 * (pt is then not filled). */
void cmd_check_pid(pid_t pid, const struct py_version *abi, int subprocesses,
		   struct py_target *pt);

#endif
