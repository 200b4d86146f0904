/* dump_json.c: a dump snapshot as one JSON document (the schema is in docs/pyflame.1):
 *
 *   {"pid": 4242, "python": "3.11", "threads": [
 *    {"id": 4242, "ident": 140245..., "name": "MainThread", "gil": false, "frames": [
 *     {"file": "/app/x.py", "function": "leaf", "line": 12, "locals": [
 *      {"name": "n", "type": "int", "repr": "3"}]},
 *     {"file": "libc.so.6", "function": "qsort", "line": 0, "native": true}]}]}
 *
 * innermost frame first, as the text dump prints them; "locals" only with --locals, on Python
 * frames, with "locals_note" when some are missing; "id" null when the OS thread could not be
 * told; after "threads", with --async, "asyncio": the process's tasks (dump_async.c), for each
 * process whose tasks were read. One line per frame and per local, so that the file can be read and grepped as it is.
 */
#include <inttypes.h>

#include "output/dump.h"
#include "output/json.h"
#include "output/output.h"
#include "profile/profile.h"
#include "profile/snapshot.h"

static int write_locals(const struct dump_snapshot *s, const struct dump_frame *fr, FILE *f)
{
	if (fputs(", \"locals\": [", f) == EOF)
		return -1;
	for (uint32_t i = 0; i < fr->n_locals; i++) {
		const struct dump_local *l = &s->locals[fr->first_local + i];
		if (fprintf(f, "%s\n   {\"name\": ", i ? "," : "") < 0 ||
		    json_string(f, dump_snapshot_text(s, l->name)) != 0 ||
		    fputs(", \"type\": ", f) == EOF ||
		    json_string(f, dump_snapshot_text(s, l->type)) != 0 ||
		    fputs(", \"repr\": ", f) == EOF ||
		    json_string(f, dump_snapshot_text(s, l->repr)) != 0 || putc('}', f) == EOF)
			return -1;
	}
	if (putc(']', f) == EOF)
		return -1;
	const char *note = dump_frame_note(fr);
	if (note && (fputs(", \"locals_note\": ", f) == EOF || json_string(f, note) != 0))
		return -1;
	return 0;
}

static int write_frames(const struct profile *p, const struct dump_snapshot *s,
			const struct dump_thread *d, FILE *f)
{
	if (fputs(", \"frames\": [", f) == EOF)
		return -1;
	if (d->stack == INTERN_NONE)
		return putc(']', f) == EOF ? -1 : 0;
	struct prof_stack st = profile_stack(p, d->stack);
	for (size_t k = st.n; k-- > 0;) {
		const struct prof_frame *fr = profile_frame_get(p, st.frames[k]);
		const struct dump_frame *df = k < d->n_frames ? &s->frames[d->first_frame + k] : NULL;
		if (fprintf(f, "%s\n  {\"file\": ", k + 1 < st.n ? "," : "") < 0 ||
		    json_string(f, profile_string(p, fr->file)) != 0 ||
		    fputs(", \"function\": ", f) == EOF ||
		    json_string(f, profile_string(p, fr->func)) != 0 ||
		    fprintf(f, ", \"line\": %d", (int)fr->line) < 0)
			return -1;
		if (df && !df->python && fputs(", \"native\": true", f) == EOF)
			return -1;
		if (df && df->python && s->with_locals && write_locals(s, df, f) != 0)
			return -1;
		if (putc('}', f) == EOF)
			return -1;
	}
	return putc(']', f) == EOF ? -1 : 0;
}

static int write_process(const struct profile *p, const struct dump_snapshot *s, FILE *f)
{
	if (fprintf(f, "{\"pid\": %" PRIu32 ", \"python\": \"%d.%d\", \"threads\": [", s->pid,
		    s->major, s->minor) < 0)
		return -1;
	for (size_t i = 0; i < s->n_threads; i++) {
		const struct dump_thread *d = &s->threads[i];
		char id[24] = "null";
		if (d->tid > 0)
			snprintf(id, sizeof id, "%d", (int)d->tid);
		if (fprintf(f, "%s\n {\"id\": %s, \"ident\": %" PRIu64 ", \"name\": ", i ? "," : "",
			    id, d->ident) < 0 ||
		    json_string(f, d->name[0] ? d->name : "?") != 0 ||
		    fprintf(f, ", \"gil\": %s", d->holds_gil ? "true" : "false") < 0 ||
		    write_frames(p, s, d, f) != 0 || putc('}', f) == EOF)
			return -1;
	}
	if (putc(']', f) == EOF ||
	    (s->with_tasks &&
	     (fputs(",\n \"asyncio\": ", f) == EOF || out_dump_async_json(&s->tasks, f) != 0)))
		return -1;
	return putc('}', f) == EOF ? -1 : 0;
}

int out_dump_json_write(const struct profile *p, const struct dump_snapshot *s, size_t n,
			int processes, const struct out_options *o, FILE *f)
{
	(void)o; /* o->line_numbers is for the text: a JSON frame always has its line */
	if (processes && fputs("{\"processes\": [", f) == EOF)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((i && fputs(",\n", f) == EOF) || (processes && i == 0 && putc('\n', f) == EOF) ||
		    write_process(p, &s[i], f) != 0)
			return -1;
	if ((processes && fputs("]}", f) == EOF) || putc('\n', f) == EOF)
		return -1;
	return fflush(f) == 0 ? 0 : -1;
}
