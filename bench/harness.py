"""Shared benchmark plumbing: run a measuring script against fresh databases, one per backend.

Each backend gets a brand-new database (a temporary SQLite file; a throwaway PostgreSQL database on
LABORGRID_TEST_PG, dropped afterwards), migrated, and a child Python process that runs the
measurement with Django set up and prints one ``RESULT {json}`` line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ROOT.parent / "shared" / "data" / "divisions" / "china-all.csv.gz"
PG = os.environ.get("LABORGRID_TEST_PG", "postgres://postgres@127.0.0.1:5432/laborgrid")
BACKENDS = ("sqlite", "postgres", "both")


def _run(label: str, url: str, child: str, args: list[str]) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "LABORGRID_ENV": "development"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    proc = subprocess.run(
        [sys.executable, "-c", child, *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    return {"backend": label, **json.loads(line[len("RESULT ") :])}


def kept_pg_database(name: str) -> str:
    """The URL of database ``name`` on LABORGRID_TEST_PG's server, created if it does not exist."""
    import psycopg

    server = PG.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def run_on_backends(child: str, args: list[str], db: str = "both") -> list[dict[str, Any]]:
    """Run ``child`` (Python source) on each selected backend; return its results."""
    results = []
    if db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(_run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", child, args))
    if db in ("postgres", "both"):
        import psycopg

        server = PG.rsplit("/", 1)[0]
        name = f"laborgrid_bench_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            results.append(_run("PostgreSQL", f"{server}/{name}", child, args))
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    return results
