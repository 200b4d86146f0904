/* test_replay.c: walks the recorded memory images in tests/images (one per interpreter, made by
 * tools/record-images) with no live process, through the same sampler and writer as a real
 * run, and compares the result with the stack the target's source says it must be. Then the
 * same images are walked with reads failing one by one, which must never crash. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem/image.h"
#include "mem/reader.h"
#include "output/output.h"
#include "proc/pause.h"
#include "profile/profile.h"
#include "python/discover.h"
#include "python/walker.h"
#include "sample/sampler.h"

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

/* A reader that fails its Nth read, to prove every failure path returns cleanly. */
struct failing {
	struct mem_reader base;
	struct mem_reader *inner;
	long countdown;
};

static int failing_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct failing *f = (struct failing *)r;
	if (f->countdown-- == 0)
		return MEM_EFAULT;
	return mem_read(f->inner, addr, buf, len);
}

static void failing_free(struct mem_reader *r)
{
	(void)r;
}

/* Replays one sample from mem; returns the collapsed text (malloc'd) or NULL. */
static char *replay(struct mem_reader *mem, const struct py_target *pt, char *err, size_t errlen)
{
	struct py_walker w;
	if (py_walker_init(&w, mem, pt, err, errlen) != 0)
		return NULL;
	struct profile prof;
	profile_init(&prof);
	struct proc_target t = { .pid = 0 };
	struct sampler_config cfg = { .seconds = 0, .interval = 0.01, .once = 1, .pause = 0 };
	volatile sig_atomic_t stop = 0;
	sampler_run(&t, &w, &cfg, &prof, &stop);
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
			py_walker_release(&w);
	}

	/* The GIL holder read alone (what a pause stops) is the thread the list says holds it. */
	struct py_walker w;
	if (py_walker_init(&w, mem, &pt, err, sizeof err) == 0) {
		struct py_thread threads[16], h;
		int n = py_threads_read(&w, threads, 16), holders = 0, same = 0;
		int rc = py_gil_owner(&w, &h);
		for (int i = 0; i < n; i++) {
			holders += threads[i].holds_gil;
			same += threads[i].holds_gil && threads[i].tstate == h.tstate &&
				threads[i].thread_id == h.thread_id &&
				threads[i].native_id == h.native_id;
		}
		snprintf(what, sizeof what, "replay %s: the GIL holder read alone is the one thread "
			 "the list marks (%d threads, %d marked)", name, n, holders);
		CHECK(rc == 0 && h.tstate && holders == 1 && same == 1, what);
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

	/* Fail each read in turn: the walk must end cleanly every time. */
	int injected = 0, completed = 0;
	for (long n = 0; n < 100000 && !completed; n++) {
		struct failing f = { { .read = failing_read, .free = failing_free }, mem, n };
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
