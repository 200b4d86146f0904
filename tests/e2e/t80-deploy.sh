# t80-deploy.sh: targets whose interpreter is not where its path says: started through a
# virtualenv's symlinked executable, and started from an executable deleted after it started
# (a deploy replacing files). Binaries are read through /proc/PID/map_files, not by path.
. "$(dirname "$0")/lib.sh"

t=$TARGETS/busy.py
want="$(busy_stack) 1"

py=$(python_path 3.12)
if [ -n "$py" ] && "$py" -m venv --without-pip "$WORK/venv" 2>"$WORK/err"; then
	start_target "$WORK/venv/bin/python" "$t"
	"$PYFLAME" -s 0 -p "$TARGET_PID" >"$WORK/out" 2>>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/out")" = "$want" ]; then
		ok "deploy: a virtualenv's symlinked python, exact stack"
	else { echo "exit $rc"; cat "$WORK/out" "$WORK/err"; } | not_ok "deploy: virtualenv"; fi
	stop_target
else
	skip "deploy: virtualenv: Python 3.12 or its venv module is not available"
fi

# A copy of each kind of interpreter, deleted once running: Debian's static one (the state is
# in the deleted file itself) and a pyenv one (its libpython stays in place).
for label in debian-3.11 3.13; do
	py=$(python_path "$label")
	if [ -z "$py" ]; then skip "deploy: deleted $label executable: not installed"; continue; fi
	cp "$py" "$WORK/python-copy"
	start_target "$WORK/python-copy" "$t"
	rm "$WORK/python-copy"
	"$PYFLAME" -s 0 -p "$TARGET_PID" >"$WORK/out" 2>"$WORK/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$WORK/out")" = "$want" ] && grep -q 'python-copy (deleted)' "/proc/$TARGET_PID/maps"; then
		ok "deploy: $label started from an executable since deleted, exact stack"
	else
		{ echo "exit $rc"; cat "$WORK/out" "$WORK/err"; } | not_ok "deploy: deleted $label executable"
	fi
	stop_target
done
