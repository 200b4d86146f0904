/* access.h: whether pyflame may trace a process, and in words why not: who else traces it,
 * which capability is missing, which system setting forbids it. Also the claim one pyflame
 * holds on a target so that a second one is refused at once instead of fighting it. */
#ifndef PYFLAME_PROC_ACCESS_H
#define PYFLAME_PROC_ACCESS_H

#include <stddef.h>
#include <sys/types.h>

/* The PID tracing pid (its TracerPid), 0 when none, -1 when unreadable. */
pid_t proc_tracer(pid_t pid);

/* Writes into buf (one line, no newline) why ptrace of pid was refused with EPERM: the uids
 * that differ and the CAP_SYS_PTRACE pyflame lacks, Yama's ptrace_scope, or a policy that
 * refuses even with the capability. */
void proc_explain_eperm(pid_t pid, char *buf, size_t cap);

/* Claims pid for this pyflame: an abstract Unix socket named after the target's PID and start
 * time, which the kernel releases when pyflame exits however it exits. Returns a descriptor
 * (>= 0) to keep open, -EADDRINUSE when another pyflame holds the claim, or another negative
 * errno (then nothing can be said and profiling goes on). */
int proc_claim(pid_t pid);

/* Checks, before anything is touched, that pid is a user process pyflame may trace now: it
 * exists, is not pyflame itself or a kernel thread, no other pyflame or tracer holds it, and
 * ptrace is allowed (a seize and release of its main thread). Claims it (proc_claim) on the
 * way. Returns 0, or -1 with one line for the user in why. */
int proc_check_attach(pid_t pid, char *why, size_t cap);

/* The part of proc_check_attach that asks the kernel, for a process of the session found
 * later (a child: it is claimed with its parent's run, not on its own): no other tracer
 * holds it and ptrace is allowed. Returns 0, or -1 with one line in why. */
int proc_check_trace(pid_t pid, char *why, size_t cap);

#endif
