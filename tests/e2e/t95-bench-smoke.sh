# t95-bench-smoke.sh: `make bench` runs end to end on a tiny workload and its JSON parses with
# every section. No timing is asserted here: the numbers are the benchmark's business. --quick
# never builds austin 3.7.0; when `make bench` has built it, its columns are checked too.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null; then
	skip "bench smoke: no python3 to run bench/run"
	exit 0
fi
if "$ROOT/bench/run" --quick --json "$WORK/bench.json" >"$WORK/out" 2>"$WORK/err"; then
	ok "bench smoke: bench/run --quick completes"
else
	cat "$WORK/out" "$WORK/err" | not_ok "bench smoke: bench/run --quick completes"
fi
if python3 - "$WORK/bench.json" >"$WORK/check" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for key in ("cost_per_sample", "slowdown", "many_threads", "fill", "accuracy", "peak_rss", "formats",
            "subprocesses", "threads_cost", "scale", "austin", "goals", "async"):
    assert key in d, "missing " + key
assert all(r["pyflame_us"] is not None for r in d["cost_per_sample"]), "a cost without samples"
austin = d["austin"]["built"]
assert len(d["slowdown"]) == 9 + austin and len(d["fill"]) == 2, "slowdown: 4 rates x 2 modes, --native at 100 Hz, austin at 1 kHz"
if austin:  # the quick interpreters, 3.10 and 3.12, are both read by austin 3.7.0
    assert all(r["austin_us"] is not None for r in d["cost_per_sample"]), "an austin 3.7.0 cost without samples"
    assert all(r["austin_us"] is not None for r in d["threads_cost"]), "austin 3.7.0 without sweeps beside blocked threads"
tc = d["threads_cost"]
assert [r["blocked"] for r in tc] == [0, 10], "threads cost: none and 10 blocked"
assert all(r["pausing_us"] and r["nonblocking_us"] for r in tc), "threads cost without samples"
shaped = [r for r in d["scale"] if not r["shape"].endswith(" waiting")]
waiting = [r for r in d["scale"] if r["shape"].endswith(" waiting")]
assert len(shaped) == 2 * (2 + austin), "scale: 2 shapes x (pausing, nonblocking, austin)"
# austin 3.7.0 now and then gives no time for a run of a fraction of a second (the bench says
# why on a line of its own); pyflame's rows must have every figure.
assert all(r["ratio"] and r["cost_per_tick_us"] for r in shaped if r["mode"] != "austin"), "a scale row without its figures: %r" % d["scale"]
assert all(r["ratio"] or r["cost_per_tick_us"] for r in shaped), "an austin scale row with no figure: %r" % d["scale"]
# The idle server: pyflame's row (no slowdown: no work), its stopped share and cost, and
# austin's when it gave a figure.
assert waiting and waiting[0]["mode"] == "pausing" and waiting[0]["cost_per_tick_us"] and waiting[0]["stopped_pct"] is not None and len(waiting) <= 1 + austin, "the idle server's scale rows: %r" % waiting
assert all(isinstance(g["met"], bool) for g in d["goals"])
assert any(r["mode"] == "native" for r in d["slowdown"])
assert all(r.get("pyflame_native_us") is not None for r in d["cost_per_sample"] if r["depth"] == 30), "--native cost without samples"
assert all(r.get("pauses_per_run") is not None and r["pauses_per_run"] >= 1 for r in d["cost_per_sample"]), "a pausing cost run whose pauses were not said"
assert len(d["many_threads"]) == 8, "many threads: 2 rates x 2 modes x 2 thread counts"
assert all(r["ratio"] is not None for r in d["many_threads"]), "a many-threads run without its time"
phases = d["many_threads_phases"]
assert [(r["mode"], r["idle_threads"]) for r in phases] == [(m, n) for m in ("pausing", "nonblocking") for n in (0, 10)], phases
assert all(r["ratio"] and r["pairs"] == 2 for r in phases), "a slowdown by phases without its pairs: %r" % phases
assert any(g["goal"] == "slowdown, blocked - none" for g in d["goals"]), "the blocked - none goal not judged"
assert 0 <= d["accuracy"]["worst_error_points"] <= 100
assert d["peak_rss"]["kib"] > 0
assert d["formats"]["ratio"] is not None, "writing all formats gave no samples"
sub = d["subprocesses"]
assert len(sub) == 3, "subprocesses: three worker counts"
assert sub[0]["workers"] == 1 and sub[0]["workers"] < sub[1]["workers"] < sub[2]["workers"]
for r in sub:
    assert r["processes"] == r["workers"] + 1
    for k in ("process_samples", "fill", "pyflame_us", "pyflame_nonblocking_us", "startup_ms",
              "nonblocking_startup_ms", "ratio", "nonblocking_ratio"):
        assert r[k] is not None and r[k] > 0, "subprocesses, %d workers: %s is %r" % (r["workers"], k, r[k])
    assert r["fill"] <= 1.1, "subprocesses: more process-samples than (ticks due x processes)"
assert sub[0]["ratio"] == 1 and sub[0]["nonblocking_ratio"] == 1
aw = d["async"]
assert [(r["tasks"], r["mode"]) for r in aw] == [(n, m) for n in (10, 100) for m in ("plain", "--async", "--async --idle-tasks")], aw
assert all(r["pyflame_us"] for r in aw), "an --async run without samples: %r" % aw
assert all(r["rooted"] > 0.5 for r in aw if r["mode"] != "plain"), "--async samples not under Task-1: %r" % aw
assert all(r["rooted"] == 0 for r in aw if r["mode"] == "plain"), "a plain sample under a task: %r" % aw
PY
then
	ok "bench smoke: the JSON parses with every section filled"
else
	cat "$WORK/check" | not_ok "bench smoke: the JSON parses with every section filled"
fi
