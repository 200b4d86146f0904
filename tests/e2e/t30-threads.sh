# t30-threads.sh: --threads samples every thread; without it only the GIL holder is sampled.
# Also idle targets and a 400-deep recursion. Under every interpreter.
. "$(dirname "$0")/lib.sh"

for label in $ALL_PYTHONS; do
	use_python "$label" "threads" || continue
	t=$TARGETS/threads.py
	a="$t:spin_a:$(line_of "$t" spin_a)"
	b="$t:spin_b:$(line_of "$t" spin_b)"
	m="$t:<module>:$(line_of "$t" module);$t:wait_main:$(line_of "$t" wait_main)"
	start_target "$py" "$t" && wait_main_sleeping || { echo "not ok - threads $label: target did not start"; continue; }

	# --threads, one sample: exactly the three stacks, once each.
	"$PYFLAME" --threads -p "$TARGET_PID" -s 0 >"$WORK/all" 2>"$WORK/err"; rc=$?
	printf '%s 1\n' "$a" "$b" "$m" | sort >"$WORK/want"
	if [ $rc -eq 0 ] && diff -u "$WORK/want" "$WORK/all" >"$WORK/diff"; then
		ok "threads $label --threads -s 0: all three threads, exact stacks"
	else
		{ echo "exit $rc"; cat "$WORK/diff" "$WORK/err"; } | not_ok "threads $label --threads -s 0"
	fi

	# --thread-names: the same stacks, each under its thread's name as the root frame: the
	# main thread as threading knows it, the workers (started with _thread, unknown to
	# threading) by their OS name, which no interpreter here sets: the process's own name.
	"$PYFLAME" --threads --thread-names -p "$TARGET_PID" -s 0 >"$WORK/named" 2>"$WORK/err"; rc=$?
	comm=$(cat "/proc/$TARGET_PID/comm")
	printf '%s;%s 1\n' "$comm" "$a" "$comm" "$b" "MainThread" "$m" | sort >"$WORK/want"
	if [ $rc -eq 0 ] && diff -u "$WORK/want" "$WORK/named" >"$WORK/diff"; then
		ok "threads $label --thread-names: each stack under its thread's name"
	else
		{ echo "exit $rc"; cat "$WORK/diff" "$WORK/err"; } | not_ok "threads $label --thread-names"
	fi

	# --threads over time: each thread's stack counted once per sample.
	"$PYFLAME" --threads -p "$TARGET_PID" -s 0.3 -r 0.01 >"$WORK/all" 2>"$WORK/err"; rc=$?
	ca=$(awk -v s="$a" '$1 == s {print $2}' "$WORK/all")
	cb=$(awk -v s="$b" '$1 == s {print $2}' "$WORK/all")
	cm=$(grep -F "$m " "$WORK/all" | awk '{print $NF}')
	if [ $rc -eq 0 ] && [ "$(wc -l <"$WORK/all")" -eq 3 ] && [ -n "$ca" ] && [ "$ca" = "$cb" ] && [ "$ca" = "$cm" ]; then
		ok "threads $label --threads -s 0.3: three stacks, $ca samples each"
	else
		{ echo "exit $rc"; cat "$WORK/all" "$WORK/err"; } | not_ok "threads $label --threads -s 0.3"
	fi

	# GIL holder only: every line is one of the spinning threads, or idle (the GIL in flight).
	# A tick in the GIL's handover may find a spinning thread running, or runnable, with the
	# GIL free: marked so (never the sleeper). 2.7 hands it over every 100 instructions; on a
	# loaded machine a thread waiting for a CPU stays runnable for a while.
	"$PYFLAME" -p "$TARGET_PID" -s 0.3 -r 0.01 >"$WORK/gil" 2>"$WORK/err"; rc=$?
	rel=";(native, GIL released)"
	# The sleeper wakes every 0.5 s and holds the GIL to loop once: on a loaded machine, while
	# it waits for a CPU, a tick can find it holding the GIL at its sleep line; a sample or
	# two of it is the truth, more would be a wrong holder.
	sleeper=$(grep -F "$m " "$WORK/gil" | awk '{print $NF}')
	bad=$(grep -v -x -F -e "$a $(awk -v s="$a" '$1 == s {print $2}' "$WORK/gil")" \
		-e "$b $(awk -v s="$b" '$1 == s {print $2}' "$WORK/gil")" "$WORK/gil" | grep -v '^(idle) [0-9]*$' |
		grep -v -F -e "$a$rel " -e "$b$rel " | { [ "${sleeper:-0}" -le 2 ] && grep -v -F "$m " || cat; })
	spins=$(grep -c -F -e "$a " -e "$b " "$WORK/gil")
	if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$spins" -ge 1 ]; then
		ok "threads $label: without --threads only the GIL holder's stack"
	else
		{ echo "exit $rc"; cat "$WORK/gil" "$WORK/err"; } | not_ok "threads $label: GIL holder only"
	fi
	stop_target

	# A sleeping target: idle without --threads, its stack with --threads.
	t=$TARGETS/idle.py
	start_target "$py" "$t" && wait_main_sleeping || { echo "not ok - idle $label: target did not start"; continue; }
	"$PYFLAME" -p "$TARGET_PID" -s 0.2 -r 0.01 >"$WORK/idle" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && grep -q -x '(idle) [0-9]*' "$WORK/idle" && [ "$(wc -l <"$WORK/idle")" -eq 1 ]; then
		ok "idle $label: a sleeping target is all (idle)"
	else
		{ echo "exit $rc"; cat "$WORK/idle" "$WORK/err"; } | not_ok "idle $label"
	fi
	want="$t:<module>:$(line_of "$t" module);$t:doze:$(line_of "$t" doze) 1"
	"$PYFLAME" --threads -p "$TARGET_PID" -s 0 >"$WORK/idle" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/idle")" = "$want" ]; then
		ok "idle $label --threads: the sleeping thread's exact stack"
	else
		{ echo "exit $rc want $want"; cat "$WORK/idle" "$WORK/err"; } | not_ok "idle $label --threads"
	fi
	stop_target

	# 400 frames of recursion, all of them.
	t=$TARGETS/deep.py
	start_target "$py" "$t" || { echo "not ok - deep $label: target did not start"; continue; }
	want="$t:<module>:$(line_of "$t" module)"
	down="$t:down:$(line_of "$t" down)"
	for i in $(seq 1 399); do want="$want;$down"; done
	want="$want;$t:down:$(line_of "$t" down_base);$t:bottom:$(line_of "$t" bottom) 1"
	"$PYFLAME" -p "$TARGET_PID" -s 0 >"$WORK/deep" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/deep")" = "$want" ]; then
		ok "deep $label: all 402 frames of a 400-deep recursion"
	else
		{ echo "exit $rc, frames $(tr ';' '\n' <"$WORK/deep" | wc -l)"; head -c 600 "$WORK/deep"; cat "$WORK/err"; } | not_ok "deep $label"
	fi
	stop_target
done
