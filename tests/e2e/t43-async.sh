# t43-async.sh: --async of record and top on tests/targets/async_busy.py, on every interpreter
# whose tasks pyflame reads: a sample of a running task is its own frames under the exact chain
# of tasks awaiting it (Task-1 gathering crunch-a and crunch-b; outer -> middle -> leaf), never
# the event loop's frames; --idle-tasks counts each of 2000 parked tasks once per tick as its own
# "(waiting)" stack and -x leaves them out; -p and top --batch see the same chains; and the
# combinations that cannot work are refused in one line (older versions: one warning, then the
# plain profile).
. "$(dirname "$0")/lib.sh"

t=$TARGETS/async_busy.py
spin=$(line_of "$t" spin) crunch=$(line_of "$t" crunch) leaf=$(line_of "$t" leaf)
middle=$(line_of "$t" middle) outer=$(line_of "$t" outer) gather=$(line_of "$t" gather)
park=$(line_of "$t" park)
outer_def=$(grep -n '^async def outer' "$t" | cut -d: -f1)
middle_def=$(grep -n '^async def middle' "$t" | cut -d: -f1)
park_def=$(grep -n '^async def park' "$t" | cut -d: -f1)
crunch_def=$(grep -n '^async def crunch' "$t" | cut -d: -f1)
main_def=$(grep -n '^async def main' "$t" | cut -d: -f1)
main_root="Task-1;$t:main:$gather"
leaf_root="$main_root;outer;$t:outer:$outer;middle;$t:middle:$middle;leaf;$t:leaf:"
# The interpreters --async reads (python/asyncio.c's ops_for).
ASYNC_PYTHONS=${PYFLAME_ASYNC_PYTHONS:-"3.11 3.12 3.13 debian-3.11 sid-3.14"}

# spinning FILE ROOT: samples of ROOT's task in spin(), at either line of its loop.
spinning() {
	echo $(($(count_of "$1" "$2;$t:spin:$spin") + $(count_of "$1" "$2;$t:spin:$((spin + 1))")))
}

# bad_roots FILE: the lines of a running task's code not under its exact task chain.
bad_roots() {
	grep -E "$t:(crunch|leaf):" "$1" | grep -v -F -e "$main_root;crunch-a;$t:crunch:" \
		-e "$main_root;crunch-b;$t:crunch:" -e "$leaf_root" | grep -v ';(waiting) [0-9]*$'
}

for label in $ASYNC_PYTHONS; do
	use_python "$label" "--async" || continue
	# Where Event.wait parks, as this interpreter names it.
	wait_frame=$("$py" -c 'import asyncio.locks as l, inspect
src, first = inspect.getsourcelines(l.Event.wait)
n = next(i for i, s in enumerate(src) if "await fut" in s)
print("%s:Event.wait:%d" % (l.__file__, first + n))')

	# record -t: every running task's sample rooted at its chain.
	timeout 60 "$PYFLAME" --async -r 0.005 -o "$WORK/out" -t "$py" "$t" "$WORK/r1" 1 \
		2>"$WORK/err"; rc=$?
	a=$(spinning "$WORK/out" "$main_root;crunch-a;$t:crunch:$crunch")
	b=$(spinning "$WORK/out" "$main_root;crunch-b;$t:crunch:$crunch")
	l=$(spinning "$WORK/out" "$leaf_root$leaf")
	bad=$(bad_roots "$WORK/out" | wc -l)
	if [ $rc -eq 0 ] && no_errors "$WORK/err" && [ "$a" -ge 20 ] && [ "$b" -ge 20 ] &&
		[ "$l" -ge 20 ] && [ "$bad" -le 2 ]; then
		ok "record --async $label: crunch-a $a, crunch-b $b, leaf $l samples under their exact task chains; $bad of the tasks' samples elsewhere (asyncio not found yet, or a tick whose task had just changed)"
	else
		{ echo "exit $rc a=$a b=$b leaf=$l bad=$bad"; cat "$WORK/err"; bad_roots "$WORK/out" | head -5
		  sort -t' ' -k2 -n "$WORK/out" | tail -8; } | not_ok "record --async $label"
	fi

	# --idle-tasks: 2000 parked tasks, each a (waiting) stack of its own counted each tick.
	timeout 60 "$PYFLAME" --async --idle-tasks -o "$WORK/idle" -t "$py" "$t" "$WORK/r2" 1 2000 \
		2>"$WORK/err"; rc=$?
	# Each counted 30+ times over its (waiting) stacks (a task not started yet waits at its
	# first line, so the first reading may see some there), and seen at its parked line.
	parked=$(awk -v want="$t:park:$park;$wait_frame;(waiting)" '
		{ c = $NF; sub(/ [0-9]+$/, "") }
		/^idle-[0-9]+;.*;\(waiting\)$/ { name = $0; sub(/;.*/, "", name)
			sum[name] += c; if (substr($0, length(name) + 2) == want) at[name] = 1 }
		END { for (k in sum) if (sum[k] >= 30 && at[k]) n++; print n + 0 }' "$WORK/idle")
	# No task awaited by another is a leaf: Task-1, outer and middle wait only inside others
	# (or, outer and middle, at their first line before they start; Task-1 at the end, once
	# the parked tasks it gathers last have ended; middle, and outer, at their await at the
	# end too, once the task each awaits has ended and before they are resumed, counted below;
	# a parked task not started yet, before 3.12 perhaps not named yet either:
	# asyncio.create_task names it after making it; and at the very end, the parked tasks
	# that Task-1's last gather awaits, set free but not resumed yet: under Task-1 at that
	# gather, which it reaches only after the event is set. Beside two busy loops, 2000 tasks
	# take long enough to wake for a reading of the waiting tasks to land there).
	end=$(line_of "$t" end)
	# ...and those of the start: a reading made while Task-1 still runs main, its tasks made
	# but not gathered yet (each at its first line, awaited by nobody yet), or as it begins
	# to await the gather, before the tasks it gathers took a step; or made before Task-1
	# itself took its first step, at main's first line (asyncio.run has made it, the loop has
	# not run it yet: one fresh clone's run counted such a reading 3 times). Beside two busy
	# loops one such reading was counted for 44 ticks, until the next.
	early_re="^((crunch-a|crunch-b);$t:crunch:$crunch_def|outer;$t:outer:$outer_def|Task-1;$t:main:($gather|$main_def));\(waiting\) "
	early=$(grep -E "$early_re" "$WORK/idle" | awk '{ n += $NF } END { print n + 0 }')
	grep -F ';(waiting) ' "$WORK/idle" | grep -v -E "^idle-[0-9]+;" |
		grep -v -E "$early_re" |
		grep -v -E "^(Task-1;$t:main:$gather;(crunch-a|crunch-b|outer;.*;leaf)|ready);" |
		grep -v -E "^$main_root;outer;$t:outer:$outer_def;\(waiting\) " |
		grep -v -E "^Task-1;$t:main:$end;\\(waiting\\) " |
		grep -v -E "^Task-1;$t:main:$end;idle-[0-9]+;$t:park:$park;" |
		grep -v -E "^[^;]+;$t:park:$park_def;\\(waiting\\) " |
		grep -v -E "^$main_root;outer;$t:outer:$outer;middle;$t:middle:$middle_def;\(waiting\) " |
		grep -v -E "^$main_root;outer;$t:outer:$outer(;middle;$t:middle:$middle)?;\(waiting\) " \
		>"$WORK/others"
	others=$(wc -l <"$WORK/others")
	# ...those of the end: one reading of the waiting tasks, counted at each tick until the
	# next, saw middle so in 1 run of 6 (49 ticks); a few readings' worth at most, not a run's
	# (1,000 ticks), which an awaited task missed by the reader would make.
	late=$(grep -E "^$main_root;outer;$t:outer:$outer(;middle;$t:middle:$middle)?;\(waiting\) " \
		"$WORK/idle" | awk '{ n += $NF } END { print n + 0 }')
	a=$(spinning "$WORK/idle" "$main_root;crunch-a;$t:crunch:$crunch")
	if [ $rc -eq 0 ] && no_errors "$WORK/err" && [ "$parked" -eq 2000 ] && [ "$others" -eq 0 ] &&
		[ "$late" -le 200 ] && [ "$early" -le 200 ] && [ "$a" -ge 10 ]; then
		ok "record --async --idle-tasks $label: each of the 2000 parked tasks a (waiting) stack at $t:park:$park under $wait_frame, counted 30+ times; no awaited task counted as a leaf (but $late counts of outer or middle at its await once the task it awaited ended, $early of Task-1 and the tasks it gathers before they took a step); the running ones as before"
	else
		{ echo "exit $rc parked=$parked others=$others late=$late early=$early a=$a"
		  sed 's/^/other: /' "$WORK/others"; cat "$WORK/err"
		  grep -F ';(waiting) ' "$WORK/idle" | grep -v '^idle-' | head -5; } |
			not_ok "record --async --idle-tasks $label"
	fi

	# -x leaves out the waiting tasks with the idle line. A second's run: in half of one,
	# crunch-a came out under 5 times once in a fresh clone's check (12-19 of ~58 samples
	# otherwise).
	timeout 60 "$PYFLAME" --async --idle-tasks -x -o "$WORK/x" -t "$py" "$t" "$WORK/r3" 1 20 \
		2>"$WORK/err"; rc=$?
	a=$(spinning "$WORK/x" "$main_root;crunch-a;$t:crunch:$crunch")
	if [ $rc -eq 0 ] && no_errors "$WORK/err" && ! grep -q -E '(\(waiting\)|\(idle\)) [0-9]+$' "$WORK/x" &&
		[ "$a" -ge 5 ]; then
		ok "record --async --idle-tasks -x $label: no (waiting) nor (idle) line, the running tasks kept ($a samples of crunch-a)"
	else
		{ echo "exit $rc; crunch-a $a samples of $(awk '{ n += $NF } END { print n + 0 }' "$WORK/x")"
		  cat "$WORK/err"; grep -E '\((waiting|idle)\)' "$WORK/x" | head -3; sort -t' ' -k2 -n "$WORK/x" | tail -5; } |
			not_ok "record --async --idle-tasks -x $label"
	fi

	# -p and top --batch on a running process.
	if start_target "$py" "$t" 30; then
		timeout 60 "$PYFLAME" --async -s 0.5 -r 0.0017 -p "$TARGET_PID" >"$WORK/p" 2>"$WORK/err"; rc=$?
		l=$(spinning "$WORK/p" "$leaf_root$leaf")
		bad=$(bad_roots "$WORK/p" | wc -l)
		# As with -t: a sample now and then (3.12: one in a few thousand) outside its chain,
		# a tick whose task had just changed.
		if [ $rc -eq 0 ] && no_errors "$WORK/err" && [ "$l" -ge 10 ] && [ "$bad" -le 2 ]; then
			ok "record --async -p $label: leaf $l samples under Task-1, outer, middle; $bad elsewhere"
		else
			{ echo "exit $rc leaf=$l bad=$bad"; cat "$WORK/err"; bad_roots "$WORK/p" | head -3
		  sort -t' ' -k2 -n "$WORK/p" | tail -8; } | not_ok "record --async -p $label"
		fi
		timeout 60 "$PYFLAME" top --async --batch 1 -p "$TARGET_PID" >"$WORK/top" 2>"$WORK/err"; rc=$?
		# Its rows: each task a row of its own, Task-1 under nearly everything.
		cp "$WORK/top" "$WORK/top2"
		task1=$(awk '$NF == "Task-1" {sub(/%/, "", $2); print int($2)}' "$WORK/top2")
		rows=$(grep -c -E ' (crunch-a|crunch-b|outer|middle|leaf)$' "$WORK/top2")
		if [ $rc -eq 0 ] && [ ! -s "$WORK/err" ] && [ "${task1:-0}" -ge 80 ] && [ "$rows" -eq 5 ]; then
			ok "top --async --batch $label: Task-1 in ${task1}% of the stacks (%Total), a row for each of crunch-a, crunch-b, outer, middle, leaf"
		else
			{ echo "exit $rc task1=$task1 rows=$rows"; cat "$WORK/err" "$WORK/top2"; } |
				not_ok "top --async --batch $label"
		fi
		stop_target
	else
		echo "not ok - --async $label: target did not start"
	fi
done

# What cannot work is refused in one line, exit 1, before anything is touched.
refused() { # WHAT WANT ARGS...
	local what=$1 want=$2; shift 2
	"$PYFLAME" "$@" >"$WORK/out" 2>"$WORK/err"; local rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] &&
		grep -q -E "^pyflame: $want" "$WORK/err"; then
		ok "$what: refused in one line, exit 1"
	else
		{ echo "exit $rc"; cat "$WORK/err"; } | not_ok "$what"
	fi
}
refused "--idle-tasks without --async" "--idle-tasks counts waiting asyncio tasks: it needs --async" \
	--idle-tasks -p 1
refused "--async --native" "--async and --native cannot be used together" --async --native -p 1
refused "-d --async" "--async samples: use 'pyflame dump --async'" -d --async -p 1

if pick_python "--async on a version it does not read" 3.10; then
	start_target "$py" "$TARGETS/idle.py" && wait_main_sleeping ||
		echo "not ok - --async 3.10: target did not start"
	refused "--async -p of 3.10" "--async reads CPython [0-9.]+( to [0-9.]+)?; process $TARGET_PID runs 3.10" \
		--async -s 0.2 -p "$TARGET_PID"
	if [ "$(tracer_of "$TARGET_PID")" = 0 ] && [ "$(state_of "$TARGET_PID")" = S ]; then
		ok "--async -p of 3.10: the process untouched"
	else
		echo "not ok - --async -p of 3.10: the process was left traced or stopped"
	fi
	stop_target
	# A -t command's version is known once it runs: one warning, then the plain profile.
	timeout 60 "$PYFLAME" --async -o "$WORK/out" -t "$py" "$TARGETS/busy.py" "$WORK/r4" 0.5 \
		2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(grep -c -v -E '^pyflame: ([0-9]+ of [0-9]+ ticks missed: |the target was stopped )' "$WORK/err")" -eq 1 ] &&
		grep -q -E "^pyflame: process [0-9]+: --async: asyncio tasks are read on CPython [0-9. to]+ only; its stacks are sampled without it$" "$WORK/err" &&
		[ "$(total_count "$WORK/out")" -ge 10 ]; then
		ok "--async -t of 3.10: said once, then sampled without it"
	else
		{ echo "exit $rc"; cat "$WORK/err"; head -3 "$WORK/out"; } | not_ok "--async -t of 3.10"
	fi
fi
