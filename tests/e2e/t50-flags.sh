# t50-flags.sh: Pyflame 1.6's documented surface: usage, help, version, the legacy PID form,
# -x, -n, -o, --abi, --flamechart, a target that exits mid-profile, stdin in trace mode, and
# UTF-8 names.
. "$(dirname "$0")/lib.sh"

check() { # what, then a command whose success is the check; evidence from $WORK/out, err
	local what=$1; shift
	if "$@"; then ok "$what"; else { cat "$WORK/out" "$WORK/err" 2>/dev/null; } | not_ok "$what"; fi
}

# A command line pyflame cannot read: what is wrong in one line, a pointer to --help, exit 1;
# not the whole usage.
try="Try 'pyflame --help'."
"$PYFLAME" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "no arguments: what is missing and a pointer to --help on stderr, exit 1, nothing on stdout" \
	test $rc -eq 1 -a ! -s "$WORK/out" -a "$(cat "$WORK/err")" = "pyflame: nothing to profile: give -p PID, or -t and a command
$try"
"$PYFLAME" -p 1 extra >"$WORK/out" 2>"$WORK/err"; rc=$?
check "stray argument: named, with where arguments go, exit 1" \
	test $rc -eq 1 -a ! -s "$WORK/out" -a "$(cat "$WORK/err")" = "pyflame: unexpected argument 'extra': a PID goes after -p, a command to run after -t
$try"
"$PYFLAME" -d 5 -p 1 >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-d 5 -p PID: '5' named, and that -d takes no value, exit 1" \
	test $rc -eq 1 -a ! -s "$WORK/out" -a "$(cat "$WORK/err")" = "pyflame: unexpected argument '5': -d takes no value
$try"
for h in -h --help; do
	"$PYFLAME" $h >"$WORK/out" 2>"$WORK/err"; rc=$?
	check "$h: usage on stdout, exit 0" test $rc -eq 0 -a ! -s "$WORK/err" -a "$(head -c 14 "$WORK/out")" = "Usage: pyflame"
done
check "--help: examples, a pointer to the man page, no test-only --record" \
	test -n "$(grep -x 'Examples:' "$WORK/out")" -a -n "$(grep -F "'man pyflame'" "$WORK/out")" \
	-a -z "$(grep -e --record "$WORK/out")"
# Commands: `pyflame help` lists them; `help COMMAND` is `COMMAND --help`.
"$PYFLAME" help >"$WORK/out" 2>"$WORK/err"; rc=$?
check "help: every command listed with its line, exit 0" \
	eval 'test $rc -eq 0 -a ! -s "$WORK/err" && grep -q "^  record   profile a process" "$WORK/out" && grep -q "^  dump     print every thread" "$WORK/out" && grep -q "^  help     " "$WORK/out"'
"$PYFLAME" help dump >"$WORK/out" 2>"$WORK/err"; rc=$?
"$PYFLAME" dump --help >"$WORK/out2" 2>>"$WORK/err"
check "help dump: the dump command's options, the same as dump --help" \
	eval 'test $rc -eq 0 -a ! -s "$WORK/err" && cmp -s "$WORK/out" "$WORK/out2" && grep -q "^Usage: pyflame dump -p PID" "$WORK/out"'
"$PYFLAME" help record >"$WORK/out" 2>"$WORK/err"; rc=$?
"$PYFLAME" --help >"$WORK/out2" 2>>"$WORK/err"
check "help record: the classic usage, the same as --help" \
	eval 'test $rc -eq 0 && cmp -s "$WORK/out" "$WORK/out2"'
"$PYFLAME" help nothing >"$WORK/out" 2>"$WORK/err"; rc=$?
check "help of an unknown command: named in one line, a pointer to help, exit 1" \
	test $rc -eq 1 -a ! -s "$WORK/out" -a "$(cat "$WORK/err")" = "pyflame: no command 'nothing'
Try 'pyflame help'."
for v in -v --version; do
	"$PYFLAME" $v >"$WORK/out" 2>"$WORK/err"; rc=$?
	check "$v: version and ABIs on stdout, exit 0" test $rc -eq 0 -a ! -s "$WORK/err" \
		-a -n "$(head -n 1 "$WORK/out" | grep -x 'pyflame [0-9]*\.[0-9]*\.[0-9]*')" \
		-a -n "$(grep -w '2.7' "$WORK/out" | grep -w '3.13')"
done

py=$(python_path 3.12)
if [ -z "$py" ]; then
	skip "flags: Python 3.12 not installed"
	exit 0
fi
t=$TARGETS/busy.py
stack=$(busy_stack)
start_target "$py" "$t"

"$PYFLAME" -s 0 "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "legacy PID argument: profiles, with a WARNING about -p" \
	test $rc -eq 0 -a "$(cat "$WORK/out")" = "$stack 1" -a -n "$(grep '^WARNING: .*-p' "$WORK/err")"

"$PYFLAME" record -s 0 -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "pyflame record -p PID: the same as without 'record'" \
	test $rc -eq 0 -a "$(cat "$WORK/out")" = "$stack 1" -a ! -s "$WORK/err"

"$PYFLAME" -s 0 -n -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-n: frames as FILE:FUNCTION" test $rc -eq 0 -a "$(cat "$WORK/out")" = "$t:<module>;$t:outer;$t:inner;$t:spin 1"

"$PYFLAME" -s 0 -o "$WORK/prof.txt" -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-o: the profile goes to the file, nothing to stdout" \
	test $rc -eq 0 -a ! -s "$WORK/out" -a "$(cat "$WORK/prof.txt")" = "$stack 1" -a -z "$(ls "$WORK" | grep pyflame-)"

# -o - is stdout, as perf and most tools take it: beside another -o too, and no file named "-".
(cd "$WORK" && "$PYFLAME" -s 0 -o - -o "$WORK/also.txt" -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"); rc=$?
check "-o -: the profile goes to stdout (and to another -o), no file named '-'" \
	test $rc -eq 0 -a "$(cat "$WORK/out")" = "$stack 1" -a "$(cat "$WORK/also.txt")" = "$stack 1" -a ! -e "$WORK/-"

# py-spy's format names: raw is the collapsed text (over an -o name that says svg), flamegraph
# the SVG.
"$PYFLAME" -s 0 -f raw -o "$WORK/raw.svg" -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-f raw: collapsed text" test $rc -eq 0 -a "$(cat "$WORK/raw.svg")" = "$stack 1"
"$PYFLAME" -s 0 -f flamegraph -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-f flamegraph: an SVG" test $rc -eq 0 -a -n "$(grep -m 1 '<svg' "$WORK/out")"

# -o to something that is not a regular file (a FIFO here; /dev/null in real life) is written in
# place: renaming a temporary file over it would replace the node itself.
mkfifo "$WORK/fifo"
cat "$WORK/fifo" >"$WORK/from-fifo" & reader=$!
"$PYFLAME" -s 0 -o "$WORK/fifo" -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
wait $reader
check "-o to a FIFO writes through it and leaves it a FIFO" \
	test $rc -eq 0 -a -p "$WORK/fifo" -a "$(cat "$WORK/from-fifo")" = "$stack 1"

"$PYFLAME" -s 0 --abi=312 -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "--abi=312 on a 3.12 target" test $rc -eq 0 -a "$(cat "$WORK/out")" = "$stack 1"

# A rate no machine keeps up with: the ticks missed are counted and said, in one line; what
# was taken plus what was missed is every tick due (0.3 s at 10 us: 30,000).
"$PYFLAME" -s 0.3 -r 0.00001 -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
line=$(grep -v -c '^pyflame: the target was stopped ' "$WORK/err")
missed=$(sed -n 's/^pyflame: \([0-9]*\) of 30000 ticks missed: sampling fell behind the rate asked for (-r 1e-05)$/\1/p' "$WORK/err")
taken=$(total_count "$WORK/out")
check "-r 0.00001: missed ticks said in one line ($missed of 30000), taken + missed = 30000" \
	test $rc -eq 0 -a "$line" = 1 -a -n "$missed" -a "$((${missed:-0} + taken))" = 30000 \
	-a "$(($(count_of "$WORK/out" "$stack") + $(count_of "$WORK/out" "(torn)")))" = "$taken"

# -r longer than -s (py-spy's -r 100 is 100 Hz): one sample, and a line that says -r is seconds.
"$PYFLAME" -r 100 -s 1 -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-r 100 -s 1: one sample, and a warning that -r is seconds between samples" \
	test $rc -eq 0 -a "$(cat "$WORK/out")" = "$stack 1" -a "$(cat "$WORK/err")" = \
	"pyflame: -r 100 is longer than -s 1: at most one sample will be taken; -r is seconds between samples: did you mean -r 0.01 for 100 Hz?"

# A wrong --abi: an error, or every sample visibly lost; never a crash or an invented frame.
for abi in 27 37 39 311 313; do
	"$PYFLAME" -s 0.05 -r 0.01 --abi=$abi -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
	check "--abi=$abi on a 3.12 target: refused or samples shown lost, no frames made up" \
		test $rc -le 1 -a -z "$(grep -v '^(idle) ' "$WORK/out")" -a -s "$WORK/err"
done

"$PYFLAME" -s 0.05 -r 0.01 --flamechart -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
bad=$(awk -v s="$stack;" 'NR % 2 == 1 && ($0 !~ /^[0-9]+$/ || length($0) != 16) {print "bad time: " $0} NR % 2 == 0 && $0 != s {print "bad stack: " $0}' "$WORK/out")
n=$(wc -l <"$WORK/out")
check "--flamechart: timestamp line, then the stack ending in ';', per sample" \
	test $rc -eq 0 -a -z "$bad" -a "$n" -ge 2 -a $((n % 2)) -eq 0
stop_target

# -x on an idle target leaves nothing; without it, only (idle).
start_target "$py" "$TARGETS/idle.py"
"$PYFLAME" -s 0 -x -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-x: no (idle) line" test $rc -eq 0 -a ! -s "$WORK/out"
stop_target

# A target that exits mid-profile: what was taken is written, exit 0. It lives 1 s: of 0.3 s,
# the 0.2 s left after start_target's wait were at times all spent starting pyflame on a
# loaded machine, and no tick came before the exit.
start_target "$py" "$t" 1
"$PYFLAME" -s 5 -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
n=$(grep -c -F "$stack " "$WORK/out")
check "target exits mid-profile: its samples are written, exit 0" test $rc -eq 0 -a "$n" -eq 1

# Trace mode: stdin stays the program's own.
echo "typed input" | "$PYFLAME" -o "$WORK/prof" -t "$py" -c 'print(input().upper())' >"$WORK/out" 2>"$WORK/err"; rc=$?
check "-t: the program reads its own stdin" test $rc -eq 0 -a "$(cat "$WORK/out")" = "TYPED INPUT"

# UTF-8 function and file names, in every width PEP 393 stores.
for label in 3.6 3.10 3.11 3.12 3.13; do
	upy=$(python_path "$label")
	[ -n "$upy" ] || { skip "UTF-8 names $label: not installed"; continue; }
	u=$TARGETS/ünicode.py
	start_target "$upy" "$u"
	"$PYFLAME" -s 0 -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
	want="$u:<module>:$(line_of "$u" module);$u:café:$(line_of "$u" latin);$u:函数:$(line_of "$u" bmp);$u:𠀀𠀁:$(line_of "$u" astral) 1"
	# 3.6-3.8 keep the script path as given; later versions make it absolute. Both are fine.
	check "UTF-8 names $label: latin-1, BMP and astral identifiers and a UTF-8 path" \
		test $rc -eq 0 -a "$(cat "$WORK/out")" = "$want"
	stop_target
done

# make install puts the program and its man page under PREFIX.
if make -s -C "$ROOT" install PREFIX="$WORK/inst" >"$WORK/out" 2>"$WORK/err"; then
	check "make install PREFIX=...: binary and man page" \
		test -x "$WORK/inst/bin/pyflame" -a -f "$WORK/inst/share/man/man1/pyflame.1"
else
	cat "$WORK/out" "$WORK/err" | not_ok "make install PREFIX=..."
fi

# The flags whose output depends on the interpreter, again on the oldest and newest families.
for label in 2.7 3.13; do
	lpy=$(python_path "$label")
	[ -n "$lpy" ] || { skip "flags $label: not installed"; continue; }
	start_target "$lpy" "$t"
	"$PYFLAME" -s 0 "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
	check "flags $label: legacy PID with a WARNING" \
		test $rc -eq 0 -a "$(cat "$WORK/out")" = "$stack 1" -a -n "$(grep '^WARNING: ' "$WORK/err")"
	"$PYFLAME" -s 0 -n -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
	check "flags $label: -n" test $rc -eq 0 -a "$(cat "$WORK/out")" = "$t:<module>;$t:outer;$t:inner;$t:spin 1"
	"$PYFLAME" -s 0 --abi="${label/./}" -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
	check "flags $label: --abi=${label/./}" test $rc -eq 0 -a "$(cat "$WORK/out")" = "$stack 1"
	"$PYFLAME" -s 0.03 -r 0.01 --flamechart -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
	check "flags $label: --flamechart" test $rc -eq 0 -a "$(sed -n 2p "$WORK/out")" = "$stack;"
	stop_target
done
