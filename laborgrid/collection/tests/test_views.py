"""The collection pages by persona: rounds, progress, export, reassignment, my tasks, the form,
review, problems, photos, the service worker and manifest."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laborgrid.collection.choices import SubmissionStatus, TaskStatus
from laborgrid.collection.demo import DEMO_ROUND
from laborgrid.collection.models import CollectionRound, CollectionTask
from laborgrid.collection.tests.helpers import make_round, submit, task_for
from laborgrid.core.models import Job
from laborgrid.core.tasks import run_job
from laborgrid.employers.models import Employer, LabourSnapshot
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def demo_round() -> CollectionRound:
    return CollectionRound.objects.get(name=DEMO_ROUND)


def test_round_list_and_detail_show_progress() -> None:
    rnd = demo_round()
    task = task_for("maochang-a1")
    sub = submit(task)
    client = client_for("maochang")
    client.post(reverse("collection:submission_approve", args=[sub.pk]))
    body = client.get(reverse("collection:round_list")).content.decode()
    assert DEMO_ROUND in body
    response = client.get(reverse("collection:round_detail", args=[rnd.pk]))
    assert response.status_code == 200
    prog = response.context["progress"]
    assert prog.total.assigned == rnd.tasks.count() and prog.total.done == 1
    township = next(g for g in prog.grids if g.level == 0)
    assert township.counts.assigned == prog.total.assigned
    a1 = next(p for p in prog.people if p.user and p.user.username == "maochang-a1")
    assert a1.counts.done == 1
    # Another township's staff never see this round.
    assert (
        client_for("machang").get(reverse("collection:round_detail", args=[rnd.pk])).status_code
        == 404
    )


def test_round_detail_query_count_does_not_grow_with_tasks() -> None:
    small = make_round("520521102002", opener="maochang", name="小")
    big = demo_round()
    client = client_for("maochang")
    counts = []
    for rnd in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("collection:round_detail", args=[rnd.pk])).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20


def test_open_round_from_the_page_starts_a_job() -> None:
    client = client_for("maochang")
    response = client.post(
        reverse("collection:round_create"),
        {
            "name": "村普查",
            "kind": "census",
            "grid": Grid.objects.get(code=MAOCHANG).pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    rnd = CollectionRound.objects.get(name="村普查")
    assert response["Location"] == rnd.get_absolute_url()
    page = client.get(rnd.get_absolute_url()).content.decode()
    assert "job-progress" in page  # the opener watches the generation's progress bar
    run_job.call(str(rnd.job_id))
    rnd.refresh_from_db()
    assert rnd.status == "open" and rnd.tasks.count() == rnd.tasks_created > 0


def test_assistant_cannot_open_rounds() -> None:
    assert client_for("maochang-a1").get(reverse("collection:round_create")).status_code == 404


def test_progress_export() -> None:
    rnd = demo_round()
    client = client_for("maochang")
    response = client.post(reverse("collection:round_export", args=[rnd.pk]))
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == "succeeded", job.log
    assert job.result_name.endswith(".xlsx")
    from openpyxl import load_workbook

    book = load_workbook(job.result_file.path, read_only=True)
    rows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == MAOCHANG and rows[0][2] == rnd.tasks.count()
    people = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert any(r[0] == "maochang-a1" for r in people)


def test_reassign_page() -> None:
    task = task_for("maochang-a1")
    url = reverse("collection:task_reassign", args=[task.pk])
    assert client_for("maochang-a1").get(url).status_code == 403
    client = client_for("maochang")
    page = client.get(url)
    assert page.status_code == 200
    other = next(
        u for u in page.context["form"].fields["assignee"].queryset if u.username != "maochang-a1"
    )
    response = client.post(url, {"assignee": other.pk, "due_on": "2030-01-31", "reason": "调整"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.assignee_id == other.pk and str(task.due_on) == "2030-01-31"


def test_my_tasks_sorted_by_due_date_then_distance() -> None:
    client = client_for("maochang-a1")
    items = client.get(reverse("collection:my_tasks")).context["items"]
    assert items and all(m.task.assignee.username == "maochang-a1" for m in items)
    assert [m.task.due_on for m in items] == sorted(m.task.due_on for m in items)
    located = [m for m in items if m.task.employer.lat is not None]
    if located:
        here = located[-1].task.employer
        near = client.get(reverse("collection:my_tasks"), {"lat": here.lat, "lng": here.lng})
        first = near.context["items"][0]
        assert first.distance is not None and first.distance < 1
        assert near.context["sorted_by_distance"]


def test_my_tasks_query_count() -> None:
    client = client_for("maochang-a1")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("collection:my_tasks"))
    assert response.status_code == 200
    assert len(ctx) <= 14, [q["sql"][:80] for q in ctx.captured_queries]


def test_form_is_prefilled_and_links_the_pwa() -> None:
    task = task_for("maochang-a1")
    client = client_for("maochang-a1")
    response = client.get(reverse("collection:task_form", args=[task.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'rel="manifest"' in body and "collection/collect.js" in body
    assert f'data-base-snapshot="{task.employer.current_snapshot_id or ""}"' in body
    assert "<script>" not in body  # no inline script (CSP)
    if task.employer.current_snapshot_id:
        snap = LabourSnapshot.objects.get(pk=task.employer.current_snapshot_id)
        assert response.context["form"].initial["employees"] == snap.employees
    assert response.context["can_collect"]
    # Someone else's task opens read-only.
    assert (
        not client_for("maochang")
        .get(reverse("collection:task_form", args=[task.pk]))
        .context["can_collect"]
    )


def test_returned_form_keeps_what_was_typed() -> None:
    task = task_for("maochang-a1")
    sub = submit(task, facts={"employees": 77, "contracts_signed": 70}, contact_name="李四")
    client_for("maochang").post(
        reverse("collection:submission_return", args=[sub.pk]), {"comment": "核对合同人数"}
    )
    response = client_for("maochang-a1").get(reverse("collection:task_form", args=[task.pk]))
    assert response.context["form"].initial["employees"] == 77
    assert "核对合同人数" in response.content.decode()


def test_review_queue_and_decisions() -> None:
    task = task_for("maochang-a1")
    sub = submit(task, facts={"employees": 12, "contracts_signed": 5})
    client = client_for("maochang")
    page = client.get(reverse("collection:review_list"))
    assert sub in page.context["page"].object_list
    # The author does not review their own work; another township never sees it.
    assert (
        sub
        not in client_for("maochang-a1")
        .get(reverse("collection:review_list"))
        .context["page"]
        .object_list
    )
    assert (
        sub
        not in client_for("machang")
        .get(reverse("collection:review_list"))
        .context["page"]
        .object_list
    )
    detail = client.get(reverse("collection:submission_detail", args=[sub.pk]))
    assert detail.context["can_review"]
    problems = client.get(reverse("collection:problem_list"), {"flag": "flag_no_contracts"})
    assert sub in problems.context["page"].object_list
    response = client.post(reverse("collection:submission_approve", args=[sub.pk]))
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.APPROVED
    employer = Employer.objects.get(pk=task.employer_id)
    assert employer.employees == 12 and employer.flag_no_contracts
    archive = client.get(employer.get_absolute_url()).content.decode()
    assert "实地采集" in archive  # the new snapshot on the archive timeline


def test_return_needs_a_comment() -> None:
    sub = submit(task_for("maochang-a1"))
    client = client_for("maochang")
    client.post(reverse("collection:submission_return", args=[sub.pk]), {"comment": ""})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.PENDING
    client.post(reverse("collection:submission_return", args=[sub.pk]), {"comment": "照片不清"})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.RETURNED
    assert CollectionTask.objects.get(pk=sub.task_id).status == TaskStatus.RETURNED


def test_photo_only_through_the_checked_view() -> None:
    from laborgrid.accounts.models import User
    from laborgrid.collection import photos

    sub = submit(task_for("maochang-a1"))
    photo, _created = photos.add_photo(
        actor=User.objects.get(username="maochang-a1"),
        submission=sub,
        kind="roster",
        content=b"\x89PNG\r\n\x1a\n" + b"0" * 32,
        content_type="image/png",
    )
    url = reverse("collection:photo", args=[photo.pk])
    response = client_for("maochang").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == b"\x89PNG\r\n\x1a\n" + b"0" * 32
    with photo.file.open("rb") as fh:  # encrypted at rest: the file is not the image
        assert b"PNG" not in fh.read()
    assert "no-store" in response["Cache-Control"]
    from laborgrid.audit.models import AuditAction, AuditEvent

    seen = AuditEvent.objects.get(action=AuditAction.FILE_DOWNLOADED, object_id=str(photo.pk))
    assert seen.username == "maochang" and seen.detail["kind"] == "photo"  # issue 21 item 7
    assert client_for("machang").get(url).status_code == 404
    page = client_for("maochang").get(sub.get_absolute_url()).content.decode()
    assert url in page and photo.file.name not in page  # never linked from MEDIA_URL


def test_service_worker_and_manifest() -> None:
    import re

    from django.test import Client

    client = Client()
    sw = client.get(reverse("core:service_worker"))
    assert sw.status_code == 200
    assert sw["Content-Type"].startswith("application/javascript")
    assert sw["Service-Worker-Allowed"] == "/"
    body = sw.content.decode()
    assert "/static/collection/collect.js" in body and "lg-shell-" in body
    # The collection pages registered for offline use are answered from the cache offline.
    found = re.search(r"var PAGES = (\[.*?\])\.map", body)
    assert found is not None
    patterns = json.loads(found.group(1))
    form = reverse("collection:task_form", args=[1])
    assert any(re.search(p, form) for p in patterns)
    assert not any(re.search(p, reverse("collection:round_list")) for p in patterns)
    manifest = client.get(reverse("collection:manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["start_url"] == reverse("collection:my_tasks")


def test_machang_task_is_not_found_for_maochang() -> None:
    rnd = make_round(MACHANG, opener="machang")
    task = rnd.tasks.first()
    assert task is not None
    for name in ("maochang", "maochang-a1"):
        assert (
            client_for(name).get(reverse("collection:task_form", args=[task.pk])).status_code == 404
        )


def test_new_employer_found_in_the_field_becomes_my_task() -> None:
    from laborgrid.employers.choices import RegisterSource

    client = client_for("maochang-a1")
    village = Grid.objects.get(code="520521102002")
    data = {
        "name": "猫场镇新发现农家乐",
        "employer_type": "individual",
        "industry": "H",
        "status": "operating",
        "address": "猫场镇某村",
        "grid": village.code,
    }
    response = client.post(reverse("collection:field_employer_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    employer = Employer.objects.get(name="猫场镇新发现农家乐")
    assert set(employer.sources.values_list("source", flat=True)) == {RegisterSource.FIELD}
    task = CollectionTask.objects.get(employer=employer)
    assert task.assignee is not None and task.assignee.username == "maochang-a1"
    assert task.round.name == DEMO_ROUND
    assert response["Location"] == task.get_absolute_url()
    # The registry's duplicate check: the same name again is refused until confirmed.
    again = client.post(reverse("collection:field_employer_create"), data)
    assert again.status_code == 200 and again.context["duplicates"]


@pytest.mark.parametrize("name", ["collection:review_list", "collection:problem_list"])
def test_review_and_problem_lists_query_count(name: str) -> None:
    from laborgrid.collection.models import CollectionTask as Task

    client = client_for("maochang")
    open_tasks = list(
        Task.objects.filter(assignee__username="maochang-a1", status="open")
        .select_related("employer", "round")
        .order_by("id")[:4]
    )
    submit(open_tasks[0], facts={"employees": 10, "contracts_signed": 2})
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(name)).status_code == 200
    for t in open_tasks[1:]:
        submit(t, facts={"employees": 10, "contracts_signed": 2})
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse(name))
    assert len(response.context["page"].object_list) >= 4
    assert len(one) == len(four), [q["sql"][:90] for q in four.captured_queries]


def test_home_page_shows_what_waits_for_the_person() -> None:
    """The assistant's first screen counts their open tasks; the squadron's, what to review."""
    from laborgrid.collection.models import CollectionTask as Task

    page = client_for("maochang-a1").get("/")
    mine = Task.objects.filter(assignee__username="maochang-a1", round__status="open")
    assert page.context["collection"]["open"] == mine.exclude(status="done").count() > 0
    assert reverse("collection:my_tasks") in page.content.decode()
    task = mine.exclude(status="done").order_by("id").first()
    assert task is not None
    submit(task, facts={"employees": 10, "contracts_signed": 2})
    assert client_for("maochang").get("/").context["collection"]["to_review"] == 1


def test_the_sign_in_page_clears_the_previous_users_cached_pages() -> None:
    """Signing out leads to the sign-in page, whose script drops the offline app's page cache
    (the drafts in IndexedDB stay with their owner)."""
    from django.test import Client

    html = Client().get(reverse("accounts:login")).content.decode()
    assert "collection/signout.js" in html


def test_my_tasks_show_kilometres_not_metres_labelled_km() -> None:
    """Issue 23: a shop 1.4 km away was listed as "1431.7 公里"."""
    client = client_for("maochang-a1")
    items = client.get(reverse("collection:my_tasks")).context["items"]
    here = next(m.task.employer for m in items if m.task.employer.lat is not None)
    # 0.0126° of latitude is about 1.4 km
    response = client.get(
        reverse("collection:my_tasks"), {"lat": here.lat + 0.0126, "lng": here.lng}
    )
    body = response.content.decode()
    assert "1.4 公里" in body
    assert not any(
        f"{m.distance:.1f} 公里" in body for m in response.context["items"] if m.distance
    )


def test_the_leader_is_not_offered_to_register_a_field_employer() -> None:
    """Issue 23: 发现新单位 answered the read-only leader with a 404."""
    url = reverse("collection:field_employer_create")
    assert url not in client_for("leader").get(reverse("collection:my_tasks")).content.decode()
    assert url in client_for("maochang-a1").get(reverse("collection:my_tasks")).content.decode()


def test_the_form_is_in_sections_with_a_nav_and_returns_to_the_list() -> None:
    """Issue 23: five screens with no sections, and 保存并提交 stayed on the form."""
    task = task_for("maochang-a1")
    body = client_for("maochang-a1").get(reverse("collection:task_form", args=[task.pk]))
    html = body.content.decode()
    assert 'class="lg-section-nav' in html
    sections = len(body.context["form"].sections())
    assert sections >= 5
    for n in range(1, sections + 1):
        assert f'href="#lg-section-{n}"' in html and f'id="lg-section-{n}"' in html
    assert f'data-tasks-url="{reverse("collection:my_tasks")}"' in html
    tasks = client_for("maochang-a1").get(reverse("collection:my_tasks")).content.decode()
    assert 'id="lg-saved-msg"' in tasks
