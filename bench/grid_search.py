#!/usr/bin/env python
"""Benchmark: grid name search over the whole of China (665k grids), character index vs LIKE.

Imports China's divisions into a fresh SQLite file and a throwaway PostgreSQL database
(LABORGRID_TEST_PG), then times ``Grid.objects.active().search(q)`` (laborgrid.core.search) for
1-, 2-, 3- and 6-character queries and a code prefix: the first 50 rows by path, and the count,
median and p95 over 20 runs, next to the old query (``name LIKE '%q%' OR code LIKE 'q%'``).

    .venv/bin/python bench/grid_search.py [--file PATH] [--db sqlite|postgres|both] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import BACKENDS, DIVISIONS, run_on_backends

DEFAULT_FILE = DIVISIONS
QUERIES = ["村", "新村", "红星村", "王家庄村委会", "520521"]

CHILD = r"""
import json, sys, time, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection
from django.db.models import Q
from laborgrid.grids.importing import import_divisions_file
from laborgrid.grids.models import Grid

path, runs, queries = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
out = {}
t = time.perf_counter(); s = import_divisions_file(path); out["import_s"] = time.perf_counter() - t
out["rows"] = s.created
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        c.execute("ANALYZE grids_grid")


def timed(fn):
    fn()  # warm the cache
    samples = []
    for _ in range(runs):
        t = time.perf_counter(); fn(); samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.95))]


out["queries"] = []
for q in queries:
    new = Grid.objects.active().search(q).order_by("path")
    old = Grid.objects.active().filter(Q(name__contains=q) | Q(code__startswith=q)).order_by("path")
    first = [g.pk for g in new[:50]]
    assert first == [g.pk for g in old[:50]], q  # same rows as before (these queries have no
    # full-width or punctuation, where the old query differed)
    n = new.count()
    assert n == old.count(), q
    out["queries"].append({
        "q": q,
        "rows": n,
        "first": timed(lambda: list(new[:50])),
        "count": timed(new.count),
        "like_first": timed(lambda: list(old[:50])),
        "like_count": timed(old.count),
        "plan": new[:50].explain().replace("\n", " ")[:160],
    })
print("RESULT " + json.dumps(out))
"""


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (CJK characters take two)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--db", choices=BACKENDS, default="both")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--plans", action="store_true", help="also print the query plans")
    args = parser.parse_args()
    if not args.file.exists():
        print(f"missing {args.file}")
        return 1
    results = run_on_backends(CHILD, [str(args.file), str(args.runs), json.dumps(QUERIES)], args.db)

    print(f"\nGrid search over {args.file.name}; {args.runs} runs; machine: {os.cpu_count()} cores")
    for r in results:
        print(f"{r['backend']}: imported {r['rows']} grids in {r['import_s']:.1f} s")
    print(
        f"{'backend':<11} {'query':<10} {'chars':>5} {'rows':>7} {'first-50 ms p50/p95':>20} "
        f"{'count ms p50/p95':>17} {'LIKE first-50 ms':>17} {'LIKE count ms':>14}"
    )
    for r in results:
        for q in r["queries"]:
            first = f"{q['first'][0]:.2f} / {q['first'][1]:.2f}"
            count = f"{q['count'][0]:.2f} / {q['count'][1]:.2f}"
            print(
                f"{r['backend']:<11} {_pad(q['q'], 10)} {len(q['q']):>5} {q['rows']:>7} "
                f"{first:>20} {count:>17} {q['like_first'][0]:>17.2f} {q['like_count'][0]:>14.2f}"
            )
    if args.plans:
        for r in results:
            for q in r["queries"]:
                print(f"{r['backend']:<11} {q['q']}: {q['plan']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
