/* stats.c: the words for why samples were lost. */
#include "sample/stats.h"

const char *sample_error_text(enum sample_error e)
{
	static const char *const text[SAMPLE_ERR_COUNT] = {
		[SAMPLE_ERR_PAUSE] = "could not stop the target",
		[SAMPLE_ERR_THREADS] = "thread list unreadable",
		[SAMPLE_ERR_STACK] = "stack unreadable",
		[SAMPLE_ERR_TOO_DEEP] = "stack too deep (truncated)",
		[SAMPLE_ERR_CODE] = "code object unreadable",
		[SAMPLE_ERR_NOT_READY] = "no interpreter state (starting, exiting, or wrong --abi)",
	};
	return e >= 0 && e < SAMPLE_ERR_COUNT ? text[e] : "?";
}

uint64_t sample_errors_total(const struct sample_stats *st)
{
	uint64_t n = 0;
	for (int i = 0; i < SAMPLE_ERR_COUNT; i++)
		n += st->errors[i];
	return n;
}
