/* schedule.c: absolute-deadline sleeping on CLOCK_MONOTONIC, each deadline at a random point
 * of its slot (schedule.h says why). */
#include "sample/schedule.h"

#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"

/* The next of the clock's random numbers (splitmix64: small, and enough to spread ticks). */
static uint64_t next_random(struct sample_clock *c)
{
	uint64_t z = (c->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Draws the tick of c->slot: a point of [centre - interval / 2, centre + interval / 2). */
static void draw_tick(struct sample_clock *c)
{
	uint64_t centre = c->start_ns + c->slot * c->interval_ns;
	/* 53 random bits as a fraction of [0, 1), scaled: no modulo bias. */
	uint64_t at = (uint64_t)((double)(next_random(c) >> 11) * 0x1p-53 * (double)c->interval_ns);
	if (at >= c->interval_ns)
		at = c->interval_ns - 1;
	c->next_ns = centre - c->interval_ns / 2 + at;
}

void sample_clock_start(struct sample_clock *c, double interval_seconds)
{
	/* Linux lets a sleep run over by the thread's timer slack, 50 us by default: half
	 * an interval at 10 kHz. Ask for 1 us: the profiler sleeps once per tick anyway. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	c->interval_ns = interval_seconds > 0 ? (uint64_t)(interval_seconds * 1e9) : 1;
	c->start_ns = clock_now_ns();
	c->rng = c->start_ns ^ ((uint64_t)getpid() << 32);
	c->slot = 1;
	draw_tick(c);
}

uint64_t sample_clock_advance(struct sample_clock *c, uint64_t now)
{
	if (now < c->next_ns)
		return 0;
	/* The tick due at next_ns is taken now, however late: a tick a little late is a sample
	 * a little late, not a lost one. Only the slots after it that ended meanwhile are
	 * missed; slot j ends at start + j * interval + interval / 2. */
	uint64_t end = c->start_ns + c->slot * c->interval_ns + c->interval_ns / 2;
	uint64_t missed = now >= end ? (now - end) / c->interval_ns : 0;
	c->slot += missed + 1;
	draw_tick(c);
	return missed;
}

/* sample_clock_wait from now, read by the caller: a tick reads the clock once before its
 * sleep, not once for each question it asks then. */
static uint64_t wait_from(struct sample_clock *c, uint64_t now)
{
	if (now < c->next_ns) {
		struct timespec ts = { .tv_sec = (time_t)(c->next_ns / 1000000000ull),
				       .tv_nsec = (long)(c->next_ns % 1000000000ull) };
		/* A signal cuts the sleep short: the tick is then taken early. */
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		now = clock_now_ns();
		if (now < c->next_ns)
			now = c->next_ns;
	}
	return sample_clock_advance(c, now);
}

uint64_t sample_clock_wait(struct sample_clock *c)
{
	return wait_from(c, clock_now_ns());
}

static uint64_t remaining_at(const struct sample_clock *c, uint64_t now)
{
	return now >= c->next_ns ? 0 : c->next_ns - now;
}

uint64_t sample_clock_remaining(const struct sample_clock *c)
{
	return remaining_at(c, clock_now_ns());
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

/* ended(arg), asked at most every NAP_NS (now the time); once it said so, the run has ended. */
static int run_ended(struct sample_clock *c, uint64_t now, int (*ended)(void *), void *arg)
{
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
	uint64_t now = clock_now_ns();
	while (remaining_at(c, now) > NAP_NS && !*stop && !run_ended(c, now, ended, arg)) {
		nanosleep(&nap, NULL);
		now = clock_now_ns();
	}
	if (*stop || run_ended(c, now, ended, arg))
		return 0;
	uint64_t late = wait_from(c, now);
	if (c->planned && c->k + 1 + late > c->planned)
		late = c->planned - c->k - 1; /* ticks past the end were never due */
	*missed += late;
	c->k += late + 1;
	return !c->planned || c->k < c->planned;
}
