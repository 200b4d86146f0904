/* test_schedule.c: when ticks fall (sample/schedule.h), driven through sample_clock_advance at
 * made-up times. Each tick falls inside its own slot (centred on start + k * interval, one
 * interval wide), the slots follow one another with none skipped while the sampler keeps up,
 * the ticks' points are spread over the slot (not all at one phase), a late tick is taken and
 * only the slots wholly past are missed; and against work that repeats at exactly a divisor of
 * the interval (an event loop turning three tasks), the ticks land on each part of the period
 * about as often as its share, where fixed deadlines land on one part only. */
#include <stdlib.h>

#include "check.h"
#include "sample/schedule.h"

#define T 1000000ull /* 1 ms */

/* A clock started at start with interval T, made by hand (sample_clock_start reads the time). */
static void clock_at(struct sample_clock *c, uint64_t start, uint64_t seed)
{
	sample_clock_start(c, T / 1e9);
	/* Moved to a start of our own: the slots are start + k * T; the tick already drawn
	 * for slot 1 is moved with it. */
	c->next_ns = c->next_ns - c->start_ns + start;
	c->start_ns = start;
	c->rng = seed;
}

int main(void)
{
	struct sample_clock c;
	const uint64_t start = 5 * 1000000000ull;
	enum { N = 20000 };

	/* A sampler that keeps up: each tick taken at its own time. */
	clock_at(&c, start, 42);
	int inside = 1, in_order = 1, missed_any = 0;
	uint64_t quarter[4] = { 0 };
	uint64_t first = c.next_ns, last = 0;
	for (uint64_t k = 1; k <= N; k++) {
		uint64_t lo = start + k * T - T / 2, at = c.next_ns;
		if (c.slot != k)
			in_order = 0;
		if (at < lo || at >= lo + T)
			inside = 0;
		quarter[(at - lo) * 4 / T]++;
		if (sample_clock_advance(&c, at - 1) != 0 || c.next_ns != at)
			in_order = 0; /* not due yet: nothing changes */
		if (sample_clock_advance(&c, at) != 0)
			missed_any = 1;
		last = at;
	}
	CHECK(inside, "every tick falls inside its slot, start + k * interval give or take half one");
	CHECK(in_order && !missed_any,
	      "a sampler that keeps up takes every slot's tick, in order, none before its time");
	/* The mean gap is the interval: (last - first) / (N - 1) within a hundredth. */
	double mean = (double)(last - first) / (N - 1);
	CHECK(mean > 0.99 * T && mean < 1.01 * T, "the mean gap between ticks is the interval");
	int spread = 1;
	for (int q = 0; q < 4; q++)
		if (quarter[q] < N / 4 * 9 / 10 || quarter[q] > N / 4 * 11 / 10)
			spread = 0;
	{
		char what[160];
		snprintf(what, sizeof what,
			 "the ticks' points spread over their slots: %llu %llu %llu %llu of %d in its quarters",
			 (unsigned long long)quarter[0], (unsigned long long)quarter[1],
			 (unsigned long long)quarter[2], (unsigned long long)quarter[3], N);
		CHECK(spread, what);
	}

	/* Two seeds draw two series. */
	struct sample_clock d;
	clock_at(&c, start, 1);
	clock_at(&d, start, 2);
	int same = 0;
	for (int i = 0; i < 100; i++) {
		same += c.next_ns == d.next_ns;
		sample_clock_advance(&c, c.next_ns);
		sample_clock_advance(&d, d.next_ns);
	}
	CHECK(same < 5, "two clocks of other seeds fall at other points");

	/* Late: the tick is taken, and only the slots that ended meanwhile are missed. Slot 1
	 * ends at start + 1.5 T; now in slot 4 (start + 4.2 T): slots 2 and 3 have ended, slot 4
	 * has not, so its tick comes next (due at once, or in the 0.3 T left). */
	clock_at(&c, start, 7);
	CHECK_INT(sample_clock_advance(&c, start + 4 * T + T / 5), 2,
		  "a tick taken late: the two slots that ended meanwhile missed");
	CHECK_INT(c.slot, 4, "...and the next tick is the slot not yet ended");
	CHECK(c.next_ns >= start + 4 * T - T / 2 && c.next_ns < start + 4 * T + T / 2,
	      "...drawn inside it");
	/* Just inside the slot after the late one: nothing missed. */
	clock_at(&c, start, 8);
	CHECK_INT(sample_clock_advance(&c, start + T + T / 2 - 1), 0,
		  "a tick taken late but inside its own slot misses nothing");
	CHECK_INT(c.slot, 2, "...and the next is slot 2");

	/* Work of period T / 3 in three parts (three tasks taking turns): fixed deadlines at
	 * start + k * T see the same part each tick; these see each about a third of the time. */
	clock_at(&c, start, 99);
	uint64_t part[3] = { 0 };
	for (int k = 0; k < 3000; k++) {
		uint64_t at = c.next_ns;
		part[(at - start) % T / (T / 3 + 1)]++;
		sample_clock_advance(&c, at);
	}
	{
		char what[160];
		snprintf(what, sizeof what,
			 "work of a third of the interval: its three parts seen %llu, %llu, %llu times of 3000",
			 (unsigned long long)part[0], (unsigned long long)part[1],
			 (unsigned long long)part[2]);
		CHECK(part[0] > 850 && part[1] > 850 && part[2] > 850, what);
	}
	return check_exit();
}
