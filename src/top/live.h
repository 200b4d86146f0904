/* live.h: the live view's loop. It ticks a session on its own clock (session_tick between
 * looks at the keyboard), takes the table every second (TOP_REFRESH_NS) and shows it: drawn on
 * the screen, where keys change what it shows, or printed as plain text (--batch). */
#ifndef PYFLAME_TOP_LIVE_H
#define PYFLAME_TOP_LIVE_H

#include <signal.h>
#include <stdio.h>

struct session;
struct top_screen;

/* How often the table is taken and shown. */
#define TOP_REFRESH_NS (1000ull * 1000 * 1000)

struct top_live {
	struct session *s;         /* begun (session_begin): its root is the process shown */
	struct top_screen *screen; /* the screen to draw on, or NULL for --batch */
	int batch;                 /* without a screen: how many snapshots to print */
	FILE *out;                 /* where they go */
	volatile sig_atomic_t *stop; /* non-zero: the user stopped pyflame (a signal) */
	int root_ended;            /* out: the root process ended while the view ran */
};

/* How the view ended. */
enum top_end {
	TOP_END_QUIT,    /* q */
	TOP_END_STOPPED, /* *stop, or the terminal went away */
	TOP_END_BATCH,   /* --batch's snapshots were printed */
	TOP_END_EXITED,  /* --batch: the root process exited, the last snapshot says so */
};

/* Runs the view until it ends: on the screen the root's exit leaves the last table with a line
 * that says so, until q (lv->root_ended tells it). Every sampler of the session is closed on return. Returns an enum
 * top_end, -ENOMEM, or -EPERM when the root's first sample was refused. */
int top_live_run(struct top_live *lv);

#endif
