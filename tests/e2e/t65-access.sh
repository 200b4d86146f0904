# t65-access.sh: a target pyflame may not or should not trace is refused at once, with one line
# that says why, and is left running and untouched: a missing capability, another tracer, a
# second pyflame.
. "$(dirname "$0")/lib.sh"

py=$(python_path 3.12)
if [ -z "$py" ]; then
	skip "access: Python 3.12 not installed"
	exit 0
fi

# refused WHAT PATTERN CMD...: exit 1 within 5 s, one stderr line matching PATTERN, target running
# (a first pyflame may hold it for a tick at the moment its state is read).
refused() {
	local what=$1 pattern=$2; shift 2
	local start=$(date +%s%N)
	timeout 20 "$@" >"$WORK/out" 2>"$WORK/err"; local rc=$?
	local ms=$(( ($(date +%s%N) - start) / 1000000 ))
	if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] &&
		grep -q -E "$pattern" "$WORK/err" && [ "$ms" -lt 5000 ] &&
		[ "$(state_between_ticks "$TARGET_PID")" = R ]; then
		ok "access: $what, in $ms ms: $(cat "$WORK/err")"
	else
		{ echo "exit $rc after $ms ms, state $(state_of "$TARGET_PID")"; cat "$WORK/out" "$WORK/err"; } | not_ok "access: $what"
	fi
}

start_target "$py" "$TARGETS/busy.py" || exit 0

# Root without CAP_SYS_PTRACE against root's process: the kernel refuses because the target
# holds capabilities pyflame does not; the message names the capability.
if command -v capsh >/dev/null && [ "$(id -u)" = 0 ]; then
	refused "no CAP_SYS_PTRACE" "operation not permitted: the target holds capabilities pyflame does not \(CapPrm 80000\) and pyflame lacks CAP_SYS_PTRACE" \
		capsh --drop=cap_sys_ptrace -- -c "exec $PYFLAME -p $TARGET_PID -s 0"
else
	skip "access: no CAP_SYS_PTRACE: needs root and capsh"
fi

# A second pyflame while the first samples.
"$PYFLAME" -p "$TARGET_PID" -s 4 -r 0.005 -o "$WORK/first" 2>"$WORK/first.err" &
first=$!
sleep 0.5
refused "a second pyflame" "^pyflame: process $TARGET_PID is already being profiled by another pyflame$" \
	"$PYFLAME" -p "$TARGET_PID" -s 1
wait "$first"; rc=$?
if [ $rc -eq 0 ] && [ "$(total_count "$WORK/first")" -ge 100 ]; then
	ok "access: the first pyflame went on undisturbed ($(total_count "$WORK/first") samples)"
else
	{ echo "exit $rc"; cat "$WORK/first" "$WORK/first.err"; } | not_ok "access: the first pyflame went on undisturbed"
fi

# Another tracer (a debugger's PTRACE_SEIZE, made here with ctypes) holds the target.
python3 - "$TARGET_PID" "$WORK/seized" <<'PY' &
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
if libc.ptrace(0x4206, int(sys.argv[1]), None, None) == 0:  # PTRACE_SEIZE
    open(sys.argv[2], "w").close()
    time.sleep(30)
PY
tracer=$!; PIDS+=("$tracer")
for i in $(seq 1 500); do [ -e "$WORK/seized" ] && break; sleep 0.01; done
refused "another tracer" "^pyflame: process $TARGET_PID is already traced by process $tracer \(python3\); only one tracer can attach at a time$" \
	"$PYFLAME" -p "$TARGET_PID" -s 1
kill "$tracer"; wait "$tracer" 2>/dev/null
if [ "$(tracer_of "$TARGET_PID")" = 0 ] && [ "$(state_of "$TARGET_PID")" = R ]; then
	ok "access: target running and untraced after all of it"
else
	echo "tracer $(tracer_of "$TARGET_PID") state $(state_of "$TARGET_PID")" | not_ok "access: target left as found"
fi
stop_target
