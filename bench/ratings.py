#!/usr/bin/env python
"""Benchmark: a county's integrity grading run (issue 18) at 100,000 employers.

Builds a fresh database per backend (``harness.py``): the 大方县 demo (its decided cases,
orders, incidents and visits are the facts), then synthetic employers up to ``--employers``
(``laborgrid.employers.generate``, one snapshot each). Then runs ``ratings.grading.run_grading``
for the county twice (the second is the rerun that replaces the draft's grades) and prints one
table: backend, employers graded, the set-based fact queries, the rules, the insert of the
grades, the whole run, and employers per second; and the run's grade distribution.

    .venv/bin/python bench/ratings.py [--employers N] [--db sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import BACKENDS, run_on_backends

CHILD = r"""
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection
from laborgrid.site.demo import seed_demo
from laborgrid.employers.generate import generate_employers
from laborgrid.employers.models import Employer

size = int(sys.argv[1])
seed_demo(log=lambda _m: None)
missing = max(0, size - Employer.objects.count())
generate_employers(missing, seed=18, snapshots_per_employer=1, roster_share=0.0)
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")

from laborgrid.accounts.models import User
from laborgrid.grids.models import Grid
from laborgrid.ratings import facts, grading
from laborgrid.ratings.models import GradingRun

county = Grid.objects.get(code="520521")
actor = User.objects.get(username="county")
GradingRun.objects.filter(grid=county).delete()
year = 2026
rule_list = grading.current_rules()
t = time.perf_counter()
provided, evidence = facts.collect(year, grading._employers_of(county))
t_facts = time.perf_counter() - t
t = time.perf_counter()
rows, _unknown = grading.compute(county, year, rule_list)
t_compute = time.perf_counter() - t
out = {"vendor": connection.vendor, "facts_s": t_facts, "compute_s": t_compute, "with_facts": len(provided)}
for label in ("run", "rerun"):
    t = time.perf_counter()
    run = grading.run_grading(actor=actor, grid=county, year=year)
    out[label + "_s"] = time.perf_counter() - t
out["employers"] = run.employers
out["counts"] = run.counts
print("RESULT " + json.dumps(out))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--db", choices=BACKENDS, default="both")
    args = parser.parse_args()
    results = run_on_backends(CHILD, [str(args.employers)], args.db)
    head = f"{'database':<11} {'employers':>9} {'w/ facts':>8} {'facts s':>8} {'facts+rules s':>13} {'run s':>7} {'rerun s':>8} {'employers/s':>11}  A / B / C"
    print(head)
    print("-" * len(head))
    for r in results:
        c = r["counts"]
        print(
            f"{r['backend']:<11} {r['employers']:>9,} {r['with_facts']:>8,} {r['facts_s']:>8.2f} "
            f"{r['compute_s']:>13.2f} {r['run_s']:>7.2f} {r['rerun_s']:>8.2f} "
            f"{r['employers'] / r['run_s']:>11,.0f}  {c['A']:,} / {c['B']:,} / {c['C']:,}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
