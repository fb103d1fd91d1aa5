"""Issue 16 "Done when", across inspections and rectifications: 猫场镇's squadron plans a month of
patrols from the proposals; maochang-a1 records a campaign visit on a phone (the offline form's
POST, as the device's queue sends it) with the campaign's checklist and a photo; an inspector
confirms it and issues an order with a 10-working-day deadline from its findings; time passes and
it goes overdue; the re-inspection finds it not corrected and escalates it to a case carrying the
visit's 笔录 and photo; the campaign's result table (page and XLSX) adds up to the visits."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from laborgrid.cases import clock as case_clock
from laborgrid.cases.choices import CaseState, RecordKind
from laborgrid.core.models import Job
from laborgrid.core.tasks import run_job
from laborgrid.deadlines.choices import Unit
from laborgrid.deadlines.services import compute, escalate_overdue
from laborgrid.inspections import selectors, services
from laborgrid.inspections.choices import FindingResult, VisitStatus
from laborgrid.inspections.models import CampaignTarget, PatrolPlan, PatrolTarget, Visit
from laborgrid.inspections.tests.helpers import JPEG, make_campaign, user
from laborgrid.notifications.models import Notification
from laborgrid.rectifications import clock
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.testing.personas import MAOCHANG, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """Move "today" for orders and the cases they escalate to (the visits keep the real day)."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)
        monkeypatch.setattr(case_clock, "today", lambda: day)

    return set_day


def test_done_when(on_day: Callable[[dt.date], None], django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()

    # 1. maochang plans a month's patrols from the proposals.
    leader = client_for("maochang")
    month = (today.replace(day=1) + dt.timedelta(days=70)).replace(day=1)
    assert (
        leader.post(
            reverse("inspections:plan_create"), {"grid": MAOCHANG, "month": month.isoformat()}
        ).status_code
        == 302
    )
    plan = PatrolPlan.objects.get(grid__code=MAOCHANG, month=month)
    proposals = leader.get(plan.get_absolute_url()).context["proposals"]
    picked = [p.pk for p in proposals[:6]]
    leader.post(reverse("inspections:plan_targets_add", args=[plan.pk]), {"employers": picked})
    assert set(PatrolTarget.objects.filter(plan=plan).values_list("employer_id", flat=True)) == set(
        picked
    )
    assert leader.get(plan.get_absolute_url()).context["coverage"].planned == len(picked)

    # 2. The county's campaign; maochang-a1 opens a target's form on the phone: it carries the
    #    campaign's checklist (usable offline), proposed for a target of the campaign.
    campaign = make_campaign(MAOCHANG, name="冬季农民工工资支付专项检查（场景）")
    target = CampaignTarget.objects.filter(campaign=campaign).select_related("employer").first()
    assert target is not None
    employer = target.employer
    a1 = client_for("maochang-a1")
    form_url = reverse("inspections:visit_form", args=[employer.pk])
    page = a1.get(form_url)
    body = page.content.decode()
    assert page.status_code == 200 and "data-lg-offline" in body
    assert f'data-lg-list="{campaign.pk}"' in body and page.context["chosen"] == str(campaign.pk)
    assert [it["key"] for it in page.context["form"].items] == [
        c["key"] for c in campaign.checklist
    ]
    worker = a1.get(reverse("core:service_worker")).content.decode()
    assert reverse("inspections:visit_create") in worker and "inspections/visit" in worker

    # 3. The queued form is sent (the offline script's POST): JSON answer, one visit, a photo.
    first_key, second_key = campaign.checklist[0]["key"], campaign.checklist[1]["key"]
    key = str(uuid.uuid4())
    data: dict[str, object] = {
        "client_key": key,  # the employer is the form's URL
        "campaign": campaign.pk,
        "outcome": "inspected",
        "started_at": timezone.localtime().replace(hour=0, minute=10).strftime("%Y-%m-%dT%H:%M"),
        "place": "项目工地",
        "inspector_1": user("county").pk,
        "inspector_2": user("brigade-1").pk,
        "assistants": [user("maochang-a1").pk],
        "gps_lat": employer.lat or 27.1,
        "gps_lng": employer.lng or 105.6,
        "gps_accuracy": 8,
    }
    for c in campaign.checklist:
        data[f"item_{c['key']}"] = "compliant"
    data[f"item_{first_key}"] = "violation"
    data[f"note_{first_key}"] = "12名农民工未签订劳动合同"

    def send() -> dict[str, object]:
        posted = {**data, "photo": SimpleUploadedFile("photo-1.jpg", JPEG, "image/jpeg")}
        r = a1.post(form_url, posted, HTTP_X_LG_OFFLINE="1")
        assert r.status_code == 200, r.content
        return json.loads(r.content)

    answer = send()
    visit = Visit.objects.get(client_key=key)
    assert answer == {"ok": True, "url": visit.get_absolute_url()}
    assert send() == answer  # the queue's retry: the same visit, nothing more
    assert Visit.objects.filter(employer=employer, campaign=campaign).count() == 1
    assert visit.photos.count() == 1 and visit.recorded_by.username == "maochang-a1"
    assert visit.findings.get(key=first_key).result == FindingResult.VIOLATION
    # A bad form from the queue is answered 422 with the messages per field, nothing stored.
    bad = a1.post(
        form_url,
        {**data, "client_key": str(uuid.uuid4()), "inspector_2": ""},
        HTTP_X_LG_OFFLINE="1",
    )
    assert bad.status_code == 422 and "inspector_2" in json.loads(bad.content)["errors"]

    # 4. An inspector confirms the visit, ticking the violation for rectification (10 days).
    county = client_for("county")
    post: dict[str, object] = {
        "signature": "signed",
        "rep_name": "王经理",
        "inspectors_signed": "on",
    }
    for c in campaign.checklist:
        post[f"result_{c['key']}"] = "compliant"
    post.update({f"result_{first_key}": "violation", f"order_{first_key}": "on"})
    post.update({f"days_{first_key}": 10, f"note_{first_key}": "12名农民工未签订劳动合同"})
    r = county.post(reverse("inspections:visit_conclude", args=[visit.pk]), post)
    assert r.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONCLUDED and visit.record_file

    # 5. The assistant may not issue the order; the inspector issues it from the findings.
    order_url = reverse("inspections:visit_order", args=[visit.pk])
    assert a1.post(order_url, {}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.issue_visit_order(
            actor=user("maochang-a1"), visit=visit, lines=services.proposed_lines(visit)
        )
    # Issued on the next Monday: ten working days, the day itself not counted, end two weeks
    # later (a Monday) unless a holiday intervenes: the engine's answer is the order's.
    issued_on = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    due = compute(issued_on, 10, Unit.WORKING).due
    assert due is not None and (due - issued_on).days >= 14
    on_day(issued_on)
    form = county.get(order_url)
    assert form.status_code == 200
    assert form.context["form"].initial == {} and form.context["form"].lines[0].violation == (
        "no_written_contract"
    )
    r = county.post(
        order_url,
        {
            f"use_{first_key}": "on",
            f"text_{first_key}": "与全部在岗农民工订立书面劳动合同",
            f"violation_{first_key}": "no_written_contract",
            f"days_{first_key}": 10,
        },
    )
    assert r.status_code == 302
    order = RectificationOrder.objects.get(source_id=visit.pk)
    assert order.source == visit and order.issued_on == issued_on
    assert order.due == due and order.items.get().working_days == 10
    assert "《中华人民共和国劳动合同法》第十条" in order.items.get().violated
    detail = county.get(order.get_absolute_url()).content.decode()
    assert visit.get_absolute_url() in detail and "现场检查" in detail
    assert order.number in county.get(visit.get_absolute_url()).content.decode()
    assert order.number in county.get(order_url).content.decode()  # one order per visit
    assert second_key  # the other items were compliant: not on the order

    # 6. It goes overdue: the daily run tells the staff, the list shows it.
    late = due + dt.timedelta(days=1)
    on_day(late)
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue(today=late, model=RectificationOrder)
    assert Notification.objects.filter(title__contains=order.number).exists()
    overdue = leader.get(reverse("rectifications:order_list"), {"overdue": "on"}).content.decode()
    assert order.number in overdue

    # 7. The re-inspection (two inspectors) finds it not corrected and escalates it to a case.
    item = order.items.get()
    r = county.post(
        reverse("rectifications:order_recheck", args=[order.pk]),
        {
            "rechecked_on": late.isoformat(),
            "inspector_2": str(user("brigade-1").pk),
            f"result_{item.pk}": "not_corrected",
            f"result_note_{item.pk}": "仍有12名农民工未签合同",
            "note": "到场核对劳动合同",
        },
    )
    assert r.status_code == 302
    r = county.post(reverse("rectifications:order_escalate", args=[order.pk]), {"reason": ""})
    assert r.status_code == 302
    order.refresh_from_db()
    case = order.case
    assert order.state == OrderState.ESCALATED and case is not None
    assert case.state == CaseState.INVESTIGATING and case.employer_id == employer.pk
    evidence = {r.file_name: r for r in case.records.filter(kind=RecordKind.EVIDENCE)}
    record_pdf = evidence[f"{visit.record_number}.pdf"]
    assert record_pdf.file.read().startswith(b"%PDF") and "现场检查笔录" in record_pdf.title
    photo = evidence[f"{visit.record_number}-1.jpg"]
    assert photo.file.read() == JPEG and "现场照片" in photo.title
    assert f"{order.number}.pdf" in evidence

    # The employer's archive: the visit with its finding, and every step of the order.
    from laborgrid.employers.timeline import timeline

    entries = timeline(employer)
    inspection = [e for e in entries if e.kind == "inspection"]
    assert inspection and campaign.checklist[0]["label"] in inspection[0].detail
    steps = [e for e in entries if e.kind == "rectification" and order.number in e.title]
    assert len(steps) == 3  # issued, rechecked, escalated

    # 8. The campaign's result table adds up to the visits recorded (page and XLSX).
    table = selectors.result_table(campaign, user("county"))
    concluded = Visit.objects.filter(campaign=campaign, status=VisitStatus.CONCLUDED).count()
    assert table.total["checked"] == concluded == 1
    assert table.total["orders"] == 1 and table.total["by_item"][first_key] == 1
    assert sum(r["checked"] for r in table.rows) == concluded
    body = county.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="total-orders">1<' in body and 'data-testid="total-checked">1<' in body
    response = county.post(reverse("inspections:campaign_export", args=[campaign.pk]))
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    run_job.call(str(job.pk))
    job.refresh_from_db()
    from openpyxl import load_workbook

    rows = list(
        load_workbook(job.result_file.path, read_only=True).active.iter_rows(values_only=True)
    )
    head, total = rows[1], rows[-1]
    assert total[1] == "合计" and total[head.index("已检查")] == concluded
    assert total[head.index("下达指令书（份）")] == 1
