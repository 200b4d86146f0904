/* screen.c: the live view on the terminal, with ncursesw. */
#include "top/screen.h"

#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "top/render.h"

struct top_screen {
	SCREEN *term;
};

/* How long an Esc waits for the rest of a key's sequence: ncurses's second would hold the
 * keys typed after it. */
#define ESC_DELAY_MS 25

struct top_screen *top_screen_open(void)
{
	struct top_screen *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	/* Names and paths are UTF-8: ncursesw draws them as characters under a UTF-8 locale.
	 * Only the character type: numbers keep their '.' whatever the locale. */
	setlocale(LC_CTYPE, "");
	/* newterm, not initscr, which would exit on a terminal it does not know. */
	s->term = newterm(NULL, stdout, stdin);
	if (!s->term) {
		free(s);
		return NULL;
	}
	set_term(s->term);
	/* cbreak, not raw: Ctrl-C stays SIGINT, which stops pyflame as it stops record (and
	 * reaches a -t command, which is in the terminal's foreground group too). */
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	curs_set(0);
	return s;
}

void top_screen_close(struct top_screen *s)
{
	if (!s)
		return;
	endwin();
	delscreen(s->term);
	free(s);
}

size_t top_screen_lines(const struct top_screen *s)
{
	(void)s;
	return LINES > 0 ? (size_t)LINES : 0;
}

/* How many bytes of text fit in cols columns, cut between characters: a character takes the
 * columns wcwidth says, a byte that starts none is taken as one column. */
static size_t fit(const char *text, int cols)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t len = strlen(text), at = 0;
	int used = 0;
	while (at < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text + at, len - at, &st);
		int w = 1;
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof st);
			n = 1;
		} else {
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
		}
		if (used + w > cols)
			break;
		used += w;
		at += n;
	}
	return at;
}

void top_screen_draw(struct top_screen *s, const struct top_lines *l)
{
	(void)s;
	erase();
	for (size_t i = 0; i < l->n && i < (size_t)LINES; i++) {
		const struct top_line *line = &l->v[i];
		attr_t attr = line->kind == TOP_LINE_TITLE    ? A_REVERSE
			      : line->kind == TOP_LINE_NOTICE ? A_BOLD
							      : A_NORMAL;
		attrset(attr);
		mvaddnstr((int)i, 0, line->text, (int)fit(line->text, COLS));
		if (line->kind == TOP_LINE_TITLE)
			mvchgat((int)i, 0, -1, attr, 0, NULL); /* a bar across the screen */
	}
	attrset(A_NORMAL);
	refresh();
}

int top_screen_key(struct top_screen *s)
{
	(void)s;
	int c = getch();
	if (c == ERR)
		return TOP_KEY_NONE;
	return c == KEY_RESIZE ? TOP_KEY_RESIZE : c;
}
