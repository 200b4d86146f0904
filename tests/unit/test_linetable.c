/* test_linetable.c: the line-table decoders (src/python/linetable.c) against what each
 * interpreter reports, plus hand-built edge cases and hostile bytes.
 *
 * The fixtures in tests/unit/data/linetable/<version>.txt were written by
 * tools/gen-linetable-fixtures: every code object of a fixed set of sources, its raw table, and
 * the line that interpreter's own PyCode_Addr2Line gives for every instruction index. The
 * format is described at the top of tools/linetable_dump.py. The directory is argv[1], or
 * tests/unit/data/linetable from the repository root (where tests are run). */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "python/linetable.h"

#define DEFAULT_DIR "tests/unit/data/linetable"
/* Mismatch details printed per fixture file before the rest are only counted. */
#define SHOW_MAX 5

static char msg[512];
#define WHAT(...) (snprintf(msg, sizeof msg, __VA_ARGS__), msg)

/* The interpreters the committed fixtures came from: one that goes missing is a skip. */
static const char *const generated[] = {
	"2.7.18", "3.6.15", "3.7.16", "3.8.18", "3.9.18",
	"3.10.13", "3.11.2", "3.11.7", "3.12.1", "3.13.0",
};
#define N_GENERATED (sizeof generated / sizeof generated[0])

/* ---- fixtures ---- */

struct fixture_stats {
	long codes, indices, mismatches, errors;
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the hex token ("-" is the empty table) into a malloc'd buffer of exactly its
 * length, so the sanitizer build notices any read past it. Returns 0, or -1 on bad hex. */
static int unhex(const char *s, uint8_t **out, size_t *len)
{
	size_t n = strcmp(s, "-") == 0 ? 0 : strlen(s);
	if (n % 2)
		return -1;
	uint8_t *buf = malloc(n / 2 ? n / 2 : 1);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(buf);
			return -1;
		}
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = buf;
	*len = n / 2;
	return 0;
}

static const char *kind_token(enum py_linetable_kind k)
{
	switch (k) {
	case PY_LNOTAB_27:
		return "27";
	case PY_LNOTAB_36:
		return "36";
	case PY_LINETABLE_310:
		return "310";
	case PY_LOCATIONS_311:
		return "311";
	}
	return "?";
}

struct fixture_reader {
	const char *file;
	long lineno;
	enum py_linetable_kind kind;
	int have_version, have_code;
	struct py_line_table table;
	char label[256];
	long covered, nindex; /* run coverage of the current code object, to check the file */
	struct fixture_stats st;
};

static void fixture_problem(struct fixture_reader *r, const char *what)
{
	if (r->st.errors++ < SHOW_MAX)
		printf("# %s:%ld: %s\n", r->file, r->lineno, what);
}

static void expect(struct fixture_reader *r, int64_t index, int want)
{
	int got = py_line_table_lookup(&r->table, index);
	r->st.indices++;
	if (got != want && r->st.mismatches++ < SHOW_MAX)
		printf("# %s:%ld: %s: index %lld: got line %d, PyCode_Addr2Line says %d\n", r->file,
		       r->lineno, r->label, (long long)index, got, want);
}

static void end_code(struct fixture_reader *r)
{
	if (r->have_code && r->covered != r->nindex)
		fixture_problem(r, WHAT("%s: runs cover %ld of %ld indices", r->label, r->covered,
					r->nindex));
	py_line_table_release(&r->table);
	r->have_code = 0;
}

/* "code <kind> <firstlineno> <nindex> <hex> <label>" */
static void start_code(struct fixture_reader *r, char *line)
{
	char kind[8], hex_start;
	int firstlineno, consumed = 0;
	long nindex;

	end_code(r);
	if (!r->have_version) {
		fixture_problem(r, "code before the version line");
		return;
	}
	if (sscanf(line, "code %7s %d %ld %n%c", kind, &firstlineno, &nindex, &consumed,
		   &hex_start) != 4 ||
	    consumed == 0) {
		fixture_problem(r, "malformed code line");
		return;
	}
	char *hex = line + consumed, *label = strchr(hex, ' ');
	if (!label) {
		fixture_problem(r, "code line without a label");
		return;
	}
	*label++ = '\0';
	snprintf(r->label, sizeof r->label, "%s", label);
	if (strcmp(kind, kind_token(r->kind)) != 0)
		fixture_problem(r, WHAT("%s: table kind %s, but the version says %s", r->label,
					kind, kind_token(r->kind)));
	uint8_t *bytes;
	size_t len;
	if (unhex(hex, &bytes, &len) != 0) {
		fixture_problem(r, WHAT("%s: bad hex", r->label));
		return;
	}
	/* Every table an interpreter wrote is well formed. */
	if (py_line_table_decode(r->kind, bytes, len, firstlineno, &r->table) != 0)
		fixture_problem(r, WHAT("%s: decode failed on the interpreter's own table",
					r->label));
	free(bytes);
	r->st.codes++;
	r->have_code = 1;
	r->covered = 0;
	r->nindex = nindex;
}

static void read_fixture_line(struct fixture_reader *r, char *line)
{
	long long index, count;
	int want, major, minor, micro;

	line[strcspn(line, "\n")] = '\0';
	if (line[0] == '\0' || line[0] == '#')
		return;
	if (strncmp(line, "version ", 8) == 0) {
		if (sscanf(line, "version %d.%d.%d", &major, &minor, &micro) != 3) {
			fixture_problem(r, "malformed version line");
			return;
		}
		r->kind = py_linetable_kind_for(major, minor);
		r->have_version = 1;
	} else if (strncmp(line, "code ", 5) == 0) {
		start_code(r, line);
	} else if (sscanf(line, "at %lld %d", &index, &want) == 2) {
		if (r->have_code)
			expect(r, index, want);
	} else if (sscanf(line, "run %lld %lld %d", &index, &count, &want) == 3) {
		if (!r->have_code)
			return;
		if (index != r->covered || count <= 0)
			fixture_problem(r, WHAT("%s: run does not continue at %ld", r->label,
						r->covered));
		for (long long i = 0; i < count; i++)
			expect(r, index + i, want);
		r->covered = (long)(index + count);
	} else {
		fixture_problem(r, "unknown record");
	}
}

static void check_fixture(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f) {
		CHECK(0, WHAT("fixture %s can be opened", name));
		return;
	}
	struct fixture_reader r = { .file = name };
	char *line = NULL;
	size_t cap = 0;
	/* getline: the hex of a big module's table is one line of tens of KiB. */
	while (getline(&line, &cap, f) != -1) {
		r.lineno++;
		read_fixture_line(&r, line);
	}
	end_code(&r);
	free(line);
	fclose(f);
	if (!r.have_version)
		fixture_problem(&r, "no version line");
	char what[256], detail[128];
	snprintf(what, sizeof what,
		 "%s (%s format): %ld code objects, %ld indices as PyCode_Addr2Line gives them",
		 name, kind_token(r.kind), r.st.codes, r.st.indices);
	snprintf(detail, sizeof detail, "%ld mismatches, %ld fixture problems", r.st.mismatches,
		 r.st.errors);
	check_report(r.st.mismatches == 0 && r.st.errors == 0 && r.st.indices > 0, what, __FILE__,
		     __LINE__, detail);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_fixtures(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		check_skip("line-table fixtures",
			   WHAT("cannot open %s (run from the repository root, or run "
				"tools/gen-linetable-fixtures)",
				dir));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **v = realloc(names, cap * sizeof *v);
			if (!v)
				break;
			names = v;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);

	for (size_t i = 0; i < N_GENERATED; i++) {
		char want[64];
		int found = 0;
		snprintf(want, sizeof want, "%s.txt", generated[i]);
		for (size_t j = 0; j < n; j++)
			found |= strcmp(names[j], want) == 0;
		if (!found)
			check_skip(WHAT("fixture %s", want), "missing (run "
				   "tools/gen-linetable-fixtures with that interpreter)");
	}
	for (size_t j = 0; j < n; j++) {
		check_fixture(dir, names[j]);
		free(names[j]);
	}
	free(names);
}

/* ---- hand-built tables ---- */

/* Decodes a table held in a buffer of exactly its size (sanitizers then see over-reads). */
static int decode(enum py_linetable_kind kind, const uint8_t *bytes, size_t len, int first,
		  struct py_line_table *t)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return -2;
	if (len)
		memcpy(copy, bytes, len);
	int rc = py_line_table_decode(kind, copy, len, first, t);
	free(copy);
	return rc;
}

/* Every index in [0, n) against want[]; one check line. */
static void check_lines(const struct py_line_table *t, const int *want, size_t n,
			const char *what)
{
	for (size_t i = 0; i < n; i++) {
		int got = py_line_table_lookup(t, (int64_t)i);
		if (got != want[i]) {
			char d[96];
			snprintf(d, sizeof d, "index %zu: got %d, want %d", i, got, want[i]);
			check_report(0, what, __FILE__, __LINE__, d);
			return;
		}
	}
	check_report(1, what, __FILE__, __LINE__, "");
}

static void check_kind_for(void)
{
	CHECK(py_linetable_kind_for(2, 7) == PY_LNOTAB_27 &&
		      py_linetable_kind_for(3, 6) == PY_LNOTAB_36 &&
		      py_linetable_kind_for(3, 9) == PY_LNOTAB_36 &&
		      py_linetable_kind_for(3, 10) == PY_LINETABLE_310 &&
		      py_linetable_kind_for(3, 11) == PY_LOCATIONS_311 &&
		      py_linetable_kind_for(3, 12) == PY_LOCATIONS_311 &&
		      py_linetable_kind_for(3, 13) == PY_LOCATIONS_311,
	      "kind_for: 2.7, 3.6-3.9, 3.10 and 3.11+ each get their format");
}

static void check_empty(void)
{
	struct py_line_table t;
	int ok = 1;

	/* An empty co_lnotab puts every offset on co_firstlineno (a one-line function). */
	for (int k = PY_LNOTAB_27; k <= PY_LNOTAB_36; k++) {
		ok &= decode(k, NULL, 0, 7, &t) == 0 && t.n == 1;
		ok &= py_line_table_lookup(&t, 0) == 7 && py_line_table_lookup(&t, 1000000) == 7 &&
		      py_line_table_lookup(&t, -1) == 7;
		py_line_table_release(&t);
	}
	CHECK(ok, "empty co_lnotab: every offset is on firstlineno");

	/* 3.10 and 3.11+ tables cover the code; an empty one covers nothing. */
	ok = 1;
	for (int k = PY_LINETABLE_310; k <= PY_LOCATIONS_311; k++) {
		ok &= decode(k, NULL, 0, 7, &t) == 0 && t.n == 0;
		ok &= py_line_table_lookup(&t, 0) == -1 && py_line_table_lookup(&t, -1) == 7;
		py_line_table_release(&t);
	}
	CHECK(ok, "empty 3.10/3.11 table: no line at 0, firstlineno before the start");

	ok = py_line_table_decode(PY_LOCATIONS_311, NULL, 0, 3, &t) == 0 && t.n == 0;
	py_line_table_release(&t);
	py_line_table_release(&t); /* twice, as code.c may */
	py_line_table_release(NULL);
	CHECK(ok, "a NULL table of length 0 decodes; release is idempotent and NULL-safe");
}

static void check_lnotab(void)
{
	struct py_line_table t;

	/* (4,+2) (6,-2) (2,+5): the 3.6+ reading has a negative step, as 3.8+ compilers emit
	 * when an expression's last instruction belongs to its first line. */
	static const uint8_t neg[] = { 4, 2, 6, 0xfe, 2, 5 };
	static const int want36[] = { 10, 10, 10, 10, 12, 12, 12, 12, 12, 12, 10, 10, 15, 15 };
	CHECK_INT(decode(PY_LNOTAB_36, neg, sizeof neg, 10, &t), 0, "3.6 lnotab decodes");
	check_lines(&t, want36, 14, "3.6 lnotab: a negative line step (-2) goes back up");
	CHECK_INT(py_line_table_lookup(&t, INT64_MAX - 1), 15,
		  "3.6 lnotab: the last line holds for every offset after the last address");
	py_line_table_release(&t);

	/* The same bytes in 2.7, where line increments are unsigned: 0xfe is +254. */
	static const int want27[] = { 10, 10, 10, 10, 12, 12, 12, 12, 12, 12, 266, 266, 271 };
	decode(PY_LNOTAB_27, neg, sizeof neg, 10, &t);
	check_lines(&t, want27, 13, "2.7 lnotab: 0xfe is a step of +254");
	py_line_table_release(&t);

	/* Steps over 255: an address step of 300 is (255,0)(45,0), a line step of 300 is
	 * (0,127)(0,127)(0,46) in 3.6 (2.7 uses 255 as the largest line increment). */
	static const uint8_t big36[] = { 255, 0, 45, 0, 0, 127, 0, 127, 0, 46, 2, 1 };
	CHECK_INT(decode(PY_LNOTAB_36, big36, sizeof big36, 1, &t), 0, "multi-pair lnotab decodes");
	CHECK(py_line_table_lookup(&t, 299) == 1 && py_line_table_lookup(&t, 300) == 301 &&
		      py_line_table_lookup(&t, 301) == 301 &&
		      py_line_table_lookup(&t, 302) == 302 && t.n == 3,
	      "3.6 lnotab: a 300-byte step and a 300-line step split over pairs");
	py_line_table_release(&t);

	/* A line step at address 0, and a trailing odd byte (the interpreter ignores it). */
	static const uint8_t odd[] = { 0, 3, 4, 1, 9 };
	static const int want_odd[] = { 8, 8, 8, 8, 9, 9 };
	CHECK_INT(decode(PY_LNOTAB_36, odd, sizeof odd, 5, &t), 0, "odd-length lnotab decodes");
	check_lines(&t, want_odd, 6,
		    "lnotab: a step at address 0 applies at 0; an odd byte is ignored");
	py_line_table_release(&t);

	/* Same-line pairs merge into one range. */
	static const uint8_t same[] = { 2, 0, 2, 0, 2, 0, 2, 1 };
	decode(PY_LNOTAB_36, same, sizeof same, 5, &t);
	CHECK(t.n == 2 && t.ranges[0].start == 0 && t.ranges[0].end == 8 && t.ranges[0].line == 5 &&
		      t.ranges[1].start == 8 && t.ranges[1].line == 6,
	      "lnotab: pairs that keep the line merge into one range");
	py_line_table_release(&t);
}

static void check_310(void)
{
	struct py_line_table t;

	/* (4,+1) (2,-128) (6,+1): the -128 range has no line and does not move the running
	 * line, so the third range is first + 2, not first + 1 - 128 + 1. */
	static const uint8_t tbl[] = { 4, 1, 2, 0x80, 6, 1 };
	static const int want[] = { 11, 11, 11, 11, -1, -1, 12, 12, 12, 12, 12, 12, -1, -1 };
	CHECK_INT(decode(PY_LINETABLE_310, tbl, sizeof tbl, 10, &t), 0, "3.10 table decodes");
	check_lines(&t, want, 14, "3.10: a -128 range has no line and keeps the running line");
	CHECK(py_line_table_lookup(&t, INT64_MAX) == -1 && py_line_table_lookup(&t, -1) == 10,
	      "3.10: past the last range is -1, before the start is firstlineno");
	py_line_table_release(&t);

	/* A zero-length range only moves the line; same-line ranges merge. */
	static const uint8_t zero[] = { 0, 5, 4, 1, 2, 0, 2, 0 };
	static const int want_zero[] = { 16, 16, 16, 16, 16, 16, 16, 16, -1 };
	decode(PY_LINETABLE_310, zero, sizeof zero, 10, &t);
	check_lines(&t, want_zero, 9, "3.10: a zero-length range carries a line change only");
	CHECK_INT(t.n, 1, "3.10: adjacent ranges on one line merge");
	py_line_table_release(&t);
}

static void check_311(void)
{
	struct py_line_table t;

	static const uint8_t tbl[] = {
		0xd1, 0x00, 0x05,       /* one-line form, delta 0, 2 units, two column bytes */
		0xd8, 0x01, 0x02,       /* one-line form, delta +1, 1 unit */
		0xea, 0x07,             /* no columns, 3 units, signed varint 7 = -3 */
		0xf8,                   /* no location, 1 unit */
		0xf1, 0x48, 0x03, 0x00, /* long form, 2 units, line delta 200/2 = +100 (2 bytes), */
		0x01, 0x05,             /* ... end-line delta 0, columns */
		0x80, 0x11,             /* short form 0, 1 unit, same line */
	};
	static const int want[] = { 5, 5, 6, 3, 3, 3, -1, 103, 103, 103, -1 };
	CHECK_INT(decode(PY_LOCATIONS_311, tbl, sizeof tbl, 5, &t), 0, "3.11 table decodes");
	check_lines(&t, want, 11, "3.11: each entry form, a negative varint and a no-line entry");
	CHECK_INT(t.n, 5, "3.11: the short-form entry merges into the long-form one before it");
	CHECK(py_line_table_lookup(&t, 1000000) == -1 && py_line_table_lookup(&t, -5) == 5,
	      "3.11: past the last entry is -1, before the start is firstlineno");
	py_line_table_release(&t);

	/* A no-location entry keeps the running line for the entries after it. */
	static const uint8_t none[] = { 0xe8, 0x04, 0xf9, 0x80, 0x00 };
	static const int want_none[] = { 3, -1, -1, 3 };
	decode(PY_LOCATIONS_311, none, sizeof none, 1, &t);
	check_lines(&t, want_none, 4,
		    "3.11: the line after a no-location entry continues from before it");
	py_line_table_release(&t);
}

static void check_malformed(void)
{
	struct py_line_table t;
	static const struct {
		const char *what;
		enum py_linetable_kind kind;
		int first;
		uint8_t bytes[16];
		size_t len;
	} bad[] = {
		{ "3.11: a varint cut off by the end", PY_LOCATIONS_311, 4,
		  { 0x80, 0x00, 0xe8, 0x41 }, 4 },
		{ "3.11: a long form cut off after its line delta", PY_LOCATIONS_311, 4,
		  { 0xf0, 0x02, 0x00 }, 3 },
		{ "3.11: one-line form missing a column byte", PY_LOCATIONS_311, 4,
		  { 0xd0, 0x01 }, 2 },
		{ "3.11: short form missing its column byte", PY_LOCATIONS_311, 4, { 0x80 }, 1 },
		{ "3.11: an entry that does not start with bit 7", PY_LOCATIONS_311, 4,
		  { 0x80, 0x00, 0x12 }, 3 },
		{ "3.11: a varint longer than 32 bits", PY_LOCATIONS_311, 4,
		  { 0xe8, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00 }, 8 },
		{ "3.11: the line pushed past INT_MAX", PY_LOCATIONS_311, 0,
		  { 0xe8, 0x7e, 0x7f, 0x7f, 0x7f, 0x7f, 0x03, 0xe8, 0x7e, 0x7f, 0x7f, 0x7f, 0x7f,
		    0x03 },
		  14 },
		{ "2.7: the line pushed past INT_MAX", PY_LNOTAB_27, INT_MAX - 1,
		  { 0, 1, 0, 1 }, 4 },
		{ "3.6: the line pushed below INT_MIN", PY_LNOTAB_36, INT_MIN, { 2, 0xff }, 2 },
		{ "3.10: the line pushed past INT_MAX", PY_LINETABLE_310, INT_MAX, { 2, 1 }, 2 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = decode(bad[i].kind, bad[i].bytes, bad[i].len, bad[i].first, &t);
		/* The header's contract: -1, and the table left empty but usable. */
		CHECK(rc == -1 && t.n == 0 && t.ranges == NULL &&
			      py_line_table_lookup(&t, 0) == -1 &&
			      py_line_table_lookup(&t, -1) == bad[i].first,
		      WHAT("%s: -1 and an empty table", bad[i].what));
		py_line_table_release(&t);
	}

	/* The largest value a varint may carry is still read: 2^31-1 once fits. */
	static const uint8_t max[] = { 0xe8, 0x7e, 0x7f, 0x7f, 0x7f, 0x7f, 0x03 };
	CHECK(decode(PY_LOCATIONS_311, max, sizeof max, 0, &t) == 0 &&
		      py_line_table_lookup(&t, 0) == INT_MAX,
	      "3.11: a six-byte varint of 2^31-1 reaches INT_MAX");
	py_line_table_release(&t);
}

/* ---- hostile bytes ---- */

/* Reference answers, computed the way the interpreters walk their tables: straight through the
 * raw bytes, no ranges, no merging, no search. The queries are sorted, so one pass answers them
 * all. For co_lnotab the steps applied at offset q are exactly those whose cumulative address
 * is <= q, a prefix of the pairs because addresses only grow. */
static void ref_lnotab(const uint8_t *t, size_t len, int first, int is_signed, const int64_t *q,
		       int *ans, size_t nq)
{
	int64_t addr = 0, line = first;
	size_t i = 0;
	for (size_t k = 0; k < nq; k++) {
		while (i + 1 < len && addr + t[i] <= q[k]) {
			addr += t[i];
			line += is_signed ? (int8_t)t[i + 1] : t[i + 1];
			i += 2;
		}
		ans[k] = (int)line; /* lines stay small: short tables, first < 100000 */
	}
}

struct ref_walk {
	const uint8_t *t;
	size_t len, p;
	int64_t line;
	int bad;
};

static uint32_t ref_varint(struct ref_walk *w)
{
	uint32_t v = 0;
	for (int shift = 0; !w->bad; shift += 6) {
		if (w->p >= w->len || shift > 30) {
			w->bad = 1;
			break;
		}
		uint8_t b = w->t[w->p++];
		v |= (uint32_t)(b & 63) << shift;
		if (!(b & 64))
			break;
	}
	return v;
}

/* The next range of a 3.10 or 3.11+ table: its size and line (-1: none). Returns 0 at the end
 * of the table or at a malformed entry (w->bad set), or when the line leaves int. */
static int ref_next(struct ref_walk *w, enum py_linetable_kind kind, int64_t *size, int *line)
{
	int has_line = 1;

	if (kind == PY_LINETABLE_310) {
		if (w->p + 1 >= w->len)
			return 0;
		int delta = (int8_t)w->t[w->p + 1];
		*size = w->t[w->p];
		w->p += 2;
		if (delta == -128)
			has_line = 0;
		else
			w->line += delta;
	} else {
		if (w->p >= w->len)
			return 0;
		uint8_t b = w->t[w->p++];
		int code = b >> 3 & 15;
		if (!(b & 128))
			w->bad = 1;
		*size = (b & 7) + 1;
		if (code == 15) {
			has_line = 0;
		} else if (code == 13 || code == 14) {
			uint32_t v = ref_varint(w);
			w->line += (v & 1) ? -(int64_t)(v >> 1) : (int64_t)(v >> 1);
			for (int k = 0; code == 14 && k < 3; k++)
				ref_varint(w);
		} else if (code >= 10) {
			if (w->len - w->p < 2)
				w->bad = 1;
			w->p += 2;
			w->line += code - 10;
		} else {
			if (w->p >= w->len)
				w->bad = 1;
			w->p++;
		}
	}
	if (w->line < INT_MIN || w->line > INT_MAX)
		w->bad = 1;
	if (w->bad)
		return 0;
	*line = has_line ? (int)w->line : -1;
	return 1;
}

/* Answers the sorted queries for a 3.10 or 3.11+ table; returns 1 when the table is malformed
 * somewhere (the walk goes on to the end to find out). */
static int ref_ranges(const uint8_t *t, size_t len, int first, enum py_linetable_kind kind,
		      const int64_t *q, int *ans, size_t nq)
{
	struct ref_walk w = { .t = t, .len = len, .line = first };
	int64_t start = 0, end = 0, size;
	int line = -1, have = 0;
	size_t k = 0;

	for (;;) {
		/* Queries before the end of the current range are answered by it (or by nothing,
		 * if it does not reach them yet). */
		while (k < nq && (q[k] < end || !have)) {
			if (!have && q[k] >= end)
				break;
			ans[k] = (have && q[k] >= start) ? line : -1;
			k++;
		}
		if (!ref_next(&w, kind, &size, &line))
			break;
		have = 1;
		start = end;
		end += size;
	}
	for (; k < nq; k++)
		ans[k] = -1;
	return w.bad;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: a fixed seed, so every run tries the same buffers. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void fill(uint8_t *buf, size_t len, enum py_linetable_kind kind)
{
	int style = (int)(rng() % 3);
	for (size_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)rng();
		/* Uniform bytes rarely get far in a 3.11 table (half of them lack bit 7 where an
		 * entry must start), so two styles out of three look more like one: entry bytes
		 * with bit 7 at even positions, payload bytes without it between. */
		if (kind == PY_LOCATIONS_311 && style != 0)
			b = (i % 2 == 0) ? (b | 0x80) : (uint8_t)(b & (style == 1 ? 0x3f : 0x7f));
		/* Small steps: address steps of 0 (line changes only) and lines that stay put. */
		if (kind != PY_LOCATIONS_311 && style == 1)
			b = (uint8_t)(b % 4);
		buf[i] = b;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Queries: every index up to a cap, every range boundary and its neighbours, a few random
 * ones and a huge one; sorted for the one-pass reference. Returns how many. */
static size_t make_queries(const struct py_line_table *t, int64_t *q, size_t cap)
{
	size_t n = 0;
	int64_t last = t->n ? t->ranges[t->n - 1].start + 4 : 4;
	for (int64_t x = 0; x <= last && x < 600 && n < cap; x++)
		q[n++] = x;
	for (size_t i = 0; i < t->n && n + 4 <= cap; i++) {
		q[n++] = t->ranges[i].start;
		q[n++] = t->ranges[i].start + 1;
		q[n++] = t->ranges[i].end - 1;
		q[n++] = t->ranges[i].end == INT64_MAX ? INT64_MAX - 1 : t->ranges[i].end;
	}
	for (int i = 0; i < 32 && n < cap; i++)
		q[n++] = (int64_t)(rng() % (uint64_t)(last + 3));
	/* The open range of a co_lnotab table ends at INT64_MAX, exclusive: the largest index
	 * it can hold, and far past any real one (f_lasti is an int). */
	if (n < cap)
		q[n++] = INT64_MAX - 1;
	qsort(q, n, sizeof *q, cmp_i64);
	return n;
}

static void check_hostile(void)
{
	/* 4 x 1000 tables: enough that every entry form, truncation point and -128 turns up
	 * many times; short enough that the sanitized run stays within seconds. */
	enum { ROUNDS = 1000, MAXLEN = 400, QCAP = 600 + 4 * (MAXLEN + 1) + 33 };
	static int64_t q[QCAP];
	static int ans[QCAP];
	long tables = 0, lookups = 0, problems = 0, rejected = 0;

	for (int k = PY_LNOTAB_27; k <= PY_LOCATIONS_311; k++) {
		for (int round = 0; round < ROUNDS; round++) {
			size_t len = (size_t)(rng() % MAXLEN);
			uint8_t *buf = malloc(len ? len : 1);
			struct py_line_table t;
			int first = (int)(rng() % 100000), bad = 0;
			if (!buf)
				continue;
			fill(buf, len, k);
			int rc = py_line_table_decode(k, buf, len, first, &t);
			tables++;
			rejected += rc != 0;
			int ok = rc == 0 || (rc == -1 && t.n == 0 && t.ranges == NULL);
			/* Memory bound: at most one range per table byte, plus the open one. */
			ok &= t.n <= len + 1;
			for (size_t i = 0; i < t.n; i++) {
				ok &= t.ranges[i].start < t.ranges[i].end;
				if (i > 0)
					ok &= t.ranges[i - 1].end <= t.ranges[i].start;
			}
			size_t nq = make_queries(&t, q, QCAP);
			if (k == PY_LNOTAB_27 || k == PY_LNOTAB_36)
				ref_lnotab(buf, len, first, k == PY_LNOTAB_36, q, ans, nq);
			else
				bad = ref_ranges(buf, len, first, k, q, ans, nq);
			/* The decoder rejects exactly the tables the walk finds malformed, and
			 * otherwise agrees with it everywhere. */
			ok &= bad == (rc != 0);
			for (size_t i = 0; i < nq && ok && rc == 0; i++) {
				ok &= py_line_table_lookup(&t, q[i]) == ans[i];
				lookups++;
			}
			ok &= py_line_table_lookup(&t, -1) == first;
			if (!ok && problems++ < SHOW_MAX)
				printf("# hostile %s table of %zu bytes (round %d): rc %d, "
				       "%zu ranges, differs from the reference walk\n",
				       kind_token(k), len, round, rc, t.n);
			py_line_table_release(&t);
			free(buf);
		}
	}
	CHECK(problems == 0,
	      WHAT("hostile bytes: %ld random tables (%ld rejected as malformed), %ld lookups "
		   "agree with a walk of the raw bytes",
		   tables, rejected, lookups));
}

int main(int argc, char **argv)
{
	check_fixtures(argc > 1 ? argv[1] : DEFAULT_DIR);
	check_kind_for();
	check_empty();
	check_lnotab();
	check_310();
	check_311();
	check_malformed();
	check_hostile();
	return check_exit();
}
