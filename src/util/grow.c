/* grow.c: growing an array by doubling. */
#include "util/grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

int grow_array(void **v, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap && *v)
		return 0;
	size_t nc = *cap ? *cap : 16;
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return -ENOMEM;
		nc *= 2;
	}
	if (elem && nc > SIZE_MAX / elem)
		return -ENOMEM;
	void *nv = realloc(*v, nc * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}
