/* stop.h: how the user ends a run early. The first SIGINT, SIGTERM or SIGHUP asks the run to
 * stop: sampling ends, the profile so far is written and the target is let go. The handlers
 * are installed before anything else happens, so a signal at any moment ends the run cleanly.
 *
 * A command pyflame started (-t) is sent each of these signals too, when it came from a
 * process (`kill PID`): pyflame then waits for the command and ends with its status, as
 * `timeout` does. A signal the terminal sent (Ctrl-C) reached the command already, through
 * its process group, and is not sent twice. Without a command, a second signal means "now":
 * pyflame exits at once, which is safe for the target because the kernel detaches and
 * resumes every tracee of a tracer that exits. */
#ifndef PYFLAME_UTIL_STOP_H
#define PYFLAME_UTIL_STOP_H

#include <signal.h>
#include <sys/types.h>

/* Set by the first stop signal; the signal's number is in stop_signal. */
extern volatile sig_atomic_t stop_requested;
extern volatile sig_atomic_t stop_signal;

void stop_signals_install(void);

/* From now on stop signals are also sent to pid (see above), and a second one no longer exits
 * at once. A signal that came before pid was known is sent now. */
void stop_forward_to(pid_t pid);

#endif
