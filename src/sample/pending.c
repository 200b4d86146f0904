/* pending.c: samples taken while their thread ran, held until their code objects are checked. */
#include "sample/pending.h"

#include "python/code.h"

/* Adds code to h's distinct code objects; returns 0, or -1 when there is no room. */
static int add_code(struct pending_samples *h, uint64_t code)
{
	for (size_t i = 0; i < h->n_codes; i++)
		if (h->codes[i] == code)
			return 0;
	if (h->n_codes == PENDING_CODES_MAX)
		return -1;
	h->codes[h->n_codes++] = code;
	return 0;
}

int pending_due(const struct pending_samples *h, uint64_t now_ns)
{
	return h->n == PENDING_MAX || (h->n && now_ns - h->since_ns >= PENDING_NS);
}

int pending_add(struct pending_samples *h, const struct profile *prof, uint64_t generation,
	     uint32_t stack, uint64_t time_us, int holds_gil, const struct py_raw_frame *f,
	     size_t n, uint64_t now_ns)
{
	if (pending_due(h, now_ns))
		return 0;
	if (h->n && (generation != h->generation || prof->serial != h->serial))
		return 0;
	size_t codes = h->n_codes;
	for (size_t i = 0; i < n; i++) {
		/* Recursion: a frame's code is most often the one of the frame before. */
		if (i && f[i].code == f[i - 1].code)
			continue;
		if (add_code(h, f[i].code) != 0) {
			h->n_codes = codes; /* this sample's codes are checked with it, now */
			return 0;
		}
	}
	if (!h->n) {
		h->since_ns = now_ns;
		h->generation = generation;
		h->serial = prof->serial;
	}
	h->v[h->n].time_us = time_us;
	h->v[h->n].stack = stack;
	h->v[h->n].holds_gil = holds_gil;
	h->n++;
	return 1;
}

size_t pending_settle(struct pending_samples *h, struct py_walker *w, struct profile *prof,
		   struct sample_stats *st)
{
	size_t n = h->n;
	if (!n)
		return 0;
	/* Most were checked this epoch already (this tick's own stack): those read nothing. */
	for (size_t i = 0; i < h->n_codes; i++)
		py_code_get(w, h->codes[i]);
	int kept = py_code_generation(w) == h->generation && prof->serial == h->serial;
	for (size_t i = 0; i < n && kept; i++) {
		profile_count(prof, h->v[i].stack, 1);
		profile_add_event(prof, h->v[i].time_us, h->v[i].stack);
		prof->samples++;
		st->gil_held += (uint64_t)h->v[i].holds_gil;
	}
	if (!kept && prof->serial == h->serial)
		prof->torn += n;
	h->n = 0;
	h->n_codes = 0;
	return kept ? n : 0;
}
