"""Queries of the projects app: the list, an employer typed by name or USCC, the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from laborgrid.core.paths import path_codes
from laborgrid.employers.models import Employer
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.projects.models import ArrearsEntry, Project


def find_employer(user: Any, text: str) -> Employer | None:
    """An employer of the user's grids by USCC, exact name or id (the form's text box)."""
    text = (text or "").strip()
    if not text:
        return None
    qs = Employer.objects.visible_to(user).current()
    if text.isdigit() and len(text) < 18:
        found = qs.filter(pk=int(text)).first()
        if found is not None:
            return found
    found = qs.filter(uscc=text.upper()).first()
    if found is None:
        rows = list(qs.filter(name=text)[:2])
        found = rows[0] if len(rows) == 1 else None
    return found


def projects_for(user: Any, q: str = "", status: str = "") -> QuerySet[Project]:
    qs = Project.objects.visible_to(user).with_list_related()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(client_name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    return qs


def ledger_rows(user: Any, year: int) -> list[dict[str, Any]]:
    """The monthly ledger per township (grid path's township code), found and settled; found by
    the month found, settled by the month of settlement."""
    visible = ArrearsEntry.objects.visible_to(user)
    found = (
        visible.filter(found_on__year=year)
        .annotate(m=TruncMonth("found_on"))
        .values("m", "grid_path")
        .annotate(n=Count("id"), workers=Sum("workers"), amount=Sum("amount"))
    )
    settled = (
        visible.filter(settled_on__year=year)
        .annotate(m=TruncMonth("settled_on"))
        .values("m", "grid_path")
        .annotate(amount=Sum("settled_amount"))
    )
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    townships = set(Grid.objects.filter(level=GridLevel.TOWNSHIP).values_list("code", flat=True))

    def key(path: str, m: Any) -> tuple[str, int]:
        codes = path_codes(path)
        # the township the row lies in (the row's own grid when it hangs above townships)
        township = next((c for c in codes if c in townships), codes[-1])
        month = m.month if isinstance(m, dt.date) else int(str(m)[5:7])
        return township, month

    for r in found:
        k = key(r["grid_path"], r["m"])
        row = rows.setdefault(k, _blank(*k))
        row["entries"] += r["n"]
        row["workers"] += r["workers"] or 0
        row["found"] += r["amount"] or Decimal(0)
    for r in settled:
        k = key(r["grid_path"], r["m"])
        row = rows.setdefault(k, _blank(*k))
        row["settled"] += r["amount"] or Decimal(0)
    return sorted(rows.values(), key=lambda r: (r["township"], r["month"]))


def _blank(township: str, month: int) -> dict[str, Any]:
    return {
        "township": township,
        "month": month,
        "entries": 0,
        "workers": 0,
        "found": Decimal(0),
        "settled": Decimal(0),
    }


def ledger_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "entries": sum(r["entries"] for r in rows),
        "workers": sum(r["workers"] for r in rows),
        "found": sum((r["found"] for r in rows), Decimal(0)),
        "settled": sum((r["settled"] for r in rows), Decimal(0)),
    }


def outstanding() -> Any:
    """An entry's amount still owed (欠薪金额 − 已清偿)."""
    from django.db.models import F

    return F("amount") - F("settled_amount")


def arrears_filter(*, found: Any = None, settled: Any = None, open_only: bool = False) -> Q:
    """Ledger entries found in a period (``found``: a ``lib.periods.Period``), whose last payment
    falls in a period (``settled``; the settlement is cumulative: its amount is all paid so far),
    or not fully settled (``open_only``). The ledger's entry list and the dashboard's figures read
    the same conditions."""
    q = Q()
    if found is not None:
        q &= Q(found_on__range=(found.start, found.end))
    if settled is not None:
        q &= Q(settled_on__range=(settled.start, settled.end))
    if open_only:
        from django.db.models import F

        q &= Q(settled_amount__lt=F("amount"))
    return q
