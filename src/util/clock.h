/* clock.h: the program's two clocks, one function each: monotonic time for every interval
 * measured (tick deadlines, how long a thread stood stopped) and wall time for timestamps. */
#ifndef PYFLAME_UTIL_CLOCK_H
#define PYFLAME_UTIL_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds: for durations; never goes back. */
uint64_t clock_now_ns(void);

/* Wall-clock time in microseconds since the epoch: the timestamps of flame charts. */
uint64_t clock_wall_us(void);

#endif
