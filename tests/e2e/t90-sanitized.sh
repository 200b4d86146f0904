# t90-sanitized.sh: the live paths (attach, pause, walk, trace) once more with the pyflame
# built under AddressSanitizer and UndefinedBehaviorSanitizer, on the oldest and newest
# interpreter families. Any sanitizer report makes pyflame exit non-zero and fails a check.
dir=$(dirname "$0")
san=$(cd "$dir/../.." && pwd)/build/san/pyflame
if [ ! -x "$san" ]; then
	echo "skip - sanitized e2e: build/san/pyflame not built (make check builds it)"
	exit 0
fi
export PYFLAME=$san PYFLAME_TEST_PYTHONS="2.7 3.10 3.13"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
bash "$dir/t10-attach.sh" | sed 's/^\(ok\|not ok\|skip\) - /\1 - sanitized: /'
bash "$dir/t20-trace.sh" | sed 's/^\(ok\|not ok\|skip\) - /\1 - sanitized: /'
