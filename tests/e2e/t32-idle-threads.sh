# t32-idle-threads.sh: a process with 16 threads blocked and one busy. The busy stack is
# sampled exactly; and a pausing profile stops only the thread holding the GIL (found by its
# native thread id from 3.11 on, before that by its pthread_t through the threads' fs_base):
# the blocked threads are not woken at every tick. Counted with the kernel's context-switch counters of the blocked threads.
. "$(dirname "$0")/lib.sh"

t=$TARGETS/idle_threads.py
want="$t:<module>:$(line_of "$t" module);$t:work:$(line_of "$t" work)"

# switches PID: context switches, summed over every thread but the main one.
switches() {
	local pid=$1 sum=0 f
	for f in /proc/"$pid"/task/*/status; do
		[ "$f" = "/proc/$pid/task/$pid/status" ] && continue
		sum=$((sum + $(awk '/ctxt_switches:/ {n += $2} END {print n + 0}' "$f" 2>/dev/null || echo 0)))
	done
	echo "$sum"
}

for label in $ALL_PYTHONS; do
	py=$(python_path "$label")
	if [ -z "$py" ] || [ ! -x "$py" ]; then
		skip "idle threads $label: interpreter not installed on this machine"
		continue
	fi
	start_target "$py" "$t" 16 || { echo "not ok - idle threads $label: target did not start"; continue; }
	before=$(switches "$TARGET_PID")
	"$PYFLAME" -p "$TARGET_PID" -s 1 -r 0.002 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	after=$(switches "$TARGET_PID")
	woken=$((after - before))
	total=$(total_count "$WORK/prof")
	busy=$(count_of "$WORK/prof" "$want")
	# 2.7 lets the GIL go every 100 bytecodes even with nobody waiting: a tick can find it
	# free, which is idle, rightly.
	idle=$(count_of "$WORK/prof" "(idle)")
	# 500 ticks: a pause of every thread wakes each of the 16 about 500 times (8000, counted
	# twice: stop and go on); the GIL holder's pause none of them, but for the one full pause
	# that learns which thread runs which pthread_t before 3.11 (32). A few are the
	# interpreter's own. How many ticks are taken is the machine's business (no timing here):
	# only that the run sampled, and what.
	limit=200
	if [ $rc -eq 0 ] && [ "$total" -ge 100 ] && [ $((busy * 10)) -ge $((total * 9)) ] &&
		[ $((busy + idle)) -eq "$total" ] && [ ! -s "$WORK/err" ] && [ "$woken" -le "$limit" ] && [ "$(tracer_of "$TARGET_PID")" = 0 ]; then
		ok "idle threads $label: $busy of $total samples in the busy stack, the rest idle; only the GIL holder paused: blocked threads woken $woken times"
	else
		{ echo "exit $rc busy $busy total $total woken $woken (limit $limit)"; cat "$WORK/err" "$WORK/prof"; } | not_ok "idle threads $label"
	fi
	stop_target
done
