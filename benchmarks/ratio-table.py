#!/usr/bin/env python3
"""Ratio tables from a JMH JSON result (benchmarks/run writes one; any saved one can be re-read).

    python3 benchmarks/ratio-table.py benchmarks/target/jmh-result.json

Conventions shared by every benchmark class of the project (scopes, queues, executors, detector):
  * A group is one benchmark class with one set of @Param values. A class whose name contains
    "Preview" (compiled only on newer JDKs) joins the group of the class named without it.
  * In each group the method whose name starts with "baseline" is the denominator: ratio = score /
    baseline score. For times (ns/op) lower is better; for throughput (ops/s) higher is better.
  * Per-task figures divide by the first of the params named in PER_TASK_PARAMS that the benchmark
    has (n, depth, ...): a fan-out of n = 10,000 in 2 ms is 200 ns per task.
  * TARGETS below are the project's stated goals; each is checked and printed as met or missed.
"""
import json
import re
import sys
from collections import OrderedDict

PER_TASK_PARAMS = ("n", "depth", "tasks", "items")

# (group class, param filter, method, reference method, max ratio of method/reference, description)
TARGETS = [
    ("ScopeFanOutBenchmark", {}, "weftScope", "baselineRawThreads", 1.25,
     "Weft scope <= 1.25x raw virtual threads per subtask"),
    ("ScopeNestedBenchmark", {}, "weftScope", "baselineRawThreads", 1.25,
     "Weft scope <= 1.25x raw virtual threads per subtask"),
    ("ScopeFanOutBenchmark", {"n": "10000"}, "weftScope", "structuredTaskScope", 1.0,
     "Weft scope no slower than JDK 25 StructuredTaskScope"),
]


def group_of(benchmark):
    cls, method = benchmark.rsplit(".", 1)
    simple = cls.rsplit(".", 1)[-1].replace("Preview", "")
    return simple, method


def per_task_divisor(params):
    for name in PER_TASK_PARAMS:
        if name in params:
            try:
                return int(params[name]), name
            except ValueError:
                pass
    return 1, None


def fmt(x):
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def number(x):
    """JMH writes "NaN" (a string) for an error it could not compute, e.g. with one fork of 2 iterations."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if x != x else x


def load(path):
    with open(path) as f:
        runs = json.load(f)
    groups = OrderedDict()
    for r in runs:
        simple, method = group_of(r["benchmark"])
        params = r.get("params") or {}
        key = (simple, r["mode"], tuple(sorted(params.items())))
        pm = r["primaryMetric"]
        alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
        groups.setdefault(key, OrderedDict())[method] = {
            "score": pm["score"],
            "error": number(pm.get("scoreError")),
            "unit": pm["scoreUnit"],
            "alloc": alloc["score"] if alloc else None,
            "forks": r.get("forks"),
            "params": params,
        }
    return groups


def param_text(params):
    return ", ".join(f"{k}={v}" for k, v in params) if params else "-"


def print_tables(groups):
    by_class = OrderedDict()
    for (simple, mode, params), methods in groups.items():
        by_class.setdefault((simple, mode), []).append((params, methods))
    for (simple, mode), rows in by_class.items():
        unit = next(iter(rows[0][1].values()))["unit"]
        better = "higher is better" if "/s" in unit else "lower is better"
        print(f"\n### {simple} ({mode}, {unit}; ratio = score / baseline, {better})\n")
        print("| params | benchmark | score | ± error | per task | ratio | B/op | B per task |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for params, methods in rows:
            base = next((m for name, m in methods.items() if name.startswith("baseline")), None)
            div, _ = per_task_divisor(dict(params))
            ordered = sorted(methods.items(), key=lambda kv: (not kv[0].startswith("baseline"), kv[0]))
            for name, m in ordered:
                ratio = m["score"] / base["score"] if base else None
                err = f"{100 * m['error'] / m['score']:.0f}%" if m["error"] is not None and m["score"] else "-"
                per_task = m["score"] / div if "/op" in m["unit"] else None
                alloc_task = m["alloc"] / div if m["alloc"] is not None else None
                print(f"| {param_text(params)} | {name} | {fmt(m['score'])} | {err} | {fmt(per_task)} | "
                      f"{fmt(ratio) + 'x' if ratio else '-'} | {fmt(m['alloc'])} | {fmt(alloc_task)} |")


def check_targets(groups):
    lines = []
    for simple, pfilter, method, ref, max_ratio, desc in TARGETS:
        for (g, mode, params), methods in groups.items():
            p = dict(params)
            if g != simple or any(p.get(k) != v for k, v in pfilter.items()):
                continue
            if method not in methods or ref not in methods:
                continue
            ratio = methods[method]["score"] / methods[ref]["score"]
            if "/s" in methods[method]["unit"]:
                ratio = 1 / ratio
            verdict = "met" if ratio <= max_ratio else "MISSED"
            lines.append(f"  {verdict:6} {desc} [{simple} {param_text(params)}]: {ratio:.2f}x (limit {max_ratio:.2f}x)")
    if lines:
        print("\nTargets:")
        print("\n".join(lines))


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    groups = load(argv[1])
    if not groups:
        print("no results in " + argv[1], file=sys.stderr)
        return 1
    print_tables(groups)
    check_targets(groups)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
