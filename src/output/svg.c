/* svg.c: an interactive flame graph, or with --flamechart a flame chart, as one self-contained
 * SVG file. svg_layout.c lays the profile out as boxes (a label, a row, a span of samples or of
 * time); this file writes them, with the script from svg_script.h that zooms, searches and
 * shows details in the browser. The file refers to nothing outside itself. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "output/svg_layout.h"
#include "output/svg_script.h"
#include "output/tracks.h"
#include "output/utf8.h"
#include "profile/profile.h"
#include "util/grow.h"

/* Geometry, in px. 1200 wide is what flame graph readers are used to; the script zooms inside
 * it and never resizes the image. */
#define SVG_WIDTH 1200
#define SVG_PAD 10   /* left and right margins */
#define ROW_H 16     /* one frame's row */
#define HEAD_H 50    /* title, then buttons, above the frames */
#define FOOT_H 26    /* the details line below them */
#define AXIS_H 20    /* a flame chart's time axis, between the buttons and the lanes */
/* Ticks of the time axis are at least this far apart; the script's drawAxis reads it from the
 * axis's data-tick. */
#define TICK_PX 90
#define BOX_GAP 0.5  /* between neighbouring boxes, so that same-coloured ones stay apart */
/* An average glyph of the 12 px sans-serif font, used to cut labels to their box. A guess on
 * the wide side: a label that overflows its box is worse than one cut a little early. */
#define CHAR_W 7.0

/* Boxes narrower than this share of the whole (1/1000: under 1.2 px at full width) are left
 * out, and so is everything on top of them: nobody can see or click them, and in a deep,
 * varied profile they would make most of the file. Their samples still count in the frames
 * below them. */
#define MIN_PER_THOUSAND 1

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

/* The length of the UTF-8 sequence at s (len bytes left) that XML 1.0 can carry, or 0: what
 * utf8_decode refuses, control characters but tab, and the non-characters U+FFFE/U+FFFF. */
static size_t utf8_valid(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);
	if (n == 0 || (cp < 0x20 && cp != '\t') || cp == 0xfffe || cp == 0xffff)
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
			fputs(UTF8_REPLACEMENT, f);
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

/* Formats a label into w->buf: "function (file:line)", the file as the shortest ending of its
 * path that no other file of the profile has, unless full (boxes are narrow; the details line
 * and tooltip have the path); "function (file)" when there is no line, and the name alone for
 * a frame with no file. Returns 0 or -1. */
static int label_text(struct svg *w, const struct label *l, int full)
{
	for (;;) {
		int n;
		/* No file: pyflame's own marker frame; no line: native code without one. */
		if (l->kind != LABEL_FRAME || !*l->file)
			n = snprintf(w->buf, w->cap, "%s", l->name);
		else if (w->o->line_numbers && l->line > 0)
			n = snprintf(w->buf, w->cap, "%s (%s:%d)", l->name,
				     full ? l->file : l->short_file, l->line);
		else
			n = snprintf(w->buf, w->cap, "%s (%s)", l->name,
				     full ? l->file : l->short_file);
		if (n < 0)
			return -1;
		if ((size_t)n < w->cap)
			return 0;
		if (grow_array((void **)&w->buf, &w->cap, (size_t)n + 1, 1) < 0)
			return -1;
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
	case LABEL_PROCESS: /* cooler than a thread: the box below it */
		snprintf(out, cap, "rgb(150,150,210)");
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
	return HEAD_H + (w->L->chart ? AXIS_H : 0) + (double)row * ROW_H;
}

/* The time between ticks, in microseconds: the smallest 1, 2 or 5 times a power of ten that
 * keeps ticks TICK_PX apart when span microseconds are px wide. */
static uint64_t tick_step(uint64_t span, double px)
{
	double want = (double)span * TICK_PX / px;
	uint64_t power = 1;
	while ((double)power * 10 <= want)
		power *= 10;
	for (uint64_t m = 1;; m = m == 1 ? 2 : m == 2 ? 5 : 10)
		if ((double)(power * m) >= want || m == 10)
			return power * m;
}

/* The time axis of a flame chart, over its whole span: a tick at every multiple of the step
 * (seconds since the first sample, as many decimals as the step needs) on a line above the
 * lanes. The script draws it again for the span it zooms to. */
static void write_axis(struct svg *w)
{
	uint64_t span = w->L->boxes[0].w, step = tick_step(span, SVG_WIDTH - 2 * SVG_PAD), s;
	int decimals = 6;
	for (s = step; decimals > 0 && s % 10 == 0; s /= 10)
		decimals--;
	int top = HEAD_H, base = HEAD_H + AXIS_H;
	fprintf(w->f, "<g id=\"axis\" data-y=\"%d\" data-h=\"%d\" data-tick=\"%d\"><line x1=\"%d\" "
		      "y1=\"%d.5\" x2=\"%d\" y2=\"%d.5\"/>",
		top, AXIS_H, TICK_PX, SVG_PAD, base - 1, SVG_WIDTH - SVG_PAD, base - 1);
	for (uint64_t t = 0; t <= span; t += step) {
		double x = SVG_PAD + (double)t * w->scale;
		char label[32];
		int n = snprintf(label, sizeof label, "%.*f s", decimals, (double)t / 1e6);
		fprintf(w->f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, top + 6, x, base);
		/* A label that would run past the right edge is left out; its tick stays. */
		if (x + 3 + n * CHAR_W <= SVG_WIDTH - SVG_PAD)
			fprintf(w->f, "<text x=\"%.1f\" y=\"%d\">%s</text>", x + 3, top + 14, label);
	}
	fputs("</g>\n", w->f);
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

/* "pyflame -p 123 — 2.00 s, 200 samples", escaped; with -x, "(50 idle not shown)" after:
 * the samples drawn are then not all the run took, and the duration alone would not say so. */
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
	if (!w->o->include_idle && p->idle)
		fprintf(w->f, " (%" PRIu64 " idle not shown)", p->idle);
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
	int height = HEAD_H + (L->chart ? AXIS_H : 0) + (int)w->rows * ROW_H + FOOT_H;
	write_open(w, height);
	fprintf(w->f, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n", svg_script);
	fprintf(w->f, "<text id=\"reset\" class=\"button\" x=\"%d\" y=\"42\" "
		      "style=\"visibility:hidden\">Reset zoom</text>\n"
		      "<text id=\"search\" class=\"button\" x=\"%d\" y=\"42\">Search</text>\n"
		      "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n"
		      "<text id=\"matched\" x=\"%d\" y=\"%d\"></text>\n",
		SVG_PAD, SVG_WIDTH - SVG_PAD, SVG_PAD, height - 9, SVG_WIDTH - SVG_PAD, height - 9);
	if (L->chart)
		write_axis(w);
	fputs("<g id=\"frames\">\n", w->f);
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
	if (svg_labels_build(&lb, p, o) != 0)
		goto out;
	if ((o->flamechart ? svg_chart_build(&L, p, o, &lb) : svg_graph_build(&L, p, o, &lb)) != 0)
		goto out;
	if (write_all(&w) != 0)
		goto out;
	rc = fflush(f) == 0 && !ferror(f) ? 0 : -1;
out:
	svg_labels_release(&lb);
	free(L.boxes);
	free(w.buf);
	return rc;
}
