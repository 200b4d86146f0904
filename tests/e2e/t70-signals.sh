# t70-signals.sh: SIGINT, SIGTERM and SIGHUP end a profile early with what was taken written
# and exit 0; a second SIGINT exits at once; the target is left running and untraced.
. "$(dirname "$0")/lib.sh"

pick_python "signals" 3.12 2.7 || exit 0
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

# SIGINT with every format asked for at once: each file is written whole, and holds the same
# samples as the collapsed text of the run.
"$PYFLAME" -s 60 -r 0.005 -p "$TARGET_PID" -o "$WORK/i.txt" -o "$WORK/i.svg" \
	-o "$WORK/i.speedscope.json" -o "$WORK/i.trace.json" -o "$WORK/i.pb.gz" 2>"$WORK/err" & pf=$!
sleep 0.6
kill -INT $pf
wait $pf; rc=$?
total=$(total_count "$WORK/i.txt")
got=$(python3 - "$WORK" <<'PY'
import json, sys, xml.etree.ElementTree as ET
w = sys.argv[1]
ET.parse(w + "/i.svg")  # well-formed, whole
s = json.load(open(w + "/i.speedscope.json"))
weights = sum(len(p["weights"]) for p in s["profiles"])
t = json.load(open(w + "/i.trace.json"))
spans = sum(1 for e in t["traceEvents"] if e["ph"] == "X")
print(weights, spans)
PY
)
pp=$(command -v go >/dev/null && HOME=$WORK GOCACHE=$WORK/go go tool pprof -raw "$WORK/i.pb.gz" 2>/dev/null |
	awk '/^Samples:/ {on = 1; next} /^Locations/ {on = 0} on && /^ *[0-9]+ +[0-9]+:/ {n += $1} END {print n + 0}')
set -- $got
if [ $rc -eq 0 ] && [ "$total" -ge 50 ] && [ "${1:-0}" -ge 1 ] && [ "${2:-0}" -ge 1 ] &&
	{ ! command -v go >/dev/null || [ "$pp" = "$total" ]; }; then
	ok "signals: SIGINT writes all five formats whole ($total samples; svg parses, speedscope ${1} samples, chrome ${2} spans, pprof ${pp:-unchecked} samples)"
else
	{ echo "exit $rc total $total json '$got' pprof '$pp'"; cat "$WORK/err"; } | not_ok "signals: SIGINT writes every format"
fi
stop_target
