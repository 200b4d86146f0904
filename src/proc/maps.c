/* maps.c: parsing /proc/PID/maps. */
#include "proc/maps.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/procfs.h"
#include "util/grow.h"

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				    : -1;
}

/* The hex number at *p (before end), then *p past it. Returns 0 when there is none or it
 * does not fit in 64 bits. */
static int hex_field(const char **p, const char *end, uint64_t *out)
{
	const char *q = *p;
	uint64_t v = 0;
	int d;
	while (q < end && (d = hex_digit(*q)) >= 0) {
		if (v >> 60)
			return 0;
		v = v << 4 | (uint64_t)d;
		q++;
	}
	if (q == *p)
		return 0;
	*out = v;
	*p = q;
	return 1;
}

/* *p past the field there (anything up to a space) and the spaces after it; 0 when there is
 * no field. */
static int skip_field(const char **p, const char *end)
{
	const char *q = *p;
	while (q < end && *q != ' ')
		q++;
	if (q == *p)
		return 0;
	while (q < end && *q == ' ')
		q++;
	*p = q;
	return 1;
}

/* One line, [line, end) without its newline: "start-end perms offset dev inode   path", the
 * path empty for anonymous memory. Returns 1 with *m filled but for its path, which starts at
 * *path; 0 when the line is not of that shape. By hand, not sscanf: a target's few hundred
 * lines were a third of the time discovery took. */
static int parse_line(const char *line, const char *end, struct proc_map *m, const char **path)
{
	const char *p = line;
	if (!hex_field(&p, end, &m->start) || p == end || *p++ != '-' ||
	    !hex_field(&p, end, &m->end) || p == end || *p++ != ' ')
		return 0;
	size_t k = 0;
	while (p < end && *p != ' ' && k < sizeof m->perms - 1)
		m->perms[k++] = *p++;
	m->perms[k] = '\0';
	if (!k || p == end || *p++ != ' ' || !hex_field(&p, end, &m->offset) || p == end ||
	    *p++ != ' ' || !skip_field(&p, end) || !skip_field(&p, end))
		return 0;
	*path = p;
	return 1;
}

int proc_maps_parse(const char *text, struct proc_maps *out)
{
	out->v = NULL;
	out->n = 0;
	size_t cap = 0;
	const char *line = text;
	while (*line) {
		const char *eol = strchr(line, '\n');
		const char *end = eol ? eol : line + strlen(line);
		struct proc_map m = { 0 };
		const char *path;
		if (parse_line(line, end, &m, &path)) {
			if (grow_array((void **)&out->v, &cap, out->n + 1, sizeof *out->v) < 0)
				goto nomem;
			m.path = strndup(path, (size_t)(end - path));
			if (!m.path)
				goto nomem;
			out->v[out->n++] = m;
		}
		line = eol ? eol + 1 : end;
	}
	return 0;
nomem:
	proc_maps_release(out);
	return -ENOMEM;
}

int proc_maps_read(pid_t pid, struct proc_maps *out)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	char *text = NULL;
	int rc = procfs_slurp(path, &text);
	if (rc < 0)
		return rc;
	rc = proc_maps_parse(text, out);
	free(text);
	return rc;
}

void proc_maps_release(struct proc_maps *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

const char *proc_map_basename(const struct proc_map *m)
{
	const char *slash = strrchr(m->path, '/');
	return slash ? slash + 1 : m->path;
}
