/* target.h: what the commands that read a process (record, top, dump) share about their
 * target: checking it before anything is touched (the --abi given is one this build has; the
 * process may be traced and runs a Python this build knows, or with --subprocesses a
 * descendant of it does; the -t command can be run), and the -t command, started and waited
 * for. Each check that fails ends the command with one line (util/msg.h's die), status 1. */
#ifndef PYFLAME_CMD_TARGET_H
#define PYFLAME_CMD_TARGET_H

#include <stddef.h>
#include <sys/types.h>

struct options;
struct proc_target;
struct py_target;
struct py_version;

/* Dies unless this build has a layout for abi (given on the command line as arg). */
void cmd_check_abi(const struct py_version *abi, const char *arg);

/* Dies unless pid may be traced and runs a Python this build knows, found into *pt (abi, if
 * not NULL, overriding its version); with subprocesses, a Python descendant of pid is enough
 * (pt is then not filled). */
void cmd_check_pid(pid_t pid, const struct py_version *abi, int subprocesses,
		   struct py_target *pt);

/* cmd_check_abi for the --abi of o, when given. */
void cmd_target_check_abi(const struct options *o);

/* Checks the target before anything is touched, dying with the reason: the -t command can be
 * run (its path into cmd_path), or the -p process passes cmd_check_pid (into pt). */
void cmd_target_check(const struct options *o, char *cmd_path, size_t cap,
		      struct py_target *pt);
/* Starts the -t command found at cmd_path (not when the user stopped the run already), from
 * now on sending it the stop signals pyflame gets. stdio: its stdin, stdout and stderr as
 * proc_spawn takes them (NULL: pyflame's own). Returns its PID, or minus the exit status for
 * pyflame (said on stderr). */
pid_t cmd_target_start(const struct options *o, const char *cmd_path, const int stdio[3]);

/* The -t command's exit status in the shell's convention, waited for when sampling ended
 * first (-s, the user stopped it, or it stopped being Python). The command runs on meanwhile;
 * when it takes long, the user is told why pyflame is still there: "DONE; waiting for
 * 'NAME' (PID N) to exit". No longer tells an exec() of t (t->image is cleared). */
int cmd_target_wait(struct proc_target *t, const char *name, const char *done);

#endif
