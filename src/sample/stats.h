/* stats.h: how a run was sampled, kept beside the profile (which holds only what was seen):
 * ticks taken and missed, samples lost and why, and how long the target stood stopped. The
 * sampler fills it; the end-of-run report and a live view read it. */
#ifndef PYFLAME_SAMPLE_STATS_H
#define PYFLAME_SAMPLE_STATS_H

#include <stdint.h>

/* Why a sample was lost; counted, reported once at the end. */
enum sample_error {
	SAMPLE_ERR_PAUSE,     /* the threads could not be stopped */
	SAMPLE_ERR_THREADS,   /* the thread list could not be read */
	SAMPLE_ERR_STACK,     /* a frame chain led to unreadable memory */
	SAMPLE_ERR_TOO_DEEP,  /* a chain past the depth bound (kept, truncated) */
	SAMPLE_ERR_CODE,      /* a code object could not be read */
	SAMPLE_ERR_NOT_READY, /* the interpreter was not running yet */
	SAMPLE_ERR_COUNT
};

struct sample_stats {
	uint64_t ticks;      /* ticks taken, whatever they gave */
	uint64_t missed;     /* ticks skipped because sampling fell behind */
	uint64_t errors[SAMPLE_ERR_COUNT];
	uint64_t stopped_ns; /* how long the target stood stopped, each pause counted once from
			      * its first interrupt to its last continue */
	uint64_t sampled_ns; /* how long sampling ran: the run that stopped_ns is a share of */
	uint64_t pauses;     /* how many times the target was stopped */
	/* With --subprocesses, a tick samples every process: ticks above counts each process's
	 * sample, rounds the clock's ticks, and sampled_ns adds up each process's time. */
	uint64_t rounds;     /* the session clock's ticks taken; 0: one process, see ticks */
	uint64_t processes;  /* the processes sampled; 0: one */
	uint64_t gil_held;   /* samples (of the profile's) that kept the stack of a thread holding
			      * the GIL: with them, the share of the time Python code ran. The
			      * others were idle, or only threads in C code without it */
};

/* What a lost sample of kind e means, for the user: "stack unreadable". */
const char *sample_error_text(enum sample_error e);

/* All lost samples, whatever the reason. */
uint64_t sample_errors_total(const struct sample_stats *st);

/* Says on stderr, once at the end, what the user must know of how the run went: ticks missed
 * (from 1 in 10), the share of the run the target stood stopped (from 1%), and samples lost,
 * a line per reason. samples: the profile's; interval: the -r asked for; trace: the command
 * was started by us, so samples taken before its interpreter was up are expected and not worth
 * a line unless nothing else was sampled. */
void sample_stats_report(const struct sample_stats *st, uint64_t samples, double interval,
			 int trace);

#endif
