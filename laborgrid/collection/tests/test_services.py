"""Rounds, generation, assignment, submission, conflicts, review (issue 5 §1, §3, §6)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.collection import photos, services
from laborgrid.collection.choices import (
    Outcome,
    Priority,
    RoundKind,
    RoundStatus,
    SubmissionStatus,
    TaskStatus,
)
from laborgrid.collection.demo import DEMO_ROUND
from laborgrid.collection.generate import employers_in_scope, generate_tasks
from laborgrid.collection.models import CollectionRound, CollectionTask, Submission
from laborgrid.collection.tests.helpers import FACTS, make_round, submit, task_for
from laborgrid.core.models import Job
from laborgrid.core.tasks import run_job
from laborgrid.employers.choices import CollectionMethod
from laborgrid.employers.models import Employer, LabourSnapshot
from laborgrid.grids.models import Grid
from laborgrid.testing.employers import make_employer, make_snapshot
from laborgrid.testing.personas import MACHANG, MAOCHANG, MAOCHANG_VILLAGE

pytestmark = pytest.mark.django_db


def user(name: str) -> User:
    return User.objects.get(username=name)


# --- rounds and generation -------------------------------------------------------------------


def test_demo_round_gives_maochang_a1_tasks() -> None:
    rnd = CollectionRound.objects.get(name=DEMO_ROUND)
    assert rnd.status == RoundStatus.OPEN
    assert rnd.tasks.filter(assignee__username="maochang-a1").exists()
    # Every task lies in 猫场镇 and the round covered the due employers: those still due now
    # all have a task (others have been updated since by a visit or a written review).
    assert not rnd.tasks.exclude(grid_path__startswith=rnd.grid_path).exists()
    assert rnd.tasks.count() == rnd.tasks_created
    tasked = set(rnd.tasks.values_list("employer_id", flat=True))
    due = set(employers_in_scope(rnd).values_list("pk", flat=True))
    assert due and due <= tasked


def test_open_round_runs_generation_as_a_job() -> None:
    grid = Grid.objects.get(code=MAOCHANG)
    from django.utils import timezone

    today = timezone.localdate()
    rnd = services.open_round(
        actor=user("maochang"),
        name="猫场镇普查",
        kind=RoundKind.CENSUS,
        grid=grid,
        starts_on=today,
        ends_on=today,
    )
    assert rnd.status == RoundStatus.GENERATING and rnd.job is not None
    run_job.call(str(rnd.job.pk))
    rnd.refresh_from_db()
    job = Job.objects.get(pk=rnd.job.pk)
    assert job.status == "succeeded", job.log
    assert rnd.status == RoundStatus.OPEN
    assert rnd.tasks_created == employers_in_scope(rnd).count() > 0
    assert job.done == job.total == rnd.tasks_created


def test_only_county_or_township_leaders_open_rounds() -> None:
    from django.utils import timezone

    today = timezone.localdate()
    kwargs: dict[str, Any] = {
        "name": "x",
        "kind": RoundKind.CENSUS,
        "starts_on": today,
        "ends_on": today,
    }
    with pytest.raises(PermissionDenied):  # an assistant collects, does not open rounds
        services.open_round(
            actor=user("maochang-a1"), grid=Grid.objects.get(code=MAOCHANG), **kwargs
        )
    with pytest.raises(PermissionDenied):  # another township's grid
        services.open_round(actor=user("maochang"), grid=Grid.objects.get(code=MACHANG), **kwargs)
    with pytest.raises(PermissionDenied):
        services.open_round(actor=user("leader"), grid=Grid.objects.get(code=MAOCHANG), **kwargs)
    with pytest.raises(ValidationError) as exc:
        services.open_round(
            actor=user("county"),
            grid=Grid.objects.get(code=MAOCHANG),
            **{**kwargs, "ends_on": today.replace(year=today.year - 1)},
        )
    assert "ends_on" in exc.value.message_dict


def test_never_collected_and_stale_come_first_and_assignment_is_balanced() -> None:
    village = Grid.objects.get(code=MAOCHANG_VILLAGE)
    fresh = make_employer(MAOCHANG_VILLAGE, name="新鲜数据有限公司")
    make_snapshot(fresh)
    never = make_employer(MAOCHANG_VILLAGE, name="从未采集有限公司")
    rnd = make_round(MAOCHANG_VILLAGE, opener="maochang")
    tasks = list(rnd.tasks.order_by("id"))
    by_employer = {t.employer_id: t for t in tasks}
    assert by_employer[never.pk].priority == Priority.NEVER
    assert by_employer[fresh.pk].priority == Priority.FRESH
    # Created in priority order: never-collected before fresh.
    assert tasks.index(by_employer[never.pk]) < tasks.index(by_employer[fresh.pk])
    # Only this village's collectors (or the nearest grid above with some) get its tasks.
    staff = set(
        GridAssignment.objects.current()
        .filter(grid=village, role__in=("assistant", "grid_officer"))
        .values_list("user_id", flat=True)
    )
    assert staff and {t.assignee_id for t in tasks} <= staff
    loads = [rnd.tasks.filter(assignee_id=u).count() for u in staff]
    assert max(loads) - min(loads) <= 1


def test_generation_is_set_based(django_assert_max_num_queries: object) -> None:
    rnd = CollectionRound.objects.create(
        name="县普查",
        kind=RoundKind.CENSUS,
        grid=Grid.objects.get(code="520521"),
        grid_path=Grid.objects.get(code="520521").path,
        starts_on="2026-01-01",
        ends_on="2026-12-31",
        opened_by=user("county"),
    )
    n = employers_in_scope(rnd).count()
    assert n > 2000  # more than one chunk
    # Inserts go in batches (SQLite caps the parameters of one statement): far below a query
    # per employer.
    with django_assert_max_num_queries(n // 40):  # type: ignore[operator]
        created = generate_tasks(rnd)
    assert created == n == rnd.tasks.count()


def test_targeted_round_lists_its_employers() -> None:
    from django.utils import timezone

    e = make_employer(MAOCHANG_VILLAGE)
    other = make_employer(MACHANG, actor="county")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.open_round(
            actor=user("maochang"),
            name="名单",
            kind=RoundKind.TARGETED,
            grid=Grid.objects.get(code=MAOCHANG),
            starts_on=today,
            ends_on=today,
            filters={"employer_ids": [e.pk, other.pk]},
        )
    assert "employer_ids" in exc.value.message_dict
    rnd = services.open_round(
        actor=user("maochang"),
        name="名单",
        kind=RoundKind.TARGETED,
        grid=Grid.objects.get(code=MAOCHANG),
        starts_on=today,
        ends_on=today,
        filters={"employer_ids": [e.pk]},
    )
    generate_tasks(rnd)
    assert list(rnd.tasks.values_list("employer_id", flat=True)) == [e.pk]


def test_reassign_is_checked_and_audited() -> None:
    from laborgrid.audit.models import AuditEvent

    task = task_for("maochang-a1")
    other = (
        GridAssignment.objects.current()
        .filter(grid__path__in=[task.grid.path, Grid.objects.get(code=MAOCHANG).path])
        .filter(role="assistant")
        .exclude(user__username="maochang-a1")
        .first()
    )
    assert other is not None
    with pytest.raises(PermissionDenied):
        services.reassign_task(actor=user("maochang-a1"), task=task, assignee=other.user)
    with pytest.raises(ValidationError):  # 马场镇 staff cannot take a 猫场镇 task
        services.reassign_task(actor=user("maochang"), task=task, assignee=user("machang"))
    services.reassign_task(actor=user("maochang"), task=task, assignee=other.user, reason="请假")
    task.refresh_from_db()
    assert task.assignee_id == other.user_id
    event = AuditEvent.objects.filter(action="collection_task_reassigned").latest("id")
    assert event.detail["reason"] == "请假"


# --- submissions -----------------------------------------------------------------------------


def test_submission_is_idempotent_by_client_uuid() -> None:
    task = task_for("maochang-a1")
    key = uuid.uuid4()
    first = submit(task, client_uuid=key)
    again, created = services.submit(
        actor=user("maochang-a1"),
        task=task,
        client_uuid=key,
        outcome="collected",
        data=FACTS,
        base_snapshot_id=task.employer.current_snapshot_id,
    )
    assert not created and again.pk == first.pk
    assert Submission.objects.filter(task=task).count() == 1
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED


def test_submission_reuses_the_registry_rules() -> None:
    task = task_for("maochang-a1")
    with pytest.raises(ValidationError) as exc:
        submit(task, facts={"employees": 5, "contracts_signed": 9, "insured_pension": 7})
    errors = exc.value.message_dict
    assert "contracts_signed" in errors and "insured_pension" in errors
    with pytest.raises(ValidationError) as exc:
        submit(task, contact_confirmed=False)
    assert "contact_name" in exc.value.message_dict
    assert not Submission.objects.filter(task=task).exists()


def test_only_the_assignee_submits() -> None:
    task = task_for("maochang-a1")
    with pytest.raises(PermissionDenied):
        submit(task, username="maochang")


def test_problems_are_flagged() -> None:
    task = task_for("maochang-a1")
    sub = submit(
        task,
        facts={
            "employees": 10,
            "contracts_signed": 6,
            "lowest_monthly_wage": "1000",
            "arrears": True,
            "arrears_amount": "5000",
            "insured_pension": 10,
            "insured_medical": 10,
            "insured_injury": 2,
        },
    )
    assert sub.flag_no_contracts and sub.flag_below_min_wage and sub.flag_arrears
    assert sub.flag_uninsured
    assert len(sub.problems) == 4


def test_a_changed_record_is_a_conflict_field_by_field() -> None:
    task = task_for("maochang-a1")
    base = task.employer.current_snapshot_id
    make_snapshot(task.employer, actor="maochang", employees=33, contracts_signed=30)
    with pytest.raises(services.Conflict) as exc:
        submit(task, base_snapshot_id=base)
    fields = {f["field"]: f for f in exc.value.fields}
    assert fields["employees"]["mine"] == 20 and fields["employees"]["server"] == 33
    assert fields["employees"]["changed_on_server"]
    assert not Submission.objects.filter(task=task).exists()  # nothing stored, nothing lost
    # Resolved on the new base, it goes through.
    task.employer.refresh_from_db()
    sub = submit(task, base_snapshot_id=task.employer.current_snapshot_id)
    assert sub.status == SubmissionStatus.PENDING


def test_gps_distance_from_the_registered_location() -> None:
    task = task_for("maochang-a1")
    e = task.employer
    Employer.objects.filter(pk=e.pk).update(lat=27.1, lng=105.6)
    sub = submit(task, gps_lat=27.11, gps_lng=105.6, gps_accuracy=12.0)
    assert sub.gps_distance is not None and 1000 < sub.gps_distance < 1200


# --- review ----------------------------------------------------------------------------------


def test_approval_records_the_snapshot_through_the_registry() -> None:
    task = task_for("maochang-a1")
    sub = submit(task, facts={"employees": 21, "contracts_signed": 21}, gps_lat=27.1, gps_lng=105.6)
    with pytest.raises(PermissionDenied):  # the author never reviews their own submission
        services.approve(actor=user("maochang-a1"), submission=sub)
    with pytest.raises(PermissionDenied):
        services.approve(actor=user("machang"), submission=sub)
    services.approve(actor=user("maochang"), submission=sub)
    sub.refresh_from_db()
    task.refresh_from_db()
    employer = Employer.objects.get(pk=task.employer_id)
    snap = sub.snapshot
    assert snap is not None
    assert employer.current_snapshot_id == snap.pk and employer.employees == 21
    assert snap.method == CollectionMethod.FIELD_VISIT
    assert snap.collector_id == user("maochang-a1").pk and snap.gps_lat == 27.1
    assert task.status == TaskStatus.DONE and task.outcome == Outcome.COLLECTED
    with pytest.raises(ValidationError):
        services.approve(actor=user("maochang"), submission=sub)


def test_return_then_resubmit() -> None:
    task = task_for("maochang-a1")
    sub = submit(task)
    with pytest.raises(ValidationError):
        services.return_submission(actor=user("maochang"), submission=sub, comment=" ")
    services.return_submission(actor=user("maochang"), submission=sub, comment="人数不对")
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED
    again = submit(task, facts={"employees": 22, "contracts_signed": 22})
    assert again.pk != sub.pk and again.status == SubmissionStatus.PENDING


def test_approval_refused_when_the_record_changed_after_submission() -> None:
    task = task_for("maochang-a1")
    sub = submit(task)
    make_snapshot(task.employer, actor="maochang")
    with pytest.raises(ValidationError):
        services.approve(actor=user("maochang"), submission=sub)


def test_refusal_outcome_counts_without_a_snapshot() -> None:
    task = task_for("maochang-a1")
    before = LabourSnapshot.objects.count()
    sub = submit(task, outcome="refused", contact_confirmed=False, contact_name="")
    services.approve(actor=user("maochang"), submission=sub)
    task.refresh_from_db()
    assert task.outcome == Outcome.REFUSED and LabourSnapshot.objects.count() == before
    from laborgrid.employers.timeline import timeline

    entries = [e for e in timeline(task.employer) if e.kind == "visit"]
    assert entries and entries[0].url == sub.get_absolute_url()
    with pytest.raises(ValidationError):
        submit(task_for("maochang-a1"), outcome="moved", outcome_note="")


def test_photo_checks_content_and_size() -> None:
    task = task_for("maochang-a1")
    sub = submit(task)
    jpeg = b"\xff\xd8\xff\xe0" + b"0" * 100
    with pytest.raises(ValidationError):
        photos.add_photo(
            actor=user("maochang-a1"),
            submission=sub,
            kind="licence",
            content=b"<html>",
            content_type="image/jpeg",
        )
    with pytest.raises(ValidationError):
        photos.add_photo(
            actor=user("maochang-a1"),
            submission=sub,
            kind="licence",
            content=jpeg + b"0" * (3 * 1024 * 1024),
            content_type="image/jpeg",
        )
    with pytest.raises(PermissionDenied):
        photos.add_photo(
            actor=user("maochang"),
            submission=sub,
            kind="licence",
            content=jpeg,
            content_type="image/jpeg",
        )
    _photo, created = photos.add_photo(
        actor=user("maochang-a1"),
        submission=sub,
        kind="licence",
        content=jpeg,
        content_type="image/jpeg",
    )
    assert created
    _same, created = photos.add_photo(
        actor=user("maochang-a1"),
        submission=sub,
        kind="licence",
        content=jpeg,
        content_type="image/jpeg",
    )
    assert not created


def test_closed_round_takes_no_submissions() -> None:
    task = task_for("maochang-a1")
    services.close_round(actor=user("maochang"), rnd=task.round)
    task.round.refresh_from_db()
    task = CollectionTask.objects.select_related("round", "employer").get(pk=task.pk)
    with pytest.raises(services.AlreadySubmitted):
        submit(task)
