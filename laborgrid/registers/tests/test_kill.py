"""Crash safety (issue 4 §9): ``import_registry`` killed with SIGKILL half-way leaves whole chunks
only, and ``--resume`` finishes the batch.

The command runs in a child process on a file copy of the test database (SQLite's serialize API), so
it can really be killed; PostgreSQL's chunk transactions are the same code, covered in-process by
``test_pipeline.test_a_stopped_commit_resumes_where_it_stopped`` on both databases.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from laborgrid.registers.tests.files import HEADER, csv_text, write
from laborgrid.testing.employers import make_uscc

ROOT = Path(settings.BASE_DIR)
ROWS = 3000
_OPTIONS = ("--user", "county", "--json", "--chunk", "200")


def _rows() -> list[list[str]]:
    return [
        [
            make_uscc(890000 + i),
            f"大方县断电{i}号商行",
            "张三",
            "个体工商户",
            "2020-01-01",
            "10万元",
            "存续",
            "贵州省毕节市大方县猫场镇箐口村",
        ]
        for i in range(ROWS)
    ]


def _command(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "LABORGRID_ENV": "development",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_registry", *_OPTIONS, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"),
    reason="the killed child works on a file copy of the SQLite test database",
)
@pytest.mark.django_db
def test_a_killed_import_leaves_whole_chunks_and_resumes(tmp_path: Path) -> None:
    db = tmp_path / "copy.sqlite3"
    connection.ensure_connection()
    db.write_bytes(connection.connection.serialize())  # the test database as a file
    path = write(tmp_path, "scjg.csv", csv_text([HEADER, *_rows()]).encode("gb18030"))

    child = _command(db, str(path), "--source", "scjg")
    watch = sqlite3.connect(db, timeout=30)
    deadline = time.monotonic() + 120
    checkpoint = 0
    while time.monotonic() < deadline and child.poll() is None:
        row = watch.execute("SELECT max(checkpoint) FROM registers_importbatch").fetchone()
        checkpoint = row[0] or 0
        if checkpoint > 0:
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    child.wait(timeout=60)
    assert checkpoint > 0, child.stderr.read() if child.stderr else ""
    assert child.returncode == -signal.SIGKILL

    batch, status, checkpoint, created = watch.execute(
        "SELECT id, status, checkpoint, created FROM registers_importbatch"
    ).fetchone()
    employers = watch.execute(
        "SELECT count(*) FROM employers_employer WHERE name LIKE '大方县断电%'"
    ).fetchone()[0]
    records = watch.execute(
        "SELECT count(*), max(row_number) FROM registers_importrow WHERE batch_id = ?", [batch]
    ).fetchone()
    assert status == "committing"
    # Whole chunks only: what the batch says it applied is exactly what is in the database.
    assert employers == created == records[0]
    assert records[1] == checkpoint and employers % 200 == 0 and employers < ROWS

    # At once, the batch still looks busy (its heartbeat is fresh): a second run is refused.
    early = _command(db, "--resume", str(batch))
    _out, err = early.communicate(timeout=300)
    assert early.returncode != 0 and "正在另一个进程中处理" in err
    # Five minutes of silence later the dead run no longer holds it.
    watch.execute("UPDATE registers_importbatch SET heartbeat_at = datetime('now', '-10 minutes')")
    watch.commit()
    resumed = _command(db, "--resume", str(batch))
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    employers = watch.execute(
        "SELECT count(*) FROM employers_employer WHERE name LIKE '大方县断电%'"
    ).fetchone()[0]
    status = watch.execute(
        "SELECT status FROM registers_importbatch WHERE id = ?", [batch]
    ).fetchone()[0]
    watch.close()
    assert (employers, status) == (ROWS, "committed")
    assert '"created": 3000' in out.strip().splitlines()[-1]
