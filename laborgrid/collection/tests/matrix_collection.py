"""Permission-matrix entries for the collection pages and API (merged by
core/tests/test_permission_matrix). ``other`` points at 马场镇 objects (404 for 猫场镇 staff),
``own`` at 猫场镇 ones the read-only leader can see but not change (403)."""

from __future__ import annotations

import uuid

from laborgrid.collection.models import CollectionTask, Submission
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _round(code: str) -> int:
    from laborgrid.collection.tests.helpers import make_round

    return make_round(code, opener="county", name=f"矩阵 {code}").pk


def _task(code: str) -> int:
    rnd = _round(code)
    task = CollectionTask.objects.filter(round_id=rnd).order_by("id").first()
    assert task is not None
    return task.pk


def _submission(code: str) -> uuid.UUID:
    from laborgrid.collection import services
    from laborgrid.collection.tests.helpers import FACTS

    task = CollectionTask.objects.select_related("employer", "round").get(pk=_task(code))
    assert task.assignee is not None
    sub, _created = services.submit(
        actor=task.assignee,
        task=task,
        client_uuid=uuid.uuid4(),
        outcome="collected",
        data=FACTS,
        base_snapshot_id=task.employer.current_snapshot_id,
        contact_name="张三",
        contact_confirmed=True,
    )
    return sub.pk


def _photo(code: str) -> int:
    sub = Submission.objects.select_related("submitted_by").get(pk=_submission(code))
    from laborgrid.collection import photos

    photo, _created = photos.add_photo(
        actor=sub.submitted_by,
        submission=sub,
        kind="licence",
        content=b"\xff\xd8\xff\xe0" + b"0" * 64,
        content_type="image/jpeg",
    )
    return photo.pk


def _other_round() -> int:
    return _round(MACHANG)


def _own_round() -> int:
    return _round(MAOCHANG)


def _other_task() -> int:
    return _task(MACHANG)


def _own_task() -> int:
    return _task(MAOCHANG)


def _other_submission() -> uuid.UUID:
    return _submission(MACHANG)


def _own_submission() -> uuid.UUID:
    return _submission(MAOCHANG)


def _other_photo() -> int:
    return _photo(MACHANG)


SPECS: dict[str, Spec] = {
    "collection:round_list": Spec(),
    "collection:round_create": Spec(methods=("get", "post"), writes=True),
    "collection:round_detail": Spec(other={"pk": _other_round}, own={"pk": _own_round}),
    "collection:round_close": Spec(
        other={"pk": _other_round}, own={"pk": _own_round}, methods=("post",), writes=True
    ),
    "collection:round_export": Spec(
        other={"pk": _other_round}, own={"pk": _own_round}, methods=("post",)
    ),
    "collection:task_reassign": Spec(
        other={"pk": _other_task}, own={"pk": _own_task}, methods=("get", "post"), writes=True
    ),
    "collection:my_tasks": Spec(),
    "collection:task_form": Spec(other={"pk": _other_task}, own={"pk": _own_task}),
    "collection:sync": Spec(),
    "collection:field_employer_create": Spec(methods=("get", "post"), writes=True),
    "collection:manifest": Spec(public=True),
    "collection:review_list": Spec(),
    "collection:problem_list": Spec(),
    "collection:submission_detail": Spec(
        other={"pk": _other_submission}, own={"pk": _own_submission}
    ),
    "collection:submission_approve": Spec(
        other={"pk": _other_submission},
        own={"pk": _own_submission},
        methods=("post",),
        writes=True,
    ),
    "collection:submission_return": Spec(
        other={"pk": _other_submission},
        own={"pk": _own_submission},
        methods=("post",),
        writes=True,
    ),
    "collection:photo": Spec(other={"pk": _other_photo}),
}

API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/collection/tasks"): Spec(lists={"mine": "1"}),
    ("post", "/api/v1/collection/submissions"): Spec(),
    ("post", "/api/v1/collection/submissions/{submission_id}/photos/{kind}"): Spec(
        other={"submission_id": _other_submission, "kind": "licence"}
    ),
}
