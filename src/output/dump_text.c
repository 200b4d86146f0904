/* dump_text.c: writing a -d snapshot: per thread a header "TID:" ("TID*:" for the GIL holder)
 * with the thread's name, then its frames innermost first, one per line. */
#include <inttypes.h>

#include "output/output.h"
#include "profile/profile.h"
#include "profile/snapshot.h"

int out_dump_write(const struct profile *p, const struct dump_thread *threads, size_t n,
		   const struct out_options *o, FILE *f)
{
	for (size_t i = 0; i < n; i++) {
		const struct dump_thread *d = &threads[i];
		if (fprintf(f, "%s%d%s: %s (ident 0x%" PRIx64 ")\n", i ? "\n" : "", (int)d->tid,
			    d->holds_gil ? "*" : "", d->name[0] ? d->name : "?", d->ident) < 0)
			return -1;
		if (d->stack == INTERN_NONE) {
			if (fprintf(f, "  (no Python frames)\n") < 0)
				return -1;
			continue;
		}
		struct prof_stack s = profile_stack(p, d->stack);
		for (size_t k = s.n; k-- > 0;) {
			const struct prof_frame *fr = profile_frame_get(p, s.frames[k]);
			int rc = o->line_numbers
					 ? fprintf(f, "  %s:%s:%d\n", profile_string(p, fr->file),
						   profile_string(p, fr->func), (int)fr->line)
					 : fprintf(f, "  %s:%s\n", profile_string(p, fr->file),
						   profile_string(p, fr->func));
			if (rc < 0)
				return -1;
		}
	}
	return fflush(f) == 0 ? 0 : -1;
}

int out_dump_process(const struct profile *p, uint32_t pid, FILE *f)
{
	const char *name = profile_process_name(p, pid);
	return fprintf(f, "Process %u%s%s%s:\n", pid, name ? " (" : "", name ? name : "",
		       name ? ")" : "") < 0 ? -1 : 0;
}
