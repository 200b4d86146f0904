# t72-kill-storm.sh: pyflame killed with SIGKILL at random moments, hundreds of times, while it
# samples every thread at a high rate, never leaves the target stopped or traced: the kernel
# lets go of a dead tracer's tracees, and pyflame keeps no state in the target.
. "$(dirname "$0")/lib.sh"

# 150 rounds on 3.12 (a frame chain in a data stack) and 50 on 2.7 (frame objects).
for spec in 3.12:150 2.7:50; do
	label=${spec%:*} ROUNDS=${PYFLAME_KILL_ROUNDS:-${spec#*:}}
	py=$(python_path "$label")
	if [ -z "$py" ]; then
		skip "kill storm $label: interpreter not installed on this machine"
		continue
	fi
	start_target "$py" "$TARGETS/threads.py" && wait_main_sleeping || { stop_target; continue; }
	bad=0 killed=0
	: >"$WORK/storm.log"
	for i in $(seq 1 "$ROUNDS"); do
		"$PYFLAME" -p "$TARGET_PID" -s 30 -r 0.0002 --threads -o "$WORK/prof" 2>/dev/null &
		pf=$!
		# 0 to 30 ms: before attaching, while discovering, and while sampling.
		sleep "0.0$(printf '%02d' $((RANDOM % 30)))"
		kill -9 "$pf" 2>/dev/null && killed=$((killed + 1))
		wait "$pf" 2>/dev/null
		# The kernel detaches a dead tracer's tracees as it exits; look a moment after.
		n=$(awk -v r="$i" '/^State:/ && ($2 == "t" || $2 == "T") {print "round " r ": " FILENAME " " $0; n++}
			/^TracerPid:/ && $2 != 0 {print "round " r ": " FILENAME " " $0; n++}
			END {print n + 0 > "/dev/stderr"}' /proc/"$TARGET_PID"/task/*/status 2>&1 >>"$WORK/storm.log")
		bad=$((bad + n))
	done
	# The threads still run: the spinning ones use CPU, the main thread still answers.
	sleep 0.2
	"$PYFLAME" -p "$TARGET_PID" -s 0.2 --threads -o "$WORK/after" 2>"$WORK/err"; rc=$?
	spins=$(grep -c ":spin_[ab]:" "$WORK/after")
	if [ $bad -eq 0 ] && [ $killed -ge $((ROUNDS * 9 / 10)) ] && [ $rc -eq 0 ] && [ "$spins" -eq 2 ]; then
		ok "kill storm $label: $killed SIGKILLs at random points, target never left stopped or traced, threads still spinning"
	else
		{ echo "bad $bad killed $killed rc $rc spins $spins"; head -n 20 "$WORK/storm.log"; cat "$WORK/after" "$WORK/err"; } | not_ok "kill storm $label"
	fi
	stop_target
done
