"""Permission-matrix entries for the grading pages, the public lists and their API. ``other``
points at 马场镇 objects (404 for 猫场镇 staff), ``own`` at 猫场镇 ones (or the county run) the
read-only leader can see but not change (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _user(name: str) -> Any:
    from laborgrid.accounts.models import User

    return User.objects.get(username=name)


def _machang_run() -> int:
    """A run scoped to 马场镇 (runs are scoped by their grid like everything else)."""
    from laborgrid.grids.models import Grid
    from laborgrid.ratings.models import GradingRun

    grid = Grid.objects.get(code=MACHANG)
    run, _c = GradingRun.objects.get_or_create(
        year=2025,
        grid=grid,
        defaults={"grid_path": grid.path, "started_by": _user("county"), "rules_version": "t"},
    )
    return run.pk


def _county_run() -> int:
    from laborgrid.ratings.models import GradingRun

    return (
        GradingRun.objects.filter(year=2026, grid__code="520521").values_list("pk", flat=True).get()
    )


def _grade(code: str) -> int:
    from laborgrid.ratings.models import EmployerGrade

    return int(
        EmployerGrade.objects.filter(grid_path__contains=f"/{code}/").values_list("pk", flat=True)[
            0
        ]
    )


def _case(code: str, offset: int = 0) -> Any:
    from laborgrid.cases.models import Case

    return (
        Case.objects.filter(grid_path__contains=f"/{code}/", employer__isnull=False)
        .exclude(decision_kind="")
        .order_by("pk")[offset]
    )


def _notice(code: str) -> int:
    from laborgrid.ratings.models import ViolationNotice

    case = _case(code)
    existing = ViolationNotice.objects.filter(case=case).first()
    if existing:
        return existing.pk
    emp = case.employer
    return ViolationNotice.objects.create(
        case=case,
        employer=emp,
        grid_id=case.grid_id,
        grid_path=case.grid_path,
        category="other",
        name=emp.name,
        facts="矩阵",
        handling="矩阵",
        final_on=dt.date(2026, 1, 1),
        flagged_note="矩阵",
    ).pk


def _listing(code: str) -> int:
    from laborgrid.ratings.models import ArrearsListing

    case = _case(code, 1)
    emp = case.employer
    obj, _c = ArrearsListing.objects.get_or_create(
        employer=emp,
        state="proposed",
        defaults={
            "case": case,
            "grid_id": emp.grid_id,
            "grid_path": emp.grid_path,
            "condition": "criminal_amount",
            "name": emp.name,
            "amount_owed": 1,
            "facts": "矩阵",
            "proposed_by": _user("county"),
            "proposed_on": dt.date(2026, 12, 1),
        },
    )
    return obj.pk


def _notified(code: str) -> int:
    """The proposed listing of ``_listing`` with its prior notice given (the letter exists)."""
    from laborgrid.ratings.models import ArrearsListing

    pk = _listing(code)
    ArrearsListing.objects.filter(pk=pk).update(
        notified_on=dt.date(2026, 12, 1), statement_due=dt.date(2026, 12, 8)
    )
    return pk


def _statement_file(code: str) -> int:
    """Evidence attached to the statement against that listing's prior notice."""
    from django.core.files.base import ContentFile

    from laborgrid.ratings.models import StatementFile

    listing_pk = _listing(code)
    found = StatementFile.objects.filter(listing_id=listing_pk).first()
    if found is not None:
        return found.pk
    row = StatementFile(
        listing_id=listing_pk,
        name="证据.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=_user("county"),
    )
    row.file.save("f.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    row.save()
    return row.pk


def _pair(fn: Any, methods: tuple[str, ...] = ("post",), writes: bool = True, **extra: Any) -> Spec:
    return Spec(
        other={"pk": lambda: fn(MACHANG), **extra},
        own={"pk": lambda: fn(MAOCHANG), **extra},
        methods=methods,
        writes=writes,
    )


SPECS: dict[str, Spec] = {
    "ratings:run_list": Spec(),
    "ratings:grade_list": Spec(lists={"grade": "A"}),
    "ratings:run_create": Spec(methods=("post",), writes=True),
    "ratings:run_detail": Spec(other={"pk": _machang_run}, own={"pk": _county_run}),
    "ratings:run_propose": Spec(
        other={"pk": _machang_run}, own={"pk": _county_run}, methods=("post",), writes=True
    ),
    "ratings:run_approve": Spec(
        other={"pk": _machang_run}, own={"pk": _county_run}, methods=("post",), writes=True
    ),
    "ratings:grade_detail": _pair(_grade, methods=("get",), writes=False),
    "ratings:grade_override": _pair(_grade),
    "ratings:grade_objection": _pair(_grade),
    "ratings:grade_objection_decide": _pair(_grade),
    "ratings:rules": Spec(),
    "ratings:rule_save": Spec(methods=("post",), writes=True),
    "ratings:notice_list": Spec(lists={"state": ""}),
    "ratings:notice_scan": Spec(methods=("post",), writes=True),
    "ratings:notice_flag": Spec(methods=("post",), writes=True),
    "ratings:notice_publish": Spec(methods=("post",), writes=True),
    "ratings:notice_detail": _pair(_notice, methods=("get",), writes=False),
    "ratings:notice_review": _pair(_notice),
    "ratings:notice_withdraw": _pair(_notice),
    "ratings:listing_list": Spec(),
    "ratings:listing_propose": Spec(methods=("post",), writes=True),
    "ratings:listing_detail": _pair(_listing, methods=("get",), writes=False),
    "ratings:listing_step": _pair(_listing, step="notify"),
    "ratings:grade_letter": _pair(_grade, methods=("get",), writes=False),
    "ratings:listing_letter": _pair(_notified, methods=("get",), writes=False),
    "ratings:statement_file": Spec(
        other={"pk": lambda: _listing(MACHANG), "file_id": lambda: _statement_file(MACHANG)},
        own={"pk": lambda: _listing(MAOCHANG), "file_id": lambda: _statement_file(MAOCHANG)},
    ),
    "publiclists:violations": Spec(public=True),
    "publiclists:blacklist": Spec(public=True),
}

API_SPECS: dict[tuple[str, str], Spec] = {
    ("post", "/api/v1/ratings/runs"): Spec(),
    ("get", "/api/v1/ratings"): Spec(lists={"year": "2026"}),
    ("get", "/api/v1/public/violations"): Spec(public=True, lists={"limit": "20", "q": "大方"}),
    ("get", "/api/v1/public/blacklist"): Spec(public=True, lists={"limit": "20", "q": "大方"}),
}
