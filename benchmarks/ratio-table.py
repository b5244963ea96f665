#!/usr/bin/env python3
"""Ratio tables from a JMH JSON result (benchmarks/run writes one; any saved one can be re-read).

    python3 benchmarks/ratio-table.py benchmarks/target/jmh-result.json

Conventions shared by every benchmark class of the project (scopes, queues, executors, detector):
  * A group is one benchmark class with one set of @Param values. A class whose name contains
    "Preview" (compiled only on newer JDKs) joins the group of the class named without it.
  * In each group the method whose name starts with "baseline" is the denominator: ratio = score /
    baseline score. For times (ns/op) lower is better; for throughput (ops/s) higher is better.
  * Per-task figures divide by the first of the params named in PER_TASK_PARAMS that the benchmark
    has (n, depth, ...): a fan-out of n = 10,000 in 2 ms is 200 ns per task. They are always in ns.
  * TARGETS below are the project's stated goals; each is checked and printed as met or missed.
    ABSOLUTE_TARGETS are goals stated as a time (e.g. "a scan of 10,000 threads under 20 ms"): the
    statistic is "score" (JMH's primary score: the mean) or "p50" (the median; sample-time mode only).
  * A result run with the benchmark methods on virtual threads (benchmarks/run --virtual-owner, JMH's
    -Djmh.executor=VIRTUAL) gets the pseudo-parameter owner=virtual: its own group, same targets.
  * In sample-time mode (SampleTime) the tables also show the median (p50) and p99.
  * In the other modes the ratios and targets use the median of every measurement iteration of
    every fork ("median" column), not JMH's mean: on a noisy 2-core machine one slow iteration moves
    the mean a long way and the median hardly at all. The mean stays in the "score" column.
  * For an interleaved run (merge-results.py marks it), each target also shows the ratio round by
    round (the medians of the two forks of one round, which benchmarks/run starts back to back): their
    median, range and how many rounds were within the limit. The verdict stays with the ratio of
    the medians over all rounds; the spread says how far to trust it.
"""
import statistics
import json
import re
import sys
from collections import OrderedDict

PER_TASK_PARAMS = ("n", "depth", "tasks", "items", "threads")

# (group class, param filter, method, reference method, max ratio of method/reference, description)
TARGETS = [
    ("ScopeFanOutBenchmark", {}, "weftScope", "baselineRawThreads", 1.25,
     "Weft scope <= 1.25x raw virtual threads per subtask"),
    ("ScopeNestedBenchmark", {}, "weftScope", "baselineRawThreads", 1.25,
     "Weft scope <= 1.25x raw virtual threads per subtask"),
    ("ScopeFanOutBenchmark", {"n": "10000"}, "weftScope", "structuredTaskScope", 1.0,
     "Weft scope no slower than JDK 25 StructuredTaskScope"),
    # issue 3: at least 1.5x ArrayBlockingQueue's throughput with 4 producers (time <= 1/1.5), no slower with 1
    ("QueueThroughputBenchmark", {"producers": "4"}, "weftQueue", "baselineArrayBlockingQueue", 1 / 1.5,
     "Weft queue >= 1.5x ArrayBlockingQueue throughput, 4 producers"),
    ("QueueThroughputBenchmark", {"producers": "4"}, "weftQueueBatch", "arrayBlockingQueueBatch", 1 / 1.5,
     "Weft batch queue >= 1.5x ArrayBlockingQueue + drainTo throughput, 4 producers"),
    ("QueueThroughputBenchmark", {"producers": "1"}, "weftQueue", "baselineArrayBlockingQueue", 1.0,
     "Weft queue no slower than ArrayBlockingQueue, 1 producer"),
    ("QueueThroughputBenchmark", {"producers": "1"}, "weftQueueBatch", "arrayBlockingQueueBatch", 1.0,
     "Weft batch queue no slower than ArrayBlockingQueue + drainTo, 1 producer"),
    # issue 5: at least 0.9x newVirtualThreadPerTaskExecutor's throughput without a limit (time <= 1/0.9)
    ("ExecutorBenchmark", {}, "weftExecutor", "baselineVirtualThreadExecutor", 1 / 0.9,
     "Weft executor >= 0.9x newVirtualThreadPerTaskExecutor throughput"),
    # issue 4: analysing a 100,000-thread dump takes <= 1/4 of the JDK's time to write it
    ("DeadlockDumpBenchmark", {"threads": "100000"}, "weftAnalyzeDump", "baselineJdkDump", 0.25,
     "analysis of a dump <= 1/4 of the JDK's time to write it"),
]

# (group class, param filter, method, statistic "score" | "p50", limit in ms, description)
ABSOLUTE_TARGETS = [
    ("QueueCloseBenchmark", {"pending": "0"}, "weftQueue", "p50", 1.0,
     "an idle Weft queue ends within 1 ms of close() (median)"),
    ("QueueCloseBenchmark", {"pending": "0"}, "weftQueueBatch", "p50", 1.0,
     "an idle Weft batch queue ends within 1 ms of close() (median)"),
    ("DeadlockScanBenchmark", {"threads": "10000"}, "weftRegistryScan", "score", 20.0,
     "registry scan of 10,000 threads under 20 ms"),
]

NANOS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9, "min": 6e10}


def to_ms(value, unit):
    """A JMH time per operation ("us/op") in milliseconds; None for a throughput unit."""
    head, _, tail = unit.partition("/")
    if tail != "op" or head not in NANOS:
        return None
    return value * NANOS[head] / 1e6


def group_of(benchmark):
    cls, method = benchmark.rsplit(".", 1)
    simple = cls.rsplit(".", 1)[-1].replace("Preview", "")
    return simple, method


def owner_of(result):
    """ "virtual" when JMH ran the benchmark method on a virtual thread (benchmarks/run --virtual-owner)."""
    return "virtual" if "-Djmh.executor=VIRTUAL" in (result.get("jvmArgs") or []) else None


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
        params = dict(r.get("params") or {})
        owner = owner_of(r)
        if owner:
            params["owner"] = owner
        key = (simple, r["mode"], tuple(sorted(params.items())))
        pm = r["primaryMetric"]
        alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
        iterations = [v for fork in (pm.get("rawData") or []) for v in fork]
        groups.setdefault(key, OrderedDict())[method] = {
            "score": pm["score"],
            "median": statistics.median(iterations) if iterations and r["mode"] != "sample" else None,
            "error": number(pm.get("scoreError")),
            "unit": pm["scoreUnit"],
            "alloc": alloc["score"] if alloc else None,
            "p50": (pm.get("scorePercentiles") or {}).get("50.0") if r["mode"] == "sample" else None,
            "p99": (pm.get("scorePercentiles") or {}).get("99.0") if r["mode"] == "sample" else None,
            "forks": r.get("forks"),
            "rounds": [statistics.median(fork) for fork in (pm.get("rawData") or []) if fork]
            if r.get("interleavedRounds") and r["mode"] != "sample" else None,
            "params": params,
        }
    return groups


def central(m):
    """The figure ratios compare: the median of the iterations where there is one, else JMH's score."""
    return m["median"] if m.get("median") is not None else m["score"]


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
        sample = mode == "sample"
        print("| params | benchmark | score | ± error | " + ("p50 | p99 | " if sample else "median | ")
              + "per task (ns) | ratio | B/op | B per task |")
        print("|---|---|---:|---:|" + ("---:|---:|" if sample else "---:|") + "---:|---:|---:|---:|")
        for params, methods in rows:
            base = next((m for name, m in methods.items() if name.startswith("baseline")), None)
            div, _ = per_task_divisor(dict(params))
            ordered = sorted(methods.items(), key=lambda kv: (not kv[0].startswith("baseline"), kv[0]))
            for name, m in ordered:
                ratio = central(m) / central(base) if base else None
                err = f"{100 * m['error'] / m['score']:.0f}%" if m["error"] is not None and m["score"] else "-"
                ms = to_ms(central(m), m["unit"])
                per_task = ms * 1e6 / div if ms is not None else None
                alloc_task = m["alloc"] / div if m["alloc"] is not None else None
                pct = f"{fmt(m['p50'])} | {fmt(m['p99'])} | " if sample else f"{fmt(m['median'])} | "
                print(f"| {param_text(params)} | {name} | {fmt(m['score'])} | {err} | {pct}{fmt(per_task)} | "
                      f"{fmt(ratio) + 'x' if ratio else '-'} | {fmt(m['alloc'])} | {fmt(alloc_task)} |")


def round_spread(m, ref, max_ratio):
    """For an interleaved run: the ratio in each round (fork i of one side against fork i of the other)."""
    a, b = m.get("rounds"), ref.get("rounds")
    if not a or not b or len(a) != len(b) or len(a) < 2:
        return ""
    per_round = [x / y for x, y in zip(a, b)]
    if "/s" in m["unit"]:
        per_round = [1 / r for r in per_round]
    within = sum(r <= max_ratio for r in per_round)
    return (f"; per round: median {statistics.median(per_round):.2f}x, {min(per_round):.2f}-{max(per_round):.2f}x,"
            f" {within} of {len(per_round)} within the limit")


def check_targets(groups):
    lines = []
    for simple, pfilter, method, ref, max_ratio, desc in TARGETS:
        for (g, mode, params), methods in groups.items():
            p = dict(params)
            if g != simple or any(p.get(k) != v for k, v in pfilter.items()):
                continue
            if method not in methods or ref not in methods:
                continue
            ratio = central(methods[method]) / central(methods[ref])
            if "/s" in methods[method]["unit"]:
                ratio = 1 / ratio
            verdict = "met" if ratio <= max_ratio else "MISSED"
            lines.append(f"  {verdict:6} {desc} [{simple} {param_text(params)}]: {ratio:.2f}x (limit {max_ratio:.2f}x)"
                         + round_spread(methods[method], methods[ref], max_ratio))
    for simple, pfilter, method, stat, limit_ms, desc in ABSOLUTE_TARGETS:
        for (g, mode, params), methods in groups.items():
            p = dict(params)
            if g != simple or any(p.get(k) != v for k, v in pfilter.items()) or method not in methods:
                continue
            m = methods[method]
            value = m["score"] if stat == "score" else m.get(stat)
            ms = to_ms(value, m["unit"]) if value is not None else None
            if ms is None:
                lines.append(f"  ?      {desc} [{simple} {param_text(params)}]: no {stat} in {mode} mode")
                continue
            verdict = "met" if ms <= limit_ms else "MISSED"
            lines.append(f"  {verdict:6} {desc} [{simple} {param_text(params)}]: {stat} {ms:.3f} ms (limit {limit_ms:g} ms)")
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
