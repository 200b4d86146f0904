/* commands.c: the table of pyflame's commands. */
#include "cmd/commands.h"

#include <string.h>

#include "cli/options.h"

const struct command commands[] = {
	{ "record", cmd_record, options_usage,
	  "profile a process or a command into a flame graph or another format" },
	{ "dump", cmd_dump, cmd_dump_usage, "print every thread's current stack once" },
	{ "top", cmd_top, options_top_usage, "a live table of the functions taking the time" },
	{ "help", cmd_help, cmd_help_usage, "the commands, or one command's options" },
};

const size_t commands_len = sizeof commands / sizeof commands[0];

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < commands_len; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}
