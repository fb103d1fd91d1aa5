#!/usr/bin/env python
"""Benchmark: the employer registry at a million employers (issue 3), through the real views.

Builds a fresh database per backend (``harness.py``: a temporary SQLite file, a throwaway
PostgreSQL database on LABORGRID_TEST_PG): the 大方县 demo, then synthetic employers up to
``--employers`` (default 1,000,000; three snapshots each: ``laborgrid.employers.generate``). Then
it sends requests with Django's test ``Client`` signed in as the county inspector (``county``) and
once as a township user (``maochang``), through URL routing, middleware, views and templates:

* the employer list (``employers:employer_list``): first page, 50th page (its cursor found with
  ``filters.paginate``, as following "下一页" 49 times would), and with filters (a township grid,
  the arrears flag, individual businesses, all three);
* search from the list page: 1-, 2-, 3- and 6-character Chinese queries, for each length one that
  most names or addresses contain and one that few do (the match count is printed);
* the electronic archive (``employers:employer_detail``) of random employers;
* ``GET /api/v1/employers`` without and with ``q``.

Each operation: ``--warmup`` requests, then ``--runs`` timed ones. One table: database,
operation, p50 and p95 in ms, SQL queries per request (``CaptureQueriesContext``), and the target
from the issue (list p95 ≤ 150 ms; search, archive and API list ≤ 100 ms). Also the build time and
the generator's rows per second. ``--plans`` adds the plan of the slowest query of each operation.

    .venv/bin/python bench/registry.py [--employers N] [--db sqlite|postgres|both] [--runs N]
                                       [--plans] [--log PATH]
                                       [--sqlite-file PATH] [--pg-db NAME]

``--sqlite-file`` and ``--pg-db`` keep their database: the first run builds it, later runs (after a
change to the code, migrations included) measure it again without rebuilding.

Progress of the build goes to ``--log`` (default ``var/bench-registry.log``): ``tail -f`` it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import BACKENDS, ROOT, _run, kept_pg_database, run_on_backends

#: (label, query, kind): for each length a common and a rare fragment of names and addresses.
SEARCHES = [
    ("1 char, common", "县"),
    ("1 char, rare", "漆"),
    ("2 chars, common", "猫场"),
    ("2 chars, rare", "箐口"),
    ("3 chars, common", "猫场镇"),
    ("3 chars, rare", "水淹塘"),
    ("6 chars, common", "大方县猫场镇"),
    ("6 chars, rare", "兴旺建筑劳务"),
]
TARGETS = {"list": 150.0, "search": 100.0, "archive": 100.0, "api": 100.0}

CHILD = r"""
import json, os, random, statistics, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from laborgrid.accounts.models import User
from laborgrid.site.demo import seed_demo
from laborgrid.core.search import search_q
from laborgrid.employers import filters
from laborgrid.employers.generate import generate_employers
from laborgrid.employers.models import Employer, LabourSnapshot

size, runs, warmup, seed, plans, log_path, searches = (
    int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1",
    sys.argv[6], json.loads(sys.argv[7]),
)
log_file = open(log_path, "a", encoding="utf-8")


def log(msg):
    print(f"[{connection.vendor}] {msg}", file=log_file, flush=True)


out = {"vendor": connection.vendor}
t = time.perf_counter()
# A kept database was seeded when it was built: seeding again would run the demo's early warnings
# over its million employers.
if not User.objects.filter(username="county").exists():
    seed_demo(log=log)
out["demo_s"] = time.perf_counter() - t
missing = max(0, size - Employer.objects.count())
log(f"generating {missing} employers")


def progress(done, summary):
    log(f"{done}/{missing} employers, {summary.rows} rows, {summary.seconds:.0f} s, "
        f"{summary.rows_per_second:,.0f} rows/s")


summary = generate_employers(missing, seed=seed, progress=progress)
out["build"] = {
    "employers": summary.employers, "snapshots": summary.snapshots, "workers": summary.workers,
    "rows": summary.rows, "seconds": summary.seconds, "rows_per_s": summary.rows_per_second,
}
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        # As autovacuum would soon after a bulk load: statistics, and the visibility map that
        # lets index-only scans skip the table.
        c.execute("VACUUM ANALYZE")
out["employers"] = Employer.objects.count()
out["snapshots"] = LabourSnapshot.objects.count()
log(f"built: {out['employers']} employers, {out['snapshots']} snapshots; measuring")

county = User.objects.get(username="county")
township = User.objects.get(username="maochang")
clients = {}
for user in (county, township):
    clients[user.username] = Client(raise_request_exception=False)
    clients[user.username].force_login(user)


def cursor_of_page(user, params, page):
    # The cursor "下一页" carries on page ``page`` (following the links page by page).
    fs, qs = filters.filtered(user, QueryDict(params, mutable=False))
    cursor = None
    for _ in range(page - 1):
        cursor = filters.paginate(qs.with_list_related(), sort=filters.Sort.NAME, cursor=cursor).next_cursor
        if cursor is None:
            return None
    return cursor


ops = []
try:
    list_url = reverse("employers:employer_list")
except NoReverseMatch:
    list_url = None
try:
    reverse("employers:employer_detail", args=[1])
    has_detail = True
except NoReverseMatch:
    has_detail = False

if list_url:
    from urllib.parse import urlencode
    for label, user, params in [
        ("list, page 1", county, ""),
        ("list, page 50", county, "@50"),
        ("list, grid=猫场镇", county, "grid=520521102"),
        ("list, flag=arrears", county, "flag=arrears"),
        ("list, type=individual", county, "employer_type=individual"),
        ("list, grid+flag+type", county, "grid=520521102&flag=arrears&employer_type=individual"),
        ("list, grid+type, page 50", county, "grid=520521102&employer_type=individual@50"),
        ("township user: list, page 1", township, ""),
        ("township user: list, page 50", township, "@50"),
    ]:
        query, _, page = params.partition("@")
        if page:
            cursor = cursor_of_page(user, query, int(page))
            if cursor is None:
                continue
            query = (query + "&" if query else "") + urlencode({"cursor": cursor})
        url = list_url + ("?" + query if query else "")
        ops.append(("list", label, user.username, [url]))
    for label, q in searches:
        n = Employer.objects.current().filter(search_q(q)).count()
        ops.append(("search", f"search {label}: {q} ({n:,} rows)", "county",
                    [list_url + "?" + urlencode({"q": q})]))
if has_detail:
    rng = random.Random(seed)
    top = Employer.objects.order_by("-id").values_list("id", flat=True).first()
    ids = set()
    while len(ids) < runs + warmup:
        pk = rng.randint(1, top)
        if Employer.objects.filter(pk=pk, merged_into__isnull=True).exists():
            ids.add(pk)
    ops.append(("archive", "archive (random employers)", "county",
                [reverse("employers:employer_detail", args=[pk]) for pk in sorted(ids)]))
ops.append(("api", "API list", "county", ["/api/v1/employers"]))
ops.append(("api", "API list, q=猫场", "county", ["/api/v1/employers?q=%E7%8C%AB%E5%9C%BA"]))
ops.append(("api", "API list, q=县", "county", ["/api/v1/employers?q=%E5%8E%BF"]))


def explain(sql):
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            c.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(" | ".join(str(x) for x in row) for row in c.fetchall())


out["ops"] = []
for kind, label, username, urls in ops:
    client = clients[username]
    samples, counts, status, slowest = [], [], 200, None
    for i in range(warmup + runs):
        url = urls[i % len(urls)]
        # The log keeps 9,000 queries; once full, CaptureQueriesContext's slice comes out empty.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            status = response.status_code
            break
        if i >= warmup:
            samples.append(elapsed)
            counts.append(len(ctx.captured_queries))
            # Only SELECTs have a plan (a COMMIT's time is the disk's fsync).
            selects = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
            if plans and selects:
                q = max(selects, key=lambda q: float(q["time"]))
                if slowest is None or float(q["time"]) > float(slowest["time"]):
                    slowest = q
    row = {"kind": kind, "label": label, "status": status}
    if samples:
        samples.sort()
        row.update(
            p50=samples[len(samples) // 2],
            p95=samples[min(len(samples) - 1, int(len(samples) * 0.95))],
            queries=statistics.median(counts),
        )
        if plans and slowest is not None:
            row["slowest_sql"] = slowest["sql"][:2000]
            row["slowest_ms"] = float(slowest["time"]) * 1000
            try:
                row["plan"] = explain(slowest["sql"])
            except Exception as exc:
                row["plan"] = f"(no plan: {exc})"
    out["ops"].append(row)
    log(f"{label}: {row.get('p50', 0):.1f} / {row.get('p95', 0):.1f} ms")
print("RESULT " + json.dumps(out))
"""


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (CJK characters take two)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employers", type=int, default=1_000_000)
    parser.add_argument("--db", choices=BACKENDS, default="both")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--plans", action="store_true", help="also print the slowest query plans")
    parser.add_argument("--log", type=Path, default=ROOT / "var" / "bench-registry.log")
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        help="measure (and if needed fill up) this SQLite file instead of a fresh temporary one; "
        "it is kept, so a second run measures without rebuilding",
    )
    parser.add_argument(
        "--pg-db",
        help="measure (and if needed fill up) this PostgreSQL database on LABORGRID_TEST_PG's "
        "server instead of a throwaway one; created if missing and kept",
    )
    args = parser.parse_args()
    args.log.parent.mkdir(parents=True, exist_ok=True)
    print(f"Building {args.employers:,} employers per database; progress: tail -f {args.log}")
    child_args = [
        str(args.employers),
        str(args.runs),
        str(args.warmup),
        str(args.seed),
        "1" if args.plans else "0",
        str(args.log),
        json.dumps(SEARCHES, ensure_ascii=False),
    ]
    try:
        results = []
        if args.sqlite_file:
            results.append(
                _run("SQLite", f"sqlite:///{args.sqlite_file.resolve()}", CHILD, child_args)
            )
        if args.pg_db:
            results.append(_run("PostgreSQL", kept_pg_database(args.pg_db), CHILD, child_args))
        if not results:
            results = run_on_backends(CHILD, child_args, args.db)
    except subprocess.CalledProcessError as exc:
        print(f"benchmark failed (exit {exc.returncode}):")
        print((exc.stderr or "")[-4000:])
        return 1

    print(
        f"\nEmployer registry through the real views; {args.runs} runs after {args.warmup} "
        f"warm-up; machine: {os.cpu_count()} cores"
    )
    for r in results:
        b = r["build"]
        print(
            f"{r['backend']}: {r['employers']:,} employers, {r['snapshots']:,} snapshots; "
            f"generated {b['employers']:,} employers + {b['snapshots']:,} snapshots + "
            f"{b['workers']:,} workers ({b['rows']:,} rows with sources and history) in "
            f"{b['seconds']:.0f} s = {b['rows_per_s']:,.0f} rows/s, "
            f"{b['employers'] / b['seconds'] if b['seconds'] else 0:,.0f} employers/s "
            f"(demo seed {r['demo_s']:.1f} s)"
        )
    print(
        f"\n{'database':<11} {_pad('operation', 52)} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'queries':>7}  target"
    )
    missed = []
    for r in results:
        for op in r["ops"]:
            if op["status"] != 200:
                print(f"{r['backend']:<11} {_pad(op['label'], 52)} HTTP {op['status']}")
                continue
            target = TARGETS[op["kind"]]
            ok = op["p95"] <= target
            if not ok:
                missed.append(f"{r['backend']}: {op['label']}")
            print(
                f"{r['backend']:<11} {_pad(op['label'], 52)} {op['p50']:>8.1f} {op['p95']:>8.1f} "
                f"{op['queries']:>7.0f}  p95 ≤ {target:.0f} {'ok' if ok else 'MISSED'}"
            )
    if missed:
        print("\nTargets missed: " + "; ".join(missed))
    if args.plans:
        for r in results:
            for op in r["ops"]:
                if "plan" in op:
                    print(
                        f"\n{r['backend']} · {op['label']} · slowest query {op['slowest_ms']:.1f} ms"
                    )
                    print(op["slowest_sql"])
                    print(op["plan"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
