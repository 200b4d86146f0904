# t83-speedscope-browser.sh: pyflame's speedscope files as users open them: checked against
# speedscope's own schema, then loaded by speedscope itself (npm) in Debian's headless chromium,
# where clicking the hot frame must show busy.py's exact stack and a search must find it.
. "$(dirname "$0")/lib.sh"

B=$ROOT/tests/browser
if ! command -v node >/dev/null || [ ! -x /usr/bin/chromium ]; then
	skip "speedscope in chromium: node or chromium not installed (.ci/deps installs them)"
	exit 0
fi
if [ ! -d "$B/node_modules/speedscope" ] || [ ! -d "$B/node_modules/playwright-core" ]; then
	skip "speedscope in chromium: run 'npm ci --prefix tests/browser' (.ci/deps does)"
	exit 0
fi
py=$(python_path 3.12)
if [ -z "$py" ]; then
	skip "speedscope in chromium: Python 3.12 not installed"
	exit 0
fi

t=$TARGETS/busy.py
chain="spin ($t:$(line_of "$t" spin)) > inner ($t:$(line_of "$t" inner)) > outer ($t:$(line_of "$t" outer)) > <module> ($t:$(line_of "$t" module))"
# Aggregated stacks, and a timeline (--flamechart: samples in time order).
for mode in aggregated flamechart; do
	flag=; [ $mode = flamechart ] && flag=--flamechart
	"$PYFLAME" $flag -r 0.005 -o "$WORK/p.speedscope.json" -t "$py" -S "$t" "" 0.5 2>"$WORK/err" ||
		{ not_ok "speedscope $mode: pyflame failed" <"$WORK/err"; continue; }
	timeout 120 node "$B/speedscope.mjs" "$WORK/p.speedscope.json" spin "$chain" inner 2>&1 |
		sed "s/^\(\(not \)\?ok - speedscope\)/\1 ($mode)/"
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || echo "not ok - speedscope ($mode): the browser check exited $rc"
done
