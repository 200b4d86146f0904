/* discover.h: finding a CPython in a process: which binary holds it, its version, and the
 * addresses of the state the walker starts from. Uses the maps and the ELF symbols only: the
 * target is never asked to run anything. */
#ifndef PYFLAME_PYTHON_DISCOVER_H
#define PYFLAME_PYTHON_DISCOVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "python/version.h"
#include "util/errors.h"

/* What discovery found; everything the walker needs besides memory. Also what a recorded
 * image stores in its metadata, so that replay needs no ELF file and no process. */
struct py_target {
	struct py_version version;
	uint64_t runtime;        /* &_PyRuntime (3.7+), else 0 */
	uint64_t interp_head;    /* &interp_head (2.7, 3.6), else 0 */
	uint64_t tstate_current; /* &_PyThreadState_Current (2.7, 3.6), else 0 */
	uint64_t code_type;      /* &PyCode_Type, to vet code objects; 0 when unknown */
	/* 3.6's GIL, in statics of ceval_gil.h found in .symtab (from 3.7 it lies in
	 * _PyRuntime): &gil_locked, &gil_last_holder, &gil_switch_number; 0 when unknown */
	uint64_t gil_locked, gil_last_holder, gil_switch_number;
	char binary[512];        /* the file the state was found in, as the maps name it */
};

enum py_discover_error { /* util/errors.h: beyond every errno */
	PY_DISCOVER_OK = 0,
	PY_DISCOVER_NO_PROCESS = -(PF_ERR_DISCOVER + 1), /* the process is gone */
	PY_DISCOVER_NOT_PYTHON = -(PF_ERR_DISCOVER + 2), /* nothing in its maps is a CPython */
	PY_DISCOVER_NO_SYMBOLS = -(PF_ERR_DISCOVER + 3), /* a CPython, its state not found */
	PY_DISCOVER_NO_VERSION = -(PF_ERR_DISCOVER + 4), /* its version cannot be told (--abi) */
};

/* Discovers the interpreter in pid. abi, if not NULL, overrides the detected version.
 * Returns PY_DISCOVER_OK or a negative enum value, with a human-readable reason in err. */
int py_discover(pid_t pid, const struct py_version *abi, struct py_target *out, char *err,
		size_t errlen);

struct proc_map;
struct elf_file;

/* Opens the ELF file behind mapping m of pid as the target sees it: through /proc/PID/map_files
 * (works when the file was deleted or lives in another mount namespace), then /proc/PID/root,
 * then the plain path. Returns 0 and *out (elf_file_free), or a negative errno. */
int py_open_mapped(pid_t pid, const struct proc_map *m, struct elf_file **out);

/* Writes t as "key value" lines (image metadata), and reads it back. */
int py_target_format(const struct py_target *t, char *buf, size_t cap);
int py_target_parse(const char *text, struct py_target *out);

#endif
