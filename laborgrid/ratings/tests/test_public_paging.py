"""The public lists are paged, not capped (issue 18 §4, §6): numbered pages on
``/public/violations/`` and ``/public/blacklist/``, ``limit``/``offset`` on the API with bounds
(422 on a bad value), and a search by name or USCC on both."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.cases.models import Case
from laborgrid.employers.models import Employer
from laborgrid.ratings.choices import ListingState, NoticeState
from laborgrid.ratings.models import ArrearsListing, ViolationNotice

pytestmark = pytest.mark.django_db
N = 45  # more than two pages of 20


@pytest.fixture(autouse=True)
def _no_ip_limit(settings: Any) -> None:
    settings.LABORGRID_TRACKING_PER_IP_PER_HOUR = 100000


@pytest.fixture
def blacklist() -> list[ArrearsListing]:
    """N published entries in force besides the demo's, each of its own employer."""
    today = timezone.localdate()
    case = Case.objects.filter(category="wages", employer__isnull=False).order_by("pk").first()
    busy = set(ArrearsListing.objects.values_list("employer_id", flat=True))
    employers = list(Employer.objects.exclude(pk__in=busy).exclude(uscc="").order_by("pk")[:N])
    county = User.objects.get(username="county")
    rows = [
        ArrearsListing(
            employer=e,
            case=case,
            grid_id=e.grid_id,
            grid_path=e.grid_path,
            state=ListingState.PUBLISHED,
            condition="criminal_amount",
            name=e.name,
            uscc=e.uscc or "",
            amount_owed=30000,
            facts="分页测试",
            proposed_by=county,
            proposed_on=today - dt.timedelta(days=60),
            decided_on=today - dt.timedelta(days=30),
            published_on=today - dt.timedelta(days=30 - i % 20),
            expires_on=today + dt.timedelta(days=900),
        )
        for i, e in enumerate(employers)
    ]
    return ArrearsListing.objects.bulk_create(rows)


def test_blacklist_page_numbers_and_search(blacklist: list[ArrearsListing]) -> None:
    anon = Client()
    total = ArrearsListing.objects.filter(state=ListingState.PUBLISHED).count()
    assert total > 40
    first = anon.get(reverse("publiclists:blacklist")).content.decode()
    assert first.count('class="card-title mb-1"') == 20
    assert (
        'href="?page=2"' in first and 'href="?page=3"' in first and 'aria-current="page"' in first
    )
    last_n = (total - 1) // 20 + 1
    last = anon.get(reverse("publiclists:blacklist"), {"page": last_n}).content.decode()
    assert last.count('class="card-title mb-1"') == total - 20 * (last_n - 1)
    # Every entry is on exactly one page.
    seen = []
    for n in range(1, last_n + 1):
        page = anon.get(reverse("publiclists:blacklist"), {"page": n}).content.decode()
        seen += [row.name for row in blacklist if row.name in page]
    assert sorted(seen) == sorted(r.name for r in blacklist)
    # A bad page number shows a page, not an error.
    assert anon.get(reverse("publiclists:blacklist"), {"page": "abc"}).status_code == 200
    # Search by a name, or by the USCC's start in lower case.
    target = blacklist[7]
    found = anon.get(reverse("publiclists:blacklist"), {"q": target.name}).content.decode()
    assert target.name in found and blacklist[8].name not in found
    by_code = anon.get(reverse("publiclists:blacklist"), {"q": target.uscc[:14].lower()})
    assert target.name in by_code.content.decode()
    none = anon.get(reverse("publiclists:blacklist"), {"q": "没有这家单位"}).content.decode()
    assert "没有符合条件的单位" in none


def test_blacklist_api_limit_offset_bounds_and_search(blacklist: list[ArrearsListing]) -> None:
    anon = Client()
    url = "/api/v1/public/blacklist"
    head = anon.get(url).json()
    total = head["count"]
    assert total > 40 and head["limit"] == 50 and len(head["items"]) == min(total, 50)
    names: list[str] = []
    for offset in range(0, total, 10):
        body = anon.get(url, {"limit": 10, "offset": offset}).json()
        assert body["count"] == total and body["offset"] == offset
        names += [i["name"] for i in body["items"]]
    assert len(names) == total == len(set(names))  # no entry twice, none left out
    beyond = anon.get(url, {"offset": total + 5}).json()
    assert beyond["items"] == [] and beyond["count"] == total
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}, {"q": "x" * 101}):
        res = anon.get(url, bad)
        assert res.status_code == 422, bad
        assert res.json()["detail"]
    target = blacklist[3]
    hit = anon.get(url, {"q": target.uscc}).json()
    assert [i["name"] for i in hit["items"]] == [target.name] and hit["count"] == 1


def test_violations_page_and_api_are_paged() -> None:
    today = timezone.localdate()
    cases = list(
        Case.objects.filter(publication__isnull=True, employer__isnull=False).order_by("pk")[:25]
    )
    assert len(cases) == 25
    ViolationNotice.objects.bulk_create(
        ViolationNotice(
            case=c,
            employer_id=c.employer_id,
            grid_id=c.grid_id,
            grid_path=c.grid_path,
            category="other",
            state=NoticeState.PUBLISHED,
            name=f"分页测试单位{i:02d}",
            uscc=f"91520521MA6TEST{i:03d}",
            facts="分页测试",
            handling="分页测试",
            final_on=today,
            flagged_note="分页测试",
            quarter="2026Q4",
            published_on=today,
        )
        for i, c in enumerate(cases)
    )
    anon = Client()
    total = ViolationNotice.objects.filter(state=NoticeState.PUBLISHED).count()
    page1 = anon.get(reverse("publiclists:violations")).content.decode()
    page2 = anon.get(reverse("publiclists:violations"), {"page": 2}).content.decode()
    shown = page1.count('class="card-title mb-1"') + page2.count('class="card-title mb-1"')
    assert page1.count('class="card-title mb-1"') == 20 and shown == min(total, 40)
    assert 'href="?page=2"' in page1
    found = anon.get(reverse("publiclists:violations"), {"q": "分页测试单位07"}).content.decode()
    assert "分页测试单位07" in found and "分页测试单位08" not in found
    api = anon.get("/api/v1/public/violations", {"limit": 20, "offset": 20}).json()
    assert api["count"] == total and len(api["items"]) == min(total - 20, 20)
    assert anon.get("/api/v1/public/violations", {"limit": 500}).status_code == 422
    q = anon.get("/api/v1/public/violations", {"q": "91520521ma6test007"}).json()
    assert [i["name"] for i in q["items"]] == ["分页测试单位07"]
