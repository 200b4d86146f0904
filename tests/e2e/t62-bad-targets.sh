# t62-bad-targets.sh: processes that are not usable Pythons, built here to order, each refused
# with its one-line reason and exit 1 before anything is traced: a library named libpython
# that is not one, a Python without interpreter state symbols, one whose version cannot be
# told (and the same with --abi), a kernel thread.
. "$(dirname "$0")/lib.sh"

if ! command -v cc >/dev/null; then
	skip "bad targets: no C compiler to build them"
	exit 0
fi
cd "$WORK" || exit 1
printf 'int PyCode_Type; void Py_Initialize(void) {}\n' >fake.c
printf '#include <unistd.h>\nint PyCode_Type; void Py_Initialize(void) {}\nint main(void) { Py_Initialize(); sleep(60); return PyCode_Type; }\n' >fakepy.c
cc -shared -fPIC -o libpython3.12.so.1.0 fake.c && cc -rdynamic -o fakepy fakepy.c &&
	cp "$(ldconfig -p | awk '/libz\.so\.1 / {print $NF; exit}')" libpython3.9.so.1.0 || {
	not_ok "bad targets: could not build the fake Pythons" </dev/null
	exit 0
}

# refused WHAT PATTERN PID ARGS...: exit 1, one stderr line, nothing on stdout, PID untraced.
refused() {
	local what=$1 pattern=$2 pid=$3; shift 3
	"$PYFLAME" -p "$pid" -s 0 "$@" >out 2>err; local rc=$?
	if [ $rc -eq 1 ] && [ ! -s out ] && [ "$(wc -l <err)" -eq 1 ] && grep -q -E "$pattern" err &&
		[ "$(tracer_of "$pid")" = 0 ]; then
		ok "bad target: $what: $(cat err)"
	else
		{ echo "exit $rc, want 1 and /$pattern/"; cat out err; } | not_ok "bad target: $what"
	fi
}

LD_PRELOAD=$WORK/libpython3.9.so.1.0 sleep 60 & p=$!; PIDS+=("$p")
sleep 0.2
refused "a libpython that is not one" "^pyflame: process $p maps $WORK/libpython3.9.so.1.0, which has no Python symbols \(PyCode_Type, Py_Initialize\)$" "$p"

LD_PRELOAD=$WORK/libpython3.12.so.1.0 sleep 60 & p=$!; PIDS+=("$p")
sleep 0.2
refused "no interpreter state symbols" "^pyflame: found Python 3.12 in $WORK/libpython3.12.so.1.0 but not its interpreter state symbols$" "$p"

./fakepy & p=$!; PIDS+=("$p")
sleep 0.2
refused "version unknown" "^pyflame: cannot tell the Python version of $WORK/fakepy; name it with --abi$" "$p"
refused "version unknown, --abi given" "^pyflame: found Python 3.11 in $WORK/fakepy but not its interpreter state symbols$" "$p" --abi 311

# A kernel thread has no memory of its own: said as such, not blamed on a security module.
kthread=
[ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ] && kthread=2
if [ -n "$kthread" ]; then
	refused "a kernel thread" "^pyflame: process $kthread is a kernel thread, not a user process: it runs no Python$" "$kthread"
else
	skip "bad target: a kernel thread: PID 2 is not kthreadd here (a container's own PID namespace)"
fi
