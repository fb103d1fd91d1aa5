"""The incident pages in English show no Chinese except data (names of grids, staff, employers,
levels, what people typed) — the same check as ``core/tests/test_i18n.py``, on this app's pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from laborgrid.accounts.models import User
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.incidents.demo import DEMO_KEY
from laborgrid.incidents.models import EarlyWarning, Incident, IncidentLevel, IncidentUpdate
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")


def _demo() -> Incident:
    return Incident.objects.get(client_key=DEMO_KEY)


PAGES: list[tuple[str, str | Callable[[], str]]] = [
    ("maochang", "/incidents/"),
    ("maochang", "/incidents/?status=all"),
    ("maochang-a1", "/incidents/report/"),
    ("maochang", lambda: _demo().get_absolute_url()),
    ("leader", lambda: _demo().get_absolute_url()),
    ("maochang", "/incidents/warnings/?status=all"),
    ("county", "/incidents/settings/"),
    ("maochang", "/incidents/settings/"),
    ("maochang", lambda: "/incidents/employers/?q=" + _demo().employer_name[:2]),
]


def _data() -> list[str]:
    data: set[str] = {"中文"}
    data.update(Grid.objects.values_list("name", flat=True))
    data.update(User.objects.values_list("full_name", flat=True))
    data.update(User.objects.values_list("title", flat=True))
    for f in ("name", "address"):
        data.update(Employer.objects.values_list(f, flat=True))
    data.update(IncidentLevel.objects.values_list("name", flat=True))
    for f in ("place", "employer_name", "project_name", "demands", "actions_taken", "outcome"):
        data.update(Incident.objects.values_list(f, flat=True))
    data.update(IncidentUpdate.objects.values_list("text", flat=True))
    data.update(EarlyWarning.objects.values_list("subject_name", flat=True))
    data.discard("")
    data.discard(None)  # type: ignore[arg-type]
    return sorted(data | {html.escape(d) for d in data}, key=len, reverse=True)


@pytest.mark.parametrize(("username", "url"), PAGES)
def test_english_pages_have_no_chinese_except_data(
    username: str, url: str | Callable[[], str]
) -> None:
    client: Client = client_for(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path = url if isinstance(url, str) else url()
    try:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Language"] == "en"
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


def test_the_report_form_link_is_offered_to_staff_who_may_report() -> None:
    home = client_for("maochang-a1").get(reverse("incidents:incident_list")).content.decode()
    assert reverse("incidents:incident_report") in home
    leader = client_for("leader").get(reverse("incidents:incident_list")).content.decode()
    assert reverse("incidents:incident_report") not in leader
