/* test_options.c: the command line: every flag's value, and each error's message. */
#include <stdlib.h>

#include "check.h"
#include "cli/options.h"
#include "output/writers.h"

static int parse(struct options *o, char *err, size_t errlen, int argc, char **argv)
{
	FILE *f = fmemopen(err, errlen, "w");
	int rc = options_parse(argc, argv, o, f);
	fclose(f);
	return rc;
}

/* The chosen format's name, NULL when none was (a failed parse). */
static const char *format_name(const struct options *o)
{
	return o->format ? o->format->name : NULL;
}

/* The line that follows an error in the shape of the command line. */
#define TRY "Try 'pyflame --help'.\n"

#define ARGV(...) ((char *[]){ "pyflame", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "pyflame", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) parse(o, err, sizeof err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

/* pyflame top's command line: its own flag set, read by the same code. */
static int parse_top(struct options *o, char *err, size_t errlen, int argc, char **argv)
{
	FILE *f = fmemopen(err, errlen, "w");
	int rc = options_parse_top(argc, argv, o, f);
	fclose(f);
	return rc;
}

#define TOP_ARGV(...) ((char *[]){ "top", __VA_ARGS__, NULL })
#define TOP_ARGC(...) ((int)(sizeof((char *[]){ "top", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE_TOP(o, err, ...) \
	parse_top(o, err, sizeof err, TOP_ARGC(__VA_ARGS__), TOP_ARGV(__VA_ARGS__))
#define TRY_TOP "Try 'pyflame top --help'.\n"

static void check_top(void)
{
	struct options o;
	char err[512];

	memset(err, 0, sizeof err);
	CHECK_INT(PARSE_TOP(&o, err, "-p", "42"), 0, "top -p 42 parses");
	CHECK(o.pid == 42 && o.rate == 0.01 && !o.batch, "top: -p, 100 Hz and the screen by default");
	CHECK_INT(PARSE_TOP(&o, err, "-F", "250", "--threads", "--nonblocking", "-C", "--batch",
			    "3", "--abi", "311", "-p", "7"),
		  0, "top: every flag of its own parses");
	CHECK(o.rate == 1.0 / 250 && o.threads && o.nonblocking && o.subprocesses &&
		      o.batch == 3 && o.has_abi && o.abi.minor == 11 && o.pid == 7,
	      "top: every flag of its own takes effect");
	CHECK_INT(PARSE_TOP(&o, err, "-r", "0.5", "--native", "-t", "python3", "-p", "x"), 0,
		  "top -t parses");
	CHECK(o.rate == 0.5 && o.native && strcmp(o.command[1], "-p") == 0,
	      "top -t: the command's own flags stay its own");
	CHECK_INT(PARSE_TOP(&o, err, "--batch=0", "-p", "1"), -1, "top --batch 0 fails");
	CHECK_STR(err, "pyflame: invalid --batch '0': expected a number of snapshots from 1 to "
		  "31536000\n", "top --batch 0: what is expected");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE_TOP(&o, err, "-s", "1", "-p", "1"), -1, "top takes no -s");
	CHECK_STR(err, "pyflame: unknown option '-s'\n" TRY_TOP, "top -s: named, top's help");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE_TOP(&o, err, "-o", "x.svg", "-p", "1"), -1, "top takes no -o");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE_TOP(&o, err, "42"), -1, "top takes no PID without -p");
	CHECK_STR(err, "pyflame: unexpected argument '42': a PID goes after -p, a command to run "
		  "after -t\n" TRY_TOP, "top 42: where a PID goes");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE_TOP(&o, err, "--native", "--nonblocking", "-p", "1"), -1,
		  "top --native --nonblocking fails as record's does");
	CHECK_INT(PARSE_TOP(&o, err, "--help"), 0, "top --help parses");
	CHECK_INT(o.action, OPT_HELP, "top --help asks for help");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "--batch", "2", "-p", "1"), -1, "record takes no --batch");
	CHECK_STR(err, "pyflame: unknown option '--batch'\n" TRY, "record --batch: named");
}

int main(void)
{
	struct options o;
	char err[512];

	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-p", "42"), 0, "-p 42 parses");
	CHECK_INT(o.pid, 42, "-p 42 gives pid 42");
	CHECK(o.seconds == 1 && o.rate == 0.01, "defaults: -s 1, -r 0.01");

	CHECK_INT(PARSE(&o, err, "-s", "0", "-r", "0.001", "-x", "-n", "--threads", "-o", "f",
			"--pid=7"),
		  0, "all profile flags parse");
	CHECK(o.seconds == 0 && o.rate == 0.001 && o.exclude_idle && o.no_line_numbers &&
		      o.threads && strcmp(o.output, "f") == 0 && o.pid == 7,
	      "all profile flags take effect");

	CHECK_INT(PARSE(&o, err, "-s", "2", "-t", "python3", "-x", "script.py"), 0, "-t parses");
	CHECK_STR(o.command[0], "python3", "-t: the command");
	CHECK_STR(o.command[1], "-x", "-t: the command's own flags stay its own");
	CHECK(!o.exclude_idle, "-t: flags after the command are not pyflame's");

	CHECK_INT(PARSE(&o, err, "--abi=313", "-p", "1"), 0, "--abi=313 parses");
	CHECK(o.has_abi && o.abi.major == 3 && o.abi.minor == 13, "--abi=313 is 3.13");

	CHECK_INT(PARSE(&o, err, "-f", "flamegraph", "-p", "1"), 0, "-f flamegraph parses");
	CHECK_STR(format_name(&o), "svg", "-f flamegraph (py-spy's name) is svg");
	CHECK_INT(PARSE(&o, err, "-f", "raw", "-o", "p.svg", "-p", "1"), 0, "-f raw parses");
	CHECK_STR(format_name(&o), "collapsed", "-f raw (py-spy's name) is collapsed, over the -o name");
	CHECK_INT(PARSE(&o, err, "--format=chrometrace", "-p", "1"), 0, "-f chrometrace parses");
	CHECK_STR(format_name(&o), "chrome", "-f chrometrace (py-spy's name) is chrome");

	CHECK_INT(PARSE(&o, err, "-F", "250", "-p", "1"), 0, "-F 250 parses");
	CHECK(o.rate == 1.0 / 250 && o.has_rate, "-F 250 is a sample every 4 ms");
	CHECK_INT(PARSE(&o, err, "-F", "250", "-r", "0.5", "-p", "1"), 0, "-F then -r parses");
	CHECK(o.rate == 0.5, "of -F and -r, the last given wins (-r)");
	CHECK_INT(PARSE(&o, err, "-r", "0.5", "--frequency=20", "-p", "1"), 0, "-r then -F parses");
	CHECK(o.rate == 1.0 / 20, "of -r and -F, the last given wins (-F)");
	CHECK_INT(PARSE(&o, err, "-F", "0", "-p", "1"), -1, "-F 0 fails");
	CHECK_STR(err, "pyflame: invalid frequency '0': expected samples per second, more than 0 "
		  "and at most 100000 (100 kHz)\n", "-F 0 message");
	CHECK_INT(PARSE(&o, err, "-F", "200000", "-p", "1"), -1, "-F past 100 kHz fails");
	CHECK_INT(PARSE(&o, err, "-F", "0.5", "-s", "1", "-p", "1"), 0, "-F 0.5 -s 1 parses");
	CHECK_STR(err, "pyflame: -F 0.5 asks for a sample every 2 s, longer than -s 1: at most one "
		  "sample will be taken\n", "-F slower than -s warns in its own terms");
	CHECK_INT(PARSE(&o, err, "--duration=3", "-p", "1"), 0, "--duration parses");
	CHECK(o.seconds == 3 && o.has_seconds, "--duration is -s");
	CHECK_INT(PARSE(&o, err, "-C", "-p", "1"), 0, "-C parses");
	CHECK(o.subprocesses, "-C asks for the subprocesses");
	CHECK_INT(PARSE(&o, err, "--subprocesses", "--record", "x", "-p", "1"), -1,
		  "--subprocesses with --record fails");
	CHECK_STR(err, "pyflame: --record writes the memory of one process: it cannot be used "
		  "with --subprocesses\n", "--subprocesses with --record message");

	CHECK_INT(PARSE(&o, err, "1234"), 0, "legacy PID argument parses");
	CHECK(o.legacy_pid && o.pid == 1234, "legacy PID argument is flagged");

	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-p", "x1"), -1, "-p x1 fails");
	CHECK_STR(err, "pyflame: invalid PID 'x1': expected a positive number\n", "-p x1 message");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-p", "1", "-t", "ls"), -1, "-p with -t fails");
	CHECK_STR(err, "pyflame: -t and -p cannot be used together\n", "-p with -t message");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "--rate=-1", "-p", "1"), -1, "negative rate fails");
	/* -s and -r within bounds that keep every later conversion to nanoseconds and to tick
	 * counts inside 64 bits. */
	CHECK_INT(PARSE(&o, err, "-s", "31536000", "-r", "0.00001", "-p", "1"), 0,
		  "-s of a year and -r 0.00001 (100 kHz) parse");
	CHECK_INT(PARSE(&o, err, "-r", "31536000", "-p", "1"), 0, "-r of a year parses");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-s", "1e20", "-p", "1"), -1, "-s 1e20 fails");
	CHECK_STR(err, "pyflame: invalid seconds '1e20': expected a number from 0 to 31536000 "
		       "(a year)\n", "-s 1e20 message");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-s", "31536000.5", "-p", "1"), -1, "-s just over a year fails");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-r", "1e-9", "-p", "1"), -1, "-r 1e-9 fails");
	CHECK_STR(err, "pyflame: invalid rate '1e-9': expected seconds between samples from "
		       "0.00001 (100 kHz) to 31536000 (a year)\n", "-r 1e-9 message");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-r", "1e8", "-p", "1"), -1, "-r over a year fails");
	char *not_numbers[] = { "nan", "inf", "-inf", "1e400", "", "1s" };
	for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++) {
		char what[64];
		snprintf(what, sizeof what, "-s '%s' fails", not_numbers[i]);
		CHECK_INT(PARSE(&o, err, "-s", not_numbers[i], "-p", "1"), -1, what);
		snprintf(what, sizeof what, "-r '%s' fails", not_numbers[i]);
		CHECK_INT(PARSE(&o, err, "-r", not_numbers[i], "-p", "1"), -1, what);
	}
	/* py-spy's -r is a frequency: -r 100 meant 100 Hz gets a sample every 100 s, so over
	 * -s 1 one sample. The run goes on, told so in one line. */
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-r", "100", "-s", "1", "-p", "1"), 0, "-r 100 -s 1 parses");
	CHECK_STR(err, "pyflame: -r 100 is longer than -s 1: at most one sample will be taken; "
		       "-r is seconds between samples: did you mean -r 0.01 for 100 Hz?\n",
		  "-r longer than -s: a warning that says -r is seconds");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-s", "2", "-r", "4", "7"), 0, "-s 2 -r 4 with a legacy PID parses");
	CHECK(strstr(err, "at most one sample") != NULL, "-r longer than -s: warned with a legacy PID");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-r", "0.2", "-s", "0.1", "-p", "1"), 0, "-r 0.2 -s 0.1 parses");
	CHECK_STR(err, "pyflame: -r 0.2 is longer than -s 0.1: at most one sample will be taken\n",
		  "-r longer than -s but under a second: the warning without the Hz hint");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-r", "1", "-s", "1", "-p", "1"), 0, "-r 1 -s 1 parses");
	CHECK_STR(err, "", "-r as long as -s: no warning");
	CHECK_INT(PARSE(&o, err, "-r", "100", "-s", "0", "-p", "1"), 0, "-r 100 -s 0 parses");
	CHECK_STR(err, "", "-s 0 takes one sample by design: no warning");
	CHECK_INT(PARSE(&o, err, "-r", "100", "-p", "1"), 0, "-r 100 alone parses");
	CHECK_STR(err, "", "-r without -s: no warning");
	CHECK_INT(PARSE(&o, err, "-r", "100", "-s", "1", "-t", "true"), 0, "-r 100 -s 1 -t parses");
	CHECK(strstr(err, "pyflame: -r 100 is longer than -s 1") == err,
	      "-s bounds a -t run too: the same warning");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-r", "100", "-t", "true"), 0, "-r 100 -t parses");
	CHECK_STR(err, "", "-t without -s runs until the command ends: no warning");

	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-p"), -1, "-p without value fails");
	CHECK_STR(err, "pyflame: option '-p' needs a value\n" TRY, "-p without value message");

	/* A command line that cannot be read says which argument and why, and points to --help;
	 * the whole usage is not dumped. */
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-p", "1", "extra"), -1, "stray argument fails");
	CHECK_STR(err, "pyflame: unexpected argument 'extra': a PID goes after -p, a command to "
		       "run after -t\n" TRY, "stray argument: which, and where arguments go");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "python3", "x.py"), -1, "a command without -t fails");
	CHECK_STR(err, "pyflame: unexpected argument 'python3': a PID goes after -p, a command to "
		       "run after -t\n" TRY, "a command without -t: which, and where it goes");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-d", "5", "-p", "1"), -1, "-d 5 -p 1 fails");
	CHECK_STR(err, "pyflame: unexpected argument '5': -d takes no value\n" TRY,
		  "a value after a flag that takes none: said so");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-p", "1", "-nx", "5"), -1, "-p 1 -nx 5 fails");
	CHECK_STR(err, "pyflame: unexpected argument '5': -x takes no value\n" TRY,
		  "a value after a cluster of flags: the last flag named");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "--threads", "5", "-p", "1"), -1, "--threads 5 fails");
	CHECK_STR(err, "pyflame: unexpected argument '5': --threads takes no value\n" TRY,
		  "a value after a long flag that takes none: said so");
	memset(err, 0, sizeof err);
	CHECK_INT(parse(&o, err, sizeof err, 1, (char *[]){ "pyflame", NULL }), -1,
		  "no arguments fail");
	CHECK_STR(err, "pyflame: nothing to profile: give -p PID, or -t and a command\n" TRY,
		  "no arguments: what is missing");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-x", "-s", "2"), -1, "flags without a target fail");
	CHECK_STR(err, "pyflame: nothing to profile: give -p PID, or -t and a command\n" TRY,
		  "flags without a target: what is missing");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "--bogus", "-p", "1"), -1, "an unknown long option fails");
	CHECK_STR(err, "pyflame: unknown option '--bogus'\n" TRY, "an unknown long option: named");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-j", "-p", "1"), -1, "an unknown short option fails");
	CHECK_STR(err, "pyflame: unknown option '-j'\n" TRY, "an unknown short option: named");
	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-p", "x1"), -1, "a bad value fails");
	CHECK_STR(err, "pyflame: invalid PID 'x1': expected a positive number\n",
		  "a bad value says what is expected, in one line with no pointer");
	/* --record is for the test suite: accepted, documented in the man page only. */
	CHECK_INT(PARSE(&o, err, "--record=img", "-p", "1"), 0, "--record parses");
	CHECK_STR(o.record, "img", "--record takes its file");
	char help[4096] = "";
	FILE *f = fmemopen(help, sizeof help - 1, "w");
	options_usage(f);
	fclose(f);
	CHECK(strncmp(help, "Usage: pyflame", 14) == 0, "the help starts with the usage");
	CHECK(!strstr(help, "--record"), "the help leaves out the test-only --record");
	CHECK(strstr(help, "\nExamples:\n") != NULL, "the help has examples");
	CHECK(strstr(help, "man pyflame") != NULL, "the help points to the man page");

	memset(err, 0, sizeof err);
	CHECK_INT(PARSE(&o, err, "-h"), 0, "-h parses");
	CHECK_INT(o.action, OPT_HELP, "-h asks for help");
	check_top();
	return check_exit();
}
