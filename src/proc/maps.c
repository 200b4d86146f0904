/* maps.c: parsing /proc/PID/maps. */
#include "proc/maps.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/procfs.h"
#include "util/grow.h"

int proc_maps_parse(const char *text, struct proc_maps *out)
{
	out->v = NULL;
	out->n = 0;
	size_t cap = 0;
	const char *line = text;
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		struct proc_map m = { 0 };
		int path_at = 0;
		char l[4096 + 256];
		if (len < sizeof l) {
			memcpy(l, line, len);
			l[len] = '\0';
			if (sscanf(l, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %*s %*s %n", &m.start,
				   &m.end, m.perms, &m.offset, &path_at) >= 4 &&
			    path_at > 0) {
				if (grow_array((void **)&out->v, &cap, out->n + 1, sizeof *out->v) < 0)
					goto nomem;
				m.path = strdup(l + path_at);
				if (!m.path)
					goto nomem;
				out->v[out->n++] = m;
			}
		}
		line += len;
		if (*line == '\n')
			line++;
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
