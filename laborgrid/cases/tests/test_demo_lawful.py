"""The demo's invented past follows the procedure's rules (issue 15): no court enforcement
before the review and suit windows lapse and 10 days after a served 催告书, only of a penalty or
handling decision, within three months; every filed case has its two handling inspectors."""

from __future__ import annotations

import datetime as dt

import pytest

from laborgrid.cases.choices import Action, CaseState, DeadlineKind, DecisionKind
from laborgrid.cases.models import Case
from laborgrid.cases.services.procedure import (
    ENFORCEMENT_MONTHS,
    add_months,
    effective_service_date,
    remedy_windows,
)

pytestmark = pytest.mark.django_db


def test_demo_court_enforcement_is_lawful() -> None:
    cases = list(Case.objects.filter(state=CaseState.ENFORCEMENT))
    assert cases
    for case in cases:
        assert case.decision_kind in (DecisionKind.PENALTY, DecisionKind.HANDLING_DECISION)
        assert case.served_on and case.service_method and case.service_proof
        assert case.demand_served_on is not None
        applied = case.transitions.get(action=Action.ENFORCE).at.date()
        review, suit = remedy_windows(effective_service_date(case.served_on, case.service_method))
        lapse = max(review, suit)
        assert lapse < applied <= add_months(lapse, ENFORCEMENT_MONTHS), case.reference
        assert applied >= case.demand_served_on + dt.timedelta(days=11), case.reference
        window = case.deadlines.get(kind=DeadlineKind.ENFORCEMENT_APPLICATION)
        assert window.start == lapse and window.met_on == applied


def test_demo_filed_cases_have_two_handling_inspectors() -> None:
    filed = Case.objects.filter(filed_on__isnull=False)
    assert filed.exists()
    assert not filed.filter(handler_1__isnull=True).exists()
    assert not filed.filter(handler_2__isnull=True).exists()
    assert not filed.exclude(transitions__action=Action.ASSIGN).exists()
