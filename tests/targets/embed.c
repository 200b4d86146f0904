/* embed.c: a program that is not python but links libpython and runs a script through the
 * embedding API, as uWSGI and other hosts do. Built by the tests against each installed
 * interpreter's headers and shared library.
 *   embed SCRIPT ARGS...   runs SCRIPT with sys.argv = [SCRIPT, ARGS...] */
#include <Python.h>
#include <stdio.h>
#include <stdlib.h>

/* The script's argv through the API of the version built against: bytes on 2.7, wide
 * strings on 3.x (PySys_SetArgvEx is deprecated from 3.11 but still there in 3.13). */
static void set_argv(int argc, char **argv)
{
#if PY_MAJOR_VERSION >= 3
	wchar_t **w = calloc((size_t)argc, sizeof *w);
	for (int i = 0; i < argc; i++)
		w[i] = Py_DecodeLocale(argv[i], NULL);
	PySys_SetArgvEx(argc, w, 0);
#else
	PySys_SetArgvEx(argc, argv, 0);
#endif
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: embed SCRIPT ARGS...\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	Py_Initialize();
	set_argv(argc - 1, argv + 1);
	int rc = PyRun_SimpleFileExFlags(f, argv[1], 1, NULL);
	Py_Finalize();
	return rc == 0 ? 0 : 1;
}
