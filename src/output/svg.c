/* svg.c: an interactive flame graph, or with --flamechart a flame chart, as one self-contained
 * SVG file. The profile is laid out here as boxes (a label, a row, a span of samples or of
 * time); the script from svg_script.h, embedded in the file, zooms, searches and shows details
 * in the browser. The file refers to nothing outside itself. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/frames.h"
#include "output/output.h"
#include "output/svg_script.h"
#include "output/tracks.h"
#include "profile/profile.h"

/* Geometry, in px. 1200 wide is what flame graph readers are used to; the script zooms inside
 * it and never resizes the image. */
#define SVG_WIDTH 1200
#define SVG_PAD 10   /* left and right margins */
#define ROW_H 16     /* one frame's row */
#define HEAD_H 50    /* title, then buttons, above the frames */
#define FOOT_H 26    /* the details line below them */
#define BOX_GAP 0.5  /* between neighbouring boxes, so that same-coloured ones stay apart */
/* An average glyph of the 12 px sans-serif font, used to cut labels to their box. A guess on
 * the wide side: a label that overflows its box is worse than one cut a little early. */
#define CHAR_W 7.0

/* Boxes narrower than this share of the whole (1/1000: under 1.2 px at full width) are left
 * out, and so is everything on top of them: nobody can see or click them, and in a deep,
 * varied profile they would make most of the file. Their samples still count in the frames
 * below them. */
#define MIN_PER_THOUSAND 1

enum label_kind { LABEL_FRAME, LABEL_THREAD, LABEL_IDLE, LABEL_TORN, LABEL_ROOT };

/* What a box shows. Labels are numbered ("ranked") in sorted order, so that comparing ranks
 * orders boxes by name, and equal labels (frames that differ only by line with -n, threads of
 * one name) share a rank and merge. */
struct label {
	const char *name; /* function, thread name, "(idle)", "(torn)" or "all" */
	const char *file; /* "" for all but code frames */
	int line;         /* 0 with -n */
	enum label_kind kind;
};

struct labels {
	struct out_frames frames;
	struct label *by_rank;
	size_t n;
	uint32_t *frame_rank;  /* by out_frames entry */
	uint32_t *thread_rank; /* by profile thread id */
	uint32_t idle, torn, root;
};

/* One rectangle. A flame graph's boxes nest by sample counts, a flame chart's by time; both
 * are written in the order made, a box before the boxes on top of it. */
struct box {
	uint64_t x, w;  /* span: samples (graph) or microseconds since the first sample (chart) */
	uint64_t n;     /* samples */
	uint32_t rank;  /* its label */
	uint32_t lane;  /* a flame chart's lane (about one a thread); 0 in a graph */
	uint32_t depth; /* rows from the root's (lanes of a chart stacked) */
};

/* boxes[0] is the root, "all": its w is the whole width, its n every sample shown. */
struct layout {
	struct box *boxes;
	size_t n, cap;
	uint32_t lanes;
	int chart;
};

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

static void labels_release(struct labels *lb)
{
	out_frames_release(&lb->frames);
	free(lb->by_rank);
	free(lb->frame_rank);
	free(lb->thread_rank);
}

/* Ranks every label a box can have: each frame (lines merged with -n), each thread's name and
 * the special boxes. Returns 0 or -1 (no memory; release lb either way). Strings are borrowed
 * from p. */
static int labels_build(struct labels *lb, const struct profile *p, const struct out_options *o)
{
	memset(lb, 0, sizeof *lb);
	if (out_frames_build(&lb->frames, p, o->line_numbers) != 0)
		return -1;
	size_t nf = out_frames_count(&lb->frames), nt = profile_thread_count(p);
	size_t n = nf + nt + 3, k = 0;
	struct ranked *tmp = malloc(n * sizeof *tmp);
	lb->by_rank = malloc(n * sizeof *lb->by_rank);
	lb->frame_rank = malloc((nf ? nf : 1) * sizeof *lb->frame_rank);
	lb->thread_rank = malloc((nt ? nt : 1) * sizeof *lb->thread_rank);
	if (!tmp || !lb->by_rank || !lb->frame_rank || !lb->thread_rank) {
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < nf; i++) {
		const struct prof_frame *f = out_frames_get(&lb->frames, i);
		tmp[k++] = (struct ranked){ { profile_string(p, f->func), profile_string(p, f->file),
					      (int)f->line, LABEL_FRAME },
					    &lb->frame_rank[i] };
	}
	for (size_t i = 0; i < nt; i++) {
		const char *name = profile_string(p, profile_thread_get(p, (uint32_t)i)->name);
		tmp[k++] = (struct ranked){ { name, "", 0, LABEL_THREAD }, &lb->thread_rank[i] };
	}
	tmp[k++] = (struct ranked){ { "(idle)", "", 0, LABEL_IDLE }, &lb->idle };
	tmp[k++] = (struct ranked){ { "(torn)", "", 0, LABEL_TORN }, &lb->torn };
	tmp[k++] = (struct ranked){ { "all", "", 0, LABEL_ROOT }, &lb->root };
	qsort(tmp, n, sizeof *tmp, cmp_ranked);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || cmp_label(&tmp[i].l, &tmp[i - 1].l) != 0)
			lb->by_rank[lb->n++] = tmp[i].l;
		*tmp[i].rank = (uint32_t)(lb->n - 1);
	}
	free(tmp);
	return 0;
}

/* The ranks of the boxes a stack passes through above the root, outermost first: its
 * thread's name when thread_frame is set and it has one, then its frames. out has room for
 * s->n + 1. Returns how many. */
static size_t stack_path(const struct labels *lb, const struct prof_stack *s, int thread_frame,
			 uint32_t *out)
{
	size_t k = 0;
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
		size_t n = profile_stack(p, i).n + 1;
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
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 256;
		struct box *nb = realloc(L->boxes, nc * sizeof *nb);
		if (!nb)
			return SIZE_MAX;
		L->boxes = nb;
		L->cap = nc;
	}
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
static int graph_build(struct layout *L, const struct profile *p, const struct out_options *o,
		       const struct labels *lb)
{
	size_t ns = profile_stack_count(p), pool_n = 2, np = 0, used = 0, depth = 1;
	for (size_t i = 0; i < ns; i++)
		pool_n += profile_stack(p, i).n + 1;
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
};

/* Moves a lane to the path seen at time now (n 0: nothing): boxes past the common prefix end
 * at now, new ones begin, and every box on the path counts the sample. Returns 0 or -1. */
static int chart_advance(struct layout *L, struct lane_state *ls, uint32_t lane,
			 const uint32_t *path, size_t n, uint64_t now)
{
	size_t k = 0;
	while (k < ls->n && k < n && ls->ranks[k] == path[k])
		k++;
	for (size_t i = k; i < ls->n; i++)
		L->boxes[ls->box[i]].w = now - L->boxes[ls->box[i]].x;
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
 * at every tick, so each lane mostly follows one thread. */
struct chart {
	const struct profile *p;
	uint32_t *tracks;      /* out_tracks */
	size_t nt;
	size_t *base;          /* by track: its first lane; base[nt]: how many lanes */
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

/* Sets c->base from the most stacks any tick holds on each track; at least one lane, for idle
 * samples. */
static void chart_count_lanes(struct chart *c)
{
	memset(c->base, 0, (c->nt + 1) * sizeof *c->base);
	for (size_t i = 0; i < c->p->n_events;) {
		size_t end = chart_tick_end(c->p, i);
		memset(c->occ, 0, c->nt * sizeof *c->occ);
		for (; i < end; i++) {
			size_t k = chart_track(c, i);
			if (k < c->nt && ++c->occ[k] > c->base[k])
				c->base[k] = c->occ[k];
		}
	}
	size_t lanes = 0;
	for (size_t k = 0; k <= c->nt; k++) {
		size_t n = c->base[k];
		c->base[k] = lanes;
		lanes += n;
	}
	if (c->base[c->nt] == 0)
		c->base[c->nt] = 1;
}

/* Replays the timeline tick by tick (the events of one tick share a time). A lane's path for
 * the tick is its stack, or nothing; idle ticks go on the first lane. */
static int chart_replay(struct chart *c, struct layout *L, const struct out_options *o,
			const struct labels *lb)
{
	const struct profile *p = c->p;
	size_t lanes = c->base[c->nt];
	int thread_frame = o->thread_names || lanes > 1; /* lanes need telling apart */
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
			size_t n = 0;
			if (c->seen[l] != INTERN_NONE) {
				struct prof_stack s = profile_stack(p, c->seen[l]);
				n = stack_path(lb, &s, thread_frame, c->path);
			} else if (l == 0 && idle && o->include_idle) {
				c->path[n++] = lb->idle;
			}
			L->boxes[0].n += n > 0;
			if (chart_advance(L, &c->ls[l], (uint32_t)l, c->path, n, now) != 0)
				return -1;
		}
	}
	uint64_t end = now + chart_last_width(p, now, ticks);
	for (size_t l = 0; l < lanes; l++)
		if (chart_advance(L, &c->ls[l], (uint32_t)l, c->path, 0, end) != 0)
			return -1;
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
static int chart_build(struct layout *L, const struct profile *p, const struct out_options *o,
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
	chart_count_lanes(&c);
	lanes = c.base[c.nt];
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

/* ---- writing ---- */

struct svg {
	FILE *f;
	const struct profile *p;
	const struct out_options *o;
	const struct labels *lb;
	const struct layout *L;
	double scale;  /* px per unit of span */
	uint32_t rows; /* rows drawn, the root's included */
	char *buf;     /* scratch for one label */
	size_t cap;
};

/* The length of the valid UTF-8 sequence at s (len bytes left), or 0 when there is none:
 * overlong forms, surrogates and the non-characters U+FFFE/U+FFFF are refused, because XML
 * 1.0 cannot carry them. */
static size_t utf8_valid(const unsigned char *s, size_t len)
{
	size_t n;
	uint32_t cp, min;
	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' ? 1 : 0; /* other controls: not XML either */
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1fu;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0fu;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07u;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;
	return n;
}

/* How many characters s has, a byte that is not valid UTF-8 counting as one (it is written
 * as U+FFFD); with *bytes, also the length in bytes of the first max of them. */
static size_t utf8_count(const char *s, size_t max, size_t *bytes)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, k = 0;
	while (i < len) {
		if (k == max && bytes)
			*bytes = i;
		size_t n = utf8_valid(u + i, len - i);
		i += n ? n : 1;
		k++;
	}
	if (k <= max && bytes)
		*bytes = len;
	return k;
}

/* Writes len bytes of s as XML text or attribute value: markup characters as entities, and
 * what XML 1.0 cannot hold (control characters, bytes that are not UTF-8, which a damaged
 * name may have) as U+FFFD, so that the file always parses. */
static void put_xml(FILE *f, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_valid(u + i, len - i);
		switch (n ? u[i] : 0) {
		case 0:
			fputs("\xef\xbf\xbd", f);
			i++;
			continue;
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fwrite(u + i, 1, n, f);
		}
		i += n;
	}
}

static void put_xml_str(FILE *f, const char *s)
{
	put_xml(f, s, strlen(s));
}

/* How much of label fits in a box px wide: *bytes of it, and *cut when ".." must follow.
 * Returns 0 when nothing fits. The script's fit() does the same when zooming. */
static int fit(const char *label, double px, size_t *bytes, int *cut)
{
	double room_d = (px - 6) / CHAR_W;
	size_t room = room_d >= 1 ? (size_t)room_d : 0;
	*bytes = 0;
	size_t chars = utf8_count(label, room >= 2 ? room - 2 : 0, bytes);
	*cut = chars > room;
	if (!*cut) {
		*bytes = strlen(label);
		return chars > 0;
	}
	return room >= 3;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Formats a label into w->buf: "function (file:line)", the file as a base name unless full
 * (boxes are narrow; the details line and tooltip have the path). Returns 0 or -1. */
static int label_text(struct svg *w, const struct label *l, int full)
{
	for (;;) {
		int n;
		if (l->kind != LABEL_FRAME)
			n = snprintf(w->buf, w->cap, "%s", l->name);
		else if (w->o->line_numbers)
			n = snprintf(w->buf, w->cap, "%s (%s:%d)", l->name,
				     full ? l->file : base_name(l->file), l->line);
		else
			n = snprintf(w->buf, w->cap, "%s (%s)", l->name,
				     full ? l->file : base_name(l->file));
		if (n < 0)
			return -1;
		if ((size_t)n < w->cap)
			return 0;
		char *nb = realloc(w->buf, (size_t)n + 1);
		if (!nb)
			return -1;
		w->buf = nb;
		w->cap = (size_t)n + 1;
	}
}

/* FNV-1a: the same on every run and machine, so a file keeps its colour from one profile to
 * the next. */
static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A warm colour: the hue (red to yellow) from the file, so one file's frames are one hue, and
 * a little lightness from the function, so neighbouring functions of a file stay apart. */
static void frame_colour(const struct label *l, char *out, size_t cap)
{
	switch (l->kind) {
	case LABEL_FRAME:
		break;
	case LABEL_THREAD:
		snprintf(out, cap, "rgb(130,165,220)");
		return;
	case LABEL_ROOT:
		snprintf(out, cap, "rgb(215,215,205)");
		return;
	default: /* idle and torn: time when no Python code was seen */
		snprintf(out, cap, "rgb(190,190,190)");
		return;
	}
	uint32_t hf = hash_str(l->file), hn = hash_str(l->name);
	/* HSL written out as RGB (not every SVG viewer takes hsl()). With the hue under 60
	 * degrees red is the largest part, blue the smallest, green between. */
	double hue = (double)(hf % 56), light = 0.52 + (double)(hn % 13) / 100, sat = 0.85;
	double c = (1 - (light > 0.5 ? 2 * light - 1 : 1 - 2 * light)) * sat, m = light - c / 2;
	snprintf(out, cap, "rgb(%d,%d,%d)", (int)((c + m) * 255 + 0.5),
		 (int)((c * hue / 60 + m) * 255 + 0.5), (int)(m * 255 + 0.5));
}

static int shown(const struct layout *L, const struct box *b)
{
	return b->w > 0 && b->w * 1000 >= L->boxes[0].w * MIN_PER_THOUSAND;
}

static double box_y(const struct svg *w, const struct box *b)
{
	/* A flame graph grows up from its root; a flame chart hangs down, lanes below lanes. */
	uint32_t row = w->L->chart ? b->depth : w->rows - 1 - b->depth;
	return HEAD_H + (double)row * ROW_H;
}

/* The tooltip: full name, then the numbers. */
static int write_title(struct svg *w, const struct box *b, const struct label *l)
{
	uint64_t all = w->L->boxes[0].n;
	if (label_text(w, l, 1) != 0)
		return -1;
	fputs("<title>", w->f);
	put_xml_str(w->f, w->buf);
	fprintf(w->f, "\n%" PRIu64 " sample%s, %.2f%%", b->n, b->n == 1 ? "" : "s",
		all ? 100.0 * (double)b->n / (double)all : 0.0);
	if (w->L->chart)
		fprintf(w->f, ", %.3f s from %.3f s", (double)b->w / 1e6, (double)b->x / 1e6);
	fputs("</title>", w->f);
	return 0;
}

static int write_box(struct svg *w, const struct box *b)
{
	const struct label *l = &w->lb->by_rank[b->rank];
	double x = SVG_PAD + (double)b->x * w->scale, px = (double)b->w * w->scale;
	double y = box_y(w, b);
	char fill[32];
	fprintf(w->f, "<g class=\"f%s\" data-x=\"%" PRIu64 "\" data-n=\"%" PRIu64 "\" data-d=\"%u\"",
		b == w->L->boxes ? " root" : "", b->x, b->n, (unsigned)b->depth);
	if (w->L->chart)
		fprintf(w->f, " data-w=\"%" PRIu64 "\"", b->w);
	if (w->L->lanes > 1)
		fprintf(w->f, " data-lane=\"%u\"", (unsigned)b->lane);
	if (l->kind == LABEL_FRAME) {
		/* The short label, for the script to cut again when zoomed. */
		if (label_text(w, l, 0) != 0)
			return -1;
		fputs(" data-l=\"", w->f);
		put_xml_str(w->f, w->buf);
		fputc('"', w->f);
	}
	fputc('>', w->f);
	if (write_title(w, b, l) != 0)
		return -1;
	frame_colour(l, fill, sizeof fill);
	fprintf(w->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x, y,
		px - BOX_GAP > 0.1 ? px - BOX_GAP : 0.1, ROW_H - 1, fill);
	if (label_text(w, l, 0) != 0)
		return -1;
	size_t bytes;
	int cut;
	/* A box too narrow for any text gets no text element: the script adds one if zoomed. */
	if (fit(w->buf, px, &bytes, &cut)) {
		fprintf(w->f, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + ROW_H - 4);
		put_xml(w->f, w->buf, bytes);
		fputs(cut ? "..</text>" : "</text>", w->f);
	}
	fputs("</g>\n", w->f);
	return ferror(w->f) ? -1 : 0;
}

/* "pyflame -p 123 — 2.00 s, 200 samples", escaped. */
static void write_heading(struct svg *w)
{
	const struct profile *p = w->p;
	uint64_t samples = w->L->n ? w->L->boxes[0].n : 0;
	put_xml_str(w->f, w->o->title ? w->o->title
				      : w->o->flamechart ? "Flame chart" : "Flame graph");
	fputs(" \xe2\x80\x94 ", w->f);
	if (p->start_us && p->end_us >= p->start_us)
		fprintf(w->f, "%.2f s, ", (double)(p->end_us - p->start_us) / 1e6);
	fprintf(w->f, "%" PRIu64 " sample%s", samples, samples == 1 ? "" : "s");
}

static void write_open(struct svg *w, int height)
{
	FILE *f = w->f;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		   "height=\"%d\" viewBox=\"0 0 %d %d\" data-mode=\"%s\" data-width=\"%d\" "
		   "data-pad=\"%d\" data-rowh=\"%d\" data-charw=\"%.1f\" data-gap=\"%.1f\" "
		   "data-lanes=\"%u\">\n",
		SVG_WIDTH, height, SVG_WIDTH, height, w->L->chart ? "chart" : "graph", SVG_WIDTH,
		SVG_PAD, ROW_H, CHAR_W, BOX_GAP, (unsigned)(w->L->lanes ? w->L->lanes : 1));
	fputs("<title>", f);
	write_heading(w);
	fprintf(f, "</title>\n<style type=\"text/css\"><![CDATA[\n%s]]></style>\n", svg_style);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"rgb(250,250,245)\"/>\n"
		   "<text id=\"title\" x=\"%d\" y=\"24\">",
		SVG_WIDTH / 2);
	write_heading(w);
	fputs("</text>\n", f);
}

/* A valid picture that says there is nothing to show. */
static void write_empty(struct svg *w)
{
	int height = HEAD_H + 2 * ROW_H + FOOT_H;
	write_open(w, height);
	fprintf(w->f, "<text id=\"nosamples\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">no samples"
		      "</text>\n</svg>\n",
		SVG_WIDTH / 2, HEAD_H + ROW_H);
}

static int write_all(struct svg *w)
{
	const struct layout *L = w->L;
	if (L->n == 0 || L->boxes[0].w == 0 || L->boxes[0].n == 0) {
		write_empty(w);
		return 0;
	}
	w->scale = (double)(SVG_WIDTH - 2 * SVG_PAD) / (double)L->boxes[0].w;
	for (size_t i = 0; i < L->n; i++)
		if (shown(L, &L->boxes[i]) && L->boxes[i].depth + 1 > w->rows)
			w->rows = L->boxes[i].depth + 1;
	int height = HEAD_H + (int)w->rows * ROW_H + FOOT_H;
	write_open(w, height);
	fprintf(w->f, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n", svg_script);
	fprintf(w->f, "<text id=\"reset\" class=\"button\" x=\"%d\" y=\"42\" "
		      "style=\"visibility:hidden\">Reset zoom</text>\n"
		      "<text id=\"search\" class=\"button\" x=\"%d\" y=\"42\">Search</text>\n"
		      "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n"
		      "<text id=\"matched\" x=\"%d\" y=\"%d\"></text>\n<g id=\"frames\">\n",
		SVG_PAD, SVG_WIDTH - SVG_PAD, SVG_PAD, height - 9, SVG_WIDTH - SVG_PAD, height - 9);
	for (size_t i = 0; i < L->n; i++)
		if (shown(L, &L->boxes[i]) && write_box(w, &L->boxes[i]) != 0)
			return -1;
	fputs("</g>\n</svg>\n", w->f);
	return 0;
}

int out_svg_write(const struct profile *p, const struct out_options *o, FILE *f)
{
	struct labels lb;
	struct layout L = { .chart = o->flamechart, .lanes = 1 };
	struct svg w = { .f = f, .p = p, .o = o, .lb = &lb, .L = &L };
	int rc = -1;
	if (labels_build(&lb, p, o) != 0)
		goto out;
	if ((o->flamechart ? chart_build(&L, p, o, &lb) : graph_build(&L, p, o, &lb)) != 0)
		goto out;
	if (write_all(&w) != 0)
		goto out;
	rc = fflush(f) == 0 && !ferror(f) ? 0 : -1;
out:
	labels_release(&lb);
	free(L.boxes);
	free(w.buf);
	return rc;
}
