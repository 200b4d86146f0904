/* commands.h: pyflame's commands, one file each in this directory, each taking the command
 * line that follows its name (argv[0] is the command's own name) and returning the exit
 * status; the table of them (commands.c), which src/main.c dispatches on and `pyflame help`
 * lists. */
#ifndef PYFLAME_CMD_COMMANDS_H
#define PYFLAME_CMD_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *f); /* the command's --help */
	const char *summary;    /* one line for `pyflame help` */
};

extern const struct command commands[];
extern const size_t commands_len;

/* The command called name, or NULL. */
const struct command *command_find(const char *name);

/* record: profile a process (-p) or a command (-t) into the chosen outputs, or print one
 * snapshot of its threads (-d); every flag of the original Pyflame. */
int cmd_record(int argc, char **argv);

/* dump: one snapshot of every thread of a process (`record -d`). */
int cmd_dump(int argc, char **argv);
void cmd_dump_usage(FILE *f);

/* top: a live table of where a process spends its time (its usage: options_top_usage). */
int cmd_top(int argc, char **argv);

/* help: the commands, or one command's --help. */
int cmd_help(int argc, char **argv);
void cmd_help_usage(FILE *f);

#endif
