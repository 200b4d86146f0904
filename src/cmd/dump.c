/* dump.c: the dump command, `pyflame dump -p PID`: one look at every thread of a process, each
 * with its OS thread id and stack (as the classic `pyflame -d` prints it), and what only a dump
 * shows: each frame's local variables (--locals) and the whole as one JSON document (--json).
 * Options are its own; the checks before the target is touched are record's (cmd/target.c),
 * and the processes are held by a session as record holds them (--subprocesses too). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "cmd/commands.h"
#include "cmd/target.h"
#include "output/dump.h"
#include "output/output.h"
#include "output/sink.h"
#include "profile/profile.h"
#include "python/asyncio.h"
#include "python/discover.h"
#include "python/version.h"
#include "sample/dump.h"
#include "sample/session.h"
#include "sample/session_loop.h"
#include "sample/stats.h"
#include "util/grow.h"
#include "util/msg.h"
#include "util/stop.h"

void cmd_dump_usage(FILE *f)
{
	fputs("Usage: pyflame dump -p PID [OPTIONS]\n"
	      "\n"
	      "Print every thread's current stack once, innermost frame first, each under a\n"
	      "line 'TID: NAME (ident 0x...)' ('TID*:' marks the thread holding the GIL).\n"
	      "Without --locals and --json, the same as 'pyflame -d -p PID'.\n"
	      "\n"
	      "Options:\n"
	      "  -p, --pid=PID          the running process to look at\n"
	      "  -l, --locals           each Python frame's local variables under it,\n"
	      "                         'NAME = VALUE', values shown short (never by running\n"
	      "                         the program's code)\n"
	      "      --json             one JSON document instead of text (see 'man pyflame')\n"
	      "      --async            after a process's threads, its asyncio tasks as a tree\n"
	      "                         of who awaits whom, each with its state and coroutine\n"
	      "                         stack (3.11+)\n"
	      "  -C, --subprocesses     its Python descendants too, each under a line\n"
	      "                         'Process PID (COMMAND LINE):'\n"
	      "      --native           with the native (C) frames\n"
	      "  -n, --no-line-numbers  frames as FILE:FUNCTION\n"
	      "  -o, --output=PATH      write to PATH instead of stdout\n"
	      "      --abi=VERSION      force the Python ABI (27, 36, 37, ... 314)\n"
	      "  -h, --help             print this help and exit\n",
	      f);
}

struct dump_options {
	pid_t pid;
	int locals, json, native, subprocesses, no_line_numbers, async;
	const char *output; /* NULL: stdout */
	int has_abi;
	struct py_version abi;
	const char *abi_arg;
};

enum { OPT_JSON = 256, OPT_NATIVE, OPT_ABI, OPT_ASYNC };

static const struct option long_options[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "locals", no_argument, NULL, 'l' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "async", no_argument, NULL, OPT_ASYNC },
	{ "subprocesses", no_argument, NULL, 'C' },
	{ "native", no_argument, NULL, OPT_NATIVE },
	{ "no-line-numbers", no_argument, NULL, 'n' },
	{ "output", required_argument, NULL, 'o' },
	{ "abi", required_argument, NULL, OPT_ABI },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A command line that cannot be read: what is wrong, and where the help is. Returns -1. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("pyflame: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'pyflame dump --help'.\n", stderr);
	return -1;
}

/* Parses argv into d. Returns 0, 1 when --help answered it, or -1 (said on stderr). */
static int parse(int argc, char **argv, struct dump_options *d)
{
	memset(d, 0, sizeof *d);
	opterr = 0;
	optind = 1;
	for (;;) {
		int c = getopt_long(argc, argv, ":p:lCno:h", long_options, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'p':
			if (options_pid(optarg, &d->pid, stderr) != 0)
				return -1;
			break;
		case 'l':
			d->locals = 1;
			break;
		case OPT_JSON:
			d->json = 1;
			break;
		case OPT_ASYNC:
			d->async = 1;
			break;
		case 'C':
			d->subprocesses = 1;
			break;
		case OPT_NATIVE:
			d->native = 1;
			break;
		case 'n':
			d->no_line_numbers = 1;
			break;
		case 'o':
			d->output = optarg;
			break;
		case OPT_ABI:
			if (options_abi(optarg, &d->abi, stderr) != 0)
				return -1;
			d->has_abi = 1;
			d->abi_arg = optarg;
			break;
		case 'h':
			return 1;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s': the PID goes after -p", argv[optind]);
	if (!d->pid)
		return usage_error("nothing to dump: give -p PID");
	return 0;
}

/* The snapshots of one run, one per process, in the order taken. */
struct snapshots {
	struct dump_snapshot *v;
	size_t n, cap;
};

/* Takes the snapshot of t into ss, with --async its asyncio tasks too, read in the same stop.
 * Tasks that cannot be read fail the dump of one process; with -C that process is said in one
 * line and kept without them (so is one whose version --async does not read), as the others
 * are dumped whole. Returns 0, -1 when t could not be read (said), or -EPERM. */
static int take(struct snapshots *ss, struct session_target *t, const struct dump_options *d,
		struct profile *prof)
{
	if (grow_array((void **)&ss->v, &ss->cap, ss->n + 1, sizeof *ss->v) != 0) {
		warn("out of memory");
		return -1;
	}
	struct dump_request rq = { .native = t->native, .locals = d->locals, .cache = t->cache };
	char err[256] = "";
	int pid = (int)t->proc.pid;
	const char *kept = d->subprocesses ? "; dumped without them" : "";
	/* Without -C the version was checked before the process was touched (cmd_dump). */
	const struct py_version *v = &t->walker.layout.version;
	if (d->async && d->subprocesses && !py_async_supported(v->major, v->minor)) {
		warn("--async reads CPython %s; process %d runs %d.%d: dumped without its tasks",
		     py_async_versions, pid, v->major, v->minor);
	} else if (d->async &&
		   py_async_open(&t->walker, t->proc.pid, &rq.async, err, sizeof err) < 0) {
		warn("cannot read the asyncio tasks of %d: %s%s", pid, err, kept);
		if (!d->subprocesses)
			return -1;
	} else {
		rq.tasks = d->async;
	}
	rq.async_err = err;
	rq.async_errlen = sizeof err;
	struct dump_snapshot *s = &ss->v[ss->n];
	int rc = sample_snapshot(&t->proc, &t->walker, prof, &rq, s);
	py_async_close(rq.async);
	if (rc < 0) {
		dump_snapshot_release(s);
		if (rc == -EPERM)
			return rc;
		warn("cannot read the threads of %d", pid);
		return -1;
	}
	if (rq.tasks && err[0]) {
		warn("cannot read the asyncio tasks of %d: %s%s", pid, err, kept);
		if (!d->subprocesses) {
			dump_snapshot_release(s);
			return -1;
		}
	}
	ss->n++;
	return 0;
}

/* Takes the snapshot of the -p process, or with -C of it and of every Python descendant
 * living now. Returns 0, -1 (said) or -EPERM. */
static int take_all(struct session *s, const struct dump_options *d, const struct py_target *pt,
		    struct snapshots *ss)
{
	char err[1024];
	struct session_target *root = s->targets[0];
	if (!d->subprocesses) {
		root->py = *pt;
		if (session_walk(root, err, sizeof err) != 0) {
			warn("%s", err);
			return -1;
		}
		return take(ss, root, d, s->prof);
	}
	s->follow = 1;
	s->abi = d->has_abi ? &d->abi : NULL;
	if (session_begin(s) != 0) {
		warn("out of memory");
		return -1;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (s->targets[i]->state != TARGET_SAMPLING)
			continue;
		int rc = take(ss, s->targets[i], d, s->prof);
		if (rc == -EPERM)
			return rc;
	}
	if (!ss->n) {
		warn("no Python interpreter seen in process %d or its descendants", (int)d->pid);
		return -1;
	}
	return 0;
}

/* Writes the snapshots to f as the options say: each process's threads, then its tasks when
 * they were read. Returns 0 or -1. */
static int write_all(const struct snapshots *ss, const struct profile *prof,
		     const struct dump_options *d, FILE *f)
{
	struct out_options oo = { .line_numbers = !d->no_line_numbers, .pid = (int)d->pid };
	if (d->json)
		return out_dump_json_write(prof, ss->v, ss->n, d->subprocesses, &oo, f);
	for (size_t i = 0; i < ss->n; i++) {
		const struct dump_snapshot *s = &ss->v[i];
		if ((d->subprocesses && out_dump_process(prof, s->pid, f) != 0) ||
		    out_dump_text_write(prof, s, &oo, f) != 0 ||
		    (s->with_tasks && out_dump_async_text(&s->tasks, &oo, f) != 0))
			return -1;
	}
	return fflush(f) == 0 ? 0 : -1;
}

int cmd_dump(int argc, char **argv)
{
	struct dump_options d;
	int rc = parse(argc, argv, &d);
	if (rc != 0) {
		if (rc > 0)
			cmd_dump_usage(stdout);
		return rc > 0 ? 0 : 1;
	}
	if (d.has_abi)
		cmd_check_abi(&d.abi, d.abi_arg);
	stop_signals_install();
	struct py_target pt;
	cmd_check_pid(d.pid, d.has_abi ? &d.abi : NULL, d.subprocesses, &pt);
	/* Before the process is touched; with -C each process's version is looked at in take. */
	if (d.async && !d.subprocesses && !py_async_supported(pt.version.major, pt.version.minor)) {
		warn("--async reads CPython %s; process %d runs %d.%d", py_async_versions,
		     (int)d.pid, pt.version.major, pt.version.minor);
		return 1;
	}

	struct out_sink sink;
	rc = out_sink_open(&sink, d.output);
	if (rc < 0) {
		warn("cannot write '%s': %s", d.output, strerror(-rc));
		return 1;
	}
	struct profile prof;
	profile_init(&prof);
	struct sample_stats stats = { 0 };
	/* One look: the session's settings are a sampler's that stops the target once. */
	struct sampler_config cfg = { .seconds = 0, .interval = 0.01, .once = 1, .pause = 1 };
	struct session session;
	session_init(&session, &cfg, &prof, &stats);
	session.native = d.native;
	struct snapshots ss = { 0 };
	int status = 1;
	if (!session_add(&session, d.pid, 0, 0)) {
		warn("out of memory");
	} else if ((rc = take_all(&session, &d, &pt, &ss)) == -EPERM) {
		warn("cannot attach to %d: operation not permitted", (int)d.pid);
	} else if (rc == 0) {
		FILE *f = out_sink_stream(&sink);
		status = !f || write_all(&ss, &prof, &d, f) != 0;
		if (status)
			warn("cannot write the dump%s%s%s: %s", d.output ? " to '" : "",
			     d.output ? d.output : "", d.output ? "'" : "", strerror(errno));
	}
	if (status)
		out_sink_abort(&sink);
	else if ((rc = out_sink_commit(&sink)) != 0) {
		warn("cannot write the dump to '%s': %s", d.output ? d.output : "stdout",
		     strerror(-rc));
		status = 1;
	}
	for (size_t i = 0; i < ss.n; i++)
		dump_snapshot_release(&ss.v[i]);
	free(ss.v);
	session_release(&session);
	profile_release(&prof);
	return status;
}
