"""Index definitions that behave the same on both databases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models


class CoveringIndex(models.Index):
    """An index on ``fields`` that also carries the ``covering`` columns, on both databases.

    PostgreSQL stores them in the index leaves (``INCLUDE (...)``), which lets an index-only
    scan answer a query from the index alone. SQLite has no ``INCLUDE`` (Django drops an
    ``include`` there, with warning W040), but it answers from an index alone whenever every
    column a query reads is in it: there the covering columns are appended to the key. Either
    way, a query touching only these columns never reads the table. ``opclasses``
    (PostgreSQL only) apply to ``fields``.
    """

    def __init__(self, *args: Any, covering: Sequence[str] = (), **kwargs: Any) -> None:
        self.covering = tuple(covering)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        path, expressions, kwargs = super().deconstruct()
        kwargs["covering"] = self.covering
        return path, expressions, kwargs

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.features.supports_covering_indexes:
            twin = models.Index(
                fields=list(self.fields),
                include=list(self.covering),
                opclasses=list(self.opclasses),
                name=self.name,
                condition=self.condition,
                db_tablespace=self.db_tablespace,
            )
        else:
            twin = models.Index(
                fields=[*self.fields, *self.covering],
                name=self.name,
                condition=self.condition,
                db_tablespace=self.db_tablespace,
            )
        return twin.create_sql(model, schema_editor, using=using, **kwargs)


# --- migrations: one index where Django makes two ------------------------------------------------


def single_column_indexes(schema_editor: Any, table: str, column: str) -> list[str]:
    """The names of the plain (non-unique) indexes on ``column`` of ``table`` alone, found by
    introspection: Django's ``db_index`` index and, on PostgreSQL, its ``_like`` twin."""
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and info["columns"] == [column]
    ]


def drop_indexes(schema_editor: Any, table: str, column: str) -> None:
    """Migration step: drop the plain indexes on ``column`` alone (a composite or unique index
    that starts with it serves its lookups). Indexes are dropped by name: on SQLite an
    ``AlterField`` would remake the table (and drop the search index's triggers)."""
    q = schema_editor.quote_name
    for name in single_column_indexes(schema_editor, table, column):
        schema_editor.execute(f"DROP INDEX {q(name)}")


def create_default_indexes(schema_editor: Any, table: str, column: str, *, text: bool) -> None:
    """The reverse of :func:`drop_indexes`: the indexes Django makes for ``db_index=True``
    (``text``: a CharField's, with PostgreSQL's ``_like`` twin)."""
    q = schema_editor.quote_name
    plain = schema_editor._create_index_name(table, [column])
    schema_editor.execute(f"CREATE INDEX {q(plain)} ON {q(table)} ({q(column)})")
    if text and schema_editor.connection.vendor == "postgresql":
        like = schema_editor._create_index_name(table, [column], suffix="_like")
        schema_editor.execute(
            f"CREATE INDEX {q(like)} ON {q(table)} ({q(column)} varchar_pattern_ops)"
        )


def to_pattern_index(schema_editor: Any, table: str, column: str, name: str) -> None:
    """Migration step: Django's pair of indexes on a ``db_index`` CharField (on PostgreSQL the
    default b-tree and its ``varchar_pattern_ops`` twin) becomes the one index ``name``, as a
    ``models.Index(fields=[column], opclasses=["varchar_pattern_ops"], name=name)`` makes it:
    PostgreSQL renames the twin, which serves lookups by value and by prefix alike; SQLite,
    which has one index, gets it under the new name."""
    q = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    for old in single_column_indexes(schema_editor, table, column):
        if old == name:
            continue
        if postgresql and old.endswith("_like"):
            schema_editor.execute(f"ALTER INDEX {q(old)} RENAME TO {q(name)}")
        else:
            schema_editor.execute(f"DROP INDEX {q(old)}")
    if not postgresql:
        schema_editor.execute(f"CREATE INDEX {q(name)} ON {q(table)} ({q(column)})")


def from_pattern_index(schema_editor: Any, table: str, column: str, name: str) -> None:
    """The reverse of :func:`to_pattern_index`."""
    schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")
    create_default_indexes(schema_editor, table, column, text=True)
