#!/usr/bin/env python3
"""Plans one round of an interleaved run: which fork runs when.

    java -jar benchmarks.jar -lp REGEX | python3 benchmarks/interleave-plan.py ROUND [NAME=V1,V2 ...]

Reads JMH's benchmark listing with parameters (`-lp`) on stdin and prints one line per fork to run
in round ROUND (1-based): an anchored include regex for one benchmark, a tab, and the `-p` options
that fix its parameters to one combination (empty when it has none). NAME=V1,V2 arguments (from
`-p` on the command line) replace a parameter's values wherever a benchmark has that parameter.

Order, and why (this machine drifts between fast and slow phases that last from seconds to minutes,
and a ratio compares two forks):
  * benchmarks are grouped as ratio-table.py groups them (the class name without "Preview"), and
    within a group by parameter combination, so the forks compared in one ratio run back to back
    rather than minutes apart (with JMH's own order, every parameter value of one method runs
    before the next method starts);
  * within a combination the methods take turns at going first, one place further each round, so
    that no method is always the first fork after a change of combination.
"""
import itertools
import re
import sys
from collections import OrderedDict


def parse_listing(lines):
    """-> OrderedDict: benchmark name -> OrderedDict(param -> [values])"""
    benches = OrderedDict()
    current = None
    for line in lines:
        line = line.rstrip("\n")
        m = re.match(r'^\s+param "([^"]+)" = \{(.*)\}$', line)
        if m and current is not None:
            benches[current][m.group(1)] = [v.strip() for v in m.group(2).split(",") if v.strip()]
        elif line and not line.startswith(" ") and not line.startswith("Benchmarks:"):
            current = line.strip()
            benches[current] = OrderedDict()
    return benches


def group_of(name):
    cls = name.rsplit(".", 1)[0]
    return cls.replace("Preview", "")


def plan(benches, round_no, overrides):
    groups = OrderedDict()
    for name, params in benches.items():
        for p, values in overrides.items():
            if p in params:
                params[p] = values
        groups.setdefault(group_of(name), []).append(name)
    out = []
    for names in groups.values():
        combos = OrderedDict()
        for name in names:
            params = benches[name]
            keys = list(params)
            for values in itertools.product(*(params[k] for k in keys)):
                combo = tuple(zip(keys, values))
                combos.setdefault(combo, []).append(name)
        for combo, members in combos.items():
            shift = (round_no - 1) % len(members)
            for name in members[shift:] + members[:shift]:
                options = " ".join(f"-p {k}={v}" for k, v in combo)
                out.append(f"^{re.escape(name)}$\t{options}")
    return out


def main(argv):
    if len(argv) < 2 or not argv[1].isdigit() or int(argv[1]) < 1:
        print("usage: java -jar benchmarks.jar -lp REGEX | interleave-plan.py ROUND [NAME=V1,V2 ...]", file=sys.stderr)
        return 2
    overrides = OrderedDict()
    for arg in argv[2:]:
        name, sep, values = arg.partition("=")
        if not sep or not name or not values:
            print(f"interleave-plan.py: a parameter override is NAME=V1,V2; got '{arg}'", file=sys.stderr)
            return 2
        overrides[name] = [v for v in values.split(",") if v]
    benches = parse_listing(sys.stdin)
    if not benches:
        print("interleave-plan.py: no benchmark in the listing", file=sys.stderr)
        return 1
    print("\n".join(plan(benches, int(argv[1]), overrides)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
