# t32-idle-threads.sh: a process with 16 threads blocked and one busy. The busy stack is
# sampled exactly; and a pausing profile stops only the thread holding the GIL (found by its
# native thread id from 3.11 on, before that by its pthread_t through the threads' fs_base):
# the blocked threads are not woken at every tick. Counted with the kernel's context-switch
# counters of the blocked threads. Three shapes: the main thread busy; a relay of busy
# threads, each a new OS thread often on the last one's pthread_t; and every thread waiting.
# And --threads on 3.7+ with every thread waiting: only the GIL's last holder is stopped (the
# GIL's count of switches vouches for the others), where every thread was stopped at each tick.
. "$(dirname "$0")/lib.sh"

t=$TARGETS/idle_threads.py
want="$t:<module>:$(line_of "$t" module);$t:work:$(line_of "$t" work)"

# switches PID: "TID COUNT" per thread but the main one: its context switches so far.
switches() {
	local pid=$1 f tid
	for f in /proc/"$pid"/task/*/status; do
		tid=${f%/status}; tid=${tid##*/}
		[ "$tid" = "$pid" ] && continue
		awk -v t="$tid" '/ctxt_switches:/ {n += $2} END {if (NR) print t, n + 0}' "$f" 2>/dev/null
	done
}

# woken BEFORE AFTER: the switches of the threads that lived through both counts (the blocked
# ones; a relay thread lives 0.3 s, less than a profile).
woken() { awk 'NR == FNR {b[$1] = $2; next} ($1 in b) {n += $2 - b[$1]} END {print n + 0}' "$1" "$2"; }

for label in $ALL_PYTHONS; do
	use_python "$label" "idle threads" || continue
	for mode in main relay idle; do
		start_target "$py" "$t" 16 $([ $mode != main ] && echo $mode) ||
			{ echo "not ok - idle threads $label $mode: target did not start"; continue; }
		switches "$TARGET_PID" >"$WORK/before"
		"$PYFLAME" -p "$TARGET_PID" -s 0.5 -r 0.001 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
		switches "$TARGET_PID" >"$WORK/after"
		n=$(woken "$WORK/before" "$WORK/after")
		total=$(total_count "$WORK/prof")
		# 2.7 lets the GIL go every 100 bytecodes even with nobody waiting: a tick can
		# find it free, which is idle, rightly. A relay thread just started or ending
		# is in threading's own frames.
		idle=$(count_of "$WORK/prof" "(idle)")
		# A tick that finds the GIL free samples the threads running on a CPU then:
		# 2.7's busy thread lets the GIL go every 100 bytecodes and is caught between
		# (its own stack, marked), and 2.7's timed waits wake to poll.
		released=$(awk '/;\(native, GIL released\) [0-9]+$/ {n += $NF} END {print n + 0}' "$WORK/prof")
		if [ $mode = main ]; then
			busy=$(( $(count_of "$WORK/prof" "$want") + $(count_of "$WORK/prof" "$want;(native, GIL released)") ))
		elif [ $mode = idle ]; then
			# Every thread waits: nothing holds the GIL, every tick is idle (but for
			# a waiting thread caught awake), and nothing is stopped. (--threads: the
			# last part.)
			busy=$((idle + released)) idle=0
		else
			busy=$(awk -v w="$t:work_for:$(line_of "$t" relay)" '{c = $NF; sub(/ [0-9]+$/, "")}
				substr($0, length($0) - length(w) + 1) == w {n += c} END {print n + 0}' "$WORK/prof")
			idle=$((total - busy))
		fi
		# 500 ticks: a pause of every thread wakes each of the 16 about 500 times (16000,
		# counted twice: stop and go on); the GIL holder's pause none of them, but for the
		# full pause that learns which thread runs which pthread_t before 3.11 (32), again
		# after each relay (up to 4 more). A few are the interpreter's own. How many ticks
		# are taken is the machine's business (no timing here): only that the run sampled,
		# and what.
		limit=$([ $mode = relay ] && echo 400 || echo 200)
		if [ $rc -eq 0 ] && [ "$total" -ge 100 ] && [ $((busy * 10)) -ge $((total * 9)) ] &&
			[ $((busy + idle)) -eq "$total" ] && no_errors "$WORK/err" && [ "$n" -le "$limit" ] &&
			[ "$(tracer_of "$TARGET_PID")" = 0 ]; then
			if [ $mode = idle ]; then
				ok "idle threads $label idle: all $total samples idle; the GIL free, nothing paused: blocked threads woken $n times"
			else
				ok "idle threads $label $mode: $busy of $total samples in the busy stack, the rest idle; only the GIL holder paused: blocked threads woken $n times"
			fi
		else
			{ echo "exit $rc busy $busy total $total woken $n (limit $limit)"; cat "$WORK/err" "$WORK/prof"; } | not_ok "idle threads $label $mode"
		fi
		stop_target
	done
done

# --threads, every thread waiting, 100 ticks: each stack every tick, all waiting in
# Event.wait. Stopping every thread wakes each of the 16 about 200 times (3200): so on 2.7,
# whose GIL counts no switches. From 3.6 (its count in statics that pyenv's build names in
# .symtab; in _PyRuntime from 3.7) the count vouches for all but
# the last holder (the main thread, not counted, or one of the 16: stopped at each tick, 200),
# and not even it is stopped: seen off the CPU before the stacks are read and after, it is
# only watched, and nothing is stopped (not even at the first tick, which finds it in the list
# read without a stop), but for the few ticks that caught a thread still on its way into its
# wait, running or waiting for a CPU (the main thread, just after it made the ready file: on
# a loaded machine, for some milliseconds). Up to 3.10 the thread's TID must be known first
# (from a stop, or a probe of a few threads), and its control block must still say it: a
# few stops at the start.
for label in $ALL_PYTHONS; do
	use_python "$label" "--threads, idle" || continue
	watched=$("$py" -c 'import sys; print(int(sys.version_info >= (3, 6)))')
	limit=$([ "$watched" = 1 ] && echo 20 || echo 100000)
	start_target "$py" "$t" 16 idle ||
		{ echo "not ok - --threads idle $label: target did not start"; continue; }
	switches "$TARGET_PID" >"$WORK/before"
	"$PYFLAME" --threads --summary -p "$TARGET_PID" -s 0.5 -r 0.005 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	switches "$TARGET_PID" >"$WORK/after"
	n=$(woken "$WORK/before" "$WORK/after")
	# The summary line says how many pauses the run made; the rest of stderr is checked
	# without it.
	paused=$(sed -n 's/^pyflame: [0-9]* samples .* in \([0-9]*\) pauses\?$/\1/p' "$WORK/err")
	sed -i '/^pyflame: [0-9]* samples (/d' "$WORK/err"
	total=$(total_count "$WORK/prof")
	# Event.wait (plain wait before 3.11, which names functions without their class).
	waits=$(awk '/threading\.py:(Event\.)?wait:[0-9]+/ {n += $NF} END {print n + 0}' "$WORK/prof")
	ticks=$((total / 17))
	if [ $rc -eq 0 ] && [ "$ticks" -ge 20 ] && [ "$waits" -eq "$total" ] && no_errors "$WORK/err" &&
		[ "$n" -le "$limit" ] && [ "$(tracer_of "$TARGET_PID")" = 0 ] &&
		{ [ "$watched" = 0 ] || [ "${paused:-99}" -le 10 ]; }; then
		ok "--threads idle $label: $total stacks ($ticks ticks of 17 threads), each in Event.wait; $([ "$watched" = 1 ] && echo "the GIL's last holder watched, paused at $paused ticks" || echo "every thread paused (2.7's GIL counts no switches)"): blocked threads woken $n times"
	else
		{ echo "exit $rc total $total waits $waits woken $n (limit $limit) pauses $paused"; cat "$WORK/err"; head -5 "$WORK/prof"; } |
			not_ok "--threads idle $label"
	fi
	stop_target
done
