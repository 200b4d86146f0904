/* dump_text.c: writing a dump snapshot as text: per thread a header "TID:" ("TID*:" for the
 * GIL holder) with the thread's name, then its frames innermost first, one per line, and with
 * `pyflame dump --locals` each Python frame's locals under it. */
#include <inttypes.h>

#include "output/dump.h"
#include "output/output.h"
#include "profile/profile.h"
#include "profile/snapshot.h"

/* The locals of frame fr (of snapshot s) under it. *said_limit: the dump's size limit was
 * said for this thread already. */
static int write_locals(const struct dump_snapshot *s, const struct dump_frame *fr,
			int *said_limit, FILE *f)
{
	for (uint32_t i = 0; i < fr->n_locals; i++) {
		const struct dump_local *l = &s->locals[fr->first_local + i];
		if (fprintf(f, "    %s = %s\n", dump_snapshot_text(s, l->name),
			    dump_snapshot_text(s, l->repr)) < 0)
			return -1;
	}
	const char *note = dump_frame_note(fr);
	if (!note)
		return 0;
	if (fr->locals == DUMP_LOCALS_LEFT_OUT) {
		/* once, at the first frame left out: every frame outside it is too */
		if (*said_limit)
			return 0;
		*said_limit = 1;
	}
	return fprintf(f, "    (%s)\n", note) < 0 ? -1 : 0;
}

/* The threads, with their frames' locals when s says them (s may be NULL: a -d snapshot). */
static int write_threads(const struct profile *p, const struct dump_thread *threads, size_t n,
			 const struct dump_snapshot *s, const struct out_options *o, FILE *f)
{
	for (size_t i = 0; i < n; i++) {
		const struct dump_thread *d = &threads[i];
		int said_limit = 0;
		if (fprintf(f, "%s%d%s: %s (ident 0x%" PRIx64 ")\n", i ? "\n" : "", (int)d->tid,
			    d->holds_gil ? "*" : "", d->name[0] ? d->name : "?", d->ident) < 0)
			return -1;
		if (d->stack == INTERN_NONE) {
			if (fprintf(f, "  (no Python frames)\n") < 0)
				return -1;
			continue;
		}
		struct prof_stack st = profile_stack(p, d->stack);
		for (size_t k = st.n; k-- > 0;) {
			const struct prof_frame *fr = profile_frame_get(p, st.frames[k]);
			int rc = o->line_numbers
					 ? fprintf(f, "  %s:%s:%d\n", profile_string(p, fr->file),
						   profile_string(p, fr->func), (int)fr->line)
					 : fprintf(f, "  %s:%s\n", profile_string(p, fr->file),
						   profile_string(p, fr->func));
			if (rc < 0)
				return -1;
			if (s && k < d->n_frames &&
			    write_locals(s, &s->frames[d->first_frame + k], &said_limit, f) != 0)
				return -1;
		}
	}
	return fflush(f) == 0 ? 0 : -1;
}

int out_dump_write(const struct profile *p, const struct dump_thread *threads, size_t n,
		   const struct out_options *o, FILE *f)
{
	return write_threads(p, threads, n, NULL, o, f);
}

int out_dump_text_write(const struct profile *p, const struct dump_snapshot *s,
			const struct out_options *o, FILE *f)
{
	return write_threads(p, s->threads, s->n_threads, s, o, f);
}

int out_dump_process(const struct profile *p, uint32_t pid, FILE *f)
{
	const char *name = profile_process_name(p, pid);
	if (fprintf(f, "Process %u", pid) < 0)
		return -1;
	if (name) {
		/* one line, whatever the command line holds (python -c "a\nb") */
		if (fputs(" (", f) == EOF)
			return -1;
		for (const char *c = name; *c; c++)
			if (putc((unsigned char)*c < 0x20 ? ' ' : *c, f) == EOF)
				return -1;
		if (putc(')', f) == EOF)
			return -1;
	}
	return fputs(":\n", f) == EOF ? -1 : 0;
}
