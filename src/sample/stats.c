/* stats.c: the words for how a run was sampled, and the end-of-run lines that say it. */
#include "sample/stats.h"

#include "util/msg.h"

const char *sample_error_text(enum sample_error e)
{
	static const char *const text[SAMPLE_ERR_COUNT] = {
		[SAMPLE_ERR_PAUSE] = "could not stop the target",
		[SAMPLE_ERR_THREADS] = "thread list unreadable",
		[SAMPLE_ERR_STACK] = "stack unreadable",
		[SAMPLE_ERR_TOO_DEEP] = "stack too deep (truncated)",
		[SAMPLE_ERR_CODE] = "code object unreadable",
		[SAMPLE_ERR_NOT_READY] = "no interpreter state (starting, exiting, or wrong --abi)",
	};
	return e >= 0 && e < SAMPLE_ERR_COUNT ? text[e] : "?";
}

uint64_t sample_errors_total(const struct sample_stats *st)
{
	uint64_t n = 0;
	for (int i = 0; i < SAMPLE_ERR_COUNT; i++)
		n += st->errors[i];
	return n;
}

/* Missed ticks are reported when they are at least 1 in MISSED_REPORT of the ticks due. */
#define MISSED_REPORT 10

/* The share of the run the target stood stopped is said from 1 in STOPPED_REPORT (1%), for
 * a run of STOPPED_RUN_MIN_NS at least and more than one tick (a single pause, -s 0's, is
 * the whole of its run however long a loaded machine makes it). */
#define STOPPED_REPORT 100
#define STOPPED_RUN_MIN_NS (100ull * 1000 * 1000)

void sample_stats_report(const struct sample_stats *st, uint64_t samples, double interval,
			 int trace)
{
	/* Every missed tick is counted; a few are the machine's hiccups, not worth a line. */
	uint64_t due = (st->rounds ? st->rounds : st->ticks) + st->missed;
	if (st->missed && st->missed * MISSED_REPORT >= due)
		warn("%llu of %llu ticks missed: sampling fell behind the rate "
			"asked for (-r %g)", (unsigned long long)st->missed,
			(unsigned long long)due, interval);
	/* Stopping the target is the price of a consistent stack: said when it is felt. */
	double share = st->sampled_ns ? 100.0 * (double)st->stopped_ns / (double)st->sampled_ns : 0;
	if (st->ticks > 1 && st->sampled_ns >= STOPPED_RUN_MIN_NS &&
	    st->stopped_ns * STOPPED_REPORT > st->sampled_ns) {
		if (st->processes > 1)
			warn("the %llu processes were stopped %.1f%% of the time they were sampled "
			     "(%.3f s of %.3f s added up, in %llu pauses)",
			     (unsigned long long)st->processes, share, (double)st->stopped_ns / 1e9,
			     (double)st->sampled_ns / 1e9, (unsigned long long)st->pauses);
		else
			warn("the target was stopped %.1f%% of the run (%.3f s of %.3f s, in %llu "
			     "pauses)", share, (double)st->stopped_ns / 1e9,
			     (double)st->sampled_ns / 1e9, (unsigned long long)st->pauses);
	}
	/* One line per reason, once, at the end (not per sample). */
	for (int i = 0; i < SAMPLE_ERR_COUNT; i++)
		if (st->errors[i] && (i != SAMPLE_ERR_NOT_READY || !trace || samples == 0))
			warn("%llu of %llu samples: %s",
				(unsigned long long)st->errors[i],
				(unsigned long long)(samples + st->errors[i]),
				sample_error_text((enum sample_error)i));
}
