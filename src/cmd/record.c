/* record.c: the record command, Pyflame's classic interface: wires the stages together,
 * options -> target -> interpreter -> sampler -> profile -> writers (and -d's snapshot). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"
#include "cmd/commands.h"
#include "mem/cache.h"
#include "mem/image.h"
#include "mem/live.h"
#include "mem/reader.h"
#include "output/output.h"
#include "output/sink.h"
#include "output/writers.h"
#include "proc/access.h"
#include "proc/pause.h"
#include "proc/procfs.h"
#include "proc/spawn.h"
#include "profile/profile.h"
#include "python/discover.h"
#include "python/offsets.h"
#include "python/walker.h"
#include "sample/dump.h"
#include "sample/sampler.h"
#include "sample/stats.h"
#include "sample/thread_names.h"
#include "util/clock.h"
#include "util/errors.h"
#include "util/msg.h"

#define PYFLAME_VERSION "2.0.0"

static volatile sig_atomic_t stop_requested;

/* The first SIGINT, SIGTERM or SIGHUP ends sampling: the profile so far is written and the
 * target let go. A second one means "now": _exit at once. That is safe for the target because
 * the kernel detaches and resumes every tracee of a tracer that exits. */
static void on_stop_signal(int sig)
{
	if (stop_requested)
		_exit(128 + sig);
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void print_version(void)
{
	printf("pyflame %s\nPython ABIs:", PYFLAME_VERSION);
	for (size_t i = 0; i < py_offsets_table_len; i++)
		printf(" %d.%d", py_offsets_table[i].major, py_offsets_table[i].minor);
	printf("\n(from 3.13 on, the layout is read from the target's own _Py_DebugOffsets)\n");
}

/* Checks that pid is a process we may trace, with the message the user needs. */
static int check_pid(pid_t pid)
{
	if (kill(pid, 0) != 0 && errno == ESRCH) {
		warn("no process with PID %d", (int)pid);
		return -1;
	}
	if (pid == getpid()) {
		warn("cannot profile pyflame itself (PID %d)", (int)pid);
		return -1;
	}
	/* Two profilers on one target would take turns failing to stop it: the second is
	 * told at once. The claim lasts as long as this process. */
	if (proc_claim(pid) == -EADDRINUSE) {
		warn("process %d is already being profiled by another pyflame",
			(int)pid);
		return -1;
	}
	pid_t tracer = proc_tracer(pid);
	if (tracer > 0) {
		char comm[64];
		thread_comm(tracer, tracer, comm, sizeof comm);
		warn("process %d is already traced by process %d (%s); only one "
			"tracer can attach at a time", (int)pid, (int)tracer, comm[0] ? comm : "?");
		return -1;
	}
	int rc = proc_check_traceable(pid);
	char state = procfs_thread_state(pid, pid);
	if (rc == -EPERM && (state == 'Z' || state == 'X')) {
		warn("process %d has exited", (int)pid);
		return -1;
	}
	if (rc == -EPERM) {
		char why[512];
		proc_explain_eperm(pid, why, sizeof why);
		warn("cannot attach to %d: operation not permitted: %s",
			(int)pid, why);
		return -1;
	}
	if (rc == -ESRCH) {
		warn("no process with PID %d", (int)pid);
		return -1;
	}
	if (rc < 0) {
		warn("cannot attach to %d: %s", (int)pid, pf_strerror(rc));
		return -1;
	}
	return 0;
}

/* Whether path is this very program: profiling pyflame with pyflame would trace a tracer. */
static int is_self(const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];
	return realpath(path, a) && realpath("/proc/self/exe", b) && strcmp(a, b) == 0;
}

/* In trace mode the interpreter appears only after exec and dynamic loading: look for it
 * every few milliseconds until it is there or the command has ended. */
static int discover_started(struct proc_target *t, const struct options *o,
			    struct py_target *pt, char *err, size_t errlen, uint64_t deadline_ns)
{
	const struct timespec nap = { 0, 2 * 1000 * 1000 };
	for (;;) {
		if (stop_requested || proc_target_poll(t) ||
		    (deadline_ns && clock_now_ns() >= deadline_ns))
			return -1;
		int rc = py_discover(t->pid, o->has_abi ? &o->abi : NULL, pt, err, errlen);
		if (rc == PY_DISCOVER_OK)
			return 0;
		if (rc == PY_DISCOVER_NO_VERSION)
			return -2;
		nanosleep(&nap, NULL);
	}
}

/* Samples until the end, following the process through exec(): when it runs another
 * program, the interpreter is looked for again (for what is left of -s, or without end in
 * -t mode) and sampling goes on into the same profile. A program without Python ends the
 * run with what was taken. Returns what sampler_run returns, never -ESTALE. */
static int sample_across_execs(struct proc_target *t, const struct options *o,
			       struct py_target *pt, struct mem_reader *mem,
			       struct mem_reader *cache, struct py_walker *w, int *walker_ok,
			       struct sampler_config *cfg, struct profile *prof,
			       struct sample_stats *st)
{
	uint64_t start = clock_now_ns();
	char err[1024];
	t->image = proc_image_sig(t->pid);
	for (;;) {
		int rc = sampler_run(t, w, cfg, prof, st, &stop_requested);
		if (rc != -ESTALE)
			return rc;
		py_walker_release(w);
		*walker_ok = 0;
		if (cache)
			mem_cache_clear(cache); /* every page is another program's now */
		t->execed = 0;
		uint64_t deadline = 0;
		if (cfg->seconds >= 0) {
			deadline = start + (uint64_t)(o->seconds * 1e9);
			if (clock_now_ns() >= deadline)
				return 0;
		}
		if (discover_started(t, o, pt, err, sizeof err, deadline) != 0 ||
		    py_walker_init(w, mem, pt, err, sizeof err) != 0) {
			if (!stop_requested && !t->exited)
				warn("process %d exec()'d a program with no Python "
					"interpreter seen; the profile until then is written",
					(int)t->pid);
			return 0;
		}
		*walker_ok = 1;
		t->image = proc_image_sig(t->pid);
		if (cfg->seconds >= 0)
			cfg->seconds = (double)(deadline - clock_now_ns()) / 1e9;
	}
}

/* Missed ticks are reported when they are at least 1 in MISSED_REPORT of the ticks due. */
#define MISSED_REPORT 10

/* The share of the run the target stood stopped is said from 1 in STOPPED_REPORT (1%), for
 * a run of STOPPED_RUN_MIN_NS at least (-s 0's single pause is the whole of its run). */
#define STOPPED_REPORT 100
#define STOPPED_RUN_MIN_NS (100ull * 1000 * 1000)

/* trace: the command was started by us, so samples taken before its interpreter was up are
 * expected and not worth a line unless nothing else was sampled. */
static void report_losses(const struct profile *p, const struct sample_stats *st, int trace)
{
	/* Every missed tick is counted; a few are the machine's hiccups, not worth a line. */
	uint64_t due = st->ticks + st->missed;
	if (st->missed && st->missed * MISSED_REPORT >= due)
		warn("%llu of %llu ticks missed: sampling fell behind the rate "
			"asked for (-r %g)", (unsigned long long)st->missed,
			(unsigned long long)due, p->interval);
	/* Stopping the target is the price of a consistent stack: said when it is felt. */
	if (st->sampled_ns >= STOPPED_RUN_MIN_NS &&
	    st->stopped_ns * STOPPED_REPORT > st->sampled_ns)
		warn("the target was stopped %.1f%% of the run (%.3f s of "
			"%.3f s, in %llu pauses)",
			100.0 * (double)st->stopped_ns / (double)st->sampled_ns,
			(double)st->stopped_ns / 1e9, (double)st->sampled_ns / 1e9,
			(unsigned long long)st->pauses);
	/* One line per reason, once, at the end (not per sample). */
	for (int i = 0; i < SAMPLE_ERR_COUNT; i++)
		if (st->errors[i] && (i != SAMPLE_ERR_NOT_READY || !trace || p->samples == 0))
			warn("%llu of %llu samples: %s",
				(unsigned long long)st->errors[i],
				(unsigned long long)(p->samples + st->errors[i]),
				sample_error_text((enum sample_error)i));
}

static int run_dump(struct proc_target *t, struct py_walker *w, struct profile *prof,
		    const struct out_options *oo, FILE *f)
{
	struct dump_thread threads[256];
	int n = sample_dump(t, w, prof, threads, sizeof threads / sizeof threads[0]);
	if (n == -EPERM)
		return n;
	if (n < 0) {
		warn("cannot read the threads of %d", (int)t->pid);
		return 0;
	}
	return out_dump_write(prof, threads, (size_t)n, oo, f);
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
		int rc = o->dump ? 0 : format->write(p, oo, sinks[i].f);
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

int cmd_record(int argc, char **argv)
{
	struct options o;
	if (options_parse(argc, argv, &o, stderr) != 0)
		return 1;
	if (o.action == OPT_HELP) {
		options_usage(stdout);
		return 0;
	}
	if (o.action == OPT_VERSION) {
		print_version();
		return 0;
	}
	if ((o.format->needs & OUT_BINARY) && !o.n_outputs && isatty(STDOUT_FILENO))
		die("%s is binary and will not go to a terminal: use -o FILE%s or a pipe",
		    o.format->name, o.format->endings[0]);
	if (o.legacy_pid)
		fprintf(stderr, "WARNING: giving the PID without -p is deprecated; use "
			"'pyflame -p %d'\n", (int)o.pid);

	char cmd_path[4096];
	struct proc_target t = { 0 };
	struct py_target pt;
	char err[1024] = "";
	if (o.command) {
		int rc = proc_resolve_command(o.command[0], cmd_path, sizeof cmd_path);
		if (rc < 0)
			die("cannot run '%s': %s", o.command[0],
			    rc == -ENOENT ? "command not found" : strerror(-rc));
		if (is_self(cmd_path))
			die("cannot profile pyflame itself ('%s')", o.command[0]);
	} else {
		if (check_pid(o.pid) != 0)
			return 1;
		int rc = py_discover(o.pid, o.has_abi ? &o.abi : NULL, &pt, err, sizeof err);
		if (rc != PY_DISCOVER_OK)
			die("%s", err);
	}

	struct out_sink sinks[OPT_MAX_OUTPUTS];
	int n_sinks, rc = 0;
	if (open_sinks(&o, sinks, &n_sinks) != 0)
		return 1;
	install_signals();

	int status = 0;
	if (o.command) {
		pid_t pid = proc_spawn(cmd_path, o.command);
		if (pid < 0) {
			warn("cannot run '%s': %s", o.command[0],
				strerror((int)-pid));
			abort_sinks(sinks, n_sinks);
			return 1;
		}
		t.pid = pid;
		t.is_child = 1;
	} else {
		t.pid = o.pid;
	}

	struct profile prof;
	profile_init(&prof);
	struct sample_stats stats = { 0 };
	/* Chrome traces are spans in time: they need every sample's time, like flame charts. */
	prof.keep_timeline = o.flamechart || wants(&o, OUT_NEEDS_TIMELINE);
	struct mem_reader *live = mem_live_new(t.pid), *rec = NULL, *mem = live, *cache = NULL;
	if (o.record && live)
		mem = rec = mem_record_new(live);
	if (mem && (cache = mem_cache_new(mem)) != NULL)
		mem = cache;
	int found = 0;
	if (o.command) {
		int d = discover_started(&t, &o, &pt, err, sizeof err, 0);
		found = d == 0;
		if (d == -2)
			warn("%s", err);
		else if (d != 0 && !stop_requested)
			warn("no Python interpreter seen in '%s' before it "
				"exited", o.command[0]);
	} else {
		found = 1;
	}

	char title[1024];
	describe_run(&o, title, sizeof title);
	struct out_options oo = { .line_numbers = !o.no_line_numbers,
				  .include_idle = !o.exclude_idle,
				  .thread_names = o.thread_names,
				  .flamechart = o.flamechart,
				  .title = title,
				  .pid = (int)t.pid };
	struct py_walker w;
	int walker_ok = 0;
	if (found && mem) {
		if (py_walker_init(&w, mem, &pt, err, sizeof err) != 0) {
			warn("%s", err);
			status = 1;
		} else {
			walker_ok = 1;
			unsigned per_thread =
				OUT_PER_THREAD | (o.flamechart ? OUT_PER_THREAD_CHART : 0);
			struct sampler_config cfg = {
				.seconds = o.command ? -1 : o.seconds,
				.interval = o.rate,
				.all_threads = o.threads,
				/* Which thread a stack ran on: shown with --thread-names, and
				 * the unit of the formats with per-thread views. */
				.tag_threads = o.thread_names || wants(&o, OUT_THREADS_ALWAYS) ||
					       (o.threads && wants(&o, per_thread)),
				.thread_identity = wants(&o, OUT_THREADS_ALWAYS | per_thread),
				.once = !o.command && o.seconds == 0,
				.pause = !o.nonblocking,
				.cache = cache,
				.fresh = rec ? rec : live,
			};
			if (o.dump)
				rc = run_dump(&t, &w, &prof, &oo, sinks[0].f);
			else
				rc = sample_across_execs(&t, &o, &pt, mem, cache, &w, &walker_ok, &cfg,
							 &prof, &stats);
			if (rc == -EPERM) {
				warn("cannot attach to %d: operation not "
					"permitted", (int)t.pid);
				status = 1;
			}
		}
	}
	if (write_outputs(&prof, &o, &oo, sinks, n_sinks) != 0)
		status = 1;
	report_losses(&prof, &stats, o.command != NULL);
	if (rec && found && write_image(o.record, rec, &pt) != 0)
		status = 1;

	if (walker_ok)
		py_walker_release(&w);
	mem_reader_free(cache);
	mem_reader_free(rec);
	mem_reader_free(live);
	profile_release(&prof);

	if (o.command) {
		/* The command's exit status is ours; wait for it if sampling ended first (the
		 * user interrupted, or it stopped being Python). */
		if (!t.exited) {
			int st = 0;
			while (waitpid(t.pid, &st, 0) < 0 && errno == EINTR)
				;
			t.exit_status = st;
		}
		return status ? status : proc_exit_code(t.exit_status);
	}
	return status;
}
