# t10-attach.sh: `pyflame -p PID` on a spinning target, under every interpreter: the exact call
# chain with exact lines (methods by their qualified names from 3.11), the counts, and the target
# left running untraced.
. "$(dirname "$0")/lib.sh"

# Each interpreter's checks: they mostly wait (targets starting, timed profiles), so several
# run at once (each_label), each on targets of its own.
attach_one() {
	local label=$1 py t want rc n total stack other st tr
	use_python "$label" "attach" || return
	t=$TARGETS/busy.py
	want=$(busy_stack)
	start_target "$py" "$t" || { echo "not ok - attach $label: target did not start"; return; }

	# One sample: exactly one line, the exact stack, count 1.
	"$PYFLAME" -p "$TARGET_PID" -s 0 >"$WORK/one" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/one")" = "$want 1" ] && [ ! -s "$WORK/err" ]; then
		ok "attach $label -s 0: one sample, exact stack and lines"
	else
		{ echo "exit $rc, want: $want 1"; cat "$WORK/one" "$WORK/err"; } | not_ok "attach $label -s 0"
	fi

	# The same as the record command: the classic flags are record's.
	"$PYFLAME" record -p "$TARGET_PID" -s 0 >"$WORK/one" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/one")" = "$want 1" ] && [ ! -s "$WORK/err" ]; then
		ok "attach $label: pyflame record -p: the same exact stack"
	else
		{ echo "exit $rc, want: $want 1"; cat "$WORK/one" "$WORK/err"; } | not_ok "attach $label: pyflame record"
	fi

	# A timed profile: one distinct stack, count between 1 and the 50 ticks requested.
	"$PYFLAME" -p "$TARGET_PID" -s 0.5 -r 0.01 >"$WORK/prof" 2>"$WORK/err"; rc=$?
	n=$(wc -l <"$WORK/prof"); total=$(total_count "$WORK/prof")
	stack=$(sed 's/ [0-9]*$//' "$WORK/prof")
	if [ $rc -eq 0 ] && [ "$n" -eq 1 ] && [ "$stack" = "$want" ] && [ "$total" -ge 1 ] && [ "$total" -le 50 ]; then
		ok "attach $label -s 0.5: $total samples of the one exact stack"
	else
		{ echo "exit $rc, lines $n, total $total, want: $want"; cat "$WORK/prof" "$WORK/err"; } | not_ok "attach $label -s 0.5"
	fi

	# busy.py's loop is one line: its stack is learned in a stop or two, whichever of the
	# line's instructions the stops land on; the others print alike, and are taken without a
	# stop (src/sample/verified.c). Stopping for each instruction made 3 to 15 pauses here.
	"$PYFLAME" -p "$TARGET_PID" -s 1 -r 0.001 --summary >"$WORK/prof" 2>"$WORK/err"; rc=$?
	n=$(sed -n 's/^pyflame: [0-9]* samples .* in \([0-9]*\) pauses\?$/\1/p' "$WORK/err")
	stack=$(sed 's/ [0-9]*$//' "$WORK/prof")
	if [ $rc -eq 0 ] && [ "$stack" = "$want" ] && [ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -le 3 ]; then
		ok "attach $label 1 kHz: $(total_count "$WORK/prof") samples of the one stack, in $n pauses"
	else
		{ echo "exit $rc, pauses '$n' (1 to 3 wanted), want: $want"; cat "$WORK/prof" "$WORK/err"; } | not_ok "attach $label 1 kHz pauses"
	fi

	# --nonblocking never stops the target: the same exact stack, and at most a "(torn) N"
	# line for stacks that changed while being read (never a made-up stack).
	"$PYFLAME" --nonblocking -p "$TARGET_PID" -s 0.3 -r 0.01 >"$WORK/nb" 2>"$WORK/err"; rc=$?
	other=$(grep -v -x -e "$want [0-9]*" -e '(torn) [0-9]*' "$WORK/nb")
	if [ $rc -eq 0 ] && [ -z "$other" ] && grep -q -x "$want [0-9]*" "$WORK/nb" && [ "$(tracer_of "$TARGET_PID")" = 0 ]; then
		ok "attach $label --nonblocking: the exact stack, $(total_count "$WORK/nb") samples"
	else
		{ echo "exit $rc"; cat "$WORK/nb" "$WORK/err"; } | not_ok "attach $label --nonblocking"
	fi

	# The target runs on, untraced, after pyflame is done.
	sleep 0.05
	st=$(state_of "$TARGET_PID"); tr=$(tracer_of "$TARGET_PID")
	if [ "$st" = R ] && [ "$tr" = 0 ]; then
		ok "attach $label: target left running and untraced"
	else
		echo "state $st tracer $tr" | not_ok "attach $label: target left running and untraced"
	fi
	stop_target

	# Methods and a nested function: qualified names from 3.11 (Job.run.<locals>.step), the
	# bare name before; two Job.__init__ in two files named methods.py.
	want=$(methods_stack "$label")
	start_target "$py" "$TARGETS/methods.py" || { echo "not ok - attach $label: methods.py did not start"; return; }
	"$PYFLAME" -p "$TARGET_PID" -s 0 >"$WORK/one" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/one")" = "$want 1" ] && [ ! -s "$WORK/err" ]; then
		ok "attach $label: methods by their $(case $want in *Job.*) echo qualified ;; *) echo plain ;; esac) names, exact stack"
	else
		{ echo "exit $rc, want: $want 1"; cat "$WORK/one" "$WORK/err"; } | not_ok "attach $label: methods.py"
	fi
	stop_target
}
each_label attach_one $ALL_PYTHONS
