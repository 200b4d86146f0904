/* test_elf.c: elf_file and py_version_* against the interpreters installed on this machine,
 * plus hostile inputs (garbage, truncated and corrupted copies of real ELF files).
 *
 * Every expected address and version below was read from the real files with nm -D, nm,
 * readelf -lS and xxd; a missing file is a skip, not a failure. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "elf/file.h"
#include "python/version.h"

#define PYENV "/root/.pyenv/versions/"

struct lib_case {
	const char *path, *name; /* name: the basename, as discover passes it */
	int major, minor, micro;
	/* State symbols and their st_value (nm). For 2.7/3.6, sym2 is the static interp_head. */
	const char *sym1;
	uint64_t val1;
	const char *sym2;
	uint64_t val2;
	uint64_t py_version_addr; /* 0: no Py_Version (before 3.11) */
	uint64_t py_version_hex;
};

/* Micro versions for 2.7-3.10 come from the install prefix string in .rodata
 * ("/root/.pyenv/versions/3.9.18"), whose tail the linker shares with PY_VERSION. */
static const struct lib_case libs[] = {
	{ PYENV "2.7.18/lib/libpython2.7.so.1.0", "libpython2.7.so.1.0", 2, 7, 18,
	  "_PyThreadState_Current", 0x1f76c8, "interp_head", 0x1f76d0, 0, 0 },
	{ PYENV "3.6.15/lib/libpython3.6m.so.1.0", "libpython3.6m.so.1.0", 3, 6, 15,
	  "_PyThreadState_Current", 0x2feed0, "interp_head", 0x2feee0, 0, 0 },
	{ PYENV "3.7.16/lib/libpython3.7m.so.1.0", "libpython3.7m.so.1.0", 3, 7, 16,
	  "_PyRuntime", 0x32fe20, NULL, 0, 0, 0 },
	{ PYENV "3.8.18/lib/libpython3.8.so.1.0", "libpython3.8.so.1.0", 3, 8, 18,
	  "_PyRuntime", 0x372e00, NULL, 0, 0, 0 },
	{ PYENV "3.9.18/lib/libpython3.9.so.1.0", "libpython3.9.so.1.0", 3, 9, 18,
	  "_PyRuntime", 0x3acf60, NULL, 0, 0, 0 },
	{ PYENV "3.10.13/lib/libpython3.10.so.1.0", "libpython3.10.so.1.0", 3, 10, 13,
	  "_PyRuntime", 0x3a8660, NULL, 0, 0, 0 },
	{ PYENV "3.11.7/lib/libpython3.11.so.1.0", "libpython3.11.so.1.0", 3, 11, 7,
	  "_PyRuntime", 0x54e540, NULL, 0, 0x3871b0, 0x030b07f0 },
	{ PYENV "3.12.1/lib/libpython3.12.so.1.0", "libpython3.12.so.1.0", 3, 12, 1,
	  "_PyRuntime", 0x643340, NULL, 0, 0x3d30f0, 0x030c01f0 },
	{ PYENV "3.13.0/lib/libpython3.13.so.1.0", "libpython3.13.so.1.0", 3, 13, 0,
	  "_PyRuntime", 0x5294c0, NULL, 0, 0x3937b0, 0x030d00f0 },
};

static char msg[512];
#define WHAT(...) (snprintf(msg, sizeof msg, __VA_ARGS__), msg)

static int exists(const char *path)
{
	return access(path, R_OK) == 0;
}

static void check_symbol(struct elf_file *f, const char *label, const char *sym, uint64_t want)
{
	uint64_t v = 0;
	int rc = elf_file_symbol(f, sym, &v);
	CHECK_INT(rc, 0, WHAT("%s: symbol %s found", label, sym));
	if (rc == 0)
		CHECK_INT(v, want, WHAT("%s: symbol %s value", label, sym));
}

/* The strings a scan passed on, as "offset:length" in one growing text. */
struct seen {
	const char *base;
	const char *needle; /* when set, only strings that hold it are kept */
	char text[8192];
	size_t n, count;
};

static int seen_cb(const char *s, size_t len, void *arg)
{
	struct seen *st = arg;
	if (!st->base)
		st->base = s;
	if (st->needle && !memmem(s, len, st->needle, strlen(st->needle)))
		return 0;
	/* Offsets from the first string the whole scan met (the needle scan is given it). */
	int w = snprintf(st->text + st->n, sizeof st->text - st->n, "%td:%zu ", s - st->base, len);
	if (w > 0 && st->n + (size_t)w < sizeof st->text)
		st->n += (size_t)w;
	st->count++;
	return 0;
}

/* The needle scan (to each hit, then the string around it) passes on exactly the strings of
 * the byte-by-byte scan that hold the needle: the install prefix that carries the micro. */
static void check_needle_scan(struct elf_file *f, const char *label, int major, int minor)
{
	char needle[16];
	snprintf(needle, sizeof needle, "%d.%d.", major, minor);
	struct seen all = { .needle = needle }, found = { 0 };
	elf_file_rodata_strings(f, 5, NULL, seen_cb, &all);
	found.base = all.base; /* offsets from the same place: the whole scan's first string */
	elf_file_rodata_strings(f, 5, needle, seen_cb, &found);
	CHECK(all.count >= 1, WHAT("%s: .rodata holds a string with \"%s\"", label, needle));
	CHECK_INT(found.count, all.count, WHAT("%s: the needle scan finds as many", label));
	CHECK_STR(found.text, all.text, WHAT("%s: the needle scan finds the same strings", label));
}

static void test_lib(const struct lib_case *c)
{
	const char *label = c->name;
	if (!exists(c->path)) {
		check_skip(WHAT("%s", label), WHAT("%s not installed", c->path));
		return;
	}
	struct elf_file *f = NULL;
	int rc = elf_file_open(c->path, &f);
	CHECK_INT(rc, 0, WHAT("%s: elf_file_open", label));
	if (rc != 0)
		return;
	CHECK_INT(elf_file_is_exec(f), 0, WHAT("%s: is a shared object", label));
	CHECK_INT(elf_file_base_vaddr(f), 0, WHAT("%s: base vaddr", label));
	check_symbol(f, label, c->sym1, c->val1);
	if (c->sym2)
		check_symbol(f, label, c->sym2, c->val2);

	uint64_t v;
	CHECK_INT(elf_file_symbol(f, "no_such_symbol_here", &v), -ENOENT,
		  WHAT("%s: unknown symbol is -ENOENT", label));
	CHECK_INT(elf_file_symbol(f, "PyCode_Type", &v), 0, WHAT("%s: PyCode_Type", label));
	/* libpython imports malloc from libc: an undefined entry must not count as a symbol. */
	CHECK_INT(elf_file_symbol(f, "malloc", &v), -ENOENT,
		  WHAT("%s: undefined (imported) malloc is not a symbol", label));

	if (c->py_version_addr) {
		uint64_t hex = 0;
		check_symbol(f, label, "Py_Version", c->py_version_addr);
		CHECK_INT(elf_file_read_vaddr(f, c->py_version_addr, &hex, sizeof hex), 0,
			  WHAT("%s: read Py_Version", label));
		CHECK_INT(hex, c->py_version_hex, WHAT("%s: Py_Version value", label));
	} else {
		CHECK_INT(elf_file_symbol(f, "Py_Version", &v), -ENOENT,
			  WHAT("%s: no Py_Version before 3.11", label));
	}

	/* 2.7/3.6 state lives in .bss: past p_filesz, so it reads as zero from the file. */
	if (c->major == 2 || c->minor == 6) {
		uint64_t word = 0xdeadbeef;
		CHECK_INT(elf_file_read_vaddr(f, c->val1, &word, sizeof word), 0,
			  WHAT("%s: read .bss", label));
		CHECK_INT(word, 0, WHAT("%s: .bss reads as zero", label));
	}
	if (c->minor >= 10 && c->major == 3) {
		uint64_t addr = 0, size = 0;
		CHECK_INT(elf_file_section(f, ".PyRuntime", &addr, &size), 0,
			  WHAT("%s: .PyRuntime section", label));
		CHECK_INT(addr, c->val1, WHAT("%s: .PyRuntime starts at _PyRuntime", label));
	}
	if (c->major == 3 && c->minor == 13) {
		char cookie[9] = { 0 };
		CHECK_INT(elf_file_read_vaddr(f, c->val1, cookie, 8), 0,
			  WHAT("%s: read debug cookie", label));
		CHECK_STR(cookie, "xdebugpy", WHAT("%s: _Py_DebugOffsets cookie", label));
	}
	CHECK_INT(elf_file_read_vaddr(f, UINT64_MAX - 4, &v, sizeof v), -EFAULT,
		  WHAT("%s: read at a wrapping address is -EFAULT", label));
	CHECK_INT(elf_file_read_vaddr(f, 0x7f0000000000, &v, sizeof v), -EFAULT,
		  WHAT("%s: read outside every segment is -EFAULT", label));

	struct py_version pv = { 0, 0, 0 };
	CHECK_INT(py_version_detect(f, c->name, &pv), 0, WHAT("%s: version detected", label));
	CHECK_INT(pv.major, c->major, WHAT("%s: major", label));
	CHECK_INT(pv.minor, c->minor, WHAT("%s: minor", label));
	CHECK_INT(pv.micro, c->micro, WHAT("%s: micro", label));

	check_needle_scan(f, label, c->major, c->minor);

	/* Without a name: Py_Version or the .rodata scan alone must still tell. */
	pv = (struct py_version){ 0, 0, 0 };
	CHECK_INT(py_version_detect(f, NULL, &pv), 0, WHAT("%s: version detected (no name)", label));
	CHECK_INT(pv.major * 10000 + pv.minor * 100 + pv.micro,
		  c->major * 10000 + c->minor * 100 + c->micro,
		  WHAT("%s: version without a name", label));
	elf_file_free(f);
}

static int find_string_cb(const char *s, size_t len, void *arg)
{
	const char *want = arg;
	return len == strlen(want) && memcmp(s, want, len) == 0 ? 7 : 0;
}

static void test_debian_python(void)
{
	const char *path = "/usr/bin/python3.11", *label = "debian python3.11";
	if (!exists(path)) {
		check_skip(label, "/usr/bin/python3.11 not installed");
		return;
	}
	struct elf_file *f = NULL;
	int rc = elf_file_open(path, &f);
	CHECK_INT(rc, 0, "debian python3.11: elf_file_open");
	if (rc != 0)
		return;
	CHECK_INT(elf_file_is_exec(f), 1, "debian python3.11: ET_EXEC");
	CHECK_INT(elf_file_base_vaddr(f), 0x400000, "debian python3.11: base vaddr (readelf -l)");
	/* Stripped: no .symtab, but .dynsym still exports the state (nm -D). */
	check_symbol(f, label, "_PyRuntime", 0xa5b740);
	check_symbol(f, label, "Py_Version", 0x8cc3e8);
	uint64_t addr = 0, size = 0;
	CHECK_INT(elf_file_section(f, ".PyRuntime", &addr, &size), 0,
		  "debian python3.11: .PyRuntime section");
	CHECK_INT(addr, 0xa5b740, "debian python3.11: .PyRuntime addr");
	CHECK_INT(size, 0x28b20, "debian python3.11: .PyRuntime size");
	CHECK_INT(elf_file_section(f, ".symtab", &addr, &size), -ENOENT,
		  "debian python3.11: stripped, no .symtab");
	uint64_t hex = 0;
	CHECK_INT(elf_file_read_vaddr(f, 0x8cc3e8, &hex, sizeof hex), 0,
		  "debian python3.11: read Py_Version");
	CHECK_INT(hex, 0x030b02f0, "debian python3.11: Py_Version value");
	/* readelf -p .rodata: a standalone "3.11.2" (PY_VERSION) and "3.2.0" (another version
	 * string, the trap for a scan that takes the first hit). */
	CHECK_INT(elf_file_rodata_strings(f, 5, NULL, find_string_cb, (void *)"3.11.2"), 7,
		  "debian python3.11: .rodata holds \"3.11.2\"");
	CHECK_INT(elf_file_rodata_strings(f, 5, NULL, find_string_cb, (void *)"3.2.0"), 7,
		  "debian python3.11: .rodata holds \"3.2.0\"");
	CHECK_INT(elf_file_rodata_strings(f, 7, NULL, find_string_cb, (void *)"3.11.2"), 0,
		  "debian python3.11: min_len filters short strings");

	struct py_version pv = { 0, 0, 0 };
	CHECK_INT(py_version_detect(f, "python3.11", &pv), 0, "debian python3.11: version detected");
	CHECK_INT(pv.major, 3, "debian python3.11: major");
	CHECK_INT(pv.minor, 11, "debian python3.11: minor");
	CHECK_INT(pv.micro, 2, "debian python3.11: micro");
	elf_file_free(f);
}

/* An ELF with no Python in it: only the name can tell, and then without a micro. */
static void test_name_only(void)
{
	const char *path = "/bin/true";
	if (!exists(path)) {
		check_skip("version from the file name", "/bin/true missing");
		return;
	}
	struct elf_file *f = NULL;
	int rc = elf_file_open(path, &f);
	CHECK_INT(rc, 0, "/bin/true: elf_file_open");
	if (rc != 0)
		return;
	static const struct {
		const char *name;
		int rc, major, minor;
	} names[] = {
		{ "libpython2.7.so.1.0", 0, 2, 7 },
		{ "libpython3.6m.so.1.0", 0, 3, 6 },
		{ "libpython3.12.so.1.0", 0, 3, 12 },
		{ "/usr/lib/libpython3.12.so", 0, 3, 12 },
		{ "python3.11", 0, 3, 11 },
		{ "python2.7", 0, 2, 7 },
		{ "python3.13t", 0, 3, 13 },
		/* maps names a file replaced under the running target this way */
		{ "python2.7 (deleted)", 0, 2, 7 },
		{ "libpython3.12.so.1.0 (deleted)", 0, 3, 12 },
		{ "python3.07", -1, 0, 0 },
		{ "libpython3.so", -1, 0, 0 },
		{ "python3", -1, 0, 0 },
		{ "python4.1", -1, 0, 0 },
		{ "python3.11x", -1, 0, 0 },
		{ "libc.so.6", -1, 0, 0 },
		{ NULL, -1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *n = names[i].name ? names[i].name : "(null)";
		struct py_version pv = { 0, 0, 0 };
		rc = py_version_detect(f, names[i].name, &pv);
		CHECK_INT(rc, names[i].rc, WHAT("name %s: result", n));
		if (rc == 0 && names[i].rc == 0) {
			CHECK_INT(pv.major * 100 + pv.minor, names[i].major * 100 + names[i].minor,
				  WHAT("name %s: major.minor", n));
			CHECK_INT(pv.micro, -1, WHAT("name %s: micro unknown", n));
		}
	}
	elf_file_free(f);
}

static void test_parse_abi(void)
{
	static const struct {
		const char *s;
		int rc, major, minor;
	} cases[] = {
		{ "27", 0, 2, 7 },    { "2.7", 0, 2, 7 },   { "36", 0, 3, 6 },
		{ "3.6", 0, 3, 6 },   { "310", 0, 3, 10 },  { "3.10", 0, 3, 10 },
		{ "313", 0, 3, 13 },  { "3.13", 0, 3, 13 }, { "3.0", 0, 3, 0 },
		{ "", -1, 0, 0 },     { "4", -1, 0, 0 },    { "3", -1, 0, 0 },
		{ "3.", -1, 0, 0 },   { "3.x", -1, 0, 0 },  { "3.1000", -1, 0, 0 },
		{ "3100", -1, 0, 0 }, { "3.12a", -1, 0, 0 }, { "3.12 ", -1, 0, 0 },
		{ "3.12.1", -1, 0, 0 }, { "4.1", -1, 0, 0 }, { "1.5", -1, 0, 0 },
		{ "..3", -1, 0, 0 },  { "-3.1", -1, 0, 0 }, { " 3.1", -1, 0, 0 },
		/* leading zeros: "207" must not pass as 2.7, nor "301" as 3.1 */
		{ "207", -1, 0, 0 },  { "301", -1, 0, 0 },  { "3.01", -1, 0, 0 },
		{ "3.07", -1, 0, 0 }, { "30", 0, 3, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct py_version pv = { 9, 9, 9 };
		int rc = py_version_parse_abi(cases[i].s, &pv);
		CHECK_INT(rc, cases[i].rc, WHAT("parse_abi '%s': result", cases[i].s));
		if (rc == 0 && cases[i].rc == 0) {
			CHECK_INT(pv.major, cases[i].major, WHAT("parse_abi '%s': major", cases[i].s));
			CHECK_INT(pv.minor, cases[i].minor, WHAT("parse_abi '%s': minor", cases[i].s));
			CHECK_INT(pv.micro, -1, WHAT("parse_abi '%s': micro", cases[i].s));
		}
	}
	CHECK_INT(py_version_parse_abi(NULL, &(struct py_version){ 0, 0, 0 }), -1,
		  "parse_abi NULL");
}

/* Reads a whole file into memory. Returns NULL on failure. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			unsigned char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = b;
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	fclose(fp);
	*len = n;
	return buf;
}

static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	const unsigned char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return close(fd);
}

static int count_cb(const char *s, size_t len, void *arg)
{
	(void)s;
	*(size_t *)arg += len;
	return 0;
}

/* Exercises every query on a file that did open: none may crash or read out of bounds (the
 * sanitizer build is what makes this a real check). */
static void poke(struct elf_file *f)
{
	uint64_t v, a, s;
	unsigned char buf[64];
	struct py_version pv;
	size_t total = 0;
	(void)elf_file_symbol(f, "_PyRuntime", &v);
	(void)elf_file_symbol(f, "Py_Version", &v);
	(void)elf_file_section(f, ".rodata", &a, &s);
	(void)elf_file_read_vaddr(f, elf_file_base_vaddr(f), buf, sizeof buf);
	(void)elf_file_rodata_strings(f, 4, NULL, count_cb, &total);
	(void)py_version_detect(f, "libpython3.12.so.1.0", &pv);
	(void)py_version_detect(f, NULL, &pv);
}

static void test_hostile(const char *tmpdir)
{
	char path[256];
	snprintf(path, sizeof path, "%s/garbage", tmpdir);
	struct elf_file *f = NULL;

	CHECK_INT(elf_file_open("/nonexistent/libpython3.12.so.1.0", &f), -ENOENT,
		  "missing file is -ENOENT");
	CHECK(f == NULL, "missing file leaves *out NULL");
	CHECK_INT(elf_file_open(tmpdir, &f), -ENOEXEC, "a directory is -ENOEXEC");
	elf_file_free(NULL); /* NULL-safe: must simply return */

	static const char text[] = "this is not an ELF file at all, just some text\n";
	write_file(path, text, sizeof text - 1);
	CHECK_INT(elf_file_open(path, &f), -ENOEXEC, "text file is -ENOEXEC");
	write_file(path, "", 0);
	CHECK_INT(elf_file_open(path, &f), -ENOEXEC, "empty file is -ENOEXEC");

	/* An ELF magic followed by noise: libelf must not be trusted to catch all of it. */
	unsigned char noise[4096];
	uint32_t seed = 12345;
	for (size_t i = 0; i < sizeof noise; i++) {
		seed = seed * 1103515245u + 12345u;
		noise[i] = (unsigned char)(seed >> 16);
	}
	memcpy(noise, "\177ELF\2\1\1", 7);
	write_file(path, noise, sizeof noise);
	int rc = elf_file_open(path, &f);
	CHECK(rc < 0 || f != NULL, "ELF magic plus noise fails cleanly");
	if (rc == 0)
		poke(f), elf_file_free(f);

	const char *real = PYENV "3.12.1/lib/libpython3.12.so.1.0";
	if (!exists(real))
		real = "/bin/true";
	size_t len = 0;
	unsigned char *img = exists(real) ? slurp(real, &len) : NULL;
	if (!img || len < 8192) {
		check_skip("truncated ELF", "no real ELF file to copy");
		free(img);
		return;
	}
	/* Every cut drops the section header table at the end of the file, and the smaller
	 * ones land inside PT_LOAD bytes too: the file no longer holds what its headers
	 * promise, so open must refuse it. */
	const size_t cuts[] = { 4, 16, 63, 64, 200, 4096, len / 2, len - len / 4, len - 1 };
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		write_file(path, img, cuts[i]);
		f = NULL;
		rc = elf_file_open(path, &f);
		CHECK(rc < 0 && f == NULL, WHAT("truncated copy (%zu of %zu bytes) refused", cuts[i],
						 len));
		elf_file_free(f);
	}

	/* Random byte corruption of the headers, program headers and section headers of a
	 * small real ELF. */
	free(img);
	img = exists("/bin/true") ? slurp("/bin/true", &len) : NULL;
	if (!img || len < 1024) {
		check_skip("corrupted ELF", "/bin/true missing");
		free(img);
		return;
	}
	unsigned char *copy = malloc(len);
	int opened = 0, refused = 0;
	for (int round = 0; round < 300 && copy; round++) {
		memcpy(copy, img, len);
		for (int k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % 2 ? (seed >> 9) % 1024 : len - 1 - (seed >> 9) % 2048;
			seed = seed * 1103515245u + 12345u;
			copy[at % len] = (unsigned char)(seed >> 16);
		}
		write_file(path, copy, len);
		f = NULL;
		rc = elf_file_open(path, &f);
		if (rc == 0) {
			opened++;
			poke(f);
			elf_file_free(f);
		} else {
			refused++;
		}
	}
	free(copy);
	CHECK_INT(opened + refused, 300,
		  WHAT("300 corrupted copies of /bin/true handled (%d opened)", opened));
	free(img);
	unlink(path);
}

int main(void)
{
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
		test_lib(&libs[i]);
	test_debian_python();
	test_name_only();
	test_parse_abi();

	char tmpdir[] = "/tmp/test_elf.XXXXXX";
	if (mkdtemp(tmpdir)) {
		test_hostile(tmpdir);
		char path[256];
		snprintf(path, sizeof path, "%s/garbage", tmpdir);
		unlink(path);
		rmdir(tmpdir);
	} else {
		check_skip("hostile files", "mkdtemp failed");
	}
	return check_exit();
}
