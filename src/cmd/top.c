/* top.c: the top command, `pyflame top`: a live table of where a process spends its time.
 * Wires options -> target -> a session -> the live view (src/top/), and the -t command's
 * output and status around it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "cmd/commands.h"
#include "cmd/target.h"
#include "profile/profile.h"
#include "python/discover.h"
#include "sample/sampler.h"
#include "sample/session.h"
#include "sample/session_loop.h"
#include "sample/stats.h"
#include "top/live.h"
#include "top/screen.h"
#include "util/msg.h"
#include "util/stop.h"

/* While the screen is pyflame's, nothing else may write to the terminal: pyflame's own
 * messages (stderr) and the -t command's output wait in files, shown once the terminal is
 * given back; the command reads no keys meant for the view. */
struct held_output {
	FILE *err;     /* pyflame's stderr and the command's, meanwhile */
	FILE *out;     /* the command's stdout */
	int saved_err; /* the real stderr */
	int stdio[3];  /* the command's stdin, stdout and stderr */
};

/* Starts holding the output back. Returns 0, or -1 (said) with nothing changed. */
static int hold_output(struct held_output *h)
{
	h->err = tmpfile();
	h->out = tmpfile();
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	h->saved_err = dup(STDERR_FILENO);
	if (!h->err || !h->out || null < 0 || h->saved_err < 0 ||
	    dup2(fileno(h->err), STDERR_FILENO) < 0) {
		warn("cannot make a temporary file for the output while the screen is on: %s",
		     strerror(errno));
		if (h->err)
			fclose(h->err);
		if (h->out)
			fclose(h->out);
		if (null >= 0)
			close(null);
		if (h->saved_err >= 0)
			close(h->saved_err);
		return -1;
	}
	h->stdio[0] = null;
	h->stdio[1] = fileno(h->out);
	h->stdio[2] = -1; /* stderr, which is h->err now */
	return 0;
}

/* Copies what f holds to fd. */
static void replay(FILE *f, int fd)
{
	char buf[8192];
	size_t n;
	rewind(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		for (size_t done = 0; done < n;) {
			ssize_t w = write(fd, buf + done, n - done);
			if (w <= 0)
				return;
			done += (size_t)w;
		}
}

/* Gives pyflame's stderr back (the command keeps writing to the file it was given). */
static void give_back_stderr(struct held_output *h)
{
	fflush(stderr);
	dup2(h->saved_err, STDERR_FILENO);
	close(h->saved_err);
	h->saved_err = -1;
}

/* Shows what was held, the command's output then the messages, and frees it. */
static void give_back_output(struct held_output *h)
{
	if (h->saved_err >= 0)
		give_back_stderr(h);
	close(h->stdio[0]);
	fflush(stdout);
	replay(h->out, STDOUT_FILENO);
	replay(h->err, STDERR_FILENO);
	fclose(h->out);
	fclose(h->err);
}

/* The settings the session samples with: every thread told apart (T), 100 Hz by default. */
static struct sampler_config top_config(const struct options *o)
{
	return (struct sampler_config){
		.seconds = -1,
		.interval = o->rate,
		.all_threads = o->threads,
		.tag_threads = 1,
		/* T shows one thread: two threads of one name must stay two. Memory then
		 * grows with the threads ever seen, as with record's per-thread formats. */
		.thread_identity = 1,
		.pause = !o->nonblocking,
		.find_released = 1,
		.async = o->async,
		.idle_tasks = o->idle_tasks,
	};
}

/* Runs the view over process pid until it ends, on screen (NULL: --batch); *ended: pid ended
 * meanwhile. Returns an enum top_end, or -1 (said). */
static int watch(const struct options *o, pid_t pid, struct session *s,
		 struct top_screen *screen, int *ended)
{
	s->follow = o->subprocesses;
	s->abi = o->has_abi ? &o->abi : NULL;
	s->native = o->native;
	if (!session_add(s, pid, o->command != NULL, 0) || session_begin(s) != 0) {
		top_screen_close(screen);
		warn("out of memory");
		return -1;
	}
	struct top_live lv = { .s = s, .screen = screen, .batch = o->batch, .out = stdout,
			       .stop = &stop_requested };
	int rc = top_live_run(&lv);
	top_screen_close(screen); /* the terminal first, whatever comes after */
	*ended = lv.root_ended;
	if (rc == -EPERM)
		warn("cannot attach to %d: operation not permitted", (int)pid);
	else if (rc < 0)
		warn("%s", strerror(-rc));
	return rc < 0 ? -1 : rc;
}

int cmd_top(int argc, char **argv)
{
	struct options o;
	if (options_parse_top(argc, argv, &o, stderr) != 0)
		return 1;
	if (o.action == OPT_HELP) {
		options_top_usage(stdout);
		return 0;
	}
	cmd_target_check_abi(&o);
	if (!o.batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		die("top draws on a terminal and its %s is not one: give --batch N for N "
		    "plain-text snapshots", isatty(STDIN_FILENO) ? "output" : "input");
	stop_signals_install();
	char cmd_path[4096];
	struct py_target pt;
	cmd_target_check(&o, cmd_path, sizeof cmd_path, &pt);

	struct held_output held;
	struct top_screen *screen = NULL;
	if (!o.batch && hold_output(&held) != 0)
		return 1;
	if (!o.batch && !(screen = top_screen_open())) {
		give_back_output(&held);
		const char *term = getenv("TERM");
		warn("cannot use the terminal (TERM=%s)", term ? term : "");
		return 1;
	}
	pid_t pid = o.pid;
	if (o.command && (pid = cmd_target_start(&o, cmd_path, o.batch ? NULL : held.stdio)) < 0) {
		top_screen_close(screen);
		if (!o.batch)
			give_back_output(&held);
		return (int)-pid;
	}
	struct profile prof;
	profile_init(&prof);
	struct sample_stats stats = { 0 };
	struct sampler_config cfg = top_config(&o);
	struct session session;
	session_init(&session, &cfg, &prof, &stats);
	int ended = 0;
	int status = watch(&o, pid, &session, screen, &ended) < 0 ? 1 : 0;
	struct proc_target proc = session.n ? session.targets[0]->proc
					    : (struct proc_target){ .pid = pid, .is_child = 1 };
	session_release(&session);
	profile_release(&prof);
	if (!o.batch)
		give_back_stderr(&held); /* a wait for the command below is said at once */
	if (o.command) {
		/* The command ends with the view, which was its reason to run; one that ended
		 * first gives its exit status, as with record. Whoever ended the view (q, a
		 * signal, --batch's count), it is 0. */
		if (!proc.exited)
			kill(pid, SIGTERM);
		int command = cmd_target_wait(&proc, o.command[0], "top has ended");
		if (ended && !status)
			status = command;
	}
	if (!o.batch)
		give_back_output(&held);
	return status;
}
