/* stop.c: the stop signals' handler, and forwarding them to the -t command. */
#include "util/stop.h"

#include <string.h>
#include <unistd.h>

volatile sig_atomic_t stop_requested;
volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t forward_pid;
static volatile sig_atomic_t pending_forward; /* a signal to send once forward_pid is known */

static void on_stop_signal(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	/* SI_USER, SI_TKILL, SI_QUEUE: sent by a process to pyflame alone. The terminal's
	 * signals come from the kernel and went to the whole process group. */
	int from_process = info && info->si_code <= 0;
	if (forward_pid > 0 && from_process)
		kill((pid_t)forward_pid, sig);
	else if (from_process)
		pending_forward = sig;
	if (stop_requested && forward_pid <= 0)
		_exit(128 + sig);
	if (!stop_requested)
		stop_signal = sig;
	stop_requested = 1;
}

void stop_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	/* One handler at a time: the forwarding state is not torn by a second signal. */
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void stop_forward_to(pid_t pid)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	forward_pid = pid;
	if (pending_forward)
		kill(pid, pending_forward);
	pending_forward = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}
