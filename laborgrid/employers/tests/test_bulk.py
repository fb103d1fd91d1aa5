"""The registry's one write path (``employers.bulk``): its rules, and that nobody else writes
what it derives."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers import bulk, services
from laborgrid.employers.models import Employer
from laborgrid.testing.employers import make_employer
from laborgrid.testing.personas import MAOCHANG_VILLAGE

ROOT = Path(__file__).resolve().parents[2]  # laborgrid/
DERIVED = {"name_key", "name_core", "search_text"}


# --- the rules, without a database ----------------------------------------------------------------


def test_former_names_are_newest_first_each_once_never_the_current_name() -> None:
    assert bulk.renamed_former_names("", "甲厂", "乙厂") == "甲厂"
    assert bulk.renamed_former_names("甲厂", "乙厂", "丙厂") == "乙厂\n甲厂"
    # Renamed back to an earlier name: that name is current again, the replaced one comes first.
    assert bulk.renamed_former_names("乙厂\n甲厂", "丙厂", "甲厂") == "丙厂\n乙厂"
    # A name already listed moves to the front instead of appearing twice.
    assert bulk.renamed_former_names("乙厂\n甲厂", "甲厂", "丁厂") == "甲厂\n乙厂"
    assert bulk.renamed_former_names("甲厂", "乙厂", "乙厂") == "甲厂"  # no rename
    assert bulk.join_names(["  甲厂", "", "乙厂", "甲厂 "]) == "甲厂\n乙厂"


def test_derived_columns_follow_the_name_and_the_searched_fields() -> None:
    values = {
        "name": "大方县 猫场镇鑫兴商行",
        "former_names": "旧名商店",
        "address": "猫场镇1号",
        "legal_rep": "张三",
    }
    derived = bulk.derived_columns(values)
    assert derived["name_key"] == "大方县猫场镇鑫兴商行"
    assert derived["name_core"] == "猫场镇鑫兴"
    assert derived["search_text"].startswith("大 方 县 猫 场")
    assert "旧 名" in derived["search_text"] and "张 三" in derived["search_text"]


# --- single writes ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_edit_writes_derived_columns_version_and_history_through_bulk() -> None:
    county = User.objects.get(username="county")
    e = make_employer(MAOCHANG_VILLAGE, name="大方县单写旧名商行", former_names="大方县最早商店")
    before = timezone.now()
    e = services.update_employer(
        actor=county,
        employer=e,
        data={"name": "大方县单写新名商行"},
        expected_version=1,
        reason="更名",
    )
    stored = Employer.objects.get(pk=e.pk)
    assert stored.former_name_list == ["大方县单写旧名商行", "大方县最早商店"]  # newest first
    assert {k: getattr(stored, k) for k in DERIVED} == bulk.derived_columns(
        {f: getattr(stored, f) for f in bulk.SEARCHED}
    )
    assert {k: getattr(e, k) for k in (*DERIVED, "version", "former_names")} == {
        k: getattr(stored, k) for k in (*DERIVED, "version", "former_names")
    }
    assert stored.version == 2 and stored.updated_by == county
    change = stored.history.first()
    assert (change.history_type, change.history_user, change.history_change_reason) == (
        "~",
        county,
        "更名",
    )
    assert stored.history.as_of(before).name == "大方县单写旧名商行"
    assert Employer.objects.filter(search_text__phrase="单写旧名").get() == stored


@pytest.mark.django_db
def test_an_edit_that_changes_no_field_is_still_a_version() -> None:
    """As a model save() was: a person saved (the optimistic lock moves on)."""
    e = make_employer(MAOCHANG_VILLAGE, name="大方县无变化商行")
    e = services.update_employer(
        actor=User.objects.get(username="county"),
        employer=e,
        data={"name": "大方县无变化商行"},
        expected_version=1,
    )
    assert e.version == 2 and e.former_names == "" and e.history.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_second_employer_with_a_taken_uscc() -> None:
    """The USCC is unique in the database itself (on PostgreSQL one index that also serves
    prefix search): a write past the service's duplicate check is refused; employers without
    a code are many."""
    county = User.objects.get(username="county")
    taken = Employer.objects.exclude(uscc=None).first()
    assert taken is not None and taken.uscc
    skip = {"id", "created_at", "updated_at", "version", *DERIVED}
    values = {a: v for a, v in bulk.field_values(taken).items() if a not in skip}
    writes = bulk.EmployerWrites(actor=county, reason="测试")
    with pytest.raises(IntegrityError), transaction.atomic():
        writes.create([{**values, "name": "大方县同码另一商行"}])
    assert Employer.objects.filter(uscc=taken.uscc).count() == 1
    assert Employer.objects.filter(uscc__startswith=taken.uscc[:10]).filter(pk=taken.pk).exists()
    writes.create([{**values, "uscc": None, "name": f"大方县无码商行{n}"} for n in range(2)])
    assert Employer.objects.filter(name__startswith="大方县无码商行", uscc=None).count() == 2


# --- one write path -----------------------------------------------------------------------------------


def _modules() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if "migrations" not in p.parts
        and "tests" not in p.parts
        and p != ROOT / "employers" / "bulk.py"
    ]


def _target_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.slice.value
    return None


def _calls_join_names(value: ast.expr | None) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("join_names", "renamed_former_names")


def test_only_the_bulk_module_writes_the_derived_columns() -> None:
    """Assignments to the name key, name core or an employer's search text, an instance's
    former names not computed by the bulk module's rules, and raw SQL writing the employer
    table: only in ``employers/bulk.py`` (migrations and tests aside). (Former names in a
    request's data or a batch's records are input and records, not the column.)"""
    table = Employer._meta.db_table
    found: list[str] = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        about_employers = "Employer" in source
        tree = ast.parse(source)
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets, value = [node.target], node.value
            for target in targets:
                name = _target_name(target)
                where = f"{path.relative_to(ROOT)}:{target.lineno}"
                if name in ("name_key", "name_core"):
                    found.append(f"{where} assigns {name}")
                elif about_employers and name == "search_text":
                    found.append(f"{where} assigns search_text")
                elif (
                    isinstance(target, ast.Attribute)
                    and name == "former_names"
                    and not _calls_join_names(value)
                ):
                    found.append(f"{where} assigns former_names without bulk's rules")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                sql = node.value.upper()
                if table.upper() in sql and ("INSERT INTO" in sql or "UPDATE " in sql):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} writes {table} in SQL")
    assert found == []


@pytest.mark.django_db
def test_a_bulk_write_leaves_the_connections_sqlite_settings_as_it_found_them() -> None:
    """Inside ``Writer.tuned`` SQLite keeps a big page cache and lets its write-ahead log grow
    to 1 GiB before copying it into the database; the connection, which serves other requests
    afterwards, gets its own settings back."""
    from django.db import connection

    writer = bulk.Writer()
    if writer.vendor != "sqlite":
        pytest.skip("SQLite's settings (PostgreSQL's server is tuned by its configuration)")

    def settings() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (cache,) = cursor.fetchone()
            cursor.execute("PRAGMA wal_autocheckpoint")
            (autocheckpoint,) = cursor.fetchone()
        return cache, autocheckpoint

    before = settings()
    with writer.tuned():
        assert settings() == (-262_144, bulk.WAL_CHECKPOINT_PAGES)
        make_employer(MAOCHANG_VILLAGE, name="大方县调优写入测试商行")
    assert settings() == before
    assert Employer.objects.filter(name="大方县调优写入测试商行").exists()
