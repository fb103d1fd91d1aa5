"""Materialised grid paths and the indexed prefix lookup every subtree filter uses.

A path is the chain of grid codes from the root, each followed by ``/``: ``52/5205/520521/``.
The trailing separator makes a prefix match exact (``5205/`` never matches ``52051/``).

``field__under=path`` selects the subtree rooted at ``path`` (the root included) and must stay an
indexed prefix scan on both databases:

* SQLite: a half-open range ``path >= 'x/' AND path < 'x0'`` on the BINARY-collated column, which the
  b-tree index serves directly (``'0'`` is the byte after ``'/'``).
* PostgreSQL: ``LIKE 'x/%'`` against a ``varchar_pattern_ops`` index, which is locale-independent
  (a plain range would follow the database collation, where punctuation may sort unpredictably).
  Django creates that ``..._like`` index itself for every indexed or unique CharField on
  PostgreSQL, so a path column needs only ``db_index=True`` (or ``unique=True``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup

SEP = "/"
CODE_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_")


def join_path(parent_path: str, code: str) -> str:
    return f"{parent_path}{code}{SEP}"


def path_codes(path: str) -> list[str]:
    return [c for c in path.split(SEP) if c]


def path_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (which ends in SEP)."""
    if not prefix.endswith(SEP):
        raise ValueError(f"a path prefix ends with {SEP!r}: {prefix!r}")
    return prefix[:-1] + chr(ord(SEP) + 1)


def minimal_prefixes(paths: list[str] | tuple[str, ...]) -> list[str]:
    """Drop paths that lie under another path in the list: ``[a/, a/b/, c/]`` → ``[a/, c/]``."""
    result: list[str] = []
    for p in sorted(set(paths)):
        if not result or not p.startswith(result[-1]):
            result.append(p)
    return result


class PathField(models.CharField):
    """A materialised path column (codes joined by ``/``, trailing ``/``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)


@PathField.register_lookup
class Under(Lookup):
    lookup_name = "under"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = self.rhs
        if not isinstance(prefix, str) or not prefix.endswith(SEP):
            raise ValueError(f"__under needs a path ending in '{SEP}', got {prefix!r}")
        if connection.vendor == "postgresql":
            escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return f"{lhs} LIKE %s", [*lhs_params, escaped + "%"]
        return f"({lhs} >= %s AND {lhs} < %s)", [
            *lhs_params,
            prefix,
            *lhs_params,
            path_upper_bound(prefix),
        ]


@PathField.register_lookup
class UnderUnindexed(Under):
    """``path__under_unindexed``: the same rows as ``under``, telling SQLite not to use the path
    index for it (the unary ``+`` makes the column an expression).

    SQLite has no statistics on value ranges (no STAT4 in Python's build), so it takes any range
    on an index as selective, and for a subtree holding most of a big table it reads the whole
    subtree through the path index and sorts it, where walking the index of the ORDER BY column
    and stopping at the page size costs a millisecond. Callers that know the subtree is large
    (see ``laborgrid.employers.filters``) use this lookup; PostgreSQL plans from its statistics
    and gets the plain ``under``.
    """

    lookup_name = "under_unindexed"

    def process_lhs(self, compiler: Any, connection: Any, lhs: Any = None) -> Any:
        sql, params = super().process_lhs(compiler, connection, lhs)
        if connection.vendor == "sqlite":
            sql = f"+{sql}"
        return sql, params
