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

/* Adds the root's descendants living now (--subprocesses), each to be looked at by the loop.
 * Returns 0 or -ENOMEM. */
int session_adopt(struct session *s);

/* Looks for t's interpreter once, now: on success its sampler is opened and it is named in
 * the profile. Returns t's state after the look. */
int session_look(struct session *s, struct session_target *t);

/* Ticks every process of s on s->cfg's clock until the time is up, the root process exits
 * or *stop becomes non-zero. Processes that exit, exec() another program or cannot be read
 * leave the others sampling. Returns 0, -ENOMEM, or -EPERM when the root's very first
 * sample was refused. */
int session_run(struct session *s, volatile sig_atomic_t *stop);

#endif
