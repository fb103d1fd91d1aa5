"""Issue 19's done-when, end to end through the pages a person uses:

maochang-a1 reports 30 workers blocking a site gate from a phone that is offline at first (the
report is queued on the phone and sent when it syncs; the sync is retried with the same key);
within the sync's request the squadron leader and the brigade see it with its level; the 2-hour
initial report goes overdue and escalates; the incident closes with wages paid and shows on the
employer's archive.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.deadlines.models import Deadline
from laborgrid.deadlines.services import escalate_overdue
from laborgrid.employers.choices import Industry
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.incidents.models import Incident
from laborgrid.incidents.notifier import LoggingAlerter
from laborgrid.notifications.models import Notification
from laborgrid.testing.personas import MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def _site_employer() -> Employer:
    employer = (
        Employer.objects.filter(
            grid_path__under=Grid.objects.get(code=MAOCHANG).path, industry=Industry.E
        )
        .order_by("-id")
        .first()
    )
    assert employer is not None, "the demo has a construction employer in 猫场镇"
    return employer


def test_the_done_when_scenario(django_capture_on_commit_callbacks: Any) -> None:
    employer = _site_employer()
    key = str(uuid.uuid4())
    queued_at = timezone.localtime() - dt.timedelta(minutes=20)  # typed while offline
    form = {
        "client_key": key,
        "grid": MAOCHANG,
        "place": "项目工地大门",
        "employer": str(employer.pk),
        "employer_name": employer.name,
        "people": "30",
        "acts": ["blocking_site"],
        "demands": "支付拖欠的三个月工资",
        "actions_taken": "劝导工人派代表协商",
        "occurred_at": queued_at.strftime("%Y-%m-%dT%H:%M"),
    }
    a1 = client_for("maochang-a1")
    assert a1.get(reverse("incidents:incident_report")).status_code == 200

    # The phone comes back online and syncs the queued report.
    with django_capture_on_commit_callbacks(execute=True):
        first = a1.post(reverse("incidents:incident_report"), form)
    assert first.status_code == 302
    incident = Incident.objects.get(client_key=key)
    assert first["Location"] == incident.get_absolute_url()
    # The connection dropped before the answer arrived: the phone sends the same report again.
    with django_capture_on_commit_callbacks(execute=True):
        again = a1.post(reverse("incidents:incident_report"), form)
    assert again["Location"] == incident.get_absolute_url()
    assert Incident.objects.filter(client_key=key).count() == 1

    # Graded from the configured levels: 30 people reaches Ⅱ级 (seeded default).
    assert incident.level.code == "II"
    assert incident.reported_by.username == "maochang-a1"
    assert incident.occurred_at < incident.reported_at

    # The chain sees it at once, with its level: squadron leader, brigade, bureau leader.
    for username in ("maochang", "county", "leader"):
        note = Notification.objects.filter(
            user__username=username, url=incident.get_absolute_url()
        ).first()
        assert note is not None, username
        assert incident.level.name in note.title
        page = client_for(username).get(reverse("incidents:incident_list"))
        assert incident.reference in page.content.decode()
        assert incident.level.name in page.content.decode()
    assert not Notification.objects.filter(
        user__username="machang", url=incident.get_absolute_url()
    ).exists()
    assert LoggingAlerter.sent[-1][0] == incident.reference
    assert {"maochang", "county", "leader"} <= set(LoggingAlerter.sent[-1][1])

    # The 2-hour initial report is not made: it goes overdue and escalates, once.
    initial = Deadline.objects.for_object(incident).get(kind="incidents.initial_report")
    assert initial.unit == "hours" and initial.amount == 2
    assert initial.due_at == incident.reported_at + dt.timedelta(hours=2)
    later = incident.reported_at + dt.timedelta(hours=2, minutes=5)
    early = incident.reported_at + dt.timedelta(hours=1)
    mine = lambda run: [  # noqa: E731 - this incident's deadlines (other models share ids)
        e.deadline.pk
        for e in run
        if e.deadline.object_id == incident.pk and e.deadline.kind.startswith("incidents.")
    ]
    assert mine(escalate_overdue(now=early, today=timezone.localdate(early), model=Incident)) == []
    with django_capture_on_commit_callbacks(execute=True):
        done = escalate_overdue(now=later, today=timezone.localdate(later), model=Incident)
    assert mine(done) == [initial.pk]
    assert mine(escalate_overdue(now=later, today=timezone.localdate(later))) == []
    incident.refresh_from_db()
    assert incident.escalated
    for username in ("maochang", "county", "leader"):
        assert Notification.objects.filter(
            user__username=username, title__contains="报告超时", url=incident.get_absolute_url()
        ).exists(), username
    detail = client_for("county").get(incident.get_absolute_url()).content.decode()
    assert "报告超时，已督办" in detail

    # The squadron handles it: initial report (late), who went, departments, wages paid.
    squad = client_for("maochang")
    url = reverse("incidents:incident_update", args=[incident.pk])
    assert squad.post(url, {"kind": "initial_report", "text": "已到场处置"}).status_code == 302
    a1_id = str(User.objects.get(username="maochang-a1").pk)
    me_id = str(User.objects.get(username="maochang").pk)
    assert (
        squad.post(
            url, {"kind": "arrival", "staff": [me_id, a1_id], "text": "中队到场"}
        ).status_code
        == 302
    )
    assert (
        squad.post(
            url, {"kind": "departments", "departments": ["public_security", "housing"]}
        ).status_code
        == 302
    )
    bad = squad.post(url, {"kind": "wages_paid", "amount_paid": "120000"})
    assert bad.status_code == 422
    assert "请填写获付工资的人数。" in bad.content.decode()
    ok = squad.post(
        url,
        {"kind": "wages_paid", "amount_paid": "120000", "workers_paid": "30", "text": "现场支付"},
    )
    assert ok.status_code == 302
    settle = reverse("incidents:incident_settle", args=[incident.pk])
    assert squad.post(settle, {"outcome": "工资已全部支付，工人散去"}).status_code == 302
    close = reverse("incidents:incident_close", args=[incident.pk])
    squad.post(close)
    incident.refresh_from_db()
    assert incident.status == "settled"  # not before the final report
    assert squad.post(url, {"kind": "final_report", "text": "事件已妥善处置"}).status_code == 302
    assert squad.post(close).status_code == 302
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert incident.wages_paid == 120000 and incident.workers_paid == 30
    assert not Deadline.objects.for_object(incident).pending().exists()

    # On the employer's archive, with the wages paid.
    archive = client_for("maochang").get(employer.get_absolute_url()).content.decode()
    assert incident.reference in archive
    assert "120000" in archive

    # The closing report prints.
    pdf = squad.get(reverse("incidents:incident_pdf", args=[incident.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_report_form_works_with_the_offline_form_script() -> None:
    """The page is one the field service worker keeps (precached for those who may report); its
    form is marked for the offline queue and carries no key of its own (each page load gets a
    fresh one from the script); a queued report sent twice is one incident; a form that does not
    validate answers 422 with the messages per field."""
    a1 = client_for("maochang-a1")
    page = a1.get(reverse("incidents:incident_report")).content.decode()
    assert 'data-lg-offline="incident-report"' in page
    assert 'name="client_key"' in page and 'name="client_key" value' not in page
    assert "laborgrid/offline-form.js" in page
    sw = a1.get(reverse("core:service_worker")).content.decode()
    assert '"/incidents/report/"' in sw  # precached for an assistant who may report
    key = str(uuid.uuid4())
    form = {"client_key": key, "grid": MAOCHANG, "employer_name": "某项目", "people": "8"}
    first = a1.post(reverse("incidents:incident_report"), form, HTTP_X_LG_OFFLINE="1")
    assert first.status_code == 200 and first.json()["ok"]
    again = a1.post(reverse("incidents:incident_report"), form, HTTP_X_LG_OFFLINE="1")
    assert again.json()["url"] == first.json()["url"]
    assert Incident.objects.filter(client_key=key).count() == 1
    bad = a1.post(
        reverse("incidents:incident_report"),
        {**form, "client_key": str(uuid.uuid4()), "people": ""},
        HTTP_X_LG_OFFLINE="1",
    )
    assert bad.status_code == 422 and "people" in bad.json()["errors"]
    # Without the script (no key from it), the page's own key keeps a double post to one report.
    server_key = str(uuid.uuid4())
    plain = {**form, "client_key": "", "server_key": server_key}
    a1.post(reverse("incidents:incident_report"), plain)
    a1.post(reverse("incidents:incident_report"), plain)
    assert Incident.objects.filter(client_key=server_key).count() == 1
