# t95-bench-smoke.sh: `make bench` runs end to end on a tiny workload and its JSON parses with
# every section. No timing is asserted here: the numbers are the benchmark's business.
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
            "subprocesses"):
    assert key in d, "missing " + key
assert all(r["pyflame_us"] is not None for r in d["cost_per_sample"]), "a cost without samples"
assert len(d["slowdown"]) == 9 and len(d["fill"]) == 2, "slowdown: 4 rates x 2 modes, and --native at 100 Hz"
assert any(r["mode"] == "native" for r in d["slowdown"])
assert all(r.get("pyflame_native_us") is not None for r in d["cost_per_sample"] if r["depth"] == 30), "--native cost without samples"
assert len(d["many_threads"]) == 8, "many threads: 2 rates x 2 modes x 2 thread counts"
assert all(r["ratio"] is not None for r in d["many_threads"]), "a many-threads run without its time"
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
PY
then
	ok "bench smoke: the JSON parses with every section filled"
else
	cat "$WORK/check" | not_ok "bench smoke: the JSON parses with every section filled"
fi
