"""The dashboard and the returns in the English UI: no Chinese left but data (grid and staff
names, notes people typed)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from laborgrid.accounts.models import User
from laborgrid.cases.models import Case
from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.testing.personas import COUNTY, MAOCHANG, client_for

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    yield
    translation.deactivate()


def _english(username: str) -> object:
    client = client_for(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _leftovers(body: str) -> list[str]:
    data = {"中文"}
    data.update(Grid.objects.values_list("name", flat=True))
    data.update(User.objects.values_list("full_name", flat=True))
    data.update(User.objects.values_list("title", flat=True))
    data.update(Case.objects.values_list("employer_name", flat=True))
    for value in sorted((d for d in data if d), key=len, reverse=True):
        body = body.replace(value, "")
    # The map's JSON carries grid names escaped; the list of the switcher too.
    body = re.sub(r"\\u[0-9a-f]{4}", "", body)
    return [body[max(m.start() - 60, 0) : m.end() + 20] for m in CJK.finditer(body)]


def test_pages_in_english() -> None:
    last = periods.containing(timezone.localdate()).previous().key
    maochang = client_for("maochang")
    assert (
        maochang.post(reverse("reports:return_action", args=[MAOCHANG, last, "draft"])).status_code
        == 302
    )
    pages = [
        ("leader", reverse("reports:dashboard", args=[COUNTY])),
        ("leader", "/"),
        ("maochang", reverse("reports:dashboard", args=[MAOCHANG])),
        ("maochang", reverse("reports:return_detail", args=[MAOCHANG, last])),
        ("county", reverse("reports:return_detail", args=[COUNTY, last])),
        ("county", reverse("reports:return_list", args=[COUNTY])),
        ("county", reverse("cases:case_list") + f"?grid={MAOCHANG}&received={last}&kind=complaint"),
    ]
    for username, url in pages:
        client = _english(username)
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == "en", url
        left = _leftovers(response.content.decode())
        assert left == [], (url, left[:5])


def test_messages_in_english() -> None:
    last = periods.containing(timezone.localdate()).previous().key
    client = _english("maochang")
    response = client.post(  # type: ignore[attr-defined]
        reverse("reports:return_action", args=[MAOCHANG, last, "draft"]), follow=True
    )
    assert "The return was drafted from the records." in response.content.decode()
    refused = client.post(  # type: ignore[attr-defined]
        reverse("reports:return_action", args=[MAOCHANG, last, "adjust"]),
        {"value-cases_received": "999"},
    )
    assert refused.status_code == 422
    assert "give the reason for the adjustment" in refused.content.decode()
