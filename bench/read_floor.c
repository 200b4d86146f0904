/* read_floor.c: what a process pays in CPU time to wake up N times a second and read, each
 * time, the pages one stack of a 3.11+ target takes (its GIL, its thread state, the frame
 * pointer, its frames: four ranges in four pages), in one process_vm_readv, doing nothing
 * else: the least any sampler of that target can pay per sample here. The benchmark shows
 * pyflame's cost beside it, to tell its own work from the reading no sampler escapes.
 *   read_floor PID TICKS INTERVAL_NS ADDR:LEN...   (at most 16 ranges, LEN <= 4096) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc < 5 || argc - 4 > 16) {
		fprintf(stderr, "usage: read_floor PID TICKS INTERVAL_NS ADDR:LEN...\n");
		return 2;
	}
	pid_t pid = (pid_t)atol(argv[1]);
	long ticks = atol(argv[2]), interval = atol(argv[3]);
	int n = argc - 4;
	static char bufs[16][4096];
	struct iovec local[16], remote[16];
	for (int i = 0; i < n; i++) {
		char *end;
		unsigned long addr = strtoul(argv[4 + i], &end, 0);
		unsigned long len = *end == ':' ? strtoul(end + 1, NULL, 0) : 256;
		if (len > sizeof bufs[i])
			len = sizeof bufs[i];
		remote[i] = (struct iovec){ (void *)addr, len };
		local[i] = (struct iovec){ bufs[i], len };
	}
	long failed = 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (long k = 0; k < ticks; k++) {
		ts.tv_nsec += interval;
		while (ts.tv_nsec >= 1000000000) {
			ts.tv_nsec -= 1000000000;
			ts.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		failed += process_vm_readv(pid, local, (unsigned long)n, remote, (unsigned long)n, 0) < 0;
	}
	if (failed)
		fprintf(stderr, "read_floor: %ld of %ld reads failed\n", failed, ticks);
	return failed ? 1 : 0;
}
