/* cext.c: a C extension the native tests build against each interpreter's headers. Python
 * calls call_back(f), C that calls f back; f calls spin(), C that spins holding the GIL. So a
 * sample reads Python -> C -> Python -> C, with these function names (not inlined, in
 * .symtab). Works with Python 2.7 and 3.x. */
#include <Python.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void spin_here(double seconds)
{
	/* Busy in C with the GIL held: the Python frames cannot move meanwhile. */
	unsigned long n = (unsigned long)(seconds * 2e8);
	for (unsigned long i = 0; i < n; i++)
		sink += i;
}

static PyObject *spin(PyObject *self, PyObject *args)
{
	double seconds;
	(void)self;
	if (!PyArg_ParseTuple(args, "d", &seconds))
		return NULL;
	spin_here(seconds);
	Py_RETURN_NONE;
}

__attribute__((noinline)) static PyObject *call_back_here(PyObject *f)
{
	PyObject *r = PyObject_CallObject(f, NULL);
	sink++; /* not a tail call: this frame stays on the stack */
	return r;
}

static PyObject *call_back(PyObject *self, PyObject *args)
{
	PyObject *f;
	(void)self;
	if (!PyArg_ParseTuple(args, "O", &f))
		return NULL;
	return call_back_here(f);
}

static PyMethodDef methods[] = {
	{ "spin", spin, METH_VARARGS, "spin in C for the seconds given" },
	{ "call_back", call_back, METH_VARARGS, "call f from C" },
	{ NULL, NULL, 0, NULL },
};

#if PY_MAJOR_VERSION >= 3
static struct PyModuleDef module = { PyModuleDef_HEAD_INIT, "cext", NULL, -1, methods,
				     NULL, NULL, NULL, NULL };
PyMODINIT_FUNC PyInit_cext(void)
{
	return PyModule_Create(&module);
}
#else
PyMODINIT_FUNC initcext(void)
{
	Py_InitModule("cext", methods);
}
#endif
