# pkg: the package of tests/targets/methods.py's second file of the same name.
