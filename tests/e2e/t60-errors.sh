# t60-errors.sh: bad input gets one clear line on stderr and exit status 1, with nothing on
# stdout, before anything is touched.
. "$(dirname "$0")/lib.sh"

# expect_error WHAT PATTERN -- ARGS...: exit 1, empty stdout, one stderr line matching PATTERN.
expect_error() {
	local what=$1 pattern=$2; shift 3
	"$PYFLAME" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null; local rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q -E "$pattern" "$WORK/err"; then
		ok "error: $what: $(cat "$WORK/err")"
	else
		{ echo "exit $rc, want 1 and /$pattern/"; cat "$WORK/out" "$WORK/err"; } | not_ok "error: $what"
	fi
}

# expect_usage_error WHAT PATTERN -- ARGS...: a command line that cannot be read: as above, and
# a second line that points to --help (not the whole usage).
expect_usage_error() {
	local what=$1 pattern=$2; shift 3
	"$PYFLAME" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null; local rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && [ "$(wc -l <"$WORK/err")" -eq 2 ] &&
		head -n 1 "$WORK/err" | grep -q -E "$pattern" &&
		[ "$(tail -n 1 "$WORK/err")" = "Try 'pyflame --help'." ]; then
		ok "error: $what: $(head -n 1 "$WORK/err")"
	else
		{ echo "exit $rc, want 1, /$pattern/ and a pointer to --help"; cat "$WORK/out" "$WORK/err"; } |
			not_ok "error: $what"
	fi
}

expect_error "PID not a number" "^pyflame: invalid PID 'abc'" -- -p abc
expect_error "PID not positive" "^pyflame: invalid PID '-5'" -- -p -5
expect_error "PID zero" "^pyflame: invalid PID '0'" -- -p 0
expect_error "no such process" "^pyflame: no process with PID 999999999" -- -p 999999999
expect_usage_error "unknown long flag" "^pyflame: unknown option '--bogus'$" -- --bogus -p 1
expect_usage_error "unknown short flag" "^pyflame: unknown option '-j'$" -- -j -p 1
expect_usage_error "flag without its value" "^pyflame: option '-s' needs a value$" -- -p 1 -s
expect_usage_error "value after a flag that takes none" "^pyflame: unexpected argument '5': -d takes no value$" -- -d 5 -p 1
expect_usage_error "value after a long flag that takes none" "^pyflame: unexpected argument 'yes': --threads takes no value$" -- -p 1 --threads yes
expect_usage_error "command without -t" "^pyflame: unexpected argument 'python3': a PID goes after -p, a command to run after -t$" -- python3 x.py
expect_usage_error "record with no target" "^pyflame: nothing to profile: give -p PID, or -t and a command$" -- record -x
expect_error "bad seconds" "^pyflame: invalid seconds" -- -s soon -p 1
expect_error "bad rate" "^pyflame: invalid rate" -- -r 0 -p 1
expect_error "seconds beyond a year" "^pyflame: invalid seconds '1e20': expected a number from 0 to 31536000 \(a year\)$" -- -s 1e20 -p 1
expect_error "rate faster than 100 kHz" "^pyflame: invalid rate '1e-9': expected seconds between samples from 0.00001 \(100 kHz\) to 31536000 \(a year\)$" -- -r 1e-9 -p 1
expect_error "rate not a number" "^pyflame: invalid rate 'nan'" -- -r nan -p 1
expect_error "missing command" "^pyflame: -t needs a command" -- -t
expect_error "-t with -p" "^pyflame: -t and -p cannot be used together" -- -p 1 -t true
expect_error "-t with -d" "^pyflame: -d dumps a running process" -- -d -t true
expect_error "-t of pyflame itself" "^pyflame: cannot profile pyflame itself" -- -t "$PYFLAME" -v
expect_error "command not found" "^pyflame: cannot run 'no-such-command-here': command not found" -- -t no-such-command-here
expect_error "unknown ABI" "^pyflame: unknown ABI '99x'" -- --abi=99x -p 1
expect_error "unknown format" "^pyflame: unknown format 'gif': expected collapsed, svg, speedscope, chrome or pprof" -- -f gif -p 1
expect_error "-d with another format" "^pyflame: -d prints text; it cannot write svg" -- -d -o "$WORK/x.svg" -p 1
expect_error "-d with two outputs" "^pyflame: -d prints one text snapshot" -- -d -o "$WORK/a" -o "$WORK/b" -p 1
expect_error "one file twice" "^pyflame: '$WORK/a.json' is given twice as -o" -- -o "$WORK/a.json" -o "$WORK/a.json" -p 1
expect_error "too many outputs" "^pyflame: too many -o \(at most 8\)" -- $(for i in 1 2 3 4 5 6 7 8 9; do echo -o "$WORK/o$i"; done) -p 1

# Not a Python process: a shell sleeping.
sleep 30 & spid=$!; PIDS+=("$spid")
expect_error "not a Python process" "^pyflame: process $spid does not look like a Python process" -- -p "$spid"
kill "$spid"

# Unwritable output: refused before the target is touched (it stays untraced and running).
py=$(python_path 3.12)
if [ -n "$py" ]; then
	start_target "$py" "$TARGETS/busy.py"
	expect_error "unwritable -o" "^pyflame: cannot write '/nonexistent-dir/p.txt'" -- -o /nonexistent-dir/p.txt -p "$TARGET_PID"
	if [ "$(tracer_of "$TARGET_PID")" = 0 ] && [ "$(state_of "$TARGET_PID")" = R ]; then
		ok "error: target untouched after a refused -o"
	else
		echo "tracer $(tracer_of "$TARGET_PID") state $(state_of "$TARGET_PID")" | not_ok "error: target untouched after a refused -o"
	fi
	# Not ours to trace: pyflame run as an unprivileged user against root's process.
	if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
		cp "$PYFLAME" "$WORK/pyflame-nobody" && chmod 755 "$WORK" "$WORK/pyflame-nobody"
		PYFLAME_SAVE=$PYFLAME; PYFLAME="setpriv --reuid=65534 --regid=65534 --clear-groups $WORK/pyflame-nobody"
		$PYFLAME -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
		PYFLAME=$PYFLAME_SAVE
		if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q "operation not permitted: it runs as uid 0 and pyflame as uid 65534 without CAP_SYS_PTRACE" "$WORK/err"; then
			ok "error: permission denied says what to do: $(cat "$WORK/err")"
		else
			{ echo "exit $rc"; cat "$WORK/out" "$WORK/err"; } | not_ok "error: permission denied"
		fi
	else
		skip "error: permission denied: needs root and setpriv to run pyflame as another user"
	fi
	stop_target
else
	skip "error: unwritable -o and permissions: Python 3.12 not installed"
fi
