"""Documents bound to the procedure (issue 15 item 2): each type in its states and by its
signers, refused before a serial number is taken; content from the case's own records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laborgrid.cases import services
from laborgrid.cases.documents import ISSUE_RULES, context_for
from laborgrid.cases.models import Case
from laborgrid.cases.tests.test_procedure import investigate, submit, user
from laborgrid.documents.models import DocumentSequence
from laborgrid.documents.services import DocumentType

pytestmark = pytest.mark.django_db

FINDINGS = "经调查，该单位2026年6月至8月未支付张三工资共计18000元。"


def counters() -> list[tuple[str, int, int]]:
    return list(DocumentSequence.objects.values_list("doc_type", "year", "last").order_by("pk"))


def text_of(pdf_bytes: bytes) -> str:
    pdf = pdfium.PdfDocument(pdf_bytes)
    return (
        "".join(page.get_textpage().get_text_range() for page in pdf)
        .replace("\r", "")
        .replace("\n", "")
    )


def correction_decided(on_day: Any) -> Case:
    case = submit(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    investigate(case)
    services.complete_investigation(actor=user("county"), case=case)
    services.decide_case(
        actor=user("county"),
        case=case,
        decision_kind="correction_order",
        summary="限期支付拖欠张三的工资18000元。",
        rectification_due=dt.date(2026, 10, 23),
    )
    return case


def test_every_document_type_has_its_rule() -> None:
    assert set(ISSUE_RULES) == set(DocumentType.values)


@pytest.mark.parametrize("doc_type", DocumentType.values)
def test_an_assistant_issues_nothing_and_uses_no_number(on_day: Any, doc_type: str) -> None:
    case = correction_decided(on_day)
    before = counters()
    with pytest.raises(PermissionDenied):
        services.issue_document(actor=user("maochang-a1"), case=case, doc_type=doc_type)
    assert counters() == before
    assert not case.documents.exists()


@pytest.mark.parametrize(
    ("state_case", "doc_type"),
    [
        ("received", "acceptance_notice"),
        ("investigating", "rejection_notice"),
        ("investigating", "closure_approval"),
        ("decided", "penalty_decision"),  # the decision was a correction order
    ],
)
def test_a_document_out_of_its_state_is_refused_before_numbering(
    on_day: Any, state_case: str, doc_type: str
) -> None:
    case = submit(on_day)
    if state_case != "received":
        on_day(dt.date(2026, 10, 9))
        services.accept_case(actor=user("maochang"), case=case)
        services.file_case(actor=user("maochang"), case=case)
    if state_case == "decided":
        case = correction_decided(on_day)
    before = counters()
    with pytest.raises(ValidationError) as exc:
        services.issue_document(actor=user("county"), case=case, doc_type=doc_type)
    assert "doc_type" in exc.value.message_dict
    assert counters() == before


def test_the_acceptance_notice_states_no_finding(on_day: Any) -> None:
    case = submit(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    with pytest.raises(PermissionDenied):  # no certificate: not in the bureau's name
        services.issue_document(actor=user("maochang"), case=case, doc_type="acceptance_notice")
    doc = services.issue_document(actor=user("county"), case=case, doc_type="acceptance_notice")
    text = text_of(doc.file.read())
    assert "经审查" in text and "经查" not in text
    assert case.facts[:10] not in text


def test_the_correction_order_needs_the_recorded_violation_and_findings(on_day: Any) -> None:
    case = correction_decided(on_day)
    before = counters()
    with pytest.raises(ValidationError) as exc:
        services.issue_document(actor=user("county"), case=case, doc_type="correction_order")
    assert "违法行为" in exc.value.messages[0] and "违法事实" in exc.value.messages[0]
    assert counters() == before
    with pytest.raises(ValidationError):  # the findings are fixed by the decision
        services.record_outcome(
            actor=user("county"),
            case=case,
            data={"findings": FINDINGS, "violation": "wage_arrears"},
        )


def test_the_correction_order_prints_the_findings_and_the_violated_provision(
    on_day: Any,
) -> None:
    case = submit(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    investigate(case)
    with pytest.raises(ValidationError):
        services.record_outcome(actor=user("county"), case=case, data={"violation": "nonsense"})
    services.record_outcome(
        actor=user("county"), case=case, data={"findings": FINDINGS, "violation": "wage_arrears"}
    )
    services.complete_investigation(actor=user("county"), case=case)
    services.decide_case(
        actor=user("county"),
        case=case,
        decision_kind="correction_order",
        summary="限期支付拖欠张三的工资18000元。",
        rectification_due=dt.date(2026, 10, 23),
    )
    case.refresh_from_db()
    ctx = context_for(
        case, "correction_order", actor=user("county"), number="x", today=dt.date(2026, 10, 9)
    )
    assert ctx["legal_basis"] == "《中华人民共和国劳动法》第五十条"
    assert ctx["paragraphs"] == [FINDINGS]
    assert case.facts not in ctx["paragraphs"]
    doc = services.issue_document(actor=user("county"), case=case, doc_type="correction_order")
    text = text_of(doc.file.read())
    assert "第二十六条" not in text and "劳动法》第五十条" in text
    assert "18000元" in text and "多次催要未果" not in text
