/* msg.h: the program's messages to its user: one line on stderr each, starting "pyflame: ",
 * in git's style (lower case, no full stop, what failed before the detail). */
#ifndef PYFLAME_UTIL_MSG_H
#define PYFLAME_UTIL_MSG_H

/* Prints "pyflame: " and the formatted message, and a newline. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* warn(), then exit(1): for bad input found before the target is touched. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
