# t33-many-threads.sh: a process with 500 threads blocked beside one busy thread, profiled at
# 1 kHz in the default mode. The price of a tick must not grow with the thread count: only
# the GIL holder is stopped and read, so the blocked threads are never woken (counted with
# their context switches), and the share of the run the target stood stopped, by pyflame's
# own measure (said on stderr from 1%), stays that of the same process without the 500
# threads. Two shapes: the main thread busy, and a relay of short-lived busy threads (each new
# one's OS thread is found without stopping the others).
. "$(dirname "$0")/lib.sh"

t=$TARGETS/idle_threads.py
main_stack="$t:<module>:$(line_of "$t" module);$t:work:$(line_of "$t" work)"
relay_frame="$t:work_for:$(line_of "$t" relay)"
IDLE=500

# switches PID: "TID COUNT" per thread but the main one: its context switches so far (one awk
# over every status file: 500 threads).
switches() {
	awk -v main="$1" 'FNR == 1 {tid = FILENAME; sub(/\/status$/, "", tid); sub(/.*\//, "", tid)}
		/ctxt_switches:/ && tid != main {n[tid] += $2} END {for (t in n) print t, n[t]}' \
		/proc/"$1"/task/*/status 2>/dev/null
}
# woken BEFORE AFTER: the switches of the threads that lived through both counts.
woken() { awk 'NR == FNR {b[$1] = $2; next} ($1 in b) {n += $2 - b[$1]} END {print n + 0}' "$1" "$2"; }

# profile THREADS MODE: profiles a fresh target for 0.5 s at 1 kHz; sets rc, busy, total, woken,
# share (percent stopped, 0 when pyflame said nothing).
profile() {
	start_target "$py" "$t" "$1" $([ "$2" = relay ] && echo relay) || return 1
	switches "$TARGET_PID" >"$WORK/before"
	"$PYFLAME" -p "$TARGET_PID" -s 0.5 -r 0.001 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	switches "$TARGET_PID" >"$WORK/after"
	tracer=$(tracer_of "$TARGET_PID")
	stop_target
	n=$(woken "$WORK/before" "$WORK/after")
	total=$(total_count "$WORK/prof")
	if [ "$2" = relay ]; then
		busy=$(awk -v w="$relay_frame" '{c = $NF; sub(/ [0-9]+$/, "")}
			substr($0, length($0) - length(w) + 1) == w {n += c} END {print n + 0}' "$WORK/prof")
	else
		busy=$(count_of "$WORK/prof" "$main_stack")
	fi
	share=$(stopped_share "$WORK/err")
	return 0
}

declare -A res
for label in $ALL_PYTHONS; do
	res=()
	use_python "$label" "many threads" || continue
	# The same process without the blocked threads: what a tick costs it on this machine now
	# (measured before and after, the larger kept: a shared machine's load comes and goes).
	profile 0 main || { echo "not ok - many threads $label: target did not start"; continue; }
	alone=$share
	for mode in main relay after; do
		if [ $mode = after ]; then
			profile 0 main && alone=$(awk -v a="$alone" -v b="$share" 'BEGIN {print (b > a ? b : a)}')
			break
		fi
		profile $IDLE $mode || { echo "not ok - many threads $label $mode: target did not start"; continue; }
		# A pause of every thread would wake each of the 500 at each of up to 1000 ticks
		# (a million switches); stopping the holder alone wakes none, but for the few
		# threads stopped one at a time to learn where a thread's TID is kept (before
		# 3.11) and the interpreter's own. Stopped share: a guard against the gross
		# regression (reading every thread state while the holder stood stopped made it
		# 97%), not a measure of speed (that is `make bench`'s): at most 5% of the run, or
		# on a loaded machine, where a lone thread's pauses already cost more and the
		# load comes and goes between the runs compared, three times that plus ten
		# points (a fresh clone's suite beside busy loops saw 60% against 18% alone).
		res[$mode]="$rc $total $busy $n $tracer $share"
		cp "$WORK/err" "$WORK/err.$mode"; cp "$WORK/prof" "$WORK/prof.$mode"
	done
	for mode in main relay; do
		read -r rc total busy n tracer share <<<"${res[$mode]:-1 0 0 0 ? 100}"
		if [ "$rc" -eq 0 ] && [ "$total" -ge 100 ] && [ $((busy * 10)) -ge $((total * 9)) ] &&
			no_errors "$WORK/err.$mode" && [ "$n" -le 100 ] && [ "$tracer" = 0 ] &&
			awk -v s="$share" -v a="$alone" 'BEGIN {exit !(s < 5 || s <= a * 3 + 10)}'; then
			ok "many threads $label $mode: $busy of $total samples busy; $IDLE blocked threads woken $n times; stopped $share% of the run (${alone}% without them)"
		else
			{ echo "exit $rc busy $busy total $total woken $n tracer $tracer stopped $share% (alone $alone%)"
			  cat "$WORK/err.$mode" "$WORK/prof.$mode"; } | not_ok "many threads $label $mode"
		fi
	done
done
