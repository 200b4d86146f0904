/* progress.c: the status line and the summary line of a recording (see progress.h). */
#include "sample/progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "profile/profile.h"
#include "sample/stats.h"
#include "util/clock.h"

#define REDRAW_NS (500ull * 1000 * 1000)

void progress_start(struct progress *pg, int quiet, int trace, int summary)
{
	memset(pg, 0, sizeof *pg);
	pg->trace = trace;
	pg->enabled = !quiet && isatty(STDERR_FILENO);
	pg->summary = pg->enabled || summary;
	pg->start_ns = clock_now_ns();
}

/* Samples lost by the end-of-run report's rule: with -t, those taken before the command's
 * interpreter was up count only when nothing else was sampled. */
static int counts(const struct progress *pg, const struct profile *prof, int e)
{
	return e != SAMPLE_ERR_NOT_READY || !pg->trace || !prof->samples;
}

/* "3 lost: 2 stack unreadable, 1 code object unreadable", or "0 lost". */
static void describe_lost(const struct progress *pg, const struct sample_stats *st,
			  const struct profile *prof, char *buf, size_t cap)
{
	uint64_t lost = 0;
	for (int i = 0; i < SAMPLE_ERR_COUNT; i++)
		lost += counts(pg, prof, i) ? st->errors[i] : 0;
	int n = snprintf(buf, cap, "%llu lost", (unsigned long long)lost);
	const char *sep = ": ";
	for (int i = 0; i < SAMPLE_ERR_COUNT && n > 0 && (size_t)n < cap; i++) {
		if (!st->errors[i] || !counts(pg, prof, i))
			continue;
		n += snprintf(buf + n, cap - (size_t)n, "%s%llu %s", sep,
			      (unsigned long long)st->errors[i],
			      sample_error_text((enum sample_error)i));
		sep = ", ";
	}
}

void progress_update(struct progress *pg, const struct sample_stats *st,
		     const struct profile *prof)
{
	if (!pg->enabled)
		return;
	uint64_t now = clock_now_ns();
	if (pg->drawn_ns && now - pg->drawn_ns < REDRAW_NS)
		return;
	pg->drawn_ns = now;
	/* The rate the clock kept (with several processes a tick samples each of them), since
	 * the first redraw: a -t command's start-up is not a slow rate. */
	uint64_t ticks = st->rounds ? st->rounds : st->ticks;
	if (!pg->first_ns) {
		pg->first_ns = now;
		pg->first_ticks = ticks;
	}
	double span = (double)(now - pg->first_ns) / 1e9;
	char rate[32] = "";
	if (span > 0)
		snprintf(rate, sizeof rate, ", %.1f Hz", (double)(ticks - pg->first_ticks) / span);
	char lost[512];
	describe_lost(pg, st, prof, lost, sizeof lost);
	*strchrnul(lost, ':') = '\0'; /* the count only: the reasons wait for the summary */
	fprintf(stderr, "\rpyflame: %.1f s, %llu samples, %s%s\033[K",
		(double)(now - pg->start_ns) / 1e9, (unsigned long long)prof->samples, lost, rate);
	pg->shown = 1;
}

void progress_clear(struct progress *pg)
{
	if (pg->shown)
		fputs("\r\033[K", stderr);
	pg->shown = 0;
}

void progress_summary(struct progress *pg, const struct sample_stats *st,
		      const struct profile *prof, const char *written)
{
	progress_clear(pg);
	if (!pg->summary)
		return;
	char lost[512];
	describe_lost(pg, st, prof, lost, sizeof lost);
	char where[600] = "";
	if (written)
		snprintf(where, sizeof where, ", written to %s", written);
	double stopped = st->sampled_ns ? 100.0 * (double)st->stopped_ns / (double)st->sampled_ns
					: 0;
	fprintf(stderr, "pyflame: %llu samples (%s), %zu distinct stacks%s; the target was "
		"stopped %.2f%% of the run, in %llu pauses\n", (unsigned long long)prof->samples,
		lost, profile_stack_count(prof), where, stopped, (unsigned long long)st->pauses);
}
