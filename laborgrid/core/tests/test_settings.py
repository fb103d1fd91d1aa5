"""Production settings refuse unsafe starts; `check --deploy` is clean with production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.lib.crypto import KeyRing, generate_config

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 20 + "Q9-random-production-key-for-tests-only"
FIELD_KEYS = generate_config("sm4-gcm", key_id="t1")


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "LABORGRID_FIELD_KEYS"}
    }
    env = {"LABORGRID_FIELD_KEYS": FIELD_KEYS, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "LABORGRID_ENV": "production", "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_the_demo_secret_key() -> None:
    result = _run({"ALLOWED_HOSTS": "laborgrid.example.cn"}, "check")
    assert result.returncode != 0
    assert "demo secret key is refused" in result.stderr


def test_production_refuses_debug() -> None:
    result = _run({"SECRET_KEY": GOOD_KEY, "DEBUG": "true", "ALLOWED_HOSTS": "x.cn"}, "check")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_refuses_missing_or_demo_field_keys() -> None:
    from django.conf import settings

    base = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.cn"}
    for keys in ("", settings.DEMO_FIELD_KEYS):
        result = _run({**base, "LABORGRID_FIELD_KEYS": keys}, "check")
        assert result.returncode != 0
        assert "LABORGRID_FIELD_KEYS" in result.stderr


def test_generate_field_keys_prints_a_usable_key_ring(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("generate_field_keys", "--algorithm", "sm4-gcm")
    ring = KeyRing.from_config(capsys.readouterr().out.strip())
    token = ring.encrypt("520521199001010019", context="worker.id_number")
    assert ring.decrypt(token, context="worker.id_number") == "520521199001010019"


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _run(
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "laborgrid.example.cn"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_seed_demo_is_refused_in_production() -> None:
    result = _run({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.cn"}, "seed_demo")
    assert result.returncode != 0 and "生产环境" in result.stderr


@pytest.mark.django_db
def test_migrations_are_complete() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_create_staff_prints_a_one_time_password(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "create_staff", "sa-dafang", "--name", "孙一", "--role", "sysadmin", "--grid", "520521"
    )
    out = capsys.readouterr().out
    assert "一次性密码" in out
    user = User.objects.get(username="sa-dafang")
    assert user.password_expired()  # must change at first sign-in
    assert GridAssignment.objects.filter(user=user, role="sysadmin").exists()


@pytest.mark.django_db
def test_each_database_gets_its_connection_settings() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 10000
        else:
            # JIT compilation costs more than a web request's short queries save.
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_the_cache_is_shared_through_the_database() -> None:
    """Coverage figures counted by the background worker and the public intake's flood limits
    must be seen by every web process: the default cache lives in a table ``migrate`` made."""
    from django.core.cache import cache
    from django.db import connection

    cache.set("laborgrid:test:shared", "共享", 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM laborgrid_cache WHERE cache_key LIKE %s", ["%shared"])
        assert cursor.fetchone()[0] == 1
    assert cache.get("laborgrid:test:shared") == "共享"
