/* spawn.h: starting the command given with -t, and collecting its exit status. */
#ifndef PYFLAME_PROC_SPAWN_H
#define PYFLAME_PROC_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/* Finds argv0 the way execvp would (PATH search when it has no '/'), and checks that it is an
 * executable regular file. Returns 0 and the path in buf, or a negative errno (-ENOENT,
 * -EACCES). Run before anything is started, so a bad command fails early. */
int proc_resolve_command(const char *argv0, char *buf, size_t cap);

/* Forks and execs path with argv. stdio: the descriptors that become the command's stdin,
 * stdout and stderr, each -1 for pyflame's own (NULL: all three are pyflame's, inherited).
 * Returns the child's pid, or a negative errno when fork or exec failed (exec failure is
 * reported back through a close-on-exec pipe, so it is never mistaken for the program's own
 * exit status). */
pid_t proc_spawn(const char *path, char *const argv[], const int stdio[3]);

/* Turns a wait status into the shell's convention: the exit code, or 128+N for signal N. */
int proc_exit_code(int status);

#endif
