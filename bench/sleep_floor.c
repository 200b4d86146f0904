/* sleep_floor.c: what a process pays in CPU time just to wake up N times a second on this
 * machine, doing nothing else; the benchmark subtracts it to show pyflame's own cost per
 * sample. In a VM a timer wake-up alone can cost tens of microseconds.
 *   sleep_floor TICKS INTERVAL_NS */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	long ticks = argc > 1 ? atol(argv[1]) : 1000;
	long interval = argc > 2 ? atol(argv[2]) : 1000000;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (long i = 0; i < ticks; i++) {
		ts.tv_nsec += interval;
		while (ts.tv_nsec >= 1000000000) {
			ts.tv_nsec -= 1000000000;
			ts.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	return 0;
}
