# t86-pprof.sh: pprof output read back by the real pprof (`go tool pprof`) under every
# interpreter: one run written both as .pb.gz and as collapsed text must hold the same stacks
# with the same counts (so frames, lines, leaf-first order, idle and thread labels all survive),
# and busy.py's spin stack must be the heaviest. Also -f pprof with any name or a pipe, -n,
# and the refusal to write binary to a terminal.
. "$(dirname "$0")/lib.sh"

if ! command -v go >/dev/null 2>&1; then
	skip "pprof: go not installed (go tool pprof reads the files)"
	exit 0
fi
# go keeps a build cache and pprof a profile directory under HOME: keep both in the work dir.
export HOME=$WORK/home GOCACHE=$WORK/gocache PPROF_TMPDIR=$WORK/pprof
mkdir -p "$HOME" "$GOCACHE" "$PPROF_TMPDIR"

# pprof_collapse FILE [LINES [NAMES]]: the profile in collapsed form, through `go tool pprof
# -raw`: per sample, its locations reversed to outermost first as FILE:FUNC:LINE (FILE:FUNC
# when LINES is 0; "(idle)" for the idle location), under its "thread" label when NAMES is 1,
# counts summed per stack, sorted as pyflame sorts. Exits non-zero when pprof cannot read the
# file, or when a sample's wall value is not its count times the period.
pprof_collapse() {
	go tool pprof -raw "$1" 2>"$WORK/pprof.err" >"$WORK/raw" || { cat "$WORK/pprof.err"; return 1; }
	awk -v lines="${2:-1}" -v names="${3:-0}" '
	/^Period: / { period = $2 }
	/^Samples:/ { sec = "s"; next }
	/^Locations/ { sec = "l"; next }
	/^Mappings/ { sec = "m"; next }
	sec == "s" && /^ *[0-9]+ +[0-9]+: / {
		n++; count[n] = $1; v = $2; sub(":", "", v)
		if (v + 0 != $1 * period) bad = bad " sample " n ": " $1 " x " period " != " v
		ids[n] = ""
		for (i = 3; i <= NF; i++) ids[n] = $i " " ids[n]
		next
	}
	sec == "s" && /^ +thread:\[/ { t = $0; sub(/^ +thread:\[/, "", t); sub(/\]$/, "", t); thread[n] = t; next }
	sec == "l" && /^ *[0-9]+: / {
		id = $1; sub(":", "", id); l = $0
		sub(/^ *[0-9]+: 0x[0-9a-f]+ (M=[0-9]+ )?/, "", l)
		sub(/ s=-?[0-9]+(\(.*\))?$/, "", l)
		# No file: the markers of pyflame, (idle) and (native, GIL released) (which has a
		# space), printed by collapsed text as the name alone.
		if (l ~ /^[^:]* :-?[0-9]+$/) { sub(/ :-?[0-9]+$/, "", l); frame[id] = l; next }
		name = substr(l, 1, index(l, " ") - 1); fl = substr(l, index(l, " ") + 1)
		# "NAME (ENDING) FILE:LINE": a name functions of other files share gets the
		# ending of its file that tells it apart (pprof.c); collapsed text has it bare.
		if (substr(fl, 1, 1) == "(") for (i = 2; i < length(fl); i++) {
			if (substr(fl, i, 2) != ") ") continue
			suf = substr(fl, 2, i - 2); rest = substr(fl, i + 2); f = rest; sub(/:-?[0-9]+$/, "", f)
			if (length(f) >= length(suf) && substr(f, length(f) - length(suf) + 1) == suf) { fl = rest; break }
		}
		file = fl; sub(/:-?[0-9]+$/, "", file); line = substr(fl, length(file) + 2)
		# A frame with no line (0: the first instruction of a frozen module) has none in
		# collapsed text either.
		if (name == "(idle)" && file == "") frame[id] = "(idle)"
		else if (lines && line + 0 > 0) frame[id] = file ":" name ":" line
		else frame[id] = file ":" name
	}
	END {
		if (bad != "") { print "values:" bad > "/dev/stderr"; exit 1 }
		for (s = 1; s <= n; s++) {
			k = split(ids[s], a, " "); st = ""
			for (i = 1; i <= k; i++) st = st (st == "" ? "" : ";") frame[a[i]]
			if (names && thread[s] != "") st = thread[s] ";" st
			sum[st] += count[s]
		}
		for (st in sum) print st " " sum[st]
	}' "$WORK/raw" | LC_ALL=C sort
	return "${PIPESTATUS[0]}"
}

# sorted_collapsed FILE: pyflame's collapsed text, sorted the same way, without "(torn)" (the
# count of stacks seen changing while read, which only collapsed output reports).
sorted_collapsed() { grep -v '^(torn) ' "$1" | LC_ALL=C sort; }

# heaviest FILE: the stack of the line with the largest count of a collapsed file.
heaviest() { awk '{c = $NF; sub(/ [0-9]+$/, ""); if (c > max) { max = c; s = $0 } } END { print s }' "$1"; }

is_gzip() { [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; }

t=$TARGETS/busy.py
want=$(busy_stack)
# Each interpreter's run waits on its -t command more than it computes: several at once
# (each_label), each in a WORK of its own.
pprof_one() {
	local label=$1 py rc crc top spin total
	use_python "$label" "pprof" || return
	# One run, two files: the format comes from each name.
	"$PYFLAME" -r 0.005 -o "$WORK/out.pb.gz" -o "$WORK/out.txt" -t "$py" -S "$t" "" 0.4 \
		>/dev/null 2>"$WORK/err"; rc=$?
	if [ $rc -ne 0 ] || ! is_gzip "$WORK/out.pb.gz"; then
		{ echo "exit $rc"; cat "$WORK/err"; } | not_ok "pprof $label: -o out.pb.gz writes gzip"
		return
	fi
	pprof_collapse "$WORK/out.pb.gz" >"$WORK/got" 2>"$WORK/conv.err"; crc=$?
	sorted_collapsed "$WORK/out.txt" >"$WORK/expect"
	top=$(heaviest "$WORK/got")
	spin=$(count_of "$WORK/got" "$want")
	total=$(total_count "$WORK/got")
	if [ $crc -eq 0 ] && diff "$WORK/expect" "$WORK/got" >"$WORK/diff" && [ "$top" = "$want" ] &&
		[ "$spin" -ge 10 ] && [ "$total" -eq "$(total_count "$WORK/expect")" ]; then
		ok "pprof $label: pprof reads the same $(wc -l <"$WORK/got") stacks and $total samples as collapsed; spin stack heaviest ($spin)"
	else
		{ echo "converter exit $crc, heaviest: $top, want: $want, spin $spin of $total"
		  cat "$WORK/conv.err" "$WORK/diff" "$WORK/err"; } | not_ok "pprof $label: pprof and collapsed agree"
	fi
}
each_label pprof_one $ALL_PYTHONS

py=$(python_path 3.12)
[ -n "$py" ] || py=$(python_path debian-3.11)
if [ -z "$py" ] || [ ! -x "$py" ]; then
	skip "pprof: single-interpreter checks: neither 3.12 nor Debian's 3.11 installed"
	exit 0
fi

# -n: lines merged in both formats alike.
"$PYFLAME" -n -r 0.005 -o "$WORK/n.pb.gz" -o "$WORK/n.txt" -t "$py" -S "$t" "" 0.3 \
	>/dev/null 2>"$WORK/err"; rc=$?
pprof_collapse "$WORK/n.pb.gz" 0 >"$WORK/got" 2>"$WORK/conv.err"; crc=$?
sorted_collapsed "$WORK/n.txt" >"$WORK/expect"
if [ $rc -eq 0 ] && [ $crc -eq 0 ] && diff "$WORK/expect" "$WORK/got" >"$WORK/diff" &&
	[ "$(heaviest "$WORK/got")" = "$t:<module>;$t:outer;$t:inner;$t:spin" ]; then
	ok "pprof -n: the same FILE:FUNCTION stacks as collapsed -n"
else
	{ echo "exit $rc, converter $crc"; cat "$WORK/conv.err" "$WORK/diff" "$WORK/err"; } | not_ok "pprof -n"
fi

# pprof's own views: names as Python spells them (<module> survives pprof's demangler), and
# the sample count in -top is the total. busy.py's <module> is "<module> (busy.py)" when
# samples of start-up caught another file's <module> too.
go tool pprof -sample_index=samples -traces "$WORK/n.pb.gz" >"$WORK/traces" 2>/dev/null
go tool pprof -sample_index=samples -top "$WORK/n.pb.gz" >"$WORK/top" 2>/dev/null
got=$(awk '/^-+\+-+$/ { if (v > max) { max = v; best = s } v = 0; s = ""; next }
	/^ +[0-9]+ +[^ ]/ && s == "" { v = $1; s = $0; sub(/^ +[0-9]+ +/, "", s); next }
	s != "" && /^ +[^ ]/ { f = $0; sub(/^ +/, "", f); s = s ";" f }
	END { print best }' "$WORK/traces")
shown=$(awk '/^Showing nodes accounting for/ { print $8 }' "$WORK/top")
case $got in "spin;inner;outer;<module>" | "spin;inner;outer;<module> (busy.py)") heaviest_ok=1 ;; *) heaviest_ok=0 ;; esac
if [ $heaviest_ok = 1 ] && [ "$shown" = "$(total_count "$WORK/n.txt")" ]; then
	ok "pprof: -traces shows spin;inner;outer;<module> heaviest, -top totals $shown samples"
else
	{ echo "heaviest trace '$got', -top total '$shown'"; cat "$WORK/traces" "$WORK/top"; } |
		not_ok "pprof: -traces and -top"
fi

# Two Job.__init__ in two files named methods.py (bare __init__ before 3.11): pprof's -top,
# which merges functions by name, must list them apart, each named with the ending of its
# path that no other file has; the same stacks as collapsed otherwise.
for label in 3.10 3.12; do
	use_python "$label" "pprof methods.py" || continue
	"$PYFLAME" -r 0.005 -o "$WORK/m.pb.gz" -o "$WORK/m.txt" -t "$py" -S "$TARGETS/methods.py" "" 0.3 \
		>/dev/null 2>"$WORK/err"; rc=$?
	init=__init__
	[ "$label" = 3.10 ] || init=Job.__init__
	go tool pprof -sample_index=samples -top "$WORK/m.pb.gz" >"$WORK/top" 2>/dev/null
	pprof_collapse "$WORK/m.pb.gz" >"$WORK/got" 2>"$WORK/conv.err"; crc=$?
	sorted_collapsed "$WORK/m.txt" >"$WORK/expect"
	if [ $rc -eq 0 ] && [ $crc -eq 0 ] && grep -q -F " $init (pkg/methods.py)" "$WORK/top" &&
		grep -q -F " $init (targets/methods.py)" "$WORK/top" && ! grep -q -E " $init\$" "$WORK/top" &&
		diff "$WORK/expect" "$WORK/got" >"$WORK/diff"; then
		ok "pprof $label: -top names '$init (pkg/methods.py)' and '$init (targets/methods.py)' apart"
	else
		{ echo "exit $rc, converter $crc"; cat "$WORK/top" "$WORK/conv.err" "$WORK/diff" "$WORK/err"; } |
			not_ok "pprof $label: methods of one name in two files"
	fi
done

# -f pprof: any file name, and stdout when it is a pipe or a file.
"$PYFLAME" -f pprof -r 0.005 -o "$WORK/prof.bin" -t "$py" -S "$t" "" 0.3 >/dev/null 2>"$WORK/err"; rc=$?
pprof_collapse "$WORK/prof.bin" >"$WORK/got" 2>"$WORK/conv.err"; crc=$?
if [ $rc -eq 0 ] && is_gzip "$WORK/prof.bin" && [ $crc -eq 0 ] && [ "$(heaviest "$WORK/got")" = "$want" ]; then
	ok "pprof: -f pprof -o prof.bin is pprof whatever the name"
else
	{ echo "exit $rc, converter $crc"; cat "$WORK/conv.err" "$WORK/err"; } | not_ok "pprof: -f pprof -o prof.bin"
fi
"$PYFLAME" -f pprof -r 0.005 -t "$py" -S "$t" "" 0.3 2>"$WORK/err" | cat >"$WORK/piped"; rc=${PIPESTATUS[0]}
pprof_collapse "$WORK/piped" >"$WORK/got" 2>"$WORK/conv.err"; crc=$?
if [ $rc -eq 0 ] && is_gzip "$WORK/piped" && [ $crc -eq 0 ] && [ "$(heaviest "$WORK/got")" = "$want" ]; then
	ok "pprof: -f pprof to a pipe"
else
	{ echo "exit $rc, converter $crc"; cat "$WORK/conv.err" "$WORK/err"; } | not_ok "pprof: -f pprof to a pipe"
fi

# Threads: each sample carries its thread's name (and TID) as labels; under the name, the
# stacks are collapsed --thread-names' exactly.
if start_target "$py" "$TARGETS/threads.py" && wait_main_sleeping; then
	"$PYFLAME" -p "$TARGET_PID" -s 0.5 -r 0.005 --threads --thread-names -o "$WORK/th.pb.gz" \
		-o "$WORK/th.txt" 2>"$WORK/err"; rc=$?
	stop_target
	pprof_collapse "$WORK/th.pb.gz" 1 1 >"$WORK/got" 2>"$WORK/conv.err"; crc=$?
	sorted_collapsed "$WORK/th.txt" >"$WORK/expect"
	threads=$(awk -F';' '{print $1}' "$WORK/got" | sort -u | tr '\n' ' ')
	if [ $rc -eq 0 ] && [ $crc -eq 0 ] && diff "$WORK/expect" "$WORK/got" >"$WORK/diff" &&
		grep -q '^MainThread;' "$WORK/got" && grep -q 'thread_id:\[[1-9][0-9]*\]' "$WORK/raw"; then
		ok "pprof --threads: thread labels match --thread-names stacks ($threads)"
	else
		{ echo "exit $rc, converter $crc"; cat "$WORK/conv.err" "$WORK/diff" "$WORK/err"; } |
			not_ok "pprof --threads: thread labels"
	fi
else
	stop_target
	echo "threads.py did not start" | not_ok "pprof --threads: thread labels"
fi

# Binary to a terminal is refused at once, before the target is touched.
if ! command -v script >/dev/null 2>&1; then
	skip "pprof: refused on a terminal: script (util-linux) not installed"
elif start_target "$py" "$t"; then
	script -qec "$PYFLAME -f pprof -s 0.2 -p $TARGET_PID" "$WORK/typescript" >"$WORK/tty" 2>&1 </dev/null; rc=$?
	msg=$(tr -d '\r' <"$WORK/tty")
	state=$(state_of "$TARGET_PID"); tracer=$(tracer_of "$TARGET_PID")
	stop_target
	if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$msg" | wc -l)" -eq 1 ] &&
		case "$msg" in "pyflame: pprof is binary "*) true ;; *) false ;; esac &&
		[ "$state" = R ] && [ "$tracer" = 0 ]; then
		ok "pprof: refused on a terminal, exit 1, one line: $msg"
	else
		{ echo "exit $rc, target state $state, tracer $tracer"; printf '%s\n' "$msg"; } |
			not_ok "pprof: refused on a terminal"
	fi
else
	stop_target
	echo "busy.py did not start" | not_ok "pprof: refused on a terminal"
fi
