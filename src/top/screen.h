/* screen.h: the live view's terminal, through ncursesw: the rendered lines drawn on the full
 * screen, keys read without waiting, and the terminal given back as it was. The only file of
 * pyflame that knows curses. */
#ifndef PYFLAME_TOP_SCREEN_H
#define PYFLAME_TOP_SCREEN_H

#include <stddef.h>

struct top_lines;
struct top_screen;

/* Keys beside the characters themselves. */
enum {
	TOP_KEY_NONE = -1,   /* no key is waiting */
	TOP_KEY_RESIZE = -2, /* the terminal changed size: draw again */
};

/* Takes the terminal (stdin and stdout, which must be one): the alternate screen, keys one at
 * a time without echo, no cursor. Ctrl-C still sends SIGINT. Returns the screen, or NULL when
 * the terminal cannot be used (an unknown TERM, no memory), with nothing changed. */
struct top_screen *top_screen_open(void);

/* Gives the terminal back as it was before top_screen_open, and frees s. NULL does nothing. */
void top_screen_close(struct top_screen *s);

/* How many lines the screen holds now. */
size_t top_screen_lines(const struct top_screen *s);

/* Draws l from the top of the screen, each line cut at the screen's width. */
void top_screen_draw(struct top_screen *s, const struct top_lines *l);

/* The next key typed, TOP_KEY_RESIZE, or TOP_KEY_NONE when none is waiting. */
int top_screen_key(struct top_screen *s);

#endif
