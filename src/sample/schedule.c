/* schedule.c: absolute-deadline sleeping on CLOCK_MONOTONIC. */
#include "sample/schedule.h"

#include <sys/prctl.h>
#include <time.h>

#include "util/clock.h"

void sample_clock_start(struct sample_clock *c, double interval_seconds)
{
	/* Linux lets a sleep run over by the thread's timer slack, 50 us by default: half
	 * an interval at 10 kHz. Ask for 1 us: the profiler sleeps once per tick anyway. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	c->interval_ns = interval_seconds > 0 ? (uint64_t)(interval_seconds * 1e9) : 1;
	c->start_ns = clock_now_ns();
	c->next_ns = c->start_ns + c->interval_ns;
}

uint64_t sample_clock_wait(struct sample_clock *c)
{
	uint64_t now = clock_now_ns();
	if (now >= c->next_ns) {
		/* Late: the tick due at next_ns is taken now, without sleeping, and only the
		 * deadlines that have passed after it are missed. A tick a little late is a
		 * sample a little late, not a lost one. */
		uint64_t missed = (now - c->next_ns) / c->interval_ns;
		c->next_ns += (missed + 1) * c->interval_ns;
		return missed;
	}
	struct timespec ts = { .tv_sec = (time_t)(c->next_ns / 1000000000ull),
			       .tv_nsec = (long)(c->next_ns % 1000000000ull) };
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	c->next_ns += c->interval_ns;
	return 0;
}

uint64_t sample_clock_remaining(const struct sample_clock *c)
{
	uint64_t now = clock_now_ns();
	return now >= c->next_ns ? 0 : c->next_ns - now;
}
