# t20-trace.sh: `pyflame -t COMMAND...` under every interpreter: profiles the command to its
# end, exits with its exit status, and leaves its stdout to it.
. "$(dirname "$0")/lib.sh"

for label in $ALL_PYTHONS; do
	use_python "$label" "trace" || continue
	t=$TARGETS/busy.py
	want=$(busy_stack)

	# -S skips site (.pth files of installed packages), whose start-up time varies with load.
	"$PYFLAME" -o "$WORK/prof" -t "$py" -S "$t" "" 0.6 >"$WORK/out" 2>"$WORK/err"; rc=$?
	# Every sample lands in spin, except the ones taken while the interpreter was starting
	# up or shutting down (stacks from other code, or idle); the spin stack must dominate.
	spin=$(count_of "$WORK/prof" "$want")
	total=$(total_count "$WORK/prof")
	if [ $rc -eq 0 ] && [ "$spin" -ge 10 ] && [ $((spin * 10)) -ge $((total * 6)) ]; then
		ok "trace $label: $spin of $total samples in the exact spin stack, exit 0"
	else
		{ echo "exit $rc, spin $spin of $total, want: $want"; cat "$WORK/prof" "$WORK/err"; } | not_ok "trace $label"
	fi

	# The command's exit status and output are its own.
	"$PYFLAME" -o "$WORK/prof2" -t "$py" -c 'import sys; print("hello from the target"); sys.exit(7)' >"$WORK/out" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 7 ] && [ "$(cat "$WORK/out")" = "hello from the target" ]; then
		ok "trace $label: exit status 7 and stdout passed through"
	else
		{ echo "exit $rc"; cat "$WORK/out" "$WORK/err"; } | not_ok "trace $label: exit status and stdout"
	fi
done

# A command killed by a signal: 128 + N, like a shell.
py=$(python_path 3.12)
if [ -n "$py" ]; then
	"$PYFLAME" -o "$WORK/prof3" -t "$py" -c 'import os, signal; os.kill(os.getpid(), signal.SIGTERM)' 2>"$WORK/err"; rc=$?
	if [ $rc -eq 143 ]; then ok "trace: a command killed by SIGTERM gives 143"
	else { echo "exit $rc"; cat "$WORK/err"; } | not_ok "trace: a command killed by SIGTERM gives 143"; fi
else
	skip "trace signal status: Python 3.12 not installed"
fi
