# t87-namespaces.sh: targets in their own PID and mount namespaces (made with unshare), run from
# paths that exist only inside: a static Python copied into a tmpfs, a shared-libpython
# Python whose install directory is moved to another path inside, and Debian sid's python3.14
# in its own root (chroot), as a container runs another distribution. Profiled from outside by the
# host PID, and from inside (nsenter) by the inner PID, with -p and -t; exact stacks.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! unshare --pid --mount --fork --mount-proc true 2>/dev/null; then
	skip "namespaces: unshare of PID and mount namespaces needs root here"
	exit 0
fi

# container LABEL PYTHON: starts busy.py in new namespaces, from a path under a tmpfs that only
# the namespace sees; sets HOST_PID and INNER_PID, and CTR (the inner root of the copy).
container() {
	local label=$1 py=$2 dir=$WORK/ns-$1
	mkdir -p "$dir"
	cat >"$dir/inside.sh" <<INSIDE
set -e
mount -t tmpfs tmpfs /mnt
mkdir -p /mnt/ctr/app /mnt/ctr/py
cp "$TARGETS/busy.py" /mnt/ctr/app/busy.py
case "$label" in
sid)
	# Debian sid's python3.14 in its own root, which the namespace's chroot makes its /: the
	# app and the ready file under that root's /mnt, a tmpfs only this namespace has.
	mount -t tmpfs tmpfs "$SID_ROOT/mnt"
	mkdir -p "$SID_ROOT/mnt/ctr/app"
	cp "$TARGETS/busy.py" "$SID_ROOT/mnt/ctr/app/busy.py"
	chroot "$SID_ROOT" /usr/bin/python3.14 /mnt/ctr/app/busy.py /mnt/ctr/ready &
	echo \$! >"$dir/inner.pid"
	echo /usr/bin/python3.14 >"$dir/exe"
	wait
	exit ;;
static)
	cp "$py" /mnt/ctr/py/python3
	export PYTHONHOME=/usr ;;
shared)
	# The install tree is bound at a new path and hidden at its old one, so that python and
	# libpython are mapped from paths the host does not have.
	prefix=\$(dirname "\$(dirname "$py")")
	mount --bind "\$prefix" /mnt/ctr/py
	mount -t tmpfs tmpfs "\$prefix"
	export PYTHONHOME=/mnt/ctr/py LD_LIBRARY_PATH=/mnt/ctr/py/lib ;;
esac
exe=/mnt/ctr/py/\$( [ "$label" = static ] && echo python3 || echo "bin/\$(basename "$py")")
"\$exe" /mnt/ctr/app/busy.py /mnt/ctr/ready &
echo \$! >"$dir/inner.pid"
echo "\$exe" >"$dir/exe"
wait
INSIDE
	unshare --pid --mount --fork --mount-proc bash "$dir/inside.sh" >"$dir/log" 2>&1 &
	NS_SHELL=$!; PIDS+=("$NS_SHELL")
	HOST_PID=
	local i
	for i in $(seq 1 500); do
		[ -s "$dir/inner.pid" ] && HOST_PID=$(pgrep -f "^$(cat "$dir/exe" 2>/dev/null) /mnt/ctr/app/busy.py" | head -n 1)
		[ -n "$HOST_PID" ] && [ -e "/proc/$HOST_PID/root/mnt/ctr/ready" ] && break
		sleep 0.02
	done
	INNER_PID=$(cat "$dir/inner.pid" 2>/dev/null)
	EXE=$(cat "$dir/exe" 2>/dev/null)
	PIDS+=("$HOST_PID")
	sleep 0.1
	[ -n "$HOST_PID" ] && [ -e "/proc/$HOST_PID/root/mnt/ctr/ready" ]
}

a=/mnt/ctr/app/busy.py
want="$a:<module>:$(line_of "$TARGETS/busy.py" module);$a:outer:$(line_of "$TARGETS/busy.py" outer);$a:inner:$(line_of "$TARGETS/busy.py" inner);$a:spin:$(line_of "$TARGETS/busy.py" spin)"

for kind in static shared sid; do
	case $kind in
	static) py=$(python_path debian-3.11) ;;
	shared) py=$(python_path 3.12) ;;
	sid) py=$(python_path sid-3.14) ;;
	esac
	if [ -z "$py" ] || [ ! -x "$py" ]; then
		skip "namespaces $kind: its interpreter is not installed"
		continue
	fi
	if ! container "$kind" "$py"; then
		not_ok "namespaces $kind: the target did not start" <"$WORK/ns-$kind/log"
		kill "$NS_SHELL" 2>/dev/null
		continue
	fi
	# What the target maps must not exist on the host, or the test would prove nothing.
	lib=$(awk '$6 ~ /libpython/ {print $6; exit}' "/proc/$HOST_PID/maps")
	hidden=yes
	[ -e "$EXE" ] && hidden="no: $EXE exists on the host"
	[ $kind = shared ] && { [ -z "$lib" ] || [ -e "$lib" ]; } && hidden="no: libpython '$lib' on the host"
	# From the host, by the host PID.
	"$PYFLAME" -p "$HOST_PID" -s 0 >"$WORK/prof" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/prof")" = "$want 1" ] && [ "$hidden" = yes ]; then
		ok "namespaces $kind: from the host by PID $HOST_PID ($EXE ${lib:+and $lib }only inside): exact stack"
	else
		{ echo "exit $rc, paths hidden from the host: $hidden"; cat "$WORK/prof" "$WORK/err"; } | not_ok "namespaces $kind: from the host"
	fi
	# From the host, the target's threads are told by host TIDs (its own thread ids number
	# them inside), in -d headers and for the name a thread without a threading name gets
	# (the process's own thread: MainThread, as threading would call it); a profile of many
	# ticks stops only the GIL holder, found through its pthread_t.
	comm=MainThread
	"$PYFLAME" -p "$HOST_PID" -d >"$WORK/dump" 2>"$WORK/err"; rc=$?
	"$PYFLAME" -p "$HOST_PID" -s 0.3 -r 0.002 --threads --thread-names >"$WORK/prof" 2>>"$WORK/err"; rc2=$?
	total=$(total_count "$WORK/prof")
	if [ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ "$(head -n 1 "$WORK/dump" | cut -d' ' -f1-2)" = "$HOST_PID*: $comm" ] &&
		[ "$total" -ge 30 ] && [ "$(count_of "$WORK/prof" "$comm;$want")" = "$total" ] && no_errors "$WORK/err"; then
		ok "namespaces $kind: from the host, thread $HOST_PID (host TID) named $comm; $total samples of --threads --thread-names in the exact stack"
	else
		{ echo "exit $rc $rc2"; cat "$WORK/dump" "$WORK/prof" "$WORK/err"; } | not_ok "namespaces $kind: host TIDs and names"
	fi
	# From inside, by the inner PID.
	nsenter -t "$HOST_PID" --pid --mount "$PYFLAME" -p "$INNER_PID" -s 0 >"$WORK/prof" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/prof")" = "$want 1" ]; then
		ok "namespaces $kind: inside by PID $INNER_PID: exact stack"
	else
		{ echo "exit $rc"; cat "$WORK/prof" "$WORK/err"; } | not_ok "namespaces $kind: inside"
	fi
	# -t inside: the command runs in the namespace and is profiled to its end.
	env_vars="PYTHONHOME=/usr" cmd=("$EXE")
	[ $kind = shared ] && env_vars="PYTHONHOME=/mnt/ctr/py LD_LIBRARY_PATH=/mnt/ctr/py/lib"
	[ $kind = sid ] && cmd=(chroot "$SID_ROOT" "$EXE") # followed through chroot's exec()
	nsenter -t "$HOST_PID" --pid --mount env $env_vars "$PYFLAME" -r 0.005 -t "${cmd[@]}" -S "$a" "" 0.4 >"$WORK/prof" 2>"$WORK/err"; rc=$?
	spin=$(count_of "$WORK/prof" "$want")
	total=$(total_count "$WORK/prof")
	if [ $rc -eq 0 ] && [ "$spin" -ge 20 ] && [ $((spin * 10)) -ge $((total * 6)) ]; then
		ok "namespaces $kind: -t inside: $spin of $total samples in the exact stack"
	else
		{ echo "exit $rc, spin $spin of $total"; cat "$WORK/prof" "$WORK/err"; } | not_ok "namespaces $kind: -t inside"
	fi
	kill -9 "$HOST_PID" 2>/dev/null
	kill "$NS_SHELL" 2>/dev/null; wait "$NS_SHELL" 2>/dev/null
done
