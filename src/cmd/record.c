/* record.c: the record command, Pyflame's classic interface: wires the stages together,
 * options -> target -> interpreter -> sampler -> profile -> writers (and -d's snapshot). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"
#include "cmd/commands.h"
#include "cmd/target.h"
#include "mem/image.h"
#include "output/output.h"
#include "output/sink.h"
#include "output/writers.h"
#include "proc/procfs.h"
#include "profile/profile.h"
#include "python/discover.h"
#include "python/offsets.h"
#include "python/walker.h"
#include "sample/dump.h"
#include "sample/progress.h"
#include "sample/sampler.h"
#include "sample/session.h"
#include "sample/session_loop.h"
#include "sample/stats.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/stop.h"

#define PYFLAME_VERSION "2.0.0"

static void print_version(void)
{
	printf("pyflame %s\nPython ABIs:", PYFLAME_VERSION);
	for (size_t i = 0; i < py_offsets_table_len; i++)
		printf(" %d.%d", py_offsets_table[i].major, py_offsets_table[i].minor);
	printf("\n(from 3.13 on, the layout is read from the target's own _Py_DebugOffsets)\n");
}

/* In trace mode the interpreter appears only after exec and dynamic loading: look for it in t
 * every few milliseconds until it is there or the command has ended. Returns 0, -1 (it ended,
 * the user stopped, or the deadline passed) or -2 (a Python whose version is not known: err
 * says which). */
static int discover_started(struct session_target *t, const struct options *o, char *err,
			    size_t errlen, uint64_t deadline_ns)
{
	const struct timespec nap = { 0, 2 * 1000 * 1000 };
	for (;;) {
		if (stop_requested || proc_target_poll(&t->proc) ||
		    (deadline_ns && clock_now_ns() >= deadline_ns))
			return -1;
		int rc = py_discover(t->proc.pid, o->has_abi ? &o->abi : NULL, &t->py, err, errlen);
		if (rc == PY_DISCOVER_OK)
			return 0;
		if (rc == PY_DISCOVER_NO_VERSION)
			return -2;
		nanosleep(&nap, NULL);
	}
}

/* Samples t until the end, following the process through exec(): when it runs another
 * program, the interpreter is looked for again (for what is left of -s, or without end in
 * -t mode) and sampling goes on into the same profile. A program without Python ends the
 * run with what was taken. Returns what sampler_run returns, never -ESTALE. */
static int sample_across_execs(struct session *s, struct session_target *t,
			       const struct options *o)
{
	uint64_t start = clock_now_ns();
	char err[1024];
	t->proc.image = proc_image_sig(t->proc.pid);
	for (;;) {
		int rc = sampler_run(&t->proc, &t->walker, &t->cfg, s->prof, s->stats,
				     &stop_requested);
		if (rc != -ESTALE)
			return rc;
		session_forget(t); /* every page and code object is another program's now */
		t->proc.execed = 0;
		uint64_t deadline = 0;
		if (t->cfg.seconds >= 0) {
			deadline = start + (uint64_t)(o->seconds * 1e9);
			if (clock_now_ns() >= deadline)
				return 0;
		}
		if (discover_started(t, o, err, sizeof err, deadline) != 0 ||
		    session_walk(t, err, sizeof err) != 0) {
			if (!stop_requested && !t->proc.exited)
				warn("process %d exec()'d a program with no Python "
					"interpreter seen; the profile until then is written",
					(int)t->proc.pid);
			return 0;
		}
		t->proc.image = proc_image_sig(t->proc.pid);
		if (t->cfg.seconds >= 0)
			t->cfg.seconds = (double)(deadline - clock_now_ns()) / 1e9;
	}
}

static int run_dump(struct proc_target *t, struct py_walker *w, struct native_unwinder *native,
		    struct profile *prof, const struct out_options *oo, struct out_sink *sink)
{
	struct dump_thread threads[256];
	int n = sample_dump(t, w, prof, threads, sizeof threads / sizeof threads[0], native);
	if (n == -EPERM)
		return n;
	if (n < 0) {
		warn("cannot read the threads of %d", (int)t->pid);
		return 0;
	}
	FILE *f = out_sink_stream(sink);
	return f ? out_dump_write(prof, threads, (size_t)n, oo, f) : -1;
}

/* --subprocesses: the process and its descendants, looked at now (for -t, the command just
 * started), then sampled (or dumped) until the root process ends. *sampled: whether any of
 * them could be. Returns 0, -EPERM or -ENOMEM. */
static int run_tree(struct session *s, const struct options *o, struct profile *prof,
		    const struct out_options *oo, struct out_sink *sink, int *sampled)
{
	s->follow = 1;
	s->abi = o->has_abi ? &o->abi : NULL;
	int rc = session_begin(s);
	if (rc != 0)
		return rc;
	if (o->dump) {
		FILE *f = out_sink_stream(sink);
		for (size_t i = 0; i < s->n && rc == 0; i++) {
			struct session_target *t = s->targets[i];
			if (t->state != TARGET_SAMPLING)
				continue;
			if (f && out_dump_process(prof, (uint32_t)t->proc.pid, f) != 0)
				return -EIO;
			rc = run_dump(&t->proc, &t->walker, t->native, prof, oo, sink);
		}
	} else {
		rc = session_run(s, &stop_requested);
	}
	*sampled = s->sampled > 0;
	if (!s->sampled && !stop_requested)
		warn("no Python interpreter seen in process %d or its descendants",
		     (int)s->targets[0]->proc.pid);
	return rc;
}

/* What was profiled, for titles: "pyflame -p PID" or the -t command line. */
static void describe_run(const struct options *o, char *buf, size_t cap)
{
	if (!o->command) {
		/* The PID, and what it runs. */
		char cmdline[512];
		int n = snprintf(buf, cap, "pyflame -p %d", (int)o->pid);
		if (procfs_cmdline(o->pid, cmdline, sizeof cmdline) > 0 && n > 0 && (size_t)n < cap)
			snprintf(buf + n, cap - (size_t)n, ": %s", cmdline);
		return;
	}
	size_t len = 0;
	buf[0] = '\0';
	for (char **a = o->command; *a && len + 1 < cap; a++) {
		/* Arguments that are empty or hold blanks are quoted, so the title reads back. */
		const char *q = !**a || strpbrk(*a, " \t") ? "'" : "";
		int n = snprintf(buf + len, cap - len, "%s%s%s%s", a == o->command ? "" : " ", q,
				 *a, q);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (len >= cap)
		buf[cap - 1] = '\0';
}

/* Where the profile went, for the summary: "a.svg and b.pb.gz", or "stdout". */
static void describe_outputs(const struct options *o, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	if (!o->n_outputs)
		snprintf(buf, cap, "stdout");
	for (int i = 0; i < o->n_outputs && len < cap; i++) {
		const char *path = o->outputs[i].path;
		len += (size_t)snprintf(buf + len, cap - len, "%s%s",
					!i ? "" : i + 1 < o->n_outputs ? ", " : " and ",
					out_sink_is_stdout(path) ? "stdout" : path);
	}
}

/* Whether any output's format has one of the OUT_* bits in needs. */
static int wants(const struct options *o, unsigned needs)
{
	for (int i = 0; i < o->n_outputs; i++)
		if (o->outputs[i].format->needs & needs)
			return 1;
	return (o->format->needs & needs) != 0;
}

/* Opens every output now, so that an unwritable one fails before the target is touched. */
static int open_sinks(const struct options *o, struct out_sink *sinks, int *n)
{
	*n = o->n_outputs ? o->n_outputs : 1;
	for (int i = 0; i < *n; i++) {
		const char *path = o->n_outputs ? o->outputs[i].path : NULL;
		int rc = out_sink_open(&sinks[i], path);
		if (rc < 0) {
			warn("cannot write '%s': %s", path, strerror(-rc));
			while (i-- > 0)
				out_sink_abort(&sinks[i]);
			return -1;
		}
	}
	return 0;
}

static void abort_sinks(struct out_sink *sinks, int n)
{
	for (int i = 0; i < n; i++)
		out_sink_abort(&sinks[i]);
}

/* Writes the profile to every output and puts each in place. Returns 0 or -1 (reported). */
static int write_outputs(const struct profile *p, const struct options *o,
			 const struct out_options *oo, struct out_sink *sinks, int n)
{
	int status = 0;
	for (int i = 0; i < n; i++) {
		const struct out_writer *format = o->n_outputs ? o->outputs[i].format : o->format;
		/* A -d snapshot was written by run_dump already. */
		FILE *f = out_sink_stream(&sinks[i]);
		int rc = !f ? -1 : o->dump ? 0 : format->write(p, oo, f);
		int err = errno;
		if (rc != 0) {
			out_sink_abort(&sinks[i]);
		} else if ((rc = out_sink_commit(&sinks[i])) != 0) {
			err = -rc;
		}
		if (rc != 0) {
			warn("cannot write the profile%s%s%s: %s",
				sinks[i].path ? " to '" : "", sinks[i].path ? sinks[i].path : "",
				sinks[i].path ? "'" : "", strerror(err));
			status = -1;
		}
	}
	return status;
}

static int write_image(const char *path, struct mem_reader *rec, const struct py_target *pt)
{
	char meta[2048];
	FILE *f = fopen(path, "wb");
	if (!f || py_target_format(pt, meta, sizeof meta) != 0 ||
	    mem_record_write(rec, meta, f) != 0) {
		warn("cannot write memory image '%s'", path);
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* Whether some output goes to standard output: no -o, or -o - (the format of it, or NULL). */
static const struct out_writer *stdout_format(const struct options *o)
{
	if (!o->n_outputs)
		return o->format;
	for (int i = 0; i < o->n_outputs; i++)
		if (out_sink_is_stdout(o->outputs[i].path))
			return o->outputs[i].format;
	return NULL;
}

/* What the options ask that ends the command before any target: help, version, a binary
 * format to a terminal. Returns an exit status, or -1 to go on. */
static int answer_early(const struct options *o)
{
	if (o->action == OPT_HELP) {
		options_usage(stdout);
		return 0;
	}
	if (o->action == OPT_VERSION) {
		print_version();
		return 0;
	}
	const struct out_writer *out = stdout_format(o);
	if (out && (out->needs & OUT_BINARY) && isatty(STDOUT_FILENO))
		die("%s is binary and will not go to a terminal: use -o FILE%s or a pipe",
		    out->name, out->endings[0]);
	cmd_target_check_abi(o);
	if (o->legacy_pid)
		fprintf(stderr, "WARNING: giving the PID without -p is deprecated; use "
			"'pyflame -p %d'\n", (int)o->pid);
	return -1;
}

/* The settings every target of the run is sampled with. */
static struct sampler_config sampling_config(const struct options *o)
{
	unsigned per_thread = OUT_PER_THREAD | (o->flamechart ? OUT_PER_THREAD_CHART : 0);
	/* A -t run samples until its command ends, unless -s bounds it. */
	int bounded = !o->command || o->has_seconds;
	return (struct sampler_config){
		.seconds = bounded ? o->seconds : -1,
		.interval = o->rate,
		.all_threads = o->threads,
		/* Which thread a stack ran on: shown with --thread-names, and the unit of the
		 * formats with per-thread views. */
		.tag_threads = o->thread_names || wants(o, OUT_THREADS_ALWAYS) ||
			       (o->threads && wants(o, per_thread)),
		.tag_process = o->subprocesses,
		.thread_identity = wants(o, OUT_THREADS_ALWAYS | per_thread),
		.once = bounded && o->seconds == 0,
		.pause = !o->nonblocking,
		.find_released = 1,
		.async = o->async,
		.idle_tasks = o->idle_tasks && !o->exclude_idle,
	};
}

/* Finds the interpreter in t (for -t, once the command has started it; for -p, cmd_target_check
 * found it already: pt) and sets up its walker. Returns 1 when t can be sampled, 0 when it
 * cannot (said on stderr), and -1 when that is a failure of the run. */
static int ready_target(struct session_target *t, const struct options *o,
			const struct py_target *pt)
{
	char err[1024];
	if (!o->command) {
		t->py = *pt;
	} else {
		int d = discover_started(t, o, err, sizeof err, 0);
		if (d == -2)
			warn("%s", err);
		else if (d != 0 && stop_requested)
			warn("stopped by %s before a Python interpreter was seen in '%s'",
			     strsignal(stop_signal), o->command[0]);
		else if (d != 0)
			warn("no Python interpreter seen in '%s' before it exited",
			     o->command[0]);
		if (d != 0)
			return 0;
	}
	if (session_walk(t, err, sizeof err) != 0) {
		warn("%s", err);
		return -1;
	}
	return 1;
}

/* Whether the run failed to read anything: samples were due and every one was lost (a wrong
 * --abi, a target whose memory does not read). Before a -t command's interpreter is up,
 * samples are expected to find none, and a command too short to start one is no failure. */
static int nothing_read(const struct sample_stats *st, const struct profile *p, int trace)
{
	uint64_t lost = sample_errors_total(st);
	if (p->samples || !lost)
		return 0;
	return !trace || lost > st->errors[SAMPLE_ERR_NOT_READY];
}

/* A -p process that was idle for nine samples in ten but has child processes is likely a
 * server's master (gunicorn, uWSGI, a multiprocessing pool), whose work its children do: said
 * with the option that follows them. */
static void hint_children(const struct options *o, const struct profile *prof)
{
	if (o->command || o->subprocesses || o->dump || prof->samples < 10 ||
	    prof->idle * 10 < prof->samples * 9)
		return;
	struct proc_tree tree;
	proc_tree_init(&tree, o->pid);
	const pid_t *born;
	int n = proc_tree_scan(&tree, &born);
	proc_tree_release(&tree);
	if (n > 0)
		warn("process %d was idle in %llu of %llu samples and has %d child process%s: "
		     "-C (--subprocesses) profiles %s too", (int)o->pid,
		     (unsigned long long)prof->idle, (unsigned long long)prof->samples, n,
		     n > 1 ? "es" : "", n > 1 ? "them" : "it");
}

/* The end-of-run lines: how the run was sampled, and whether the profile is what the user
 * expects (empty because nothing read, or the user stopped first; one sample only).
 * sampled: the target was ready to sample. Returns -1 when the run failed. */
static int report_run(const struct options *o, const struct sampler_config *cfg,
		      const struct sample_stats *stats, const struct profile *prof, int sampled)
{
	/* Samples that find no interpreter yet are expected from a -t command starting, and
	 * from every child starting with -C. */
	sample_stats_report(stats, prof->samples, prof->interval,
			    o->command != NULL || o->subprocesses);
	if (nothing_read(stats, prof, o->command != NULL)) {
		warn("no sample could be read: the profile is empty");
		return -1;
	}
	if (stop_requested && !stats->ticks && sampled) {
		warn("stopped by %s before the first sample: the profile is empty",
		     strsignal(stop_signal));
	} else if (sampled && !o->dump && !cfg->once && !stop_requested && stats->ticks < 2 &&
		   !(o->has_seconds && o->rate > o->seconds)) {
		/* py-spy's -r is a rate in Hz: -r 100 here is one sample per 100 s. The
		 * options said so already when -s was shorter than -r. */
		warn("only %llu sample taken: the run lasted %.3f s and -r %g asks for one every "
		     "%g s (-r is seconds between samples)", (unsigned long long)stats->ticks,
		     (double)stats->sampled_ns / 1e9, o->rate, o->rate);
	}
	hint_children(o, prof);
	return 0;
}

/* Samples (or with -d dumps) the session's process, with its descendants under -C, into the
 * profile. *ready: whether a process could be sampled. Returns 0, or 1 when the run failed
 * (said on stderr). */
static int run_session(struct session *s, const struct options *o, const struct py_target *pt,
		       const struct out_options *oo, struct out_sink *sink, int *ready)
{
	struct session_target *t = s->targets[0];
	int rc = 0;
	if (o->subprocesses) {
		rc = run_tree(s, o, s->prof, oo, sink, ready);
	} else if ((*ready = ready_target(t, o, pt)) < 0) {
		return 1;
	} else if (*ready) {
		rc = o->dump ? run_dump(&t->proc, &t->walker, t->native, s->prof, oo, sink)
			     : sample_across_execs(s, t, o);
	}
	if (rc == -EPERM) {
		warn("cannot attach to %d: operation not permitted", (int)t->proc.pid);
		return 1;
	}
	if (o->subprocesses && rc < 0) { /* the session could not be set up */
		warn("%s", strerror(-rc));
		return 1;
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct options o;
	if (options_parse(argc, argv, &o, stderr) != 0)
		return 1;
	int early = answer_early(&o);
	if (early >= 0)
		return early;
	/* From here a stop signal ends the run cleanly, whenever it comes. */
	stop_signals_install();
	char cmd_path[4096];
	struct py_target pt;
	cmd_target_check(&o, cmd_path, sizeof cmd_path, &pt);

	struct out_sink sinks[OPT_MAX_OUTPUTS];
	int n_sinks;
	if (open_sinks(&o, sinks, &n_sinks) != 0)
		return 1;
	pid_t pid = o.pid;
	if (o.command && (pid = cmd_target_start(&o, cmd_path, NULL)) < 0) {
		abort_sinks(sinks, n_sinks);
		return (int)-pid;
	}

	struct profile prof;
	profile_init(&prof);
	struct sample_stats stats = { 0 };
	/* Chrome traces are spans in time: they need every sample's time, like flame charts. */
	prof.keep_timeline = o.flamechart || wants(&o, OUT_NEEDS_TIMELINE);
	prof.interval = o.rate; /* also when nothing could be sampled, for the report */
	struct sampler_config cfg = sampling_config(&o);
	/* A person at a terminal sees the run go on, when its output goes elsewhere. */
	struct progress progress;
	progress_start(&progress, o.quiet || o.dump || (stdout_format(&o) && isatty(STDOUT_FILENO)),
		       o.command != NULL, o.summary && !o.dump);
	cfg.progress = &progress;
	struct session session;
	session_init(&session, &cfg, &prof, &stats);
	session.native = o.native;
	struct session_target *t = session_add(&session, pid, o.command != NULL, o.record != NULL);
	char title[1024];
	describe_run(&o, title, sizeof title);
	struct out_options oo = { .line_numbers = !o.no_line_numbers,
				  .include_idle = !o.exclude_idle,
				  .thread_names = o.thread_names,
				  .flamechart = o.flamechart,
				  .processes = o.subprocesses,
				  .title = title,
				  .pid = (int)pid };
	int ready = 0;
	int status = t ? run_session(&session, &o, &pt, &oo, &sinks[0], &ready) : 1;
	if (!t)
		warn("out of memory");
	progress_clear(&progress);
	if (write_outputs(&prof, &o, &oo, sinks, n_sinks) != 0)
		status = 1;
	if (report_run(&o, &cfg, &stats, &prof, ready > 0) != 0)
		status = 1;
	if (!status && ready > 0) {
		char written[1024];
		describe_outputs(&o, written, sizeof written);
		progress_summary(&progress, &stats, &prof, written);
	}
	if (t && t->rec && ready > 0 && write_image(o.record, t->rec, &t->py) != 0)
		status = 1;

	struct proc_target proc = t ? t->proc : (struct proc_target){ .pid = pid, .is_child = 1 };
	session_release(&session);
	profile_release(&prof);
	if (o.command) {
		/* Even a failed run leaves no command behind unawaited. */
		int command = cmd_target_wait(&proc, o.command[0], "the profile is written");
		return status ? status : command;
	}
	return status;
}
