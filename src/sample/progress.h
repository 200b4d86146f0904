/* progress.h: what a recording says while it runs and when it ends, for a person at a
 * terminal: one status line on stderr, redrawn at most twice a second (elapsed time, samples,
 * lost, the rate reached), and one summary line at the end. Both only when stderr is a
 * terminal: scripts and CI logs get neither. */
#ifndef PYFLAME_SAMPLE_PROGRESS_H
#define PYFLAME_SAMPLE_PROGRESS_H

#include <stdint.h>

struct profile;
struct sample_stats;

struct progress {
	int enabled;       /* stderr is a terminal and the user did not ask for quiet */
	int summary;       /* the summary line is said: enabled, or asked for (--summary) */
	int trace;         /* a -t command: samples before its interpreter is up are not lost */
	uint64_t start_ns; /* when the run began */
	uint64_t first_ns; /* the first redraw's time, and the ticks by then: the rate */
	uint64_t first_ticks;
	uint64_t drawn_ns; /* when the line was last drawn, 0: never */
	int shown;         /* a status line is on the screen */
};

/* Starts counting now; enabled when stderr is a terminal and quiet is 0. summary: the summary
 * is said at the end even when stderr is not a terminal. */
void progress_start(struct progress *pg, int quiet, int trace, int summary);

/* Redraws the status line when half a second has passed since the last time. */
void progress_update(struct progress *pg, const struct sample_stats *st,
		     const struct profile *prof);

/* Erases the status line, so that what follows starts on a clean line. */
void progress_clear(struct progress *pg);

/* The end-of-run line: samples, lost by reason, distinct stacks, where the profile went
 * (written: "profile.svg" or "stdout", NULL when nothing was written), and the share of the
 * run the target stood stopped. */
void progress_summary(struct progress *pg, const struct sample_stats *st,
		      const struct profile *prof, const char *written);

#endif
