/* modules.c: the target's mapped ELF files as libdwfl modules, and how libdwfl finds the files.
 *
 * Modules come from proc/maps.c's parser, not dwfl_linux_proc_report: the files are then opened
 * the way the rest of pyflame opens them (through /proc/PID/map_files, then /proc/PID/root, so a
 * target in another mount namespace works), and the vDSO image is read through the unwinder's
 * memory reader instead of libdwfl opening /proc/PID/mem itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/reader.h"
#include "native/unwinder.h"
#include "proc/maps.h"
#include "util/clock.h"
#include "util/grow.h"

/* A vDSO is two pages; anything much larger under that name is not one to copy. */
#define VDSO_MAX (1u << 20)

static int is_module_path(const char *path)
{
	return path[0] == '/' || strcmp(path, "[vdso]") == 0;
}

/* Groups the maps into modules: consecutive mappings of one path are one load of that file
 * (anonymous mappings in between, such as .bss, do not split it), and a mapping of the same
 * path at file offset 0 starts another load. Only loads with an executable mapping count: a
 * return address can lie in nothing else, and data files (locale archives, fonts, mmapped
 * databases) are not opened as ELF for nothing. */
static int group_modules(const struct proc_maps *maps, struct native_module **out, size_t *n_out)
{
	struct native_module *v = NULL;
	size_t n = 0, cap = 0;
	int open = 0, exec = 0; /* a group is open; it has an executable mapping */
	for (size_t i = 0; i <= maps->n; i++) {
		const struct proc_map *m = i < maps->n ? &maps->v[i] : NULL;
		if (m && !is_module_path(m->path))
			continue;
		if (open && m && strcmp(m->path, v[n].path) == 0 && m->offset != 0) {
			v[n].end = m->end;
			exec |= m->perms[2] == 'x';
			continue;
		}
		if (open) { /* close the group: keep it or drop it */
			if (exec)
				n++;
			else
				free(v[n].path);
			open = 0;
		}
		if (!m)
			break;
		if (grow_array((void **)&v, &cap, n + 1, sizeof *v) < 0)
			goto nomem;
		v[n] = (struct native_module){ .start = m->start, .end = m->end,
					       .first_end = m->end, .path = strdup(m->path) };
		if (!v[n].path)
			goto nomem;
		open = 1;
		exec = m->perms[2] == 'x';
	}
	*out = v;
	*n_out = n;
	return 0;
nomem:
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	return -ENOMEM;
}

static int same_modules(const struct native_module *a, size_t na, const struct native_module *b,
			size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (a[i].start != b[i].start || a[i].end != b[i].end ||
		    a[i].first_end != b[i].first_end || strcmp(a[i].path, b[i].path) != 0)
			return 0;
	return 1;
}

static void free_modules(struct native_module *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

int native_modules_refresh(struct native_unwinder *u)
{
	struct proc_maps maps;
	u->maps_read_ns = clock_now_ns();
	u->stale = 0;
	int rc = proc_maps_read(u->pid, &maps);
	if (rc < 0)
		return rc;
	struct native_module *mods;
	size_t n;
	rc = group_modules(&maps, &mods, &n);
	proc_maps_release(&maps);
	if (rc < 0)
		return rc;
	if (u->mods && same_modules(u->mods, u->n_mods, mods, n)) {
		free_modules(mods, n);
		return 0;
	}
	dwfl_report_begin(u->dwfl);
	for (size_t i = 0; i < n; i++) {
		Dwfl_Module *dm = dwfl_report_module(u->dwfl, mods[i].path, mods[i].start,
						     mods[i].end);
		void **userdata;
		/* find_elf gets the module's user data: the unwinder, for its pid, reader and
		 * module list. A module that cannot be reported (libdwfl refuses overlaps) is
		 * left out; addresses in it are then in no module. */
		if (dm && dwfl_module_info(dm, &userdata, NULL, NULL, NULL, NULL, NULL, NULL))
			*userdata = u;
	}
	dwfl_report_end(u->dwfl, NULL, NULL);
	free_modules(u->mods, u->n_mods);
	u->mods = mods;
	u->n_mods = n;
	native_symcache_clear(u, 0);
	return 1;
}

void native_modules_release(struct native_unwinder *u)
{
	free_modules(u->mods, u->n_mods);
	u->mods = NULL;
	u->n_mods = 0;
	for (size_t i = 0; i < u->n_images; i++)
		free(u->images[i]);
	free(u->images);
	u->images = NULL;
	u->n_images = u->images_cap = 0;
}

Dwfl_Module *native_module_at(struct native_unwinder *u, uint64_t addr)
{
	Dwfl_Module *mod = dwfl_addrmodule(u->dwfl, addr);
	Dwarf_Addr low, high;
	if (mod && dwfl_module_info(mod, NULL, &low, &high, NULL, NULL, NULL, NULL) &&
	    addr >= low && addr < high)
		return mod;
	return NULL;
}

static const struct native_module *module_at(const struct native_unwinder *u, uint64_t start)
{
	for (size_t i = 0; i < u->n_mods; i++)
		if (u->mods[i].start == start)
			return &u->mods[i];
	return NULL;
}

/* Opens path read-only if it is a regular file: a mapped device could block a read. */
static int open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The vDSO's image, copied out of the target through the reader and kept until close: the Elf
 * libdwfl makes of it reads the copy for as long as the module lives. */
static Elf *vdso_elf(struct native_unwinder *u, const struct native_module *m)
{
	size_t size = (size_t)(m->end - m->start);
	if (size == 0 || size > VDSO_MAX ||
	    grow_array((void **)&u->images, &u->images_cap, u->n_images + 1, sizeof *u->images) < 0)
		return NULL;
	char *img = malloc(size);
	if (!img)
		return NULL;
	Elf *elf = NULL;
	if (mem_read(u->mem, m->start, img, size) == 0)
		elf = elf_memory(img, size);
	if (!elf) {
		free(img);
		return NULL;
	}
	u->images[u->n_images++] = img;
	return elf;
}

/* Dwfl_Callbacks.find_elf: returns an open fd (libdwfl takes it) and the name it was opened by,
 * or -1 with *elfp set (an in-memory image) or not (nothing found: the module has no symbols and
 * no CFI, and unwinding through it falls back on frame pointers). */
static int find_elf(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr base,
		    char **file_name, Elf **elfp)
{
	(void)mod;
	(void)name;
	struct native_unwinder *u = *userdata;
	const struct native_module *m = u ? module_at(u, base) : NULL;
	if (!m)
		return -1;
	if (m->path[0] != '/') {
		*elfp = vdso_elf(u, m);
		return -1;
	}
	/* As python/discover.c opens libpython: map_files works for a deleted file or another
	 * mount namespace but wants privileges; /proc/PID/root then; the path last. */
	char path[4096 + 64];
	int fd = -1;
	for (int way = 0; way < 3 && fd < 0; way++) {
		if (way == 0)
			snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
				 (int)u->pid, m->start, m->first_end);
		else if (way == 1)
			snprintf(path, sizeof path, "/proc/%d/root%s", (int)u->pid, m->path);
		else
			snprintf(path, sizeof path, "%s", m->path);
		fd = open_regular(path);
	}
	if (fd < 0)
		return -1;
	*file_name = strdup(path);
	if (!*file_name) {
		close(fd);
		return -1;
	}
	return fd;
}

void native_modules_callbacks(Dwfl_Callbacks *cb)
{
	/* Separate debug info by build ID only (under /usr/lib/debug/.build-id, the default
	 * debuginfo_path): dwfl_standard_find_debuginfo would ask debuginfod servers over the
	 * network when DEBUGINFOD_URLS is set (libdebuginfod-common's profile script sets it for
	 * logins). A file found by build ID is one libdwfl checked to belong to the module. */
	*cb = (Dwfl_Callbacks){
		.find_elf = find_elf,
		.find_debuginfo = dwfl_build_id_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
}
