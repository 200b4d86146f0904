# t55-top.sh: pyflame top. On a terminal (a shell in tmux, on a socket of its own): the table of
# tests/targets/top.py's hot functions at their exact lines, keys 1-4 sorting, L by function, T
# one thread at a time, P pausing, R starting again, resizing, the target's exit leaving the
# last table, q, Ctrl-C and SIGTERM giving the terminal back as it was (stty's settings, no
# screen left) and a -t command's output shown after; under Debian's 3.11 and one pyenv
# Python. --batch: plain-text snapshots under every interpreter, and with --threads,
# --nonblocking, --native and -C; not a terminal: one line and exit 1. Every wait is for what
# the screen shows, up to 30 s, so a loaded machine is slower, not failing.
. "$(dirname "$0")/lib.sh"

t=$TARGETS/top.py
ha="hot_a ($t:$(line_of "$t" hot_a))"
hb="hot_b ($t:$(line_of "$t" hot_b))"
ru="runner ($t:$(line_of "$t" runner))"

if ! command -v tmux >/dev/null; then
	skip "top on a terminal: tmux is not installed (.ci/deps installs it)"
	have_tmux=0
else
	have_tmux=1
fi

tm() { tmux -S "$WORK/tmux.sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT

# wait_screen TEST: up to 30 s for the shell TEST (run on the screen, in $WORK/screen) to hold.
wait_screen() {
	local i
	for i in $(seq 1 300); do
		tm capture-pane -p -t top >"$WORK/screen" 2>/dev/null
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}
on_screen() { grep -q -F -e "$1" "$WORK/screen"; }
# The first row of the table: the line after the columns' titles.
first_row() { awk '/Function \(file/ { getline; print; exit }' "$WORK/screen"; }
first_is() { first_row | grep -q -F -e "$1"; }
# The figure after WORD in the header ("samples 123": 123).
figure() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" "$WORK/screen" | head -n 1; }
keys() { tm send-keys -t top "$@"; }
# The thread the table shows: "all", or "TID NAME".
thread_shown() { sed -n 's/.*  thread \(.*\) (T)  P pause.*/\1/p' "$WORK/screen"; }
# run_in_shell CMD: types CMD into the shell, which then prints exit=STATUS and saves stty's
# settings after it, as it did before.
run_in_shell() {
	rm -f "$WORK/stty.after"
	keys "clear; stty -g >$WORK/stty.before; $1; echo exit=\$?; stty -g >$WORK/stty.after" Enter
}
# The shell's prompt, alone on the last line that has anything.
prompt_back() { grep -v '^ *$' "$WORK/screen" | tail -n 1 | grep -q '^ready\$ *$'; }
# The terminal as it was: the shell's prompt back after exit=WANT, nothing of the view left on
# the screen, stty's settings unchanged.
given_back() {
	wait_screen "on_screen 'exit=$1' && [ -s \"\$WORK/stty.after\" ] && prompt_back" &&
		! on_screen "%Own" && ! on_screen "Function (file" &&
		cmp -s "$WORK/stty.before" "$WORK/stty.after"
}
evidence() { { cat "$WORK/screen"; echo "--- stty before/after:"; cat "$WORK/stty.before" "$WORK/stty.after" 2>/dev/null; } | not_ok "$1"; }

# The terminal: a shell at 200 x 40 whose prompt is "ready$ ".
start_terminal() {
	tm kill-server 2>/dev/null
	# A server just killed may still hold its socket: a new session then meets it dying
	# ("server exited unexpectedly", seen once in a full run). Asked again a moment later.
	local try
	for try in 1 2 3; do
		tm new-session -d -s top -x 200 -y 40 "env PS1='ready\$ ' bash --norc --noprofile" \
			2>/dev/null && break
		sleep 0.2
	done
	wait_screen "on_screen 'ready\$'"
}

# The whole view over a running process, under interpreter $label ($py).
check_view() {
	start_target "$py" "$t" || { echo "not ok - top $label: target did not start"; return; }
	start_terminal || { echo "not ok - top $label: no terminal in tmux"; return; }
	run_in_shell "$PYFLAME top -p $TARGET_PID"

	if wait_screen "on_screen '$ha' && on_screen '$hb' && on_screen '$ru' && first_is '$ha'"; then
		ok "top $label: hot_a, hot_b and runner at their lines, hot_a first by %Own"
	else
		evidence "top $label: the table"
	fi

	# Keys 1-4: runner, always on the stack, has the largest total and no own time.
	local k want ok_keys=1
	for k in 2 4 3 1; do
		case $k in 1 | 3) want=$ha ;; *) want=$ru ;; esac
		keys "$k"
		local name
		name=$(echo "%Own %Total OwnTime TotalTime" | cut -d' ' -f"$k")
		wait_screen "on_screen 'sort $name (1-4)' && first_is '$want'" || { ok_keys=0; break; }
	done
	if [ $ok_keys = 1 ]; then
		ok "top $label: keys 2 and 4 put runner first, 1 and 3 hot_a"
	else
		evidence "top $label: key $k should put ${want%% *} first"
	fi

	keys L
	if wait_screen "on_screen 'by function (L)' && on_screen 'hot_a ($t)' && ! on_screen '$ha'"; then
		ok "top $label: L, one row per function"
	else
		evidence "top $label: L"
	fi
	keys L
	wait_screen "on_screen 'by line (L)' && on_screen '$ha'"

	# T: hot-a's rows alone, then hot-b's (the main thread, when it was sampled waking up,
	# may come between), then all again.
	local i shown_a=0 shown_b=0 was now
	for i in 1 2 3 4 5 6; do
		was=$(thread_shown)
		keys T
		wait_screen "[ \"\$(thread_shown)\" != '$was' ]" || break
		now=$(thread_shown)
		case $now in
		all) break ;;
		*" hot-a") on_screen "$ha" && ! on_screen "hot_b (" && shown_a=1 ;;
		*" hot-b") on_screen "$hb" && ! on_screen "hot_a (" && shown_b=1 ;;
		esac
	done
	if [ $shown_a = 1 ] && [ $shown_b = 1 ] && on_screen "thread all (T)"; then
		ok "top $label: T shows each thread's rows alone, then all again"
	else
		evidence "top $label: T (hot-a alone $shown_a, hot-b alone $shown_b)"
	fi

	# P: the figures stand still while sampling goes on; P again, they move.
	keys P
	wait_screen "on_screen 'q quit  PAUSED'"
	local before after
	before=$(figure samples)
	sleep 1.5
	tm capture-pane -p -t top >"$WORK/screen"
	after=$(figure samples)
	keys P
	if [ -n "$before" ] && [ "$before" = "$after" ] &&
		wait_screen "! on_screen PAUSED && [ \"\$(figure samples)\" -gt $before ]"; then
		ok "top $label: P pauses the display ($before samples shown 1.5 s later) and P resumes"
	else
		evidence "top $label: P ($before then $after samples)"
	fi

	# R: the counts start again.
	wait_screen "[ \"\$(figure samples)\" -ge 200 ]"
	before=$(figure samples)
	keys R
	if wait_screen "[ \"\$(figure samples)\" -lt 150 ] && on_screen '$ha'"; then
		ok "top $label: R starts the counts again ($before samples, then $(figure samples))"
	else
		evidence "top $label: R"
	fi

	# Resizing: drawn again at the new size, a row cut at 60 columns (the figures take 42),
	# whole again at 200.
	tm resize-window -t top -x 60 -y 20
	if wait_screen "on_screen 'hot_a (' && ! on_screen '$ha' && [ \$(wc -l <\"\$WORK/screen\") -eq 20 ]"; then
		tm resize-window -t top -x 200 -y 40
		if wait_screen "on_screen '$ha' && on_screen '$ru'"; then
			ok "top $label: resized to 60x20 and back, the table is drawn again each time"
		else
			evidence "top $label: resize back to 200x40"
		fi
	else
		evidence "top $label: resize to 60x20"
	fi

	# The target exits: the last table stays, with a line that says so, until q.
	local pid=$TARGET_PID
	stop_target
	if wait_screen "on_screen 'process $pid exited: this is the last table; q quits' && on_screen '$ha'"; then
		sleep 1.2 # no refresh takes it away
		tm capture-pane -p -t top >"$WORK/screen"
		if on_screen "process $pid exited" && on_screen "$ha"; then
			ok "top $label: the target's exit leaves the last table and says so"
		else
			evidence "top $label: the last table went away"
		fi
	else
		evidence "top $label: target exit"
	fi
	keys q
	if given_back 0; then
		ok "top $label: q gives the terminal back as it was (exit 0, stty unchanged, no screen left)"
	else
		evidence "top $label: q"
	fi
}

# -t: Ctrl-C ends the view and the command (which the terminal's SIGINT reaches too); the
# command's output comes after the terminal is given back. SIGTERM to pyflame ends a -p view.
check_signals() {
	start_terminal || { echo "not ok - top $label: no terminal in tmux"; return; }
	run_in_shell "$PYFLAME top -t $py $t $WORK/ready.t"
	if wait_screen "on_screen '$ha'"; then
		keys C-c
		if given_back 0 && on_screen "top.py: both threads started" &&
			! pgrep -f "$WORK/ready.t" >/dev/null; then
			ok "top $label -t: Ctrl-C ends view and command; the command's output shown after"
		else
			evidence "top $label -t: Ctrl-C"
			pkill -f "$WORK/ready.t"
		fi
	else
		evidence "top $label -t: the table"
		pkill -f "$WORK/ready.t"
	fi

	start_target "$py" "$t" || { echo "not ok - top $label: target did not start"; return; }
	run_in_shell "$PYFLAME top -p $TARGET_PID"
	if wait_screen "on_screen '$ha'"; then
		pkill -TERM -f "pyflame top -p $TARGET_PID"
		if given_back 0; then
			ok "top $label: SIGTERM gives the terminal back as it was"
		else
			evidence "top $label: SIGTERM"
		fi
	else
		evidence "top $label: the table before SIGTERM"
	fi
	stop_target
}

# The two interpreters' terminals at once (each_label): each job's WORK holds its own tmux
# socket, so each has a server, a shell and targets of its own.
view_one() {
	local label=$1 py
	use_python "$label" "top on a terminal" || return
	check_view
	[ "$label" = debian-3.11 ] && check_signals
	tm kill-server 2>/dev/null
}
if [ $have_tmux = 1 ]; then
	each_label view_one debian-3.11 3.12
fi

# --batch N: N snapshots a second apart, plain text (no escape sequence), then exit 0.
# snapshots FILE: how many there are.
snapshots() { grep -c '^pyflame top: PID ' "$1"; }
plain() { ! grep -q "$(printf '\033')" "$1"; }
# Each interpreter's snapshots are a second's wait: several at once (each_label), each on a
# target of its own.
batch_one() {
	local label=$1 py n rc
	use_python "$label" "top --batch" || return
	start_target "$py" "$t" || { echo "not ok - top --batch $label: target did not start"; return; }
	n=1
	case $label in debian-3.11 | 3.12) n=2 ;; esac
	"$PYFLAME" top --batch $n -p "$TARGET_PID" >"$WORK/batch" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(snapshots "$WORK/batch")" -eq $n ] && plain "$WORK/batch" &&
		grep -q -F "  $ha" "$WORK/batch" && grep -q -F "  $ru" "$WORK/batch" && [ ! -s "$WORK/err" ]; then
		ok "top --batch $n $label: $n plain-text snapshots, hot_a and runner at their lines"
	else
		{ echo "exit $rc"; cat "$WORK/batch" "$WORK/err"; } | not_ok "top --batch $n $label"
	fi
	stop_target
}
each_label batch_one $ALL_PYTHONS

# The flags the view shares with record, once each.
if use_python debian-3.11 "top --batch flags"; then
	wm="wait_main ($t:$(line_of "$t" wait_main))"
	# Each flag on a target of its own, several at once (each_label): a second's wait each.
	flags_one() {
		local flags=$1 rc good
		start_target "$py" "$t" || { echo "not ok - top --batch $flags: target did not start"; return; }
		"$PYFLAME" top --batch 1 $flags -p "$TARGET_PID" >"$WORK/batch" 2>"$WORK/err"; rc=$?
		good=1
		case $flags in
		--threads) grep -q -F "  $wm" "$WORK/batch" || good=0 ;; # the sleeping main thread too
		-C) grep -q -F "  1 process sampled" "$WORK/batch" || good=0 ;;
		esac
		if [ $rc -eq 0 ] && [ $good = 1 ] && grep -q -F "  $ha" "$WORK/batch"; then
			ok "top --batch $flags: hot_a at its line"
		else
			{ echo "exit $rc"; cat "$WORK/batch" "$WORK/err"; } | not_ok "top --batch $flags"
		fi
		stop_target
	}
	each_label flags_one "--threads" "--nonblocking" "--native" "-C" "-F 200"
	start_target "$py" "$t"

	# Not a terminal, and no --batch: one line, exit 1, the target untouched.
	"$PYFLAME" top -p "$TARGET_PID" </dev/null >"$WORK/out" 2>"$WORK/err"; rc=$?
	want="pyflame: top draws on a terminal and its input is not one: give --batch N for N plain-text snapshots"
	if [ $rc -eq 1 ] && [ "$(cat "$WORK/err")" = "$want" ] && [ ! -s "$WORK/out" ]; then
		ok "top without a terminal: one line, exit 1"
	else
		{ echo "exit $rc"; cat "$WORK/out" "$WORK/err"; } | not_ok "top without a terminal"
	fi
	stop_target

	# -t --batch: the command runs as long as the snapshots, then gets SIGTERM; exit 0.
	"$PYFLAME" top --batch 1 -t "$py" "$t" "$WORK/ready.b" >"$WORK/batch" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && grep -q -F "  $ha" "$WORK/batch" && ! pgrep -f "$WORK/ready.b" >/dev/null; then
		ok "top --batch -t: the command sampled, then ended with the view"
	else
		{ echo "exit $rc"; cat "$WORK/batch" "$WORK/err"; } | not_ok "top --batch -t"
		pkill -f "$WORK/ready.b"
	fi
fi

# help top and top --help: the same usage.
"$PYFLAME" help top >"$WORK/help1"; "$PYFLAME" top --help >"$WORK/help2"; rc=$?
if [ $rc -eq 0 ] && cmp -s "$WORK/help1" "$WORK/help2" && head -n 1 "$WORK/help1" | grep -q '^Usage: pyflame top '; then
	ok "top: 'pyflame help top' and 'pyflame top --help' print its usage"
else
	cat "$WORK/help1" "$WORK/help2" | not_ok "top --help"
fi
