/* async_stage.c: the sampler's asyncio stage (see async_stage.h). */
#include "sample/async_stage.h"

#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"
#include "python/code.h"
#include "python/objects.h"
#include "python/walker.h"
#include "util/clock.h"
#include "util/grow.h"
#include "util/msg.h"

/* How often a process that has not loaded asyncio yet is looked at again: a read of its maps
 * (3.14) or of sys.modules (3.11 to 3.13), about 90 us. Sooner when sys.modules changed size
 * (three reads a tick): a program whose event loop started in the 20 ms after a look that
 * came while asyncio was being imported had its first tasks' samples taken without their
 * chains, under the loop's frames (1 to 3 samples in 4 runs of 5 at 200 Hz, t43). */
#define LOOK_AGAIN_NS (20ull * 1000 * 1000)
/* How long the tasks may fail to be found before it is said and no longer tried. */
#define GIVE_UP_NS (2000ull * 1000 * 1000)

void async_stage_init(struct async_stage *as)
{
	memset(as, 0, sizeof *as);
	as->waiting_frame = INTERN_NONE;
	as->modules = -1;
}

void async_stage_release(struct async_stage *as)
{
	py_async_close(as->a);
	py_async_chain_release(&as->chain);
	free(as->ids);
	free(as->waiting);
	free(as->held);
	async_stage_init(as);
}

int async_stage_begin(struct async_stage *as, struct py_walker *w, struct profile *prof,
		      pid_t pid)
{
	as->n_ids = as->n_waiting = 0;
	as->waiting_read = 0;
	as->prof = prof;
	as->w = w;
	if (as->a)
		return 1;
	uint64_t now = clock_now_ns();
	if (as->given_up)
		return 0;
	struct py_objects objs = { .w = w, .o = &w->layout.o };
	int64_t modules;
	if (py_modules_count(&objs, &modules) != 0)
		modules = -1;
	if (as->looked_ns && now - as->looked_ns < LOOK_AGAIN_NS && !as->loading &&
	    (modules < 0 || modules == as->modules))
		return 0;
	as->looked_ns = now;
	as->modules = modules;
	char err[256];
	int major = w->layout.version.major, minor = w->layout.version.minor;
	int rc = py_async_open(w, pid, &as->a, err, sizeof err);
	if (rc >= 0) {
		as->failing_since_ns = 0;
		/* Being loaded: looked at again at the next tick, whether sys.modules grows
		 * meanwhile or not. A look can find asyncio.tasks half made after the last
		 * module was added (read through the cache's pages of the last tick), and the
		 * count then never moves again: once, 5 samples of Debian's 3.11 went without
		 * their chains until the next 20 ms look. */
		as->loading = rc == 2;
	} else if (!as->failing_since_ns && py_async_supported(major, minor)) {
		/* A process starting up fails reads for a while (sys.modules half made): looked
		 * at again for GIVE_UP_NS before it is said. */
		as->failing_since_ns = now;
	} else if (!py_async_supported(major, minor) || now - as->failing_since_ns >= GIVE_UP_NS) {
		as->given_up = 1;
		warn("process %d: --async: %s; its stacks are sampled without it", (int)pid, err);
	}
	return as->a != NULL;
}

static int push(struct async_stage *as, uint32_t id)
{
	if (id == INTERN_NONE ||
	    grow_array((void **)&as->ids, &as->cap_ids, as->n_ids + 1, sizeof *as->ids) != 0)
		return -1;
	as->ids[as->n_ids++] = id;
	return 0;
}

/* A task's frame: its name, with what would break a collapsed line (';', line ends and other
 * controls) made harmless, as process names are. */
static uint32_t task_frame(struct profile *prof, const char *name)
{
	char label[ASYNC_NAME_MAX];
	size_t i = 0;
	for (; name[i] && i + 1 < sizeof label; i++) {
		unsigned char c = (unsigned char)name[i];
		label[i] = c == ';' ? ',' : c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	label[i] = '\0';
	return profile_frame(prof, "", label, 0);
}

/* The frame ids of as->chain, root task first, into as->ids. Returns 0 or -1 (no memory). */
static int push_chain(struct async_stage *as)
{
	const struct py_async_chain *c = &as->chain;
	for (size_t k = c->n_links; k-- > 0;) {
		const struct py_async_link *l = &c->links[k];
		if (push(as, task_frame(as->prof, l->name)) != 0)
			return -1;
		/* Its frames are innermost first. */
		for (size_t i = l->first + l->n; i-- > l->first;) {
			const struct py_raw_frame *f = &c->frames[i];
			const struct py_code *code = py_code_get(as->w, f->code);
			if (code && push(as, profile_frame(as->prof, code->filename, code->name,
							   py_code_line(code, f->index))) != 0)
				return -1;
		}
	}
	return 0;
}

size_t async_stage_running(struct async_stage *as, uint64_t tstate,
			   const struct py_raw_frame *frames, size_t n, struct async_span *prefix)
{
	prefix->start = as->n_ids;
	prefix->n = 0;
	if (!as->a || py_async_sample(as->a, tstate, frames, n, &as->chain) != 1)
		return 0;
	if (push_chain(as) != 0) {
		as->n_ids = prefix->start;
		return 0;
	}
	prefix->n = as->n_ids - prefix->start;
	return as->chain.cut;
}

static void add_waiting(const struct py_async_chain *c, void *arg)
{
	struct async_stage *as = arg;
	(void)c; /* as->chain itself */
	size_t start = as->n_ids;
	if (as->waiting_frame == INTERN_NONE)
		as->waiting_frame = profile_frame(as->prof, "", "(waiting)", 0);
	if (push_chain(as) != 0 || push(as, as->waiting_frame) != 0 ||
	    grow_array((void **)&as->waiting, &as->cap_waiting, as->n_waiting + 1,
		       sizeof *as->waiting) != 0) {
		as->n_ids = start;
		return;
	}
	as->waiting[as->n_waiting++] = (struct async_span){ start, as->n_ids - start };
}

/* The waiting tasks are read at most 1 / WAITING_SHARE of the time, and at least every
 * WAITING_STALE_NS: what a reading saw is counted until the next one, and a loaded machine
 * (a reading taking 30 ms) would otherwise leave it seconds old. */
#define WAITING_SHARE 50
#define WAITING_STALE_NS (500ull * 1000 * 1000)

void async_stage_waiting(struct async_stage *as)
{
	uint64_t now = clock_now_ns();
	if (!as->a || now < as->waiting_next_ns)
		return;
	as->waiting_read = py_async_waiting(as->a, &as->chain, add_waiting, as) >= 0;
	uint64_t wait = WAITING_SHARE * (clock_now_ns() - now);
	as->waiting_next_ns = now + (wait < WAITING_STALE_NS ? wait : WAITING_STALE_NS);
}

void async_stage_count(struct async_stage *as, struct profile *prof, uint32_t thread)
{
	if (!as->waiting_read) {
		for (size_t i = 0; i < as->n_held; i++)
			profile_count(prof, as->held[i], 1);
		return;
	}
	as->n_held = 0;
	if (grow_array((void **)&as->held, &as->cap_held, as->n_waiting, sizeof *as->held) != 0)
		return;
	for (size_t i = 0; i < as->n_waiting; i++) {
		uint32_t id = profile_add_stack(prof, thread, as->ids + as->waiting[i].start,
						as->waiting[i].n, 1);
		if (id != INTERN_NONE)
			as->held[as->n_held++] = id;
	}
}
