/* clock.c: absolute-deadline sleeping on CLOCK_MONOTONIC. */
#include "sample/clock.h"

#include <time.h>

uint64_t clock_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t clock_wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000;
}

void sample_clock_start(struct sample_clock *c, double interval_seconds)
{
	c->interval_ns = interval_seconds > 0 ? (uint64_t)(interval_seconds * 1e9) : 1;
	c->start_ns = clock_now_ns();
	c->next_ns = c->start_ns + c->interval_ns;
}

uint64_t sample_clock_wait(struct sample_clock *c)
{
	uint64_t now = clock_now_ns(), missed = 0;
	if (now > c->next_ns) {
		/* Behind: skip to the first deadline still ahead, counting the ones passed. */
		missed = (now - c->next_ns) / c->interval_ns;
		c->next_ns += missed * c->interval_ns;
		if (c->next_ns <= now) {
			c->next_ns += c->interval_ns;
		}
	}
	struct timespec ts = { .tv_sec = (time_t)(c->next_ns / 1000000000ull),
			       .tv_nsec = (long)(c->next_ns % 1000000000ull) };
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	c->next_ns += c->interval_ns;
	return missed;
}
