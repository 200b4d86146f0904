# t84-svg.sh: the SVG flame graph and flame chart. Under every interpreter, one -t run of
# busy.py writes collapsed text and an SVG (-o FILE.svg picks the format), and the SVG, read
# back with a real XML parser, must hold the same frames with the same samples; likewise for
# --flamechart, box by box against the time-ordered text. Then headless Chromium opens the
# files and a script injected into a copy clicks, resets and searches as a user would: the
# clicked frame must fill the width with the rest placed on its scale, and the search must
# highlight exactly the matching frames and report their share, nested matches counted once.
. "$(dirname "$0")/lib.sh"

SVG=$ROOT/tests/e2e/svg
direct_python3
t=$TARGETS/busy.py
want=$(busy_stack)
for label in $ALL_PYTHONS; do
	use_python "$label" "svg" || continue
	rm -f "$WORK"/b.* "$WORK"/c.*
	# -S skips site (.pth files of installed packages), whose start-up time varies with load.
	"$PYFLAME" -r 0.005 -o "$WORK/b.txt" -o "$WORK/b.svg" -t "$py" -S "$t" "" 0.4 >/dev/null 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && python3 "$SVG/check_svg.py" graph "$WORK/b.txt" "$WORK/b.svg" "$want" >"$WORK/check" 2>&1; then
		ok "svg $label: $(tail -n 1 "$WORK/check")"
	else
		{ echo "exit $rc"; cat "$WORK/check" "$WORK/err" "$WORK/b.txt"; } | not_ok "svg $label: flame graph as collapsed"
	fi
	"$PYFLAME" -r 0.005 --flamechart -o "$WORK/c.txt" -o "$WORK/c.svg" -t "$py" -S "$t" "" 0.4 >/dev/null 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && python3 "$SVG/check_svg.py" chart "$WORK/c.txt" "$WORK/c.svg" "$want" >"$WORK/check" 2>&1; then
		ok "svg $label: $(tail -n 1 "$WORK/check")"
	else
		{ echo "exit $rc"; cat "$WORK/check" "$WORK/err"; } | not_ok "svg $label: flame chart as --flamechart text"
	fi
done

py=$(python_path 3.12)
[ -n "$py" ] || py=$(python_path debian-3.11)
if [ -z "$py" ] || [ ! -x "$py" ]; then
	skip "svg: -f svg and the browser checks: neither Python 3.12 nor /usr/bin/python3.11 installed"
	exit 0
fi

# -f svg to stdout: a whole document, busy.py's spin frame on top of its stack.
"$PYFLAME" -f svg -r 0.005 -t "$py" -S "$t" "" 0.3 >"$WORK/s.svg" 2>"$WORK/err"; rc=$?
spin="spin ($t:$(line_of "$t" spin))"
got=$(python3 - "$WORK/s.svg" "$spin" <<'PY' 2>&1
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
spin = [g for g in root.iter(ns + "g") if g.find(ns + "title") is not None
        and g.find(ns + "title").text.split("\n")[0] == sys.argv[2]]
print(len(spin), spin[0].get("data-d") if spin else "-")
PY
)
if [ $rc -eq 0 ] && [ "$got" = "1 4" ]; then
	ok "svg: -f svg to stdout, '$spin' once at depth 4"
else
	{ echo "exit $rc, got $got"; cat "$WORK/err"; head -c 400 "$WORK/s.svg"; } | not_ok "svg: -f svg to stdout"
fi

# Two files named methods.py: each box names its file by the ending of its path that tells it
# apart (pkg/methods.py, targets/methods.py), the tooltip by the whole path.
"$PYFLAME" -f svg -r 0.005 -t "$py" -S "$TARGETS/methods.py" "" 0.3 >"$WORK/m.svg" 2>"$WORK/err"; rc=$?
m=$TARGETS/methods.py o=$TARGETS/pkg/methods.py
got=$(python3 - "$WORK/m.svg" <<'PY' 2>&1
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
for g in ET.parse(sys.argv[1]).getroot().iter(ns + "g"):
    if g.get("data-l", "").startswith("Job.__init__ "):
        print(g.get("data-l") + " = " + g.find(ns + "title").text.split("\n")[0])
PY
)
want="Job.__init__ (pkg/methods.py:$(line_of "$o" spin)) = Job.__init__ ($o:$(line_of "$o" spin))
Job.__init__ (targets/methods.py:$(line_of "$m" init)) = Job.__init__ ($m:$(line_of "$m" init))"
if [ $rc -eq 0 ] && [ "$(echo "$got" | sort)" = "$(echo "$want" | sort)" ]; then
	ok "svg: two methods.py told apart in the boxes: pkg/methods.py, targets/methods.py"
else
	{ echo "exit $rc, got:"; echo "$got"; echo "want:"; echo "$want"; cat "$WORK/err"; } | not_ok "svg: files of one base name told apart"
fi

# -x on a sleeping target: nothing drawn, and the heading says how many idle samples were
# left out rather than only "0 samples".
start_target "$py" "$TARGETS/idle.py" && wait_main_sleeping || { stop_target; exit 0; }
"$PYFLAME" -x -f svg -p "$TARGET_PID" -s 0.2 -r 0.01 >"$WORK/x.svg" 2>"$WORK/err"; rc=$?
stop_target
got=$(python3 -c 'import sys, xml.etree.ElementTree as ET; print(ET.parse(sys.argv[1]).getroot().find("{http://www.w3.org/2000/svg}title").text)' "$WORK/x.svg" 2>&1)
if [ $rc -eq 0 ] && echo "$got" | grep -q -E ' 0 samples \([1-9][0-9]* idle not shown\)$'; then
	ok "svg -x: '$got'"
else
	{ echo "exit $rc, heading: $got"; cat "$WORK/err"; } | not_ok "svg -x: idle samples said in the heading"
fi

CHROMIUM=$(command -v chromium || command -v chromium-browser)
# Three threads, a third of the samples each (--threads): a frame to zoom into that is not
# already nearly the whole width, and thread names as root frames.
start_target "$py" "$TARGETS/threads.py" && wait_main_sleeping || { stop_target; exit 0; }
"$PYFLAME" -p "$TARGET_PID" -s 0.5 -r 0.005 --threads --thread-names -o "$WORK/g.txt" -o "$WORK/g.svg" 2>"$WORK/err"; rc=$?
# The GIL holder only, as a flame chart by thread: the spinners take turns, and each one's
# frames stay one box across the other's turns, so the chart's size follows its changes (none
# here; -x: no idle boxes between turns), not its samples.
"$PYFLAME" -p "$TARGET_PID" -s 0.5 -r 0.005 -x --thread-names --flamechart -o "$WORK/h.svg" 2>"$WORK/herr"; hrc=$?
stop_target
boxes=$(grep -c '<g class="f' "$WORK/h.svg")
spins=$(grep -c -E 'data-l="spin_[ab] ' "$WORK/h.svg")
heading=$(sed -n 's/.*<text id="title"[^>]*>\(.*\)<\/text>/\1/p' "$WORK/h.svg")
if [ $hrc -eq 0 ] && [ "$spins" -eq 2 ] && [ "$boxes" -le 8 ]; then
	ok "svg: GIL holder's flame chart by thread: $boxes boxes for '${heading##* — }', one box per spinner"
else
	{ echo "exit $hrc, $boxes boxes, $spins spin boxes"; grep '<g class="f' "$WORK/h.svg" | cut -c1-160; cat "$WORK/herr"; } |
		not_ok "svg: GIL holder's flame chart by thread"
fi
if [ $rc -eq 0 ] && python3 "$SVG/check_svg.py" graph "$WORK/g.txt" "$WORK/g.svg" >"$WORK/check" 2>&1; then
	ok "svg: --threads --thread-names: $(tail -n 1 "$WORK/check")"
else
	{ echo "exit $rc"; cat "$WORK/check" "$WORK/err" "$WORK/g.txt"; } | not_ok "svg: --threads --thread-names as collapsed"
fi
if [ -z "$CHROMIUM" ]; then
	skip "svg in a browser: chromium not installed"
	exit 0
fi
# The pattern 'threads\.py' matches <module> and wait_main, one on the other, and both
# spinners: 100%, not the 133% of adding them up.
if timeout 90 python3 "$SVG/run_ui.py" "$CHROMIUM" "$WORK/g.svg" "$WORK" 'spin_a (' 'threads\.py' 'spin_' >"$WORK/ui" 2>&1; then
	ok "svg in chromium, flame graph: $(tail -n 1 "$WORK/ui")"
else
	cat "$WORK/ui" | not_ok "svg in chromium, flame graph"
fi
if [ -s "$WORK/c.svg" ] && timeout 90 python3 "$SVG/run_ui.py" "$CHROMIUM" "$WORK/c.svg" "$WORK" 'spin (' 'spin|inner' 'outer' >"$WORK/ui" 2>&1; then
	ok "svg in chromium, flame chart: $(tail -n 1 "$WORK/ui")"
else
	cat "$WORK/ui" | not_ok "svg in chromium, flame chart"
fi
