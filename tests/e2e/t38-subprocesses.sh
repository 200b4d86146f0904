# t38-subprocesses.sh: -C (--subprocesses) profiles a process and every descendant that runs
# Python, each stack rooted at its own "process PID (LABEL)" frame: multiprocessing's workers
# (fork under every interpreter; spawn, forkserver and ProcessPoolExecutor under two), a
# Python grandchild behind a shell, children born and dying during a -p run, 200 short-lived
# forks (nothing left traced or stopped, pyflame's memory bounded), -d of a parent and its
# children, SIGINT during a -t run, a child someone else traces (said once, the rest sampled),
# a command line that holds ';' and a newline, and -C --record refused.
. "$(dirname "$0")/lib.sh"

mp=$TARGETS/mp_workers.py
work_tail="$mp:work:$(line_of "$mp" work);$mp:burn:$(line_of "$mp" burn)"

# argv0 LABEL: the path the interpreter's own process was started by ($py, except in the sid
# root, whose launcher ends in an exec of its /usr/bin one).
argv0() { case $1 in sid-*) echo "/usr/bin/python${1#sid-}" ;; *) echo "$py" ;; esac; }

# listed FILE WORD: the PIDs of the target's "WORD PID" lines, sorted, one a line.
listed() { sed -n "s/^$2 \([0-9]*\)\$/\1/p" "$1" | sort -n -u; }

# exact_samples FILE PID STACK: the samples of process PID whose stack is exactly STACK.
exact_samples() {
	awk -v p="process $2 (" -v w="$3" '{c = $NF; sub(/ [0-9]+$/, "")}
		index($0, p) == 1 {sub(/^[^;]*;/, ""); if ($0 == w) n += c}
		END {print n + 0}' "$1"
}

# wait_for CONDITION SECONDS: until the shell command CONDITION succeeds (0) or time is up (1).
wait_for() {
	local i
	for i in $(seq 1 $(($2 * 20))); do
		eval "$1" && return 0
		sleep 0.05
	done
	return 1
}

# mp_run LABEL HOW [WORKERS]: `pyflame -C -t` of mp_workers.py: every worker's stacks end in
# work -> burn at their exact lines, rooted at the worker's own PID (never the parent's), and
# the parent's stacks, if any, at its own.
mp_run() {
	local label=$1 how=$2 n=${3:-2} what="subprocesses $1 $2"
	"$PYFLAME" -C -o "$WORK/prof" -t "$py" "$mp" "" "$how" 0.4 "$n" >"$WORK/out" 2>"$WORK/err"
	local rc=$? want got bad labels=ok w
	want=$(listed "$WORK/out" worker)
	got=$(process_pids "$WORK/prof" "$work_tail")
	bad=$(unrooted "$WORK/prof")
	case $how in
	fork)
		# A forked worker's command line is its parent's.
		local l
		l=$(cmd_label "$(argv0 "$label")" "$mp" "" fork 0.4 "$n")
		for w in $want; do [ "$(process_label "$WORK/prof" "$w")" = "$l" ] || labels="worker $w not '$l'"; done
		;;
	esac
	local count
	count=$(printf '%s\n' "$want" | grep -c .)
	if [ $rc -eq 0 ] && grep -q -x done "$WORK/out" && [ "$count" -ge 1 ] &&
		{ [ "${how#executor}" != "$how" ] || [ "$count" -eq "$n" ]; } &&
		[ "$got" = "$want" ] && [ -z "$bad" ] && [ "$labels" = ok ] && only_notes "$WORK/err"; then
		ok "$what: $count workers ($(echo $want)) each in work -> burn at their lines, rooted at their own PIDs"
	else
		{
			echo "exit $rc; workers: $(echo $want); PIDs in work -> burn: $(echo $got); labels: $labels"
			echo "not rooted at a process: $bad"
			cat "$WORK/out" "$WORK/err" "$WORK/prof"
		} | not_ok "$what"
	fi
}

# --- multiprocessing: fork under every interpreter
# (each_label: several interpreters' runs at once, each in a WORK of its own)
fork_one() {
	local py
	use_python "$1" "subprocesses fork" || return
	mp_run "$1" fork
}
each_label fork_one $ALL_PYTHONS

# --- spawn, forkserver and a ProcessPoolExecutor under two interpreters (the rest is the same
# code: a worker started afresh, or forked from a server process that is itself a child), and
# 3.6's executor, which takes no start method (fork)
for label in 2.7 3.6 3.12 sid-3.14; do
	case $label in
	2.7)
		skip "subprocesses 2.7 spawn, forkserver, executor: Python 2.7's multiprocessing has only fork, and no concurrent.futures"
		continue
		;;
	3.6) methods=executor-fork ;;
	3.12) methods="spawn forkserver executor-spawn" ;;
	*) methods="spawn forkserver executor-forkserver" ;;
	esac
	use_python "$label" "subprocesses $methods" || continue
	for how in $methods; do
		mp_run "$label" "$how"
	done
done

# --- python -> sh -> python: the grandchild's exact stack, nothing of the shell, no word on it
c=$TARGETS/chain.py
chain_stack="$c:<module>:$(line_of "$c" module);$c:child:$(line_of "$c" child);$c:burn:$(line_of "$c" burn)"
chain_one() {
	local label=$1 py rc gc sh n want_label got_label as_sh
	use_python "$label" "subprocesses chain" || return
	"$PYFLAME" -C -o "$WORK/prof" -t "$py" "$c" "" parent 0.5 >"$WORK/out" 2>"$WORK/err"; rc=$?
	gc=$(listed "$WORK/out" grandchild)
	sh=$(listed "$WORK/out" sh)
	n=$(exact_samples "$WORK/prof" "${gc:-none}" "$chain_stack")
	want_label=$(cmd_label "$(argv0 "$label")" "$c" "" child 0.5)
	got_label=$(process_label "$WORK/prof" "${gc:-none}")
	# The shell's PID may have run Python for a moment: 2.7's subprocess runs Python in the
	# child between fork and exec. Nothing of it once it is sh.
	as_sh=$(grep "^process $sh " "$WORK/prof" | grep -v '/subprocess\.py:')
	if [ $rc -eq 0 ] && [ -n "$gc" ] && [ -n "$sh" ] && [ "$n" -ge 1 ] && [ "$got_label" = "$want_label" ] &&
		[ -z "$as_sh" ] && [ -z "$(unrooted "$WORK/prof")" ] && only_notes "$WORK/err"; then
		ok "subprocesses $label chain: python -> sh $sh -> python $gc: $n samples of the grandchild's exact stack, none of the shell's"
	else
		{ echo "exit $rc; sh $sh grandchild $gc; exact samples $n; label '$got_label', want '$want_label'"; cat "$WORK/out" "$WORK/err" "$WORK/prof"; } |
			not_ok "subprocesses $label chain"
	fi
}
each_label chain_one 2.7 3.12 sid-3.14

# --- -p: a child alive at the start that exits during the run (its samples kept), a child born
# during the run, the parent before and after; the run ends when the parent does
l=$TARGETS/late_child.py
late_one() {
	local label=$1 py early parent_label early_label t0 pf rc secs late mc mp_ sp e n p1 p2
	use_python "$label" "subprocesses late and dying children" || return
	start_target "$py" "$l" parent "$WORK/go" 0.4 || { echo "not ok - subprocesses $label late child: target did not start"; return; }
	early=$(listed "$WORK/target.out" early)
	parent_label=$(label_of "$TARGET_PID")
	early_label=$(label_of "$early")
	t0=$(date +%s%N)
	"$PYFLAME" -C -p "$TARGET_PID" -s 20 -o "$WORK/prof" 2>"$WORK/err" & pf=$!
	wait_sampling $pf
	touch "$WORK/go"
	wait $pf; rc=$?
	secs=$((($(date +%s%N) - t0) / 1000000000))
	late=$(listed "$WORK/target.out" late)
	mc="$l:<module>:$(line_of "$l" module_child);$l:child"
	mp_="$l:<module>:$(line_of "$l" module_parent);$l:parent"
	sp="$l:spin_until:$(line_of "$l" spin_until);$l:burn:$(line_of "$l" burn)"
	e=$(exact_samples "$WORK/prof" "${early:-none}" "$mc:$(line_of "$l" child_early);$l:burn:$(line_of "$l" burn)")
	n=$(exact_samples "$WORK/prof" "${late:-none}" "$mc:$(line_of "$l" child_late);$l:burn:$(line_of "$l" burn)")
	p1=$(exact_samples "$WORK/prof" "$TARGET_PID" "$mp_:$(line_of "$l" parent_first);$sp")
	p2=$(exact_samples "$WORK/prof" "$TARGET_PID" "$mp_:$(line_of "$l" parent_last);$sp")
	if [ $rc -eq 0 ] && [ "$secs" -lt 15 ] && grep -q -x "early exited" "$WORK/target.out" &&
		[ "$e" -ge 1 ] && [ "$n" -ge 1 ] && [ "$p1" -ge 1 ] && [ "$p2" -ge 1 ] &&
		[ "$(process_label "$WORK/prof" "$TARGET_PID")" = "$parent_label" ] &&
		[ "$(process_label "$WORK/prof" "$early")" = "$early_label" ] &&
		[ -z "$(unrooted "$WORK/prof")" ] && only_notes "$WORK/err"; then
		ok "subprocesses $label late and dying children: early $early (exited) $e, late $late $n, parent $p1 + $p2 samples, exact stacks; ended with the parent (${secs}s of -s 20)"
	else
		{ echo "exit $rc after ${secs}s; early $early: $e, late $late: $n, parent $p1 $p2"; echo "labels: '$parent_label' '$early_label'"; cat "$WORK/target.out" "$WORK/err" "$WORK/prof"; } |
			not_ok "subprocesses $label late and dying children"
	fi
	stop_target
}
each_label late_one 2.7 3.12

# --- 200 short-lived children forked while -C -p samples the parent: some are sampled, none is
# left stopped, traced or unreaped, no word about any, and pyflame's peak memory stays near
# what it is before they come (forks reuse their parent's interpreter: nothing read again).
if pick_python "subprocesses 200 children" 3.12 debian-3.11 3.11; then
	f=$TARGETS/forker.py
	job_tail="$f:job:$(line_of "$f" job)"
	rm -f "$WORK/go"
	if start_target "$py" "$f" "$WORK/go" 200; then
		lingering=$(sed -n 's/^lingering //p' "$WORK/target.out")
		# Before the children come: pyflame's peak RSS (VmHWM, kB) on the quiet tree, ended by SIGINT.
		"$PYFLAME" -C -p "$TARGET_PID" -s 60 -o "$WORK/prof0" 2>"$WORK/err0" & pf=$!
		wait_sampling $pf
		sleep 0.5
		hwm0=$(awk '/^VmHWM:/ {print $2}' "/proc/$pf/status")
		kill -INT $pf; wait $pf; rc0=$?
		"$PYFLAME" -C -p "$TARGET_PID" -s 120 -o "$WORK/prof" 2>"$WORK/err" & pf=$!
		wait_sampling $pf
		touch "$WORK/go"
		t0=$(date +%s%N)
		wait_for 'grep -q "^reaped 200$" "$WORK/target.out"' 60; reaped=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		# While pyflame still runs: the parent and lingering children between ticks are
		# neither stopped nor traced, and no child is left but the lingering ones.
		during=ok
		for p in $TARGET_PID $lingering; do
			s=$(state_between_ticks "$p")
			[ "$s" = t ] || [ "$s" = T ] && during="$p in state $s"
		done
		left=$(pgrep -P "$TARGET_PID" | sort -n | tr '\n' ' ')
		hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pf/status")
		kill -INT $pf; wait $pf; rc=$?
		after=ok
		for p in $TARGET_PID $lingering; do
			[ "$(tracer_of "$p")" = 0 ] || after="$p traced by $(tracer_of "$p")"
			s=$(state_of "$p")
			[ "$s" = t ] || [ "$s" = T ] && after="$p in state $s"
		done
		short=$(process_pids "$WORK/prof" "$job_tail" | grep -v -x -F -e "$TARGET_PID" $(printf -- '-e %s ' $lingering) | grep -c .)
		parent_label=$(label_of "$TARGET_PID")
		labels=$(grep -o '^process [0-9]* ([^;]*);' "$WORK/prof" | sed 's/^process [0-9]* (\(.*\));$/\1/' | sort -u)
		if [ $rc0 -eq 0 ] && [ $rc -eq 0 ] && [ $reaped -eq 0 ] && [ "$during" = ok ] && [ "$after" = ok ] &&
			[ "$left" = "$(echo $lingering | tr ' ' '\n' | sort -n | tr '\n' ' ')" ] && [ "$short" -ge 1 ] &&
			[ "$labels" = "$parent_label" ] && [ -z "$(unrooted "$WORK/prof")" ] &&
			[ -n "$hwm0" ] && [ -n "$hwm" ] && [ "$hwm" -le $((hwm0 + 16384)) ] && only_notes "$WORK/err"; then
			ok "subprocesses 200 children: all reaped in ${ms} ms, $short sampled, none left stopped or traced; pyflame's peak RSS ${hwm} kB (${hwm0} kB before)"
		else
			{
				echo "exits $rc0 $rc; reaped $reaped after ${ms} ms; during: $during; after: $after; children left: $left (lingering $lingering)"
				echo "short-lived children sampled: $short; peak RSS $hwm kB, before $hwm0 kB; labels:"; echo "$labels"
				cat "$WORK/target.out" "$WORK/err"; head -n 30 "$WORK/prof"
			} | not_ok "subprocesses 200 children"
		fi
	fi
	kill -9 $lingering 2>/dev/null
	stop_target
fi

# --- -d -C: the parent's and each child's threads, each process headed by its line
for label in 2.7 3.12; do
	use_python "$label" "subprocesses dump" || continue
	start_target "$py" "$mp" fork 30 || { echo "not ok - subprocesses $label dump: target did not start"; continue; }
	workers=$(listed "$WORK/target.out" worker)
	PIDS+=($workers)
	"$PYFLAME" -d -C -p "$TARGET_PID" >"$WORK/dump" 2>"$WORK/err"; rc=$?
	# Each process's block: "Process PID (LABEL):", its main thread "PID: MainThread ..." ("PID*:"
	# when it holds the GIL), then its frames innermost first.
	bad=""
	for p in $TARGET_PID $workers; do
		block=$(awk -v p="Process $p (" 'index($0, p) == 1 {on = 1} /^Process / && index($0, p) != 1 {on = 0} on' "$WORK/dump")
		[ "$(echo "$block" | sed -n 1p)" = "Process $p ($(label_of "$p")):" ] || bad="$bad; $p: header"
		echo "$block" | sed -n 2p | grep -q -E "^$p\*?: MainThread( |\$)" || bad="$bad; $p: no MainThread first"
		if [ "$p" = "$TARGET_PID" ]; then
			echo "$block" | grep -q -x "  $mp:with_processes:$(line_of "$mp" join)" || bad="$bad; parent not in join"
		else
			[ "$(echo "$block" | sed -n 3,4p)" = "$(printf '  %s\n  %s' "$mp:burn:$(line_of "$mp" burn)" "$mp:work:$(line_of "$mp" work)")" ] ||
				bad="$bad; worker $p not in burn <- work"
		fi
	done
	headers=$(grep -c '^Process ' "$WORK/dump")
	if [ $rc -eq 0 ] && [ "$(echo $workers | wc -w)" -eq 2 ] && [ "$headers" -eq 3 ] && [ -z "$bad" ] && only_notes "$WORK/err"; then
		ok "subprocesses $label dump: -d -C shows the parent $TARGET_PID and its workers $(echo $workers), each headed by its process line, each with its MainThread, workers in burn <- work"
	else
		{ echo "exit $rc; headers $headers; workers $(echo $workers)$bad"; cat "$WORK/dump" "$WORK/err"; } | not_ok "subprocesses $label dump"
	fi
	stop_target
	kill -9 $workers 2>/dev/null
done

# --- SIGINT to pyflame during a -C -t run: the profile holds what every process gave so far,
# the command gets the signal and its exit status is passed on
if pick_python "subprocesses SIGINT" 3.12 3.13 3.11; then
	rm -f "$WORK/ready-int"
	"$PYFLAME" -C -o "$WORK/prof" -t "$py" "$mp" "$WORK/ready-int" fork 3 >"$WORK/out" 2>"$WORK/err" & pf=$!
	PIDS+=($pf)
	if wait_for '[ -e "$WORK/ready-int" ]' 30; then
		sleep 0.5
		kill -INT $pf
	fi
	wait $pf; rc=$?
	workers=$(listed "$WORK/out" worker)
	got=$(process_pids "$WORK/prof" "$work_tail")
	# Python 3 ends on an uncaught KeyboardInterrupt by SIGINT: 130.
	if [ $rc -eq 130 ] && [ -n "$workers" ] && [ "$got" = "$workers" ] && [ -z "$(unrooted "$WORK/prof")" ] &&
		grep -q KeyboardInterrupt "$WORK/err" &&
		only_notes <(grep '^pyflame: ' "$WORK/err") "the profile is written; waiting for "; then
		ok "subprocesses SIGINT: the profile written with both workers' stacks ($(echo $got)), the command's status 130 passed on"
	else
		{ echo "exit $rc; workers $(echo $workers); in work -> burn: $(echo $got)"; cat "$WORK/out" "$WORK/err" "$WORK/prof"; } | not_ok "subprocesses SIGINT"
	fi
fi

# --- a child someone else traces (strace): said once on stderr, the parent and the other child
# sampled as usual
if ! command -v strace >/dev/null; then
	skip "subprocesses traced child: strace not installed"
elif pick_python "subprocesses traced child" 3.12 3.11 debian-3.11; then
	start_target "$py" "$mp" fork 30 && {
		workers=$(listed "$WORK/target.out" worker)
		PIDS+=($workers)
		set -- $workers
		w1=$1 w2=${2:-none}
		strace -p "$w1" -o /dev/null 2>/dev/null & st=$!
		PIDS+=($st)
		wait_for '[ "$(tracer_of "$w1")" = "$st" ]' 10
		"$PYFLAME" -C -p "$TARGET_PID" -s 1 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
		said=$(grep -c 'is not sampled' "$WORK/err")
		got=$(process_pids "$WORK/prof" "$work_tail")
		if [ $rc -eq 0 ] && [ "$said" -eq 1 ] &&
			grep -q -E "^pyflame: process $w1 \(.*\) is not sampled: .*traced by process $st" "$WORK/err" &&
			only_notes "$WORK/err" "process $w1 \(" && [ "$got" = "$w2" ] && [ -z "$(unrooted "$WORK/prof")" ]; then
			ok "subprocesses traced child: $w1 under strace said once ($(grep 'is not sampled' "$WORK/err" | sed 's/.*is not sampled: //')), $w2 sampled in work -> burn"
		else
			{ echo "exit $rc; said $said times; strace $st; tracer of $w1: $(tracer_of "$w1"); in work -> burn: $(echo $got), want $w2"; cat "$WORK/err" "$WORK/prof"; } |
				not_ok "subprocesses traced child"
		fi
		kill "$st" 2>/dev/null; wait "$st" 2>/dev/null
		stop_target
		kill -9 $workers 2>/dev/null
	}
fi

# --- a command line with ';' and a newline in it is still one frame in the collapsed text (';'
# separates frames, a newline ends a stack)
# (Debian's interpreter: its short path leaves both within the label's 60 characters.)
if pick_python "subprocesses label" debian-3.11 sid-3.14; then
	"$PYFLAME" -C -o "$WORK/prof" -t "$py" -c 'import time
import os; end = time.time() + 0.3
while time.time() < end: pass' >"$WORK/out" 2>"$WORK/err"; rc=$?
	bad=$(unrooted "$WORK/prof")
	n=$(grep -c -E '^process [0-9]+ \([^;]*\);<string>:<module>:3 [0-9]+$' "$WORK/prof")
	if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$n" -eq 1 ] && only_notes "$WORK/err"; then
		ok "subprocesses label: a command line holding ';' and a newline is one frame: $(grep '<string>:<module>:3 ' "$WORK/prof")"
	else
		{ echo "exit $rc; lines in the spin stack: $n; lines that are not a stack rooted at its process:"; echo "$bad"; cat "$WORK/err"; } |
			not_ok "subprocesses label: a command line with ';' and a newline"
	fi
fi

# --- bad input: --record writes one process's memory
"$PYFLAME" -C --record "$WORK/x" -p $$ >"$WORK/out" 2>"$WORK/err"; rc=$?
if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q -e '--subprocesses' "$WORK/err" && [ ! -e "$WORK/x" ]; then
	ok "subprocesses: -C --record refused in one line, exit 1: $(cat "$WORK/err")"
else
	{ echo "exit $rc"; cat "$WORK/out" "$WORK/err"; } | not_ok "subprocesses: -C --record refused"
fi
