#!/usr/bin/env python
"""Benchmark: import the whole of China's divisions (665k rows) and query subtrees.

Runs on a fresh SQLite file and on a throwaway PostgreSQL database (LABORGRID_TEST_PG), and prints
a table: import time (and, measured separately, how much of it is reading and validating the file),
rows/s, a re-import (idempotent, nothing changes), and subtree queries through
``path__under`` with the plan the database chose.

    .venv/bin/python bench/grid_import.py [--file PATH] [--db sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import BACKENDS, DIVISIONS, run_on_backends

DEFAULT_FILE = DIVISIONS

CHILD = r"""
import json, sys, time, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection
from laborgrid.grids.importing import import_divisions_file
from laborgrid.grids.models import Grid

path = sys.argv[1]
out = {}
# Reading and checking the file alone (no writes): the Python share of the fresh import below.
from laborgrid.grids.importing import _decode, _existing_grids, _parse_divisions, _validate
t = time.perf_counter()
raw = open(path, "rb").read()
if path.endswith(".gz"):
    import gzip
    raw = gzip.decompress(raw)
_validate(_parse_divisions(_decode(raw)), _existing_grids())
out["validate_s"] = time.perf_counter() - t
del raw
t = time.perf_counter(); s = import_divisions_file(path); out["import_s"] = time.perf_counter() - t
out["rows"] = s.rows; out["created"] = s.created
t = time.perf_counter(); s2 = import_divisions_file(path); out["reimport_s"] = time.perf_counter() - t
out["reimport_changed"] = s2.created + s2.updated + s2.moved
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        c.execute("ANALYZE grids_grid")
queries = {
    "province 52 (Guizhou)": "52/",
    "county 520521 (Dafang)": "52/5205/520521/",
    "township 520521102": "52/5205/520521/520521102/",
}
out["queries"] = []
for label, prefix in queries.items():
    qs = Grid.objects.filter(path__under=prefix)
    n = qs.count()
    runs = []
    for _ in range(20):
        t = time.perf_counter(); qs.count(); runs.append(time.perf_counter() - t)
    runs.sort()
    plan = qs.values("code").explain().replace("\n", " ")
    out["queries"].append({"label": label, "rows": n, "median_ms": runs[len(runs)//2] * 1000, "plan": plan[:110]})
print("RESULT " + json.dumps(out))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--db", choices=BACKENDS, default="both")
    args = parser.parse_args()
    if not args.file.exists():
        print(f"missing {args.file}")
        return 1
    results = run_on_backends(CHILD, [str(args.file)], args.db)

    print(f"\nWhole-China division import ({args.file.name}); machine: {os.cpu_count()} cores")
    print(
        f"{'backend':<11} {'rows':>8} {'import s':>9} {'of which validate s':>20} {'rows/s':>9} "
        f"{'re-import s':>12} {'changed':>8}"
    )
    for r in results:
        print(
            f"{r['backend']:<11} {r['rows']:>8} {r['import_s']:>9.1f} {r['validate_s']:>20.1f} "
            f"{r['rows'] / r['import_s']:>9.0f} {r['reimport_s']:>12.1f} {r['reimport_changed']:>8}"
        )
    print(f"\n{'backend':<11} {'subtree (path__under)':<26} {'rows':>7} {'median ms':>10}  plan")
    for r in results:
        for q in r["queries"]:
            print(
                f"{r['backend']:<11} {q['label']:<26} {q['rows']:>7} {q['median_ms']:>10.2f}  {q['plan']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
