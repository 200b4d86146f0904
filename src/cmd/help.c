/* help.c: the help command, `pyflame help [COMMAND]`: what the commands are, or one
 * command's options (the same text as `pyflame COMMAND --help`). */
#include <stdio.h>

#include "cmd/commands.h"
#include "util/msg.h"

void cmd_help_usage(FILE *f)
{
	fputs("Usage: pyflame help [COMMAND]\n"
	      "\n"
	      "Without a command, list pyflame's commands; with one, print its options.\n",
	      f);
}

int cmd_help(int argc, char **argv)
{
	if (argc > 2) {
		warn("help takes one command at most\nTry 'pyflame help'.");
		return 1;
	}
	if (argc == 2) {
		const struct command *c = command_find(argv[1]);
		if (!c) {
			warn("no command '%s'\nTry 'pyflame help'.", argv[1]);
			return 1;
		}
		c->usage(stdout);
		return 0;
	}
	printf("Usage: pyflame [COMMAND] [OPTIONS]\n"
	       "\n"
	       "Commands:\n");
	for (size_t i = 0; i < commands_len; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf("\n"
	       "A command line that starts with an option is the record command's, as Pyflame\n"
	       "always took it: 'pyflame -p PID' is 'pyflame record -p PID'.\n"
	       "'pyflame help COMMAND' or 'pyflame COMMAND --help' prints its options.\n");
	return 0;
}
