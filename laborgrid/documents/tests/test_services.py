"""Numbering: per bureau, year and type, gap-free, pattern configurable and audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditEvent
from laborgrid.documents.audit_actions import DocumentAction
from laborgrid.documents.models import DocumentNumberPattern, DocumentSequence
from laborgrid.documents.services import (
    DocumentType,
    allocate_number,
    check_pattern,
    delete_number_pattern,
    pattern_for,
    save_number_pattern,
)

pytestmark = pytest.mark.django_db
T = DocumentType


@pytest.fixture(autouse=True)
def _no_numbers_issued_yet() -> None:
    """The demo has issued documents; these tests start from a bureau that has not (the
    deletion is rolled back with the test)."""
    DocumentSequence.objects.all().delete()


def admin() -> User:
    return User.objects.get(username="sysadmin")


def test_default_pattern_and_sequence() -> None:
    assert allocate_number(doc_type=T.CORRECTION_ORDER, year=2026) == "大人社监〔2026〕责改字第1号"
    assert allocate_number(doc_type=T.CORRECTION_ORDER, year=2026) == "大人社监〔2026〕责改字第2号"
    # Per type, per year, per bureau.
    assert allocate_number(doc_type=T.PENALTY_DECISION, year=2026) == "大人社监〔2026〕罚字第1号"
    assert allocate_number(doc_type=T.CORRECTION_ORDER, year=2027) == "大人社监〔2027〕责改字第1号"
    assert allocate_number(doc_type=T.CORRECTION_ORDER, year=2026, bureau="520502").endswith(
        "第1号"
    )
    assert DocumentSequence.objects.get(bureau="", year=2026, doc_type=T.CORRECTION_ORDER).last == 2


def test_a_rolled_back_issue_gives_its_number_back() -> None:
    allocate_number(doc_type=T.HANDLING_DECISION, year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert allocate_number(doc_type=T.HANDLING_DECISION, year=2026).endswith("第2号")
        raise RuntimeError("the document could not be stored")
    assert allocate_number(doc_type=T.HANDLING_DECISION, year=2026).endswith("第2号")


def test_numbers_are_unique_over_many_issues() -> None:
    numbers = [allocate_number(doc_type=T.SERVICE_RECEIPT, year=2026) for _ in range(50)]
    assert len(set(numbers)) == 50
    assert numbers[-1] == "大人社监〔2026〕送字第50号"


def test_pattern_lookup_most_specific_first() -> None:
    save_number_pattern(actor=admin(), bureau="", doc_type="", pattern="黔大人社〔{year}〕{seq}号")
    save_number_pattern(
        actor=admin(),
        bureau="",
        doc_type=T.PENALTY_DECISION,
        pattern="大人社罚〔{year}〕{seq:03d}号",
    )
    save_number_pattern(
        actor=admin(), bureau="520502", doc_type="", pattern="{bureau}-{year}-{abbr}-{seq}"
    )
    assert allocate_number(doc_type=T.CORRECTION_ORDER, year=2026) == "黔大人社〔2026〕1号"
    assert allocate_number(doc_type=T.PENALTY_DECISION, year=2026) == "大人社罚〔2026〕001号"
    assert allocate_number(doc_type=T.PENALTY_DECISION, year=2026, bureau="520502") == (
        "520502-2026-罚-1"
    )
    assert pattern_for(T.CORRECTION_ORDER, "999999") == "黔大人社〔{year}〕{seq}号"
    # Changing the pattern does not restart the sequence.
    save_number_pattern(actor=admin(), bureau="", doc_type="", pattern="新〔{year}〕{seq}号")
    assert allocate_number(doc_type=T.CORRECTION_ORDER, year=2026) == "新〔2026〕2号"
    events = AuditEvent.objects.filter(action=DocumentAction.DOCUMENT_PATTERN_CHANGED)
    assert events.count() == 4
    assert events.order_by("pk").last().detail["before"] == "黔大人社〔{year}〕{seq}号"  # type: ignore[union-attr]


def test_deleting_a_pattern_falls_back() -> None:
    row = save_number_pattern(actor=admin(), bureau="", doc_type="", pattern="X{seq}")
    delete_number_pattern(actor=admin(), pk=row.pk)
    assert not DocumentNumberPattern.objects.exists()
    assert allocate_number(doc_type=T.CORRECTION_ORDER, year=2026).startswith("大人社监")
    with pytest.raises(ValidationError):
        delete_number_pattern(actor=admin(), pk=row.pk)
    assert AuditEvent.objects.filter(action=DocumentAction.DOCUMENT_PATTERN_CHANGED).count() == 2


@pytest.mark.parametrize(
    "pattern",
    [
        "大人社监〔{year}〕",  # no sequence
        "{seq}{name}",  # unknown placeholder
        "{seq.__class__}",  # attribute access
        "{seq!r}",  # conversion
        "{year:>10}{seq}",  # a format on something else than seq
        "{seq:x}",
        "{seq",  # unbalanced
        "{seq}" + "号" * 100,
    ],
)
def test_bad_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError):
        check_pattern(pattern)
    with pytest.raises(ValidationError):
        save_number_pattern(actor=admin(), bureau="", doc_type="", pattern=pattern)
    assert not DocumentNumberPattern.objects.exists()


def test_bad_type_and_bureau() -> None:
    with pytest.raises(ValidationError):
        save_number_pattern(actor=admin(), bureau="", doc_type="memo", pattern="{seq}")
    with pytest.raises(ValidationError):
        save_number_pattern(actor=admin(), bureau="1" * 21, doc_type="", pattern="{seq}")
    with pytest.raises(ValueError):
        allocate_number(doc_type="memo", year=2026)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        allocate_number(doc_type=T.CORRECTION_ORDER, year=1999)


@pytest.mark.parametrize("username", ["county", "leader", "maochang", "secadmin", "auditor"])
def test_only_the_system_administrator_configures(username: str) -> None:
    user = User.objects.get(username=username)
    with pytest.raises(Http404):
        save_number_pattern(actor=user, bureau="", doc_type="", pattern="{seq}")
    row = save_number_pattern(actor=admin(), bureau="", doc_type="", pattern="{seq}")
    with pytest.raises(Http404):
        delete_number_pattern(actor=user, pk=row.pk)
