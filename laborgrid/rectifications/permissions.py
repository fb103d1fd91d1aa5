"""The single-object gate for orders: 404 for missing and out-of-scope alike (rule 2)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import check_write
from laborgrid.rectifications.models import OrderFile, RectificationOrder


def access_order(user: Any, pk: int | str, capability: str = Cap.WORK_READ) -> RectificationOrder:
    """The order ``pk`` if ``user`` may see it; 403 when they may see but not change it."""
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Http404
    order = (
        RectificationOrder.objects.visible_to(user)
        .select_related("grid", "employer", "issued_by", "case", "source_type")
        .defer("grid__boundary", "grid__search_text")
        .filter(pk=int(text))
        .first()
    )
    if order is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, order.grid_path)
    return order


def access_file(order: RectificationOrder, pk: int) -> OrderFile:
    row = order.files.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row
