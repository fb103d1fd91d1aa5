"""Rapid report, grading from configuration, the handling log, cases, photos, API, settings."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.audit.models import AuditEvent
from laborgrid.cases.models import Case
from laborgrid.grids.models import Grid
from laborgrid.incidents import services
from laborgrid.incidents.models import Incident, IncidentLevel, IncidentPhoto
from laborgrid.incidents.photos import photo_bytes
from laborgrid.incidents.selectors import employer_year_facts
from laborgrid.incidents.tests.helpers import JPEG, make_incident
from laborgrid.testing.personas import MACHANG, MAOCHANG, MAOCHANG_VILLAGE, client_for

pytestmark = pytest.mark.django_db


def _api(username: str) -> tuple[Client, dict[str, Any]]:
    raw, _token = issue_token(user=User.objects.get(username=username))
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post_json(client: Client, url: str, data: dict[str, Any], auth: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **auth)


# --- grading is configuration ---------------------------------------------------------------------


def test_levels_come_from_the_configured_thresholds() -> None:
    assert make_incident(MAOCHANG, people=5).level.code == "IV"
    assert make_incident(MAOCHANG, people=12).level.code == "III"
    assert make_incident(MAOCHANG, people=5, acts=["blocking_roads"]).level.code == "II"
    assert make_incident(MAOCHANG, people=5, acts=["extreme"]).level.code == "I"
    big = make_incident(MAOCHANG, people=3, amount_claimed="1200000")
    assert big.level.code == "I" and big.level_reasons == ["amount"]
    # The county changes its plan: 10 people are already Ⅱ级 from now on.
    county = User.objects.get(username="county")
    level = IncidentLevel.objects.get(code="II")
    services.save_level(actor=county, level=level, data={"min_people": 10})
    assert make_incident(MAOCHANG, people=12).level.code == "II"
    assert AuditEvent.objects.filter(action="incident_level_configured").exists()


def test_the_level_sets_the_report_deadline_hours() -> None:
    county = User.objects.get(username="county")
    services.save_level(
        actor=county, level=IncidentLevel.objects.get(code="IV"), data={"initial_report_hours": 4}
    )
    incident = make_incident(MAOCHANG, people=2)
    deadline = incident_deadline(incident, "incidents.initial_report")
    assert deadline.amount == 4


def incident_deadline(incident: Incident, kind: str) -> Any:
    from laborgrid.deadlines.models import Deadline

    return Deadline.objects.for_object(incident).pending().get(kind=kind)


def test_only_the_county_brigade_edits_the_settings() -> None:
    level = IncidentLevel.objects.get(code="III")
    data = {
        "level": level.pk,
        f"level-{level.pk}-code": "III",
        f"level-{level.pk}-name": level.name,
        f"level-{level.pk}-rank": level.rank,
        f"level-{level.pk}-min_people": "8",
        f"level-{level.pk}-initial_report_hours": "2",
        f"level-{level.pk}-continuing_report_hours": "12",
        f"level-{level.pk}-final_report_hours": "48",
        f"level-{level.pk}-alert_brigade": "on",
        f"level-{level.pk}-is_active": "on",
    }
    assert client_for("maochang").post(reverse("incidents:level_save"), data).status_code == 404
    response = client_for("county").post(reverse("incidents:level_save"), data)
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.min_people == 8
    bad = client_for("county").post(
        reverse("incidents:level_save"), {**data, f"level-{level.pk}-initial_report_hours": "0"}
    )
    assert bad.status_code == 422
    page = client_for("maochang").get(reverse("incidents:settings")).content.decode()
    assert level.name in page and "level_save" not in page and "修改设置" not in page


# --- the rapid report ---------------------------------------------------------------------------


def test_bad_input_comes_back_with_messages_and_nothing_is_stored() -> None:
    key = str(uuid.uuid4())
    response = client_for("maochang-a1").post(
        reverse("incidents:incident_report"),
        {"client_key": key, "grid": MAOCHANG, "employer_name": "", "demands": "要工资"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "请填写用人单位或工程项目。" in body or "这个字段是必填项。" in body
    assert "要工资" in body  # what was typed is kept
    assert not Incident.objects.filter(client_key=key).exists()


def test_an_assistant_reports_only_in_their_grids() -> None:
    with pytest.raises(Exception) as exc:
        make_incident(MACHANG, reporter="maochang-a1")
    assert "只能报告您负责网格内的事件。" in str(exc.value)
    # a village of their own is fine
    assert make_incident(MAOCHANG_VILLAGE, reporter="maochang-a1").grid.code == MAOCHANG_VILLAGE


def test_the_phone_position_decides_the_grid_when_it_falls_in_one() -> None:
    village = Grid.objects.get(code=MAOCHANG_VILLAGE)
    lng, lat = village.centroid_lng, village.centroid_lat
    assert lat is not None and lng is not None
    incident = make_incident(MAOCHANG, reporter="maochang-a1", lat=lat, lng=lng)
    assert incident.grid.code == MAOCHANG_VILLAGE and incident.located_by == "gps"


def test_photos_are_checked_encrypted_and_served_in_scope_only() -> None:
    incident = make_incident(MAOCHANG, photos=[(JPEG, "image/jpeg")])
    photo = IncidentPhoto.objects.get(incident=incident)
    with photo.file.open("rb") as fh:
        assert JPEG not in fh.read()  # sealed at rest
    assert photo_bytes(photo) == JPEG
    url = reverse("incidents:incident_photo", args=[photo.pk])
    assert client_for("maochang").get(url).content == JPEG
    assert client_for("machang").get(url).status_code == 404
    with pytest.raises(Exception) as exc:
        make_incident(MAOCHANG, photos=[(b"GIF89a" + b"0" * 20, "image/gif")])
    assert "只接受 JPEG、PNG 或 WebP 图片。" in str(exc.value)


def test_employer_search_offers_registry_employers_in_scope() -> None:
    from laborgrid.employers.models import Employer

    mine = Employer.objects.filter(grid_path__under=Grid.objects.get(code=MAOCHANG).path).first()
    other = Employer.objects.filter(grid_path__under=Grid.objects.get(code=MACHANG).path).first()
    assert mine is not None and other is not None
    url = reverse("incidents:employer_search")
    assert mine.name in client_for("maochang-a1").get(url, {"q": mine.name}).content.decode()
    assert other.name not in client_for("maochang-a1").get(url, {"q": other.name}).content.decode()
    with pytest.raises(Exception) as exc:
        make_incident(MAOCHANG, reporter="maochang-a1", employer_id=other.pk)
    assert "请从名录中选择用人单位" in str(exc.value)


# --- the handling log ---------------------------------------------------------------------------


def test_reports_follow_their_order_and_deadlines(django_capture_on_commit_callbacks: Any) -> None:
    from laborgrid.deadlines.models import Deadline

    incident = make_incident(MAOCHANG, people=12)
    me = User.objects.get(username="maochang")
    with pytest.raises(services.Refused):
        services.add_update(actor=me, incident=incident, kind="continuing_report", text="x")
    services.add_update(actor=me, incident=incident, kind="initial_report", text="首报")
    pending = Deadline.objects.for_object(incident).pending()
    assert list(pending.values_list("kind", flat=True)) == ["incidents.continuing_report"]
    assert pending.get().amount == incident.level.continuing_report_hours
    services.add_update(actor=me, incident=incident, kind="continuing_report", text="续报")
    assert (
        Deadline.objects.for_object(incident)
        .filter(kind="incidents.continuing_report", met_at__isnull=False)
        .count()
        == 1
    )
    with pytest.raises(services.Refused):
        services.add_update(actor=me, incident=incident, kind="final_report", text="终报")
    services.settle_incident(actor=me, incident=incident, outcome="平息")
    kinds = list(Deadline.objects.for_object(incident).pending().values_list("kind", flat=True))
    assert kinds == ["incidents.final_report"]


def test_more_people_raise_the_level_and_alert_again(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from laborgrid.notifications.models import Notification

    incident = make_incident(MAOCHANG, people=5)
    assert incident.level.code == "IV"
    with django_capture_on_commit_callbacks(execute=True):
        services.add_update(
            actor=User.objects.get(username="maochang"),
            incident=incident,
            kind="situation",
            people_present=40,
            text="人数增加",
        )
    incident.refresh_from_db()
    assert incident.level.code == "II" and incident.people == 40
    assert Notification.objects.filter(
        user__username="leader", title__contains="升级", url=incident.get_absolute_url()
    ).exists()


def test_the_leader_reads_but_cannot_handle() -> None:
    incident = make_incident(MAOCHANG)
    leader = client_for("leader")
    page = leader.get(incident.get_absolute_url())
    assert page.status_code == 200
    assert "记录处置情况" not in page.content.decode()
    url = reverse("incidents:incident_update", args=[incident.pk])
    assert leader.post(url, {"kind": "note", "text": "x"}).status_code == 403


def test_open_an_arrears_case_from_the_incident() -> None:
    incident = make_incident(MAOCHANG, people=25, amount_claimed="300000", demands="要工资")
    response = client_for("maochang").post(
        reverse("incidents:incident_case", args=[incident.pk]), {"open": "1"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.case_id is not None
    case = Case.objects.get(pk=incident.case_id)
    assert case.kind == "inspection" and case.category == "wages"
    assert case.workers_affected == 25 and case.amount_owed == Decimal("300000")
    assert incident.reference in case.facts
    # linking another by its number
    other = make_incident(MAOCHANG)
    response = client_for("maochang").post(
        reverse("incidents:incident_case", args=[other.pk]), {"case": case.reference}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.case_id == case.pk
    missing = client_for("maochang").post(
        reverse("incidents:incident_case", args=[make_incident(MAOCHANG).pk]),
        {"case": "2026-999999"},
    )
    assert "在您负责的网格内没有找到该案件。" in missing.content.decode()


def test_facts_for_grading() -> None:
    from laborgrid.employers.models import Employer

    employer = Employer.objects.filter(grid_path__under=Grid.objects.get(code=MAOCHANG).path).last()
    assert employer is not None
    before = employer_year_facts(employer.pk, 2026).count
    incident = make_incident(MAOCHANG, people=3, employer_id=employer.pk, acts=["extreme"])
    facts = employer_year_facts(employer.pk, incident.occurred_at.year)
    assert facts.count == before + 1 and facts.extreme and facts.highest_level == "I"


# --- API ----------------------------------------------------------------------------------------


def test_api_rapid_report_is_idempotent(django_capture_on_commit_callbacks: Any) -> None:
    client, auth = _api("maochang-a1")
    key = str(uuid.uuid4())
    payload = {
        "client_key": key,
        "grid": MAOCHANG,
        "employer_name": "某劳务公司",
        "people": 30,
        "acts": ["blocking_site"],
    }
    first = _post_json(client, "/api/v1/incidents", payload, auth)
    assert first.status_code == 201, first.content
    again = _post_json(client, "/api/v1/incidents", payload, auth)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert first.json()["level"]["code"] == "II"
    other, other_auth = _api("maochang")
    taken = _post_json(other, "/api/v1/incidents", payload, other_auth)
    assert taken.status_code == 422
    bad = _post_json(
        client, "/api/v1/incidents", {**payload, "client_key": str(uuid.uuid4()), "people": 0}, auth
    )
    assert bad.status_code == 422 and "people" in bad.json()["errors"]
    wrong_grid = _post_json(
        client,
        "/api/v1/incidents",
        {**payload, "client_key": str(uuid.uuid4()), "grid": MACHANG},
        auth,
    )
    assert wrong_grid.status_code == 422


def test_api_updates_list_and_warnings() -> None:
    incident = make_incident(MAOCHANG)
    client, auth = _api("maochang")
    url = f"/api/v1/incidents/{incident.pk}/updates"
    ok = _post_json(
        client,
        url,
        {"kind": "arrival", "staff": ["maochang", "maochang-a1"], "text": "到场"},
        auth,
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["staff"] == ["maochang", "maochang-a1"]
    assert _post_json(client, url, {"kind": "final_report", "text": "x"}, auth).status_code == 409
    assert _post_json(client, url, {"kind": "wages_paid"}, auth).status_code == 422
    leader, leader_auth = _api("leader")
    assert _post_json(leader, url, {"kind": "note", "text": "x"}, leader_auth).status_code == 403
    listed = client.get("/api/v1/incidents", {"status": "open"}, **auth).json()
    assert incident.pk in [i["id"] for i in listed["items"]]
    assert client.get("/api/v1/warnings", **auth).status_code == 200


def test_list_pages_have_a_bounded_query_count(django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        make_incident(MAOCHANG)
    client = client_for("county")
    client.get(reverse("incidents:incident_list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("incidents:incident_list"), {"status": "all"}).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("incidents:warning_list"), {"status": "all"}).status_code == 200
