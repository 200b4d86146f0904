/* procfs.h: small helpers for reading /proc files. */
#ifndef PYFLAME_PROC_PROCFS_H
#define PYFLAME_PROC_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads a whole (small, procfs) file into a malloc'd NUL-terminated string. Returns 0, or a
 * negative errno. Files are capped at 64 MiB (maps of huge processes stay far below that). */
int procfs_slurp(const char *path, char **out);

/* Reads /proc/PID/task/TID/stat into buf (cap bytes) and returns where the fields after the
 * command name begin (field 3, the state), or NULL when it cannot be read. */
const char *procfs_stat(pid_t pid, pid_t tid, char *buf, size_t cap);

/* procfs_stat of a stat file kept open as fd: read again from its start (the kernel makes
 * its text anew at each read). */
const char *procfs_stat_read(int fd, char *buf, size_t cap);

/* Field n (numbered as in proc(5), n >= 3) of the fields procfs_stat returned, as a number;
 * 0 when there are fewer fields. */
uint64_t procfs_stat_field(const char *fields, int n);

/* The scheduler state letter of a thread ('R', 'S', 'D', 't', ...), or 0 when it is gone.
 * Parsed after the last ')' since comm may contain anything. */
char procfs_thread_state(pid_t pid, pid_t tid);

/* The CPU time a thread has run, in ns, from /proc/PID/task/TID/schedstat (the kernel adds a
 * running thread's time up at its scheduler ticks and when it leaves the CPU). Returns 0, or a
 * negative errno (gone, or a kernel without schedstat). */
int procfs_thread_cpu_ns(pid_t pid, pid_t tid, uint64_t *ns);

/* Whether thread tid lives in another process than pid: the kernel knows it (/proc/TID) and it
 * is not among pid's threads. 0 when it is pid's, or when it is gone (a thread that exited). */
int procfs_tid_elsewhere(pid_t pid, pid_t tid);

/* The thread ids of pid, from /proc/PID/task. Returns the count (>= 0) with *tids malloc'd,
 * or a negative errno. */
int procfs_tasks(pid_t pid, pid_t **tids);

/* Whether pid's numbers, as this /proc shows them, are the ones it knows itself by: 1 when its
 * NSpid line has one entry (it is in the PID namespace of this /proc), 0 when it sits in a
 * deeper namespace (a container seen from the host) or when that cannot be read. */
int procfs_same_pid_ns(pid_t pid);

/* A signature of the program pid runs now, from /proc/PID/auxv: it changes when the process
 * calls exec() (with address space randomization, even into the same program). 0 when it
 * cannot be read. */
uint64_t proc_image_sig(pid_t pid);

/* The command line of pid, its arguments joined by spaces, into buf (cut to cap - 1 bytes).
 * Returns its length, or 0 when it cannot be read (a kernel thread has none). */
size_t procfs_cmdline(pid_t pid, char *buf, size_t cap);

/* The name the kernel gives thread tid of pid (its comm, at most 15 bytes) into buf; empty
 * when it cannot be read. */
void procfs_comm(pid_t pid, pid_t tid, char *buf, size_t cap);

/* Whether pid is a kernel thread (no user memory: nothing to profile). */
int procfs_kernel_thread(pid_t pid);

#endif
