/* options.h: the parsed command line, filled once by options_parse and then read-only. */
#ifndef PYFLAME_CLI_OPTIONS_H
#define PYFLAME_CLI_OPTIONS_H

#include <stdio.h>
#include <sys/types.h>

#include "python/version.h"

struct out_writer;

enum options_action {
	OPT_PROFILE, /* the normal case */
	OPT_HELP,    /* -h: print usage, exit 0 */
	OPT_VERSION, /* -v: print the version, exit 0 */
};

#define OPT_MAX_OUTPUTS 8

struct options {
	enum options_action action;
	pid_t pid;          /* -p PID, or 0 in trace mode */
	char **command;     /* -t: argv of the command (NULL-terminated), else NULL */
	double seconds;     /* -s */
	int has_seconds;    /* -s given (with -t, it bounds the sampling) */
	int has_rate;       /* -r given */
	double rate;        /* -r, seconds between samples (or 1 / -F) */
	double frequency;   /* -F, samples per second, when it was the last of -r and -F */
	const char *output; /* the first -o, NULL for stdout */
	const struct out_writer *format; /* of the first output: -f, else from the -o file's
					  * name, else collapsed */
	int has_format;     /* -f given */
	struct opt_output {
		const char *path;
		const struct out_writer *format;
	} outputs[OPT_MAX_OUTPUTS]; /* every -o, the first as above, the others formatted by
				     * their names: one run written in several formats */
	int n_outputs;
	int exclude_idle;   /* -x */
	int no_line_numbers; /* -n */
	int threads;        /* --threads */
	int thread_names;   /* --thread-names: the thread's name as each stack's root frame */
	int nonblocking;    /* --nonblocking: never stop the target */
	int native;         /* --native: native frames merged with the Python ones */
	int async;          /* --async: a running task's stack rooted at its await chain */
	int idle_tasks;     /* --idle-tasks: waiting tasks counted too (with --async) */
	int has_abi;        /* --abi given */
	struct py_version abi;
	const char *abi_arg; /* --abi as given, for messages */
	const char *record; /* --record FILE: write a memory image of what was read */
	int dump;           /* -d: print every thread's stack once and exit */
	int subprocesses;   /* -C: the process's Python descendants too */
	int quiet;          /* -q: no summary line at the end (nor status line) */
	int summary;        /* --summary: the summary line even when stderr is no terminal */
	int flamechart;     /* --flamechart: time-ordered samples instead of aggregated stacks */
	int legacy_pid;     /* the PID was given without -p */
	int batch;          /* top --batch N: N plain-text snapshots; 0: the full-screen view */
};

/* Parses argv. Returns 0, or -1 after printing one "pyflame: ..." line to err (the caller
 * exits 1), and when the command line itself could not be read (an unknown option, a missing
 * value, an argument out of place, nothing to profile) a line that points to --help. A 0 may
 * come after a warning line on err, for a command line that parses but will not do what it
 * likely meant (-r longer than -s). Nothing in the system is touched. */
int options_parse(int argc, char **argv, struct options *o, FILE *err);

/* The same for `pyflame top` (argv[0] is "top"): its own flags, -p, -t, -r, -F, --threads,
 * --nonblocking, --native, -C, --batch, --abi and -h, read and checked as record's are; usage
 * errors point to 'pyflame top --help'. */
int options_parse_top(int argc, char **argv, struct options *o, FILE *err);

void options_usage(FILE *f);
void options_top_usage(FILE *f);

/* The value of -p, and of --abi, for every command that takes them: 0, or -1 after the one
 * line that says why on err. */
int options_pid(const char *arg, pid_t *pid, FILE *err);
int options_abi(const char *arg, struct py_version *abi, FILE *err);

#endif
