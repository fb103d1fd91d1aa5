"""The case deadlines of B1.10, registered with the deadline engine (``laborgrid.deadlines``).

Imported by ``CasesConfig.ready()``. A missed case deadline escalates the case: supervision by
the level above (挂牌督办), once per case (``services.deadlines.escalate_case``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from laborgrid.cases.choices import DayType, DeadlineKind
from laborgrid.cases.models import Case, CaseRecord
from laborgrid.deadlines.registry import register_kind, register_subject

#: kind → (length, day type, legal basis) (B1.10; D-numbers in comments).
RULES: dict[str, tuple[int, str, str]] = {
    DeadlineKind.ACCEPTANCE: (5, DayType.WORKING, "若干规定第十八条"),  # D1
    DeadlineKind.CORRECTION: (15, DayType.WORKING, "补正答复期限（地方规定）"),  # D20
    DeadlineKind.INVESTIGATION: (60, DayType.WORKING, "劳动保障监察条例第十七条"),  # D3
    DeadlineKind.DECISION: (15, DayType.WORKING, "若干规定；青岛条例第三十一条"),  # D5
    DeadlineKind.PENALTY_CAP: (90, DayType.CALENDAR, "行政处罚法第六十条"),  # D10
    DeadlineKind.HEARING_REQUEST: (5, DayType.WORKING, "行政处罚法第六十四条、第八十五条"),  # D8
    DeadlineKind.SERVICE: (7, DayType.WORKING, "行政处罚法第六十一条、第八十五条"),  # D6
    DeadlineKind.NOTIFY_COMPLAINANT: (3, DayType.CALENDAR, "浙江条例第三十条（地方）"),  # D17
    DeadlineKind.FINE_PAYMENT: (15, DayType.CALENDAR, "行政处罚法第六十七条"),  # D11
    DeadlineKind.FILING: (0, DayType.CALENDAR, "若干规定第十八条（受理之日立案）"),  # D2
    # D15: the length is set when opened (three months after the D13/D14 windows lapse).
    DeadlineKind.ENFORCEMENT_APPLICATION: (90, DayType.CALENDAR, "行政强制法第五十三条"),
}
#: Deadlines of one investigation record rather than of the case (several may run at once).
RECORD_RULES: dict[str, tuple[int, str, str]] = {
    DeadlineKind.EVIDENCE_DECISION: (7, DayType.WORKING, "行政处罚法第五十六条、第八十五条"),  # D7
}

#: The party's periods, not the bureau's: when one lapses nobody is late, so the case is not
#: put under supervision (挂牌督办). The hearing-request window (D8) must lapse before a penalty
#: may be decided (行政处罚法 Art. 44, 63–64); the fine falls due 15 days after service (D11).
PARTY_PERIODS = frozenset({DeadlineKind.HEARING_REQUEST, DeadlineKind.FINE_PAYMENT})


def _describe(case: Case) -> str:
    return f"{case.reference} · {case.employer_name}"


def _url(case: Case) -> str:
    return case.get_absolute_url()


def _queryset() -> QuerySet[Case]:
    return Case.objects.only("id", "kind", "received_on", "employer_name")


def _recomputed(case_ids: list[int]) -> None:
    from laborgrid.cases.services.deadlines import refresh_warning

    for case in Case.objects.filter(pk__in=case_ids):
        refresh_warning(case)


def _escalate(deadline: Any, today: Any) -> int | None:
    from laborgrid.cases.services.deadlines import escalate_case

    return escalate_case(deadline, today)


def _party_period_lapsed(deadline: Any, today: Any) -> None:
    """A party's period lapsed: nothing to escalate (see ``PARTY_PERIODS``)."""
    return None


def _describe_record(record: CaseRecord) -> str:
    return f"{record.case.reference} · {record.title}"


def _record_url(record: CaseRecord) -> str:
    return record.get_absolute_url()


def _record_queryset() -> QuerySet[CaseRecord]:
    return CaseRecord.objects.select_related("case").only(
        "id", "title", "case__id", "case__received_on"
    )


def _escalate_record(deadline: Any, today: Any) -> int | None:
    """A missed record deadline puts its case under supervision, as a case deadline does."""
    from laborgrid.cases.services.deadlines import escalate_case_of_record

    return escalate_case_of_record(deadline, today)


def register() -> None:
    register_subject(
        Case, describe=_describe, url=_url, queryset=_queryset, on_recomputed=_recomputed
    )
    for kind, (amount, unit, basis) in RULES.items():
        register_kind(
            str(kind),
            model=Case,
            label=DeadlineKind(kind).label,
            amount=amount,
            unit=unit,
            basis=basis,
            escalate=_party_period_lapsed if kind in PARTY_PERIODS else _escalate,
        )
    register_subject(
        CaseRecord, describe=_describe_record, url=_record_url, queryset=_record_queryset
    )
    for kind, (amount, unit, basis) in RECORD_RULES.items():
        register_kind(
            str(kind),
            model=CaseRecord,
            label=DeadlineKind(kind).label,
            amount=amount,
            unit=unit,
            basis=basis,
            escalate=_escalate_record,
        )
