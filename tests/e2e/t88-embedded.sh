# t88-embedded.sh: a C program of our own (tests/targets/embed.c) linking each installed shared
# libpython and running busy.py through the embedding API. No python executable is involved:
# the version must come from the mapped libpython, and the stacks must be exact, with -p and -t.
. "$(dirname "$0")/lib.sh"

want=$(busy_stack)
for label in $ALL_PYTHONS; do
	case "$label" in
	debian-*) continue ;; # a static executable: nothing to link
	sid-*)
		# Debian links libpython into python3.X statically, and builds for sid's libc
		# cannot link here: the embedding API is tested on pyenv's shared builds.
		skip "embedded $label: Debian's python${label#sid-} has no shared libpython to embed"
		continue ;;
	esac
	use_python "$label" "embedded" || continue
	prefix=$(dirname "$(dirname "$py")")
	lib=$(ls "$prefix"/lib/libpython"$label"*.so.1.0 2>/dev/null | head -n 1)
	inc=$(ls -d "$prefix"/include/python"$label"* 2>/dev/null | head -n 1)
	if [ -z "$lib" ] || [ -z "$inc" ]; then
		skip "embedded $label: no shared libpython or headers in $prefix"
		continue
	fi
	name=$(basename "$lib" .so.1.0); name=${name#lib}
	exe=$WORK/embed-$label
	if ! cc -O1 -Wall -Wno-deprecated-declarations -I"$inc" "$ROOT/tests/targets/embed.c" \
		-L"$prefix/lib" -Wl,-rpath,"$prefix/lib" -l"$name" -o "$exe" 2>"$WORK/cc.err"; then
		not_ok "embedded $label: embed.c does not build" <"$WORK/cc.err"
		continue
	fi

	# -p: one sample of the running host program, and the version read from libpython.
	start_target "$exe" "$TARGETS/busy.py" || continue
	"$PYFLAME" -p "$TARGET_PID" -s 0 --record "$WORK/e.img" >"$WORK/prof" 2>"$WORK/err"; rc=$?
	exe_link=$(readlink "/proc/$TARGET_PID/exe")
	stop_target
	version=$(head -c 400 "$WORK/e.img" 2>/dev/null | tr '\0' '\n' | sed -n 's/^version //p')
	binary=$(head -c 600 "$WORK/e.img" 2>/dev/null | tr '\0' '\n' | sed -n 's/^binary //p')
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/prof")" = "$want 1" ] && [ "$exe_link" = "$exe" ] &&
		[ "${version%.*}" = "$label" ] && [ "$binary" = "$lib" ]; then
		ok "embedded $label -p: exact stack; version $version from $(basename "$binary")"
	else
		{ echo "exit $rc, version '$version', binary '$binary', exe $exe_link"; cat "$WORK/prof" "$WORK/err"; } | not_ok "embedded $label -p"
	fi

	# -t: the host program run to its end, its exit status kept.
	"$PYFLAME" -r 0.005 -o "$WORK/prof" -t "$exe" "$TARGETS/busy.py" "" 0.4 2>"$WORK/err"; rc=$?
	spin=$(count_of "$WORK/prof" "$want")
	total=$(total_count "$WORK/prof")
	if [ $rc -eq 0 ] && [ "$spin" -ge 20 ] && [ $((spin * 10)) -ge $((total * 6)) ]; then
		ok "embedded $label -t: $spin of $total samples in the exact spin stack"
	else
		{ echo "exit $rc, spin $spin of $total"; cat "$WORK/prof" "$WORK/err"; } | not_ok "embedded $label -t"
	fi
done

# --abi for a build whose version cannot be found: 3.10's libpython (no Py_Version symbol)
# copied under a name without its version and with its version strings blanked, loaded by the
# host program through a symlink carrying its SONAME. Detection must give up with a clear
# line; --abi=310 must then profile it exactly.
py=$(python_path 3.10)
prefix=$(dirname "$(dirname "${py:-/nonexistent/bin/x}")")
if [ -n "$py" ] && [ -x "$WORK/embed-3.10" ] && [ -f "$prefix/lib/libpython3.10.so.1.0" ]; then
	mkdir -p "$WORK/anon"
	python3 - "$prefix/lib/libpython3.10.so.1.0" "$WORK/anon/libpython3-custom.so" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(re.sub(rb"3\.10\.\d+", lambda m: b"X" * len(m.group(0)), data))
PY
	ln -sf libpython3-custom.so "$WORK/anon/libpython3.10.so.1.0"
	ready=$WORK/anon/ready
	LD_LIBRARY_PATH=$WORK/anon PYTHONHOME=$prefix "$WORK/embed-3.10" "$TARGETS/busy.py" "$ready" >"$WORK/anon/out" 2>&1 &
	TARGET_PID=$!; PIDS+=("$TARGET_PID")
	for i in $(seq 1 300); do [ -e "$ready" ] && break; sleep 0.01; done
	sleep 0.1
	mapped=$(awk '$6 ~ /libpython/ {print $6; exit}' "/proc/$TARGET_PID/maps")
	"$PYFLAME" -p "$TARGET_PID" -s 0 >"$WORK/prof" 2>"$WORK/err"; rc=$?
	"$PYFLAME" -p "$TARGET_PID" -s 0 --abi=310 >"$WORK/prof2" 2>"$WORK/err2"; rc2=$?
	stop_target
	if [ "$mapped" = "$WORK/anon/libpython3-custom.so" ] && [ $rc -eq 1 ] &&
		[ "$(cat "$WORK/err")" = "pyflame: cannot tell the Python version of $mapped; name it with --abi" ] &&
		[ $rc2 -eq 0 ] && [ "$(cat "$WORK/prof2")" = "$want 1" ]; then
		ok "embedded: a libpython without its version is refused in one line, and --abi=310 profiles it exactly"
	else
		{ echo "mapped $mapped; without --abi exit $rc; with --abi exit $rc2"; cat "$WORK/err" "$WORK/prof2" "$WORK/err2" "$WORK/anon/out"; } | not_ok "embedded: --abi for an unknown version"
	fi
else
	skip "embedded --abi: Python 3.10's shared libpython not installed"
fi
