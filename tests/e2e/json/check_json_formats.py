#!/usr/bin/env python3
# check_json_formats.py COLLAPSED SPEEDSCOPE CHROME INTERVAL: reads back the speedscope and
# Chrome trace files of one pyflame run (--threads --thread-names) with a real JSON parser and
# compares them with the collapsed text of the same run. Prints one line per finding; exits 1
# when anything disagrees.
import collections
import json
import sys

collapsed_path, speedscope_path, chrome_path, interval = sys.argv[1:5]
interval = float(interval)
problems = []


def read_collapsed(path):
    """{thread: Counter(stack text -> count)} from --thread-names collapsed text."""
    out = collections.defaultdict(collections.Counter)
    for line in open(path, encoding="utf-8"):
        text, count = line.rstrip("\n").rsplit(" ", 1)
        if text in ("(idle)", "(torn)"):
            continue
        thread, _, stack = text.partition(";")
        out[thread][stack] += int(count)
    return out


def frame_text(f):
    return "%s:%s:%d" % (f["file"], f["name"], f.get("line", 0))


collapsed = read_collapsed(collapsed_path)
doc = json.load(open(speedscope_path, encoding="utf-8"))
if doc.get("$schema") != "https://www.speedscope.app/file-format-schema.json":
    problems.append("speedscope: no $schema")
frames = doc["shared"]["frames"]
seen = {}
for p in doc["profiles"]:
    if p["type"] != "sampled" or p["unit"] != "seconds":
        problems.append("speedscope: profile %r is %s in %s" % (p["name"], p["type"], p["unit"]))
    if len(p["samples"]) != len(p["weights"]):
        problems.append("speedscope: %r has %d samples, %d weights" % (p["name"], len(p["samples"]), len(p["weights"])))
    stacks = collections.Counter()
    for s, w in zip(p["samples"], p["weights"]):
        stacks[";".join(frame_text(frames[i]) for i in s)] += round(w / interval)
    if abs(p["endValue"] - sum(p["weights"])) > 1e-6:
        problems.append("speedscope: %r endValue %s != sum of weights" % (p["name"], p["endValue"]))
    # Threads that share a name (unnamed workers all called "python") are one in collapsed text.
    seen.setdefault(p["name"], collections.Counter()).update(stacks)
if seen != collapsed:
    problems.append("speedscope stacks per thread differ from collapsed:\n  speedscope %r\n  collapsed  %r"
                    % (sorted((k, sorted(v.items())) for k, v in seen.items()),
                       sorted((k, sorted(v.items())) for k, v in collapsed.items())))

trace = json.load(open(chrome_path, encoding="utf-8"))
events = trace["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
if sorted(set(names.values())) != sorted(collapsed):
    problems.append("chrome: thread names %r, collapsed threads %r" % (sorted(names.values()), sorted(collapsed)))
spans = collections.defaultdict(list)
for e in events:
    if e["ph"] == "X":
        spans[e["tid"]].append(e)
functions = collections.defaultdict(set)
covered = collections.Counter()
for tid, evs in spans.items():
    thread = names.get(tid)
    # Spans on one thread nest: sorted by start (outer first on ties), each lies within the
    # innermost still-open span that contains its start.
    evs.sort(key=lambda e: (e["ts"], -e["dur"]))
    open_ = []
    for e in evs:
        while open_ and open_[-1]["ts"] + open_[-1]["dur"] <= e["ts"]:
            open_.pop()
        if open_ and e["ts"] + e["dur"] > open_[-1]["ts"] + open_[-1]["dur"]:
            problems.append("chrome: %r %s overlaps %s without nesting" % (thread, e["name"], open_[-1]["name"]))
        if not open_:
            covered[thread] += e["dur"]
        open_.append(e)
        functions[thread].add(e["name"])
for thread, stacks in collapsed.items():
    # Every function the collapsed text saw on this thread has a span, and nothing else does.
    want = {part.split(":")[-2] for stack in stacks for part in stack.split(";")}
    if want != functions[thread]:
        problems.append("chrome: %r functions %r, collapsed %r" % (thread, sorted(functions[thread]), sorted(want)))
    # The outermost spans cover about the time of the samples taken on that thread.
    samples = sum(stacks.values())
    if covered[thread] < samples * interval * 1e6 * 0.5:
        problems.append("chrome: %r spans cover %d us for %d samples" % (thread, covered[thread], samples))

for p in problems:
    print(p)
print("threads: %s" % ", ".join("%s=%d" % (t, sum(c.values())) for t, c in sorted(collapsed.items())))
sys.exit(1 if problems else 0)
