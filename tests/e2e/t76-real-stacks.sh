# t76-real-stacks.sh: every stack the default mode prints is one the target had, on a target
# whose stacks change all the time (alternate.py: two chains of like functions at the same
# depths, so that from 3.11 their frames share addresses). The default mode reads the GIL
# holder's stack without stopping it first, and takes it only when it is one read before with
# the holder stopped (src/sample/verified.c); a stack read while the thread runs through it can
# mix the two chains or leave a caller away from its call, and no such stack may come out (t52
# sees that a busy loop is then stopped for few of its samples). --nonblocking, which
# checks less, is run beside it: how many it made up is said, not judged (it is a matter of
# luck, and shows that this test can see one).
. "$(dirname "$0")/lib.sh"

a=$TARGETS/alternate.py

# made_up PROF: the stacks of PROF that alternate.py never had: <module> at its call of main,
# main at its call of a1 or b1, then a1, a2, ... (or b1, b2, ...) in order, each but the
# innermost at its call of the next (the line after its def).
made_up() {
	awk -v tf="$a" 'BEGIN { while ((getline l < tf) > 0) { n++
			if (match(l, /^def [ab][0-9]+\(/)) call[substr(l, 5, RLENGTH - 5)] = n + 1
			if (l ~ /# @main_a$/) ma = n
			if (l ~ /# @main_b$/) mb = n
			if (l ~ /# @module$/) mo = n } }
		/^\((idle|torn)\) [0-9]+$/ { next }
		{ s = $0; sub(/ [0-9]+$/, "", s); k = split(s, f, ";"); bad = 0
		  for (i = 1; i <= k; i++) { m = split(f[i], p, ":"); fn[i] = p[m - 1]; ln[i] = p[m] }
		  if (fn[1] != "<module>" || ln[1] != mo || (k >= 2 && fn[2] != "main"))
			bad = 1
		  if (k >= 3) {
			fam = substr(fn[3], 1, 1)
			if (ln[2] != (fam == "a" ? ma : mb))
				bad = 1
			for (i = 3; i <= k; i++)
				if (fn[i] != fam (i - 2) || (i < k && ln[i] != call[fn[i]]))
					bad = 1 }
		  if (bad) print }' "$1"
}

for label in 2.7 3.9 3.11 3.12 3.13 debian-3.11 sid-3.14; do
	use_python "$label" "real stacks" || continue
	start_target "$py" "$a" || continue
	"$PYFLAME" -p "$TARGET_PID" -s 2 -r 0.0005 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	"$PYFLAME" -p "$TARGET_PID" -s 1 -r 0.0005 --nonblocking -o "$WORK/nb" 2>/dev/null
	stop_target
	total=$(total_count "$WORK/prof")
	odd=$(made_up "$WORK/prof")
	deep=$(grep -c ":[ab]12:" "$WORK/prof")
	nb=$(made_up "$WORK/nb" | awk '{n += $NF} END {print n + 0}')
	if [ $rc -eq 0 ] && [ "$total" -ge 100 ] && [ "$deep" -ge 1 ] && [ -z "$odd" ]; then
		ok "real stacks $label: $total samples, every one a stack alternate.py had (--nonblocking made up $nb of $(total_count "$WORK/nb"))"
	else
		{ echo "exit $rc total $total deep $deep; made up:"; echo "$odd"; cat "$WORK/err"; } | not_ok "real stacks $label"
	fi
done

# Entering the eval loop from C (keys.py: sorted() calling a Python key function), where 3.11
# and 3.12 show a stale current frame for a moment at each entry: every sample of the default
# mode is keys.py's own stack (the loop at either of its lines, the key function at one of its
# lines under the call of sorted, or (idle) / (torn)), and no stack is lost as unreadable,
# in the default mode or --nonblocking (before the check of python/walker.h's struct py_link,
# 1-2% of a 3.11 or 3.12 run's samples were). What --nonblocking made up is said, as above.
k=$TARGETS/keys.py
sorted_at=$(line_of "$k" sorted)
in_loop="$k:<module>:$(line_of "$k" module);$k:sort_many:"
key_def=$(grep -n '^def key' "$k" | cut -d: -f1)
# not_keys PROF: the stacks of PROF that keys.py never had.
not_keys() {
	awk -v s="$in_loop" -v at="$sorted_at" -v k="$k:key:" -v d="$key_def" '
		{ x = $0; sub(/ [0-9]+$/, "", x) }
		x == "(idle)" || x == "(torn)" || x == s (at - 1) || x == s at { next }
		index(x, s at ";" k) == 1 { l = substr(x, length(s at ";" k) + 1) + 0
			if (l >= d && l <= d + 3 && substr(x, length(s at ";" k) + 1) == l "") next }
		{ print }' "$1"
}
for label in 3.11 3.12 debian-3.11; do
	use_python "$label" "entering the eval loop" || continue
	start_target "$py" "$k" || continue
	"$PYFLAME" -p "$TARGET_PID" -s 2 -r 0.0005 --summary -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	"$PYFLAME" -p "$TARGET_PID" -s 1 -r 0.0005 --nonblocking --summary -o "$WORK/nb" 2>"$WORK/nberr"
	stop_target
	odd=$(not_keys "$WORK/prof")
	nb_odd=$(not_keys "$WORK/nb" | awk '{n += $NF} END {print n + 0}')
	total=$(total_count "$WORK/prof")
	keyed=$(grep -c ";$k:key:" "$WORK/prof")
	if [ $rc -eq 0 ] && [ "$total" -ge 1000 ] && [ "$keyed" -ge 1 ] && [ -z "$odd" ] &&
		! grep -q "unreadable" "$WORK/err" "$WORK/nberr"; then
		ok "entering the eval loop $label: $total samples, every one keys.py's own stack, none lost as unreadable (nor of $(total_count "$WORK/nb") --nonblocking, which made up $nb_odd)"
	else
		{ echo "exit $rc total $total keyed $keyed; not keys.py's:"; echo "$odd" | head -5
		  cat "$WORK/err" "$WORK/nberr"; } | not_ok "entering the eval loop $label"
	fi
done

# greenlet (Debian's python3-greenlet, for Debian's 3.11) moves a thread's frames and cframes
# between greenlets its own way: the link check must leave those stacks as they are (each
# greenlet's own function spinning, nothing lost).
g=$TARGETS/greenlets.py
if use_python debian-3.11 "greenlet" && "$py" -c 'import greenlet' 2>/dev/null; then
	"$PYFLAME" -r 0.001 --summary -o "$WORK/g" -t "$py" "$g" "$WORK/gr" 2 2>"$WORK/err"; rc=$?
	total=$(total_count "$WORK/g")
	spin=$(line_of "$g" spin)
	# spinning_in F: the samples in spin, at either line of its loop, under greenlet F alone.
	spinning_in() {
		local at="$g:$1:$(line_of "$g" "$1");$g:spin"
		echo $(($(count_of "$WORK/g" "$at:$spin") + $(count_of "$WORK/g" "$at:$((spin + 1))")))
	}
	ping=$(spinning_in ping) pong=$(spinning_in pong)
	if [ $rc -eq 0 ] && [ "$ping" -ge $((total / 4)) ] && [ "$pong" -ge $((total / 4)) ] &&
		! grep -q "unreadable" "$WORK/err"; then
		ok "greenlet debian-3.11: ping $ping and pong $pong of $total samples, each in spin under its own greenlet's function"
	else
		{ echo "exit $rc total $total ping $ping pong $pong"; sort -t' ' -k2 -n "$WORK/g" | tail -5
		  cat "$WORK/err"; } | not_ok "greenlet debian-3.11"
	fi
else
	skip "greenlet debian-3.11: Debian's python3-greenlet is not installed (.ci/deps installs it)"
fi
