# t52-progress.sh: what a recording says to a person at a terminal (issue 19): a status line on
# stderr redrawn while it runs (elapsed, samples, lost, the rate reached) and one summary line at
# the end (samples, lost by reason, distinct stacks, where the profile went, the share of the
# run the target stood stopped and in how many pauses); -q silences both; neither when stderr is not a terminal.
# script(1) gives pyflame a pseudo-terminal; the pyflame side does not vary with the
# interpreter, so one is enough.
. "$(dirname "$0")/lib.sh"

check() { # what, then a command whose success is the check; evidence from $WORK/tty
	local what=$1; shift
	if "$@"; then ok "$what"; else cat -A "$WORK/tty" 2>/dev/null | not_ok "$what"; fi
}

if ! command -v script >/dev/null; then
	skip "progress lines: script(1) (util-linux) is not installed to give pyflame a terminal"
	exit 0
fi
pick_python "progress lines" debian-3.11 3.11 3.12 || exit 0
target="$ROOT/tests/targets/busy.py"
# busy.py READY SECONDS: spins for SECONDS (longer than each -s), then exits.

# On a terminal, -o FILE: the status line, then the summary naming the file.
script -qec "$PYFLAME -s 1.5 -o $WORK/p.svg -t $py $target '' 2" /dev/null >"$WORK/tty" 2>&1
check "a terminal: the status line is drawn, with elapsed time, samples, lost and the rate" \
	grep -qaE $'\rpyflame: [0-9]+\\.[0-9] s, [0-9]+ samples, [0-9]+ lost, [0-9]+\\.[0-9] Hz\e\\[K' "$WORK/tty"
# What the terminal shows: each carriage return starts the line again, "\e[K" erases its rest.
tr '\r' '\n' <"$WORK/tty" | sed 's/\x1b\[K//g' >"$WORK/lines"
check "a terminal: the summary names the samples, the stacks, the file, the stopped share and the pauses" \
	grep -qaE "^pyflame: [0-9]+ samples \\([0-9]+ lost[^)]*\\), [0-9]+ distinct stacks, written to $WORK/p.svg; the target was stopped [0-9]+\\.[0-9]{2}% of the run, in [0-9]+ pauses\$" "$WORK/lines"
samples=$(grep -aoE '^pyflame: [0-9]+ samples \(' "$WORK/lines" | grep -oE '[0-9]+' | head -1)
pauses=$(grep -aoE 'in [0-9]+ pauses$' "$WORK/lines" | grep -oE '[0-9]+' | tail -1)
check "a terminal: the summary's sample count is about 150 (1.5 s at 100 Hz), got ${samples:-none}" \
	test "${samples:-0}" -ge 40 -a "${samples:-0}" -le 151
# busy.py spins in one loop: a few stacks, each read once with its thread stopped; after that a
# stack read while it runs is one of them, and taken without stopping it (src/sample/verified.c).
check "a terminal: a busy loop is stopped for a few samples, not each (${pauses:-none} pauses for ${samples:-none} samples)" \
	test -n "$pauses" -a "${pauses:-0}" -ge 1 -a "$(( ${pauses:-0} * 3 ))" -le "${samples:-0}"
check "a terminal: the profile is written all the same" test -s "$WORK/p.svg"

# Two outputs: both named.
script -qec "$PYFLAME -s 0.5 -o $WORK/a.txt -o $WORK/b.speedscope.json -t $py $target '' 2" /dev/null >"$WORK/tty" 2>&1
check "a terminal, two -o: the summary names both" \
	grep -qa "written to $WORK/a.txt and $WORK/b.speedscope.json;" "$WORK/tty"

# -q: neither line.
script -qec "$PYFLAME -q -s 0.5 -o $WORK/q.svg -t $py $target '' 2" /dev/null >"$WORK/tty" 2>&1
check "-q on a terminal: no status line and no summary" \
	eval '! grep -qa "samples" "$WORK/tty" && test -s "$WORK/q.svg"'

# --summary: the summary without a terminal, and no status line.
"$PYFLAME" --summary -s 0.5 -o "$WORK/s.svg" -t "$py" "$target" "" 2 >"$WORK/tty" 2>&1
check "--summary, not a terminal: the summary alone" \
	eval 'grep -qaE "^pyflame: [0-9]+ samples \([0-9]+ lost[^)]*\), [0-9]+ distinct stacks, written to $WORK/s.svg; the target was stopped [0-9]+\.[0-9]{2}% of the run, in [0-9]+ pauses\$" "$WORK/tty" && ! grep -qa $'"'"'\r'"'"' "$WORK/tty"'
"$PYFLAME" -q --summary -s 0.5 -t "$py" "$target" "" 2 >"$WORK/tty" 2>&1; rc=$?
check "-q --summary: refused in one line, exit 1" \
	eval 'test $rc -eq 1 && test "$(cat "$WORK/tty")" = "pyflame: -q asks for no summary and --summary for one: use one"'

# Not a terminal: stderr stays clean.
"$PYFLAME" -s 0.5 -o "$WORK/n.svg" -t "$py" "$target" "" 2 >"$WORK/tty" 2>&1
check "not a terminal: no status line and no summary" \
	eval '! grep -qa "samples" "$WORK/tty" && ! grep -qa $'"'"'\r'"'"' "$WORK/tty"'
