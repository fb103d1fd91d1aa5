"""What the employer sees of its grade and of a 部令45号 prior notice (issue 18 §3, §5): told in
its portal when the county approves (and when its objection is decided), the grade with the rule
and facts behind it and the objection deadline, an objection lodged in the portal within the
period; the prior notice with its statement deadline and a statement with evidence before it;
both letters as PDF for the employer and for staff, every download audited; never another
employer's records. (Demo account ``xingwang``: 猫场镇兴旺建筑劳务.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.cases.models import Case
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.lib.crypto import FILE_MAGIC
from laborgrid.notifications.models import Notification
from laborgrid.ratings import grading
from laborgrid.ratings import listing as L
from laborgrid.ratings import rules as R
from laborgrid.ratings.choices import GradeState, ListingState, ObjectionResult
from laborgrid.ratings.models import ArrearsListing, EmployerGrade, GradingRun, ListedPerson
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return (
        "".join(p.get_textpage().get_text_range() for p in doc).replace("\r", "").replace("\n", "")
    )


def _xingwang() -> User:
    return User.objects.get(username="xingwang")


def _county() -> User:
    return User.objects.get(username="county")


def _other_employer(exclude: int) -> Employer:
    return (
        Employer.objects.filter(grid_path__contains="/520521103/")
        .exclude(pk=exclude)
        .order_by("pk")[0]
    )


def _own() -> Employer:
    employer = _xingwang().employer
    assert employer is not None
    return employer


@pytest.fixture
def approved(django_capture_on_commit_callbacks: Callable[..., Any]) -> dict[str, Any]:
    """A 2025 run of the county, proposed, with xingwang's employer graded B (one violation found,
    the written review not filed) and a 马场镇 employer graded A; approved by the county."""
    county_grid = Grid.objects.get(code="520521")
    snap = R.snapshot(grading.current_rules())
    run = GradingRun.objects.create(
        year=2025,
        grid=county_grid,
        grid_path=county_grid.path,
        started_by=_county(),
        rules=snap,
        rules_version=snap["version"],
    )
    own = _own()
    other = _other_employer(own.pk)

    def grade(emp: Employer, g: str, hits: list[str], facts: dict[str, Any]) -> EmployerGrade:
        return EmployerGrade.objects.create(
            run=run,
            year=2025,
            employer=emp,
            grid_id=emp.grid_id,
            grid_path=emp.grid_path,
            draft_grade=g,
            grade=g,
            decisive_rule=hits[0] if hits else "",
            hits=hits,
            facts=facts,
            evidence=[
                {
                    "kind": "case",
                    "id": 1,
                    "label": "案件 2025-000777 · 2025-05-06 作出决定",
                    "url": "/",
                }
            ]
            if hits
            else [],
            state=GradeState.PROPOSED,
        )

    mine = grade(own, "B", ["found_once"], {"violations_found": 1, "written_review": "passed"})
    theirs = grade(other, "A", [], {})
    with django_capture_on_commit_callbacks(execute=True):
        grading.approve_run(actor=_county(), run=run)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    return {"run": run, "mine": mine, "theirs": theirs}


def test_approval_tells_the_employer_its_grade_rule_facts_and_deadline(
    approved: dict[str, Any],
) -> None:
    mine = approved["mine"]
    told = Notification.objects.get(user=_xingwang(), title__contains="2025年度")
    assert told.url == reverse("portal:grade_detail", args=[mine.pk])
    assert mine.objection_due is not None and mine.objection_due.isoformat() in told.body
    client = client_for("xingwang")
    home = client.get(reverse("portal:home")).content.decode()
    assert told.url in home and "B级" in home
    page = client.get(told.url).content.decode()
    found_once = next(r for r in R.NATIONAL_RULES if r.key == "found_once")
    assert "B级（基本守法诚信）" in page and found_once.label in page  # the deciding rule
    assert "案件 2025-000777" in page  # the facts behind it
    assert mine.objection_due.isoformat() in page and "提出异议" in page


def test_the_employer_objects_in_the_portal_once_within_the_period(
    approved: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    mine = approved["mine"]
    client = client_for("xingwang")
    url = reverse("portal:grade_objection", args=[mine.pk])
    # No reasons: refused on the form, nothing saved.
    res = client.post(url, {"text": ""})
    assert res.status_code == 200
    mine.refresh_from_db()
    assert mine.objection_on is None
    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(url, {"text": "该案已于2025年6月撤销，不应计入查处次数。"})
    assert res.status_code == 302
    mine.refresh_from_db()
    assert mine.objection_on == timezone.localdate() and "撤销" in mine.objection_text
    # Staff see it in the grade's page, and the county who approved is told.
    assert Notification.objects.filter(user=_county(), url=mine.get_absolute_url()).exists()
    staff = client_for("county").get(mine.get_absolute_url()).content.decode()
    assert "不应计入查处次数" in staff and "处理异议" in staff
    # Once only.
    res = client.post(url, {"text": "再次提出异议的理由"}, follow=True)
    assert "已就本年度等级提出过异议" in res.content.decode()
    # The county decides; the employer is told the result.
    with django_capture_on_commit_callbacks(execute=True):
        grading.decide_objection(
            actor=_county(),
            grade=mine,
            result=ObjectionResult.UPHELD,
            note="经核实该案已撤销",
            new_grade="A",
        )
    result = Notification.objects.get(user=_xingwang(), title__contains="异议处理结果")
    assert "A级" in result.body


def test_an_objection_after_the_deadline_is_refused(approved: dict[str, Any]) -> None:
    mine = approved["mine"]
    EmployerGrade.objects.filter(pk=mine.pk).update(
        objection_due=timezone.localdate() - dt.timedelta(days=1)
    )
    client = client_for("xingwang")
    page = client.get(reverse("portal:grade_detail", args=[mine.pk])).content.decode()
    assert "届满" in page and 'name="text"' not in page
    res = client.post(reverse("portal:grade_objection", args=[mine.pk]), {"text": "迟到的异议理由"})
    assert res.status_code == 200 and "届满" in res.content.decode()
    mine.refresh_from_db()
    assert mine.objection_on is None and mine.objection_text == ""


def test_grade_letter_pdf_for_employer_and_staff_audited(approved: dict[str, Any]) -> None:
    mine = approved["mine"]
    res = client_for("xingwang").get(reverse("portal:grade_letter", args=[mine.pk]))
    assert res.status_code == 200 and res["Content-Type"] == "application/pdf"
    assert res["Cache-Control"] == "private, no-store"
    text = _text(res.content)
    assert "企业劳动保障守法诚信等级评价结果告知书" in text
    assert "人社部规〔2016〕1号" in text and "B级（基本守法诚信）" in text
    assert mine.employer.name in text and "案件2025-000777" in text.replace(" ", "")
    due = mine.objection_due
    assert f"{due.year}年{due.month}月{due.day}日" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.FILE_DOWNLOADED, username="xingwang", object_id=str(mine.pk)
    ).exists()
    county = client_for("county")
    county.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the letter is Chinese all the same
    try:
        staff = county.get(reverse("ratings:grade_letter", args=[mine.pk]))
    finally:
        translation.deactivate()
    assert staff.status_code == 200 and "书面审查结果：合格" in _text(staff.content)
    assert AuditEvent.objects.filter(
        action=AuditAction.FILE_DOWNLOADED, username="county", object_id=str(mine.pk)
    ).exists()


def test_no_letter_before_approval() -> None:
    draft = EmployerGrade.objects.exclude(state=GradeState.APPROVED).first()
    if draft is None:  # the demo's year is approved: make one in a fresh draft run
        grid = Grid.objects.get(code="520521")
        run = GradingRun.objects.create(
            year=2024, grid=grid, grid_path=grid.path, started_by=_county(), rules_version="t"
        )
        emp = _other_employer(0)
        draft = EmployerGrade.objects.create(
            run=run, year=2024, employer=emp, grid_id=emp.grid_id, grid_path=emp.grid_path,
            draft_grade="A", grade="A",
        )  # fmt: skip
    res = client_for("county").get(reverse("ratings:grade_letter", args=[draft.pk]), follow=True)
    assert "审定并告知后" in res.content.decode()
    assert not AuditEvent.objects.filter(
        action=AuditAction.FILE_DOWNLOADED, object_id=str(draft.pk)
    ).exists()


def _listing_for(employer: Employer, state: str = ListingState.PROPOSED) -> ArrearsListing:
    case = Case.objects.filter(category="wages").exclude(decision_kind="").order_by("pk").first()
    assert case is not None
    row = ArrearsListing.objects.create(
        employer=employer,
        case=case,
        grid_id=employer.grid_id,
        grid_path=employer.grid_path,
        condition="criminal_amount",
        name=employer.name,
        uscc=employer.uscc or "",
        amount_owed=86000,
        workers=12,
        facts="你单位拖欠12名农民工2025年5月至10月工资共计86000元",
        proposed_by=_county(),
        proposed_on=timezone.localdate(),
    )
    ListedPerson.objects.create(
        listing=row,
        role="legal_rep",
        name="陈德海",
        id_enc="x",
        id_index="x",
        id_masked="5205**********0312",
    )
    return row


def test_prior_notice_statement_with_evidence_in_the_portal(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    account = _xingwang()
    row = _listing_for(_own())
    client = client_for("xingwang")
    # Not notified yet: internal, the employer sees nothing.
    assert client.get(reverse("portal:listing_detail", args=[row.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        row = L.notify_listing(actor=_county(), listing=row)
    told = Notification.objects.get(user=account, title__contains="事先告知")
    assert told.url == reverse("portal:listing_detail", args=[row.pk])
    assert row.statement_due is not None and row.statement_due.isoformat() in told.body
    home = client.get(reverse("portal:home")).content.decode()
    assert told.url in home
    page = client.get(told.url).content.decode()
    assert row.statement_due.isoformat() in page and "第45号" in page and "提交陈述申辩" in page
    # The prior notice as PDF, audited.
    pdf = client.get(reverse("portal:listing_letter", args=[row.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _text(pdf.content)
    assert "拖欠农民工工资失信联合惩戒对象名单事先告知书" in text
    assert "人力资源社会保障部令第45号" in text and "第五条" in text
    due = row.statement_due
    assert f"{due.year}年{due.month}月{due.day}日" in text
    assert f"{L.statement_days()}个工作日" in text and "5205**********0312" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.FILE_DOWNLOADED, username="xingwang", object_id=str(row.pk)
    ).exists()
    # A file that is not PDF/JPEG/PNG: refused, nothing saved.
    url = reverse("portal:listing_statement", args=[row.pk])
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00rest", content_type="application/pdf")
    res = client.post(url, {"text": "工资已于12月1日全部支付", "attachments": [bad]})
    assert res.status_code == 200 and "不是 PDF" in res.content.decode()
    row.refresh_from_db()
    assert row.statement == "" and not row.statement_files.exists()
    # The statement with its evidence.
    good = SimpleUploadedFile("付款凭证.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(url, {"text": "工资已于12月1日全部支付", "attachments": [good]})
    assert res.status_code == 302
    row.refresh_from_db()
    assert row.statement == "工资已于12月1日全部支付" and row.statement_by == account
    assert row.statement_on == timezone.localdate()
    assert row.deadlines.get(kind=L.STATEMENT_KIND).met_on == timezone.localdate()
    evidence = row.statement_files.get()
    with open(evidence.file.path, "rb") as raw:  # encrypted at rest
        assert raw.read(len(FILE_MAGIC)) == FILE_MAGIC
    assert Notification.objects.filter(user=_county(), url=row.get_absolute_url()).exists()
    # Staff see it in the listing's page and download the evidence (audited).
    staff = client_for("county")
    page = staff.get(row.get_absolute_url()).content.decode()
    file_url = reverse("ratings:statement_file", args=[row.pk, evidence.pk])
    assert "工资已于12月1日全部支付" in page and file_url in page
    got = staff.get(file_url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(
        action=AuditAction.FILE_DOWNLOADED, username="county", object_id=str(evidence.pk)
    ).exists()
    assert staff.get(reverse("ratings:listing_letter", args=[row.pk])).status_code == 200
    # Once only.
    res = client.post(url, {"text": "补充陈述申辩的内容"})
    assert "已提交陈述申辩" in res.content.decode()


def test_a_statement_after_the_period_is_refused() -> None:
    row = _listing_for(_own())
    row = L.notify_listing(actor=_county(), listing=row)
    ArrearsListing.objects.filter(pk=row.pk).update(
        statement_due=timezone.localdate() - dt.timedelta(days=1)
    )
    client = client_for("xingwang")
    res = client.post(
        reverse("portal:listing_statement", args=[row.pk]), {"text": "逾期提交的陈述申辩"}
    )
    assert res.status_code == 200 and "届满" in res.content.decode()
    row.refresh_from_db()
    assert row.statement == "" and row.state == ListingState.NOTIFIED


def test_an_employer_reaches_only_its_own_grade_and_notice(approved: dict[str, Any]) -> None:
    client = client_for("xingwang")
    theirs = approved["theirs"]
    other_listing = _listing_for(theirs.employer)
    other_listing = L.notify_listing(actor=_county(), listing=other_listing)
    before = (
        EmployerGrade.objects.filter(pk=theirs.pk).values_list("objection_text", flat=True).get()
    )
    for name in ("portal:grade_detail", "portal:grade_letter"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    res = client.post(reverse("portal:grade_objection", args=[theirs.pk]), {"text": "他人的异议"})
    assert res.status_code == 404
    for name in ("portal:listing_detail", "portal:listing_letter"):
        assert client.get(reverse(name, args=[other_listing.pk])).status_code == 404, name
    res = client.post(
        reverse("portal:listing_statement", args=[other_listing.pk]), {"text": "他人的陈述"}
    )
    assert res.status_code == 404
    assert (
        EmployerGrade.objects.filter(pk=theirs.pk).values_list("objection_text", flat=True).get()
        == before
    )
    other_listing.refresh_from_db()
    assert other_listing.statement == ""
    # Staff pages of the same records stay closed to the employer (the portal's choke point).
    assert client.get(reverse("ratings:grade_letter", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("ratings:listing_letter", args=[other_listing.pk])).status_code == 404
    # And staff never open the employer's pages.
    assert (
        client_for("county")
        .get(reverse("portal:grade_detail", args=[approved["mine"].pk]))
        .status_code
        == 404
    )
    assert not AuditEvent.objects.filter(
        action=AuditAction.FILE_DOWNLOADED,
        username="xingwang",
        object_id__in=[str(theirs.pk), str(other_listing.pk)],
    ).exists()
