/* test_native.c: the native unwinder (src/native/) on live children of this very binary, whose
 * functions it knows, and on garbage.
 *
 * Each child is a fork of this test (no exec), so its code is this binary's, built with -g and
 * not stripped: the chain level_a -> level_b -> level_c must come back in that order, named,
 * under main and libc's start-up frames, and the unwind must reach the end of the stack. Other
 * children stop inside libc (a system call; qsort calling back into us), inside a stripped
 * shared library built here (an exported function is named, a static one is shown as
 * "libname.so+0xOFFSET" at the right offset, never with a wrong name), and one loads that
 * library only after the unwinder read its maps. Garbage registers over random memory must end
 * with NATIVE_UNWIND_FAILED, without a crash (the sanitizer build runs this too). Last, the cost
 * of one unwind and its names for a 30-deep stack is printed as a "# " line.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "mem/cache.h"
#include "mem/live.h"
#include "mem/reader.h"
#include "native/symbols.h"
#include "native/unwind.h"
#include "proc/pause.h"
#include "proc/regs.h"
#include "util/clock.h"

#define NOINLINE __attribute__((noinline))
#define DEEP 30
#define MAXF 64

/* Shared with the children: they say when they have reached the place to be stopped in, and
 * wait for go before loading the library in the late-load case. */
static struct shared {
	volatile int ready, go, never;
	char lib[256];
} *sh;

static volatile unsigned long sink;

/* --- what the children run --- */

NOINLINE static void level_c(void)
{
	sh->ready = 1;
	while (!sh->never)
		sink++;
}

/* The volatile write after each call keeps it a call: a tail call would leave no frame. */
NOINLINE static void level_b(void)
{
	level_c();
	sink++;
}

NOINLINE static void level_a(void)
{
	level_b();
	sink++;
}

NOINLINE static void level_sleep(void)
{
	sh->ready = 1;
	for (;;) {
		struct timespec ts = { .tv_sec = 10 };
		nanosleep(&ts, NULL);
		sink++;
	}
}

/* Spins from its 64th call on: a sanitizer's qsort calls the comparator itself over the
 * array (63 calls) before handing it to libc's. */
NOINLINE static int cmp_spin(const void *a, const void *b)
{
	static int calls;
	if (++calls >= 64) {
		sh->ready = 1;
		while (!sh->never)
			sink++;
	}
	return *(const int *)a - *(const int *)b;
}

NOINLINE static void level_qsort(void)
{
	int v[64];
	for (int i = 0; i < 64; i++)
		v[i] = 64 - i;
	qsort(v, 64, sizeof v[0], cmp_spin);
	sink += (unsigned long)v[0];
}

NOINLINE static int deep(int n)
{
	if (n == 0)
		level_c();
	else
		sink += (unsigned long)deep(n - 1);
	return (int)sink;
}

/* Loads the library built by build_lib and calls fn in it (it spins with sh->ready set). */
NOINLINE static void level_lib(const char *fn)
{
	while (!sh->go)
		usleep(1000);
	void *h = dlopen(sh->lib, RTLD_NOW);
	void (*f)(volatile int *, volatile int *) =
		h ? (void (*)(volatile int *, volatile int *))dlsym(h, fn) : NULL;
	if (!f)
		_exit(3);
	f(&sh->ready, &sh->never);
	sink++;
}

enum scenario { SLEEP, QSORT, DEEP_STACK, LIB_EXPORTED, LIB_HIDDEN };

NOINLINE static void child_run(enum scenario s)
{
	switch (s) {
	case SLEEP: level_sleep(); break;
	case QSORT: level_qsort(); break;
	case DEEP_STACK: deep(DEEP - 5); break;
	case LIB_EXPORTED: level_lib("exported_spin"); break;
	case LIB_HIDDEN: level_lib("call_hidden"); break;
	}
	_exit(0);
}

/* --- the parent's side --- */

/* Forks; returns 0 in the child (which dies with us), the pid in the parent, -1 on failure. */
static pid_t fork_child(void)
{
	sh->ready = 0;
	pid_t pid = fork();
	if (pid == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	return pid;
}

static int wait_ready(void)
{
	for (int i = 0; i < 5000 && !sh->ready; i++)
		usleep(1000);
	usleep(20000); /* into the system call, for the sleeping child */
	return sh->ready;
}

static void end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

struct trace {
	int n, status;
	uint64_t pcs[MAXF];
	uint8_t act[MAXF];
	char names[MAXF][160];   /* frame_function */
	char modules[MAXF][64];  /* module */
	char text[MAXF][300];    /* native_symbol_format */
	uint8_t named[MAXF];     /* a symbol named it */
	uint64_t offsets[MAXF];
	/* A named frame's function extent holds its address, and its first and last bytes are
	 * named the same (from the functions already known), the byte past it not. */
	uint8_t extent_ok[MAXF];
};

static void print_trace(const struct trace *tr)
{
	for (int i = 0; i < tr->n; i++)
		printf("#   %2d %s%s\n", i, tr->text[i], tr->act[i] ? " (activation)" : "");
	printf("#   status %d\n", tr->status);
}

/* Stops pid, unwinds it with u and names every frame. Returns 0, or -1 (said as a failure). */
static int trace_child(struct native_unwinder *u, pid_t pid, size_t max, struct trace *tr)
{
	struct proc_target t = { .pid = pid };
	struct proc_pause p = { 0 };
	struct native_regs regs;
	int rc = proc_pause_thread(&t, &p, pid);
	if (rc == 0)
		rc = native_regs_read(pid, &regs);
	if (rc == 0)
		tr->n = native_unwind(u, pid, &regs, tr->pcs, tr->act, max, &tr->status);
	proc_resume_all(&t, &p);
	proc_pause_release(&p);
	if (rc != 0 || tr->n < 0) {
		CHECK(0, "stopping a child and unwinding it");
		return -1;
	}
	for (int i = 0; i < tr->n; i++) {
		struct native_symbol s;
		native_symbolize(u, tr->pcs[i], tr->act[i], &s);
		snprintf(tr->names[i], sizeof tr->names[i], "%s", s.frame_function);
		snprintf(tr->modules[i], sizeof tr->modules[i], "%s", s.module);
		native_symbol_format(&s, tr->text[i], sizeof tr->text[i]);
		tr->named[i] = s.function != NULL;
		tr->offsets[i] = s.offset;
		tr->extent_ok[i] = !s.function;
		uint64_t at = tr->act[i] ? tr->pcs[i] : tr->pcs[i] - 1;
		if (s.function && s.function_start <= at && at < s.function_end) {
			struct native_symbol first, last, past;
			char name[160];
			snprintf(name, sizeof name, "%s", s.function);
			native_symbolize(u, s.function_start, 1, &first);
			native_symbolize(u, s.function_end - 1, 1, &last);
			native_symbolize(u, s.function_end, 1, &past);
			tr->extent_ok[i] = first.function && strcmp(first.function, name) == 0 &&
					   last.function && strcmp(last.function, name) == 0 &&
					   (!past.function || strcmp(past.function, name) != 0);
		}
	}
	print_trace(tr);
	return 0;
}

/* Where name first appears in tr from frame `from` on, or -1. */
static int find_frame(const struct trace *tr, int from, const char *name)
{
	for (int i = from; i < tr->n; i++)
		if (strcmp(tr->names[i], name) == 0)
			return i;
	return -1;
}

/* Whether f is "module+0xHEX" for module m. */
static int unnamed_form(const char *f, const char *m)
{
	size_t l = strlen(m);
	if (strncmp(f, m, l) != 0 || strncmp(f + l, "+0x", 3) != 0 || !f[l + 3])
		return 0;
	return strspn(f + l + 3, "0123456789abcdef") == strlen(f + l + 3);
}

static struct native_unwinder *open_or_fail(pid_t pid, struct mem_reader *mem)
{
	char err[256];
	struct native_unwinder *u = native_open(pid, mem, err, sizeof err);
	if (!u)
		printf("# native_open: %s\n", err);
	CHECK(u != NULL, "native_open");
	return u;
}

/* Opens an unwinder on child pid through a live reader, waits for the child to reach its
 * place, and traces it (at most max frames). With late, the unwinder is opened first and the
 * child told to go on only then. Returns 0 when tr is filled. */
static int trace_live(pid_t pid, size_t max, int late, struct trace *tr)
{
	struct mem_reader *mem = mem_live_new(pid);
	struct native_unwinder *u = NULL;
	int rc = -1;
	if (late) {
		u = open_or_fail(pid, mem);
		sh->go = 1;
		usleep(150000); /* past the unwinder's least interval between two reads of the maps */
	}
	if (wait_ready() && (u || (u = open_or_fail(pid, mem))))
		rc = trace_child(u, pid, max, tr);
	native_close(u);
	mem_reader_free(mem);
	return rc;
}

static void test_chain(pid_t pid)
{
	struct trace tr;
	if (trace_live(pid, MAXF, 0, &tr) == 0) {
		const char *want[] = { "level_c", "level_b", "level_a", "main" };
		int ok = tr.n > 4;
		for (int i = 0; ok && i < 4; i++)
			ok = strcmp(tr.names[i], want[i]) == 0;
		CHECK(ok, "level_c, level_b, level_a, main: innermost first, each named");
		CHECK(tr.act[0] && !tr.act[1] && !tr.act[2] && !tr.act[3],
		      "the innermost frame is the activation, its callers return addresses");
#if defined(__clang__)
		/* eu-addr2line 0.188 finds no line in clang 14's DWARF 5 either. */
		if (strcmp(tr.text[0], "test_native:level_c") == 0)
			check_skip("with debug info a frame shows the source file and line",
				   "libdw reads no line table of this clang-built binary");
		else
#endif
			CHECK(strncmp(tr.text[0], "test_native.c:level_c:", 22) == 0,
			      "with debug info a frame shows the source file and line");
		CHECK(tr.n > 4 && strcmp(tr.modules[4], "libc.so.6") == 0 &&
			      (strcmp(tr.names[4], "__libc_start_call_main") == 0 ||
			       unnamed_form(tr.names[4], "libc.so.6")),
		      "main's caller is libc's __libc_start_call_main, or libc.so.6+0x... unnamed");
		CHECK(tr.n > 5 && strcmp(tr.names[tr.n - 1], "_start") == 0,
		      "the outermost frame is _start");
		CHECK_INT(tr.status, NATIVE_UNWIND_COMPLETE, "the unwind reaches the end of the stack");
		int extents = 1;
		for (int i = 0; i < tr.n; i++)
			extents &= tr.extent_ok[i];
		CHECK(extents, "each named frame's function extent holds it, its first and last "
			       "bytes are named the same, the byte past it not");

		struct trace cut;
		if (trace_live(pid, 3, 0, &cut) == 0) {
			CHECK(cut.n == 3 && cut.status == NATIVE_UNWIND_TRUNCATED &&
				      strcmp(cut.names[2], "level_a") == 0,
			      "max 3 frames: level_c, level_b, level_a and the truncated status");
		}
	}
}

static void test_sleep(pid_t pid)
{
	struct trace tr;
	if (trace_live(pid, MAXF, 0, &tr) == 0) {
		int at = find_frame(&tr, 0, "level_sleep");
		int libc = at > 0;
		for (int i = 0; i < at; i++)
			libc = libc && strcmp(tr.modules[i], "libc.so.6") == 0 &&
			       (strstr(tr.names[i], "nanosleep") ||
				unnamed_form(tr.names[i], "libc.so.6"));
		CHECK(libc, "stopped in a system call: libc's nanosleep frames, then level_sleep");
		CHECK(at > 0 && find_frame(&tr, at, "child_run") == at + 1 &&
			      find_frame(&tr, at, "main") == at + 2,
		      "then child_run and main");
		CHECK_INT(tr.status, NATIVE_UNWIND_COMPLETE, "the unwind from a system call completes");
	}
}

static void test_qsort(pid_t pid)
{
	struct trace tr;
	if (trace_live(pid, MAXF, 0, &tr) == 0) {
		int cb = find_frame(&tr, 0, "cmp_spin");
		int caller = find_frame(&tr, 0, "level_qsort");
		int ok = cb == 0 && caller > cb + 1, named = 0, in_libc = 0;
		for (int i = cb + 1; ok && i < caller; i++) {
			int libc = strcmp(tr.modules[i], "libc.so.6") == 0;
			/* A sanitizer's interceptor and comparator wrapper are ours, not libc's. */
			ok = libc ? strncmp(tr.names[i], "qsort", 5) == 0 ||
					    strncmp(tr.names[i], "msort", 5) == 0 ||
					    unnamed_form(tr.names[i], "libc.so.6")
				  : strstr(tr.names[i], "qsort") != NULL;
			named += libc && strncmp(tr.names[i], "qsort", 5) == 0;
			in_libc += libc;
		}
		CHECK(ok && in_libc > 0,
		      "cmp_spin, then libc's frames (qsort's, or libc.so.6+0x...), then level_qsort");
		CHECK(named > 0, "libc's exported qsort_r is named among them");
		CHECK(caller > 0 && find_frame(&tr, caller, "main") == caller + 2,
		      "then child_run and main");
		CHECK_INT(tr.status, NATIVE_UNWIND_COMPLETE, "the unwind through libc completes");
	}
}

/* --- the stripped library --- */

static const char lib_source[] =
	"__attribute__((noinline)) static void hidden_spin(volatile int *ready, volatile int *never)\n"
	"{ *ready = 1; while (!*never) ; }\n"
	"void exported_spin(volatile int *ready, volatile int *never)\n"
	"{ *ready = 1; while (!*never) ; }\n"
	"void call_hidden(volatile int *ready, volatile int *never)\n"
	"{ hidden_spin(ready, never); *ready = 2; }\n";

static char lib_dir[64];
static unsigned long hidden_lo, hidden_hi; /* hidden_spin's extent, from the unstripped copy */

/* Builds libpfnative.so in a temporary directory and strips it. Returns 0, or -1 with why. */
static int build_lib(char *why, size_t cap)
{
	snprintf(lib_dir, sizeof lib_dir, "/tmp/pyflame-native-XXXXXX");
	if (!mkdtemp(lib_dir)) {
		snprintf(why, cap, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	char cmd[1024], path[128];
	snprintf(path, sizeof path, "%s/lib.c", lib_dir);
	FILE *f = fopen(path, "w");
	if (!f || fputs(lib_source, f) < 0 || fclose(f) != 0) {
		snprintf(why, cap, "cannot write %s", path);
		return -1;
	}
	snprintf(cmd, sizeof cmd,
		 "cd %s && cc -shared -fPIC -O1 -o libpfnative.so lib.c && cp libpfnative.so full.so"
		 " && strip --strip-all libpfnative.so",
		 lib_dir);
	if (system(cmd) != 0) {
		snprintf(why, cap, "cc or strip failed or missing");
		return -1;
	}
	snprintf(cmd, sizeof cmd, "nm -S %s/full.so", lib_dir);
	FILE *nm = popen(cmd, "r");
	char line[256];
	while (nm && fgets(line, sizeof line, nm)) {
		unsigned long v, s;
		char type, name[128];
		if (sscanf(line, "%lx %lx %c %127s", &v, &s, &type, name) == 4 &&
		    strcmp(name, "hidden_spin") == 0) {
			hidden_lo = v;
			hidden_hi = v + s;
		}
	}
	if (nm)
		pclose(nm);
	if (!hidden_hi) {
		snprintf(why, cap, "nm did not list hidden_spin");
		return -1;
	}
	snprintf(sh->lib, sizeof sh->lib, "%s/libpfnative.so", lib_dir);
	return 0;
}

static void remove_lib(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", lib_dir);
	if (lib_dir[0] && system(cmd) != 0)
		printf("# could not remove %s\n", lib_dir);
}

/* The unwinder is opened before the child loads the library: the library's frames lie in no
 * module it knows, and must send it back to the maps. */
static void test_lib_exported(pid_t pid)
{
	struct trace tr;
	if (trace_live(pid, MAXF, 1, &tr) == 0) {
		CHECK(tr.n > 2 && strcmp(tr.names[0], "exported_spin") == 0 &&
			      strcmp(tr.modules[0], "libpfnative.so") == 0 &&
			      strcmp(tr.text[0], "libpfnative.so:exported_spin") == 0,
		      "a library loaded after native_open: its exported function is named (.dynsym)");
		CHECK(tr.n > 2 && strcmp(tr.names[1], "level_lib") == 0,
		      "the stripped library's .eh_frame leads back to level_lib");
		CHECK_INT(tr.status, NATIVE_UNWIND_COMPLETE, "and to the end of the stack");
	}
}

static void test_lib_hidden(pid_t pid)
{
	struct trace tr;
	sh->go = 1;
	if (trace_live(pid, MAXF, 0, &tr) == 0) {
		CHECK(!tr.named[0] && unnamed_form(tr.names[0], "libpfnative.so"),
		      "a static function of a stripped library is libpfnative.so+0x..., unnamed");
		printf("# hidden_spin is [0x%lx, 0x%lx) in the unstripped copy\n", hidden_lo, hidden_hi);
		CHECK(tr.offsets[0] >= hidden_lo && tr.offsets[0] < hidden_hi,
		      "its offset is the address inside hidden_spin, in the library's own terms");
		CHECK(tr.n > 2 && strcmp(tr.names[1], "call_hidden") == 0 &&
			      strcmp(tr.names[2], "level_lib") == 0,
		      "its callers: call_hidden (exported), level_lib");
		CHECK_INT(tr.status, NATIVE_UNWIND_COMPLETE, "the unwind completes");
	}
}

/* --- garbage --- */

/* A reader of random bytes: the same address always reads the same (a real memory would), and
 * addresses of a chosen few pages fail. */
struct random_mem {
	struct mem_reader r;
	uint64_t seed;
	int fail_all;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static int random_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct random_mem *m = (struct random_mem *)r;
	if (m->fail_all || mix(addr >> 12 ^ m->seed) % 8 == 0)
		return MEM_EFAULT;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)mix((addr + i) ^ m->seed);
	return 0;
}

static void random_free(struct mem_reader *r)
{
	(void)r;
}

static void test_garbage(void)
{
	struct random_mem m = { .r = { .read = random_read, .free = random_free } };
	struct native_unwinder *u = open_or_fail(getpid(), &m.r);
	if (!u)
		return;
	int rounds = 3000, failed = 0, bounded = 1;
	uint64_t pcs[MAXF];
	uint8_t act[MAXF];
	uint64_t code = (uint64_t)(uintptr_t)&level_b;
	for (int i = 0; i < rounds; i++) {
		m.seed = mix((uint64_t)i + 1);
		m.fail_all = i % 10 == 9;
		struct native_regs regs;
		uint64_t *w = (uint64_t *)&regs;
		for (size_t k = 0; k < sizeof regs / sizeof *w; k++)
			w[k] = mix(m.seed + k);
		/* A third of the rounds start in real code, where CFI applies to the garbage; a
		 * third with a plausible stack pointer; the rest anywhere at all. */
		if (i % 3 == 0)
			regs.rip = code + regs.rip % 4096;
		if (i % 3 == 1)
			regs.rsp = 0x7ffc00000000ull + regs.rsp % (1u << 20);
		int status = -1;
		int n = native_unwind(u, getpid(), &regs, pcs, act, MAXF, &status);
		failed += status == NATIVE_UNWIND_FAILED;
		bounded = bounded && n >= 0 && n <= MAXF;
		for (int k = 0; k < n && k < 4; k++) {
			struct native_symbol s;
			native_symbolize(u, pcs[k], act[k], &s);
		}
	}
	char what[160];
	snprintf(what, sizeof what, "%d of %d unwinds of garbage registers over random memory end failed",
		 failed, rounds);
	CHECK(failed == rounds, what);
	CHECK(bounded, "every such unwind returns 0 to max frames");
	native_close(u);
}

/* --- cost --- */

static double unwind_cost_us(struct native_unwinder *u, struct mem_reader *cache, pid_t pid,
			     int *depth)
{
	struct proc_target t = { .pid = pid };
	struct proc_pause p = { 0 };
	struct native_regs regs;
	double us = -1;
	if (proc_pause_thread(&t, &p, pid) == 0 && native_regs_read(pid, &regs) == 0) {
		uint64_t pcs[MAXF];
		uint8_t act[MAXF];
		int status, rounds = 2000;
		uint64_t start = 0;
		for (int i = -50; i < rounds; i++) { /* 50 rounds to warm up */
			if (i == 0)
				start = clock_now_ns();
			if (cache)
				mem_cache_clear(cache);
			*depth = native_unwind(u, pid, &regs, pcs, act, MAXF, &status);
			for (int k = 0; k < *depth; k++) {
				struct native_symbol s;
				native_symbolize(u, pcs[k], act[k], &s);
			}
		}
		us = (double)(clock_now_ns() - start) / 1000.0 / rounds;
	}
	proc_resume_all(&t, &p);
	proc_pause_release(&p);
	return us;
}

static void test_cost(pid_t pid)
{
	struct mem_reader *live = mem_live_new(pid);
	struct mem_reader *cache = mem_cache_new(live);
	struct native_unwinder *u1 = open_or_fail(pid, live), *u2 = open_or_fail(pid, cache);
	int d1 = 0, d2 = 0;
	if (u1 && u2 && wait_ready()) {
		double live_us = unwind_cost_us(u1, NULL, pid, &d1);
		double cached_us = unwind_cost_us(u2, cache, pid, &d2);
		printf("# one native_unwind + native_symbolize of every frame, %d frames deep: "
		       "%.1f us through the live reader, %.1f us through a page cache cleared each time\n",
		       d1, live_us, cached_us);
		CHECK(d1 >= DEEP && d1 == d2, "the deep stack unwinds whole through either reader");
	}
	native_close(u1);
	native_close(u2);
	mem_reader_free(cache);
	mem_reader_free(live);
}

int main(void)
{
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	pid_t pid;

	if ((pid = fork_child()) == 0) {
		level_a(); /* from main itself, so that main is level_a's caller */
		_exit(0);
	}
	test_chain(pid);
	end_child(pid);

	static const struct {
		enum scenario s;
		void (*test)(pid_t);
	} live[] = { { SLEEP, test_sleep }, { QSORT, test_qsort }, { DEEP_STACK, test_cost } };
	for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
		if ((pid = fork_child()) == 0)
			child_run(live[i].s);
		live[i].test(pid);
		end_child(pid);
	}

	char why[256];
	if (build_lib(why, sizeof why) == 0) {
		sh->go = 0;
		if ((pid = fork_child()) == 0)
			child_run(LIB_EXPORTED);
		test_lib_exported(pid);
		end_child(pid);
		sh->go = 0;
		if ((pid = fork_child()) == 0)
			child_run(LIB_HIDDEN);
		test_lib_hidden(pid);
		end_child(pid);
	} else {
		check_skip("a stripped library built here", why);
	}
	remove_lib();

	test_garbage();
	return check_exit();
}
