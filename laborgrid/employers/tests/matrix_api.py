"""Permission-matrix entries for the employer API (merged by core/tests/test_permission_matrix).

Keys are the OpenAPI path templates of ``/api/v1/employers``; ``other`` builds a 马场镇 record
(inside the test's transaction) and ``own`` a 猫场镇 one that the read-only leader can see.
"""

from __future__ import annotations

from laborgrid.employers.models import Worker
from laborgrid.testing.employers import make_employer, make_worker
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG_VILLAGE, MAOCHANG_VILLAGE


def _machang_employer() -> int:
    """A 马场镇 employer with one roster line (its worker is found by ``_machang_worker``)."""
    employer = make_employer(MACHANG_VILLAGE)
    make_worker(employer)
    return employer.pk


def _machang_worker() -> int:
    # Resolved after ``key`` (dict order): the roster line of the employer just built.
    worker = Worker.objects.filter(employer__grid__code=MACHANG_VILLAGE).order_by("-pk").first()
    assert worker is not None
    return worker.pk


def _maochang_employer() -> int:
    employer = make_employer(MAOCHANG_VILLAGE)
    make_worker(employer)
    return employer.pk


def _maochang_worker() -> int:
    worker = Worker.objects.filter(employer__grid__code=MAOCHANG_VILLAGE).order_by("-pk").first()
    assert worker is not None
    return worker.pk


_OTHER = {"key": _machang_employer}
_OWN = {"key": _maochang_employer}
_OTHER_WORKER = {"key": _machang_employer, "worker_id": _machang_worker}
_OWN_WORKER = {"key": _maochang_employer, "worker_id": _maochang_worker}

SPECS: dict[str, Spec] = {}
API_SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/api/v1/employers"): Spec(lists={"q": "马场"}),
    ("post", "/api/v1/employers"): Spec(methods=("post",), writes=True),
    ("get", "/api/v1/employers/{key}"): Spec(other=_OTHER, own=_OWN),
    ("patch", "/api/v1/employers/{key}"): Spec(
        other=_OTHER, own=_OWN, methods=("patch",), writes=True
    ),
    ("get", "/api/v1/employers/{key}/snapshots"): Spec(other=_OTHER, own=_OWN),
    ("post", "/api/v1/employers/{key}/snapshots"): Spec(
        other=_OTHER, own=_OWN, methods=("post",), writes=True
    ),
    ("get", "/api/v1/employers/{key}/workers"): Spec(other=_OTHER, own=_OWN),
    ("post", "/api/v1/employers/{key}/workers"): Spec(
        other=_OTHER, own=_OWN, methods=("post",), writes=True
    ),
    # Writes only an audit event; the leader may not reveal (no pii.reveal) either.
    ("post", "/api/v1/employers/{key}/workers/{worker_id}/reveal"): Spec(
        other=_OTHER_WORKER, own=_OWN_WORKER, methods=("post",)
    ),
}
