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
