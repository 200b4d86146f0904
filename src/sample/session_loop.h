/* session_loop.h: sampling every process of a session on one clock. Each tick takes one
 * sample of each process whose interpreter is known, one process after the other (each
 * paused and read on its own, so a slow one delays the others by its own pause only). With
 * --subprocesses the root's descendants join as they are born (looked for at most every
 * SESSION_SCAN_NS), and each is looked at until its interpreter is found: at once when it was
 * forked from a Python process of the session, after exec() when it runs a new program. */
#ifndef PYFLAME_SAMPLE_SESSION_LOOP_H
#define PYFLAME_SAMPLE_SESSION_LOOP_H

#include <signal.h>

struct session;
struct session_target;

/* How often the process tree is looked at for newcomers: a tick at the default rate. */
#define SESSION_SCAN_NS (10ull * 1000 * 1000)

/* Starts the session whose root process was added first: looks for the root's interpreter
 * and, with s->follow, takes in its descendants living now and looks for theirs. Returns 0 or
 * -ENOMEM. */
int session_begin(struct session *s);

/* One tick of the session, for a driver with a clock of its own (session_run below, a live
 * view): newcomers taken in, then one sample of each process in turn, those that ended let go.
 * Returns 0, or -EPERM when the root's very first sample was refused. */
int session_tick(struct session *s);

/* Whether the root process is known to have ended, which ends the session. */
int session_ended(const struct session *s);

/* Ticks every process of s on s->cfg's clock until the time is up, the root process exits
 * or *stop becomes non-zero. Processes that exit, exec() another program or cannot be read
 * leave the others sampling. Returns 0, -ENOMEM, or -EPERM when the root's very first
 * sample was refused. */
int session_run(struct session *s, volatile sig_atomic_t *stop);

#endif
