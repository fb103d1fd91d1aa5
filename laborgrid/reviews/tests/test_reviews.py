"""The written review's rules: the form (registry rules, minimum wage), attachments by content,
resubmission and versions, decisions, the lists per grid, reminders, the outcome selector and
the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.services import issue_token
from laborgrid.grids.models import Grid
from laborgrid.notifications.models import Notification
from laborgrid.reviews import services
from laborgrid.reviews.models import ReviewSubmission, ReviewTarget
from laborgrid.reviews.selectors import grid_summary, review_outcome
from laborgrid.reviews.tests import fixtures as f
from laborgrid.reviews.tests.helpers import (
    PDF,
    PNG,
    review_year,
    target_of,
    user,
    valid_form,
    xingwang,
    xlsx,
)
from laborgrid.testing.personas import COUNTY, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _xingwang_target() -> ReviewTarget:
    return target_of(xingwang(), review_year())


def test_the_form_is_checked_by_the_registry_rules() -> None:
    target = _xingwang_target()
    staff = user("maochang")
    services.save_draft(
        actor=staff, target=target, data=valid_form(employees=10, contracts_signed=12)
    )  # a draft keeps what was typed
    services.add_attachment(actor=staff, target=target, kind="payroll", name="p.pdf", content=PDF)
    with pytest.raises(ValidationError) as exc:
        services.submit(actor=staff, target=target)
    assert "contracts_signed" in exc.value.message_dict
    services.save_draft(actor=staff, target=target, data=valid_form(hours_system="comprehensive"))
    with pytest.raises(ValidationError) as exc:
        services.submit(actor=staff, target=target)
    assert "hours_approval_no" in exc.value.message_dict
    services.save_draft(actor=staff, target=target, data=valid_form(lowest_monthly_wage="1500"))
    sub = services.submit(actor=staff, target=target)  # accepted, but flagged
    flags = services.form_flags(sub.versions.get().data, target.employer, target.review_year)
    assert any("1660" in str(x) for x in flags)
    assert sub.versions.get().channel == "paper"
    with pytest.raises(ValidationError):  # not editable while awaiting review
        services.save_draft(actor=staff, target=target, data=valid_form())


def test_attachments_are_judged_by_content_and_stored_encrypted() -> None:
    target = _xingwang_target()
    staff = user("maochang")
    for content in (b"MZ\x90\x00 not a document", b"PK\x03\x04 not a zip", b""):
        with pytest.raises(ValidationError):
            services.add_attachment(
                actor=staff, target=target, kind="roster", name="x.pdf", content=content
            )
    with pytest.raises(ValidationError):
        services.add_attachment(
            actor=staff,
            target=target,
            kind="roster",
            name="big.pdf",
            content=PDF + b"0" * services.MAX_ATTACHMENT_BYTES,
        )
    sheet = services.add_attachment(
        actor=staff, target=target, kind="roster", name="名册.xlsx", content=xlsx()
    )
    photo = services.add_attachment(
        actor=staff, target=target, kind="insurance", name="证明.png", content=PNG
    )
    assert sheet.content_type == services.XLSX and photo.content_type == "image/png"
    with open(sheet.file.path, "rb") as raw:
        assert b"xl/workbook.xml" not in raw.read()  # encrypted at rest
    with sheet.file.open("rb") as fh:
        assert fh.read() == xlsx()


def test_decisions_need_reasons_and_the_right_people() -> None:
    f.maochang_submission()
    sub = ReviewSubmission.objects.filter(
        state="submitted", grid_path__contains=f"/{MAOCHANG}/", target__review_year=review_year()
    ).first()
    assert sub is not None
    with pytest.raises(PermissionDenied):
        services.decide(actor=user("maochang-a1"), submission=sub, action="pass")
    with pytest.raises(ValidationError):
        services.decide(actor=user("maochang"), submission=sub, action="fail", reason="")
    services.decide(actor=user("maochang"), submission=sub, action="fail", reason="工资低于标准")
    sub.refresh_from_db()
    assert sub.snapshot is not None and sub.snapshot.method == "written_review"
    assert review_outcome(sub.employer_id, review_year().year) == "failed"
    with pytest.raises(ValidationError):  # decided: no second decision, no resubmission
        services.decide(actor=user("maochang"), submission=sub, action="pass")
    with pytest.raises(ValidationError):
        services.submit(actor=user("maochang"), target=sub.target)


def test_outcome_of_employers_not_listed_or_not_filed() -> None:
    year = review_year()
    target = ReviewTarget.objects.filter(review_year=year, submission__isnull=True).first()
    assert target is not None
    assert review_outcome(target.employer_id, year.year) == "not_filed"
    assert review_outcome(target.employer_id, 1999) is None
    services.exclude_target(actor=user("county"), target=target, reason="已注销")
    assert review_outcome(target.employer_id, year.year) is None


def test_non_filers_and_late_filers_per_grid_and_reminders() -> None:
    year = review_year()
    maochang = client_for("maochang")
    rows = grid_summary(ReviewTarget.objects.visible_to(user("maochang")), year)
    assert rows and all(r["grid__code"].startswith(MAOCHANG) for r in rows)
    assert sum(r["late"] for r in rows) >= 2 and sum(r["not_filed"] for r in rows) > 0
    response = maochang.get(reverse("reviews:year_detail", args=[year.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "未申报" in page and "马场镇" not in page
    listed = maochang.get(
        reverse("reviews:target_list", args=[year.pk]), {"show": "not_filed"}
    ).content.decode()
    assert "兴旺建筑劳务" in listed
    late = maochang.get(reverse("reviews:target_list", args=[year.pk]), {"show": "late"})
    assert "逾期" in late.content.decode()
    n = services.remind_non_filers(actor=user("maochang"), review_year=year)
    assert n > 0
    from django.db import connection  # on_commit runs at the end of the test's transaction

    assert connection.in_atomic_block
    assert ReviewTarget.objects.filter(review_year=year, reminded_at__isnull=False).count() == n


def test_only_the_county_brigade_opens_a_year() -> None:
    county = Grid.objects.get(code=COUNTY)
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.open_year(
            actor=user("maochang"),
            grid=county,
            year=today.year - 1,
            opens_on=today,
            closes_on=today,
            form_version="x",
        )
    with pytest.raises(ValidationError):  # the same year twice
        services.open_year(
            actor=user("county"),
            grid=county,
            year=today.year,
            opens_on=today,
            closes_on=today + timedelta(days=1),
            form_version="x",
        )


def test_the_api_flow_and_the_staff_list() -> None:
    account = user("xingwang")
    year = review_year().year
    api = Client()
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=account)[0]}"}
    response = api.put(
        f"/api/v1/portal/reviews/{year}",
        valid_form(contracts_signed=50),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200  # a draft
    services.add_attachment(
        actor=account, target=_xingwang_target(), kind="payroll", name="p.pdf", content=PDF
    )
    response = api.post(f"/api/v1/portal/reviews/{year}/submit", **auth)
    assert response.status_code == 422 and "contracts_signed" in response.json()["errors"]
    api.put(
        f"/api/v1/portal/reviews/{year}",
        valid_form(),
        content_type="application/json",
        **auth,
    )
    response = api.post(f"/api/v1/portal/reviews/{year}/submit", **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["state"] == "submitted" and body["late"] and body["versions"][0]["channel"] == "online"
    )
    staff: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user('maochang'))[0]}"
    }
    rows = api.get("/api/v1/reviews", {"year": str(year), "state": "submitted"}, **staff).json()
    assert xingwang().pk in [r["employer_id"] for r in rows["results"]]
    assert Notification.objects.count() >= 0


def test_the_grading_reads_each_employers_review_result_in_one_query() -> None:
    """``written_review`` for the grading: a filing's state with the filing as evidence;
    ``not_filed`` only after the window has closed; nothing for employers off the list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from laborgrid.employers.models import Employer
    from laborgrid.ratings import facts
    from laborgrid.reviews.grading import written_review_facts
    from laborgrid.reviews.models import ReviewTarget, ReviewYear

    assert facts._PROVIDERS["written_review"] is written_review_facts
    review_year = ReviewYear.objects.order_by("-year").first()
    assert review_year is not None
    year = review_year.year
    targets = ReviewTarget.objects.filter(review_year=review_year, excluded_reason="")
    employers = Employer.objects.filter(pk__in=targets.values("employer_id"))
    with CaptureQueriesContext(connection) as queries:
        answer = written_review_facts(year, employers)
    assert len(queries) == 1
    filed = targets.exclude(submission__isnull=True).exclude(submission__state="draft")
    assert filed.exists()
    for target in filed.select_related("submission")[:20]:
        value, evidence = answer[target.employer_id]
        assert value == target.submission.state
        assert evidence[0]["url"] == target.submission.get_absolute_url()
    unfiled = targets.filter(submission__isnull=True).values_list("employer_id", flat=True)
    # The window is open: not having filed yet is no answer (the fact stays unknown).
    ReviewYear.objects.filter(pk=review_year.pk).update(
        closes_on=timezone.localdate() + timedelta(days=1)
    )
    assert not set(unfiled) & set(written_review_facts(year, employers))
    # Closed: those are 未申报.
    ReviewYear.objects.filter(pk=review_year.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    closed = written_review_facts(year, employers)
    assert {closed[e][0] for e in unfiled} == {"not_filed"}
