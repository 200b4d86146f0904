#!/usr/bin/env python3
# run_ui.py CHROMIUM SVG WORKDIR ZOOM SEARCH CTRLF: opens a copy of a pyflame SVG in headless
# Chromium with ui_test.js injected. The page zooms into the frame under the first frame whose
# label starts with ZOOM, then into that frame; resets; searches SEARCH with the button and
# CTRLF with Ctrl+F. What the page showed (a flame chart's time axis too) is compared with what
# the SVG's own numbers say it must show. Prints one summary line; on a disagreement, what
# differs, and exits 1.
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
HERE = os.path.dirname(os.path.abspath(__file__))
chromium, svg_path, work, zoom, term, ctrlf_term = sys.argv[1:7]
problems = []


def expect(ok, what):
    if not ok:
        problems.append(what)


def read_frames():
    root = ET.parse(svg_path).getroot()
    frames = []
    for g in root.iter(NS + "g"):
        cls = (g.get("class") or "").split()
        if "f" in cls:
            n = int(g.get("data-n"))
            frames.append({
                "name": g.find(NS + "title").text.split("\n")[0], "n": n, "x": int(g.get("data-x")),
                "w": int(g.get("data-w", n)), "d": int(g.get("data-d")), "lane": int(g.get("data-lane", 0)),
                "root": "root" in cls, "width": float(g.find(NS + "rect").get("width")),
            })
    return root, frames


def matched(frames, pattern, lanes):
    """The share the page must report: the union of the matching frames' spans, lane by lane
    (a match inside a match counts once), and the plain sum, to show nesting was there."""
    hits = [f for f in frames if not f["root"] and re.search(pattern, f["name"])]
    union, lane, end = 0, None, 0
    for f in sorted(hits, key=lambda f: (f["lane"], f["x"])):
        if f["lane"] != lane:
            lane, end = f["lane"], f["x"]
        lo, hi = max(f["x"], end), f["x"] + f["w"]
        if hi > lo:
            union, end = union + hi - lo, hi
    total = [f for f in frames if f["root"]][0]["w"] * lanes
    return sorted(f["name"] for f in hits), 100.0 * union / total, 100.0 * sum(f["w"] for f in hits) / total


def run_page(root_text, zooms):
    script = open(os.path.join(HERE, "ui_test.js"), encoding="utf-8").read()
    params = json.dumps({"zooms": zooms, "search": term, "ctrlf": ctrlf_term})
    inject = ('<script type="text/ecmascript"><![CDATA[\nvar PYFLAME_TEST = %s;\n%s]]></script>\n'
              % (params, script))
    page = os.path.join(work, "ui.svg")
    with open(page, "w", encoding="utf-8") as out:
        out.write(root_text.replace("</svg>\n", inject + "</svg>\n"))
    cmd = [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
           "--user-data-dir=" + os.path.join(work, "chromium-profile"), "--window-size=1300,1000",
           "--virtual-time-budget=5000", "--dump-dom", "file://" + page]
    dom = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60).stdout.decode("utf-8")
    found = re.findall(r'<text id="result"[^>]*>(\{.*?)</text>', dom, re.S)
    if not found:
        problems.append("no result in the page (%d bytes of DOM)" % len(dom))
        return None
    return json.loads(html.unescape(found[-1]))


def close(a, b, tol=0.6):
    return abs(a - b) <= tol


def share(text):
    m = re.fullmatch(r"Matched: ([0-9]+\.[0-9])%", text)
    return float(m.group(1)) if m else -1.0


def check_search(name, got, frames, pattern, lanes):
    names, want, naive = matched(frames, pattern, lanes)
    # toFixed(1) rounds ties up, Python to even: allow the last digit to differ by rounding.
    expect(abs(share(got["matched"]) - want) <= 0.05 + 1e-9,
           "%s %r: page says %r, spans say %.3f%%" % (name, pattern, got["matched"], want))
    expect(sorted(got["hits"]) == names, "%s %r: highlighted %r, want %r" % (name, pattern, got["hits"], names))
    return want, naive


def holder(frames, f):
    """The frame f sits on."""
    return [h for h in frames if h["root"] or (
        h["lane"] == f["lane"] and h["d"] == f["d"] - 1 and h["x"] <= f["x"] and f["x"] + f["w"] <= h["x"] + h["w"])][-1]


def check_axis(what, labels, lo, hi, geometry, chart):
    """A flame chart's time axis over lo..hi: labels in seconds since the first sample, each
    just right of its tick at its place on the scale, one step apart, at least 90 px (svg.c's
    TICK_PX); a flame graph has none."""
    if not chart:
        expect(not labels, "%s: a flame graph with a time axis %r" % (what, labels))
        return
    full, pad, gap = geometry
    scale = (full + gap) / (hi - lo)
    times = []
    for x, text in labels:
        m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?) s", text)
        if not m:
            problems.append("%s: axis label %r" % (what, text))
            continue
        t = float(m.group(1)) * 1e6
        times.append(t)
        expect(lo - 0.5 <= t <= hi + 0.5 and close(x, pad + (t - lo) * scale + 3, 0.11),
               "%s: axis label %r at x %.1f, span %d..%d us wants %.1f" % (what, text, x, lo, hi, pad + (t - lo) * scale + 3))
    steps = {round(b - a) for a, b in zip(times, times[1:])}
    expect(len(times) >= 2 and len(steps) == 1 and min(steps) * scale >= 89.5,
           "%s: axis labels %r over %d..%d us: want at least two, one step apart, 90 px or more" % (what, labels, lo, hi))


def check_zoom(frames, z, got, geometry, chart=False):
    """After a click on z: z fills the width, every frame still shown is placed on the zoomed
    scale, clipped to z's span; what holds z is greyed; what lies beside it is hidden."""
    full, pad, gap = geometry
    lo, hi = z["x"], z["x"] + z["w"]
    expect(got["name"] == z["name"], "zoomed %r, want %r" % (got["name"], z["name"]))
    expect(close(got["width"], full, 0.15) and close(got["bbox"], full),
           "zoomed into %s: width %.1f (box %.1f), want %.1f" % (z["name"], got["width"], got["bbox"], full))
    for f, (x, w) in zip(frames, got["layout"]):
        if f["x"] + f["w"] <= lo or f["x"] >= hi:
            continue
        a, b = max(f["x"], lo), min(f["x"] + f["w"], hi)
        scale = (full + gap) / (hi - lo)
        want_x, want_w = pad + (a - lo) * scale, max((b - a) * scale - gap, 0.1)
        expect(close(x, want_x, 0.11) and close(w, want_w, 0.11),
               "zoomed into %s: %s at x %.1f, width %.1f; want %.1f, %.1f" % (z["name"], f["name"], x, w, want_x, want_w))
    holders = sorted(f["name"] for f in frames if f is not z and (f["root"] or (
        f["lane"] == z["lane"] and f["d"] < z["d"] and f["x"] <= lo and f["x"] + f["w"] >= hi)))
    expect(sorted(got["greyed"]) == holders, "zoomed into %s: greyed %r, want %r" % (z["name"], got["greyed"], holders))
    beside = sum(1 for f in frames if f["x"] + f["w"] <= lo or f["x"] >= hi)
    expect(got["hidden"] == beside, "zoomed into %s: %d frames hidden, want %d" % (z["name"], got["hidden"], beside))
    check_axis("zoomed into %s" % z["name"], got["axis"], lo, hi, geometry, chart)


def main():
    root, frames = read_frames()
    lanes = int(root.get("data-lanes", "1"))
    pad, gap = float(root.get("data-pad")), float(root.get("data-gap"))
    full = float(root.get("width")) - 2 * pad - gap
    target = [f for f in frames if f["name"].startswith(zoom)][0]
    parent = holder(frames, target)
    r = run_page(open(svg_path, encoding="utf-8").read(), [frames.index(parent), frames.index(target)])
    if r is None:
        return finish("")
    expect(not r["errors"], "script errors: %r" % r["errors"])
    if "after_reset" not in r:
        return finish("")
    expect(r["frames"] == len(frames), "page has %d frames, file %d" % (r["frames"], len(frames)))
    # Drawn: the box is laid out at its width, on top at its centre, its label rendered.
    expect(close(r["before"]["width"], target["width"], 0.05) and close(r["before"]["bbox"], target["width"]),
           "before zoom: %r, file says width %s" % (r["before"], target["width"]))
    expect(r["on_top"], "the frame is not what is drawn at its centre")
    expect(r["text_px"] > 0, "no rendered label")
    pct = 100.0 * target["n"] / [f for f in frames if f["root"]][0]["n"]
    expect(r["details"].startswith(target["name"] + ": %d sample" % target["n"]) and ("%.2f%%" % pct) in r["details"],
           "hover details %r, want %s, %d samples, %.2f%%" % (r["details"], target["name"], target["n"], pct))
    chart = root.get("data-mode") == "chart"
    check_zoom(frames, parent, r["zooms"][0], (full, pad, gap), chart)
    check_zoom(frames, target, r["zooms"][1], (full, pad, gap), chart)
    whole = [f for f in frames if f["root"]][0]
    check_axis("after reset", r["after_reset"].pop("axis"), 0, whole["w"], (full, pad, gap), chart)
    expect(r["reset_shown"] == "visible", "reset zoom not shown when zoomed")
    expect(close(r["after_reset"]["width"], target["width"], 0.05) and r["after_reset"]["hidden"] == 0
           and r["after_reset"]["greyed"] == 0 and r["after_reset"]["reset_shown"] == "hidden",
           "after reset: %r" % r["after_reset"])
    # Search: highlighted exactly the matches, the share of their union.
    want, naive = check_search("search", r["search"], frames, term, lanes)
    expect(r["search"]["button"] == "Clear search", "search button says %r" % r["search"]["button"])
    expect(r["cleared"] == {"matched": "", "hits": 0}, "after clearing: %r" % r["cleared"])
    check_search("ctrl+f", r["ctrlf"], frames, ctrlf_term, lanes)
    return finish("zoomed %s (%.0f px) then %s (%.0f px) to %.0f px; search %s (nested matches add to %.1f%%); ctrl+f %s"
                  % (parent["name"].split(" (")[0], parent["width"], target["name"].split(" (")[0], target["width"],
                     r["zooms"][1]["width"], r["search"]["matched"], naive, r["ctrlf"]["matched"]))


def finish(summary):
    for p in problems[:40]:
        print(p)
    print(summary if not problems else "%d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
