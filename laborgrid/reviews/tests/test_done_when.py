"""Issue 17 "done when", end to end through the pages a person uses: maochang invites 兴旺建筑劳务,
the employer activates, files its review with a payroll attachment, maochang returns it for a
missing roster, the employer resubmits, it is sampled, the visit finds arrears and the order is
issued from the visit, the order appears in the employer's portal, and the employer answers it."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laborgrid.employers.choices import CollectionMethod
from laborgrid.inspections import services as inspections
from laborgrid.inspections.choices import FindingResult, Signature, VisitOutcome
from laborgrid.portal.models import PortalInvite
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.reviews.choices import SubmissionState
from laborgrid.reviews.models import ReviewSubmission
from laborgrid.reviews.selectors import review_outcome
from laborgrid.reviews.tests.helpers import (
    PDF,
    STRONG,
    review_year,
    target_of,
    user,
    valid_form,
    xingwang,
)
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_done_when() -> None:
    employer = xingwang()
    year = review_year()
    maochang = client_for("maochang")

    # 1. maochang issues the activation letter (a PDF; the code is only on the letter).
    from unittest import mock

    from laborgrid.portal import services as portal

    issued: dict[str, str] = {}
    real = portal.issue_invite

    def spy(**kw: object) -> tuple[PortalInvite, str]:
        invite, code = real(**kw)  # type: ignore[arg-type]
        issued["code"] = code
        return invite, code

    with mock.patch.object(portal, "issue_invite", spy):
        response = maochang.post(
            reverse("portal_staff:invite_create"),
            {"uscc": employer.uscc, "person_name": "杨秀英", "person_position": "财务"},
        )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    invite = PortalInvite.objects.get(employer=employer, person_name="杨秀英")
    assert issued["code"] not in invite.code_hash and len(invite.code_hash) == 64

    # 2. The employer activates with USCC + code and sets a password (staff rules), then signs in.
    anon = Client()
    response = anon.post(
        reverse("portal:activate"),
        {
            "uscc": employer.uscc,
            "code": issued["code"].lower(),
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    boss = Client()
    response = boss.post(
        reverse("accounts:login"), {"username": invite.username, "password": STRONG}
    )
    assert response.status_code == 302
    assert boss.get("/")["Location"] == reverse("portal:home")
    assert "兴旺建筑劳务" in boss.get(reverse("portal:home")).content.decode()
    # The code is single-use.
    again = anon.post(
        reverse("portal:activate"),
        {"uscc": employer.uscc, "code": issued["code"], "password1": STRONG, "password2": STRONG},
    )
    assert again.status_code == 200 and "激活码" in again.content.decode()

    # 3. It files its review with a payroll attachment.
    page = reverse("portal:review", args=[year.year])
    upload = SimpleUploadedFile("12月工资表.pdf", PDF, content_type="application/pdf")
    assert (
        boss.post(page, {"action": "upload", "kind": "payroll", "file": upload}).status_code == 302
    )
    response = boss.post(page, {"action": "submit", **valid_form()})
    assert response.status_code == 302, response.content.decode()[:3000]
    sub = ReviewSubmission.objects.get(employer=employer, target__review_year=year)
    assert sub.state == SubmissionState.SUBMITTED and sub.current_version == 1
    assert review_outcome(employer.pk, year.year) == "submitted"

    # 4. maochang returns it for a missing roster.
    detail = reverse("reviews:submission_detail", args=[sub.pk])
    body = maochang.get(detail).content.decode()
    assert "职工名册" in body  # listed as missing
    response = maochang.post(
        reverse("reviews:submission_decide", args=[sub.pk]),
        {"action": "return", "reason": "未附职工名册，请补充后重新提交。"},
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.state == SubmissionState.RETURNED
    assert review_outcome(employer.pk, year.year) == "returned"
    assert "未附职工名册" in boss.get(page).content.decode()

    # 5. The employer adds the roster and resubmits; both versions are kept.
    roster = SimpleUploadedFile("职工名册.pdf", PDF, content_type="application/pdf")
    assert (
        boss.post(page, {"action": "upload", "kind": "roster", "file": roster}).status_code == 302
    )
    assert boss.post(page, {"action": "submit", **valid_form()}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == SubmissionState.SUBMITTED and sub.current_version == 2
    assert [v.number for v in sub.versions.all()] == [1, 2]
    assert sub.attachments.get(kind="payroll").version.number == 1  # type: ignore[union-attr]
    assert sub.attachments.get(kind="roster").version.number == 2  # type: ignore[union-attr]

    # 6. It is sampled (this month's patrol plan of 猫场镇) and passed on paper.
    response = maochang.post(reverse("reviews:submission_sample", args=[sub.pk]), {})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.sample_target is not None and sub.sample_target.employer_id == employer.pk

    # 7. The visit (two certified inspectors) finds arrears; the order is issued from the visit
    #    (its findings and 笔录), and the review page shows the visit and its order.
    template_keys = [c["key"] for c in inspections.checklists.default_template()]
    visit, _created = inspections.record_visit(
        actor=user("county"),
        employer=employer,
        client_key=uuid.uuid4(),
        outcome=VisitOutcome.INSPECTED,
        started_at=timezone.now() - timedelta(hours=1),
        inspector_1=user("county"),
        inspector_2=user("brigade-1"),
        findings=[
            inspections.FindingInput(
                k,
                FindingResult.VIOLATION if k == "wages" else FindingResult.COMPLIANT,
                "拖欠23名农民工三个月工资" if k == "wages" else "",
            )
            for k in template_keys
        ],
    )
    assert visit.plan_target_id == sub.sample_target.pk  # the sample's visit
    assert "尚未检查" not in maochang.get(detail).content.decode()
    inspections.conclude_visit(
        actor=user("county"),
        visit=visit,
        decisions=[
            inspections.FindingDecision(f.key, f.result, f.note, to_order=f.key == "wages")
            for f in visit.findings.all()
        ],
        signature=Signature.SIGNED,
        rep_name="王兴旺",
    )
    visit.refresh_from_db()
    county = client_for("county")
    assert (
        reverse("inspections:visit_order", args=[visit.pk]) in county.get(detail).content.decode()
    )
    line = inspections.proposed_lines(visit)[0]
    assert line.violation == "wage_arrears"
    response = county.post(
        reverse("inspections:visit_order", args=[visit.pk]),
        {
            "use_wages": "on",
            "text_wages": "足额支付拖欠的农民工工资",
            "violation_wages": line.violation,
            "days_wages": 10,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    order = inspections.orders_of(visit).get()
    assert order.source == visit and response["Location"] == order.get_absolute_url()
    # One write path: the review issued no order of its own.
    assert not RectificationOrder.objects.filter(
        source_type=ContentType.objects.get_for_model(sub), source_id=sub.pk
    ).exists()
    body = maochang.get(detail).content.decode()
    assert visit.record_number in body and order.number in body
    assert "拖欠23名农民工三个月工资" in body
    assert reverse("inspections:visit_order", args=[visit.pk]) not in body  # issued already
    # The visit page links back to the filing it checked.
    visit_page = county.get(reverse("inspections:visit_detail", args=[visit.pk])).content.decode()
    assert f'href="{sub.get_absolute_url()}"' in visit_page
    assert "书面审查申报（实地抽查）" in visit_page

    # 8. The order appears in the employer's portal; the employer answers it with evidence.
    assert order.number in boss.get(reverse("portal:order_list")).content.decode()
    evidence = SimpleUploadedFile("工资支付凭证.pdf", PDF, content_type="application/pdf")
    response = boss.post(
        reverse("portal:order_answer", args=[order.pk]),
        {"note": "已于本月足额支付拖欠工资，附银行代发凭证。", "attachments": [evidence]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order.refresh_from_db()
    assert order.state == OrderState.RESPONDED and order.response_by.employer_id == employer.pk
    assert order.files.count() == 1
    assert (
        "已于本月足额支付"
        in boss.get(reverse("portal:order_detail", args=[order.pk])).content.decode()
    )

    # 9. The review's pass feeds the labour-use snapshot (method: written review).
    assert (
        maochang.post(
            reverse("reviews:submission_decide", args=[sub.pk]), {"action": "pass", "reason": ""}
        ).status_code
        == 302
    )
    sub.refresh_from_db()
    assert sub.snapshot is not None and sub.snapshot.method == CollectionMethod.WRITTEN_REVIEW
    assert review_outcome(employer.pk, year.year) == "passed"
    assert re.search(r"\d", str(target_of(employer, year).pk))
