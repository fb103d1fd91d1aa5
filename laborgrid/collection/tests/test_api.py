"""``/api/v1/collection``: my tasks, idempotent submissions, 409 conflicts, photos (issue 5 §8)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.collection.models import Submission
from laborgrid.collection.tests.helpers import FACTS, make_round, task_for
from laborgrid.testing.employers import make_snapshot
from laborgrid.testing.personas import MACHANG

pytestmark = pytest.mark.django_db

TASKS = "/api/v1/collection/tasks"
SUBMISSIONS = "/api/v1/collection/submissions"


def api(username: str) -> tuple[Client, dict[str, Any]]:
    raw, _token = issue_token(user=User.objects.get(username=username))
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def body(task: Any, **extra: Any) -> dict[str, Any]:
    return {
        "client_uuid": str(uuid.uuid4()),
        "task": task.pk,
        "outcome": "collected",
        "data": FACTS,
        "base_snapshot": task.employer.current_snapshot_id,
        "base_version": task.employer.version,
        "contact_name": "陈德海",
        "contact_confirmed": True,
        **extra,
    }


def post(client: Client, headers: dict[str, Any], data: dict[str, Any]) -> Any:
    return client.post(SUBMISSIONS, json.dumps(data), content_type="application/json", **headers)


def test_my_tasks() -> None:
    client, h = api("maochang-a1")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(TASKS, {"mine": 1}, **h)
    assert response.status_code == 200
    items = response.json()["items"]
    assert items and response.json()["count"] == len(items)
    assert len(ctx) <= 9  # token, user, scope, tasks, returned, snapshots: not per task
    dues = [i["due_on"] for i in items]
    assert dues == sorted(dues)
    first = items[0]
    assert first["form_url"].endswith(f"/tasks/{first['id']}/form/")
    assert "base_snapshot" in first and "base_version" in first
    with_base = [i for i in items if i["base_snapshot"]]
    assert all(i["prefill"]["employees"] is not None for i in with_base)
    located = [i for i in items if i["lat"] is not None]
    if located:
        near = client.get(
            TASKS, {"mine": 1, "lat": located[-1]["lat"], "lng": located[-1]["lng"]}, **h
        )
        assert near.json()["items"][0]["distance_m"] < 1
    # Nobody else's tasks.
    client2, h2 = api("maochang")
    assert all(
        i["id"] not in {x["id"] for x in items} for i in client2.get(TASKS, **h2).json()["items"]
    )


def test_submission_is_idempotent() -> None:
    task = task_for("maochang-a1")
    client, h = api("maochang-a1")
    data = body(task)
    first = post(client, h, data)
    assert first.status_code == 201, first.json()
    again = post(client, h, data)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Submission.objects.filter(task=task).count() == 1
    # A different submission for the task while one awaits review: 409 with a reason.
    other = post(client, h, body(task))
    assert other.status_code == 409 and other.json()["detail"]


def test_conflict_answers_both_versions() -> None:
    task = task_for("maochang-a1")
    data = body(task)
    make_snapshot(task.employer, actor="maochang", employees=31, contracts_signed=31)
    client, h = api("maochang-a1")
    response = post(client, h, data)
    assert response.status_code == 409
    conflict = response.json()
    fields = {f["field"]: f for f in conflict["fields"]}
    assert fields["employees"]["mine"] == 20 and fields["employees"]["server"] == 31
    assert conflict["server"]["snapshot"] != data["base_snapshot"]
    assert conflict["server"]["values"]["employees"] == 31
    assert conflict["mine"]["employees"] == 20
    assert not Submission.objects.filter(client_uuid=data["client_uuid"]).exists()
    # Resolved (server's count kept) on the new base, the same UUID goes through.
    data["data"] = {**FACTS, "employees": 31, "contracts_signed": 31}
    data["base_snapshot"] = conflict["server"]["snapshot"]
    assert post(client, h, data).status_code == 201


def test_invalid_facts_answer_422_per_field() -> None:
    task = task_for("maochang-a1")
    client, h = api("maochang-a1")
    response = post(client, h, body(task, data={"employees": 3, "contracts_signed": 9}))
    assert response.status_code == 422
    assert "contracts_signed" in response.json()["errors"]


def test_other_township_task_is_not_found() -> None:
    rnd = make_round(MACHANG, opener="machang")
    task = rnd.tasks.select_related("employer").first()
    assert task is not None
    client, h = api("maochang-a1")
    response = post(client, h, body(task))
    assert response.status_code == 404 and response.json() == {"detail": "未找到"}


def test_leader_cannot_submit() -> None:
    task = task_for("maochang-a1")
    client, h = api("leader")
    assert post(client, h, body(task)).status_code == 403


def test_photo_upload() -> None:
    task = task_for("maochang-a1")
    client, h = api("maochang-a1")
    sub = post(client, h, body(task)).json()
    url = f"{SUBMISSIONS}/{sub['id']}/photos/licence"
    jpeg = b"\xff\xd8\xff\xe0" + b"1" * 200
    response = client.post(url, {"file": SimpleUploadedFile("a.jpg", jpeg, "image/jpeg")}, **h)
    assert response.status_code == 201, response.json()
    assert response.json()["size"] == len(jpeg)
    again = client.post(url, {"file": SimpleUploadedFile("a.jpg", jpeg, "image/jpeg")}, **h)
    assert again.status_code == 200
    bad = client.post(url, {"file": SimpleUploadedFile("a.jpg", b"<svg/>", "image/jpeg")}, **h)
    assert bad.status_code == 422
    assert (
        client.post(
            f"{SUBMISSIONS}/{sub['id']}/photos/selfie",
            {"file": SimpleUploadedFile("a.jpg", jpeg, "image/jpeg")},
            **h,
        ).status_code
        == 404
    )
    other, h2 = api("maochang")
    assert (
        other.post(url, {"file": SimpleUploadedFile("a.jpg", jpeg, "image/jpeg")}, **h2).status_code
        == 403
    )
    assert post(client, h, body(task, client_uuid=sub["client_uuid"])).json()["photos"] == [
        "licence"
    ]


def test_a_refused_photo_leaves_the_typed_record_saved() -> None:
    """Issue 21 item 9, checked for field collection: the record is saved before its photos, so a
    refused photo (422 naming only the file) loses nothing; the phone keeps the item to fix it."""
    task = task_for("maochang-a1")
    client, h = api("maochang-a1")
    sent = body(task)
    sub = post(client, h, sent).json()
    url = f"{SUBMISSIONS}/{sub['id']}/photos/roster"
    bad = client.post(url, {"file": SimpleUploadedFile("a.jpg", b"GIF89a....", "image/jpeg")}, **h)
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["file"]
    kept = post(client, h, body(task, client_uuid=sub["client_uuid"]))
    assert kept.status_code == 200 and kept.json()["id"] == sub["id"]
    assert kept.json()["photos"] == []
