# t71-trace-stop.sh: how a run ends early, and what it leaves. Under -t a stop signal sent to
# pyflame is sent on to the command, the profile is written at once, and pyflame ends with
# the command's status when the command ends (one that ignores the signal runs on); -s bounds
# the sampling of a -t run while the command runs on; the command's own thread is MainThread
# from its first sample; a stop signal at any moment after start ends the run cleanly; a
# killed pyflame leaves no temporary file; a run that could read nothing fails; ticks far
# apart end with the command and say why there was one sample.
. "$(dirname "$0")/lib.sh"

pick_python "trace stop" 3.12 2.7 || exit 0
t=$TARGETS/busy.py
stack=$(busy_stack)

# wait_file FILE: up to 10 s for FILE to appear.
wait_file() {
	local i
	for i in $(seq 1 1000); do [ -e "$1" ] && return 0; sleep 0.01; done
	return 1
}

# SIGTERM to pyflame: the command gets it too and dies of it; its status is pyflame's.
ready=$WORK/ready.term
"$PYFLAME" -o "$WORK/term.txt" -t "$py" "$t" "$ready" 60 2>"$WORK/err" & pf=$!
wait_file "$ready"; sleep 0.3
kill -TERM $pf
wait $pf; rc=$?
n=$(count_of "$WORK/term.txt" "$stack")
if [ $rc -eq 143 ] && [ "$n" -ge 10 ] && ! pgrep -f "$ready" >/dev/null; then
	ok "trace stop: SIGTERM reaches the command, which dies of it (exit $rc), $n samples written"
else
	{ echo "exit $rc (want 143) samples $n"; pgrep -af "$ready"; cat "$WORK/err"; } | not_ok "trace stop: SIGTERM"
	pkill -f "$ready"
fi

# A command that ignores SIGTERM runs on to its end: the profile is written at once, pyflame
# says it waits, and ends with the command's status.
ready=$WORK/ready.ignore
"$PYFLAME" -o "$WORK/ignore.txt" -t "$py" -c '
import signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open(sys.argv[1], "w").close()
time.sleep(1.5)
print("done")
sys.exit(7)' "$ready" >"$WORK/out" 2>"$WORK/err" & pf=$!
wait_file "$ready"; sleep 0.2
kill -TERM $pf
sleep 0.8
written=no; [ -s "$WORK/ignore.txt" ] && kill -0 $pf 2>/dev/null && written=yes
wait $pf; rc=$?
if [ $rc -eq 7 ] && [ $written = yes ] && grep -qx done "$WORK/out" &&
	grep -q "^pyflame: the profile is written; waiting for '$py' (PID [0-9]*) to exit$" "$WORK/err"; then
	ok "trace stop: a command that ignores SIGTERM runs on (profile written while it ran, exit $rc)"
else
	{ echo "exit $rc (want 7) written-while-running $written"; cat "$WORK/out" "$WORK/err"; } | not_ok "trace stop: ignored SIGTERM"
fi

# -s bounds a -t run: 1 s of samples at -r 0.01, written while the command runs on (3 s).
ready=$WORK/ready.bound
"$PYFLAME" -s 1 -r 0.01 -o "$WORK/bound.txt" -t "$py" -c '
import sys, time
open(sys.argv[1], "w").close()
end = time.time() + 3
while time.time() < end: pass
sys.exit(3)' "$ready" 2>"$WORK/err" & pf=$!
wait_file "$ready"; sleep 1.7
written=no; [ -s "$WORK/bound.txt" ] && kill -0 $pf 2>/dev/null && written=yes
wait $pf; rc=$?
total=$(total_count "$WORK/bound.txt")
# 100 ticks are due; a loaded machine may miss some (said on stderr), never add any.
if [ $rc -eq 3 ] && [ $written = yes ] && [ "$total" -le 100 ] && [ "$total" -ge 50 ]; then
	ok "trace stop: -s 1 -t takes $total samples of 100 due, written while the command runs on (exit $rc)"
else
	{ echo "exit $rc (want 3) written-while-running $written samples $total (want 50-100)"; cat "$WORK/err"; } | not_ok "trace stop: -s bounds -t"
fi

# --thread-names under -t: the command's own thread is MainThread from the first sample on.
"$PYFLAME" --thread-names -o "$WORK/names.txt" -t "$py" "$t" "" 0.3 2>"$WORK/err"; rc=$?
names=$(grep -v -e '^(idle)' -e '^(torn)' "$WORK/names.txt" | cut -d';' -f1 | sort -u | tr '\n' ' ')
if [ $rc -eq 0 ] && [ "$names" = "MainThread " ]; then
	ok "trace stop: --thread-names -t labels every stack MainThread"
else
	{ echo "exit $rc names '$names'"; cat "$WORK/err"; } | not_ok "trace stop: --thread-names -t"
fi

# A stop signal in the first milliseconds (while attaching, discovering, opening the output)
# ends the run cleanly: never killed by it, the output written. Sent once pyflame has its
# handlers (its SigCgt shows SIGTERM), so the shell's exec of it does not race the test.
start_target "$py" "$t"
bad=0
for i in $(seq 1 15); do
	rm -f "$WORK/early.txt"
	"$PYFLAME" --threads -r 0.0005 -s 5 -p "$TARGET_PID" -o "$WORK/early.txt" 2>"$WORK/err" & pf=$!
	for k in $(seq 1 500); do
		cgt=$(awk '/^SigCgt:/ {print $2}' /proc/$pf/status 2>/dev/null)
		[ -n "$cgt" ] && [ $(( 0x$cgt & (1 << 14) )) -ne 0 ] && break
		sleep 0.001
	done
	sleep 0.00$((i % 10))
	kill -TERM $pf
	wait $pf; rc=$?
	if [ $rc -ne 0 ] || [ ! -e "$WORK/early.txt" ] || [ "$(tracer_of "$TARGET_PID")" != 0 ] ||
		grep -v -E '^pyflame: (stopped by Terminated before the first sample: the profile is empty|the target was stopped .*|[0-9]+ of [0-9]+ ticks missed: .*)$' "$WORK/err" | grep -q .; then
		bad=$((bad + 1))
		{ echo "run $i: exit $rc"; ls -l "$WORK/early.txt"; cat "$WORK/err"; } >>"$WORK/early.log" 2>&1
	fi
done
if [ $bad -eq 0 ]; then
	ok "trace stop: SIGTERM in the first milliseconds, 15 runs: each exit 0 with its output, target untraced"
else
	not_ok "trace stop: early SIGTERM ($bad of 15 runs wrong)" <"$WORK/early.log"
fi

# SIGKILL leaves no temporary file beside the output.
mkdir -p "$WORK/outdir"
for i in 1 2 3; do
	"$PYFLAME" -s 10 -p "$TARGET_PID" -o "$WORK/outdir/p.svg" 2>/dev/null & pf=$!
	sleep 0.3
	kill -KILL $pf
	wait $pf 2>/dev/null
done
sleep 0.1
left=$(ls -A "$WORK/outdir")
if [ -z "$left" ] && [ "$(tracer_of "$TARGET_PID")" = 0 ]; then
	ok "trace stop: three SIGKILLs leave nothing in the output directory"
else
	echo "left: $left" | not_ok "trace stop: SIGKILL leaves files"
fi

# A run that read nothing fails: the wrong --abi reads no thread list.
abi=312; case "$py" in *2.7*) abi=36 ;; *) abi=311 ;; esac
"$PYFLAME" --abi "$abi" -s 0.1 -p "$TARGET_PID" >"$WORK/abi.txt" 2>"$WORK/err"; rc=$?
if [ $rc -eq 1 ] && grep -q '^pyflame: no sample could be read: the profile is empty$' "$WORK/err"; then
	ok "trace stop: --abi $abi on the wrong Python reads nothing and exits 1 ($(head -n 1 "$WORK/err"))"
else
	{ echo "exit $rc (want 1)"; cat "$WORK/abi.txt" "$WORK/err"; } | not_ok "trace stop: nothing read"
fi
stop_target

# Ticks far apart: the run ends with the command, and says why it took one sample.
start=$(date +%s%N)
"$PYFLAME" -r 100 -t "$py" "$t" "" 0.2 >"$WORK/slow.txt" 2>"$WORK/err"; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc -eq 0 ] && [ $ms -lt 20000 ] &&
	grep -q '^pyflame: only 1 sample taken: the run lasted .* s and -r 100 asks for one every 100 s (-r is seconds between samples)$' "$WORK/err"; then
	ok "trace stop: -r 100 -t ends with the command ($ms ms) and says why there is one sample"
else
	{ echo "exit $rc after $ms ms"; cat "$WORK/err"; } | not_ok "trace stop: -r 100 -t"
fi
