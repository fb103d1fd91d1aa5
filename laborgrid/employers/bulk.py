"""The one write path of employer rows: single edits and bulk writes alike (ARCHITECTURE rule 1).

Every employer row is created or updated here — by the edit service (one row), the register
import's commit and its rollback, and the demo / benchmark generator (many rows) — so that what
is *derived* from a row is computed by one function each and written by one code path:

* the **name key** and **name core** (duplicate detection and import matching:
  :func:`derived_columns`, from :func:`laborgrid.core.search.normalise` and
  :func:`laborgrid.employers.names.name_core`);
* the **search text** (the character index of :mod:`laborgrid.core.search` over the name, former
  names, address and legal representative: :func:`derived_columns`; on SQLite the FTS5 index is
  fed set-based around the writes, :func:`~laborgrid.core.search.bulk_insert` /
  :func:`~laborgrid.core.search.bulk_update`);
* the **former names** after a rename (:func:`renamed_former_names`);
* the **history row** of each write (django-simple-history's table: :func:`history_row`), with
  who and why;
* ``version`` (+1 per update: the optimistic lock), ``updated_at`` and ``updated_by``.

**Former names are kept newest first.** When an employer is renamed, the name it had until now
becomes its first former name; earlier former names follow in the order they had, each name
once, the current name never among them. This is what a person reading the archive expects
(曾用名: the name just replaced first) and what an edit, an import and a rollback all produce.
A rollback restores the former names recorded with the change it undoes (``restore=True``).

Writes are raw and set-based, never a model ``save()`` per row: ``COPY`` (PostgreSQL) or
``executemany`` (SQLite) for new rows, into ids reserved in the writing transaction; one
``UPDATE … FROM unnest(…)`` (PostgreSQL) or one prepared ``UPDATE`` run with every row
(SQLite) per set of changed columns for updates — an indexed column named in an ``UPDATE`` has
its index entries rewritten even when its value stays, so each row is written with the columns
it changes and no others. A single edit goes the same way with one row. Callers check
permissions, validate, and write their audit event in the same transaction; this module writes
rows and nothing else.

Who else wants to know: :func:`on_employers_changed` registers a callback (the read-only
roll-ups, which no flow may import, register theirs in their ``AppConfig.ready()``);
:func:`employers_changed` calls them after a flow changed many employers of a subtree.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from laborgrid.core.search import (
    SearchTextField,
    bulk_insert,
    bulk_update,
    index_text,
    normalise,
    unindexed_insert,
)
from laborgrid.employers.models import Employer, SearchQueue, split_names
from laborgrid.employers.names import name_core

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: The employer fields the character index covers (the search text's sources).
SEARCHED: tuple[str, ...] = cast(SearchTextField, Employer._meta.get_field("search_text")).sources
#: The columns computed from others (never given by a caller).
DERIVED = ("name_key", "name_core", "search_text")
#: The change reason of the generator's history rows (synthetic employers).
GENERATED = "批量生成"


# --- derived values: one function each ---------------------------------------------------------


def join_names(names: Iterable[str]) -> str:
    """Former names as stored: one per line, blanks dropped, each name once (its first place)."""
    seen: dict[str, None] = {}
    for n in names:
        n = (n or "").strip()
        if n:
            seen.setdefault(n, None)
    return "\n".join(seen)


def renamed_former_names(former_names: str, old_name: str, new_name: str) -> str:
    """The former names after a rename from ``old_name`` to ``new_name``: newest first.

    The name just replaced comes first, the earlier former names follow in their order, each
    once; the current name is not a former name.

    >>> renamed_former_names("甲厂\\n乙店", "丙公司", "丁公司")
    '丙公司\\n甲厂\\n乙店'
    >>> renamed_former_names("甲厂\\n丙公司", "丙公司", "甲厂")
    '丙公司'
    """
    names = split_names(former_names or "")
    if not old_name or old_name == new_name:
        return join_names(n for n in names if n != new_name)
    return join_names([old_name, *(n for n in names if n not in (old_name, new_name))])


def _name_columns(name: str | None) -> tuple[str, str]:
    key = normalise(str(name or ""))
    return key, name_core(key)


def _search_text(values: Mapping[str, Any]) -> str:
    return index_text(*(str(values.get(f) or "") for f in SEARCHED))


def derived_columns(values: Mapping[str, Any]) -> dict[str, str]:
    """The derived columns of an employer whose fields (by name) are ``values``: the name key
    (normalised name: "same key in the same county" is a duplicate), the name core (the key
    without county prefix and legal or trade suffix: a probable duplicate) and the search text
    (:data:`SEARCHED` in the character index)."""
    key, core = _name_columns(values.get("name"))
    return {"name_key": key, "name_core": core, "search_text": _search_text(values)}


def set_derived(employer: Employer) -> None:
    """Set the derived columns on a model instance (:func:`derived_columns` of its fields)."""
    for name, value in derived_columns({f: getattr(employer, f) for f in SEARCHED}).items():
        setattr(employer, name, value)


# --- tables and the set-based writer --------------------------------------------------------------


class Table:
    """A model's table as a raw writer sees it: column order, defaults, and a row builder."""

    def __init__(self, model: type[models.Model], *, skip: Iterable[str] = ()) -> None:
        skipped = set(skip)
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in skipped and not getattr(f, "generated", False)
        ]
        self.table = model._meta.db_table
        self.columns = [str(f.column) for f in fields]
        attnames = [f.attname for f in fields]
        self.defaults: dict[str, Any] = {}
        for f in fields:
            value = f.get_default() if f.has_default() else (None if f.null else "")
            if isinstance(value, str):
                value = str(value)  # TextChoices members: plain text for the drivers
            self.defaults[f.attname] = value
        self._get = operator.itemgetter(*attnames)

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return self._get({**self.defaults, **values})

    def full_row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """:meth:`row` of ``values`` that hold every column already (no defaults to add)."""
        return self._get(values)


#: SQLite pages (4 KiB) of write-ahead log a bulk write lets grow before it is copied into the
#: database (:meth:`Writer.tuned`).
WAL_CHECKPOINT_PAGES = 262_144


class Writer:
    """Set-based writes for the current database: ``COPY`` (PostgreSQL) or ``executemany``.

    Database errors (a taken USCC) come out as Django's (``django.db.IntegrityError``)."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"set-based writes do not support {self.vendor}")
        # SQLite keeps Django's naive-UTC text; PostgreSQL's timestamptz takes an offset.
        self.tz_suffix = "+00" if self.vendor == "postgresql" else ""

    @contextmanager
    def tuned(self) -> Iterator[None]:
        """SQLite: a page cache big enough for the indexes a million rows are inserted into
        (the default 2 MB makes every index insert a read from disk), and the write-ahead log
        copied into the database when it reaches 1 GiB instead of 4 MiB (each copy writes every
        page changed since the last one, with two fsyncs: a chunk's commit copied the indexes'
        pages again each time); restored afterwards, and the log copied."""
        if self.vendor != "sqlite":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (before,) = cursor.fetchone()
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MiB
            cursor.execute("PRAGMA wal_autocheckpoint")
            (autocheckpoint,) = cursor.fetchone()
            cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")
                cursor.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")
                if not connection.in_atomic_block:
                    # What the log holds is copied now, not at the next request's commit. (In
                    # an open transaction SQLite cannot: the next commit past 4 MiB does it.)
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def commit_without_waiting(self) -> None:
        """PostgreSQL: the current transaction's commit does not wait for its WAL to reach the
        disk (``synchronous_commit`` off, for this transaction only). For a chunk of a long
        import, which records its own checkpoint: if the server itself crashes, the last few
        chunks are lost together with their checkpoint, and the run resumes before them. The
        run's last, ordinary commit flushes everything before it. (SQLite in WAL mode with
        ``synchronous=NORMAL`` does not wait at a commit either.)"""
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")

    def lock(self, *tables: str) -> None:
        """PostgreSQL: keep concurrent inserts out while ids are reserved (SQLite's IMMEDIATE
        transaction already holds the write lock)."""
        if self.vendor == "postgresql":
            names = ", ".join(f'"{t}"' for t in tables)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")

    def next_id(self, model: type[models.Model]) -> int:
        """The first id above every id used or handed out for ``model``'s table."""
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608
            (top,) = cursor.fetchone()
            if self.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                return int(max(top, row[0] if row else 0)) + 1
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, pk])
            (handed,) = cursor.fetchone()
            return int(max(top + 1, handed))

    def reserve(self, model: type[models.Model], count: int) -> int:
        """Reserve ``count`` ids for explicit use (call in a transaction, after :meth:`lock`):
        the sequence moves past them, so other writers' rows get ids after the range."""
        first = self.next_id(model)
        last = first + max(count, 1) - 1
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, pk, last]
                )
            else:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, table])
                if cursor.rowcount == 0:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last]
                    )
        return first

    def check_unused(self, model: type[models.Model], first: int) -> None:
        """SQLite: refuse to go on if another writer added a row above our reserved ids since
        the run started: ``search.bulk_insert`` indexes the rows above the largest id, and would
        skip ours."""
        if self.vendor != "sqlite":
            return
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608
            (top,) = cursor.fetchone()
        if top >= first:
            raise RuntimeError(
                "另一个进程在生成期间新增了用人单位，批量生成已停止（已写入的批次保留）。"
            )

    def date(self, value: date | None) -> Any:
        """A date as the driver takes it (SQLite keeps ISO text; psycopg adapts ``date``)."""
        if value is None or self.vendor == "postgresql":
            return value
        return value.isoformat()

    def insert(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in table.columns)
        raw = connection.connection
        with connection.wrap_database_errors:
            if self.vendor == "postgresql":
                sql = f'COPY "{table.table}" ({cols}) FROM STDIN'
                with raw.cursor() as cursor, cursor.copy(sql) as copy:
                    for r in rows:
                        copy.write_row(r)
                return
            marks = ", ".join("?" * len(table.columns))
            cursor = raw.cursor()
            try:
                cursor.executemany(
                    f'INSERT INTO "{table.table}" ({cols}) VALUES ({marks})',  # noqa: S608
                    rows,
                )
            finally:
                cursor.close()

    def update(
        self, model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Set ``columns`` (attribute names) of many rows of ``model``'s table: each row is the
        columns' values as the driver takes them, then the row's primary key. PostgreSQL: one
        ``UPDATE … FROM unnest(arrays)`` (a statement per row takes a third longer); SQLite: one
        prepared statement run with every row (``executemany``)."""
        if not rows:
            return
        fields = [cast(models.Field, model._meta.get_field(c)) for c in columns]
        names = [str(f.column) for f in fields]
        table, pk = model._meta.db_table, str(model._meta.pk.column)
        if self.vendor != "postgresql":
            sets = ", ".join(f'"{n}" = ?' for n in names)
            with connection.wrap_database_errors:
                cursor = connection.connection.cursor()
                try:
                    cursor.executemany(
                        f'UPDATE "{table}" SET {sets} WHERE "{pk}" = ?',  # noqa: S608
                        rows,
                    )
                finally:
                    cursor.close()
            return
        types = [f.db_type(connection) for f in fields]
        types.append(cast(Any, model._meta.pk).rel_db_type(connection))
        arrays = ", ".join(f"%s::{t}[]" for t in types)
        sets = ", ".join(f'"{n}" = v."{n}"' for n in names)
        aliases = ", ".join(f'"{n}"' for n in [*names, "_key"])
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" AS t SET {sets} FROM unnest({arrays}) AS v({aliases}) '  # noqa: S608
                f'WHERE t."{pk}" = v."_key"',
                [list(column) for column in zip(*rows, strict=True)],
            )


# --- employer rows ------------------------------------------------------------------------------

EMPLOYER_TABLE = f'"{Employer._meta.db_table}"'
#: Every column of an employer, by attribute name, and its column name.
ALL_ATTNAMES = tuple(f.attname for f in Employer._meta.concrete_fields)
COLUMN_OF = {f.attname: str(f.column) for f in Employer._meta.concrete_fields}
ALL_SQL = ", ".join(f'"{COLUMN_OF[a]}"' for a in ALL_ATTNAMES)
#: Field types whose Python value is what the database drivers take.
AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.BigAutoField,
    models.AutoField,
    models.BooleanField,
    models.ForeignKey,
)

#: And for PostgreSQL: values psycopg adapts itself.
AS_IS_POSTGRESQL = (models.DateField, models.DateTimeField, models.DecimalField)


def employer_table() -> Table:
    return Table(Employer)


def history_table() -> Table:
    return Table(Employer.history.model, skip=("history_id",))


def history_row(
    table: Table, values: dict[str, Any], kind: str, reason: str, user_id: int | None
) -> tuple[Any, ...]:
    """The history row of a write (``kind``: ``+`` created, ``~`` changed) of an employer whose
    columns (as the driver takes them) are ``values``: who, why, and when (its ``updated_at``)."""
    return table.row(
        {
            **values,
            "history_date": values["updated_at"],
            "history_type": kind,
            "history_change_reason": reason,
            "history_user_id": user_id,
        }
    )


def write_new(
    writer: Writer,
    employers: Table,
    histories: Table,
    rows: Sequence[tuple[Any, ...]],
    history_rows: Sequence[tuple[Any, ...]],
) -> None:
    """Insert prepared employer rows (their ids reserved) and their history rows; on SQLite the
    search index is fed once for all of them (:func:`~laborgrid.core.search.bulk_insert`)."""
    with bulk_insert(Employer):
        writer.insert(employers, rows)
    writer.insert(histories, history_rows)


def in_list(values: Iterable[Any]) -> tuple[str, Any]:
    """``column IN values`` as SQL and one parameter: an array on PostgreSQL (a list of
    thousands of parameters costs more to plan than the lookups), a JSON array on SQLite (whose
    statements take at most 32,766 parameters). Each value is looked up in the column's index."""
    values = list(values)
    if connection.vendor == "postgresql":
        # Not ``= ANY(%s)``: for an array of thousands PostgreSQL plans a scan of the table.
        kind = "bigint" if values and isinstance(values[0], int) else "text"
        return f"IN (SELECT unnest(%s::{kind}[]))", values
    return "IN (SELECT value FROM json_each(%s))", json.dumps(values)


def locked(pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Every column of the employers ``pks`` (attribute name → the driver's value), locked
    until the transaction ends (PostgreSQL; SQLite's write transaction holds the database)."""
    among, listed = in_list(pks)
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ALL_SQL} FROM {EMPLOYER_TABLE} "  # noqa: S608 - names from _meta
            f'WHERE "id" {among}{lock}',
            [listed],
        )
        return {r[0]: dict(zip(ALL_ATTNAMES, r, strict=True)) for r in cursor.fetchall()}


def queue_for_index(writer: Writer, rows: Iterable[tuple[int, str]]) -> None:
    """Put employers (``(id, grid_path)``) in the deferred indexer's queue
    (:class:`~laborgrid.employers.models.SearchQueue`); one already there stays once."""
    rows = list(rows)
    if not rows:
        return
    table = SearchQueue._meta.db_table
    conflict = "ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        if writer.vendor == "postgresql":
            cursor.execute(
                f'INSERT INTO "{table}" ("employer_id", "grid_path") '  # noqa: S608
                f"SELECT * FROM unnest(%s::bigint[], %s::varchar[]) {conflict}",
                [[r[0] for r in rows], [r[1] for r in rows]],
            )
            return
    with connection.wrap_database_errors:
        raw = connection.connection.cursor()
        try:
            raw.executemany(
                f'INSERT INTO "{table}" ("employer_id", "grid_path") VALUES (?, ?) {conflict}',  # noqa: S608
                rows,
            )
        finally:
            raw.close()


class EmployerWrites:
    """Creates and updates employer rows set-based, with their derived columns and history.

    ``actor`` is who writes (``created_by`` / ``updated_by`` and the history's user), ``reason``
    the history's change reason. Call inside a transaction (each call's rows are one unit).

    ``deferred_search`` (bulk writes: a register import): the character search text of new and
    renamed employers is left to the deferred indexer (:mod:`laborgrid.employers.indexing`),
    the employers queued for it; the name key and core (exact names, duplicates) are written
    at once. Single edits keep the default: indexed in the same transaction."""

    def __init__(
        self,
        *,
        actor: User,
        reason: str,
        writer: Writer | None = None,
        deferred_search: bool = False,
    ) -> None:
        self.actor_id: int | None = getattr(actor, "pk", None)
        self.reason = reason
        self.deferred_search = deferred_search
        self.writer = writer or Writer()
        self.employers = employer_table()
        self.histories = history_table()
        # Bound to the connection itself: ``django.db.connection`` is a proxy whose every
        # attribute costs a context-local lookup.
        db = connections[DEFAULT_DB_ALIAS]
        #: Each column's conversion for the driver; ``None`` where the value goes as it is
        #: (psycopg takes dates, times and decimals themselves: Django's conversion of them
        #: for PostgreSQL gives the value back, after checking it again).
        as_is = AS_IS + (AS_IS_POSTGRESQL if db.vendor == "postgresql" else ())
        self.prepare: dict[str, Callable[[Any], Any] | None] = {
            f.attname: None if type(f) in as_is else partial(f.get_db_prep_save, connection=db)
            for f in Employer._meta.concrete_fields
        }
        #: A new employer's columns before the caller's values: the model's defaults.
        self.new_defaults = {
            f.attname: f.get_db_prep_save(f.get_default(), db)
            for f in Employer._meta.concrete_fields
            if f.attname not in ("id", *DERIVED)
        }

    def _prepared(self, name: str, value: Any) -> Any:
        prep = self.prepare[name]
        return prep(value) if prep is not None and value is not None else value

    def prepare_new(self, v: Mapping[str, Any]) -> dict[str, Any]:
        """A new employer's values ``v`` (Python values by attribute name, without id or
        derived columns) as the driver takes them, with the derived columns: what
        :meth:`create` ``prepared=True`` takes. Needs no database (an import prepares its new
        employers while it reads the file)."""
        prepare = self.prepare
        out: dict[str, Any] = {}
        for name, value in v.items():
            prep = prepare[name]
            out[name] = prep(value) if prep and value is not None else value
        if self.deferred_search:
            out["name_key"], out["name_core"] = _name_columns(v.get("name"))
            out["search_text"] = ""
        else:
            out.update(derived_columns(v))
        return out

    def create(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        now: datetime | None = None,
        history: bool = True,
        prepared: bool = False,
    ) -> range:
        """Insert new employers (each a mapping of Python values by attribute name, without id
        or derived columns; ``prepared``: each from :meth:`prepare_new`) with their "created"
        history rows, and answer their ids.

        ``history=False``: no history row per employer — the caller keeps the provenance (a
        register import: its batch and import row; the archive shows "由第 N 批登记库导入创建").
        Ids are reserved in the caller's transaction (PostgreSQL: the employer and history
        tables are locked against other inserts until it ends)."""
        if not rows:
            return range(0)
        now = now or timezone.now()
        writer = self.writer
        writer.lock(self.employers.table, self.histories.table)
        first = writer.reserve(Employer, len(rows))
        prepared_now = self._prepared("created_at", now)
        employer_rows, history_rows = [], []
        deferred = self.deferred_search
        defaults = self.new_defaults
        for i, v in enumerate(rows):
            values = {**defaults, **(v if prepared else self.prepare_new(v))}
            values.update(id=first + i, created_at=prepared_now, updated_at=prepared_now, version=1)
            if values.get("updated_by_id") is None:
                values["updated_by_id"] = self.actor_id
            if values.get("created_by_id") is None:
                values["created_by_id"] = self.actor_id
            employer_rows.append(self.employers.full_row(values))
            if history:
                history_rows.append(
                    history_row(self.histories, values, "+", self.reason, self.actor_id)
                )
        if deferred:
            with unindexed_insert(Employer):
                writer.insert(self.employers, employer_rows)
            writer.insert(self.histories, history_rows)
            queue_for_index(writer, ((first + i, v["grid_path"]) for i, v in enumerate(rows)))
        else:
            write_new(writer, self.employers, self.histories, employer_rows, history_rows)
        return range(first, first + len(rows))

    def update(
        self,
        rows: Sequence[tuple[dict[str, Any], Mapping[str, Any]]],
        *,
        now: datetime | None = None,
        restore: bool = False,
    ) -> list[dict[str, Any]]:
        """Write changes to existing employers, with their "changed" history rows.

        Each row is ``(current, changes)``: every column of the employer as :func:`locked`
        read it (the caller holds the lock), and the new Python values of the fields that
        change, by attribute name. A rename puts the replaced name first among the former names
        (:func:`renamed_former_names`) unless ``restore`` (a rollback, which gives back the
        former names it recorded). Each employer gets ``version`` + 1, ``updated_at`` and
        ``updated_by``, its name key and core when the name changed and its search text when a
        searched field changed, and is written with those columns only.

        Answers, per row, what was written: ``{attribute: [before, after]}`` of the caller's and
        the derived former names (Python values), ``_version`` and ``_columns``."""
        now = now or timezone.now()
        prepared_now = self._prepared("updated_at", now)
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        searched: list[int] = []
        queued: list[tuple[int, str]] = []
        written: list[dict[str, Any]] = []
        for values, changes in rows:
            columns = {"version", "updated_at", "updated_by_id"}
            done: dict[str, Any] = {}
            former_before = values["former_names"]
            old_name = values["name"]
            for name, value in changes.items():
                if name in DERIVED or name in ("id", "version", "updated_at", "updated_by_id"):
                    continue
                values[name] = self._prepared(name, value)
                columns.add(name)
            if not restore and "name" in changes and changes["name"] != old_name:
                former = renamed_former_names(values["former_names"], old_name, values["name"])
                if former != values["former_names"]:
                    values["former_names"] = former
                    columns.add("former_names")
            if values["former_names"] != former_before:
                done["former_names"] = [former_before, values["former_names"]]
            done["_version"] = [values["version"], values["version"] + 1]
            values["version"] += 1
            values["updated_at"] = prepared_now
            values["updated_by_id"] = self.actor_id
            # Only what the change touches is computed (a status change: nothing).
            if "name" in columns:
                values["name_key"], values["name_core"] = _name_columns(values["name"])
                columns |= {"name_key", "name_core"}
            if not columns.isdisjoint(SEARCHED):
                if self.deferred_search:
                    queued.append((values["id"], values["grid_path"]))
                else:
                    values["search_text"] = _search_text(values)
                    columns.add("search_text")
                    searched.append(values["id"])
            done["_columns"] = sorted(columns)
            written.append(done)
            by_columns.setdefault(tuple(sorted(columns)), []).append(values)
        if not by_columns:
            return written
        with bulk_update(Employer, searched):
            for columns_, group in by_columns.items():
                self.writer.update(
                    Employer, columns_, [[*(v[a] for a in columns_), v["id"]] for v in group]
                )
        self.writer.insert(
            self.histories,
            [
                history_row(self.histories, v, "~", self.reason, self.actor_id)
                for group in by_columns.values()
                for v in group
            ],
        )
        queue_for_index(self.writer, queued)
        return written


# --- one row: the edit service ---------------------------------------------------------------------


def field_values(employer: Employer) -> dict[str, Any]:
    """An instance's field values by attribute name (what :func:`save_changes` compares)."""
    return {a: getattr(employer, a) for a in ALL_ATTNAMES}


def create_one(employer: Employer, *, actor: User, reason: str) -> Employer:
    """Insert ``employer`` (an unsaved, validated instance) through :meth:`EmployerWrites.create`
    and give the instance its id and the written values."""
    now = timezone.now()
    values = {
        a: v
        for a, v in field_values(employer).items()
        if a not in ("id", "created_at", "updated_at", "version", *DERIVED)
    }
    (pk,) = EmployerWrites(actor=actor, reason=reason).create([values], now=now)
    employer.pk = pk
    employer.created_at = employer.updated_at = now
    employer.version = 1
    set_derived(employer)
    employer._state.adding = False
    employer._state.db = DEFAULT_DB_ALIAS
    return employer


def save_changes(
    employer: Employer,
    before: Mapping[str, Any],
    *,
    actor: User,
    reason: str,
    restore: bool = False,
) -> dict[str, Any]:
    """Write what changed on ``employer`` (a locked instance) since ``before``
    (:func:`field_values` when it was read) through :meth:`EmployerWrites.update`, and give the
    instance the written values (version, timestamps, former names, derived columns). Answers
    what was written. A save that changes no field still counts as one (a new version and a
    history row: a person saved, a merge happened), as a model ``save()`` did."""
    skip = {"id", "version", "updated_at", "updated_by_id", "created_at", *DERIVED}
    changes = {
        a: v for a, v in field_values(employer).items() if a not in skip and before.get(a) != v
    }
    current = locked([employer.pk])[employer.pk]
    (done,) = EmployerWrites(actor=actor, reason=reason).update(
        [(current, changes)], restore=restore
    )
    employer.refresh_from_db(
        fields=["version", "updated_at", "updated_by", "former_names", *DERIVED]
    )
    return cast(dict[str, Any], done)


# --- who wants to know -------------------------------------------------------------------------

_LISTENERS: list[Callable[[str], object]] = []


def on_employers_changed(callback: Callable[[str], object]) -> Callable[[str], object]:
    """Register ``callback(grid_path)``, called when a flow has changed many employers of the
    subtree ``grid_path`` (a register import). For the read-only roll-ups (coverage…), which
    register from their ``AppConfig.ready()``: the flows never import them."""
    if callback not in _LISTENERS:
        _LISTENERS.append(callback)
    return callback


def employers_changed(grid_path: str) -> None:
    """Tell every registered listener that employers of the subtree ``grid_path`` changed."""
    for callback in list(_LISTENERS):
        callback(grid_path)


__all__ = [
    "DERIVED",
    "SEARCHED",
    "EmployerWrites",
    "Table",
    "Writer",
    "create_one",
    "derived_columns",
    "employers_changed",
    "field_values",
    "history_row",
    "in_list",
    "join_names",
    "locked",
    "on_employers_changed",
    "queue_for_index",
    "renamed_former_names",
    "save_changes",
    "set_derived",
    "write_new",
]
