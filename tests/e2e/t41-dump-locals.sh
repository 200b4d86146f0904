# t41-dump-locals.sh: `pyflame dump --locals` shows each Python frame's locals under it with
# exact, bounded reprs (ints small, negative and huge, floats, True, None, a non-ASCII str,
# bytes, a tuple, a list of a million items, a dict, a set, a closure's cell and free variable,
# an instance of a class of the program) and a 1000-frame recursion whole; `--json` is the same
# dump as one JSON document (python3's json module reads it, and it says what the text says);
# under every interpreter.
. "$(dirname "$0")/lib.sh"

t=$TARGETS/locals.py
checker=/usr/bin/python3 # Debian's, for the JSON checks whatever interpreter the target runs

# expected_main LABEL POINT INNER: the main thread's frames and locals, as the text dump writes
# them. 2.7 marks its own types (u'...' unicode, '...' str, 5L long), and from 3.11 a closure is
# named by its qualified name.
expected_main() {
	local label=$1 u="" L="" long=int b=b qual=""
	case $label in
	2.7) u=u L=L long=long b="" ;;
	esac
	case $label in
	2.* | 3.[6-9] | 3.10) ;;
	*) qual="outer.<locals>." ;;
	esac
	sed -e "s|@T@|$t|g" -e "s|@U@|$u|g" -e "s|@L@|$L|g" -e "s|@LONG@|$long|g" -e "s|@B@|$b|g" \
		-e "s|@QUAL@|$qual|g" -e "s|@POINT@|$2|g" -e "s|@INNER@|$3|g" \
		-e "s|@LEAF@|$(line_of "$t" leaf)|g" -e "s|@INNERL@|$(line_of "$t" inner)|g" \
		-e "s|@OUTER@|$(line_of "$t" outer)|g" -e "s|@MODULE@|$(line_of "$t" module)|g" <<'EOF'
  @T@:leaf:@LEAF@
    captured = [@U@'x']
    small = 42
    negative = -7
    medium = 18446744073709551616@L@
    big_negative = -170141183460469231731687303715884105727@L@
    huge = <@LONG@ of 101 digits>
    ratio = 0.1
    third = 0.3333333333333333
    flag = True
    nothing = None
    text = @U@'héllo wörld ✓'
    raw = @B@"\x00ab'\n\xff"
    pair = (1, @U@'two', 3.5)
    many = [0, 1, 2, 3, 4, ... (1000000 items)]
    table = {@U@'a': 1, @U@'b': [1, 2]}
    members = {1, 2, 3}
    point = <Point at @POINT@>
  @T@:@QUAL@inner:@INNERL@
    captured = [@U@'x']
  @T@:outer:@OUTER@
    label = @U@'outer'
    inner = <function at @INNER@>
    captured = [@U@'x']
  @T@:<module>:@MODULE@
EOF
}

# expected_deep: the deep thread's recursion, innermost first: recurse(0) asleep, then the 999
# calls above it, each with its n.
expected_deep() {
	local deep recurse
	deep=$(line_of "$t" deep) recurse=$(line_of "$t" recurse)
	awk -v t="$t" -v deep="$deep" -v rec="$recurse" 'BEGIN {
		for (n = 0; n < 1000; n++)
			printf "  %s:recurse:%d\n    n = %d\n", t, n ? rec : deep, n
	}'
}

# thread_block FILE NAME: the lines of the thread called NAME in a text dump, header left out.
thread_block() {
	awk -v name="$2" '/^[0-9]+[*]?: / {p = ($2 == name)} /^$/ {p = 0} p && !/^[0-9]+[*]?: /' "$1"
}

# The JSON checks, in python3: the document parses, has the schema's fields and types, says
# the same as the text dump (rewritten as text, the two are equal) and gives the types of the
# known locals. Prints what differs; exits non-zero then.
cat >"$WORK/check_json.py" <<'EOF'
import json, sys
path, text_path, pid, version, label = sys.argv[1:6]
doc = json.load(open(path, encoding="utf-8"))
problems = []
def need(cond, what):
    if not cond:
        problems.append(what)
need(doc.get("pid") == int(pid), "pid %r is not %s" % (doc.get("pid"), pid))
need(doc.get("python") == version, "python %r is not %s" % (doc.get("python"), version))
lines = []
for i, th in enumerate(doc["threads"]):
    need(set(th) == {"id", "ident", "name", "gil", "frames"}, "thread fields %s" % sorted(th))
    need(isinstance(th["gil"], bool) and isinstance(th["ident"], int), "gil, ident types")
    if i:
        lines.append("")
    lines.append("%d%s: %s (ident 0x%x)" % (th["id"] or 0, "*" if th["gil"] else "",
                                             th["name"], th["ident"]))
    if not th["frames"]:
        lines.append("  (no Python frames)")
    for fr in th["frames"]:
        need(isinstance(fr["line"], int) and "locals" in fr, "frame %r" % fr)
        lines.append("  %s:%s:%d" % (fr["file"], fr["function"], fr["line"]))
        for loc in fr["locals"]:
            need(set(loc) == {"name", "repr", "type"}, "local fields %s" % sorted(loc))
            lines.append("    %s = %s" % (loc["name"], loc["repr"]))
        if "locals_note" in fr:
            lines.append("    (%s)" % fr["locals_note"])
text = open(text_path, encoding="utf-8").read().rstrip("\n").split("\n")
if lines != text:
    problems.append("the JSON, written as text, differs from the text dump:")
    import difflib
    problems.extend(difflib.unified_diff(text, lines, "text", "json", lineterm="", n=1))
main = [th for th in doc["threads"] if th["name"] == "MainThread"]
need(len(main) == 1, "one MainThread")
if main and main[0]["frames"]:
    types = {l["name"]: l["type"] for l in main[0]["frames"][0]["locals"]}
    py2 = label == "2.7"
    want = {"small": "int", "huge": "long" if py2 else "int", "ratio": "float",
            "flag": "bool", "nothing": "NoneType", "text": "unicode" if py2 else "str",
            "raw": "str" if py2 else "bytes", "pair": "tuple", "many": "list",
            "table": "dict", "members": "set", "point": "Point"}
    for k, v in want.items():
        need(types.get(k) == v, "type of %s: %r, not %r" % (k, types.get(k), v))
if problems:
    print("\n".join(problems[:60]))
    sys.exit(1)
EOF

for label in $ALL_PYTHONS; do
	use_python "$label" "dump --locals" || continue
	rm -f "$WORK/ids"
	start_target "$py" "$t" "$WORK/ids" && wait_main_sleeping ||
		{ echo "not ok - dump --locals $label: target did not start"; continue; }
	point=$(awk '$1 == "point" {print $2}' "$WORK/ids")
	inner=$(awk '$1 == "inner" {print $2}' "$WORK/ids")
	timeout 120 "$PYFLAME" dump --locals -p "$TARGET_PID" >"$WORK/dump" 2>"$WORK/err"; rc=$?
	expected_main "$label" "$point" "$inner" >"$WORK/want_main"
	thread_block "$WORK/dump" MainThread >"$WORK/got_main"
	if [ $rc -eq 0 ] && [ ! -s "$WORK/err" ] && cmp -s "$WORK/want_main" "$WORK/got_main"; then
		ok "dump --locals $label: the main thread's three frames with every local's exact repr"
	else
		{ echo "exit $rc"; cat "$WORK/err"; diff "$WORK/want_main" "$WORK/got_main"; } |
			not_ok "dump --locals $label: main thread"
	fi
	# The recursion: 1000 frames, each with its own n, then threading's frames.
	expected_deep >"$WORK/want_deep"
	thread_block "$WORK/dump" deep | head -n 2000 >"$WORK/got_deep"
	size=$(wc -c <"$WORK/dump")
	if cmp -s "$WORK/want_deep" "$WORK/got_deep" && [ "$size" -lt 1000000 ]; then
		ok "dump --locals $label: a 1000-frame recursion whole, each frame's n, $size bytes in all"
	else
		{ echo "$size bytes"; diff "$WORK/want_deep" "$WORK/got_deep" | head -n 20; } |
			not_ok "dump --locals $label: deep recursion"
	fi
	# --json, to a file: the same snapshot (the target stands still) as one document.
	version=${label#*-}
	timeout 120 "$PYFLAME" dump --locals --json -o "$WORK/dump.json" -p "$TARGET_PID" 2>"$WORK/err"; rc=$?
	if [ ! -x "$checker" ]; then
		skip "dump --json $label: no $checker to read the JSON with"
	elif [ $rc -eq 0 ] && [ ! -s "$WORK/err" ] &&
		"$checker" "$WORK/check_json.py" "$WORK/dump.json" "$WORK/dump" "$TARGET_PID" "$version" \
			"$label" >"$WORK/json_problems" 2>&1; then
		ok "dump --json $label: valid JSON with the schema's fields, the text dump's threads, frames and locals, and their types"
	else
		{ echo "exit $rc"; cat "$WORK/err" "$WORK/json_problems"; } | not_ok "dump --json $label"
	fi
	# -C: a document of processes, this one (it has no children) the only one.
	timeout 120 "$PYFLAME" dump -C --json -p "$TARGET_PID" >"$WORK/tree.json" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ -x "$checker" ] && "$checker" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert [p["pid"] for p in d["processes"]] == [int(sys.argv[2])], d.keys()
assert all("locals" not in f for p in d["processes"] for t in p["threads"] for f in t["frames"])
' "$WORK/tree.json" "$TARGET_PID" 2>>"$WORK/err"; then
		ok "dump -C --json $label: {\"processes\": [...]} holding the one process, no locals unasked"
	else
		{ echo "exit $rc"; cat "$WORK/err"; head -c 600 "$WORK/tree.json"; } | not_ok "dump -C --json $label"
	fi
	stop_target
done

# The command line: what the dump command refuses, in one line and a pointer to its help.
"$PYFLAME" dump --locals >"$WORK/out" 2>"$WORK/err"; rc=$?
if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && grep -q "^pyflame: nothing to dump: give -p PID$" "$WORK/err" &&
	grep -q "^Try 'pyflame dump --help'.$" "$WORK/err"; then
	ok "dump without -p: one line saying so, and where the help is"
else
	{ echo "exit $rc"; cat "$WORK/err"; } | not_ok "dump without -p"
fi
"$PYFLAME" dump -s 1 -p 1 >"$WORK/out" 2>"$WORK/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "^pyflame: unknown option '-s'$" "$WORK/err"; then
	ok "dump -s: record's options are not the dump's"
else
	{ echo "exit $rc"; cat "$WORK/err"; } | not_ok "dump -s"
fi
