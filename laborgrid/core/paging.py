"""Offset paging shared by every app's API lists (apps import this, never ``laborgrid.api``).

An API list takes ``limit`` and ``offset`` (subclass :class:`OffsetParams` and override ``limit``
for another default or ceiling) and answers ``{"count": …, "limit": …, "offset": …, "items": […]}``
built by :func:`offset_page` (a response schema may leave ``limit`` and ``offset`` out). Lists that reach a million rows (the employer registry) use keyset cursors
instead (``employers.filters``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from ninja import Field, Schema

#: The largest ``offset`` a list endpoint accepts: far beyond any list, and far from the 64-bit
#: integers where ``offset + limit`` overflows in the database (found by the schema fuzzer).
MAX_OFFSET = 1_000_000_000

M = TypeVar("M", bound=Model)


class OffsetParams(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def offset_page(
    qs: QuerySet[M], params: OffsetParams, row: Callable[[M], dict[str, Any]]
) -> dict[str, Any]:
    """The exact count of ``qs`` and the rows of one page, each turned into its output dict,
    with the page's ``limit`` and ``offset``."""
    return {
        "count": qs.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [row(obj) for obj in qs[params.offset : params.offset + params.limit]],
    }


def query_without(request: Any, name: str) -> str:
    """The page's query string without ``name`` (and without ``page``): the link of a filter
    chip that removes that filter, ``"?"`` when nothing is left."""
    rest = {k: v for k, v in request.GET.items() if k not in (name, "page")}
    return f"?{urlencode(rest)}" if rest else "?"
