# t70-signals.sh: SIGINT, SIGTERM and SIGHUP end a profile early with what was taken written
# and exit 0; a second SIGINT exits at once; the target is left running and untraced.
. "$(dirname "$0")/lib.sh"

py=$(python_path 3.12)
[ -n "$py" ] || py=$(python_path 2.7)
if [ -z "$py" ]; then
	skip "signals: neither Python 3.12 nor 2.7 is installed"
	exit 0
fi
t=$TARGETS/busy.py
stack=$(busy_stack)
start_target "$py" "$t"
for sig in INT TERM HUP; do
	"$PYFLAME" -s 60 -o "$WORK/prof.$sig" -p "$TARGET_PID" 2>"$WORK/err" & pf=$!
	sleep 0.5
	kill -s $sig $pf
	wait $pf; rc=$?
	n=$(grep -c -x -F -e "$stack $(awk '{print $NF}' "$WORK/prof.$sig" 2>/dev/null | head -n 1)" "$WORK/prof.$sig" 2>/dev/null)
	if [ $rc -eq 0 ] && [ "$n" = 1 ] && [ "$(tracer_of "$TARGET_PID")" = 0 ] && [ "$(state_of "$TARGET_PID")" = R ]; then
		ok "signals: SIG$sig writes the profile so far ($(total_count "$WORK/prof.$sig") samples), exit 0, target untraced"
	else
		{ echo "exit $rc n $n tracer $(tracer_of "$TARGET_PID") state $(state_of "$TARGET_PID")"; cat "$WORK/prof.$sig" "$WORK/err"; } | not_ok "signals: SIG$sig"
	fi
done

# Two SIGINTs: out at once, still leaving the target running untraced.
"$PYFLAME" -s 60 -r 0.0001 --threads -p "$TARGET_PID" >/dev/null 2>&1 & pf=$!
sleep 0.5
kill -INT $pf; kill -INT $pf 2>/dev/null
wait $pf; rc=$?
sleep 0.1
if [ "$(tracer_of "$TARGET_PID")" = 0 ] && [ "$(state_of "$TARGET_PID")" = R ] && ! kill -0 $pf 2>/dev/null; then
	ok "signals: a second SIGINT exits at once (status $rc), target left running and untraced"
else
	echo "exit $rc tracer $(tracer_of "$TARGET_PID") state $(state_of "$TARGET_PID")" | not_ok "signals: second SIGINT"
fi
stop_target
