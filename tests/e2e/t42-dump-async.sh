# t42-dump-async.sh: `pyflame dump --async` on CPython 3.11, 3.12, 3.13 (pyenv's and Debian's
# static 3.11) and 3.14 (Debian sid's, from the sid root) shows every asyncio task of
# tests/targets/async_tree.py by name, each with its exact coroutine stack, nested as the tree of
# who awaits whom; --json says the same relations and stacks; on 3.14 they are the ones
# `python3.14 -m asyncio` reads (its _remote_debugging, run in the target's own mount namespace
# and root, where the maps name its files as it sees them); and on a version it cannot read
# (3.10) --async is refused in one line before the process is touched. With -C (a parent
# running async_tree.py as its child: tests/targets/async_parent.py), each process's tasks
# are printed with it, and a process whose version --async does not read is dumped without
# them, said in one line.
. "$(dirname "$0")/lib.sh"

t=$TARGETS/async_tree.py
checker=/usr/bin/python3 # Debian's, for the JSON checks

# stdlib_lines PY: where that interpreter's Event.wait and asyncio.sleep await, as
# "FILE:QUALNAME:LINE", one a line, found in their source text (not in a line table).
cat >"$WORK/stdlib_lines.py" <<'EOF'
import asyncio, inspect
def at(f, text):
    src, first = inspect.getsourcelines(f)
    hits = [first + i for i, l in enumerate(src) if text in l]
    assert len(hits) == 1, (f, hits)
    return "%s:%s:%d" % (f.__code__.co_filename, f.__qualname__, hits[0])
print(at(asyncio.Event.wait, "await fut"))
print(at(asyncio.tasks.sleep, "return await future"))
EOF

# expected_tree PY: the text after "Asyncio tasks:", addresses left out. Siblings come in the
# order both reads give: 3.14's task lists keep creation order, 3.11-3.13's sets none, so the
# dump sorts those by name, and the target's names sort as they were created.
expected_tree() {
	local park gather group inner middle outer main wait sleep
	park=$(line_of "$t" park) gather=$(line_of "$t" gather) group=$(line_of "$t" group)
	inner=$(line_of "$t" inner) middle=$(line_of "$t" middle) outer=$(line_of "$t" outer)
	main=$(line_of "$t" main)
	{ read -r wait && read -r sleep; } < <("$1" "$WORK/stdlib_lines.py") || return 1
	cat <<EOF
Task 'Task-1' waiting
  $t:main:$main
  Task 'gatherer' waiting
    $t:gatherer:$gather
    Task 'g1' waiting
      $wait
      $t:park:$park
    Task 'g2' waiting
      $wait
      $t:park:$park
    Task 'g3' waiting
      $wait
      $t:park:$park
  Task 'grouper' waiting
    $wait
    $t:park:$park
    $t:grouper:$group
    Task 'tg1' waiting
      $wait
      $t:park:$park
    Task 'tg2' waiting
      $wait
      $t:park:$park
  Task 'outer' waiting
    $t:outer:$outer
    Task 'middle' waiting
      $t:middle:$middle
      Task 'inner' waiting
        $sleep
        $t:inner:$inner
EOF
}

# The expected tree as the sorted pairs below: each task and the one task awaiting it (its
# parent in the tree), and each task's stack.
cat >"$WORK/pairs_tree.py" <<'EOF'
import sys
tasks, path = [], []
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    depth = (len(line) - len(line.lstrip())) // 2
    if line.lstrip().startswith("Task '"):
        del path[depth:]
        tasks.append([line.strip()[6:line.strip().rindex("'")], tasks[path[-1]][0] if path else "(none)", []])
        path.append(len(tasks) - 1)
    else:
        tasks[path[-1]][2].append(line.strip())
pairs = ["%s <- %s" % (name, parent) for name, parent, _ in tasks]
pairs += ["%s: %s" % (name, " ".join(frames)) for name, _, frames in tasks]
print("\n".join(sorted(pairs)))
EOF
# The relations as pairs "TASK <- AWAITER" (names) and each task's coroutine stack, innermost
# first, as "TASK: FILE:FUNCTION:LINE ...", sorted: from pyflame's JSON...
# (pairs_json.py FILE PID: of process PID's object in a -C document)
cat >"$WORK/pairs_json.py" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
if len(sys.argv) > 2:
    doc = {p["pid"]: p for p in doc["processes"]}[int(sys.argv[2])]
tasks = doc["asyncio"]
names = {t["address"]: t["name"] for t in tasks}
for t in tasks:
    assert set(t) == {"name", "address", "state", "frames", "awaited_by"}, sorted(t)
    assert t["state"] == "waiting", t
    for f in t["frames"]:
        assert set(f) == {"file", "function", "line"} and isinstance(f["line"], int), f
pairs = ["%s <- %s" % (t["name"], names.get(a, a)) for t in tasks for a in t["awaited_by"]]
pairs += ["%s <- (none)" % t["name"] for t in tasks if not t["awaited_by"]]
pairs += ["%s: %s" % (t["name"], " ".join("%s:%s:%d" % (f["file"], f["function"], f["line"])
                                          for f in t["frames"])) for t in tasks]
print("\n".join(sorted(pairs)))
EOF
# ...and from CPython's own reader, run in the sid root (the same as pstree's).
cat >"$WORK/pairs_cpython.py" <<'EOF'
import sys
from asyncio.tools import _get_awaited_by_tasks
pairs = []
for th in _get_awaited_by_tasks(int(sys.argv[1])):
    ids = {t.task_id: t.task_name for t in th.awaited_by}
    for t in th.awaited_by:
        pairs += ["%s <- %s" % (t.task_name, ids.get(a.task_name, a.task_name)) for a in t.awaited_by]
        if not t.awaited_by:
            pairs.append("%s <- (none)" % t.task_name)
        frames = [f for c in t.coroutine_stack for f in c.call_stack]
        pairs.append("%s: %s" % (t.task_name, " ".join("%s:%s:%d" % (f.filename, f.funcname,
                                                                   f.lineno) for f in frames)))
print("\n".join(sorted(pairs)))
EOF

for label in 3.11 3.12 3.13 debian-3.11 sid-3.14; do
	use_python "$label" "dump --async" || continue
	rm -f "$WORK/ready"
	if ! start_target "$py" "$t"; then
		echo "not ok - dump --async $label: target did not start"
		continue
	fi
	timeout 60 "$PYFLAME" dump --async -p "$TARGET_PID" >"$WORK/dump" 2>"$WORK/err"; rc=$?
	expected_tree "$py" >"$WORK/want"
	sed -n '/^Asyncio tasks:$/,$p' "$WORK/dump" | tail -n +2 |
		sed -E "s/^( *Task '.*') \\(0x[0-9a-f]+\\)/\\1/" >"$WORK/got"
	if [ $rc -eq 0 ] && [ ! -s "$WORK/err" ] && [ -s "$WORK/want" ] &&
		cmp -s "$WORK/want" "$WORK/got" && grep -q "^$TARGET_PID: MainThread" "$WORK/dump"; then
		ok "dump --async $label: the threads, then all 11 tasks by name with their exact coroutine lines, in the tree of who awaits whom"
	else
		{ echo "exit $rc"; cat "$WORK/err"; diff "$WORK/want" "$WORK/got"; } |
			not_ok "dump --async $label: tree"
	fi
	timeout 60 "$PYFLAME" dump --async --json -p "$TARGET_PID" >"$WORK/dump.json" 2>"$WORK/err"; rc=$?
	if [ ! -x "$checker" ]; then
		skip "dump --async --json $label: no $checker to read the JSON with"
	elif [ $rc -eq 0 ] && [ ! -s "$WORK/err" ] &&
		"$checker" "$WORK/pairs_json.py" "$WORK/dump.json" >"$WORK/pairs_ours" 2>&1 &&
		"$checker" "$WORK/pairs_tree.py" "$WORK/want" >"$WORK/pairs_want" &&
		[ "$(wc -l <"$WORK/pairs_ours")" -eq 22 ] && cmp -s "$WORK/pairs_want" "$WORK/pairs_ours"; then
		ok "dump --async --json $label: valid JSON, each task's name, address, frames and the one task awaiting it, as the tree says"
	else
		{ echo "exit $rc"; cat "$WORK/err"; diff "$WORK/pairs_want" "$WORK/pairs_ours"; } |
			not_ok "dump --async --json $label"
	fi
	# 3.14: CPython's own reader, which must run where the target's maps name its files as
	# the target sees them: in its mount namespace, with its root.
	if [ "$label" = sid-3.14 ]; then
		if nsenter -t "$TARGET_PID" -m -r /usr/bin/python3.14 "$WORK/pairs_cpython.py" \
			"$TARGET_PID" >"$WORK/pairs_theirs" 2>"$WORK/err_theirs" &&
			[ -s "$WORK/pairs_theirs" ]; then
			if cmp -s "$WORK/pairs_ours" "$WORK/pairs_theirs"; then
				ok "dump --async $label: every task/awaiter relation and every task's coroutine stack the same as python3.14 -m asyncio's"
			else
				diff "$WORK/pairs_theirs" "$WORK/pairs_ours" | not_ok "dump --async $label: relations differ from CPython's"
			fi
		else
			cat "$WORK/err_theirs" | not_ok "dump --async $label: CPython's asyncio reader did not run in the target's namespace"
		fi
	fi
	stop_target
done

# -C: each process's "PID COUNT" in a -C document, in its order: the length of its "asyncio"
# list, or "-" when it has none.
cat >"$WORK/procs_json.py" <<'EOF'
import json, sys
for p in json.load(open(sys.argv[1], encoding="utf-8"))["processes"]:
    print(p["pid"], len(p["asyncio"]) if "asyncio" in p else "-")
EOF

# section FILE PID: process PID's part of a -C text dump, its "Process" line left out.
section() { awk -v p="Process $2 (" 'index($0, p) == 1 {on = 1; next} /^Process / {on = 0} on' "$1"; }
# tasks_of FILE: what follows "Asyncio tasks:" in a section, addresses left out.
tasks_of() { sed -n '/^Asyncio tasks:$/,$p' "$1" | tail -n +2 | sed -E "s/^( *Task '.*') \\(0x[0-9a-f]+\\)/\\1/"; }

# dump_tree LABEL PARENT_PY [CHILD_PY]: `dump --async -C` of tests/targets/async_parent.py run
# by PARENT_PY, with async_tree.py its child under CHILD_PY (default the parent's own, which
# for sid's is the one in its root): the child's exact tree under its own
# header, the parent (no asyncio) with "(none)", or with no tasks and one warning line when
# --async does not read its version; --json the same, each list in its process's object.
dump_tree() {
	local label=$1 ppy=$2 cpy=${3:-$2} child parent_tasks warn="" parent_says="(none)" rc
	if ! start_target "$ppy" "$TARGETS/async_parent.py" ${3:+"$3"}; then
		echo "not ok - dump --async -C $label: target did not start"
		return
	fi
	child=$(awk '{print $1}' "/proc/$TARGET_PID/task/$TARGET_PID/children")
	case $label in
	3.10*)
		parent_tasks=- parent_says="left out, said in one line"
		warn="pyflame: --async reads CPython 3.11 to 3.14; process $TARGET_PID runs 3.10: dumped without its tasks"
		;;
	*) parent_tasks=0 ;;
	esac
	expected_tree "$cpy" >"$WORK/want"
	timeout 60 "$PYFLAME" dump --async -C -p "$TARGET_PID" >"$WORK/dump" 2>"$WORK/err"; rc=$?
	section "$WORK/dump" "$TARGET_PID" >"$WORK/parent"
	section "$WORK/dump" "$child" >"$WORK/child"
	tasks_of "$WORK/child" >"$WORK/got"
	if [ $parent_tasks = 0 ]; then
		printf '\nAsyncio tasks:\n  (none)\n' >"$WORK/parent_want"
	else
		: >"$WORK/parent_want"
	fi
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/err")" = "$warn" ] && [ -n "$child" ] &&
		[ "$(grep -c '^Process ' "$WORK/dump")" = 2 ] && [ -s "$WORK/want" ] &&
		cmp -s "$WORK/want" "$WORK/got" && grep -q "^$child: MainThread" "$WORK/child" &&
		grep -q "^$TARGET_PID: MainThread" "$WORK/parent" &&
		grep -q "async_parent.py:wait:$(line_of "$TARGETS/async_parent.py" wait)\$" "$WORK/parent" &&
		sed -n '/^$/,$p' "$WORK/parent" | tail -n 3 | cmp -s - "$WORK/parent_want"; then
		ok "dump --async -C $label: each process under its header, the child's 11 tasks in their exact tree, the parent's $parent_says"
	else
		{ echo "exit $rc"; cat "$WORK/err"; diff "$WORK/want" "$WORK/got"; cat "$WORK/dump"; } |
			not_ok "dump --async -C $label"
	fi
	timeout 60 "$PYFLAME" dump --async -C --json -p "$TARGET_PID" >"$WORK/dump.json" 2>"$WORK/err"; rc=$?
	if [ ! -x "$checker" ]; then
		skip "dump --async -C --json $label: no $checker to read the JSON with"
	elif [ $rc -eq 0 ] && [ "$(cat "$WORK/err")" = "$warn" ] &&
		[ "$("$checker" "$WORK/procs_json.py" "$WORK/dump.json" 2>&1)" = "$TARGET_PID $parent_tasks
$child 11" ] &&
		"$checker" "$WORK/pairs_json.py" "$WORK/dump.json" "$child" >"$WORK/pairs_ours" 2>&1 &&
		"$checker" "$WORK/pairs_tree.py" "$WORK/want" >"$WORK/pairs_want" &&
		cmp -s "$WORK/pairs_want" "$WORK/pairs_ours"; then
		ok "dump --async -C --json $label: each process's \"asyncio\" list in its own object, the child's as its tree says"
	else
		{ echo "exit $rc"; cat "$WORK/err"; "$checker" "$WORK/procs_json.py" "$WORK/dump.json";
		  diff "$WORK/pairs_want" "$WORK/pairs_ours"; } | not_ok "dump --async -C --json $label"
	fi
	stop_target
}
for label in 3.12 sid-3.14; do
	use_python "$label" "dump --async -C" || continue
	dump_tree "$label" "$py"
done
# A parent whose version --async does not read, its child one it does.
if pick_python "dump --async -C with a 3.10 parent" 3.10; then
	ppy=$py
	use_python 3.12 "dump --async -C with a 3.10 parent" && dump_tree "3.10 parent, 3.12 child" "$ppy" "$py"
fi

# A version it cannot read: refused in one line, exit 1, before the process is touched.
if pick_python "dump --async on 3.10" 3.10; then
	start_target "$py" "$TARGETS/idle.py" && wait_main_sleeping ||
		echo "not ok - dump --async 3.10: target did not start"
	"$PYFLAME" dump --async -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
	want="pyflame: --async reads CPython 3.11 to 3.14; process $TARGET_PID runs 3.10"
	if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && [ "$(cat "$WORK/err")" = "$want" ] &&
		[ "$(tracer_of "$TARGET_PID")" = 0 ] && [ "$(state_of "$TARGET_PID")" = S ]; then
		ok "dump --async 3.10: refused in one line, exit 1, the process untouched"
	else
		{ echo "exit $rc"; cat "$WORK/out" "$WORK/err"; } | not_ok "dump --async 3.10"
	fi
	stop_target
fi
