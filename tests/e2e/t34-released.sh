# t34-released.sh: C code that runs with the GIL let go is work, not idleness. The target's
# main thread compresses with zlib (which lets the GIL go for the whole call) beside a thread
# that sleeps. Without --threads, a tick that finds the GIL free samples the threads running
# on a CPU: the main thread's stack under the line that called zlib, ending in the marker
# "(native, GIL released)"; not "(idle)". A sleeping target is still all idle (t32, t30).
. "$(dirname "$0")/lib.sh"

t=$TARGETS/released.py
want="$t:<module>:$(line_of "$t" module);$t:crunch:$(line_of "$t" compress);(native, GIL released)"
for label in $ALL_PYTHONS; do
	use_python "$label" "released" || continue
	start_target "$py" "$t" || { echo "not ok - released $label: target did not start"; continue; }
	"$PYFLAME" -p "$TARGET_PID" -s 1 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	total=$(total_count "$WORK/prof")
	got=$(count_of "$WORK/prof" "$want")
	idle=$(count_of "$WORK/prof" "(idle)")
	# The main thread holds the GIL only between two calls of zlib: nearly every tick finds
	# it running C. Half is the bar a loaded machine still clears.
	if [ $rc -eq 0 ] && [ "$total" -ge 50 ] && [ $((got * 2)) -ge "$total" ] &&
		[ $((idle * 4)) -le "$total" ]; then
		ok "released $label: $got of $total samples in zlib with the GIL released, $idle idle"
	else
		{ echo "exit $rc: $got of $total released, $idle idle"; cat "$WORK/prof" "$WORK/err"; } |
			not_ok "released $label"
	fi
	stop_target
done
