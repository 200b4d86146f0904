/* maps.h: a process's memory mappings, from /proc/PID/maps. */
#ifndef PYFLAME_PROC_MAPS_H
#define PYFLAME_PROC_MAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_map {
	uint64_t start, end, offset;
	char perms[5];
	char *path; /* "" for anonymous mappings; may end in " (deleted)" */
};

struct proc_maps {
	struct proc_map *v;
	size_t n;
};

/* Reads /proc/PID/maps. Returns 0, or a negative errno (-ENOENT: no such process). */
int proc_maps_read(pid_t pid, struct proc_maps *out);

/* Parses maps text (as the kernel writes it); lines it cannot parse are skipped. */
int proc_maps_parse(const char *text, struct proc_maps *out);

void proc_maps_release(struct proc_maps *m);

/* The file name part of a mapping's path ("libpython3.12.so.1.0"). */
const char *proc_map_basename(const struct proc_map *m);

#endif
