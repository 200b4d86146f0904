/* main.c: the dispatcher. `pyflame COMMAND ARGS...` runs that command (src/cmd/); a command
 * line that starts with anything else (an option, or a PID, as Pyflame always took them) is
 * the record command's, so every classic invocation works as it did. */
#include <string.h>

#include "cmd/commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "record", cmd_record },
	{ "dump", cmd_dump },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return cmd_record(argc, argv);
}
