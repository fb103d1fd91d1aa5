"""Character-level Chinese substring search: one index, the same answers on SQLite and PostgreSQL.

Chinese has no spaces between words, and the names people search for (猫场, 新村, 红星村) are
substrings of longer names (猫场镇, 新村村民委员会). Word tokenizers split such names badly, FTS5's
``trigram`` tokenizer ignores queries shorter than three characters and ``LIKE '%…%'`` scans the
table. So the text is indexed **one character per token**, and a query is a **phrase** of its
characters: the phrase ``猫 场`` matches exactly the rows whose text has ``猫`` immediately
followed by ``场`` — a substring match, for queries of any length, answered from an inverted index.

The indexed form is computed in Python (:func:`index_text`) and stored in a plain text column
(:class:`SearchTextField`) that exists on both databases, so both index byte-identical text:

* NFKC normalisation (full-width ``ＡＢＣ１２３`` → ``ABC123``, compatibility forms unfolded),
  then Unicode case folding (``Ab`` → ``ab``);
* only letters and digits are kept (``str.isalnum``: every CJK character, Latin letter, digit…);
  punctuation, spaces and symbols are dropped, so ``猫场·镇`` is found by ``猫场镇``;
* a space between every kept character, so each one is a token;
* several values (say a name and a former name) are joined by :data:`BOUNDARY`, a two-character
  token. Query tokens are always single characters, so no phrase can run across it:
  ``index_text("猫场镇", "520521102")`` is not found by ``镇5``.

:func:`query_text` applies the same rules to a query (``None`` when nothing searchable is left).

The column is indexed per database, created by :func:`migration_operation` in a migration:

* **SQLite**: an FTS5 external-content table ``<table>_fts`` (tokenizer ``unicode61
  remove_diacritics 0``, which keeps each space-separated CJK character as its own token) over the
  column, keyed by the row id, kept current by triggers on the table — so every write path (the ORM,
  raw SQL, deletes) updates it. A bulk insert wraps itself in :func:`bulk_insert`, which indexes the
  new rows in one statement instead (a trigger flushes FTS5's buffer per row: ten times slower).
  Queried as ``id IN (SELECT rowid FROM <table>_fts WHERE <table>_fts MATCH '"猫 场"')``: the
  matching ids are collected first, so the cost grows with the number of matches in the whole
  table, whatever the scope or LIMIT (a character in most names, ``村`` over all of China: ~120 ms;
  rarer queries: 3–10 ms; ``bench/grid_search.py``).

  *Caution*: SQLite drops a table's triggers when Django "remakes" the table in a later migration
  (altering a field or adding a constraint). Such a migration must re-create them with another
  :func:`migration_operation`; ``core/tests/test_search.py`` fails if they are missing.
* **PostgreSQL**: a stored generated column ``<column>_tsv`` = ``to_tsvector('simple', column)``
  (the ``simple`` configuration only lower-cases: no stemming, no stop words) with a GIN index,
  both maintained by PostgreSQL itself. The column is not a Django field (Django never reads or
  writes it), so the model is the same on both databases. Stored rather than an expression index:
  GIN keeps no positions, so a phrase is rechecked on each candidate row, and PostgreSQL often
  prefers walking the ``path`` index and filtering; both then read the stored vector instead of
  re-running ``to_tsvector`` per row (``新村`` over all of China: 8 ms instead of 110 ms).
  Queried as ``<column>_tsv @@ phraseto_tsquery('simple', '猫 场')``.

Index names and words, not identifiers made of digits: every row holds most of the ten digits, so
a character index answers a digit query by rechecking nearly the whole table (about a second for
all of China on PostgreSQL). Match codes by prefix on their b-tree index with :func:`prefix_q`.

In queries, use the ``phrase`` lookup that :class:`SearchTextField` registers, through
:func:`search_q` (to combine with other conditions) or :func:`search_filter`::

    Grid.objects.visible_to(user).filter(search_q(q))

A model adds the column with ``SearchTextField(sources=("name",))``; the field computes
itself from its sources on every ``save()``. Bulk writers that bypass ``save()`` must fill the column
with :func:`index_text` themselves (``grids.importing`` does). ``Model.save(update_fields=...)``
must name the column when it names a source: :func:`with_search_fields` adds it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, migrations, models
from django.db.models import F, Lookup, Q
from django.db.models.lookups import StartsWith

#: The token that separates two indexed values. Two characters long, so no query (whose tokens are
#: single characters) can contain it, and no phrase can match across it.
BOUNDARY = "zz"

_JOIN = f" {BOUNDARY} "

_QS = TypeVar("_QS", bound=models.QuerySet[Any])

_normalize = unicodedata.normalize


def _kept(value: str) -> str:
    """The characters of ``value`` that are indexed, normalised (NFKC, case-folded, alnum only)."""
    if value.isascii():  # codes, Latin names: NFKC changes nothing and casefold() is lower()
        text = value.lower()
    else:
        # casefold() can produce characters that NFKC changes again (rare: some Greek and
        # ligature forms); normalising once more makes normalise() idempotent.
        text = _normalize("NFKC", _normalize("NFKC", value).casefold())
    if text.isalnum():  # the usual name: one C-level check instead of a per-character loop
        return text
    return "".join(ch for ch in text if ch.isalnum())


def normalise(value: str) -> str:
    """The searchable characters of ``value`` without separators: ``"Ａ猫场·镇 "`` → ``"a猫场镇"``.

    A row matches a query exactly when ``normalise(query)`` is a substring of ``normalise(value)``
    for one of the row's indexed values (the reference the tests compare both databases with).
    """
    return _kept(value)


def index_text(*values: str | None) -> str:
    """The indexed form of ``values``: one token per kept character, values split by BOUNDARY.

    >>> index_text("猫场镇", "520521102")
    '猫 场 镇 zz 5 2 0 5 2 1 1 0 2'
    >>> index_text("Ｘ村·新区")
    'x 村 新 区'
    """
    # str.replace("", " ") puts a space around every character, in C: "猫场" → " 猫 场 ".
    spaced = [kept.replace("", " ")[1:-1] for v in values if v and (kept := _kept(v))]
    return spaced[0] if len(spaced) == 1 else _JOIN.join(spaced)


def query_text(q: str | None) -> str | None:
    """The query in indexed form (``"猫场"`` → ``"猫 场"``), or ``None`` if nothing is searchable."""
    kept = _kept(q or "")
    return kept.replace("", " ")[1:-1] if kept else None


class SearchTextField(models.TextField):
    """A column holding :func:`index_text` of the row's ``sources`` fields, recomputed on save."""

    description = "Character-level search text"

    def __init__(self, *args: Any, sources: Sequence[str] = (), **kwargs: Any) -> None:
        self.sources = tuple(sources)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if not self.sources:
            return super().pre_save(model_instance, add)
        value = index_text(*(str(getattr(model_instance, s) or "") for s in self.sources))
        setattr(model_instance, self.attname, value)
        return value


def fts_table(model: type[models.Model]) -> str:
    """The SQLite FTS5 table indexing ``model``'s search column."""
    return f"{model._meta.db_table}_fts"


@SearchTextField.register_lookup
class Phrase(Lookup):
    """``search_text__phrase=q``: rows whose normalised text contains the normalised query.

    The right-hand side is the raw query; it is normalised here. A query with nothing searchable
    matches no row.
    """

    lookup_name = "phrase"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return query_text(str(self.rhs)) if isinstance(self.rhs, str) else self.rhs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        text = self.rhs
        if not isinstance(text, str) or not text:
            return "1 = 0", []
        qn = compiler.quote_name_unless_alias
        if connection.vendor == "postgresql":
            vector = qn(pg_vector_column(self.lhs.target.column))
            return (
                f"{qn(self.lhs.alias)}.{vector} @@ phraseto_tsquery('simple'::regconfig, %s)",
                [text],
            )
        if connection.vendor == "sqlite":
            model = self.lhs.target.model
            pk = f"{qn(self.lhs.alias)}.{qn(model._meta.pk.column)}"
            table = qn(fts_table(model))
            # The phrase in double quotes: tokens are letters and digits only, nothing to escape.
            return (
                f"{pk} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)",  # noqa: S608
                [f'"{text}"'],
            )
        raise NotImplementedError(f"no search index on {connection.vendor}")


@SearchTextField.register_lookup
class PhraseScan(Lookup):
    """``search_text__phrase_scan=q``: the same rows as ``phrase``, found by scanning the column.

    ``' ' || column || ' ' LIKE '% 猫 场 %'``: the tokens of the query as consecutive whole tokens
    (the padding makes every token start and end at a space, so ``z`` does not match the
    ``zz`` boundary and ``场`` does not match inside a two-character token). No index serves it,
    and none is needed when the query is common: a scan in the list's order stops as soon as the
    page is full, while the inverted index would first collect every match in the table. See
    :func:`plan_search`.
    """

    lookup_name = "phrase_scan"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return query_text(str(self.rhs)) if isinstance(self.rhs, str) else self.rhs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        text = self.rhs
        if not isinstance(text, str) or not text:
            return "1 = 0", []
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # strpos, not LIKE: PostgreSQL takes "LIKE '%…%'" with many fixed characters for a
            # rare condition (42 rows estimated for 34,000) and sorts a full scan instead of
            # walking the list's index; a function comparison gets its default (a third).
            return f"strpos((' ' || {lhs} || ' '), %s) > 0", [*lhs_params, f" {text} "]
        return f"(' ' || {lhs} || ' ') LIKE %s", [*lhs_params, f"% {text} %"]


#: Rows read to estimate how common a query is (the newest rows, by primary key).
SAMPLE_ROWS = 1000


def estimated_matches(
    model: type[models.Model], q: str | None, *, field: str = "search_text"
) -> int | None:
    """Roughly how many rows of ``model`` contain ``q``, from a sample of the newest
    :data:`SAMPLE_ROWS` rows scaled to the table (``None`` if nothing is searchable).

    Any question put to the inverted index about a common token reads that token's whole
    posting list (FTS5, even its document count in an ``fts5vocab`` table; PostgreSQL's GIN, and
    its statistics know single characters, not phrases: it took 猫场镇 for 2,000 rows of a
    million where 34,000 contain it), which is the very cost to avoid; a sample of a thousand rows
    costs ~2 ms and is plenty to tell "in 2 % of rows or more" from "rare".
    The estimate only chooses a plan: both plans return the same rows.
    """
    text = query_text(q)
    if text is None:
        return None
    table = model._meta.db_table
    pk = str(model._meta.pk.column)
    column = str(model._meta.get_field(field).column)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT (SELECT MAX("{pk}") FROM "{table}"), COUNT(*), '  # noqa: S608
            f"SUM(CASE WHEN (' ' || \"{column}\" || ' ') LIKE %s THEN 1 ELSE 0 END) "
            f'FROM (SELECT "{column}" FROM "{table}" ORDER BY "{pk}" DESC LIMIT %s) sample',
            [f"% {text} %", SAMPLE_ROWS],
        )
        top, sampled, hits = cursor.fetchone()
    if not sampled:
        return 0
    return int((hits or 0) * max(top or 0, sampled) / sampled)


#: Above this many estimated matches, scanning in the list's order beats the inverted index
#: (``bench/registry.py``).
SCAN_THRESHOLD = 20000


@dataclass(frozen=True)
class SearchPlan:
    """A search condition and how it finds its rows."""

    q: Q
    scan: bool  # True: a scan in the list's order (a common query); False: the inverted index


def plan_search(
    model: type[models.Model], q: str | None, *, field: str = "search_text"
) -> SearchPlan:
    """Like :func:`search_q`, choosing per query between the inverted index and a scan.

    The inverted index collects every matching row before the outer query's scope, order and
    LIMIT apply (SQLite's FTS5 always; PostgreSQL when its estimate is low, and it rechecks each
    candidate's phrase against the table), so a query present in most rows (``县``, ``公``,
    ``猫场镇`` in a county of a million) costs hundreds of milliseconds that way. A query
    estimated to match that many rows (:func:`estimated_matches`) is answered by
    :class:`PhraseScan` instead, which stops when the page is full. Rare queries use the index.
    Both give the same rows.
    """
    text = query_text(q)
    if text is None:
        return SearchPlan(Q(pk__in=[]), scan=False)
    freq = estimated_matches(model, q, field=field)
    if freq is not None and freq > SCAN_THRESHOLD:
        return SearchPlan(Q(**{f"{field}__phrase_scan": text}), scan=True)
    return SearchPlan(Q(**{f"{field}__phrase": text}), scan=False)


def search_q(q: str | None, *, field: str = "search_text") -> Q:
    """A ``Q`` for rows whose ``field`` contains ``q`` (see :class:`Phrase`); none if ``q`` is empty."""
    text = query_text(q)
    if text is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__phrase": text})


def search_filter(queryset: _QS, q: str | None, *, field: str = "search_text") -> _QS:
    """``queryset`` narrowed to rows whose ``field`` contains ``q`` (empty if nothing searchable)."""
    if query_text(q) is None:
        return queryset.none()
    return queryset.filter(search_q(q, field=field))


class _IndexedPrefix(Lookup):
    """``lhs`` starts with the (literal) ``rhs``, served by the column's ordinary b-tree index.

    SQLite: a half-open range on the BINARY-collated column (UTF-8 sorts by code point, so
    ``[p, p with its last character + 1)`` is exactly the strings starting with ``p``); Django's
    ``startswith`` is a case-insensitive ``LIKE`` there, which no index serves. PostgreSQL: Django's
    ``startswith`` (``LIKE 'p%'``), served by the ``varchar_pattern_ops`` index Django creates for
    indexed CharFields whatever the collation.
    """

    lookup_name = "indexed_prefix"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        prefix = self.rhs
        if not isinstance(prefix, str) or not prefix:
            raise ValueError("an indexed prefix needs a non-empty string")
        if connection.vendor == "sqlite":
            lhs, lhs_params = self.process_lhs(compiler, connection)
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, *lhs_params, upper]
        sql, params = StartsWith(self.lhs, prefix).as_sql(compiler, connection)
        return sql, list(params)


def prefix_q(field: str, prefix: str) -> Q:
    """A ``Q`` for rows whose ``field`` starts with ``prefix`` (case-sensitive, index-served)."""
    return Q(_IndexedPrefix(F(field), prefix))


def with_search_fields(
    model: type[models.Model], update_fields: Iterable[str] | None
) -> list[str] | None:
    """``update_fields`` plus every search column of ``model`` that has one of them as a source."""
    if update_fields is None:
        return None
    fields = list(update_fields)
    for f in model._meta.concrete_fields:
        if isinstance(f, SearchTextField) and set(f.sources) & set(fields) and f.name not in fields:
            fields.append(f.name)
    return fields


@contextmanager
def bulk_insert(model: type[models.Model], field: str = "search_text") -> Iterator[None]:
    """Wrap a set-based INSERT of many rows into ``model``'s table (raw ``executemany``, ``COPY``).

    On SQLite the per-row insert trigger is suspended for the block and the new rows are indexed
    in one statement at its end: FTS5 flushes its buffer at every trigger invocation, which makes a
    trigger-fed bulk insert about ten times slower. The new rows are those with an id above the
    largest before the block (ids are AUTOINCREMENT: never reused). Must run inside a transaction,
    so that other connections never see the table without its trigger. PostgreSQL maintains its
    index itself: nothing to do.
    """
    if connection.vendor != "sqlite":
        yield
        return
    table, pk, column, fts = _bulk_names(model, field, "bulk_insert")
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608
        (start,) = cursor.fetchone()
        cursor.execute(f'DROP TRIGGER IF EXISTS "{fts}_ai"')
    try:
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{fts}"(rowid, "{column}") '  # noqa: S608
                f'SELECT "{pk}", "{column}" FROM "{table}" WHERE "{pk}" > %s ORDER BY "{pk}"',
                [start],
            )
    finally:
        with connection.cursor() as cursor:
            for sql in _sqlite_triggers(table, column, pk):
                cursor.execute(sql)


def _bulk_names(model: type[models.Model], field: str, caller: str) -> tuple[str, str, str, str]:
    """The table, key, search column and FTS5 table of a bulk write on SQLite, which must run
    inside a transaction (other connections never see the table without its trigger)."""
    if not connection.in_atomic_block:
        raise RuntimeError(f"{caller}() needs a transaction")
    column = str(model._meta.get_field(field).column)  # type: ignore[union-attr]
    return model._meta.db_table, str(model._meta.pk.column), column, fts_table(model)


@contextmanager
def bulk_update(
    model: type[models.Model], ids: Sequence[int], field: str = "search_text"
) -> Iterator[None]:
    """Wrap a set-based UPDATE of the rows ``ids`` of ``model``'s table (:func:`bulk_insert`'s
    counterpart). On SQLite the per-row update trigger is suspended for the block; the rows'
    index entries are taken out before it and put back after it, one statement each (the
    trigger would flush FTS5's buffer once per row). Must run inside a transaction."""
    if connection.vendor != "sqlite" or not ids:
        yield
        return
    table, pk, column, fts = _bulk_names(model, field, "bulk_update")
    rows = f'FROM "{table}" WHERE "{pk}" IN (SELECT value FROM json_each(%s))'  # noqa: S608
    listed = json.dumps(list(ids))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER IF EXISTS "{fts}_au"')
        cursor.execute(
            f'INSERT INTO "{fts}"("{fts}", rowid, "{column}") '
            f'SELECT \'delete\', "{pk}", "{column}" {rows}',
            [listed],
        )
    try:
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{fts}"(rowid, "{column}") SELECT "{pk}", "{column}" {rows}',
                [listed],
            )
    finally:
        with connection.cursor() as cursor:
            for sql in _sqlite_triggers(table, column, pk):
                cursor.execute(sql)


@contextmanager
def unindexed_insert(model: type[models.Model], field: str = "search_text") -> Iterator[None]:
    """Wrap a set-based INSERT of rows whose search column is left empty for a deferred indexer
    (:func:`reindex` fills it later). On SQLite the insert trigger is suspended for the block
    (an empty text has nothing to index, and the trigger would still flush FTS5's buffer per
    row); PostgreSQL's generated vector of an empty text is empty. Must run inside a
    transaction."""
    if connection.vendor != "sqlite":
        yield
        return
    table, pk, column, fts = _bulk_names(model, field, "unindexed_insert")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER IF EXISTS "{fts}_ai"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in _sqlite_triggers(table, column, pk):
                cursor.execute(sql)


def reindex(
    model: type[models.Model], rows: Sequence[tuple[int, str]], field: str = "search_text"
) -> None:
    """Set the search column of many rows (``(id, index_text)``) and bring the index up to date,
    set-based: the deferred indexer's write. A row whose column was empty is not in the SQLite
    index yet (:func:`unindexed_insert`); one with text has its old entries taken out first.
    Must run inside a transaction."""
    if not rows:
        return
    table, pk = model._meta.db_table, str(model._meta.pk.column)
    column = str(model._meta.get_field(field).column)  # type: ignore[union-attr]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" AS t SET "{column}" = v.text '  # noqa: S608
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, text) "
                f'WHERE t."{pk}" = v.id',
                [[r[0] for r in rows], [r[1] for r in rows]],
            )
        return
    table, pk, column, fts = _bulk_names(model, field, "reindex")
    listed = json.dumps([r[0] for r in rows])
    among = f'"{pk}" IN (SELECT value FROM json_each(%s))'  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER IF EXISTS "{fts}_au"')
        cursor.execute(
            f'INSERT INTO "{fts}"("{fts}", rowid, "{column}") '  # noqa: S608
            f'SELECT \'delete\', "{pk}", "{column}" FROM "{table}" '
            f"WHERE {among} AND \"{column}\" != ''",
            [listed],
        )
    try:
        with connection.wrap_database_errors:
            raw = connection.connection.cursor()
            try:
                raw.executemany(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE "{pk}" = ?',  # noqa: S608
                    [(text, pk_) for pk_, text in rows],
                )
            finally:
                raw.close()
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{fts}"(rowid, "{column}") '  # noqa: S608
                f'SELECT "{pk}", "{column}" FROM "{table}" '
                f'WHERE {among} AND "{column}" != \'\' ORDER BY "{pk}"',
                [listed],
            )
    finally:
        with connection.cursor() as cursor:
            for sql in _sqlite_triggers(table, column, pk):
                cursor.execute(sql)


# --- Migrations ---------------------------------------------------------------------------------


def _sqlite_up(table: str, column: str, pk: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS "{fts}" USING fts5(
            "{column}", content='{table}', content_rowid='{pk}',
            tokenize='unicode61 remove_diacritics 0', columnsize=0)""",
        *_sqlite_triggers(table, column, pk),
        f"""INSERT INTO "{fts}"("{fts}") VALUES ('rebuild')""",  # noqa: S608 - names from _meta
    ]


def _sqlite_triggers(table: str, column: str, pk: str) -> list[str]:
    fts = f"{table}_fts"
    # Identifiers come from the model's _meta, never from input.
    insert = f'INSERT INTO "{fts}"(rowid, "{column}") VALUES (new."{pk}", new."{column}");'  # noqa: S608
    delete = (
        f'INSERT INTO "{fts}"("{fts}", rowid, "{column}") '  # noqa: S608
        f'VALUES (\'delete\', old."{pk}", old."{column}");'
    )
    return [
        f'DROP TRIGGER IF EXISTS "{fts}_ai"',
        f'DROP TRIGGER IF EXISTS "{fts}_ad"',
        f'DROP TRIGGER IF EXISTS "{fts}_au"',
        f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{table}" BEGIN {delete} END',
        f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF "{column}" ON "{table}" '
        f'WHEN old."{column}" IS NOT new."{column}" BEGIN {delete} {insert} END',
    ]


def _sqlite_down(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f'DROP TRIGGER IF EXISTS "{fts}_ai"',
        f'DROP TRIGGER IF EXISTS "{fts}_ad"',
        f'DROP TRIGGER IF EXISTS "{fts}_au"',
        f'DROP TABLE IF EXISTS "{fts}"',
    ]


def pg_vector_column(column: str) -> str:
    """PostgreSQL: the generated ``tsvector`` column beside the search column (unknown to Django)."""
    return f"{column}_tsv"


def _pg_up(table: str, column: str) -> list[str]:
    vector = pg_vector_column(column)
    return [
        f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{vector}" tsvector '
        f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, \"{column}\")) STORED",
        f'CREATE INDEX IF NOT EXISTS "{table}_{vector}_gin" ON "{table}" USING gin ("{vector}")',
    ]


def _pg_down(table: str, column: str) -> list[str]:
    vector = pg_vector_column(column)
    return [
        f'DROP INDEX IF EXISTS "{table}_{vector}_gin"',
        f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{vector}"',
    ]


def migration_operation(
    app_label: str, model_name: str, field: str = "search_text"
) -> migrations.RunPython:
    """The migration step that builds (or re-creates) the search index of ``app_label.model_name``.

    Put it after the ``AddField`` of the :class:`SearchTextField` (and after a migration that remakes
    the table on SQLite, to restore the triggers). It fills the column for existing rows, then
    builds the FTS5 table and triggers (SQLite) or the GIN index (PostgreSQL).
    """

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field).column
        sources = _sources(model, field)
        table, pk = model._meta.db_table, model._meta.pk.column
        vendor = schema_editor.connection.vendor
        if sources:
            _backfill(model, field, sources)
        if vendor == "sqlite":
            statements = _sqlite_up(table, column, pk)
        elif vendor == "postgresql":
            statements = _pg_up(table, column)
        else:
            statements = []
        for sql in statements:
            schema_editor.execute(sql)

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field).column
        table = model._meta.db_table
        vendor = schema_editor.connection.vendor
        statements = {"sqlite": _sqlite_down(table), "postgresql": _pg_down(table, column)}
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)


def _sources(model: Any, field: str) -> tuple[str, ...]:
    return tuple(getattr(model._meta.get_field(field), "sources", ()) or ())


def _backfill(model: Any, field: str, sources: tuple[str, ...], batch: int = 5000) -> None:
    """Compute the column for every row (set-based, in batches)."""
    manager: Any = model._base_manager
    rows = manager.values_list("pk", *sources).order_by().iterator(chunk_size=batch)
    pending: list[Any] = []
    compute: Callable[..., str] = index_text
    for pk, *values in rows:
        obj = model(pk=pk)
        setattr(obj, field, compute(*(str(v or "") for v in values)))
        pending.append(obj)
        if len(pending) >= batch:
            manager.bulk_update(pending, [field], batch_size=batch)
            pending = []
    if pending:
        manager.bulk_update(pending, [field], batch_size=batch)


__all__ = [
    "BOUNDARY",
    "SCAN_THRESHOLD",
    "SearchTextField",
    "bulk_insert",
    "fts_table",
    "index_text",
    "migration_operation",
    "normalise",
    "plan_search",
    "prefix_q",
    "query_text",
    "reindex",
    "search_filter",
    "search_q",
    "unindexed_insert",
    "with_search_fields",
]
