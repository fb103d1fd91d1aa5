"""The grading pages and public lists in English show no Chinese except data: names of grids,
staff and employers, what people typed, and the rule set and evidence labels stored with a run
(legal text kept as versioned data) — the same check as ``core/tests/test_i18n.py``."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from laborgrid.accounts.models import User
from laborgrid.cases.models import Case
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.ratings import listing, publicity, rules
from laborgrid.ratings.models import (
    ArrearsListing,
    EmployerGrade,
    GradingRun,
    ListedPerson,
    LocalRule,
    ViolationNotice,
)
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")


def _run() -> GradingRun:
    return GradingRun.objects.get(year=2026, grid__code="520521")


def _c_grade() -> str:
    return EmployerGrade.objects.filter(run=_run(), grade="C").first().get_absolute_url()  # type: ignore[union-attr]


PAGES: list[tuple[str, str | Callable[[], str]]] = [
    ("county", "/ratings/"),
    ("county", lambda: _run().get_absolute_url()),
    ("maochang", lambda: _run().get_absolute_url() + "?grade=B"),
    ("county", _c_grade),
    ("county", "/ratings/rules/"),
    ("county", "/ratings/violations/"),
    ("county", lambda: ViolationNotice.objects.first().get_absolute_url()),  # type: ignore[union-attr]
    ("county", "/ratings/blacklist/"),
    ("county", lambda: ArrearsListing.objects.first().get_absolute_url()),  # type: ignore[union-attr]
    ("", "/public/violations/"),
    ("", "/public/blacklist/"),
    ("", "/public/blacklist/?q=9152&page=2"),
    ("xingwang", "/portal/"),
    ("xingwang", lambda: _portal("grade_detail", _xingwang_grade())),
    ("xingwang", lambda: _portal("listing_detail", _xingwang_notice())),
]


def _portal(name: str, pk: int) -> str:
    from django.urls import reverse

    return reverse(f"portal:{name}", args=[pk])


def _xingwang_grade() -> int:
    employer_id = User.objects.get(username="xingwang").employer_id
    assert employer_id is not None
    return EmployerGrade.objects.get(run=_run(), employer_id=employer_id).pk


def _xingwang_notice() -> int:
    """A prior notice to the demo employer (its statement form shown)."""
    from laborgrid.ratings.tests.test_employer import _listing_for

    row = _listing_for(User.objects.get(username="xingwang").employer)  # type: ignore[arg-type]
    return listing.notify_listing(actor=User.objects.get(username="county"), listing=row).pk


def _data() -> list[str]:
    data: set[str] = {"中文", rules.NATIONAL_VERSION, publicity.BASIS, listing.BASIS, rules.BASIS}
    data.update(Grid.objects.values_list("name", flat=True))
    data.update(User.objects.values_list("full_name", flat=True))
    for f in ("name", "address", "legal_rep"):
        data.update(Employer.objects.values_list(f, flat=True))
    for r in rules.NATIONAL_RULES:
        data.update({r.label, r.basis, r.reading})
    for k, v in rules.READINGS:
        data.update({k, v})
    for f in ("label", "basis"):
        data.update(LocalRule.objects.values_list(f, flat=True))
    data.update(GradingRun.objects.values_list("rules_version", flat=True))
    for g in EmployerGrade.objects.exclude(evidence=[]).values_list("evidence", flat=True):
        data.update(e["label"] for e in g)
    data.update(EmployerGrade.objects.values_list("override_reason", flat=True))
    for f in ("name", "address", "legal_rep", "facts", "handling", "flagged_note", "review_note"):
        data.update(ViolationNotice.objects.values_list(f, flat=True))
    for f in ("name", "facts", "statement", "decision_note", "removal_note"):
        data.update(ArrearsListing.objects.values_list(f, flat=True))
    data.update(ListedPerson.objects.values_list("name", flat=True))
    from laborgrid.notifications.models import Notification
    from laborgrid.rectifications.models import RectificationOrder

    data.update(RectificationOrder.objects.values_list("number", flat=True))

    for f in ("title", "body"):
        data.update(Notification.objects.values_list(f, flat=True))
    data.update(ListedPerson.objects.values_list("id_masked", flat=True))
    data.update(p.name_masked for p in ListedPerson.objects.all())
    for f in ("findings", "facts", "decision_summary"):
        data.update(Case.objects.values_list(f, flat=True))
    data.discard("")
    data.discard(None)  # type: ignore[arg-type]
    return sorted(data | {html.escape(d) for d in data}, key=len, reverse=True)


@pytest.mark.parametrize(("username", "url"), PAGES)
def test_english_pages_have_no_chinese_except_data(
    username: str, url: str | Callable[[], str]
) -> None:
    client: Client = client_for(username) if username else Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path = url if isinstance(url, str) else url()
    try:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
    finally:
        translation.deactivate()
    for value in _data():
        text = text.replace(value, "")
    left = [
        f"{m.group()!r} in …{text[max(m.start() - 60, 0) : m.end() + 20]!r}"
        for m in CJK.finditer(text)
    ]
    assert not left, "\n".join(left)
