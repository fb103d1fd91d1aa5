"""Issue 16 "Done when", the order's part: an inspector issues an order with a 10-working-day
deadline after a visit; it goes overdue (the engine's daily run tells the staff); the
re-inspection finds it not corrected; escalation opens a case (立案) carrying the order, its items,
the recheck result and the visit's evidence."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from laborgrid.cases.choices import CaseKind, CaseState, RecordKind
from laborgrid.deadlines.models import Deadline
from laborgrid.deadlines.services import escalate_overdue
from laborgrid.employers.models import LabourSnapshot
from laborgrid.notifications.models import Notification
from laborgrid.rectifications import registry
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.deadline_rules import ORDER_KIND
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.rectifications.registry import EvidenceFile
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

PHOTO = b"\xff\xd8\xff\xe0" + b"site photo" * 10
RECORD = b"%PDF-1.4 on-site inspection record"
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 "


@pytest.fixture
def visit_source() -> Iterator[None]:
    """A stand-in for a visit (inspections registers its own model the same way)."""
    registry.register_source(
        LabourSnapshot,
        label="现场检查",
        url=lambda s: f"/employers/{s.employer_id}/",
        evidence=lambda s: [
            EvidenceFile("photo.jpg", "image/jpeg", lambda: io.BytesIO(PHOTO), "现场照片"),
            EvidenceFile(
                "record.pdf", "application/pdf", lambda: io.BytesIO(RECORD), "现场检查笔录"
            ),
            EvidenceFile("shot.webp", "image/webp", lambda: io.BytesIO(WEBP), "手机截图"),
        ],
    )
    yield
    registry._sources.pop("employers.laboursnapshot", None)


def test_done_when(
    on_day: Any, employer: Any, visit_source: None, django_capture_on_commit_callbacks: Any
) -> None:
    visit = (
        LabourSnapshot.objects.filter(employer=employer).first() or LabourSnapshot.objects.first()
    )
    assert visit is not None
    county = client_for("county")

    # 1. Monday 2 Nov 2026: the inspector issues an order with a 10-working-day deadline.
    on_day(dt.date(2026, 11, 2))
    from laborgrid.accounts.models import User
    from laborgrid.rectifications.services import OrderItemInput, issue_order

    order = issue_order(
        actor=User.objects.get(username="county"),
        employer=employer,
        items=[OrderItemInput("足额支付拖欠的工资", "wage_arrears", 10)],
        source=visit,
    )
    assert order.due == dt.date(2026, 11, 16)
    page = county.get(order.get_absolute_url()).content.decode()
    assert (
        "2026-11-16" in page and "现场检查" in page and "《中华人民共和国劳动法》第五十条" in page
    )

    # 2. It goes overdue: the daily run on 17 Nov tells the issuing inspector and 猫场镇.
    on_day(dt.date(2026, 11, 17))
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue(today=dt.date(2026, 11, 17), model=RectificationOrder)
    assert Notification.objects.filter(
        title__contains=order.number, user__username="maochang"
    ).exists()
    listing = client_for("maochang").get(reverse("rectifications:order_list"), {"overdue": "on"})
    assert order.number in listing.content.decode()
    board = client_for("maochang").get(reverse("deadlines:board")).content.decode()
    assert order.number in board

    # 3. The re-inspection (two certified inspectors) finds it not corrected.
    on_day(dt.date(2026, 11, 18))
    item = order.items.get()
    second = User.objects.get(username="brigade-1")
    r = county.post(
        reverse("rectifications:order_recheck", args=[order.pk]),
        {
            "rechecked_on": "2026-11-18",
            "inspector_2": str(second.pk),
            f"result_{item.pk}": "not_corrected",
            f"result_note_{item.pk}": "工资仍未发放",
            "note": "到场核对工资发放记录",
        },
    )
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.NOT_CORRECTED

    # 4. Escalation opens a filed case carrying the order, the result and the evidence.
    r = county.post(reverse("rectifications:order_escalate", args=[order.pk]), {"reason": ""})
    assert r.status_code == 302
    order.refresh_from_db()
    case = order.case
    assert order.state == OrderState.ESCALATED and case is not None
    assert case.kind == CaseKind.INSPECTION and case.state == CaseState.INVESTIGATING
    assert case.filed_on == dt.date(2026, 11, 18) and case.employer_id == employer.pk
    assert order.number in case.facts and "工资仍未发放" in case.facts and "未改正" in case.facts
    evidence = case.records.filter(kind=RecordKind.EVIDENCE)
    names = set(evidence.values_list("file_name", flat=True))
    assert {"photo.jpg", "record.pdf", f"{order.number}.pdf"} <= names
    photo = evidence.get(file_name="photo.jpg")
    assert photo.file.read() == PHOTO and "现场照片" in photo.title
    note = case.records.get(kind=RecordKind.NOTE)
    assert "shot.webp" in note.content  # not a type the case accepts: named, not lost
    assert not Deadline.objects.for_object(order).pending().filter(kind=ORDER_KIND).exists()
    case_page = county.get(case.get_absolute_url()).content.decode()
    assert "photo.jpg" in case_page
