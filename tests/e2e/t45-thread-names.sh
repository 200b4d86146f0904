# t45-thread-names.sh: -d names each thread as Python's threading module does ("MainThread",
# Thread(name=...)), read from the target's memory, since no CPython up to 3.13 tells the OS;
# under every interpreter. Each name must head the block of the thread that carries it: the
# header's name and the block's innermost frame are compared together, exactly.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C # sort order and awk byte handling must not depend on the caller's locale

t=$TARGETS/named_threads.py
for label in $ALL_PYTHONS; do
	use_python "$label" "thread names" || continue
	# 2.7's Thread.__init__ does str(name), so its worker has an ASCII name; 3.x's is a
	# non-ASCII str (a 2-byte PEP 393 kind), which must come out as UTF-8.
	case $label in
	2.*) worker=worker-a ;;
	*) worker=worker-α ;;
	esac
	start_target "$py" "$t" && wait_main_sleeping || { echo "not ok - thread names $label: target did not start"; continue; }
	"$PYFLAME" -d -p "$TARGET_PID" >"$WORK/dump" 2>"$WORK/err"; rc=$?
	# Per header "TID: NAME (ident 0x...)" or "TID*: ...": the name, then the first frame
	# line under it (innermost; each loop is one line, so it is the same awake or asleep).
	awk '
		/^[0-9]+\*?: / {
			name = $0
			sub(/^[0-9]+\*?: /, "", name)
			if (!sub(/ \(ident 0x[0-9a-f]+\)$/, "", name)) name = "BAD HEADER: " $0
			want_frame = 1
			next
		}
		want_frame { print name " " substr($0, 3); want_frame = 0 }
	' "$WORK/dump" | sort >"$WORK/actual"
	{
		echo "MainThread $t:wait_main:$(line_of "$t" wait_main)"
		echo "sleeper $t:sleeper_loop:$(line_of "$t" sleeper_loop)"
		echo "$worker $t:worker_loop:$(line_of "$t" worker_loop)"
	} | sort >"$WORK/expect"
	if [ $rc -eq 0 ] && cmp -s "$WORK/expect" "$WORK/actual"; then
		ok "thread names $label: MainThread, sleeper, $worker on their own threads"
	else
		{
			echo "exit $rc; expected (name, innermost frame):"
			cat "$WORK/expect"
			echo "got:"
			cat "$WORK/actual"
			echo "dump:"
			cat "$WORK/dump" "$WORK/err"
		} | not_ok "thread names $label"
	fi
	stop_target
done
