/* unwinder.h: the native stage's own state, shared by its files (unwind.c: the process state
 * and the walk; modules.c: the maps and the files behind them; symbols.c: names). Not for use
 * outside src/native/. */
#ifndef PYFLAME_NATIVE_UNWINDER_H
#define PYFLAME_NATIVE_UNWINDER_H

#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc/regs.h"

/* One module as reported to libdwfl: a run of mappings of one file, one load of it. */
struct native_module {
	uint64_t start, end;         /* the first mapping's start, the last one's end */
	uint64_t first_end;          /* the first mapping's end: /proc/PID/map_files names it */
	char *path;                  /* as /proc/PID/maps shows it; "[vdso]" for the vDSO */
};

struct native_symcache_entry {
	uint64_t key; /* pc << 1 | activation; 0: empty */
	const char *module, *function, *source;
	uint64_t offset;
	int line;
	uint64_t start, end; /* the function's extent; 0, 0 without one */
};

/* A function's extent, as its symbol gave it: an address in it is named without a search of
 * the module's symbols. */
struct native_function {
	uint64_t start, end;
	Dwfl_Module *mod;
	const char *module, *name;
};

struct native_unwinder {
	pid_t pid;
	struct mem_reader *mem;
	Dwfl_Callbacks callbacks; /* libdwfl keeps a pointer to it */
	Dwfl *dwfl;
	unsigned char arch_ehdr[64]; /* an ELF header naming x86-64 for dwfl_attach_state */
	Elf *arch_elf;

	struct native_module *mods; /* as last reported, in address order */
	size_t n_mods;
	void **images; /* copies of in-memory ELF images (the vDSO) whose Elf libdwfl holds */
	size_t n_images, images_cap;
	int stale;            /* native_maps_changed was called */
	uint64_t maps_read_ns; /* when /proc/PID/maps was last read (clock_now_ns) */

	/* The thread being unwound, for the thread callbacks. */
	pid_t tid;
	const struct native_regs *regs;
	unsigned reads_left; /* memory words the unwind may still read */

	struct native_symcache_entry *cache; /* open addressing, NATIVE_SYMCACHE_SIZE slots */
	size_t cache_used;
	struct native_function *functions; /* sorted by start; emptied with the cache when the
					    * modules change */
	size_t n_functions, functions_cap;
	char **names; /* symbol names without their version ("memcpy" of "memcpy@GLIBC_2.2.5") */
	size_t n_names, names_cap;
	char text[320]; /* frame_function for an unnamed address */
};

/* Reads /proc/PID/maps and reports its modules to libdwfl when they differ from the last ones
 * (libdwfl keeps every module reported again unchanged, with what it loaded); the symbol cache
 * is emptied then. Returns 1 when the modules changed, 0 when not, or a negative errno. */
int native_modules_refresh(struct native_unwinder *u);

/* Forgets the modules and the in-memory images (after dwfl_end). */
void native_modules_release(struct native_unwinder *u);

/* libdwfl's Dwfl_Callbacks: files found from the maps, debug info by build ID, offline. */
void native_modules_callbacks(Dwfl_Callbacks *cb);

/* The module that holds addr, or NULL. dwfl_addrmodule alone is not enough: libdwfl 0.188
 * gives the module before some gaps between modules (after one that ends where the next
 * starts) for addresses in the gap, and the module below for its end address. */
Dwfl_Module *native_module_at(struct native_unwinder *u, uint64_t addr);

/* Empties the symbol cache and the known functions (the modules changed); frees them when
 * release is set. */
void native_symcache_clear(struct native_unwinder *u, int release);

#endif
