"""The case pages in the English UI test (core/tests/test_i18n), and the Chinese on them that is
data (what people typed, employer names, legal citations and notes stored with the record)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import Client

from laborgrid.testing.personas import client_for


def _english(username: str | None) -> Callable[[], Client]:
    def make() -> Client:
        client = client_for(username) if username else Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _case_url() -> str:
    """A 猫场镇 demo case with complainants, deadlines and a timeline past filing."""
    from laborgrid.cases.tests.matrix_cases import maochang_case

    return f"/cases/{maochang_case()}/"


def _investigating_case_url() -> str:
    from laborgrid.cases.models import Case

    case = Case.objects.filter(state="investigating").order_by("id").first()
    assert case is not None
    return f"/cases/{case.pk}/"


#: (who, client, url, name) — wrapped by test_i18n's ``_page``.
PAGES: list[tuple[str, Callable[[], Client], Any, str | None]] = [
    ("maochang", _english("maochang"), "/cases/", None),
    ("maochang", _english("maochang"), "/cases/boards/", None),
    ("maochang", _english("maochang"), "/cases/new/", None),
    ("maochang", _english("maochang"), _case_url, "/cases/<maochang case>/"),
    ("county", _english("county"), _investigating_case_url, "/cases/<investigating>/"),
    ("county", _english("county"), "/cases/boards/", None),
    ("maochang", _english("maochang"), "/notifications/", None),
    ("sysadmin", _english("sysadmin"), "/cases/certificates/", None),
    ("anonymous", _english(None), "/complaint/", None),
    ("anonymous", _english(None), "/complaint/track/", None),
]


def data_strings() -> set[str]:
    from laborgrid.cases.models import (
        Case,
        CaseDocument,
        CaseRecord,
        CaseTransition,
        Complainant,
        InspectorCertificate,
    )
    from laborgrid.deadlines.models import Deadline
    from laborgrid.notifications.models import Notification

    data: set[str] = set()
    for field in (
        "employer_name", "employer_address", "employer_contact", "work_address", "facts", "request",
        "route_note", "decision_summary", "rectification_note", "public_result",
    ):  # fmt: skip
        for value in Case.objects.values_list(field, flat=True):
            data.add(value)
            data.update(value.splitlines())
    for field in ("name", "address"):
        data.update(Complainant.objects.values_list(field, flat=True))
    data.update(p.name_masked for p in Complainant.objects.only("name"))
    data.update(CaseTransition.objects.values_list("reason", flat=True))
    for field in ("title", "content", "file_name"):
        data.update(CaseRecord.objects.values_list(field, flat=True))
    data.update(Deadline.objects.values_list("basis", flat=True))
    for field in ("title", "number"):
        data.update(CaseDocument.objects.values_list(field, flat=True))
    data.update(InspectorCertificate.objects.values_list("number", flat=True))
    for field in ("title", "body"):
        data.update(Notification.objects.values_list(field, flat=True))
    data.discard("")
    return data
