"""Index definitions that behave the same on both databases."""

from __future__ import annotations

from typing import Any

from django.db import models


class CoveringIndex(models.Index):
    """An index whose ``include`` columns are carried on SQLite too.

    PostgreSQL stores ``include`` columns in the index leaves (``INCLUDE (...)``), which lets an
    index-only scan answer a query from the index alone. SQLite has no ``INCLUDE``, and Django
    drops the clause there; SQLite does answer from an index alone whenever every column the query
    reads is in it, so on SQLite the ``include`` columns are appended to the key instead. Either
    way, a query touching only the key and included columns never reads the table.
    ``opclasses`` (PostgreSQL only) apply to the key ``fields``.
    """

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.features.supports_covering_indexes or not self.include:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        twin = models.Index(
            fields=[*self.fields, *self.include],
            name=self.name,
            condition=self.condition,
            db_tablespace=self.db_tablespace,
        )
        return twin.create_sql(model, schema_editor, using=using, **kwargs)
