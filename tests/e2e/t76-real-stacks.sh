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
