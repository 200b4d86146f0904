/* schedule.h: when ticks fall. Tick k (k >= 1) belongs to the slot of width interval centred on
 * start + k * interval, and falls at a random point of it, a new one each tick: the mean rate
 * is the asked one and does not drift with the time each sample takes, but no tick keeps step
 * with work that repeats at a period near a multiple of the interval (an event loop turning
 * three tasks, a frame loop), which fixed deadlines would see in one phase only: one task
 * counted every tick and another never, for as long as the two periods stay in step. A tick
 * that comes due while the last one is still being taken is taken at once; ticks whose whole
 * slot passed meanwhile are skipped and counted, not taken late in a burst. */
#ifndef PYFLAME_SAMPLE_SCHEDULE_H
#define PYFLAME_SAMPLE_SCHEDULE_H

#include <signal.h>
#include <stdint.h>

struct sample_clock {
	uint64_t start_ns, interval_ns;
	uint64_t slot;     /* the slot whose tick comes next, from 1 */
	uint64_t next_ns;  /* its tick's time: start + slot * interval, give or take half one */
	uint64_t rng;      /* the state of the random points (splitmix64) */
	uint64_t planned; /* the ticks a run of fixed duration takes; 0: until it ends */
	uint64_t k;       /* the tick being taken, from 0 */
	uint64_t asked_ns; /* when sample_run_next last asked whether the run ended */
	int ended;         /* ...and it had */
};

void sample_clock_start(struct sample_clock *c, double interval_seconds);

/* The clock's arithmetic at time now: when now has reached the next tick, it is due (taken
 * now) and the next one is drawn, in the first slot not wholly past; returns the slots skipped
 * between, missed ticks. Before it, returns 0 and changes nothing. (sample_clock_wait is this
 * after a sleep; apart for the tests.) */
uint64_t sample_clock_advance(struct sample_clock *c, uint64_t now);

/* Sleeps until the next deadline, or returns at once when it has passed. Returns how many
 * deadlines after that one passed too (missed ticks), so the caller can count them. Returns
 * early (with 0) on a signal. */
uint64_t sample_clock_wait(struct sample_clock *c);

/* How long until the next deadline, 0 when it has passed: a caller whose ticks are far apart
 * sleeps in shorter naps to notice meanwhile that the run should end. */
uint64_t sample_clock_remaining(const struct sample_clock *c);

/* A run's ticks: with a duration, their number is fixed in advance (seconds / interval, one
 * with once), so a run that keeps up takes exactly that many; seconds < 0: until the run ends.
 * Starts the clock. */
void sample_run_start(struct sample_clock *c, double seconds, double interval, int once);

/* After a tick, waits for the next one: in naps of at most 50 ms while the run goes on (*stop
 * and ended(arg) still 0: ticks far apart, as with -r 100, still notice a target that ends or
 * a user who stops), adding the ticks missed meanwhile to *missed (never those past the end).
 * ended(arg) is asked at most every 50 ms: it costs system calls (a /proc read or two), and
 * the ticks themselves fail at once on a target that is gone. Returns 1 when a tick is due
 * now, 0 when the run is over. */
int sample_run_next(struct sample_clock *c, volatile sig_atomic_t *stop, int (*ended)(void *),
		    void *arg, uint64_t *missed);

#endif
