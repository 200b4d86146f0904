/* version.h: telling a CPython's version from its binary, without running anything. */
#ifndef PYFLAME_PYTHON_VERSION_H
#define PYFLAME_PYTHON_VERSION_H

struct elf_file;

struct py_version {
	int major, minor, micro;
};

/* Finds the version of the interpreter in f, which was mapped from a file named `name` (the
 * basename from /proc/PID/maps, e.g. "libpython3.12.so.1.0" or "python3.11"). In order:
 * Py_Version (3.11+), the _Py_DebugOffsets version in .PyRuntime (3.13+), the file name,
 * version strings in .rodata. Returns 0, or -1 when nothing tells (micro may be -1 when only
 * major.minor is known). */
int py_version_detect(const struct elf_file *f, const char *name, struct py_version *out);

/* Parses "2.7", "27", "3.12", "312" (the --abi forms). Returns 0, or -1. */
int py_version_parse_abi(const char *s, struct py_version *out);

#endif
