#!/usr/bin/env python3
"""Merges JMH JSON results of the same benchmarks into one, as if their forks had run in one run.

    python3 benchmarks/merge-results.py OUT.json IN1.json IN2.json ...

`benchmarks/run --interleaved K` runs K rounds of one fork per benchmark and parameter set, so that
every benchmark of a group has a fork in each stretch of time (this machine drifts between fast and
slow phases over seconds to minutes), and merges the rounds with this script: every fork's file, in
the order they ran. Each benchmark and parameter set keeps the
iterations of every round (rawData, one list per fork): ratio-table.py takes its median over all of
them. The score becomes the mean of all iterations; the error is left out (it would mix rounds);
the allocation figure is the mean of the rounds'. Each merged benchmark is marked with
"interleavedRounds" (how many rounds it has a fork in): its forks are then in round order, so
ratio-table.py can pair the forks of one round and show how much the ratio moves between rounds.
"""
import json
import statistics
import sys
from collections import OrderedDict


def key_of(r):
    # The JVM options tell a run on virtual owner threads (-Djmh.executor=VIRTUAL) from one on JMH's own.
    return (r["benchmark"], r["mode"], tuple(sorted((r.get("params") or {}).items())),
            "-Djmh.executor=VIRTUAL" in (r.get("jvmArgs") or []))


def merge(inputs):
    merged = OrderedDict()
    allocs = {}
    for path in inputs:
        with open(path) as f:
            for r in json.load(f):
                k = key_of(r)
                pm = r["primaryMetric"]
                raw = pm.get("rawData") or []
                alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
                if alloc:
                    allocs.setdefault(k, []).append(alloc["score"])
                if k not in merged:
                    r["forks"] = 0
                    r["interleavedRounds"] = 0
                    pm["rawData"] = []
                    merged[k] = r
                m = merged[k]
                m["forks"] += len(raw)
                m["interleavedRounds"] += 1
                m["primaryMetric"]["rawData"].extend(raw)
    for k, r in merged.items():
        pm = r["primaryMetric"]
        values = [v for fork in pm["rawData"] for v in fork]
        if values:
            pm["score"] = statistics.fmean(values)
        pm["scoreError"] = "NaN"
        if k in allocs:
            r["secondaryMetrics"]["gc.alloc.rate.norm"]["score"] = statistics.fmean(allocs[k])
    return list(merged.values())


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[1], "w") as f:
        json.dump(merge(argv[2:]), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
