#!/usr/bin/env python3
# check_svg.py: reads an SVG that pyflame wrote with a real XML parser and compares it with the
# collapsed (or --flamechart) text written by the same run, frame by frame.
#   check_svg.py graph COLLAPSED SVG [STACK]   flame graph; STACK: collapsed frames that must
#                                             be a path of the graph holding >= 60% of samples
#   check_svg.py chart FLAMECHART SVG [STACK]  flame chart; STACK's innermost frame must be one
#                                             box over >= 60% of the samples
# Prints one summary line; on a disagreement, what differs, and exits 1.
import collections
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
MIN_PER_THOUSAND = 1  # svg.c: boxes under 1/1000 of the whole are left out
problems = []


def label(frame):
    """svg.c's full label for a collapsed frame 'file:function:line', or 'file:function' for
    a frame with no line (a frozen module's first instruction, native code)."""
    if frame in ("(idle)", "(torn)") or frame.count(":") < 1 or frame.startswith("process "):
        return frame  # a special box, a thread name or a process
    if frame.count(":") < 2:
        path, func = frame.rsplit(":", 1)
        return "%s (%s)" % (func, path)
    path, func, line = frame.rsplit(":", 2)
    return "%s (%s:%s)" % (func, path, line)


def read_svg(path):
    root = ET.parse(path).getroot()
    if root.tag != NS + "svg":
        problems.append("root element is %s" % root.tag)
    if root.find(NS + "script") is None or root.find(NS + "script").get("type") != "text/ecmascript":
        problems.append("no embedded script")
    frames = []
    for g in root.iter(NS + "g"):
        cls = (g.get("class") or "").split()
        if "f" not in cls:
            continue
        title = g.find(NS + "title").text
        rect = g.find(NS + "rect")
        n = int(g.get("data-n"))
        frames.append({
            "name": title.split("\n")[0], "title": title, "x": int(g.get("data-x")), "n": n,
            "w": int(g.get("data-w", n)), "d": int(g.get("data-d")), "lane": int(g.get("data-lane", 0)),
            "root": "root" in cls, "width_px": float(rect.get("width")), "fill": rect.get("fill"),
        })
    heading = root.find(NS + "title").text
    return root, frames, heading


def svg_paths(frames):
    """{(label, label...) from the root's child up: samples} from the boxes' nesting."""
    by_depth = collections.defaultdict(list)
    for f in frames:
        by_depth[f["d"]].append(f)
    paths = {}
    for d in sorted(by_depth):
        for f in by_depth[d]:
            if d == 0:
                f["path"] = ()
                continue
            holders = [p for p in by_depth[d - 1]
                       if p["lane"] == f["lane"] and p["x"] <= f["x"] and f["x"] + f["w"] <= p["x"] + p["w"]]
            if len(holders) != 1:
                problems.append("%s at depth %d sits on %d boxes" % (f["name"], d, len(holders)))
                f["path"] = ("?",)
                continue
            f["path"] = holders[0]["path"] + (f["name"],)
            if f["path"] in paths:
                problems.append("two boxes for %r" % (f["path"],))
            paths[f["path"]] = f["n"]
    return paths


def check_graph(collapsed_path, svg_path, stack):
    root, frames, heading = read_svg(svg_path)
    counts = collections.Counter()
    for line in open(collapsed_path, encoding="utf-8"):
        text, count = line.rstrip("\n").rsplit(" ", 1)
        labels = tuple(label(fr) for fr in text.split(";"))
        for i in range(1, len(labels) + 1):
            counts[labels[:i]] += int(count)
    total = sum(c for p, c in counts.items() if len(p) == 1)
    want = {p: c for p, c in counts.items() if c * 1000 >= total * MIN_PER_THOUSAND}
    got = svg_paths(frames)
    roots = [f for f in frames if f["root"]]
    if len(roots) != 1 or roots[0]["n"] != total:
        problems.append("root: %r, want one with %d samples" % ([f["n"] for f in roots], total))
    children = sum(f["n"] for f in frames if f["d"] == 1)
    m = re.search(r" \u2014 (?:[0-9.]+ s, )?([0-9]+) samples?(?: \([0-9]+ idle not shown\))?$", heading)
    if not m or int(m.group(1)) != total or children != total:
        problems.append("title %r, root children %d, collapsed total %d" % (heading, children, total))
    if got != want:
        for p in sorted(set(got) | set(want)):
            if got.get(p) != want.get(p):
                problems.append("%s: svg %s, collapsed %s" % (" ; ".join(p), got.get(p), want.get(p)))
    if stack:
        path = tuple(label(fr) for fr in stack.split(";"))
        if got.get(path, 0) * 10 < total * 6:
            problems.append("stack %r: %s of %d samples" % (path, got.get(path), total))
    return "graph: %d boxes, %d samples, same as collapsed" % (len(frames), total)


def chart_boxes(events, end):
    """svg.c's flame chart from (time, labels) events, one lane: a frame staying at its depth
    (with the same frames below) over consecutive samples is one box (label, depth, x, w, n)."""
    boxes, open_ = [], []  # open_: [label, x, n] by depth - 1
    origin = events[0][0]

    def advance(labels, now):
        k = 0
        while k < len(open_) and k < len(labels) and open_[k][0] == labels[k]:
            k += 1
        for d in range(k, len(open_)):
            name, x, n = open_[d]
            boxes.append((name, d + 1, x, now - x, n))
        del open_[k:]
        for d in range(k, len(labels)):
            open_.append([labels[d], now, 0])
        for o in open_:
            o[2] += 1

    for t, labels in events:
        advance(labels, t - origin)
    advance((), end)
    return boxes


def check_chart(text_path, svg_path, stack):
    root, frames, heading = read_svg(svg_path)
    lines = open(text_path, encoding="utf-8").read().split("\n")
    events = []
    for i in range(0, len(lines) - 1, 2):
        events.append((int(lines[i]), tuple(label(fr) for fr in lines[i + 1].rstrip(";").split(";"))))
    roots = [f for f in frames if f["root"]]
    if len(roots) != 1 or roots[0]["n"] != len(events):
        problems.append("root: %r, want one over %d samples" % ([f["n"] for f in roots], len(events)))
        return "chart: broken"
    end = roots[0]["w"]
    interval = end - (events[-1][0] - events[0][0])
    if not 0 < interval <= 1000000:
        problems.append("last sample stands for %d us" % interval)
    want = sorted(b for b in chart_boxes(events, end) if b[3] * 1000 >= end * MIN_PER_THOUSAND)
    got = sorted((f["name"], f["d"], f["x"], f["w"], f["n"]) for f in frames if not f["root"])
    if got != want:
        for b in sorted(set(got) ^ set(want)):
            problems.append("%s box %r" % ("svg only" if b in got else "text only", b))
    if stack:
        inner = label(stack.split(";")[-1])
        spans = [f for f in frames if f["name"] == inner and f["d"] == len(stack.split(";"))]
        best = max((f["n"] for f in spans), default=0)
        if best * 10 < len(events) * 6:
            problems.append("no box of %r over 60%% of %d samples: %r" % (inner, len(events), [f["n"] for f in spans]))
    return "chart: %d boxes over %d samples, %.3f s, same as the flamechart text" % (len(frames), len(events), end / 1e6)


def main():
    mode, text, svg = sys.argv[1:4]
    stack = sys.argv[4] if len(sys.argv) > 4 else ""
    summary = (check_graph if mode == "graph" else check_chart)(text, svg, stack)
    for p in problems[:40]:
        print(p)
    print(summary if not problems else "%d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
