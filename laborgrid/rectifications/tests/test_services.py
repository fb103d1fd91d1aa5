"""The order's services: who may do what, the deadlines, the document, the escalation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from laborgrid.accounts.models import User
from laborgrid.deadlines.models import Deadline
from laborgrid.lib.crypto import FILE_MAGIC
from laborgrid.rectifications import services
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.deadline_rules import ORDER_KIND
from laborgrid.rectifications.services import ItemFinding, OrderItemInput
from laborgrid.rectifications.tests.conftest import items

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 2)
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


def photo(name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def test_issue_counts_working_days_and_opens_the_deadline(
    on_day: Any, employer: Any, order_for: Any
) -> None:
    on_day(MONDAY)
    order = order_for(employer, 10, 5)
    # 10 working days after Monday 2 Nov 2026 (start day not counted): Monday 16 Nov.
    assert order.due == dt.date(2026, 11, 16)
    assert [i.due for i in order.items.all()] == [dt.date(2026, 11, 16), dt.date(2026, 11, 9)]
    assert order.grid_path == employer.grid_path and order.state == OrderState.OPEN
    deadline = Deadline.objects.for_object(order).get(kind=ORDER_KIND)
    assert deadline.due == order.due and deadline.amount == 10
    assert order.document.read(5) == b"%PDF-"
    assert "责改" in order.number


def test_the_order_and_its_evidence_are_encrypted_at_rest(
    on_day: Any, employer: Any, order_for: Any, inspector: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    on_day(MONDAY)
    order = order_for(employer, 10, 5)
    on_disk = (tmp_path / order.document.name).read_bytes()
    assert on_disk.startswith(FILE_MAGIC) and b"%PDF" not in on_disk[:64]
    assert order.document.open("rb").read(5) == b"%PDF-"
    order = services.respond_order(
        actor=User.objects.get(username="maochang-a1"), order=order, note="已整改", files=[photo()]
    )
    evidence = order.files.get()
    assert (tmp_path / evidence.file.name).read_bytes().startswith(FILE_MAGIC)
    assert evidence.file.open("rb").read() == JPEG


def test_assistants_leaders_and_uncertified_staff_may_not_issue(employer: Any) -> None:
    for name in ("maochang-a1", "leader", "maochang"):
        with pytest.raises(PermissionDenied):
            services.issue_order(
                actor=User.objects.get(username=name), employer=employer, items=items(10)
            )


def test_an_item_must_cite_a_violation_of_the_table(employer: Any, inspector: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.issue_order(
            actor=inspector,
            employer=employer,
            items=[OrderItemInput("改正违法行为", "", 10), OrderItemInput("x", "wage_arrears", 0)],
        )
    text = " ".join(exc.value.messages)
    assert "第1项" in text and "违法行为" in text and "第2项" in text


def test_recheck_before_the_period_lapsed_cannot_find_an_item_not_corrected(
    on_day: Any, employer: Any, order_for: Any, inspector: Any, second: Any
) -> None:
    on_day(MONDAY)
    order = order_for(employer, 10)
    item = order.items.get()
    on_day(dt.date(2026, 11, 10))
    with pytest.raises(ValidationError) as exc:
        services.recheck_order(
            actor=inspector,
            order=order,
            inspector_2=second,
            findings=[ItemFinding(item.pk, corrected=False)],
            note="现场复查",
        )
    assert "届满前不能认定未改正" in " ".join(exc.value.messages)


def test_recheck_needs_two_certified_inspectors(
    employer: Any, order_for: Any, inspector: Any
) -> None:
    order = order_for(employer, 10)
    item = order.items.get()
    for other in (inspector, User.objects.get(username="maochang")):
        with pytest.raises(ValidationError):
            services.recheck_order(
                actor=inspector,
                order=order,
                inspector_2=other,
                findings=[ItemFinding(item.pk, corrected=True)],
                note="现场复查",
            )


def test_respond_then_recheck_corrected_then_close(
    on_day: Any, employer: Any, order_for: Any, inspector: Any, second: Any
) -> None:
    on_day(MONDAY)
    order = order_for(employer, 10)
    on_day(dt.date(2026, 11, 12))
    assistant = User.objects.get(username="maochang-a1")
    order = services.respond_order(
        actor=assistant, order=order, note="已补签劳动合同 12 份", files=[photo()]
    )
    assert order.state == OrderState.RESPONDED and order.files.count() == 1
    deadline = Deadline.objects.for_object(order).get(kind=ORDER_KIND)
    assert deadline.met_on == dt.date(2026, 11, 12)
    item = order.items.get()
    order = services.recheck_order(
        actor=inspector,
        order=order,
        inspector_2=second,
        findings=[ItemFinding(item.pk, corrected=True)],
        note="现场核对劳动合同",
    )
    assert order.state == OrderState.CORRECTED
    with pytest.raises(PermissionDenied):
        services.close_order(actor=assistant, order=order)
    order = services.close_order(actor=inspector, order=order, note="销号")
    assert order.state == OrderState.CLOSED
    with pytest.raises(services.StateRefused):
        services.respond_order(actor=inspector, order=order, note="再回复")


def test_a_response_file_must_be_pdf_jpeg_or_png(employer: Any, order_for: Any) -> None:
    order = order_for(employer, 10)
    bad = SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.respond_order(actor=order.issued_by, order=order, note="已整改", files=[bad])
    assert "不是 PDF、JPEG 或 PNG" in " ".join(exc.value.messages)
    order.refresh_from_db()
    assert order.state == OrderState.OPEN and not order.files.exists()


def test_a_calendar_change_moves_the_items_dates(
    on_day: Any,
    employer: Any,
    order_for: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.utils import timezone

    from laborgrid.workdays import services as workdays

    on_day(MONDAY)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: MONDAY)  # the engine's today
    order = order_for(employer, 10, 5)
    # A local rest day decreed inside the period (Wednesday 4 Nov): both dates move one day.
    with django_capture_on_commit_callbacks(execute=True):
        workdays.save_calendar_day(
            actor=User.objects.get(username="sysadmin"),
            day=dt.date(2026, 11, 4),
            kind="rest",
            holiday="other",
            note="测试",
        )
    order.refresh_from_db()
    assert order.due == dt.date(2026, 11, 17)
    assert [i.due for i in order.items.all()] == [dt.date(2026, 11, 17), dt.date(2026, 11, 10)]
