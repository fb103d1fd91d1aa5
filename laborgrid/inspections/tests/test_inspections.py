"""Inspections through the pages and services: the risk registry and cycle, patrol plans,
campaigns and their result table, on-site visits (two certified inspectors, assistants record,
photos, GPS, the 笔录 PDF, the snapshot), the archive timeline and the counts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from laborgrid.core.models import Job
from laborgrid.core.tasks import run_job
from laborgrid.employers.choices import CollectionMethod
from laborgrid.employers.models import Employer
from laborgrid.employers.timeline import timeline
from laborgrid.grids.models import Grid
from laborgrid.inspections import cycle, risk, selectors, services
from laborgrid.inspections.choices import FindingResult, Signature, VisitOutcome, VisitStatus
from laborgrid.inspections.demo import CAMPAIGN
from laborgrid.inspections.models import (
    Campaign,
    CampaignTarget,
    CycleConfig,
    PatrolPlan,
    PatrolTarget,
    Visit,
    VisitFinding,
)
from laborgrid.inspections.tests.helpers import (
    JPEG,
    employer_in,
    make_campaign,
    make_plan,
    make_visit,
    user,
)
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _conclude(visit: Visit, actor: str = "county", **kw: object) -> Visit:
    decisions = [
        services.FindingDecision(
            f.key, f.result, f.note, to_order=f.result == FindingResult.VIOLATION
        )
        for f in visit.findings.all()
    ]
    args = {"signature": Signature.SIGNED, "rep_name": "李四", **kw}
    return services.conclude_visit(actor=user(actor), visit=visit, decisions=decisions, **args)  # type: ignore[arg-type]


# --- risk and the cycle -------------------------------------------------------------------------


def test_a_registered_factor_proposes_and_shortens_the_cycle() -> None:
    """A later app adds a factor by registering it (the ratings app registers the real
    ``grade_c``; this test uses its own key so as not to replace or remove that one)."""
    plan = make_plan(MAOCHANG)
    chosen = employer_in(MAOCHANG, 3)
    factor = risk.RiskFactor("test_stub", "C", 50, True, lambda today: Q(pk=chosen.pk))
    risk.register_factor(factor)
    try:
        rows = cycle.proposals(plan, timezone.localdate())
        assert rows[0].pk == chosen.pk and rows[0].reasons[0] == "test_stub"
        assert cycle.risk_of([chosen.pk], timezone.localdate())[chosen.pk][0][0] == "test_stub"
    finally:
        risk._FACTORS.pop("test_stub")


def test_cycle_is_set_by_the_county_and_read_below() -> None:
    county = client_for("county")
    response = county.post(
        reverse("inspections:cycle"), {"high_risk_months": 4, "other_months": 24}
    )
    assert response.status_code == 302
    assert cycle.cycle_for(Grid.objects.get(code=MAOCHANG).path).high_risk_months == 4
    bad = county.post(reverse("inspections:cycle"), {"high_risk_months": 13, "other_months": 12})
    assert "高风险单位的周期不长于其他单位" in bad.content.decode()
    assert (
        client_for("maochang")
        .post(reverse("inspections:cycle"), {"high_risk_months": 1, "other_months": 2})
        .status_code
        == 404
    )
    assert CycleConfig.objects.get(grid__code=COUNTY).other_months == 24


def test_a_visit_within_the_cycle_covers_the_employer() -> None:
    plan = make_plan(MAOCHANG)
    today = timezone.localdate()
    before = cycle.plan_coverage(plan, today)
    assert before.total == before.covered + before.planned + before.due
    employer = next(
        e for e in cycle.proposals(plan, today, limit=500) if not getattr(e, "risk_high", False)
    )
    _conclude(make_visit(MAOCHANG, employer=employer))
    after = cycle.plan_coverage(plan, today)
    assert after.covered == before.covered + 1
    assert employer.pk not in {e.pk for e in cycle.proposals(plan, today, limit=500)}


# --- plans --------------------------------------------------------------------------------------


def test_squadron_plans_a_month_from_the_proposals() -> None:
    client = client_for("maochang")
    month = (timezone.localdate().replace(day=1) + timedelta(days=100)).replace(day=1)
    response = client.post(
        reverse("inspections:plan_create"), {"grid": MAOCHANG, "month": month.isoformat()}
    )
    assert response.status_code == 302
    plan = PatrolPlan.objects.get(grid__code=MAOCHANG, month=month)
    page = client.get(plan.get_absolute_url())
    proposals = page.context["proposals"]
    assert proposals and all(p.reason_labels for p in proposals[:5])
    picked = [p.pk for p in proposals[:3]]
    client.post(
        reverse("inspections:plan_targets_add", args=[plan.pk]),
        {"employers": picked, "planned_on": month.replace(day=10).isoformat()},
    )
    targets = PatrolTarget.objects.filter(plan=plan)
    assert sorted(targets.values_list("employer_id", flat=True)) == sorted(picked)
    assert all(t.reasons for t in targets)
    page = client.get(plan.get_absolute_url())
    assert page.context["coverage"].planned == 3
    assert not {p.pk for p in page.context["proposals"]} & set(picked)
    # A date outside the month is refused, nothing added.
    client.post(
        reverse("inspections:plan_targets_add", args=[plan.pk]),
        {"employers": [proposals[5].pk], "planned_on": "2001-01-01"},
    )
    assert targets.count() == 3
    # Another township's employer cannot be planned here.
    other = employer_in(MACHANG)
    client.post(reverse("inspections:plan_targets_add", args=[plan.pk]), {"employer": other.pk})
    assert not targets.filter(employer=other).exists()
    # A second plan for the same month is refused with a message.
    again = client.post(
        reverse("inspections:plan_create"), {"grid": MAOCHANG, "month": month.isoformat()}
    )
    assert "该网格本月已有巡查计划" in again.content.decode()


def test_plans_are_scoped() -> None:
    plan = make_plan(MAOCHANG)
    assert client_for("machang").get(plan.get_absolute_url()).status_code == 404
    assert client_for("leader").get(plan.get_absolute_url()).status_code == 200
    assert client_for("maochang-a1").get(reverse("inspections:plan_create")).status_code == 404
    body = client_for("machang").get(reverse("inspections:plan_list")).content.decode()
    assert plan.title not in body


# --- campaigns ----------------------------------------------------------------------------------


def test_county_sets_a_campaign_by_rules_with_manual_additions() -> None:
    client = client_for("county")
    today = timezone.localdate()
    response = client.post(
        reverse("inspections:campaign_create"),
        {
            "name": "清理整顿人力资源市场秩序",
            "grid": COUNTY,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
            "industries": ["E"],
            "grids": MAOCHANG,
            "checklist": ["contracts", "wages"],
            "extra_items": "职业中介许可证",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="清理整顿人力资源市场秩序")
    expected = set(
        cycle.employers_under(Grid.objects.get(code=MAOCHANG).path)
        .filter(industry="E")
        .values_list("pk", flat=True)
    )
    targets = CampaignTarget.objects.filter(campaign=campaign)
    assert set(targets.values_list("employer_id", flat=True)) == expected
    assert set(targets.values_list("squadron__code", flat=True)) <= {MAOCHANG}
    assert [c["key"] for c in campaign.checklist] == ["contracts", "wages", "custom_1"]
    extra = (
        cycle.employers_under(Grid.objects.get(code=MAOCHANG).path).exclude(industry="E").first()
    )
    assert extra is not None
    client.post(
        reverse("inspections:campaign_targets_add", args=[campaign.pk]), {"employer": extra.pk}
    )
    assert targets.get(employer=extra).source == "manual"
    page = client_for("maochang").get(campaign.get_absolute_url())
    assert page.status_code == 200 and page.context["progress"][0].targets == len(expected) + 1
    # Squadrons see it but cannot change it; the township staff cannot set one.
    assert (
        client_for("maochang")
        .post(reverse("inspections:campaign_close", args=[campaign.pk]))
        .status_code
        == 403
    )
    assert client_for("maochang").get(reverse("inspections:campaign_create")).status_code == 404


def test_campaign_rules_refuse_bad_values() -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_campaign(
            actor=user("county"),
            name="x",
            grid=Grid.objects.get(code=COUNTY),
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() - timedelta(days=1),
            rules={"industries": ["ZZ"], "flags": ["nope"]},
            checklist=[{"key": "wages", "label": "工资", "basis": ""}],
        )
    assert {"ends_on", "rules"} <= set(exc.value.message_dict)
    assert not Campaign.objects.filter(name="x").exists()


def test_result_table_adds_up_to_the_visits_and_exports_as_xlsx() -> None:
    campaign = make_campaign(MAOCHANG)
    targets = list(CampaignTarget.objects.filter(campaign=campaign).select_related("employer")[:2])
    for n, t in enumerate(targets):
        v = make_visit(MAOCHANG, employer=t.employer, campaign=campaign)
        _conclude(v, wages_recovered=Decimal("1000.50") * (n + 1), workers_concerned=3)
    make_visit(
        MAOCHANG, employer=targets[0].employer, campaign=campaign
    )  # not concluded: not counted
    table = selectors.result_table(campaign, user("county"))
    assert table.total["checked"] == 2
    assert table.total["wages"] == Decimal("3001.50") and table.total["workers"] == 6
    first = campaign.checklist[0]["key"]
    assert table.total["by_item"][first] == 2 and table.total["to_order"] == 2
    response = client_for("county").post(reverse("inspections:campaign_export", args=[campaign.pk]))
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    run_job.call(str(job.pk))
    job.refresh_from_db()
    from openpyxl import load_workbook

    book = load_workbook(job.result_file.path, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    total = rows[-1]
    assert total[1] == "合计" and total[3] == 2 and float(total[-2]) == 3001.5


def test_demo_campaign_and_patrols() -> None:
    campaign = Campaign.objects.get(name__endswith=CAMPAIGN)
    assert campaign.status == "active" and campaign.targets.exists()
    table = selectors.result_table(campaign, user("county"))
    visits = Visit.objects.filter(campaign=campaign, status=VisitStatus.CONCLUDED)
    assert table.total["checked"] == visits.count() > 0
    plan = PatrolPlan.objects.get(grid__code=MAOCHANG, month=timezone.localdate().replace(day=1))
    assert plan.targets.count() >= 5 and plan.targets.filter(visit__isnull=False).exists()


# --- visits -------------------------------------------------------------------------------------


def _visit_post(
    employer: Employer, campaign: Campaign | None = None, **extra: object
) -> dict[str, object]:
    template = campaign.checklist if campaign else [{"key": k} for k in ("contracts", "wages")]
    data: dict[str, object] = {
        "client_key": str(uuid.uuid4()),
        "employer": employer.pk,
        "campaign": campaign.pk if campaign else "",
        "outcome": "inspected",
        "started_at": timezone.localtime().replace(hour=0, minute=5).strftime("%Y-%m-%dT%H:%M"),
        "place": "现场",
        "inspector_1": user("county").pk,
        "inspector_2": user("brigade-1").pk,
        "employees": 20,
        "contracts_signed": 15,
        "gps_lat": employer.lat or 27.1,
        "gps_lng": employer.lng or 105.6,
        "gps_accuracy": 10,
    }
    for i, c in enumerate(template):
        data[f"item_{c['key']}"] = "violation" if i == 0 else "compliant"
        data[f"note_{c['key']}"] = "未签合同" if i == 0 else ""
    data.update(extra)
    return data


def test_assistant_records_a_campaign_visit_with_a_photo_and_an_inspector_concludes() -> None:
    campaign = make_campaign(MAOCHANG)
    target = CampaignTarget.objects.filter(campaign=campaign).select_related("employer").first()
    assert target is not None
    a1 = client_for("maochang-a1")
    form = a1.get(
        reverse("inspections:visit_create")
        + f"?employer={target.employer_id}&campaign={campaign.pk}",
        follow=True,
    )
    assert form.status_code == 200
    assert form.redirect_chain[0][0].startswith(
        reverse("inspections:visit_form", args=[target.employer_id])
    )
    assert [it["key"] for it in form.context["form"].items] == [
        c["key"] for c in campaign.checklist
    ]
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _visit_post(target.employer, campaign)
    data["photo"] = SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")
    response = a1.post(reverse("inspections:visit_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    key = str(data["client_key"])
    visit = Visit.objects.get(client_key=key)
    assert visit.recorded_by.username == "maochang-a1" and visit.status == VisitStatus.RECORDED
    assert visit.campaign == campaign and visit.photos.count() == 1 and visit.gps_lat is not None
    assert visit.findings.get(key=campaign.checklist[0]["key"]).result == FindingResult.VIOLATION
    # The same form sent again (a phone's retry) records nothing more.
    data["photo"] = SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")
    again = a1.post(reverse("inspections:visit_create"), data)
    assert again.status_code == 302 and Visit.objects.filter(client_key=key).count() == 1
    # The photo is served through the gate only.
    photo = visit.photos.get()
    assert a1.get(reverse("inspections:photo", args=[photo.pk])).content == JPEG
    assert (
        client_for("machang").get(reverse("inspections:photo", args=[photo.pk])).status_code == 404
    )
    # The assistant may not conclude.
    told = a1.get(reverse("inspections:visit_conclude", args=[visit.pk]))
    assert "只有本次检查的两名持证监察员之一可以确认" in told.content.decode()
    assert a1.post(reverse("inspections:visit_conclude", args=[visit.pk]), {}).status_code == 403
    # An inspector concludes: the refusal to sign needs its reason.
    county = client_for("county")
    key = campaign.checklist[0]["key"]
    post = {
        "signature": "refused",
        "rep_name": "王五",
        "inspectors_signed": "on",
        "wages_recovered": "5000",
        "workers_concerned": 4,
        f"result_{key}": "violation",
        f"order_{key}": "on",
        f"days_{key}": 10,
    }
    for c in campaign.checklist[1:]:
        post[f"result_{c['key']}"] = "compliant"
    bad = county.post(reverse("inspections:visit_conclude", args=[visit.pk]), post)
    assert bad.status_code == 422 and "拒绝签名的，须注明理由" in bad.content.decode()
    post["refusal_reason"] = "不认可检查结果"
    ok = county.post(reverse("inspections:visit_conclude", args=[visit.pk]), post)
    assert ok.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONCLUDED and visit.signature == Signature.REFUSED
    assert visit.record_number and visit.findings.get(key=key).to_order
    pdf = county.get(reverse("inspections:visit_record", args=[visit.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert visit.snapshot is not None
    snap = visit.snapshot
    assert snap.method == CollectionMethod.INSPECTION and snap.employees == 20
    entries = [e for e in timeline(target.employer) if e.kind == "inspection"]
    assert (
        entries
        and "未签合同" not in entries[0].title
        and campaign.checklist[0]["label"] in entries[0].detail
    )


def test_two_certified_inspectors_are_required() -> None:
    employer = employer_in(MAOCHANG, 2)
    a1 = client_for("maochang-a1")
    data = _visit_post(employer, inspector_2=user("county").pk)
    response = a1.post(reverse("inspections:visit_create"), data)
    assert response.status_code == 422, response.context["form"].errors
    assert "两名不同的监察员" in response.content.decode(), response.context["form"].errors
    with pytest.raises(ValidationError) as exc:
        services.record_visit(
            actor=user("maochang-a1"),
            employer=employer,
            client_key=uuid.uuid4(),
            outcome=VisitOutcome.INSPECTED,
            started_at=timezone.now(),
            inspector_1=user("county"),
            inspector_2=user("maochang-a1"),  # no certificate
            findings=[services.FindingInput("contracts", "compliant")],
        )
    assert "inspector_2" in exc.value.message_dict
    assert not Visit.objects.filter(employer=employer, recorded_by__username="maochang-a1").exists()


def test_only_the_visits_inspectors_conclude() -> None:
    visit = make_visit(MAOCHANG, recorder="maochang-a1")
    with pytest.raises(PermissionDenied):
        _conclude(visit, actor="brigade-2")
    with pytest.raises(PermissionDenied):
        _conclude(visit, actor="maochang")
    _conclude(visit, actor="brigade-1")
    visit.refresh_from_db()
    assert visit.concluded_by is not None and visit.concluded_by.username == "brigade-1"


def test_only_violations_go_to_an_order() -> None:
    visit = make_visit(MAOCHANG)
    f = visit.findings.exclude(result=FindingResult.VIOLATION).first()
    assert f is not None
    with pytest.raises(ValidationError):
        services.conclude_visit(
            actor=user("county"),
            visit=visit,
            decisions=[services.FindingDecision(f.key, f.result, to_order=True)],
            signature=Signature.SIGNED,
            rep_name="张三",
        )
    assert not VisitFinding.objects.filter(visit=visit, to_order=True).exists()


def test_photos_are_checked_by_content() -> None:
    visit = make_visit(MAOCHANG)
    with pytest.raises(ValidationError):
        services.add_photo(
            actor=user("county"), visit=visit, content=b"GIF89a....", content_type="image/jpeg"
        )
    photo, created = services.add_photo(
        actor=user("county"), visit=visit, content=JPEG, content_type="image/jpeg"
    )
    again, created_again = services.add_photo(
        actor=user("county"), visit=visit, content=JPEG, content_type="image/jpeg"
    )
    assert created and not created_again and photo.pk == again.pk
    assert JPEG not in photo.file.open("rb").read()  # encrypted at rest


def test_key_rotation_rewrites_the_photo_and_the_record(settings: Any, tmp_path: Any) -> None:
    """After a new key is made current, ``rotate_field_keys`` re-encrypts the sealed photo and
    the encrypted 笔录 PDF in place: both open as before, and neither needs the old key."""
    import base64
    import os

    from django.core.management import call_command

    from laborgrid.core import pii
    from laborgrid.lib.crypto import FILE_MAGIC

    settings.MEDIA_ROOT = tmp_path
    visit = make_visit(MAOCHANG)
    photo, _ = services.add_photo(
        actor=user("county"), visit=visit, content=JPEG, content_type="image/jpeg"
    )
    visit = _conclude(visit)
    record_pdf = visit.record_file.open("rb").read()
    new_key = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
    settings.LABORGRID_FIELD_KEYS = settings.LABORGRID_FIELD_KEYS.replace(
        "current=demo;", f"current=k2;k2=sm4-gcm:{new_key};"
    )
    pii.keyring.cache_clear()
    try:
        call_command("rotate_field_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
        photo_raw = (tmp_path / photo.file.name).read_text("ascii")
        record_raw = (tmp_path / visit.record_file.name).read_bytes()
        assert photo_raw.split(".")[1] == "k2"
        assert record_raw.startswith(FILE_MAGIC + bytes([2]) + b"k2")
        assert services.photo_bytes(photo) == JPEG
        assert visit.record_file.open("rb").read() == record_pdf
    finally:
        pii.keyring.cache_clear()


def test_visits_are_scoped_and_the_leader_reads_only() -> None:
    own = make_visit(MAOCHANG)
    other = make_visit(MACHANG)
    maochang = client_for("maochang")
    assert maochang.get(other.get_absolute_url()).status_code == 404
    assert maochang.get(own.get_absolute_url()).status_code == 200
    body = maochang.get(reverse("inspections:visit_list")).content.decode()
    assert other.employer.name not in body
    assert client_for("leader").get(reverse("inspections:visit_create")).status_code == 404


def test_counts_per_grid_and_inspector() -> None:
    today = timezone.localdate()
    base = {
        r["grid__code"]: r["visits"]
        for r in selectors.visit_counts_by_grid(user("county"), today, today)
    }
    visit = _conclude(make_visit(MAOCHANG, started_at=timezone.now() - timedelta(minutes=5)))
    rows = {
        r["grid__code"]: r for r in selectors.visit_counts_by_grid(user("county"), today, today)
    }
    assert rows[visit.grid.code]["visits"] == base.get(visit.grid.code, 0) + 1
    assert rows[visit.grid.code]["with_violations"] >= 1
    people = {
        r["username"]: r["visits"]
        for r in selectors.visit_counts_by_inspector(user("county"), today, today)
    }
    assert people["county"] >= 1 and people["brigade-1"] >= 1
    assert not selectors.visit_counts_by_grid(user("machang"), today, today) or all(
        r["grid__code"].startswith(MACHANG)
        for r in selectors.visit_counts_by_grid(user("machang"), today, today)
    )
    page = client_for("maochang").get(reverse("inspections:stats"))
    assert page.status_code == 200 and page.context["by_grid"]


def test_visit_list_queries_do_not_grow_with_rows() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("maochang")
    url = reverse("inspections:visit_list")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(3):
        make_visit(MAOCHANG, employer=employer_in(MAOCHANG, 10 + n))
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
