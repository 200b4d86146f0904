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

void sample_run_start(struct sample_clock *c, double seconds, double interval, int once)
{
	sample_clock_start(c, interval);
	c->k = 0;
	c->planned = 0;
	c->asked_ns = c->start_ns;
	c->ended = 0;
	if (once) {
		c->planned = 1;
	} else if (seconds >= 0) {
		double k = seconds / interval;
		c->planned = k < 1 ? 1 : (uint64_t)(k + 1e-9);
	}
}

#define NAP_NS (50ull * 1000 * 1000)

/* ended(arg), asked at most every NAP_NS; once it said so, the run has ended. */
static int run_ended(struct sample_clock *c, int (*ended)(void *), void *arg)
{
	uint64_t now = clock_now_ns();
	if (c->ended || now - c->asked_ns < NAP_NS)
		return c->ended;
	c->asked_ns = now;
	return c->ended = ended(arg) != 0;
}

int sample_run_next(struct sample_clock *c, volatile sig_atomic_t *stop, int (*ended)(void *),
		    void *arg, uint64_t *missed)
{
	if (c->planned && c->k + 1 >= c->planned)
		return 0;
	const struct timespec nap = { 0, (long)NAP_NS };
	while (sample_clock_remaining(c) > NAP_NS && !*stop && !run_ended(c, ended, arg))
		nanosleep(&nap, NULL);
	if (*stop || run_ended(c, ended, arg))
		return 0;
	uint64_t late = sample_clock_wait(c);
	if (c->planned && c->k + 1 + late > c->planned)
		late = c->planned - c->k - 1; /* ticks past the end were never due */
	*missed += late;
	c->k += late + 1;
	return !c->planned || c->k < c->planned;
}
