#!/usr/bin/env python
"""Benchmark: the dashboard and the statistical returns at province scale (issue 20 item 4).

Builds a database (``harness.py``: a throwaway PostgreSQL database on LABORGRID_TEST_PG by default,
or a temporary SQLite file; ``--pg-db NAME`` keeps it for later runs): the 大方县 demo, the
province's grids (``shared/data/divisions/guizhou-52.csv``, ~19,600 grids), ``--employers``
synthetic employers spread over the whole province (``laborgrid.employers.generate``, one snapshot
each), ``--cases`` cases over the last 14 months on random employers (states, dates, amounts;
a pending deadline on every open case, past due for a share of them) and ``--visits`` on-site
inspections (现场检查, 90 % concluded) over the same months. A kept database is only topped up:
``--build-only`` builds (a long run, in the background) and measures nothing; a later run on the
same ``--pg-db`` measures without rebuilding.

Then it measures, signed in as a read-only leader of the province (a user given the leader role on
the ``52`` grid), through URL routing, middleware, views and templates (Django's test ``Client``):

* the count the worker makes (``rollup.refresh`` of the whole province: every source's grouped
  queries, the roll-up, the table rewritten) — the cost of keeping the figures current — and
  the count of one county carried up to the city and province from the table
  (``rollup.refresh_subtree``: what a change in a county costs);
* the dashboard page and ``GET /api/v1/dashboard`` for the province, a city, the county and a
  township (they read the pre-aggregated table);
* a county's return: the page before drafting (a preview, counted live), the consolidation (POST,
  as the county inspector), and the page and ``GET /api/v1/returns`` of the stored return.

Each operation: ``--warmup`` requests, then ``--runs`` timed ones; p50 and p95 in ms and the SQL
queries per request. Target: ≤ 300 ms p95 for a dashboard and a return.

    .venv/bin/python bench/reports.py [--employers N] [--cases N] [--visits N]
                                      [--db postgres|sqlite|both] [--runs N] [--pg-db NAME]
                                      [--build-only] [--log PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import BACKENDS, ROOT, _run, kept_pg_database, run_on_backends

PROVINCE_CSV = ROOT.parent / "shared" / "data" / "divisions" / "guizhou-52.csv"

CHILD = r"""
import json, os, random, statistics, sys, time
from datetime import date, datetime, timedelta
from decimal import Decimal
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["LABORGRID_REPORTS_REFRESH_SECONDS"] = "100000"
django.setup()
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.accounts.roles import Role
from laborgrid.cases.models import Case
from laborgrid.deadlines.models import Deadline
from laborgrid.deadlines import services as deadline_services
from laborgrid.employers.generate import generate_employers
from laborgrid.employers.models import Employer
from laborgrid.grids.importing import import_divisions_file
from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.reports import rollup
from laborgrid.site.demo import seed_demo

employers_n, cases_n, runs, warmup, csv_path, log_path = (
    int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
)
build_only = sys.argv[7] == "1"
visits_n = int(sys.argv[8])
log = open(log_path, "a", buffering=1)
def say(msg):
    log.write(f"{time.strftime('%H:%M:%S')} {msg}\n")

build = {}
t0 = time.perf_counter()
if not Grid.objects.filter(code="52").exists():
    seed_demo(log=say)
    build["demo_s"] = round(time.perf_counter() - t0, 1)
    t = time.perf_counter()
    import_divisions_file(csv_path)
    build["grids_s"] = round(time.perf_counter() - t, 1)
province = Grid.objects.get(code="52")
build["grids"] = Grid.objects.count()
have = Employer.objects.count()
if have < employers_n:
    t = time.perf_counter()
    generate_employers(employers_n - have, root=province, seed=7, snapshots_per_employer=1,
                       roster_share=0.0,
                       progress=lambda done, s: say(f"employers {done}"))
    build["employers_s"] = round(time.perf_counter() - t, 1)
build["employers"] = Employer.objects.count()

today = timezone.localdate()
have_cases = Case.objects.count()
if have_cases < cases_n:
    t = time.perf_counter()
    rng = random.Random(11)
    ids = list(Employer.objects.values_list("id", "name", "grid_id", "grid_path")
               .order_by("?")[: max(1, min(cases_n, 200000))])
    grids = {g.pk: g for g in Grid.objects.filter(pk__in={i[2] for i in ids}).only("id", "path", "code")}
    states = ["received", "accepted", "investigating", "served", "closed", "archived", "rejected"]
    weights = [8, 5, 20, 5, 40, 15, 7]
    batch, deadlines = [], []
    for n in range(cases_n - have_cases):
        eid, name, gid, gpath = ids[n % len(ids)]
        received = today - timedelta(days=rng.randrange(0, 420))
        state = rng.choices(states, weights)[0]
        filed = received + timedelta(days=rng.randrange(1, 10)) if state not in ("received", "rejected", "accepted") else None
        closed = (filed or received) + timedelta(days=rng.randrange(5, 60)) if state in ("closed", "archived") else None
        if closed and closed > today:
            closed = today
        batch.append(Case(
            kind=rng.choice(["complaint", "report", "referral", "inspection"]), channel="phone",
            state=state, grid_id=gid, grid_path=gpath, route_method="employer",
            employer_id=eid, employer_name=name, category="wages", facts="bench",
            received_on=received, accepted_on=received if filed else None, filed_on=filed,
            decided_on=closed, closed_on=closed,
            amount_recovered=Decimal(rng.randrange(0, 200000)) if closed else Decimal(0),
            workers_helped=rng.randrange(1, 30) if closed else 0,
            penalty_amount=Decimal(rng.choice([0, 0, 0, 2000, 5000])) if closed else Decimal(0),
        ))
        if len(batch) >= 5000:
            with transaction.atomic():
                made = Case.objects.bulk_create(batch)
                ds = []
                for c in made:
                    if c.state in ("closed", "archived", "rejected"):
                        continue
                    d = deadline_services.build(c, "investigation", c.filed_on or c.received_on,
                                                grid=grids[c.grid_id])
                    ds.append(d)
                Deadline.objects.bulk_create(ds)
            say(f"cases {n + 1}")
            batch = []
    if batch:
        with transaction.atomic():
            made = Case.objects.bulk_create(batch)
            Deadline.objects.bulk_create([
                deadline_services.build(c, "investigation", c.filed_on or c.received_on, grid=grids[c.grid_id])
                for c in made if c.state not in ("closed", "archived", "rejected")])
    build["cases_s"] = round(time.perf_counter() - t, 1)
build["cases"] = Case.objects.count()

# Visits (现场检查): concluded on-site inspections over the last 14 months on random employers,
# by two of the demo's certified inspectors (the sources count concluded visits by visit date).
from laborgrid.inspections.models import Visit
have_visits = Visit.objects.count()
if have_visits < visits_n:
    t = time.perf_counter()
    rng = random.Random(13)
    pairs = list(User.objects.filter(username__in=["county", "maochang"]).values_list("pk", flat=True))
    if len(pairs) < 2:
        pairs = list(User.objects.order_by("pk").values_list("pk", flat=True)[:2])
    ids = list(Employer.objects.values_list("id", "grid_id", "grid_path", "address")
               .order_by("?")[: max(1, min(visits_n, 200000))])
    outcomes = ["inspected"] * 17 + ["not_found", "closed", "obstructed"]
    batch = []
    for n in range(visits_n - have_visits):
        eid, gid, gpath, address = ids[n % len(ids)]
        day = today - timedelta(days=rng.randrange(0, 420))
        at = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))
        concluded = rng.random() < 0.9
        batch.append(Visit(
            employer_id=eid, grid_id=gid, grid_path=gpath, status="concluded" if concluded else "recorded",
            outcome=rng.choice(outcomes), visited_on=day, started_at=at, ended_at=at + timedelta(hours=1),
            place=(address or "bench")[:300], inspector_1_id=pairs[0], inspector_2_id=pairs[1],
            recorded_by_id=pairs[0], recorded_at=at, concluded_by_id=pairs[0] if concluded else None,
            concluded_at=at + timedelta(hours=2) if concluded else None, inspectors_signed=concluded,
        ))
        if len(batch) >= 10000:
            Visit.objects.bulk_create(batch)
            say(f"visits {n + 1}")
            batch = []
    if batch:
        Visit.objects.bulk_create(batch)
    build["visits_s"] = round(time.perf_counter() - t, 1)
build["visits"] = Visit.objects.count()
build["overdue_deadlines"] = Deadline.objects.filter(met_on__isnull=True, voided=False, due__lt=today).count()
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        c.execute("ANALYZE")

if build_only:
    print("RESULT " + json.dumps({"build": build, "rows": []}))
    sys.exit(0)

leader, _ = User.objects.get_or_create(username="bench-province-leader", defaults={"full_name": "省级领导"})
GridAssignment.objects.get_or_create(user=leader, grid=province, role=Role.LEADER,
                                     defaults={"valid_from": date(2020, 1, 1)})
county_user = User.objects.get(username="county")

rows = []
def measure(label, fn, runs=runs, warmup=warmup):
    for _ in range(warmup):
        fn()
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    rows.append({"op": label, "p50": round(statistics.median(times), 1), "p95": round(p95, 1),
                 "queries": queries, "runs": runs})
    say(f"{label}: p50 {rows[-1]['p50']} p95 {rows[-1]['p95']}")

def refresh():
    rollup.refresh(province.path)
measure("worker: count the province (refresh)", refresh, runs=3, warmup=0)
county_path = Grid.objects.get(code="520521").path
def refresh_county():
    rollup.refresh_subtree(county_path)
measure("worker: count county 520521, carry it up (refresh_subtree)", refresh_county, runs=5,
        warmup=1)

client = Client()
client.force_login(leader)
def get(url, ok=200):
    def fn():
        r = client.get(url)
        assert r.status_code == ok, (url, r.status_code)
    return fn

city = Grid.objects.get(code="5205")
for label, code in (("province 52", "52"), ("city 5205", "5205"), ("county 520521", "520521"),
                    ("township 520521102", "520521102")):
    measure(f"dashboard page: {label}", get(f"/reports/{code}/"))
    measure(f"GET /api/v1/dashboard: {label}", get(f"/api/v1/dashboard?grid={code}"))

last = periods.containing(today).previous()
inspector = Client()
inspector.force_login(county_user)
measure("return page, not drafted (live preview): county", get(f"/reports/returns/520521/{last.key}/"))
def consolidate():
    r = inspector.post(f"/reports/returns/520521/{last.key}/consolidate/", {"note": "bench"})
    assert r.status_code == 302, r.status_code
measure("consolidate the county's return (POST)", consolidate, runs=5, warmup=1)
measure("return page, stored: county", get(f"/reports/returns/520521/{last.key}/"))
measure("GET /api/v1/returns: county", get(f"/api/v1/returns?period={last.key}&grid=520521"))
measure("return XLSX download: county", get(f"/reports/returns/520521/{last.key}/download/xlsx/"), runs=5)
from laborgrid.reports.models import FigureValue
build["figure_rows"] = FigureValue.objects.count()
print("RESULT " + json.dumps({"build": build, "rows": rows}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--db", choices=BACKENDS, default="postgres")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--pg-db", default="")
    parser.add_argument("--log", default=str(ROOT / "var" / "bench-reports.log"))
    parser.add_argument(
        "--build-only", action="store_true", help="build the data (a kept --pg-db), measure nothing"
    )
    args = parser.parse_args()
    child_args = [
        str(args.employers),
        str(args.cases),
        str(args.runs),
        str(args.warmup),
        str(PROVINCE_CSV),
        args.log,
        "1" if args.build_only else "0",
        str(args.visits),
    ]
    if args.pg_db:
        results = [_run("PostgreSQL", kept_pg_database(args.pg_db), CHILD, child_args)]
    else:
        results = run_on_backends(CHILD, child_args, args.db)
    for result in results:
        print(f"\n{result['backend']}: build {result['build']}")
        print(f"{'operation':<52} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  target")
        for row in result["rows"]:
            target = "" if row["op"].startswith(("worker", "consolidate")) else "≤ 300 ms p95"
            ok = "ok" if target and row["p95"] <= 300 else ("MISSED" if target else "")
            print(
                f"{row['op']:<52} {row['p50']:>8} {row['p95']:>8} {row['queries']:>8}  "
                f"{target} {ok}"
            )


if __name__ == "__main__":
    main()
