/* check.h: the unit tests' tiny harness. Each test binary prints one line per check in the
 * shape tests/run reads ("ok - what", "not ok - what: why", "skip - what: why") and exits
 * non-zero when any check failed. */
#ifndef PYFLAME_TESTS_CHECK_H
#define PYFLAME_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failed_count;

static inline void check_report(int ok, const char *what, const char *file, int line,
				const char *detail)
{
	if (ok) {
		printf("ok - %s\n", what);
	} else {
		printf("not ok - %s: %s (%s:%d)\n", what, detail, file, line);
		check_failed_count++;
	}
}

#define CHECK(cond, what) check_report(!!(cond), (what), __FILE__, __LINE__, #cond)

#define CHECK_INT(got, want, what)                                                          \
	do {                                                                                \
		long long got_ = (long long)(got), want_ = (long long)(want);               \
		char d_[96];                                                                \
		snprintf(d_, sizeof d_, "got %lld, want %lld", got_, want_);                \
		check_report(got_ == want_, (what), __FILE__, __LINE__, d_);                \
	} while (0)

#define CHECK_STR(got, want, what)                                                          \
	do {                                                                                \
		const char *got_ = (got), *want_ = (want);                                  \
		char d_[512];                                                               \
		snprintf(d_, sizeof d_, "got '%.200s', want '%.200s'", got_ ? got_ : "(null)", \
			 want_);                                                            \
		check_report(got_ && strcmp(got_, want_) == 0, (what), __FILE__, __LINE__, d_); \
	} while (0)

static inline void check_skip(const char *what, const char *why)
{
	printf("skip - %s: %s\n", what, why);
}

static inline int check_exit(void)
{
	return check_failed_count ? 1 : 0;
}

#endif
