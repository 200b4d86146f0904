/* test_errors.c: the one error convention. Every project code lies beyond the errno range and
 * is distinct from every other, and pf_strerror has words for each (the ones its table gives
 * that code's name), and strerror's for an errno. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "mem/reader.h"
#include "python/discover.h"
#include "python/walker.h"
#include "util/errors.h"

int main(void)
{
	static const struct {
		int code;
		const char *words;
	} codes[] = {
		{ MEM_EFAULT, "address not mapped in the target" },
		{ MEM_EGONE, "the target has exited" },
		{ MEM_EPERM, "not allowed to read the target's memory" },
		{ PY_WALK_NOT_READY, "no interpreter state (starting or exiting)" },
		{ PY_WALK_BAD_READ, "a pointer in the target led nowhere" },
		{ PY_WALK_TOO_DEEP, "stack deeper than pyflame follows" },
		{ PY_WALK_CYCLE, "the frame chain loops" },
		{ PY_DISCOVER_NO_PROCESS, "no such process" },
		{ PY_DISCOVER_NOT_PYTHON, "not a CPython process" },
		{ PY_DISCOVER_NO_SYMBOLS, "the interpreter's state cannot be found" },
		{ PY_DISCOVER_NO_VERSION, "the Python version cannot be told" },
	};
	size_t n = sizeof codes / sizeof codes[0];
	int beyond = 1, distinct = 1;
	for (size_t i = 0; i < n; i++) {
		beyond &= codes[i].code <= -PF_ERR_BASE;
		for (size_t j = i + 1; j < n; j++)
			distinct &= codes[i].code != codes[j].code;
		CHECK_STR(pf_strerror(codes[i].code), codes[i].words, codes[i].words);
	}
	CHECK(beyond, "every project code lies beyond the errno range");
	CHECK(distinct, "no two project codes are the same");
	CHECK(PY_WALK_TOO_DEEP != -ENOMEM && PY_WALK_BAD_READ != -EAGAIN && MEM_EPERM != -ESRCH,
	      "the codes that once met an errno do not any more");
	CHECK_STR(pf_strerror(-ESRCH), strerror(ESRCH), "an errno in strerror's words");
	return check_exit();
}
