"""Staff pages: queue, boards, intake, case page, actions, records, reveal, re-routing, merging."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditEvent
from laborgrid.cases import services
from laborgrid.cases.models import Case
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.testing.employers import make_ric
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def public_case(**over: Any) -> Case:
    return services.submit_public(
        data=complaint_data(**over), submission_key=uuid.uuid4(), ip="10.9.9.9"
    ).case


def test_queue_is_scoped_and_its_query_count_is_flat() -> None:
    client = client_for("maochang")
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows and all(f"/{MAOCHANG}/" in c.grid_path for c, _d in rows)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("cases:case_list"), {"state": "closed"})
    county = client_for("county")
    with CaptureQueriesContext(connection) as big:
        county.get(reverse("cases:case_list"))
    assert len(big) <= len(small) + 2, (len(small), len(big))
    assert len(big) <= 16


def test_queue_filters() -> None:
    client = client_for("county")
    overdue = client.get(reverse("cases:case_list"), {"overdue": "on"}).context["rows"]
    today = timezone.localdate()
    assert overdue and all(d is not None for _c, d in overdue)
    assert all(c.deadlines.overdue(today).exists() for c, _d in overdue)
    machang = client.get(reverse("cases:case_list"), {"grid": MACHANG}).context["rows"]
    assert machang and all(f"/{MACHANG}/" in c.grid_path for c, _d in machang)
    wages = client.get(reverse("cases:case_list"), {"category": "wages", "state": "open"}).context[
        "rows"
    ]
    assert all(c.category == "wages" for c, _d in wages)


def test_boards_per_grid() -> None:
    response = client_for("maochang").get(reverse("cases:case_boards"))
    assert response.status_code == 200
    assert all(g["grid__code"].startswith(MAOCHANG) for g in response.context["per_grid"])
    county = client_for("county").get(reverse("cases:case_boards"))
    assert county.context["overdue"] and county.context["escalated"]


def test_staff_intake_from_12333_routes_by_address() -> None:
    client = client_for("maochang-a1")  # assistants register cases
    data = complaint_data(
        employer_name="某某不在名录的小作坊", employer_address="", work_address="大方县马场镇街上"
    )
    person = data.pop("complainants")[0]
    response = client.post(
        reverse("cases:case_create"),
        {
            **data,
            **person,
            "channel": "phone",
            "received_on": timezone.localdate().isoformat(),
            "is_dispute": "no",
        },
    )
    assert response.status_code == 302
    case = Case.objects.latest("id")
    assert case.channel == "phone" and case.route_method == "address"
    assert f"/{MACHANG}/" in case.grid_path  # 就近: the work is in 马场镇
    assert case.registered_by == User.objects.get(username="maochang-a1")


def test_platform_referral_needs_its_reference() -> None:
    client = client_for("county")
    data = complaint_data(kind="referral")
    person = data.pop("complainants")[0]
    base = {
        **data,
        **person,
        "channel": "platform",
        "received_on": timezone.localdate().isoformat(),
    }
    response = client.post(reverse("cases:case_create"), base)
    assert response.status_code == 200 and "平台线索编号" in response.content.decode()
    response = client.post(
        reverse("cases:case_create"), {**base, "platform_ref": "QX2026112800001"}
    )
    assert response.status_code == 302
    assert Case.objects.latest("id").platform_ref == "QX2026112800001"


def test_case_page_shows_only_allowed_actions_and_masks_numbers() -> None:
    case = public_case()
    page = client_for("maochang").get(case.get_absolute_url())
    names = [a for a, _label, _p in page.context["actions"]]
    assert names == ["accept", "refuse", "request_correction", "redirect", "link_employer"]
    body = page.content.decode()
    assert "139****0001" in body and "13985710001" not in body
    assert client_for("maochang-a1").get(case.get_absolute_url()).context["actions"] == []
    assert client_for("leader").get(case.get_absolute_url()).context["actions"] == []
    assert client_for("machang").get(case.get_absolute_url()).status_code == 404


def test_illegal_action_by_post_is_refused_with_a_message() -> None:
    case = public_case()
    response = client_for("maochang").post(
        reverse("cases:case_action", args=[case.pk, "close"]), follow=True
    )
    assert "不能执行" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "received"


def test_reveal_is_audited_and_needs_a_reason() -> None:
    case = public_case()
    person = case.complainants.get()
    url = reverse("cases:complainant_reveal", args=[case.pk, person.pk])
    before = AuditEvent.objects.filter(action="pii_reveal").count()
    response = client_for("maochang").post(url, {"field": "phone", "reason": "电话联系投诉人"})
    assert "13985710001" in response.content.decode()
    assert AuditEvent.objects.filter(action="pii_reveal").count() == before + 1
    assert (
        client_for("maochang-a1").post(url, {"field": "phone", "reason": "看看"}).status_code == 403
    )
    assert (
        "13985710001"
        not in client_for("maochang").post(url, {"field": "phone", "reason": ""}).content.decode()
    )


def test_county_reroutes_and_the_clock_is_kept() -> None:
    case = public_case()
    due = case.deadlines.get().due
    response = client_for("maochang").post(
        reverse("cases:case_reroute", args=[case.pk]),
        {"grid": MACHANG, "reason": "实际用工地在马场镇"},
    )
    case.refresh_from_db()
    assert f"/{MAOCHANG}/" in case.grid_path  # a township cannot push a case sideways
    assert response.status_code in (302, 404)
    client_for("county").post(
        reverse("cases:case_reroute", args=[case.pk]),
        {"grid": MACHANG, "reason": "实际用工地在马场镇"},
    )
    case.refresh_from_db()
    assert f"/{MACHANG}/" in case.grid_path
    assert case.deadlines.pending().get().due == due
    step = case.transitions.get(action="reroute")
    assert step.detail["to_grid"] == MACHANG and step.actor == User.objects.get(username="county")
    assert client_for("machang").get(case.get_absolute_url()).status_code == 200


def test_duplicates_are_shown_and_merged_with_all_complainants() -> None:
    first = public_case()
    second = public_case(
        complainants=[
            {"name": "李四", "id_number": make_ric(31, birth="19900202"), "phone": "13985710002"}
        ]
    )
    page = client_for("maochang").get(second.get_absolute_url())
    assert [c.pk for c, _why in page.context["duplicates"]] == [first.pk]
    client_for("maochang").post(
        reverse("cases:case_merge", args=[second.pk]), {"target": first.pk, "reason": "同一事项"}
    )
    second.refresh_from_db()
    assert second.state == "merged" and second.merged_into_id == first.pk
    assert sorted(first.complainants.values_list("name", flat=True)) == ["张三", "李四"]


def test_notifications_page_lists_own_only(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        public_case()
    page = client_for("maochang").get(reverse("notifications:notification_list"))
    assert page.status_code == 200 and "新案件" in page.content.decode()
    client_for("maochang").post(reverse("notifications:notification_read"))
    assert (
        client_for("maochang").get(reverse("notifications:notification_list")).context["unread"]
        == 0
    )


def test_certificates_are_kept_by_the_system_administrator() -> None:
    from laborgrid.cases.models import InspectorCertificate
    from laborgrid.cases.services import is_certified

    url = reverse("cases:certificate_list")
    assert client_for("county").get(url).status_code == 404
    sysadmin = client_for("sysadmin")
    assert sysadmin.get(url).status_code == 200
    sysadmin.post(
        url,
        {
            "username": "maochang",
            "number": "贵劳监证T001",
            "issued_on": "2026-01-01",
            "valid_to": "2029-12-31",
        },
    )
    maochang = User.objects.get(username="maochang")
    assert is_certified(maochang)
    cert = InspectorCertificate.objects.get(number="贵劳监证T001")
    sysadmin.post(reverse("cases:certificate_revoke", args=[cert.pk]))
    assert not is_certified(maochang)
    assert AuditEvent.objects.filter(detail__action="certificate_revoked").exists()


def test_workbench_counts_for_the_home_page() -> None:
    from django.template.loader import render_to_string

    from laborgrid.cases.selectors import workbench

    maochang = workbench(User.objects.get(username="maochang"))
    county = workbench(User.objects.get(username="county"))
    assert maochang is not None and county is not None
    assert 0 < maochang["open"] < county["open"] and county["overdue"] >= maochang["overdue"]
    assert workbench(User.objects.get(username="auditor")) is None
    html = render_to_string("cases/_workbench.html", {"cases": county})
    assert str(county["overdue"]) in html
