/* main.c: the dispatcher. `pyflame COMMAND ARGS...` runs that command (src/cmd/, the table
 * in commands.c); a command line that starts with anything else (an option, or a PID, as
 * Pyflame always took them) is the record command's, so every classic invocation works as it
 * did. */
#include "cmd/commands.h"

int main(int argc, char **argv)
{
	const struct command *c = argc > 1 ? command_find(argv[1]) : NULL;
	if (c)
		return c->run(argc - 1, argv + 1);
	return cmd_record(argc, argv);
}
