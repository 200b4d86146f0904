# t82-json-formats.sh: speedscope and Chrome trace files, read back with a real JSON parser and
# compared with the collapsed text of the same run (one run, three -o files), under every
# interpreter; and the format chosen by -f for stdout.
. "$(dirname "$0")/lib.sh"

CHECK=$ROOT/tests/e2e/json/check_json_formats.py
direct_python3
# Each interpreter's run mostly waits (the target starting, a timed profile): several at once
# (each_label), each in a WORK of its own.
json_one() {
	local label=$1 py rc
	use_python "$label" "json formats" || return
	start_target "$py" "$TARGETS/threads.py" && wait_main_sleeping || { stop_target; return; }
	"$PYFLAME" -p "$TARGET_PID" -s 0.5 -r 0.005 --threads --thread-names -o "$WORK/p.txt" \
		-o "$WORK/p.json" -o "$WORK/p.trace.json" 2>"$WORK/err"; rc=$?
	stop_target
	if [ $rc -eq 0 ] && python3 "$CHECK" "$WORK/p.txt" "$WORK/p.json" "$WORK/p.trace.json" 0.005 >"$WORK/check" 2>&1 &&
		grep -q "threads: MainThread=[1-9]" "$WORK/check"; then
		ok "json formats $label: speedscope and Chrome trace agree with collapsed ($(tail -n 1 "$WORK/check"))"
	else
		{ echo "exit $rc"; cat "$WORK/check" "$WORK/err" "$WORK/p.txt"; } | not_ok "json formats $label"
	fi
}
each_label json_one $ALL_PYTHONS

# -f for stdout: the exact busy.py stack in speedscope and in Chrome trace, by name and line.
py=$(python_path 3.12)
if [ -n "$py" ]; then
	t=$TARGETS/busy.py
	"$PYFLAME" -f speedscope -r 0.005 -t "$py" -S "$t" "" 0.4 >"$WORK/s.json" 2>"$WORK/err"; rc=$?
	got=$(python3 - "$WORK/s.json" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
fr = d["shared"]["frames"]
c = collections.Counter()
for p in d["profiles"]:
    for s, w in zip(p["samples"], p["weights"]):
        c[";".join("%s:%s:%d" % (fr[i].get("file", ""), fr[i]["name"], fr[i].get("line", 0)) for i in s)] += w
print(c.most_common(1)[0][0])
PY
)
	if [ $rc -eq 0 ] && [ "$got" = "$(busy_stack)" ]; then
		ok "json formats: -f speedscope to stdout, heaviest stack is busy.py's"
	else
		{ echo "exit $rc, got $got"; cat "$WORK/err"; } | not_ok "json formats: -f speedscope to stdout"
	fi
	"$PYFLAME" -f chrome -r 0.005 -t "$py" -S "$t" "" 0.4 >"$WORK/c.json" 2>"$WORK/err"; rc=$?
	got=$(python3 - "$WORK/c.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
spin = [e for e in ev if e["ph"] == "X" and e["name"] == "spin"]
print(len(spin), spin[0]["args"]["line"], max(e["dur"] for e in spin) if spin else 0)
PY
)
	set -- $got
	if [ $rc -eq 0 ] && [ "${1:-0}" -ge 1 ] && [ "${2:-}" = "$(line_of "$t" spin)" ] && [ "${3:-0}" -ge 200000 ]; then
		ok "json formats: -f chrome to stdout, spin is one span of $3 us at line $2"
	else
		{ echo "exit $rc, got $got"; cat "$WORK/err"; } | not_ok "json formats: -f chrome to stdout"
	fi
else
	skip "json formats stdout: Python 3.12 not installed"
fi
