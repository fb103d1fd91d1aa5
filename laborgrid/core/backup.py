"""Backup and restore of a whole installation: database, uploaded files, key ring, manifest.

SECURITY.md 数据备份恢复; issue 21 item 3: the documented SQLite copy left out the uploaded files
and the key ring, and a restored install answered 500 for every evidence file, document and photo.

A backup is a directory::

    manifest.json       what is in it, with the SHA-256 of every file, row counts, migrations
    database/           SQLite: db.sqlite3 (SQLite's online backup API: a consistent copy of a
                        live database, FTS5 tables and triggers included)
                        PostgreSQL: <table>.copy.gz per table (COPY ... TO STDOUT, text format,
                        lossless for every type) read in one REPEATABLE READ snapshot
    media/              every file under MEDIA_ROOT
    keys/field-keys.txt the key ring (LABORGRID_FIELD_KEYS), mode 0600: move it to its own
                        custodian; without it the encrypted numbers and TOTP secrets are lost

PostgreSQL without ``pg_dump``: the application servers need not carry the PostgreSQL client
tools (or the server's exact major version of them), and a dump made through the application's
own connection needs no second set of credentials. The price: a restore goes into a database
migrated to the same migrations as the backup (``restore`` migrates it first and refuses when the
sets differ: restore with the release that made the backup, then upgrade). For point-in-time
recovery and the hot standby keep the base backup + WAL archive of docs/deploy.md §9.

``restore`` verifies every hash before it touches anything, then replaces the target database's
rows in one transaction (PostgreSQL: user triggers such as the audit log's append-only guard are
disabled for the copy only; foreign keys are checked at commit) or its file (SQLite), then the
media files, and finishes with :func:`post_restore_check`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = 1
Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused; the message says why, for the operator."""


# --------------------------------------------------------------------------- helpers


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quiet(_line: str) -> None:
    return None


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库：{vendor}")
    return vendor


def _applied_migrations(alias: str) -> list[list[str]]:
    executor = MigrationExecutor(connections[alias])
    return sorted([app, name] for app, name in executor.loader.applied_migrations)


def _pg_tables(alias: str) -> list[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def _pg_columns(alias: str, table: str) -> list[str]:
    """The columns COPY can write: generated ones (the search tsvector) are computed again."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s "
            "AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(alias: str) -> dict[str, int]:
    conn = connections[alias]
    tables = _pg_tables(alias) if conn.vendor == "postgresql" else conn.introspection.table_names()
    counts = {}
    with conn.cursor() as cursor:
        for table in tables:
            if conn.vendor == "sqlite" and not _sqlite_plain_table(cursor, table):
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {_q(table)}")  # noqa: S608 -- introspected name
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_plain_table(cursor: Any, table: str) -> bool:
    """Tables people's data lives in: FTS5 shadow tables and virtual tables are the index."""
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
    row = cursor.fetchone()
    return bool(row) and not (row[0] or "").upper().startswith("CREATE VIRTUAL")


def key_ring_fingerprint(config: str) -> str:
    return hashlib.sha256(config.strip().encode()).hexdigest()


def _media_files(root: Path) -> Iterator[Path]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path


# --------------------------------------------------------------------------- backup


def backup(destination: Path, *, alias: str = "default", log: Log = _quiet) -> dict[str, Any]:
    """Write a backup of the installation into the new directory ``destination``."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"目标目录不是空的：{destination}")
    engine = _engine(alias)
    (destination / "database").mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    tables: dict[str, Any] = {}
    if engine == "sqlite":
        target = destination / "database" / "db.sqlite3"
        _sqlite_backup(alias, target)
        files["database/db.sqlite3"] = sha256_file(target)
        log(f"数据库（SQLite）：{target.stat().st_size // 1024} KB")
    else:
        tables = _pg_backup(alias, destination / "database", files, log)
    counts = _row_counts(alias)
    media_root = Path(settings.MEDIA_ROOT)
    media: dict[str, dict[str, Any]] = {}
    for path in _media_files(media_root):
        relative = path.relative_to(media_root).as_posix()
        copy = destination / "media" / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        media[relative] = {"size": copy.stat().st_size, "sha256": sha256_file(copy)}
    log(f"上传文件：{len(media)} 个")
    keys_dir = destination / "keys"
    keys_dir.mkdir(mode=0o700, exist_ok=True)
    keys_file = keys_dir / "field-keys.txt"
    config = settings.LABORGRID_FIELD_KEYS
    fd = os.open(keys_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(config)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "migrations": _applied_migrations(alias),
        "row_counts": counts,
        "tables": tables,
        "files": files,
        "media": media,
        "keys": {
            "file": "keys/field-keys.txt",
            "sha256": sha256_file(keys_file),
            "fingerprint": key_ring_fingerprint(config),
        },
    }
    (destination / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    log(f"备份完成：{destination}")
    return manifest


def _sqlite_backup(alias: str, target: Path) -> None:
    """SQLite's online backup API from a connection of its own: a consistent copy while the web
    server and the worker keep writing (WAL). Inside a caller's write transaction (a test) the
    API cannot run on that connection: the database image is serialised from it instead."""
    conn = connections[alias]
    conn.ensure_connection()
    if conn.in_atomic_block:
        target.write_bytes(conn.connection.serialize())
        return
    source = sqlite3.connect(conn.settings_dict["NAME"])
    try:
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    finally:
        source.close()


def _pg_backup(alias: str, folder: Path, files: dict[str, str], log: Log) -> dict[str, Any]:
    conn = connections[alias]
    tables: dict[str, Any] = {}
    with transaction.atomic(using=alias):
        if len(conn.atomic_blocks) == 1:
            # One snapshot for every table (not possible inside a caller's transaction, e.g. a
            # test: its own snapshot then applies).
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        raw = conn.connection
        for table in _pg_tables(alias):
            columns = _pg_columns(alias, table)
            name = f"{table}.copy.gz"
            path = folder / name
            column_list = ", ".join(_q(c) for c in columns)
            with gzip.open(path, "wb", compresslevel=6) as out, raw.cursor() as cursor:  # noqa: SIM117
                with cursor.copy(f"COPY {_q(table)} ({column_list}) TO STDOUT") as copy:
                    for block in copy:
                        out.write(block)
            files[f"database/{name}"] = sha256_file(path)
            tables[table] = {"columns": columns, "file": f"database/{name}"}
    log(f"数据库（PostgreSQL）：{len(tables)} 张表")
    return tables


# --------------------------------------------------------------------------- restore


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / "manifest.json"
    if not path.exists():
        raise BackupError(f"没有 manifest.json：{source} 不是 laborgrid 备份")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持")
    return manifest


def verify_backup(source: Path) -> dict[str, Any]:
    """Check every file of the backup against the manifest (nothing is written)."""
    source = Path(source)
    manifest = read_manifest(source)
    expected = dict(manifest["files"])
    expected.update({f"media/{k}": v["sha256"] for k, v in manifest["media"].items()})
    expected[manifest["keys"]["file"]] = manifest["keys"]["sha256"]
    bad = []
    for relative, digest in expected.items():
        path = source / relative
        if not path.is_file() or sha256_file(path) != digest:
            bad.append(relative)
    if bad:
        shown = "、".join(bad[:5])
        raise BackupError(f"备份文件缺失或与清单的 SHA-256 不符（{len(bad)} 个）：{shown}")
    return manifest


def restore(
    source: Path,
    *,
    alias: str = "default",
    media_root: Path | None = None,
    log: Log = _quiet,
) -> CheckReport:
    """Restore ``source`` into the database ``alias`` and ``media_root``, then check the result.

    The services must be stopped. The key ring is not written into the configuration: the
    running one must be the backup's (its fingerprint is compared), or restore refuses.
    """
    source = Path(source)
    manifest = verify_backup(source)
    log("备份文件校验通过（SHA-256）。")
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(f"备份来自 {manifest['engine']}，目标数据库是 {engine}")
    if key_ring_fingerprint(settings.LABORGRID_FIELD_KEYS) != manifest["keys"]["fingerprint"]:
        raise BackupError(
            "当前配置的密钥环（LABORGRID_FIELD_KEYS）与备份时的不同。请先把备份中的 "
            "keys/field-keys.txt 配置为 LABORGRID_FIELD_KEYS，否则恢复后加密的号码无法读取。"
        )
    if engine == "sqlite":
        _sqlite_restore(alias, source / "database" / "db.sqlite3")
    else:
        _pg_restore(alias, source, manifest, log)
    log("数据库已恢复。")
    root = Path(media_root or settings.MEDIA_ROOT)
    for relative in manifest["media"]:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "media" / relative, target)
    log(f"上传文件已恢复：{len(manifest['media'])} 个。")
    return post_restore_check(alias=alias, manifest=manifest, media_root=root)


def _sqlite_restore(alias: str, backup_file: Path) -> None:
    conn = connections[alias]
    conn.close()
    conn.ensure_connection()
    with sqlite3.connect(backup_file) as source:
        source.backup(conn.connection)
    source.close()


def _pg_restore(alias: str, source: Path, manifest: dict[str, Any], log: Log) -> None:
    from django.core.management import call_command

    if alias == "default":
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    else:
        _migrate_elsewhere(alias)
    if _applied_migrations(alias) != manifest["migrations"]:
        raise BackupError("目标数据库的迁移与备份不同：请用制作备份的版本恢复，恢复后再升级。")
    conn = connections[alias]
    tables = manifest["tables"]
    present = set(_pg_tables(alias))
    missing = sorted(set(tables) - present)
    if missing:
        raise BackupError(f"目标数据库缺少这些表：{'、'.join(missing[:5])}")
    with transaction.atomic(using=alias):
        raw = conn.connection
        with raw.cursor() as cursor:
            for table in present:
                cursor.execute(f"ALTER TABLE {_q(table)} DISABLE TRIGGER USER")
            cursor.execute(f"TRUNCATE {', '.join(_q(t) for t in sorted(present))} CASCADE")
            for table, info in tables.items():
                column_list = ", ".join(_q(c) for c in info["columns"])
                with (
                    gzip.open(source / info["file"], "rb") as fh,
                    cursor.copy(f"COPY {_q(table)} ({column_list}) FROM STDIN") as copy,
                ):
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        copy.write(block)
            # foreign keys are checked now (deferred until here), then the user triggers return
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in present:
                cursor.execute(f"ALTER TABLE {_q(table)} ENABLE TRIGGER USER")
            # identity/serial columns continue after the restored rows
            cursor.execute(
                "SELECT c.relname, a.attname, pg_get_serial_sequence(quote_ident(c.relname), "
                "a.attname) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
                "AND a.attnum > 0 AND NOT a.attisdropped AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) "
                "IS NOT NULL"
            )
            for table, column, sequence in cursor.fetchall():
                cursor.execute(
                    f"SELECT setval(%s, COALESCE(MAX({_q(column)}), 1), MAX({_q(column)}) IS NOT NULL) "  # noqa: S608
                    f"FROM {_q(table)}",
                    [sequence],
                )
    log(f"已写入 {len(tables)} 张表。")


def _migrate_elsewhere(alias: str) -> None:
    """Migrate a scratch database (a restore drill) in a process where it is the default one:
    data migrations written for the default database then read and write the right one."""
    import subprocess
    import sys
    from urllib.parse import quote

    cfg = connections[alias].settings_dict
    auth = quote(cfg.get("USER") or "", safe="")
    if cfg.get("PASSWORD"):
        auth += ":" + quote(cfg["PASSWORD"], safe="")
    host = f"{cfg.get('HOST') or 'localhost'}:{cfg.get('PORT') or 5432}"
    url = f"postgres://{auth}@{host}/{quote(cfg['NAME'], safe='')}"
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.run(
        [sys.executable, str(manage), "migrate", "--noinput", "-v0"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


# --------------------------------------------------------------------------- the check


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def post_restore_check(
    *,
    alias: str = "default",
    manifest: dict[str, Any] | None = None,
    media_root: Path | None = None,
) -> CheckReport:
    """What a restored installation must satisfy before people use it again.

    Schema up to date; row counts as in the backup; the audit chain intact; every stored file
    referenced by a record present; one token of every encrypted column decrypts with the
    running key ring.
    """
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.base import CommandError

    report = CheckReport()
    conn = connections[alias]
    executor = MigrationExecutor(conn)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        report.problems.append("数据库结构不是最新：有未执行的迁移（manage.py migrate）。")
    if manifest is not None:
        counts = _row_counts(alias)
        for table, expected in manifest["row_counts"].items():
            if counts.get(table) != expected:
                report.problems.append(
                    f"表 {table} 的行数为 {counts.get(table)}，备份中为 {expected}。"
                )
    if alias == "default":
        try:
            call_command("verify_audit_chain", stdout=_Null(), stderr=_Null())
        except CommandError as exc:
            report.problems.append(str(exc))
    root = Path(media_root or settings.MEDIA_ROOT)
    missing: list[str] = []
    checked = 0
    for model in apps.get_models():
        file_fields = [f.name for f in model._meta.fields if f.get_internal_type() == "FileField"]
        for name in file_fields:
            values = (
                model._base_manager.using(alias).exclude(**{name: ""}).values_list(name, flat=True)
            )
            for value in values.iterator():
                checked += 1
                if not (root / value).is_file():
                    missing.append(value)
    if missing:
        report.problems.append(
            f"{len(missing)} 个上传文件缺失（共 {checked} 个），例如：{'、'.join(missing[:5])}"
        )
    report.notes.append(f"上传文件：检查 {checked} 个。")
    report.problems.extend(_check_keys(alias))
    return report


def _check_keys(alias: str) -> list[str]:
    """One token of each encrypted column must decrypt with the running key ring."""
    from laborgrid.core.management.commands.rotate_field_keys import token_columns, token_keys
    from laborgrid.core.pii import keyring
    from laborgrid.lib.crypto import DecryptionError

    problems = []
    ring = keyring()
    found: list[tuple[type[models.Model], str, str, str]] = []
    for model, column, context in token_columns():
        token = (
            model._base_manager.using(alias)
            .exclude(**{column: ""})
            .values_list(column, flat=True)
            .first()
        )
        found.append((model, column, context, token or ""))
    for model, column, key, context in token_keys():
        value = (
            model._base_manager.using(alias)
            .filter(**{f"{column}__has_key": key})
            .values_list(column, flat=True)
            .first()
        )
        token = value.get(key) if isinstance(value, dict) else ""
        found.append((model, f"{column}.{key}", context, token or ""))
    for model, column, context, token in found:
        if not token:
            continue
        try:
            ring.decrypt(token, context=context)
        except DecryptionError:
            problems.append(
                f"{model._meta.db_table}.{column} 无法用当前密钥环解密：密钥环不是备份时的。"
            )
    return problems


class _Null:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        return None
