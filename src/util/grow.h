/* grow.h: growing an array by doubling, the one way every table of the program grows. */
#ifndef PYFLAME_UTIL_GROW_H
#define PYFLAME_UTIL_GROW_H

#include <stddef.h>

/* Makes *v (room for *cap elements of elem bytes) hold at least need elements, doubling from
 * 16 or from *cap. Returns 0, or -ENOMEM (also when the size would overflow), leaving *v and
 * *cap as they were. New elements are not initialised. */
int grow_array(void **v, size_t *cap, size_t need, size_t elem);

#endif
