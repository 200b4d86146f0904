# t81-services.sh: `pyflame -C -p MASTER` on a pre-forking server profiles its workers: Debian's
# gunicorn with 2 and 4 sync workers, and uWSGI (python3 plugin) with a master and 4 workers,
# each serving tests/targets/wsgi_app.py on 127.0.0.1 under a bounded local client's load. The
# app's exact chain (application -> render -> compute, with their lines) is rooted at the
# workers' own PIDs, every worker's, never the master's. Each server runs in a process group of
# its own (setsid), killed whole when it is done and by the exit trap whatever happens.
# (t89 profiles one uWSGI worker by -p and uwsgi by -t; this file is the --subprocesses view.)
. "$(dirname "$0")/lib.sh"

app=$TARGETS/wsgi_app.py
chain="$app:application:$(line_of "$app" application);$app:render:$(line_of "$app" render);$app:compute:$(line_of "$app" compute)"
# Debian's own python3 for the helpers: pyenv's shims take a second to start on a loaded machine.
syspy=/usr/bin/python3

# A free port on 127.0.0.1, picked by the kernel.
free_port() { "$syspy" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_port PORT: until something accepts on it (10 s at most).
wait_port() {
	"$syspy" - "$1" <<'PY'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# load PORT SECONDS CLIENTS: CLIENTS connections at a time ask the app for /load until SECONDS
# have passed or 20000 answers came; prints how many answered.
load() {
	"$syspy" - "$@" <<'PY'
import http.client, sys, threading, time
port, seconds, clients = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
done = [0]
lock = threading.Lock()
def client():
    end = time.time() + seconds
    while time.time() < end and done[0] < 20000:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/load")
            good = c.getresponse().read().startswith(b"/load ")
            c.close()
            with lock:
                done[0] += good
        except OSError:
            time.sleep(0.01)
threads = [threading.Thread(target=client) for _ in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
print(done[0])
PY
}

# start_server LOG COMMAND...: runs it in a session (and process group) of its own, sets MASTER;
# returns 1 when it is not found leading its group after 5 s. In a shell without job control a
# background command leads no group, so setsid() needs no fork and MASTER is the server's own PID.
start_server() {
	local log=$1 i; shift
	setsid "$@" >"$log" 2>&1 &
	MASTER=$!
	PGROUPS+=("$MASTER")
	for i in $(seq 1 100); do
		[ "$(ps -o pgid= -p "$MASTER" | tr -d ' ')" = "$MASTER" ] && return 0
		sleep 0.05
	done
	return 1
}

# stop_server: SIGTERM to the whole group, SIGKILL after 5 s; 0 when nothing of it is left.
stop_server() {
	local i
	kill -TERM -- "-$MASTER" 2>/dev/null
	for i in $(seq 1 100); do
		pgrep -g "$MASTER" >/dev/null || break
		sleep 0.05
	done
	kill -KILL -- "-$MASTER" 2>/dev/null
	wait "$MASTER" 2>/dev/null
	sleep 0.1
	! pgrep -g "$MASTER" >/dev/null
}

# wait_workers N: until the master has N children (10 s at most); prints them, sorted.
wait_workers() {
	local i
	for i in $(seq 1 200); do
		[ "$(pgrep -P "$MASTER" | wc -l)" -eq "$1" ] && break
		sleep 0.05
	done
	pgrep -P "$MASTER" | sort -n
}

# odd_app_stacks FILE: the stacks that reach the app without being its chain: from its first
# frame on, each of its frames must be the chain's function at that depth, at the line of the
# call when another of its frames follows (a sample caught between calls ends early, a made-up
# or misordered frame is odd). What the app calls in the server (start_response) may follow.
odd_app_stacks() {
	awk -v app="$app:" -v chain="$chain" 'BEGIN {k = split(chain, want, ";")}
		{line = $0; sub(/ [0-9]+$/, "")}
		i = index($0, app) {
			m = split(substr($0, i), f, ";")
			for (n = 0; n < m && index(f[n + 1], app) == 1; n++);
			bad = n > k
			for (j = 1; j <= n && !bad; j++) {
				fn = want[j]; sub(/:[0-9]+$/, ":", fn)
				if (j < n ? f[j] != want[j] : index(f[j], fn) != 1 || f[j] !~ /:[0-9]+$/) bad = 1
			}
			if (bad) print line
		}' "$1"
}

# check_server WHAT N: profiles the master for 2 s under load; the app's chain must be rooted at
# each of its N workers, labelled as the workers' command lines, never at the master.
check_server() {
	local what=$1 n=$2 port=$3 workers got odd bad labels=ok w served rc
	workers=$(wait_workers "$n")
	# Until every worker has its app loaded (gunicorn imports it after the fork).
	load "$port" 0.5 "$n" >/dev/null
	load "$port" 3 $((n + 2)) >"$WORK/served" &
	local loader=$!
	sleep 0.4
	"$PYFLAME" -C -p "$MASTER" -s 2 -o "$WORK/prof" 2>"$WORK/err"; rc=$?
	wait "$loader"
	served=$(cat "$WORK/served")
	got=$(process_pids "$WORK/prof" "$chain")
	odd=$(odd_app_stacks "$WORK/prof")
	bad=$(unrooted "$WORK/prof")
	for w in $workers; do
		[ "$(process_label "$WORK/prof" "$w")" = "$(label_of "$w")" ] || labels="worker $w: '$(process_label "$WORK/prof" "$w")', not '$(label_of "$w")'"
		[ "$(tracer_of "$w")" = 0 ] || labels="$labels; worker $w traced"
	done
	if [ $rc -eq 0 ] && [ "$(echo $workers | wc -w)" -eq "$n" ] && [ "$got" = "$workers" ] && [ -z "$odd" ] &&
		[ -z "$bad" ] && [ "$labels" = ok ] && ! grep -q "^process $MASTER (.*$app:" "$WORK/prof" &&
		only_notes "$WORK/err"; then
		ok "$what: the app's exact chain rooted at each of the $n workers ($(echo $workers)), none at the master $MASTER; $served requests served"
	else
		{
			echo "exit $rc; master $MASTER; workers $(echo $workers); with the chain: $(echo $got); labels: $labels; served $served"
			echo "stacks in the app that are not its chain:"; echo "$odd"
			echo "not rooted at a process:"; echo "$bad"
			cat "$WORK/err"; grep -F "$app:" "$WORK/prof" | head -n 20
		} | not_ok "$what"
	fi
}

# --- gunicorn, sync workers
if ! [ -x /usr/bin/gunicorn ]; then
	skip "services gunicorn: Debian's gunicorn not installed (.ci/deps installs it)"
else
	for n in 2 4; do
		port=$(free_port)
		if ! start_server "$WORK/gunicorn.log" /usr/bin/gunicorn --chdir "$TARGETS" --workers "$n" \
			--worker-class sync --bind "127.0.0.1:$port" --log-level warning wsgi_app:application; then
			not_ok "services gunicorn $n workers: not in a process group of its own" </dev/null
		elif wait_port "$port"; then
			check_server "services gunicorn $n workers" "$n" "$port"
		else
			not_ok "services gunicorn $n workers: the server did not start" <"$WORK/gunicorn.log"
		fi
		stop_server || { pgrep -a -g "$MASTER" | not_ok "services gunicorn $n workers: processes left after the stop"; }
	done
fi

# --- uWSGI: a master and 4 workers, the interpreter embedded in uwsgi
if ! command -v uwsgi >/dev/null; then
	skip "services uwsgi: uwsgi-core not installed (.ci/deps installs it)"
elif ! uwsgi --plugin python3 --help >/dev/null 2>&1; then
	skip "services uwsgi: the python3 plugin (uwsgi-plugin-python3) not installed"
else
	port=$(free_port)
	if ! start_server "$WORK/uwsgi.log" uwsgi --plugin python3 --http-socket "127.0.0.1:$port" --wsgi-file "$app" \
		--master --processes 4 --disable-logging --die-on-term; then
		not_ok "services uwsgi 4 workers: not in a process group of its own" </dev/null
	elif wait_port "$port"; then
		check_server "services uwsgi 4 workers" 4 "$port"
	else
		not_ok "services uwsgi 4 workers: the server did not start" <"$WORK/uwsgi.log"
	fi
	stop_server || { pgrep -a -g "$MASTER" | not_ok "services uwsgi 4 workers: processes left after the stop"; }
fi
