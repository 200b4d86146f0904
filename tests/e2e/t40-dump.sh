# t40-dump.sh: -d (and the dump command) prints every thread once, with its real OS thread id, the
# GIL holder starred, and its frames innermost first; under every interpreter.
. "$(dirname "$0")/lib.sh"

for label in $ALL_PYTHONS; do
	use_python "$label" "dump" || continue
	t=$TARGETS/threads.py
	start_target "$py" "$t" && wait_main_sleeping || { echo "not ok - dump $label: target did not start"; continue; }
	"$PYFLAME" -d -p "$TARGET_PID" >"$WORK/dump" 2>"$WORK/err"; rc=$?
	# The main thread's TID is the PID; its frames, innermost first.
	main=$(awk -v pid="$TARGET_PID" '$1 ~ "^" pid "[*]?:$" {p = 1; next} /^$/ {p = 0} p' "$WORK/dump")
	want_main=$(printf '  %s\n  %s' "$t:wait_main:$(line_of "$t" wait_main)" "$t:<module>:$(line_of "$t" module)")
	tids_ok=1
	for tid in $(grep -o '^[0-9]*' "$WORK/dump"); do [ -d "/proc/$TARGET_PID/task/$tid" ] || tids_ok=0; done
	headers=$(grep -c '^[0-9]*\*\?: ' "$WORK/dump")
	stars=$(grep -c '^[0-9]*\*: ' "$WORK/dump")
	if [ $rc -eq 0 ] && [ "$main" = "$want_main" ] && [ "$headers" -eq 3 ] && [ "$stars" -le 1 ] && [ $tids_ok = 1 ] \
		&& grep -q -x "  $t:spin_a:$(line_of "$t" spin_a)" "$WORK/dump" && grep -q -x "  $t:spin_b:$(line_of "$t" spin_b)" "$WORK/dump"; then
		ok "dump $label: three threads with real TIDs, exact frames innermost first"
	else
		{ echo "exit $rc headers $headers stars $stars tids_ok $tids_ok"; cat "$WORK/dump" "$WORK/err"; } | not_ok "dump $label"
	fi
	# The dump command prints the same snapshot: the main thread's frames as -d gave them.
	"$PYFLAME" dump -p "$TARGET_PID" >"$WORK/dump2" 2>"$WORK/err"; rc=$?
	main2=$(awk -v pid="$TARGET_PID" '$1 ~ "^" pid "[*]?:$" {p = 1; next} /^$/ {p = 0} p' "$WORK/dump2")
	if [ $rc -eq 0 ] && [ "$main2" = "$want_main" ] && [ "$(grep -c '^[0-9]*\*\?: ' "$WORK/dump2")" -eq 3 ]; then
		ok "dump $label: 'pyflame dump -p PID' is the same snapshot"
	else
		{ echo "exit $rc"; cat "$WORK/dump2" "$WORK/err"; } | not_ok "dump $label: pyflame dump"
	fi
	stop_target
done
