/* flamechart.c: time-ordered samples, for flame charts (Pyflame's --flamechart format). */
#include <inttypes.h>
#include <stdlib.h>

#include "output/output.h"
#include "profile/profile.h"

int out_flamechart_write(const struct profile *p, const struct out_options *o, FILE *f)
{
	size_t n = profile_stack_count(p);
	/* Each distinct stack is rendered once, however many samples it has. */
	char **text = calloc(n ? n : 1, sizeof *text);
	int rc = -1;
	if (!text)
		return -1;
	for (size_t i = 0; i < p->n_events; i++) {
		const struct prof_event *e = &p->events[i];
		const char *line = "(idle)";
		if (e->stack == INTERN_NONE) {
			if (!o->include_idle)
				continue;
		} else {
			if (!text[e->stack]) {
				struct prof_stack s = profile_stack(p, e->stack);
				text[e->stack] = out_render_stack(p, &s, o);
				if (!text[e->stack])
					goto out;
			}
			line = text[e->stack];
		}
		if (fprintf(f, "%" PRIu64 "\n%s;\n", e->time_us, line) < 0)
			goto out;
	}
	rc = fflush(f) == 0 ? 0 : -1;
out:
	for (size_t i = 0; i < n; i++)
		free(text[i]);
	free(text);
	return rc;
}
