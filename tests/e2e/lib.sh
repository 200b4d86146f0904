# lib.sh: the end-to-end tests' harness (sourced). Each check prints "ok - what",
# "not ok - what" (with the evidence) or "skip - what: why", as tests/run counts them.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PYFLAME=${PYFLAME:-$ROOT/build/pyflame}
TARGETS=$ROOT/tests/targets
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pyflame-e2e.XXXXXX")
PIDS=()
PGROUPS=() # process groups of servers (setsid), killed whole at the end

cleanup() {
	local p
	for p in "${PGROUPS[@]}"; do kill -9 -- "-$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
skip() { echo "skip - $*"; }
not_ok() { # what, then evidence lines on stdin
	echo "not ok - $1"
	sed 's/^/#   /'
}

# Every interpreter the issue names, by label: pyenv's, Debian's own 3.11, and each pythonX.Y
# of the Debian sid root (tests/sid-root; "sid-3.14"), run there in a chroot. A missing one is
# reported as a skip by the caller, never silently dropped.
SID_ROOT=${PYFLAME_SID_ROOT:-/var/cache/pyflame/sid-root}
sid_versions() {
	local p
	for p in "$SID_ROOT"/usr/bin/python3.*; do
		case ${p##*/python} in *[!0-9.]* | "") continue ;; esac
		[ -x "$p" ] && echo "sid-${p##*/python}"
	done
	return 0
}
ALL_PYTHONS=${PYFLAME_TEST_PYTHONS:-"2.7 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13 debian-3.11 $(sid_versions | tr '\n' ' ')"}
# A sid root that could not be made (no network on this machine) still counts: a skip says so.
case " $ALL_PYTHONS " in *" sid-"*) ;; *) ALL_PYTHONS="$ALL_PYTHONS sid-3.14" ;; esac
python_path() {
	case "$1" in
	debian-3.11) echo /usr/bin/python3.11 ;;
	sid-*)
		# A one-line launcher per version: tests run "$py" like any interpreter's path.
		local v=${1#sid-} bin=$WORK/bin/python-$1
		[ -x "$SID_ROOT/usr/bin/python$v" ] || return 0
		if [ ! -x "$bin" ]; then
			mkdir -p "$WORK/bin"
			printf '#!/bin/sh\nexec %s %s "$@"\n' "$ROOT/tests/sid-python" "$v" >"$bin"
			chmod +x "$bin"
		fi
		echo "$bin"
		;;
	*) ls -d /root/.pyenv/versions/"$1".*/bin/python"$1" 2>/dev/null | head -n 1 ;;
	esac
}

# use_python LABEL WHAT: sets py to LABEL's interpreter, or says why WHAT is skipped for it and
# returns 1: the prologue of every per-interpreter loop (`use_python "$label" dump || continue`).
use_python() {
	py=$(python_path "$1")
	if [ -z "$py" ] || [ ! -x "$py" ]; then
		case $1 in
		sid-*) skip "$2 $1: no Debian sid root with python${1#sid-} here (tests/sid-root makes it)" ;;
		*) skip "$2 $1: interpreter not installed on this machine" ;;
		esac
		return 1
	fi
}

# pick_python WHAT LABEL...: sets py to the first of the LABELs' interpreters installed, or
# says why WHAT is skipped and returns 1 (for tests that need one interpreter, not each).
pick_python() {
	local what=$1 label; shift
	for label in "$@"; do
		py=$(python_path "$label")
		[ -n "$py" ] && return 0
	done
	skip "$what: none of Python $* is installed"
	return 1
}

# line_of FILE TAG: the line number of the line marked "# @TAG".
line_of() { grep -n "# @$2\$" "$1" | cut -d: -f1; }

# busy_stack: the one stack tests/targets/busy.py spins in, outermost first, with its lines.
busy_stack() {
	local t=$TARGETS/busy.py
	echo "$t:<module>:$(line_of "$t" module);$t:outer:$(line_of "$t" outer);$t:inner:$(line_of "$t" inner);$t:spin:$(line_of "$t" spin)"
}

# methods_stack LABEL: the one stack tests/targets/methods.py spins in under LABEL's interpreter,
# outermost first: from 3.11 functions go by their qualified names (co_qualname), before by
# co_name alone.
methods_stack() {
	local t=$TARGETS/methods.py o=$TARGETS/pkg/methods.py cls="" loc=""
	case $1 in
	2.* | 3.[6-9] | 3.10) ;;
	*) cls=Job. loc="Job.run.<locals>." ;;
	esac
	echo "$t:<module>:$(line_of "$t" module);$t:${cls}__init__:$(line_of "$t" init);$t:${cls}run:$(line_of "$t" run);$t:${loc}step:$(line_of "$t" step);$o:${cls}__init__:$(line_of "$o" spin)"
}

# start_target PYTHON SCRIPT ARGS...: starts it in the background, waits for its ready file
# (the first argument passed to every target), sets TARGET_PID.
start_target() {
	local py=$1 script=$2; shift 2
	local ready=$WORK/ready.$RANDOM$RANDOM
	"$py" "$script" "$ready" "$@" >"$WORK/target.out" 2>&1 &
	TARGET_PID=$!
	PIDS+=("$TARGET_PID")
	local i
	for i in $(seq 1 500); do
		# The ready file is made just before the target's steady loop: give it a moment
		# to get there, so that even the first sample sees the steady stack.
		[ -e "$ready" ] && sleep 0.1 && return 0
		kill -0 "$TARGET_PID" 2>/dev/null || break
		sleep 0.01
	done
	echo "target $script did not become ready" >&2
	cat "$WORK/target.out" >&2
	return 1
}

# wait_main_sleeping: waits until the target's main thread sleeps in time.sleep (select, poll,
# nanosleep or clock_nanosleep), not waiting for the GIL (futex): then its stack is the steady
# one even while other threads keep the GIL busy.
wait_main_sleeping() {
	local i nr
	for i in $(seq 1 300); do
		nr=$(cut -d' ' -f1 "/proc/$TARGET_PID/syscall" 2>/dev/null)
		case "$nr" in 7|23|35|230|270) return 0 ;; esac
		sleep 0.01
	done
	echo "main thread of $TARGET_PID never slept (last syscall $nr)" >&2
	return 1
}

stop_target() {
	kill -9 "$TARGET_PID" 2>/dev/null
	wait "$TARGET_PID" 2>/dev/null || true
	return 0
}

# state_of PID: the scheduler state letter (R, S, t, T, Z...).
state_of() { sed 's/.*) //' "/proc/$1/stat" | cut -c1; }

# no_errors FILE: pyflame's stderr holds nothing, or only the count of ticks missed (said when a
# loaded machine made it fall behind the rate asked for: the machine's business, not an error)
# and the share of the run the target stood stopped (said from 1%, as at 1 kHz).
no_errors() {
	! grep -v -q -E '^pyflame: ([0-9]+ of [0-9]+ ticks missed: |the target was stopped )' "$1"
}

# stopped_share FILE: the share of the run (percent, as pyflame says it on stderr) the target
# stood stopped; 0 when pyflame said nothing (under 1%).
stopped_share() {
	sed -n 's/^pyflame: the target was stopped \([0-9.]*\)% of the run.*/\1/p' "$1" | tail -n 1 |
		awk '{print $1 + 0} END {if (!NR) print 0}'
}

# state_between_ticks PID: like state_of, for a process another pyflame is sampling: a state
# of t (held for a tick, some 100 us) is read again, up to 50 times 10 ms apart.
state_between_ticks() {
	local i s
	for i in $(seq 1 50); do
		s=$(state_of "$1")
		[ "$s" != t ] && break
		sleep 0.01
	done
	echo "$s"
}

# tracer_of PID: the TracerPid from /proc/PID/status (0 when nobody traces it).
tracer_of() { awk '/^TracerPid:/ {print $2}' "/proc/$1/status"; }

# total_count FILE: the sum of the counts of all lines of a collapsed file.
total_count() { awk '{n += $NF} END {print n + 0}' "$1"; }

# count_of FILE STACK: the samples of exactly STACK in a collapsed file (0 when absent).
count_of() { awk -v w="$2" '{c = $NF; sub(/ [0-9]+$/, ""); if ($0 == w) n += c} END {print n + 0}' "$1"; }

# --subprocesses (-C) profiles start each stack with its process, "process PID (LABEL)", where
# LABEL is the command line joined by spaces, its program (up to the first space) by its file
# name alone, cut to 60 characters ending in "...", ';' written ',' and control characters as
# spaces.

# cmd_label ARGS...: the LABEL of a process run with these arguments.
cmd_label() {
	local s="$*" prog trimmed
	prog=${s%% *}
	trimmed=${prog%/}
	case $trimmed in */*) s="${trimmed##*/}${prog#"$trimmed"}${s#"$prog"}" ;; esac
	[ ${#s} -gt 60 ] && s="${s:0:57}..."
	# ';' would split the frame and a newline the stack: pyflame writes ',' and spaces.
	s=${s//;/,}
	s=$(printf '%s' "$s" | tr '\n\t\r' '   ')
	printf '%s\n' "$s"
}

# label_of PID: the LABEL of a live process, from its /proc/PID/cmdline.
label_of() {
	local s
	s=$(tr '\0' ' ' <"/proc/$1/cmdline") || return 1
	s=${s%"${s##*[! ]}"} # the NULs that end the arguments
	cmd_label "$s"
}

# process_pids FILE TAIL: the PIDs, one a line, of the processes with a stack in FILE that ends
# in exactly the frames TAIL ("file:func:line;file:func:line").
process_pids() {
	awk -v tail="$2" '$1 == "(idle)" {next}
		{sub(/ [0-9]+$/, "")}
		substr($0, length($0) - length(tail)) == ";" tail && match($0, /^process [0-9]+ \(/) {
			print substr($0, 9, RLENGTH - 10)
		}' "$1" | sort -n -u
}

# process_samples FILE PID TAIL: the samples of process PID whose stacks end in TAIL.
process_samples() {
	awk -v p="process $2 (" -v tail="$3" '{c = $NF; sub(/ [0-9]+$/, "")}
		index($0, p) == 1 && substr($0, length($0) - length(tail)) == ";" tail {n += c}
		END {print n + 0}' "$1"
}

# process_label FILE PID: the LABEL process PID's stacks in FILE carry (the first seen).
process_label() {
	awk -v p="process $2 (" 'index($0, p) == 1 {
			s = substr($0, length(p) + 1); sub(/\);.*/, "", s); print s; exit
		}' "$1"
}

# unrooted FILE: the lines of FILE that are neither "(idle) N", "(torn) N" nor a stack whose first
# frame is a whole "process PID (LABEL)" followed by at least one frame and a count.
unrooted() { grep -v -E '^(\((idle|torn)\) [0-9]+|process [0-9]+ \([^;]*\)(;[^;]+)+ [0-9]+)$' "$1"; }

# only_notes FILE [MORE]: pyflame's stderr holds nothing but the notes a loaded machine brings
# (ticks missed, the share of the run the target or processes stood stopped), samples lost to a
# process caught starting or exiting (children come and go: no interpreter state yet or any
# more, or gone while being stopped), together at most 2% of the samples, and the lines the
# extended regex MORE matches (without "pyflame: ").
only_notes() {
	awk -v more="${2:-}" '
		/^pyflame: [0-9]+ of [0-9]+ ticks missed: / || /^pyflame: the target was stopped / ||
		/^pyflame: the [0-9]+ processes were stopped / {next}
		/^pyflame: [0-9]+ of [0-9]+ samples: (no interpreter state|could not stop the target)/ {
			lost += $2; if ($4 > total) total = $4; next
		}
		more != "" && substr($0, 10) ~ "^(" more ")" {next}
		{noise++}
		END {exit !(noise == 0 && lost * 50 <= total)}' "$1"
}

# wait_sampling PID: until pyflame PID is in its sampling loop (asleep between ticks, in
# clock_nanosleep or nanosleep: nothing before the loop sleeps), 10 s at most.
wait_sampling() {
	local i nr
	for i in $(seq 1 1000); do
		nr=$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)
		case "$nr" in 230|35) return 0 ;; esac
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}

# each_label FUNC LABEL...: runs FUNC LABEL for each LABEL, up to PYFLAME_TEST_JOBS (3) at a time,
# each in a subshell with a WORK, TARGET_PID and cleanup of its own, and prints what each printed
# in LABEL order once all are done: the lines a plain loop would print, in less time where each
# body mostly waits (for a target to start, for a timed profile to end). FUNC's checks must not
# need the machine to themselves (no shared files, no fixed ports, no tight timing).
each_label() {
	local fn=$1 i=0 j label running=() p alive
	shift
	for label in "$@"; do
		while :; do
			alive=()
			for p in "${running[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
			running=("${alive[@]}")
			[ ${#running[@]} -lt "${PYFLAME_TEST_JOBS:-3}" ] && break
			wait -n "${running[@]}" 2>/dev/null
		done
		(
			WORK=$WORK/each.$i PIDS=() PGROUPS=()
			mkdir -p "$WORK"
			trap cleanup EXIT
			"$fn" "$label"
		) >"$WORK/each.$i.out" 2>&1 &
		running+=($!)
		i=$((i + 1))
	done
	wait "${running[@]}" 2>/dev/null
	for ((j = 0; j < i; j++)); do cat "$WORK/each.$j.out"; done
}

# direct_python3: when PATH finds pyenv's shim for python3, the interpreter it picks is run
# directly from then on: a directory of WORK's holding only a link to it goes first on PATH.
# The shim runs bash scripts before each start (half a second of CPU, seconds on a loaded
# machine), for the same interpreter: for tests that run python3 checkers many times.
direct_python3() {
	local p
	case $(command -v python3) in */shims/python3) ;; *) return 0 ;; esac
	p=$(python3 -c 'import sys; print(sys.executable)') && [ -x "$p" ] || return 0
	mkdir -p "$WORK/python3" && ln -sf "$p" "$WORK/python3/python3" && PATH=$WORK/python3:$PATH
}
