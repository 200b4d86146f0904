/* version.c: telling a CPython's version from its ELF file and file name. */
#include "python/version.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "elf/file.h"

/* The majors this profiler knows; anything else is a false hit (another library's version). */
static int plausible(int major, int minor)
{
	return (major == 2 || major == 3) && minor >= 0 && minor <= 99;
}

/* Decodes PY_VERSION_HEX (0xMMmmppLS). Returns 0, or -1 when it is not a 2.x/3.x version. */
static int from_hex(uint64_t hex, struct py_version *out)
{
	if (hex >> 32)
		return -1; /* an 8-byte read of a value that only uses the low 32 bits */
	int major = (int)(hex >> 24 & 0xff), minor = (int)(hex >> 16 & 0xff);
	if (!plausible(major, minor))
		return -1;
	*out = (struct py_version){ major, minor, (int)(hex >> 8 & 0xff) };
	return 0;
}

/* Parses 1 or 2 decimal digits at *p (no sign, no leading junk). Returns the value or -1.
 * CPython never writes a version part with a leading zero, so "07" is refused: otherwise the
 * ABI form "207" would pass as 2.7 and "301" as 3.1. */
static int small_number(const char **p)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -1;
	int v = *s++ - '0';
	if (*s >= '0' && *s <= '9') {
		if (v == 0)
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	if (*s >= '0' && *s <= '9')
		return -1; /* three digits: not a minor or micro we would believe */
	*p = s;
	return v;
}

/* 3.11+: `const unsigned long Py_Version = PY_VERSION_HEX;` in .rodata. */
static int from_py_version(const struct elf_file *f, struct py_version *out)
{
	uint64_t addr, hex;
	if (elf_file_symbol(f, "Py_Version", &addr) != 0 ||
	    elf_file_read_vaddr(f, addr, &hex, sizeof hex) != 0)
		return -1;
	return from_hex(hex, out);
}

/* 3.13+: _PyRuntime starts with _Py_DebugOffsets, whose cookie "xdebugpy" is followed by
 * PY_VERSION_HEX as a uint64_t. The section name is the fallback for builds that do not
 * export _PyRuntime. */
static int from_debug_offsets(const struct elf_file *f, struct py_version *out)
{
	uint64_t addr, size;
	unsigned char head[16];
	if (elf_file_symbol(f, "_PyRuntime", &addr) != 0 &&
	    elf_file_section(f, ".PyRuntime", &addr, &size) != 0)
		return -1;
	if (elf_file_read_vaddr(f, addr, head, sizeof head) != 0 || memcmp(head, "xdebugpy", 8) != 0)
		return -1;
	uint64_t hex;
	memcpy(&hex, head + 8, sizeof hex);
	return from_hex(hex, out);
}

/* "libpython3.12.so.1.0", "libpython3.6m.so", "python2.7", "python3.13t": the interpreter's
 * file names carry major.minor (plus ABI flag letters up to 3.7, and 't' for free-threaded). */
static int from_name(const char *name, struct py_version *out)
{
	if (!name)
		return -1;
	const char *slash = strrchr(name, '/');
	const char *s = slash ? slash + 1 : name;
	if (strncmp(s, "lib", 3) == 0)
		s += 3;
	if (strncmp(s, "python", 6) != 0)
		return -1;
	s += 6;
	if (*s < '0' || *s > '9')
		return -1;
	int major = *s++ - '0';
	if (*s++ != '.')
		return -1; /* "libpython3.so" (the stable ABI shim) stops here */
	int minor = small_number(&s);
	if (minor < 0 || !plausible(major, minor))
		return -1;
	while (*s == 'd' || *s == 'm' || *s == 'u' || *s == 't')
		s++;
	/* ' ': /proc/PID/maps appends " (deleted)" to a file replaced while the target runs
	 * (a package upgrade), and the basename is passed on as it is. */
	if (*s != '\0' && strncmp(s, ".so", 3) != 0 && *s != '-' && *s != ' ')
		return -1;
	*out = (struct py_version){ major, minor, -1 };
	return 0;
}

/* Parses "M.m.p" with an optional release tail ("a1", "rc2", "+") filling all of s..end. */
static int parse_full_version(const char *s, const char *end, struct py_version *out)
{
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -1;
	int major = *p++ - '0';
	if (*p++ != '.')
		return -1;
	int minor = small_number(&p);
	if (minor < 0 || *p++ != '.')
		return -1;
	int micro = small_number(&p);
	if (micro < 0 || !plausible(major, minor))
		return -1;
	if (p < end && (*p == 'a' || *p == 'b' || *p == 'c' || *p == 'r')) {
		while (p < end && (*p == 'a' || *p == 'b' || *p == 'c' || *p == 'r'))
			p++;
		if (small_number(&p) < 0)
			return -1;
	}
	if (p < end && *p == '+')
		p++;
	if (p != end)
		return -1;
	*out = (struct py_version){ major, minor, micro };
	return 0;
}

static int version_cmp(const struct py_version *a, const struct py_version *b)
{
	if (a->major != b->major)
		return a->major - b->major;
	if (a->minor != b->minor)
		return a->minor - b->minor;
	return a->micro - b->micro;
}

struct rodata_scan {
	const struct py_version *want; /* when set, only a version with this major.minor counts */
	struct py_version best;
	int found;
};

/* PY_VERSION is "3.11.2"; the linker may merge it into the tail of a longer string such as the
 * install prefix "/root/.pyenv/versions/3.12.1", so a tail after '/' or '-' counts too. Other
 * version-like strings exist (Debian's binary also holds "3.2.0", the kernel ABI it targets),
 * so among several candidates the highest wins: embedded versions of other things are older
 * than the interpreter, in practice. */
static int rodata_candidate(const char *s, size_t len, void *arg)
{
	struct rodata_scan *st = arg;
	const char *end = s + len;
	const char *tail = s;
	for (const char *p = end; p > s; p--) {
		if (p[-1] == '/' || p[-1] == '-') {
			tail = p;
			break;
		}
	}
	struct py_version v;
	if (parse_full_version(tail, end, &v) != 0)
		return 0;
	if (st->want && (v.major != st->want->major || v.minor != st->want->minor))
		return 0;
	if (!st->found || version_cmp(&v, &st->best) > 0)
		st->best = v;
	st->found = 1;
	return 0;
}

static int from_rodata(const struct elf_file *f, const struct py_version *want,
		       struct py_version *out)
{
	struct rodata_scan st = { .want = want };
	/* A wanted major.minor is looked for as "M.m.", which every candidate then holds. */
	char needle[16] = "";
	if (want)
		snprintf(needle, sizeof needle, "%d.%d.", want->major, want->minor);
	elf_file_rodata_strings(f, 5, needle, rodata_candidate, &st); /* "2.7.1" is the shortest */
	if (!st.found)
		return -1;
	*out = st.best;
	return 0;
}

int py_version_detect(const struct elf_file *f, const char *name, struct py_version *out)
{
	if (from_py_version(f, out) == 0 || from_debug_offsets(f, out) == 0)
		return 0;
	struct py_version v;
	if (from_name(name, &v) == 0) {
		/* The name gives only major.minor; a matching .rodata string can add the micro
		 * without any risk of changing what the name said. */
		struct py_version r;
		if (from_rodata(f, &v, &r) == 0)
			v.micro = r.micro;
		*out = v;
		return 0;
	}
	return from_rodata(f, NULL, out);
}

int py_version_parse_abi(const char *s, struct py_version *out)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	int major = *s++ - '0';
	if (*s == '.')
		s++;
	int minor = small_number(&s);
	if (minor < 0 || *s != '\0' || !plausible(major, minor))
		return -1;
	*out = (struct py_version){ major, minor, -1 };
	return 0;
}
