/* test_pending.c: samples taken while their thread ran are held until their code objects are
 * checked (sample/pending.h). On code objects built in a fake 3.12 target: held samples are
 * counted, in order, when every code object is as it was; dropped as torn when one address
 * now holds another code object; and a sample is not held past PENDING_MAX, past PENDING_NS,
 * across a move of the code generation or into another profile. */
#include <stdlib.h>

#include "check.h"
#include "fixture_objects.h"
#include "profile/profile.h"
#include "python/code.h"
#include "python/offsets.h"
#include "python/walker.h"
#include "sample/pending.h"

/* A code object named name in file, at a fresh address. */
static uint64_t mk_code(struct builder *b, const char *file, const char *name)
{
	const struct py_offsets *o = b->o;
	uint64_t code = fake_alloc(b->f, 512, 0);
	fake_put64(b->f, code, o->code_filename, mk_str(b, file));
	fake_put64(b->f, code, o->code_name, mk_str(b, name));
	if (o->code_qualname >= 0)
		fake_put64(b->f, code, o->code_qualname, mk_str(b, name));
	fake_put64(b->f, code, o->code_linetable, 8); /* no table: lines are co_firstlineno */
	return code;
}

/* n frames of one stack: the outermost's code `outer`, every other `inner` (recursion). */
static void frames_of(struct py_raw_frame *f, size_t n, uint64_t inner, uint64_t outer)
{
	for (size_t i = 0; i < n; i++)
		f[i] = (struct py_raw_frame){ .addr = 0x7000 - 0x80 * i,
					      .code = i + 1 == n ? outer : inner,
					      .index = 3, .owner = 0 };
}

int main(void)
{
	struct fake f;
	if (fake_open(&f) != 0)
		return 1;
	const struct py_offsets *o = py_offsets_find(3, 12);
	struct builder b = { .f = &f, .o = o, .major = 3 };
	b.str_type = mk_type(&b, (uint64_t)o->tpflags_str_subclass, 0);
	struct py_walker w;
	fake_walker(&f, o, &w);
	w.codes = py_code_cache_new();
	uint64_t run = mk_code(&b, "jobs.py", "run"), main_ = mk_code(&b, "jobs.py", "<module>");
	struct py_raw_frame fr[30];
	frames_of(fr, 30, run, main_);

	/* The code objects checked once, as a tick that resolved the stack does. */
	py_code_epoch(&w);
	CHECK(py_code_get(&w, run) && py_code_get(&w, main_), "the code objects read");
	uint64_t gen = py_code_generation(&w);

	struct profile p;
	profile_init(&p);
	p.serial = 7;
	p.keep_timeline = 1;
	uint32_t frames[2] = { profile_frame(&p, "jobs.py", "<module>", 1),
			       profile_frame(&p, "jobs.py", "run", 3) };
	uint32_t stack = profile_add_stack(&p, PROF_NO_THREAD, frames, 2, 1);
	struct sample_stats st = { 0 };
	struct pending_samples h = { 0 };

	/* Held: nothing counted until settled, then each in the order taken. */
	size_t held = 0;
	for (int i = 0; i < 5; i++)
		held += (size_t)pending_add(&h, &p, gen, stack, 1000 + (uint64_t)i, i & 1, fr, 30,
					    1000000);
	CHECK_INT(held, 5, "five samples held");
	CHECK_INT(h.n_codes, 2, "the codes of 30 frames of recursion: two to check");
	CHECK_INT(p.counts[stack], 1, "held samples are not counted yet");
	CHECK_INT(p.n_events, 0, "nor in the timeline");
	py_code_epoch(&w);
	CHECK_INT(pending_settle(&h, &w, &p, &st), 5, "every code object the same: all counted");
	CHECK_INT(p.counts[stack], 6, "the stack counted five more times");
	CHECK_INT(p.samples, 5, "five samples");
	CHECK_INT(st.gil_held, 2, "two of them held the GIL");
	CHECK(p.n_events == 5 && p.events[0].time_us == 1000 && p.events[4].time_us == 1004,
	      "the timeline in the order taken");
	CHECK_INT(h.n, 0, "settled: nothing held");

	/* Another code object allocated where `run` was (exec() in a loop): dropped. */
	for (int i = 0; i < 3; i++)
		pending_add(&h, &p, gen, stack, 2000 + (uint64_t)i, 1, fr, 30, 2000000);
	fake_put64(&f, run, o->code_name, mk_str(&b, "other"));
	py_code_epoch(&w);
	CHECK_INT(pending_settle(&h, &w, &p, &st), 0, "a code object replaced: nothing counted");
	CHECK(py_code_generation(&w) != gen, "...and the generation moved");
	CHECK_INT(p.counts[stack], 6, "the stack not counted");
	CHECK_INT(p.torn, 3, "the three samples dropped as torn");
	CHECK_INT(p.samples, 5, "no sample added");
	gen = py_code_generation(&w);

	/* Bounds: PENDING_MAX samples, PENDING_NS, one generation, one profile. */
	size_t n = 0;
	while (n < 100 && pending_add(&h, &p, gen, stack, 3000, 0, fr, 30, 3000000))
		n++;
	CHECK_INT(n, PENDING_MAX, "at most PENDING_MAX held");
	CHECK(pending_due(&h, 3000000), "a full hold is due");
	py_code_epoch(&w);
	pending_settle(&h, &w, &p, &st);
	CHECK(!pending_due(&h, 5000000), "an empty hold is not due");
	CHECK(pending_add(&h, &p, gen, stack, 1, 0, fr, 30, 5000000), "one held");
	CHECK(!pending_due(&h, 5000000 + PENDING_NS - 1) && pending_due(&h, 5000000 + PENDING_NS),
	      "one held is due PENDING_NS after it was");
	CHECK(!pending_add(&h, &p, gen, stack, 2, 0, fr, 30, 5000000 + PENDING_NS),
	      "not held PENDING_NS after the first");
	CHECK(!pending_add(&h, &p, gen + 1, stack, 2, 0, fr, 30, 5000001),
	      "not held across a code generation");
	p.serial = 8;
	CHECK(!pending_add(&h, &p, gen, stack, 2, 0, fr, 30, 5000001),
	      "not held into another profile");
	uint64_t torn = p.torn, samples = p.samples;
	py_code_epoch(&w);
	CHECK_INT(pending_settle(&h, &w, &p, &st), 0, "held for another profile: not counted");
	CHECK(p.torn == torn && p.samples == samples, "...nor counted as torn in this one");

	/* A stack of more distinct code objects than there is room for is not held. */
	struct py_raw_frame many[PENDING_CODES_MAX + 1];
	for (size_t i = 0; i < PENDING_CODES_MAX + 1; i++)
		many[i] = (struct py_raw_frame){ .addr = 0x9000 - 0x80 * i, .code = 0x20000 + 0x200 * i };
	CHECK(!pending_add(&h, &p, gen, stack, 1, 0, many, PENDING_CODES_MAX + 1, 6000000),
	      "too many code objects: checked at once, not held");
	CHECK_INT(h.n_codes, 0, "...and none of them kept");

	profile_release(&p);
	py_walker_release(&w);
	free(f.mem);
	return check_exit();
}
