/* test_replay.c: walks the recorded memory images in tests/images (one per interpreter, made by
 * tools/record-images) with no live process, through the same sampler and writer as a real
 * run, and compares the result with the stack the target's source says it must be. Then the
 * same images are walked with reads failing one by one, which must never crash. */
#include <dirent.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem/image.h"
#include "mem/reader.h"
#include "output/output.h"
#include "proc/pause.h"
#include "profile/profile.h"
#include "python/discover.h"
#include "python/layout.h"
#include "python/offsets.h"
#include "python/walker.h"
#include "sample/sampler.h"
#include "sample/stats.h"

#define IMAGES "tests/images"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	(void)n;
	fclose(f);
	return buf;
}

/* A reader in front of another that fails its Nth read (countdown; a negative one never
 * fails), to prove every failure path returns cleanly, and counts the bytes read through it. */
struct probe {
	struct mem_reader base;
	struct mem_reader *inner;
	long countdown;
	size_t bytes;
	size_t batches; /* read_many calls, when it offers one */
};

static int probe_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct probe *p = (struct probe *)r;
	if (p->countdown-- == 0)
		return MEM_EFAULT;
	p->bytes += len;
	return mem_read(p->inner, addr, buf, len);
}

/* A reader that reads several ranges in one go, as the live one does. */
static size_t probe_read_many(struct mem_reader *r, size_t n, const uint64_t *addrs, void **bufs,
			      const size_t *lens)
{
	struct probe *p = (struct probe *)r;
	p->batches++;
	size_t i = 0;
	while (i < n && mem_read(p->inner, addrs[i], bufs[i], lens[i]) == 0)
		p->bytes += lens[i++];
	return i;
}

static void probe_free(struct mem_reader *r)
{
	(void)r;
}

/* Replays one sample from mem, with the layout built from row when not NULL; returns the
 * collapsed text (malloc'd) or NULL. */
static char *replay_row(struct mem_reader *mem, const struct py_target *pt,
			const struct py_offsets *row, char *err, size_t errlen)
{
	struct py_walker w;
	if (py_walker_init(&w, mem, pt, err, errlen) != 0)
		return NULL;
	if (row && py_layout_init_row(&w.layout, &pt->version, row, mem, pt->runtime, err,
				      errlen) != 0) {
		py_walker_release(&w);
		return NULL;
	}
	struct profile prof;
	profile_init(&prof);
	struct proc_target t = { .pid = 0 };
	struct sampler_config cfg = { .seconds = 0, .interval = 0.01, .once = 1, .pause = 0 };
	volatile sig_atomic_t stop = 0;
	struct sample_stats stats = { 0 };
	sampler_run(&t, &w, &cfg, &prof, &stats, &stop);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct out_options oo = { .line_numbers = 1, .include_idle = 1 };
	if (f) {
		out_collapsed_write(&prof, &oo, f);
		fclose(f);
	}
	profile_release(&prof);
	py_walker_release(&w);
	return text;
}

static char *replay(struct mem_reader *mem, const struct py_target *pt, char *err, size_t errlen)
{
	return replay_row(mem, pt, NULL, err, errlen);
}

/* The fields of struct py_offsets that, from 3.13 on, only the target's _Py_DebugOffsets may
 * give: everything a walk of threads, frames, code objects and strings reads, and the GIL. */
static const size_t from_target[] = {
	offsetof(struct py_offsets, runtime_interpreters_head),
	offsetof(struct py_offsets, interp_next),
	offsetof(struct py_offsets, interp_tstate_head),
	offsetof(struct py_offsets, interp_modules),
	offsetof(struct py_offsets, interp_ceval_gil),
	offsetof(struct py_offsets, gil_locked),
	offsetof(struct py_offsets, gil_last_holder),
	offsetof(struct py_offsets, tstate_prev),
	offsetof(struct py_offsets, tstate_next),
	offsetof(struct py_offsets, tstate_interp),
	offsetof(struct py_offsets, tstate_current_frame),
	offsetof(struct py_offsets, tstate_thread_id),
	offsetof(struct py_offsets, tstate_native_thread_id),
	offsetof(struct py_offsets, iframe_previous),
	offsetof(struct py_offsets, iframe_code),
	offsetof(struct py_offsets, iframe_instr),
	offsetof(struct py_offsets, iframe_owner),
	offsetof(struct py_offsets, code_filename),
	offsetof(struct py_offsets, code_name),
	offsetof(struct py_offsets, code_qualname),
	offsetof(struct py_offsets, code_firstlineno),
	offsetof(struct py_offsets, code_linetable),
	offsetof(struct py_offsets, code_code_adaptive),
	offsetof(struct py_offsets, bytes_size),
	offsetof(struct py_offsets, bytes_data),
	offsetof(struct py_offsets, unicode_length),
	offsetof(struct py_offsets, unicode_state),
	offsetof(struct py_offsets, unicode_ascii_size),
	offsetof(struct py_offsets, object_type),
	offsetof(struct py_offsets, type_flags),
	offsetof(struct py_offsets, dict_keys),
	offsetof(struct py_offsets, dict_values),
	offsetof(struct py_offsets, long_size),
	offsetof(struct py_offsets, long_digits),
};

/* A reader that shows the target as a free-threaded build: _Py_DebugOffsets.free_threaded
 * (8 bytes at offset 16 of _PyRuntime) reads as 1. */
struct free_threaded {
	struct mem_reader base;
	struct mem_reader *inner;
	uint64_t flag_at;
};

static int free_threaded_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct free_threaded *f = (struct free_threaded *)r;
	int rc = mem_read(f->inner, addr, buf, len);
	if (rc == 0 && addr <= f->flag_at && f->flag_at < addr + len)
		((uint8_t *)buf)[f->flag_at - addr] = 1;
	return rc;
}

/* 3.13+: a free-threaded build is refused with one clear reason, never walked with the
 * layout of the default build. */
static void check_free_threaded_refused(const char *name, struct mem_reader *mem,
					const struct py_target *pt)
{
	struct free_threaded f = { { .read = free_threaded_read, .free = probe_free }, mem,
				   pt->runtime + 16 };
	struct py_walker w;
	char err[256] = "", what[600];
	int rc = py_walker_init(&w, &f.base, pt, err, sizeof err);
	if (rc == 0)
		py_walker_release(&w);
	snprintf(what, sizeof what, "replay %s: shown as a free-threaded build, refused (%s)", name,
		 err);
	CHECK(rc != 0 && strstr(err, "free-threaded") != NULL, what);
}

/* 3.13+: the image walked with a table row whose from_target fields are all wrong must give
 * the same stack: those fields come from the target, not from the generated table. */
static void check_table_free(const char *name, struct mem_reader *mem, const struct py_target *pt,
			     const char *expected)
{
	const struct py_offsets *real = py_offsets_find(pt->version.major, pt->version.minor);
	if (!real)
		return;
	struct py_offsets wrong = *real;
	for (size_t i = 0; i < sizeof from_target / sizeof from_target[0]; i++) {
		int32_t v = 4000 + 8 * (int32_t)i; /* plausible offsets, every one wrong */
		memcpy((char *)&wrong + from_target[i], &v, sizeof v);
	}
	char err[256] = "", what[600];
	char *got = replay_row(mem, pt, &wrong, err, sizeof err);
	snprintf(what, sizeof what, "replay %s: the same stack with the table's walk offsets all "
		 "wrong: they come from the target (%s)", name, got ? "walked" : err);
	CHECK_STR(got, expected ? expected : "(no .expected file)", what);
	free(got);
}

/* 3.13+: the fields dump --locals reads that the target's _Py_DebugOffsets describe agree
 * with the probes of the same minor's headers (the table), so the two sources of a layout
 * are tied to each other on a real target. */
static void check_locals_offsets(const char *name, const struct py_offsets *got)
{
	const struct py_offsets *row = py_offsets_find(got->major, got->minor);
	char what[256];
	snprintf(what, sizeof what, "replay %s: the locals' offsets in _Py_DebugOffsets are the "
		 "probed ones (localsplus, names, kinds, tp_name, tuple, list, float, set)", name);
	CHECK(row && got->iframe_localsplus == row->iframe_localsplus &&
		      got->code_localsplusnames == row->code_localsplusnames &&
		      got->code_localspluskinds == row->code_localspluskinds &&
		      got->type_name == row->type_name && got->tuple_items == row->tuple_items &&
		      got->tuple_size == row->tuple_size && got->list_items == row->list_items &&
		      got->list_size == row->list_size && got->float_value == row->float_value &&
		      got->set_used == row->set_used && got->set_table == row->set_table &&
		      got->set_mask == row->set_mask && got->iframe_localsplus >= 0,
	      what);
}

static void check_image(const char *name)
{
	char path[512], what[600], err[256] = "";
	snprintf(path, sizeof path, IMAGES "/%s", name);
	char *meta = NULL;
	struct mem_reader *mem = mem_image_open(path, &meta);
	snprintf(what, sizeof what, "replay %s: image opens", name);
	CHECK(mem != NULL, what);
	if (!mem)
		return;
	struct py_target pt;
	snprintf(what, sizeof what, "replay %s: metadata parses", name);
	CHECK(py_target_parse(meta, &pt) == 0, what);

	/* From 3.13 the layout must come from the target's own _Py_DebugOffsets. */
	if (pt.version.major == 3 && pt.version.minor >= 13) {
		struct py_walker w;
		char e[256] = "";
		int inited = py_walker_init(&w, mem, &pt, e, sizeof e) == 0;
		snprintf(what, sizeof what, "replay %s: layout taken from _Py_DebugOffsets %s", name, e);
		CHECK(inited && w.layout.from_debug_offsets, what);
		if (inited)
			check_locals_offsets(name, &w.layout.o);
		if (inited)
			py_walker_release(&w);
	}

	/* The GIL holder read alone (what a pause stops) is the thread the list says holds it. */
	struct py_walker w;
	if (py_walker_init(&w, mem, &pt, err, sizeof err) == 0) {
		struct py_thread threads[16], h;
		int n = py_threads_read(&w, w.mem, threads, 16), holders = 0, same = 0;
		int rc = py_gil_owner(&w, w.mem, &h);
		for (int i = 0; i < n; i++) {
			holders += threads[i].holds_gil;
			same += threads[i].holds_gil && threads[i].tstate == h.tstate &&
				threads[i].thread_id == h.thread_id &&
				threads[i].native_id == h.native_id;
		}
		snprintf(what, sizeof what, "replay %s: the GIL holder read alone is the one thread "
			 "the list marks (%d threads, %d marked)", name, n, holders);
		CHECK(rc == 0 && h.tstate && holders == 1 && same == 1, what);
		/* 3.7+: the GIL's own look names the same holder, and a count of switches the
		 * first take made 1 at least (in the runtime up to 3.11, through the interpreter
		 * from 3.12); 3.6 keeps its GIL in statics, which its image was recorded without
		 * (test_gil_statics reads them), and 2.7's counts no switches. */
		uint64_t last = 0, switches = 0;
		int locked = 0;
		int sw = py_gil_switches(&w, w.mem, &last, &locked, &switches);
		int counted = pt.version.major == 3 && pt.version.minor >= 7;
		snprintf(what, sizeof what, "replay %s: the GIL's switch count %s (rc %d, holder %s, "
			 "%llu switches)", name, counted ? "read" : "not kept", sw,
			 last == h.tstate ? "the same" : "another", (unsigned long long)switches);
		CHECK(counted ? sw == 0 && locked && last == h.tstate && switches >= 1 : sw == 1, what);
		/* The route to the GIL learned once (as a sampler's polls do), the ticks' reads
		 * of it find the same holder, and read fewer bytes to do so. */
		struct probe cnt = { { .read = probe_read, .free = probe_free }, mem, -1, 0, 0 };
		struct py_thread routed;
		w.mem = &cnt.base;
		py_gil_owner(&w, w.mem, &routed);
		size_t full = cnt.bytes;
		int learned = py_gil_route_learn(&w, w.mem);
		cnt.bytes = 0;
		rc = py_gil_owner(&w, w.mem, &routed);
		snprintf(what, sizeof what, "replay %s: through the route learned, the same holder "
			 "(%zu bytes read, %zu without it)", name, cnt.bytes, full);
		CHECK(learned == 0 && rc == 0 && routed.tstate == h.tstate &&
		      routed.thread_id == h.thread_id && routed.native_id == h.native_id &&
		      cnt.bytes < full, what);
		/* The next poll's look: the route known is confirmed by its words, read in one
		 * go; one gone stale (another interpreter first) is learned anew. */
		unsigned char route[sizeof w.gil_route];
		memcpy(route, &w.gil_route, sizeof route);
		cnt.base.read_many = probe_read_many;
		cnt.bytes = 0;
		learned = py_gil_route_learn(&w, w.mem);
		snprintf(what, sizeof what, "replay %s: a known route confirmed in one read of its "
			 "words (%zu calls, %zu bytes)", name, cnt.batches, cnt.bytes);
		CHECK(learned == 0 && memcmp(route, &w.gil_route, sizeof route) == 0 &&
		      cnt.batches == 1 && cnt.bytes <= 24, what);
		size_t confirmed = cnt.bytes;
		w.gil_route.interp ^= 0x1000;
		cnt.batches = cnt.bytes = 0;
		learned = py_gil_route_learn(&w, w.mem);
		snprintf(what, sizeof what, "replay %s: a route gone stale is learned anew", name);
		CHECK(learned == 0 && memcmp(route, &w.gil_route, sizeof route) == 0 &&
		      cnt.batches == 1 && cnt.bytes > confirmed, what);
		w.mem = mem;
		py_walker_release(&w);
	}

	char expected_path[512];
	snprintf(expected_path, sizeof expected_path, IMAGES "/%.*s.expected",
		 (int)(strlen(name) - 4), name);
	char *expected = slurp(expected_path);
	char *got = replay(mem, &pt, err, sizeof err);
	snprintf(what, sizeof what, "replay %s: the exact stack and lines (%s)", name,
		 got ? "walked" : err);
	CHECK_STR(got, expected ? expected : "(no .expected file)", what);
	free(got);
	if (pt.version.major == 3 && pt.version.minor >= 13)
	{
		check_table_free(name, mem, &pt, expected);
		check_free_threaded_refused(name, mem, &pt);
	}

	/* Fail each read in turn: the walk must end cleanly every time. */
	int injected = 0, completed = 0;
	for (long n = 0; n < 100000 && !completed; n++) {
		struct probe f = { { .read = probe_read, .free = probe_free }, mem, n, 0, 0 };
		char *text = replay(&f.base, &pt, err, sizeof err);
		if (f.countdown >= 0) {
			/* n is past the last read: every failure point has been tried, and the
			 * run with no failure must still give the right stack. */
			completed = text && expected && strcmp(text, expected) == 0;
			free(text);
			break;
		}
		free(text);
		injected++;
	}
	snprintf(what, sizeof what, "replay %s: each of %d reads failed in turn, no crash", name,
		 injected);
	CHECK(completed && injected > 0, what);

	free(expected);
	free(meta);
	mem_reader_free(mem);
}

int main(void)
{
	DIR *d = opendir(IMAGES);
	int n = 0;
	if (d) {
		struct dirent *e;
		char *names[64];
		while ((e = readdir(d)) != NULL && n < 64) {
			size_t l = strlen(e->d_name);
			if (l > 4 && strcmp(e->d_name + l - 4, ".img") == 0)
				names[n++] = strdup(e->d_name);
		}
		closedir(d);
		for (int i = 0; i < n; i++) {
			check_image(names[i]);
			free(names[i]);
		}
	}
	if (n == 0)
		check_skip("replay", "no images under " IMAGES " (run tools/record-images)");
	return check_exit();
}
