/* schedule.h: when ticks fall. Ticks fall on absolute deadlines (start + k * interval), so the
 * rate does not drift with the time each sample takes. A tick that comes due while the last
 * one is still being taken is taken at once; ticks whose whole interval passed meanwhile are
 * skipped and counted, not taken late in a burst. */
#ifndef PYFLAME_SAMPLE_SCHEDULE_H
#define PYFLAME_SAMPLE_SCHEDULE_H

#include <stdint.h>

struct sample_clock {
	uint64_t start_ns, interval_ns, next_ns;
};

void sample_clock_start(struct sample_clock *c, double interval_seconds);

/* Sleeps until the next deadline, or returns at once when it has passed. Returns how many
 * deadlines after that one passed too (missed ticks), so the caller can count them. Returns
 * early (with 0) on a signal. */
uint64_t sample_clock_wait(struct sample_clock *c);

/* How long until the next deadline, 0 when it has passed: a caller whose ticks are far apart
 * sleeps in shorter naps to notice meanwhile that the run should end. */
uint64_t sample_clock_remaining(const struct sample_clock *c);

#endif
