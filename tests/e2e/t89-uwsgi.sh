# t89-uwsgi.sh: uWSGI (Debian's uwsgi-core with its python3 plugin, an interpreter embedded in
# a program that is not python) serving tests/targets/wsgi_app.py on 127.0.0.1 under load from
# a local client: a worker attached with -p, and uwsgi run by -t, give the app's true stack.
. "$(dirname "$0")/lib.sh"

if ! command -v uwsgi >/dev/null; then
	skip "uwsgi: uwsgi-core not installed (.ci/deps installs it)"
	exit 0
fi
if ! uwsgi --plugin python3 --help >/dev/null 2>&1; then
	skip "uwsgi: the python3 plugin (uwsgi-plugin-python3) not installed"
	exit 0
fi

app=$TARGETS/wsgi_app.py
want="$app:application:$(line_of "$app" application);$app:render:$(line_of "$app" render);$app:compute:$(line_of "$app" compute)"

# A free port on 127.0.0.1, picked by the kernel.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# load PORT SECONDS: keeps two keep-alive clients busy on the app; prints how many answered.
load() {
	python3 - "$1" "$2" <<'PY'
import http.client, sys, threading, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
done = [0]
def client():
    end = time.time() + seconds
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/load")
            if c.getresponse().read().startswith(b"/load "):
                done[0] += 1
            c.close()
        except OSError:
            time.sleep(0.01)
threads = [threading.Thread(target=client) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(done[0])
PY
}

# wait_port PORT: until the server answers.
wait_port() {
	local i
	for i in $(seq 1 200); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# check_app_stacks FILE: how many samples are in the app's exact chain; "bad" when a stack in
# the app is not a true one: each frame must be the chain's function at that depth
# (application, render, compute), so a sample caught between calls is fine, a made-up or
# misordered frame is not. uWSGI's own start-up imports do not mention the app.
check_app_stacks() {
	awk -v w="$want" -v app="$app" 'BEGIN {split("application render compute", chain, " ")}
		$1 == "(idle)" {next}
		{c = $NF; sub(/ [0-9]+$/, "")}
		$0 == w {n += c; next}
		index($0, app) {
			k = split($0, f, ";")
			if (k > 3) bad++
			for (i = 1; i <= k; i++)
				if (index(f[i], app ":" chain[i] ":") != 1 || f[i] !~ /:[0-9]+$/) bad++
		}
		END {if (bad) print "bad"; else print n + 0}' "$1"
}

# pauses_of ERR: N of the summary's last "in N pauses".
pauses_of() { grep -o 'in [0-9]* pauses' "$1" | tail -n 1 | awk '{print $2}'; }

# -p: a worker of a master/worker uWSGI, found as the master's child.
port=$(free_port)
uwsgi --plugin python3 --http-socket "127.0.0.1:$port" --wsgi-file "$app" --master --processes 1 \
	--disable-logging --die-on-term >"$WORK/uwsgi.log" 2>&1 &
master=$!; PIDS+=("$master")
if wait_port "$port"; then
	worker=$(pgrep -P "$master" | head -n 1)
	# Waiting for a request, the worker holds the GIL in uWSGI's C code (its threads are not
	# enabled): no Python frame, so every tick is idle and none stops it.
	"$PYFLAME" -p "$worker" -s 0.5 -r 0.001 --summary -o "$WORK/idle" 2>"$WORK/err"; rc=$?
	pauses=$(pauses_of "$WORK/err")
	if [ $rc -eq 0 ] && [ "$(awk '$1 != "(idle)"' "$WORK/idle")" = "" ] && [ -s "$WORK/idle" ] &&
		[ "$pauses" = 0 ]; then
		ok "uwsgi -p idle worker: $(awk '{print $NF}' "$WORK/idle") idle samples at 1 kHz, in 0 pauses"
	else
		{ echo "exit $rc, pauses '$pauses'"; cat "$WORK/idle" "$WORK/err"; } | not_ok "uwsgi -p idle worker"
	fi
	load "$port" 2.5 >"$WORK/served" &
	loader=$!
	sleep 0.3
	"$PYFLAME" -p "$worker" -s 1.5 -r 0.005 --summary -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	wait "$loader"
	n=$(check_app_stacks "$WORK/prof")
	pauses=$(pauses_of "$WORK/err")
	# The worker was forked after the interpreter started, so its thread state holds the
	# master's TID: the holder is told by its pthread_t instead, and once stacks seen stopped
	# are known most samples stop nothing (with every tick pausing, pauses >= samples).
	if [ $rc -eq 0 ] && [ "$n" != bad ] && [ "$n" -ge 20 ] && [ "$(tracer_of "$worker")" = 0 ] &&
		[ -n "$pauses" ] && [ $((pauses * 2)) -lt "$n" ]; then
		ok "uwsgi -p worker $worker: $n samples in the exact app stack, $pauses pauses, $(cat "$WORK/served") requests served, worker untraced"
	else
		{ echo "exit $rc, app samples $n, pauses '$pauses', want $want"; cat "$WORK/prof" "$WORK/err"; } | not_ok "uwsgi -p worker"
	fi
else
	not_ok "uwsgi -p: server did not start" <"$WORK/uwsgi.log"
fi
kill -TERM "$master" 2>/dev/null; wait "$master" 2>/dev/null

# -t: one uwsgi process serving by itself, run by pyflame, stopped with SIGINT after the load.
port=$(free_port)
"$PYFLAME" -r 0.005 -o "$WORK/prof" -t uwsgi --plugin python3 --http-socket "127.0.0.1:$port" \
	--wsgi-file "$app" --disable-logging >"$WORK/uwsgi.log" 2>&1 &
pf=$!; PIDS+=("$pf")
if wait_port "$port"; then
	load "$port" 1.5 >"$WORK/served"
	kill -INT "$(pgrep -P "$pf" | head -n 1)"
	wait "$pf"; rc=$?
	n=$(check_app_stacks "$WORK/prof")
	# uWSGI exits with status 30 after SIGINT; pyflame passes it on.
	if [ $rc -eq 30 ] && [ "$n" != bad ] && [ "$n" -ge 20 ]; then
		ok "uwsgi -t: $n samples in the exact app stack, uwsgi's exit status 30 passed on"
	else
		{ echo "exit $rc, app samples $n"; cat "$WORK/prof" "$WORK/uwsgi.log"; } | not_ok "uwsgi -t"
	fi
else
	not_ok "uwsgi -t: server did not start" <"$WORK/uwsgi.log"
	kill "$pf"
fi
