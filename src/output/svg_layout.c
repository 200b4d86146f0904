/* svg_layout.c: laying a profile out as boxes: labels numbered in name order, a flame graph
 * built from merged stacks, a flame chart replayed from the timeline. */
#include "output/svg_layout.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "output/tracks.h"
#include "profile/profile.h"
#include "util/grow.h"

/* ---- labels ---- */

struct ranked {
	struct label l;
	uint32_t *rank; /* where the label's rank goes */
};

static int cmp_label(const struct label *a, const struct label *b)
{
	int c = strcmp(a->name, b->name);
	if (c == 0)
		c = strcmp(a->file, b->file);
	if (c == 0)
		c = a->line < b->line ? -1 : a->line > b->line;
	if (c == 0)
		c = (int)a->kind - (int)b->kind;
	return c;
}

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_label(&((const struct ranked *)a)->l, &((const struct ranked *)b)->l);
}

void svg_labels_release(struct labels *lb)
{
	out_frames_release(&lb->frames);
	free(lb->by_rank);
	free(lb->frame_rank);
	free(lb->thread_rank);
	free(lb->process_rank);
	for (size_t i = 0; lb->process_names && i < lb->n_threads; i++)
		free(lb->process_names[i]);
	free(lb->process_names);
}

/* The label of each thread's process, with o->processes, into tmp from *k on: one per thread
 * of a known process, so that threads of one process share a rank and merge. Returns 0 or -1
 * (no memory). */
static int process_labels(struct labels *lb, const struct profile *p, const struct out_options *o,
			  struct ranked *tmp, size_t *k)
{
	size_t nt = profile_thread_count(p);
	lb->n_threads = nt;
	lb->process_rank = malloc((nt ? nt : 1) * sizeof *lb->process_rank);
	lb->process_names = calloc(nt ? nt : 1, sizeof *lb->process_names);
	if (!lb->process_rank || !lb->process_names)
		return -1;
	for (size_t i = 0; i < nt; i++) {
		uint32_t pid = profile_thread_get(p, (uint32_t)i)->pid;
		lb->process_rank[i] = LABEL_NO_RANK;
		if (!o->processes || !pid)
			continue;
		lb->process_names[i] = out_process_label(p, pid, NULL);
		if (!lb->process_names[i])
			return -1;
		tmp[(*k)++] = (struct ranked){ { lb->process_names[i], "", "", 0, LABEL_PROCESS },
					       &lb->process_rank[i] };
	}
	return 0;
}

/* Ranks every label a box can have: each frame (lines merged with -n), each thread's name,
 * each thread's process with o->processes, and the special boxes. Returns 0 or -1 (no
 * memory; release lb either way). Strings are borrowed from p, but for the processes'. */
int svg_labels_build(struct labels *lb, const struct profile *p, const struct out_options *o)
{
	memset(lb, 0, sizeof *lb);
	if (out_frames_build(&lb->frames, p, o->line_numbers) != 0)
		return -1;
	size_t nf = out_frames_count(&lb->frames), nt = profile_thread_count(p);
	size_t n = nf + 2 * nt + 3, k = 0;
	struct ranked *tmp = malloc(n * sizeof *tmp);
	/* A base name alone is ambiguous (every package has an __init__.py): boxes show the
	 * shortest ending of the path that tells the file apart, tooltips the whole path. */
	const char **short_file = out_file_suffixes(p);
	lb->by_rank = malloc(n * sizeof *lb->by_rank);
	lb->frame_rank = malloc((nf ? nf : 1) * sizeof *lb->frame_rank);
	lb->thread_rank = malloc((nt ? nt : 1) * sizeof *lb->thread_rank);
	if (!tmp || !short_file || !lb->by_rank || !lb->frame_rank || !lb->thread_rank) {
		free(tmp);
		free(short_file);
		return -1;
	}
	for (size_t i = 0; i < nf; i++) {
		const struct prof_frame *f = out_frames_get(&lb->frames, i);
		tmp[k++] = (struct ranked){ { profile_string(p, f->func), profile_string(p, f->file),
					      short_file[f->file], (int)f->line, LABEL_FRAME },
					    &lb->frame_rank[i] };
	}
	free(short_file);
	for (size_t i = 0; i < nt; i++) {
		const char *name = profile_string(p, profile_thread_get(p, (uint32_t)i)->name);
		tmp[k++] = (struct ranked){ { name, "", "", 0, LABEL_THREAD }, &lb->thread_rank[i] };
	}
	if (process_labels(lb, p, o, tmp, &k) != 0) {
		free(tmp);
		return -1;
	}
	tmp[k++] = (struct ranked){ { "(idle)", "", "", 0, LABEL_IDLE }, &lb->idle };
	tmp[k++] = (struct ranked){ { "(torn)", "", "", 0, LABEL_TORN }, &lb->torn };
	tmp[k++] = (struct ranked){ { "all", "", "", 0, LABEL_ROOT }, &lb->root };
	qsort(tmp, k, sizeof *tmp, cmp_ranked);
	for (size_t i = 0; i < k; i++) {
		if (i == 0 || cmp_label(&tmp[i].l, &tmp[i - 1].l) != 0)
			lb->by_rank[lb->n++] = tmp[i].l;
		*tmp[i].rank = (uint32_t)(lb->n - 1);
	}
	free(tmp);
	return 0;
}

/* The ranks of the boxes a stack passes through above the root, outermost first: its
 * process when the labels have it (--subprocesses), its thread's name when thread_frame is
 * set and it has one (under a process, one that is not empty), then its frames. out has room for s->n + 2. Returns how many. */
static size_t stack_path(const struct labels *lb, const struct prof_stack *s, int thread_frame,
			 uint32_t *out)
{
	size_t k = 0;
	if (s->thread != PROF_NO_THREAD && lb->process_rank[s->thread] != LABEL_NO_RANK) {
		out[k++] = lb->process_rank[s->thread];
		/* A thread with no name stands for its process alone: no box of its own. */
		if (!*lb->by_rank[lb->thread_rank[s->thread]].name)
			thread_frame = 0;
	}
	if (thread_frame && s->thread != PROF_NO_THREAD)
		out[k++] = lb->thread_rank[s->thread];
	for (size_t i = 0; i < s->n; i++)
		out[k++] = lb->frame_rank[lb->frames.index[s->frames[i]]];
	return k;
}

/* The longest stack_path of p. */
static size_t max_path(const struct profile *p)
{
	size_t m = 1;
	for (size_t i = 0; i < profile_stack_count(p); i++) {
		size_t n = profile_stack(p, i).n + 2;
		if (n > m)
			m = n;
	}
	return m;
}

/* ---- layout ---- */

/* Appends a box (span starting at x, nothing counted yet). Returns its index, or SIZE_MAX
 * when out of memory. Indexes, not pointers: the array moves as it grows. */
static size_t box_add(struct layout *L, uint32_t rank, uint32_t lane, uint32_t depth, uint64_t x)
{
	if (grow_array((void **)&L->boxes, &L->cap, L->n + 1, sizeof *L->boxes) < 0)
		return SIZE_MAX;
	L->boxes[L->n] = (struct box){ .x = x, .rank = rank, .lane = lane, .depth = depth };
	return L->n++;
}

struct path {
	const uint32_t *r;
	size_t n;
	uint64_t count;
};

static int cmp_path(const void *a, const void *b)
{
	const struct path *x = a, *y = b;
	for (size_t i = 0; i < x->n && i < y->n; i++)
		if (x->r[i] != y->r[i])
			return x->r[i] < y->r[i] ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* Lays the sorted paths out left to right: a path shares the boxes of the prefix it has in
 * common with the one before it (sorting put all paths through a box next to each other),
 * and opens new boxes for the rest. Returns 0 or -1. */
static int graph_place(struct layout *L, const struct path *paths, size_t np, size_t depth)
{
	size_t *open = malloc((depth ? depth : 1) * sizeof *open); /* by depth - 1 */
	const struct path *prev = NULL;
	uint64_t x = 0;
	if (!open)
		return -1;
	for (size_t i = 0; i < np; i++) {
		const struct path *q = &paths[i];
		size_t c = 0;
		while (prev && c < prev->n && c < q->n && prev->r[c] == q->r[c])
			c++;
		for (size_t d = c; d < q->n; d++) {
			open[d] = box_add(L, q->r[d], 0, (uint32_t)(d + 1), x);
			if (open[d] == SIZE_MAX) {
				free(open);
				return -1;
			}
		}
		for (size_t d = 0; d < q->n; d++)
			L->boxes[open[d]].n += q->count;
		x += q->count;
		prev = q;
	}
	L->boxes[0].n = x;
	for (size_t i = 0; i < L->n; i++)
		L->boxes[i].w = L->boxes[i].n;
	free(open);
	return 0;
}

/* The flame graph: every stack's samples merged into a tree under "all", children in name
 * order; idle and torn samples (as collapsed output shows them) are boxes of their own. */
int svg_graph_build(struct layout *L, const struct profile *p, const struct out_options *o,
		       const struct labels *lb)
{
	size_t ns = profile_stack_count(p), pool_n = 2, np = 0, used = 0, depth = 1;
	for (size_t i = 0; i < ns; i++)
		pool_n += profile_stack(p, i).n + 2;
	struct path *paths = malloc((ns + 2) * sizeof *paths);
	uint32_t *pool = malloc(pool_n * sizeof *pool);
	int rc = -1;
	if (!paths || !pool || box_add(L, lb->root, 0, 0, 0) == SIZE_MAX)
		goto out;
	for (size_t i = 0; i < ns; i++) {
		struct prof_stack s = profile_stack(p, i);
		if (s.count == 0)
			continue;
		size_t n = stack_path(lb, &s, o->thread_names, pool + used);
		paths[np++] = (struct path){ pool + used, n, s.count };
		used += n;
		depth = n > depth ? n : depth;
	}
	if (o->include_idle && p->idle) {
		pool[used] = lb->idle;
		paths[np++] = (struct path){ pool + used++, 1, p->idle };
	}
	/* Stacks seen changing while read (--nonblocking): counted, never shown made up. */
	if (p->torn) {
		pool[used] = lb->torn;
		paths[np++] = (struct path){ pool + used++, 1, p->torn };
	}
	qsort(paths, np, sizeof *paths, cmp_path);
	rc = graph_place(L, paths, np, depth);
out:
	free(paths);
	free(pool);
	return rc;
}

/* The boxes open on one lane of a flame chart, outermost first. */
struct lane_state {
	uint32_t *ranks;
	size_t *box;
	size_t n;
	int unseen;      /* its thread was not in the last tick (a lane that bridges, below) */
	uint64_t missed; /* then: the time of the first tick it was not in */
};

/* Moves a lane to the path seen at time now (n 0: nothing): boxes past the common prefix end
 * at ended (now, or the first tick a bridged thread was missing from), new ones begin at now,
 * and every box on the path counts the sample. Returns 0 or -1. */
static int chart_advance(struct layout *L, struct lane_state *ls, uint32_t lane,
			 const uint32_t *path, size_t n, uint64_t ended, uint64_t now)
{
	size_t k = 0;
	while (k < ls->n && k < n && ls->ranks[k] == path[k])
		k++;
	for (size_t i = k; i < ls->n; i++)
		L->boxes[ls->box[i]].w = ended - L->boxes[ls->box[i]].x;
	for (size_t i = k; i < n; i++) {
		ls->box[i] = box_add(L, path[i], lane, (uint32_t)(i + 1), now);
		if (ls->box[i] == SIZE_MAX)
			return -1;
		ls->ranks[i] = path[i];
	}
	ls->n = n;
	for (size_t i = 0; i < n; i++)
		L->boxes[ls->box[i]].n++;
	return 0;
}

/* How long the last sample stands for: the sampling interval, or the mean gap between ticks
 * when the profile does not say. At least 1 us, so that one sample still has a width. */
static uint64_t chart_last_width(const struct profile *p, uint64_t span, uint64_t ticks)
{
	uint64_t w = 0;
	if (p->interval > 0)
		w = (uint64_t)(p->interval * 1e6 + 0.5);
	else if (ticks > 1)
		w = span / (ticks - 1);
	return w ? w : 1;
}

/* A flame chart being replayed. Lanes are per thread, and a thread gets more than one when a
 * tick holds several of its stacks (stacks not told apart by thread: --threads without thread
 * tags), the k-th stack of a tick going on its k-th lane: threads are walked in the same order
 * at every tick, so each lane mostly follows one thread. Idle samples go on the first lane
 * when it is not a thread's (stacks without threads: the lane of whatever ran), else on a
 * lane of their own after the threads'.
 *
 * When no tick holds more than one stack, only the GIL holder was read, and a thread missing
 * from a tick did not hold the GIL: it ran no Python code, so its stack stood still. Its lane
 * bridges such ticks: the frames it is next seen in that it was last seen in too stay one box.
 * Without that, threads taking turns made new boxes for every frame of every sample (7.5 s of
 * tests/targets/threads.py with --thread-names: 902 boxes, 241 KB; bridged: 67, 28 KB). With
 * --threads every thread is read at every tick, and a missing one had no Python frame at all:
 * its boxes end there. */
struct chart {
	const struct profile *p;
	uint32_t *tracks;      /* out_tracks */
	size_t nt;
	size_t *base;          /* by track: its first lane; base[nt]: the threads' lanes */
	size_t lanes;          /* all lanes, the idle lane included */
	size_t idle_lane;      /* where idle samples go */
	size_t bridge_from, bridge_to; /* the lanes that bridge ticks their thread missed */
	uint32_t *occ;         /* by track: its stacks in the current tick */
	struct lane_state *ls; /* by lane */
	uint32_t *seen;        /* by lane: its stack in the current tick, or INTERN_NONE */
	uint32_t *path;        /* scratch for one stack_path */
	size_t depth;          /* room in path and in each lane_state */
};

/* The track of event i, or nt for an idle sample (or a thread not in the tracks). */
static size_t chart_track(const struct chart *c, size_t i)
{
	uint32_t id = c->p->events[i].stack;
	if (id == INTERN_NONE)
		return c->nt;
	return out_track_of(c->tracks, c->nt, profile_stack(c->p, id).thread);
}

/* The end of the tick that starts at event i. */
static size_t chart_tick_end(const struct profile *p, size_t i)
{
	size_t j = i + 1;
	while (j < p->n_events && p->events[j].time_us == p->events[i].time_us)
		j++;
	return j;
}

/* Sets c->base from the most stacks any tick holds on each track, then where idle samples go
 * and which lanes bridge (see struct chart); at least one lane, for idle samples. */
static void chart_count_lanes(struct chart *c, const struct out_options *o)
{
	size_t most = 0, idle = 0; /* the most stacks a tick holds; idle ticks */
	memset(c->base, 0, (c->nt + 1) * sizeof *c->base);
	for (size_t i = 0; i < c->p->n_events;) {
		size_t end = chart_tick_end(c->p, i), here = 0;
		memset(c->occ, 0, c->nt * sizeof *c->occ);
		for (; i < end; i++) {
			size_t k = chart_track(c, i);
			idle += c->p->events[i].stack == INTERN_NONE;
			if (k < c->nt && ++c->occ[k] > c->base[k])
				c->base[k] = c->occ[k];
			here += k < c->nt;
		}
		most = here > most ? here : most;
	}
	size_t lanes = 0;
	for (size_t k = 0; k <= c->nt; k++) {
		size_t n = c->base[k];
		c->base[k] = lanes;
		lanes += n;
	}
	/* The lanes of stacks without threads, first when there are any. */
	size_t untagged = c->nt > 0 && c->tracks[0] == PROF_NO_THREAD ? c->base[1] : 0;
	c->lanes = lanes;
	c->idle_lane = 0;
	if (!untagged && lanes && idle && o->include_idle)
		c->idle_lane = c->lanes++;
	if (c->lanes == 0)
		c->lanes = 1;
	c->bridge_from = c->bridge_to = 0;
	if (most <= 1) {
		c->bridge_from = untagged;
		c->bridge_to = lanes;
	}
}

/* Replays the timeline tick by tick (the events of one tick share a time). A lane's path for
 * the tick is its stack, or nothing; idle ticks go on the first lane. */
static int chart_replay(struct chart *c, struct layout *L, const struct out_options *o,
			const struct labels *lb)
{
	const struct profile *p = c->p;
	size_t lanes = c->lanes;
	/* Lanes of stacks need telling apart (the idle lane tells itself). */
	int thread_frame = o->thread_names || c->base[c->nt] > 1;
	uint64_t origin = p->events[0].time_us, now = 0, ticks = 0;
	for (size_t i = 0; i < p->n_events;) {
		uint64_t t = p->events[i].time_us;
		size_t end = chart_tick_end(p, i);
		int idle = 0;
		for (size_t l = 0; l < lanes; l++)
			c->seen[l] = INTERN_NONE;
		memset(c->occ, 0, c->nt * sizeof *c->occ);
		for (; i < end; i++) {
			size_t k = chart_track(c, i);
			idle |= p->events[i].stack == INTERN_NONE;
			if (k < c->nt)
				c->seen[c->base[k] + c->occ[k]++] = p->events[i].stack;
		}
		/* Wall-clock time can step back (the clock was set): time never runs backwards
		 * in the chart. */
		if (t > origin && t - origin > now)
			now = t - origin;
		ticks++;
		for (size_t l = 0; l < lanes; l++) {
			struct lane_state *ls = &c->ls[l];
			size_t n = 0;
			if (c->seen[l] != INTERN_NONE) {
				struct prof_stack s = profile_stack(p, c->seen[l]);
				n = stack_path(lb, &s, thread_frame, c->path);
			} else if (l == c->idle_lane && idle && o->include_idle) {
				c->path[n++] = lb->idle;
			} else if (l >= c->bridge_from && l < c->bridge_to) {
				if (!ls->unseen)
					ls->missed = now;
				ls->unseen = 1;
				continue;
			}
			L->boxes[0].n += n > 0;
			uint64_t ended = ls->unseen ? ls->missed : now;
			ls->unseen = 0;
			if (chart_advance(L, ls, (uint32_t)l, c->path, n, ended, now) != 0)
				return -1;
		}
	}
	uint64_t end = now + chart_last_width(p, now, ticks);
	for (size_t l = 0; l < lanes; l++) {
		struct lane_state *ls = &c->ls[l];
		if (chart_advance(L, ls, (uint32_t)l, c->path, 0, ls->unseen ? ls->missed : end,
				  end) != 0)
			return -1;
	}
	L->boxes[0].w = end;
	L->lanes = (uint32_t)lanes;
	return 0;
}

/* Stacks the lanes: each starts on the row after the deepest row of the one before.
 * Returns 0 or -1. */
static int chart_rows(struct layout *L)
{
	uint32_t *base = calloc(L->lanes, sizeof *base), next = 0;
	if (!base)
		return -1;
	for (size_t i = 1; i < L->n; i++)
		if (L->boxes[i].depth > base[L->boxes[i].lane])
			base[L->boxes[i].lane] = L->boxes[i].depth;
	for (uint32_t k = 0; k < L->lanes; k++) {
		uint32_t deepest = base[k];
		base[k] = next;
		next += deepest;
	}
	for (size_t i = 1; i < L->n; i++)
		L->boxes[i].depth += base[L->boxes[i].lane];
	free(base);
	return 0;
}

static void chart_release(struct chart *c, size_t lanes)
{
	for (size_t l = 0; c->ls && l < lanes; l++) {
		free(c->ls[l].ranks);
		free(c->ls[l].box);
	}
	free(c->ls);
	free(c->tracks);
	free(c->base);
	free(c->occ);
	free(c->seen);
	free(c->path);
}

/* The flame chart: time left to right; a frame that stays at its depth over consecutive
 * samples (with the same frames below it) is one box. */
int svg_chart_build(struct layout *L, const struct profile *p, const struct out_options *o,
		       const struct labels *lb)
{
	struct chart c = { .p = p, .depth = max_path(p) };
	size_t lanes = 0;
	int rc = -1;
	c.tracks = out_tracks(p, &c.nt);
	c.base = malloc((c.nt + 1) * sizeof *c.base);
	c.occ = malloc((c.nt ? c.nt : 1) * sizeof *c.occ);
	c.path = malloc(c.depth * sizeof *c.path);
	if (!c.tracks || !c.base || !c.occ || !c.path || box_add(L, lb->root, 0, 0, 0) == SIZE_MAX)
		goto out;
	if (p->n_events == 0) {
		rc = 0; /* nothing to show: the root stays empty */
		goto out;
	}
	chart_count_lanes(&c, o);
	lanes = c.lanes;
	c.ls = calloc(lanes, sizeof *c.ls);
	c.seen = malloc(lanes * sizeof *c.seen);
	if (!c.ls || !c.seen)
		goto out;
	for (size_t l = 0; l < lanes; l++) {
		c.ls[l].ranks = malloc(c.depth * sizeof *c.ls[l].ranks);
		c.ls[l].box = malloc(c.depth * sizeof *c.ls[l].box);
		if (!c.ls[l].ranks || !c.ls[l].box)
			goto out;
	}
	if (chart_replay(&c, L, o, lb) == 0)
		rc = chart_rows(L);
out:
	chart_release(&c, lanes);
	return rc;
}

