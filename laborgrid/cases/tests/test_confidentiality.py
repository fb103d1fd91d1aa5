"""The complainant's or reporter's identity is kept confidential (条例 Art. 9 para. 3; DOMAIN
A6; issue 15 item 4): the two handling inspectors (承办人) see names; staff who may reveal
personal data where the case lives see them masked and reveal one with a reason (audited);
assistants (协管员) and the read-only leader see them masked and cannot reveal, by persona."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.cases import services
from laborgrid.cases.models import Case
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.testing.employers import make_ric
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

NAME = "欧阳明珠"
MASKED = "欧***"


def reported(on_day: Any) -> Case:
    on_day(dt.date(2026, 9, 30))
    data = complaint_data(
        complainants=[{"name": NAME, "id_number": make_ric(9), "phone": "13985710009"}]
    )
    return services.submit_public(data=data, submission_key=uuid.uuid4(), ip="10.0.0.9").case


def handled(on_day: Any) -> Case:
    """Reported, accepted, with county and brigade-1 as its 承办人."""
    case = reported(on_day)
    on_day(dt.date(2026, 10, 9))
    maochang = User.objects.get(username="maochang")
    services.accept_case(actor=maochang, case=case)
    return services.assign_handlers(
        actor=maochang,
        case=case,
        handler_1=User.objects.get(username="county"),
        handler_2=User.objects.get(username="brigade-1"),
    )


@pytest.mark.parametrize(
    ("username", "sees_name"),
    [("county", True), ("maochang", False), ("maochang-a1", False), ("leader", False)],
)
def test_the_case_page_names_the_complainant_only_to_its_handling_inspectors(
    on_day: Any, username: str, sees_name: bool
) -> None:
    case = handled(on_day)
    page = client_for(username).get(case.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert (NAME in body) is sees_name
    assert (MASKED in body) is not sees_name


@pytest.mark.parametrize(
    ("username", "sees_name"), [("county", True), ("maochang", False), ("maochang-a1", False)]
)
def test_the_api_names_the_complainant_only_to_its_handling_inspectors(
    on_day: Any, username: str, sees_name: bool
) -> None:
    case = handled(on_day)
    raw, _t = issue_token(user=User.objects.get(username=username))
    body = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"/api/v1/cases/{case.pk}").json()
    assert body["complainants"][0]["name"] == (NAME if sees_name else MASKED)
    assert NAME not in json.dumps(body, ensure_ascii=False) or sees_name


def test_a_notice_addressed_to_the_complainant_is_not_served_to_an_assistant(
    on_day: Any,
) -> None:
    case = reported(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=User.objects.get(username="maochang"), case=case)
    doc = services.issue_document(
        actor=User.objects.get(username="county"), case=case, doc_type="acceptance_notice"
    )
    url = reverse("cases:document_file", args=[case.pk, doc.pk])
    assert client_for("maochang-a1").get(url).status_code == 404
    assert client_for("leader").get(url).status_code == 404
    assert client_for("maochang").get(url).status_code == 200


def test_before_handlers_are_named_nobody_sees_the_name_unasked(on_day: Any) -> None:
    case = reported(on_day)
    for username in ("county", "maochang"):
        body = client_for(username).get(case.get_absolute_url()).content.decode()
        assert NAME not in body and MASKED in body


def test_an_officer_reveals_the_name_with_a_reason_and_it_is_audited(on_day: Any) -> None:
    from laborgrid.audit.models import AuditEvent

    case = handled(on_day)
    person = case.complainants.get()
    url = reverse("cases:complainant_reveal", args=[case.pk, person.pk])
    maochang = client_for("maochang")
    refused = maochang.post(url, {"field": "name", "reason": ""})
    assert NAME not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="pii_reveal").exists()
    shown = maochang.post(url, {"field": "name", "reason": "核实投诉人身份"})
    assert shown.status_code == 200 and NAME in shown.content.decode()
    event = AuditEvent.objects.get(action="pii_reveal")
    assert event.detail == {"field": "complainant.name", "reason": "核实投诉人身份"}
    assert event.actor is not None and event.actor.username == "maochang"
    # An assistant and the read-only leader may not reveal.
    for username in ("maochang-a1", "leader"):
        assert (
            client_for(username).post(url, {"field": "name", "reason": "好奇"}).status_code == 403
        )
    assert AuditEvent.objects.filter(action="pii_reveal").count() == 1
