/* errors.h: the one error convention of every stage. A call that can fail returns 0 (or a
 * count) when it succeeds and a negative code when it does not: -errno for what the system
 * said, or one of the project's own codes, which all lie beyond -PF_ERR_BASE so that no code
 * of one stage can be mistaken for an errno of another (Linux's errno values stay below 4096).
 * Each stage names its codes in its own header from its base below; pf_strerror says any code
 * in words. */
#ifndef PYFLAME_UTIL_ERRORS_H
#define PYFLAME_UTIL_ERRORS_H

#define PF_ERR_BASE 4096
#define PF_ERR_MEM (PF_ERR_BASE + 0)       /* mem/reader.h: MEM_E* */
#define PF_ERR_WALK (PF_ERR_BASE + 16)     /* python/walker.h: PY_WALK_* */
#define PF_ERR_DISCOVER (PF_ERR_BASE + 32) /* python/discover.h: PY_DISCOVER_* */

/* What code means: the project's words for its own codes, strerror's for -errno. */
const char *pf_strerror(int code);

#endif
