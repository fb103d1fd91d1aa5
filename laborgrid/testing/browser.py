"""Browser tests: a real server and background worker on a seeded demo database, via Playwright.

The server runs in its own process on its own SQLite file (migrate + seed_demo), so the browser
sees exactly what a user of ``make run`` sees and the suite's transactional test database is not
touched. Debian's ``chromium`` is used (``apt-get install chromium``; Playwright's own browser
download is not available here). Without chromium the tests skip, except under ``CI=true``, where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = (
        os.environ.get("LABORGRID_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(
                "chromium is required for browser tests under CI=true (apt-get install chromium)"
            )
        pytest.skip("chromium not installed: browser tests skipped (apt-get install chromium)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def demo_server() -> Iterator[str]:
    chromium_path()
    tmp = tempfile.mkdtemp(prefix="laborgrid-browser-")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
        "LABORGRID_ENV": "demo",
        "LABORGRID_VAR_DIR": tmp,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [python, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - local test server
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("demo server did not start")
        yield base
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def page(demo_server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(15000)
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield pg
            assert not errors, f"browser console errors: {errors}"
        finally:
            context.close()
            browser.close()
