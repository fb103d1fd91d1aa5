"""Permission-matrix entries for the worker roster URLs (merged by core/tests/test_permission_matrix).

The URL kwargs are callables resolved inside each test's transaction, in order: ``pk`` builds an
employer with one worker, ``worker_id`` then names the newest worker (the one just built).
"""

from __future__ import annotations

from laborgrid.employers.models import Worker
from laborgrid.testing.employers import make_employer, make_worker
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG_VILLAGE, MAOCHANG_VILLAGE


def _employer_with_worker(grid_code: str) -> int:
    employer = make_employer(grid_code)
    make_worker(employer, phone="13800138000")
    return employer.pk


def _machang_employer() -> int:
    return _employer_with_worker(MACHANG_VILLAGE)


def _maochang_employer() -> int:
    return _employer_with_worker(MAOCHANG_VILLAGE)


def _newest_worker() -> int:
    worker = Worker.objects.order_by("-id").first()
    assert worker is not None
    return worker.pk


_OTHER = {"pk": _machang_employer}
_OWN = {"pk": _maochang_employer}
_OTHER_WORKER = {"pk": _machang_employer, "worker_id": _newest_worker}
_OWN_WORKER = {"pk": _maochang_employer, "worker_id": _newest_worker}

SPECS: dict[str, Spec] = {
    "employers:roster": Spec(other=_OTHER, own=_OWN),
    "employers:worker_create": Spec(other=_OTHER, own=_OWN, methods=("get", "post"), writes=True),
    "employers:worker_edit": Spec(
        other=_OTHER_WORKER, own=_OWN_WORKER, methods=("get", "post"), writes=True
    ),
    # Not a write, but refused like one: the leader (no pii.reveal) gets 403.
    "employers:worker_reveal": Spec(
        other=_OTHER_WORKER, own=_OWN_WORKER, methods=("post",), writes=True
    ),
    "employers:roster_import": Spec(other=_OTHER, own=_OWN, methods=("get", "post"), writes=True),
    # POST carries the number (never in a URL); results are scoped by employers_of_person.
    "employers:worker_lookup": Spec(methods=("get", "post")),
    "employers:roster_template": Spec(),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
