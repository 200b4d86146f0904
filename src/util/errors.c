/* errors.c: words for every error code (see errors.h). The codes are numbered here as their
 * headers number them, from each stage's base (util stays a leaf: it includes no stage);
 * tests/unit/test_errors.c checks each name against its words. */
#include "util/errors.h"

#include <string.h>

const char *pf_strerror(int code)
{
	switch (code) {
	case -(PF_ERR_MEM + 1): return "address not mapped in the target";     /* MEM_EFAULT */
	case -(PF_ERR_MEM + 2): return "the target has exited";                /* MEM_EGONE */
	case -(PF_ERR_MEM + 3): return "not allowed to read the target's memory"; /* MEM_EPERM */
	case -(PF_ERR_WALK + 1): return "no interpreter state (starting or exiting)";
	case -(PF_ERR_WALK + 2): return "a pointer in the target led nowhere";
	case -(PF_ERR_WALK + 3): return "stack deeper than pyflame follows";
	case -(PF_ERR_WALK + 4): return "the frame chain loops";
	case -(PF_ERR_DISCOVER + 1): return "no such process";
	case -(PF_ERR_DISCOVER + 2): return "not a CPython process";
	case -(PF_ERR_DISCOVER + 3): return "the interpreter's state cannot be found";
	case -(PF_ERR_DISCOVER + 4): return "the Python version cannot be told";
	}
	if (code < 0 && code > -PF_ERR_BASE)
		return strerror(-code);
	return "unknown error";
}
