/* options.c: the command line: flags, their validation, usage text. */
#include "cli/options.h"

#include "output/writers.h"
#include "python/version.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --record is left out: it is for the test suite, and the man page has it. */
static const char usage_text[] =
	"Usage: pyflame [options] -p PID\n"
	"       pyflame [options] -t command arg1 arg2...\n"
	"\n"
	"Sample a running Python process (or a command it starts) and print its stacks as\n"
	"collapsed text for flamegraph.pl, or write a flame graph, speedscope, Chrome trace\n"
	"or pprof file.\n"
	"\n"
	"Options:\n"
	"  -p, --pid=PID          profile the running process PID\n"
	"  -t, --trace            run the command that follows and profile it until it exits;\n"
	"                         must be the last pyflame option\n"
	"  -s, --seconds=SECS     how long to profile (default 1; -t: until the command ends;\n"
	"      --duration=SECS    0 takes one sample)\n"
	"  -r, --rate=SECS        seconds between samples, not samples per second\n"
	"                         (default 0.01, i.e. 100 Hz)\n"
	"  -F, --frequency=HZ     samples per second, as perf and py-spy take it: -F 100 is\n"
	"                         -r 0.01 (of -r and -F, the last given wins)\n"
	"  -o, --output=PATH      write the profile to PATH instead of stdout (-o - is stdout);\n"
	"                         give -o again to write the same profile in more formats\n"
	"  -f, --format=FORMAT    collapsed (the default), svg, speedscope, chrome or pprof,\n"
	"                         for stdout or the first -o; else each -o's name decides:\n"
	"                         .svg, .speedscope.json or .json, .trace.json, .pb.gz or\n"
	"                         .pprof, anything else collapsed\n"
	"  -x, --exclude-idle     leave out the (idle) line\n"
	"  -d, --dump             print every thread's current stack once, innermost frame\n"
	"                         first, and exit (TID*: marks the thread holding the GIL)\n"
	"  -n, --no-line-numbers  frames as FILE:FUNCTION, merging lines of one function\n"
	"  -C, --subprocesses     also profile every descendant process that runs Python,\n"
	"                         those alive and those born during the run; each stack\n"
	"                         starts with 'process PID (COMMAND LINE)'\n"
	"      --threads          sample every thread, not only the one holding the GIL\n"
	"      --thread-names     start each stack with its thread's name\n"
	"      --nonblocking      read the target without stopping it\n"
	"      --native           add the native (C) frames of each stack: extensions,\n"
	"                         libraries, the interpreter's built-ins\n"
	"      --async            a thread running an asyncio task: its stack starts at the\n"
	"                         task's name and the tasks awaiting it, not the event loop\n"
	"                         (CPython 3.11 to 3.14)\n"
	"      --idle-tasks       with --async, also every task waiting, each tick, its\n"
	"                         stack ending in (waiting); -x leaves them out\n"
	"      --abi=VERSION      force the Python ABI (27, 36, 37, ... 314)\n"
	"      --flamechart       every sample in time order: a timestamp line (microseconds),\n"
	"                         then its stack ending in ';' (with svg: a flame chart)\n"
	"  -q, --quiet            no status line while recording nor summary at the end\n"
	"                         (both are shown only when stderr is a terminal)\n"
	"      --summary          the summary at the end even when stderr is not a terminal\n"
	"                         (samples, lost, stacks, the target's stopped time, pauses)\n"
	"  -v, --version          print the version and exit\n"
	"  -h, --help             print this help and exit\n"
	"\n"
	"Examples:\n"
	"  pyflame -s 10 -p 4242 -o profile.svg\n"
	"      10 seconds of process 4242, as a flame graph to open in a browser\n"
	"  pyflame -o profile.svg -t python3 app.py\n"
	"      run app.py and profile it until it exits\n"
	"  pyflame -C -s 30 -p $(pgrep -o gunicorn) -o workers.svg\n"
	"      30 seconds of a gunicorn master and its workers\n"
	"  pyflame -d -p 4242\n"
	"      print every thread's stack once\n"
	"\n"
	"See 'man pyflame' for the formats, what each message means and what is not supported.\n";

void options_usage(FILE *f)
{
	fputs(usage_text, f);
}

static const char top_usage_text[] =
	"Usage: pyflame top [options] -p PID\n"
	"       pyflame top [options] -t command arg1 arg2...\n"
	"\n"
	"A live table of where a Python process spends its time, refreshed every second:\n"
	"each function (or line) with its share of the last second's samples, on top of\n"
	"the stack (%Own) or anywhere in it (%Total), and its seconds since the start.\n"
	"\n"
	"Options:\n"
	"  -p, --pid=PID          the running process to watch\n"
	"  -t, --trace            run the command that follows and watch it (the last option);\n"
	"                         on the full screen its output is shown after top ends, and\n"
	"                         top ending first sends it SIGTERM\n"
	"  -r, --rate=SECS        seconds between samples (default 0.01, i.e. 100 Hz)\n"
	"  -F, --frequency=HZ     samples per second (of -r and -F, the last given wins)\n"
	"  -C, --subprocesses     also watch every descendant process that runs Python\n"
	"      --threads          sample every thread, not only the one holding the GIL\n"
	"      --nonblocking      read the target without stopping it\n"
	"      --native           add the native (C) frames of each stack\n"
	"      --async            rooted at asyncio tasks and their awaiters (3.11 to 3.14)\n"
	"      --idle-tasks       with --async, waiting tasks too\n"
	"      --batch=N          no screen: print N plain-text snapshots, one a second, and\n"
	"                         exit (without it, top needs a terminal)\n"
	"      --abi=VERSION      force the Python ABI (27, 36, 37, ... 314)\n"
	"  -h, --help             print this help and exit\n"
	"\n"
	"Keys:\n"
	"  1 2 3 4    sort by %Own, %Total, own seconds, total seconds\n"
	"  L          by line or by function\n"
	"  T          one thread after another, then all again\n"
	"  P          pause the display (sampling goes on)\n"
	"  R          start the counts again\n"
	"  q, Ctrl-C  quit\n";

void options_top_usage(FILE *f)
{
	fputs(top_usage_text, f);
}


int options_pid(const char *arg, pid_t *pid, FILE *err)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v <= 0 || v > INT_MAX) {
		fprintf(err, "pyflame: invalid PID '%s': expected a positive number\n", arg);
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

int options_abi(const char *arg, struct py_version *abi, FILE *err)
{
	/* Whether this build has a layout for it is the command's to check: the options know
	 * Python's version numbers, not its layouts. */
	if (py_version_parse_abi(arg, abi) != 0) {
		fprintf(err, "pyflame: unknown ABI '%s': expected a version such as 311 or 3.11\n",
			arg);
		return -1;
	}
	return 0;
}

/* top --batch: a snapshot a second, for a year at most (as -s). */
#define BATCH_MAX (365 * 24 * 60 * 60)

/* A whole number from 1 to max. */
static int parse_count(const char *s, int max, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* -s and -r are bounded so that every later use of them stays in range: a year is 3.2e16
 * ns, far inside the 64 bits in which the sampler's clock and deadlines count nanoseconds, and
 * a year at the fastest rate is 3.2e12 ticks. Faster than 100 kHz no tick would be taken in
 * time (one costs microseconds to tens of them), so such a rate would only count missed ticks. */
#define SECONDS_MAX (365.0 * 24 * 60 * 60)
#define RATE_MIN 1e-5

/* A number of seconds from min to max. NaN and infinities are refused with the rest. */
static int parse_seconds(const char *s, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The flags one command takes (record's, top's): getopt's short and long options, and what its
 * usage errors point to. parse_flag knows every flag; a command takes those its set lists. */
struct flag_set {
	const char *shortopts;
	const struct option *longopts;
	const char *help;   /* "pyflame --help" */
	int legacy_pid;     /* a lone PID after the flags is taken as -p's (record) */
};

/* An error in the shape of the command line (an option unknown or without its value, an
 * argument out of place, nothing to profile): the line that says which and why, then a pointer
 * to the help, not the whole of it, which would bury that line. */
__attribute__((format(printf, 3, 4))) static int usage_error(FILE *err, const struct flag_set *set,
								 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("pyflame: ", err);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fprintf(err, "\nTry '%s'.\n", set->help);
	return -1;
}

enum { OPT_THREADS = 256, OPT_ABI, OPT_NONBLOCKING, OPT_RECORD, OPT_FLAMECHART, OPT_THREAD_NAMES,
       OPT_NATIVE, OPT_BATCH, OPT_ASYNC, OPT_IDLE_TASKS, OPT_SUMMARY };

static const struct option long_options[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "trace", no_argument, NULL, 't' },
	{ "seconds", required_argument, NULL, 's' },
	{ "duration", required_argument, NULL, 's' },
	{ "frequency", required_argument, NULL, 'F' },
	{ "rate", required_argument, NULL, 'r' },
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	{ "exclude-idle", no_argument, NULL, 'x' },
	{ "no-line-numbers", no_argument, NULL, 'n' },
	{ "threads", no_argument, NULL, OPT_THREADS },
	{ "thread-names", no_argument, NULL, OPT_THREAD_NAMES },
	{ "nonblocking", no_argument, NULL, OPT_NONBLOCKING },
	{ "native", no_argument, NULL, OPT_NATIVE },
	{ "async", no_argument, NULL, OPT_ASYNC },
	{ "idle-tasks", no_argument, NULL, OPT_IDLE_TASKS },
	{ "abi", required_argument, NULL, OPT_ABI },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "flamechart", no_argument, NULL, OPT_FLAMECHART },
	{ "dump", no_argument, NULL, 'd' },
	{ "subprocesses", no_argument, NULL, 'C' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct flag_set record_flags = {
	"+:p:ts:r:F:o:f:xndCqvh", long_options, "pyflame --help", 1,
};

/* top: the live view's flags, a subset of record's and --batch. */
static const struct option top_long_options[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "trace", no_argument, NULL, 't' },
	{ "rate", required_argument, NULL, 'r' },
	{ "frequency", required_argument, NULL, 'F' },
	{ "threads", no_argument, NULL, OPT_THREADS },
	{ "nonblocking", no_argument, NULL, OPT_NONBLOCKING },
	{ "native", no_argument, NULL, OPT_NATIVE },
	{ "async", no_argument, NULL, OPT_ASYNC },
	{ "idle-tasks", no_argument, NULL, OPT_IDLE_TASKS },
	{ "subprocesses", no_argument, NULL, 'C' },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "abi", required_argument, NULL, OPT_ABI },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct flag_set top_flags = {
	"+:p:tr:F:Ch", top_long_options, "pyflame top --help", 0,
};

/* One flag c of set into o; -t sets *trace. Returns 0, 1 when the command line is answered
 * (--help, --version), or -1 when it is refused (said on err). */
static int parse_flag(int c, char **argv, const struct flag_set *set, struct options *o,
		      FILE *err, int *trace)
{
	switch (c) {
	case 'p':
		if (options_pid(optarg, &o->pid, err) != 0)
			return -1;
		break;
	case 't':
		*trace = 1;
		break;
	case 's':
		if (parse_seconds(optarg, 0, SECONDS_MAX, &o->seconds) != 0) {
			fprintf(err, "pyflame: invalid seconds '%s': expected a number "
				"from 0 to %.0f (a year)\n", optarg, SECONDS_MAX);
			return -1;
		}
		o->has_seconds = 1;
		break;
	case 'r':
		if (parse_seconds(optarg, RATE_MIN, SECONDS_MAX, &o->rate) != 0) {
			fprintf(err, "pyflame: invalid rate '%s': expected seconds between "
				"samples from %.5f (%.0f kHz) to %.0f (a year)\n", optarg,
				RATE_MIN, 1e-3 / RATE_MIN, SECONDS_MAX);
			return -1;
		}
		o->has_rate = 1;
		o->frequency = 0;
		break;
	case 'F':
		if (parse_seconds(optarg, 1 / SECONDS_MAX, 1 / RATE_MIN, &o->frequency) != 0) {
			fprintf(err, "pyflame: invalid frequency '%s': expected samples per second, "
				"more than 0 and at most %.0f (%.0f kHz)\n", optarg, 1 / RATE_MIN,
				1e-3 / RATE_MIN);
			return -1;
		}
		o->rate = 1 / o->frequency;
		o->has_rate = 1;
		break;
	case 'o':
		if (o->n_outputs == OPT_MAX_OUTPUTS) {
			fprintf(err, "pyflame: too many -o (at most %d)\n", OPT_MAX_OUTPUTS);
			return -1;
		}
		o->outputs[o->n_outputs++].path = optarg;
		break;
	case 'f':
		if (!(o->format = out_writer_named(optarg))) {
			fprintf(err, "pyflame: unknown format '%s': expected %s\n", optarg,
				out_writer_names());
			return -1;
		}
		o->has_format = 1;
		break;
	case 'x':
		o->exclude_idle = 1;
		break;
	case 'n':
		o->no_line_numbers = 1;
		break;
	case OPT_THREADS:
		o->threads = 1;
		break;
	case OPT_THREAD_NAMES:
		o->thread_names = 1;
		break;
	case OPT_NONBLOCKING:
		o->nonblocking = 1;
		break;
	case OPT_NATIVE:
		o->native = 1;
		break;
	case OPT_ASYNC:
		o->async = 1;
		break;
	case OPT_IDLE_TASKS:
		o->idle_tasks = 1;
		break;
	case OPT_ABI:
		if (options_abi(optarg, &o->abi, err) != 0)
			return -1;
		o->has_abi = 1;
		o->abi_arg = optarg;
		break;
	case 'd':
		o->dump = 1;
		break;
	case 'C':
		o->subprocesses = 1;
		break;
	case 'q':
		o->quiet = 1;
		break;
	case OPT_SUMMARY:
		o->summary = 1;
		break;
	case OPT_FLAMECHART:
		o->flamechart = 1;
		break;
	case OPT_RECORD:
		o->record = optarg;
		break;
	case OPT_BATCH:
		if (parse_count(optarg, BATCH_MAX, &o->batch) != 0) {
			fprintf(err, "pyflame: invalid --batch '%s': expected a number of snapshots "
				"from 1 to %d\n", optarg, BATCH_MAX);
			return -1;
		}
		break;
	case 'v':
		o->action = OPT_VERSION;
		return 1;
	case 'h':
		o->action = OPT_HELP;
		return 1;
	case ':':
		return usage_error(err, set, "option '%s' needs a value", argv[optind - 1]);
	default:
		if (optopt)
			return usage_error(err, set, "unknown option '-%c'", optopt);
		return usage_error(err, set, "unknown option '%s'", argv[optind - 1]);
	}
	return 0;
}

/* Each -o's format (the first takes -f's), and the combinations of outputs and flags that
 * cannot be. Returns 0 or -1 (said on err). */
static int check_outputs(struct options *o, FILE *err)
{
	for (int i = 0; i < o->n_outputs; i++) {
		const char *path = o->outputs[i].path;
		for (int j = 0; j < i; j++)
			if (strcmp(o->outputs[j].path, path) == 0) {
				fprintf(err, "pyflame: '%s' is given twice as -o\n", path);
				return -1;
			}
		o->outputs[i].format =
			i == 0 && o->has_format ? o->format : out_writer_for_path(path);
	}
	if (o->n_outputs) {
		o->output = o->outputs[0].path;
		o->format = o->outputs[0].format;
	}
	if (o->dump && (o->format != out_writer_default() || o->n_outputs > 1)) {
		if (o->n_outputs > 1) {
			fprintf(err, "pyflame: -d prints one text snapshot: give one -o\n");
			return -1;
		}
		fprintf(err, "pyflame: -d prints text; it cannot write %s\n", o->format->name);
		return -1;
	}
	if (o->subprocesses && o->record) {
		fprintf(err, "pyflame: --record writes the memory of one process: it cannot be "
			"used with --subprocesses\n");
		return -1;
	}
	if (o->idle_tasks && !o->async) {
		fprintf(err, "pyflame: --idle-tasks counts waiting asyncio tasks: it needs --async\n");
		return -1;
	}
	/* A task's stack replaces the loop's frames that the native ones interleave with. */
	if (o->async && o->native) {
		fprintf(err, "pyflame: --async and --native cannot be used together\n");
		return -1;
	}
	if (o->async && o->dump) {
		fprintf(err, "pyflame: --async samples: use 'pyflame dump --async' for one look at "
			"the tasks\n");
		return -1;
	}
	/* A running thread's registers and stack move while they are read: no consistent
	 * native stack without stopping it. */
	if (o->native && o->nonblocking) {
		fprintf(err, "pyflame: --native needs the threads stopped to read their registers: "
			"it cannot be used with --nonblocking\n");
		return -1;
	}
	if (o->quiet && o->summary) {
		fprintf(err, "pyflame: -q asks for no summary and --summary for one: use one\n");
		return -1;
	}
	return 0;
}

/* What the command line profiles, from what follows the flags (argv from first): the -t
 * command, or a PID given by -p or, as Pyflame before 1.4 took it, last. valueless: the last
 * flag read when it takes no value. Returns 0 or -1 (said on err). */
static int parse_target(int argc, char **argv, int first, const struct flag_set *set,
			struct options *o, FILE *err, int trace, const char *valueless)
{
	if (trace) {
		if (o->pid) {
			fprintf(err, "pyflame: -t and -p cannot be used together\n");
			return -1;
		}
		if (o->dump) {
			fprintf(err, "pyflame: -d dumps a running process: use it with -p, not -t\n");
			return -1;
		}
		if (first >= argc) {
			fprintf(err, "pyflame: -t needs a command to run\n");
			return -1;
		}
		o->command = argv + first;
		return 0;
	}
	int rest = argc - first;
	if (rest == 1 && !o->pid && set->legacy_pid) {
		/* Pyflame before 1.4 took the PID as the last argument. */
		if (options_pid(argv[first], &o->pid, err) != 0)
			return -1;
		o->legacy_pid = 1;
	} else if (rest > 0 && valueless[0] && strcmp(argv[first - 1], "--") != 0) {
		return usage_error(err, set, "unexpected argument '%s': %s takes no value",
				   argv[first], valueless);
	} else if (rest > 0) {
		return usage_error(err, set, "unexpected argument '%s': a PID goes after -p, a "
				   "command to run after -t", argv[first]);
	} else if (!o->pid) {
		return usage_error(err, set, "nothing to profile: give -p PID, or -t and a command");
	}
	return 0;
}

/* Says, the run going on, when -r leaves no room for a second sample within -s. */
static void warn_rate(const struct options *o, FILE *err)
{
	/* py-spy's -r is samples per second: its users' -r 100 asks here for a sample every
	 * 100 s, and a rate of a second or more looks like such a frequency. -s 0's one sample
	 * is asked for. */
	if (o->has_seconds && o->has_rate && o->seconds > 0 && o->rate > o->seconds &&
	    o->frequency) {
		fprintf(err, "pyflame: -F %g asks for a sample every %g s, longer than -s %g: at "
			"most one sample will be taken\n", o->frequency, o->rate, o->seconds);
	} else if (o->has_seconds && o->has_rate && o->seconds > 0 && o->rate > o->seconds) {
		char hint[96] = "";
		if (o->rate >= 1)
			snprintf(hint, sizeof hint, "; -r is seconds between samples: did you "
				 "mean -r %g for %g Hz?", 1 / o->rate, o->rate);
		fprintf(err, "pyflame: -r %g is longer than -s %g: at most one sample will be "
			"taken%s\n", o->rate, o->seconds, hint);
	}
}

/* Parses argv with the flags of set. */
static int parse_with(int argc, char **argv, const struct flag_set *set, struct options *o,
		      FILE *err)
{
	memset(o, 0, sizeof *o);
	o->format = out_writer_default();
	o->seconds = 1;
	o->rate = 0.01;
	int trace = 0;
	opterr = 0;
	optind = 1;
	/* The last flag read when it takes no value (else empty): an argument right after it
	 * was likely meant as its value. */
	char valueless[32] = "";
	while (!trace) {
		int long_index = -1;
		optarg = NULL;
		/* '+': stop at the first non-option, so a -t command's own flags stay its own. */
		int c = getopt_long(argc, argv, set->shortopts, set->longopts, &long_index);
		if (c == -1)
			break;
		valueless[0] = '\0';
		if (!optarg && c != ':' && c != '?') {
			if (long_index >= 0)
				snprintf(valueless, sizeof valueless, "--%s",
					 set->longopts[long_index].name);
			else
				snprintf(valueless, sizeof valueless, "-%c", c);
		}
		int rc = parse_flag(c, argv, set, o, err, &trace);
		if (rc != 0)
			return rc > 0 ? 0 : -1;
	}
	if (check_outputs(o, err) != 0 ||
	    parse_target(argc, argv, optind, set, o, err, trace, valueless) != 0)
		return -1;
	warn_rate(o, err);
	return 0;
}

int options_parse(int argc, char **argv, struct options *o, FILE *err)
{
	return parse_with(argc, argv, &record_flags, o, err);
}

int options_parse_top(int argc, char **argv, struct options *o, FILE *err)
{
	return parse_with(argc, argv, &top_flags, o, err);
}
