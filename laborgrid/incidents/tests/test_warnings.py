"""Early warnings: the rules find their subjects, the run is idempotent, staff acknowledge and
resolve, a resolved warning comes back only with newer evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.cases.services import register_complaint
from laborgrid.employers.choices import Industry
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.incidents import early_warning
from laborgrid.incidents.models import EarlyWarning, WarningRule
from laborgrid.incidents.warning_rules import next_spring_festival
from laborgrid.testing.employers import make_ric
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _quiet_employer(code: str, **filters: Any) -> Employer:
    """A registry employer of the township that no demo complaint names."""
    from laborgrid.cases.models import Case

    named = set(Case.objects.exclude(employer=None).values_list("employer_id", flat=True))
    employer = (
        Employer.objects.filter(grid_path__under=Grid.objects.get(code=code).path, **filters)
        .exclude(pk__in=named)
        .exclude(uscc=None)
        .order_by("id")
        .first()
    )
    assert employer is not None
    return employer


def _complain(employer: Employer, n: int, *, received_on: dt.date | None = None) -> None:
    county = User.objects.get(username="county")
    for i in range(n):
        register_complaint(
            actor=county,
            data={
                "kind": "complaint",
                "channel": "walk_in",
                "category": "wages",
                "employer_name": employer.name,
                "employer_code": employer.uscc or "",
                "facts": f"拖欠工资 {i}",
                "complainants": [
                    {
                        "name": f"工人{i}",
                        "id_number": make_ric(100 + i),
                        "phone": f"139857{i:05d}",
                    }
                ],
            },
            received_on=received_on,
        )


def _standing(key: str, employer: Employer) -> list[EarlyWarning]:
    return list(
        EarlyWarning.objects.filter(
            rule__key=key, employer=employer, status__in=("open", "acknowledged")
        )
    )


def test_repeated_complaints_raise_one_warning_per_employer(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from laborgrid.notifications.models import Notification

    employer = _quiet_employer(MAOCHANG)
    _complain(employer, 2)
    early_warning.compute_warnings()
    assert _standing("repeated_complaints", employer) == []
    _complain(employer, 1)
    with django_capture_on_commit_callbacks(execute=True):
        early_warning.compute_warnings()
    (warning,) = _standing("repeated_complaints", employer)
    assert warning.count == 3 and len(warning.evidence["cases"]) == 3
    assert warning.grid_path.startswith(Grid.objects.get(code=MAOCHANG).path)
    assert Notification.objects.filter(
        user__username="maochang", title__contains=employer.name
    ).exists()
    # Run again (the daily job, or twice by mistake): still one, refreshed.
    _complain(employer, 1)
    call_command("compute_warnings")
    (again,) = _standing("repeated_complaints", employer)
    assert again.pk == warning.pk and again.count == 4

    # The squadron sees it on its grid's list, acknowledges and resolves it.
    page = client_for("maochang").get(reverse("incidents:warning_list")).content.decode()
    assert employer.name in page
    assert (
        employer.name
        not in client_for("machang").get(reverse("incidents:warning_list")).content.decode()
    )
    assert (
        client_for("leader")
        .post(reverse("incidents:warning_acknowledge", args=[warning.pk]))
        .status_code
        == 403
    )
    squad = client_for("maochang")
    squad.post(reverse("incidents:warning_acknowledge", args=[warning.pk]))
    warning.refresh_from_db()
    assert warning.status == "acknowledged"
    squad.post(reverse("incidents:warning_resolve", args=[warning.pk]), {"resolution": ""})
    warning.refresh_from_db()
    assert warning.status == "acknowledged"  # a reason is required
    squad.post(
        reverse("incidents:warning_resolve", args=[warning.pk]),
        {"resolution": "已约谈，工资已支付"},
    )
    warning.refresh_from_db()
    assert (
        warning.status == "resolved"
        and warning.resolved_by is not None
        and warning.resolved_by.username == "maochang"
    )
    # Nothing new: not raised again. A new complaint tomorrow: raised again.
    early_warning.compute_warnings()
    assert _standing("repeated_complaints", employer) == []
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    from laborgrid.cases import clock

    original = clock.today
    clock.today = lambda: tomorrow
    try:
        _complain(employer, 1, received_on=tomorrow)
    finally:
        clock.today = original
    early_warning.compute_warnings(today=tomorrow)
    assert len(_standing("repeated_complaints", employer)) == 1


def test_the_window_and_threshold_are_data() -> None:
    employer = _quiet_employer(MACHANG)
    _complain(employer, 2)
    rule = WarningRule.objects.get(key="repeated_complaints")
    early_warning.compute_warnings()
    assert _standing("repeated_complaints", employer) == []
    from laborgrid.incidents import services

    services.save_rule(actor=User.objects.get(username="county"), rule=rule, data={"threshold": 2})
    early_warning.compute_warnings()
    assert len(_standing("repeated_complaints", employer)) == 1
    # A date past the window: no complaint counts any more, nothing new is raised.
    later = timezone.localdate() + dt.timedelta(days=rule.window_days + 1)
    assert not [
        w
        for w in early_warning.compute_warnings(today=later).raised
        if w.employer_id == employer.pk
    ]


def test_arrears_flags_from_collection() -> None:
    from laborgrid.testing.employers import make_snapshot

    employer = _quiet_employer(MAOCHANG)
    EarlyWarning.objects.filter(rule__key="arrears_flags", employer=employer).delete()
    make_snapshot(
        employer,
        collected_on=timezone.localdate(),
        arrears=True,
        arrears_amount="50000",
        arrears_workers=8,
    )
    employer.refresh_from_db()
    assert employer.flag_arrears
    early_warning.compute_warnings()
    (warning,) = _standing("arrears_flags", employer)
    assert warning.count == 1 and warning.evidence["snapshot"] == employer.current_snapshot_id


def test_construction_employers_with_open_complaints_before_the_festival() -> None:
    employer = _quiet_employer(MAOCHANG, industry=Industry.E)
    _complain(employer, 1)
    festival = next_spring_festival(dt.date(2026, 1, 10))
    assert festival is not None and festival.month == 2  # from the official calendar
    rule = WarningRule.objects.get(key="festival_construction")
    far = festival - dt.timedelta(weeks=rule.weeks_before, days=3)
    assert not [
        w for w in early_warning.compute_warnings(today=far).raised if w.employer_id == employer.pk
    ]
    near = festival - dt.timedelta(weeks=2)
    early_warning.compute_warnings(today=near)
    (warning,) = _standing("festival_construction", employer)
    assert warning.evidence["festival"] == festival.isoformat()


def test_written_reviews_wait_for_their_source() -> None:
    result = early_warning.compute_warnings()
    assert "written_reviews" in result.skipped_rules
    page = client_for("county").get(reverse("incidents:settings")).content.decode()
    assert "待接入" in page
