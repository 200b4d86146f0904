# t36-native.sh: --native merges each stack's native frames with its Python frames. The
# target calls libc's qsort through ctypes with a Python comparison that spins: a sample in
# the comparison must read, outermost first, the caller's Python frames, then C frames with
# qsort among them, then the comparison's Python frame, innermost; with the native frames left
# out, the Python frames are the plain profile's stack. A C extension built here against each
# interpreter's headers gives the exact stack Python -> C -> Python -> C. numpy's BLAS and
# pocketfft show under their Python lines. Also: -d --native shows native frames, and --native
# with --nonblocking is refused in one line.
. "$(dirname "$0")/lib.sh"

t=$TARGETS/callback.py
mod="$t:<module>:$(line_of "$t" module)"
caller="$t:sort_it:$(line_of "$t" qsort)"
cmp="$t:compare:"
for label in $ALL_PYTHONS; do
	use_python "$label" "native" || continue
	start_target "$py" "$t" || { echo "not ok - native $label: target did not start"; continue; }
	"$PYFLAME" --native -p "$TARGET_PID" -s 1 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	# Per stack: whether it is the callback shape, and whether its Python frames alone are
	# a stack of this program (every frame of the target's file is one of its own, in order).
	read -r total merged python_ok <<<"$(awk -v mod="$mod" -v caller="$caller" -v cmp="$cmp" -v t="$t" '
		{ c = $NF; sub(/ [0-9]+$/, ""); total += c; n = split($0, f, ";")
		  if ($0 == "(idle)") { ok += c; next }
		  py = ""; q = 0; at = 0; shape = 0
		  for (i = 1; i <= n; i++) {
			if (index(f[i], t ":") == 1 || index(f[i], "<frozen") == 1 || f[i] ~ /\.py:/) py = py (py ? ";" : "") f[i]
			if (f[i] ~ /qsort/ && at == 1) q = 1
			if (f[i] == caller) at = 1
			if (index(f[i], cmp) == 1 && q) shape = 1
		  }
		  if (shape && f[1] == mod && f[2] == caller) merged += c
		  if (index(py, mod ";" caller) == 1) ok += c
		}
		END { print total + 0, merged + 0, ok + 0 }' "$WORK/prof")"
	# Where no native frame is named as the eval loop, C frames cannot be placed between
	# Python frames, only under the innermost (its leaf calls: clock_gettime here). Debian's
	# python3.14 is such a build: a static binary with only .dynsym, whose exported
	# _PyEval_EvalFrameDefault (1184 bytes) is not on the stack; the loop runs in local
	# functions that nothing names.
	exported=yes
	case $label in sid-*) exported=no ;; esac
	leaf=$(awk -v cmp="$cmp" '{c = $NF; sub(/ [0-9]+$/, ""); n = split($0, f, ";")
		for (i = 1; i < n; i++) if (index(f[i], cmp) == 1 && f[n] !~ /\.py:/) { m += c; break } }
		END {print m + 0}' "$WORK/prof")
	# The comparison spins for all but a few instructions per call: most samples are in it.
	if [ $exported = no ] && [ $rc -eq 0 ] && [ "$total" -ge 30 ] && [ "$leaf" -ge 1 ] &&
		[ $((python_ok * 10)) -ge $((total * 9)) ]; then
		ok "native $label: eval loop not exported: $leaf of $total samples end in C frames under the callback; Python order kept in $python_ok"
	elif [ $rc -eq 0 ] && [ "$total" -ge 30 ] && [ $((merged * 2)) -ge "$total" ] &&
		[ $((python_ok * 10)) -ge $((total * 9)) ]; then
		ok "native $label: $merged of $total samples read caller, qsort's C frames, then the Python callback; Python order kept in $python_ok"
	else
		{ echo "exit $rc: $merged merged, $python_ok in Python order, of $total"; cat "$WORK/err"; head -c 3000 "$WORK/prof"; } |
			not_ok "native $label"
	fi
	# One snapshot: without the eval loop named, it may as well be taken in Python code,
	# with no C frame to show; the Python frames must be there all the same. A snapshot can
	# also land between two sorts (building the next array, in _ctypes, once in a few hundred
	# runs), or in ctypes' own call before qsort is reached (under the caller's line all the
	# same: PyCFuncPtr_call, PyObject_stgdict): up to three are taken until one shows both,
	# and each must succeed as a run.
	want_c=qsort; [ $exported = no ] && want_c=
	for try in 1 2 3; do
		"$PYFLAME" --native -d -p "$TARGET_PID" >"$WORK/dump" 2>"$WORK/err"; rc=$?
		[ $rc -ne 0 ] && break
		grep -q -x "  $caller" "$WORK/dump" && grep -q -E "^  .*$want_c" "$WORK/dump" && break
	done
	if [ $rc -eq 0 ] && grep -q -E "^  .*$want_c" "$WORK/dump" && grep -q -x "  $caller" "$WORK/dump"; then
		ok "native $label: -d --native shows ${want_c:-the Python frames, the C ones where named,} in the dump"
	else
		{ echo "exit $rc"; cat "$WORK/dump" "$WORK/err"; } | not_ok "native $label: -d --native"
	fi
	stop_target
done

"$PYFLAME" --native --nonblocking -p 1 -s 0 >"$WORK/out" 2>"$WORK/err"; rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q -- "--native needs the threads stopped" "$WORK/err"; then
	ok "native: --nonblocking refused in one line ($(cat "$WORK/err"))"
else
	{ echo "exit $rc"; cat "$WORK/err"; } | not_ok "native: --nonblocking refused"
fi

# A C extension built here against each interpreter's own headers: Python -> C -> Python -> C,
# each C function by its name in its source file, in exactly this order.
t=$TARGETS/cext_user.py
want="$t:<module>:$(line_of "$t" module);$t:outer:$(line_of "$t" outer);cext.c:call_back:*;cext.c:call_back_here:*;$t:inner:$(line_of "$t" inner);cext.c:spin:*;cext.c:spin_here:*"
for label in $ALL_PYTHONS; do
	use_python "$label" "native C extension" || continue
	# Headers and the module's file name, as the interpreter itself says (a sid one says
	# them inside its root).
	root=; case $label in sid-*) root=$SID_ROOT ;; esac
	read -r inc platinc suffix <<<"$("$py" -c 'import sysconfig; p = sysconfig.get_paths(); print(p["include"] + " " + p["platinclude"] + " " + (sysconfig.get_config_var("EXT_SUFFIX") or sysconfig.get_config_var("SO")))' 2>/dev/null)"
	if [ ! -f "$root$inc/Python.h" ]; then
		skip "native C extension $label: no Python.h for it ($root$inc; its -dev package is not installed)"
		continue
	fi
	dir=$WORK/cext-$label; mkdir -p "$dir"
	# A sid root's multiarch pyconfig.h is found under its /usr/include, after the host's own
	# headers (its libc's must not replace ours).
	if ! cc -shared -fPIC -g -O1 -I"$root$inc" -I"$root$platinc" ${root:+-idirafter "$root/usr/include"} \
		-o "$dir/cext$suffix" "$TARGETS/cext.c" 2>"$WORK/err"; then
		not_ok "native C extension $label: cannot build it" <"$WORK/err"
		continue
	fi
	start_target "$py" "$t" "$dir" || { echo "not ok - native C extension $label: target did not start"; continue; }
	"$PYFLAME" --native -p "$TARGET_PID" -s 0.5 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	total=$(total_count "$WORK/prof")
	# Without the eval loop named (Debian's python3.14, above), the C frames go under the
	# innermost Python frame only.
	w=$want
	case $label in sid-*) w="$t:<module>:$(line_of "$t" module);$t:outer:$(line_of "$t" outer);$t:inner:$(line_of "$t" inner);cext.c:spin:*;cext.c:spin_here:*" ;; esac
	# Lines of C vary with the compiler: compared as a pattern, the rest exactly.
	exact=$(awk -v w="$w" '{c = $NF; sub(/ [0-9]+$/, ""); n = split($0, f, ";"); m = split(w, g, ";")
		same = n == m; for (i = 1; same && i <= n; i++) {
			p = g[i]; if (p ~ /\*$/) { p = substr(p, 1, length(p) - 1); same = index(f[i], p) == 1 }
			else same = f[i] == p }
		if (same) k += c } END {print k + 0}' "$WORK/prof")
	if [ $rc -eq 0 ] && [ "$total" -ge 20 ] && [ $((exact * 2)) -ge "$total" ]; then
		ok "native C extension $label: $exact of $total samples exactly $(echo "$w" | sed 's|[^;]*/||g')"
	else
		{ echo "exit $rc: $exact of $total exact"; cat "$WORK/err"; head -c 3000 "$WORK/prof"; } |
			not_ok "native C extension $label"
	fi
	stop_target
done

# numpy on Debian's python3.11: the matrix product and the FFT run in C with the GIL let go;
# --native shows BLAS's gemm under the Python line of the product, and pocketfft's module under
# the FFT's, each still marked as running without the GIL.
t=$TARGETS/numeric.py
py=$(python_path debian-3.11)
if [ -z "$py" ] || ! "$py" -c 'import numpy' 2>/dev/null; then
	skip "native numpy: Debian's python3.11 with python3-numpy is not installed (.ci/deps installs it)"
elif ! start_target "$py" "$t"; then
	echo "not ok - native numpy: target did not start"
else
	"$PYFLAME" --native -p "$TARGET_PID" -s 1 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	total=$(total_count "$WORK/prof")
	gemm=$(awk -v p="$t:products:$(line_of "$t" matmul);" '{c = $NF} index($0, p) && /gemm/ {n += c} END {print n + 0}' "$WORK/prof")
	fft=$(awk -v p="$t:transforms:$(line_of "$t" fft);" '{c = $NF} index($0, p) && /_pocketfft_internal/ {n += c} END {print n + 0}' "$WORK/prof")
	released=$(grep -c ';(native, GIL released) [0-9]*$' "$WORK/prof")
	if [ $rc -eq 0 ] && [ "$gemm" -ge 1 ] && [ "$fft" -ge 1 ] && [ "$released" -ge 1 ] &&
		[ $((gemm + fft)) -ge $((total / 2)) ]; then
		ok "native numpy: $gemm samples in BLAS gemm under the product's line, $fft in pocketfft under the FFT's, of $total"
	else
		{ echo "exit $rc: gemm $gemm fft $fft released $released of $total"; cat "$WORK/err"; cut -c1-600 "$WORK/prof" | head -20; } |
			not_ok "native numpy"
	fi
	stop_target
fi
